/* aw-trace-io.c: traces saved as Trace Event JSON and loaded back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A saved file has two faces. "traceEvents" is the Trace Event Format that
 * Perfetto and chrome://tracing open: one process per run, one async track
 * per task (nestable b/e with the task's id, with its waiting and running
 * phases nested inside), complete (X) events for each thread's busy
 * intervals, instant events for cancels, watchdogs and unobserved errors,
 * flow events from a finished task to the task its completion resumed, and
 * process and thread names. Timestamps are microseconds.
 *
 * "otherData.awaitscope" holds the recorded log itself (every event, the
 * string table, lane names, metadata), so what we save we load back
 * without loss. Files from other tools have only the first face; their
 * complete, duration (B/E) and async events load as tasks as far as they go.
 */

#include "config.h"

#include "aw-trace-io.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "aw-file-util.h"
#include "aw-json.h"
#include "aw-trace-model.h"

#define FORMAT_VERSION 1

G_DEFINE_QUARK (aw-trace-error-quark, aw_trace_error)

/* Saving ------------------------------------------------------------------------ */

/* The file is written by hand rather than through JsonGenerator: json-glib
 * 1.6 writes control characters inside strings raw (strict readers such as
 * Node's and Python's then refuse the whole file) and times as 17-digit
 * doubles (33.665999999999997). Strings are escaped here completely and
 * times are printed from integer nanoseconds. */

