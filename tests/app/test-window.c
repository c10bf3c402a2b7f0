/* test-window.c: the window, driven as a user drives it (run under xvfb-run)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-format.h"
#include "aw-lesson-panel.h"
#include "aw-summary.h"
#include "aw-timeline-view.h"
#include "aw-window-private.h"
#include "window-test-util.h"

static AwApplication *app;

/* Iterates the main loop until *flag or a timeout; returns whether *flag. */

static void
close_window (AwWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

static void
test_default (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  AwTimelineView *timeline = aw_window_get_timeline (window);

  /* Opens on the default scenario, ready to run. */
  g_assert_cmpstr (aw_scenario_get_id (_aw_window_get_scenario (window)), ==, "when-all");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "One by one vs Task.WhenAll");
  g_assert_true (gtk_widget_get_sensitive (_aw_window_get_run_button (window)));
  g_assert_false (gtk_widget_get_sensitive (_aw_window_get_cancel_button (window)));
  g_assert_cmpuint (aw_timeline_view_get_n_runs (timeline), ==, 0);
  g_assert_true (g_str_has_prefix (aw_lesson_panel_get_outcome (_aw_window_get_lesson_panel (window)),
                                   "Not run yet"));
  close_window (window);
}

static void
test_accessible (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  GtkWidget *timeline = GTK_WIDGET (aw_window_get_timeline (window));

  gtk_test_accessible_assert_role (_aw_window_get_run_button (window), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_role (_aw_window_get_cancel_button (window), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_role (timeline, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (timeline, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Timeline: One by one vs Task.WhenAll");
  gtk_test_accessible_assert_property (timeline, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Not run yet");
  g_assert_true (gtk_widget_get_focusable (timeline));
  close_window (window);
}

static void
test_run_compare (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  AwTimelineView *timeline = aw_window_get_timeline (window);
  g_autoptr(GPtrArray) traces = NULL;
  g_autofree char *expected = NULL;
  const char *card;
  GPtrArray *models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  AwNamedRun variants[2];

  aw_window_set_speed (window, 4);
  aw_window_set_variant (window, -1);
  g_assert_true (test_run_and_wait (window, 30000));

  /* Both variants ran: task rows in the timeline and an outcome card. */
  g_assert_cmpuint (aw_timeline_view_get_n_runs (timeline), ==, 2);
  g_assert_cmpuint (aw_timeline_view_get_n_tasks (timeline), ==, 8);
  card = aw_lesson_panel_get_outcome (_aw_window_get_lesson_panel (window));
  g_test_message ("card: %s", card);
  g_assert_nonnull (strstr (card, "WhenAll"));
  if (test_timing_checked ())
    g_assert_nonnull (strstr (card, "faster"));
  g_assert_true (gtk_widget_get_sensitive (_aw_window_get_run_button (window)));

  /* A screen reader is told the end of the run: the card's headline and
   * the verdict, from a status element. */
  {
    const char *announced = _aw_window_get_announcement (window);
    g_auto(GStrv) lines = g_strsplit (card, "\n", 2);
    g_autofree char *finished = g_strdup_printf ("Finished: %s.", lines[0]);

    g_test_message ("announced: %s", announced);
    g_assert_true (g_str_has_prefix (announced, finished));
    g_assert_nonnull (strstr (announced, "xpected outcome"));
  }

  /* The replay slider reads as its label shows it: "2.40 s of 2.40 s". */
  {
    gint64 end = aw_session_get_replay_end (aw_window_get_session (window));
    g_autofree char *pos_text = aw_format_duration_as (end / 1e6, end / 1e6);
    g_autofree char *end_text = aw_format_duration (end / 1e6);
    g_autofree char *spoken = g_strdup_printf ("%s of %s", pos_text, end_text);

    g_assert_cmpint (end, >, 0);
    gtk_test_accessible_assert_property (_aw_window_get_replay_scale (window),
                                         GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, spoken);
  }

  /* The accessible description summarises what ran. */
  traces = _aw_window_get_last_traces (window);
  g_assert_cmpuint (traces->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      AwTraceModel *model = aw_trace_model_new (g_ptr_array_index (traces, i));
      g_ptr_array_add (models, model);
      variants[i].name = aw_trace_get_metadata (g_ptr_array_index (traces, i), "variant");
      variants[i].title = aw_trace_get_metadata (g_ptr_array_index (traces, i), "variant_title");
      variants[i].model = model;
    }
  expected = aw_summary_accessible (variants, 2);
  g_assert_nonnull (strstr (expected, "\u201cOne by one\u201d took "));
  g_assert_nonnull (strstr (expected, "its 4 tasks all completed"));
  gtk_test_accessible_assert_property (GTK_WIDGET (timeline), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected);

  g_ptr_array_unref (models);
  close_window (window);
}

/* The heartbeat lane is fed by the frame clock while a run is live. */
static void
test_heartbeat (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  g_autoptr(GPtrArray) traces = NULL;
  g_autoptr(AwTraceModel) model = NULL;
  const AwMetrics *m;

  aw_window_set_speed (window, 1);
  aw_window_set_variant (window, 1);
  g_assert_true (test_run_and_wait (window, 10000));
  traces = _aw_window_get_last_traces (window);
  g_assert_cmpuint (traces->len, ==, 1);
  model = aw_trace_model_new (g_ptr_array_index (traces, 0));
  m = aw_trace_model_get_metrics (model);
  g_test_message ("%u frames in %.0f ms, longest gap %.1f ms", m->frames, m->wall_ms, m->max_main_loop_gap_ms);
  /* A responsive loop draws many frames in a second, with no long gap. */
  if (test_timing_checked ())
    {
      g_assert_cmpuint (m->frames, >=, 10);
      g_assert_cmpfloat (m->max_main_loop_gap_ms, <, 250);
    }
  close_window (window);
}

static void
test_cancel (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  g_autoptr(GPtrArray) traces = NULL;
  g_autoptr(AwTraceModel) model = NULL;
  const AwMarker *markers;
  const AwMetrics *m;
  gboolean finished = FALSE;
  guint n_markers;
  gint64 cancel_ns = -1, end_ns;
  const char *card;

  g_assert_true (aw_window_select_scenario (window, "cancel"));
  aw_window_set_speed (window, 1);
  aw_window_set_variant (window, 1);   /* no deadline: only the user can cancel */
  g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  test_wait_ms (400);
  g_assert_true (_aw_window_is_running (window));
  g_assert_true (gtk_widget_get_sensitive (_aw_window_get_cancel_button (window)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL);
  g_assert_true (test_wait_for (&finished, 5000));

  traces = _aw_window_get_last_traces (window);
  model = aw_trace_model_new (g_ptr_array_index (traces, 0));
  m = aw_trace_model_get_metrics (model);
  markers = aw_trace_model_get_markers (model, &n_markers);
  for (guint i = 0; i < n_markers; i++)
    if (markers[i].kind == AW_EVENT_CANCEL_REQUEST && cancel_ns < 0)
      cancel_ns = markers[i].time_ns;
  end_ns = aw_trace_model_get_end_ns (model);
  g_assert_cmpint (cancel_ns, >, 0);
  g_test_message ("stopped %.1f ms after Cancel", (end_ns - cancel_ns) / 1e6);
  /* Every task stopped within 100 ms of the click. */
  if (test_timing_checked ())
    g_assert_cmpint (end_ns - cancel_ns, <=, 100 * 1000000);
  g_assert_cmpuint (m->cancelled, ==, 3);

  card = aw_lesson_panel_get_outcome (_aw_window_get_lesson_panel (window));
  g_test_message ("card: %s", card);
  g_assert_true (g_str_has_prefix (card, "Cancelled by you at "));
  g_assert_nonnull (strstr (card, "You pressed Cancel after"));
  g_assert_nonnull (strstr (card, "3 tasks stopped, 0 kept running"));
  /* A screen reader hears that the run was cancelled, not that it finished. */
  g_test_message ("announced: %s", _aw_window_get_announcement (window));
  g_assert_true (g_str_has_prefix (_aw_window_get_announcement (window), "Cancelled: "));
  close_window (window);
}

/* A variant starts once the window has drawn the run's new state; Cancel
 * pressed before that cancels the variant as it starts, and nothing runs
 * its full length. */
static void
test_cancel_before_start (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  g_autoptr(GPtrArray) traces = NULL;
  g_autoptr(AwTraceModel) model = NULL;
  gboolean finished = FALSE;
  gint64 t0;

  g_assert_true (aw_window_select_scenario (window, "cancel"));
  aw_window_set_speed (window, 1);
  aw_window_set_variant (window, 1);   /* no deadline: 2 s unless cancelled */
  g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  t0 = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL);
  g_assert_true (test_wait_for (&finished, 5000));
  g_test_message ("finished %.0f ms after Run", (g_get_monotonic_time () - t0) / 1e3);

  traces = _aw_window_get_last_traces (window);
  g_assert_cmpuint (traces->len, ==, 1);
  model = aw_trace_model_new (g_ptr_array_index (traces, 0));
  g_assert_cmpuint (aw_trace_model_get_metrics (model)->cancelled, ==, 3);
  g_assert_cmpuint (aw_trace_model_get_metrics (model)->completed, ==, 0);
  if (test_timing_checked ())
    g_assert_cmpint (g_get_monotonic_time () - t0, <, 1000 * 1000);
  close_window (window);
}

static void
test_open_file (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  g_autofree char *bad = g_test_build_filename (G_TEST_DIST, "fixtures", "bad", "negative-ms.json", NULL);
  g_autofree char *good = g_test_build_filename (G_TEST_DIST, "fixtures", "good", "minimal.json", NULL);
  g_autofree char *where = g_strdup_printf ("%s:13:25:", bad);

  g_assert_true (aw_window_select_scenario (window, "when-all"));
  /* A broken file: a clear message with file, line and column; nothing changes. */
  g_assert_false (aw_window_open_file (window, bad));
  g_assert_nonnull (_aw_window_get_error (window));
  g_assert_true (g_str_has_prefix (_aw_window_get_error (window), where));
  g_assert_cmpstr (aw_scenario_get_id (_aw_window_get_scenario (window)), ==, "when-all");

  /* A good file runs like a built-in scenario. */
  g_assert_true (aw_window_open_file (window, good));
  g_assert_null (_aw_window_get_error (window));
  g_assert_cmpstr (aw_scenario_get_id (_aw_window_get_scenario (window)), ==, "fixture");
  g_assert_true (test_run_and_wait (window, 10000));
  g_assert_cmpuint (aw_timeline_view_get_n_tasks (aw_window_get_timeline (window)), ==, 1);
  close_window (window);
}

/* Export the picture and the trace, then open the trace again. */
static void
test_export_and_open_trace (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  g_autofree char *dir = g_dir_make_tmp ("awaitscope-window-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "runs.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "runs.svg", NULL);
  g_autofree char *trace = g_build_filename (dir, "runs.json", NULL);
  g_autofree char *broken = g_test_build_filename (G_TEST_DIST, "fixtures", "traces", "bad-kind.json", NULL);
  AwTimelineView *timeline = aw_window_get_timeline (window);
  cairo_surface_t *surface;

  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_speed (window, 4);
  aw_window_set_variant (window, -1);
  g_assert_true (test_run_and_wait (window, 30000));

  g_assert_true (aw_window_export_image (window, png));
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 1280);
  cairo_surface_destroy (surface);
  g_assert_true (aw_window_export_image (window, svg));
  g_assert_true (aw_window_export_trace (window, trace));

  /* A broken trace is explained and changes nothing. */
  g_assert_false (aw_window_open_trace (window, broken));
  g_assert_true (g_str_has_prefix (_aw_window_get_error (window), broken));
  g_assert_cmpuint (aw_timeline_view_get_n_runs (timeline), ==, 2);

  /* Switch away, then open the saved trace: the same runs, ready to replay. */
  g_assert_true (aw_window_select_scenario (window, "cancel"));
  g_assert_cmpuint (aw_timeline_view_get_n_runs (timeline), ==, 0);
  g_assert_true (aw_window_open_trace (window, trace));
  g_assert_null (_aw_window_get_error (window));
  g_assert_cmpuint (aw_timeline_view_get_n_runs (timeline), ==, 2);
  g_assert_cmpuint (aw_timeline_view_get_n_tasks (timeline), ==, 8);
  if (test_timing_checked ())
    g_assert_nonnull (strstr (aw_lesson_panel_get_outcome (_aw_window_get_lesson_panel (window)), "faster"));
  aw_window_step (window, -1);
  g_assert_cmpint (_aw_window_get_replay_position (window), >, 0);

  g_unlink (png);
  g_unlink (svg);
  g_unlink (trace);
  g_rmdir (dir);
  close_window (window);
}

/* Switching scenarios and closing the window during a run are safe. */
static void
test_switch_and_close_during_run (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);

  aw_window_set_speed (window, 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  test_wait_ms (150);
  g_assert_true (aw_window_select_scenario (window, "cancel"));
  g_assert_false (_aw_window_is_running (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  test_wait_ms (150);
  g_assert_true (_aw_window_is_running (window));
  close_window (window);
  /* The abandoned runs finish in the background without touching the window. */
  test_wait_ms (700);
}

/* The session holds what the window shows; the widgets follow it. */
static void
test_session (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  AwSession *session = aw_window_get_session (window);
  AwTimelineView *timeline = aw_window_get_timeline (window);
  GtkWidget *replay_bar = window->replay_bar;
  g_autoptr(AwSession) property = NULL;
  AwTimeSpan span = { 0, 500 * G_TIME_SPAN_MILLISECOND * 1000 };
  AwTimeSpan shown;

  g_object_get (window, "session", &property, NULL);
  g_assert_true (property == session);
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  g_assert_true (aw_session_get_scenario (session) == NULL);
  g_assert_cmpuint (aw_session_get_n_runs (session), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (replay_bar));

  aw_window_set_speed (window, 4);
  g_assert_cmpfloat (aw_session_get_speed (session), ==, 4);
  aw_window_set_variant (window, 0);
  g_assert_true (test_run_and_wait (window, 30000));
  g_assert_false (aw_session_get_running (session));
  g_assert_cmpuint (aw_session_get_n_runs (session), ==, 1);
  g_assert_cmpstr (aw_session_get_title (session), ==, "One by one vs Task.WhenAll");
  g_assert_true (aw_session_get_scenario (session) == _aw_window_get_scenario (window));
  g_assert_true (aw_session_get_can_replay (session));
  g_assert_true (gtk_widget_get_sensitive (replay_bar));
  g_assert_cmpint (aw_session_get_replay_end (session), >, 0);

  /* The playhead. */
  aw_window_step (window, -1);
  g_assert_cmpint (aw_session_get_replay_position (session), ==, _aw_window_get_replay_position (window));
  g_assert_cmpint (aw_session_get_replay_position (session), >, 0);

  /* The view, both ways. */
  g_assert_null (aw_session_get_view (session));
  aw_session_set_view (session, &span);
  g_assert_true (aw_timeline_view_get_view_span (timeline, &shown));
  g_assert_cmpint (shown.begin_ns, ==, span.begin_ns);
  g_assert_cmpint (shown.end_ns, ==, span.end_ns);
  aw_timeline_view_zoom (timeline, 2, -1);
  g_assert_nonnull (aw_session_get_view (session));
  g_assert_cmpint (aw_time_span_get_duration (aw_session_get_view (session)), <, aw_time_span_get_duration (&span));
  aw_timeline_view_fit (timeline);
  g_assert_null (aw_session_get_view (session));

  /* The text size. */
  aw_session_set_text_scale (session, 1.5);
  g_assert_cmpfloat (aw_timeline_view_get_text_scale (timeline), ==, 1.5);
  aw_session_set_text_scale (session, 1.0);

  close_window (window);
}

/* The theme, text size, speed and Compare are the settings' actions: the
 * window follows the settings, and the header bar writes them. */
static void
test_settings_actions (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  AwSession *session = aw_window_get_session (window);
  GSettings *settings = aw_application_get_settings (app);
  const char *keys[] = { "theme", "text-scale", "speed", "compare" };

  if (settings == NULL)
    {
      close_window (window);
      g_test_skip ("needs the settings schema");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), keys[i]));

  g_settings_set_string (settings, "theme", "dark");
  g_assert_cmpstr (aw_session_get_theme (session), ==, "dark");
  g_assert_cmpstr (aw_timeline_view_get_theme (aw_window_get_timeline (window))->name, ==, "dark");
  g_settings_reset (settings, "theme");
  g_assert_cmpstr (aw_session_get_theme (session), ==, "light");

  aw_window_set_speed (window, 0.5);
  g_assert_cmpfloat (g_settings_get_double (settings, "speed"), ==, 0.5);
  g_assert_cmpfloat (aw_session_get_speed (session), ==, 0.5);
  aw_window_set_speed (window, 3);   /* not in the menu: applies, is not kept */
  g_assert_cmpfloat (aw_session_get_speed (session), ==, 3);
  g_assert_cmpfloat (g_settings_get_double (settings, "speed"), ==, 0.5);
  g_settings_reset (settings, "speed");
  g_assert_cmpfloat (aw_session_get_speed (session), ==, 1);

  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_variant (window, 1);
  g_assert_false (g_settings_get_boolean (settings, "compare"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "compare", NULL);
  g_assert_true (g_settings_get_boolean (settings, "compare"));
  aw_window_set_variant (window, 0);
  g_assert_false (g_settings_get_boolean (settings, "compare"));
  aw_window_set_variant (window, -1);
  g_assert_true (g_settings_get_boolean (settings, "compare"));

  close_window (window);
}

int
main (int    argc,
      char **argv)
{
  if (!test_app_init (&argc, &argv))
    return 0;

  app = test_app_new ();

  g_test_add_func ("/aw/app/window/default", test_default);
  g_test_add_func ("/aw/app/window/accessible", test_accessible);
  g_test_add_func ("/aw/app/window/run-compare", test_run_compare);
  g_test_add_func ("/aw/app/window/heartbeat", test_heartbeat);
  g_test_add_func ("/aw/app/window/cancel-before-start", test_cancel_before_start);
  g_test_add_func ("/aw/app/window/cancel", test_cancel);
  g_test_add_func ("/aw/app/window/open-file", test_open_file);
  g_test_add_func ("/aw/app/window/switch-and-close", test_switch_and_close_during_run);
  g_test_add_func ("/aw/app/window/export-and-open-trace", test_export_and_open_trace);
  g_test_add_func ("/aw/app/window/session", test_session);
  g_test_add_func ("/aw/app/window/settings-actions", test_settings_actions);

  return test_app_run (&app);
}
