/* aw-clock-private.h: the virtual clock's state, shared by its files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * aw-clock.c is the simulated back-end of the interpreter and the
 * scheduler; aw-clock-fiber.c runs the simulated threads as coroutines;
 * aw-clock-context.c models their main contexts and sources.
 */

#pragma once

#include <ucontext.h>

#include "aw-clock.h"
#include "aw-clock-heap.h"
#include "aw-engine-private.h"

G_BEGIN_DECLS

#define NEVER       G_MAXINT64
#define NS_PER_MS   G_GINT64_CONSTANT (1000000)
#define NS_PER_US   G_GINT64_CONSTANT (1000)

typedef struct _Sim Sim;
typedef struct _Thread Thread;
typedef struct _Context Context;
typedef struct _Source Source;
typedef struct _Scope Scope;
typedef struct _Op Op;
typedef struct _Worker Worker;
typedef struct _WaitState WaitState;

typedef enum {
  ENTRY_THREAD,                 /* a thread wakes up */
  ENTRY_WORKER,                 /* a worker takes a job, checks its token or finishes */
  ENTRY_MONITOR,                /* the dotnet pool's check; first of all entries at its time */
} EntryKind;

typedef enum {
  THREAD_NEW,
  THREAD_RUNNING,
  THREAD_POLLING,               /* in its loop, until a source is ready */
  THREAD_SLEEPING,              /* block_ui */
  THREAD_WAITING,               /* a blocking wait, until its deadline or a signal */
  THREAD_DONE,
} ThreadState;

struct _Thread {
  Sim         *sim;
  ucontext_t   uc;
  guint8      *stack;
  gsize        stack_size;
  ThreadState  state;
  guint64      gen;             /* wake-ups scheduled before the last one are stale */
  Context     *context;         /* its thread-default main context */
  guint        lane;
  gboolean     is_main;
  Source      *dispatching;     /* g_main_current_source () */
  GPtrArray   *ready;           /* the sources of the current iteration */
  WaitState   *waiting_on;
  WaitState   *ws;              /* a ConfigureAwait(false) thread's wait */
  void        *fake_stack;      /* AddressSanitizer's, while suspended */
  void        *tsan_fiber;
  unsigned     valgrind_stack;
};

struct _Context {
  Thread  *owner;
  AwHeap   high;                /* G_PRIORITY_HIGH sources */
  AwHeap   normal;              /* G_PRIORITY_DEFAULT sources */
  AwHeap   waits;               /* the waits of the shared wait source, by (deadline, seq) */
  Source  *waits_source;        /* that source, once a scope on this context made it */
  guint64  next_wait_seq;
  guint    n_live;              /* attached, not yet dispatched or destroyed */
  guint64  iteration;           /* iterations started so far */
  gint64   iteration_ns;        /* when the current one started: g_source_get_time () */
};

typedef enum {
  SOURCE_TIMER,                 /* a wait's end */
  SOURCE_DEADLINE,              /* a timeout's deadline */
  SOURCE_HEARTBEAT,             /* heartbeat_tick */
  SOURCE_CANCEL_AFTER,          /* cancel_after_fired */
  SOURCE_TASK_RETURN,           /* GTask's complete_in_idle_cb */
  SOURCE_MAYBE_FINISH,          /* maybe_finish_cb, invoked from another thread */
  SOURCE_FINISH,                /* finish_run */
  SOURCE_CANCEL_SCOPE,          /* cancel_in_context */
  SOURCE_WAITS,                 /* the runner's one source for every wait of a context */
  SOURCE_REPORT,                /* a progress report: report_deliver */
  SOURCE_TURN,                  /* a composite's turn of the loop: _aw_engine_turn */
} SourceKind;

struct _Source {
  Context    *context;
  SourceKind  kind;
  gboolean    high;
  gboolean    in_heap;
  gboolean    destroyed;
  gint64      ready_ns;
  guint64     seq;              /* attach order */
  gpointer    data;
};

struct _Scope {
  AwScope   base;
  gint      ref_count;
  Context  *context;
  Scope    *parent;
  Scope    *first_child;        /* in creation order: the order of the "cancelled" handlers */
  Scope    *last_child;
  Scope    *prev_sibling;
  Scope    *next_sibling;
  Op       *running;            /* cooperative jobs on a worker that check this token */
  gboolean  cancelled;
  Scope    *all_prev;
  Scope    *all_next;
};

struct _Op {
  AwOp          base;
  Source       *timer;

  /* The GTask */
  gint          ref_count;
  Context      *context;
  guint64       created_iteration;
  GError       *result;

  Worker       *worker;
  Op           *rprev;
  Op           *rnext;
  Op           *all_prev;
  Op           *all_next;
};

/* A worker's job is an amount of work (CPU time, or wall time for a
 * blocking job); CPU-bound jobs share the cores, each at the same rate. */
