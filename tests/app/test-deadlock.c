/* test-deadlock.c: the .Result deadlock really freezes the window, and it comes back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run under xvfb-run. While the main thread is frozen, a helper thread of
 * this test takes X screenshots and sends a real click with xdotool, so what
 * is checked is what a class would see on the projector.
 */

#include "config.h"

#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-lesson-panel.h"
#include "aw-trace-model.h"
#include "aw-window-private.h"
#include "window-test-util.h"

#define DEADLINE_MS 1000

static AwApplication *app;
static char *tmpdir;

/* A window on the deadlock scenario, with a short watchdog. */
static AwWindow *
new_window (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);

  _aw_window_set_wait_deadline (window, DEADLINE_MS);
  aw_window_set_speed (window, 1);
  g_assert_true (aw_window_select_scenario (window, "deadlock"));
  return window;
}

static AwTraceModel *
run_variant (AwWindow *window,
             int       index)
{
  g_autoptr(GPtrArray) traces = NULL;
  gboolean finished = FALSE;
  gulong id;

  aw_window_set_variant (window, index);
  id = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  g_assert_true (test_wait_for (&finished, 20000));
  g_signal_handler_disconnect (window, id);

  traces = _aw_window_get_last_traces (window);
  g_assert_cmpuint (traces->len, ==, 1);
  return aw_trace_model_new (g_ptr_array_index (traces, 0));
}

static gint64
first_marker (AwTraceModel *model,
              AwEventKind   kind,
              const char   *text)
{
  const AwMarker *markers;
  guint n;

  markers = aw_trace_model_get_markers (model, &n);
  for (guint i = 0; i < n; i++)
    if (markers[i].kind == kind && (text == NULL || g_strcmp0 (markers[i].text, text) == 0))
      return markers[i].time_ns;
  return -1;
}

/* What the window showed when a freeze was about to begin. */
typedef struct {
  AwWindow        *window;
  guint            staged;        /* frames that said the UI thread is blocked now */
  gboolean         notice_shown;
  graphene_rect_t  run_before;    /* the Run button and the timeline before Run */
  graphene_rect_t  timeline_before;
  graphene_rect_t  run_staged;    /* and in the frame before the freeze */
  graphene_rect_t  timeline_staged;
} Staging;

static void
bounds_of (GtkWidget       *widget,
           GtkWidget       *root,
           graphene_rect_t *out)
{
  g_assert_true (gtk_widget_compute_bounds (widget, root, out));
}

/* The frame drawn after the notice changed: the freeze starts after it. */
static gboolean
on_staged_frame (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  Staging *st = data;
  GtkWidget *root = GTK_WIDGET (st->window);

  st->notice_shown = gtk_widget_get_visible (GTK_WIDGET (st->window->notice_revealer)) &&
                     g_str_has_prefix (gtk_label_get_text (st->window->notice_label),
                                       "The UI thread is blocked now");
  bounds_of (st->window->run_button, root, &st->run_staged);
  bounds_of (GTK_WIDGET (st->window->timeline_scroller), root, &st->timeline_staged);
  return G_SOURCE_REMOVE;
}

static void
on_notice_text (GtkLabel   *label,
                GParamSpec *pspec,
                Staging    *st)
{
  if (!g_str_has_prefix (gtk_label_get_text (label), "The UI thread is blocked now"))
    return;
  st->staged++;
  gtk_widget_add_tick_callback (GTK_WIDGET (st->window), on_staged_frame, st, NULL);
}

/* The last frame before the freeze is what the room sees during it: it
 * says that the UI thread is blocked now, and nothing moved to say so
 * (clicks queued during the freeze land where they were aimed). */
