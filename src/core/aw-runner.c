/* aw-runner.c: runs one variant of a scenario for real on GLib
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real back-end of the interpreter (aw-interp.c). Every task is a real
 * GTask created on the caller's thread-default GMainContext, so its
 * completion callback (the "await continuation") is dispatched by that main
 * loop: GLib runs the callback at once when the task returns inside a
 * dispatch of that context in a later iteration than the one that created
 * it, and from an idle in the next iteration otherwise (a task returned in
 * the iteration that made it, or from a worker thread). Waiting tasks hold
 * no thread: their waits share one source per context (aw-wait-source.c).
 * cpu tasks run on a worker pool the runner owns, so the pool size is known
 * and shown (aw-runner-pool.c). One GCancellable per run is the cancellation token; timeout
 * and when_any tasks get child tokens linked to their parent's.
 *
 * Cancellation of waiting tasks does not connect one handler per task to
 * the token (disconnecting thousands of handlers is quadratic): each scope
 * keeps an intrusive list of its waiting tasks and walks it once when
 * cancelled.
 *
 * Reference rule: an op lives as long as its GTask. The ref from g_task_new()
 * is dropped after the continuation ran, on the thread of the task's
 * context, so ops are freed there, even for tasks that returned from a
 * worker thread.
 */

#include "config.h"

#include "aw-recorded-text.h"
#include "aw-runner-private.h"

#include <math.h>

G_DEFINE_FINAL_TYPE (AwRunner, aw_runner, G_TYPE_OBJECT)



/* The trace ---------------------------------------------------------------------- */

static gint64
runner_record (AwEngine    *engine,
               AwEventKind  kind,
               guint32      task,
               guint32      parent,
               guint32      str)
{
  gint64 now = aw_trace_now (engine->trace);

  aw_trace_record_at (engine->trace, now, kind, task, parent, str);
  return now;
}

static gint64
runner_now (AwEngine *engine)
{
  return aw_trace_now (engine->trace);
}

/* From any thread, on lane 0: the pool's monitor has no lane of its own. */
static void
runner_record_main (AwEngine    *engine,
                    AwEventKind  kind,
                    guint32      str)
{
  AwEvent event = {
    .time_ns = aw_trace_now (engine->trace),
    .str = str,
    .kind = kind,
    .lane = 0,
  };

  aw_trace_append_event (engine->trace, &event);
}

static gboolean
runner_on_run_thread (AwEngine *engine)
{
  return g_thread_self () == RUNNER (engine)->main_thread;
}

/* Scopes: one GCancellable each ---------------------------------------------------- */

static void
scope_cancelled (GCancellable *cancellable,
                 Scope        *scope)
{
  _aw_engine_scope_cancelled (&scope->run->engine, &scope->base);
}

static gboolean
cancel_in_context (gpointer data)
{
  Scope *scope = data;

  g_cancellable_cancel (scope->cancellable);
  return G_SOURCE_REMOVE;
}

static void
parent_scope_cancelled (GCancellable *parent,
                        Scope        *scope)
{
  /* A scope's waiting tasks are finished on the thread that runs its context. */
  if (scope->context == scope->parent->context)
    g_cancellable_cancel (scope->cancellable);
  else
    {
      /* Nothing is posted to a context whose thread stopped serving it: it
       * would never run, and it would hold the scope, which holds the
       * context, forever. */
      g_mutex_lock (&scope->run->lock);
      if (!scope->loop_gone)
        g_main_context_invoke_full (scope->context, G_PRIORITY_HIGH, cancel_in_context,
                                    _aw_runner_scope_ref (scope), (GDestroyNotify) _aw_runner_scope_unref);
      g_mutex_unlock (&scope->run->lock);
    }
}

Scope *
_aw_runner_scope_new (AwRunner     *run,
                      Scope        *parent,
                      GCancellable *cancellable,
                      GMainContext *context)
{
  Scope *scope = g_new0 (Scope, 1);

  scope->ref_count = 1;
  scope->run = run;
  scope->context = g_main_context_ref (context ? context : parent ? parent->context : run->context);
  /* A scope on the context of its parent shares its parent's waits; its
   * parent outlives it. */
  if (parent != NULL && parent->context == scope->context)
    scope->timers = parent->timers;
  else
    {
      scope->timers = aw_wait_source_new (scope->context);
      scope->owns_timers = TRUE;
    }
  scope->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  scope->handler = g_signal_connect (scope->cancellable, "cancelled",
                                     G_CALLBACK (scope_cancelled), scope);
  if (parent != NULL)
    {
      scope->parent = _aw_runner_scope_ref (parent);
      scope->parent_handler = g_signal_connect (parent->cancellable, "cancelled",
                                                G_CALLBACK (parent_scope_cancelled), scope);
      if (g_cancellable_is_cancelled (parent->cancellable))
        g_cancellable_cancel (scope->cancellable);
    }

  return scope;
}