static void
append_string (GString    *out,
               const char *str)
{
  g_string_append_c (out, '"');
  for (const char *p = str ? str : ""; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

/* Microseconds with at most three decimals: 33666 ns is 33.666. */
static void
append_us (GString *out,
           gint64   ns)
{
  guint64 abs_ns = ns < 0 ? -(guint64) ns : (guint64) ns;
  guint frac = abs_ns % 1000;

  g_string_append_printf (out, "%s%" G_GUINT64_FORMAT, ns < 0 ? "-" : "", abs_ns / 1000);
  if (frac != 0)
    {
      char digits[8];

      g_snprintf (digits, sizeof digits, ".%03u", frac);
      for (gsize n = strlen (digits); digits[n - 1] == '0'; n--)
        digits[n - 1] = '\0';
      g_string_append (out, digits);
    }
}

static void
append_member (GString    *out,
               const char *name)
{
  g_string_append_c (out, ',');
  append_string (out, name);
  g_string_append_c (out, ':');
}

typedef struct {
  GString *out;
  guint    n_events;
  guint    pid;
  gint64   begin;   /* the run's start: times are written from it */
} Writer;

/* Opens an event: {"ph":..,"name":..,"pid":..,"tid":..,"ts":.. and the
 * caller adds members and closes it with end_event(). */
static void
begin_event (Writer     *w,
             const char *ph,
             const char *name,
             guint       tid,
             gint64      time_ns)
{
  if (w->n_events++ > 0)
    g_string_append_c (w->out, ',');
  g_string_append (w->out, "\n{\"ph\":");
  append_string (w->out, ph);
  append_member (w->out, "name");
  append_string (w->out, name);
  g_string_append_printf (w->out, ",\"pid\":%u,\"tid\":%u,\"ts\":", w->pid, tid);
  append_us (w->out, time_ns);
}

static void
end_event (Writer *w)
{
  g_string_append_c (w->out, '}');
}

static void
add_metadata_event (Writer     *w,
                    const char *what,
                    guint       tid,
                    const char *value)
{
  begin_event (w, "M", what, tid, 0);
  append_member (w->out, "args");
  g_string_append (w->out, "{\"name\":");
  append_string (w->out, value);
  g_string_append_c (w->out, '}');
  end_event (w);
}

/* Ids are global in the Trace Event Format, and each run numbers its tasks
 * from 1: the run's pid in the high bits keeps every reader pairing a
 * task's b and e within its own run. */
static void
append_task_id (Writer  *w,
                guint32  task)
{
  g_string_append_printf (w->out, "\"0x%x%08x\"", w->pid, task);
}

static void
add_async (Writer      *w,
           const char  *ph,
           const char  *name,
           guint        tid,
           gint64       time_ns,
           guint32      task,
           const char  *key,
           const char  *value)
{
  begin_event (w, ph, name, tid, time_ns);
  append_member (w->out, "cat");
  append_string (w->out, "task");
  append_member (w->out, "id");
  append_task_id (w, task);
  if (key != NULL)
    {
      append_member (w->out, "args");
      g_string_append_c (w->out, '{');
      append_string (w->out, key);
      g_string_append_c (w->out, ':');
      append_string (w->out, value);
      g_string_append_c (w->out, '}');
    }
  end_event (w);
}

static const char *
phase_name (AwPhase phase)
{
  switch (phase)
    {
    case AW_PHASE_RUNNING: return "running";
    case AW_PHASE_QUEUED: return "queued for a thread";
    case AW_PHASE_WAITING:
    default: return "waiting";
    }
}

/* Flow events bind to a slice of their own thread: Perfetto and
 * chrome://tracing to the slice enclosing them, Chrome DevTools to the
 * slice with the same category, thread and start. So each end of an arrow
 * sits at the start of a thread slice (category SLICE_CAT), and where the
 * completing work or the continuation ran without one (a timer firing, a
 * continuation the simulation does not time), a short slice is made there. */
#define SLICE_CAT "thread"
#define SHORT_SLICE_NS 1000

typedef struct {
  gint64      start_ns;
  gint64      end_ns;
  const char *name;
  gboolean    made;     /* a short slice made for a flow */
} Slice;

typedef struct {
  guint32 task;         /* the task that completed */
  guint32 parent;       /* the task whose continuation it resumed */
  gint64  done_ns;
  gint64  cont_ns;
  guint16 done_lane;
  guint16 cont_lane;
  gint64  done_slice;   /* start of the slice each end binds to */
  gint64  cont_slice;
} Flow;

typedef struct {
  guint   flow;
  gboolean cont;        /* the continuation's end, else the completion's */
  gint64  time_ns;
} Point;

static gint
compare_points (gconstpointer a,
                gconstpointer b)
{
  const Point *pa = a, *pb = b;

  if (pa->time_ns != pb->time_ns)
    return pa->time_ns < pb->time_ns ? -1 : 1;
  if (pa->cont != pb->cont)
    return pa->cont ? 1 : -1;
  return pa->flow < pb->flow ? -1 : pa->flow > pb->flow;
}

static gint
compare_slices (gconstpointer a,
                gconstpointer b)
{
  const Slice *sa = a, *sb = b;

  if (sa->start_ns != sb->start_ns)
    return sa->start_ns < sb->start_ns ? -1 : 1;
  return sa->end_ns > sb->end_ns ? -1 : sa->end_ns < sb->end_ns;
}

static gboolean
is_terminal (guint16 kind)
{
  return kind == AW_EVENT_TASK_COMPLETED || kind == AW_EVENT_TASK_FAULTED ||
         kind == AW_EVENT_TASK_CANCELLED;
}

/* Which completion resumed which continuation, from the log: a child that
 * ends while its parent awaits, followed by the parent's next step (it
 * runs, awaits again, starts a child, sees an error or ends). Of several
 * children ending before that step (Task.WhenAll), the last one resumed it.
 * A child nobody awaits (fire and forget) gets no arrow: its parent has
 * ended, or is running, or an awaited sibling ends after it. Nor does a
 * child that was over as soon as it existed (Task.FromResult, a
 * synchronous call such as List.ForEach): it ended where it was made,
 * without waiting, queueing or running, or at the very time it was made,
 * so awaiting it did not suspend and no continuation was scheduled. */
static GArray *
find_flows (AwTrace *trace)
{
  g_autoptr(GHashTable) phase = g_hash_table_new (NULL, NULL);     /* task -> AwEventKind + 1 */
  g_autoptr(GHashTable) parents = g_hash_table_new (NULL, NULL);   /* task -> parent */
  g_autoptr(GHashTable) pending = g_hash_table_new (NULL, NULL);   /* parent -> index of the event */
  g_autoptr(GHashTable) created = g_hash_table_new_full (NULL, NULL, NULL, g_free);  /* task -> time */
  GArray *flows = g_array_new (FALSE, FALSE, sizeof (Flow));
  const AwEvent *events;
  guint n;

  aw_trace_merge (trace);
  events = aw_trace_get_events (trace, &n);
  for (guint i = 0; i < n; i++)
    {
      const AwEvent *e = &events[i];
      guint32 step_of = 0;   /* the task whose continuation this event is a step of */
      gpointer done;

      switch (e->kind)
        {
        case AW_EVENT_TASK_CREATED:
        case AW_EVENT_TASK_SYNC:
        case AW_EVENT_TASK_CALL:
          g_hash_table_insert (parents, GUINT_TO_POINTER (e->task), GUINT_TO_POINTER (e->parent));
          g_hash_table_insert (created, GUINT_TO_POINTER (e->task), g_memdup2 (&e->time_ns, sizeof e->time_ns));
          step_of = e->parent;
          break;
        case AW_EVENT_ERROR_OBSERVED:
          step_of = e->parent;
          break;
        case AW_EVENT_TASK_RUNNING:
        case AW_EVENT_TASK_WAITING:
        case AW_EVENT_TASK_COMPLETED:
        case AW_EVENT_TASK_FAULTED:
        case AW_EVENT_TASK_CANCELLED:
          step_of = e->task;
          break;
        default:
          break;
        }

      if (step_of != 0 &&
          (done = g_hash_table_lookup (pending, GUINT_TO_POINTER (step_of))) != NULL)
        {
          const AwEvent *d = &events[GPOINTER_TO_UINT (done) - 1];
          Flow flow = { d->task, step_of, d->time_ns, e->time_ns, d->lane, e->lane, 0, 0 };

          g_array_append_val (flows, flow);
          g_hash_table_remove (pending, GUINT_TO_POINTER (step_of));
        }

      if (is_terminal (e->kind))
        {
          guint32 parent = GPOINTER_TO_UINT (g_hash_table_lookup (parents, GUINT_TO_POINTER (e->task)));
          const gint64 *made = g_hash_table_lookup (created, GUINT_TO_POINTER (e->task));
          gboolean was_pending = g_hash_table_contains (phase, GUINT_TO_POINTER (e->task)) &&
                                 (made == NULL || *made < e->time_ns);

          if (parent != 0 && was_pending &&
              GPOINTER_TO_UINT (g_hash_table_lookup (phase, GUINT_TO_POINTER (parent))) == AW_EVENT_TASK_WAITING + 1)
            g_hash_table_insert (pending, GUINT_TO_POINTER (parent), GUINT_TO_POINTER (i + 1));
        }

      if (e->kind == AW_EVENT_TASK_RUNNING || e->kind == AW_EVENT_TASK_WAITING ||
          e->kind == AW_EVENT_TASK_QUEUED || is_terminal (e->kind))
        g_hash_table_insert (phase, GUINT_TO_POINTER (e->task), GUINT_TO_POINTER (e->kind + 1));
    }
  return flows;
}

/* The slice on @slices (sorted) that holds @time_ns: one that ends there
 * for a completion, one that starts there for a continuation. */
static const Slice *
find_slice (GArray   *slices,
            gint64    time_ns,
            gboolean  cont)
{
  guint lo = 0, hi = slices->len;

  /* The first slice starting after the time (at it, for a completion). */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      const Slice *s = &g_array_index (slices, Slice, mid);

      if (cont ? s->start_ns <= time_ns : s->start_ns < time_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  /* Nested slices: the innermost that holds the time, a few back at most. */
  for (guint i = lo; i > 0 && lo - i < 8; i--)
    {
      const Slice *s = &g_array_index (slices, Slice, i - 1);

      if (cont ? time_ns < s->end_ns : time_ns <= s->end_ns)
        return s;
    }
  return NULL;
}

/* The index of the first slice starting at or after @time_ns. */
static guint
first_after (GArray *slices,
             gint64  time_ns)
{
  guint lo = 0, hi = slices->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (slices, Slice, mid).start_ns < time_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static const char *
name_slice (GStringChunk     *names,
            const char       *what,
            const AwTaskInfo *task)
{
  g_autofree char *name = g_strconcat (what, task && task->name ? task->name : "a task", NULL);

  return g_string_chunk_insert_const (names, name);
}

/* Binds both ends of every flow to a slice of its thread, making short
 * slices where none holds them; @slices holds each lane's sorted slices. */
static void
bind_flows (AwTraceModel *model,
            GArray       *flows,
            GPtrArray    *slices,
            GStringChunk *names)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (Point));
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  for (guint i = 0; i < flows->len; i++)
    {
      Flow *f = &g_array_index (flows, Flow, i);
      Point done = { i, FALSE, f->done_ns }, cont = { i, TRUE, f->cont_ns };

      g_array_append_val (points, done);
      g_array_append_val (points, cont);
    }
  g_array_sort (points, compare_points);
  for (guint i = 0; i < slices->len; i++)
    g_ptr_array_add (made, g_array_new (FALSE, FALSE, sizeof (Slice)));

  for (guint i = 0; i < points->len; i++)
    {
      const Point *p = &g_array_index (points, Point, i);
      Flow *f = &g_array_index (flows, Flow, p->flow);
      guint16 lane = p->cont ? f->cont_lane : f->done_lane;
      GArray *busy = g_ptr_array_index (slices, lane);
      GArray *extra = g_ptr_array_index (made, lane);
      const Slice *s = find_slice (busy, p->time_ns, p->cont);
      Slice slice = { 0, 0, NULL, TRUE };

      if (s == NULL && extra->len > 0)
        {
          const Slice *last = &g_array_index (extra, Slice, extra->len - 1);

          if (p->cont ? last->start_ns <= p->time_ns && p->time_ns < last->end_ns
                      : last->start_ns < p->time_ns && p->time_ns <= last->end_ns)
            s = last;
        }
      if (s == NULL)
        {
          gint64 before = extra->len > 0 ? g_array_index (extra, Slice, extra->len - 1).end_ns : 0;
          gint64 after = G_MAXINT64;
          guint next = first_after (busy, p->time_ns);
          const AwTaskInfo *t;

          /* Between its neighbours, so that the thread's slices still nest. */
          if (next < busy->len)
            after = g_array_index (busy, Slice, next).start_ns;
          if (next > 0)
            before = MAX (before, MIN (g_array_index (busy, Slice, next - 1).end_ns, p->time_ns));
          if (p->cont)
            {
              t = aw_trace_model_find_task (model, f->parent);
              slice.start_ns = p->time_ns;
              slice.end_ns = MAX (MIN (p->time_ns + SHORT_SLICE_NS, after), p->time_ns);
              slice.name = name_slice (names, "continuation of ", t);
            }
          else
            {
              t = aw_trace_model_find_task (model, f->task);
              slice.start_ns = MIN (MAX (p->time_ns - SHORT_SLICE_NS, before), p->time_ns);
              slice.end_ns = p->time_ns;
              slice.name = name_slice (names, "completion of ", t);
            }
          g_array_append_val (extra, slice);
          s = &g_array_index (extra, Slice, extra->len - 1);
        }
      if (p->cont)
        f->cont_slice = s->start_ns;
      else
        f->done_slice = s->start_ns;
    }

  for (guint i = 0; i < slices->len; i++)
    {
      GArray *busy = g_ptr_array_index (slices, i);
      GArray *extra = g_ptr_array_index (made, i);

      g_array_append_vals (busy, extra->data, extra->len);
      g_array_sort (busy, compare_slices);
    }
}

static void
add_flow_end (Writer      *w,
              const char  *ph,
              guint16      lane,
              gint64       slice_ns,
              guint32      task)
{
  begin_event (w, ph, "continuation", lane + 1, slice_ns - w->begin);
  append_member (w->out, "cat");
  append_string (w->out, SLICE_CAT);
  append_member (w->out, "id");
  append_task_id (w, task);
  if (ph[0] == 'f')
    g_string_append (w->out, ",\"bp\":\"e\"");
  end_event (w);
}

static void
add_trace_events (Writer  *w,
                  AwTrace *trace)
{
  g_autoptr(AwTraceModel) model = aw_trace_model_new (trace);
  g_autoptr(GArray) flows = find_flows (trace);
  g_autoptr(GPtrArray) slices = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree char *process = NULL;
  GStringChunk *names = g_string_chunk_new (256);
  const AwTaskInfo *tasks;
  const AwSpan *spans;
  const AwMarker *markers;
  guint n_tasks, n_spans, n_markers, n_lanes;
  const char *scenario = aw_trace_get_metadata (trace, "scenario_title");
  const char *variant = aw_trace_get_metadata (trace, "variant_title");

  w->begin = aw_trace_model_get_begin_ns (model);
  process = g_strdup_printf ("%s%s%s", scenario ? scenario : "Awaitscope",
                             variant ? ": " : "", variant ? variant : "");
  add_metadata_event (w, "process_name", 0, process);
  for (guint lane = 0; lane < aw_trace_get_n_lanes (trace); lane++)
    add_metadata_event (w, "thread_name", lane + 1, aw_trace_get_lane_name (trace, lane));

  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  spans = aw_trace_model_get_spans (model, &n_spans);
  for (guint i = 0; i < n_tasks; i++)
    {
      const AwTaskInfo *t = &tasks[i];
      gint64 end = t->end_ns >= 0 ? t->end_ns : aw_trace_model_get_end_ns (model);
      g_autofree char *parent_id = g_strdup_printf ("0x%x%08x", w->pid, t->parent);

      add_async (w, "b", t->name, 1, t->created_ns - w->begin, t->id, "parent",
                 t->parent ? parent_id : NULL);
      for (guint s = t->first_span; s < t->first_span + t->n_spans; s++)
        {
          add_async (w, "b", phase_name (spans[s].phase), spans[s].lane + 1,
                     spans[s].start_ns - w->begin, t->id, NULL, NULL);
          add_async (w, "e", phase_name (spans[s].phase), spans[s].lane + 1,
                     spans[s].end_ns - w->begin, t->id, NULL, NULL);
        }
      add_async (w, "e", t->name, 1, end - w->begin, t->id, "outcome",
                 t->error ? t->error : t->sync ? "completed synchronously" : aw_outcome_to_string (t->outcome));
    }

  /* Each thread's busy intervals, and short slices where flows need them. */
  n_lanes = MAX (aw_trace_model_get_n_lanes (model), aw_trace_get_n_lanes (trace));
  for (guint i = 0; i < flows->len; i++)
    {
      const Flow *f = &g_array_index (flows, Flow, i);
      n_lanes = MAX (n_lanes, (guint) MAX (f->done_lane, f->cont_lane) + 1);
    }
  for (guint lane = 0; lane < n_lanes; lane++)
    {
      GArray *lane_slices = g_array_new (FALSE, FALSE, sizeof (Slice));
      guint n;
      const AwSpan *busy = aw_trace_model_get_lane_busy (model, lane, &n);

      for (guint i = 0; i < n; i++)
        {
          const AwTaskInfo *t = aw_trace_model_find_task (model, busy[i].task);
          Slice slice = { busy[i].start_ns, busy[i].end_ns, t ? t->name : "work", FALSE };

          g_array_append_val (lane_slices, slice);
        }
      g_ptr_array_add (slices, lane_slices);
    }
  bind_flows (model, flows, slices, names);

  for (guint lane = 0; lane < slices->len; lane++)
    {
      GArray *lane_slices = g_ptr_array_index (slices, lane);

      for (guint i = 0; i < lane_slices->len; i++)
        {
          const Slice *s = &g_array_index (lane_slices, Slice, i);

          begin_event (w, "X", s->name, lane + 1, s->start_ns - w->begin);
          append_member (w->out, "cat");
          append_string (w->out, SLICE_CAT);
          append_member (w->out, "dur");
          append_us (w->out, s->end_ns - s->start_ns);
          end_event (w);
        }
    }

  /* After the slices they bind to: readers that bind a flow to the slice
   * open at its time see the slice first when both start together. */
  for (guint i = 0; i < flows->len; i++)
    {
      const Flow *f = &g_array_index (flows, Flow, i);

      add_flow_end (w, "s", f->done_lane, f->done_slice, f->task);
      add_flow_end (w, "f", f->cont_lane, f->cont_slice, f->task);
    }

  markers = aw_trace_model_get_markers (model, &n_markers);
  for (guint i = 0; i < n_markers; i++)
    {
      begin_event (w, "i", aw_marker_get_label (&markers[i]), 1, markers[i].time_ns - w->begin);
      g_string_append (w->out, ",\"s\":\"p\"");
      if (markers[i].text != NULL)
        {
          append_member (w->out, "args");
          g_string_append (w->out, "{\"text\":");
          append_string (w->out, markers[i].text);
          g_string_append_c (w->out, '}');
        }
      end_event (w);
    }
  g_string_chunk_free (names);
}

static void
add_raw_log (GString *out,
             AwTrace *trace)
{
  g_autoptr(GList) keys = NULL;
  const AwEvent *events;
  guint n;

  aw_trace_merge (trace);
  events = aw_trace_get_events (trace, &n);

  /* Sorted, so that the same trace is always the same file. */
  g_string_append (out, "{\"metadata\":{");
  keys = g_list_sort (g_hash_table_get_keys (aw_trace_get_all_metadata (trace)), (GCompareFunc) strcmp);
  for (const GList *l = keys; l != NULL; l = l->next)
    {
      if (l != keys)
        g_string_append_c (out, ',');
      append_string (out, l->data);
      g_string_append_c (out, ':');
      append_string (out, aw_trace_get_metadata (trace, l->data));
    }
  g_string_append (out, "},\n\"lanes\":[");
  for (guint i = 0; i < aw_trace_get_n_lanes (trace); i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_string (out, aw_trace_get_lane_name (trace, i));
    }
  g_string_append (out, "],\n\"strings\":[");
  for (guint i = 1; i < aw_trace_get_n_strings (trace); i++)
    {
      if (i > 1)
        g_string_append_c (out, ',');
      append_string (out, aw_trace_get_string (trace, i));
    }

  /* [time_ns, kind, task, parent, lane, string id] */
  g_string_append (out, "],\n\"events\":[");
  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (out, "%s\n[%" G_GINT64_FORMAT ",", i > 0 ? "," : "", events[i].time_ns);
      append_string (out, aw_event_kind_to_string (events[i].kind));
      g_string_append_printf (out, ",%u,%u,%u,%u]", events[i].task, events[i].parent,
                              events[i].lane, events[i].str);
    }
  g_string_append (out, "]}");
}

/**
 * aw_traces_to_json:
 * @traces: (array length=n_traces): the runs, one process each
 * @n_traces: how many
 *
 * Returns: (transfer full): Trace Event JSON
 */
GBytes *
aw_traces_to_json (AwTrace **traces,
                   guint     n_traces)
{
  GString *out = g_string_sized_new (4096);
  Writer w = { out, 0, 0, 0 };

  g_string_append (out, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
  for (guint i = 0; i < n_traces; i++)
    {
      w.pid = i + 1;
      add_trace_events (&w, traces[i]);
    }
  g_string_append_printf (out, "],\n\"otherData\":{\"awaitscope\":{\"format\":%d,\"traces\":[", FORMAT_VERSION);
  for (guint i = 0; i < n_traces; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '\n');
      add_raw_log (out, traces[i]);
    }
  g_string_append (out, "]}}}\n");
  return g_string_free_to_bytes (out);
}

/**
 * aw_trace_to_json:
 * @trace: one run
 *
 * Returns: (transfer full): Trace Event JSON of @trace alone
 */
GBytes *
aw_trace_to_json (AwTrace *trace)
{
  return aw_traces_to_json (&trace, 1);
}

/**
 * aw_traces_save:
 * @traces: (array length=n_traces): the runs, merged
 * @n_traces: how many
 * @path: the file; written whole or not at all
 * @error: return location for an error
 *
 * A trace Awaitscope could not load back is not written: beyond
 * %AW_TRACE_MAX_FILE_SIZE bytes this fails with %AW_TRACE_ERROR_LIMIT.
 *
 * Returns: %TRUE if the file was written
 */
gboolean
aw_traces_save (AwTrace    **traces,
                guint        n_traces,
                const char  *path,
                GError     **error)
{
  g_autoptr(GBytes) bytes = aw_traces_to_json (traces, n_traces);

  if (g_bytes_get_size (bytes) > AW_TRACE_MAX_FILE_SIZE)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                   "%s: not written: the trace would be %" G_GSIZE_FORMAT " MiB, and traces "
                   "load back only up to %d MiB (record fewer tasks or fewer variants)",
                   path, (g_bytes_get_size (bytes) + (1 << 20) - 1) >> 20, AW_TRACE_MAX_FILE_SIZE >> 20);
      return FALSE;
    }
  return aw_write_file_atomic (path, bytes, error);
}

