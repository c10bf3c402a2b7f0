/* test-trace-io.c: what we save we load back; other tools' traces load too
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "aw-catalog.h"
#include "aw-clock.h"
#include "aw-runner.h"
#include "aw-trace-io.h"
#include "aw-trace-model.h"

static AwTrace *
real_run (const char *id,
          guint       variant)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) scenario = aw_catalog_lookup (id, &error);
  g_autoptr(AwRunner) runner = NULL;
  AwRunOptions options;

  g_assert_no_error (error);
  aw_run_options_init (&options);
  options.speed = 8;
  options.heartbeat_ms = 10;
  options.wait_deadline_ms = 300;
  runner = aw_runner_new (scenario, variant, &options);
  g_assert_true (aw_runner_run_sync (runner, &error));
  return aw_trace_ref (aw_runner_get_trace (runner));
}

static void
assert_same_trace (AwTrace *a,
                   AwTrace *b)
{
  const AwEvent *ea, *eb;
  guint na, nb;
  GHashTableIter iter;
  gpointer key, value;

  ea = aw_trace_get_events (a, &na);
  eb = aw_trace_get_events (b, &nb);
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    {
      g_assert_cmpint (ea[i].time_ns, ==, eb[i].time_ns);
      g_assert_cmpuint (ea[i].kind, ==, eb[i].kind);
      g_assert_cmpuint (ea[i].task, ==, eb[i].task);
      g_assert_cmpuint (ea[i].parent, ==, eb[i].parent);
      g_assert_cmpuint (ea[i].lane, ==, eb[i].lane);
      g_assert_cmpstr (aw_trace_get_string (a, ea[i].str), ==, aw_trace_get_string (b, eb[i].str));
    }
  g_assert_cmpuint (aw_trace_get_n_lanes (a), ==, aw_trace_get_n_lanes (b));
  for (guint i = 0; i < aw_trace_get_n_lanes (a); i++)
    g_assert_cmpstr (aw_trace_get_lane_name (a, i), ==, aw_trace_get_lane_name (b, i));
  g_hash_table_iter_init (&iter, aw_trace_get_all_metadata (a));
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (aw_trace_get_metadata (b, key), ==, value);
}

/* Export, then import: every event, string, lane and metadata comes back. */
static void
test_round_trip (void)
{
  const struct { const char *id; guint variant; } runs[] = {
    { "when-all", 0 }, { "when-all", 1 }, { "cancel", 0 }, { "deadlock", 0 }, { "deadlock", 1 },
  };
  AwTrace *traces[G_N_ELEMENTS (runs)];
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data;

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    traces[i] = real_run (runs[i].id, runs[i].variant);

  json = aw_traces_to_json (traces, G_N_ELEMENTS (runs));
  data = g_bytes_get_data (json, &size);
  loaded = aw_traces_load_from_data (data, size, "round-trip.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, G_N_ELEMENTS (runs));
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    assert_same_trace (traces[i], g_ptr_array_index (loaded, i));

  /* Saving what was loaded gives the same file again. */
  again = aw_traces_to_json ((AwTrace **) loaded->pdata, loaded->len);
  g_assert_true (g_bytes_equal (json, again));

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    aw_trace_unref (traces[i]);
}

/* The Trace Event face: one async track per task, thread slices, instants,
 * names, microseconds. */
static void
test_trace_event_format (void)
{
  g_autoptr(AwTrace) trace = real_run ("cancel", 0);
  g_autoptr(AwTraceModel) model = aw_trace_model_new (trace);
  g_autoptr(GBytes) json = aw_trace_to_json (trace);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) begins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *events;
  guint n_tasks, x = 0, instants = 0, thread_names = 0, process_names = 0, flows = 0;
  double last_ts = 0;

  aw_trace_model_get_tasks (model, &n_tasks);
  json_parser_load_from_data (parser, g_bytes_get_data (json, NULL), g_bytes_get_size (json), &error);
  g_assert_no_error (error);
  events = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "traceEvents");

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      const char *ph = json_object_get_string_member (e, "ph");

      if (g_str_equal (ph, "b") && g_str_equal (json_object_get_string_member (e, "cat"), "task"))
        g_hash_table_add (begins, g_strdup (json_object_get_string_member (e, "id")));
      else if (g_str_equal (ph, "X"))
        x++;
      else if (g_str_equal (ph, "i"))
        instants++;
      else if (g_str_equal (ph, "s"))
        flows++;
      else if (g_str_equal (ph, "M") && g_str_equal (json_object_get_string_member (e, "name"), "thread_name"))
        thread_names++;
      else if (g_str_equal (ph, "M"))
        process_names++;
      if (!g_str_equal (ph, "M"))
        last_ts = MAX (last_ts, json_object_get_double_member (e, "ts"));
    }

  g_assert_cmpuint (g_hash_table_size (begins), ==, n_tasks);
  g_assert_cmpuint (x, >=, 1);            /* the worker's busy interval */
  g_assert_cmpuint (instants, >=, 1);     /* the cancel request */
  g_assert_cmpuint (flows, >=, 1);
  g_assert_cmpuint (thread_names, ==, aw_trace_get_n_lanes (trace));
  g_assert_cmpuint (process_names, ==, 1);
  /* Microseconds: a 500 ms deadline at speed 8 ends near 62,500 µs. */
  g_assert_cmpfloat (last_ts, >, 50000);
  g_assert_cmpfloat (last_ts, <, 200000);
}