static void
test_staged_freeze (void)
{
  AwWindow *window = new_window ();
  Staging st = { window };
  gboolean finished = FALSE;
  gulong id, text_id;

  test_wait_ms (200);
  bounds_of (window->run_button, GTK_WIDGET (window), &st.run_before);
  bounds_of (GTK_WIDGET (window->timeline_scroller), GTK_WIDGET (window), &st.timeline_before);

  aw_window_set_variant (window, -1);
  text_id = g_signal_connect (window->notice_label, "notify::label", G_CALLBACK (on_notice_text), &st);
  id = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  g_assert_true (test_wait_for (&finished, 30000));
  g_signal_handler_disconnect (window, id);
  g_signal_handler_disconnect (window->notice_label, text_id);

  /* .Result and ConfigureAwait(false) both freeze the window: each is
   * announced as it begins; await is not. */
  g_assert_cmpuint (st.staged, ==, 2);
  g_assert_true (st.notice_shown);
  g_assert_true (graphene_rect_equal (&st.run_before, &st.run_staged));
  g_assert_true (graphene_rect_equal (&st.timeline_before, &st.timeline_staged));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->notice_revealer)));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
have_tools (void)
{
  g_autofree char *import = g_find_program_in_path ("import");
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");

  return import != NULL && xdotool != NULL && g_getenv ("DISPLAY") != NULL;
}

static void
x_screenshot (const char *path)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { "import", "-window", "root", path, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

typedef struct {
  gint      ticks;       /* bumped by the main thread at every frame */
  int       click_x;
  int       click_y;
  char     *before;
  char     *during;
  gint64    click_sent;
  gint64    not_before;  /* the freeze cannot start before the notice has been shown */
  gboolean  saw_freeze;
} Probe;

static gboolean
count_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       data)
{
  Probe *probe = data;

  g_atomic_int_inc (&probe->ticks);
  return G_SOURCE_CONTINUE;
}

/* Off the main thread: photograph the screen while the window still draws,
 * notice when its frames stop, photograph it frozen, then click. */
static gpointer
probe_thread (gpointer data)
{
  Probe *probe = data;
  gint64 give_up = g_get_monotonic_time () + 8 * G_USEC_PER_SEC;
  gint last = g_atomic_int_get (&probe->ticks);
  gint64 last_change = g_get_monotonic_time ();

  while (g_get_monotonic_time () < give_up)
    {
      gint now_ticks = g_atomic_int_get (&probe->ticks);

      if (now_ticks != last)
        {
          last = now_ticks;
          last_change = g_get_monotonic_time ();
          /* Still drawing, shortly before the freeze: the picture "just before". */
          if (last_change > probe->not_before - 500 * 1000)
            x_screenshot (probe->before);
          continue;
        }
      if (g_get_monotonic_time () - last_change > 150 * 1000 && g_get_monotonic_time () > probe->not_before)
        {
          g_autofree char *x = g_strdup_printf ("%d", probe->click_x);
          g_autofree char *y = g_strdup_printf ("%d", probe->click_y);
          const char *argv[] = { "xdotool", "mousemove", x, y, "click", "1", NULL };
          int status = 0;

          /* Click first, then photograph: a frozen window repaints nothing either way. */
          probe->saw_freeze = TRUE;
          probe->click_sent = g_get_monotonic_time ();
          g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL);
          x_screenshot (probe->during);
          break;
        }
      g_usleep (20 * 1000);
    }

  return NULL;
}

typedef struct {
  gint64   at;
  gboolean seen;
} Activation;

static void
on_sidebar_activate (GSimpleAction *action,
                     GVariant      *parameter,
                     Activation    *activation)
{
  if (!activation->seen)
    {
      activation->seen = TRUE;
      activation->at = g_get_monotonic_time ();
    }
}

static cairo_surface_t *
load_png (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

static gboolean
same_pixels (cairo_surface_t *a,
             cairo_surface_t *b)
{
  int h = cairo_image_surface_get_height (a);
  int w = cairo_image_surface_get_width (a);

  if (w != cairo_image_surface_get_width (b) || h != cairo_image_surface_get_height (b))
    return FALSE;
  for (int y = 0; y < h; y++)
    if (memcmp (cairo_image_surface_get_data (a) + y * cairo_image_surface_get_stride (a),
                cairo_image_surface_get_data (b) + y * cairo_image_surface_get_stride (b), w * 4) != 0)
      return FALSE;
  return TRUE;
}

/* The frozen band is drawn with the projector-safe yellow of the theme. */
static guint
count_yellow (cairo_surface_t *surface)
{
  unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint n = 0;

  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint32 p = *(guint32 *) (data + y * stride + x * 4);
        int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

        if (r > 200 && g > 190 && b < 120)
          n++;
      }
  return n;
}

