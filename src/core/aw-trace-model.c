/* aw-trace-model.c: views derived from a trace (tasks, spans, lanes, metrics)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is computed from the recorded events and nothing else, so
 * a live run, a finished run and a trace loaded from a file look the same.
 */

#include "config.h"

#include "aw-trace-model.h"

#include <string.h>

struct _AwTraceModel {
  gatomicrefcount ref_count;
  AwTrace    *trace;
  guint       n_events_seen;

  GArray     *tasks;       /* AwTaskInfo, in creation order */
  GHashTable *task_index;  /* id -> index + 1 */
  GArray     *spans;       /* AwSpan, grouped by task */
  GPtrArray  *lane_busy;   /* GArray of AwSpan per lane */
  GArray     *frames;      /* gint64 */
  GArray     *blocks;      /* AwSpan */
  GArray     *markers;     /* AwMarker */
  gint64      begin_ns;
  gint64      end_ns;
  gint64      run_end_ns;
  gint64      cutoff_ns;   /* replay: only events up to this time since the first, or -1 */
  AwMetrics   metrics;
};

AwTraceModel *
aw_trace_model_new (AwTrace *trace)
{
  AwTraceModel *self = g_new0 (AwTraceModel, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->trace = aw_trace_ref (trace);
  self->tasks = g_array_new (FALSE, TRUE, sizeof (AwTaskInfo));
  self->task_index = g_hash_table_new (NULL, NULL);
  self->spans = g_array_new (FALSE, FALSE, sizeof (AwSpan));
  self->lane_busy = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->blocks = g_array_new (FALSE, FALSE, sizeof (AwSpan));
  self->markers = g_array_new (FALSE, FALSE, sizeof (AwMarker));
  self->n_events_seen = G_MAXUINT;
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
 * then are drawn up to it; later events are ignored.
 */
void
aw_trace_model_set_cutoff (AwTraceModel *self,
                           gint64        cutoff_ns)
{
  if (cutoff_ns < 0)
    cutoff_ns = -1;
  if (self->cutoff_ns == cutoff_ns)
    return;
  self->cutoff_ns = cutoff_ns;
  self->n_events_seen = G_MAXUINT;
  aw_trace_model_update (self);
}

gint64
aw_trace_model_get_cutoff (AwTraceModel *self)
{
  return self->cutoff_ns;
}

AwTraceModel *
aw_trace_model_ref (AwTraceModel *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
aw_trace_model_unref (AwTraceModel *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  aw_trace_unref (self->trace);
  g_array_unref (self->tasks);
  g_hash_table_unref (self->task_index);
  g_array_unref (self->spans);
  g_ptr_array_unref (self->lane_busy);
  g_array_unref (self->frames);
  g_array_unref (self->blocks);
  g_array_unref (self->markers);
  g_free (self);
}

AwTrace *
aw_trace_model_get_trace (AwTraceModel *self)
{
  return self->trace;
}

static AwTaskInfo *
find_task (AwTraceModel *self,
           guint32       id)
{
  guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (self->task_index, GUINT_TO_POINTER (id)));

  if (idx == 0)
    return NULL;
  return &g_array_index (self->tasks, AwTaskInfo, idx - 1);
}

static AwTaskInfo *
add_task (AwTraceModel  *self,
          const AwEvent *ev)
{
  AwTaskInfo info = {
    .id = ev->task,
    .parent = ev->parent,
    .name = aw_trace_get_string (self->trace, ev->str),
    .created_ns = ev->time_ns,
    .end_ns = -1,
    .cancel_request_ns = -1,
    .cancel_seen_ns = -1,
    .lane = ev->lane,
  };
  AwTaskInfo *parent = ev->parent ? find_task (self, ev->parent) : NULL;

  if (parent != NULL)
    {
      info.depth = parent->depth + 1;
      info.cancel_request_ns = parent->end_ns < 0 ? parent->cancel_request_ns : -1;
    }
  if (info.name == NULL)
    info.name = "task";

  g_array_append_val (self->tasks, info);
  g_hash_table_insert (self->task_index, GUINT_TO_POINTER (ev->task),
                       GUINT_TO_POINTER (self->tasks->len));

  return &g_array_index (self->tasks, AwTaskInfo, self->tasks->len - 1);
}

static gboolean
is_descendant (AwTraceModel *self,
               AwTaskInfo   *task,
               guint32       ancestor)
{
  for (guint hops = 0; task != NULL && hops < 1024; hops++)
    {
      if (task->id == ancestor)
        return TRUE;
      if (task->parent == 0)
        return FALSE;
      task = find_task (self, task->parent);
    }
  return FALSE;
}

static gint
compare_span_task_then_start (gconstpointer a,
                              gconstpointer b,
                              gpointer      user_data)
{
  AwTraceModel *self = user_data;
  const AwSpan *sa = a, *sb = b;
  guint ia = GPOINTER_TO_UINT (g_hash_table_lookup (self->task_index, GUINT_TO_POINTER (sa->task)));
  guint ib = GPOINTER_TO_UINT (g_hash_table_lookup (self->task_index, GUINT_TO_POINTER (sb->task)));

  if (ia != ib)
    return ia < ib ? -1 : 1;
  return (sa->start_ns > sb->start_ns) - (sa->start_ns < sb->start_ns);
}

static gint
compare_span_start (gconstpointer a,
                    gconstpointer b)
{
  const AwSpan *sa = a, *sb = b;

  return (sa->start_ns > sb->start_ns) - (sa->start_ns < sb->start_ns);
}

static void
close_span (AwTraceModel *self,
            GHashTable   *open,
            guint32       task,
            gint64        at)
{
  gpointer idx;

  if (g_hash_table_lookup_extended (open, GUINT_TO_POINTER (task), NULL, &idx))
    {
      AwSpan *span = &g_array_index (self->spans, AwSpan, GPOINTER_TO_UINT (idx));

      span->end_ns = MAX (at, span->start_ns);
      g_hash_table_remove (open, GUINT_TO_POINTER (task));
    }
}

static void
compute_metrics (AwTraceModel *self,
                 GHashTable   *lanes_used)
{
  AwMetrics *m = &self->metrics;
  const AwTaskInfo *tasks = (const AwTaskInfo *) (gconstpointer) self->tasks->data;
  gint64 run_end = self->run_end_ns >= 0 ? self->run_end_ns : self->end_ns;
  const char *outcome = m->outcome;
  double nominal_ms = 1000.0 / 60.0;

  memset (m, 0, sizeof *m);
  m->outcome = outcome;
  m->wall_ms = (run_end - self->begin_ns) / 1e6;
  m->tasks = self->tasks->len;
  m->cancel_latency_ms = -1;
  m->threads_used = g_hash_table_size (lanes_used);

  for (guint i = 0; i < self->tasks->len; i++)
    {
      const AwTaskInfo *t = &tasks[i];

      switch (t->outcome)
        {
        case AW_OUTCOME_COMPLETED: m->completed++; break;
        case AW_OUTCOME_FAULTED: m->failed++; break;
        case AW_OUTCOME_CANCELLED: m->cancelled++; break;
        case AW_OUTCOME_PENDING: default: m->pending++; break;
        }
      if (t->sync)
        m->sync_completed++;
      if (t->gtask)
        m->gtasks_created++;
      if (t->error_observed)
        m->errors_observed++;
      if (t->error_unobserved)
        m->errors_unobserved++;

      if (t->cancel_request_ns >= 0)
        {
          const AwSpan *spans = &g_array_index (self->spans, AwSpan, t->first_span);

          if (t->outcome == AW_OUTCOME_CANCELLED && t->end_ns >= t->cancel_request_ns)
            m->cancel_latency_ms = MAX (m->cancel_latency_ms,
                                        (t->end_ns - t->cancel_request_ns) / 1e6);

          for (guint s = 0; s < t->n_spans; s++)
            if (spans[s].phase == AW_PHASE_RUNNING && spans[s].end_ns > t->cancel_request_ns)
              m->wasted_ms += (spans[s].end_ns - MAX (spans[s].start_ns, t->cancel_request_ns)) / 1e6;
        }
    }

  for (guint i = 0; i < self->blocks->len; i++)
    m->ui_blocked_ms += aw_span_duration (&g_array_index (self->blocks, AwSpan, i)) / 1e6;

  m->frames = self->frames->len;
  /* A run with a heartbeat source but no heartbeat at all was blocked throughout. */
  if (self->frames->len >= 1 || aw_trace_get_metadata (self->trace, "heartbeat_ms") != NULL)
    {
      const gint64 *f = (const gint64 *) (gconstpointer) self->frames->data;
      const char *hb = aw_trace_get_metadata (self->trace, "heartbeat_ms");
      guint n = self->frames->len;
      double max_gap = 0;

      if (hb != NULL && g_ascii_strtod (hb, NULL) > 0)
        nominal_ms = g_ascii_strtod (hb, NULL);

      /* Gaps between heartbeats, and from the start of the run to the first
       * one and from the last one to the end: a loop blocked from the start
       * of a run draws its first frame only when it is free again. */
      for (guint i = 0; i <= n; i++)
        {
          gint64 from = i == 0 ? self->begin_ns : f[i - 1];
          gint64 to = i == n ? run_end : f[i];
          double gap;

          if (to <= from)
            continue;
          gap = (to - from) / 1e6;
          max_gap = MAX (max_gap, gap);
          if (gap > 1.5 * nominal_ms)
            m->frames_missed += (guint) (gap / nominal_ms + 0.5) - 1;
        }
      m->max_main_loop_gap_ms = max_gap;
    }

  for (guint i = 0; i < self->markers->len; i++)
    {
      const AwMarker *mk = &g_array_index (self->markers, AwMarker, i);

      if (mk->kind == AW_EVENT_WATCHDOG)
        m->watchdog_fired = TRUE;
      else if (mk->kind == AW_EVENT_CANCEL_REQUEST)
        m->cancel_requested = TRUE;
    }
}

/**
 * aw_trace_model_update:
 * @self: a model
 *
 * Merges what the trace's threads have published and derives the views
 * again if anything new arrived. Call it on the thread that merges.
 */
void
aw_trace_model_update (AwTraceModel *self)
{
  g_autoptr(GHashTable) open = NULL;
  g_autoptr(GHashTable) lanes_used = NULL;
  const AwEvent *events;
  guint n_events;

  aw_trace_merge (self->trace);
  events = aw_trace_get_events (self->trace, &n_events);
  if (n_events == self->n_events_seen)
    return;
  self->n_events_seen = n_events;

  g_array_set_size (self->tasks, 0);
  g_hash_table_remove_all (self->task_index);
  g_array_set_size (self->spans, 0);
  g_ptr_array_set_size (self->lane_busy, 0);
  g_array_set_size (self->frames, 0);
  g_array_set_size (self->blocks, 0);
  g_array_set_size (self->markers, 0);
  self->begin_ns = n_events > 0 ? events[0].time_ns : 0;
  if (self->cutoff_ns >= 0 && n_events > 0)
    {
      gint64 limit = events[0].time_ns + self->cutoff_ns;
      guint kept = 0;

      while (kept < n_events && events[kept].time_ns <= limit)
        kept++;
      n_events = kept;
      self->end_ns = limit;
    }
  else
    self->end_ns = n_events > 0 ? events[n_events - 1].time_ns : 0;
  self->run_end_ns = -1;
  self->metrics.outcome = NULL;

  open = g_hash_table_new (NULL, NULL);
  lanes_used = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < n_events; i++)
    {
      const AwEvent *ev = &events[i];
      AwTaskInfo *task = NULL;

      if (ev->kind >= AW_EVENT_TASK_CREATED && ev->kind <= AW_EVENT_TASK_CANCELLED)
        g_hash_table_add (lanes_used, GUINT_TO_POINTER ((guint) ev->lane + 1));

      switch ((AwEventKind) ev->kind)
        {
        case AW_EVENT_RUN_BEGIN:
          self->begin_ns = ev->time_ns;
          break;

        case AW_EVENT_RUN_END:
          self->run_end_ns = ev->time_ns;
          self->metrics.outcome = aw_trace_get_string (self->trace, ev->str);
          break;

        case AW_EVENT_TASK_CREATED:
        case AW_EVENT_TASK_CALL:
          if (find_task (self, ev->task) == NULL)
            {
              task = add_task (self, ev);
              task->gtask = ev->kind == AW_EVENT_TASK_CREATED;
            }
          break;

        case AW_EVENT_TASK_SYNC:
          if (find_task (self, ev->task) == NULL)
            {
              task = add_task (self, ev);
              task->sync = TRUE;
              task->outcome = AW_OUTCOME_COMPLETED;
              task->end_ns = ev->time_ns;
            }
          break;

        case AW_EVENT_TASK_QUEUED:
        case AW_EVENT_TASK_RUNNING:
        case AW_EVENT_TASK_WAITING:
          if ((task = find_task (self, ev->task)) != NULL && task->end_ns < 0)
            {
              AwSpan span = {
                .start_ns = ev->time_ns,
                .end_ns = -1,
                .task = ev->task,
                .phase = ev->kind == AW_EVENT_TASK_RUNNING ? AW_PHASE_RUNNING
                       : ev->kind == AW_EVENT_TASK_QUEUED ? AW_PHASE_QUEUED
                       : AW_PHASE_WAITING,
                .lane = ev->lane,
              };

              close_span (self, open, ev->task, ev->time_ns);
              g_array_append_val (self->spans, span);
              g_hash_table_insert (open, GUINT_TO_POINTER (ev->task),
                                   GUINT_TO_POINTER (self->spans->len - 1));
              if (span.phase == AW_PHASE_RUNNING)
                task->lane = ev->lane;
            }
          break;

        case AW_EVENT_TASK_COMPLETED:
        case AW_EVENT_TASK_FAULTED:
        case AW_EVENT_TASK_CANCELLED:
          if ((task = find_task (self, ev->task)) != NULL && task->end_ns < 0)
            {
              close_span (self, open, ev->task, ev->time_ns);
              task->end_ns = ev->time_ns;
              task->outcome = ev->kind == AW_EVENT_TASK_COMPLETED ? AW_OUTCOME_COMPLETED
                            : ev->kind == AW_EVENT_TASK_FAULTED ? AW_OUTCOME_FAULTED
                            : AW_OUTCOME_CANCELLED;
              if (ev->kind == AW_EVENT_TASK_FAULTED)
                task->error = aw_trace_get_string (self->trace, ev->str);
            }
          break;

        case AW_EVENT_CANCEL_REQUEST:
          {
            AwMarker mk = { ev->time_ns, ev->kind, ev->task, aw_trace_get_string (self->trace, ev->str) };

            g_array_append_val (self->markers, mk);
            for (guint t = 0; t < self->tasks->len; t++)
              {
                AwTaskInfo *info = &g_array_index (self->tasks, AwTaskInfo, t);

                if (info->end_ns >= 0 || info->cancel_request_ns >= 0)
                  continue;
                if (ev->task == 0 || is_descendant (self, info, ev->task))
                  info->cancel_request_ns = ev->time_ns;
              }
          }
          break;

        case AW_EVENT_CANCEL_OBSERVED:
          if ((task = find_task (self, ev->task)) != NULL && task->cancel_seen_ns < 0)
            task->cancel_seen_ns = ev->time_ns;
          break;

        case AW_EVENT_ERROR_OBSERVED:
          if ((task = find_task (self, ev->task)) != NULL)
            task->error_observed = TRUE;
          break;

        case AW_EVENT_ERROR_UNOBSERVED:
          if ((task = find_task (self, ev->task)) != NULL)
            task->error_unobserved = TRUE;
          G_GNUC_FALLTHROUGH;
        case AW_EVENT_WATCHDOG:
        case AW_EVENT_MARK:
          if (ev->kind != AW_EVENT_MARK || ev->str != 0)
            {
              AwMarker mk = { ev->time_ns, ev->kind, ev->task, aw_trace_get_string (self->trace, ev->str) };
              g_array_append_val (self->markers, mk);
            }
          break;

        case AW_EVENT_FRAME:
          g_array_append_val (self->frames, ev->time_ns);
          break;

        case AW_EVENT_UI_BLOCK_BEGIN:
          {
            AwSpan span = { ev->time_ns, -1, ev->task, AW_PHASE_RUNNING, ev->lane };
            g_array_append_val (self->blocks, span);
          }
          break;

        case AW_EVENT_UI_BLOCK_END:
          if (self->blocks->len > 0)
            {
              AwSpan *span = &g_array_index (self->blocks, AwSpan, self->blocks->len - 1);
              if (span->end_ns < 0)
                span->end_ns = ev->time_ns;
            }
          break;

        case AW_EVENT_LAST:
        default:
          break;
        }
    }

  if (self->run_end_ns >= 0 && self->cutoff_ns < 0)
    self->end_ns = MAX (self->end_ns, self->run_end_ns);

  /* Spans still open are drawn up to the present end. */
  for (guint i = 0; i < self->spans->len; i++)
    {
      AwSpan *span = &g_array_index (self->spans, AwSpan, i);
      if (span->end_ns < 0)
        span->end_ns = self->end_ns;
    }
  for (guint i = 0; i < self->blocks->len; i++)
    {
      AwSpan *span = &g_array_index (self->blocks, AwSpan, i);
      if (span->end_ns < 0)
        span->end_ns = self->end_ns;
    }

  /* Group spans by task, keep them in time order within a task. */
  g_array_sort_with_data (self->spans, compare_span_task_then_start, self);
  for (guint i = 0; i < self->spans->len; )
    {
      const AwSpan *span = &g_array_index (self->spans, AwSpan, i);
      AwTaskInfo *task = find_task (self, span->task);
      guint j = i;

      while (j < self->spans->len && g_array_index (self->spans, AwSpan, j).task == span->task)
        j++;
      task->first_span = i;
      task->n_spans = j - i;
      i = j;
    }

  /* Busy intervals per lane: where task code ran. */
  for (guint i = 0; i < aw_trace_get_n_lanes (self->trace); i++)
    g_ptr_array_add (self->lane_busy, g_array_new (FALSE, FALSE, sizeof (AwSpan)));
  for (guint i = 0; i < self->spans->len; i++)
    {
      const AwSpan *span = &g_array_index (self->spans, AwSpan, i);

      if (span->phase != AW_PHASE_RUNNING)
        continue;
      while (self->lane_busy->len <= span->lane)
        g_ptr_array_add (self->lane_busy, g_array_new (FALSE, FALSE, sizeof (AwSpan)));
      g_array_append_val (g_ptr_array_index (self->lane_busy, span->lane), *span);
    }
  for (guint i = 0; i < self->lane_busy->len; i++)
    g_array_sort (g_ptr_array_index (self->lane_busy, i), compare_span_start);

  compute_metrics (self, lanes_used);
}

const AwTaskInfo *
aw_trace_model_get_tasks (AwTraceModel *self,
                          guint        *n_tasks)
{
  *n_tasks = self->tasks->len;
  return (const AwTaskInfo *) (gconstpointer) self->tasks->data;
}

const AwTaskInfo *
aw_trace_model_find_task (AwTraceModel *self,
                          guint32       id)
{
  return find_task (self, id);
}

const AwSpan *
aw_trace_model_get_spans (AwTraceModel *self,
                          guint        *n_spans)
{
  *n_spans = self->spans->len;
  return (const AwSpan *) (gconstpointer) self->spans->data;
}

guint
aw_trace_model_get_n_lanes (AwTraceModel *self)
{
  return self->lane_busy->len;
}

/**
 * aw_trace_model_get_lane_busy:
 *
 * Returns: the running spans on @lane, sorted by start
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

const gint64 *
aw_trace_model_get_frames (AwTraceModel *self,
                           guint        *n_frames)
{
  *n_frames = self->frames->len;
  return (const gint64 *) (gconstpointer) self->frames->data;
}

const AwSpan *
aw_trace_model_get_blocks (AwTraceModel *self,
                           guint        *n_blocks)
{
  *n_blocks = self->blocks->len;
  return (const AwSpan *) (gconstpointer) self->blocks->data;
}

const AwMarker *
aw_trace_model_get_markers (AwTraceModel *self,
                            guint        *n_markers)
{
  *n_markers = self->markers->len;
  return (const AwMarker *) (gconstpointer) self->markers->data;
}

gint64
aw_trace_model_get_begin_ns (AwTraceModel *self)
{
  return self->begin_ns;
}

gint64
aw_trace_model_get_end_ns (AwTraceModel *self)
{
  return self->end_ns;
}

gboolean
aw_trace_model_is_finished (AwTraceModel *self)
{
  return self->run_end_ns >= 0;
}

const AwMetrics *
aw_trace_model_get_metrics (AwTraceModel *self)
{
  return &self->metrics;
}

const char *
aw_outcome_to_string (AwOutcome outcome)
{
  switch (outcome)
    {
    case AW_OUTCOME_COMPLETED: return "completed";
    case AW_OUTCOME_FAULTED: return "faulted";
    case AW_OUTCOME_CANCELLED: return "cancelled";
    case AW_OUTCOME_PENDING:
    default: return "running";
    }
}
