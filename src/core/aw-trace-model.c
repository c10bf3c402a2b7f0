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
 */

#include "config.h"

#include "aw-trace-model.h"
#include "aw-trace-private.h"

#include <string.h>

#define NONE G_MAXUINT

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
  gboolean    lanes_resort; /* a running span arrived out of (start, task) order */
  GArray     *frames;      /* gint64 */
  GArray     *raw_blocks;  /* AwSpan, end -1 while open */
  GArray     *blocks;      /* AwSpan, as shown: open ones end at the end */
  GArray     *markers;     /* AwMarker */
  GHashTable *lanes_used;
  gint64      begin_ns;
  gint64      end_ns;
  gint64      run_end_ns;
  gint64      cutoff_ns;   /* replay: only events up to this time since the first, or -1 */
  AwMetrics   metrics;
};

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
  g_array_set_size (self->frames, 0);
  g_array_set_size (self->raw_blocks, 0);
  g_array_set_size (self->blocks, 0);
  g_array_set_size (self->markers, 0);
  g_hash_table_remove_all (self->lanes_used);
  self->regroup = FALSE;
  self->lanes_resort = FALSE;
  self->begin_ns = 0;
  self->end_ns = 0;
  self->run_end_ns = -1;
  self->metrics.outcome = NULL;
}

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
  self->frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->raw_blocks = g_array_new (FALSE, FALSE, sizeof (AwSpan));
  self->blocks = g_array_new (FALSE, FALSE, sizeof (AwSpan));
  self->markers = g_array_new (FALSE, FALSE, sizeof (AwMarker));
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
  g_array_unref (self->states);
  g_hash_table_unref (self->task_index);
  g_array_unref (self->spans);
  g_array_unref (self->span_owner);
  g_array_unref (self->open);
  g_array_unref (self->pending);
  g_ptr_array_unref (self->lane_busy);
  g_array_unref (self->frames);
  g_array_unref (self->raw_blocks);
  g_array_unref (self->blocks);
  g_array_unref (self->markers);
  g_hash_table_unref (self->lanes_used);
  g_free (self);
}

AwTrace *
aw_trace_model_get_trace (AwTraceModel *self)
{
  return self->trace;
}

static guint
find_index (AwTraceModel *self,
            guint32       id)
{
  guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (self->task_index, GUINT_TO_POINTER (id)));

  return idx == 0 ? NONE : idx - 1;
}

static AwTaskInfo *
find_task (AwTraceModel *self,
           guint32       id)
{
  guint idx = find_index (self, id);

  if (idx == NONE)
    return NULL;
  return &g_array_index (self->tasks, AwTaskInfo, idx);
}

#define TASK(self, i)  (&g_array_index ((self)->tasks, AwTaskInfo, (i)))
#define STATE(self, i) (&g_array_index ((self)->states, TaskState, (i)))

/* Sets of task indices with O(1) removal: each task knows its slot. */
static void
set_add (GArray *set,
         guint  *slot,
         guint   task)
{
  if (*slot != NONE)
    return;
  *slot = set->len;
  g_array_append_val (set, task);
}

static void
set_remove (AwTraceModel *self,
            GArray       *set,
            gsize         slot_offset,
            guint         task)
{
  guint *slot = G_STRUCT_MEMBER_P (STATE (self, task), slot_offset);
  guint last;

  if (*slot == NONE)
    return;
  last = g_array_index (set, guint, set->len - 1);
  g_array_index (set, guint, *slot) = last;
  *(guint *) G_STRUCT_MEMBER_P (STATE (self, last), slot_offset) = *slot;
  g_array_set_size (set, set->len - 1);
  *slot = NONE;
}

static guint
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
  TaskState state = { NONE, NONE, NONE, NONE };
  AwTaskInfo *parent = ev->parent ? find_task (self, ev->parent) : NULL;

  if (parent != NULL)
    {
      info.depth = parent->depth + 1;
      info.cancel_request_ns = parent->end_ns < 0 ? parent->cancel_request_ns : -1;
    }
  if (info.name == NULL)
    info.name = "task";

  g_array_append_val (self->tasks, info);
  g_array_append_val (self->states, state);
  g_hash_table_insert (self->task_index, GUINT_TO_POINTER (ev->task),
                       GUINT_TO_POINTER (self->tasks->len));

  return self->tasks->len - 1;
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

