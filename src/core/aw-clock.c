/* aw-clock.c: the virtual clock: a variant run as a deterministic simulation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The simulated back-end of the interpreter (aw-interp.c): aw_clock_simulate()
 * executes a variant's program tree with the same interpreter as the real
 * runner, against a simulated clock: no main loop, no threads, no sleeping.
 * It records the events a real run records, in the order the runner records
 * them, with exact times. main_thread_body() is aw_runner_run_async() and
 * the loop of aw_runner_run_sync(); configure_await_body() is the runner's
 * wait_worker().
 *
 * What this back-end models, where the real one has GLib:
 *
 * - Main contexts and their sources (aw-clock-context.c).
 * - GTask completion (g_task_return()): the callback runs at once when the
 *   task returns inside a dispatch of its own context in a later iteration
 *   than the one that created it; otherwise an idle runs it in the next
 *   iteration. A task returned from a worker always completes in an idle.
 * - Threads that run interpreter code as coroutines (aw-clock-fiber.c).
 * - The worker pool: a FIFO queue served by at most options->workers
 *   workers, the lowest-numbered free worker first. A job runs for its
 *   duration; a cooperative job checks its token every check_ms and stops at
 *   the first check at or after the cancellation. The dotnet pool's check
 *   (AwPool) is an entry of its own that comes before anything else due at
 *   its time, as the runner's monitor decides as of its instant; a thread
 *   it adds takes the first job still queued after the workers that finish
 *   at that instant took theirs (a new thread starts later than a running
 *   one takes its next job).
 * - Tokens: cancelling one finishes its waits, then cancels the tokens made
 *   from it in the order they were made, as GCancellable's "cancelled"
 *   handlers run in the order they were connected.
 * - Time moves only when every thread waits: instant work takes no time.
 *   Whatever is due later is an entry of one priority queue keyed by (time,
 *   sequence number), so equal times keep their insertion order and the
 *   same inputs always give the same events.
 *
 * Where the runner's order within one instant depends on which of two real
 * threads is faster, the simulation picks one order, always the same: a
 * thread that wakes another finishes what it is doing first.
 */

#include "config.h"

#include "aw-clock.h"
#include "aw-clock-private.h"

#include <math.h>

#define SIM(engine) ((Sim *) (engine))
#define OP(o)       ((Op *) (o))
#define SCOPE(s)    ((Scope *) (s))

static void scope_cancel (Sim *sim, Scope *scope);
static void maybe_finish (Sim *sim);
static void task_return_now (Sim *sim, Op *op);

/* A timeout source counts whole milliseconds, rounded like the runner's. */
static inline gint64
timer_ns (gint64 us)
{
  return (gint64) MIN ((us + 500) / 1000, G_MAXUINT) * NS_PER_MS;
}

/* The trace ------------------------------------------------------------------------ */

static void
record_on_lane (Sim         *sim,
                guint        lane,
                AwEventKind  kind,
                guint32      task,
                guint32      parent,
                guint32      str)
{
  AwEvent event = {
    .time_ns = sim->now,
    .task = task,
    .parent = parent,
    .str = str,
    .kind = kind,
    .lane = (guint16) MIN (lane, G_MAXUINT16),
  };

  aw_trace_append_event (sim->engine.trace, &event);
}

/* A thread's lane is the next free one, taken when the thread first
 * records; the trace names a lane it is given no name for as it names a
 * real thread's. */
static guint
new_lane (Sim        *sim,
          const char *name)
{
  guint lane = sim->next_lane++;

  if (name != NULL)
    aw_trace_set_lane_name (sim->engine.trace, MIN (lane, G_MAXUINT16), name);
  return lane;
}

/* On the lane of the thread whose code runs, or of the worker whose job does. */
static gint64
sim_record (AwEngine    *engine,
            AwEventKind  kind,
            guint32      task,
            guint32      parent,
            guint32      str)
{
  Sim *sim = SIM (engine);
  guint lane;

  if (sim->current != NULL)
    lane = sim->current->lane;
  else
    {
      Worker *worker = sim->current_worker;

      g_assert (worker != NULL);
      if (worker->lane < 0)
        worker->lane = (gint) new_lane (sim, worker->lane_name);
      lane = (guint) worker->lane;
    }
  record_on_lane (sim, lane, kind, task, parent, str);
  return sim->now;
}

static gint64
sim_now (AwEngine *engine)
{
  return SIM (engine)->now;
}

static void
sim_record_main (AwEngine    *engine,
                 AwEventKind  kind,
                 guint32      str)
{
  record_on_lane (SIM (engine), 0, kind, 0, 0, str);
}

static gboolean
sim_on_run_thread (AwEngine *engine)
{
  /* Every simulated thread runs on the caller's. */
  return TRUE;
}

/* Scopes: one token each ---------------------------------------------------------- */

static Scope *
scope_ref (Scope *scope)
{
  scope->ref_count++;
  return scope;
}