/* Loading ------------------------------------------------------------------------- */

/* Getters that never complain about a file from a stranger: a member of the
 * wrong type is as good as a missing one. */
static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
node_string (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static const char *
member_string (JsonObject *object,
               const char *name,
               const char *fallback)
{
  const char *s = node_string (object ? json_object_get_member (object, name) : NULL);
  return s ? s : fallback;
}

static gint64
member_int (JsonObject *object,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      return d > -9e15 && d < 9e15 ? (gint64) d : fallback;
    }
  return fallback;
}

static gboolean G_GNUC_PRINTF (3, 4)
invalid (GError     **error,
         const char  *name,
         const char  *format,
         ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_INVALID, "%s: %s", name, msg);
  return FALSE;
}

static gboolean
get_int (JsonArray *array,
         guint      index,
         gint64     min,
         gint64     max,
         gint64    *out)
{
  JsonNode *node = json_array_get_element (array, index);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return *out >= min && *out <= max;
}

static AwTrace *
load_own (JsonObject  *raw,
          guint        index,
          const char  *name,
          guint       *total_events,
          GError     **error)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  JsonObject *metadata = member_object (raw, "metadata");
  JsonArray *lanes = member_array (raw, "lanes");
  JsonArray *strings = member_array (raw, "strings");
  JsonArray *events = member_array (raw, "events");
  guint32 none = 0;

  if (events == NULL || lanes == NULL || strings == NULL)
    {
      invalid (error, name, "run %u of the saved log has no \"events\", \"lanes\" or \"strings\"", index + 1);
      return NULL;
    }
  if (json_array_get_length (lanes) > G_MAXUINT16)
    {
      invalid (error, name, "run %u has too many lanes", index + 1);
      return NULL;
    }

  if (metadata != NULL)
    {
      g_autoptr(GList) keys = json_object_get_members (metadata);

      for (const GList *l = keys; l != NULL; l = l->next)
        {
          const char *v = node_string (json_object_get_member (metadata, l->data));
          if (v != NULL)
            aw_trace_set_metadata (trace, l->data, v);
        }
    }
  for (guint i = 0; i < json_array_get_length (lanes); i++)
    {
      const char *lane_name = node_string (json_array_get_element (lanes, i));
      aw_trace_set_lane_name (trace, i, lane_name ? lane_name : "thread");
    }

  /* Saved string ids -> this trace's ids. */
  g_array_append_val (ids, none);
  for (guint i = 0; i < json_array_get_length (strings); i++)
    {
      const char *text = node_string (json_array_get_element (strings, i));
      guint32 id = 0;

      if (text != NULL)
        id = aw_trace_intern (trace, text);
      g_array_append_val (ids, id);
    }

  *total_events += json_array_get_length (events);
  if (*total_events > AW_TRACE_MAX_EVENTS)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                   "%s: more than %d events; a trace may hold at most that many", name, AW_TRACE_MAX_EVENTS);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);
      JsonArray *e;
      AwEvent event = { 0 };
      gint64 t, task, parent, lane, str;
      AwEventKind kind;

      if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (e = json_node_get_array (node)) != 6)
        {
          invalid (error, name, "event %u of run %u is not [time, kind, task, parent, lane, text]", i + 1, index + 1);
          return NULL;
        }
      kind = aw_event_kind_from_string (node_string (json_array_get_element (e, 1)));
      if (kind == 0 ||
          !get_int (e, 0, 0, G_GINT64_CONSTANT (1) << 60, &t) ||
          !get_int (e, 2, 0, G_MAXUINT32, &task) ||
          !get_int (e, 3, 0, G_MAXUINT32, &parent) ||
          !get_int (e, 4, 0, (gint64) json_array_get_length (lanes) - 1, &lane) ||
          !get_int (e, 5, 0, (gint64) ids->len - 1, &str))
        {
          invalid (error, name, "event %u of run %u has a value out of range or an unknown kind", i + 1, index + 1);
          return NULL;
        }
      event.time_ns = t;
      event.kind = kind;
      event.task = (guint32) task;
      event.parent = (guint32) parent;
      event.lane = (guint16) lane;
      event.str = g_array_index (ids, guint32, str);
      aw_trace_append_event (trace, &event);
    }

  aw_trace_merge (trace);
  return g_steal_pointer (&trace);
}

