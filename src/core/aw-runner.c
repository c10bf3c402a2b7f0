/* aw-runner.c: runs one variant of a scenario for real on GLib
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every node of the program tree becomes a real GTask created on the
 * caller's thread-default GMainContext, so its completion callback (the
 * "await continuation") is dispatched by that main loop. Waiting nodes
 * (delay, io) are timeout sources: they hold no thread. cpu nodes run on a
 * worker pool the runner owns, so the pool size is known and shown. One
 * GCancellable per run is the cancellation token; timeout and when_any
 * nodes get child tokens linked to their parent's.
 *
 * Cancellation of waiting nodes does not connect one handler per node to the
 * token (disconnecting thousands of handlers is quadratic): each scope keeps
 * an intrusive list of its waiting nodes and walks it once when cancelled.
 *
 * Reference rule: an op lives as long as its GTask. The ref from g_task_new()
 * is dropped by the completion callback, on the main thread, so ops are
 * always freed there, even for tasks that returned from a worker thread.
 */

#include "config.h"

#include "aw-runner.h"

#include <errno.h>
#include <math.h>
#include <unistd.h>

#ifdef __linux__
# include <sys/timerfd.h>
#endif

#define CANCELLED_MESSAGE "The operation was cancelled"

typedef struct _Scope Scope;
typedef struct _Op Op;
typedef struct _TimerList TimerList;

typedef struct _Timers Timers;

struct _Scope {
  gint          ref_count;       /* atomic: wait_blocking children live on another thread */
  AwRunner     *run;
  GMainContext *context;         /* where this scope's tasks complete */
  Timers       *timers;          /* the waits of that context; owned by the scope that made it */
  gboolean      owns_timers;
  GCancellable *cancellable;
  Scope        *parent;
  gulong        handler;
  gulong        parent_handler;
  Op           *waiters;
  gboolean      loop_gone;       /* its context's thread stopped serving it (under run->lock) */
};

struct _Op {
  AwRunner     *run;
  const AwNode *node;
  guint32       id;
  Scope        *scope;
  Scope        *child_scope;
  GTask        *task;            /* borrowed: see the reference rule */
  TimerList    *timer;           /* the list the op's wait is in, or NULL */
  GSourceFunc   timer_func;
  gint64        deadline;        /* monotonic microseconds */
  guint64       timer_seq;
  Op           *tprev;
  Op           *tnext;
  Op           *wprev;
  Op           *wnext;
  gboolean      in_waiters;
  guint         next_child;
  guint         outstanding;
  GError       *error;
  guint         n_errors;
  guint         n_cancelled;
  gboolean      done;
  gboolean      timed_out;
  gboolean      pooled;          /* in one of the run's OpBlocks */
};

/* Ops made on the run's thread come from blocks the run frees when it is
 * finalized, and return to a free list there: a burst of ten thousand
 * awaits allocates forty blocks, not ten thousand ops. */
#define OP_BLOCK_SIZE 256

typedef struct _OpBlock OpBlock;
struct _OpBlock {
  OpBlock *next;
  guint    used;
  Op       ops[OP_BLOCK_SIZE];
};

struct _AwRunner {
  GObject       parent_instance;

  AwScenario   *scenario;
  guint         variant_index;
  AwRunOptions  options;

  AwTrace      *trace;
  guint32       cancelled_text;  /* CANCELLED_MESSAGE, interned once */
  GError       *spare_cancelled; /* a cancellation error to hand out again (main thread) */
  GCancellable *cancellable;
  Scope        *root_scope;
  GThreadPool  *pool;
  GMainContext *context;
  GTask        *run_task;
  GSource      *heartbeat;
  GSource      *cancel_timer;
  GSource      *finish_idle;
  gint          cancel_after_ms; /* as shown: the option's real ms, or the variant's scenario ms */
  GMutex        lock;            /* cache_calls */
  GHashTable   *cache_calls;     /* AwNode* -> calls so far */
  GHashTable   *name_ids;        /* AwNode* -> interned name */
  GThread      *main_thread;
  GPtrArray    *released;        /* finished children's GTasks, freed after the burst */
  OpBlock      *op_blocks;       /* main thread only */
  Op           *free_ops;        /* main thread only; linked by tnext */
  GSource      *release_idle;
  GCancellable *external;
  gulong        external_handler;
  guint32       next_id;         /* atomic */
  gint          live_ops;        /* atomic */
  gboolean      root_done;
  gboolean      running;
  gboolean      cancelled;
};

G_DEFINE_FINAL_TYPE (AwRunner, aw_runner, G_TYPE_OBJECT)

static gboolean node_start (AwRunner            *run,
                            const AwNode        *node,
                            guint32              parent_id,
                            Scope               *scope,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);
static void     child_done (GObject             *source,
                            GAsyncResult        *result,
                            gpointer             user_data);
static void     maybe_finish (AwRunner          *run);
static void     defer_to_context (GMainContext   *context,
                                  gint            priority,
                                  GSourceFunc     func,
                                  gpointer        data,
                                  GDestroyNotify  notify);

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
}

/**
 * aw_run_estimate_freeze_ms:
 * @program: a variant's program
 * @options: the options it would run with
 *
 * How long a run of @program may block the main thread at once, at most:
 * the longest block_ui, or the deadline of a blocking wait. The window warns
 * before such a run, so that a class knows the freeze is the point.
 *
 * Returns: milliseconds of real time, 0 if the main thread is never blocked
 */
guint
aw_run_estimate_freeze_ms (const AwNode       *program,
                           const AwRunOptions *options)
{
  guint longest = 0;

  if (program->type == AW_NODE_BLOCK_UI)
    longest = (guint) (program->ms / options->speed);
  else if (program->type == AW_NODE_WAIT_BLOCKING)
    {
      guint deadline = options->wait_deadline_ms > 0 ? options->wait_deadline_ms : program->ms;

      longest = MIN (deadline, AW_WAIT_MAX_DEADLINE_MS);
      if (program->continue_on_worker)
        longest = MIN (longest, aw_run_estimate_freeze_ms (program->children[0], options) +
                                (guint) (program->children[0]->ms / options->speed));
    }

  for (guint i = 0; i < program->n_children; i++)
    longest = MAX (longest, aw_run_estimate_freeze_ms (program->children[i], options));

  return longest;
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
  return CLAMP (g_get_num_processors (), 2, 8);
}