static void
scope_unref (Sim   *sim,
             Scope *scope)
{
  Scope *parent;

  if (scope == NULL || --scope->ref_count > 0)
    return;

  g_assert (scope->base.waiters == NULL);
  parent = scope->parent;
  if (parent != NULL)
    {
      /* Disconnects its handler from the parent's token. */
      if (scope->prev_sibling != NULL)
        scope->prev_sibling->next_sibling = scope->next_sibling;
      else
        parent->first_child = scope->next_sibling;
      if (scope->next_sibling != NULL)
        scope->next_sibling->prev_sibling = scope->prev_sibling;
      else
        parent->last_child = scope->prev_sibling;
    }
  if (scope->all_prev != NULL)
    scope->all_prev->all_next = scope->all_next;
  else
    sim->scopes = scope->all_next;
  if (scope->all_next != NULL)
    scope->all_next->all_prev = scope->all_prev;
  g_free (scope);

  scope_unref (sim, parent);
}

static Scope *
scope_new (Sim     *sim,
           Scope   *parent,
           Context *context)
{
  Scope *scope = g_new0 (Scope, 1);

  scope->ref_count = 1;
  scope->context = context ? context : parent ? parent->context : sim->main_context;
  /* A scope on a context of its own makes that context's wait source. */
  if (parent == NULL || parent->context != scope->context)
    _aw_clock_context_add_waits (sim, scope->context);
  scope->all_next = sim->scopes;
  if (sim->scopes != NULL)
    sim->scopes->all_prev = scope;
  sim->scopes = scope;

  if (parent != NULL)
    {
      scope->parent = scope_ref (parent);
      scope->prev_sibling = parent->last_child;
      if (parent->last_child != NULL)
        parent->last_child->next_sibling = scope;
      else
        parent->first_child = scope;
      parent->last_child = scope;
      if (parent->cancelled)
        scope_cancel (sim, scope);
    }

  return scope;
}

static void
parent_scope_cancelled (Sim   *sim,
                        Scope *scope)
{
  ThreadState owner = scope->context->owner->state;

  /* A scope's waiting tasks are finished on the thread that runs its context;
   * g_main_context_invoke_full() calls at once when nobody owns it. */
  if (scope->context == scope->parent->context || owner == THREAD_NEW || owner == THREAD_DONE)
    scope_cancel (sim, scope);
  else
    _aw_clock_source_attach (sim, scope->context, SOURCE_CANCEL_SCOPE, TRUE, sim->now, scope_ref (scope));
}

/* The work a worker has done by now. */
static gint64
worker_done (Sim    *sim,
             Worker *worker)
{
  gint64 done = worker->done_ns + (gint64) floor ((sim->now - worker->done_at) * worker->rate);

  return MIN (done, worker->target_ns);
}

/* Wakes @worker when it has done @target of its work. */
static void
worker_wake_at_work (Sim    *sim,
                     Worker *worker,
                     gint64  target)
{
  worker->target_ns = target;
  _aw_clock_worker_schedule (sim, worker,
                             worker->done_at + (gint64) ceil ((target - worker->done_ns) / worker->rate));
}

static void
worker_token_cancelled (Sim    *sim,
                        Worker *worker)
{
  gint64 done = worker_done (sim, worker);
  gint64 k = MAX (1, (done + worker->check_ns - 1) / worker->check_ns);
  gint64 next = MIN (MIN (k * worker->check_ns, worker->work_ns), worker->next_report_ns);

  /* The first check at or after now sees the token. */
  if (next < worker->target_ns)
    {
      worker->done_ns = done;
      worker->done_at = sim->now;
      worker_wake_at_work (sim, worker, next);
    }
}

/* CPU-bound jobs share the cores: with more of them than cores, each gets
 * its share, and each one's work takes longer in wall time. */
static void
pool_share_cores (Sim *sim)
{
  guint running = 0;
  double rate;

  /* The pool's workers, then the callback thread. */
  guint n = sim->workers->len + (sim->callback != NULL);

  for (guint i = 0; i < n; i++)
    {
      Worker *worker = i < sim->workers->len ? g_ptr_array_index (sim->workers, i) : sim->callback;

      if (worker->op != NULL && worker->on_cpu)
        running++;
    }
  rate = running > sim->cores ? (double) sim->cores / running : 1.0;

  for (guint i = 0; i < n; i++)
    {
      Worker *worker = i < sim->workers->len ? g_ptr_array_index (sim->workers, i) : sim->callback;

      if (worker->op == NULL || !worker->on_cpu || worker->rate == rate)
        continue;
      worker->done_ns = worker_done (sim, worker);
      worker->done_at = sim->now;
      worker->rate = rate;
      worker_wake_at_work (sim, worker, worker->target_ns);
    }
}

/* g_cancellable_cancel(): the flag first, then the "cancelled" handlers in
 * the order they were connected: the scope's own, then its child scopes'. */
static void
scope_cancel (Sim   *sim,
              Scope *scope)
{
  g_autoptr(GPtrArray) children = NULL;

  if (scope->cancelled)
    return;
  scope->cancelled = TRUE;

  for (Op *op = scope->running; op != NULL; op = op->rnext)
    worker_token_cancelled (sim, op->worker);

  scope_ref (scope);
  children = g_ptr_array_new ();
  for (Scope *child = scope->first_child; child != NULL; child = child->next_sibling)
    g_ptr_array_add (children, scope_ref (child));

  _aw_engine_scope_cancelled (&sim->engine, &scope->base);
  for (guint i = 0; i < children->len; i++)
    parent_scope_cancelled (sim, g_ptr_array_index (children, i));

  for (guint i = 0; i < children->len; i++)
    scope_unref (sim, g_ptr_array_index (children, i));
  scope_unref (sim, scope);
}