Scope *
_aw_runner_scope_ref (Scope *scope)
{
  g_atomic_int_inc (&scope->ref_count);
  return scope;
}

void
_aw_runner_scope_unref (Scope *scope)
{
  gint left;

  if (scope == NULL)
    return;
  left = g_atomic_int_add (&scope->ref_count, -1) - 1;
  /* A ConfigureAwait(false) thread serves its context until its wait
   * state holds the last reference on its scope: when another thread drops
   * the one before (a nested wait's scope, released on the run's thread),
   * that thread must wake up to see it. */
  if (left == 1 && scope->context != scope->run->context)
    g_main_context_wakeup (scope->context);
  if (left > 0)
    return;

  g_assert (scope->base.waiters == NULL);
  g_signal_handler_disconnect (scope->cancellable, scope->handler);
  if (scope->parent != NULL)
    {
      g_signal_handler_disconnect (scope->parent->cancellable, scope->parent_handler);
      _aw_runner_scope_unref (scope->parent);
    }
  g_object_unref (scope->cancellable);
  if (scope->owns_timers)
    aw_wait_source_free (scope->timers);
  g_main_context_unref (scope->context);
  g_free (scope);
}

static AwScope *
runner_scope_new (AwEngine *engine,
                  AwScope  *parent)
{
  return &_aw_runner_scope_new (RUNNER (engine), SCOPE (parent), NULL, NULL)->base;
}

static AwScope *
runner_scope_ref (AwEngine *engine,
                  AwScope  *scope)
{
  return &_aw_runner_scope_ref (SCOPE (scope))->base;
}

static void
runner_scope_unref (AwEngine *engine,
                    AwScope  *scope)
{
  _aw_runner_scope_unref (SCOPE (scope));
}

static void
runner_scope_cancel (AwEngine *engine,
                     AwScope  *scope)
{
  g_cancellable_cancel (SCOPE (scope)->cancellable);
}

static gboolean
runner_scope_is_cancelled (AwEngine *engine,
                           AwScope  *scope)
{
  return g_cancellable_is_cancelled (SCOPE (scope)->cancellable);
}

/* Ops: one GTask each ----------------------------------------------------------------- */

static Op *
op_alloc (AwRunner *run)
{
  Op *op;

#ifndef __SANITIZE_ADDRESS__
  /* AddressSanitizer checks each op on its own. */
  if (g_thread_self () == run->main_thread)
    {
      if ((op = run->free_ops) != NULL)
        {
          run->free_ops = op->next_free;
          memset (op, 0, sizeof *op);
        }
      else
        {
          if (run->op_blocks == NULL || run->op_blocks->used == OP_BLOCK_SIZE)
            {
              OpBlock *block = g_new0 (OpBlock, 1);

              block->next = run->op_blocks;
              run->op_blocks = block;
            }
          op = &run->op_blocks->ops[run->op_blocks->used++];
        }
      op->pooled = TRUE;
      return op;
    }
#endif
  return g_new0 (Op, 1);
}

static void
op_dealloc (AwRunner *run,
            Op       *op)
{
  if (!op->pooled)
    g_free (op);
  else if (g_thread_self () == run->main_thread)
    {
      op->next_free = run->free_ops;
      run->free_ops = op;
    }
  /* Else it stays unused in its block until the run is finalized. */
}

static void
op_free (gpointer data)
{
  Op *op = data;
  AwRunner *run = op->run;

  g_assert (!aw_wait_entry_is_added (&op->wait));
  _aw_engine_op_clear (&run->engine, &op->base);
  op_dealloc (run, op);

  g_assert (g_atomic_int_get (&run->live_ops) > 0);
  if (g_atomic_int_dec_and_test (&run->live_ops))
    _aw_runner_maybe_finish (run);
}