typedef struct {
  AwTrace    *trace;
  GHashTable *lanes;      /* tid -> lane + 1 */
  GHashTable *open_async; /* "cat/scope/id" -> GArray of open task ids, innermost last */
  GHashTable *stacks;     /* tid -> GArray of task ids (B/E) */
  guint32     next_task;
  gint64      last_ns;
  guint       shown;      /* events that became tasks or marks */
} Foreign;

/* Why events were left out, counted for the message. */
typedef enum {
  IGNORED_SAMPLE,
  IGNORED_COUNTER,
  IGNORED_FLOW,
  IGNORED_OBJECT,
  IGNORED_UNMATCHED_END,
  IGNORED_NO_TIME,
  IGNORED_NO_ID,
  IGNORED_OTHER,
  N_IGNORED
} Ignored;

static const char * const ignored_names[N_IGNORED][2] = {
  { "sample event", "sample events" },
  { "counter event", "counter events" },
  { "flow event", "flow events" },
  { "object event", "object events" },
  { "unmatched end", "unmatched ends" },
  { "event without a time", "events without a time" },
  { "async event without an id", "async events without an id" },
  { "event of another kind", "events of other kinds" },
};

static void
foreign_free (Foreign *f)
{
  aw_trace_unref (f->trace);
  g_hash_table_unref (f->lanes);
  g_hash_table_unref (f->open_async);
  g_hash_table_unref (f->stacks);
  g_free (f);
}