static GArray *
lane_array (AwTraceModel *self,
            guint         lane)
{
  while (self->lane_busy->len <= lane)
    g_ptr_array_add (self->lane_busy, g_array_new (FALSE, FALSE, sizeof (AwSpan)));
  return g_ptr_array_index (self->lane_busy, lane);
}

/* The task's open span ends at @at. */
static void
close_span (AwTraceModel *self,
            guint         t,
            gint64        at)
{
  TaskState *st = STATE (self, t);
  AwSpan *span;

  if (st->open_span == NONE)
    return;
  span = &g_array_index (self->spans, AwSpan, st->open_span);
  span->end_ns = MAX (at, span->start_ns);
  if (st->lane_pos != NONE)
    g_array_index (lane_array (self, span->lane), AwSpan, st->lane_pos).end_ns = span->end_ns;
  st->lane_pos = NONE;
  st->open_span = NONE;
  set_remove (self, self->open, G_STRUCT_OFFSET (TaskState, open_slot), t);
}

/* Spans stay grouped by task, in time order within a task, as long as they
 * arrive for the newest task with spans; otherwise they are regrouped once
 * the events at hand are folded in. */
static void
open_span (AwTraceModel *self,
           guint         t,
           const AwSpan *span)
{
  AwTaskInfo *task = TASK (self, t);
  TaskState *st = STATE (self, t);
  guint index = self->spans->len;

  if (!self->regroup)
    {
      if (task->n_spans == 0)
        {
          if (index > 0 && g_array_index (self->span_owner, guint, index - 1) > t)
            self->regroup = TRUE;
          else
            task->first_span = index;
        }
      else if (task->first_span + task->n_spans != index)
        self->regroup = TRUE;
    }
  task->n_spans++;
  g_array_append_val (self->spans, *span);
  g_array_append_val (self->span_owner, t);
  st->open_span = index;
  set_add (self->open, &st->open_slot, t);

  /* Busy intervals per lane: where task code ran, sorted by start and then
   * by task. */
  if (span->phase == AW_PHASE_RUNNING)
    {
      GArray *lane = lane_array (self, span->lane);

      if (!self->lanes_resort && lane->len > 0)
        {
          const AwSpan *last = &g_array_index (lane, AwSpan, lane->len - 1);

          if (span->start_ns < last->start_ns ||
              (span->start_ns == last->start_ns && find_index (self, last->task) > t))
            self->lanes_resort = TRUE;
        }
      g_array_append_val (lane, *span);
      st->lane_pos = lane->len - 1;
    }
}

