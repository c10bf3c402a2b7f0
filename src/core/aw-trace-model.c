/* aw-trace-model.c: views derived from a trace (tasks, spans, lanes, metrics)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is computed from the recorded events and nothing else, so
 * a live run, a finished run and a trace loaded from a file look the same.
 *
 * The views are a left fold over the time-sorted log, so an update folds in
 * only the events it has not seen (a live run merges once per frame). What
 * depends on the present end (spans still open, the metrics) is finished
 * after each fold. Spans are kept grouped by task and lane busy lists sorted
 * as they arrive; when an event breaks that order it is restored once, and
 * when a merge put late events before ones already folded in, everything is
 * derived again from the start. Either way the result is the same as
 * deriving everything from scratch.
 *
 * This file holds the object, its updates and its getters; the fold, the
 * figures and the summaries for coarse scales have files of their own
 * (aw-trace-model-private.h says which).
 */

#include "config.h"

#include "aw-i18n.h"

#include "aw-trace-model.h"
#include "aw-trace-model-private.h"
#include "aw-trace-private.h"

static void
reset (AwTraceModel *self)
{
  g_array_set_size (self->tasks, 0);
  g_array_set_size (self->states, 0);
  g_hash_table_remove_all (self->task_index);
  g_array_set_size (self->spans, 0);
  g_array_set_size (self->span_owner, 0);
  g_array_set_size (self->open, 0);
  g_array_set_size (self->pending, 0);
  g_ptr_array_set_size (self->lane_busy, 0);
  g_array_set_size (self->lane_summaries, 0);
  g_array_set_size (self->frames, 0);
  g_array_set_size (self->raw_blocks, 0);
  g_array_set_size (self->blocks, 0);
  g_array_set_size (self->markers, 0);
  g_array_set_size (self->task_blocks, 0);
  g_hash_table_remove_all (self->lanes_used);
  self->regroup = FALSE;
  self->lanes_resort = FALSE;
  self->begin_ns = 0;
  self->end_ns = 0;
  self->run_end_ns = -1;
  self->metrics.outcome = NULL;
}

/**
 * aw_trace_model_new:
 * @trace: a trace, finished or still recording
 *
 * Derives the views of @trace as it stands (it merges what the trace's
 * threads have published); call aw_trace_model_update() to fold in what
 * comes later.
 *
 * Returns: (transfer full): a new model, holding a reference to @trace
 */
