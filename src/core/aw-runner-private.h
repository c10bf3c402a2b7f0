/* aw-runner-private.h: what the real back-end's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * aw-runner.c is the GObject, its tokens, tasks and timers;
 * aw-runner-pool.c the worker pool and the dotnet pool's monitor;
 * aw-runner-block.c blocks the main thread (Thread.Sleep, .Result) and runs
 * the ConfigureAwait(false) thread; aw-runner-callback.c is the callback
 * API's thread that completes completion_source tasks.
 */

#pragma once

#include "aw-runner.h"

#include "aw-engine-private.h"
#include "aw-wait-source.h"

G_BEGIN_DECLS

typedef struct _Scope Scope;
typedef struct _Op Op;
typedef struct _WaitState WaitState;

struct _Scope {
  AwScope       base;
  gint          ref_count;       /* atomic: wait_blocking children live on another thread */
  AwRunner     *run;
  GMainContext *context;         /* where this scope's tasks complete */
  AwWaitSource *timers;          /* the waits of that context; owned by the scope that made it */
  gboolean      owns_timers;
  GCancellable *cancellable;
  Scope        *parent;
  gulong        handler;
  gulong        parent_handler;
  gboolean      loop_gone;       /* its context's thread stopped serving it (under run->lock) */
};

struct _Op {
  AwOp          base;
  AwRunner     *run;
  GTask        *task;            /* borrowed: see the reference rule */
  AwWaitEntry   wait;
  AwTimerKind   timer_kind;
  Op           *next_free;
  gboolean      pooled;          /* in one of the run's OpBlocks */
};

struct _WaitState {
  AwWait        base;
  gint          ref_count;
  AwRunner     *run;
  GMutex        lock;
  GCond         cond;
  gboolean      done;            /* the child's completion callback ran */
  gboolean      abandoned;       /* the waiter gave up at its deadline */
  GError       *error;
  gboolean      loop_done;       /* worker mode: the worker's loop may stop */
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

/* The dotnet pool's monitor (aw-runner-pool.c). Counts are kept apart for
 * before the next check's instant ([0]) and after it ([1]), so that the
 * check decides as of that instant however late it runs. */
typedef struct {
  GMutex        lock;
  GCond         cond;
  GThread      *thread;          /* only for the dotnet pool */
  gboolean      stop;
  gint64        interval_us;
  gint64        first_push;      /* monotonic µs of the first job queued, -1 before */
  guint64       checks;          /* made so far: the next is due at first_push + (checks + 1) intervals */
  guint         threads;         /* the pool's size now */
  gint          queued[2];       /* jobs pushed, less jobs taken */
  gboolean      finished[2];     /* whether a job finished (since the last check, for [0]) */
} PoolMonitor;

/* The callback API's one thread (aw-runner-callback.c). */
typedef struct {
  GMutex        lock;
  GCond         cond;
  GThread      *thread;          /* made at the first callback */
  gboolean      stop;
  GSequence    *due;             /* Callback, by (due, seq) */
  guint64       seq;
} CallbackThread;

struct _AwRunner {
  GObject       parent_instance;

  AwEngine      engine;
  GCancellable *cancellable;
  GThreadPool  *pool;
  GMainContext *context;
  GTask        *run_task;
  GSource      *heartbeat;
  GSource      *cancel_timer;
  GSource      *finish_idle;
  GThread      *main_thread;
  GPtrArray    *released;        /* finished children's GTasks, freed after the burst */
  OpBlock      *op_blocks;       /* main thread only */
  Op           *free_ops;        /* main thread only */
  GSource      *release_idle;
  gint          waits_to_release; /* atomic: ConfigureAwait(false) waits whose context the run's loop frees */
  GCancellable *external;
  gulong        external_handler;
  GMutex        lock;            /* loop_gone of scopes */
  gint          live_ops;        /* atomic */
  PoolMonitor   monitor;
  CallbackThread callbacks;
};

#define RUNNER(engine) ((AwRunner *) ((char *) (engine) - G_STRUCT_OFFSET (AwRunner, engine)))
#define SCOPE(s)       ((Scope *) (s))
#define OP(o)          ((Op *) (o))

Scope    *_aw_runner_scope_new        (AwRunner       *run,
                                       Scope          *parent,
                                       GCancellable   *cancellable,
                                       GMainContext   *context);
Scope    *_aw_runner_scope_ref        (Scope          *scope);
void      _aw_runner_scope_unref      (Scope          *scope);
void      _aw_runner_maybe_finish     (AwRunner       *run);
void      _aw_runner_defer_to_context (GMainContext   *context,
                                       gint            priority,
                                       GSourceFunc     func,
                                       gpointer        data,
                                       GDestroyNotify  notify);

/* aw-runner-pool.c: the worker pool */
void      _aw_runner_pool_start       (AwRunner       *run);
void      _aw_runner_pool_stop        (AwRunner       *run);
void      _aw_runner_pool_push        (AwEngine       *engine,
                                       AwOp           *op);

void      _aw_runner_job_run          (AwRunner       *run,
                                       Op             *op,
                                       gboolean        pooled);

/* aw-runner-callback.c: the callback thread */
void      _aw_runner_callback_start   (AwEngine       *engine,
                                       AwOp           *op,
                                       gint64          at,
                                       gint64          us);
void      _aw_runner_callbacks_init   (AwRunner       *run);
void      _aw_runner_callbacks_stop   (AwRunner       *run);
void      _aw_runner_callbacks_clear  (AwRunner       *run);

/* aw-runner-block.c: the back-end's blocking entries */
void      _aw_runner_sleep            (AwEngine       *engine,
                                       gint64          us);
gboolean  _aw_runner_block_on         (AwEngine       *engine,
                                       AwOp           *op,
                                       const AwNode   *child,
                                       gboolean        on_worker,
                                       guint           deadline_ms,
                                       GError        **error);
gboolean  _aw_runner_wait_complete    (AwEngine       *engine,
                                       AwWait         *wait,
                                       GError        **error);
gboolean  _aw_runner_wait_abandoned   (AwEngine       *engine,
                                       AwWait         *wait);
void      _aw_runner_wait_unref       (AwEngine       *engine,
                                       AwWait         *wait);

G_END_DECLS
