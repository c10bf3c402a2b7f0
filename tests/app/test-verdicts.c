/* test-verdicts.c: what the outcome card says about a run, as a class reads it (run under xvfb-run)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every bundled scenario run in the window meets its expected outcome, as
 * it does headless: the window's own drawing must not make a lesson's
 * claim false. The card says when the run was cancelled by the user, when
 * the main claim was not checked, and which check failed by how much.
 */

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-catalog.h"
#include "aw-lesson-panel.h"
#include "aw-screenshot.h"
#include "aw-verdict.h"
#include "aw-window-private.h"
#include "window-test-util.h"
#include "../test-timing.h"

static AwApplication *app;

/* Speed 2 halves the time; the scenarios whose claims are a few
 * milliseconds of main-loop work, or a UI thread blocked for a measured
 * time, run at speed 1, as in tests/scenarios/test-scenarios.c. */
static double
speed_for (const char *id)
{
  static const char * const at_one[] = {
    "await-vs-block", "async-not-a-thread", "valuetask", "needless-async",
  };

  for (guint i = 0; i < G_N_ELEMENTS (at_one); i++)
    if (g_str_equal (id, at_one[i]))
      return 1;
  return 2;
}

static void
log_verdict (AwWindow *window)
{
  AwSession *session = aw_window_get_session (window);
  const AwNamedRun *runs;
  guint n_runs;
  g_autoptr(AwVerdict) verdict = NULL;

  runs = aw_session_get_runs (session, &n_runs);
  verdict = aw_verdict_check (_aw_window_get_scenario (window), runs, n_runs);
  for (guint i = 0; i < verdict->checks->len; i++)
    {
      const AwCheck *c = g_ptr_array_index (verdict->checks, i);

      g_test_message ("  %-11s %s", aw_check_status_to_string (c->status), c->text);
    }
}

/* With AW_TEST_SCREENSHOTS=DIR, the window is saved there as NAME.png, to
 * look at the card as a class would. */
static void
maybe_screenshot (AwWindow   *window,
                  const char *name)
{
  const char *dir = g_getenv ("AW_TEST_SCREENSHOTS");
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    return;
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  test_wait_ms (200);
  if (!aw_screenshot_save_widget (GTK_WIDGET (window), path, 1, &error))
    g_test_message ("no screenshot: %s", error->message);
}

static const char *
card_of (AwWindow *window)
{
  return aw_lesson_panel_get_outcome (_aw_window_get_lesson_panel (window));
}

/* Runs @variant of @id (-1: every variant) in the window and returns the
 * card's text. */
static char *
run_in_window (AwWindow   *window,
               const char *id,
               int         variant,
               double      speed)
{
  g_assert_true (aw_window_select_scenario (window, id));
  aw_window_set_speed (window, speed);
  aw_window_set_variant (window, variant);
  g_assert_true (test_run_and_wait (window, 60000));
  test_wait_ms (50);
  return g_strdup (card_of (window));
}

/* Every bundled scenario meets its expected outcome in the window, as it
 * does headless. */