static AwScope *
sim_scope_new (AwEngine *engine,
               AwScope  *parent)
{
  return &scope_new (SIM (engine), SCOPE (parent), NULL)->base;
}

static AwScope *
sim_scope_ref (AwEngine *engine,
               AwScope  *scope)
{
  return &scope_ref (SCOPE (scope))->base;
}

static void
sim_scope_unref (AwEngine *engine,
                 AwScope  *scope)
{
  scope_unref (SIM (engine), SCOPE (scope));
}

static void
sim_scope_cancel (AwEngine *engine,
                  AwScope  *scope)
{
  scope_cancel (SIM (engine), SCOPE (scope));
}

static gboolean
sim_scope_is_cancelled (AwEngine *engine,
                        AwScope  *scope)
{
  return SCOPE (scope)->cancelled;
}

/* Ops: one GTask each ---------------------------------------------------------------- */

static Op *
op_ref (Op *op)
{
  op->ref_count++;
  return op;
}

static void
op_free (Sim *sim,
         Op  *op)
{
  g_assert (op->timer == NULL);
  _aw_engine_op_clear (&sim->engine, &op->base);
  g_clear_error (&op->result);
  if (op->all_prev != NULL)
    op->all_prev->all_next = op->all_next;
  else
    sim->ops = op->all_next;
  if (op->all_next != NULL)
    op->all_next->all_prev = op->all_prev;
  g_free (op);

  g_assert (sim->live_ops > 0);
  if (--sim->live_ops == 0)
    maybe_finish (sim);
}

static void
op_unref (Sim *sim,
          Op  *op)
{
  if (--op->ref_count == 0)
    op_free (sim, op);
}

static AwOp *
sim_op_alloc (AwEngine *engine)
{
  Sim *sim = SIM (engine);
  Op *op = g_new0 (Op, 1);
  Context *context = sim->current->context;

  op->ref_count = 1;
  op->context = context;
  op->created_iteration = context->iteration;
  op->all_next = sim->ops;
  if (sim->ops != NULL)
    sim->ops->all_prev = op;
  sim->ops = op;
  sim->live_ops++;

  return &op->base;
}

static void
sim_op_ref (AwEngine *engine,
            AwOp     *op)
{
  op_ref (OP (op));
}

static void
sim_op_unref (AwEngine *engine,
              AwOp     *op)
{
  op_unref (SIM (engine), OP (op));
}

/* g_task_return_*() */
static void
task_return (Sim    *sim,
             Op     *op,
             GError *error)
{
  Thread *self = sim->current;

  op->result = error;
  op_ref (op);

  /* Inside a dispatch of the task's own context, in a later iteration than
   * the one that created it: the callback runs now. */
  if (self != NULL && self->dispatching != NULL &&
      self->dispatching->context == op->context &&
      op->context->iteration > op->created_iteration)
    {
      task_return_now (sim, op);
      op_unref (sim, op);
      return;
    }

  /* Otherwise in the next iteration; the idle holds the ref. */
  _aw_clock_source_attach (sim, op->context, SOURCE_TASK_RETURN, FALSE, sim->now, op);
}

static void
sim_op_return (AwEngine *engine,
               AwOp     *op,
               GError   *error)
{
  task_return (SIM (engine), OP (op), error);
}

/* GTask's g_task_return_now(): the callback. */
static void
task_return_now (Sim *sim,
                 Op  *op)
{
  _aw_engine_op_returned (&sim->engine, &op->base, g_steal_pointer (&op->result));
}

/* Timers -------------------------------------------------------------------------------- */

static void
sim_timer_start (AwEngine    *engine,
                 AwOp        *op,
                 AwTimerKind  kind,
                 gint64       at,
                 gint64       us)
{
  Sim *sim = SIM (engine);

  OP (op)->timer = _aw_clock_wait_attach (sim, SCOPE (op->scope)->context,
                                          kind == AW_TIMER_DEADLINE ? SOURCE_DEADLINE : SOURCE_TIMER,
                                          at + timer_ns (us), op);
}

static void
sim_timer_clear (AwEngine *engine,
                 AwOp     *op)
{
  if (OP (op)->timer != NULL)
    {
      _aw_clock_source_destroy (OP (op)->timer);
      OP (op)->timer = NULL;
    }
}

/* The worker pool ------------------------------------------------------------------------- */

static void
pool_release (Sim    *sim,
              Worker *worker)
{
  AwHeapItem item = { worker->index, worker->index, worker, 0, 0 };

  aw_clock_heap_push (&sim->idle_workers, &item);
  sim->busy_workers--;
}

/* The job has run (or stopped): the worker returns its GTask, whose callback
 * runs in an idle of the task's context. */
