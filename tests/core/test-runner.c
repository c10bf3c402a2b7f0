/* test-runner.c: real runs on the GLib main loop take the time they should
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Timing bounds are generous and stated as ratios of the expected time, so
 * they hold on a loaded two-core machine while still failing if work that
 * should overlap runs one by one (or the other way round).
 */

#include "config.h"

#include <string.h>

#include "aw-catalog.h"
#include "aw-clock.h"
#include "aw-runner.h"
#include "aw-trace-model.h"

#include "../test-timing.h"

static AwTraceModel *
run_variant (AwScenario *scenario,
             const char *variant,
             double      speed,
             int         cancel_after_ms,
             guint       heartbeat_ms)
{
  g_autoptr(AwRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  AwRunOptions options;
  guint index = 0;

  g_assert_nonnull (aw_scenario_find_variant (scenario, variant, &index));
  aw_run_options_init (&options);
  options.speed = speed;
  options.cancel_after_ms = cancel_after_ms;
  options.heartbeat_ms = heartbeat_ms;
  runner = aw_runner_new (scenario, index, &options);
  g_assert_true (aw_runner_run_sync (runner, &error));
  g_assert_no_error (error);
  g_assert_false (aw_runner_is_running (runner));

  return aw_trace_model_new (aw_runner_get_trace (runner));
}

static AwScenario *
scenario_from_program (const char *program)
{
  g_autofree char *text = g_strdup_printf (
    "{ \"id\": \"t\", \"title\": \"t\", \"part\": 1, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
    "  \"variants\": [ { \"name\": \"v\", \"title\": \"V\", \"program\": %s } ] }", program);
  g_autoptr(GError) error = NULL;
  AwScenario *s = aw_scenario_new_from_data (text, -1, "inline.json", &error);

  g_assert_no_error (error);
  return s;
}

static void
assert_within (double      value,
               double      expected,
               double      below,
               double      above,
               const char *what)
{
  g_test_message ("%s: %.1f ms (expected %.1f ms, -%.0f%%/+%.0f%%)",
                  what, value, expected, below * 100, above * 100);
  if (!test_timing_checked ())
    return;
  g_assert_cmpfloat (value, >=, expected * (1 - below));
  g_assert_cmpfloat (value, <=, expected * (1 + above));
}

static void
check_when_all (double speed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_catalog_lookup ("when-all", &error);
  g_autoptr(AwTraceModel) seq = NULL;
  g_autoptr(AwTraceModel) all = NULL;
  const AwMetrics *ms, *ma;

  g_assert_no_error (error);
  seq = run_variant (s, "one-by-one", speed, -1, 0);
  all = run_variant (s, "when-all", speed, -1, 0);
  ms = aw_trace_model_get_metrics (seq);
  ma = aw_trace_model_get_metrics (all);

  /* One by one is about the sum, WhenAll about the longest. */
  assert_within (ms->wall_ms, 2400 / speed, 0.05, 0.15, "one by one");
  assert_within (ma->wall_ms, 1000 / speed, 0.05, 0.15, "WhenAll");
  if (test_timing_checked ())
    g_assert_cmpfloat (ms->wall_ms / ma->wall_ms, >=, 2.0);

  g_assert_cmpuint (ms->tasks, ==, 4);
  g_assert_cmpuint (ma->completed, ==, 4);
  g_assert_cmpuint (ma->gtasks_created, ==, 4);
  /* Timer waits hold no thread: only the main thread took part. */
  g_assert_cmpuint (ma->threads_used, ==, 1);
  g_assert_cmpstr (ma->outcome, ==, "completed");
}

static void
test_when_all_speed1 (void)
{
  check_when_all (1.0);
}

static void
test_when_all_speed4 (void)
{
  check_when_all (4.0);
}

/* The bundled cancel scenario: a deadline cancels both operations. */
static void
test_cancel_scenario (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_catalog_lookup ("cancel", &error);
  g_autoptr(AwTraceModel) model = run_variant (s, "cancel-after", 1.0, -1, 0);
  const AwMetrics *m = aw_trace_model_get_metrics (model);
  const AwTaskInfo *tasks;
  guint n;
  gboolean saw_cpu = FALSE;

  tasks = aw_trace_model_get_tasks (model, &n);
  g_assert_cmpuint (m->cancelled, ==, 4);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (tasks[i].outcome, ==, AW_OUTCOME_CANCELLED);
      g_assert_cmpint (tasks[i].cancel_request_ns, >=, 0);
      /* Every task stops within 50 ms of the request. */
      if (test_timing_checked ())
        g_assert_cmpint (tasks[i].end_ns - tasks[i].cancel_request_ns, <=, 50 * 1000000);
      if (strstr (tasks[i].name, "Resize"))
        {
          saw_cpu = TRUE;
          g_assert_cmpuint (tasks[i].lane, !=, 0);
          g_assert_cmpint (tasks[i].cancel_seen_ns, >=, 0);
        }
    }
  g_assert_true (saw_cpu);
  assert_within (m->wall_ms, 500, 0.02, 0.15, "cancelled run");
  g_assert_cmpuint (m->threads_used, ==, 2);
}

