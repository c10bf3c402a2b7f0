/* cooperative.c: the C twin of data/scenarios/cooperative.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cancel is pressed 0.5 s into 2 s of work on the worker pool: a worker that
 * checks the token before each small file stops at once, one that checks it
 * between big batches stops late, one that never checks runs to the end.
 * The lesson regions are the GLib C the app shows.
 */

#include "lab.h"

typedef struct
{
  guint *items;          /* how long each item takes, in scenario ms */
  guint  n;
} Batch;

typedef struct
{
  gboolean  done;
  GError   *error;
} Outcome;

static gint n_compressed;

static void
compress (guint item_ms)
{
  lab_work (item_ms);
  g_atomic_int_inc (&n_compressed);
}

/* <lesson> */
/* Checks the token before each item: stops at its next check
 * (both run on the worker pool, each with the GTask pushed to it) */
static void
compress_worker (gpointer data, gpointer pool_data)
{
  GTask *task = data;
  Batch *batch = g_task_get_task_data (task);
  GCancellable *token = g_task_get_cancellable (task);

  for (guint i = 0; i < batch->n && !g_cancellable_is_cancelled (token); i++)
    compress (batch->items[i]);     /* files of 10 ms, or batches of 400 ms */
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Never checks: cancelling the token changes nothing here */
static void
compress_ignoring_token_worker (gpointer data, gpointer pool_data)
{
  GTask *task = data;
  Batch *batch = g_task_get_task_data (task);

  for (guint i = 0; i < batch->n; i++)
    compress (batch->items[i]);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}
/* </lesson> */

/* Task.Run: a GTask on the pool; the pool's worker owns the reference. */
static void
compress_async (GThreadPool         *pool,
                Batch               *batch,
                GCancellable        *token,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (NULL, token, callback, user_data);

  g_task_set_task_data (task, batch, NULL);
  g_thread_pool_push (pool, task, NULL);
}

static void
on_compressed (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Outcome *outcome = user_data;

  g_task_propagate_boolean (G_TASK (result), &outcome->error);
  outcome->done = TRUE;
}

/* Runs @n_items of @item_ms each; Cancel is pressed at 500 ms. Returns
 * whether the work ended cancelled. */
static gboolean
run (const char  *variant,
     GThreadPool *pool,
     gboolean     pass_token,
     guint        n_items,
     guint        item_ms)
{
  g_autoptr(GCancellable) token = g_cancellable_new ();
  g_autofree guint *items = g_new (guint, n_items);
  Batch batch = { items, n_items };
  Outcome outcome = { 0 };
  gboolean cancelled;

  for (guint i = 0; i < n_items; i++)
    items[i] = item_ms;
  n_compressed = 0;
  lab_begin ("cooperative", variant);
  lab_cancel_after (token, 500);
  /* Task.Run(..., token) passes the token; the worker that ignores it gets none. */
  compress_async (pool, &batch, pass_token ? token : NULL, on_compressed, &outcome);
  lab_run_until (&outcome.done);
  lab_check (g_cancellable_is_cancelled (token), "the work ended before Cancel was pressed");

  cancelled = g_error_matches (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  lab_check (outcome.error == NULL || cancelled, "failed: %s",
             outcome.error ? outcome.error->message : "");
  lab_note ("%s after %" G_GINT64_FORMAT " ms, %d of %u items done",
            cancelled ? "cancelled" : "completed", lab_elapsed_ms (), n_compressed, n_items);
  g_clear_error (&outcome.error);
  return cancelled;
}

int
main (void)
{
  GThreadPool *checking = lab_pool_new (compress_worker);
  GThreadPool *ignoring = lab_pool_new (compress_ignoring_token_worker);

  lab_check (run ("checks-often", checking, TRUE, 200, 10), "not cancelled");
  lab_check (n_compressed < 200, "every file was compressed");
  lab_check (run ("checks-rarely", checking, TRUE, 5, 400), "not cancelled");
  lab_check (n_compressed < 5, "every batch was compressed");
  lab_check (!run ("never-checks", ignoring, FALSE, 200, 10), "cancelled");
  lab_check (n_compressed == 200, "only %d files compressed", n_compressed);

  g_thread_pool_free (checking, FALSE, TRUE);
  g_thread_pool_free (ignoring, FALSE, TRUE);
  return 0;
}