static void
test_result_freezes (void)
{
  AwWindow *window;
  g_autoptr(AwTraceModel) model = NULL;
  g_autofree char *after = NULL;
  cairo_surface_t *before_png, *during_png, *after_png;
  GtkWidget *button;
  graphene_point_t centre;
  double sx, sy;
  const AwMetrics *m;
  Activation activation = { 0, FALSE };
  Probe probe = { 0 };
  GThread *thread;
  gint64 watchdog, stranded, freeze_end;
  guint tick_id;

  /* X screenshots and a click timed against a one-second freeze. */
  TEST_SKIP_IF_SLOW ();

  if (!have_tools ())
    {
      g_test_skip ("needs an X display, ImageMagick's import and xdotool");
      return;
    }

  window = new_window ();
  probe.before = g_build_filename (tmpdir, "before.png", NULL);
  probe.during = g_build_filename (tmpdir, "during.png", NULL);
  after = g_build_filename (tmpdir, "after.png", NULL);

  /* Where a real click on the catalogue button lands, in screen pixels
   * (no window manager: the window sits at 0,0). */
  button = _aw_window_get_sidebar_button (window);
  g_assert_true (gtk_widget_compute_point (button, GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (button) / 2.0,
                                                                 gtk_widget_get_height (button) / 2.0),
                                           &centre));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &sx, &sy);
  probe.click_x = (int) (centre.x + sx);
  probe.click_y = (int) (centre.y + sy);
  g_signal_connect (g_action_map_lookup_action (G_ACTION_MAP (window), "sidebar"), "activate",
                    G_CALLBACK (on_sidebar_activate), &activation);

  tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (window), count_tick, &probe, NULL);
  /* The run starts 1.5 s after Run, once the notice is on screen. */
  probe.not_before = g_get_monotonic_time () + 1400 * 1000;
  thread = g_thread_new ("probe", probe_thread, &probe);
  model = run_variant (window, 0);
  g_thread_join (thread);
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick_id);
  test_wait_ms (300);
  x_screenshot (after);

  m = aw_trace_model_get_metrics (model);
  g_test_message ("longest frame gap %.0f ms, %u frames missed", m->max_main_loop_gap_ms, m->frames_missed);

  /* The frame clock stopped for about the deadline, and the watchdog fired. */
  g_assert_true (m->watchdog_fired);
  g_assert_cmpfloat (m->max_main_loop_gap_ms, >=, DEADLINE_MS * 0.8);
  g_assert_cmpfloat (m->max_main_loop_gap_ms, <=, DEADLINE_MS * 1.2);

  /* The stranded callback ran right after the watchdog. */
  watchdog = first_marker (model, AW_EVENT_WATCHDOG, NULL);
  stranded = first_marker (model, AW_EVENT_MARK, "stranded callback ran");
  g_assert_cmpint (watchdog, >, 0);
  g_assert_cmpint (stranded, >=, watchdog);
  g_test_message ("stranded callback %.1f ms after the watchdog", (stranded - watchdog) / 1e6);
  g_assert_cmpint (stranded - watchdog, <=, 50 * 1000000);

  /* During the freeze the screen did not change at all. */
  g_assert_true (probe.saw_freeze);
  before_png = load_png (probe.before);
  during_png = load_png (probe.during);
  after_png = load_png (after);
  g_assert_true (same_pixels (before_png, during_png));

  /* Afterwards the timeline shows the frozen band. */
  g_assert_false (same_pixels (during_png, after_png));
  g_test_message ("%u frozen-band pixels after, %u during", count_yellow (after_png), count_yellow (during_png));
  g_assert_cmpuint (count_yellow (after_png), >, count_yellow (during_png) + 500);

  /* The click made during the freeze was handled only after it. The trace
   * counts from its start on the same monotonic clock: the watchdog marks
   * the end of the freeze. */
  g_assert_true (activation.seen);
  freeze_end = g_get_monotonic_time () - aw_trace_now (aw_trace_model_get_trace (model)) / 1000 +
               watchdog / 1000;
  g_test_message ("click sent %.0f ms before the freeze ended, handled %.0f ms after it was sent",
                  (freeze_end - probe.click_sent) / 1e3, (activation.at - probe.click_sent) / 1e3);
  g_assert_cmpint (probe.click_sent, <, freeze_end);
  g_assert_cmpint (activation.at, >=, freeze_end);

  /* The card explains what happened and the fix. */
  g_assert_nonnull (strstr (aw_lesson_panel_get_outcome (_aw_window_get_lesson_panel (window)), "Deadlock"));
  g_assert_nonnull (strstr (aw_lesson_panel_get_outcome (_aw_window_get_lesson_panel (window)), "await"));

  cairo_surface_destroy (before_png);
  cairo_surface_destroy (during_png);
  cairo_surface_destroy (after_png);
  g_free (probe.before);
  g_free (probe.during);

  /* A second run works. */
  g_clear_pointer (&model, aw_trace_model_unref);
  model = run_variant (window, 0);
  g_assert_true (aw_trace_model_get_metrics (model)->watchdog_fired);
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (100);
}