/* The task's callback: its continuation. */
static void
op_returned (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AwRunner *run = user_data;
  GTask *task = G_TASK (result);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  g_task_propagate_boolean (task, &error);
  _aw_engine_op_returned (&run->engine, &op->base, error);
}

static AwOp *
runner_op_alloc (AwEngine *engine)
{
  AwRunner *run = RUNNER (engine);
  Op *op = op_alloc (run);

  op->run = run;
  op->task = g_task_new (NULL, NULL, op_returned, run);
  /* The function, not the macro: the macro also names each task after the
   * tag, a string copied into every one of thousands of tasks. */
  (g_task_set_source_tag) (op->task, op_returned);
  g_task_set_task_data (op->task, op, op_free);
  g_atomic_int_inc (&run->live_ops);

  return &op->base;
}

static void
runner_op_ref (AwEngine *engine,
               AwOp     *op)
{
  g_object_ref (OP (op)->task);
}

static void
runner_op_unref (AwEngine *engine,
                 AwOp     *op)
{
  g_object_unref (OP (op)->task);
}

static void
runner_op_return (AwEngine *engine,
                  AwOp     *op,
                  GError   *error)
{
  if (error == NULL)
    g_task_return_boolean (OP (op)->task, TRUE);
  else
    g_task_return_error (OP (op)->task, error);
}

/* Finished tasks ------------------------------------------------------------------
 *
 * A finished child's GTask, and with it its op, is freed after the burst of
 * completions it came in, not inside it: when thousands of waits come due
 * together, or are cancelled together, their continuations run first and
 * the freeing follows, so the last of them is not late by the cost of
 * freeing the others. The idle that frees them has a lower priority than
 * the waits. Ops keep the run going (live_ops) until they are freed, so the
 * run outlives the idle. */

static gboolean
release_now (gpointer data)
{
  AwRunner *run = data;

  g_clear_pointer (&run->release_idle, g_source_unref);
  while (run->released != NULL && run->released->len > 0)
    {
      g_autoptr(GPtrArray) batch = g_steal_pointer (&run->released);

      run->released = g_ptr_array_new ();
      for (guint i = 0; i < batch->len; i++)
        g_object_unref (g_ptr_array_index (batch, i));
    }
  return G_SOURCE_REMOVE;
}

static void
runner_op_release (AwEngine *engine,
                   AwOp     *aw_op)
{
  AwRunner *run = RUNNER (engine);
  GTask *task = OP (aw_op)->task;

  if (g_thread_self () != run->main_thread)
    {
      g_object_unref (task);
      return;
    }
  if (run->released == NULL)
    run->released = g_ptr_array_new ();
  g_ptr_array_add (run->released, task);
  if (run->release_idle == NULL)
    {
      run->release_idle = g_idle_source_new ();
      g_source_set_priority (run->release_idle, G_PRIORITY_DEFAULT + 10);
      g_source_set_callback (run->release_idle, release_now, run, NULL);
      g_source_set_name (run->release_idle, "[awaitscope] release finished tasks");
      g_source_attach (run->release_idle, run->context);
    }
}

/* Timers --------------------------------------------------------------------------- */

static void
wait_fired (AwWaitEntry *entry)
{
  Op *op = (Op *) ((char *) entry - G_STRUCT_OFFSET (Op, wait));

  _aw_engine_timer_fired (&op->run->engine, &op->base, op->timer_kind);
}

static void
runner_timer_start (AwEngine    *engine,
                    AwOp        *aw_op,
                    AwTimerKind  kind,
                    gint64       at,
                    gint64       us)
{
  Op *op = OP (aw_op);

  op->timer_kind = kind;
  aw_wait_source_add (SCOPE (aw_op->scope)->timers, &op->wait,
                      (aw_trace_get_origin_ns (engine->trace) + at) / 1000, us, wait_fired);
}

static void
runner_timer_clear (AwEngine *engine,
                    AwOp     *op)
{
  if (aw_wait_entry_is_added (&OP (op)->wait))
    aw_wait_source_remove (&OP (op)->wait);
}

static void runner_root_done (AwEngine *engine);
static void runner_post_report (AwEngine *engine, AwOp *op, guint32 task, guint percent);

static void runner_post_turn (AwEngine *engine, AwOp *op);
static gboolean runner_turn_wanted (AwEngine *engine);