static void
worker_finish (Sim      *sim,
               Worker   *worker,
               gboolean  cancelled)
{
  Op *op = worker->op;

  if (worker->cooperative)
    {
      Scope *scope = SCOPE (op->base.scope);

      if (op->rprev != NULL)
        op->rprev->rnext = op->rnext;
      else if (scope->running == op)
        scope->running = op->rnext;
      if (op->rnext != NULL)
        op->rnext->rprev = op->rprev;
      op->rprev = op->rnext = NULL;
    }
  op->worker = NULL;
  worker->op = NULL;
  if (worker != sim->callback)
    sim->pool_last_finish = sim->now;

  task_return (sim, op, _aw_engine_job_end (&sim->engine, &op->base, cancelled));
}

/* The worker begins @op's job (the runner's _aw_runner_job_run()). Returns
 * FALSE if the job must not start: then it has finished it. */
static gboolean
worker_begin_job (Sim    *sim,
                  Worker *worker,
                  Op     *op)
{
  AwJob job;

  worker->op = op;
  op->worker = worker;
  _aw_engine_job_describe (&sim->engine, &op->base, &job);
  worker->cooperative = job.cooperative;

  if (!_aw_engine_job_begin (&sim->engine, &op->base))
    {
      worker_finish (sim, worker, TRUE);
      return FALSE;
    }

  worker->work_ns = job.work_us * NS_PER_US;
  worker->check_ns = job.check_us * NS_PER_US;
  worker->done_ns = 0;
  worker->done_at = sim->now;
  worker->rate = 1.0;
  worker->on_cpu = !job.blocking;
  /* A report after every progress_ms of work, never at its very end. */
  worker->report_ns = job.report_us * NS_PER_US;
  worker->next_report_ns = worker->report_ns > 0 && worker->report_ns < worker->work_ns ? worker->report_ns : NEVER;
  if (job.cooperative)
    {
      Scope *scope = SCOPE (op->base.scope);

      op->rprev = NULL;
      op->rnext = scope->running;
      if (scope->running != NULL)
        scope->running->rprev = op;
      scope->running = op;
    }
  worker_wake_at_work (sim, worker, MIN (worker->work_ns, worker->next_report_ns));
  return TRUE;
}

/* The callback thread takes the callbacks that are due, in order, until
 * one leaves it a continuation to run; else it sleeps until the next. */
static void
callback_take_next (Sim    *sim,
                    Worker *worker)
{
  const AwHeapItem *top;

  while ((top = aw_clock_heap_peek (&sim->callbacks)) != NULL && top->time <= sim->now)
    {
      AwHeapItem item;

      aw_clock_heap_pop (&sim->callbacks, &item);
      if (_aw_engine_callback_fired (&sim->engine, item.ptr) &&
          worker_begin_job (sim, worker, item.ptr))
        return;
    }
  if (top != NULL)
    _aw_clock_worker_schedule (sim, worker, top->time);
}

/* The worker takes the queue's first job, if any (the runner's worker_run). */
static void
worker_take_next (Sim    *sim,
                  Worker *worker)
{
  if (worker == sim->callback)
    {
      callback_take_next (sim, worker);
      return;
    }

  for (;;)
    {
      Op *op = g_queue_pop_head (&sim->jobs);

      if (op == NULL)
        {
          pool_release (sim, worker);
          return;
        }
      if (worker_begin_job (sim, worker, op))
        return;
    }
}

void
_aw_clock_worker_wake (Sim    *sim,
                       Worker *worker)
{
  Op *op = worker->op;
  Worker *outer = sim->current_worker;

  sim->current_worker = worker;
  if (op == NULL)
    worker_take_next (sim, worker);
  else
    {
      gboolean cancelled;

      worker->done_ns = worker->target_ns;
      worker->done_at = sim->now;
      /* At the end, the last chunk's check; before it, a report is due or
       * a cancelled token makes a worker wake up. Work of no length has no
       * check at all. */
      if (worker->done_ns >= worker->work_ns)
        cancelled = worker->cooperative && worker->work_ns > 0 &&
                    SCOPE (op->base.scope)->cancelled;
      else
        {
          if (worker->done_ns == worker->next_report_ns)
            {
              _aw_engine_job_progress (&sim->engine, &op->base, worker->done_ns / NS_PER_US);
              worker->next_report_ns += worker->report_ns;
              if (worker->next_report_ns >= worker->work_ns)
                worker->next_report_ns = NEVER;
            }
          cancelled = worker->cooperative && SCOPE (op->base.scope)->cancelled;
        }

      if (!cancelled && worker->done_ns < worker->work_ns)
        /* After a report the work goes on. */
        worker_wake_at_work (sim, worker, MIN (worker->work_ns, worker->next_report_ns));
      else
        {
          worker_finish (sim, worker, cancelled);
          worker_take_next (sim, worker);
        }
    }
  pool_share_cores (sim);
  sim->current_worker = outer;
}

static Worker *
pool_add_worker (Sim *sim)
{
  Worker *worker = g_new0 (Worker, 1);

  worker->index = sim->workers->len;
  worker->lane = -1;
  g_ptr_array_add (sim->workers, worker);
  sim->busy_workers++;
  _aw_clock_worker_schedule (sim, worker, sim->now);
  return worker;
}

