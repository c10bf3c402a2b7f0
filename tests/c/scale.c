/* scale.c: the C twin of data/scenarios/scale.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ten thousand one-second waits on the one main context finish in about a
 * second; sixteen one-second waits that each hold a worker of the pool
 * (g_usleep, as Thread.Sleep inside Task.Run) queue up for the workers. The
 * lesson regions are the GLib C the app shows.
 */

#include "lab.h"

typedef struct
{
  guint    pending;    /* Task.WhenAll: waits not finished yet */
  gboolean done;
} Join;

static GThreadPool *workers;

static void
on_one_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Join *all = user_data;
  g_autoptr(GError) error = NULL;

  lab_check (g_task_propagate_boolean (G_TASK (result), &error), "a wait failed");
  if (--all->pending == 0)
    all->done = TRUE;
}

/* <lesson> */
/* Scales: 10,000 timeout sources on the one main context, no thread held */
static gboolean
timer_fired (gpointer task)
{
  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
await_many (Join *all)            /* on_one_done counts all->pending down */
{
  for (guint i = 0; i < 10000; i++)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, on_one_done, all);
      g_autoptr(GSource) timer = g_timeout_source_new (MS (1000));

      g_task_attach_source (task, timer, timer_fired);  /* holds the task */
    }
}

/* Does not scale: each wait occupies a worker of the pool */
static void
sleepy_worker (gpointer task, gpointer pool_data)
{
  g_usleep (MS (1000) * G_TIME_SPAN_MILLISECOND);         /* Thread.Sleep */
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
block_many (Join *all)            /* 16 / workers seconds */
{
  for (guint i = 0; i < 16; i++)
    g_thread_pool_push (workers, g_task_new (NULL, NULL, on_one_done, all),
                        NULL);
}
/* </lesson> */

int
main (void)
{
  Join all = { 0 };
  guint n_workers = lab_n_workers ();
  gint64 awaits_ms, blocked_ms;

  workers = lab_pool_new (sleepy_worker);

  lab_begin ("scale", "awaits");
  all.pending = 10000;
  await_many (&all);
  lab_run_until (&all.done);
  awaits_ms = lab_elapsed_ms ();
  lab_note ("10,000 waits in %" G_GINT64_FORMAT " ms", awaits_ms);

  all.done = FALSE;
  lab_begin ("scale", "thread-bound");
  all.pending = 16;
  block_many (&all);
  lab_run_until (&all.done);
  blocked_ms = lab_elapsed_ms ();
  lab_note ("16 waits in %" G_GINT64_FORMAT " ms on %u workers", blocked_ms, n_workers);

  /* However busy the machine, 16 sleeps on n workers take 16 / n of them. */
  lab_check (blocked_ms >= (16 / n_workers) * MS (1000), "the blocked waits took only %"
             G_GINT64_FORMAT " ms", blocked_ms);

  g_thread_pool_free (workers, FALSE, TRUE);
  return 0;
}
