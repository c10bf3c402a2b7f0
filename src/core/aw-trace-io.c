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

static void
add_common (JsonBuilder *b,
            const char  *ph,
            const char  *name,
            guint        pid,
            guint        tid,
            gint64       time_ns)
{
  json_builder_set_member_name (b, "ph");
  json_builder_add_string_value (b, ph);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name ? name : "");
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, pid);
  json_builder_set_member_name (b, "tid");
  json_builder_add_int_value (b, tid);
  json_builder_set_member_name (b, "ts");
  json_builder_add_double_value (b, time_ns / 1000.0);
}

static void
add_async (JsonBuilder *b,
           const char  *ph,
           const char  *name,
           guint        pid,
           guint        tid,
           gint64       time_ns,
           guint32      task,
           const char  *key,
           const char  *value)
{
  char id[32];

  g_snprintf (id, sizeof id, "0x%x", task);
  json_builder_begin_object (b);
  add_common (b, ph, name, pid, tid, time_ns);
  json_builder_set_member_name (b, "cat");
  json_builder_add_string_value (b, "task");
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  if (key != NULL)
    {
      json_builder_set_member_name (b, "args");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, key);
      json_builder_add_string_value (b, value ? value : "");
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
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

static void
add_trace_events (JsonBuilder *b,
                  AwTrace     *trace,
                  guint        pid)
{
  g_autoptr(AwTraceModel) model = aw_trace_model_new (trace);
  g_autofree char *process = NULL;
  const AwTaskInfo *tasks;
  const AwSpan *spans;
  const AwMarker *markers;
  guint n_tasks, n_spans, n_markers;
  gint64 begin = aw_trace_model_get_begin_ns (model);
  const char *scenario = aw_trace_get_metadata (trace, "scenario_title");
  const char *variant = aw_trace_get_metadata (trace, "variant_title");

  process = g_strdup_printf ("%s%s%s", scenario ? scenario : "Awaitscope",
                             variant ? ": " : "", variant ? variant : "");
  json_builder_begin_object (b);
  add_common (b, "M", "process_name", pid, 0, 0);
  json_builder_set_member_name (b, "args");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, process);
  json_builder_end_object (b);
  json_builder_end_object (b);

  for (guint lane = 0; lane < aw_trace_get_n_lanes (trace); lane++)
    {
      json_builder_begin_object (b);
      add_common (b, "M", "thread_name", pid, lane + 1, 0);
      json_builder_set_member_name (b, "args");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, aw_trace_get_lane_name (trace, lane));
      json_builder_end_object (b);
      json_builder_end_object (b);
    }

  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  spans = aw_trace_model_get_spans (model, &n_spans);
  for (guint i = 0; i < n_tasks; i++)
    {
      const AwTaskInfo *t = &tasks[i];
      gint64 end = t->end_ns >= 0 ? t->end_ns : aw_trace_model_get_end_ns (model);
      char parent_id[32];

      g_snprintf (parent_id, sizeof parent_id, "0x%x", t->parent);
      add_async (b, "b", t->name, pid, 1, t->created_ns - begin, t->id, "parent",
                 t->parent ? parent_id : NULL);
      for (guint s = t->first_span; s < t->first_span + t->n_spans; s++)
        {
          add_async (b, "b", phase_name (spans[s].phase), pid, spans[s].lane + 1,
                     spans[s].start_ns - begin, t->id, NULL, NULL);
          add_async (b, "e", phase_name (spans[s].phase), pid, spans[s].lane + 1,
                     spans[s].end_ns - begin, t->id, NULL, NULL);
        }
      add_async (b, "e", t->name, pid, 1, end - begin, t->id, "outcome",
                 t->error ? t->error : t->sync ? "completed synchronously" : aw_outcome_to_string (t->outcome));

      /* The completion resumed the parent's continuation. */
      if (t->parent != 0 && t->end_ns >= 0 && !t->sync)
        {
          char id[32];

          g_snprintf (id, sizeof id, "0x%x", t->id);
          json_builder_begin_object (b);
          add_common (b, "s", "continuation", pid, 1, t->end_ns - begin);
          json_builder_set_member_name (b, "cat");
          json_builder_add_string_value (b, "await");
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, id);
          json_builder_end_object (b);
          json_builder_begin_object (b);
          add_common (b, "f", "continuation", pid, 1, t->end_ns - begin);
          json_builder_set_member_name (b, "cat");
          json_builder_add_string_value (b, "await");
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, id);
          json_builder_set_member_name (b, "bp");
          json_builder_add_string_value (b, "e");
          json_builder_end_object (b);
        }
    }

  /* Each thread's busy intervals. */
  for (guint lane = 0; lane < aw_trace_model_get_n_lanes (model); lane++)
    {
      guint n;
      const AwSpan *busy = aw_trace_model_get_lane_busy (model, lane, &n);

      for (guint i = 0; i < n; i++)
        {
          const AwTaskInfo *t = aw_trace_model_find_task (model, busy[i].task);

          json_builder_begin_object (b);
          add_common (b, "X", t ? t->name : "work", pid, lane + 1, busy[i].start_ns - begin);
          json_builder_set_member_name (b, "dur");
          json_builder_add_double_value (b, aw_span_duration (&busy[i]) / 1000.0);
          json_builder_end_object (b);
        }
    }

  markers = aw_trace_model_get_markers (model, &n_markers);
  for (guint i = 0; i < n_markers; i++)
    {
      const char *name = aw_marker_get_label (&markers[i]);

      json_builder_begin_object (b);
      add_common (b, "i", name, pid, 1, markers[i].time_ns - begin);
      json_builder_set_member_name (b, "s");
      json_builder_add_string_value (b, "p");
      if (markers[i].text != NULL)
        {
          json_builder_set_member_name (b, "args");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "text");
          json_builder_add_string_value (b, markers[i].text);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
}

