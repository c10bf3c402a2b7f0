/* aw-trace-load.c: Trace Event JSON loaded, ours and other tools'
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file Awaitscope saved (aw-trace-io.c) loads from its
 * "otherData.awaitscope" face, the recorded log itself, without loss.
 * Files from other tools have only the Trace Event face: their complete,
 * duration (B/E), async (b/e, with id2 and scope) and instant events load
 * as tasks as far as they go, each process a run; what is left out is
 * counted by reason.
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
      /* Translators: %u is a run's number; "events", "lanes" and "strings" are the file's format
       * and stay as they are. */
      invalid (error, name, _("run %u of the saved log has no \"events\", \"lanes\" or \"strings\""), index + 1);
      return NULL;
    }
  if (json_array_get_length (lanes) > G_MAXUINT16)
    {
      /* Translators: %u is a run's number. */
      invalid (error, name, _("run %u has too many lanes"), index + 1);
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
                   _("%s: more than %d events; a trace may hold at most that many"), name, AW_TRACE_MAX_EVENTS);
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
          /* Translators: the first %u is an event's number, the second a run's; the bracket shows
           * the format's fields. */
          invalid (error, name, _("event %u of run %u is not [time, kind, task, parent, lane, text]"), i + 1, index + 1);
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
          /* Translators: the first %u is an event's number, the second a run's. */
          invalid (error, name, _("event %u of run %u has a value out of range or an unknown kind"), i + 1, index + 1);
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

/* "12 unmatched ends": a whole phrase, number included, so that each
 * language chooses its plural. */
