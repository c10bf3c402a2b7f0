/* aw-trace-model-summary.c: spans summarised for drawing at coarse scales
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Zoomed out, a large run has far more spans than the picture has
 * pixels. The renderer asks for a lane's busy spans, or a block of
 * tasks' spans, merged up to a gap under half a pixel: the same pixel
 * columns, a fraction of the rectangles. Summaries are made when asked
 * for and kept until the fold changes what they summarise.
 */

#include "config.h"

#include "aw-trace-model-private.h"

#define LANE_MIN_SPANS 1024    /* below this, a lane's own spans are drawn */

void
_aw_trace_model_summary_clear (gpointer data)
{
  Summary *summary = data;

  for (guint k = 0; k < LEVELS; k++)
    g_clear_pointer (&summary->levels[k], g_array_unref);
}

void
_aw_trace_model_block_clear (gpointer data)
{
  Block *block = data;

  g_free (block->spans);
  g_free (block->points);
}


static gint
compare_phase_then_start (gconstpointer a,
                          gconstpointer b)
{
  const AwSpan *sa = a, *sb = b;

  if (sa->phase != sb->phase)
    return sa->phase < sb->phase ? -1 : 1;
  return (sa->start_ns > sb->start_ns) - (sa->start_ns < sb->start_ns);
}

static inline gint64
level_gap (guint k)
{
  return k == 0 ? 1 : LEVEL_GAP_NS << (2 * (k - 1));
}

/* Spans sorted by phase and start: those of one phase less than @gap apart
 * (or overlapping) made one, into @out. An empty span that would become the
 * end of one stays apart, since it is drawn at least a column wide. */
static GArray *
merge_close_into (const AwSpan *spans,
                  guint         n,
                  gint64        gap,
                  GArray       *out)
{
  g_array_set_size (out, 0);
  for (guint i = 0; i < n; i++)
    {
      AwSpan *last = out->len > 0 ? &g_array_index (out, AwSpan, out->len - 1) : NULL;

      if (last != NULL && last->phase == spans[i].phase && spans[i].start_ns - last->end_ns < gap &&
          !(spans[i].start_ns == spans[i].end_ns && spans[i].end_ns >= last->end_ns))
        last->end_ns = MAX (last->end_ns, spans[i].end_ns);
      else
        g_array_append_val (out, spans[i]);
    }
  return out;
}

static GArray *
merge_close (const AwSpan *spans,
             guint         n,
             gint64        gap)
{
  return merge_close_into (spans, n, gap, g_array_new (FALSE, FALSE, sizeof (AwSpan)));
}

/* The coarsest level of @summary whose gap is at most @max_gap_ns, made
 * from @spans (sorted by phase and start) as needed. */
static GArray *
summary_get (Summary      *summary,
             const AwSpan *spans,
             guint         n,
             gint64        max_gap_ns)
{
  GArray *level = NULL;

  if (summary->dirty)
    {
      _aw_trace_model_summary_clear (summary);
      summary->dirty = FALSE;
    }
  for (guint k = 0; k < LEVELS && (k == 0 || level_gap (k) <= max_gap_ns); k++)
    {
      if (summary->levels[k] == NULL)
        summary->levels[k] = k == 0 ? merge_close (spans, n, level_gap (0))
                                    : merge_close ((const AwSpan *) (gconstpointer) level->data,
                                                   level->len, level_gap (k));
      level = summary->levels[k];
    }
  return level;
}

/* The level of a summary for drawing with gaps of at most @max_gap_ns. */
static guint
level_for (gint64 max_gap_ns)
{
  guint k = 0;

  while (k + 1 < LEVELS && level_gap (k + 1) <= max_gap_ns)
    k++;
  return k;
}

static void
block_compute (AwTraceModel *self,
               guint         b,
               Block        *block)
{
  const AwTaskInfo *tasks = TASK (self, b * AW_TRACE_MODEL_BLOCK_TASKS);
  const AwSpan *spans = (const AwSpan *) (gconstpointer) self->spans->data;
  GArray *level = self->block_scratch[0];
  GArray *next = self->block_scratch[1];
  GArray *out = self->block_scratch[2];
  GArray *points = self->block_scratch[3];

  g_array_set_size (level, 0);
  g_array_set_size (out, 0);
  g_array_set_size (points, 0);
  block->name = tasks[0].name;
  for (guint i = 0; i < AW_TRACE_MODEL_BLOCK_TASKS; i++)
    {
      const AwTaskInfo *task = &tasks[i];

      if (block->name != task->name && g_strcmp0 (block->name, task->name) != 0)
        block->name = NULL;
      if (task->n_spans > 0)
        g_array_append_vals (level, spans + task->first_span, task->n_spans);
      if ((task->sync || task->n_spans == 0) && task->end_ns >= 0)
        g_array_append_val (points, task->created_ns);
    }
  g_array_sort (level, compare_phase_then_start);

  /* Every level, each made from the one before; a level that merges
   * nothing more shares the previous one's spans. */
  for (guint k = 0; k < LEVELS; k++)
    {
      GArray *swap;

      merge_close_into ((const AwSpan *) (gconstpointer) level->data, level->len, level_gap (k), next);
      if (k > 0 && next->len == level->len)
        {
          block->level_first[k] = block->level_first[k - 1];
          block->level_n[k] = block->level_n[k - 1];
          continue;
        }
      block->level_first[k] = out->len;
      block->level_n[k] = next->len;
      g_array_append_vals (out, next->data, next->len);
      swap = level;
      level = next;
      next = swap;
    }

  g_free (block->spans);
  block->spans = g_memdup2 (out->data, out->len * sizeof (AwSpan));
  g_free (block->points);
  block->n_points = points->len;
  block->points = points->len > 0 ? g_memdup2 (points->data, points->len * sizeof (gint64)) : NULL;
  block->computed = TRUE;
}

