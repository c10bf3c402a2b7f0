/* aw-clock-heap.c: the virtual clock's binary min-heap keyed by (time, seq)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Equal times keep their insertion order (seq), so the same inputs always
 * give the same order of events.
 */

#include "config.h"

#include "aw-clock-heap.h"

static inline gboolean
item_before (const AwHeapItem *a,
             const AwHeapItem *b)
{
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

void
aw_clock_heap_push (AwHeap           *heap,
           const AwHeapItem *item)
{
  gsize i;

  if (heap->len == heap->size)
    {
      heap->size = MAX (64, heap->size * 2);
      heap->items = g_renew (AwHeapItem, heap->items, heap->size);
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

gboolean
aw_clock_heap_pop (AwHeap     *heap,
          AwHeapItem *out)
{
  AwHeapItem last;
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

void
aw_clock_heap_clear (AwHeap *heap)
{
  g_clear_pointer (&heap->items, g_free);
  heap->len = heap->size = 0;
}