/* The Trace Event face of @json, parsed. */
static JsonArray *
trace_events (JsonParser *parser,
              GBytes     *json)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (json, NULL), g_bytes_get_size (json), &error);
  g_assert_no_error (error);
  return json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "traceEvents");
}

static AwTrace *
simulated_run (const char *id,
               guint       variant)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) scenario = aw_catalog_lookup (id, &error);
  AwRunOptions options;

  g_assert_no_error (error);
  aw_run_options_init (&options);
  return aw_clock_simulate (scenario, variant, &options);
}

/* Ids are global in the Trace Event Format: every run of a multi-variant
 * export has its own, so no reader pairs a b of one run with an e of
 * another, and every b has its e in its own run. */
static void
test_ids_unique (void)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_unref);
  g_autoptr(GBytes) json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) pid_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *events;
  guint begins = 0;

  for (guint v = 0; v < 4; v++)
    g_ptr_array_add (runs, simulated_run ("workflow", v));
  json = aw_traces_to_json ((AwTrace **) runs->pdata, runs->len);
  events = trace_events (parser, json);

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      const char *ph = json_object_get_string_member (e, "ph");
      gint64 pid = json_object_get_int_member (e, "pid");
      const char *id;
      gpointer seen;

      if (!g_str_equal (ph, "b") && !g_str_equal (ph, "e"))
        continue;
      id = json_object_get_string_member (e, "id");
      seen = g_hash_table_lookup (pid_of, id);
      if (seen != NULL && GPOINTER_TO_INT (seen) != pid)
        g_error ("task id %s is used by runs %d and %" G_GINT64_FORMAT, id, GPOINTER_TO_INT (seen), pid);
      g_hash_table_insert (pid_of, g_strdup (id), GINT_TO_POINTER ((gint) pid));
      /* Nested b/e on one id: a depth per id that never goes negative. */
      {
        gint depth = GPOINTER_TO_INT (g_hash_table_lookup (open, id)) + (g_str_equal (ph, "b") ? 1 : -1);

        g_assert_cmpint (depth, >=, 0);
        g_hash_table_insert (open, g_strdup (id), GINT_TO_POINTER (depth));
      }
      begins += g_str_equal (ph, "b");
    }
  g_assert_cmpuint (begins, >, 20);
  {
    GHashTableIter iter;
    gpointer key, value;
    GHashTable *pids = g_hash_table_new (NULL, NULL);

    g_hash_table_iter_init (&iter, open);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_assert_cmpint (GPOINTER_TO_INT (value), ==, 0);
    g_hash_table_iter_init (&iter, pid_of);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_add (pids, value);
    g_assert_cmpuint (g_hash_table_size (pids), ==, 4);
    g_hash_table_unref (pids);
  }
}