/* Pressing Cancel mid-run: cooperative work stops within one check. */
static void
test_cancel_cooperative (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"when_all\", \"children\": ["
    "  { \"type\": \"cpu\", \"ms\": 3000, \"cooperative\": true, \"check_ms\": 10, \"name\": \"coop\" },"
    "  { \"type\": \"io\", \"ms\": 3000, \"name\": \"wait\" } ] }");
  g_autoptr(AwTraceModel) model = run_variant (s, "v", 1.0, 300, 0);
  const AwMetrics *m = aw_trace_model_get_metrics (model);

  g_assert_true (m->cancel_requested);
  g_assert_cmpuint (m->cancelled, ==, 3);
  g_test_message ("cancel latency %.2f ms", m->cancel_latency_ms);
  g_assert_cmpfloat (m->cancel_latency_ms, >=, 0);
  if (test_timing_checked ())
    {
      g_assert_cmpfloat (m->cancel_latency_ms, <=, 50);
      g_assert_cmpfloat (m->wall_ms, <, 300 + 100);
    }
  g_assert_true (g_str_has_prefix (m->outcome, "cancelled"));
}

/* Work that never checks the token runs to its end although cancelled. */
static void
test_cancel_ignored (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"cpu\", \"ms\": 600, \"cooperative\": false, \"name\": \"stubborn\" }");
  g_autoptr(AwTraceModel) model = run_variant (s, "v", 1.0, 100, 0);
  const AwMetrics *m = aw_trace_model_get_metrics (model);
  const AwTaskInfo *tasks;
  guint n;

  tasks = aw_trace_model_get_tasks (model, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (tasks[0].outcome, ==, AW_OUTCOME_COMPLETED);
  g_assert_cmpint (tasks[0].cancel_request_ns, >=, 0);
  assert_within (m->wall_ms, 600, 0.05, 0.2, "ignored cancel");
  /* About 500 ms of work ran after the user had cancelled. */
  assert_within (m->wasted_ms, 500, 0.1, 0.2, "wasted");
}

static AwTraceModel *
run_dotnet_pool (AwScenario *scenario,
                 int         cancel_after_ms)
{
  g_autoptr(AwRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  AwRunOptions options;

  aw_run_options_init (&options);
  options.workers = 2;
  options.pool = AW_POOL_DOTNET;
  options.pool_interval_ms = 100;
  options.cancel_after_ms = cancel_after_ms;
  runner = aw_runner_new (scenario, 0, &options);
  g_assert_true (aw_runner_run_sync (runner, &error));
  g_assert_no_error (error);

  return aw_trace_model_new (aw_runner_get_trace (runner));
}

/* The marks of the threads the pool added, in order: "pool: 3 threads"... */
static guint
pool_marks (AwTraceModel *model)
{
  const AwMarker *markers;
  guint n, added = 0;

  markers = aw_trace_model_get_markers (model, &n);
  for (guint i = 0; i < n; i++)
    if (markers[i].kind == AW_EVENT_MARK && g_str_has_prefix (markers[i].text, "pool: "))
      {
        g_autofree char *expected = g_strdup_printf ("pool: %u threads", 2 + ++added);

        g_test_message ("%s at %.1f ms", markers[i].text,
                        (markers[i].time_ns - aw_trace_model_get_begin_ns (model)) / 1e6);
        g_assert_cmpstr (markers[i].text, ==, expected);
      }
  return added;
}

/* .NET's pool for real: six work items that block their thread for 350 ms,
 * on two workers, the pool checking every 100 ms. Nothing has finished at
 * 100, 200 and 300 ms: a thread more each time; at 400 ms two have: five
 * threads, 700 ms, where a fixed pool takes 1.05 s. Cancelled at 150 ms,
 * the queued jobs never start, and the pool's monitor ends with the run. */
static void
test_pool_dotnet (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"parallel\", \"count\": 6, \"child\":"
    "  { \"type\": \"cpu\", \"ms\": 350, \"blocking\": true, \"name\": \"blocked\" } }");
  g_autoptr(AwTraceModel) grown = run_dotnet_pool (s, -1);
  g_autoptr(AwTraceModel) cancelled = run_dotnet_pool (s, 150);
  const AwMetrics *m = aw_trace_model_get_metrics (grown);
  const AwMetrics *c = aw_trace_model_get_metrics (cancelled);
  guint added = pool_marks (grown);

  g_assert_cmpstr (m->outcome, ==, "completed");
  g_assert_cmpuint (m->completed, ==, 7);
  g_assert_cmpstr (aw_trace_get_metadata (aw_trace_model_get_trace (grown), "pool"), ==, "dotnet");
  g_assert_cmpuint (added, >=, 1);
  g_assert_cmpuint (m->threads_used, <=, 1 + 2 + added);
  if (test_timing_checked ())
    {
      g_assert_cmpuint (added, ==, 3);
      g_assert_cmpuint (m->threads_used, ==, 1 + 5);
    }
  assert_within (m->wall_ms, 700, 0.05, 0.2, "dotnet pool");

  g_assert_true (g_str_has_prefix (c->outcome, "cancelled"));
  g_assert_cmpuint (pool_marks (cancelled), <=, 1);
  assert_within (c->wall_ms, 150, 0.05, 1.0, "dotnet pool, cancelled");
}