/* Folds events [@from, @to) into the views. */
static void
process (AwTraceModel  *self,
         const AwEvent *events,
         guint          from,
         guint          to)
{
  for (guint i = from; i < to; i++)
    {
      const AwEvent *ev = &events[i];
      AwTaskInfo *task = NULL;
      guint t;

      if (ev->kind >= AW_EVENT_TASK_CREATED && ev->kind <= AW_EVENT_TASK_CANCELLED)
        g_hash_table_add (self->lanes_used, GUINT_TO_POINTER ((guint) ev->lane + 1));

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
          if (find_index (self, ev->task) == NONE)
            {
              t = add_task (self, ev);
              TASK (self, t)->gtask = ev->kind == AW_EVENT_TASK_CREATED;
              set_add (self->pending, &STATE (self, t)->pending_slot, t);
            }
          break;

        case AW_EVENT_TASK_SYNC:
          if (find_index (self, ev->task) == NONE)
            {
              t = add_task (self, ev);
              task = TASK (self, t);
              task->sync = TRUE;
              task->outcome = AW_OUTCOME_COMPLETED;
              task->end_ns = ev->time_ns;
            }
          break;

        case AW_EVENT_TASK_QUEUED:
        case AW_EVENT_TASK_RUNNING:
        case AW_EVENT_TASK_WAITING:
          if ((t = find_index (self, ev->task)) != NONE && TASK (self, t)->end_ns < 0)
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

              close_span (self, t, ev->time_ns);
              open_span (self, t, &span);
              if (span.phase == AW_PHASE_RUNNING)
                TASK (self, t)->lane = ev->lane;
            }
          break;

        case AW_EVENT_TASK_COMPLETED:
        case AW_EVENT_TASK_FAULTED:
        case AW_EVENT_TASK_CANCELLED:
          if ((t = find_index (self, ev->task)) != NONE && TASK (self, t)->end_ns < 0)
            {
              close_span (self, t, ev->time_ns);
              set_remove (self, self->pending, G_STRUCT_OFFSET (TaskState, pending_slot), t);
              task = TASK (self, t);
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

            /* Only tasks still pending can be affected. */
            g_array_append_val (self->markers, mk);
            for (guint p = 0; p < self->pending->len; p++)
              {
                AwTaskInfo *info = TASK (self, g_array_index (self->pending, guint, p));

                if (info->cancel_request_ns >= 0)
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
            g_array_append_val (self->raw_blocks, span);
          }
          break;

        case AW_EVENT_UI_BLOCK_END:
          if (self->raw_blocks->len > 0)
            {
              AwSpan *span = &g_array_index (self->raw_blocks, AwSpan, self->raw_blocks->len - 1);
              if (span->end_ns < 0)
                span->end_ns = ev->time_ns;
            }
          break;

        case AW_EVENT_LAST:
        default:
          break;
        }
    }
}

/* Groups spans by task, in time order within a task: a stable counting
 * sort on the task index, since each task's spans arrive in time order. */
static void
regroup_spans (AwTraceModel *self)
{
  guint n_tasks = self->tasks->len, n_spans = self->spans->len;
  g_autofree guint *next = g_new (guint, MAX (n_tasks, 1));
  GArray *spans = g_array_sized_new (FALSE, FALSE, sizeof (AwSpan), n_spans);
  GArray *owner = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_spans);
  const AwSpan *from = (const AwSpan *) (gconstpointer) self->spans->data;
  const guint *from_owner = (const guint *) (gconstpointer) self->span_owner->data;
  guint offset = 0;

  for (guint t = 0; t < n_tasks; t++)
    {
      AwTaskInfo *task = TASK (self, t);

      next[t] = offset;
      task->first_span = task->n_spans > 0 ? offset : 0;
      offset += task->n_spans;
    }
  g_assert (offset == n_spans);

  g_array_set_size (spans, n_spans);
  g_array_set_size (owner, n_spans);
  for (guint i = 0; i < n_spans; i++)
    {
      guint at = next[from_owner[i]]++;

      g_array_index (spans, AwSpan, at) = from[i];
      g_array_index (owner, guint, at) = from_owner[i];
    }

  g_array_unref (self->spans);
  g_array_unref (self->span_owner);
  self->spans = spans;
  self->span_owner = owner;
  self->regroup = FALSE;

  for (guint i = 0; i < self->open->len; i++)
    {
      guint t = g_array_index (self->open, guint, i);

      STATE (self, t)->open_span = TASK (self, t)->first_span + TASK (self, t)->n_spans - 1;
    }
}

static gint
compare_span_start (gconstpointer a,
                    gconstpointer b)
{
  const AwSpan *sa = a, *sb = b;

  return (sa->start_ns > sb->start_ns) - (sa->start_ns < sb->start_ns);
}

/* Busy intervals per lane from scratch, when running spans arrived out of
 * order (ties at one instant in a loaded trace): the running spans in task
 * order, then a stable sort by start. */