/* Every flow's start and end sit on a thread slice of their own thread:
 * at its start with its category (how Chrome DevTools binds them), inside
 * it (how Perfetto and chrome://tracing do), the end after the start. */
static void
assert_flows_bound (JsonArray *events,
                    guint     *n_flows)
{
  g_autoptr(GHashTable) slices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) starts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint ends = 0;

  *n_flows = 0;
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);

      if (g_str_equal (json_object_get_string_member (e, "ph"), "X"))
        {
          g_autofree char *key = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%.3f",
                                                  json_object_get_string_member (e, "cat"),
                                                  json_object_get_int_member (e, "pid"),
                                                  json_object_get_int_member (e, "tid"),
                                                  json_object_get_double_member (e, "ts"));
          g_hash_table_insert (slices, g_steal_pointer (&key), GINT_TO_POINTER (1));
        }
    }
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      const char *ph = json_object_get_string_member (e, "ph");
      g_autofree char *key = NULL;

      if (!g_str_equal (ph, "s") && !g_str_equal (ph, "f"))
        continue;
      key = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%.3f",
                             json_object_get_string_member (e, "cat"),
                             json_object_get_int_member (e, "pid"),
                             json_object_get_int_member (e, "tid"),
                             json_object_get_double_member (e, "ts"));
      if (!g_hash_table_contains (slices, key))
        g_error ("flow %s %s is on no slice (%s)", ph, json_object_get_string_member (e, "id"), key);
      if (g_str_equal (ph, "s"))
        {
          g_hash_table_insert (starts, g_strdup (json_object_get_string_member (e, "id")),
                               g_memdup2 (&(double) { json_object_get_double_member (e, "ts") }, sizeof (double)));
          (*n_flows)++;
        }
      else
        {
          double *start = g_hash_table_lookup (starts, json_object_get_string_member (e, "id"));

          g_assert_nonnull (start);
          /* Strictly after: DevTools keys a flow's events by their time,
           * so ends at one time make a flow of one event, which it drops. */
          g_assert_cmpfloat (*start, <, json_object_get_double_member (e, "ts"));
          g_assert_cmpstr (json_object_get_string_member (e, "bp"), ==, "e");
          ends++;
        }
    }
  g_assert_cmpuint (ends, ==, *n_flows);
}

static void
test_flows_bound (void)
{
  const struct { const char *id; guint variant; } runs[] = {
    { "workflow", 0 }, { "when-all", 1 }, { "io-vs-cpu", 1 }, { "fire-and-forget", 0 },
  };

  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      g_autoptr(AwTrace) trace = simulated_run (runs[r].id, runs[r].variant);
      g_autoptr(GBytes) json = aw_trace_to_json (trace);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonArray *events = trace_events (parser, json);
      guint n_flows;

      assert_flows_bound (events, &n_flows);
      g_test_message ("%s/%u: %u flows", runs[r].id, runs[r].variant, n_flows);
      g_assert_cmpuint (n_flows, >=, 1);
      if (g_str_equal (runs[r].id, "fire-and-forget"))
        {
          g_autoptr(AwTraceModel) model = aw_trace_model_new (trace);
          const AwTaskInfo *tasks;
          guint n;

          /* The task nobody awaits resumes nothing: no arrow from it. */
          tasks = aw_trace_model_get_tasks (model, &n);
          for (guint i = 0; i < n; i++)
            if (g_str_equal (tasks[i].name, "SaveDraftAsync"))
              {
                g_autofree char *id = g_strdup_printf ("\"id\":\"0x1%08x\"", tasks[i].id);
                g_autofree char *text = g_strndup (g_bytes_get_data (json, NULL), g_bytes_get_size (json));
                char *at = text;

                while ((at = strstr (at, id)) != NULL)
                  {
                    /* Its b/e carry "cat":"task"; a flow would carry "thread". */
                    g_assert_null (g_strstr_len (at - 40, 40, "\"cat\":\"thread\""));
                    at++;
                  }
              }
        }
    }
}