/* The dotnet pool checks on a grid of intervals from the first job queued;
 * the next check after now, when jobs wait and none is due. */
static void
pool_schedule_check (Sim *sim)
{
  gint64 interval = sim->engine.pool_interval_us * NS_PER_US;

  if (sim->engine.options.pool != AW_POOL_DOTNET || sim->pool_check != NEVER || g_queue_is_empty (&sim->jobs))
    return;
  _aw_clock_pool_schedule (sim, sim->pool_first_push + ((sim->now - sim->pool_first_push) / interval + 1) * interval);
}

/* The dotnet pool's check: jobs wait, and none finished during the whole
 * last interval (a job that finishes now, after the check, does not count):
 * one more thread. */
void
_aw_clock_pool_check (Sim *sim)
{
  gint64 interval = sim->engine.pool_interval_us * NS_PER_US;

  sim->pool_check = NEVER;
  if (!g_queue_is_empty (&sim->jobs) && sim->pool_last_finish < sim->now - interval &&
      sim->pool_threads < sim->engine.options.pool_max_threads)
    {
      g_assert (sim->workers->len == sim->pool_threads);
      sim->pool_threads++;
      _aw_engine_pool_grew (&sim->engine, sim->pool_threads);
      pool_add_worker (sim);
    }
  pool_schedule_check (sim);
}

/* g_thread_pool_push(): a free worker, the lowest-numbered one, wakes up. */
static void
sim_pool_push (AwEngine *engine,
               AwOp     *op)
{
  Sim *sim = SIM (engine);
  AwHeapItem item;

  g_queue_push_tail (&sim->jobs, op);
  if (sim->pool_first_push < 0)
    sim->pool_first_push = sim->now;

  if (aw_clock_heap_pop (&sim->idle_workers, &item))
    {
      sim->busy_workers++;
      _aw_clock_worker_schedule (sim, item.ptr, sim->now);
    }
  else if (sim->workers->len < sim->pool_threads)
    pool_add_worker (sim);
  else
    pool_schedule_check (sim);
}

/* The callback thread ------------------------------------------------------------------------- */

/* A callback comes due @us after @at; the callback thread, made at its
 * first, takes it then unless it is busy. */
static void
sim_callback_start (AwEngine *engine,
                    AwOp     *op,
                    gint64    at,
                    gint64    us)
{
  Sim *sim = SIM (engine);
  AwHeapItem item = { at + us * NS_PER_US, sim->seq++, op, 0, 0 };

  if (sim->callback == NULL)
    {
      sim->callback = g_new0 (Worker, 1);
      sim->callback->index = G_MAXUINT;
      sim->callback->lane = -1;
      sim->callback->lane_name = AW_ENGINE_CALLBACK_LANE;
    }
  aw_clock_heap_push (&sim->callbacks, &item);
  if (sim->callback->op == NULL)
    _aw_clock_worker_schedule (sim, sim->callback, MAX (sim->now, aw_clock_heap_peek (&sim->callbacks)->time));
}

/* Blocking ------------------------------------------------------------------------------------ */

static void
sim_sleep (AwEngine *engine,
           gint64    us)
{
  Sim *sim = SIM (engine);

  _aw_clock_thread_sleep (sim, sim->current, us * NS_PER_US);
}

static WaitState *
wait_state_ref (WaitState *ws)
{
  ws->ref_count++;
  return ws;
}

static void
wait_state_unref (Sim       *sim,
                  WaitState *ws)
{
  if (--ws->ref_count > 0)
    return;
  g_hash_table_remove (sim->wait_states, ws);
  g_clear_error (&ws->error);
  scope_unref (sim, SCOPE (ws->base.scope));
  g_free (ws);
}

/* g_cond_broadcast(): the waiting thread wakes up. */
static void
wait_state_signal (Sim       *sim,
                   WaitState *ws)
{
  Thread *waiter = ws->waiter;

  if (waiter != NULL && waiter->state == THREAD_WAITING && waiter->waiting_on == ws)
    _aw_clock_thread_schedule (sim, waiter, sim->now);
}

static gboolean
sim_wait_complete (AwEngine  *engine,
                   AwWait    *wait,
                   GError   **error)
{
  WaitState *ws = (WaitState *) wait;
  gboolean abandoned = ws->abandoned;

  ws->done = TRUE;
  ws->loop_done = TRUE;
  if (!abandoned)
    ws->error = g_steal_pointer (error);
  wait_state_signal (SIM (engine), ws);

  return abandoned;
}

static gboolean
sim_wait_abandoned (AwEngine *engine,
                    AwWait   *wait)
{
  return ((WaitState *) wait)->abandoned;
}

static void
sim_wait_unref (AwEngine *engine,
                AwWait   *wait)
{
  wait_state_unref (SIM (engine), (WaitState *) wait);
}

/* ConfigureAwait(false): the child runs and completes on a thread of its own,
 * with its own main context (the runner's wait_worker). */
