/* aw-clock-heap.h: the virtual clock's binary min-heap keyed by (time, seq)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64   time;
  guint64  seq;
  gpointer ptr;
  guint64  gen;
  guint    kind;
} AwHeapItem;

typedef struct {
  AwHeapItem *items;
  gsize     len;
  gsize     size;
} AwHeap;

void     aw_clock_heap_push  (AwHeap           *heap,
                              const AwHeapItem *item);
gboolean aw_clock_heap_pop   (AwHeap           *heap,
                              AwHeapItem       *out);
void     aw_clock_heap_clear (AwHeap           *heap);

static inline const AwHeapItem *
aw_clock_heap_peek (const AwHeap *heap)
{
  return heap->len > 0 ? &heap->items[0] : NULL;
}

G_END_DECLS
