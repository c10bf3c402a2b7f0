/* aw-trace-io.c: traces saved as Trace Event JSON (aw-trace-load.c loads them back)
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

#include "aw-i18n.h"

#include "aw-trace-io.h"
#include "aw-trace-io-private.h"

#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "aw-file-util.h"
#include "aw-json.h"
#include "aw-trace-model.h"

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
  g_autoptr(GBytes) bytes = NULL;
  guint64 at_least = 0;

  /* Every event takes at least MIN_EVENT_BYTES in the file (its entry in
   * the raw log, `,\n[0,"frame",0,0,0,0]`) and every task MIN_TASK_BYTES
   * more (its Trace Event "b" entry): a trace certain to be over the limit
   * is refused before it is written out in memory, which for a run of a
   * million tasks cost over a GiB for nothing. */
#define MIN_EVENT_BYTES 20
#define MIN_TASK_BYTES 70
  for (guint i = 0; i < n_traces; i++)
    {
      guint n;
      const AwEvent *events = aw_trace_get_events (traces[i], &n);

      at_least += (guint64) n * MIN_EVENT_BYTES;
      for (guint k = 0; k < n; k++)
        if (events[k].kind == AW_EVENT_TASK_CREATED)
          at_least += MIN_TASK_BYTES;
    }
  if (at_least > AW_TRACE_MAX_FILE_SIZE)
    {
      /* Translators: %s is a file name, then two sizes in MiB. */
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                   _("%s: not written: the trace would be more than %" PRIu64 " MiB, and traces "
                     "load back only up to %d MiB (record fewer tasks or fewer variants)"),
                   path, (guint64) (at_least >> 20), AW_TRACE_MAX_FILE_SIZE >> 20);
      return FALSE;
    }

  bytes = aw_traces_to_json (traces, n_traces);
  if (g_bytes_get_size (bytes) > AW_TRACE_MAX_FILE_SIZE)
    {
      /* Translators: %s is a file name, then two sizes in MiB. */
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                   _("%s: not written: the trace would be %" PRIu64 " MiB, and traces "
                     "load back only up to %d MiB (record fewer tasks or fewer variants)"),
                   path, (guint64) ((g_bytes_get_size (bytes) + (1 << 20) - 1) >> 20), AW_TRACE_MAX_FILE_SIZE >> 20);
      return FALSE;
    }
  return aw_write_file_atomic (path, bytes, error);
}