void
_aw_clock_configure_await_body (Sim    *sim,
                                Thread *self)
{
  WaitState *ws = self->ws;
  Scope *scope = SCOPE (ws->base.scope);

  self->lane = new_lane (sim, AW_ENGINE_CONFIGURE_AWAIT_LANE);
  if (_aw_engine_wait_start_child (&sim->engine, &wait_state_ref (ws)->base))
    {
      /* Until the child and every task it left on this thread are done. */
      while (!ws->loop_done || scope->ref_count > 1)
        _aw_clock_context_iterate (sim, self, TRUE);
      /* Let the child's GTask finish its own dispatch. */
      while (_aw_clock_context_iterate (sim, self, FALSE))
        ;
    }
  else
    {
      ws->done = TRUE;
      wait_state_signal (sim, ws);
      wait_state_unref (sim, ws);
    }

  self->ws = NULL;
  wait_state_unref (sim, ws);
  g_assert (sim->live_ops > 0);
  if (--sim->live_ops == 0)
    maybe_finish (sim);
}

/* Blocks this thread until the child's continuation says it finished, or
 * until the deadline (g_cond_wait_until). */
static gboolean
sim_block_on (AwEngine      *engine,
              AwOp          *op,
              const AwNode  *child,
              gboolean       on_worker,
              guint          deadline_ms,
              GError       **error)
{
  Sim *sim = SIM (engine);
  Thread *self = sim->current;
  WaitState *ws = g_new0 (WaitState, 1);
  gint64 deadline;
  gboolean done;

  ws->ref_count = 1;
  ws->base.wait_id = op->id;
  ws->base.child = child;
  ws->waiter = self;
  g_hash_table_add (sim->wait_states, ws);

  if (on_worker)
    {
      Context *context = _aw_clock_context_new (sim);
      Thread *thread;

      ws->base.scope = &scope_new (sim, SCOPE (op->scope), context)->base;
      sim->live_ops++;
      thread = _aw_clock_thread_new (sim, context, FALSE);
      thread->ws = wait_state_ref (ws);
      _aw_clock_thread_schedule (sim, thread, sim->now);
    }
  else
    {
      ws->base.scope = &scope_ref (SCOPE (op->scope))->base;
      if (!_aw_engine_wait_start_child (engine, &wait_state_ref (ws)->base))
        {
          ws->done = TRUE;
          wait_state_unref (sim, ws);
        }
    }

  deadline = sim->now + (gint64) deadline_ms * NS_PER_MS;
  while (!ws->done && sim->now < deadline)
    _aw_clock_thread_wait (sim, self, ws, deadline);
  done = ws->done;
  if (!done)
    ws->abandoned = TRUE;
  else
    *error = g_steal_pointer (&ws->error);

  wait_state_unref (sim, ws);
  return done;
}

/* The run ----------------------------------------------------------------------------------- */

static void
finish_run (Sim *sim)
{
  sim->finish_idle = NULL;
  if (sim->heartbeat != NULL)
    {
      _aw_clock_source_destroy (sim->heartbeat);
      sim->heartbeat = NULL;
    }
  scope_unref (sim, SCOPE (g_steal_pointer (&sim->engine.root_scope)));
  sim->engine.running = FALSE;
  sim->finished = TRUE;
}

static void
maybe_finish_cb (Sim *sim)
{
  if (!sim->engine.root_done || sim->live_ops > 0 || sim->finish_idle != NULL || sim->finished)
    return;

  sim->finish_idle = _aw_clock_source_attach (sim, sim->main_context, SOURCE_FINISH, FALSE, sim->now, NULL);
}

/* The last op may be freed on a ConfigureAwait(false) thread: decide on the
 * main thread (g_main_context_invoke()). */
static void
maybe_finish (Sim *sim)
{
  if (sim->current == sim->main)
    maybe_finish_cb (sim);
  else
    _aw_clock_source_attach (sim, sim->main_context, SOURCE_MAYBE_FINISH, FALSE, sim->now, NULL);
}

/* A progress report on its way to a context; like an op, it keeps the run
 * going until it has been delivered. */
typedef struct {
  guint32 task;
  guint   percent;
} Report;

static void
sim_post_report (AwEngine *engine,
                 AwOp     *op,
                 guint32   task,
                 guint     percent)
{
  Sim *sim = SIM (engine);
  Report *report = g_new0 (Report, 1);

  report->task = task;
  report->percent = percent;
  sim->live_ops++;
  _aw_clock_source_attach (sim, op != NULL ? OP (op)->context : sim->main_context,
                           SOURCE_REPORT, FALSE, sim->now, report);
}

static void
report_deliver (Sim    *sim,
                Report *report)
{
  _aw_engine_report_delivered (&sim->engine, report->task, report->percent);
  g_free (report);
  g_assert (sim->live_ops > 0);
  if (--sim->live_ops == 0)
    maybe_finish (sim);
}

/* A composite gives the loop a turn: after what is due now on the context
 * (the simulated contexts have no idle priority; the heartbeat and the
 * cancel-after timer are high priority, so they still come first). */
static void
sim_post_turn (AwEngine *engine,
               AwOp     *op)
{
  Sim *sim = SIM (engine);

  op_ref (OP (op));
  _aw_clock_source_attach (sim, OP (op)->context, SOURCE_TURN, FALSE, sim->now, op);
}

