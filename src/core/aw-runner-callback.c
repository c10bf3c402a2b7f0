/* aw-runner-callback.c: the callback API's thread, which completes completion_source tasks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A completion_source task awaits a Task that a callback API completes: the
 * API calls back on a thread of its own, one callback after another, as an
 * event loop or a native library does. The run makes that thread at its
 * first such task and keeps it to the end. It takes the callbacks in the
 * order they come due (equal times in the order they were started), and
 * none before its time; a callback whose continuation runs inline
 * (_aw_engine_callback_fired() says so) holds the thread for the
 * continuation's work, and the callbacks due meanwhile wait, as they do
 * behind a TaskCompletionSource made without
 * RunContinuationsAsynchronously.
 */

#include "config.h"

#include "aw-runner-private.h"

typedef struct {
  gint64   due_us;               /* monotonic */
  guint64  seq;
  Op      *op;
} Callback;

static gint
compare_callbacks (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  const Callback *x = a;
  const Callback *y = b;

  if (x->due_us != y->due_us)
    return x->due_us < y->due_us ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static gpointer
callback_thread (gpointer data)
{
  AwRunner *run = data;
  CallbackThread *ct = &run->callbacks;
  gboolean named = FALSE;

  g_mutex_lock (&ct->lock);
  while (!ct->stop)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (ct->due);
      Callback *callback;
      Op *op;

      if (g_sequence_iter_is_end (first))
        {
          g_cond_wait (&ct->cond, &ct->lock);
          continue;
        }
      callback = g_sequence_get (first);
      if (g_get_monotonic_time () < callback->due_us)
        {
          g_cond_wait_until (&ct->cond, &ct->lock, callback->due_us);
          continue;
        }
      op = callback->op;
      g_sequence_remove (first);
      g_mutex_unlock (&ct->lock);

      /* The lane is taken when the thread first records, as the virtual
       * clock takes it. */
      if (!named)
        {
          aw_trace_name_this_lane (run->engine.trace, AW_ENGINE_CALLBACK_LANE);
          named = TRUE;
        }
      if (_aw_engine_callback_fired (&run->engine, &op->base))
        _aw_runner_job_run (run, op, FALSE);

      g_mutex_lock (&ct->lock);
    }
  g_mutex_unlock (&ct->lock);

  return NULL;
}

/* From the thread of @op's context: the callback comes @us after @at. */
void
_aw_runner_callback_start (AwEngine *engine,
                           AwOp     *op,
                           gint64    at,
                           gint64    us)
{
  AwRunner *run = RUNNER (engine);
  CallbackThread *ct = &run->callbacks;
  Callback *callback = g_new (Callback, 1);

  callback->due_us = (aw_trace_get_origin_ns (engine->trace) + at) / 1000 + us;
  callback->op = OP (op);

  g_mutex_lock (&ct->lock);
  callback->seq = ct->seq++;
  g_sequence_insert_sorted (ct->due, callback, compare_callbacks, NULL);
  if (ct->thread == NULL)
    ct->thread = g_thread_new ("awaitscope callback", callback_thread, run);
  g_cond_signal (&ct->cond);
  g_mutex_unlock (&ct->lock);
}

void
_aw_runner_callbacks_init (AwRunner *run)
{
  g_mutex_init (&run->callbacks.lock);
  g_cond_init (&run->callbacks.cond);
  run->callbacks.due = g_sequence_new (g_free);
}

/* Every op has completed: nothing is left to call back. */
void
_aw_runner_callbacks_stop (AwRunner *run)
{
  CallbackThread *ct = &run->callbacks;

  g_mutex_lock (&ct->lock);
  g_assert (g_sequence_is_empty (ct->due));
  ct->stop = TRUE;
  g_cond_signal (&ct->cond);
  g_mutex_unlock (&ct->lock);
  if (ct->thread != NULL)
    g_thread_join (g_steal_pointer (&ct->thread));
}

void
_aw_runner_callbacks_clear (AwRunner *run)
{
  g_clear_pointer (&run->callbacks.due, g_sequence_free);
  g_mutex_clear (&run->callbacks.lock);
  g_cond_clear (&run->callbacks.cond);
}
