/* aw-clock.c: the virtual clock: a variant run as a deterministic simulation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * aw_clock_simulate() executes a variant's program tree with the semantics of
 * aw-runner.c, step for step, against a simulated clock: no main loop, no
 * threads, no sleeping. It records the events the runner records, in the
 * order the runner's code records them, with exact times. Most functions
 * below have a twin of the same name in aw-runner.c; run_cancel() is
 * aw_runner_cancel(), main_thread_body() is aw_runner_run_async() and the
 * loop of aw_runner_run_sync(), configure_await_body() is wait_worker().
 *
 * What is modelled:
 *
 * - Main contexts. Each holds its sources (timers and idles) by priority and
 *   attach order. One iteration dispatches every source ready at the highest
 *   ready priority, in attach order; sources attached meanwhile wait for the
 *   next iteration. While a dispatch blocks its thread (block_ui, a blocking
 *   wait), nothing else of that context runs; due sources run when the thread
 *   is free again, like GLib's.
 * - GTask completion (g_task_return()): the callback runs at once when the
 *   task returns inside a dispatch of its own context in a later iteration
 *   than the one that created it; otherwise an idle runs it in the next
 *   iteration. A task returned from a worker always completes in an idle.
 * - Threads that run runner code (the main thread, and each thread a
 *   ConfigureAwait(false) wait starts) are coroutines on their own stacks
 *   (ucontext). A block or a blocking wait in the middle of a callback
 *   suspends that thread exactly where the runner blocks, and the others go
 *   on meanwhile.
 * - The worker pool: a FIFO queue served by at most options->workers
 *   workers, the lowest-numbered free worker first. A job runs for its
 *   duration; a cooperative job checks its token every check_ms and stops at
 *   the first check at or after the cancellation.
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

#include <math.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* AddressSanitizer must be told about every stack switch, or its fake
 * stacks (detect_stack_use_after_return) mix the coroutines' frames up;
 * ThreadSanitizer keeps a context per fiber. */
#if defined(__SANITIZE_ADDRESS__)
# define AW_CLOCK_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define AW_CLOCK_ASAN 1
# endif
#endif
#ifdef AW_CLOCK_ASAN
# include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__)
# define AW_CLOCK_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define AW_CLOCK_TSAN 1
# endif
#endif
#ifdef AW_CLOCK_TSAN
# include <sanitizer/tsan_interface.h>
#endif

/* Valgrind, likewise, is told where the coroutines' stacks are. */
#if defined(__has_include)
# if __has_include(<valgrind/valgrind.h>)
#  include <valgrind/valgrind.h>
#  define AW_CLOCK_VALGRIND 1
# endif
#endif

#define NEVER       G_MAXINT64
#define NS_PER_MS   G_GINT64_CONSTANT (1000000)
#define NS_PER_US   G_GINT64_CONSTANT (1000)
#define STACK_SIZE  (512 * 1024)

typedef struct _Sim Sim;
typedef struct _Thread Thread;
typedef struct _Context Context;
typedef struct _Source Source;
typedef struct _Scope Scope;
typedef struct _Op Op;
typedef struct _Worker Worker;
typedef struct _WaitState WaitState;

/* A binary min-heap keyed by (time, seq) ---------------------------------------- */

typedef struct {
  gint64   time;
  guint64  seq;
  gpointer ptr;
  guint64  gen;
  guint    kind;
} HeapItem;

typedef struct {
  HeapItem *items;
  gsize     len;
  gsize     size;
} Heap;

static inline gboolean
item_before (const HeapItem *a,
             const HeapItem *b)
{
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void
heap_push (Heap           *heap,
           const HeapItem *item)
{
  gsize i;

  if (heap->len == heap->size)
    {
      heap->size = MAX (64, heap->size * 2);
      heap->items = g_renew (HeapItem, heap->items, heap->size);
    }

  i = heap->len++;
  while (i > 0)
    {
      gsize parent = (i - 1) / 2;

      if (!item_before (item, &heap->items[parent]))
        break;
      heap->items[i] = heap->items[parent];
      i = parent;
    }
  heap->items[i] = *item;
}

static inline const HeapItem *
heap_peek (const Heap *heap)
{
  return heap->len > 0 ? &heap->items[0] : NULL;
}

static gboolean
heap_pop (Heap     *heap,
          HeapItem *out)
{
  HeapItem last;
  gsize i = 0;

  if (heap->len == 0)
    return FALSE;

  *out = heap->items[0];
  last = heap->items[--heap->len];
  if (heap->len == 0)
    return TRUE;

  for (;;)
    {
      gsize child = 2 * i + 1;

      if (child >= heap->len)
        break;
      if (child + 1 < heap->len && item_before (&heap->items[child + 1], &heap->items[child]))
        child++;
      if (!item_before (&heap->items[child], &last))
        break;
      heap->items[i] = heap->items[child];
      i = child;
    }
  heap->items[i] = last;

  return TRUE;
}

static void
heap_clear (Heap *heap)
{
  g_clear_pointer (&heap->items, g_free);
  heap->len = heap->size = 0;
}

/* The state of a simulation ------------------------------------------------------ */

typedef enum {
  ENTRY_THREAD,                 /* a thread wakes up */
  ENTRY_WORKER,                 /* a worker takes a job, checks its token or finishes */
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
  Heap     high;                /* G_PRIORITY_HIGH sources */
  Heap     normal;              /* G_PRIORITY_DEFAULT sources */
  guint    n_live;              /* attached, not yet dispatched or destroyed */
  guint64  iteration;           /* iterations started so far */
  gint64   iteration_ns;        /* when the current one started: g_source_get_time () */
};

typedef enum {
  SOURCE_TIMER,                 /* timer_fired */
  SOURCE_DEADLINE,              /* deadline_passed */
  SOURCE_HEARTBEAT,             /* heartbeat_tick */
  SOURCE_CANCEL_AFTER,          /* cancel_after_fired */
  SOURCE_TASK_RETURN,           /* GTask's complete_in_idle_cb */
  SOURCE_MAYBE_FINISH,          /* maybe_finish_cb, invoked from another thread */
  SOURCE_FINISH,                /* finish_run */
  SOURCE_CANCEL_SCOPE,          /* cancel_in_context */
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
  gint      ref_count;
  Context  *context;
  Scope    *parent;
  Scope    *first_child;        /* in creation order: the order of the "cancelled" handlers */
  Scope    *last_child;
  Scope    *prev_sibling;
  Scope    *next_sibling;
  Op       *waiters;
  Op       *running;            /* cooperative jobs on a worker that check this token */
  gboolean  cancelled;
  Scope    *all_prev;
  Scope    *all_next;
};

typedef enum {
  CALLBACK_CHILD_DONE,
  CALLBACK_ROOT_DONE,
  CALLBACK_FORGOTTEN,
  CALLBACK_WAIT_CHILD,
} CallbackKind;

struct _Op {
  const AwNode *node;
  guint32       id;
  Scope        *scope;
  Scope        *child_scope;
  Source       *timer;
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

  /* The GTask */
  gint          ref_count;
  Context      *context;
  guint64       created_iteration;
  CallbackKind  callback;
  gpointer      user_data;
  GError       *result;

  Worker       *worker;
  Op           *rprev;
  Op           *rnext;
  Op           *all_prev;
  Op           *all_next;
};

struct _Worker {
  guint    index;
  gint     lane;                /* -1 until it records */
  Op      *op;
  gint64   start_ns;
  gint64   end_ns;
  gint64   check_ns;
  gint64   wake_ns;
  guint64  gen;
};

struct _WaitState {
  gint          ref_count;
  guint32       wait_id;
  const AwNode *child;
  Scope        *scope;
  Thread       *waiter;
  gboolean      done;
  gboolean      abandoned;
  gboolean      loop_done;
  GError       *error;
};

struct _Sim {
  AwScenario      *scenario;
  const AwVariant *variant;
  AwRunOptions     options;
  AwTrace         *trace;

  gint64           now;
  guint64          seq;
  Heap             events;
  ucontext_t       scheduler;
  const void      *scheduler_stack;
  size_t           scheduler_stack_size;
  void            *scheduler_fake_stack;
  void            *scheduler_tsan_fiber;
  Thread          *current;     /* the thread whose code runs, NULL for a worker */
  Thread          *main;
  Context         *main_context;
  GPtrArray       *threads;
  GPtrArray       *contexts;
  guint            next_lane;

  GPtrArray       *workers;
  Heap             idle_workers;
  GQueue           jobs;
  guint            busy_workers;

  guint32          next_id;
  gint             live_ops;
  Scope           *root_scope;
  Source          *heartbeat;
  Source          *cancel_timer;
  Source          *finish_idle;
  gint             cancel_after_ms;
  GHashTable      *cache_calls;
  GHashTable      *name_ids;
  gboolean         root_done;
  gboolean         running;
  gboolean         cancelled;
  gboolean         finished;
  gboolean         stalled;

  Op              *ops;         /* every live op, scope and wait: a stalled run leaves some */
  Scope           *scopes;
  GHashTable      *wait_states;
};

static gboolean node_start      (Sim          *sim,
                                 const AwNode *node,
                                 guint32       parent_id,
                                 Scope        *scope,
                                 CallbackKind  callback,
                                 gpointer      user_data);
static void     op_finish       (Sim          *sim,
                                 Op           *op,
                                 GError       *error);
static void     scope_cancel    (Sim          *sim,
                                 Scope        *scope);
static void     maybe_finish    (Sim          *sim);
static void     worker_wake     (Sim          *sim,
                                 Worker       *worker);
static void     task_return_now (Sim          *sim,
                                 Op           *op);

/* Times ---------------------------------------------------------------------------- */

static inline gint64
scaled_us (Sim   *sim,
           guint  ms)
{
  return (gint64) llround (ms * 1000.0 / sim->options.speed);
}

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

  aw_trace_append_event (sim->trace, &event);
}