AwTraceModel *
aw_trace_model_new (AwTrace *trace)
{
  AwTraceModel *self = g_new0 (AwTraceModel, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->trace = aw_trace_ref (trace);
  self->tasks = g_array_new (FALSE, TRUE, sizeof (AwTaskInfo));
  self->states = g_array_new (FALSE, FALSE, sizeof (TaskState));
  self->task_index = g_hash_table_new (NULL, NULL);
  self->spans = g_array_new (FALSE, FALSE, sizeof (AwSpan));
  self->span_owner = g_array_new (FALSE, FALSE, sizeof (guint));
  self->open = g_array_new (FALSE, FALSE, sizeof (guint));
  self->pending = g_array_new (FALSE, FALSE, sizeof (guint));
  self->lane_busy = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->lane_summaries = g_array_new (FALSE, TRUE, sizeof (Summary));
  g_array_set_clear_func (self->lane_summaries, _aw_trace_model_summary_clear);
  self->frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->raw_blocks = g_array_new (FALSE, FALSE, sizeof (AwSpan));
  self->blocks = g_array_new (FALSE, FALSE, sizeof (AwSpan));
  self->markers = g_array_new (FALSE, FALSE, sizeof (AwMarker));
  self->task_blocks = g_array_new (FALSE, TRUE, sizeof (Block));
  g_array_set_clear_func (self->task_blocks, _aw_trace_model_block_clear);
  for (guint i = 0; i < G_N_ELEMENTS (self->block_scratch); i++)
    self->block_scratch[i] = g_array_new (FALSE, FALSE, i == 3 ? sizeof (gint64) : sizeof (AwSpan));
  self->lanes_used = g_hash_table_new (NULL, NULL);
  self->n_log_seen = NONE;
  self->n_processed = NONE;
  self->run_end_ns = -1;
  self->cutoff_ns = -1;
  aw_trace_model_update (self);

  return self;
}

/**
 * aw_trace_model_set_cutoff:
 * @self: a model
 * @cutoff_ns: nanoseconds since the trace's first event, or -1 for all
 *
 * Replay: derive everything as it stood at @cutoff_ns. Spans still open
 * then are drawn up to it; later events are ignored. Moving the cutoff
 * forward only folds in the events in between.
 */
void
aw_trace_model_set_cutoff (AwTraceModel *self,
                           gint64        cutoff_ns)
{
  gboolean forward;

  if (cutoff_ns < 0)
    cutoff_ns = -1;
  if (self->cutoff_ns == cutoff_ns)
    return;
  forward = self->cutoff_ns >= 0 && (cutoff_ns < 0 || cutoff_ns > self->cutoff_ns);
  self->cutoff_ns = cutoff_ns;
  if (!forward)
    self->n_processed = NONE;
  self->n_log_seen = NONE;
  aw_trace_model_update (self);
}

/**
 * aw_trace_model_get_cutoff:
 * @self: a model
 *
 * Returns: the replay cutoff, or -1 when every event is shown
 */
gint64
aw_trace_model_get_cutoff (AwTraceModel *self)
{
  return self->cutoff_ns;
}

/**
 * aw_trace_model_ref:
 * @self: a model
 *
 * Returns: (transfer full): @self
 */
AwTraceModel *
aw_trace_model_ref (AwTraceModel *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * aw_trace_model_unref:
 * @self: a model
 *
 * Drops a reference; the last one frees every view and the model's
 * reference to its trace.
 */
void
aw_trace_model_unref (AwTraceModel *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  aw_trace_unref (self->trace);
  g_array_unref (self->tasks);
  g_array_unref (self->states);
  g_hash_table_unref (self->task_index);
  g_array_unref (self->spans);
  g_array_unref (self->span_owner);
  g_array_unref (self->open);
  g_array_unref (self->pending);
  g_ptr_array_unref (self->lane_busy);
  g_array_unref (self->lane_summaries);
  g_array_unref (self->frames);
  g_array_unref (self->raw_blocks);
  g_array_unref (self->blocks);
  g_array_unref (self->markers);
  g_array_unref (self->task_blocks);
  for (guint i = 0; i < G_N_ELEMENTS (self->block_scratch); i++)
    g_array_unref (self->block_scratch[i]);
  g_hash_table_unref (self->lanes_used);
  g_free (self);
}

/**
 * aw_trace_model_get_trace:
 * @self: a model
 *
 * Returns: (transfer none): the trace, valid as long as the model
 */
AwTrace *
aw_trace_model_get_trace (AwTraceModel *self)
{
  return self->trace;
}

/**
 * aw_trace_model_update:
 * @self: a model
 *
 * Merges what the trace's threads have published and folds the new events
 * into the views. Only events the model has not seen are processed, unless
 * a merge put late events before ones it had seen: then everything is
 * derived again. Call it on the thread that merges.
 */
void
aw_trace_model_update (AwTraceModel *self)
{
  const AwEvent *events;
  guint n_events, kept;
  guint64 serial;

  aw_trace_merge (self->trace);
  events = aw_trace_get_events (self->trace, &n_events);
  if (n_events == self->n_log_seen)
    return;
  self->n_log_seen = n_events;

  serial = _aw_trace_get_merge_serial (self->trace);
  if (self->n_processed != NONE && serial != self->merge_serial &&
      _aw_trace_first_change_since (self->trace, self->merge_serial) < self->n_processed)
    self->n_processed = NONE;
  self->merge_serial = serial;

  if (self->n_processed == NONE)
    {
      reset (self);
      self->n_processed = 0;
    }
  if (self->n_processed == 0 && n_events > 0)
    self->begin_ns = events[0].time_ns;

  kept = n_events;
  if (self->cutoff_ns >= 0 && n_events > 0)
    {
      gint64 limit = events[0].time_ns + self->cutoff_ns;

      kept = self->n_processed;
      while (kept < n_events && events[kept].time_ns <= limit)
        kept++;
    }

  _aw_trace_model_fold (self, events, self->n_processed, kept);
  self->n_processed = kept;
  _aw_trace_model_finish (self, events, n_events);
}

/**
 * aw_trace_model_get_tasks:
 * @self: a model
 * @n_tasks: (out): how many tasks
 *
 * Returns: (transfer none) (array length=n_tasks): every task in creation
 *   order; valid until the next update (see #AwTraceModel)
 */
const AwTaskInfo *
aw_trace_model_get_tasks (AwTraceModel *self,
                          guint        *n_tasks)
{
  *n_tasks = self->tasks->len;
  return (const AwTaskInfo *) (gconstpointer) self->tasks->data;
}

/**
 * aw_trace_model_find_task:
 * @self: a model
 * @id: a task id
 *
 * Returns: (transfer none) (nullable): the task, or %NULL; valid until the
 *   next update
 */
const AwTaskInfo *
aw_trace_model_find_task (AwTraceModel *self,
                          guint32       id)
{
  return _aw_trace_model_find_task (self, id);
}

/**
 * aw_trace_model_get_spans:
 * @self: a model
 * @n_spans: (out): how many spans
 *
 * Every task's waiting, queued and running spans, grouped by task (a
 * task's are [first_span, first_span + n_spans)) and sorted by start
 * within a task.
 *
 * Returns: (transfer none) (array length=n_spans): the spans, never %NULL;
 *   valid until the next update
 */
const AwSpan *
aw_trace_model_get_spans (AwTraceModel *self,
                          guint        *n_spans)
{
  static const AwSpan none[1];

  /* Never NULL: callers add a task's first_span to it even when no task
   * has a span (NULL + 0 is undefined behaviour). */
  *n_spans = self->spans->len;
  return self->spans->len > 0 ? (const AwSpan *) (gconstpointer) self->spans->data : none;
}

/**
 * aw_trace_model_get_n_lanes:
 * @self: a model
 *
 * Returns: how many thread lanes the run used; lane 0 is the main thread
 */
guint
aw_trace_model_get_n_lanes (AwTraceModel *self)
{
  return self->lane_busy->len;
}

/**
 * aw_trace_model_get_lane_busy:
 * @self: a model
 * @lane: a lane
 * @n_spans: (out): how many spans
 *
 * Returns: (transfer none) (array length=n_spans) (nullable): the running
 *   spans on @lane, sorted by start; valid until the next update
 */
const AwSpan *
aw_trace_model_get_lane_busy (AwTraceModel *self,
                              guint         lane,
                              guint        *n_spans)
{
  GArray *arr;

  if (lane >= self->lane_busy->len)
    {
      *n_spans = 0;
      return NULL;
    }
  arr = g_ptr_array_index (self->lane_busy, lane);
  *n_spans = arr->len;
  return (const AwSpan *) (gconstpointer) arr->data;
}

/**
 * aw_trace_model_get_frames:
 * @self: a model
 * @n_frames: (out): how many heartbeats
 *
 * Returns: (transfer none) (array length=n_frames): the main loop's
 *   heartbeats, in trace time, sorted; valid until the next update
 */
const gint64 *
aw_trace_model_get_frames (AwTraceModel *self,
                           guint        *n_frames)
{
  *n_frames = self->frames->len;
  return (const gint64 *) (gconstpointer) self->frames->data;
}

/**
 * aw_trace_model_get_blocks:
 * @self: a model
 * @n_blocks: (out): how many
 *
 * Returns: (transfer none) (array length=n_blocks): the stretches in which
 *   the main thread was blocked (frozen bands), sorted; valid until the
 *   next update
 */
const AwSpan *
aw_trace_model_get_blocks (AwTraceModel *self,
                           guint        *n_blocks)
{
  *n_blocks = self->blocks->len;
  return (const AwSpan *) (gconstpointer) self->blocks->data;
}

/**
 * aw_marker_get_label:
 * @marker: a marker of a model
 *
 * The kinds' names are in English, as exported traces keep them; they are
 * marked for translation, so that what draws a timeline can show them with
 * _(): a mark's own text is the scenario's and has no translation.
 *
 * Returns: (transfer none): what the marker is called on a timeline and in
 *   exported traces: a kind's name, or a mark's own text
 */
const char *
aw_marker_get_label (const AwMarker *marker)
{
  switch (marker->kind)
    {
    /* Translators: a marker on the timeline: Cancel was asked for here. */
    case AW_EVENT_CANCEL_REQUEST: return N_("cancel");
    /* Translators: a marker on the timeline: the watchdog broke a blocking wait here. */
    case AW_EVENT_WATCHDOG: return N_("watchdog");
    case AW_EVENT_CRASH: return N_("process crash");
    case AW_EVENT_ERROR_UNOBSERVED: return N_("unobserved error");
    /* Translators: await stays as it is. */
    case AW_EVENT_ERROR_SWALLOWED: return N_("error swallowed by await");
    case AW_EVENT_MARK:
      if (g_strcmp0 (marker->text, AW_MARK_STRANDED) == 0)
        /* Translators: GLib and C# stay as they are. */
        return N_("queued continuation ran (in GLib; never in C#)");
      return marker->text;
    default: return marker->text;
    }
}

/**
 * aw_trace_model_get_markers:
 * @self: a model
 * @n_markers: (out): how many
 *
 * Returns: (transfer none) (array length=n_markers): cancels, watchdogs,
 *   unobserved errors and marks, in time order; valid until the next
 *   update (their texts as long as the model)
 */
const AwMarker *
aw_trace_model_get_markers (AwTraceModel *self,
                            guint        *n_markers)
{
  *n_markers = self->markers->len;
  return (const AwMarker *) (gconstpointer) self->markers->data;
}

/**
 * aw_trace_model_get_begin_ns:
 * @self: a model
 *
 * Returns: the time of the trace's first event: times the views show are
 *   relative to it
 */
gint64
aw_trace_model_get_begin_ns (AwTraceModel *self)
{
  return self->begin_ns;
}

/**
 * aw_trace_model_get_end_ns:
 * @self: a model
 *
 * Returns: the end of what the model shows, in the trace's time like
 *   aw_trace_model_get_begin_ns(): its last event, or the replay cutoff
 *   (spans still open end here)
 */
gint64
aw_trace_model_get_end_ns (AwTraceModel *self)
{
  return self->end_ns;
}

/**
 * aw_trace_model_is_finished:
 * @self: a model
 *
 * Returns: whether the model has seen the run's end
 */
gboolean
aw_trace_model_is_finished (AwTraceModel *self)
{
  return self->run_end_ns >= 0;
}

/**
 * aw_trace_model_get_stopped_by_user:
 * @self: a model
 * @at_ms: (out) (optional): when the user cancelled it, in milliseconds
 *   from the run's start as the views show them, or -1 if unknown
 *
 * Whether the user cancelled this run before its end (the window's Cancel,
 * see aw_runner_stop()): what it did after that is not what the program
 * would have done, only what it did when cut short.
 *
 * Returns: %TRUE if the user cancelled the run
 */
gboolean
aw_trace_model_get_stopped_by_user (AwTraceModel *self,
                                    double       *at_ms)
{
  const char *stopped = aw_trace_get_metadata (self->trace, AW_META_STOPPED_BY_USER);

  if (at_ms != NULL)
    *at_ms = -1;
  if (g_strcmp0 (stopped, "true") != 0)
    return FALSE;

  /* The run's token is cancelled once: its cancel request is the user's. */
  if (at_ms != NULL)
    for (guint i = 0; i < self->markers->len; i++)
      {
        const AwMarker *m = &g_array_index (self->markers, AwMarker, i);

        if (m->kind == AW_EVENT_CANCEL_REQUEST)
          {
            *at_ms = (m->time_ns - self->begin_ns) / 1e6;
            break;
          }
      }
  return TRUE;
}

/**
 * aw_trace_model_get_metrics:
 * @self: a model
 *
 * Returns: (transfer none): the run's figures. The pointer is valid for the
 *   model's life; the figures change with every update.
 */
const AwMetrics *
aw_trace_model_get_metrics (AwTraceModel *self)
{
  return &self->metrics;
}

/**
 * aw_outcome_to_string:
 * @outcome: an outcome
 *
 * The word the task table, the tooltips and saved traces show. Not the
 * enum's nick: a pending task reads "running".
 *
 * Returns: (transfer none): "completed", "faulted", "cancelled", "deadlocked"
 *   or "running"
 */
const char *
aw_outcome_to_string (AwOutcome outcome)
{
  switch (outcome)
    {
    case AW_OUTCOME_COMPLETED: return "completed";
    case AW_OUTCOME_FAULTED: return "faulted";
    case AW_OUTCOME_CANCELLED: return "cancelled";
    case AW_OUTCOME_DEADLOCKED: return "deadlocked";
    case AW_OUTCOME_PENDING:
    default: return "running";
    }
}