static inline gint64
scaled_us (AwRunner *run,
           guint     ms)
{
  return (gint64) llround (ms * 1000.0 / run->options.speed);
}

/* Every node's name is interned when the run starts, so the lookup needs
 * no lock: the table is only read while the run's threads are running. */
static guint32
node_name_id (AwRunner     *run,
              const AwNode *node)
{
  gpointer id;

  if (g_hash_table_lookup_extended (run->name_ids, node, NULL, &id))
    return GPOINTER_TO_UINT (id);
  return aw_trace_intern (run->trace, node->name);
}

static void
intern_names (AwRunner     *run,
              const AwNode *node)
{
  if (node == NULL || g_hash_table_contains (run->name_ids, node))
    return;
  g_hash_table_insert (run->name_ids, (gpointer) node,
                       GUINT_TO_POINTER (aw_trace_intern (run->trace, node->name)));
  for (guint i = 0; i < node->n_children; i++)
    intern_names (run, node->children[i]);
}

static inline void
record (AwRunner    *run,
        AwEventKind  kind,
        guint32      task,
        guint32      parent,
        guint32      str)
{
  aw_trace_record (run->trace, kind, task, parent, str);
}

static inline guint32
new_id (AwRunner *run)
{
  return (guint32) g_atomic_int_add ((gint *) &run->next_id, 1) + 1;
}

/* Timers --------------------------------------------------------------------
 *
 * Every wait is a timer, and a run may wait on a hundred thousand at once.
 * One GSource per wait would make the main loop walk all of them at every
 * iteration; instead the waits of one context share one source whose ready
 * time is the earliest deadline. Waits of one duration that start in order
 * end in order, so each duration keeps a list in deadline order and the
 * earliest deadline is at the head of one of them. A wait's deadline is
 * what a timeout source of the same duration would have: now plus the
 * duration in whole milliseconds. Where the system has timerfd, the source
 * wakes the loop at the deadline itself: a main loop's own timeouts are
 * whole milliseconds, up to one late.
 */

struct _TimerList {
  gint64  interval_us;
  Op     *head;
  Op     *tail;
};

struct _Timers {
  GSource     source;
  GPtrArray  *lists;          /* TimerList, one per duration */
  guint64     next_seq;
  gint64      armed;          /* the deadline the source waits for, or -1 */
  int         fd;             /* a timerfd, or -1 */
};

static Op *
timers_earliest (Timers *timers)
{
  Op *earliest = NULL;

  for (guint i = 0; i < timers->lists->len; i++)
    {
      Op *head = ((TimerList *) g_ptr_array_index (timers->lists, i))->head;

      if (head != NULL && (earliest == NULL || head->deadline < earliest->deadline ||
                           (head->deadline == earliest->deadline && head->timer_seq < earliest->timer_seq)))
        earliest = head;
    }
  return earliest;
}

/* Wakes the loop at @deadline (monotonic microseconds), or never for -1. */
static void
timers_arm (Timers *timers,
            gint64  deadline)
{
  timers->armed = deadline;
#ifdef __linux__
  if (timers->fd >= 0)
    {
      struct itimerspec at = { { 0, 0 }, { 0, 0 } };

      /* Zero disarms: a deadline at time zero is already past anyway. */
      if (deadline >= 0)
        {
          at.it_value.tv_sec = deadline / G_USEC_PER_SEC;
          at.it_value.tv_nsec = (deadline % G_USEC_PER_SEC) * 1000 + (deadline == 0);
        }
      if (timerfd_settime (timers->fd, TFD_TIMER_ABSTIME, &at, NULL) == 0)
        return;
    }
#endif
  g_source_set_ready_time (&timers->source, deadline);
}

static void
timers_update (Timers *timers)
{
  Op *earliest = timers_earliest (timers);

  timers_arm (timers, earliest != NULL ? earliest->deadline : -1);
}

static void
timer_remove (Op *op)
{
  TimerList *list = op->timer;

  if (op->tprev != NULL)
    op->tprev->tnext = op->tnext;
  else
    list->head = op->tnext;
  if (op->tnext != NULL)
    op->tnext->tprev = op->tprev;
  else
    list->tail = op->tprev;
  op->tprev = op->tnext = NULL;
  op->timer = NULL;
}

/* Fires the waits that are due, in deadline order. Waits started meanwhile
 * wait for the next iteration, as a new timeout source would. "Due" is by
 * the clock now, not by the time cached when this loop iteration began:
 * thousands of waits started a microsecond apart come due a microsecond
 * apart, and a loop iteration (poll, timerfd, every source checked) per
 * handful of them would make the last ones late. One dispatch fires for at
 * most TIMERS_BUDGET_US, so other sources still get their turn. */
#define TIMERS_BUDGET_US 4000

static gboolean
timers_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  Timers *timers = (Timers *) source;
  gint64 now = g_get_monotonic_time ();
  gint64 stop = now + TIMERS_BUDGET_US;
  guint64 limit = timers->next_seq;
  guint fired = 0;
  Op *op;

#ifdef __linux__
  if (timers->fd >= 0)
    {
      guint64 expirations;

      while (read (timers->fd, &expirations, sizeof expirations) < 0 && errno == EINTR)
        ;
    }
#endif

  while ((op = timers_earliest (timers)) != NULL && op->timer_seq < limit)
    {
      GSourceFunc func = op->timer_func;

      /* The clock is read again when the cached reading says "not yet",
       * and every 64 waits, so the budget holds in a long burst too. */
      if (op->deadline > now || ++fired % 64 == 0)
        {
          now = g_get_monotonic_time ();
          if (op->deadline > now || now > stop)
            break;
        }
      timer_remove (op);
      func (op);
    }
  timers_update (timers);

  return G_SOURCE_CONTINUE;
}

static void
timers_finalize (GSource *source)
{
  Timers *timers = (Timers *) source;

  g_ptr_array_unref (timers->lists);
  if (timers->fd >= 0)
    close (timers->fd);
}

static GSourceFuncs timers_funcs = {
  .dispatch = timers_dispatch,
  .finalize = timers_finalize,
};

static Timers *
timers_new (GMainContext *context)
{
  Timers *timers = (Timers *) g_source_new (&timers_funcs, sizeof (Timers));

  timers->lists = g_ptr_array_new_with_free_func (g_free);
  timers->armed = -1;
  timers->fd = -1;
#ifdef __linux__
  timers->fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timers->fd >= 0)
    g_source_add_unix_fd (&timers->source, timers->fd, G_IO_IN);