static void
test_configure_await (void)
{
  AwWindow *window = new_window ();
  g_autoptr(AwTraceModel) model = run_variant (window, 1);
  const AwMetrics *m = aw_trace_model_get_metrics (model);

  /* Blocked for about the child's 500 ms, and no deadlock. */
  g_test_message ("longest frame gap %.0f ms", m->max_main_loop_gap_ms);
  g_assert_false (m->watchdog_fired);
  if (test_timing_checked ())
    {
      g_assert_cmpfloat (m->max_main_loop_gap_ms, >=, 500 * 0.8);
      g_assert_cmpfloat (m->max_main_loop_gap_ms, <=, 500 * 1.2);
    }
  g_assert_cmpstr (m->outcome, ==, "completed");
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (100);
}

static void
test_await (void)
{
  AwWindow *window = new_window ();
  g_autoptr(AwTraceModel) model = run_variant (window, 2);
  const AwMetrics *m = aw_trace_model_get_metrics (model);

  /* The fix: the window keeps drawing frames the whole time. */
  g_test_message ("longest frame gap %.0f ms over %u frames", m->max_main_loop_gap_ms, m->frames);
  g_assert_false (m->watchdog_fired);
  if (test_timing_checked ())
    {
      g_assert_cmpuint (m->frames, >=, 5);
      g_assert_cmpfloat (m->max_main_loop_gap_ms, <, 100);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (100);
}

/* Cancel and quit pressed during a freeze queue up and are handled after it:
 * no crash, no hang. */
typedef struct {
  gint     ticks;
  gint64   not_before;
  gboolean sent;
} KeyProbe;

static gboolean
count_key_tick (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  g_atomic_int_inc (&((KeyProbe *) data)->ticks);
  return G_SOURCE_CONTINUE;
}

static gpointer
key_probe_thread (gpointer data)
{
  KeyProbe *probe = data;
  gint64 give_up = g_get_monotonic_time () + 8 * G_USEC_PER_SEC;
  gint last = g_atomic_int_get (&probe->ticks);
  gint64 last_change = g_get_monotonic_time ();

  while (g_get_monotonic_time () < give_up)
    {
      gint now_ticks = g_atomic_int_get (&probe->ticks);

      if (now_ticks != last)
        {
          last = now_ticks;
          last_change = g_get_monotonic_time ();
        }
      else if (g_get_monotonic_time () - last_change > 250 * 1000 && g_get_monotonic_time () > probe->not_before)
        {
          const char *argv[] = { "xdotool", "mousemove", "640", "400", "key", "Escape", "key", "ctrl+q", NULL };
          int status = 0;

          g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL);
          probe->sent = TRUE;
          break;
        }
      g_usleep (20 * 1000);
    }
  return NULL;
}