/* An await of a task that was already over does not suspend, so no
 * continuation runs and no arrow is drawn: 10,000 awaits of
 * Task.FromResult (needless-async), a List.ForEach of async lambdas that
 * returns at once (async-void), 1,000 awaits of a cache that mostly hits
 * (valuetask: only the misses waited). */
static void
test_flows_only_after_waiting (void)
{
  const struct { const char *id; guint variant; guint min, max; } runs[] = {
    { "needless-async", 0, 0, 0 },
    { "needless-async", 1, 0, 0 },
    { "async-void", 1, 1, 1 },
    { "valuetask", 0, 1, 999 },
  };

  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      g_autoptr(AwTrace) trace = simulated_run (runs[r].id, runs[r].variant);
      g_autoptr(GBytes) json = aw_trace_to_json (trace);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonArray *events = trace_events (parser, json);
      guint n_flows;

      assert_flows_bound (events, &n_flows);
      g_test_message ("%s/%u: %u flows", runs[r].id, runs[r].variant, n_flows);
      g_assert_cmpuint (n_flows, >=, runs[r].min);
      g_assert_cmpuint (n_flows, <=, runs[r].max);
    }
}

/* A name with a control character (U+001F) is escaped, the file is strict
 * JSON (Python's reader as the independent judge) and the name comes
 * back; times are microseconds with at most three decimals. */
static void
test_strict_json (void)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) times = g_regex_new ("\"(ts|dur)\":(-?[0-9.eE+-]+)", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autoptr(AwTraceModel) model = NULL;
  const char *name = "save\x1f" "draft\x01";
  const AwEvent events[] = {
    { 0, 0, 0, aw_trace_intern (trace, "unit"), AW_EVENT_RUN_BEGIN, 0 },
    { 1000, 1, 0, aw_trace_intern (trace, name), AW_EVENT_TASK_CREATED, 0 },
    { 1000, 1, 0, 0, AW_EVENT_TASK_RUNNING, 0 },
    { 33666, 1, 0, 0, AW_EVENT_TASK_COMPLETED, 0 },
    { 33666, 0, 0, aw_trace_intern (trace, "completed"), AW_EVENT_RUN_END, 0 },
  };
  const char *data;
  gsize size;
  guint n_times = 0, n_tasks;

  aw_trace_set_lane_name (trace, 0, "UI\x1f thread");
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    aw_trace_append_event (trace, &events[i]);
  json = aw_trace_to_json (trace);
  data = g_bytes_get_data (json, &size);

  for (gsize i = 0; i < size; i++)
    if ((guchar) data[i] < 0x20 && data[i] != '\n')
      g_error ("a raw control character (0x%02x) at byte %" G_GSIZE_FORMAT, data[i], i);
  g_assert_nonnull (g_strstr_len (data, size, "save\\u001fdraft\\u0001"));

  g_regex_match_full (times, data, size, 0, 0, &match, NULL);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL), n_times++)
    {
      g_autofree char *value = g_match_info_fetch (match, 2);
      const char *dot = strchr (value, '.');

      if (strpbrk (value, "eE") != NULL || (dot != NULL && strlen (dot + 1) > 3))
        g_error ("a time written as %s", value);
    }
  g_assert_cmpuint (n_times, >=, 4);
  /* The task ends 33,666 ns in, after running 32,666 ns. */
  g_assert_nonnull (g_strstr_len (data, size, "\"ts\":33.666"));
  g_assert_nonnull (g_strstr_len (data, size, "\"dur\":32.666"));

  if (python != NULL)
    {
      g_autofree char *path = g_build_filename (g_get_tmp_dir (), "aw-strict-XXXXXX.json", NULL);
      g_autofree char *err = NULL;
      int fd = g_mkstemp (path), status = -1;
      const char *argv[] = { python, "-c", "import json, sys; json.load(open(sys.argv[1], encoding='utf-8'))", path, NULL };

      g_assert_cmpint (fd, >=, 0);
      close (fd);
      g_assert_true (g_file_set_contents (path, data, size, NULL));
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status, NULL));
      g_unlink (path);
      if (!g_spawn_check_wait_status (status, NULL))
        g_error ("python3 refuses the file: %s", err);
    }
  else
    g_test_message ("no python3: the strict reader was not run");

  loaded = aw_traces_load_from_data (data, size, "strict.json", &error);
  g_assert_no_error (error);
  model = aw_trace_model_new (g_ptr_array_index (loaded, 0));
  g_assert_cmpstr (aw_trace_model_get_tasks (model, &n_tasks)[0].name, ==, name);
  g_assert_cmpstr (aw_trace_get_lane_name (g_ptr_array_index (loaded, 0), 0), ==, "UI\x1f thread");
}