static const AwEngineBackend runner_backend = {
  .record = runner_record,
  .now = runner_now,
  .record_main = runner_record_main,
  .op_alloc = runner_op_alloc,
  .op_ref = runner_op_ref,
  .op_unref = runner_op_unref,
  .op_release = runner_op_release,
  .op_return = runner_op_return,
  .timer_start = runner_timer_start,
  .timer_clear = runner_timer_clear,
  .pool_push = _aw_runner_pool_push,
  .post_report = runner_post_report,
  .post_turn = runner_post_turn,
  .turn_wanted = runner_turn_wanted,
  .callback_start = _aw_runner_callback_start,
  .sleep = _aw_runner_sleep,
  .block_on = _aw_runner_block_on,
  .wait_complete = _aw_runner_wait_complete,
  .wait_abandoned = _aw_runner_wait_abandoned,
  .wait_unref = _aw_runner_wait_unref,
  .scope_new = runner_scope_new,
  .scope_ref = runner_scope_ref,
  .scope_unref = runner_scope_unref,
  .scope_cancel = runner_scope_cancel,
  .scope_is_cancelled = runner_scope_is_cancelled,
  .root_done = runner_root_done,
  .on_run_thread = runner_on_run_thread,
};

/* The run ---------------------------------------------------------------------------- */

static gboolean
heartbeat_tick (gpointer data)
{
  AwRunner *run = data;

  runner_record (&run->engine, AW_EVENT_FRAME, 0, 0, 0);
  return G_SOURCE_CONTINUE;
}

