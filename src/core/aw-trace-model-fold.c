/* aw-trace-model-fold.c: a trace's events folded into tasks, spans and lanes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model's views are a left fold over the time-sorted log, and this is
 * the fold: each event updates the tasks, their spans, the busy spans per
 * lane, heartbeats, frozen bands and markers. It runs once per frame on a
 * live run, over only the events that arrived since, so it keeps what it
 * needs to continue (each task's open span, the tasks still pending) and
 * marks the summaries of what it changed. What depends on the present end
 * (spans still open, the figures) is finished after each fold.
 */

#include "config.h"

#include "aw-trace-model-private.h"

/* The lane's summary needs computing again before it is drawn. */
static inline void
lane_touch (AwTraceModel *self,
            guint         lane)
{
  if (lane < self->lane_summaries->len)
    g_array_index (self->lane_summaries, Summary, lane).dirty = TRUE;
}

/* The task's block needs computing again before it is drawn. */
static inline void
touch (AwTraceModel *self,
       guint         t)
{
  guint b = t / AW_TRACE_MODEL_BLOCK_TASKS;

  if (b < self->task_blocks->len)
    {
      Block *block = &g_array_index (self->task_blocks, Block, b);

      block->computed = FALSE;
      block->asked = FALSE;
    }
}

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
  AwTaskInfo *parent = ev->parent ? _aw_trace_model_find_task (self, ev->parent) : NULL;

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
  if (self->tasks->len % AW_TRACE_MODEL_BLOCK_TASKS == 0)
    {
      Block block = { 0 };
      g_array_append_val (self->task_blocks, block);
    }

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
      task = _aw_trace_model_find_task (self, task->parent);
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
    {
      g_array_index (lane_array (self, span->lane), AwSpan, st->lane_pos).end_ns = span->end_ns;
      lane_touch (self, span->lane);
    }
  st->lane_pos = NONE;
  st->open_span = NONE;
  set_remove (self, self->open, G_STRUCT_OFFSET (TaskState, open_slot), t);
  touch (self, t);
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
  touch (self, t);

  /* Busy intervals per lane: where task code ran, sorted by start and then
   * by task. */
  if (span->phase == AW_PHASE_RUNNING)
    {
      GArray *lane = lane_array (self, span->lane);

      if (!self->lanes_resort && lane->len > 0)
        {
          const AwSpan *last = &g_array_index (lane, AwSpan, lane->len - 1);

          if (span->start_ns < last->start_ns ||
              (span->start_ns == last->start_ns && _aw_trace_model_find_index (self, last->task) > t))
            self->lanes_resort = TRUE;
        }
      g_array_append_val (lane, *span);
      st->lane_pos = lane->len - 1;
      lane_touch (self, span->lane);
    }
}

/* Folds events [@from, @to) into the views. */
void
_aw_trace_model_fold (AwTraceModel  *self,
                      const AwEvent *events,
                      guint          from,
                      guint          to)
{
  for (guint i = from; i < to; i++)
    {
      const AwEvent *ev = &events[i];
      AwTaskInfo *task = NULL;
      guint t;

      if ((ev->kind >= AW_EVENT_TASK_CREATED && ev->kind <= AW_EVENT_TASK_CANCELLED) ||
          ev->kind == AW_EVENT_TASK_DEADLOCKED)
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
          if (_aw_trace_model_find_index (self, ev->task) == NONE)
            {
              t = add_task (self, ev);
              TASK (self, t)->gtask = ev->kind == AW_EVENT_TASK_CREATED;
              set_add (self->pending, &STATE (self, t)->pending_slot, t);
            }
          break;

        case AW_EVENT_TASK_SYNC:
          if (_aw_trace_model_find_index (self, ev->task) == NONE)
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
          if ((t = _aw_trace_model_find_index (self, ev->task)) != NONE && TASK (self, t)->end_ns < 0)
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
        case AW_EVENT_TASK_DEADLOCKED:
          if ((t = _aw_trace_model_find_index (self, ev->task)) != NONE && TASK (self, t)->end_ns < 0)
            {
              close_span (self, t, ev->time_ns);
              set_remove (self, self->pending, G_STRUCT_OFFSET (TaskState, pending_slot), t);
              task = TASK (self, t);
              task->end_ns = ev->time_ns;
              touch (self, t);
              task->outcome = ev->kind == AW_EVENT_TASK_COMPLETED ? AW_OUTCOME_COMPLETED
                            : ev->kind == AW_EVENT_TASK_FAULTED ? AW_OUTCOME_FAULTED
                            : ev->kind == AW_EVENT_TASK_DEADLOCKED ? AW_OUTCOME_DEADLOCKED
                            : AW_OUTCOME_CANCELLED;
              if (ev->kind == AW_EVENT_TASK_FAULTED || ev->kind == AW_EVENT_TASK_DEADLOCKED)
                task->error = aw_trace_get_string (self->trace, ev->str);
            }
          break;

        case AW_EVENT_CANCEL_REQUEST:
          {
            AwMarker mk = { ev->time_ns, ev->kind, ev->task, aw_trace_get_string (self->trace, ev->str), ev->lane };

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
          if ((task = _aw_trace_model_find_task (self, ev->task)) != NULL && task->cancel_seen_ns < 0)
            task->cancel_seen_ns = ev->time_ns;
          break;

        case AW_EVENT_ERROR_OBSERVED:
          if ((task = _aw_trace_model_find_task (self, ev->task)) != NULL)
            task->error_observed = TRUE;
          break;

        case AW_EVENT_ERROR_UNOBSERVED:
        case AW_EVENT_ERROR_SWALLOWED:
          if ((task = _aw_trace_model_find_task (self, ev->task)) != NULL)
            {
              if (ev->kind == AW_EVENT_ERROR_SWALLOWED)
                task->error_swallowed = TRUE;
              else
                task->error_unobserved = TRUE;
            }
          G_GNUC_FALLTHROUGH;
        case AW_EVENT_WATCHDOG:
        case AW_EVENT_CRASH:
        case AW_EVENT_MARK:
          if (ev->kind != AW_EVENT_MARK || ev->str != 0)
            {
              AwMarker mk = { ev->time_ns, ev->kind, ev->task, aw_trace_get_string (self->trace, ev->str), ev->lane };
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
    {
      g_array_sort (g_ptr_array_index (self->lane_busy, i), compare_span_start);
      lane_touch (self, i);
    }

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

/* What depends on the present end: spans and blocks still open end there,
 * then the metrics. */
void
_aw_trace_model_finish (AwTraceModel  *self,
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
      guint t = g_array_index (self->open, guint, i);
      TaskState *st = STATE (self, t);
      AwSpan *span = &g_array_index (self->spans, AwSpan, st->open_span);

      span->end_ns = self->end_ns;
      touch (self, t);
      if (st->lane_pos != NONE)
        {
          g_array_index (lane_array (self, span->lane), AwSpan, st->lane_pos).end_ns = self->end_ns;
          lane_touch (self, span->lane);
        }
    }

  g_array_set_size (self->blocks, 0);
  g_array_append_vals (self->blocks, self->raw_blocks->data, self->raw_blocks->len);
  for (guint i = 0; i < self->blocks->len; i++)
    {
      AwSpan *span = &g_array_index (self->blocks, AwSpan, i);
      if (span->end_ns < 0)
        span->end_ns = self->end_ns;
    }

  _aw_trace_model_compute_metrics (self);
}