static inline void
record (Sim         *sim,
        AwEventKind  kind,
        guint32      task,
        guint32      parent,
        guint32      str)
{
  record_on_lane (sim, sim->current->lane, kind, task, parent, str);
}

/* A thread's lane is the next free one, named when the thread first records. */
static guint
new_lane (Sim        *sim,
          const char *name)
{
  guint lane = sim->next_lane++;

  if (name != NULL)
    aw_trace_set_lane_name (sim->trace, MIN (lane, G_MAXUINT16), name);
  else
    {
      g_autofree char *worker = g_strdup_printf ("worker %u", lane);
      aw_trace_set_lane_name (sim->trace, MIN (lane, G_MAXUINT16), worker);
    }
  return lane;
}

static guint32
node_name_id (Sim          *sim,
              const AwNode *node)
{
  gpointer id;

  if (!g_hash_table_lookup_extended (sim->name_ids, node, NULL, &id))
    {
      id = GUINT_TO_POINTER (aw_trace_intern (sim->trace, node->name));
      g_hash_table_insert (sim->name_ids, (gpointer) node, id);
    }
  return GPOINTER_TO_UINT (id);
}

static inline guint32
new_id (Sim *sim)
{
  return ++sim->next_id;
}

/* The event queue and the threads ----------------------------------------------- */

static void
thread_schedule (Sim    *sim,
                 Thread *thread,
                 gint64  at)
{
  HeapItem item = { at, sim->seq++, thread, ++thread->gen, ENTRY_THREAD };

  if (at != NEVER)
    heap_push (&sim->events, &item);
}

static void
worker_schedule (Sim    *sim,
                 Worker *worker,
                 gint64  at)
{
  HeapItem item = { at, sim->seq++, worker, ++worker->gen, ENTRY_WORKER };

  worker->wake_ns = at;
  heap_push (&sim->events, &item);
}

static inline gboolean
entry_is_current (const HeapItem *item)
{
  if (item->kind == ENTRY_THREAD)
    return item->gen == ((Thread *) item->ptr)->gen;
  return item->gen == ((Worker *) item->ptr)->gen;
}

static inline void
fiber_switch_begin (void       **fake_stack_save,
                    const void  *bottom,
                    size_t       size)
{
#ifdef AW_CLOCK_ASAN
  __sanitizer_start_switch_fiber (fake_stack_save, bottom, size);
#endif
}

static inline void
fiber_switch_end (void        *fake_stack_save,
                  const void **bottom_old,
                  size_t      *size_old)
{
#ifdef AW_CLOCK_ASAN
  __sanitizer_finish_switch_fiber (fake_stack_save, bottom_old, size_old);
#endif
}

static inline void
tsan_switch_to (void *fiber)
{
#ifdef AW_CLOCK_TSAN
  __tsan_switch_to_fiber (fiber, 0);
#endif
}

/* Workers are not coroutines: their steps run on whichever stack pops them. */
static void
run_worker_entry (Sim            *sim,
                  const HeapItem *item)
{
  Thread *saved = sim->current;

  sim->now = item->time;
  sim->current = NULL;
  worker_wake (sim, item->ptr);
  sim->current = saved;
}

/* Suspends @self until the scheduler resumes it at its latest wake-up. */
static void
thread_yield (Sim    *sim,
              Thread *self)
{
  const HeapItem *top;

  /* When the next thing to happen is this thread's own wake-up, perhaps
   * after some worker steps, there is no need to switch stacks. */
  while ((top = heap_peek (&sim->events)) != NULL)
    {
      HeapItem item = *top;

      if (!entry_is_current (&item))
        {
          heap_pop (&sim->events, &item);
          continue;
        }
      if (item.kind == ENTRY_WORKER)
        {
          heap_pop (&sim->events, &item);
          run_worker_entry (sim, &item);
          continue;
        }
      if (item.ptr != self)
        break;

      heap_pop (&sim->events, &item);
      sim->now = item.time;
      self->state = THREAD_RUNNING;
      return;
    }

  fiber_switch_begin (&self->fake_stack, sim->scheduler_stack, sim->scheduler_stack_size);
  tsan_switch_to (sim->scheduler_tsan_fiber);
  swapcontext (&self->uc, &sim->scheduler);
  fiber_switch_end (self->fake_stack, &sim->scheduler_stack, &sim->scheduler_stack_size);
  self->state = THREAD_RUNNING;
}

/* A thread in its loop wakes up when another thread attaches a source. */
static void
thread_poll (Sim    *sim,
             Thread *self,
             gint64  until)
{
  self->state = THREAD_POLLING;
  thread_schedule (sim, self, until);
  thread_yield (sim, self);
}

/* Thread.Sleep: the thread does nothing else meanwhile. */
static void
thread_sleep (Sim    *sim,
              Thread *self,
              gint64  duration_ns)
{
  self->state = THREAD_SLEEPING;
  thread_schedule (sim, self, sim->now + duration_ns);
  thread_yield (sim, self);
}

