/* aw-engine-private.h: one interpreter of the program tree, two back-ends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a program means is written once, in aw-interp.c: which tasks a node
 * starts, what each continuation does with a child's result, which errors
 * are observed, what cancellation finishes, and every text recorded into a
 * trace. How it happens is a back-end's: the real one (aw-runner.c: GTask,
 * the shared wait source, GCancellable, a GThreadPool, GCond) and the
 * simulated one (aw-clock.c: an event queue, fibers, simulated main contexts
 * and pool). A back-end embeds an AwEngine, fills in an AwEngineBackend, and
 * calls the interpreter's entry points below when its timers fire, its
 * tasks' callbacks run, its tokens are cancelled and its workers take jobs.
 *
 * The contract between the two, which the differential test holds them to:
 *
 * - op_return() completes a task; its continuation, the back-end's call of
 *   _aw_engine_op_returned(), runs on the thread of the context the task was
 *   made on, at once or in a later loop iteration as GLib's g_task_return()
 *   decides (the back-end's header says how it models that).
 * - An op lives as long as its task: one reference from its creation, which
 *   the interpreter drops through op_release() after the continuation ran,
 *   and one for each child running, which the child's continuation drops.
 * - A scope is a cancellation token. scope_cancel() sets it and, on the
 *   thread of the scope's context, calls _aw_engine_scope_cancelled() before
 *   the scopes made from it are cancelled, in the order they were made.
 * - record() appends an event at the back-end's "now" on the calling thread's
 *   lane (a worker's lane for a worker's job); record_main() on the main
 *   thread's lane, from any thread.
 * - The callback thread (a callback API's one thread, which completes
 *   completion_source tasks) calls _aw_engine_callback_fired() for each op
 *   given to callback_start(), one at a time, in the order they come due
 *   (equal times in the order they were started), none before its time;
 *   when that returns TRUE it runs the op's job itself, on this thread,
 *   before it takes the next one. Its lane is AW_ENGINE_CALLBACK_LANE.
 * - The worker pool runs jobs in the order they were pushed. With
 *   options.pool %AW_POOL_DOTNET it grows as #AwPool says: the back-end
 *   checks every pool_interval_us from the first push, decides as of that
 *   instant (before anything else that happens at the same time: a real
 *   job that should end then ends a little later), and calls
 *   _aw_engine_pool_grew() when it adds a thread. The thread added takes
 *   the first job still waiting once the workers whose jobs end at that
 *   instant have taken theirs.
 */

#pragma once

#include <math.h>

#include "aw-runner.h"
#include "aw-scenario.h"
#include "aw-trace.h"

G_BEGIN_DECLS

typedef struct _AwEngine        AwEngine;
typedef struct _AwEngineBackend AwEngineBackend;
typedef struct _AwOp            AwOp;
typedef struct _AwScope         AwScope;
typedef struct _AwWait          AwWait;

/* Who receives a task's result. */
typedef enum {
  AW_CONT_CHILD,       /* the parent op in cont_data: an await in a composite */
  AW_CONT_ROOT,        /* the run itself */
  AW_CONT_FORGOTTEN,   /* nobody: fire and forget */
  AW_CONT_WAIT,        /* the blocking wait (AwWait) in cont_data: .Result */
} AwContinuation;

typedef enum {
  AW_TIMER_WAIT,       /* a leaf's wait ends: _aw_engine_timer_fired () */
  AW_TIMER_DEADLINE,   /* a timeout node's deadline passes */
} AwTimerKind;

/* A cancellation token and the waits that end when it is cancelled. */
struct _AwScope {
  AwOp *waiters;
};

/* One task of the program: the interpreter's part. A back-end allocates a
 * larger struct that starts with it. */
struct _AwOp {
  const AwNode   *node;
  guint32         id;
  AwScope        *scope;
  AwScope        *child_scope;      /* when_any's and timeout's token for their children */
  AwContinuation  cont;
  gpointer        cont_data;
  AwOp           *wprev;            /* in scope->waiters */
  AwOp           *wnext;
  gboolean        in_waiters;
  guint           next_child;
  guint           index;            /* its place among its parent's children */
  guint           n_started;        /* children started so far, in order */
  guint           outstanding;      /* children started, not yet completed */
  GError         *error;            /* when_all: the error it will rethrow */
  guint           error_index;      /* the index of the child that threw it */
  guint32         error_child;      /* and that child's id */
  guint           n_errors;         /* when_all: further errors in the aggregate */
  guint           n_cancelled;
  GError         *deadlock;         /* when_all: a child that deadlocked, which it never gets past */
  gboolean        done;
  gboolean        timed_out;
  gboolean        turned;           /* a composite that gave its thread's loop a turn */
  gboolean        stranded;         /* finished after its blocking wait gave up on it */
};