static void
test_foreign (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "traces", "foreign.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = aw_traces_load_from_file (path, &error);
  g_autoptr(AwTraceModel) model = NULL;
  const AwTaskInfo *tasks;
  guint n;

  g_assert_no_error (error);
  g_assert_cmpuint (traces->len, ==, 1);
  model = aw_trace_model_new (g_ptr_array_index (traces, 0));
  tasks = aw_trace_model_get_tasks (model, &n);
  /* X, two nested B/E, one async b/e. */
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpstr (tasks[0].name, ==, "compile a.c");
  g_assert_cmpint (tasks[0].end_ns - tasks[0].created_ns, ==, 250000 * 1000);
  g_assert_cmpstr (aw_trace_get_metadata (g_ptr_array_index (traces, 0), "variant_title"), ==, "A build");
  g_assert_cmpstr (aw_trace_get_lane_name (g_ptr_array_index (traces, 0), tasks[0].lane), ==, "compiler");
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (tasks[i].outcome, ==, AW_OUTCOME_COMPLETED);
      if (g_str_equal (tasks[i].name, "resolve symbols"))
        g_assert_cmpuint (tasks[i].depth, ==, 1);
    }
}

static GPtrArray *
load_fixture (const char  *file,
              char       **ignored)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "traces", file, NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *traces = aw_traces_load_from_file_full (path, ignored, &error);

  g_assert_no_error (error);
  g_assert_nonnull (traces);
  return traces;
}

/* Chrome writes its names at ts 0 and its activity at the machine's
 * uptime: the axis starts at the activity, not at the names. */
static void
test_foreign_late_activity (void)
{
  g_autoptr(GPtrArray) traces = load_fixture ("late-activity.json", NULL);
  g_autoptr(AwTraceModel) model = aw_trace_model_new (g_ptr_array_index (traces, 0));
  const AwTaskInfo *tasks;
  guint n;

  tasks = aw_trace_model_get_tasks (model, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (tasks[0].created_ns, ==, 0);
  g_assert_cmpint (tasks[1].end_ns, ==, 5000 * 1000);
  g_assert_cmpint (aw_trace_model_get_end_ns (model), ==, 5000 * 1000);
  g_assert_cmpstr (aw_trace_get_lane_name (g_ptr_array_index (traces, 0), tasks[0].lane), ==, "CrRendererMain");
}

static const AwTaskInfo *
task_named (AwTraceModel *model,
            const char   *name,
            guint         nth)
{
  guint n;
  const AwTaskInfo *tasks = aw_trace_model_get_tasks (model, &n);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (tasks[i].name, name) && nth-- == 0)
      return &tasks[i];
  g_error ("no task %s", name);
  return NULL;
}

/* id2 local ids belong to their process, global ones and scopes tell
 * tracks apart: each b pairs with the e of its own track. */
static void
test_foreign_id2 (void)
{
  g_autoptr(GPtrArray) traces = load_fixture ("id2.json", NULL);
  g_autoptr(AwTraceModel) first = NULL;
  g_autoptr(AwTraceModel) second = NULL;
  const AwTaskInfo *t;

  g_assert_cmpuint (traces->len, ==, 2);
  first = aw_trace_model_new (g_ptr_array_index (traces, 0));
  second = aw_trace_model_new (g_ptr_array_index (traces, 1));

  /* Process 1 starts at 1,000 µs; process 2's fetch is 2,000 to 5,000. */
  t = task_named (first, "fetch", 0);
  g_assert_cmpint (t->end_ns - t->created_ns, ==, 8000 * 1000);
  t = task_named (second, "fetch", 0);
  g_assert_cmpint (t->end_ns - t->created_ns, ==, 3000 * 1000);
  /* Same global id, two scopes: two tracks, not one nested in the other. */
  t = task_named (first, "read", 0);
  g_assert_cmpint (t->end_ns - t->created_ns, ==, 6000 * 1000);
  g_assert_cmpuint (t->depth, ==, 0);
  t = task_named (first, "read", 1);
  g_assert_cmpint (t->end_ns - t->created_ns, ==, 2000 * 1000);
  g_assert_cmpuint (t->depth, ==, 0);
}

