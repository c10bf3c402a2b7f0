/* aw-trace-model-private.h: what the trace model's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * AwTraceModel is one left fold over a trace split by concern: the object,
 * its updates and its getters (aw-trace-model.c), folding events into
 * tasks, spans and lanes (aw-trace-model-fold.c), the run's figures
 * (aw-trace-model-metrics.c) and the summaries drawn at coarse scales
 * (aw-trace-model-summary.c). They share the model's state, here; what the
 * fold calls per event stays inside its own file, so the split costs no
 * calls on the hot path.
 */

#pragma once

#include "aw-trace-model.h"

G_BEGIN_DECLS

#define NONE G_MAXUINT

/* Spans summarised for drawing at coarse scales, level by level: at level
 * 0, spans of one phase that overlap or touch are one; at level k, also
 * those less than level_gap (k) apart. Drawn at a scale where that gap is
 * under half a pixel, a level covers the same pixel columns as the spans
 * themselves. Levels are made when asked for, and again once the spans
 * changed. */
#define LEVELS        12      /* up to gaps of about a second */
#define LEVEL_GAP_NS  G_GINT64_CONSTANT (1000)

typedef struct {
  gboolean  dirty;
  GArray   *levels[LEVELS];
} Summary;

/* A block of AW_TRACE_MODEL_BLOCK_TASKS consecutive tasks, summarised for
 * drawing them in one row: their spans at every level in one allocation,
 * the tasks shown as points, their name if they share it. A block is
 * summarised once its tasks stay the same from one drawing to the next: in
 * a live run most change every frame, and are drawn one by one. */
typedef struct {
  gboolean     computed;
  gboolean     asked;         /* asked for since its tasks last changed */
  AwSpan      *spans;         /* every level, one after the other */
  guint        level_first[LEVELS];
  guint        level_n[LEVELS];
  gint64      *points;
  guint        n_points;
  const char  *name;          /* the name every task of the block has, or NULL */
} Block;

/* What the incremental update keeps per task, beside its AwTaskInfo. */
typedef struct {
  guint open_span;     /* index of its open span in spans, or NONE */
  guint open_slot;     /* its place in open, or NONE */
  guint pending_slot;  /* its place in pending, or NONE */
  guint lane_pos;      /* index of its open running span's copy in lane_busy, or NONE */
} TaskState;

struct _AwTraceModel {
  gatomicrefcount ref_count;
  AwTrace    *trace;
  guint       n_log_seen;   /* the log's length at the last update, NONE: update */
  guint       n_processed;  /* events folded into the views, NONE: start again */
  guint64     merge_serial; /* the trace's merge serial at the last update */

  GArray     *tasks;       /* AwTaskInfo, in creation order */
  GArray     *states;      /* TaskState, one per task */
  GHashTable *task_index;  /* id -> index + 1 */
  GArray     *spans;       /* AwSpan, grouped by task */
  GArray     *span_owner;  /* guint: the task index of each span */
  gboolean    regroup;     /* spans were appended out of task order */
  GArray     *open;        /* guint: tasks with an open span */
  GArray     *pending;     /* guint: tasks with no end yet */
  GPtrArray  *lane_busy;   /* GArray of AwSpan per lane */
  GArray     *lane_summaries; /* Summary per lane, made when asked for */
  gboolean    lanes_resort; /* a running span arrived out of (start, task) order */
  GArray     *frames;      /* gint64 */
  GArray     *raw_blocks;  /* AwSpan, end -1 while open */
  GArray     *blocks;      /* AwSpan, as shown: open ones end at the end */
  GArray     *markers;     /* AwMarker */
  GArray     *task_blocks; /* Block */
  GArray     *block_scratch[4];
  GHashTable *lanes_used;
  gint64      begin_ns;
  gint64      end_ns;
  gint64      run_end_ns;
  gint64      cutoff_ns;   /* replay: only events up to this time since the first, or -1 */
  AwMetrics   metrics;
};

#define TASK(self, i)  (&g_array_index ((self)->tasks, AwTaskInfo, (i)))
#define STATE(self, i) (&g_array_index ((self)->states, TaskState, (i)))

static inline guint
_aw_trace_model_find_index (AwTraceModel *self,
                            guint32       id)
{
  guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (self->task_index, GUINT_TO_POINTER (id)));

  return idx == 0 ? NONE : idx - 1;
}

static inline AwTaskInfo *
_aw_trace_model_find_task (AwTraceModel *self,
                           guint32       id)
{
  guint idx = _aw_trace_model_find_index (self, id);

  if (idx == NONE)
    return NULL;
  return &g_array_index (self->tasks, AwTaskInfo, idx);
}

/* aw-trace-model-fold.c */
void _aw_trace_model_fold            (AwTraceModel  *self,
                                      const AwEvent *events,
                                      guint          from,
                                      guint          to);
void _aw_trace_model_finish          (AwTraceModel  *self,
                                      const AwEvent *events,
                                      guint          n_events);

/* aw-trace-model-metrics.c */
void _aw_trace_model_compute_metrics (AwTraceModel  *self);

/* aw-trace-model-summary.c */
void _aw_trace_model_summary_clear   (gpointer       data);
void _aw_trace_model_block_clear     (gpointer       data);

G_END_DECLS