#endif
  g_source_set_priority (&timers->source, G_PRIORITY_DEFAULT);
  g_source_set_name (&timers->source, "[awaitscope] waits");
  g_source_attach (&timers->source, context);

  return timers;
}

static void
timers_free (Timers *timers)
{
  g_source_destroy (&timers->source);
  g_source_unref (&timers->source);
}

/* Starts the op's wait at @start (monotonic microseconds): @func (@op) runs
 * on the scope's context @us later. */
static void
op_start_timer_at (Op          *op,
                   gint64       start,
                   gint64       us,
                   GSourceFunc  func)
{
  Timers *timers = op->scope->timers;
  gint64 interval = MIN ((us + 500) / 1000, G_MAXUINT) * 1000;
  TimerList *list = NULL;
  gboolean earliest;

  for (guint i = 0; i < timers->lists->len && list == NULL; i++)
    if (((TimerList *) g_ptr_array_index (timers->lists, i))->interval_us == interval)
      list = g_ptr_array_index (timers->lists, i);
  if (list == NULL)
    {
      list = g_new0 (TimerList, 1);
      list->interval_us = interval;
      g_ptr_array_add (timers->lists, list);
    }

  g_assert (op->timer == NULL);
  op->timer = list;
  op->timer_func = func;
  op->deadline = start + interval;
  op->timer_seq = timers->next_seq++;

  /* The clock only goes forward: the list stays in deadline order. */
  g_assert (list->tail == NULL || list->tail->deadline <= op->deadline);
  op->tprev = list->tail;
  op->tnext = NULL;
  if (list->tail != NULL)
    list->tail->tnext = op;
  else
    list->head = op;
  list->tail = op;

  earliest = timers->armed < 0 || op->deadline < timers->armed;
  if (earliest)
    timers_arm (timers, op->deadline);
}

/* Starts the op's wait now: @func (@op) runs on the scope's context after @us. */
static void
op_start_timer (Op          *op,
                gint64       us,
                GSourceFunc  func)
{
  op_start_timer_at (op, g_get_monotonic_time (), us, func);
}

static void
op_clear_timer (Op *op)
{
  /* The shared source may wake up for it anyway, and find nothing due. */
  if (op->timer != NULL)
    timer_remove (op);
}

/* Scopes: one GCancellable each ---------------------------------------------- */

static void op_finish (Op *op, GError *error);
static void scope_remove_waiter (Scope *scope, Op *op);

/* Cancellation errors. When a token cancels thousands of waiting tasks, each
 * returns a GError, and the continuation that receives one is done with it
 * before the next task is cancelled. The run keeps that error and hands it
 * out again, so a burst of cancellations allocates one. */
static GError *
take_cancelled_error (AwRunner *run)
{
  if (run->spare_cancelled != NULL && g_thread_self () == run->main_thread)
    return g_steal_pointer (&run->spare_cancelled);
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, CANCELLED_MESSAGE);
}

/* Frees @error, or keeps it for take_cancelled_error(). */
static void
drop_error (AwRunner *run,
            GError   *error)
{
  if (error == NULL)
    return;
  if (run->spare_cancelled == NULL && g_thread_self () == run->main_thread &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      strcmp (error->message, CANCELLED_MESSAGE) == 0)
    run->spare_cancelled = error;
  else
    g_error_free (error);
}

static void
scope_cancelled (GCancellable *cancellable,
                 Scope        *scope)
{
  Op *op;

  /* Finishing an op runs its continuation at once, and that may finish
   * other waiters of this scope (each leaves the list as it finishes) but
   * adds none: a wait that starts in a cancelled scope finishes at once.
   * So the head of the list is always a waiter still to finish, and an op
   * on the list is alive: its GTask holds it until it completes. */
  while ((op = scope->waiters) != NULL)
    {
      scope_remove_waiter (scope, op);
      op_finish (op, take_cancelled_error (scope->run));
    }
}

static gboolean
cancel_in_context (gpointer data)
{
  Scope *scope = data;

  g_cancellable_cancel (scope->cancellable);
  return G_SOURCE_REMOVE;
}

static Scope *scope_ref (Scope *scope);
static void scope_unref (Scope *scope);

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
                                    scope_ref (scope), (GDestroyNotify) scope_unref);
      g_mutex_unlock (&scope->run->lock);
    }
}

static Scope *
scope_new (AwRunner     *run,
           Scope        *parent,
           GCancellable *cancellable,
           GMainContext *context)
{
  Scope *scope = g_new0 (Scope, 1);

  scope->ref_count = 1;
  scope->run = run;
  scope->context = g_main_context_ref (context ? context : parent ? parent->context : run->context);
  /* A scope on the context of its parent shares its parent's timers; its
   * parent outlives it. */
  if (parent != NULL && parent->context == scope->context)
    scope->timers = parent->timers;
  else
    {
      scope->timers = timers_new (scope->context);
      scope->owns_timers = TRUE;
    }
  scope->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  scope->handler = g_signal_connect (scope->cancellable, "cancelled",
                                     G_CALLBACK (scope_cancelled), scope);
  if (parent != NULL)
    {
      scope->parent = scope_ref (parent);
      scope->parent_handler = g_signal_connect (parent->cancellable, "cancelled",
                                                G_CALLBACK (parent_scope_cancelled), scope);
      if (g_cancellable_is_cancelled (parent->cancellable))
        g_cancellable_cancel (scope->cancellable);
    }

  return scope;
}

static Scope *
scope_ref (Scope *scope)
{
  g_atomic_int_inc (&scope->ref_count);
  return scope;
}

static void
scope_unref (Scope *scope)
{
  if (scope == NULL || !g_atomic_int_dec_and_test (&scope->ref_count))
    return;

  g_assert (scope->waiters == NULL);
  g_signal_handler_disconnect (scope->cancellable, scope->handler);
  if (scope->parent != NULL)
    {
      g_signal_handler_disconnect (scope->parent->cancellable, scope->parent_handler);
      scope_unref (scope->parent);
    }
  g_object_unref (scope->cancellable);
  if (scope->owns_timers)
    timers_free (scope->timers);
  g_main_context_unref (scope->context);
  g_free (scope);
}