/* Nestable async events on one id nest: the phases are children of the
 * task, not tasks of their own at the top. */
static void
test_foreign_nested_async (void)
{
  g_autoptr(GPtrArray) traces = load_fixture ("nested-async.json", NULL);
  g_autoptr(AwTraceModel) model = aw_trace_model_new (g_ptr_array_index (traces, 0));
  const AwTaskInfo *page = task_named (model, "LoadPage", 0);
  const AwTaskInfo *waiting = task_named (model, "waiting", 0);
  const AwTaskInfo *running = task_named (model, "running", 0);

  g_assert_cmpuint (page->depth, ==, 0);
  g_assert_cmpint (page->end_ns - page->created_ns, ==, 1000 * 1000);
  g_assert_cmpuint (waiting->parent, ==, page->id);
  g_assert_cmpuint (running->parent, ==, page->id);
  g_assert_cmpint (waiting->end_ns - waiting->created_ns, ==, 300 * 1000);
  g_assert_cmpint (running->end_ns - running->created_ns, ==, 200 * 1000);
}

/* The JSON Array Format may lack its closing bracket; a gzip-compressed
 * trace reads as well as a plain one. */
static void
test_foreign_unterminated_and_gzip (void)
{
  const char *files[] = { "unterminated.json", "compressed.json.gz" };
  const char *first[] = { "first", "zipped" };
  const guint tasks[] = { 2, 1 };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GPtrArray) traces = load_fixture (files[i], NULL);
      g_autoptr(AwTraceModel) model = aw_trace_model_new (g_ptr_array_index (traces, 0));
      guint n;

      g_assert_cmpstr (aw_trace_model_get_tasks (model, &n)[0].name, ==, first[i]);
      g_assert_cmpuint (n, ==, tasks[i]);
    }
}

/* The first and last moments of a fixture's activity: every event but
 * metadata (M) that has a time, to the end of its duration. */
static void
activity_span (const char *file,
               double     *first_us,
               double     *last_us)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "traces", file, NULL);
  g_autoptr(GFile) gfile = g_file_new_for_path (path);
  g_autoptr(GInputStream) raw = G_INPUT_STREAM (g_file_read (gfile, NULL, NULL));
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *events;

  g_assert_nonnull (raw);
  if (g_str_has_suffix (file, ".gz"))
    {
      g_autoptr(GZlibDecompressor) gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);

      in = g_converter_input_stream_new (raw, G_CONVERTER (gunzip));
    }
  else
    in = g_object_ref (raw);
  json_parser_load_from_stream (parser, in, NULL, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  events = JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root)
                                        : json_object_get_array_member (json_node_get_object (root), "traceEvents");
  *first_us = G_MAXDOUBLE;
  *last_us = -G_MAXDOUBLE;
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      double ts;

      if (g_str_equal (json_object_get_string_member_with_default (e, "ph", ""), "M") ||
          !json_object_has_member (e, "ts"))
        continue;
      ts = json_object_get_double_member (e, "ts");
      *first_us = MIN (*first_us, ts);
      *last_us = MAX (*last_us, ts + json_object_get_double_member_with_default (e, "dur", 0));
    }
  g_assert_cmpfloat (*first_us, <, *last_us);
}

/* Real traces of other tools (tests/fixtures/traces/foreign: a Chrome
 * recording from the DevTools trace engine's tests, whose names sit at ts
 * 0 and its activity near 115,884 s; Node's --trace-event-categories
 * output): the axis starts where the activity starts and spans it, never
 * reaching back to the metadata. */