static guint16
foreign_lane (Foreign *f,
              gint64   tid)
{
  gpointer lane = g_hash_table_lookup (f->lanes, GINT_TO_POINTER ((gint) tid));

  if (lane == NULL)
    {
      guint n = g_hash_table_size (f->lanes);
      g_autofree char *name = g_strdup_printf ("thread %" G_GINT64_FORMAT, tid);

      lane = GUINT_TO_POINTER (MIN (n, G_MAXUINT16 - 1) + 1);
      g_hash_table_insert (f->lanes, GINT_TO_POINTER ((gint) tid), lane);
      if (aw_trace_get_lane_name (f->trace, GPOINTER_TO_UINT (lane) - 1) == NULL)
        aw_trace_set_lane_name (f->trace, GPOINTER_TO_UINT (lane) - 1, name);
    }
  return (guint16) (GPOINTER_TO_UINT (lane) - 1);
}

static void
foreign_record (Foreign     *f,
                gint64       time_ns,
                AwEventKind  kind,
                guint32      task,
                guint32      parent,
                guint16      lane,
                const char  *text)
{
  AwEvent e = { time_ns, task, parent, aw_trace_intern (f->trace, text), kind, lane };

  aw_trace_append_event (f->trace, &e);
  f->last_ns = MAX (f->last_ns, time_ns);
}

static gint64
foreign_ts (JsonObject *ev,
            const char *member)
{
  JsonNode *node = json_object_get_member (ev, member);

  /* Times beyond about 8.9 years are ignored like missing ones: in
   * nanoseconds, relative to the first event and plus a duration, they stay
   * far from overflowing and within what a saved trace may hold. */
  const gint64 max_us = G_GINT64_CONSTANT (1) << 48;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return G_MININT64;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 us = json_node_get_int (node);
      return us >= -max_us && us <= max_us ? us * 1000 : G_MININT64;
    }
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double us = json_node_get_double (node);
      return us >= -max_us && us <= max_us ? (gint64) (us * 1000) : G_MININT64;
    }
  return G_MININT64;
}

/* Phases that become tasks or marks: only they place the time axis, so
 * metadata at ts 0 does not squeeze a trace recorded hours into the
 * machine's uptime against the right edge. */
static gboolean
shown_phase (const char *ph)
{
  return ph[0] != '\0' && ph[1] == '\0' && strchr ("XBEbeSFiIn", ph[0]) != NULL;
}

static Ignored
ignored_phase (const char *ph)
{
  if (g_str_equal (ph, "P"))
    return IGNORED_SAMPLE;
  if (g_str_equal (ph, "C"))
    return IGNORED_COUNTER;
  if (g_str_equal (ph, "s") || g_str_equal (ph, "t") || g_str_equal (ph, "f"))
    return IGNORED_FLOW;
  if (g_str_equal (ph, "N") || g_str_equal (ph, "O") || g_str_equal (ph, "D"))
    return IGNORED_OBJECT;
  return IGNORED_OTHER;
}

/* The async track of a b/e (or S/F) event: its category, scope and id.
 * An "id2" {"local": ...} id belongs to its process, which the key's
 * Foreign already is; {"global": ...} and a plain "id" belong to the file. */