static void
rebuild_lanes (AwTraceModel *self)
{
  for (guint i = 0; i < self->lane_busy->len; i++)
    g_array_set_size (g_ptr_array_index (self->lane_busy, i), 0);
  for (guint i = 0; i < self->spans->len; i++)
    {
      const AwSpan *span = &g_array_index (self->spans, AwSpan, i);

      if (span->phase == AW_PHASE_RUNNING)
        g_array_append_val (lane_array (self, span->lane), *span);
    }
  for (guint i = 0; i < self->lane_busy->len; i++)
    g_array_sort (g_ptr_array_index (self->lane_busy, i), compare_span_start);

  /* Find the copies of the open running spans again: the last copy of the
   * task's span among those that start when it does. */
  for (guint i = 0; i < self->open->len; i++)
    {
      guint t = g_array_index (self->open, guint, i);
      TaskState *st = STATE (self, t);
      const AwSpan *span = &g_array_index (self->spans, AwSpan, st->open_span);
      GArray *lane;
      guint lo = 0, hi;

      st->lane_pos = NONE;
      if (span->phase != AW_PHASE_RUNNING)
        continue;
      lane = lane_array (self, span->lane);
      hi = lane->len;
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (g_array_index (lane, AwSpan, mid).start_ns < span->start_ns)
            lo = mid + 1;
          else
            hi = mid;
        }
      for (; lo < lane->len && g_array_index (lane, AwSpan, lo).start_ns == span->start_ns; lo++)
        if (g_array_index (lane, AwSpan, lo).task == span->task)
          st->lane_pos = lo;
    }
  self->lanes_resort = FALSE;
}

static void
compute_metrics (AwTraceModel *self)
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
  m->threads_used = g_hash_table_size (self->lanes_used);

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
          /* A loaded trace may claim any heartbeat and any span of time:
           * count in doubles and cap, rather than overflow the cast. */
          if (gap > 1.5 * nominal_ms)
            m->frames_missed = (guint) MIN ((double) m->frames_missed + (gap / nominal_ms + 0.5) - 1,
                                            (double) G_MAXUINT);
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

/* What depends on the present end: spans and blocks still open end there,
 * then the metrics. */
static void
finish (AwTraceModel  *self,
        const AwEvent *events,
        guint          n_events)
{
  guint n_lanes = aw_trace_get_n_lanes (self->trace);

  if (n_events == 0)
    self->end_ns = 0;
  else if (self->cutoff_ns >= 0)
    self->end_ns = events[0].time_ns + self->cutoff_ns;
  else
    self->end_ns = events[n_events - 1].time_ns;
  if (self->run_end_ns >= 0 && self->cutoff_ns < 0)
    self->end_ns = MAX (self->end_ns, self->run_end_ns);

  if (self->regroup)
    regroup_spans (self);
  if (n_lanes > 0)
    lane_array (self, n_lanes - 1);
  if (self->lanes_resort)
    rebuild_lanes (self);

  for (guint i = 0; i < self->open->len; i++)
    {
      TaskState *st = STATE (self, g_array_index (self->open, guint, i));
      AwSpan *span = &g_array_index (self->spans, AwSpan, st->open_span);

      span->end_ns = self->end_ns;
      if (st->lane_pos != NONE)
        g_array_index (lane_array (self, span->lane), AwSpan, st->lane_pos).end_ns = self->end_ns;
    }

  g_array_set_size (self->blocks, 0);
  g_array_append_vals (self->blocks, self->raw_blocks->data, self->raw_blocks->len);
  for (guint i = 0; i < self->blocks->len; i++)
    {
      AwSpan *span = &g_array_index (self->blocks, AwSpan, i);
      if (span->end_ns < 0)
        span->end_ns = self->end_ns;
    }

  compute_metrics (self);
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

  process (self, events, self->n_processed, kept);
  self->n_processed = kept;
  finish (self, events, n_events);
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
  static const AwSpan none[1];

  /* Never NULL: callers add a task's first_span to it even when no task
   * has a span (NULL + 0 is undefined behaviour). */
  *n_spans = self->spans->len;
  return self->spans->len > 0 ? (const AwSpan *) (gconstpointer) self->spans->data : none;
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