static void
scope_add_waiter (Scope *scope,
                  Op    *op)
{
  op->wprev = NULL;
  op->wnext = scope->waiters;
  if (scope->waiters != NULL)
    scope->waiters->wprev = op;
  scope->waiters = op;
  op->in_waiters = TRUE;
}

static void
scope_remove_waiter (Scope *scope,
                     Op    *op)
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

/* Ops ------------------------------------------------------------------------ */

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
          run->free_ops = op->tnext;
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
      op->tnext = run->free_ops;
      run->free_ops = op;
    }
  /* Else it stays unused in its block until the run is finalized. */
}

static void
op_free (gpointer data)
{
  Op *op = data;
  AwRunner *run = op->run;

  g_assert (op->timer == NULL);
  g_assert (!op->in_waiters);
  scope_unref (op->child_scope);
  scope_unref (op->scope);
  g_clear_error (&op->error);
  op_dealloc (run, op);

  g_assert (g_atomic_int_get (&run->live_ops) > 0);
  if (g_atomic_int_dec_and_test (&run->live_ops))
    maybe_finish (run);
}

static Op *
op_new (AwRunner            *run,
        const AwNode        *node,
        guint32              parent_id,
        Scope               *scope,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  Op *op = op_alloc (run);

  op->run = run;
  op->node = node;
  op->id = new_id (run);
  op->scope = scope_ref (scope);
  op->task = g_task_new (NULL, NULL, callback, user_data);
  /* The function, not the macro: the macro also names each task after the
   * tag, a string copied into every one of thousands of tasks. */
  (g_task_set_source_tag) (op->task, node_start);
  g_task_set_task_data (op->task, op, op_free);
  g_atomic_int_inc (&run->live_ops);

  record (run, AW_EVENT_TASK_CREATED, op->id, parent_id, node_name_id (run, node));

  return op;
}

/* Completes @op on the main thread, taking ownership of @error. */
static void
op_finish (Op     *op,
           GError *error)
{
  AwRunner *run = op->run;

  g_assert (!op->done);
  op->done = TRUE;
  op_clear_timer (op);
  scope_remove_waiter (op->scope, op);

  if (error == NULL)
    {
      record (run, AW_EVENT_TASK_COMPLETED, op->id, 0, 0);
      g_task_return_boolean (op->task, TRUE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* A cancelled token cancels thousands of tasks with one message. */
      record (run, AW_EVENT_TASK_CANCELLED, op->id, 0,
              strcmp (error->message, CANCELLED_MESSAGE) == 0 ? run->cancelled_text
                                                              : aw_trace_intern (run->trace, error->message));
      g_task_return_error (op->task, error);
    }
  else
    {
      record (run, AW_EVENT_TASK_FAULTED, op->id, 0, aw_trace_intern (run->trace, error->message));
      g_task_return_error (op->task, error);
    }
}

/* Starts a child of @op, holding a ref on @op's task until it completes. */
static gboolean
op_start_child (Op           *op,
                const AwNode *child,
                Scope        *scope)
{
  g_object_ref (op->task);
  if (node_start (op->run, child, op->id, scope, child_done, op))
    {
      op->outstanding++;
      return TRUE;
    }
  g_object_unref (op->task);
  return FALSE;
}

/* Leaves: timers ------------------------------------------------------------- */

static gboolean
timer_fired (gpointer data)
{
  Op *op = data;

  if (op->node->type == AW_NODE_FAIL)
    op_finish (op, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, op->node->message));
  else
    op_finish (op, NULL);

  return G_SOURCE_REMOVE;
}

static void
start_wait (Op *op)
{
  AwTrace *trace = op->run->trace;
  gint64 now = aw_trace_now (trace);

  /* One clock reading: the wait starts when the task is seen waiting. */
  aw_trace_record_at (trace, now, AW_EVENT_TASK_WAITING, op->id, 0, 0);
  if (g_cancellable_is_cancelled (op->scope->cancellable))
    {
      op_finish (op, take_cancelled_error (op->run));
      return;
    }
  scope_add_waiter (op->scope, op);
  op_start_timer_at (op, (aw_trace_get_origin_ns (trace) + now) / 1000,
                     scaled_us (op->run, op->node->ms), timer_fired);
}

/* Leaves: cpu on the worker pool ---------------------------------------------- */

static void
burn_until (gint64 end_us)
{
  /* Keeps the loop from being optimized away; one per thread, since
   * workers burn at the same time. */
  static _Thread_local volatile guint64 sink;
  guint64 x = sink + 1;

  while (g_get_monotonic_time () < end_us)
    for (guint i = 0; i < 256; i++)
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  sink = x;
}

static void
worker_run (gpointer data,
            gpointer pool_data)
{
  Op *op = data;
  AwRunner *run = op->run;
  const AwNode *node = op->node;
  GCancellable *token = op->scope->cancellable;
  GTask *task = op->task;
  gint64 duration = scaled_us (run, node->ms);
  gint64 check = MAX (scaled_us (run, node->check_ms), 100);
  gint64 start;
  gboolean cancelled = FALSE;

  /* Task.Run(work, token) does not start work whose token is already cancelled. */
  if (node->cooperative && g_cancellable_is_cancelled (token))
    {
      cancelled = TRUE;
    }
  else
    {
      record (run, AW_EVENT_TASK_RUNNING, op->id, 0, 0);
      start = g_get_monotonic_time ();
      for (;;)
        {
          gint64 now = g_get_monotonic_time ();

          if (now - start >= duration)
            break;
          /* A blocking worker holds its thread without using the CPU, like a
           * synchronous I/O call inside Task.Run. */
          if (node->blocking)
            g_usleep (MIN (start + duration, now + check) - now);
          else
            burn_until (MIN (start + duration, now + check));
          if (node->cooperative && g_cancellable_is_cancelled (token))
            {
              cancelled = TRUE;
              break;
            }
        }
    }

  /* The op is only read on the main thread after the callback, which the
   * GTask dispatches after this return. */
  op->done = TRUE;
  if (cancelled)
    {
      record (run, AW_EVENT_CANCEL_OBSERVED, op->id, 0, 0);
      record (run, AW_EVENT_TASK_CANCELLED, op->id, 0, 0);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The worker saw the cancellation and stopped");
    }
  else
    {
      record (run, AW_EVENT_TASK_COMPLETED, op->id, 0, 0);
      g_task_return_boolean (task, TRUE);
    }
  /* Do not touch the op or the task after returning it. */
}