/* A blocking wait's interpreter part; the back-end's struct starts with it. */
struct _AwWait {
  guint32       wait_id;
  const AwNode *child;
  AwScope      *scope;              /* the child's token */
};

struct _AwEngineBackend {
  /* The trace: returns the time of the event in the back-end's own clock,
   * the one timer_start() takes. */
  gint64    (*record)             (AwEngine *engine, AwEventKind kind, guint32 task,
                                   guint32 parent, guint32 str);
  gint64    (*now)                (AwEngine *engine);
  void      (*record_main)        (AwEngine *engine, AwEventKind kind, guint32 str);

  /* Tasks */
  AwOp     *(*op_alloc)           (AwEngine *engine);
  void      (*op_ref)             (AwEngine *engine, AwOp *op);
  void      (*op_unref)           (AwEngine *engine, AwOp *op);
  void      (*op_release)         (AwEngine *engine, AwOp *op);
  void      (*op_return)          (AwEngine *engine, AwOp *op, GError *error);

  /* Timers: the op's wait or deadline, @us after @at (back-end clock). */
  void      (*timer_start)        (AwEngine *engine, AwOp *op, AwTimerKind kind, gint64 at, gint64 us);
  void      (*timer_clear)        (AwEngine *engine, AwOp *op);

  /* The worker pool: the job calls _aw_engine_job_begin () and _end (),
   * and, for a node with progress_ms, _aw_engine_job_progress () after each
   * progress_ms of its work (the token is checked there too). */
  void      (*pool_push)          (AwEngine *engine, AwOp *op);
  /* A progress report (IProgress<T>.Report): from any thread, queue a call
   * of _aw_engine_report_delivered (@task, @percent) to @op's context (the
   * one its GTask delivers to), or with @op %NULL to the run's main context
   * (the UI thread's, which the run serves to its end); never run it at
   * once, even on that context's thread. */
  void      (*post_report)        (AwEngine *engine, AwOp *op, guint32 task, guint percent);

  /* A turn of the loop: queue a call of _aw_engine_turn (@op) to @op's
   * context, below everything else that is ready there (input, timers,
   * the heartbeat, the cancel-after timer), holding a ref on @op. */
  void      (*post_turn)          (AwEngine *engine, AwOp *op);
  /* Optional: whether the back-end has work piling up for the run's loop
   * (resources of finished waits it frees there), so that a composite
   * starting children synchronously should give it a turn now. */
  gboolean  (*turn_wanted)        (AwEngine *engine);

  /* The callback thread: _aw_engine_callback_fired (@op) there @us after
   * @at (back-end clock), in due order, one at a time. */
  void      (*callback_start)     (AwEngine *engine, AwOp *op, gint64 at, gint64 us);

  /* Blocking the calling thread: Thread.Sleep, and .Result. block_on()
   * starts @child (on a thread of its own with its own context when
   * @on_worker) through _aw_engine_wait_start_child(), then blocks until its
   * continuation has run or @deadline_ms passed. Returns whether it ran;
   * then @error holds the child's error. */
  void      (*sleep)              (AwEngine *engine, gint64 us);
  gboolean  (*block_on)           (AwEngine *engine, AwOp *op, const AwNode *child,
                                   gboolean on_worker, guint deadline_ms, GError **error);
  /* The child of a blocking wait finished: wake the waiter. Returns TRUE
   * if it had given up (the continuation was stranded); else takes @error. */
  gboolean  (*wait_complete)      (AwEngine *engine, AwWait *wait, GError **error);
  /* Whether the waiter has given up on @wait (its deadline passed), on any
   * thread. */
  gboolean  (*wait_abandoned)     (AwEngine *engine, AwWait *wait);
  void      (*wait_unref)         (AwEngine *engine, AwWait *wait);

  /* Tokens */
  AwScope  *(*scope_new)          (AwEngine *engine, AwScope *parent);
  AwScope  *(*scope_ref)          (AwEngine *engine, AwScope *scope);
  void      (*scope_unref)        (AwEngine *engine, AwScope *scope);
  void      (*scope_cancel)       (AwEngine *engine, AwScope *scope);
  gboolean  (*scope_is_cancelled) (AwEngine *engine, AwScope *scope);

  /* The run's root has completed: stop its cancel-after timer and finish
   * once every task is gone. */
  void      (*root_done)          (AwEngine *engine);
  /* Whether the caller is the run's own thread, which may reuse errors. */
  gboolean  (*on_run_thread)      (AwEngine *engine);
};

