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

#define LANE_MIN_SPANS 1024    /* below this, a lane's own spans are drawn */

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

static void
summary_clear (gpointer data)
{
  Summary *summary = data;

  for (guint k = 0; k < LEVELS; k++)
    g_clear_pointer (&summary->levels[k], g_array_unref);
}

static void
block_clear (gpointer data)
{
  Block *block = data;

  g_free (block->spans);
  g_free (block->points);
}

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
  g_array_set_clear_func (self->lane_summaries, summary_clear);
  self->frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->raw_blocks = g_array_new (FALSE, FALSE, sizeof (AwSpan));
  self->blocks = g_array_new (FALSE, FALSE, sizeof (AwSpan));
  self->markers = g_array_new (FALSE, FALSE, sizeof (AwMarker));
  self->task_blocks = g_array_new (FALSE, TRUE, sizeof (Block));
  g_array_set_clear_func (self->task_blocks, block_clear);
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
              (span->start_ns == last->start_ns && find_index (self, last->task) > t))
            self->lanes_resort = TRUE;
        }
      g_array_append_val (lane, *span);
      st->lane_pos = lane->len - 1;
      lane_touch (self, span->lane);
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
              touch (self, t);
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
          /* A task with no spans has no index into the (maybe empty) array. */
          const AwSpan *spans = t->n_spans > 0 ? &g_array_index (self->spans, AwSpan, t->first_span) : NULL;

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
  return find_task (self, id);
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

/* The coarsest level of @summary whose gap is at most @max_gap_ns, made
 * from @spans (sorted by phase and start) as needed. */
static GArray *
merge_close (const AwSpan *spans,
             guint         n,
             gint64        gap)
{
  return merge_close_into (spans, n, gap, g_array_new (FALSE, FALSE, sizeof (AwSpan)));
}

static GArray *
summary_get (Summary      *summary,
             const AwSpan *spans,
             guint         n,
             gint64        max_gap_ns)
{
  GArray *level = NULL;

  if (summary->dirty)
    {
      summary_clear (summary);
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
 * Returns: (transfer none): "completed", "faulted", "cancelled" or "running"
 */
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