/* WhenAny: the first wins, the rest are cancelled. */
static void
test_when_any (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"when_any\", \"children\": ["
    "  { \"type\": \"io\", \"ms\": 400, \"name\": \"slow\" },"
    "  { \"type\": \"io\", \"ms\": 100, \"name\": \"fast\" },"
    "  { \"type\": \"cpu\", \"ms\": 400, \"name\": \"worker\" } ] }");
  g_autoptr(AwTraceModel) model = run_variant (s, "v", 1.0, -1, 0);
  const AwMetrics *m = aw_trace_model_get_metrics (model);
  const AwTaskInfo *tasks;
  guint n;

  tasks = aw_trace_model_get_tasks (model, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpint (tasks[0].outcome, ==, AW_OUTCOME_COMPLETED);
  g_assert_cmpint (tasks[1].outcome, ==, AW_OUTCOME_CANCELLED);
  g_assert_cmpint (tasks[2].outcome, ==, AW_OUTCOME_COMPLETED);
  g_assert_cmpint (tasks[3].outcome, ==, AW_OUTCOME_CANCELLED);
  assert_within (m->wall_ms, 100, 0.05, 0.5, "WhenAny");
  /* The losers stop soon after the winner. */
  if (test_timing_checked ())
    g_assert_cmpint (tasks[3].end_ns - tasks[2].end_ns, <, 50 * 1000000);
}

/* Errors: awaited ones are observed, forgotten ones are not. */
static void
test_errors (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"sequence\", \"children\": ["
    "  { \"type\": \"fire_and_forget\", \"child\": { \"type\": \"fail\", \"ms\": 20, \"message\": \"lost\" } },"
    "  { \"type\": \"when_all\", \"children\": ["
    "    { \"type\": \"fail\", \"ms\": 30, \"message\": \"first\" },"
    "    { \"type\": \"fail\", \"ms\": 60, \"message\": \"second\" },"
    "    { \"type\": \"io\", \"ms\": 10 } ] } ] }");
  g_autoptr(AwTraceModel) model = run_variant (s, "v", 1.0, -1, 0);
  const AwMetrics *m = aw_trace_model_get_metrics (model);

  g_assert_cmpuint (m->errors_unobserved, ==, 1);
  /* Both WhenAll errors are in the aggregate, then the sequence's and the root's. */
  g_assert_cmpuint (m->errors_observed, >=, 2);
  g_assert_true (g_str_has_prefix (m->outcome, "faulted"));
  g_assert_nonnull (strstr (m->outcome, "first"));
  g_assert_nonnull (strstr (m->outcome, "1 more error"));
}

/* `await Task.WhenAll (a, b, c)` rethrows a's error though b failed first,
 * as on Mono; the error it does not rethrow is swallowed, not unobserved. */
static void
test_when_all_argument_order (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"when_all\", \"errors\": \"first\", \"children\": ["
    "  { \"type\": \"fail\", \"ms\": 80, \"message\": \"A failed\" },"
    "  { \"type\": \"fail\", \"ms\": 20, \"message\": \"B failed\" },"
    "  { \"type\": \"io\", \"ms\": 100 } ] }");
  g_autoptr(AwScenario) all = scenario_from_program (
    "{ \"type\": \"when_all\", \"children\": ["
    "  { \"type\": \"fail\", \"ms\": 80, \"message\": \"A failed\" },"
    "  { \"type\": \"fail\", \"ms\": 20, \"message\": \"B failed\" },"
    "  { \"type\": \"io\", \"ms\": 100 } ] }");
  g_autoptr(AwTraceModel) model = run_variant (s, "v", 1.0, -1, 0);
  g_autoptr(AwTraceModel) aggregate = run_variant (all, "v", 1.0, -1, 0);
  const AwMetrics *m = aw_trace_model_get_metrics (model);

  g_assert_cmpstr (m->outcome, ==, "faulted: A failed");
  /* WhenAll observed B's error, and await did not rethrow it: swallowed. */
  g_assert_cmpuint (m->errors_unobserved, ==, 0);
  g_assert_cmpuint (m->errors_swallowed, ==, 1);
  g_assert_cmpstr (aw_trace_model_get_metrics (aggregate)->outcome, ==,
                   "faulted: 1 more error in the aggregate; the first: A failed");
  g_assert_cmpuint (aw_trace_model_get_metrics (aggregate)->errors_unobserved, ==, 0);
}