struct _AwEngine {
  const AwEngineBackend *backend;
  AwScenario            *scenario;
  const AwVariant       *variant;
  AwRunOptions           options;
  AwTrace               *trace;
  AwScope               *root_scope;

  guint32                cancelled_text;  /* the cancellation message, interned once */
  char                  *crash;           /* why the process would have ended, or NULL */
  GError                *spare_cancelled; /* a cancellation error to hand out again */
  GMutex                 lock;            /* cache_calls */
  GHashTable            *cache_calls;     /* AwNode* -> calls so far */
  GHashTable            *name_ids;        /* AwNode* -> interned name, read-only while running */
  guint32                next_id;         /* atomic */
  gint                   cancel_after_ms; /* as shown: the option's real ms, or the variant's scenario ms */
  gint64                 pool_interval_us; /* the dotnet pool's, real time; options.pool says which pool */
  gboolean               root_done;
  gboolean               running;
  gboolean               cancelled;
};

/* How long children that complete synchronously (block_ui) may hold a
 * composite's thread before its loop gets a turn (aw-interp.c, turn_due),
 * in real milliseconds: Cancel is heard within about this long. */
#define AW_ENGINE_TURN_MS 500

/* The lane name of a ConfigureAwait(false) wait's own thread. */
#define AW_ENGINE_CONFIGURE_AWAIT_LANE "pool thread (ConfigureAwait(false))"
/* The lane name of the callback API's thread (completion_source). */
#define AW_ENGINE_CALLBACK_LANE "callback thread"

/* A job's work, as a worker (or the callback thread) does it: all in the
 * run's scaled microseconds. */
typedef struct {
  gint64   work_us;        /* CPU time, or wall time when blocking */
  gint64   check_us;       /* between two checks of the token */
  gint64   report_us;      /* between two progress reports, 0 for none */
  gboolean cooperative;    /* checks the token */
  gboolean blocking;       /* holds its thread without using the CPU */
} AwJob;

void      _aw_engine_init                (AwEngine              *engine,
                                          const AwEngineBackend *backend,
                                          AwScenario            *scenario,
                                          guint                  variant_index,
                                          const AwRunOptions    *options);
void      _aw_engine_clear               (AwEngine              *engine);
void      _aw_engine_begin               (AwEngine              *engine,
                                          AwTrace               *trace,
                                          const char            *clock);
gint      _aw_engine_cancel_after_ms     (AwEngine              *engine);
void      _aw_engine_start               (AwEngine              *engine);
gboolean  _aw_engine_cancel              (AwEngine              *engine,
                                          const char            *why);
void      _aw_engine_cancel_after_fired  (AwEngine              *engine);

gboolean  _aw_engine_node_start          (AwEngine              *engine,
                                          const AwNode          *node,
                                          guint32                parent_id,
                                          AwScope               *scope,
                                          AwContinuation         cont,
                                          gpointer               cont_data);
void      _aw_engine_op_returned         (AwEngine              *engine,
                                          AwOp                  *op,
                                          GError                *error);
void      _aw_engine_op_clear            (AwEngine              *engine,
                                          AwOp                  *op);
void      _aw_engine_timer_fired         (AwEngine              *engine,
                                          AwOp                  *op,
                                          AwTimerKind            kind);
void      _aw_engine_scope_cancelled     (AwEngine              *engine,
                                          AwScope               *scope);
void      _aw_engine_job_describe        (AwEngine              *engine,
                                          AwOp                  *op,
                                          AwJob                 *job);
gboolean  _aw_engine_job_begin           (AwEngine              *engine,
                                          AwOp                  *op);
gboolean  _aw_engine_callback_fired      (AwEngine              *engine,
                                          AwOp                  *op);
GError   *_aw_engine_job_end             (AwEngine              *engine,
                                          AwOp                  *op,
                                          gboolean               cancelled);
gboolean  _aw_engine_wait_start_child    (AwEngine              *engine,
                                          AwWait                *wait);
void      _aw_engine_pool_grew           (AwEngine              *engine,
                                          guint                  threads);
void      _aw_engine_job_progress        (AwEngine              *engine,
                                          AwOp                  *op,
                                          gint64                 work_done_us);
void      _aw_engine_turn                (AwEngine              *engine,
                                          AwOp                  *op);
void      _aw_engine_report_delivered    (AwEngine              *engine,
                                          guint32                task,
                                          guint                  percent);

static inline gint64
_aw_engine_scaled_us (AwEngine *engine,
                      guint     ms)
{
  return (gint64) llround (ms * 1000.0 / engine->options.speed);
}

G_END_DECLS