/* g_cond_wait_until: until the wait is signalled or its deadline passes. */
static void
thread_wait (Sim       *sim,
             Thread    *self,
             WaitState *ws,
             gint64     deadline)
{
  self->state = THREAD_WAITING;
  self->waiting_on = ws;
  thread_schedule (sim, self, deadline);
  thread_yield (sim, self);
  self->waiting_on = NULL;
}

static void main_thread_body (Sim *sim, Thread *self);
static void configure_await_body (Sim *sim, Thread *self);

static void
thread_entry (unsigned int hi,
              unsigned int lo)
{
  Thread *self = (Thread *) (((guintptr) hi << 32) | (guintptr) lo);
  Sim *sim = self->sim;

  fiber_switch_end (NULL, &sim->scheduler_stack, &sim->scheduler_stack_size);

  if (self->is_main)
    main_thread_body (sim, self);
  else
    configure_await_body (sim, self);

  /* Back to the scheduler for good: this stack is freed there. */
  self->state = THREAD_DONE;
  fiber_switch_begin (NULL, sim->scheduler_stack, sim->scheduler_stack_size);
  tsan_switch_to (sim->scheduler_tsan_fiber);
  setcontext (&sim->scheduler);
}

static Context *
context_new (Sim *sim)
{
  Context *context = g_new0 (Context, 1);

  g_ptr_array_add (sim->contexts, context);
  return context;
}

static Thread *
thread_new (Sim      *sim,
            Context  *context,
            gboolean  is_main)
{
  Thread *thread = g_new0 (Thread, 1);

  thread->sim = sim;
  thread->state = THREAD_NEW;
  thread->context = context;
  thread->is_main = is_main;
  thread->ready = g_ptr_array_new ();
  context->owner = thread;
  g_ptr_array_add (sim->threads, thread);

  return thread;
}

static void
thread_free_stack (Thread *thread)
{
  if (thread->stack != NULL)
    {
#ifdef AW_CLOCK_VALGRIND
      VALGRIND_STACK_DEREGISTER (thread->valgrind_stack);
#endif
#ifdef AW_CLOCK_TSAN
      __tsan_destroy_fiber (thread->tsan_fiber);
      thread->tsan_fiber = NULL;
#endif
      munmap (thread->stack, thread->stack_size);
      thread->stack = NULL;
    }
}

static void
thread_resume (Sim    *sim,
               Thread *thread)
{
  if (thread->state == THREAD_NEW)
    {
      gsize page = (gsize) sysconf (_SC_PAGESIZE);
      guintptr p = (guintptr) thread;

      /* A guard page below the stack turns an overflow into a crash. */
      thread->stack_size = STACK_SIZE + page;
      thread->stack = mmap (NULL, thread->stack_size, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
      if (thread->stack == MAP_FAILED)
        g_error ("Cannot allocate a stack for a simulated thread");
      mprotect (thread->stack, page, PROT_NONE);
#ifdef AW_CLOCK_VALGRIND
      thread->valgrind_stack = VALGRIND_STACK_REGISTER (thread->stack + page, thread->stack + thread->stack_size);
#endif
#ifdef AW_CLOCK_TSAN
      thread->tsan_fiber = __tsan_create_fiber (0);
#endif

      getcontext (&thread->uc);
      thread->uc.uc_stack.ss_sp = thread->stack + page;
      thread->uc.uc_stack.ss_size = STACK_SIZE;
      thread->uc.uc_link = &sim->scheduler;
      makecontext (&thread->uc, (void (*) (void)) thread_entry, 2,
                   (unsigned int) (p >> 32), (unsigned int) (p & 0xffffffffu));
    }

  thread->state = THREAD_RUNNING;
  sim->current = thread;
  fiber_switch_begin (&sim->scheduler_fake_stack, thread->uc.uc_stack.ss_sp, thread->uc.uc_stack.ss_size);
  tsan_switch_to (thread->tsan_fiber);
  swapcontext (&sim->scheduler, &thread->uc);
  fiber_switch_end (sim->scheduler_fake_stack, NULL, NULL);
  sim->current = NULL;

  if (thread->state == THREAD_DONE)
    thread_free_stack (thread);
}

/* Main contexts and their sources ---------------------------------------------- */

static void
source_push (Source *source)
{
  Context *context = source->context;
  HeapItem item = { source->ready_ns, source->seq, source, 0, 0 };

  heap_push (source->high ? &context->high : &context->normal, &item);
  source->in_heap = TRUE;
  context->n_live++;
}

static Source *
source_attach (Sim        *sim,
               Context    *context,
               SourceKind  kind,
               gboolean    high,
               gint64      ready_ns,
               gpointer    data)
{
  Source *source = g_new0 (Source, 1);
  Thread *owner = context->owner;

  source->context = context;
  source->kind = kind;
  source->high = high;
  source->ready_ns = ready_ns;
  source->seq = sim->seq++;
  source->data = data;
  source_push (source);

  /* g_source_attach() from another thread wakes the context's loop up. */
  if (owner != sim->current && owner->state == THREAD_POLLING)
    thread_schedule (sim, owner, sim->now);

  return source;
}

/* g_source_destroy(): a destroyed source is freed when it leaves its heap. */
static void
source_destroy (Source *source)
{
  if (source->destroyed)
    return;
  source->destroyed = TRUE;
  if (source->in_heap)
    source->context->n_live--;
}

static gint64
context_next_ready (Context *context)
{
  Heap *heaps[2] = { &context->high, &context->normal };
  gint64 next = NEVER;

  for (guint i = 0; i < 2; i++)
    {
      const HeapItem *top;

      while ((top = heap_peek (heaps[i])) != NULL && ((Source *) top->ptr)->destroyed)
        {
          HeapItem item;

          heap_pop (heaps[i], &item);
          g_free (item.ptr);
        }
      if (top != NULL)
        next = MIN (next, top->time);
    }

  return next;
}

static gint
compare_source_seq (gconstpointer a,
                    gconstpointer b)
{
  const Source *sa = *(const Source * const *) a;
  const Source *sb = *(const Source * const *) b;

  return (sa->seq > sb->seq) - (sa->seq < sb->seq);
}

/* The sources one iteration dispatches: those ready at the highest ready
 * priority, in attach order. */
static void
context_select (Sim       *sim,
                Context   *context,
                GPtrArray *out)
{
  const HeapItem *top;
  Heap *heap;

  g_ptr_array_set_size (out, 0);
  context_next_ready (context);
  top = heap_peek (&context->high);
  heap = top != NULL && top->time <= sim->now ? &context->high : &context->normal;

  while ((top = heap_peek (heap)) != NULL && top->time <= sim->now)
    {
      HeapItem item;
      Source *source;

      heap_pop (heap, &item);
      source = item.ptr;
      source->in_heap = FALSE;
      if (source->destroyed)
        {
          g_free (source);
          continue;
        }
      context->n_live--;
      g_ptr_array_add (out, source);
    }

  if (out->len > 1)
    g_ptr_array_sort (out, compare_source_seq);
}

/* A run whose main loop has nothing left but its heartbeat would tick for
 * ever: the runner would hang there. */
static gboolean
sim_is_stalled (Sim *sim)
{
  if (sim->finished)
    return FALSE;
  if (sim->main_context->n_live > (sim->heartbeat != NULL ? 1u : 0u))
    return FALSE;
  if (sim->busy_workers > 0 || !g_queue_is_empty (&sim->jobs))
    return FALSE;
  for (guint i = 0; i < sim->threads->len; i++)
    {
      Thread *t = g_ptr_array_index (sim->threads, i);

      if (t->is_main || t->state == THREAD_DONE)
        continue;
      if (t->state != THREAD_POLLING || t->context->n_live > 0)
        return FALSE;
    }
  return TRUE;
}

static void source_dispatch (Sim *sim, Source *source);

/* g_main_context_iteration () */
static gboolean
context_iterate (Sim      *sim,
                 Thread   *self,
                 gboolean  may_block)
{
  Context *context = self->context;

  for (;;)
    {
      gint64 next = context_next_ready (context);

      if (next <= sim->now)
        break;
      if (!may_block)
        return FALSE;
      if (self->is_main && sim_is_stalled (sim))
        {
          sim->stalled = TRUE;
          next = NEVER;
        }
      thread_poll (sim, self, next);
    }

  context_select (sim, context, self->ready);
  context->iteration++;
  context->iteration_ns = sim->now;

  for (guint i = 0; i < self->ready->len; i++)
    {
      Source *source = g_ptr_array_index (self->ready, i);
      Source *outer = self->dispatching;

      if (source->destroyed)
        {
          g_free (source);
          continue;
        }

      self->dispatching = source;
      source_dispatch (sim, source);
      self->dispatching = outer;

      /* A repeating timeout counts its next interval from the iteration's time. */
      if (source->kind == SOURCE_HEARTBEAT && !source->destroyed)
        {
          source->ready_ns = context->iteration_ns + (gint64) sim->options.heartbeat_ms * NS_PER_MS;
          source_push (source);
        }
      else
        g_free (source);
    }

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

  g_assert (scope->waiters == NULL);
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

static Op *op_ref (Op *op);
static void op_unref (Sim *sim, Op *op);

static void
scope_cancelled (Sim   *sim,
                 Scope *scope)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new ();

  /* Take the list first: finishing an op may run continuations at once. */
  for (Op *op = scope->waiters; op != NULL; op = op->wnext)
    {
      op->in_waiters = FALSE;
      g_ptr_array_add (ops, op_ref (op));
    }
  scope->waiters = NULL;

  for (guint i = 0; i < ops->len; i++)
    {
      Op *op = g_ptr_array_index (ops, i);

      if (!op->done)
        op_finish (sim, op, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 "The operation was cancelled"));
      op_unref (sim, op);
    }
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
    source_attach (sim, scope->context, SOURCE_CANCEL_SCOPE, TRUE, sim->now, scope_ref (scope));
}

