/* aw-trace-model.h: views derived from a trace (tasks, spans, lanes, metrics)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aw-trace.h"

G_BEGIN_DECLS

typedef enum {
  AW_OUTCOME_PENDING = 0,   /* no terminal event yet */
  AW_OUTCOME_COMPLETED,
  AW_OUTCOME_FAULTED,
  AW_OUTCOME_CANCELLED,
  AW_OUTCOME_DEADLOCKED,    /* would never finish in C#; the watchdog ended it */
} AwOutcome;

typedef enum {
  AW_PHASE_WAITING = 0,     /* awaiting: holds no thread */
  AW_PHASE_QUEUED,          /* ready, waiting for a worker thread */
  AW_PHASE_RUNNING,         /* code runs on a thread (the span's lane) */
} AwPhase;

/**
 * AwSpan:
 * @start_ns: start, nanoseconds since the trace started
 * @end_ns: end, or the model's end for a span still open
 * @task: the task id
 * @phase: an #AwPhase
 * @lane: the lane, for running spans
 */
typedef struct {
  gint64  start_ns;
  gint64  end_ns;
  guint32 task;
  guint16 phase;
  guint16 lane;
} AwSpan;

static inline gint64
aw_span_duration (const AwSpan *span)
{
  return span->end_ns - span->start_ns;
}

typedef struct {
  guint32     id;
  guint32     parent;
  guint       depth;
  const char *name;
  gint64      created_ns;
  gint64      end_ns;            /* -1 while pending */
  AwOutcome   outcome;
  gboolean    sync;              /* completed synchronously, no GTask */
  gboolean    gtask;             /* backed by a GTask */
  const char *error;             /* the message of a fault, or why it deadlocked */
  gboolean    error_observed;
  gboolean    error_unobserved;
  gboolean    error_swallowed;   /* an awaited WhenAll observed it, and rethrew another */
  gint64      cancel_request_ns; /* first cancel of this task or an ancestor's scope, or -1 */
  gint64      cancel_seen_ns;    /* when a worker observed the token, or -1 */
  guint       first_span;        /* index into aw_trace_model_get_spans() */
  guint       n_spans;
  guint       lane;              /* the lane its running spans were on (last) */
} AwTaskInfo;

typedef struct {
  gint64  time_ns;
  guint16 kind;                  /* an #AwEventKind: cancel, watchdog, unobserved error, mark */
  guint32 task;
  const char *text;
  guint16 lane;                  /* the thread it happened on (0 is the UI thread) */
} AwMarker;

typedef struct {
  double   wall_ms;              /* run begin to run end */
  guint    tasks;
  guint    completed;
  guint    failed;
  guint    cancelled;
  guint    deadlocked;
  guint    pending;
  guint    sync_completed;
  guint    threads_used;         /* distinct threads that ran task code or recorded task events */
  guint    gtasks_created;
  guint    errors_observed;
  guint    errors_unobserved;
  guint    errors_swallowed;     /* observed by an awaited WhenAll, not rethrown */
  double   max_main_loop_gap_ms; /* longest stretch without a heartbeat; 0 without heartbeats */
  guint    frames;
  guint    frames_missed;        /* 60 Hz frames that should have been drawn in the gaps */
  double   ui_blocked_ms;        /* total main-thread blocking recorded */
  double   cancel_latency_ms;    /* longest request-to-stop among cancelled tasks, -1 if none */
  double   wasted_ms;            /* work that ran on after its token was cancelled */
  gboolean cancel_requested;
  gboolean watchdog_fired;
  gboolean crashed;              /* an exception escaped an async void method */
  const char *outcome;           /* text of RUN_END: "completed", "faulted: ...", "cancelled: ...", "deadlocked: ...", "crashed: ..." */
} AwMetrics;

/* Tasks per block: see aw_trace_model_get_block(). */
#define AW_TRACE_MODEL_BLOCK_TASKS 16

/**
 * AwTraceModel:
 *
 * Views of one trace, derived from its events alone: tasks, spans, lanes,
 * heartbeats, frozen bands, markers and metrics. Reference counted; it
 * holds a reference to its trace.
 *
 * Ownership and lifetimes: everything a getter returns is owned by the
 * model. The arrays (tasks, spans, lane busy spans, summaries, blocks,
 * frames, frozen bands, markers) live in storage that
 * aw_trace_model_update() appends to, moves or rebuilds, and that
 * aw_trace_model_set_cutoff() (which updates) rebuilds: a pointer into
 * them, and an #AwTaskInfo or #AwSpan pointer taken from them, is valid
 * only until the next update of the same model. Indices stay meaningful
 * across updates that only append (a live run); keep indices or task ids,
 * not pointers, from one frame to the next. The #AwMetrics pointer stays
 * valid for the model's life, its figures change with each update. The
 * strings inside (task names, errors, marker texts, the outcome) belong to
 * the trace's string table and stay valid as long as the model. Use a
 * model on one thread: the one that updates it.
 */
typedef struct _AwTraceModel AwTraceModel;

AwTraceModel     *aw_trace_model_new          (AwTrace       *trace);
AwTraceModel     *aw_trace_model_ref          (AwTraceModel  *self);
void              aw_trace_model_unref        (AwTraceModel  *self);
AwTrace          *aw_trace_model_get_trace    (AwTraceModel  *self);
void              aw_trace_model_update       (AwTraceModel  *self);
void              aw_trace_model_set_cutoff   (AwTraceModel  *self,
                                               gint64         cutoff_ns);
gint64            aw_trace_model_get_cutoff   (AwTraceModel  *self);

const AwTaskInfo *aw_trace_model_get_tasks    (AwTraceModel  *self,
                                               guint         *n_tasks);
const AwTaskInfo *aw_trace_model_find_task    (AwTraceModel  *self,
                                               guint32        id);
const AwSpan     *aw_trace_model_get_spans    (AwTraceModel  *self,
                                               guint         *n_spans);
guint             aw_trace_model_get_n_lanes  (AwTraceModel  *self);
const AwSpan     *aw_trace_model_get_lane_busy (AwTraceModel *self,
                                               guint          lane,
                                               guint         *n_spans);
const AwSpan     *aw_trace_model_get_lane_summary (AwTraceModel *self,
                                                   guint         lane,
                                                   gint64        max_gap_ns,
                                                   guint        *n_spans);
gboolean          aw_trace_model_get_block    (AwTraceModel  *self,
                                               guint          block,
                                               gint64         max_gap_ns,
                                               const AwSpan **spans,
                                               guint         *n_spans,
                                               const gint64 **points,
                                               guint         *n_points,
                                               const char   **name);
const gint64     *aw_trace_model_get_frames   (AwTraceModel  *self,
                                               guint         *n_frames);
const AwSpan     *aw_trace_model_get_blocks   (AwTraceModel  *self,
                                               guint         *n_blocks);
const char       *aw_marker_get_label         (const AwMarker *marker);
const AwMarker   *aw_trace_model_get_markers  (AwTraceModel  *self,
                                               guint         *n_markers);
gint64            aw_trace_model_get_begin_ns (AwTraceModel  *self);
gint64            aw_trace_model_get_end_ns   (AwTraceModel  *self);
gboolean          aw_trace_model_is_finished  (AwTraceModel  *self);
gboolean          aw_trace_model_get_stopped_by_user (AwTraceModel *self,
                                                      double       *at_ms);
const AwMetrics  *aw_trace_model_get_metrics  (AwTraceModel  *self);

const char       *aw_outcome_to_string        (AwOutcome      outcome);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AwTraceModel, aw_trace_model_unref)

G_END_DECLS