static void
test_foreign_real_axis (void)
{
  const char *files[] = { "foreign/chrome-animation-events.json.gz", "foreign/node-trace-events.json" };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr(GPtrArray) traces = load_fixture (files[f], NULL);
      gint64 begin = G_MAXINT64, end = G_MININT64, first_task = G_MAXINT64;
      double first_us, last_us;
      guint n_tasks = 0;

      activity_span (files[f], &first_us, &last_us);
      g_assert_cmpuint (traces->len, >=, 1);
      for (guint r = 0; r < traces->len; r++)
        {
          g_autoptr(AwTraceModel) model = aw_trace_model_new (g_ptr_array_index (traces, r));
          const AwTaskInfo *tasks;
          guint n;

          tasks = aw_trace_model_get_tasks (model, &n);
          begin = MIN (begin, aw_trace_model_get_begin_ns (model));
          end = MAX (end, aw_trace_model_get_end_ns (model));
          for (guint i = 0; i < n; i++)
            first_task = MIN (first_task, tasks[i].created_ns);
          n_tasks += n;
        }
      g_test_message ("%s: %u runs, %u tasks, axis %.3f ms, activity %.3f ms", files[f],
                      traces->len, n_tasks, (end - begin) / 1e6, (last_us - first_us) / 1e3);
      g_assert_cmpuint (n_tasks, >, 10);
      /* The axis runs from the first moment of activity to the last (1 µs
       * for rounding), and the tasks are on it. */
      g_assert_cmpint (ABS ((end - begin) - (gint64) ((last_us - first_us) * 1000)), <=, 1000);
      g_assert_cmpint (first_task, >=, begin);
      g_assert_cmpint (first_task, <, end);
    }
}

/* A process with names only is no run of its own; what was left out of
 * a file is counted by reason. */
static void
test_foreign_left_out (void)
{
  g_autofree char *ignored = NULL;
  g_autoptr(GPtrArray) traces = load_fixture ("names-only-process.json", &ignored);
  g_autoptr(GPtrArray) more = NULL;

  g_assert_cmpuint (traces->len, ==, 1);
  g_assert_cmpstr (aw_trace_get_metadata (g_ptr_array_index (traces, 0), "variant_title"), ==, "Renderer");
  g_assert_null (ignored);

  more = load_fixture ("ignored.json", &ignored);
  g_assert_cmpuint (more->len, ==, 1);
  g_assert_cmpstr (ignored, ==, "5 events ignored: 3 sample events, 1 counter event, 1 unmatched end");
}

typedef struct {
  const char *file;
  gint        code;
  const char *words;
} BadTrace;

static const BadTrace bad_traces[] = {
  { "not-events.json", AW_TRACE_ERROR_INVALID, "not a trace" },
  { "truncated.json", AW_TRACE_ERROR_SYNTAX, ":1:" },
  { "bad-kind.json", AW_TRACE_ERROR_INVALID, "unknown kind" },
  { "bad-lane.json", AW_TRACE_ERROR_INVALID, "out of range" },
  { "no-times.json", AW_TRACE_ERROR_INVALID, "nothing Awaitscope can show" },
  { "nothing-usable.json", AW_TRACE_ERROR_INVALID, "4 events ignored: 2 sample events, 1 counter event, 1 unmatched end" },
  { "control-char.json", AW_TRACE_ERROR_SYNTAX, ":3:30: a control character (U+001F)" },
};

static void
test_bad (gconstpointer data)
{
  const BadTrace *c = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "traces", c->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = aw_traces_load_from_file (path, &error);

  g_assert_null (traces);
  g_assert_error (error, AW_TRACE_ERROR, c->code);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, c->words));
}

/* Found by fuzzing: a saved run whose tasks have cancel requests but no
 * spans at all. It loads, and its metrics and picture are made without
 * reading past the (empty) span array. */