static void
add_raw_log (JsonBuilder *b,
             AwTrace     *trace)
{
  g_autoptr(GList) keys = NULL;
  const AwEvent *events;
  guint n;

  aw_trace_merge (trace);
  events = aw_trace_get_events (trace, &n);

  json_builder_begin_object (b);

  /* Sorted, so that the same trace is always the same file. */
  json_builder_set_member_name (b, "metadata");
  json_builder_begin_object (b);
  keys = g_list_sort (g_hash_table_get_keys (aw_trace_get_all_metadata (trace)), (GCompareFunc) strcmp);
  for (const GList *l = keys; l != NULL; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_string_value (b, aw_trace_get_metadata (trace, l->data));
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "lanes");
  json_builder_begin_array (b);
  for (guint i = 0; i < aw_trace_get_n_lanes (trace); i++)
    json_builder_add_string_value (b, aw_trace_get_lane_name (trace, i) ? aw_trace_get_lane_name (trace, i) : "");
  json_builder_end_array (b);

  json_builder_set_member_name (b, "strings");
  json_builder_begin_array (b);
  for (guint i = 1; i < aw_trace_get_n_strings (trace); i++)
    json_builder_add_string_value (b, aw_trace_get_string (trace, i));
  json_builder_end_array (b);

  /* [time_ns, kind, task, parent, lane, string id] */
  json_builder_set_member_name (b, "events");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      json_builder_begin_array (b);
      json_builder_add_int_value (b, events[i].time_ns);
      json_builder_add_string_value (b, aw_event_kind_to_string (events[i].kind));
      json_builder_add_int_value (b, events[i].task);
      json_builder_add_int_value (b, events[i].parent);
      json_builder_add_int_value (b, events[i].lane);
      json_builder_add_int_value (b, events[i].str);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);

  json_builder_end_object (b);
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
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize length;
  char *text;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "displayTimeUnit");
  json_builder_add_string_value (b, "ms");
  json_builder_set_member_name (b, "traceEvents");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_traces; i++)
    add_trace_events (b, traces[i], i + 1);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "otherData");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "awaitscope");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_int_value (b, FORMAT_VERSION);
  json_builder_set_member_name (b, "traces");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_traces; i++)
    add_raw_log (b, traces[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &length);
  return g_bytes_new_take (text, length);
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
 * Returns: %TRUE if the file was written
 */
gboolean
aw_traces_save (AwTrace    **traces,
                guint        n_traces,
                const char  *path,
                GError     **error)
{
  g_autoptr(GBytes) bytes = aw_traces_to_json (traces, n_traces);

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
  GHashTable *open_async; /* "cat/id" -> task id */
  GHashTable *stacks;     /* tid -> GArray of task ids (B/E) */
  guint32     next_task;
  gint64      first_us;
  gint64      last_ns;
} Foreign;

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

/* Plain Trace Event files from other tools: tasks from X, B/E and b/e. */
static GPtrArray *
load_foreign (JsonArray   *events,
              const char  *name,
              GError     **error)
{
  g_autoptr(GHashTable) by_pid = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) foreign_free);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (gint));
  GPtrArray *ret;
  gint64 min_ts = G_MAXINT64;
  guint used = 0;

  if (json_array_get_length (events) > AW_TRACE_MAX_EVENTS)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                   "%s: more than %d events; a trace may hold at most that many", name, AW_TRACE_MAX_EVENTS);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);
      gint64 ts;

      if (JSON_NODE_HOLDS_OBJECT (node) && (ts = foreign_ts (json_node_get_object (node), "ts")) != G_MININT64)
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
        continue;
      ev = json_node_get_object (node);
      ph = member_string (ev, "ph", "");
      ev_name = member_string (ev, "name", "event");
      pid = (gint) CLAMP (member_int (ev, "pid", 0), G_MININT, G_MAXINT);
      tid = (gint) CLAMP (member_int (ev, "tid", 0), G_MININT, G_MAXINT);
      ts = foreign_ts (ev, "ts");

      f = g_hash_table_lookup (by_pid, GINT_TO_POINTER (pid));
      if (f == NULL)
        {
          f = g_new0 (Foreign, 1);
          f->trace = aw_trace_new ();
          f->lanes = g_hash_table_new (NULL, NULL);
          f->open_async = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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
      if (ts == G_MININT64)
        continue;
      ts -= min_ts;
      lane = foreign_lane (f, tid);
      used++;

      if (g_str_equal (ph, "X"))
        {
          guint32 task = ++f->next_task;

          dur = foreign_ts (ev, "dur");
          if (dur == G_MININT64 || dur < 0)
            dur = 0;
          foreign_record (f, ts, AW_EVENT_TASK_CREATED, task, 0, lane, ev_name);
          foreign_record (f, ts, AW_EVENT_TASK_RUNNING, task, 0, lane, NULL);
          foreign_record (f, ts + dur, AW_EVENT_TASK_COMPLETED, task, 0, lane, NULL);
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
        }
      else if (g_str_equal (ph, "b") || g_str_equal (ph, "e") || g_str_equal (ph, "S") || g_str_equal (ph, "F"))
        {
          JsonNode *id_node = json_object_get_member (ev, "id");
          g_autofree char *key = NULL;
          gpointer task;

          if (id_node == NULL || !JSON_NODE_HOLDS_VALUE (id_node))
            continue;
          key = node_string (id_node) != NULL
            ? g_strdup_printf ("%s/%s/%s", member_string (ev, "cat", ""), node_string (id_node), ev_name)
            : g_strdup_printf ("%s/%" G_GINT64_FORMAT "/%s", member_string (ev, "cat", ""),
                               member_int (ev, "id", 0), ev_name);
          if (g_str_equal (ph, "b") || g_str_equal (ph, "S"))
            {
              guint32 id = ++f->next_task;

              g_hash_table_replace (f->open_async, g_steal_pointer (&key), GUINT_TO_POINTER (id));
              foreign_record (f, ts, AW_EVENT_TASK_CREATED, id, 0, lane, ev_name);
              foreign_record (f, ts, AW_EVENT_TASK_WAITING, id, 0, lane, NULL);
            }
          else if ((task = g_hash_table_lookup (f->open_async, key)) != NULL)
            {
              foreign_record (f, ts, AW_EVENT_TASK_COMPLETED, GPOINTER_TO_UINT (task), 0, lane, NULL);
              g_hash_table_remove (f->open_async, key);
            }
        }
      else if (g_str_equal (ph, "i") || g_str_equal (ph, "I") || g_str_equal (ph, "n"))
        foreign_record (f, ts, AW_EVENT_MARK, 0, 0, lane, ev_name);
    }

  if (used == 0)
    {
      invalid (error, name, "no events with a time (\"ts\") that Awaitscope can show");
      return NULL;
    }

  ret = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_unref);
  for (guint i = 0; i < order->len; i++)
    {
      Foreign *f = g_hash_table_lookup (by_pid, GINT_TO_POINTER (g_array_index (order, gint, i)));

      foreign_record (f, f->last_ns, AW_EVENT_RUN_END, 0, 0, 0, "completed");
      aw_trace_merge (f->trace);
      g_ptr_array_add (ret, aw_trace_ref (f->trace));
    }
  return ret;
}

