/* aw-clock-context.c: the virtual clock's main contexts and their sources
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each context holds its sources (timers and idles) by priority and attach
 * order. One iteration dispatches every source ready at the highest ready
 * priority, in attach order; sources attached meanwhile wait for the next
 * iteration. While a dispatch blocks its thread (block_ui, a blocking
 * wait), nothing else of that context runs; due sources run when the thread
 * is free again, like GLib's.
 *
 * The waits of a context (leaves' timers and timeouts' deadlines) are not
 * sources of their own: like the runner's (aw-wait-source.c), they share one
 * source, made with the first scope on the context, which fires every wait
 * that is due in (deadline, order added) order, up to a budget of real time
 * that only blocking inside a continuation uses up.
 */

#include "config.h"

#include "aw-clock-private.h"

Context *
_aw_clock_context_new (Sim *sim)
{
  Context *context = g_new0 (Context, 1);

  g_ptr_array_add (sim->contexts, context);
  return context;
}

static void
source_push (Source *source)
{
  Context *context = source->context;
  AwHeapItem item = { source->ready_ns, source->seq, source, 0, 0 };

  aw_clock_heap_push (source->high ? &context->high : &context->normal, &item);
  source->in_heap = TRUE;
  context->n_live++;
}

/* g_source_attach() from another thread wakes the context's loop up. */
static void
wake_owner (Sim     *sim,
            Context *context)
{
  Thread *owner = context->owner;

  if (owner != sim->current && owner->state == THREAD_POLLING)
    _aw_clock_thread_schedule (sim, owner, sim->now);
}

/* The wait source of @context: made once, where the runner makes it. */
void
_aw_clock_context_add_waits (Sim     *sim,
                             Context *context)
{
  Source *source;

  if (context->waits_source != NULL)
    return;
  source = g_new0 (Source, 1);
  source->context = context;
  source->kind = SOURCE_WAITS;
  source->seq = sim->seq++;
  context->waits_source = source;
}

/* Adds a wait to the wait source of @context. */
Source *
_aw_clock_wait_attach (Sim        *sim,
                       Context    *context,
                       SourceKind  kind,
                       gint64      ready_ns,
                       gpointer    data)
{
  Source *source = g_new0 (Source, 1);
  AwHeapItem item;

  g_assert (context->waits_source != NULL);
  source->context = context;
  source->kind = kind;
  source->ready_ns = ready_ns;
  source->seq = context->next_wait_seq++;
  source->data = data;
  source->in_heap = TRUE;
  item = (AwHeapItem) { ready_ns, source->seq, source, 0, 0 };
  aw_clock_heap_push (&context->waits, &item);
  context->n_live++;
  wake_owner (sim, context);

  return source;
}

Source *
_aw_clock_source_attach (Sim        *sim,
                         Context    *context,
                         SourceKind  kind,
                         gboolean    high,
                         gint64      ready_ns,
                         gpointer    data)
{
  Source *source = g_new0 (Source, 1);

  source->context = context;
  source->kind = kind;
  source->high = high;
  source->ready_ns = ready_ns;
  source->seq = sim->seq++;
  source->data = data;
  source_push (source);
  wake_owner (sim, context);

  return source;
}

/* g_source_destroy(): a destroyed source is freed when it leaves its heap. */
void
_aw_clock_source_destroy (Source *source)
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
  AwHeap *heaps[3] = { &context->high, &context->normal, &context->waits };
  gint64 next = NEVER;

  for (guint i = 0; i < 3; i++)
    {
      const AwHeapItem *top;

      while ((top = aw_clock_heap_peek (heaps[i])) != NULL && ((Source *) top->ptr)->destroyed)
        {
          AwHeapItem item;

          aw_clock_heap_pop (heaps[i], &item);
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
  const AwHeapItem *top;
  AwHeap *heap;

  g_ptr_array_set_size (out, 0);
  context_next_ready (context);
  top = aw_clock_heap_peek (&context->high);
  heap = top != NULL && top->time <= sim->now ? &context->high : &context->normal;

  while ((top = aw_clock_heap_peek (heap)) != NULL && top->time <= sim->now)
    {
      AwHeapItem item;
      Source *source;

      aw_clock_heap_pop (heap, &item);
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

  /* The wait source is of the default priority. */
  top = aw_clock_heap_peek (&context->waits);
  if (heap == &context->normal && top != NULL && top->time <= sim->now)
    g_ptr_array_add (out, context->waits_source);

  if (out->len > 1)
    g_ptr_array_sort (out, compare_source_seq);
}

/* Fires the waits that are due, in deadline order, as aw-wait-source.c
 * does: waits added meanwhile wait for the next iteration, and the clock is
 * read again when the cached reading says "not yet" and every 64 waits,
 * stopping once the dispatch has taken longer than its budget. */
#define WAITS_BUDGET_NS (4000 * NS_PER_US)

static void
context_dispatch_waits (Sim     *sim,
                        Context *context)
{
  gint64 now = sim->now;
  gint64 stop = now + WAITS_BUDGET_NS;
  guint64 limit = context->next_wait_seq;
  guint fired = 0;
  const AwHeapItem *top;

  while ((top = aw_clock_heap_peek (&context->waits)) != NULL)
    {
      AwHeapItem item = *top;
      Source *source = item.ptr;

      if (source->destroyed)
        {
          aw_clock_heap_pop (&context->waits, &item);
          g_free (source);
          continue;
        }
      if (item.seq >= limit)
        break;
      if (item.time > now || ++fired % 64 == 0)
        {
          now = sim->now;
          if (item.time > now || now > stop)
            break;
        }
      aw_clock_heap_pop (&context->waits, &item);
      source->in_heap = FALSE;
      context->n_live--;
      _aw_clock_source_dispatch (sim, source);
      g_free (source);
    }
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
  /* The callback thread still has a callback to make, or a continuation to run. */
  if (sim->callback != NULL && (sim->callback->op != NULL || sim->callbacks.len > 0))
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


/* g_main_context_iteration () */
gboolean
_aw_clock_context_iterate (Sim      *sim,
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
      _aw_clock_thread_poll (sim, self, next);
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
      if (source->kind == SOURCE_WAITS)
        {
          context_dispatch_waits (sim, context);
          self->dispatching = outer;
          continue;
        }
      _aw_clock_source_dispatch (sim, source);
      self->dispatching = outer;

      /* A repeating timeout counts its next interval from the iteration's time. */
      if (source->kind == SOURCE_HEARTBEAT && !source->destroyed)
        {
          source->ready_ns = context->iteration_ns + (gint64) sim->engine.options.heartbeat_ms * NS_PER_MS;
          source_push (source);
        }
      else
        g_free (source);
    }

  return TRUE;
}