static void
worker_token_cancelled (Sim    *sim,
                        Worker *worker)
{
  gint64 elapsed = sim->now - worker->start_ns;
  gint64 k = MAX (1, (elapsed + worker->check_ns - 1) / worker->check_ns);
  gint64 next = MIN (worker->start_ns + k * worker->check_ns, worker->end_ns);

  /* The first check at or after now sees the token. */
  if (next < worker->wake_ns)
    worker_schedule (sim, worker, next);
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

  scope_cancelled (sim, scope);
  for (guint i = 0; i < children->len; i++)
    parent_scope_cancelled (sim, g_ptr_array_index (children, i));

  for (guint i = 0; i < children->len; i++)
    scope_unref (sim, g_ptr_array_index (children, i));
  scope_unref (sim, scope);
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
  g_assert (!op->in_waiters);
  scope_unref (sim, op->child_scope);
  scope_unref (sim, op->scope);
  g_clear_error (&op->error);
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

static Op *
op_new (Sim          *sim,
        const AwNode *node,
        guint32       parent_id,
        Scope        *scope,
        CallbackKind  callback,
        gpointer      user_data)
{
  Op *op = g_new0 (Op, 1);
  Context *context = sim->current->context;

  op->node = node;
  op->id = new_id (sim);
  op->scope = scope_ref (scope);
  op->ref_count = 1;
  op->context = context;
  op->created_iteration = context->iteration;
  op->callback = callback;
  op->user_data = user_data;
  op->all_next = sim->ops;
  if (sim->ops != NULL)
    sim->ops->all_prev = op;
  sim->ops = op;
  sim->live_ops++;

  record (sim, AW_EVENT_TASK_CREATED, op->id, parent_id, node_name_id (sim, node));

  return op;
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
  source_attach (sim, op->context, SOURCE_TASK_RETURN, FALSE, sim->now, op);
}

static void
op_clear_timer (Op *op)
{
  if (op->timer != NULL)
    {
      source_destroy (op->timer);
      op->timer = NULL;
    }
}

/* Completes @op on its thread, taking ownership of @error. */
static void
op_finish (Sim    *sim,
           Op     *op,
           GError *error)
{
  g_assert (!op->done);
  op->done = TRUE;
  op_clear_timer (op);
  scope_remove_waiter (op->scope, op);

  if (error == NULL)
    record (sim, AW_EVENT_TASK_COMPLETED, op->id, 0, 0);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    record (sim, AW_EVENT_TASK_CANCELLED, op->id, 0, aw_trace_intern (sim->trace, error->message));
  else
    record (sim, AW_EVENT_TASK_FAULTED, op->id, 0, aw_trace_intern (sim->trace, error->message));

  task_return (sim, op, error);
}

static GError *
cancelled_error (const char *message)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                              message ? message : "The operation was cancelled");
}

/* Starts a child of @op, holding a ref on @op until it completes. */
static gboolean
op_start_child (Sim          *sim,
                Op           *op,
                const AwNode *child,
                Scope        *scope)
{
  op_ref (op);
  if (node_start (sim, child, op->id, scope, CALLBACK_CHILD_DONE, op))
    {
      op->outstanding++;
      return TRUE;
    }
  op_unref (sim, op);
  return FALSE;
}

/* Leaves: timers ---------------------------------------------------------------------- */

static void
timer_fired (Sim *sim,
             Op  *op)
{
  op->timer = NULL;
  if (op->node->type == AW_NODE_FAIL)
    op_finish (sim, op, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, op->node->message));
  else
    op_finish (sim, op, NULL);
}

static void
op_start_timer (Sim        *sim,
                Op         *op,
                gint64      us,
                SourceKind  kind)
{
  op->timer = source_attach (sim, op->scope->context, kind, FALSE, sim->now + timer_ns (us), op);
}

static void
start_wait (Sim *sim,
            Op  *op)
{
  record (sim, AW_EVENT_TASK_WAITING, op->id, 0, 0);
  if (op->scope->cancelled)
    {
      op_finish (sim, op, cancelled_error (NULL));
      return;
    }
  scope_add_waiter (op->scope, op);
  op_start_timer (sim, op, scaled_us (sim, op->node->ms), SOURCE_TIMER);
}

/* Leaves: cpu on the worker pool ------------------------------------------------------- */

static void
worker_record (Sim         *sim,
               Worker      *worker,
               AwEventKind  kind,
               guint32      task)
{
  if (worker->lane < 0)
    worker->lane = (gint) new_lane (sim, NULL);
  record_on_lane (sim, (guint) worker->lane, kind, task, 0, 0);
}