static void
sim_root_done (AwEngine *engine)
{
  Sim *sim = SIM (engine);

  if (sim->cancel_timer != NULL)
    {
      _aw_clock_source_destroy (sim->cancel_timer);
      sim->cancel_timer = NULL;
    }
  maybe_finish (sim);
}

static const AwEngineBackend sim_backend = {
  .record = sim_record,
  .now = sim_now,
  .record_main = sim_record_main,
  .op_alloc = sim_op_alloc,
  .op_ref = sim_op_ref,
  .op_unref = sim_op_unref,
  .op_release = sim_op_unref,
  .op_return = sim_op_return,
  .timer_start = sim_timer_start,
  .timer_clear = sim_timer_clear,
  .pool_push = sim_pool_push,
  .post_report = sim_post_report,
  .post_turn = sim_post_turn,
  .callback_start = sim_callback_start,
  .sleep = sim_sleep,
  .block_on = sim_block_on,
  .wait_complete = sim_wait_complete,
  .wait_abandoned = sim_wait_abandoned,
  .wait_unref = sim_wait_unref,
  .scope_new = sim_scope_new,
  .scope_ref = sim_scope_ref,
  .scope_unref = sim_scope_unref,
  .scope_cancel = sim_scope_cancel,
  .scope_is_cancelled = sim_scope_is_cancelled,
  .root_done = sim_root_done,
  .on_run_thread = sim_on_run_thread,
};

void
_aw_clock_source_dispatch (Sim    *sim,
                           Source *source)
{
  switch (source->kind)
    {
    case SOURCE_TIMER:
    case SOURCE_DEADLINE:
      {
        Op *op = source->data;

        op->timer = NULL;
        _aw_engine_timer_fired (&sim->engine, &op->base,
                                source->kind == SOURCE_DEADLINE ? AW_TIMER_DEADLINE : AW_TIMER_WAIT);
      }
      break;

    case SOURCE_HEARTBEAT:
      sim_record (&sim->engine, AW_EVENT_FRAME, 0, 0, 0);
      break;

    case SOURCE_CANCEL_AFTER:
      sim->cancel_timer = NULL;
      _aw_engine_cancel_after_fired (&sim->engine);
      break;

    case SOURCE_TASK_RETURN:
      task_return_now (sim, source->data);
      op_unref (sim, source->data);
      break;

    case SOURCE_MAYBE_FINISH:
      maybe_finish_cb (sim);
      break;

    case SOURCE_REPORT:
      report_deliver (sim, source->data);
      break;

    case SOURCE_TURN:
      _aw_engine_turn (&sim->engine, source->data);
      op_unref (sim, source->data);
      break;

    case SOURCE_FINISH:
      finish_run (sim);
      break;

    case SOURCE_CANCEL_SCOPE:
      scope_cancel (sim, source->data);
      scope_unref (sim, source->data);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* aw_runner_run_async (), then aw_runner_run_sync ()'s loop. */
void
_aw_clock_main_thread_body (Sim    *sim,
                            Thread *self)
{
  AwEngine *engine = &sim->engine;
  gint cancel_after_ms;

  engine->root_scope = &scope_new (sim, NULL, sim->main_context)->base;
  _aw_engine_begin (engine, engine->trace, "virtual");

  if (engine->options.heartbeat_ms > 0)
    {
      sim->heartbeat = _aw_clock_source_attach (sim, sim->main_context, SOURCE_HEARTBEAT, TRUE,
                                                sim->now + (gint64) engine->options.heartbeat_ms * NS_PER_MS,
                                                NULL);
      sim_record (engine, AW_EVENT_FRAME, 0, 0, 0);
    }

  cancel_after_ms = _aw_engine_cancel_after_ms (engine);
  if (cancel_after_ms >= 0)
    sim->cancel_timer = _aw_clock_source_attach (sim, sim->main_context, SOURCE_CANCEL_AFTER, TRUE,
                                                 sim->now + (gint64) cancel_after_ms * NS_PER_MS, NULL);

  _aw_engine_start (engine);

  while (!sim->finished)
    _aw_clock_context_iterate (sim, self, TRUE);
}

static void
sim_free_leftovers (Sim *sim)
{
  /* Only a run that stalled leaves anything: free it without running it. */
  for (guint i = 0; i < sim->contexts->len; i++)
    {
      Context *context = g_ptr_array_index (sim->contexts, i);
      AwHeap *heaps[3] = { &context->high, &context->normal, &context->waits };

      for (guint h = 0; h < 3; h++)
        {
          for (gsize k = 0; k < heaps[h]->len; k++)
            g_free (heaps[h]->items[k].ptr);
          aw_clock_heap_clear (heaps[h]);
        }
      g_free (context->waits_source);
      g_free (context);
    }
  g_ptr_array_unref (sim->contexts);

  for (guint i = 0; i < sim->threads->len; i++)
    {
      Thread *thread = g_ptr_array_index (sim->threads, i);

      _aw_clock_thread_free_stack (thread);
      g_ptr_array_unref (thread->ready);
      g_free (thread);
    }
  g_ptr_array_unref (sim->threads);

  while (sim->ops != NULL)
    {
      Op *op = sim->ops;

      sim->ops = op->all_next;
      g_clear_error (&op->base.error);
      g_clear_error (&op->result);
      g_free (op);
    }
  while (sim->scopes != NULL)
    {
      Scope *scope = sim->scopes;

      sim->scopes = scope->all_next;
      g_free (scope);
    }
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, sim->wait_states);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        WaitState *ws = key;

        g_clear_error (&ws->error);
        g_free (ws);
      }
    g_hash_table_unref (sim->wait_states);
  }

  g_ptr_array_unref (sim->workers);
  g_free (sim->callback);
  aw_clock_heap_clear (&sim->callbacks);
  aw_clock_heap_clear (&sim->idle_workers);
  aw_clock_heap_clear (&sim->events);
  g_queue_clear (&sim->jobs);
  _aw_engine_clear (&sim->engine);
}

