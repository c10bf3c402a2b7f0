/* test-stress-window.c: the window closed during a run and during a freeze,
 * and scenarios switched while a run goes on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Moments are random but seeded (printed; AW_STRESS_SEED=N repeats them).
 * After each ordeal a fresh window must still run a lesson to its end.
 */

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-trace.h"
#include "aw-window-private.h"
#include "../app/window-test-util.h"

static AwApplication *app;
static GRand *rand_;
static guint32 seed;

static const char *long_scenarios[] = { "when-all", "cancel", "scale", "io-vs-cpu", "workflow", "when-any" };

/* A fresh window still runs a lesson to its end and shows what it ran. */
static void
assert_window_still_works (void)
{
  AwWindow *window = test_window_new (app, 1024, 700);
  g_autoptr(GPtrArray) traces = NULL;

  aw_window_set_speed (window, 2);
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_variant (window, -1);
  g_assert_true (test_run_and_wait (window, 20000));
  traces = _aw_window_get_last_traces (window);
  g_assert_cmpuint (traces->len, ==, 2);
  for (guint i = 0; i < traces->len; i++)
    g_assert_cmpstr (aw_trace_get_metadata (g_ptr_array_index (traces, i), "scenario"), ==, "when-all");
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

static void
test_close_during_run (void)
{
  const guint cycles = 16;

  for (guint i = 0; i < cycles; i++)
    {
      AwWindow *window = test_window_new (app, 1024, 700);
      const char *id = long_scenarios[g_rand_int_range (rand_, 0, G_N_ELEMENTS (long_scenarios))];
      guint after_ms = g_rand_int_range (rand_, 0, 700);
      gboolean close_request = g_rand_boolean (rand_);
      gboolean destroyed = FALSE;

      g_test_message ("cycle %u: %s, %s after %u ms", i, id, close_request ? "close" : "destroy", after_ms);
      aw_window_set_speed (window, 1);
      g_assert_true (aw_window_select_scenario (window, id));
      g_signal_connect_swapped (window, "destroy", G_CALLBACK (test_set_flag), &destroyed);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
      test_wait_ms (after_ms);
      if (close_request)
        gtk_window_close (GTK_WINDOW (window));
      else
        gtk_window_destroy (GTK_WINDOW (window));
      g_assert_true (test_wait_for (&destroyed, 5000));
      /* The abandoned run winds down on its own, while the next window opens. */
      test_wait_ms (g_rand_int_range (rand_, 0, 100));
    }

  /* Whatever was still running ends quietly. */
  test_wait_ms (1500);
  assert_window_still_works ();
}

typedef struct {
  gint     ticks;
  gboolean stop;
  gboolean freeze_seen;
} FreezeProbe;

static gboolean
count_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       data)
{
  FreezeProbe *probe = data;

  g_atomic_int_inc (&probe->ticks);
  return G_SOURCE_CONTINUE;
}

typedef struct {
  FreezeProbe *probe;
  AwWindow    *window;
  gboolean     close_request;
} CloseLater;

static gboolean
close_now (gpointer data)
{
  CloseLater *c = data;

  if (c->close_request)
    gtk_window_close (GTK_WINDOW (c->window));
  else
    gtk_window_destroy (GTK_WINDOW (c->window));
  return G_SOURCE_REMOVE;
}

/* Waits until the window stops drawing (the freeze), then asks the main
 * loop to close it: the request waits in the queue behind the blocked
 * thread, exactly like a click on the close button. */
static gpointer
close_during_freeze (gpointer data)
{
  CloseLater *c = data;
  gint64 give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gint last = g_atomic_int_get (&c->probe->ticks);
  gint64 last_change = g_get_monotonic_time ();

  while (g_get_monotonic_time () < give_up)
    {
      gint now = g_atomic_int_get (&c->probe->ticks);

      if (now != last)
        {
          last = now;
          last_change = g_get_monotonic_time ();
        }
      else if (g_get_monotonic_time () - last_change > 200 * 1000)
        {
          c->probe->freeze_seen = TRUE;
          break;
        }
      g_usleep (5 * 1000);
    }
  g_idle_add (close_now, c);
  return NULL;
}