static char *
async_key (JsonObject *ev)
{
  JsonNode *id = json_object_get_member (ev, "id");
  JsonObject *id2 = member_object (ev, "id2");
  const char *kind = "id";
  g_autofree char *value = NULL;

  if ((id == NULL || !JSON_NODE_HOLDS_VALUE (id)) && id2 != NULL)
    {
      kind = json_object_has_member (id2, "local") ? "local" : "global";
      id = json_object_get_member (id2, kind);
    }
  if (id == NULL || !JSON_NODE_HOLDS_VALUE (id))
    return NULL;
  if (node_string (id) != NULL)
    value = g_strdup (node_string (id));
  else if (json_node_get_value_type (id) == G_TYPE_INT64)
    value = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
  else
    return NULL;
  return g_strdup_printf ("%s/%s/%s:%s", member_string (ev, "cat", ""), member_string (ev, "scope", ""),
                          kind, value);
}

/* Plain Trace Event files from other tools: tasks from X, B/E and b/e. */
static GPtrArray *
load_foreign (JsonArray   *events,
              const char  *name,
              char       **ignored_out,
              GError     **error)
{
  g_autoptr(GHashTable) by_pid = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) foreign_free);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autofree char *summary = NULL;
  GPtrArray *ret;
  gint64 min_ts = G_MAXINT64;
  guint ignored[N_IGNORED] = { 0 };
  guint n_ignored = 0;

  if (json_array_get_length (events) > AW_TRACE_MAX_EVENTS)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                   "%s: more than %d events; a trace may hold at most that many", name, AW_TRACE_MAX_EVENTS);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);
      JsonObject *ev;
      gint64 ts;

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          shown_phase (member_string (ev = json_node_get_object (node), "ph", "")) &&
          (ts = foreign_ts (ev, "ts")) != G_MININT64)
        min_ts = MIN (min_ts, ts);
    }
  if (min_ts == G_MAXINT64)
    min_ts = 0;

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);
      JsonObject *ev;
      const char *ph, *ev_name;
      gint pid, tid;
      gint64 ts, dur;
      Foreign *f;
      guint16 lane;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          ignored[IGNORED_OTHER]++;
          continue;
        }
      ev = json_node_get_object (node);
      ph = member_string (ev, "ph", "");
      ev_name = member_string (ev, "name", "event");
      pid = (gint) CLAMP (member_int (ev, "pid", 0), G_MININT, G_MAXINT);
      tid = (gint) CLAMP (member_int (ev, "tid", 0), G_MININT, G_MAXINT);
      ts = foreign_ts (ev, "ts");

      f = g_hash_table_lookup (by_pid, GINT_TO_POINTER (pid));
      if (f == NULL && g_hash_table_size (by_pid) >= AW_TRACE_MAX_RUNS)
        {
          /* Each process becomes a run with buffers of its own. */
          g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                       "%s: more than %d processes; a trace file may hold at most that many runs",
                       name, AW_TRACE_MAX_RUNS);
          return NULL;
        }
      if (f == NULL)
        {
          f = g_new0 (Foreign, 1);
          f->trace = aw_trace_new ();
          f->lanes = g_hash_table_new (NULL, NULL);
          f->open_async = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
          f->stacks = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
          aw_trace_set_metadata (f->trace, AW_META_CLOCK, "imported");
          aw_trace_set_metadata (f->trace, AW_META_VARIANT, "imported");
          g_hash_table_insert (by_pid, GINT_TO_POINTER (pid), f);
          g_array_append_val (order, pid);
          foreign_record (f, 0, AW_EVENT_RUN_BEGIN, 0, 0, 0, "imported");
        }

      if (g_str_equal (ph, "M"))
        {
          const char *value = member_string (member_object (ev, "args"), "name", NULL);

          if (value == NULL)
            continue;
          if (g_str_equal (ev_name, "process_name"))
            {
              aw_trace_set_metadata (f->trace, "variant_title", value);
              aw_trace_set_metadata (f->trace, "scenario_title", value);
            }
          else if (g_str_equal (ev_name, "thread_name"))
            aw_trace_set_lane_name (f->trace, foreign_lane (f, tid), value);
          continue;
        }
      if (!shown_phase (ph))
        {
          ignored[ignored_phase (ph)]++;
          continue;
        }
      if (ts == G_MININT64)
        {
          ignored[IGNORED_NO_TIME]++;
          continue;
        }
      ts -= min_ts;
      lane = foreign_lane (f, tid);

      if (g_str_equal (ph, "X"))
        {
          guint32 task = ++f->next_task;

          dur = foreign_ts (ev, "dur");
          if (dur == G_MININT64 || dur < 0)
            dur = 0;
          foreign_record (f, ts, AW_EVENT_TASK_CREATED, task, 0, lane, ev_name);
          foreign_record (f, ts, AW_EVENT_TASK_RUNNING, task, 0, lane, NULL);
          foreign_record (f, ts + dur, AW_EVENT_TASK_COMPLETED, task, 0, lane, NULL);
          f->shown++;
        }
      else if (g_str_equal (ph, "B"))
        {
          GArray *stack = g_hash_table_lookup (f->stacks, GINT_TO_POINTER (tid));
          guint32 task = ++f->next_task;
          guint32 parent = 0;

          if (stack == NULL)
            {
              stack = g_array_new (FALSE, FALSE, sizeof (guint32));
              g_hash_table_insert (f->stacks, GINT_TO_POINTER (tid), stack);
            }
          if (stack->len > 0)
            parent = g_array_index (stack, guint32, stack->len - 1);
          g_array_append_val (stack, task);
          foreign_record (f, ts, AW_EVENT_TASK_CREATED, task, parent, lane, ev_name);
          foreign_record (f, ts, AW_EVENT_TASK_RUNNING, task, 0, lane, NULL);
          f->shown++;
        }
      else if (g_str_equal (ph, "E"))
        {
          GArray *stack = g_hash_table_lookup (f->stacks, GINT_TO_POINTER (tid));

          if (stack != NULL && stack->len > 0)
            {
              guint32 task = g_array_index (stack, guint32, stack->len - 1);

              g_array_set_size (stack, stack->len - 1);
              foreign_record (f, ts, AW_EVENT_TASK_COMPLETED, task, 0, lane, NULL);
            }
          else
            ignored[IGNORED_UNMATCHED_END]++;
        }
      else if (g_str_equal (ph, "b") || g_str_equal (ph, "e") || g_str_equal (ph, "S") || g_str_equal (ph, "F"))
        {
          g_autofree char *key = async_key (ev);
          GArray *open;

          if (key == NULL)
            {
              ignored[IGNORED_NO_ID]++;
              continue;
            }
          open = g_hash_table_lookup (f->open_async, key);
          if (g_str_equal (ph, "b") || g_str_equal (ph, "S"))
            {
              guint32 id = ++f->next_task;
              guint32 parent = 0;

              /* Nestable: a b inside an open b of the same track is its child. */
              if (open == NULL)
                {
                  open = g_array_new (FALSE, FALSE, sizeof (guint32));
                  g_hash_table_insert (f->open_async, g_steal_pointer (&key), open);
                }
              if (open->len > 0 && ph[0] == 'b')
                parent = g_array_index (open, guint32, open->len - 1);
              g_array_append_val (open, id);
              foreign_record (f, ts, AW_EVENT_TASK_CREATED, id, parent, lane, ev_name);
              foreign_record (f, ts, AW_EVENT_TASK_WAITING, id, 0, lane, NULL);
              f->shown++;
            }
          else if (open != NULL && open->len > 0)
            {
              /* An e closes the innermost open b of its track. */
              guint32 task = g_array_index (open, guint32, open->len - 1);

              g_array_set_size (open, open->len - 1);
              foreign_record (f, ts, AW_EVENT_TASK_COMPLETED, task, 0, lane, NULL);
            }
          else
            ignored[IGNORED_UNMATCHED_END]++;
        }
      else
        {
          foreign_record (f, ts, AW_EVENT_MARK, 0, 0, lane, ev_name);
          f->shown++;
        }
    }

  /* "412 events ignored: 400 sample events, 12 unmatched ends", most first. */
  for (guint i = 0; i < N_IGNORED; i++)
    n_ignored += ignored[i];
  if (n_ignored > 0)
    {
      GString *s = g_string_new (NULL);
      gboolean done[N_IGNORED] = { FALSE };

      g_string_append_printf (s, "%u %s ignored: ", n_ignored, n_ignored == 1 ? "event" : "events");
      for (guint k = 0; k < N_IGNORED; k++)
        {
          guint most = N_IGNORED;

          for (guint i = 0; i < N_IGNORED; i++)
            if (!done[i] && ignored[i] > 0 && (most == N_IGNORED || ignored[i] > ignored[most]))
              most = i;
          if (most == N_IGNORED)
            break;
          done[most] = TRUE;
          g_string_append_printf (s, "%s%u %s", k > 0 ? ", " : "", ignored[most],
                                  ignored_names[most][ignored[most] == 1 ? 0 : 1]);
        }
      summary = g_string_free (s, FALSE);
    }

  ret = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_unref);
  for (guint i = 0; i < order->len; i++)
    {
      Foreign *f = g_hash_table_lookup (by_pid, GINT_TO_POINTER (g_array_index (order, gint, i)));

      /* A process with only names (or only ignored events) is no run. */
      if (f->shown == 0)
        continue;
      foreign_record (f, f->last_ns, AW_EVENT_RUN_END, 0, 0, 0, "completed");
      aw_trace_merge (f->trace);
      g_ptr_array_add (ret, aw_trace_ref (f->trace));
    }

  if (ret->len == 0)
    {
      g_ptr_array_unref (ret);
      invalid (error, name, "nothing Awaitscope can show: no complete (X), duration (B/E), async (b/e) or "
               "instant (i) events with a time (\"ts\")%s%s", summary ? "; " : "", summary ? summary : "");
      return NULL;
    }
  if (ignored_out != NULL)
    *ignored_out = g_steal_pointer (&summary);
  return ret;
}