/* Composites ------------------------------------------------------------------- */

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

static void
sequence_advance (Op *op)
{
  guint total = child_count (op->node);

  while (!op->done)
    {
      if (op->next_child >= total)
        {
          op_finish (op, NULL);
          return;
        }
      if (g_cancellable_is_cancelled (op->scope->cancellable))
        {
          op_finish (op, take_cancelled_error (op->run));
          return;
        }
      if (op_start_child (op, nth_child (op->node, op->next_child++), op->scope))
        return;
    }
}

static void
join_complete (Op *op)
{
  if (op->error != NULL)
    {
      GError *error = g_steal_pointer (&op->error);

      if (op->n_errors > 0)
        g_prefix_error (&error, "%u more error%s in the aggregate; the first: ",
                        op->n_errors, op->n_errors == 1 ? "" : "s");
      op_finish (op, error);
    }
  else if (op->n_cancelled > 0)
    op_finish (op, take_cancelled_error (op->run));
  else
    op_finish (op, NULL);
}

static void
join_start (Op *op)
{
  guint total = child_count (op->node);

  for (guint i = 0; i < total; i++)
    op_start_child (op, nth_child (op->node, i), op->scope);

  if (op->outstanding == 0)
    join_complete (op);
}

static void
any_cancel_rest (Op *op)
{
  AwRunner *run = op->run;

  if (op->node->cancel_rest && !g_cancellable_is_cancelled (op->child_scope->cancellable))
    {
      record (run, AW_EVENT_CANCEL_REQUEST, op->id, 0,
              aw_trace_intern (run->trace, "WhenAny has a winner: cancel the rest"));
      g_cancellable_cancel (op->child_scope->cancellable);
    }
}

static void
any_start (Op *op)
{
  gboolean sync_winner = FALSE;

  op->child_scope = scope_new (op->run, op->scope, NULL, NULL);
  for (guint i = 0; i < op->node->n_children; i++)
    if (!op_start_child (op, op->node->children[i], op->child_scope))
      sync_winner = TRUE;

  if (sync_winner)
    {
      op_finish (op, NULL);
      any_cancel_rest (op);
    }
}

static gboolean
deadline_passed (gpointer data)
{
  Op *op = data;
  AwRunner *run = op->run;
  g_autofree char *why = g_strdup_printf ("Deadline of %u ms passed", op->node->ms);

  op->timed_out = TRUE;
  record (run, AW_EVENT_CANCEL_REQUEST, op->id, 0, aw_trace_intern (run->trace, why));
  g_cancellable_cancel (op->child_scope->cancellable);

  return G_SOURCE_REMOVE;
}

static void
timeout_start (Op *op)
{
  op->child_scope = scope_new (op->run, op->scope, NULL, NULL);
  op_start_timer (op, scaled_us (op->run, op->node->ms), deadline_passed);
  if (!op_start_child (op, op->node->children[0], op->child_scope))
    op_finish (op, NULL);
}

/* Blocking waits (.Result) --------------------------------------------------------- */

typedef struct {
  gint          ref_count;
  AwRunner     *run;
  guint32       wait_id;
  const AwNode *child;
  Scope        *scope;       /* the child's scope */
  GMutex        lock;
  GCond         cond;
  gboolean      done;        /* the child's completion callback ran */
  gboolean      abandoned;   /* the waiter gave up at its deadline */
  GError       *error;
  gboolean      loop_done;   /* worker mode: the worker's loop may stop */
} WaitState;

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
  scope_unref (ws->scope);
  g_mutex_clear (&ws->lock);
  g_cond_clear (&ws->cond);
  g_free (ws);
}

/* The child finished: on the main thread (after a deadlock, once the loop
 * runs again) or on the ConfigureAwait(false) worker. */
static void
wait_child_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WaitState *ws = user_data;
  GTask *task = G_TASK (result);
  Op *child = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean abandoned;

  g_task_propagate_boolean (task, &error);

  g_mutex_lock (&ws->lock);
  abandoned = ws->abandoned;
  ws->done = TRUE;
  ws->loop_done = TRUE;
  if (!abandoned)
    ws->error = error;
  g_cond_broadcast (&ws->cond);
  g_mutex_unlock (&ws->lock);

  if (abandoned)
    {
      /* The continuation was stranded behind the blocked loop: it runs now,
       * after the watchdog, and its result goes nowhere. */
      record (ws->run, AW_EVENT_MARK, child->id, ws->wait_id,
              aw_trace_intern (ws->run->trace, "stranded callback ran"));
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        record (ws->run, AW_EVENT_ERROR_UNOBSERVED, child->id, ws->wait_id,
                aw_trace_intern (ws->run->trace, error->message));
      g_clear_error (&error);
    }

  g_object_unref (task);
  wait_state_unref (ws);
}

static gboolean
wait_state_release (gpointer data)
{
  wait_state_unref (data);
  return G_SOURCE_REMOVE;
}

/* ConfigureAwait(false): the child runs and completes on a thread the engine
 * owns, with its own main context, so the blocked main thread is not needed. */