static char *
ignored_phrase (Ignored why,
                guint   n)
{
  switch (why)
    {
    case IGNORED_SAMPLE:
      return g_strdup_printf (NG_("%u sample event", "%u sample events", n), n);
    case IGNORED_COUNTER:
      return g_strdup_printf (NG_("%u counter event", "%u counter events", n), n);
    case IGNORED_FLOW:
      return g_strdup_printf (NG_("%u flow event", "%u flow events", n), n);
    case IGNORED_OBJECT:
      return g_strdup_printf (NG_("%u object event", "%u object events", n), n);
    case IGNORED_UNMATCHED_END:
      /* Translators: a duration event's end (E) with no begin (B) before it. */
      return g_strdup_printf (NG_("%u unmatched end", "%u unmatched ends", n), n);
    case IGNORED_NO_TIME:
      return g_strdup_printf (NG_("%u event without a time", "%u events without a time", n), n);
    case IGNORED_NO_ID:
      return g_strdup_printf (NG_("%u async event without an id", "%u async events without an id", n), n);
    case IGNORED_OTHER:
    case N_IGNORED:
    default:
      return g_strdup_printf (NG_("%u event of another kind", "%u events of other kinds", n), n);
    }
}

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
                   _("%s: more than %d events; a trace may hold at most that many"), name, AW_TRACE_MAX_EVENTS);
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
          /* Translators: %s is a file name, %d the most processes allowed. */
          /* Each process becomes a run with buffers of its own. */
          g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                       _("%s: more than %d processes; a trace file may hold at most that many runs"),
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
      g_autoptr(GString) list = g_string_new (NULL);
      gboolean done[N_IGNORED] = { FALSE };

      for (guint k = 0; k < N_IGNORED; k++)
        {
          guint most = N_IGNORED;

          for (guint i = 0; i < N_IGNORED; i++)
            if (!done[i] && ignored[i] > 0 && (most == N_IGNORED || ignored[i] > ignored[most]))
              most = i;
          if (most == N_IGNORED)
            break;
          done[most] = TRUE;
          {
            g_autofree char *phrase = ignored_phrase (most, ignored[most]);

            if (k > 0)
              /* Translators: between the items of a list, as in "400 sample
               * events, 12 unmatched ends". */
              g_string_append (list, C_("list", ", "));
            g_string_append (list, phrase);
          }
        }
      /* Translators: %u is how many events were left out, %s the list of
       * why, as in "412 events ignored: 400 sample events, 12 unmatched ends". */
      summary = g_strdup_printf (NG_("%u event ignored: %s", "%u events ignored: %s", n_ignored),
                                 n_ignored, list->str);
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
      if (summary != NULL)
        /* Translators: X, B/E, b/e, i and "ts" are Trace Event format and
         * stay as they are; %s says which events were ignored, as in "412
         * events ignored: 400 sample events, 12 unmatched ends". */
        invalid (error, name, _("nothing Awaitscope can show: no complete (X), duration (B/E), async (b/e) or "
                                "instant (i) events with a time (\"ts\"); %s"), summary);
      else
        /* Translators: X, B/E, b/e, i and "ts" are Trace Event format and
         * stay as they are. */
        invalid (error, name, "%s", _("nothing Awaitscope can show: no complete (X), duration (B/E), async (b/e) or "
                                      "instant (i) events with a time (\"ts\")"));
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
      /* Translators: Trace Event JSON is a file format; "traceEvents" stays as it is. */
      invalid (error, name, _("not a trace: expected Trace Event JSON (an object with a \"traceEvents\" array)"));
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
          /* Translators: the number is the file's format version. */
          invalid (error, name, _("saved by a version of Awaitscope whose format (%" PRId64 ") this one does not read"),
                   member_int (own, "format", 0));
          return NULL;
        }
      if (traces == NULL || !JSON_NODE_HOLDS_ARRAY (traces) || json_array_get_length (json_node_get_array (traces)) == 0)
        {
          /* Translators: otherData.awaitscope.traces stays as it is. */
          invalid (error, name, _("the saved log (otherData.awaitscope.traces) is missing or empty"));
          return NULL;
        }
      /* Each run is a trace with buffers of its own. */
      if (json_array_get_length (json_node_get_array (traces)) > AW_TRACE_MAX_RUNS)
        {
          /* Translators: %s is a file name, %d the most runs allowed. */
          g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                       _("%s: more than %d runs; a trace file may hold at most that many"), name, AW_TRACE_MAX_RUNS);
          return NULL;
        }

      ret = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_unref);
      for (guint i = 0; i < json_array_get_length (json_node_get_array (traces)); i++)
        {
          JsonNode *raw = json_array_get_element (json_node_get_array (traces), i);
          AwTrace *trace;

          if (!JSON_NODE_HOLDS_OBJECT (raw))
            {
              /* Translators: %u is a run's number. */
              invalid (error, name, _("run %u of the saved log is not an object"), i + 1);
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
                   _("%s: more than %d events; a trace may hold at most that many"), name, AW_TRACE_MAX_EVENTS);
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
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_IO, _("%s: cannot read the file: %s"), path, local_error->message);
      return NULL;
    }
  in = g_converter_input_stream_new (raw, G_CONVERTER (gunzip));
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &local_error)) > 0)
    {
      if (out->len + (gsize) n > AW_TRACE_MAX_FILE_SIZE)
        {
          /* Translators: %s is a file name, %d the largest size allowed, in bytes. */
          g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                       _("%s: uncompressed, the trace is over %d bytes; traces may be at most that"),
                       path, AW_TRACE_MAX_FILE_SIZE);
          return NULL;
        }
      g_byte_array_append (out, buffer, n);
    }
  if (n < 0)
    {
      /* Translators: the first %s is a file name, the second the reason. */
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_SYNTAX, _("%s: cannot decompress the file: %s"),
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
      /* Translators: %s is a file name. */
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_IO, _("%s: not a regular file"), path);
      return NULL;
    }
  if (g_stat (path, &st) == 0 && (guint64) st.st_size > AW_TRACE_MAX_FILE_SIZE)
    {
      /* Translators: %s is a file name, then its size and the largest size allowed, in bytes. */
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                   _("%s: the file is %" PRId64 " bytes; traces may be at most %d bytes"),
                   path, (gint64) st.st_size, AW_TRACE_MAX_FILE_SIZE);
      return NULL;
    }
  /* Read, not mapped: a file cut short while it is read gives a short
   * read here, where a mapping would end the process with SIGBUS. */
  contents = aw_read_file_bounded (path, AW_TRACE_MAX_FILE_SIZE, &too_large, &local_error);
  if (too_large)
    {
      /* Translators: %s is a file name, then the largest size allowed twice, in bytes. */
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT,
                   _("%s: the file holds more than %d bytes; traces may be at most %d bytes"),
                   path, AW_TRACE_MAX_FILE_SIZE, AW_TRACE_MAX_FILE_SIZE);
      return NULL;
    }
  if (contents == NULL)
    {
      g_set_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_IO, _("%s: cannot read the file: %s"),
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