static void
test_cancel_without_spans (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "traces", "cancel-no-spans.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = aw_traces_load_from_file (path, &error);
  guint n_spans = 0;

  g_assert_no_error (error);
  g_assert_nonnull (traces);
  g_assert_cmpuint (traces->len, >, 0);
  for (guint i = 0; i < traces->len; i++)
    {
      g_autoptr(AwTraceModel) model = aw_trace_model_new (g_ptr_array_index (traces, i));
      const AwMetrics *m = aw_trace_model_get_metrics (model);

      g_assert_nonnull (aw_trace_model_get_spans (model, &n_spans));
      g_assert_cmpfloat (m->wasted_ms, ==, 0);
      g_assert_cmpuint (m->tasks, >, 0);
    }
}

static void
test_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = NULL;
  g_autoptr(GString) deep = g_string_new ("{\"traceEvents\": ");

  for (guint i = 0; i < 1000; i++)
    g_string_append_c (deep, '[');
  traces = aw_traces_load_from_data (deep->str, deep->len, "deep.json", &error);
  g_assert_null (traces);
  g_assert_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT);
  g_clear_error (&error);

  traces = aw_traces_load_from_data ("", 0, "empty.json", &error);
  g_assert_null (traces);
  g_assert_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_SYNTAX);
  g_clear_error (&error);

  traces = aw_traces_load_from_data ("\xff\xfe\x00", 3, "binary.json", &error);
  g_assert_null (traces);
  g_assert_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_SYNTAX);
  g_clear_error (&error);

  traces = aw_traces_load_from_file ("/nonexistent/trace.json", &error);
  g_assert_null (traces);
  g_assert_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_IO);
}

/* Each process of a foreign trace becomes a run with buffers of its own:
 * a file of more than AW_TRACE_MAX_RUNS of them is refused, not loaded
 * into gigabytes. */
static void
test_too_many_processes (void)
{
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = NULL;

  for (guint pid = 1; pid <= AW_TRACE_MAX_RUNS + 1; pid++)
    g_string_append_printf (json, "%s{\"ph\": \"X\", \"name\": \"w\", \"pid\": %u, \"tid\": 1, \"ts\": %u, \"dur\": 5}",
                            pid > 1 ? ", " : "", pid, pid);
  g_string_append (json, "]");
  traces = aw_traces_load_from_data (json->str, json->len, "many.json", &error);
  g_assert_null (traces);
  g_assert_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "processes"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  aw_catalog_init ();

  g_test_add_func ("/aw/trace-io/round-trip", test_round_trip);
  g_test_add_func ("/aw/trace-io/trace-event-format", test_trace_event_format);
  g_test_add_func ("/aw/trace-io/ids-unique", test_ids_unique);
  g_test_add_func ("/aw/trace-io/flows-bound", test_flows_bound);
  g_test_add_func ("/aw/trace-io/flows-only-after-waiting", test_flows_only_after_waiting);
  g_test_add_func ("/aw/trace-io/strict-json", test_strict_json);
  g_test_add_func ("/aw/trace-io/foreign", test_foreign);
  g_test_add_func ("/aw/trace-io/foreign/late-activity", test_foreign_late_activity);
  g_test_add_func ("/aw/trace-io/foreign/id2", test_foreign_id2);
  g_test_add_func ("/aw/trace-io/foreign/nested-async", test_foreign_nested_async);
  g_test_add_func ("/aw/trace-io/foreign/unterminated-and-gzip", test_foreign_unterminated_and_gzip);
  g_test_add_func ("/aw/trace-io/foreign/left-out", test_foreign_left_out);
  g_test_add_func ("/aw/trace-io/foreign/real-axis", test_foreign_real_axis);
  g_test_add_func ("/aw/trace-io/limits", test_limits);
  g_test_add_func ("/aw/trace-io/cancel-without-spans", test_cancel_without_spans);
  for (guint i = 0; i < G_N_ELEMENTS (bad_traces); i++)
    {
      g_autofree char *name = g_strdup_printf ("/aw/trace-io/bad/%s", bad_traces[i].file);
      g_test_add_data_func (name, &bad_traces[i], test_bad);
    }
  g_test_add_func ("/aw/trace-io/too-many-processes", test_too_many_processes);
  return g_test_run ();
}