/* The JSON Array Format may end without its "]" (a trace cut off when
 * the program that wrote it stopped): such text gets it back, after any
 * trailing comma. Returns NULL for any other text. */
static char *
close_array (const char *data,
             gsize       length,
             gsize      *new_length)
{
  gsize start = 0, end = length;
  GString *s;

  while (start < length && g_ascii_isspace (data[start]))
    start++;
  while (end > start && g_ascii_isspace (data[end - 1]))
    end--;
  if (start == end || data[start] != '[' || data[end - 1] == ']')
    return NULL;
  if (data[end - 1] == ',')
    end--;
  s = g_string_new_len (data, end);
  g_string_append (s, "]");
  *new_length = s->len;
  return g_string_free (s, FALSE);
}

static GPtrArray *
load_parsed (JsonParser  *parser,
             const char  *name,
             char       **ignored,
             GError     **error)
{
  g_autoptr(GPtrArray) ret = NULL;
  JsonNode *root;
  JsonObject *object = NULL;
  JsonArray *events = NULL;
  JsonObject *other, *own;

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    events = json_node_get_array (root);   /* the JSON Array Format */
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *node;

      object = json_node_get_object (root);
      node = json_object_get_member (object, "traceEvents");
      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        events = json_node_get_array (node);
    }
  if (events == NULL)
    {
      invalid (error, name, "not a trace: expected Trace Event JSON (an object with a \"traceEvents\" array)");
      return NULL;
    }

  other = member_object (object, "otherData");
  own = member_object (other, "awaitscope");

  if (own != NULL)
    {
      JsonNode *traces = json_object_get_member (own, "traces");
      guint total = 0;

      if (member_int (own, "format", 0) != FORMAT_VERSION)
        {
          invalid (error, name, "saved by a version of Awaitscope whose format (%" G_GINT64_FORMAT ") this one does not read",
                   member_int (own, "format", 0));
          return NULL;
        }
      if (traces == NULL || !JSON_NODE_HOLDS_ARRAY (traces) || json_array_get_length (json_node_get_array (traces)) == 0)
        {
          invalid (error, name, "the saved log (otherData.awaitscope.traces) is missing or empty");
          return NULL;
        }
      /* Each run is a trace with buffers of its own. */
      if (json_array_get_length (json_node_get_array (traces)) > AW_TRACE_MAX_RUNS)
        {
          g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                       "%s: more than %d runs; a trace file may hold at most that many", name, AW_TRACE_MAX_RUNS);
          return NULL;
        }

      ret = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_unref);
      for (guint i = 0; i < json_array_get_length (json_node_get_array (traces)); i++)
        {
          JsonNode *raw = json_array_get_element (json_node_get_array (traces), i);
          AwTrace *trace;

          if (!JSON_NODE_HOLDS_OBJECT (raw))
            {
              invalid (error, name, "run %u of the saved log is not an object", i + 1);
              return NULL;
            }
          if (!(trace = load_own (json_node_get_object (raw), i, name, &total, error)))
            return NULL;
          g_ptr_array_add (ret, trace);
        }
      return g_steal_pointer (&ret);
    }

  return load_foreign (events, name, ignored, error);
}

/* The events of a Trace Event text, counted without parsing it: the
 * objects and arrays directly inside its events array (the top-level
 * array, or "traceEvents"), brackets inside strings left out. */
static guint64
count_events (const char *data,
              gsize       length)
{
  gboolean in_string = FALSE, escaped = FALSE;
  guint depth = 0, events_depth = 0;
  gsize key_start = 0, key_end = 0;   /* the last string at depth 1 */
  guint64 n = 0;

  for (gsize i = 0; i < length; i++)
    {
      char ch = data[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (ch == '\\')
            escaped = TRUE;
          else if (ch == '"')
            {
              in_string = FALSE;
              if (depth == 1)
                key_end = i;
            }
          continue;
        }
      if (ch == '"')
        {
          in_string = TRUE;
          if (depth == 1)
            key_start = i + 1;
        }
      else if (ch == '{' || ch == '[')
        {
          if (events_depth > 0 && depth == events_depth)
            n++;
          else if (depth == 0 && ch == '[')
            events_depth = 1;
          else if (depth == 1 && ch == '[' && key_end - key_start == strlen ("traceEvents") &&
                   memcmp (data + key_start, "traceEvents", key_end - key_start) == 0)
            events_depth = 2;
          depth++;
        }
      else if ((ch == '}' || ch == ']') && depth > 0)
        depth--;
    }
  return n;
}

