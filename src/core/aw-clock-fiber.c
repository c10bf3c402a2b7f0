/* aw-clock-fiber.c: the virtual clock's threads, as coroutines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threads that run interpreter code (the main thread, and each thread a
 * ConfigureAwait(false) wait starts) are coroutines on their own stacks
 * (ucontext). A block or a blocking wait in the middle of a callback
 * suspends that thread exactly where the real runner blocks, and the others
 * go on meanwhile. Workers are not coroutines: their steps are events of the
 * queue, run on whichever stack pops them.
 */

#include "config.h"

#include "aw-clock-private.h"

#include <sys/mman.h>
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

#define STACK_SIZE  (512 * 1024)

/* The scheduler runs on the caller's stack. */
void
_aw_clock_fiber_init (Sim *sim)
{
#ifdef AW_CLOCK_TSAN
  sim->scheduler_tsan_fiber = __tsan_get_current_fiber ();
#endif
}


void
_aw_clock_thread_schedule (Sim    *sim,
                           Thread *thread,
                           gint64  at)
{
  AwHeapItem item = { at, sim->seq++, thread, ++thread->gen, ENTRY_THREAD };

  if (at != NEVER)
    aw_clock_heap_push (&sim->events, &item);
}

void
_aw_clock_worker_schedule (Sim    *sim,
                           Worker *worker,
                           gint64  at)
{
  AwHeapItem item = { at, sim->seq++, worker, ++worker->gen, ENTRY_WORKER };

  worker->wake_ns = at;
  aw_clock_heap_push (&sim->events, &item);
}

/* The dotnet pool's check at @at comes before everything else due then
 * (sequence 0: the scheduler's first entry, the main thread at time 0,
 * is the only other, and no check is ever due at 0). */
void
_aw_clock_pool_schedule (Sim    *sim,
                         gint64  at)
{
  AwHeapItem item = { at, 0, sim, ++sim->pool_check_gen, ENTRY_MONITOR };

  g_assert (at > 0);
  sim->pool_check = at;
  aw_clock_heap_push (&sim->events, &item);
}

gboolean
_aw_clock_entry_is_current (const AwHeapItem *item)
{
  if (item->kind == ENTRY_THREAD)
    return item->gen == ((Thread *) item->ptr)->gen;
  if (item->kind == ENTRY_MONITOR)
    return item->gen == ((Sim *) item->ptr)->pool_check_gen;
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

/* Workers and the pool's checks are not coroutines: their steps run on
 * whichever stack pops them. */
static void
run_worker_entry (Sim            *sim,
                  const AwHeapItem *item)
{
  Thread *saved = sim->current;

  sim->now = item->time;
  sim->current = NULL;
  if (item->kind == ENTRY_MONITOR)
    _aw_clock_pool_check (sim);
  else
    _aw_clock_worker_wake (sim, item->ptr);
  sim->current = saved;
}

/* Suspends @self until the scheduler resumes it at its latest wake-up. */
static void
thread_yield (Sim    *sim,
              Thread *self)
{
  const AwHeapItem *top;

  /* When the next thing to happen is this thread's own wake-up, perhaps
   * after some worker steps, there is no need to switch stacks. */
  while ((top = aw_clock_heap_peek (&sim->events)) != NULL)
    {
      AwHeapItem item = *top;

      if (!_aw_clock_entry_is_current (&item))
        {
          aw_clock_heap_pop (&sim->events, &item);
          continue;
        }
      /* Past the longest simulated run: the scheduler ends it. */
      if (item.time > AW_CLOCK_MAX_SIMULATED_NS)
        break;
      if (item.kind != ENTRY_THREAD)
        {
          aw_clock_heap_pop (&sim->events, &item);
          run_worker_entry (sim, &item);
          continue;
        }
      if (item.ptr != self)
        break;

      aw_clock_heap_pop (&sim->events, &item);
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
void
_aw_clock_thread_poll (Sim    *sim,
                       Thread *self,
                       gint64  until)
{
  self->state = THREAD_POLLING;
  _aw_clock_thread_schedule (sim, self, until);
  thread_yield (sim, self);
}

/* Thread.Sleep: the thread does nothing else meanwhile. */
void
_aw_clock_thread_sleep (Sim    *sim,
                        Thread *self,
                        gint64  duration_ns)
{
  self->state = THREAD_SLEEPING;
  _aw_clock_thread_schedule (sim, self, sim->now + duration_ns);
  thread_yield (sim, self);
}

/* g_cond_wait_until: until the wait is signalled or its deadline passes. */
void
_aw_clock_thread_wait (Sim       *sim,
                       Thread    *self,
                       WaitState *ws,
                       gint64     deadline)
{
  self->state = THREAD_WAITING;
  self->waiting_on = ws;
  _aw_clock_thread_schedule (sim, self, deadline);
  thread_yield (sim, self);
  self->waiting_on = NULL;
}


static void
thread_entry (unsigned int hi,
              unsigned int lo)
{
  Thread *self = (Thread *) (((guintptr) hi << 32) | (guintptr) lo);
  Sim *sim = self->sim;

  fiber_switch_end (NULL, &sim->scheduler_stack, &sim->scheduler_stack_size);

  if (self->is_main)
    _aw_clock_main_thread_body (sim, self);
  else
    _aw_clock_configure_await_body (sim, self);

  /* Back to the scheduler for good: this stack is freed there. */
  self->state = THREAD_DONE;
  fiber_switch_begin (NULL, sim->scheduler_stack, sim->scheduler_stack_size);
  tsan_switch_to (sim->scheduler_tsan_fiber);
  setcontext (&sim->scheduler);
}

Thread *
_aw_clock_thread_new (Sim      *sim,
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

void
_aw_clock_thread_free_stack (Thread *thread)
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

void
_aw_clock_thread_resume (Sim    *sim,
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
    _aw_clock_thread_free_stack (thread);
}