static void
test_scenario_met (gconstpointer data)
{
  const char *id = data;
  AwWindow *window;
  g_autofree char *card = NULL;
  g_autofree char *shot = g_strconcat ("met-", id, NULL);

  TEST_SKIP_IF_SLOW ();
  window = test_window_new (app, 1024, 768);
  card = run_in_window (window, id, -1, speed_for (id));
  g_test_message ("%s at speed %g:\n%s", id, speed_for (id), card);
  log_verdict (window);
  /* Timing claims are real measurements on a machine others may be using
   * (two parallel computations need two free cores): a claim missed once
   * is run again, and must hold then. One the window itself breaks fails
   * every time. */
  if (strstr (card, "NOT met") != NULL)
    {
      g_free (card);
      card = run_in_window (window, id, -1, speed_for (id));
      g_test_message ("again:\n%s", card);
      log_verdict (window);
    }
  maybe_screenshot (window, shot);
  g_assert_nonnull (strstr (card, "\nExpected outcome met ("));
  g_assert_null (strstr (card, "NOT met"));
  g_assert_null (strstr (card, "Not met"));
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* Escape during a run: the card says first that the user cancelled it, and
 * does not judge it. */
static void
test_cancelled (void)
{
  AwWindow *window = test_window_new (app, 1024, 768);
  gboolean finished = FALSE;
  const char *card;
  gulong id;

  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_speed (window, 1);
  aw_window_set_variant (window, -1);
  id = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  test_wait_ms (700);
  g_assert_true (_aw_window_is_running (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL);
  g_assert_true (test_wait_for (&finished, 10000));
  g_signal_handler_disconnect (window, id);
  test_wait_ms (50);

  card = card_of (window);
  g_test_message ("card:\n%s", card);
  maybe_screenshot (window, "cancelled");
  /* First, in so many words; "One by one" was cut short, "WhenAll" never ran. */
  g_assert_true (g_str_has_prefix (card, "Cancelled by you at "));
  g_assert_nonnull (strstr (card, ": the rest was not run, so the expected outcome was not checked\n"));
  g_assert_nonnull (strstr (card, "\n\u201cOne by one\u201d was cancelled by you after "));
  g_assert_nonnull (strstr (card, " cancelled"));
  g_assert_nonnull (strstr (card, "You pressed Cancel after"));
  g_assert_null (strstr (card, "NOT met"));
  g_assert_null (strstr (card, "Not met"));
  g_assert_null (strstr (card, "Expected outcome met"));
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* WhenAll alone cannot check the comparison the lesson is about: the card
 * never says "met", and says what to run. */
static void
test_one_variant (void)
{
  AwWindow *window = test_window_new (app, 1024, 768);
  g_autofree char *card = run_in_window (window, "when-all", 1, 2);

  g_test_message ("card:\n%s", card);
  maybe_screenshot (window, "one-variant");
  g_assert_null (strstr (card, "Expected outcome met"));
  /* First: the verdict is the news. */
  g_assert_true (g_str_has_prefix (card, "Main claim not checked: \u201cOne by one\u201d was not run; "
                                         "the 2 checks that ran held\n"));
  g_assert_nonnull (strstr (card, "\nRun Compare all to check the main claim: \u201cWhenAll\u201d: wall time "
                                  "at most 0.50x that of \u201cOne by one\u201d."));
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* A run that misses its expected outcome: the card opens with it, and says
 * which checks failed and by how much (a user's file whose claims are
 * wrong: a 0.3 s freeze claimed to last 0.6 s and to need the watchdog). */
static void
test_failed_checks (void)
{
  AwWindow *window = test_window_new (app, 1024, 768);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "verdicts", "not-met.json", NULL);
  g_autofree char *card = NULL;

  g_assert_true (aw_window_open_file (window, path));
  aw_window_set_speed (window, 1);
  aw_window_set_variant (window, -1);
  g_assert_true (test_run_and_wait (window, 60000));
  test_wait_ms (50);
  card = g_strdup (card_of (window));
  g_test_message ("card:\n%s", card);
  maybe_screenshot (window, "not-met");
  g_assert_true (g_str_has_prefix (card, "Expected outcome NOT met (2 of 3 checks failed)"));
  g_assert_nonnull (strstr (card, "\nNot met: \u201cFreeze\u201d: watchdog fired no; expected yes"));
  g_assert_nonnull (strstr (card, "\nNot met: \u201cFreeze\u201d: longest main-loop gap "));
  g_assert_nonnull (strstr (card, "; expected at least 600 ms: "));
  g_assert_nonnull (strstr (card, " short"));
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

static GtkWindow *
find_dialog (AwWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (w) == GTK_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

/* Predict, then reveal: while the class predicts, neither the expected
 * outcome nor the narration's figures are on screen; after the run they are. */
static void
test_predict_hides_answers (void)
{
  AwWindow *window = test_window_new (app, 1024, 768);
  AwLessonPanel *lesson = _aw_window_get_lesson_panel (window);
  const char *sum = "0.8 + 0.6 + 1.0 = 2.4 s";
  gboolean finished = FALSE;
  GtkWindow *dialog;
  gulong id;

  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_speed (window, 4);
  aw_window_set_variant (window, -1);
  /* Before Predict, everything shows. */
  g_assert_nonnull (strstr (aw_lesson_panel_get_narration (lesson), sum));
  g_assert_nonnull (strstr (aw_lesson_panel_get_expected (lesson), "(1.0 s)"));

  g_action_group_activate_action (G_ACTION_GROUP (window), "quiz", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  test_wait_ms (200);
  dialog = find_dialog (window);
  g_assert_nonnull (dialog);
  maybe_screenshot (window, "predict");
  g_test_message ("while predicting:\n%s\n%s\n%s", card_of (window), aw_lesson_panel_get_expected (lesson),
                  aw_lesson_panel_get_narration (lesson));

  /* The setting up (the three durations) stays; the sums do not. */
  g_assert_true (aw_lesson_panel_get_answers_hidden (lesson));
  g_assert_nonnull (strstr (aw_lesson_panel_get_narration (lesson), "a profile (800 ms)"));
  g_assert_null (strstr (aw_lesson_panel_get_narration (lesson), "0.8"));
  g_assert_null (strstr (aw_lesson_panel_get_narration (lesson), "2.4 s"));
  g_assert_null (strstr (aw_lesson_panel_get_narration (lesson), ": 1.0 s"));
  g_assert_nonnull (strstr (aw_lesson_panel_get_narration (lesson), "add up: about \u2026."));
  g_assert_null (strstr (aw_lesson_panel_get_expected (lesson), "1.0 s"));
  g_assert_null (strstr (aw_lesson_panel_get_expected (lesson), "2x"));
  g_assert_null (strstr (card_of (window), " s"));

  /* Run: still hidden while it runs, revealed when it ends. */
  id = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  gtk_widget_activate_default (GTK_WIDGET (dialog));
  /* A button activated this way clicks itself a moment later. */
  test_wait_ms (400);
  g_assert_true (_aw_window_is_running (window));
  g_assert_true (aw_lesson_panel_get_answers_hidden (lesson));
  g_assert_true (test_wait_for (&finished, 30000));
  g_signal_handler_disconnect (window, id);

  g_assert_false (aw_lesson_panel_get_answers_hidden (lesson));
  g_assert_nonnull (strstr (aw_lesson_panel_get_narration (lesson), sum));
  g_assert_nonnull (strstr (aw_lesson_panel_get_expected (lesson), "(1.0 s)"));
  g_assert_nonnull (strstr (card_of (window), "Prediction vs measurement"));

  /* Another scenario with Predict on: hidden again until its run. */
  g_assert_true (aw_window_select_scenario (window, "when-any"));
  g_assert_true (aw_lesson_panel_get_answers_hidden (lesson));
  g_assert_null (strstr (aw_lesson_panel_get_expected (lesson), "0.4 s"));

  /* Predict off: shown. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "quiz", NULL);
  g_assert_false (aw_lesson_panel_get_answers_hidden (lesson));
  g_assert_nonnull (strstr (aw_lesson_panel_get_expected (lesson), "0.4 s"));
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  if (!test_app_init (&argc, &argv))
    return 0;
  app = test_app_new ();

  g_test_add_func ("/aw/app/verdicts/cancelled", test_cancelled);
  g_test_add_func ("/aw/app/verdicts/one-variant", test_one_variant);
  g_test_add_func ("/aw/app/verdicts/failed-checks", test_failed_checks);
  g_test_add_func ("/aw/app/verdicts/predict-hides-answers", test_predict_hides_answers);

  all = aw_catalog_load_all (&error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      AwScenario *s = g_ptr_array_index (all, i);
      g_autofree char *path = g_strdup_printf ("/aw/app/verdicts/met/%s", aw_scenario_get_id (s));

      g_test_add_data_func_full (path, g_strdup (aw_scenario_get_id (s)), test_scenario_met, g_free);
    }

  ret = test_app_run (&app);
  return ret;
}
