/* aw-interp.c: what a program means, for both back-ends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one interpreter of the program tree. node start, the continuation of
 * each composite, cancellation of a scope's waits, the worker's job, the
 * blocking wait and the end of the run are written here once, and so is
 * every text recorded into a trace (the worker's job, the callback thread
 * and progress reports are in aw-interp-jobs.c). The back-ends (aw-runner.c for real
 * GLib, aw-clock.c for the virtual clock) supply tasks, timers, tokens, a
 * worker pool and blocking, through AwEngineBackend; see
 * aw-engine-private.h for the contract between them.
 */

#include "config.h"

#include "aw-engine-private.h"
#include "aw-interp-private.h"
#include "aw-recorded-text.h"

#include <math.h>
#include <string.h>

/* Texts recorded into traces: aw-recorded-text.h. */

/**
 * aw_run_options_init:
 * @options: options to fill with defaults
 */
void
aw_run_options_init (AwRunOptions *options)
{
  options->speed = 1.0;
  options->heartbeat_ms = 0;
  options->workers = 0;
  options->cancel_after_ms = -1;
  options->wait_deadline_ms = 0;
  options->cores = 0;
  options->pool = AW_POOL_AS_SCENARIO;
  options->pool_interval_ms = 0;
  options->pool_max_threads = 0;
}

/**
 * aw_run_estimate_freeze_ms:
 * @program: a variant's program
 * @options: the options it would run with
 *
 * How long a run of @program may block the main thread in all, at most:
 * every block_ui, copies counted, and each blocking wait up to its
 * deadline. The window warns before such a run, so that a class knows the
 * freeze is the point; a loop of short blocks freezes the window as long
 * as their sum (the loop gets a turn between two of them only so that
 * Cancel is heard, see aw-interp.c), so the sum is what it announces.
 *
 * Returns: milliseconds of real time, 0 if the main thread is never
 *   blocked, %G_MAXUINT if more than that
 */
guint
aw_run_estimate_freeze_ms (const AwNode       *program,
                           const AwRunOptions *options)
{
  guint64 total = 0;

  if (program->type == AW_NODE_BLOCK_UI)
    total = (guint64) (program->ms / options->speed);
  else if (program->type == AW_NODE_WAIT_BLOCKING)
    {
      guint deadline = options->wait_deadline_ms > 0 ? options->wait_deadline_ms : program->ms;

      /* The wait blocks the thread while its child runs: the child's own
       * blocks are inside it. ConfigureAwait(false) waits as long as its
       * task (see wait_start()). */
      total = MIN (deadline, AW_WAIT_MAX_DEADLINE_MS);
      if (program->continue_on_worker)
        total = MIN ((guint64) AW_WAIT_MAX_DEADLINE_MS,
                     (guint64) aw_run_estimate_freeze_ms (program->children[0], options) +
                     (guint64) (program->children[0]->ms / options->speed));
      return (guint) total;
    }

  for (guint i = 0; i < program->n_children; i++)
    {
      guint64 copies = program->type == AW_NODE_REPEAT || program->type == AW_NODE_PARALLEL ? program->count : 1;

      total += (guint64) aw_run_estimate_freeze_ms (program->children[i], options) * copies;
      if (total >= G_MAXUINT)
        return G_MAXUINT;
    }

  return (guint) MIN (total, (guint64) G_MAXUINT);
}

/**
 * aw_runner_default_workers:
 *
 * Returns: the worker pool size used when none is given: the processor
 *   count, at least 2 and at most 8
 */
guint
aw_runner_default_workers (void)
{
  /* Tests stand in for a machine of another size with AW_PROCESSORS. */
  const char *fake = g_getenv ("AW_PROCESSORS");
  guint processors = fake != NULL ? (guint) g_ascii_strtoull (fake, NULL, 10) : g_get_num_processors ();

  return CLAMP (processors, 2, 8);
}

/* Every node's name is interned when the run starts, so the lookup needs
 * no lock: the table is only read while the run's threads are running. */
static guint32
node_name_id (AwEngine     *engine,
              const AwNode *node)
{
  gpointer id;

  if (g_hash_table_lookup_extended (engine->name_ids, node, NULL, &id))
    return GPOINTER_TO_UINT (id);
  return intern (engine, node->name);
}

static void
intern_names (AwEngine     *engine,
              const AwNode *node)
{
  if (node == NULL || g_hash_table_contains (engine->name_ids, node))
    return;
  g_hash_table_insert (engine->name_ids, (gpointer) node,
                       GUINT_TO_POINTER (intern (engine, node->name)));
  for (guint i = 0; i < node->n_children; i++)
    intern_names (engine, node->children[i]);
}

/* Cancellation errors. When a token cancels thousands of waiting tasks, each
 * returns a GError, and the continuation that receives one is done with it
 * before the next task is cancelled. The run keeps that error and hands it
 * out again, so a burst of cancellations allocates one. */
static GError *
take_cancelled_error (AwEngine *engine)
{
  if (engine->spare_cancelled != NULL && engine->backend->on_run_thread (engine))
    return g_steal_pointer (&engine->spare_cancelled);
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, AW_TEXT_CANCELLED);
}