static void
pool_release (Sim    *sim,
              Worker *worker)
{
  HeapItem item = { worker->index, worker->index, worker, 0, 0 };

  heap_push (&sim->idle_workers, &item);
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
  GError *error = NULL;

  if (op->node->cooperative)
    {
      Scope *scope = op->scope;

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

  op->done = TRUE;
  if (cancelled)
    {
      worker_record (sim, worker, AW_EVENT_CANCEL_OBSERVED, op->id);
      worker_record (sim, worker, AW_EVENT_TASK_CANCELLED, op->id);
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   "The worker saw the cancellation and stopped");
    }
  else
    worker_record (sim, worker, AW_EVENT_TASK_COMPLETED, op->id);

  task_return (sim, op, error);
}

/* The worker takes the queue's first job, if any (worker_run). */
static void
worker_take_next (Sim    *sim,
                  Worker *worker)
{
  for (;;)
    {
      Op *op = g_queue_pop_head (&sim->jobs);
      const AwNode *node;

      if (op == NULL)
        {
          pool_release (sim, worker);
          return;
        }

      node = op->node;
      worker->op = op;
      op->worker = worker;

      /* Task.Run(work, token) does not start work whose token is already cancelled. */
      if (node->cooperative && op->scope->cancelled)
        {
          worker_finish (sim, worker, TRUE);
          continue;
        }

      worker_record (sim, worker, AW_EVENT_TASK_RUNNING, op->id);
      worker->start_ns = sim->now;
      worker->end_ns = sim->now + scaled_us (sim, node->ms) * NS_PER_US;
      worker->check_ns = MAX (scaled_us (sim, node->check_ms), 100) * NS_PER_US;
      if (node->cooperative)
        {
          op->rprev = NULL;
          op->rnext = op->scope->running;
          if (op->scope->running != NULL)
            op->scope->running->rprev = op;
          op->scope->running = op;
        }
      worker_schedule (sim, worker, worker->end_ns);
      return;
    }
}

static void
worker_wake (Sim    *sim,
             Worker *worker)
{
  Op *op = worker->op;
  gboolean cancelled;

  if (op == NULL)
    {
      worker_take_next (sim, worker);
      return;
    }

  /* At the end, the last chunk's check; before it, only a cancelled token
   * makes a worker wake up. Work of no length has no check at all. */
  if (sim->now >= worker->end_ns)
    cancelled = op->node->cooperative && worker->end_ns > worker->start_ns && op->scope->cancelled;
  else
    cancelled = TRUE;

  worker_finish (sim, worker, cancelled);
  worker_take_next (sim, worker);
}

/* g_thread_pool_push(): a free worker, the lowest-numbered one, wakes up. */
static void
pool_push (Sim *sim,
           Op  *op)
{
  Worker *worker = NULL;
  HeapItem item;

  g_queue_push_tail (&sim->jobs, op);

  if (heap_pop (&sim->idle_workers, &item))
    worker = item.ptr;
  else if (sim->workers->len < sim->options.workers)
    {
      worker = g_new0 (Worker, 1);
      worker->index = sim->workers->len;
      worker->lane = -1;
      g_ptr_array_add (sim->workers, worker);
    }
  else
    return;

  sim->busy_workers++;
  worker_schedule (sim, worker, sim->now);
}

/* Composites ------------------------------------------------------------------------------ */

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
sequence_advance (Sim *sim,
                  Op  *op)
{
  guint total = child_count (op->node);

  while (!op->done)
    {
      if (op->next_child >= total)
        {
          op_finish (sim, op, NULL);
          return;
        }
      if (op->scope->cancelled)
        {
          op_finish (sim, op, cancelled_error (NULL));
          return;
        }
      if (op_start_child (sim, op, nth_child (op->node, op->next_child++), op->scope))
        return;
    }
}

static void
join_complete (Sim *sim,
               Op  *op)
{
  if (op->error != NULL)
    {
      GError *error = g_steal_pointer (&op->error);

      if (op->n_errors > 0)
        g_prefix_error (&error, "%u more error%s in the aggregate; the first: ",
                        op->n_errors, op->n_errors == 1 ? "" : "s");
      op_finish (sim, op, error);
    }
  else if (op->n_cancelled > 0)
    op_finish (sim, op, cancelled_error (NULL));
  else
    op_finish (sim, op, NULL);
}

static void
join_start (Sim *sim,
            Op  *op)
{
  guint total = child_count (op->node);

  for (guint i = 0; i < total; i++)
    op_start_child (sim, op, nth_child (op->node, i), op->scope);

  if (op->outstanding == 0)
    join_complete (sim, op);
}

static void
any_cancel_rest (Sim *sim,
                 Op  *op)
{
  if (op->node->cancel_rest && !op->child_scope->cancelled)
    {
      record (sim, AW_EVENT_CANCEL_REQUEST, op->id, 0,
              aw_trace_intern (sim->trace, "WhenAny has a winner: cancel the rest"));
      scope_cancel (sim, op->child_scope);
    }
}

static void
any_start (Sim *sim,
           Op  *op)
{
  gboolean sync_winner = FALSE;

  op->child_scope = scope_new (sim, op->scope, NULL);
  for (guint i = 0; i < op->node->n_children; i++)
    if (!op_start_child (sim, op, op->node->children[i], op->child_scope))
      sync_winner = TRUE;

  if (sync_winner)
    {
      op_finish (sim, op, NULL);
      any_cancel_rest (sim, op);
    }
}

static void
deadline_passed (Sim *sim,
                 Op  *op)
{
  g_autofree char *why = g_strdup_printf ("Deadline of %u ms passed", op->node->ms);

  op->timer = NULL;
  op->timed_out = TRUE;
  record (sim, AW_EVENT_CANCEL_REQUEST, op->id, 0, aw_trace_intern (sim->trace, why));
  scope_cancel (sim, op->child_scope);
}

static void
timeout_start (Sim *sim,
               Op  *op)
{
  op->child_scope = scope_new (sim, op->scope, NULL);
  op_start_timer (sim, op, scaled_us (sim, op->node->ms), SOURCE_DEADLINE);
  if (!op_start_child (sim, op, op->node->children[0], op->child_scope))
    op_finish (sim, op, NULL);
}

/* Blocking waits (.Result) ---------------------------------------------------------------- */

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
  scope_unref (sim, ws->scope);
  g_free (ws);
}

/* g_cond_broadcast(): the waiting thread wakes up. */
static void
wait_state_signal (Sim       *sim,
                   WaitState *ws)
{
  Thread *waiter = ws->waiter;

  if (waiter != NULL && waiter->state == THREAD_WAITING && waiter->waiting_on == ws)
    thread_schedule (sim, waiter, sim->now);
}

/* The child finished: on the waiting thread (after a deadlock, once its loop
 * runs again) or on the ConfigureAwait(false) thread. */
static void
wait_child_done (Sim       *sim,
                 WaitState *ws,
                 Op        *child)
{
  GError *error = g_steal_pointer (&child->result);
  gboolean abandoned = ws->abandoned;

  ws->done = TRUE;
  ws->loop_done = TRUE;
  if (!abandoned)
    ws->error = error;
  wait_state_signal (sim, ws);

  if (abandoned)
    {
      /* The continuation was stranded behind the blocked loop: it runs now,
       * after the watchdog, and its result goes nowhere. */
      record (sim, AW_EVENT_MARK, child->id, ws->wait_id,
              aw_trace_intern (sim->trace, "stranded callback ran"));
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        record (sim, AW_EVENT_ERROR_UNOBSERVED, child->id, ws->wait_id,
                aw_trace_intern (sim->trace, error->message));
      g_clear_error (&error);
    }

  op_unref (sim, child);
  wait_state_unref (sim, ws);
}