static gpointer
wait_worker (gpointer data)
{
  WaitState *ws = data;
  AwRunner *run = ws->run;
  GMainContext *context = ws->scope->context;

  g_main_context_push_thread_default (context);
  aw_trace_name_this_lane (run->trace, "ConfigureAwait(false) thread");
  if (node_start (run, ws->child, ws->wait_id, ws->scope, wait_child_done, wait_state_ref (ws)))
    {
      for (;;)
        {
          gboolean stop;

          /* Serve this context until the child is done and so is every
           * task it left behind here (a WhenAny loser, a forgotten task):
           * each holds a ref on the scope, the wait state holds the last. */
          g_mutex_lock (&ws->lock);
          stop = ws->loop_done && g_atomic_int_get (&ws->scope->ref_count) == 1;
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
  ws->scope->loop_gone = TRUE;
  g_mutex_unlock (&run->lock);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  /* This may be the last reference, and the child's scope hangs on the
   * token of its parent, which the run's thread may be cancelling right now:
   * dropping the scope here would free it under that signal's emission.
   * Release it on the run's thread instead. */
  defer_to_context (run->context, G_PRIORITY_DEFAULT, wait_state_release, ws, NULL);
  if (g_atomic_int_dec_and_test (&run->live_ops))
    maybe_finish (run);
  g_object_unref (run);

  return NULL;
}

/*
 * `.Result` on the UI thread: start the child, then block this (main) thread
 * on a condition until the child's callback says it finished. When the
 * callback needs this very thread's loop, nothing can ever say so: a real
 * deadlock. The deadline of the wait is its own watchdog, since no timer of
 * the blocked loop can fire.
 */
static void
wait_start (Op *op)
{
  AwRunner *run = op->run;
  const AwNode *node = op->node;
  guint deadline_ms = run->options.wait_deadline_ms > 0 ? run->options.wait_deadline_ms : node->ms;
  WaitState *ws = g_new0 (WaitState, 1);
  gint64 deadline;
  gboolean done;

  deadline_ms = MIN (deadline_ms, AW_WAIT_MAX_DEADLINE_MS);
  ws->ref_count = 1;
  ws->run = run;
  ws->wait_id = op->id;
  ws->child = node->children[0];
  g_mutex_init (&ws->lock);
  g_cond_init (&ws->cond);

  record (run, AW_EVENT_TASK_RUNNING, op->id, 0, 0);
  record (run, AW_EVENT_UI_BLOCK_BEGIN, op->id, 0, 0);

  if (node->continue_on_worker)
    {
      g_autoptr(GMainContext) context = g_main_context_new ();
      GThread *thread;

      ws->scope = scope_new (run, op->scope, NULL, context);
      g_atomic_int_inc (&run->live_ops);
      g_object_ref (run);
      thread = g_thread_new ("awaitscope-configureawait", wait_worker, wait_state_ref (ws));
      g_thread_unref (thread);
    }
  else
    {
      ws->scope = scope_ref (op->scope);
      if (!node_start (run, ws->child, op->id, ws->scope, wait_child_done, wait_state_ref (ws)))
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
  g_mutex_unlock (&ws->lock);

  if (done)
    {
      record (run, AW_EVENT_UI_BLOCK_END, op->id, 0, 0);
      op_finish (op, g_steal_pointer (&ws->error));
    }
  else
    {
      g_autofree char *why = g_strdup_printf ("watchdog: .Result gave up after %.2f s", deadline_ms / 1000.0);

      record (run, AW_EVENT_WATCHDOG, op->id, 0, aw_trace_intern (run->trace, why));
      record (run, AW_EVENT_UI_BLOCK_END, op->id, 0, 0);
      op_finish (op, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                  "Deadlock: .Result blocked the main thread that the task needed "
                                  "to finish; the watchdog broke the wait after %.2f s",
                                  deadline_ms / 1000.0));
    }

  wait_state_unref (ws);
}

/* Finished children ------------------------------------------------------------
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
release_task (AwRunner *run,
              GTask    *task)
{
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

/* A child of @user_data (an op) completed: the await continuation. */
static void
child_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Op *op = user_data;
  GTask *child_task = G_TASK (result);
  Op *child = g_task_get_task_data (child_task);
  AwRunner *run = op->run;
  GError *error = NULL;
  gboolean cancelled;

  g_task_propagate_boolean (child_task, &error);
  cancelled = error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert (op->outstanding > 0);
  op->outstanding--;

  switch (op->node->type)
    {
    case AW_NODE_SEQUENCE:
    case AW_NODE_REPEAT:
      if (error != NULL)
        {
          if (!cancelled)
            record (run, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
          op_finish (op, g_steal_pointer (&error));
        }
      else
        sequence_advance (op);
      break;

    case AW_NODE_WHEN_ALL:
    case AW_NODE_PARALLEL:
      if (cancelled)
        op->n_cancelled++;
      else if (error != NULL && op->error != NULL && op->node->first_error_only)
        {
          /* `await Task.WhenAll` rethrows the first error only: the others
           * stay in an aggregate that no code reads. */
          record (run, AW_EVENT_ERROR_UNOBSERVED, child->id, op->id,
                  aw_trace_intern (run->trace, error->message));
        }
      else if (error != NULL)
        {
          /* The aggregate holds every error: each one is observed. */
          record (run, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
          if (op->error == NULL)
            op->error = g_steal_pointer (&error);
          else
            op->n_errors++;
        }
      if (op->outstanding == 0)
        join_complete (op);
      break;

    case AW_NODE_WHEN_ANY:
      if (!op->done)
        {
          if (error != NULL && !cancelled)
            record (run, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
          op_finish (op, g_steal_pointer (&error));
          any_cancel_rest (op);
        }
      else if (error != NULL && !cancelled)
        {
          /* Nobody awaits the losers of a WhenAny. */
          record (run, AW_EVENT_ERROR_UNOBSERVED, child->id, op->id,
                  aw_trace_intern (run->trace, error->message));
        }
      break;

    case AW_NODE_TIMEOUT:
      op_clear_timer (op);
      if (cancelled && op->timed_out)
        {
          g_autofree char *msg = g_strdup_printf ("Timed out after %u ms", op->node->ms);
          op_finish (op, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, msg));
        }
      else
        {
          if (error != NULL && !cancelled)
            record (run, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
          op_finish (op, g_steal_pointer (&error));
        }
      break;

    default:
      g_assert_not_reached ();
    }

  drop_error (run, g_steal_pointer (&error));
  /* Drop the child's creation ref, then the ref the child held on us. */
  release_task (run, child_task);
  g_object_unref (op->task);
}

/* A fire-and-forget child completed: nobody looks at its result. */
static void
forgotten_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  AwRunner *run = user_data;
  GTask *task = G_TASK (result);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (task, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    record (run, AW_EVENT_ERROR_UNOBSERVED, op->id, 0,
            aw_trace_intern (run->trace, error->message));

  g_object_unref (task);
}

static gboolean
cache_hits (AwRunner     *run,
            const AwNode *node)
{
  double r = node->hit_ratio;
  guint calls;

  g_mutex_lock (&run->lock);
  calls = GPOINTER_TO_UINT (g_hash_table_lookup (run->cache_calls, node));
  g_hash_table_insert (run->cache_calls, (gpointer) node, GUINT_TO_POINTER (calls + 1));
  g_mutex_unlock (&run->lock);

  /* A fixed pattern with exactly the given share of hits; the first call,
   * with a cold cache, misses. */
  return floor ((calls + 1) * r + 1e-9) > floor (calls * r + 1e-9);
}

/*
 * Starts @node. Returns %TRUE if it runs asynchronously: @callback will be
 * called with its GTask. Returns %FALSE if it completed synchronously and
 * successfully, with no GTask (a ValueTask hit, a blocking call, a
 * fire-and-forget start).
 */
static gboolean
node_start (AwRunner            *run,
            const AwNode        *node,
            guint32              parent_id,
            Scope               *scope,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  Op *op;

  switch (node->type)
    {
    case AW_NODE_CACHED:
      if (cache_hits (run, node))
        {
          if (node->value_task)
            {
              record (run, AW_EVENT_TASK_SYNC, new_id (run), parent_id, node_name_id (run, node));
              return FALSE;
            }
          /* Task<T>: a completed GTask, whose callback still hops through the loop. */
          op = op_new (run, node, parent_id, scope, callback, user_data);
          op_finish (op, NULL);
          return TRUE;
        }
      op = op_new (run, node, parent_id, scope, callback, user_data);
      start_wait (op);
      return TRUE;

    case AW_NODE_DELAY:
    case AW_NODE_IO:
    case AW_NODE_FAIL:
      op = op_new (run, node, parent_id, scope, callback, user_data);
      start_wait (op);
      return TRUE;

    case AW_NODE_CPU:
      op = op_new (run, node, parent_id, scope, callback, user_data);
      record (run, AW_EVENT_TASK_QUEUED, op->id, 0, 0);
      g_thread_pool_push (run->pool, op, NULL);
      return TRUE;

    case AW_NODE_SEQUENCE:
    case AW_NODE_REPEAT:
      op = op_new (run, node, parent_id, scope, callback, user_data);
      record (run, AW_EVENT_TASK_WAITING, op->id, 0, 0);
      sequence_advance (op);
      return TRUE;

    case AW_NODE_WHEN_ALL:
    case AW_NODE_PARALLEL:
      op = op_new (run, node, parent_id, scope, callback, user_data);
      record (run, AW_EVENT_TASK_WAITING, op->id, 0, 0);
      join_start (op);
      return TRUE;

    case AW_NODE_WHEN_ANY:
      op = op_new (run, node, parent_id, scope, callback, user_data);
      record (run, AW_EVENT_TASK_WAITING, op->id, 0, 0);
      any_start (op);
      return TRUE;

    case AW_NODE_TIMEOUT:
      op = op_new (run, node, parent_id, scope, callback, user_data);
      record (run, AW_EVENT_TASK_WAITING, op->id, 0, 0);
      timeout_start (op);
      return TRUE;

    case AW_NODE_FIRE_AND_FORGET:
      {
        guint32 id = new_id (run);

        /* `_ = DoAsync();`: the call returns at once and nobody keeps the task. */
        record (run, AW_EVENT_TASK_SYNC, id, parent_id, node_name_id (run, node));
        node_start (run, node->children[0], id, scope, forgotten_done, run);
        return FALSE;
      }

    case AW_NODE_BLOCK_UI:
      {
        guint32 id = new_id (run);

        /* Thread.Sleep on the UI thread: nothing else on this loop runs. */
        record (run, AW_EVENT_TASK_CALL, id, parent_id, node_name_id (run, node));
        record (run, AW_EVENT_TASK_RUNNING, id, 0, 0);
        record (run, AW_EVENT_UI_BLOCK_BEGIN, id, 0, 0);
        g_usleep (scaled_us (run, node->ms));
        record (run, AW_EVENT_UI_BLOCK_END, id, 0, 0);
        record (run, AW_EVENT_TASK_COMPLETED, id, 0, 0);
        return FALSE;
      }

    case AW_NODE_WAIT_BLOCKING:
      op = op_new (run, node, parent_id, scope, callback, user_data);
      wait_start (op);
      return TRUE;

    case AW_NODE_LAST:
    default:
      {
        guint32 id = new_id (run);

        record (run, AW_EVENT_TASK_CALL, id, parent_id, node_name_id (run, node));
        record (run, AW_EVENT_TASK_FAULTED, id, 0,
                aw_trace_intern (run->trace, "This node type is not supported by this runner"));
        record (run, AW_EVENT_ERROR_UNOBSERVED, id, 0, 0);
        return FALSE;
      }
    }
}

/* The run -------------------------------------------------------------------- */

static gboolean
heartbeat_tick (gpointer data)
{
  AwRunner *run = data;

  record (run, AW_EVENT_FRAME, 0, 0, 0);
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
  g_clear_pointer (&run->root_scope, scope_unref);

  /* Every op has completed, so the workers are idle or returning. */
  g_thread_pool_free (g_steal_pointer (&run->pool), FALSE, TRUE);
  aw_trace_merge (run->trace);

  run->running = FALSE;
  task = g_steal_pointer (&run->run_task);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static gboolean
maybe_finish_cb (gpointer data)
{
  AwRunner *run = data;

  if (!run->root_done || g_atomic_int_get (&run->live_ops) > 0 ||
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
static void
defer_to_context (GMainContext   *context,
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
static void
maybe_finish (AwRunner *run)
{
  if (g_thread_self () == run->main_thread)
    maybe_finish_cb (run);
  else
    defer_to_context (run->context, G_PRIORITY_DEFAULT, maybe_finish_cb, g_object_ref (run), g_object_unref);
}

static void
root_complete (AwRunner *run,
               GError   *error,
               guint32   root_id)
{
  g_autofree char *outcome = NULL;

  if (error == NULL)
    outcome = g_strdup ("completed");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    outcome = g_strdup_printf ("cancelled: %s", error->message);
  else
    {
      /* The caller of the run awaits the root: its error is observed. */
      record (run, AW_EVENT_ERROR_OBSERVED, root_id, 0, 0);
      outcome = g_strdup_printf ("faulted: %s", error->message);
    }

  record (run, AW_EVENT_RUN_END, 0, 0, aw_trace_intern (run->trace, outcome));
  run->root_done = TRUE;
  if (run->cancel_timer != NULL)
    {
      g_source_destroy (run->cancel_timer);
      g_clear_pointer (&run->cancel_timer, g_source_unref);
    }
  maybe_finish (run);
}

static void
root_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AwRunner *run = user_data;
  GTask *task = G_TASK (result);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (task, &error);
  root_complete (run, error, op->id);
  g_object_unref (task);
}

static gboolean
cancel_after_fired (gpointer data)
{
  AwRunner *run = data;
  g_autofree char *why = g_strdup_printf ("Cancel pressed after %d ms", run->cancel_after_ms);

  g_clear_pointer (&run->cancel_timer, g_source_unref);
  aw_runner_cancel (run, why);
  return G_SOURCE_REMOVE;
}

static gboolean
external_cancel_cb (gpointer data)
{
  aw_runner_cancel (data, "Cancelled by the caller");
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
    defer_to_context (run->context, G_PRIORITY_HIGH, external_cancel_cb,
                      g_object_ref (run), g_object_unref);
}

static void
aw_runner_dispose (GObject *object)
{
  AwRunner *self = (AwRunner *) object;

  /* A run in progress holds a ref on the runner through its task. */
  g_assert (!self->running);
  g_clear_object (&self->scenario);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->trace, aw_trace_unref);
  g_clear_pointer (&self->cache_calls, g_hash_table_unref);
  g_clear_pointer (&self->name_ids, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  /* Finished while running: nothing is left to release. */
  g_assert (self->release_idle == NULL);
  g_clear_pointer (&self->released, g_ptr_array_unref);
  g_clear_error (&self->spare_cancelled);

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
  g_mutex_clear (&self->lock);

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
  aw_run_options_init (&self->options);
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
  self->scenario = g_object_ref (scenario);
  self->variant_index = variant_index;
  if (options != NULL)
    self->options = *options;
  self->options.speed = CLAMP (self->options.speed, AW_RUNNER_MIN_SPEED, AW_RUNNER_MAX_SPEED);
  if (self->options.workers == 0)
    self->options.workers = aw_runner_default_workers ();
  self->cancellable = g_cancellable_new ();
  self->cache_calls = g_hash_table_new (NULL, NULL);
  self->name_ids = g_hash_table_new (NULL, NULL);
  g_mutex_init (&self->lock);

  return self;
}

AwScenario *
aw_runner_get_scenario (AwRunner *self)
{
  return self->scenario;
}

const AwVariant *
aw_runner_get_variant (AwRunner *self)
{
  return aw_scenario_get_variant (self->scenario, self->variant_index);
}

/**
 * aw_runner_get_trace:
 *
 * Returns: (transfer none) (nullable): the trace of the run, once started
 */
AwTrace *
aw_runner_get_trace (AwRunner *self)
{
  return self->trace;
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
  return self->running;
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

  if (!self->running)
    return -1;
  if (self->root_scope != NULL && self->root_scope->timers != NULL)
    next = self->root_scope->timers->armed;
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

  if (!self->running || self->cancelled || self->root_done)
    return;

  self->cancelled = TRUE;
  record (self, AW_EVENT_CANCEL_REQUEST, 0, 0,
          aw_trace_intern (self->trace, why ? why : "Cancel pressed"));
  g_cancellable_cancel (self->cancellable);
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
  const AwVariant *variant;
  g_autofree char *speed = NULL;
  g_autofree char *workers = NULL;
  g_autoptr(GError) error = NULL;
  GTask *task;

  g_return_if_fail (AW_IS_RUNNER (self));
  g_return_if_fail (self->trace == NULL);

  variant = aw_runner_get_variant (self);
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, aw_runner_run_async);

  self->run_task = task;
  self->running = TRUE;
  self->context = g_main_context_ref_thread_default ();
  self->main_thread = g_thread_self ();
  self->trace = aw_trace_new ();
  self->cancelled_text = aw_trace_intern (self->trace, CANCELLED_MESSAGE);
  intern_names (self, variant->program);
  self->pool = g_thread_pool_new (worker_run, self, self->options.workers, FALSE, &error);
  g_assert_no_error (error);

  speed = g_strdup_printf ("%g", self->options.speed);
  workers = g_strdup_printf ("%u", self->options.workers);
  aw_trace_set_metadata (self->trace, "scenario", aw_scenario_get_id (self->scenario));
  aw_trace_set_metadata (self->trace, "scenario_title", aw_scenario_get_title (self->scenario));
  aw_trace_set_metadata (self->trace, "variant", variant->name);
  aw_trace_set_metadata (self->trace, "variant_title", variant->title);
  aw_trace_set_metadata (self->trace, "speed", speed);
  aw_trace_set_metadata (self->trace, "workers", workers);
  aw_trace_set_metadata (self->trace, "clock", "real");
  if (self->options.heartbeat_ms > 0)
    {
      g_autofree char *hb = g_strdup_printf ("%u", self->options.heartbeat_ms);
      aw_trace_set_metadata (self->trace, "heartbeat_ms", hb);
    }

  self->root_scope = scope_new (self, NULL, self->cancellable, self->context);

  if (cancellable != NULL)
    {
      self->external = g_object_ref (cancellable);
      self->external_handler = g_cancellable_connect (cancellable, G_CALLBACK (external_cancelled),
                                                      self, NULL);
    }

  record (self, AW_EVENT_RUN_BEGIN, 0, 0, aw_trace_intern (self->trace, variant->name));

  if (self->options.heartbeat_ms > 0)
    {
      self->heartbeat = g_timeout_source_new (self->options.heartbeat_ms);
      g_source_set_priority (self->heartbeat, G_PRIORITY_HIGH);
      g_source_set_callback (self->heartbeat, heartbeat_tick, self, NULL);
      g_source_attach (self->heartbeat, self->context);
      record (self, AW_EVENT_FRAME, 0, 0, 0);
    }

  /* A variant may say when its user presses Cancel; --cancel-after wins. */
  self->cancel_after_ms = self->options.cancel_after_ms;
  if (self->options.cancel_after_ms < 0 && variant->cancel_after_ms >= 0)
    {
      self->cancel_after_ms = variant->cancel_after_ms;
      self->options.cancel_after_ms = (gint) ((scaled_us (self, variant->cancel_after_ms) + 500) / 1000);
    }
  if (self->options.cancel_after_ms >= 0)
    {
      self->cancel_timer = g_timeout_source_new (self->options.cancel_after_ms);
      g_source_set_priority (self->cancel_timer, G_PRIORITY_HIGH);
      g_source_set_callback (self->cancel_timer, cancel_after_fired, self, NULL);
      g_source_attach (self->cancel_timer, self->context);
    }

  if (!node_start (self, variant->program, 0, self->root_scope, root_done, self))
    root_complete (self, NULL, 0);
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