static void
test_quit_during_freeze (void)
{
  AwWindow *window;
  KeyProbe probe = { 0, 0, FALSE };
  gboolean destroyed = FALSE;
  GThread *thread;

  /* Keys timed against the freeze. */
  TEST_SKIP_IF_SLOW ();
  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool");
      return;
    }

  window = new_window ();
  aw_window_set_variant (window, 0);
  g_signal_connect_swapped (window, "destroy", G_CALLBACK (test_set_flag), &destroyed);
  gtk_widget_add_tick_callback (GTK_WIDGET (window), count_key_tick, &probe, NULL);
  probe.not_before = g_get_monotonic_time () + 1400 * 1000;
  thread = g_thread_new ("keys", key_probe_thread, &probe);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  g_assert_true (test_wait_for (&destroyed, 15000));
  g_thread_join (thread);
  g_assert_true (probe.sent);
  /* What the abandoned run still had to do ends quietly. */
  test_wait_ms (300);
}

/* Keys that would open another lesson or run again, pressed at the frozen
 * window (a student pressing Tab, Down, Page Down and Space while nothing
 * answers), are dropped when the freeze ends: the deadlock's results stay
 * on screen. A key pressed afterwards works again. */
static gpointer
lesson_keys_thread (gpointer data)
{
  KeyProbe *probe = data;
  gint64 give_up = g_get_monotonic_time () + 8 * G_USEC_PER_SEC;
  gint last = g_atomic_int_get (&probe->ticks);
  gint64 last_change = g_get_monotonic_time ();

  while (g_get_monotonic_time () < give_up)
    {
      gint now_ticks = g_atomic_int_get (&probe->ticks);

      if (now_ticks != last)
        {
          last = now_ticks;
          last_change = g_get_monotonic_time ();
        }
      else if (g_get_monotonic_time () - last_change > 250 * 1000 && g_get_monotonic_time () > probe->not_before)
        {
          const char *argv[] = { "xdotool", "key", "Down", "Tab", "Next", "space", "Return", NULL };
          int status = 0;

          g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL);
          probe->sent = TRUE;
          break;
        }
      g_usleep (20 * 1000);
    }
  return NULL;
}

static void
count_runs (gpointer data)
{
  (*(guint *) data)++;
}