static gboolean
finish_run (gpointer data)
{
  AwRunner *run = data;
  GTask *task;

  g_clear_pointer (&run->finish_idle, g_source_unref);
  if (run->heartbeat != NULL)
    {
      g_source_destroy (run->heartbeat);
      g_clear_pointer (&run->heartbeat, g_source_unref);
    }
  if (run->external_handler != 0)
    {
      g_cancellable_disconnect (run->external, run->external_handler);
      run->external_handler = 0;
    }
  g_clear_object (&run->external);
  if (run->engine.root_scope != NULL)
    _aw_runner_scope_unref (SCOPE (g_steal_pointer (&run->engine.root_scope)));

  /* Every op has completed, so the workers are idle or returning, and the
   * callback thread has nothing left to call back. */
  _aw_runner_pool_stop (run);
  _aw_runner_callbacks_stop (run);
  aw_trace_merge (run->engine.trace);

  run->engine.running = FALSE;
  task = g_steal_pointer (&run->run_task);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static gboolean
maybe_finish_cb (gpointer data)
{
  AwRunner *run = data;

  if (!run->engine.root_done || g_atomic_int_get (&run->live_ops) > 0 ||
      run->finish_idle != NULL || run->run_task == NULL)
    return G_SOURCE_REMOVE;

  run->finish_idle = g_idle_source_new ();
  g_source_set_priority (run->finish_idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (run->finish_idle, finish_run, run, NULL);
  g_source_attach (run->finish_idle, run->context);
  return G_SOURCE_REMOVE;
}

/* Runs @func later on the thread that iterates @context. Not
 * g_main_context_invoke() from another thread: when @context is free and is
 * that thread's default too (the global default context is every thread's
 * default unless it pushed its own), it calls @func right there, on the
 * wrong thread, racing with the run's own. */
void
_aw_runner_defer_to_context (GMainContext   *context,
                             gint            priority,
                             GSourceFunc     func,
                             gpointer        data,
                             GDestroyNotify  notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, notify);
  g_source_attach (source, context);
  g_source_unref (source);
}

/* The last op may be freed on a wait_blocking worker: decide on the run's thread. */
void
_aw_runner_maybe_finish (AwRunner *run)
{
  if (g_thread_self () == run->main_thread)
    maybe_finish_cb (run);
  else
    _aw_runner_defer_to_context (run->context, G_PRIORITY_DEFAULT, maybe_finish_cb, g_object_ref (run), g_object_unref);
}

/* A progress report on its way to a context; it keeps the run going until
 * it has been delivered. */
typedef struct {
  AwRunner *run;
  guint32   task;
  guint     percent;
} Report;

static gboolean
report_deliver (gpointer data)
{
  Report *report = data;

  _aw_engine_report_delivered (&report->run->engine, report->task, report->percent);
  return G_SOURCE_REMOVE;
}

static void
report_free (gpointer data)
{
  Report *report = data;
  AwRunner *run = report->run;

  if (g_atomic_int_dec_and_test (&run->live_ops))
    _aw_runner_maybe_finish (run);
  g_object_unref (run);
  g_free (report);
}

static void
runner_post_report (AwEngine *engine,
                    AwOp     *op,
                    guint32   task,
                    guint     percent)
{
  AwRunner *run = RUNNER (engine);
  Report *report = g_new0 (Report, 1);
  GMainContext *context = op != NULL ? SCOPE (op->scope)->context : run->context;

  report->run = g_object_ref (run);
  report->task = task;
  report->percent = percent;
  g_atomic_int_inc (&run->live_ops);
  _aw_runner_defer_to_context (context, G_PRIORITY_DEFAULT, report_deliver, report, report_free);
}

/* A composite gives its context's loop a turn (aw-interp.c, turn_due):
 * at idle priority, so that input, timers, the heartbeat and a redraw come
 * first. */
typedef struct {
  AwRunner *run;
  AwOp     *op;
} Turn;

static gboolean
turn_deliver (gpointer data)
{
  Turn *turn = data;

  _aw_engine_turn (&turn->run->engine, turn->op);
  return G_SOURCE_REMOVE;
}

static void
turn_free (gpointer data)
{
  Turn *turn = data;
  AwRunner *run = turn->run;

  run->engine.backend->op_unref (&run->engine, turn->op);
  g_object_unref (run);
  g_free (turn);
}

static void
runner_post_turn (AwEngine *engine,
                  AwOp     *op)
{
  AwRunner *run = RUNNER (engine);
  Turn *turn = g_new0 (Turn, 1);

  turn->run = g_object_ref (run);
  engine->backend->op_ref (engine, op);
  turn->op = op;
  _aw_runner_defer_to_context (SCOPE (op->scope)->context, G_PRIORITY_DEFAULT_IDLE, turn_deliver, turn, turn_free);
}

/* Each finished ConfigureAwait(false) wait leaves its context (a file
 * descriptor or two) for the run's loop to free: past this many, a
 * composite starting such waits one after the other gives the loop a turn. */
#define MAX_WAITS_TO_RELEASE 64

static gboolean
runner_turn_wanted (AwEngine *engine)
{
  return g_atomic_int_get (&RUNNER (engine)->waits_to_release) >= MAX_WAITS_TO_RELEASE;
}

static void
runner_root_done (AwEngine *engine)
{
  AwRunner *run = RUNNER (engine);

  if (run->cancel_timer != NULL)
    {
      g_source_destroy (run->cancel_timer);
      g_clear_pointer (&run->cancel_timer, g_source_unref);
    }
  _aw_runner_maybe_finish (run);
}

static gboolean
cancel_after_fired (gpointer data)
{
  AwRunner *run = data;

  g_clear_pointer (&run->cancel_timer, g_source_unref);
  _aw_engine_cancel_after_fired (&run->engine);
  return G_SOURCE_REMOVE;
}

static gboolean
external_cancel_cb (gpointer data)
{
  aw_runner_cancel (data, AW_TEXT_CANCELLED_BY_CALLER);
  return G_SOURCE_REMOVE;
}

static void
external_cancelled (GCancellable *cancellable,
                    AwRunner     *run)
{
  /* May come from any thread: hop to the run's thread. */
  if (g_thread_self () == run->main_thread)
    g_main_context_invoke_full (run->context, G_PRIORITY_HIGH, external_cancel_cb,
                                g_object_ref (run), g_object_unref);
  else
    _aw_runner_defer_to_context (run->context, G_PRIORITY_HIGH, external_cancel_cb,
                      g_object_ref (run), g_object_unref);
}

static void
aw_runner_dispose (GObject *object)
{
  AwRunner *self = (AwRunner *) object;

  /* A run in progress holds a ref on the runner through its task. */
  g_assert (!self->engine.running);
  g_clear_object (&self->engine.scenario);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->engine.trace, aw_trace_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  /* Finished while running: nothing is left to release. */
  g_assert (self->release_idle == NULL);
  g_clear_pointer (&self->released, g_ptr_array_unref);

  G_OBJECT_CLASS (aw_runner_parent_class)->dispose (object);
}

static void
aw_runner_finalize (GObject *object)
{
  AwRunner *self = (AwRunner *) object;

  /* Every op is freed before the run ends. */
  g_assert (g_atomic_int_get (&self->live_ops) == 0);
  while (self->op_blocks != NULL)
    {
      OpBlock *block = self->op_blocks;

      self->op_blocks = block->next;
      g_free (block);
    }
  _aw_engine_clear (&self->engine);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->monitor.lock);
  g_cond_clear (&self->monitor.cond);
  _aw_runner_callbacks_clear (self);

  G_OBJECT_CLASS (aw_runner_parent_class)->finalize (object);
}