static double
run_workers (AwScenario *scenario,
             guint       workers)
{
  g_autoptr(AwRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AwTraceModel) model = NULL;
  AwRunOptions options;

  aw_run_options_init (&options);
  options.workers = workers;
  runner = aw_runner_new (scenario, 0, &options);
  g_assert_true (aw_runner_run_sync (runner, &error));
  model = aw_trace_model_new (aw_runner_get_trace (runner));
  return aw_trace_model_get_metrics (model)->wall_ms;
}

/* cpu work is an amount of CPU time: more workers than the machine has
 * cores cannot do it sooner. */
static void
test_cpu_work (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"parallel\", \"count\": 8, \"child\": { \"type\": \"cpu\", \"ms\": 100 } }");
  guint cores = g_get_num_processors ();
  double few, many;

  TEST_SKIP_IF_SLOW ();
  if (cores >= 8)
    {
      g_test_skip ("needs fewer than eight processors");
      return;
    }
  few = run_workers (s, cores);
  many = run_workers (s, 8);
  g_test_message ("800 ms of CPU work: %u workers %.0f ms, 8 workers %.0f ms, on %u cores", cores, few, many, cores);
  /* Never less than the work divided among the cores, however many
   * workers (a spin until a wall-clock time took 100 ms with eight). How
   * much more depends on what else the machine runs: not compared. */
  g_assert_cmpfloat (few, >=, 0.9 * 800.0 / cores);
  g_assert_cmpfloat (many, >=, 0.9 * 800.0 / cores);
}

/* ValueTask hits complete synchronously and create no GTask. */
static void
test_cached (void)
{
  g_autoptr(AwScenario) vt = scenario_from_program (
    "{ \"type\": \"repeat\", \"count\": 100, \"child\": { \"type\": \"cached\", \"ms\": 1, \"hit_ratio\": 0.9 } }");
  g_autoptr(AwScenario) tt = scenario_from_program (
    "{ \"type\": \"repeat\", \"count\": 100, \"child\": { \"type\": \"cached\", \"ms\": 1, \"hit_ratio\": 0.9, \"value_task\": false } }");
  g_autoptr(AwTraceModel) mv = run_variant (vt, "v", 1.0, -1, 0);
  g_autoptr(AwTraceModel) mt = run_variant (tt, "v", 1.0, -1, 0);

  g_assert_cmpuint (aw_trace_model_get_metrics (mv)->tasks, ==, 101);
  g_assert_cmpuint (aw_trace_model_get_metrics (mv)->sync_completed, ==, 90);
  g_assert_cmpuint (aw_trace_model_get_metrics (mv)->gtasks_created, ==, 11);
  g_assert_cmpuint (aw_trace_model_get_metrics (mt)->gtasks_created, ==, 101);
}

/* A blocked main thread stops the heartbeat. */
static void
test_block_ui (void)
{
  g_autoptr(AwScenario) block = scenario_from_program (
    "{ \"type\": \"sequence\", \"children\": ["
    "  { \"type\": \"delay\", \"ms\": 50 }, { \"type\": \"block_ui\", \"ms\": 300 }, { \"type\": \"delay\", \"ms\": 50 } ] }");
  g_autoptr(AwScenario) await = scenario_from_program (
    "{ \"type\": \"sequence\", \"children\": ["
    "  { \"type\": \"delay\", \"ms\": 50 }, { \"type\": \"delay\", \"ms\": 300 }, { \"type\": \"delay\", \"ms\": 50 } ] }");
  g_autoptr(AwTraceModel) mb = run_variant (block, "v", 1.0, -1, 10);
  g_autoptr(AwTraceModel) ma = run_variant (await, "v", 1.0, -1, 10);

  assert_within (aw_trace_model_get_metrics (mb)->max_main_loop_gap_ms, 300, 0.02, 0.3, "blocked gap");
  assert_within (aw_trace_model_get_metrics (mb)->ui_blocked_ms, 300, 0.02, 0.3, "blocked");
  if (test_timing_checked ())
    g_assert_cmpfloat (aw_trace_model_get_metrics (ma)->max_main_loop_gap_ms, <, 100);
  g_assert_cmpuint (aw_trace_model_get_metrics (mb)->frames_missed, >=, 15);
}