/* ConfigureAwait(false): the child runs and completes on a thread of its own,
 * with its own main context (wait_worker). */
static void
configure_await_body (Sim    *sim,
                      Thread *self)
{
  WaitState *ws = self->ws;

  self->lane = new_lane (sim, "ConfigureAwait(false) thread");
  if (node_start (sim, ws->child, ws->wait_id, ws->scope, CALLBACK_WAIT_CHILD, wait_state_ref (ws)))
    {
      /* Until the child and every task it left on this thread are done. */
      while (!ws->loop_done || ws->scope->ref_count > 1)
        context_iterate (sim, self, TRUE);
      /* Let the child's GTask finish its own dispatch. */
      while (context_iterate (sim, self, FALSE))
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

/* `.Result`: start the child, then block this thread until the child's
 * callback says it finished, or until the deadline, the watchdog. */
static void
wait_start (Sim *sim,
            Op  *op)
{
  const AwNode *node = op->node;
  Thread *self = sim->current;
  guint deadline_ms = sim->options.wait_deadline_ms > 0 ? sim->options.wait_deadline_ms : node->ms;
  WaitState *ws = g_new0 (WaitState, 1);
  gint64 deadline;
  gboolean done;

  deadline_ms = MIN (deadline_ms, AW_WAIT_MAX_DEADLINE_MS);
  ws->ref_count = 1;
  ws->wait_id = op->id;
  ws->child = node->children[0];
  ws->waiter = self;
  g_hash_table_add (sim->wait_states, ws);

  record (sim, AW_EVENT_TASK_RUNNING, op->id, 0, 0);
  record (sim, AW_EVENT_UI_BLOCK_BEGIN, op->id, 0, 0);

  if (node->continue_on_worker)
    {
      Context *context = context_new (sim);
      Thread *thread;

      ws->scope = scope_new (sim, op->scope, context);
      sim->live_ops++;
      thread = thread_new (sim, context, FALSE);
      thread->ws = wait_state_ref (ws);
      thread_schedule (sim, thread, sim->now);
    }
  else
    {
      ws->scope = scope_ref (op->scope);
      if (!node_start (sim, ws->child, op->id, ws->scope, CALLBACK_WAIT_CHILD, wait_state_ref (ws)))
        {
          ws->done = TRUE;
          wait_state_unref (sim, ws);
        }
    }

  deadline = sim->now + (gint64) deadline_ms * NS_PER_MS;
  while (!ws->done && sim->now < deadline)
    thread_wait (sim, self, ws, deadline);
  done = ws->done;
  if (!done)
    ws->abandoned = TRUE;

  if (done)
    {
      record (sim, AW_EVENT_UI_BLOCK_END, op->id, 0, 0);
      op_finish (sim, op, g_steal_pointer (&ws->error));
    }
  else
    {
      g_autofree char *why = g_strdup_printf ("watchdog: .Result gave up after %.2f s", deadline_ms / 1000.0);

      record (sim, AW_EVENT_WATCHDOG, op->id, 0, aw_trace_intern (sim->trace, why));
      record (sim, AW_EVENT_UI_BLOCK_END, op->id, 0, 0);
      op_finish (sim, op, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                       "Deadlock: .Result blocked the main thread that the task needed "
                                       "to finish; the watchdog broke the wait after %.2f s",
                                       deadline_ms / 1000.0));
    }

  wait_state_unref (sim, ws);
}

/* Continuations ---------------------------------------------------------------------------- */

/* A child of @op completed: the await continuation. */
static void
child_done (Sim *sim,
            Op  *op,
            Op  *child)
{
  GError *error = g_steal_pointer (&child->result);
  gboolean cancelled = error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert (op->outstanding > 0);
  op->outstanding--;

  switch (op->node->type)
    {
    case AW_NODE_SEQUENCE:
    case AW_NODE_REPEAT:
      if (error != NULL)
        {
          if (!cancelled)
            record (sim, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
          op_finish (sim, op, g_steal_pointer (&error));
        }
      else
        sequence_advance (sim, op);
      break;

    case AW_NODE_WHEN_ALL:
    case AW_NODE_PARALLEL:
      if (cancelled)
        op->n_cancelled++;
      else if (error != NULL && op->error != NULL && op->node->first_error_only)
        {
          record (sim, AW_EVENT_ERROR_UNOBSERVED, child->id, op->id,
                  aw_trace_intern (sim->trace, error->message));
        }
      else if (error != NULL)
        {
          record (sim, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
          if (op->error == NULL)
            op->error = g_steal_pointer (&error);
          else
            op->n_errors++;
        }
      if (op->outstanding == 0)
        join_complete (sim, op);
      break;

    case AW_NODE_WHEN_ANY:
      if (!op->done)
        {
          if (error != NULL && !cancelled)
            record (sim, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
          op_finish (sim, op, g_steal_pointer (&error));
          any_cancel_rest (sim, op);
        }
      else if (error != NULL && !cancelled)
        {
          record (sim, AW_EVENT_ERROR_UNOBSERVED, child->id, op->id,
                  aw_trace_intern (sim->trace, error->message));
        }
      break;

    case AW_NODE_TIMEOUT:
      op_clear_timer (op);
      if (cancelled && op->timed_out)
        {
          g_autofree char *msg = g_strdup_printf ("Timed out after %u ms", op->node->ms);
          op_finish (sim, op, cancelled_error (msg));
        }
      else
        {
          if (error != NULL && !cancelled)
            record (sim, AW_EVENT_ERROR_OBSERVED, child->id, op->id, 0);
          op_finish (sim, op, g_steal_pointer (&error));
        }
      break;

    default:
      g_assert_not_reached ();
    }

  g_clear_error (&error);
  /* Drop the child's creation ref, then the ref the child held on us. */
  op_unref (sim, child);
  op_unref (sim, op);
}

/* A fire-and-forget child completed: nobody looks at its result. */
static void
forgotten_done (Sim *sim,
                Op  *op)
{
  g_autoptr(GError) error = g_steal_pointer (&op->result);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    record (sim, AW_EVENT_ERROR_UNOBSERVED, op->id, 0,
            aw_trace_intern (sim->trace, error->message));

  op_unref (sim, op);
}

static void root_done (Sim *sim, Op *op);

/* GTask's g_task_return_now(): the callback. */
static void
task_return_now (Sim *sim,
                 Op  *op)
{
  switch (op->callback)
    {
    case CALLBACK_CHILD_DONE:
      child_done (sim, op->user_data, op);
      break;
    case CALLBACK_ROOT_DONE:
      root_done (sim, op);
      break;
    case CALLBACK_FORGOTTEN:
      forgotten_done (sim, op);
      break;
    case CALLBACK_WAIT_CHILD:
      wait_child_done (sim, op->user_data, op);
      break;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
cache_hits (Sim          *sim,
            const AwNode *node)
{
  double r = node->hit_ratio;
  guint calls = GPOINTER_TO_UINT (g_hash_table_lookup (sim->cache_calls, node));

  g_hash_table_insert (sim->cache_calls, (gpointer) node, GUINT_TO_POINTER (calls + 1));

  /* The runner's fixed pattern: exactly the given share of hits, the first
   * call (a cold cache) a miss unless every call hits. */
  return floor ((calls + 1) * r + 1e-9) > floor (calls * r + 1e-9);
}

/*
 * Starts @node on the current thread. Returns %TRUE if it runs
 * asynchronously: @callback will be called with its op. Returns %FALSE if it
 * completed synchronously and successfully, with no GTask.
 */
static gboolean
node_start (Sim          *sim,
            const AwNode *node,
            guint32       parent_id,
            Scope        *scope,
            CallbackKind  callback,
            gpointer      user_data)
{
  Op *op;

  switch (node->type)
    {
    case AW_NODE_CACHED:
      if (cache_hits (sim, node))
        {
          if (node->value_task)
            {
              guint32 id = new_id (sim);

              record (sim, AW_EVENT_TASK_SYNC, id, parent_id, node_name_id (sim, node));
              return FALSE;
            }
          /* Task<T>: a completed GTask, whose callback still hops through the loop. */
          op = op_new (sim, node, parent_id, scope, callback, user_data);
          op_finish (sim, op, NULL);
          return TRUE;
        }
      op = op_new (sim, node, parent_id, scope, callback, user_data);
      start_wait (sim, op);
      return TRUE;

    case AW_NODE_DELAY:
    case AW_NODE_IO:
    case AW_NODE_FAIL:
      op = op_new (sim, node, parent_id, scope, callback, user_data);
      start_wait (sim, op);
      return TRUE;

    case AW_NODE_CPU:
      op = op_new (sim, node, parent_id, scope, callback, user_data);
      record (sim, AW_EVENT_TASK_QUEUED, op->id, 0, 0);
      pool_push (sim, op);
      return TRUE;

    case AW_NODE_SEQUENCE:
    case AW_NODE_REPEAT:
      op = op_new (sim, node, parent_id, scope, callback, user_data);
      record (sim, AW_EVENT_TASK_WAITING, op->id, 0, 0);
      sequence_advance (sim, op);
      return TRUE;

    case AW_NODE_WHEN_ALL:
    case AW_NODE_PARALLEL:
      op = op_new (sim, node, parent_id, scope, callback, user_data);
      record (sim, AW_EVENT_TASK_WAITING, op->id, 0, 0);
      join_start (sim, op);
      return TRUE;

    case AW_NODE_WHEN_ANY:
      op = op_new (sim, node, parent_id, scope, callback, user_data);
      record (sim, AW_EVENT_TASK_WAITING, op->id, 0, 0);
      any_start (sim, op);
      return TRUE;

    case AW_NODE_TIMEOUT:
      op = op_new (sim, node, parent_id, scope, callback, user_data);
      record (sim, AW_EVENT_TASK_WAITING, op->id, 0, 0);
      timeout_start (sim, op);
      return TRUE;

    case AW_NODE_FIRE_AND_FORGET:
      {
        guint32 id = new_id (sim);

        /* `_ = DoAsync();`: the call returns at once and nobody keeps the task. */
        record (sim, AW_EVENT_TASK_SYNC, id, parent_id, node_name_id (sim, node));
        node_start (sim, node->children[0], id, scope, CALLBACK_FORGOTTEN, NULL);
        return FALSE;
      }

    case AW_NODE_BLOCK_UI:
      {
        guint32 id = new_id (sim);

        /* Thread.Sleep on this thread: nothing else of its loop runs. */
        record (sim, AW_EVENT_TASK_CALL, id, parent_id, node_name_id (sim, node));
        record (sim, AW_EVENT_TASK_RUNNING, id, 0, 0);
        record (sim, AW_EVENT_UI_BLOCK_BEGIN, id, 0, 0);
        thread_sleep (sim, sim->current, scaled_us (sim, node->ms) * NS_PER_US);
        record (sim, AW_EVENT_UI_BLOCK_END, id, 0, 0);
        record (sim, AW_EVENT_TASK_COMPLETED, id, 0, 0);
        return FALSE;
      }

    case AW_NODE_WAIT_BLOCKING:
      op = op_new (sim, node, parent_id, scope, callback, user_data);
      wait_start (sim, op);
      return TRUE;

    case AW_NODE_LAST:
    default:
      {
        guint32 id = new_id (sim);

        record (sim, AW_EVENT_TASK_CALL, id, parent_id, node_name_id (sim, node));
        record (sim, AW_EVENT_TASK_FAULTED, id, 0,
                aw_trace_intern (sim->trace, "This node type is not supported by this runner"));
        record (sim, AW_EVENT_ERROR_UNOBSERVED, id, 0, 0);
        return FALSE;
      }
    }
}

/* The run ----------------------------------------------------------------------------------- */

static void
finish_run (Sim *sim)
{
  sim->finish_idle = NULL;
  if (sim->heartbeat != NULL)
    {
      source_destroy (sim->heartbeat);
      sim->heartbeat = NULL;
    }
  scope_unref (sim, g_steal_pointer (&sim->root_scope));
  sim->running = FALSE;
  sim->finished = TRUE;
}

static void
maybe_finish_cb (Sim *sim)
{
  if (!sim->root_done || sim->live_ops > 0 || sim->finish_idle != NULL || sim->finished)
    return;

  sim->finish_idle = source_attach (sim, sim->main_context, SOURCE_FINISH, FALSE, sim->now, NULL);
}

/* The last op may be freed on a ConfigureAwait(false) thread: decide on the
 * main thread (g_main_context_invoke()). */
static void
maybe_finish (Sim *sim)
{
  if (sim->current == sim->main)
    maybe_finish_cb (sim);
  else
    source_attach (sim, sim->main_context, SOURCE_MAYBE_FINISH, FALSE, sim->now, NULL);
}

static void
root_complete (Sim     *sim,
               GError  *error,
               guint32  root_id)
{
  g_autofree char *outcome = NULL;

  if (error == NULL)
    outcome = g_strdup ("completed");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    outcome = g_strdup_printf ("cancelled: %s", error->message);
  else
    {
      /* The caller of the run awaits the root: its error is observed. */
      record (sim, AW_EVENT_ERROR_OBSERVED, root_id, 0, 0);
      outcome = g_strdup_printf ("faulted: %s", error->message);
    }

  record (sim, AW_EVENT_RUN_END, 0, 0, aw_trace_intern (sim->trace, outcome));
  sim->root_done = TRUE;
  if (sim->cancel_timer != NULL)
    {
      source_destroy (sim->cancel_timer);
      sim->cancel_timer = NULL;
    }
  maybe_finish (sim);
}

static void
root_done (Sim *sim,
           Op  *op)
{
  g_autoptr(GError) error = g_steal_pointer (&op->result);

  root_complete (sim, error, op->id);
  op_unref (sim, op);
}

/* aw_runner_cancel () */
static void
run_cancel (Sim        *sim,
            const char *why)
{
  if (!sim->running || sim->cancelled || sim->root_done)
    return;

  sim->cancelled = TRUE;
  record (sim, AW_EVENT_CANCEL_REQUEST, 0, 0, aw_trace_intern (sim->trace, why));
  scope_cancel (sim, sim->root_scope);
}

static void
cancel_after_fired (Sim *sim)
{
  g_autofree char *why = g_strdup_printf ("Cancel pressed after %d ms", sim->cancel_after_ms);

  sim->cancel_timer = NULL;
  run_cancel (sim, why);
}

static void
source_dispatch (Sim    *sim,
                 Source *source)
{
  switch (source->kind)
    {
    case SOURCE_TIMER:
      timer_fired (sim, source->data);
      break;

    case SOURCE_DEADLINE:
      deadline_passed (sim, source->data);
      break;

    case SOURCE_HEARTBEAT:
      record (sim, AW_EVENT_FRAME, 0, 0, 0);
      break;

    case SOURCE_CANCEL_AFTER:
      cancel_after_fired (sim);
      break;

    case SOURCE_TASK_RETURN:
      task_return_now (sim, source->data);
      op_unref (sim, source->data);
      break;

    case SOURCE_MAYBE_FINISH:
      maybe_finish_cb (sim);
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
static void
main_thread_body (Sim    *sim,
                  Thread *self)
{
  const AwVariant *variant = sim->variant;

  sim->running = TRUE;
  {
    /* Freed before the loop: a stalled run never comes back from it. */
    g_autofree char *speed = g_strdup_printf ("%g", sim->options.speed);
    g_autofree char *workers = g_strdup_printf ("%u", sim->options.workers);

    aw_trace_set_metadata (sim->trace, "scenario", aw_scenario_get_id (sim->scenario));
    aw_trace_set_metadata (sim->trace, "scenario_title", aw_scenario_get_title (sim->scenario));
    aw_trace_set_metadata (sim->trace, "variant", variant->name);
    aw_trace_set_metadata (sim->trace, "variant_title", variant->title);
    aw_trace_set_metadata (sim->trace, "speed", speed);
    aw_trace_set_metadata (sim->trace, "workers", workers);
    aw_trace_set_metadata (sim->trace, "clock", "virtual");
    if (sim->options.heartbeat_ms > 0)
      {
        g_autofree char *hb = g_strdup_printf ("%u", sim->options.heartbeat_ms);
        aw_trace_set_metadata (sim->trace, "heartbeat_ms", hb);
      }
  }

  sim->root_scope = scope_new (sim, NULL, sim->main_context);

  record (sim, AW_EVENT_RUN_BEGIN, 0, 0, aw_trace_intern (sim->trace, variant->name));

  if (sim->options.heartbeat_ms > 0)
    {
      sim->heartbeat = source_attach (sim, sim->main_context, SOURCE_HEARTBEAT, TRUE,
                                      sim->now + (gint64) sim->options.heartbeat_ms * NS_PER_MS, NULL);
      record (sim, AW_EVENT_FRAME, 0, 0, 0);
    }

  /* A variant may say when its user presses Cancel; the option wins. */
  sim->cancel_after_ms = sim->options.cancel_after_ms;
  if (sim->options.cancel_after_ms < 0 && variant->cancel_after_ms >= 0)
    {
      sim->cancel_after_ms = variant->cancel_after_ms;
      sim->options.cancel_after_ms = (gint) ((scaled_us (sim, variant->cancel_after_ms) + 500) / 1000);
    }
  if (sim->options.cancel_after_ms >= 0)
    sim->cancel_timer = source_attach (sim, sim->main_context, SOURCE_CANCEL_AFTER, TRUE,
                                       sim->now + (gint64) sim->options.cancel_after_ms * NS_PER_MS, NULL);

  if (!node_start (sim, variant->program, 0, sim->root_scope, CALLBACK_ROOT_DONE, NULL))
    root_complete (sim, NULL, 0);

  while (!sim->finished)
    context_iterate (sim, self, TRUE);
}

static void
sim_free_leftovers (Sim *sim)
{
  /* Only a run that stalled leaves anything: free it without running it. */
  for (guint i = 0; i < sim->contexts->len; i++)
    {
      Context *context = g_ptr_array_index (sim->contexts, i);
      Heap *heaps[2] = { &context->high, &context->normal };

      for (guint h = 0; h < 2; h++)
        {
          for (gsize k = 0; k < heaps[h]->len; k++)
            g_free (heaps[h]->items[k].ptr);
          heap_clear (heaps[h]);
        }
      g_free (context);
    }
  g_ptr_array_unref (sim->contexts);

  for (guint i = 0; i < sim->threads->len; i++)
    {
      Thread *thread = g_ptr_array_index (sim->threads, i);

      thread_free_stack (thread);
      g_ptr_array_unref (thread->ready);
      g_free (thread);
    }
  g_ptr_array_unref (sim->threads);

  while (sim->ops != NULL)
    {
      Op *op = sim->ops;

      sim->ops = op->all_next;
      g_clear_error (&op->error);
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
  heap_clear (&sim->idle_workers);
  heap_clear (&sim->events);
  g_queue_clear (&sim->jobs);
  g_hash_table_unref (sim->cache_calls);
  g_hash_table_unref (sim->name_ids);
}

/**
 * aw_clock_simulate:
 * @scenario: a scenario
 * @variant_index: which variant to simulate
 * @options: (nullable): run options, as for aw_runner_new()
 *
 * Executes a variant on a virtual clock: a discrete-event simulation of what
 * aw_runner_run_sync() does, with a modelled worker pool of
 * @options->workers threads and no waiting at all. The trace has the events a
 * real run records (kinds, task ids and their order, parents, names, lanes and
 * metadata, with `clock` set to `virtual`), at exact times: every duration
 * divided by the speed, timers in whole milliseconds like GLib's, instant
 * work taking no time. The same inputs always give the same trace.
 *
 * A run that would never finish for real (its last callbacks queued on a
 * ConfigureAwait(false) thread that has already ended) stops when nothing
 * but the heartbeat is left.
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
  HeapItem item;

  g_return_val_if_fail (AW_IS_SCENARIO (scenario), NULL);
  g_return_val_if_fail (variant_index < aw_scenario_get_n_variants (scenario), NULL);

  sim = g_new0 (Sim, 1);
  sim->scenario = scenario;
  sim->variant = aw_scenario_get_variant (scenario, variant_index);
  aw_run_options_init (&sim->options);
  if (options != NULL)
    sim->options = *options;
  sim->options.speed = CLAMP (sim->options.speed, AW_RUNNER_MIN_SPEED, AW_RUNNER_MAX_SPEED);
  if (sim->options.workers == 0)
    sim->options.workers = aw_runner_default_workers ();

  /* The calling thread is lane 0, the main thread. */
  sim->trace = aw_trace_new ();
  sim->next_lane = 1;
  sim->threads = g_ptr_array_new ();
  sim->contexts = g_ptr_array_new ();
  sim->workers = g_ptr_array_new_with_free_func (g_free);
  sim->cache_calls = g_hash_table_new (NULL, NULL);
  sim->name_ids = g_hash_table_new (NULL, NULL);
  sim->wait_states = g_hash_table_new (NULL, NULL);
  g_queue_init (&sim->jobs);

#ifdef AW_CLOCK_TSAN
  sim->scheduler_tsan_fiber = __tsan_get_current_fiber ();
#endif
  sim->main_context = context_new (sim);
  sim->main = thread_new (sim, sim->main_context, TRUE);
  sim->main->lane = 0;
  thread_schedule (sim, sim->main, 0);

  /* The scheduler: whatever is due next, in (time, seq) order. */
  while (sim->main->state != THREAD_DONE && heap_pop (&sim->events, &item))
    {
      if (!entry_is_current (&item))
        continue;
      sim->now = item.time;
      if (item.kind == ENTRY_WORKER)
        worker_wake (sim, item.ptr);
      else
        thread_resume (sim, item.ptr);
    }

  if (!sim->finished)
    g_debug ("Virtual clock: %s/%s stalled at %.3f ms: a real run would not finish",
             aw_scenario_get_id (scenario), sim->variant->name, sim->now / 1e6);

  trace = sim->trace;
  sim_free_leftovers (sim);
  g_free (sim);

  aw_trace_merge (trace);
  return trace;
}
