/* test-csharp.c: the window runs a C# program of the user's own (under xvfb-run)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Open C# File compiles and runs the file on Mono in the background: the
 * window keeps drawing meanwhile, its runs are then shown in the timeline,
 * the task table and the outcome card; a file that does not compile is
 * explained in the banner with its line and column; Cancel kills a program
 * that would run on. Skips without mcs or mono.
 */

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "aw-csharp.h"
#include "aw-lesson-panel.h"
#include "aw-task-table.h"
#include "aw-timeline-view.h"
#include "aw-window-private.h"
#include "window-test-util.h"

static AwApplication *app;

static void
close_window (AwWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

static char *
fixture (const char *name)
{
  return g_build_filename (AW_SOURCE_ROOT, "tests", "fixtures", "csharp-limits", name, NULL);
}

/* Iterates the main loop until the C# program has ended, counting the
 * frames the window drew meanwhile. */
static gboolean
wait_csharp (AwWindow *window,
             guint     timeout_ms,
             guint    *frames)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gint64 start = g_get_monotonic_time ();
  gint64 first = clock ? gdk_frame_clock_get_frame_counter (clock) : 0;

  while (_aw_window_csharp_running (window) &&
         g_get_monotonic_time () - start < (gint64) timeout_ms * 1000)
    {
      gtk_widget_queue_draw (GTK_WIDGET (window));
      test_wait_ms (20);
    }
  if (frames != NULL)
    *frames = clock ? (guint) (gdk_frame_clock_get_frame_counter (clock) - first) : 0;
  return !_aw_window_csharp_running (window);
}

static void
test_open_csharp (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  g_autofree char *orders = g_build_filename (AW_SOURCE_ROOT, "csharp", "examples", "orders.cs", NULL);
  AwTimelineView *timeline = aw_window_get_timeline (window);
  gboolean finished = FALSE;
  guint frames = 0;

  g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  aw_window_set_speed (window, 4);
  g_assert_true (aw_window_open_csharp (window, orders));
  /* Running: Cancel is offered, Run is not, the timeline says what it waits for. */
  g_assert_true (_aw_window_is_running (window));
  g_assert_true (gtk_widget_is_sensitive (window->cancel_button) || gtk_widget_get_visible (window->cancel_button));
  g_assert_true (wait_csharp (window, 120000, &frames));
  g_assert_null (_aw_window_get_error (window));
  g_assert_true (finished);
  /* The window went on drawing while mcs and Mono worked. */
  g_assert_cmpuint (frames, >, 5);

  /* Its five variants, drawn and listed as a loaded trace's runs. */
  g_assert_cmpuint (aw_timeline_view_get_n_runs (timeline), ==, 5);
  g_assert_cmpuint (aw_timeline_view_get_n_tasks (timeline), >=, 10);
  g_assert_cmpuint (aw_task_table_get_n_rows (window->table), >=, 10);
  g_assert_nonnull (strstr (gtk_label_get_text (window->subtitle_label), "orders.cs"));
  g_assert_nonnull (aw_lesson_panel_get_outcome (window->lesson));
  g_assert_false (_aw_window_is_running (window));
  /* AW_TEST_PAUSE_MS: time to take a picture of the window by hand. */
  if (g_getenv ("AW_TEST_PAUSE_MS") != NULL)
    test_wait_ms ((guint) g_ascii_strtoull (g_getenv ("AW_TEST_PAUSE_MS"), NULL, 10));
  close_window (window);
}

static void
test_compile_error (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  g_autofree char *bad = fixture ("bad.cs");
  const char *error;

  g_assert_true (aw_window_open_csharp (window, bad));
  g_assert_true (wait_csharp (window, 120000, NULL));
  error = _aw_window_get_error (window);
  g_assert_nonnull (error);
  /* The file, line and column, as a compiler says them. */
  g_assert_true (g_str_has_prefix (error, "bad.cs:9:8: error CS1525:"));
  g_assert_true (gtk_revealer_get_reveal_child (window->error_revealer));
  g_assert_cmpstr (gtk_label_get_text (window->error_label), ==, error);
  g_assert_false (_aw_window_is_running (window));
  /* Nothing ran: the title is the lesson's again, which Run runs. */
  g_assert_cmpstr (gtk_label_get_text (window->title_label), ==,
                   aw_scenario_get_title (_aw_window_get_scenario (window)));
  if (g_getenv ("AW_TEST_PAUSE_MS") != NULL)
    test_wait_ms ((guint) g_ascii_strtoull (g_getenv ("AW_TEST_PAUSE_MS"), NULL, 10));
  close_window (window);
}

static void
test_cancel_csharp (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  g_autofree char *spin = fixture ("spin.cs");
  gint64 start;

  /* Compiled first, so that Cancel meets the program, not mcs. */
  g_assert_true (aw_window_open_csharp (window, spin));
  test_wait_ms (2500);
  g_assert_true (_aw_window_csharp_running (window));
  start = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL));
  g_assert_true (wait_csharp (window, 5000, NULL));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  /* Stopped by the user: no error, nothing running. */
  g_assert_null (_aw_window_get_error (window));
  g_assert_false (_aw_window_is_running (window));
  close_window (window);
}

static void
test_close_during_csharp (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  g_autofree char *spin = fixture ("spin.cs");

  g_assert_true (aw_window_open_csharp (window, spin));
  test_wait_ms (300);
  /* Closing the window kills the program; nothing is shown afterwards. */
  close_window (window);
  test_wait_ms (1000);
}

static void
test_no_mono (void)
{
  g_test_skip ("mcs or mono is not installed");
}

int
main (int    argc,
      char **argv)
{
  if (!test_app_init (&argc, &argv))
    return 0;

  app = test_app_new ();
  if (!aw_csharp_have_mono (NULL))
    {
      g_test_add_func ("/aw/app/csharp/no-mono", test_no_mono);
      return test_app_run (&app);
    }

  g_test_add_func ("/aw/app/csharp/open", test_open_csharp);
  g_test_add_func ("/aw/app/csharp/compile-error", test_compile_error);
  g_test_add_func ("/aw/app/csharp/cancel", test_cancel_csharp);
  g_test_add_func ("/aw/app/csharp/close-during-run", test_close_during_csharp);

  return test_app_run (&app);
}