/* Many timer awaits on one thread, and a cancelled parallel batch. */
static void
test_many (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"parallel\", \"count\": 2000, \"child\": { \"type\": \"delay\", \"ms\": 200 } }");
  g_autoptr(AwTraceModel) done = run_variant (s, "v", 1.0, -1, 0);
  g_autoptr(AwTraceModel) cancelled = run_variant (s, "v", 1.0, 50, 0);

  g_assert_cmpuint (aw_trace_model_get_metrics (done)->completed, ==, 2001);
  g_assert_cmpuint (aw_trace_model_get_metrics (done)->threads_used, ==, 1);
  assert_within (aw_trace_model_get_metrics (done)->wall_ms, 200, 0.02, 0.5, "2000 awaits");
  g_assert_cmpuint (aw_trace_model_get_metrics (cancelled)->cancelled, ==, 2001);
  if (test_timing_checked ())
    g_assert_cmpfloat (aw_trace_model_get_metrics (cancelled)->wall_ms, <, 150);
}

static void
set_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_assert_true (aw_runner_run_finish (AW_RUNNER (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* A window asks when the run's next timer is due, to keep its painting off
 * it: the earliest pending wait on the run's own loop, then none. */
static void
test_next_deadline (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"when_all\", \"children\": ["
    "  { \"type\": \"delay\", \"ms\": 300, \"name\": \"late\" },"
    "  { \"type\": \"delay\", \"ms\": 100, \"name\": \"early\" } ] }");
  g_autoptr(AwRunner) runner = NULL;
  AwRunOptions options;
  gboolean done = FALSE, woke = FALSE;
  gint64 start, next;

  aw_run_options_init (&options);
  runner = aw_runner_new (s, 0, &options);
  g_assert_cmpint (aw_runner_get_next_deadline (runner), ==, -1);

  start = g_get_monotonic_time ();
  aw_runner_run_async (runner, NULL, set_done, &done);
  next = aw_runner_get_next_deadline (runner);
  g_test_message ("first deadline in %.1f ms", (next - start) / 1000.0);
  g_assert_cmpint (next, >=, start + 100 * 1000);
  if (test_timing_checked ())
    g_assert_cmpint (next, <=, start + 150 * 1000);

  /* Once the early wait is over, the late one is next. */
  g_timeout_add_once (200, set_flag, &woke);
  while (!woke)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (done);
  next = aw_runner_get_next_deadline (runner);
  g_test_message ("then in %.1f ms", (next - start) / 1000.0);
  g_assert_cmpint (next, >=, start + 300 * 1000);

  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (aw_runner_get_next_deadline (runner), ==, -1);
}

static gint64
marker_time (AwTraceModel *model,
             AwEventKind   kind,
             const char   *text)
{
  const AwMarker *markers;
  guint n;

  markers = aw_trace_model_get_markers (model, &n);
  for (guint i = 0; i < n; i++)
    if (markers[i].kind == kind && (text == NULL || g_strcmp0 (markers[i].text, text) == 0))
      return markers[i].time_ns;
  return -1;
}

/* .Result on the main thread: a real deadlock, broken by the wait's deadline. */
static void
test_wait_blocking (void)
{
  g_autoptr(AwScenario) result = scenario_from_program (
    "{ \"type\": \"wait_blocking\", \"deadline_ms\": 600, \"child\": { \"type\": \"io\", \"ms\": 200 } }");
  g_autoptr(AwScenario) configure = scenario_from_program (
    "{ \"type\": \"wait_blocking\", \"deadline_ms\": 600, \"continue_on\": \"worker\","
    "  \"child\": { \"type\": \"io\", \"ms\": 200 } }");
  g_autoptr(AwTraceModel) mr = run_variant (result, "v", 1.0, -1, 10);
  g_autoptr(AwTraceModel) mc = run_variant (configure, "v", 1.0, -1, 10);
  const AwMetrics *r = aw_trace_model_get_metrics (mr);
  const AwMetrics *c = aw_trace_model_get_metrics (mc);
  gint64 watchdog = marker_time (mr, AW_EVENT_WATCHDOG, NULL);
  gint64 stranded = marker_time (mr, AW_EVENT_MARK, "stranded callback ran");

  /* The 200 ms child cannot finish while its loop is blocked: the whole deadline passes. */
  g_assert_true (r->watchdog_fired);
  assert_within (r->max_main_loop_gap_ms, 600, 0.02, 0.2, "deadlocked loop");
  /* In C# .Result never returns: neither completed nor faulted. */
  g_assert_true (g_str_has_prefix (r->outcome, "deadlocked: .Result blocked"));
  g_assert_cmpuint (r->deadlocked, ==, 2);
  g_assert_cmpuint (r->failed, ==, 0);
  g_assert_cmpuint (r->errors_observed, ==, 0);
  g_assert_cmpint (watchdog, >, 0);
  g_assert_cmpint (stranded, >=, watchdog);
  if (test_timing_checked ())
    g_assert_cmpint (stranded - watchdog, <=, 50 * 1000000);

  /* ConfigureAwait(false): the child finishes elsewhere, the wait returns after it. */
  g_assert_false (c->watchdog_fired);
  assert_within (c->max_main_loop_gap_ms, 200, 0.02, 0.3, "blocked, no deadlock");
  g_assert_cmpstr (c->outcome, ==, "completed");
  g_assert_cmpuint (c->threads_used, ==, 2);
}

/* Tasks a ConfigureAwait(false) child leaves running on its thread still
 * finish, and the run with them. */
static void
test_wait_blocking_leftovers (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"wait_blocking\", \"deadline_ms\": 2000, \"continue_on\": \"worker\","
    "  \"child\": { \"type\": \"sequence\", \"children\": ["
    "    { \"type\": \"when_any\", \"cancel_rest\": false, \"children\": ["
    "      { \"type\": \"io\", \"ms\": 50 }, { \"type\": \"io\", \"ms\": 300, \"name\": \"loser\" } ] },"
    "    { \"type\": \"fire_and_forget\", \"child\": { \"type\": \"delay\", \"ms\": 200, \"name\": \"forgotten\" } } ] } }");
  g_autoptr(AwTraceModel) model = run_variant (s, "v", 1.0, -1, 0);
  const AwMetrics *m = aw_trace_model_get_metrics (model);

  g_assert_cmpuint (m->pending, ==, 0);
  g_assert_false (m->watchdog_fired);
  assert_within (m->wall_ms, 50, 0.0, 1.0, "wait returns with the child");
  /* The loser and the forgotten task completed on the thread afterwards. */
  g_assert_cmpint (aw_trace_model_get_end_ns (model) - aw_trace_model_get_begin_ns (model), >=, 290 * 1000000);
}

/* ConfigureAwait(false) inside ConfigureAwait(false): each wait's thread
 * serves its context until the waits inside it are done with it, and
 * learns so even when the last of them lets go on another thread. In
 * copies at once, and forgotten, too. */
static void
test_wait_blocking_nested (void)
{
  static const char *programs[] = {
    "{ \"type\": \"wait_blocking\", \"continue_on\": \"worker\", \"child\":"
    "  { \"type\": \"wait_blocking\", \"continue_on\": \"worker\", \"child\": { \"type\": \"delay\", \"ms\": 100 } } }",
    "{ \"type\": \"parallel\", \"count\": 5, \"child\":"
    "  { \"type\": \"wait_blocking\", \"continue_on\": \"worker\", \"child\":"
    "    { \"type\": \"wait_blocking\", \"continue_on\": \"worker\", \"child\": { \"type\": \"delay\", \"ms\": 100 } } } }",
    "{ \"type\": \"sequence\", \"children\": ["
    "  { \"type\": \"fire_and_forget\", \"child\":"
    "    { \"type\": \"wait_blocking\", \"continue_on\": \"worker\", \"child\": { \"type\": \"delay\", \"ms\": 100 } } },"
    "  { \"type\": \"delay\", \"ms\": 50 } ] }",
  };

  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autoptr(AwScenario) s = scenario_from_program (programs[i]);
      g_autoptr(AwTraceModel) model = run_variant (s, "v", 1.0, -1, 0);
      const AwMetrics *m = aw_trace_model_get_metrics (model);

      g_assert_cmpuint (m->pending, ==, 0);
      g_assert_cmpuint (m->failed, ==, 0);
      g_assert_false (m->watchdog_fired);
      g_assert_cmpstr (m->outcome, ==, "completed");
    }
}