static void
test_keys_during_freeze (void)
{
  AwWindow *window;
  KeyProbe probe = { 0, 0, FALSE };
  GtkListBoxRow *row;
  gboolean finished = FALSE;
  guint runs_finished = 0;
  guint tick_id;
  gulong id, count_id;
  GThread *thread;
  gint64 end;

  /* Keys timed against the freeze. */
  TEST_SKIP_IF_SLOW ();
  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool");
      return;
    }

  window = new_window ();
  aw_window_set_variant (window, 0);
  /* The keys go to the window under the pointer (no window manager), to
   * the deadlock's row in the list. */
  {
    const char *argv[] = { "xdotool", "mousemove", "640", "400", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  row = gtk_list_box_get_selected_row (window->scenario_list);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (row)));
  tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (window), count_key_tick, &probe, NULL);
  probe.not_before = g_get_monotonic_time () + 1400 * 1000;
  thread = g_thread_new ("keys", lesson_keys_thread, &probe);
  id = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  count_id = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (count_runs), &runs_finished);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  g_assert_true (test_wait_for (&finished, 15000));
  g_thread_join (thread);
  g_signal_handler_disconnect (window, id);
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick_id);
  g_assert_true (probe.sent);

  /* Whatever was queued has been delivered by now, and the pause after
   * which a selected lesson opens has passed. */
  test_wait_ms (1500);
  g_assert_cmpstr (aw_scenario_get_id (_aw_window_get_scenario (window)), ==, "deadlock");
  g_assert_false (_aw_window_is_running (window));
  g_assert_cmpuint (runs_finished, ==, 1);
  g_assert_cmpuint (aw_session_get_n_runs (aw_window_get_session (window)), ==, 1);
  g_assert_nonnull (strstr (aw_lesson_panel_get_outcome (_aw_window_get_lesson_panel (window)), "Deadlock"));

  /* Once the window answers, the same key is handled. */
  end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  {
    const char *argv[] = { "xdotool", "key", "Next", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  while (g_strcmp0 (aw_scenario_get_id (_aw_window_get_scenario (window)), "deadlock") == 0 &&
         g_get_monotonic_time () < end)
    test_wait_ms (20);
  g_assert_cmpstr (aw_scenario_get_id (_aw_window_get_scenario (window)), !=, "deadlock");

  g_signal_handler_disconnect (window, count_id);
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (100);
}

/* A loop of short blocks (each under the notice's threshold, 3 s in all)
 * is announced by its total, and the window's Cancel, queued while the UI
 * thread is blocked, ends it at the next block boundary: the loop gets a
 * turn every half second. */
static gboolean
press_cancel (gpointer data)
{
  gtk_widget_activate_action (GTK_WIDGET (data), "win.cancel", NULL);
  return G_SOURCE_REMOVE;
}

static void
on_first_notice (GtkLabel   *label,
                 GParamSpec *pspec,
                 char      **first)
{
  if (*first == NULL && gtk_widget_get_visible (gtk_widget_get_parent (GTK_WIDGET (label))))
    *first = g_strdup (gtk_label_get_text (label));
}

static void
test_loop_of_blocks (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  g_autofree char *path = g_build_filename (tmpdir, "loop.json", NULL);
  g_autofree char *first = NULL;
  const AwNamedRun *runs;
  gboolean finished = FALSE;
  gulong id, text_id;
  gint64 start;
  double elapsed_ms;
  guint n_runs;

  g_assert_true (g_file_set_contents (path,
    "{ \"id\": \"loop-of-blocks\", \"title\": \"Thread.Sleep in a loop\", \"part\": 1, \"narration\": \"n\",\n"
    "  \"csharp\": \"c\", \"c\": \"c\", \"variants\": [ { \"name\": \"loop\", \"title\": \"Loop\", \"program\":\n"
    "  { \"type\": \"repeat\", \"count\": 30, \"child\": { \"type\": \"block_ui\", \"ms\": 100, \"name\": \"Thread.Sleep(100)\" } } } ] }\n",
    -1, NULL));
  aw_window_set_speed (window, 1);
  g_assert_true (aw_window_open_file (window, path));
  text_id = g_signal_connect (window->notice_label, "notify::label", G_CALLBACK (on_first_notice), &first);
  id = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  start = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  /* The notice stays up 1.5 s before the run starts; Cancel comes 0.5 s
   * into the 3 s of blocks. */
  g_timeout_add (2000, press_cancel, window);
  g_assert_true (test_wait_for (&finished, 15000));
  elapsed_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_signal_handler_disconnect (window, id);
  g_signal_handler_disconnect (window->notice_label, text_id);

  g_test_message ("notice: %s; run ended %.0f ms after Run", first, elapsed_ms);
  g_assert_nonnull (first);
  g_assert_nonnull (strstr (first, "about 3.00 s"));
  runs = aw_session_get_runs (aw_window_get_session (window), &n_runs);
  g_assert_cmpuint (n_runs, ==, 1);
  g_assert_true (g_str_has_prefix (aw_trace_model_get_metrics (runs[0].model)->outcome, "cancelled"));
  /* Uncancelled it would end 4.5 s after Run. */
  if (test_timing_checked ())
    g_assert_cmpfloat (elapsed_ms, <, 3500);

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (100);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  if (!test_app_init (&argc, &argv))
    return 0;
  tmpdir = g_dir_make_tmp ("awaitscope-deadlock-XXXXXX", NULL);

  app = test_app_new ();

  g_test_add_func ("/aw/app/deadlock/result-freezes", test_result_freezes);
  g_test_add_func ("/aw/app/deadlock/configure-await", test_configure_await);
  g_test_add_func ("/aw/app/deadlock/await", test_await);
  g_test_add_func ("/aw/app/deadlock/quit-during-freeze", test_quit_during_freeze);
  g_test_add_func ("/aw/app/deadlock/staged-freeze", test_staged_freeze);
  g_test_add_func ("/aw/app/deadlock/keys-during-freeze", test_keys_during_freeze);
  g_test_add_func ("/aw/app/deadlock/loop-of-blocks", test_loop_of_blocks);

  ret = test_app_run (&app);
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name (dir)))
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
