/* test-trace-io.c: what we save we load back; other tools' traces load too
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "aw-catalog.h"
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
  { "no-times.json", AW_TRACE_ERROR_INVALID, "no events with a time" },
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  aw_catalog_init ();

  g_test_add_func ("/aw/trace-io/round-trip", test_round_trip);
  g_test_add_func ("/aw/trace-io/trace-event-format", test_trace_event_format);
  g_test_add_func ("/aw/trace-io/foreign", test_foreign);
  g_test_add_func ("/aw/trace-io/limits", test_limits);
  g_test_add_func ("/aw/trace-io/cancel-without-spans", test_cancel_without_spans);
  for (guint i = 0; i < G_N_ELEMENTS (bad_traces); i++)
    {
      g_autofree char *name = g_strdup_printf ("/aw/trace-io/bad/%s", bad_traces[i].file);
      g_test_add_data_func (name, &bad_traces[i], test_bad);
    }
  return g_test_run ();
}
