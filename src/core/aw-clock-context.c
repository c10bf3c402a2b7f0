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

Source *
_aw_clock_source_attach (Sim        *sim,
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
    _aw_clock_thread_schedule (sim, owner, sim->now);

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
  AwHeap *heaps[2] = { &context->high, &context->normal };
  gint64 next = NEVER;

  for (guint i = 0; i < 2; i++)
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
