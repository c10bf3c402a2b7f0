/* timeout-race.c: the C twin of data/scenarios/timeout-race.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * WhenAny(work, Task.Delay) in GLib: a report built on the worker pool
 * races a one-second timeout; whichever callback comes first wins. When the
 * delay wins, the work must still be told to stop: its token is cancelled.
 * When the work wins, the delay is removed. The lesson regions are the GLib
 * C the app shows.
 */

#include "lab.h"

typedef struct
{
  guint n_pages;
} Report;

typedef struct
{
  GCancellable *token;
  guint         delay;       /* the timeout, 0 once it fired or was removed */
} Race;

static GThreadPool *workers;
static guint report_ms;      /* how long the work takes */
static gboolean work_stopped;
static gboolean report_shown, message_shown, race_over;

static void
build_worker (gpointer data,
              gpointer pool_data)
{
  GTask *task = data;

  if (!lab_work_checking (report_ms, 10, g_task_get_cancellable (task)))
    g_atomic_int_set (&work_stopped, TRUE);
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, g_new0 (Report, 1), g_free);
  g_object_unref (task);
}

/* Task.Run(() => BuildReport(token), token) */
static void
build_report_async (GCancellable        *token,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_thread_pool_push (workers, g_task_new (NULL, token, callback, user_data), NULL);
}

static Report *
build_report_finish (GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
show (Report *report)
{
  lab_check (report != NULL, "no report to show");
  report_shown = TRUE;
}

static void
show_message (const char *text)
{
  lab_note ("shown: %s", text);
  message_shown = TRUE;
}

static void
race_free (Race *race)
{
  g_object_unref (race->token);
  g_free (race);
  race_over = TRUE;
}

static gboolean delay_fired (gpointer user_data);
static void on_report_built (GObject *source, GAsyncResult *result, gpointer user_data);

/* <lesson> */
/* Two operations, one join: whichever callback comes first wins */
static void
show_report (Race *race)
{
  race->token = g_cancellable_new ();
  build_report_async (race->token, on_report_built, race);  /* on the pool */
  race->delay = g_timeout_add (MS (1000), delay_fired, race);
}

static gboolean
delay_fired (gpointer user_data)
{
  Race *race = user_data;

  race->delay = 0;                           /* the delay came first */
  g_cancellable_cancel (race->token);        /* stop the losing work */
  show_message ("The report took too long.");
  return G_SOURCE_REMOVE;
}

static void
on_report_built (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Race *race = user_data;
  g_autofree Report *report = build_report_finish (result, NULL);

  if (race->delay != 0)                      /* the work came first */
    {
      g_clear_handle_id (&race->delay, g_source_remove);  /* stop the delay */
      show (report);
    }
  race_free (race);                /* the work's callback comes last */
}
/* </lesson> */

static void
run (const char *variant,
     guint       work_ms)
{
  report_ms = work_ms;
  work_stopped = FALSE;
  report_shown = message_shown = race_over = FALSE;
  lab_begin ("timeout-race", variant);
  show_report (g_new0 (Race, 1));
  lab_run_until (&race_over);
  lab_note ("the %s won; the work %s after %" G_GINT64_FORMAT " ms",
            report_shown ? "work" : "delay", work_stopped ? "stopped" : "ended", lab_elapsed_ms ());
}

int
main (void)
{
  workers = lab_pool_new (build_worker);

  run ("in-time", 600);
  lab_check (report_shown && !message_shown, "the report was not shown");

  run ("too-late", 2000);
  lab_check (message_shown && !report_shown, "the message was not shown");
  lab_check (work_stopped, "the losing work was not stopped");

  g_thread_pool_free (workers, FALSE, TRUE);
  return 0;
}