/**
 * aw_traces_load_from_data_full:
 * @data: Trace Event JSON
 * @length: its length
 * @display_name: the file name for messages
 * @ignored: (out) (optional) (nullable): what was left out of a file from
 *   another tool, as "412 events ignored: 400 sample events, 12 unmatched
 *   ends", or %NULL if nothing was
 * @error: return location for an error naming the file and the problem
 *
 * Loads what aw_traces_to_json() saved, without loss, or the complete,
 * duration, async and instant events of a file from another tool (the
 * JSON Array Format may lack its closing bracket). A process with nothing
 * to show is left out; a file with nothing at all is an error.
 *
 * Returns: (transfer full) (element-type AwTrace) (nullable): the runs
 */
GPtrArray *
aw_traces_load_from_data_full (const char  *data,
                               gsize        length,
                               const char  *display_name,
                               char       **ignored,
                               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *closed = NULL;
  gsize closed_length = 0;
  const char *name = display_name ? display_name : "<trace>";

  if (ignored != NULL)
    *ignored = NULL;
  if (!aw_json_precheck (data, length, name, AW_TRACE_MAX_FILE_SIZE, AW_TRACE_MAX_JSON_DEPTH,
                         AW_TRACE_ERROR, AW_TRACE_ERROR_SYNTAX, AW_TRACE_ERROR_LIMIT, error))
    return NULL;
  /* Before json-glib builds a tree of it all. */
  if (count_events (data, length) > AW_TRACE_MAX_EVENTS)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                   "%s: more than %d events; a trace may hold at most that many", name, AW_TRACE_MAX_EVENTS);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* json-glib quotes the bad token cut to a number of bytes, which
       * may split a character: keep the message UTF-8. */
      g_autofree char *valid = g_utf8_make_valid (local_error->message, -1);
      const char *msg = valid;

      if ((closed = close_array (data, length, &closed_length)) != NULL &&
          json_parser_load_from_data (parser, closed, closed_length, NULL))
        return load_parsed (parser, name, ignored, error);

      if (g_str_has_prefix (msg, "<data>:"))
        msg += strlen ("<data>:");
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_SYNTAX, "%s:%s", name, msg);
      return NULL;
    }
  return load_parsed (parser, name, ignored, error);
}

/**
 * aw_traces_load_from_data:
 * @data: Trace Event JSON
 * @length: its length
 * @display_name: the file name for messages
 * @error: return location for an error naming the file and the problem
 *
 * As aw_traces_load_from_data_full(), without saying what was left out.
 *
 * Returns: (transfer full) (element-type AwTrace) (nullable): the runs
 */
GPtrArray *
aw_traces_load_from_data (const char  *data,
                          gsize        length,
                          const char  *display_name,
                          GError     **error)
{
  return aw_traces_load_from_data_full (data, length, display_name, NULL, error);
}

/* A gzip-compressed trace (.json.gz, as Chrome and Perfetto save them),
 * decompressed up to the size limit. */
static GBytes *
read_gzip (const char  *path,
           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GZlibDecompressor) gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) raw = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) local_error = NULL;
  guint8 buffer[65536];
  gssize n;

  raw = G_INPUT_STREAM (g_file_read (file, NULL, &local_error));
  if (raw == NULL)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_IO, "%s: cannot read the file: %s", path, local_error->message);
      return NULL;
    }
  in = g_converter_input_stream_new (raw, G_CONVERTER (gunzip));
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &local_error)) > 0)
    {
      if (out->len + (gsize) n > AW_TRACE_MAX_FILE_SIZE)
        {
          g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                       "%s: uncompressed, the trace is over %d bytes; traces may be at most that",
                       path, AW_TRACE_MAX_FILE_SIZE);
          return NULL;
        }
      g_byte_array_append (out, buffer, n);
    }
  if (n < 0)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_SYNTAX, "%s: cannot decompress the file: %s",
                   path, local_error->message);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * aw_traces_load_from_file_full:
 * @path: a trace file, gzip-compressed or not
 * @ignored: (out) (optional) (nullable): what was left out, see
 *   aw_traces_load_from_data_full()
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type AwTrace) (nullable): the runs
 */
GPtrArray *
aw_traces_load_from_file_full (const char  *path,
                               char       **ignored,
                               GError     **error)
{
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean too_large = FALSE;
  const guchar *data;
  gsize length;
  GStatBuf st;

  if (ignored != NULL)
    *ignored = NULL;
  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_IO, "%s: not a regular file", path);
      return NULL;
    }
  if (g_stat (path, &st) == 0 && (guint64) st.st_size > AW_TRACE_MAX_FILE_SIZE)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                   "%s: the file is %" G_GINT64_FORMAT " bytes; traces may be at most %d bytes",
                   path, (gint64) st.st_size, AW_TRACE_MAX_FILE_SIZE);
      return NULL;
    }
  /* Read, not mapped: a file cut short while it is read gives a short
   * read here, where a mapping would end the process with SIGBUS. */
  contents = aw_read_file_bounded (path, AW_TRACE_MAX_FILE_SIZE, &too_large, &local_error);
  if (too_large)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                   "%s: the file holds more than %d bytes; traces may be at most %d bytes",
                   path, AW_TRACE_MAX_FILE_SIZE, AW_TRACE_MAX_FILE_SIZE);
      return NULL;
    }
  if (contents == NULL)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_IO, "%s: cannot read the file: %s",
                   path, local_error->message);
      return NULL;
    }
  data = g_bytes_get_data (contents, &length);
  if (data == NULL)
    data = (const guchar *) "";

  /* gzip's magic number, whatever the file is called. */
  if (length >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    {
      g_autoptr(GBytes) text = read_gzip (path, error);
      gsize size;
      const char *chars;

      if (text == NULL)
        return NULL;
      chars = g_bytes_get_data (text, &size);
      return aw_traces_load_from_data_full (chars, size, path, ignored, error);
    }
  return aw_traces_load_from_data_full ((const char *) data, length, path, ignored, error);
}

/**
 * aw_traces_load_from_file:
 * @path: a trace file, gzip-compressed or not
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type AwTrace) (nullable): the runs
 */
GPtrArray *
aw_traces_load_from_file (const char  *path,
                          GError     **error)
{
  return aw_traces_load_from_file_full (path, NULL, error);
}