/**
 * aw_trace_model_get_block:
 * @self: a model
 * @block: tasks [@block × %AW_TRACE_MODEL_BLOCK_TASKS, and the next ones)
 *   of aw_trace_model_get_tasks()
 * @max_gap_ns: how far apart spans of one phase may be and still be drawn
 *   as one
 * @spans: (out) (transfer none): the tasks' spans per phase, those that
 *   overlap, touch, or are less than some gap of at most @max_gap_ns apart
 *   made one (@task is that of the first); sorted by phase, then start
 * @n_spans: (out): how many
 * @points: (out) (transfer none): when tasks that ended with no span
 *   (synchronous ones, GTasks complete at once) were created
 * @n_points: (out): how many
 * @name: (out) (transfer none) (nullable): the name all the tasks share, or
 *   %NULL when they differ
 *
 * A summary of consecutive tasks for drawing them in one row. Drawn at a
 * scale where @max_gap_ns is under half a pixel, the spans cover the same
 * pixel columns as the tasks' own spans. Valid until the next update.
 *
 * A block is summarised the second time it is asked for with no change
 * to its tasks in between, so that a live run's changing tasks are not
 * summarised in vain every frame.
 *
 * Returns: %FALSE if the block does not hold that many tasks (yet) or has
 *   no summary (yet): then draw its tasks one by one
 */
gboolean
aw_trace_model_get_block (AwTraceModel  *self,
                          guint          block,
                          gint64         max_gap_ns,
                          const AwSpan **spans,
                          guint         *n_spans,
                          const gint64 **points,
                          guint         *n_points,
                          const char   **name)
{
  Block *b;
  guint k;

  if (block >= self->task_blocks->len)
    return FALSE;
  b = &g_array_index (self->task_blocks, Block, block);
  if (!b->computed)
    {
      if (!b->asked)
        {
          b->asked = TRUE;
          return FALSE;
        }
      block_compute (self, block, b);
    }
  k = level_for (max_gap_ns);
  *spans = b->spans != NULL ? b->spans + b->level_first[k] : NULL;
  *n_spans = b->level_n[k];
  *points = b->points;
  *n_points = b->n_points;
  *name = b->name;
  return TRUE;
}

/**
 * aw_trace_model_get_lane_summary:
 * @self: a model
 * @lane: a lane
 * @max_gap_ns: how far apart busy spans may be and still be drawn as one
 * @n_spans: (out): how many spans
 *
 * The lane's busy spans for drawing at a coarse scale: those that overlap,
 * touch, or are less than some gap of at most @max_gap_ns apart are made
 * one. Drawn at a scale where @max_gap_ns is under half a pixel, they cover
 * the same pixel columns as the busy spans themselves.
 *
 * Returns: (transfer none) (array length=n_spans) (nullable): the spans,
 *   sorted by start: disjoint, unless they are the busy spans themselves
 *   (when there are few); valid until the next update
 */
const AwSpan *
aw_trace_model_get_lane_summary (AwTraceModel *self,
                                 guint         lane,
                                 gint64        max_gap_ns,
                                 guint        *n_spans)
{
  GArray *raw, *level;

  if (lane >= self->lane_busy->len)
    {
      *n_spans = 0;
      return NULL;
    }
  raw = g_ptr_array_index (self->lane_busy, lane);
  if (raw->len < LANE_MIN_SPANS)
    {
      *n_spans = raw->len;
      return (const AwSpan *) (gconstpointer) raw->data;
    }

  if (self->lane_summaries->len <= lane)
    g_array_set_size (self->lane_summaries, lane + 1);
  /* Busy spans are all running: sorted by start, they are sorted by phase. */
  level = summary_get (&g_array_index (self->lane_summaries, Summary, lane),
                       (const AwSpan *) (gconstpointer) raw->data, raw->len, max_gap_ns);
  *n_spans = level->len;
  return (const AwSpan *) (gconstpointer) level->data;
}