/* Frees @error, or keeps it for take_cancelled_error(). */
static void
drop_error (AwEngine *engine,
            GError   *error)
{
  if (error == NULL)
    return;
  if (engine->spare_cancelled == NULL && engine->backend->on_run_thread (engine) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      strcmp (error->message, AW_TEXT_CANCELLED) == 0)
    engine->spare_cancelled = error;
  else
    g_error_free (error);
}

static inline gboolean
is_cancellation (const GError *error)
{
  return error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A deadlock is not an error any code sees: in C# the blocked thread never
 * gets past the wait, so neither the wait nor the code that awaits it ever
 * finishes. The watchdog ends them with this error, which every task on the
 * way up passes on without observing it. */
static GQuark
deadlock_error_quark (void)
{
  return g_quark_from_static_string ("aw-deadlock-error-quark");
}

static inline gboolean
is_deadlock (const GError *error)
{
  return error != NULL && error->domain == deadlock_error_quark ();
}

/* An error that code can catch: neither a cancellation nor a deadlock. */
static inline gboolean
is_fault (const GError *error)
{
  return error != NULL && !is_cancellation (error) && !is_deadlock (error);
}

/* The engine ----------------------------------------------------------------- */

/* The pool the run uses: the options' where they say, else the scenario's.
 * Its interval is real time, at least a millisecond; it never has fewer
 * threads than it starts with. */
static void
resolve_pool (AwEngine *engine)
{
  const AwPool *pool = aw_scenario_get_pool (engine->scenario);
  AwRunOptions *options = &engine->options;

  if (options->pool == AW_POOL_AS_SCENARIO)
    options->pool = pool->kind;
  engine->pool_interval_us = options->pool_interval_ms > 0 ? (gint64) options->pool_interval_ms * 1000
                                                           : _aw_engine_scaled_us (engine, pool->interval_ms);
  engine->pool_interval_us = MAX (engine->pool_interval_us, 1000);
  if (options->pool_max_threads == 0)
    options->pool_max_threads = pool->max_threads;
  options->pool_max_threads = CLAMP (options->pool_max_threads, options->workers,
                                     MAX (options->workers, AW_POOL_MAX_THREADS));
  if (options->pool != AW_POOL_DOTNET)
    options->pool_max_threads = options->workers;
}

void
_aw_engine_init (AwEngine              *engine,
                 const AwEngineBackend *backend,
                 AwScenario            *scenario,
                 guint                  variant_index,
                 const AwRunOptions    *options)
{
  engine->backend = backend;
  engine->scenario = g_object_ref (scenario);
  engine->variant = aw_scenario_get_variant (scenario, variant_index);
  aw_run_options_init (&engine->options);
  if (options != NULL)
    engine->options = *options;
  engine->options.speed = CLAMP (engine->options.speed, AW_RUNNER_MIN_SPEED, AW_RUNNER_MAX_SPEED);
  if (engine->options.workers == 0)
    engine->options.workers = aw_runner_default_workers ();
  resolve_pool (engine);
  engine->cache_calls = g_hash_table_new (NULL, NULL);
  engine->name_ids = g_hash_table_new (NULL, NULL);
  engine->cancel_after_ms = -1;
  g_mutex_init (&engine->lock);
}

void
_aw_engine_clear (AwEngine *engine)
{
  g_clear_object (&engine->scenario);
  g_clear_pointer (&engine->cache_calls, g_hash_table_unref);
  g_clear_pointer (&engine->name_ids, g_hash_table_unref);
  g_clear_error (&engine->spare_cancelled);
  g_clear_pointer (&engine->crash, g_free);
  g_mutex_clear (&engine->lock);
}

/* The run begins: its metadata, then its first event. */
void
_aw_engine_begin (AwEngine   *engine,
                  AwTrace    *trace,
                  const char *clock)
{
  const AwVariant *variant = engine->variant;
  char speed[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *workers = g_strdup_printf ("%u", engine->options.workers);

  /* A decimal point whatever the locale: the verdict reads it back. */
  g_ascii_formatd (speed, sizeof speed, "%g", engine->options.speed);
  engine->trace = trace;
  engine->running = TRUE;
  engine->cancelled_text = intern (engine, AW_TEXT_CANCELLED);
  intern_names (engine, variant->program);

  aw_trace_set_metadata (trace, AW_META_SCENARIO, aw_scenario_get_id (engine->scenario));
  aw_trace_set_metadata (trace, AW_META_SCENARIO_TITLE, aw_scenario_get_title (engine->scenario));
  aw_trace_set_metadata (trace, AW_META_VARIANT, variant->name);
  aw_trace_set_metadata (trace, AW_META_VARIANT_TITLE, variant->title);
  aw_trace_set_metadata (trace, AW_META_SPEED, speed);
  aw_trace_set_metadata (trace, AW_META_WORKERS, workers);
  aw_trace_set_metadata (trace, AW_META_POOL, aw_pool_kind_to_string (engine->options.pool));
  if (engine->options.pool == AW_POOL_DOTNET)
    {
      char interval[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *max = g_strdup_printf ("%u", engine->options.pool_max_threads);

      /* A decimal point whatever the locale: readers parse it back. */
      g_ascii_formatd (interval, sizeof interval, "%g", engine->pool_interval_us / 1000.0);
      aw_trace_set_metadata (trace, AW_META_POOL_INTERVAL_MS, interval);
      aw_trace_set_metadata (trace, AW_META_POOL_MAX_THREADS, max);
    }
  aw_trace_set_metadata (trace, AW_META_CLOCK, clock);
  if (engine->options.heartbeat_ms > 0)
    {
      g_autofree char *hb = g_strdup_printf ("%u", engine->options.heartbeat_ms);
      aw_trace_set_metadata (trace, AW_META_HEARTBEAT_MS, hb);
    }

  record (engine, AW_EVENT_RUN_BEGIN, 0, 0, intern (engine, variant->name));
}

/* When the user presses Cancel, in real milliseconds from the start, or -1.
 * A variant may say when; the option wins. */
gint
_aw_engine_cancel_after_ms (AwEngine *engine)
{
  const AwVariant *variant = engine->variant;

  engine->cancel_after_ms = engine->options.cancel_after_ms;
  if (engine->options.cancel_after_ms < 0 && variant->cancel_after_ms >= 0)
    {
      engine->cancel_after_ms = variant->cancel_after_ms;
      engine->options.cancel_after_ms =
        (gint) ((_aw_engine_scaled_us (engine, variant->cancel_after_ms) + 500) / 1000);
    }
  return engine->options.cancel_after_ms;
}

static void
root_complete (AwEngine *engine,
               GError   *error,
               guint32   root_id)
{
  g_autofree char *outcome = NULL;
  g_autofree char *crash = NULL;

  g_mutex_lock (&engine->lock);
  crash = g_strdup (engine->crash);
  g_mutex_unlock (&engine->lock);

  if (crash != NULL)
    outcome = g_strdup_printf (AW_RUN_CRASHED ": %s", crash);
  else if (error == NULL)
    outcome = g_strdup (AW_RUN_COMPLETED);
  else if (is_cancellation (error))
    outcome = g_strdup_printf (AW_RUN_CANCELLED ": %s", error->message);
  else if (is_deadlock (error))
    outcome = g_strdup_printf (AW_RUN_DEADLOCKED ": %s", error->message);
  else
    {
      /* The caller of the run awaits the root: its error is observed. */
      record (engine, AW_EVENT_ERROR_OBSERVED, root_id, 0, 0);
      outcome = g_strdup_printf (AW_RUN_FAULTED ": %s", error->message);
    }

  record (engine, AW_EVENT_RUN_END, 0, 0, intern (engine, outcome));
  engine->root_done = TRUE;
  engine->backend->root_done (engine);
}

/* Starts the program on the calling thread, in the root scope. */
void
_aw_engine_start (AwEngine *engine)
{
  if (!_aw_engine_node_start (engine, engine->variant->program, 0, engine->root_scope, AW_CONT_ROOT, NULL))
    root_complete (engine, NULL, 0);
}

/* Cancels the run's token, like pressing Cancel. Returns whether it did. */
gboolean
_aw_engine_cancel (AwEngine   *engine,
                   const char *why)
{
  if (!engine->running || engine->cancelled || engine->root_done)
    return FALSE;

  engine->cancelled = TRUE;
  record (engine, AW_EVENT_CANCEL_REQUEST, 0, 0, intern (engine, why));
  engine->backend->scope_cancel (engine, engine->root_scope);
  return TRUE;
}

void
_aw_engine_cancel_after_fired (AwEngine *engine)
{
  g_autofree char *why = g_strdup_printf (AW_TEXT_CANCEL_AFTER, engine->cancel_after_ms);

  _aw_engine_cancel (engine, why);
}

/* Tasks ------------------------------------------------------------------------ */

static void
scope_add_waiter (AwScope *scope,
                  AwOp    *op)
{
  op->wprev = NULL;
  op->wnext = scope->waiters;
  if (scope->waiters != NULL)
    scope->waiters->wprev = op;
  scope->waiters = op;
  op->in_waiters = TRUE;
}

static void
scope_remove_waiter (AwScope *scope,
                     AwOp    *op)
{
  if (!op->in_waiters)
    return;
  if (op->wprev != NULL)
    op->wprev->wnext = op->wnext;
  else
    scope->waiters = op->wnext;
  if (op->wnext != NULL)
    op->wnext->wprev = op->wprev;
  op->wprev = op->wnext = NULL;
  op->in_waiters = FALSE;
}

static AwOp *
op_new (AwEngine       *engine,
        const AwNode   *node,
        guint32         parent_id,
        AwScope        *scope,
        AwContinuation  cont,
        gpointer        cont_data)
{
  AwOp *op = engine->backend->op_alloc (engine);

  op->node = node;
  op->id = new_id (engine);
  op->scope = engine->backend->scope_ref (engine, scope);
  op->cont = cont;
  op->cont_data = cont_data;
  if (cont == AW_CONT_CHILD)
    op->index = ((AwOp *) cont_data)->n_started;

  record (engine, AW_EVENT_TASK_CREATED, op->id, parent_id, node_name_id (engine, node));

  return op;
}

/* What the interpreter holds in @op: for the back-end's free function. */
void
_aw_engine_op_clear (AwEngine *engine,
                     AwOp     *op)
{
  g_assert (!op->in_waiters);
  if (op->child_scope != NULL)
    engine->backend->scope_unref (engine, g_steal_pointer (&op->child_scope));
  if (op->scope != NULL)
    engine->backend->scope_unref (engine, g_steal_pointer (&op->scope));
  g_clear_error (&op->error);
  g_clear_error (&op->deadlock);
}

/* Completes @op on its scope's thread, taking ownership of @error. */
static void
op_finish (AwEngine *engine,
           AwOp     *op,
           GError   *error)
{
  g_assert (!op->done);
  op->done = TRUE;
  engine->backend->timer_clear (engine, op);
  scope_remove_waiter (op->scope, op);
  op->stranded = op->cont == AW_CONT_WAIT && engine->backend->wait_abandoned (engine, op->cont_data);

  if (op->stranded)
    record (engine, AW_EVENT_TASK_DEADLOCKED, op->id, 0, intern (engine, AW_TEXT_STRANDED));
  else if (error == NULL)
    record (engine, AW_EVENT_TASK_COMPLETED, op->id, 0, 0);
  else if (is_cancellation (error))
    /* A cancelled token cancels thousands of tasks with one message. */
    record (engine, AW_EVENT_TASK_CANCELLED, op->id, 0,
            strcmp (error->message, AW_TEXT_CANCELLED) == 0 ? engine->cancelled_text
                                                            : intern (engine, error->message));
  else if (is_deadlock (error))
    record (engine, AW_EVENT_TASK_DEADLOCKED, op->id, 0, intern (engine, error->message));
  else
    record (engine, AW_EVENT_TASK_FAULTED, op->id, 0, intern (engine, error->message));

  engine->backend->op_return (engine, op, error);
}

/* Starts a child of @op, holding a ref on @op until it completes. */
static gboolean
op_start_child (AwEngine     *engine,
                AwOp         *op,
                const AwNode *child,
                AwScope      *scope)
{
  gboolean started;

  engine->backend->op_ref (engine, op);
  started = _aw_engine_node_start (engine, child, op->id, scope, AW_CONT_CHILD, op);
  op->n_started++;
  if (started)
    {
      op->outstanding++;
      return TRUE;
    }
  engine->backend->op_unref (engine, op);
  return FALSE;
}

/* A token was cancelled: its waits end now, on the thread of its context. */
void
_aw_engine_scope_cancelled (AwEngine *engine,
                            AwScope  *scope)
{
  AwOp *op;

  /* Finishing an op runs its continuation at once, and that may finish
   * other waiters of this scope (each leaves the list as it finishes) but
   * adds none: a wait that starts in a cancelled scope finishes at once.
   * So the head of the list is always a waiter still to finish, and an op
   * on the list is alive: its task holds it until it completes. The
   * continuations may free the last task that holds the scope (a timeout
   * whose deadline cancels its child finishes inside this walk): the walk
   * holds it too. */
  engine->backend->scope_ref (engine, scope);
  while ((op = scope->waiters) != NULL)
    {
      scope_remove_waiter (scope, op);
      op_finish (engine, op, take_cancelled_error (engine));
    }
  engine->backend->scope_unref (engine, scope);
}

/* Leaves: waits ------------------------------------------------------------------ */

static void
start_wait (AwEngine *engine,
            AwOp     *op)
{
  /* One clock reading: the wait starts when the task is seen waiting. */
  gint64 at = record (engine, AW_EVENT_TASK_WAITING, op->id, 0, 0);

  if (is_cancelled (engine, op->scope))
    {
      op_finish (engine, op, take_cancelled_error (engine));
      return;
    }
  scope_add_waiter (op->scope, op);
  engine->backend->timer_start (engine, op, AW_TIMER_WAIT, at, _aw_engine_scaled_us (engine, op->node->ms));
}

static void
deadline_passed (AwEngine *engine,
                 AwOp     *op)
{
  g_autofree char *why = g_strdup_printf (AW_TEXT_DEADLINE_PASSED, op->node->ms);

  op->timed_out = TRUE;
  record (engine, AW_EVENT_CANCEL_REQUEST, op->id, 0, intern (engine, why));
  engine->backend->scope_cancel (engine, op->child_scope);
}

/* A timer of @op fired, on its scope's thread. */
void
_aw_engine_timer_fired (AwEngine    *engine,
                        AwOp        *op,
                        AwTimerKind  kind)
{
  if (kind == AW_TIMER_DEADLINE)
    deadline_passed (engine, op);
  else if (op->node->type == AW_NODE_FAIL)
    op_finish (engine, op, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, op->node->message));
  else
    op_finish (engine, op, NULL);
}

/* Composites ---------------------------------------------------------------------------- */

static const AwNode *
nth_child (const AwNode *node,
           guint         i)
{
  if (node->type == AW_NODE_REPEAT || node->type == AW_NODE_PARALLEL)
    return node->children[0];
  return node->children[i];
}

static guint
child_count (const AwNode *node)
{
  if (node->type == AW_NODE_REPEAT || node->type == AW_NODE_PARALLEL)
    return node->count;
  return node->n_children;
}

/*
 * Children that complete synchronously (Thread.Sleep on this thread, a
 * ValueTask hit) let a composite start the next one without returning to
 * its thread's loop, so a repeat of blocking nodes could hold the loop for
 * minutes: no Cancel click, cancel-after timer, timeout deadline or
 * heartbeat would get a turn until the last copy. Once such a stretch has
 * held the thread for AW_ENGINE_TURN_MS, the composite gives the loop one
 * turn at the next node boundary and goes on from there. The UI thread
 * stays blocked for as long in all (each block is whole, the freeze bands
 * add up to the same time), but the run can be cancelled between two
 * blocks. The turn is not in C#, where a loop of Thread.Sleep holds the
 * UI thread to its end; Awaitscope's limit on that (10 minutes in all)
 * is checked when the file is read. A back-end may also ask for a turn
 * sooner, to free what finished waits left for the loop (a parallel of
 * thousands of ConfigureAwait(false) waits, each with a context of its
 * own, would otherwise keep every context, and its file descriptors,
 * until the last copy started).
 */
static gboolean
turn_due (AwEngine *engine,
          AwOp     *op,
          gint64    entered_ns)
{
  if (engine->backend->now (engine) - entered_ns < (gint64) AW_ENGINE_TURN_MS * G_TIME_SPAN_MILLISECOND * 1000 &&
      (engine->backend->turn_wanted == NULL || !engine->backend->turn_wanted (engine)))
    return FALSE;
  op->turned = TRUE;
  engine->backend->post_turn (engine, op);
  return TRUE;
}

static void
sequence_advance (AwEngine *engine,
                  AwOp     *op)
{
  guint total = child_count (op->node);
  gint64 entered = engine->backend->now (engine);

  while (!op->done)
    {
      if (op->next_child >= total)
        {
          op_finish (engine, op, NULL);
          return;
        }
      if (is_cancelled (engine, op->scope))
        {
          op_finish (engine, op, take_cancelled_error (engine));
          return;
        }
      if (turn_due (engine, op, entered))
        return;
      if (op_start_child (engine, op, nth_child (op->node, op->next_child++), op->scope))
        return;
    }
}

/* A child of a when_all failed. The error it rethrows is the first in
 * argument order, whenever it came. With the aggregate, the code reads
 * every error. With a plain await it reads only the one rethrown; WhenAll
 * observed the others (no UnobservedTaskException), but no code sees them:
 * each is swallowed as soon as that is certain, when a child before it in
 * argument order has failed already, or when one before it fails later. */
static void
join_add_error (AwEngine  *engine,
                AwOp      *op,
                AwOp      *child,
                GError   **error)
{
  gboolean first = op->error == NULL || child->index < op->error_index;

  if (!op->node->first_error_only)
    {
      record (engine, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
      if (op->error != NULL)
        op->n_errors++;
    }
  else if (!first)
    record (engine, AW_EVENT_ERROR_SWALLOWED, child->id, op->id, intern (engine, (*error)->message));
  else if (op->error != NULL)
    record (engine, AW_EVENT_ERROR_SWALLOWED, op->error_child, op->id, intern (engine, op->error->message));

  if (first)
    {
      g_clear_error (&op->error);
      op->error = g_steal_pointer (error);
      op->error_index = child->index;
      op->error_child = child->id;
    }
}

static void
join_complete (AwEngine *engine,
               AwOp     *op)
{
  /* A child that deadlocked never completes in C#, so neither does WhenAll:
   * it never gets to rethrow anything. */
  if (op->deadlock != NULL)
    {
      g_clear_error (&op->error);
      op_finish (engine, op, g_steal_pointer (&op->deadlock));
      return;
    }

  /* `await Task.WhenAll` rethrows the first error in argument order; the
   * others stay in an aggregate that no code reads (swallowed). */
  if (op->error != NULL && op->node->first_error_only)
    record (engine, AW_EVENT_ERROR_OBSERVED, op->error_child, op->id, 0);

  if (op->error != NULL)
    {
      GError *error = g_steal_pointer (&op->error);

      if (op->n_errors > 0)
        g_prefix_error (&error, AW_TEXT_AGGREGATE, op->n_errors, op->n_errors == 1 ? "" : "s");
      op_finish (engine, op, error);
    }
  else if (op->n_cancelled > 0)
    op_finish (engine, op, take_cancelled_error (engine));
  else
    op_finish (engine, op, NULL);
}

/* Starts the children of a join that may start now: all of them, or with a
 * limit (SemaphoreSlim) as many as the limit lets in; a copy that waits for
 * the semaphore and sees the token cancelled never starts. Completes the
 * join when nothing is outstanding. */
static void
join_fill (AwEngine *engine,
           AwOp     *op)
{
  guint total = child_count (op->node);
  guint limit = op->node->limit;
  gint64 entered = engine->backend->now (engine);

  while (!op->done && op->n_started < total && (limit == 0 || op->outstanding < limit))
    {
      /* After a turn of the loop (see turn_due()), a cancelled token stops
       * the copies not started yet, as it does those waiting for a limit. */
      if ((limit > 0 || op->turned) && is_cancelled (engine, op->scope))
        {
          op->n_cancelled += total - op->n_started;
          op->n_started = total;
          break;
        }
      if (turn_due (engine, op, entered))
        return;
      op_start_child (engine, op, nth_child (op->node, op->n_started), op->scope);
    }

  if (!op->done && op->outstanding == 0 && op->n_started == total)
    join_complete (engine, op);
}

static void
join_start (AwEngine *engine,
            AwOp     *op)
{
  join_fill (engine, op);
}

/* The loop had its turn (see turn_due()): the composite goes on. */
void
_aw_engine_turn (AwEngine *engine,
                 AwOp     *op)
{
  if (op->done)
    return;
  if (op->node->type == AW_NODE_SEQUENCE || op->node->type == AW_NODE_REPEAT)
    sequence_advance (engine, op);
  else
    join_fill (engine, op);
}

static void
any_cancel_rest (AwEngine *engine,
                 AwOp     *op)
{
  if (op->node->cancel_rest && !is_cancelled (engine, op->child_scope))
    {
      record (engine, AW_EVENT_CANCEL_REQUEST, op->id, 0, intern (engine, AW_TEXT_WHEN_ANY_CANCEL));
      engine->backend->scope_cancel (engine, op->child_scope);
    }
}

static void
any_start (AwEngine *engine,
           AwOp     *op)
{
  gboolean sync_winner = FALSE;

  op->child_scope = engine->backend->scope_new (engine, op->scope);
  for (guint i = 0; i < op->node->n_children; i++)
    if (!op_start_child (engine, op, op->node->children[i], op->child_scope))
      sync_winner = TRUE;

  if (sync_winner)
    {
      op_finish (engine, op, NULL);
      any_cancel_rest (engine, op);
    }
}

static void
timeout_start (AwEngine *engine,
               AwOp     *op)
{
  op->child_scope = engine->backend->scope_new (engine, op->scope);
  engine->backend->timer_start (engine, op, AW_TIMER_DEADLINE, engine->backend->now (engine),
                                _aw_engine_scaled_us (engine, op->node->ms));
  if (!op_start_child (engine, op, op->node->children[0], op->child_scope))
    op_finish (engine, op, NULL);
}

/* Blocking waits (.Result) ------------------------------------------------------------------ */

/* Starts the child of a blocking wait, on the calling thread. Returns TRUE
 * if its continuation will come; the back-end holds a reference on @wait
 * for it. */
gboolean
_aw_engine_wait_start_child (AwEngine *engine,
                             AwWait   *wait)
{
  return _aw_engine_node_start (engine, wait->child, wait->wait_id, wait->scope, AW_CONT_WAIT, wait);
}

/*
 * `.Result` on the UI thread: start the child, then block this thread until
 * the child's continuation says it finished. When the continuation needs
 * this very thread's loop, nothing can ever say so: a real deadlock. The
 * deadline of the wait is its own watchdog, since no timer of the blocked
 * loop can fire.
 */
static void
wait_start (AwEngine *engine,
            AwOp     *op)
{
  const AwNode *node = op->node;
  guint deadline_ms = engine->options.wait_deadline_ms > 0 ? engine->options.wait_deadline_ms : node->ms;
  GError *error = NULL;

  /* ConfigureAwait(false): the task finishes on a pool thread, so the wait
   * is no deadlock and, as in C#, lasts as long as the task. The watchdog,
   * there to end deadlocks, guards it only with the longest deadline: a
   * short one would call "deadlocked" a wait that was about to return. */
  if (node->continue_on_worker)
    deadline_ms = AW_WAIT_MAX_DEADLINE_MS;
  deadline_ms = MIN (deadline_ms, AW_WAIT_MAX_DEADLINE_MS);
  record (engine, AW_EVENT_TASK_RUNNING, op->id, 0, 0);
  record (engine, AW_EVENT_UI_BLOCK_BEGIN, op->id, 0, 0);

  if (engine->backend->block_on (engine, op, node->children[0], node->continue_on_worker, deadline_ms, &error))
    {
      record (engine, AW_EVENT_UI_BLOCK_END, op->id, 0, 0);
      /* .Wait() and .Result throw an AggregateException around the error
       * (await throws the error itself). */
      if (node->aggregate && is_fault (error))
        {
          GError *wrapped = g_error_new (error->domain, error->code, AW_TEXT_AGGREGATE_WAIT, error->message);

          g_error_free (error);
          error = wrapped;
        }
      op_finish (engine, op, error);
    }
  else
    {
      char seconds[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *why = NULL;

      /* Recorded in the trace, a file: a decimal point in every locale. */
      g_ascii_formatd (seconds, sizeof seconds, "%.2f", deadline_ms / 1000.0);
      why = g_strdup_printf (AW_TEXT_WATCHDOG, seconds);
      record (engine, AW_EVENT_WATCHDOG, op->id, 0, intern (engine, why));
      record (engine, AW_EVENT_UI_BLOCK_END, op->id, 0, 0);
      op_finish (engine, op, g_error_new (deadlock_error_quark (), 0,
                                          node->continue_on_worker ? AW_TEXT_NOT_A_DEADLOCK : AW_TEXT_DEADLOCK, seconds));
    }
}

/* The child of a blocking wait finished: on the waiting thread (after a
 * deadlock, once its loop runs again) or on the ConfigureAwait(false)
 * thread. */
static void
wait_child_done (AwEngine *engine,
                 AwWait   *wait,
                 AwOp     *child,
                 GError   *error)
{
  if (engine->backend->wait_complete (engine, wait, &error))
    {
      /* The continuation was stranded behind the blocked loop: it runs now,
       * after the watchdog, and its result goes nowhere. */
      record (engine, AW_EVENT_MARK, child->id, wait->wait_id, intern (engine, AW_MARK_STRANDED));
      if (!child->stranded && is_fault (error))
        record (engine, AW_EVENT_ERROR_UNOBSERVED, child->id, wait->wait_id, intern (engine, error->message));
    }
  drop_error (engine, error);
  engine->backend->op_release (engine, child);
  engine->backend->wait_unref (engine, wait);
}

/* Continuations ------------------------------------------------------------------------------ */

/* A child of @op completed: the await continuation. Takes @error. */
static void
child_done (AwEngine *engine,
            AwOp     *op,
            AwOp     *child,
            GError   *error)
{
  gboolean cancelled = is_cancellation (error);

  g_assert (op->outstanding > 0);
  op->outstanding--;

  switch (op->node->type)
    {
    case AW_NODE_SEQUENCE:
    case AW_NODE_REPEAT:
      if (error != NULL)
        {
          if (is_fault (error))
            record (engine, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
          /* try { await ...; } catch: the catch block handles the fault
           * (not a cancellation, nor a deadlock) and the method returns. */
          if (is_fault (error) && op->node->catches)
            op_finish (engine, op, NULL);
          else
            op_finish (engine, op, g_steal_pointer (&error));
        }
      else
        sequence_advance (engine, op);
      break;

    case AW_NODE_WHEN_ALL:
    case AW_NODE_PARALLEL:
      if (cancelled)
        op->n_cancelled++;
      else if (is_deadlock (error))
        {
          if (op->deadlock == NULL)
            op->deadlock = g_steal_pointer (&error);
        }
      else if (error != NULL)
        join_add_error (engine, op, child, &error);
      join_fill (engine, op);
      break;

    case AW_NODE_WHEN_ANY:
      if (!op->done)
        {
          if (is_fault (error))
            record (engine, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
          op_finish (engine, op, g_steal_pointer (&error));
          any_cancel_rest (engine, op);
        }
      else if (is_fault (error))
        {
          /* Nobody awaits the losers of a WhenAny. */
          record (engine, AW_EVENT_ERROR_UNOBSERVED, child->id, op->id, intern (engine, error->message));
        }
      break;

    case AW_NODE_TIMEOUT:
      engine->backend->timer_clear (engine, op);
      if (cancelled && op->timed_out)
        {
          g_autofree char *msg = g_strdup_printf (AW_TEXT_TIMED_OUT, op->node->ms);

          op_finish (engine, op, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, msg));
        }
      else
        {
          if (is_fault (error))
            record (engine, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
          op_finish (engine, op, g_steal_pointer (&error));
        }
      break;

    default:
      g_assert_not_reached ();
    }

  drop_error (engine, error);
}

/* The task of @op completed and its callback runs: on the thread of the
 * context it was made on. Takes @error. */
void
_aw_engine_op_returned (AwEngine *engine,
                        AwOp     *op,
                        GError   *error)
{
  switch (op->cont)
    {
    case AW_CONT_CHILD:
      {
        AwOp *parent = op->cont_data;

        child_done (engine, parent, op, error);
        /* Drop the child's creation ref, then the ref the child held on us. */
        engine->backend->op_release (engine, op);
        engine->backend->op_unref (engine, parent);
      }
      break;

    case AW_CONT_ROOT:
      root_complete (engine, error, op->id);
      drop_error (engine, error);
      engine->backend->op_release (engine, op);
      break;

    case AW_CONT_FORGOTTEN:
      /* Nobody looks at the result of a forgotten task; the exception that
       * escapes an async void method ends the process. */
      if (is_fault (error) && ((const AwNode *) op->cont_data)->async_void)
        {
          g_autofree char *why = g_strdup_printf (AW_TEXT_CRASH, error->message);

          record (engine, AW_EVENT_CRASH, op->id, 0, intern (engine, why));
          g_mutex_lock (&engine->lock);
          if (engine->crash == NULL)
            engine->crash = g_steal_pointer (&why);
          g_mutex_unlock (&engine->lock);
        }
      else if (is_fault (error))
        record (engine, AW_EVENT_ERROR_UNOBSERVED, op->id, 0, intern (engine, error->message));
      drop_error (engine, error);
      engine->backend->op_release (engine, op);
      break;

    case AW_CONT_WAIT:
      wait_child_done (engine, op->cont_data, op, error);
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
cache_hits (AwEngine     *engine,
            const AwNode *node)
{
  double r = node->hit_ratio;
  guint calls;

  g_mutex_lock (&engine->lock);
  calls = GPOINTER_TO_UINT (g_hash_table_lookup (engine->cache_calls, node));
  g_hash_table_insert (engine->cache_calls, (gpointer) node, GUINT_TO_POINTER (calls + 1));
  g_mutex_unlock (&engine->lock);

  /* A fixed pattern with exactly the given share of hits; the first call,
   * with a cold cache, misses unless every call hits. */
  return floor ((calls + 1) * r + 1e-9) > floor (calls * r + 1e-9);
}

/* Records a call that completes synchronously, with no task. */
static guint32
record_call (AwEngine     *engine,
             AwEventKind   kind,
             const AwNode *node,
             guint32       parent_id)
{
  guint32 id = new_id (engine);

  record (engine, kind, id, parent_id, node_name_id (engine, node));
  return id;
}

/* How each composite starts its children. */
static void (* const composite_start[AW_NODE_LAST]) (AwEngine *engine, AwOp *op) = {
  [AW_NODE_SEQUENCE] = sequence_advance,
  [AW_NODE_REPEAT] = sequence_advance,
  [AW_NODE_WHEN_ALL] = join_start,
  [AW_NODE_PARALLEL] = join_start,
  [AW_NODE_WHEN_ANY] = any_start,
  [AW_NODE_TIMEOUT] = timeout_start,
};

/*
 * Starts @node on the calling thread. Returns %TRUE if it runs
 * asynchronously: its continuation @cont will run with its task. Returns
 * %FALSE if it completed synchronously and successfully, with no task (a
 * ValueTask hit, a blocking call, a fire-and-forget start).
 */
gboolean
_aw_engine_node_start (AwEngine       *engine,
                       const AwNode   *node,
                       guint32         parent_id,
                       AwScope        *scope,
                       AwContinuation  cont,
                       gpointer        cont_data)
{
  AwOp *op;

  switch (node->type)
    {
    case AW_NODE_CACHED:
      if (cache_hits (engine, node))
        {
          if (node->value_task)
            {
              record_call (engine, AW_EVENT_TASK_SYNC, node, parent_id);
              return FALSE;
            }
          /* Task<T>: a completed GTask, whose callback still hops through the loop. */
          op = op_new (engine, node, parent_id, scope, cont, cont_data);
          op_finish (engine, op, NULL);
          return TRUE;
        }
      G_GNUC_FALLTHROUGH;

    case AW_NODE_DELAY:
    case AW_NODE_IO:
    case AW_NODE_FAIL:
      op = op_new (engine, node, parent_id, scope, cont, cont_data);
      start_wait (engine, op);
      return TRUE;


    case AW_NODE_CPU:
      op = op_new (engine, node, parent_id, scope, cont, cont_data);
      record (engine, AW_EVENT_TASK_QUEUED, op->id, 0, 0);
      engine->backend->pool_push (engine, op);
      return TRUE;

    case AW_NODE_SEQUENCE:
    case AW_NODE_REPEAT:
    case AW_NODE_WHEN_ALL:
    case AW_NODE_PARALLEL:
    case AW_NODE_WHEN_ANY:
    case AW_NODE_TIMEOUT:
      /* A composite awaits its children: it holds no thread meanwhile. */
      op = op_new (engine, node, parent_id, scope, cont, cont_data);
      record (engine, AW_EVENT_TASK_WAITING, op->id, 0, 0);
      composite_start[node->type] (engine, op);
      return TRUE;

    case AW_NODE_FIRE_AND_FORGET:
      {
        /* `_ = DoAsync();`: the call returns at once and nobody keeps the task. */
        guint32 id = record_call (engine, AW_EVENT_TASK_SYNC, node, parent_id);

        _aw_engine_node_start (engine, node->children[0], id, scope, AW_CONT_FORGOTTEN, (gpointer) node);
        return FALSE;
      }

    case AW_NODE_BLOCK_UI:
      {
        /* Thread.Sleep on this thread: nothing else of its loop runs. */
        guint32 id = record_call (engine, AW_EVENT_TASK_CALL, node, parent_id);
        gint64 total = _aw_engine_scaled_us (engine, node->ms);
        gint64 step = node->progress_ms > 0 ? _aw_engine_scaled_us (engine, node->progress_ms) : 0;
        gint64 done = 0;

        record (engine, AW_EVENT_TASK_RUNNING, id, 0, 0);
        record (engine, AW_EVENT_UI_BLOCK_BEGIN, id, 0, 0);
        /* Reports posted to this very thread's loop wait until it is free. */
        while (step > 0 && done + step < total)
          {
            engine->backend->sleep (engine, step);
            done += step;
            engine->backend->post_report (engine, NULL, id,
                                          (guint) ((done * 100 + total / 2) / total));
          }
        engine->backend->sleep (engine, total - done);
        record (engine, AW_EVENT_UI_BLOCK_END, id, 0, 0);
        record (engine, AW_EVENT_TASK_COMPLETED, id, 0, 0);
        return FALSE;
      }

    case AW_NODE_WAIT_BLOCKING:
      op = op_new (engine, node, parent_id, scope, cont, cont_data);
      wait_start (engine, op);
      return TRUE;

    case AW_NODE_COMPLETION_SOURCE:
      {
        /* await tcs.Task: nothing runs, and no thread is held, until the
         * callback API calls back on its own thread. The callback API takes
         * no token, so cancelling does not end the wait. */
        gint64 at;

        op = op_new (engine, node, parent_id, scope, cont, cont_data);
        at = record (engine, AW_EVENT_TASK_WAITING, op->id, 0, 0);
        engine->backend->callback_start (engine, op, at, _aw_engine_scaled_us (engine, node->ms));
        return TRUE;
      }

    case AW_NODE_LAST:
    default:
      {
        guint32 id = record_call (engine, AW_EVENT_TASK_CALL, node, parent_id);

        record (engine, AW_EVENT_TASK_FAULTED, id, 0, intern (engine, AW_TEXT_UNSUPPORTED));
        record (engine, AW_EVENT_ERROR_UNOBSERVED, id, 0, 0);
        return FALSE;
      }
    }
}