struct _Worker {
  guint    index;
  gint     lane;                /* -1 until it records */
  Op      *op;
  gint64   work_ns;             /* the job's work */
  gint64   check_ns;            /* work between two checks of the token */
  gint64   done_ns;             /* work done by done_at */
  gint64   done_at;
  double   rate;                /* work per nanosecond: 1, or cores / CPU-bound jobs */
  gboolean on_cpu;              /* not a blocking job: it needs a core */
  gint64   target_ns;           /* the work at which it wakes up next */
  gint64   report_ns;           /* work between two progress reports, 0 for none */
  gint64   next_report_ns;      /* the work at which it reports next, NEVER for no more */
  gint64   wake_ns;
  guint64  gen;
  gboolean cooperative;         /* its job checks the token */
  const char *lane_name;        /* the callback thread's; NULL for the pool's */
};

struct _WaitState {
  AwWait        base;
  gint          ref_count;
  Thread       *waiter;
  gboolean      done;
  gboolean      abandoned;
  gboolean      loop_done;
  GError       *error;
};

struct _Sim {
  AwEngine         engine;

  gint64           now;
  guint64          seq;
  AwHeap           events;
  ucontext_t       scheduler;
  const void      *scheduler_stack;
  size_t           scheduler_stack_size;
  void            *scheduler_fake_stack;
  void            *scheduler_tsan_fiber;
  Thread          *current;     /* the thread whose code runs, NULL for a worker */
  Worker          *current_worker;
  Thread          *main;
  Context         *main_context;
  GPtrArray       *threads;
  GPtrArray       *contexts;
  guint            next_lane;

  GPtrArray       *workers;
  AwHeap           idle_workers;
  GQueue           jobs;
  guint            busy_workers;
  guint            cores;
  guint            pool_threads;   /* the pool's size: the workers, and the threads the dotnet pool added */
  gint64           pool_first_push; /* when the first job was queued, -1 before: the checks' origin */
  gint64           pool_last_finish; /* when a job last finished, G_MININT64 before any */
  gint64           pool_check;     /* the dotnet pool's next check, NEVER if none is due */
  guint64          pool_check_gen;
  Worker          *callback;       /* the callback API's thread, once a completion_source started */
  AwHeap           callbacks;      /* its callbacks to come, by (due, seq) */

  gint             live_ops;
  Source          *heartbeat;
  Source          *cancel_timer;
  Source          *finish_idle;
  gboolean         finished;
  gboolean         stalled;

  Op              *ops;         /* every live op, scope and wait: a stalled run leaves some */
  Scope           *scopes;
  GHashTable      *wait_states;
};

/* aw-clock-fiber.c */
void      _aw_clock_fiber_init       (Sim            *sim);
void      _aw_clock_thread_schedule  (Sim            *sim,
                                      Thread         *thread,
                                      gint64          at);
void      _aw_clock_worker_schedule  (Sim            *sim,
                                      Worker         *worker,
                                      gint64          at);
void      _aw_clock_pool_schedule    (Sim            *sim,
                                      gint64          at);
gboolean  _aw_clock_entry_is_current (const AwHeapItem *item);
void      _aw_clock_thread_poll      (Sim            *sim,
                                      Thread         *self,
                                      gint64          until);
void      _aw_clock_thread_sleep     (Sim            *sim,
                                      Thread         *self,
                                      gint64          duration_ns);
void      _aw_clock_thread_wait      (Sim            *sim,
                                      Thread         *self,
                                      WaitState      *ws,
                                      gint64          deadline);
Thread   *_aw_clock_thread_new       (Sim            *sim,
                                      Context        *context,
                                      gboolean        is_main);
void      _aw_clock_thread_free_stack (Thread        *thread);
void      _aw_clock_thread_resume    (Sim            *sim,
                                      Thread         *thread);

/* aw-clock-context.c */
Context  *_aw_clock_context_new      (Sim            *sim);
Source   *_aw_clock_source_attach    (Sim            *sim,
                                      Context        *context,
                                      SourceKind      kind,
                                      gboolean        high,
                                      gint64          ready_ns,
                                      gpointer        data);
void      _aw_clock_source_destroy   (Source         *source);
void      _aw_clock_context_add_waits (Sim           *sim,
                                      Context        *context);
Source   *_aw_clock_wait_attach      (Sim            *sim,
                                      Context        *context,
                                      SourceKind      kind,
                                      gint64          ready_ns,
                                      gpointer        data);
gboolean  _aw_clock_context_iterate  (Sim            *sim,
                                      Thread         *self,
                                      gboolean        may_block);

/* aw-clock.c */
void      _aw_clock_main_thread_body (Sim            *sim,
                                      Thread         *self);
void      _aw_clock_configure_await_body (Sim        *sim,
                                      Thread         *self);
void      _aw_clock_worker_wake      (Sim            *sim,
                                      Worker         *worker);
void      _aw_clock_pool_check       (Sim            *sim);
void      _aw_clock_source_dispatch  (Sim            *sim,
                                      Source         *source);

G_END_DECLS
