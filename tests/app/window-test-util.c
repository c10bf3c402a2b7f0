/* window-test-util.c: driving the window's main loop from a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "window-test-util.h"

/* g_test_init() and a display. Without a display it prints TAP's skip line
 * and returns FALSE: the program then exits 0. */
gboolean
test_app_init (int    *argc,
               char ***argv)
{
  g_test_init (argc, argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      return FALSE;
    }
  return TRUE;
}

/* Runs the added tests, then lets *@app go. */
int
test_app_run (AwApplication **app)
{
  int ret = g_test_run ();

  g_application_release (G_APPLICATION (*app));
  g_clear_object (app);
  return ret;
}

/* An application that stays up between tests and needs no session bus. */
AwApplication *
test_app_new (void)
{
  AwApplication *app = aw_application_new (G_APPLICATION_NON_UNIQUE);

  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_hold (G_APPLICATION (app));
  return app;
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main loop until *flag or a timeout; returns whether *flag. */
gboolean
test_wait_for (gboolean *flag,
               guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timed_out_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *flag;
}

void
test_wait_ms (guint ms)
{
  gboolean never = FALSE;

  test_wait_for (&never, ms);
}

void
test_set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* A shown, mapped window of the given size. */
AwWindow *
test_window_new (AwApplication *app,
                 int            width,
                 int            height)
{
  AwWindow *window = aw_window_new (app);
  gboolean mapped = FALSE;

  g_signal_connect_swapped (window, "map", G_CALLBACK (test_set_flag), &mapped);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (test_wait_for (&mapped, 10000));
  test_wait_ms (150);
  return window;
}

/* Activates Run and waits for the run to finish. */
gboolean
test_run_and_wait (AwWindow *window,
                   guint     timeout_ms)
{
  gboolean finished = FALSE;
  gulong id = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  g_assert_true (_aw_window_is_running (window));
  test_wait_for (&finished, timeout_ms);
  g_signal_handler_disconnect (window, id);
  return finished;
}