static void
aw_runner_class_init (AwRunnerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = aw_runner_dispose;
  G_OBJECT_CLASS (klass)->finalize = aw_runner_finalize;
}

static void
aw_runner_init (AwRunner *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->monitor.lock);
  g_cond_init (&self->monitor.cond);
  _aw_runner_callbacks_init (self);
}

/**
 * aw_runner_new:
 * @scenario: a scenario
 * @variant_index: which variant to run
 * @options: (nullable): run options
 *
 * Returns: (transfer full): a runner for one run of the variant
 */
AwRunner *
aw_runner_new (AwScenario         *scenario,
               guint               variant_index,
               const AwRunOptions *options)
{
  AwRunner *self;

  g_return_val_if_fail (AW_IS_SCENARIO (scenario), NULL);
  g_return_val_if_fail (variant_index < aw_scenario_get_n_variants (scenario), NULL);

  self = g_object_new (AW_TYPE_RUNNER, NULL);
  _aw_engine_init (&self->engine, &runner_backend, scenario, variant_index, options);
  self->cancellable = g_cancellable_new ();

  return self;
}

/**
 * aw_runner_get_scenario:
 *
 * Returns: (transfer none): the scenario, as long as the runner lives
 */
AwScenario *
aw_runner_get_scenario (AwRunner *self)
{
  return self->engine.scenario;
}

/**
 * aw_runner_get_variant:
 *
 * Returns: (transfer none): the variant, as long as the runner lives
 */
const AwVariant *
aw_runner_get_variant (AwRunner *self)
{
  return self->engine.variant;
}

/**
 * aw_runner_get_trace:
 *
 * Returns: (transfer none) (nullable): the trace of the run, once started;
 *   it lives as long as the runner
 */
AwTrace *
aw_runner_get_trace (AwRunner *self)
{
  return self->engine.trace;
}

/**
 * aw_runner_get_cancellable:
 *
 * Returns: (transfer none): the run's token
 */
GCancellable *
aw_runner_get_cancellable (AwRunner *self)
{
  return self->cancellable;
}

gboolean
aw_runner_is_running (AwRunner *self)
{
  return self->engine.running;
}

/**
 * aw_runner_get_next_deadline:
 * @self: a runner
 *
 * When the next timer of the run's own main context is due: the earliest
 * wait or deadline of the program, or the run's cancel-after. A window that
 * paints for a while can hold off starting a frame that would make it late.
 * Timers of the contexts the run owns (ConfigureAwait(false)) are not
 * counted: painting does not delay them. Call it on the run's thread.
 *
 * Returns: monotonic microseconds, maybe already past; -1 if none is pending
 */
gint64
aw_runner_get_next_deadline (AwRunner *self)
{
  gint64 next = -1;

  g_return_val_if_fail (AW_IS_RUNNER (self), -1);

  if (!self->engine.running)
    return -1;
  if (self->engine.root_scope != NULL)
    next = aw_wait_source_get_armed (SCOPE (self->engine.root_scope)->timers);
  if (self->cancel_timer != NULL && !g_source_is_destroyed (self->cancel_timer))
    {
      gint64 at = g_source_get_ready_time (self->cancel_timer);

      if (at >= 0 && (next < 0 || at < next))
        next = at;
    }
  return next;
}

/**
 * aw_runner_cancel:
 * @self: a runner
 * @why: (nullable): shown on the timeline
 *
 * Cancels the run's token, like pressing Cancel. Call it on the run's
 * thread; use aw_runner_run_async()'s cancellable from other threads.
 */
void
aw_runner_cancel (AwRunner   *self,
                  const char *why)
{
  g_return_if_fail (AW_IS_RUNNER (self));

  _aw_engine_cancel (&self->engine, why ? why : AW_TEXT_CANCEL_PRESSED);
}