static void
test_close_during_freeze (void)
{
  for (guint i = 0; i < 3; i++)
    {
      AwWindow *window = test_window_new (app, 1024, 700);
      FreezeProbe probe = { 0 };
      CloseLater later = { &probe, window, i % 2 == 0 };
      gboolean destroyed = FALSE;
      GThread *thread;

      _aw_window_set_wait_deadline (window, 1500);
      aw_window_set_speed (window, 1);
      g_assert_true (aw_window_select_scenario (window, "deadlock"));
      aw_window_set_variant (window, 0);    /* the .Result variant alone */
      g_signal_connect_swapped (window, "destroy", G_CALLBACK (test_set_flag), &destroyed);
      gtk_widget_add_tick_callback (GTK_WIDGET (window), count_tick, &probe, NULL);

      thread = g_thread_new ("close-during-freeze", close_during_freeze, &later);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
      g_assert_true (test_wait_for (&destroyed, 15000));
      g_thread_join (thread);
      g_test_message ("cycle %u: %s during the freeze (freeze seen: %s)", i,
                      later.close_request ? "close" : "destroy", probe.freeze_seen ? "yes" : "no");
      g_assert_true (probe.freeze_seen);
      /* The stranded callback and the rest of the run end after the window. */
      test_wait_ms (500);
    }

  assert_window_still_works ();
}

static void
test_switch_during_run (void)
{
  AwWindow *window = test_window_new (app, 1024, 700);
  g_autoptr(GPtrArray) traces = NULL;
  const char *last = NULL;
  const guint cycles = 30;

  aw_window_set_speed (window, 1);
  for (guint i = 0; i < cycles; i++)
    {
      const char *id = long_scenarios[g_rand_int_range (rand_, 0, G_N_ELEMENTS (long_scenarios))];
      guint after_ms = g_rand_int_range (rand_, 0, 400);
      guint action = g_rand_int_range (rand_, 0, 4);

      g_assert_true (aw_window_select_scenario (window, id));
      g_assert_true (_aw_window_get_scenario (window) != NULL);
      g_assert_cmpstr (aw_scenario_get_id (_aw_window_get_scenario (window)), ==, id);
      last = id;
      gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
      test_wait_ms (after_ms);
      /* Sometimes cancel or restart before switching, as a restless class would. */
      if (action == 1 && gtk_widget_get_sensitive (_aw_window_get_cancel_button (window)))
        gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL);
      else if (action == 2)
        aw_window_set_variant (window, 1);
      else if (action == 3)
        gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
    }

  /* The last choice wins: a whole run of it, and only of it. If the last
   * cycle ran this same scenario, choosing it again keeps that run; and a
   * run just cancelled is still winding down. Run comes back when it has. */
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  last = "when-all";
  aw_window_set_variant (window, -1);   /* every variant */
  aw_window_set_speed (window, 2);
  for (guint waited = 0; !gtk_widget_get_sensitive (_aw_window_get_run_button (window)); waited += 10)
    {
      g_assert_cmpuint (waited, <, 30000);
      test_wait_ms (10);
    }
  g_assert_true (test_run_and_wait (window, 20000));
  traces = _aw_window_get_last_traces (window);
  g_assert_cmpuint (traces->len, ==, 2);
  for (guint i = 0; i < traces->len; i++)
    g_assert_cmpstr (aw_trace_get_metadata (g_ptr_array_index (traces, i), "scenario"), ==, last);
  g_assert_false (_aw_window_is_running (window));
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (1000);
}

int
main (int    argc,
      char **argv)
{
  const char *seed_env;
  int ret;

  if (!test_app_init (&argc, &argv))
    return 0;

  seed_env = g_getenv ("AW_STRESS_SEED");
  seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : g_random_int ();
  rand_ = g_rand_new_with_seed (seed);
  g_print ("# seed %u (AW_STRESS_SEED=%u repeats these moments)\n", seed, seed);

  app = test_app_new ();

  g_test_add_func ("/aw/stress/window/close-during-run", test_close_during_run);
  g_test_add_func ("/aw/stress/window/close-during-freeze", test_close_during_freeze);
  g_test_add_func ("/aw/stress/window/switch-during-run", test_switch_during_run);

  ret = test_app_run (&app);
  g_rand_free (rand_);
  return ret;
}