/**
 * aw_traces_load_from_data:
 * @data: Trace Event JSON
 * @length: its length
 * @display_name: the file name for messages
 * @error: return location for an error naming the file and the problem
 *
 * Loads what aw_traces_to_json() saved, without loss, or the complete,
 * duration and async events of a file from another tool.
 *
 * Returns: (transfer full) (element-type AwTrace) (nullable): the runs
 */
GPtrArray *
aw_traces_load_from_data (const char  *data,
                          gsize        length,
                          const char  *display_name,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) ret = NULL;
  const char *name = display_name ? display_name : "<trace>";
  JsonNode *root;
  JsonObject *object = NULL;
  JsonArray *events = NULL;
  JsonObject *other, *own;

  if (!aw_json_precheck (data, length, name, AW_TRACE_MAX_FILE_SIZE, AW_TRACE_MAX_JSON_DEPTH,
                         AW_TRACE_ERROR, AW_TRACE_ERROR_SYNTAX, AW_TRACE_ERROR_LIMIT, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* json-glib quotes the bad token cut to a number of bytes, which
       * may split a character: keep the message UTF-8. */
      g_autofree char *valid = g_utf8_make_valid (local_error->message, -1);
      const char *msg = valid;

      if (g_str_has_prefix (msg, "<data>:"))
        msg += strlen ("<data>:");
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_SYNTAX, "%s:%s", name, msg);
      return NULL;
    }

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

  return load_foreign (events, name, error);
}

/**
 * aw_traces_load_from_file:
 * @path: a trace file
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type AwTrace) (nullable): the runs
 */
GPtrArray *
aw_traces_load_from_file (const char  *path,
                          GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

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
  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_IO, "%s: cannot read the file: %s",
                   path, local_error->message);
      return NULL;
    }
  return aw_traces_load_from_data (g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped),
                                   path, error);
}