/* Loops of blocking work -------------------------------------------------------------------- */

/* AW_ENGINE_TURN_MS (aw-engine-private.h): how long a loop of blocks holds
 * the UI thread before its loop gets a turn. */
#define TURN_MS 500

/* How many of @model's tasks are named @name, and how many of those completed. */
static guint
count_named (AwTraceModel *model,
             const char   *name,
             guint        *completed)
{
  const AwTaskInfo *tasks;
  guint n, count = 0;

  *completed = 0;
  tasks = aw_trace_model_get_tasks (model, &n);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (tasks[i].name, name) == 0)
      {
        count++;
        if (tasks[i].outcome == AW_OUTCOME_COMPLETED)
          (*completed)++;
      }
  return count;
}

/* A loop of Thread.Sleep on the UI thread (4 s of 100 ms blocks) is
 * cancelled by CancelAfter at the next block boundary after its loop's
 * turn, within about half a second, not after the 4 s: each block that ran
 * ran whole, and the rest never started. Both back-ends agree. */
static void
test_block_loop_cancel_after (void)
{
  const char *programs[] = {
    "{ \"type\": \"repeat\", \"count\": 40, \"child\": { \"type\": \"block_ui\", \"ms\": 100, \"name\": \"sleep\" } }",
    "{ \"type\": \"parallel\", \"count\": 40, \"child\": { \"type\": \"block_ui\", \"ms\": 100, \"name\": \"sleep\" } }",
  };

  for (guint k = 0; k < G_N_ELEMENTS (programs); k++)
    {
      g_autoptr(AwScenario) s = scenario_from_program (programs[k]);
      g_autoptr(AwTraceModel) real = run_variant (s, "v", 1.0, 200, 10);
      g_autoptr(AwTraceModel) simulated = NULL;
      g_autoptr(AwTrace) trace = NULL;
      const AwMetrics *m = aw_trace_model_get_metrics (real);
      AwRunOptions options;
      guint n, completed;

      g_test_message ("%s", programs[k]);
      g_assert_true (g_str_has_prefix (m->outcome, "cancelled"));
      n = count_named (real, "sleep", &completed);
      g_assert_cmpuint (n, ==, completed);
      g_assert_cmpuint (n, >=, 3);
      g_assert_cmpuint (n, <, 40);
      assert_within (m->wall_ms, TURN_MS, 0.0, 0.5, "cancelled loop of blocks");
      /* The loop's turn recorded a heartbeat: no gap spans the whole loop. */
      if (test_timing_checked ())
        g_assert_cmpfloat (m->max_main_loop_gap_ms, <, 1000);

      aw_run_options_init (&options);
      options.cancel_after_ms = 200;
      options.heartbeat_ms = 10;
      trace = aw_clock_simulate (s, 0, &options);
      simulated = aw_trace_model_new (trace);
      g_assert_true (g_str_has_prefix (aw_trace_model_get_metrics (simulated)->outcome, "cancelled"));
      g_assert_cmpfloat (aw_trace_model_get_metrics (simulated)->wall_ms, ==, TURN_MS);
      g_assert_cmpuint (count_named (simulated, "sleep", &completed), ==, TURN_MS / 100);
    }
}