/**
 * aw_clock_simulate:
 * @scenario: a scenario
 * @variant_index: which variant to simulate
 * @options: (nullable): run options, as for aw_runner_new()
 *
 * Executes a variant on a virtual clock: a discrete-event simulation of what
 * aw_runner_run_sync() does, with a modelled worker pool of
 * @options->workers threads, or %AW_CLOCK_DEFAULT_WORKERS when it says 0
 * whatever the machine (that grows as #AwPool says, for the dotnet pool),
 * and no waiting at all. The trace has the events a
 * real run records (kinds, task ids and their order, parents, names, lanes and
 * metadata, with `clock` set to `virtual`), at exact times: every duration
 * divided by the speed, timers in whole milliseconds like GLib's, instant
 * work taking no time. The same inputs always give the same trace.
 *
 * A run that would never finish for real (its last callbacks queued on a
 * ConfigureAwait(false) thread that has already ended) stops when nothing
 * but the heartbeat is left; one longer than %AW_CLOCK_MAX_SIMULATED_NS
 * stops there, and says so in the trace's `simulation_cut` metadata.
 *
 * Returns: (transfer full): the trace of the simulated run
 */
AwTrace *
aw_clock_simulate (AwScenario         *scenario,
                   guint               variant_index,
                   const AwRunOptions *options)
{
  Sim *sim;
  AwTrace *trace;
  AwHeapItem item;
  AwRunOptions fixed;

  g_return_val_if_fail (AW_IS_SCENARIO (scenario), NULL);
  g_return_val_if_fail (variant_index < aw_scenario_get_n_variants (scenario), NULL);

  sim = g_new0 (Sim, 1);
  /* The same picture on every machine: the simulated pool's size is the
   * options', or AW_CLOCK_DEFAULT_WORKERS, never the host's processors. */
  aw_run_options_init (&fixed);
  if (options != NULL)
    fixed = *options;
  if (fixed.workers == 0)
    fixed.workers = AW_CLOCK_DEFAULT_WORKERS;
  _aw_engine_init (&sim->engine, &sim_backend, scenario, variant_index, &fixed);

  /* The calling thread is lane 0, the main thread. */
  sim->engine.trace = aw_trace_new ();
  sim->next_lane = 1;
  sim->threads = g_ptr_array_new ();
  sim->contexts = g_ptr_array_new ();
  sim->workers = g_ptr_array_new_with_free_func (g_free);
  sim->wait_states = g_hash_table_new (NULL, NULL);
  sim->cores = sim->engine.options.cores > 0 ? sim->engine.options.cores : sim->engine.options.workers;
  sim->pool_threads = sim->engine.options.workers;
  sim->pool_first_push = -1;
  sim->pool_last_finish = G_MININT64;
  sim->pool_check = NEVER;
  g_queue_init (&sim->jobs);

  _aw_clock_fiber_init (sim);
  sim->main_context = _aw_clock_context_new (sim);
  sim->main = _aw_clock_thread_new (sim, sim->main_context, TRUE);
  sim->main->lane = 0;
  _aw_clock_thread_schedule (sim, sim->main, 0);

  /* The scheduler: whatever is due next, in (time, seq) order. */
  while (sim->main->state != THREAD_DONE && aw_clock_heap_pop (&sim->events, &item))
    {
      if (!_aw_clock_entry_is_current (&item))
        continue;
      if (item.time > AW_CLOCK_MAX_SIMULATED_NS)
        {
          aw_trace_set_metadata (sim->engine.trace, AW_META_SIMULATION_CUT,
                                 "the virtual clock simulates the first hour of a run; this one goes on");
          break;
        }
      sim->now = item.time;
      if (item.kind == ENTRY_WORKER)
        _aw_clock_worker_wake (sim, item.ptr);
      else if (item.kind == ENTRY_MONITOR)
        _aw_clock_pool_check (sim);
      else
        _aw_clock_thread_resume (sim, item.ptr);
    }

  if (!sim->finished)
    g_debug ("Virtual clock: %s/%s stalled at %.3f ms: a real run would not finish",
             aw_scenario_get_id (scenario), sim->engine.variant->name, sim->now / 1e6);

  trace = sim->engine.trace;
  sim_free_leftovers (sim);
  g_free (sim);

  aw_trace_merge (trace);
  return trace;
}
