/* aw-runner-block.c: blocking the main thread for real: Thread.Sleep and .Result
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `.Result` blocks the main thread on a GCond until the child's
 * continuation says it finished. When the continuation needs this very
 * thread's loop, nothing can ever say so: a real deadlock, which the wait's
 * own deadline breaks, since no timer of the blocked loop can fire.
 * ConfigureAwait(false) runs the child on a thread the engine owns, with a
 * main context of its own, never on GTask's shared pool.
 */

#include "config.h"

#include "aw-runner-private.h"

/* Blocking ------------------------------------------------------------------------------ */

void
_aw_runner_sleep (AwEngine *engine,
                  gint64    us)
{
  g_usleep (us);
}

static WaitState *
wait_state_ref (WaitState *ws)
{
  g_atomic_int_inc (&ws->ref_count);
  return ws;
}

static void
wait_state_unref (WaitState *ws)
{
  if (!g_atomic_int_dec_and_test (&ws->ref_count))
    return;
  g_clear_error (&ws->error);
  _aw_runner_scope_unref (SCOPE (ws->base.scope));
  g_mutex_clear (&ws->lock);
  g_cond_clear (&ws->cond);
  g_free (ws);
}

gboolean
_aw_runner_wait_complete (AwEngine  *engine,
                          AwWait    *wait,
                          GError   **error)
{
  WaitState *ws = (WaitState *) wait;
  gboolean abandoned;

  g_mutex_lock (&ws->lock);
  abandoned = ws->abandoned;
  ws->done = TRUE;
  ws->loop_done = TRUE;
  if (!abandoned)
    ws->error = g_steal_pointer (error);
  g_cond_broadcast (&ws->cond);
  g_mutex_unlock (&ws->lock);

  return abandoned;
}

gboolean
_aw_runner_wait_abandoned (AwEngine *engine,
                           AwWait   *wait)
{
  WaitState *ws = (WaitState *) wait;
  gboolean abandoned;

  g_mutex_lock (&ws->lock);
  abandoned = ws->abandoned;
  g_mutex_unlock (&ws->lock);
  return abandoned;
}

void
_aw_runner_wait_unref (AwEngine *engine,
                       AwWait   *wait)
{
  wait_state_unref ((WaitState *) wait);
}

static gboolean
wait_state_release (gpointer data)
{
  WaitState *ws = data;
  AwRunner *run = ws->run;

  g_atomic_int_dec_and_test (&run->waits_to_release);
  wait_state_unref (ws);
  g_object_unref (run);
  return G_SOURCE_REMOVE;
}

/* ConfigureAwait(false): the child runs and completes on a thread the engine
 * owns, with its own main context, so the blocked main thread is not needed. */
static gpointer
wait_worker (gpointer data)
{
  WaitState *ws = data;
  AwRunner *run = ws->run;
  Scope *scope = SCOPE (ws->base.scope);
  GMainContext *context = scope->context;

  g_main_context_push_thread_default (context);
  aw_trace_name_this_lane (run->engine.trace, AW_ENGINE_CONFIGURE_AWAIT_LANE);
  if (_aw_engine_wait_start_child (&run->engine, &wait_state_ref (ws)->base))
    {
      for (;;)
        {
          gboolean stop;

          /* Serve this context until the child is done and so is every
           * task it left behind here (a WhenAny loser, a forgotten task):
           * each holds a ref on the scope, the wait state holds the last. */
          g_mutex_lock (&ws->lock);
          stop = ws->loop_done && g_atomic_int_get (&scope->ref_count) == 1;
          g_mutex_unlock (&ws->lock);
          if (stop)
            break;
          g_main_context_iteration (context, TRUE);
        }
      /* Let the child's GTask finish its own dispatch. */
      while (g_main_context_iteration (context, FALSE))
        ;
    }
  else
    {
      g_mutex_lock (&ws->lock);
      ws->done = TRUE;
      g_cond_broadcast (&ws->cond);
      g_mutex_unlock (&ws->lock);
      wait_state_unref (ws);
    }
  /* From here on nothing more is posted to this context (see
   * parent_scope_cancelled()): run what already was. */
  g_mutex_lock (&run->lock);
  scope->loop_gone = TRUE;
  g_mutex_unlock (&run->lock);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  /* This may be the last reference, and the child's scope hangs on the
   * token of its parent, which the run's thread may be cancelling right now:
   * dropping the scope here would free it under that signal's emission.
   * Release it on the run's thread instead. */
  g_atomic_int_inc (&run->waits_to_release);
  g_object_ref (run);   /* dropped by wait_state_release () */
  _aw_runner_defer_to_context (run->context, G_PRIORITY_DEFAULT, wait_state_release, ws, NULL);
  if (g_atomic_int_dec_and_test (&run->live_ops))
    _aw_runner_maybe_finish (run);
  g_object_unref (run);

  return NULL;
}

/* Blocks this (main) thread on a condition until the child's continuation
 * says it finished, or until the deadline. */
gboolean
_aw_runner_block_on (AwEngine      *engine,
                     AwOp          *op,
                     const AwNode  *child,
                     gboolean       on_worker,
                     guint          deadline_ms,
                     GError       **error)
{
  AwRunner *run = RUNNER (engine);
  WaitState *ws = g_new0 (WaitState, 1);
  gint64 deadline;
  gboolean done;

  ws->ref_count = 1;
  ws->run = run;
  ws->base.wait_id = op->id;
  ws->base.child = child;
  g_mutex_init (&ws->lock);
  g_cond_init (&ws->cond);

  if (on_worker)
    {
      g_autoptr(GMainContext) context = g_main_context_new ();
      GThread *thread;

      ws->base.scope = &_aw_runner_scope_new (run, SCOPE (op->scope), NULL, context)->base;
      g_atomic_int_inc (&run->live_ops);
      g_object_ref (run);
      thread = g_thread_new ("awaitscope-configureawait", wait_worker, wait_state_ref (ws));
      g_thread_unref (thread);
    }
  else
    {
      ws->base.scope = &_aw_runner_scope_ref (SCOPE (op->scope))->base;
      if (!_aw_engine_wait_start_child (engine, &wait_state_ref (ws)->base))
        {
          ws->done = TRUE;
          wait_state_unref (ws);
        }
    }

  deadline = g_get_monotonic_time () + (gint64) deadline_ms * 1000;
  g_mutex_lock (&ws->lock);
  while (!ws->done)
    if (!g_cond_wait_until (&ws->cond, &ws->lock, deadline))
      break;
  done = ws->done;
  if (!done)
    ws->abandoned = TRUE;
  else
    *error = g_steal_pointer (&ws->error);
  g_mutex_unlock (&ws->lock);

  wait_state_unref (ws);
  return done;
}