/* The window's Cancel is an event of the blocked loop: it is heard at the
 * loop's next turn, and the run ends at the next block boundary. */
static gboolean
press_cancel (gpointer data)
{
  aw_runner_stop (data);
  return G_SOURCE_REMOVE;
}

static void
on_loop_run_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_assert_true (aw_runner_run_finish (AW_RUNNER (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
test_block_loop_stop (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"repeat\", \"count\": 50, \"child\": { \"type\": \"block_ui\", \"ms\": 100, \"name\": \"sleep\" } }");
  g_autoptr(AwRunner) runner = NULL;
  g_autoptr(AwTraceModel) model = NULL;
  AwRunOptions options;
  gboolean done = FALSE;
  gint64 start;
  double elapsed_ms;

  aw_run_options_init (&options);
  options.heartbeat_ms = 10;
  runner = aw_runner_new (s, 0, &options);
  /* The click, due while the thread is blocked (the run starts its first
   * blocks before aw_runner_run_async() returns). */
  g_timeout_add (150, press_cancel, runner);
  start = g_get_monotonic_time ();
  aw_runner_run_async (runner, NULL, on_loop_run_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000.0;
  model = aw_trace_model_new (aw_runner_get_trace (runner));

  g_assert_true (g_str_has_prefix (aw_trace_model_get_metrics (model)->outcome, "cancelled"));
  assert_within (elapsed_ms, TURN_MS, 0.0, 0.5, "stopped loop of blocks");
}

/* Uncancelled, the loop blocks the UI thread as long in all: every block
 * runs whole; the freeze is told as the sum. */
static void
test_block_loop_whole (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"repeat\", \"count\": 12, \"child\": { \"type\": \"block_ui\", \"ms\": 100, \"name\": \"sleep\" } }");
  g_autoptr(AwTraceModel) model = run_variant (s, "v", 1.0, -1, 10);
  const AwMetrics *m = aw_trace_model_get_metrics (model);
  guint completed;

  g_assert_cmpstr (m->outcome, ==, "completed");
  g_assert_cmpuint (count_named (model, "sleep", &completed), ==, 12);
  g_assert_cmpuint (completed, ==, 12);
  assert_within (m->ui_blocked_ms, 1200, 0.0, 0.1, "blocked in all");
  assert_within (m->wall_ms, 1200, 0.0, 0.15, "loop of blocks");
}

/* CPU work that ignores its token, in a loop: the loop stops at the next
 * copy; the copy that was running runs to its end (the lesson). */
static void
test_cpu_loop_cancel (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"repeat\", \"count\": 40, \"child\": { \"type\": \"cpu\", \"ms\": 100, \"cooperative\": false, \"name\": \"work\" } }");
  g_autoptr(AwTraceModel) model = run_variant (s, "v", 1.0, 250, 10);
  const AwMetrics *m = aw_trace_model_get_metrics (model);
  guint completed, n;

  g_assert_true (g_str_has_prefix (m->outcome, "cancelled"));
  n = count_named (model, "work", &completed);
  g_assert_cmpuint (n, <=, 4);
  assert_within (m->wall_ms, 300, 0.0, 0.5, "cancelled loop of CPU work");
}

/* What the window announces before a run: the UI thread blocked in all. */
static void
test_freeze_estimate (void)
{
  g_autoptr(AwScenario) loop = scenario_from_program (
    "{ \"type\": \"repeat\", \"count\": 10, \"child\": { \"type\": \"block_ui\", \"ms\": 100 } }");
  g_autoptr(AwScenario) mixed = scenario_from_program (
    "{ \"type\": \"sequence\", \"children\": [ { \"type\": \"block_ui\", \"ms\": 300 },"
    "  { \"type\": \"delay\", \"ms\": 1000 },"
    "  { \"type\": \"parallel\", \"count\": 3, \"child\": { \"type\": \"block_ui\", \"ms\": 200 } },"
    "  { \"type\": \"wait_blocking\", \"deadline_ms\": 2000, \"child\": { \"type\": \"delay\", \"ms\": 100 } } ] }");
  AwRunOptions options;

  aw_run_options_init (&options);
  g_assert_cmpuint (aw_run_estimate_freeze_ms (aw_scenario_get_variant (loop, 0)->program, &options), ==, 1000);
  g_assert_cmpuint (aw_run_estimate_freeze_ms (aw_scenario_get_variant (mixed, 0)->program, &options), ==,
                    300 + 3 * 200 + 2000);
  options.speed = 2;
  g_assert_cmpuint (aw_run_estimate_freeze_ms (aw_scenario_get_variant (loop, 0)->program, &options), ==, 500);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  aw_catalog_init ();

  g_test_add_func ("/aw/runner/when-all/speed-1", test_when_all_speed1);
  g_test_add_func ("/aw/runner/when-all/speed-4", test_when_all_speed4);
  g_test_add_func ("/aw/runner/cancel/scenario", test_cancel_scenario);
  g_test_add_func ("/aw/runner/cancel/cooperative", test_cancel_cooperative);
  g_test_add_func ("/aw/runner/cancel/ignored", test_cancel_ignored);
  g_test_add_func ("/aw/runner/when-any", test_when_any);
  g_test_add_func ("/aw/runner/errors", test_errors);
  g_test_add_func ("/aw/runner/when-all/argument-order", test_when_all_argument_order);
  g_test_add_func ("/aw/runner/cached", test_cached);
  g_test_add_func ("/aw/runner/cpu-work", test_cpu_work);
  g_test_add_func ("/aw/runner/pool-dotnet", test_pool_dotnet);
  g_test_add_func ("/aw/runner/block-ui", test_block_ui);
  g_test_add_func ("/aw/runner/block-loop/cancel-after", test_block_loop_cancel_after);
  g_test_add_func ("/aw/runner/block-loop/stop", test_block_loop_stop);
  g_test_add_func ("/aw/runner/block-loop/whole", test_block_loop_whole);
  g_test_add_func ("/aw/runner/cpu-loop/cancel", test_cpu_loop_cancel);
  g_test_add_func ("/aw/runner/freeze-estimate", test_freeze_estimate);
  g_test_add_func ("/aw/runner/many", test_many);
  g_test_add_func ("/aw/runner/next-deadline", test_next_deadline);
  g_test_add_func ("/aw/runner/wait-blocking", test_wait_blocking);
  g_test_add_func ("/aw/runner/wait-blocking-leftovers", test_wait_blocking_leftovers);
  g_test_add_func ("/aw/runner/wait-blocking-nested", test_wait_blocking_nested);

  return g_test_run ();
}