/**
 * aw_runner_stop:
 * @self: a runner
 *
 * The person running the program stops it: the window's Cancel. Cancels
 * the run's token as aw_runner_cancel() does and marks the trace
 * (%AW_META_STOPPED_BY_USER), so that what the run did afterwards is read
 * as cut short, not as the program's own outcome: the verdict does not
 * judge it. A run whose token the program has cancelled already (its own
 * deadline, a scripted "user leaves") goes on as the program says, and is
 * not marked. Call it on the run's thread.
 *
 * Returns: %TRUE if the run's token was cancelled now
 */
gboolean
aw_runner_stop (AwRunner *self)
{
  g_return_val_if_fail (AW_IS_RUNNER (self), FALSE);

  if (!_aw_engine_cancel (&self->engine, AW_TEXT_CANCELLED_BY_YOU))
    return FALSE;
  aw_trace_set_metadata (self->engine.trace, AW_META_STOPPED_BY_USER, "true");
  return TRUE;
}

/**
 * aw_runner_run_async:
 * @self: a runner that has not run yet
 * @cancellable: (nullable): cancelling it cancels the run's token
 * @callback: called on the thread-default main context when every task of
 *   the run has completed
 * @user_data: data for @callback
 *
 * Runs the variant on the caller's thread-default main context.
 */
void
aw_runner_run_async (AwRunner            *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;
  gint cancel_after_ms;

  g_return_if_fail (AW_IS_RUNNER (self));
  g_return_if_fail (self->engine.trace == NULL);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, aw_runner_run_async);

  self->run_task = task;
  self->context = g_main_context_ref_thread_default ();
  self->main_thread = g_thread_self ();
  _aw_runner_pool_start (self);

  self->engine.root_scope = &_aw_runner_scope_new (self, NULL, self->cancellable, self->context)->base;
  if (cancellable != NULL)
    {
      self->external = g_object_ref (cancellable);
      self->external_handler = g_cancellable_connect (cancellable, G_CALLBACK (external_cancelled),
                                                      self, NULL);
    }

  _aw_engine_begin (&self->engine, aw_trace_new (), "real");

  if (self->engine.options.heartbeat_ms > 0)
    {
      self->heartbeat = g_timeout_source_new (self->engine.options.heartbeat_ms);
      g_source_set_priority (self->heartbeat, G_PRIORITY_HIGH);
      g_source_set_callback (self->heartbeat, heartbeat_tick, self, NULL);
      g_source_attach (self->heartbeat, self->context);
      runner_record (&self->engine, AW_EVENT_FRAME, 0, 0, 0);
    }

  cancel_after_ms = _aw_engine_cancel_after_ms (&self->engine);
  if (cancel_after_ms >= 0)
    {
      self->cancel_timer = g_timeout_source_new (cancel_after_ms);
      g_source_set_priority (self->cancel_timer, G_PRIORITY_HIGH);
      g_source_set_callback (self->cancel_timer, cancel_after_fired, self, NULL);
      g_source_attach (self->cancel_timer, self->context);
    }

  _aw_engine_start (&self->engine);
}

/**
 * aw_runner_run_finish:
 * @self: a runner
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * A run that faulted or was cancelled still finishes successfully: its
 * outcome is in the trace. This fails only if the run could not happen.
 *
 * Returns: %TRUE when the run happened
 */
gboolean
aw_runner_run_finish (AwRunner      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == aw_runner_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  gboolean      done;
  GAsyncResult *result;
} SyncData;

static void
sync_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SyncData *data = user_data;

  data->result = g_object_ref (result);
  data->done = TRUE;
}

/**
 * aw_runner_run_sync:
 * @self: a runner
 * @error: return location for an error
 *
 * Runs the variant to its end, iterating the thread-default main context.
 *
 * Returns: %TRUE when the run happened
 */
gboolean
aw_runner_run_sync (AwRunner  *self,
                    GError   **error)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  SyncData data = { FALSE, NULL };
  gboolean ret;

  aw_runner_run_async (self, NULL, sync_done, &data);
  while (!data.done)
    g_main_context_iteration (context, TRUE);

  ret = aw_runner_run_finish (self, data.result, error);
  g_object_unref (data.result);

  return ret;
}
