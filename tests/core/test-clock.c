/* test-clock.c: the virtual clock gives exact, deterministic traces that
 * predict real runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Simulated times are exact, so most checks here are equalities. The last
 * test holds every bundled variant's simulation against a real run.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "aw-catalog.h"
#include "aw-clock.h"
#include "aw-runner.h"
#include "aw-trace-model.h"

#include "../test-timing.h"

#define MS(x) ((gint64) ((x) * G_GINT64_CONSTANT (1000000)))

#if defined(__SANITIZE_ADDRESS__)
# define SANITIZED 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define SANITIZED 1
# endif
#endif

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

typedef struct {
  double speed;
  guint  workers;
  gint   cancel_after_ms;
  guint  heartbeat_ms;
  guint  wait_deadline_ms;
} Opts;

static AwTrace *
simulate (AwScenario *scenario,
          const char *variant,
          const Opts *opts)
{
  AwRunOptions options;
  guint index = 0;

  g_assert_nonnull (aw_scenario_find_variant (scenario, variant, &index));
  aw_run_options_init (&options);
  if (opts != NULL)
    {
      options.speed = opts->speed > 0 ? opts->speed : 1.0;
      options.workers = opts->workers;
      options.cancel_after_ms = opts->cancel_after_ms;
      options.heartbeat_ms = opts->heartbeat_ms;
      options.wait_deadline_ms = opts->wait_deadline_ms;
    }
  return aw_clock_simulate (scenario, index, &options);
}

static const AwTaskInfo *
task_named (AwTraceModel *model,
            const char   *name)
{
  const AwTaskInfo *tasks;
  guint n;

  tasks = aw_trace_model_get_tasks (model, &n);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (tasks[i].name, name) == 0)
      return &tasks[i];
  g_error ("no task named %s", name);
  return NULL;
}

/* The index of the first event of @kind for @task (G_MAXUINT32: any task)
 * with @text (NULL: any) at or after @from, or -1. */
static gint
find_event (AwTrace     *trace,
            guint        from,
            AwEventKind  kind,
            guint32      task,
            const char  *text)
{
  const AwEvent *events;
  guint n;

  events = aw_trace_get_events (trace, &n);
  for (guint i = from; i < n; i++)
    if (events[i].kind == kind && (task == G_MAXUINT32 || events[i].task == task) &&
        (text == NULL || g_strcmp0 (aw_trace_get_string (trace, events[i].str), text) == 0))
      return (gint) i;
  return -1;
}

static gint64
event_time (AwTrace *trace,
            gint     index)
{
  const AwEvent *events;
  guint n;

  g_assert_cmpint (index, >=, 0);
  events = aw_trace_get_events (trace, &n);
  g_assert_cmpint (index, <, (gint) n);
  return events[index].time_ns;
}

static guint
count_events (AwTrace     *trace,
              AwEventKind  kind,
              guint32      task)
{
  const AwEvent *events;
  guint n, count = 0;

  events = aw_trace_get_events (trace, &n);
  for (guint i = 0; i < n; i++)
    if (events[i].kind == kind && (task == G_MAXUINT32 || events[i].task == task))
      count++;
  return count;
}

static gint64
run_end_ns (AwTrace *trace)
{
  return event_time (trace, find_event (trace, 0, AW_EVENT_RUN_END, 0, NULL));
}

/* Determinism ------------------------------------------------------------------------------ */

static void
assert_same_trace (AwTrace    *a,
                   AwTrace    *b,
                   const char *what)
{
  const AwEvent *ea, *eb;
  guint na, nb;
  GHashTableIter iter;
  gpointer key, value;

  ea = aw_trace_get_events (a, &na);
  eb = aw_trace_get_events (b, &nb);
  g_assert_cmpuint (na, ==, nb);
  g_assert_cmpuint (na, >, 0);
  if (memcmp (ea, eb, na * sizeof (AwEvent)) != 0)
    g_error ("%s: two simulations gave different events", what);

  g_assert_cmpuint (aw_trace_get_n_strings (a), ==, aw_trace_get_n_strings (b));
  for (guint i = 1; i < aw_trace_get_n_strings (a); i++)
    g_assert_cmpstr (aw_trace_get_string (a, i), ==, aw_trace_get_string (b, i));

  g_assert_cmpuint (aw_trace_get_n_lanes (a), ==, aw_trace_get_n_lanes (b));
  for (guint i = 0; i < aw_trace_get_n_lanes (a); i++)
    g_assert_cmpstr (aw_trace_get_lane_name (a, i), ==, aw_trace_get_lane_name (b, i));

  g_assert_cmpuint (g_hash_table_size (aw_trace_get_all_metadata (a)), ==,
                    g_hash_table_size (aw_trace_get_all_metadata (b)));
  g_hash_table_iter_init (&iter, aw_trace_get_all_metadata (a));
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (aw_trace_get_metadata (b, key), ==, value);

  /* Sorted, and every event is on a named lane. */
  for (guint i = 0; i < na; i++)
    {
      if (i > 0)
        g_assert_cmpint (ea[i - 1].time_ns, <=, ea[i].time_ns);
      g_assert_cmpuint (ea[i].lane, <, aw_trace_get_n_lanes (a));
      g_assert_nonnull (aw_trace_get_lane_name (a, ea[i].lane));
    }
}

static void
test_determinism (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = aw_catalog_load_all (&error);
  const Opts runs[] = {
    { 1.0, 0, -1, 16, 0 },
    { 4.0, 3, -1, 0, 1000 },
  };
  guint variants = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >, 0);

  for (guint i = 0; i < all->len; i++)
    {
      AwScenario *s = g_ptr_array_index (all, i);

      for (guint v = 0; v < aw_scenario_get_n_variants (s); v++)
        for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
          {
            const char *name = aw_scenario_get_variant (s, v)->name;
            g_autofree char *what = g_strdup_printf ("%s/%s", aw_scenario_get_id (s), name);
            g_autoptr(AwTrace) first = simulate (s, name, &runs[r]);
            g_autoptr(AwTrace) second = simulate (s, name, &runs[r]);

            assert_same_trace (first, second, what);
            g_assert_cmpstr (aw_trace_get_metadata (first, "clock"), ==, "virtual");
            g_assert_cmpstr (aw_trace_get_metadata (first, "variant"), ==, name);
            g_assert_cmpint (find_event (first, 0, AW_EVENT_RUN_END, 0, NULL), >, 0);
            variants++;
          }
    }
  g_test_message ("%u simulations repeated identically", variants);
}

/* Exact times ------------------------------------------------------------------------------- */

static void
check_when_all (double speed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_catalog_lookup ("when-all", &error);
  Opts opts = { speed, 0, -1, 0, 0 };
  g_autoptr(AwTrace) seq = NULL;
  g_autoptr(AwTrace) all = NULL;
  g_autoptr(AwTraceModel) ms = NULL;
  g_autoptr(AwTraceModel) ma = NULL;

  g_assert_no_error (error);
  seq = simulate (s, "one-by-one", &opts);
  all = simulate (s, "when-all", &opts);
  ms = aw_trace_model_new (seq);
  ma = aw_trace_model_new (all);

  g_assert_cmpint (run_end_ns (seq), ==, MS (2400 / speed));
  g_assert_cmpint (run_end_ns (all), ==, MS (1000 / speed));
  g_assert_cmpfloat (aw_trace_model_get_metrics (ms)->wall_ms, ==, 2400 / speed);
  g_assert_cmpfloat (aw_trace_model_get_metrics (ma)->wall_ms, ==, 1000 / speed);

  /* One by one: each starts when the one before ends. */
  g_assert_cmpint (task_named (ms, "GetOrdersAsync")->created_ns, ==, MS (800 / speed));
  g_assert_cmpint (task_named (ms, "GetRecommendationsAsync")->end_ns, ==, MS (2400 / speed));
  /* WhenAll: all start at once, each ends after its own duration. */
  g_assert_cmpint (task_named (ma, "GetRecommendationsAsync")->created_ns, ==, 0);
  g_assert_cmpint (task_named (ma, "GetOrdersAsync")->end_ns, ==, MS (600 / speed));
  g_assert_cmpint (task_named (ma, "GetProfileAsync")->end_ns, ==, MS (800 / speed));

  g_assert_cmpuint (aw_trace_model_get_metrics (ma)->tasks, ==, 4);
  g_assert_cmpuint (aw_trace_model_get_metrics (ma)->gtasks_created, ==, 4);
  g_assert_cmpuint (aw_trace_model_get_metrics (ma)->threads_used, ==, 1);
  g_assert_cmpstr (aw_trace_model_get_metrics (ma)->outcome, ==, "completed");
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

/* The worker pool ---------------------------------------------------------------------------- */

static void
test_workers (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"parallel\", \"count\": 4, \"child\": { \"type\": \"cpu\", \"ms\": 500, \"name\": \"work\" } }");
  Opts two = { 1.0, 2, -1, 0, 0 };
  Opts four = { 1.0, 4, -1, 0, 0 };
  g_autoptr(AwTrace) t2 = simulate (s, "v", &two);
  g_autoptr(AwTrace) t4 = simulate (s, "v", &four);
  g_autoptr(AwTraceModel) m2 = aw_trace_model_new (t2);
  g_autoptr(AwTraceModel) m4 = aw_trace_model_new (t4);
  const AwSpan *busy;
  guint n;

  /* Two workers: two rounds of 500 ms. Four: one round. */
  g_assert_cmpint (run_end_ns (t2), ==, MS (1000));
  g_assert_cmpint (run_end_ns (t4), ==, MS (500));
  g_assert_cmpuint (aw_trace_model_get_metrics (m2)->threads_used, ==, 3);
  g_assert_cmpuint (aw_trace_model_get_metrics (m4)->threads_used, ==, 5);
  g_assert_cmpstr (aw_trace_model_get_metrics (m2)->outcome, ==, "completed");
  g_assert_cmpstr (aw_trace_get_metadata (t2, "workers"), ==, "2");
  g_assert_cmpstr (aw_trace_get_lane_name (t2, 1), ==, "worker 1");
  g_assert_cmpstr (aw_trace_get_lane_name (t2, 2), ==, "worker 2");

  /* FIFO: tasks 2 and 3 run first; 4 and 5 are queued for 500 ms, then
   * run on the workers that became free. */
  g_assert_cmpint (event_time (t2, find_event (t2, 0, AW_EVENT_TASK_QUEUED, 5, NULL)), ==, 0);
  g_assert_cmpint (event_time (t2, find_event (t2, 0, AW_EVENT_TASK_RUNNING, 2, NULL)), ==, 0);
  g_assert_cmpint (event_time (t2, find_event (t2, 0, AW_EVENT_TASK_RUNNING, 4, NULL)), ==, MS (500));
  g_assert_cmpint (event_time (t2, find_event (t2, 0, AW_EVENT_TASK_RUNNING, 5, NULL)), ==, MS (500));
  g_assert_cmpint (event_time (t2, find_event (t2, 0, AW_EVENT_TASK_COMPLETED, 5, NULL)), ==, MS (1000));
  for (guint lane = 1; lane <= 2; lane++)
    {
      busy = aw_trace_model_get_lane_busy (m2, lane, &n);
      g_assert_cmpuint (n, ==, 2);
      g_assert_cmpint (busy[0].start_ns, ==, 0);
      g_assert_cmpint (busy[0].end_ns, ==, MS (500));
      g_assert_cmpint (busy[1].start_ns, ==, MS (500));
      g_assert_cmpint (busy[1].end_ns, ==, MS (1000));
    }

  /* No worker count: two, whatever the machine has, so that a picture is
   * the same everywhere. */
  {
    Opts dflt = { 1.0, 0, -1, 0, 0 };
    g_autoptr(AwTrace) td = simulate (s, "v", &dflt);

    g_assert_cmpstr (aw_trace_get_metadata (td, "workers"), ==, "2");
    g_assert_cmpint (run_end_ns (td), ==, MS (1000));
  }
}

/* cpu work is an amount of CPU time: more CPU-bound jobs than cores share
 * them, so eight workers on two cores finish no sooner than two workers;
 * blocking jobs need no core. A cooperative job checks its token every
 * check interval of its own work, later in wall time when it shares a core. */
static void
test_cores (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"parallel\", \"count\": 16, \"child\": { \"type\": \"cpu\", \"ms\": 250 } }");
  g_autoptr(AwScenario) blocking = scenario_from_program (
    "{ \"type\": \"parallel\", \"count\": 16, \"child\": { \"type\": \"cpu\", \"ms\": 250, \"blocking\": true } }");
  g_autoptr(AwScenario) cooperative = scenario_from_program (
    "{ \"type\": \"parallel\", \"count\": 4, \"child\": { \"type\": \"cpu\", \"ms\": 1000, \"check_ms\": 100 } }");
  const struct { AwScenario *scenario; guint workers, cores; gint cancel_ms; double end_ms; } cases[] = {
    { s, 8, 8, -1, 500 },
    { s, 2, 2, -1, 2000 },
    { s, 8, 2, -1, 2000 },
    { s, 16, 2, -1, 2000 },
    { blocking, 8, 2, -1, 500 },
    /* Four jobs on two cores: each does 100 ms of work every 200 ms. The
     * token is cancelled at 250 ms (62.5 ms of work each, its own share):
     * the checks at 100 ms of work come at 400 ms. */
    { cooperative, 4, 2, 250, 400 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AwRunOptions options;
      g_autoptr(AwTrace) t = NULL;

      aw_run_options_init (&options);
      options.workers = cases[i].workers;
      options.cores = cases[i].cores;
      options.cancel_after_ms = cases[i].cancel_ms;
      t = aw_clock_simulate (cases[i].scenario, 0, &options);
      g_test_message ("case %u: %u workers, %u cores: %.1f ms", i, cases[i].workers, cases[i].cores,
                      run_end_ns (t) / 1e6);
      g_assert_cmpint (run_end_ns (t), ==, MS (cases[i].end_ms));
    }
}

/* The dotnet pool ------------------------------------------------------------------------------ */

static AwScenario *
scenario_with_pool (const char *pool,
                    const char *program)
{
  g_autofree char *text = g_strdup_printf (
    "{ \"id\": \"t\", \"title\": \"t\", \"part\": 1, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
    "  \"pool\": %s,\n"
    "  \"variants\": [ { \"name\": \"v\", \"title\": \"V\", \"program\": %s } ] }", pool, program);
  g_autoptr(GError) error = NULL;
  AwScenario *s = aw_scenario_new_from_data (text, -1, "inline.json", &error);

  g_assert_no_error (error);
  return s;
}

static AwTrace *
simulate_pool (AwScenario *scenario,
               AwPoolKind  pool,
               guint       workers,
               double      speed,
               guint       interval_ms,
               guint       max_threads)
{
  AwRunOptions options;

  aw_run_options_init (&options);
  options.workers = workers;
  options.speed = speed;
  options.pool = pool;
  options.pool_interval_ms = interval_ms;
  options.pool_max_threads = max_threads;
  return aw_clock_simulate (scenario, 0, &options);
}

/* "t1 t2 ...": the times (ms) of the marks the pool made, each checked to
 * say how many threads it has, on the main thread's lane. */
static char *
pool_marks (AwTrace *trace,
            guint    workers)
{
  GString *times = g_string_new (NULL);
  const AwEvent *events;
  guint n, threads = workers;

  events = aw_trace_get_events (trace, &n);
  for (guint i = 0; i < n; i++)
    if (events[i].kind == AW_EVENT_MARK &&
        g_str_has_prefix (aw_trace_get_string (trace, events[i].str), "pool: "))
      {
        g_autofree char *expected = g_strdup_printf ("pool: %u threads", ++threads);

        g_assert_cmpstr (aw_trace_get_string (trace, events[i].str), ==, expected);
        g_assert_cmpuint (events[i].lane, ==, 0);
        g_assert_cmpuint (events[i].task, ==, 0);
        g_string_append_printf (times, "%s%g", times->len ? " " : "", events[i].time_ns / 1e6);
      }
  return g_string_free (times, FALSE);
}

/* "t1 t2 ...": when each of the tasks @first.. started running, in ms. */
static char *
running_times (AwTrace *trace,
               guint32  first,
               guint    count)
{
  GString *times = g_string_new (NULL);

  for (guint32 id = first; id < first + count; id++)
    g_string_append_printf (times, "%s%g", id > first ? " " : "",
                            event_time (trace, find_event (trace, 0, AW_EVENT_TASK_RUNNING, id, NULL)) / 1e6);
  return g_string_free (times, FALSE);
}

/* Twelve work items that each block their thread for 2 s, queued at once on
 * two workers, as measured on Mono 6.8 with two processors: the first six
 * started at 0, 0, 501, 1002, 1502 and 2002 ms, on six threads, and the
 * last ended at 6.0 s. The pool checks every 500 ms from the first job:
 * nothing has finished at 0.5, 1 and 1.5 s, and the two jobs that end at
 * 2 s end after the check at 2 s, so it grows four times; from then on a
 * job ends in every interval. On a fixed pool the same work takes 12 s. */
static void
test_pool_growth (void)
{
  g_autoptr(AwScenario) s = scenario_with_pool ("\"dotnet\"",
    "{ \"type\": \"parallel\", \"count\": 12, \"child\": { \"type\": \"cpu\", \"ms\": 2000, \"blocking\": true } }");
  g_autoptr(AwTrace) t = simulate_pool (s, AW_POOL_AS_SCENARIO, 2, 1.0, 0, 0);
  g_autoptr(AwTrace) fixed = simulate_pool (s, AW_POOL_FIXED, 2, 1.0, 0, 0);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);
  g_autofree char *marks = pool_marks (t, 2);
  g_autofree char *started = running_times (t, 2, 12);
  g_autofree char *fixed_marks = pool_marks (fixed, 2);

  g_assert_cmpstr (marks, ==, "500 1000 1500 2000");
  g_assert_cmpstr (started, ==, "0 0 500 1000 1500 2000 2000 2000 2500 3000 3500 4000");
  g_assert_cmpint (run_end_ns (t), ==, MS (6000));
  g_assert_cmpuint (aw_trace_model_get_metrics (m)->threads_used, ==, 1 + 6);
  g_assert_cmpstr (aw_trace_get_metadata (t, "pool"), ==, "dotnet");
  g_assert_cmpstr (aw_trace_get_metadata (t, "pool_interval_ms"), ==, "500");
  g_assert_cmpstr (aw_trace_get_metadata (t, "pool_max_threads"), ==, "32");
  g_assert_cmpstr (aw_trace_get_metadata (t, "workers"), ==, "2");

  g_assert_cmpstr (fixed_marks, ==, "");
  g_assert_cmpint (run_end_ns (fixed), ==, MS (12000));
  g_assert_cmpstr (aw_trace_get_metadata (fixed, "pool"), ==, "fixed");
  g_assert_null (aw_trace_get_metadata (fixed, "pool_interval_ms"));
}

/* The rule's edges, exact. */
static void
test_pool_rule (void)
{
  const struct {
    const char *program;
    guint       max_threads;
    const char *marks;
    double      end_ms;
  } cases[] = {
    /* A job ends in every interval: the queue moves, the pool never grows. */
    { "{ \"type\": \"parallel\", \"count\": 16, \"child\": { \"type\": \"cpu\", \"ms\": 400, \"blocking\": true } }",
      0, "", 3200 },
    /* Jobs that end at a check's instant end after it: at 0.5 s nothing has
     * finished (one thread more); at 1 s the jobs that ended at 0.5 s count. */
    { "{ \"type\": \"parallel\", \"count\": 16, \"child\": { \"type\": \"cpu\", \"ms\": 500, \"blocking\": true } }",
      0, "500", 3000 },
    /* No more than the maximum. */
    { "{ \"type\": \"parallel\", \"count\": 12, \"child\": { \"type\": \"cpu\", \"ms\": 2000, \"blocking\": true } }",
      4, "500 1000", 7000 },
    /* As many jobs as threads: nothing waits, nothing grows. */
    { "{ \"type\": \"parallel\", \"count\": 2, \"child\": { \"type\": \"cpu\", \"ms\": 5000, \"blocking\": true } }",
      0, "", 5000 },
    /* CPU work counts the same way, and the thread added shares the two
     * cores with the others (4 s on the fixed pool). */
    { "{ \"type\": \"parallel\", \"count\": 3, \"child\": { \"type\": \"cpu\", \"ms\": 2000 } }",
      0, "500", 3250 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AwScenario) s = scenario_with_pool ("\"dotnet\"", cases[i].program);
      g_autoptr(AwTrace) t = simulate_pool (s, AW_POOL_AS_SCENARIO, 2, 1.0, 0, cases[i].max_threads);
      g_autofree char *marks = pool_marks (t, 2);

      g_test_message ("case %u: marks at \"%s\", end %.1f ms", i, marks, run_end_ns (t) / 1e6);
      g_assert_cmpstr (marks, ==, cases[i].marks);
      g_assert_cmpint (run_end_ns (t), ==, MS (cases[i].end_ms));
    }
}

/* The checks start with the first job queued, every interval in scenario
 * time (the speed divides it like any duration) unless the options give
 * one in real time; the scenario's own interval and maximum apply. */
static void
test_pool_interval (void)
{
  const char *program =
    "{ \"type\": \"sequence\", \"children\": [ { \"type\": \"delay\", \"ms\": 300 },"
    "  { \"type\": \"parallel\", \"count\": 3, \"child\": { \"type\": \"cpu\", \"ms\": 1000, \"blocking\": true } } ] }";
  g_autoptr(AwScenario) dflt = scenario_with_pool ("\"dotnet\"", program);
  g_autoptr(AwScenario) own = scenario_with_pool ("{ \"type\": \"dotnet\", \"interval_ms\": 200, \"max_threads\": 2 }", program);
  g_autoptr(AwScenario) fast = scenario_with_pool ("{ \"type\": \"dotnet\", \"interval_ms\": 200 }", program);
  /* Speed 2: the jobs are queued at 150 ms and take 500 ms; the third one
   * waits. The default interval, 250 ms at this speed: it starts at 400 ms. */
  g_autoptr(AwTrace) t1 = simulate_pool (dflt, AW_POOL_AS_SCENARIO, 2, 2.0, 0, 0);
  /* 100 ms of real time, whatever the speed: at 250 ms. */
  g_autoptr(AwTrace) t2 = simulate_pool (dflt, AW_POOL_AS_SCENARIO, 2, 2.0, 100, 0);
  /* The scenario's 200 ms, 100 ms at speed 2; but it allows no growth. */
  g_autoptr(AwTrace) t3 = simulate_pool (own, AW_POOL_AS_SCENARIO, 2, 2.0, 0, 0);
  g_autoptr(AwTrace) t4 = simulate_pool (fast, AW_POOL_AS_SCENARIO, 2, 2.0, 0, 0);
  g_autofree char *m1 = pool_marks (t1, 2);
  g_autofree char *m2 = pool_marks (t2, 2);
  g_autofree char *m3 = pool_marks (t3, 2);
  g_autofree char *m4 = pool_marks (t4, 2);

  g_assert_cmpstr (m1, ==, "400");
  g_assert_cmpint (run_end_ns (t1), ==, MS (900));
  g_assert_cmpstr (aw_trace_get_metadata (t1, "pool_interval_ms"), ==, "250");
  g_assert_cmpstr (m2, ==, "250");
  g_assert_cmpint (run_end_ns (t2), ==, MS (750));
  g_assert_cmpstr (aw_trace_get_metadata (t2, "pool_interval_ms"), ==, "100");
  g_assert_cmpstr (m3, ==, "");
  g_assert_cmpint (run_end_ns (t3), ==, MS (1150));
  g_assert_cmpstr (aw_trace_get_metadata (t3, "pool_max_threads"), ==, "2");
  g_assert_cmpstr (m4, ==, "250");
  g_assert_cmpint (run_end_ns (t4), ==, MS (750));
}

/* Timers count whole milliseconds, like GLib's timeout sources; work on a
 * worker and blocks keep their exact scaled duration. */
static void
test_rounding (void)
{
  g_autoptr(AwScenario) timers = scenario_from_program (
    "{ \"type\": \"sequence\", \"children\": [ { \"type\": \"io\", \"ms\": 100 }, { \"type\": \"io\", \"ms\": 100 } ] }");
  g_autoptr(AwScenario) work = scenario_from_program (
    "{ \"type\": \"sequence\", \"children\": [ { \"type\": \"cpu\", \"ms\": 100 }, { \"type\": \"block_ui\", \"ms\": 100 } ] }");
  Opts opts = { 3.0, 0, -1, 0, 0 };
  g_autoptr(AwTrace) tt = simulate (timers, "v", &opts);
  g_autoptr(AwTrace) tw = simulate (work, "v", &opts);

  /* 100 ms at speed 3: a 33 ms timer, but 33.333 ms of work. */
  g_assert_cmpint (run_end_ns (tt), ==, MS (66));
  g_assert_cmpint (run_end_ns (tw), ==, 2 * G_GINT64_CONSTANT (33333000));
  g_assert_cmpstr (aw_trace_get_metadata (tt, "speed"), ==, "3");
}

/* Cancellation ------------------------------------------------------------------------------- */

/* Cancel pressed during a batch of timer awaits: every one ends at once, the
 * most recent first (the runner walks its scope's waiters from the head). */
static void
test_cancel_batch (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"parallel\", \"count\": 100, \"child\": { \"type\": \"delay\", \"ms\": 1000 } }");
  Opts opts = { 1.0, 0, 50, 0, 0 };
  g_autoptr(AwTrace) t = simulate (s, "v", &opts);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);
  const AwEvent *events;
  gint request = find_event (t, 0, AW_EVENT_CANCEL_REQUEST, 0, NULL);
  guint n;

  events = aw_trace_get_events (t, &n);
  g_assert_cmpuint (aw_trace_model_get_metrics (m)->cancelled, ==, 101);
  for (guint i = 0; i < 100; i++)
    {
      const AwEvent *ev = &events[request + 1 + i];

      g_assert_cmpint (ev->kind, ==, AW_EVENT_TASK_CANCELLED);
      g_assert_cmpuint (ev->task, ==, 101 - i);
      g_assert_cmpint (ev->time_ns, ==, MS (50));
    }
  g_assert_cmpint (events[request + 101].kind, ==, AW_EVENT_TASK_CANCELLED);
  g_assert_cmpuint (events[request + 101].task, ==, 1);
  g_assert_cmpstr (aw_trace_model_get_metrics (m)->outcome, ==, "cancelled: The operation was cancelled");
  g_assert_cmpint (run_end_ns (t), ==, MS (50));
}

static void
check_cooperative (guint       check_ms,
                   gboolean    cooperative,
                   gint        cancel_ms,
                   gint64      expected_end_ns)
{
  g_autofree char *program = g_strdup_printf (
    "{ \"type\": \"cpu\", \"ms\": 2000, \"cooperative\": %s, \"check_ms\": %u, \"name\": \"work\" }",
    cooperative ? "true" : "false", check_ms);
  g_autofree char *why = g_strdup_printf ("Cancel pressed after %d ms", cancel_ms);
  g_autoptr(AwScenario) s = scenario_from_program (program);
  Opts opts = { 1.0, 2, cancel_ms, 0, 0 };
  g_autoptr(AwTrace) t = simulate (s, "v", &opts);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);
  const AwMetrics *metrics = aw_trace_model_get_metrics (m);
  gint request = find_event (t, 0, AW_EVENT_CANCEL_REQUEST, 0, why);

  g_assert_cmpint (event_time (t, request), ==, MS (cancel_ms));
  g_assert_cmpint (run_end_ns (t), ==, expected_end_ns);
  if (cooperative)
    {
      gint seen = find_event (t, 0, AW_EVENT_CANCEL_OBSERVED, 1, NULL);
      const AwEvent *events;
      guint n;

      /* The first check after the request sees it: then the worker stops. */
      events = aw_trace_get_events (t, &n);
      g_assert_cmpint (event_time (t, seen), ==, expected_end_ns);
      g_assert_cmpint (find_event (t, seen, AW_EVENT_TASK_CANCELLED, 1, NULL), ==, seen + 1);
      g_assert_cmpuint (events[seen].lane, ==, 1);
      g_assert_cmpstr (metrics->outcome, ==, "cancelled: The worker saw the cancellation and stopped");
      g_assert_cmpfloat (metrics->cancel_latency_ms, ==, (expected_end_ns - MS (cancel_ms)) / 1e6);
    }
  else
    {
      g_assert_cmpint (find_event (t, 0, AW_EVENT_CANCEL_OBSERVED, G_MAXUINT32, NULL), ==, -1);
      g_assert_cmpstr (metrics->outcome, ==, "completed");
      g_assert_cmpfloat (metrics->wasted_ms, ==, 2000 - cancel_ms);
    }
}

static void
test_cancel_cooperative (void)
{
  /* Checks at 10, 20, ... 310: the one at 310 sees the cancel of 305. */
  check_cooperative (10, TRUE, 305, MS (310));
  /* Checks at 400, 800, ...: the one at 400. */
  check_cooperative (400, TRUE, 305, MS (400));
  /* A check at the very instant of the cancel sees it. */
  check_cooperative (100, TRUE, 300, MS (300));
  /* Never checks: runs to its end. */
  check_cooperative (10, FALSE, 305, MS (2000));
}

/* Cooperative work that is still queued when the token is cancelled does not start. */
static void
test_cancel_queued (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"when_all\", \"children\": ["
    "  { \"type\": \"cpu\", \"ms\": 1000, \"cooperative\": false, \"name\": \"stubborn\" },"
    "  { \"type\": \"cpu\", \"ms\": 500, \"name\": \"polite\" } ] }");
  Opts opts = { 1.0, 1, 100, 0, 0 };
  g_autoptr(AwTrace) t = simulate (s, "v", &opts);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);
  const AwTaskInfo *polite = task_named (m, "polite");

  g_assert_cmpint (find_event (t, 0, AW_EVENT_TASK_RUNNING, polite->id, NULL), ==, -1);
  g_assert_cmpint (event_time (t, find_event (t, 0, AW_EVENT_CANCEL_OBSERVED, polite->id, NULL)), ==, MS (1000));
  g_assert_cmpint (polite->outcome, ==, AW_OUTCOME_CANCELLED);
  g_assert_cmpint (task_named (m, "stubborn")->outcome, ==, AW_OUTCOME_COMPLETED);
  g_assert_cmpint (run_end_ns (t), ==, MS (1000));
  g_assert_cmpstr (aw_trace_model_get_metrics (m)->outcome, ==, "cancelled: The operation was cancelled");
}

/* WhenAny, timeouts and errors: the runner's texts and observations. */
static void
test_when_any_timeout_errors (void)
{
  g_autoptr(AwScenario) any = scenario_from_program (
    "{ \"type\": \"when_any\", \"cancel_rest\": false, \"children\": ["
    "  { \"type\": \"io\", \"ms\": 100, \"name\": \"fast\" },"
    "  { \"type\": \"fail\", \"ms\": 300, \"message\": \"late failure\", \"name\": \"loser\" } ] }");
  g_autoptr(AwScenario) timeout = scenario_from_program (
    "{ \"type\": \"timeout\", \"ms\": 255, \"child\": { \"type\": \"when_any\", \"children\": ["
    "  { \"type\": \"io\", \"ms\": 400, \"name\": \"slow\" }, { \"type\": \"cpu\", \"ms\": 400, \"name\": \"burn\" } ] } }");
  g_autoptr(AwScenario) errors = scenario_from_program (
    "{ \"type\": \"sequence\", \"children\": ["
    "  { \"type\": \"fire_and_forget\", \"child\": { \"type\": \"fail\", \"ms\": 20, \"message\": \"lost\" } },"
    "  { \"type\": \"when_all\", \"children\": ["
    "    { \"type\": \"fail\", \"ms\": 30, \"message\": \"first\" },"
    "    { \"type\": \"fail\", \"ms\": 60, \"message\": \"second\" },"
    "    { \"type\": \"fail\", \"ms\": 60, \"message\": \"third\" },"
    "    { \"type\": \"io\", \"ms\": 10 } ] } ] }");
  g_autoptr(AwTrace) ta = simulate (any, "v", NULL);
  g_autoptr(AwTrace) tt = simulate (timeout, "v", NULL);
  g_autoptr(AwTrace) te = simulate (errors, "v", NULL);
  g_autoptr(AwTraceModel) ma = aw_trace_model_new (ta);
  g_autoptr(AwTraceModel) mt = aw_trace_model_new (tt);
  g_autoptr(AwTraceModel) me = aw_trace_model_new (te);

  /* The first completion wins; a loser left running faults unobserved. */
  g_assert_cmpint (run_end_ns (ta), ==, MS (100));
  g_assert_cmpint (find_event (ta, 0, AW_EVENT_CANCEL_REQUEST, G_MAXUINT32, NULL), ==, -1);
  g_assert_cmpint (event_time (ta, find_event (ta, 0, AW_EVENT_ERROR_UNOBSERVED, task_named (ma, "loser")->id,
                                               "late failure")), ==, MS (300));

  /* The deadline cancels the child scope: the timer at once, the worker at
   * its next check, after the run has ended. */
  g_assert_cmpint (event_time (tt, find_event (tt, 0, AW_EVENT_CANCEL_REQUEST, 1, "Deadline of 255 ms passed")), ==, MS (255));
  g_assert_cmpstr (aw_trace_model_get_metrics (mt)->outcome, ==, "cancelled: Timed out after 255 ms");
  g_assert_cmpint (task_named (mt, "slow")->end_ns, ==, MS (255));
  g_assert_cmpint (run_end_ns (tt), ==, MS (255));
  g_assert_cmpint (task_named (mt, "burn")->end_ns, ==, MS (260));
  g_assert_cmpint (task_named (mt, "burn")->outcome, ==, AW_OUTCOME_CANCELLED);

  /* Errors aggregated, each observed; the forgotten one is not. */
  g_assert_cmpstr (aw_trace_model_get_metrics (me)->outcome, ==,
                   "faulted: 2 more errors in the aggregate; the first: first");
  g_assert_cmpuint (aw_trace_model_get_metrics (me)->errors_unobserved, ==, 1);
  g_assert_cmpint (event_time (te, find_event (te, 0, AW_EVENT_ERROR_UNOBSERVED, G_MAXUINT32, "lost")), ==, MS (20));
  /* Three faulted children, the when_all in the sequence, the sequence at the root. */
  g_assert_cmpuint (count_events (te, AW_EVENT_ERROR_OBSERVED, G_MAXUINT32), ==, 5);
  g_assert_cmpint (run_end_ns (te), ==, MS (60));
}

/* Cache hits: the runner's pattern; a Task<T> hit still hops through the loop. */
static void
test_cached (void)
{
  g_autoptr(AwScenario) vt = scenario_from_program (
    "{ \"type\": \"repeat\", \"count\": 100, \"child\": { \"type\": \"cached\", \"ms\": 1, \"hit_ratio\": 0.9 } }");
  g_autoptr(AwScenario) tt = scenario_from_program (
    "{ \"type\": \"repeat\", \"count\": 100, \"child\": { \"type\": \"cached\", \"ms\": 1, \"hit_ratio\": 0.9, \"value_task\": false } }");
  g_autoptr(AwScenario) hop = scenario_from_program (
    "{ \"type\": \"sequence\", \"children\": [ { \"type\": \"delay\", \"ms\": 100 },"
    "  { \"type\": \"cached\", \"ms\": 50, \"value_task\": false, \"name\": \"hit\" },"
    "  { \"type\": \"io\", \"ms\": 50, \"name\": \"after\" } ] }");
  g_autoptr(AwTrace) t1 = simulate (vt, "v", NULL);
  g_autoptr(AwTrace) t2 = simulate (tt, "v", NULL);
  g_autoptr(AwTrace) t3 = simulate (hop, "v", NULL);
  g_autoptr(AwTraceModel) m1 = aw_trace_model_new (t1);
  g_autoptr(AwTraceModel) m2 = aw_trace_model_new (t2);
  g_autoptr(AwTraceModel) m3 = aw_trace_model_new (t3);
  const AwTaskInfo *hit = task_named (m3, "hit");
  gint completed = find_event (t3, 0, AW_EVENT_TASK_COMPLETED, hit->id, NULL);

  g_assert_cmpuint (aw_trace_model_get_metrics (m1)->tasks, ==, 101);
  g_assert_cmpuint (aw_trace_model_get_metrics (m1)->sync_completed, ==, 90);
  g_assert_cmpuint (aw_trace_model_get_metrics (m1)->gtasks_created, ==, 11);
  g_assert_cmpuint (aw_trace_model_get_metrics (m2)->gtasks_created, ==, 101);
  /* Ten misses of 1 ms; hits take no time. */
  g_assert_cmpint (run_end_ns (t1), ==, MS (10));
  g_assert_cmpint (run_end_ns (t2), ==, MS (10));

  /* Created and completed at once; the next step starts at the same instant. */
  g_assert_cmpint (hit->created_ns, ==, MS (100));
  g_assert_cmpint (hit->end_ns, ==, MS (100));
  g_assert_cmpint (find_event (t3, completed, AW_EVENT_TASK_CREATED, task_named (m3, "after")->id, NULL), ==, completed + 1);
  g_assert_cmpint (task_named (m3, "after")->created_ns, ==, MS (100));
  g_assert_cmpint (run_end_ns (t3), ==, MS (150));
}

/* A blocked main thread: timers due meanwhile and heartbeats wait for it. */
static void
test_block_ui (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"when_all\", \"children\": ["
    "  { \"type\": \"delay\", \"ms\": 200, \"name\": \"late\" },"
    "  { \"type\": \"delay\", \"ms\": 100, \"name\": \"early\" },"
    "  { \"type\": \"block_ui\", \"ms\": 300, \"name\": \"block\" } ] }");
  Opts opts = { 1.0, 0, -1, 10, 0 };
  g_autoptr(AwTrace) t = simulate (s, "v", &opts);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);
  const AwMetrics *metrics = aw_trace_model_get_metrics (m);
  const AwTaskInfo *late = task_named (m, "late");
  const AwTaskInfo *early = task_named (m, "early");
  const gint64 *frames;
  guint n_frames;

  /* Both timers were due during the block: they fire when it ends, in
   * deadline order, as the runner's one wait source fires them (not in the
   * order they were started, as separate GLib sources would). */
  g_assert_cmpint (late->end_ns, ==, MS (300));
  g_assert_cmpint (early->end_ns, ==, MS (300));
  g_assert_cmpint (find_event (t, 0, AW_EVENT_TASK_COMPLETED, early->id, NULL), <,
                   find_event (t, 0, AW_EVENT_TASK_COMPLETED, late->id, NULL));
  g_assert_cmpint (event_time (t, find_event (t, 0, AW_EVENT_UI_BLOCK_END, G_MAXUINT32, NULL)), ==, MS (300));

  /* The heartbeat at 0, then nothing until the block ends, then every 10 ms. */
  frames = aw_trace_model_get_frames (m, &n_frames);
  g_assert_cmpuint (n_frames, ==, 2);
  g_assert_cmpint (frames[0], ==, 0);
  g_assert_cmpint (frames[1], ==, MS (300));
  /* The frame at 300 comes before the timers: it has the higher priority. */
  g_assert_cmpint (find_event (t, find_event (t, 0, AW_EVENT_UI_BLOCK_END, G_MAXUINT32, NULL), AW_EVENT_FRAME, 0, NULL), <,
                   find_event (t, 0, AW_EVENT_TASK_COMPLETED, late->id, NULL));
  g_assert_cmpfloat (metrics->max_main_loop_gap_ms, ==, 300);
  g_assert_cmpfloat (metrics->ui_blocked_ms, ==, 300);
  g_assert_cmpint (run_end_ns (t), ==, MS (300));
}

/* try { await a; await b; } catch: a's error is observed and caught, b
 * never starts, and the method completes when a fails. A cancellation is
 * not caught. */
static void
test_catch (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"sequence\", \"catch\": true, \"name\": \"handler\", \"children\": ["
    "  { \"type\": \"fail\", \"ms\": 300, \"message\": \"disk full\", \"name\": \"save\" },"
    "  { \"type\": \"io\", \"ms\": 800, \"name\": \"toast\" } ] }");
  g_autoptr(AwScenario) cancelled = scenario_from_program (
    "{ \"type\": \"sequence\", \"catch\": true, \"name\": \"handler\", \"children\": ["
    "  { \"type\": \"io\", \"ms\": 800, \"name\": \"download\" } ] }");
  Opts opts = { 1.0, 0, -1, 10, 0 };
  Opts cancel = { 1.0, 0, 200, 10, 0 };
  g_autoptr(AwTrace) t = simulate (s, "v", &opts);
  g_autoptr(AwTrace) tc = simulate (cancelled, "v", &cancel);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);
  g_autoptr(AwTraceModel) mc = aw_trace_model_new (tc);
  const AwMetrics *metrics = aw_trace_model_get_metrics (m);

  g_assert_cmpstr (metrics->outcome, ==, "completed");
  g_assert_cmpint (run_end_ns (t), ==, MS (300));
  g_assert_cmpuint (task_named (m, "handler")->outcome, ==, AW_OUTCOME_COMPLETED);
  g_assert_cmpuint (task_named (m, "save")->outcome, ==, AW_OUTCOME_FAULTED);
  g_assert_null (aw_trace_model_find_task (m, 3));   /* the toast never started */
  g_assert_cmpuint (metrics->errors_observed, ==, 1);
  g_assert_cmpuint (metrics->errors_unobserved, ==, 0);

  g_assert_true (g_str_has_prefix (aw_trace_model_get_metrics (mc)->outcome, "cancelled"));
}

/* parallel with a limit (SemaphoreSlim): 10 downloads of 100 ms, 3 at a
 * time, take four rounds; a cancel stops the copies not yet started. */
static void
test_parallel_limit (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"parallel\", \"count\": 10, \"limit\": 3, \"name\": \"all\","
    "  \"child\": { \"type\": \"io\", \"ms\": 100, \"name\": \"download\" } }");
  Opts opts = { 1.0, 0, -1, 10, 0 };
  Opts cancel = { 1.0, 0, 150, 10, 0 };
  g_autoptr(AwTrace) t = simulate (s, "v", &opts);
  g_autoptr(AwTrace) tc = simulate (s, "v", &cancel);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);
  g_autoptr(AwTraceModel) mc = aw_trace_model_new (tc);
  const AwTaskInfo *tasks;
  guint n, started_at[5] = { 0 };

  g_assert_cmpint (run_end_ns (t), ==, MS (400));
  tasks = aw_trace_model_get_tasks (m, &n);
  g_assert_cmpuint (n, ==, 11);
  for (guint i = 1; i < n; i++)
    started_at[tasks[i].created_ns / MS (100)]++;
  g_assert_cmpuint (started_at[0], ==, 3);
  g_assert_cmpuint (started_at[1], ==, 3);
  g_assert_cmpuint (started_at[2], ==, 3);
  g_assert_cmpuint (started_at[3], ==, 1);

  /* Cancelled at 150 ms: the three running copies are cancelled, the four
   * waiting for the semaphore never start. */
  g_assert_true (g_str_has_prefix (aw_trace_model_get_metrics (mc)->outcome, "cancelled"));
  g_assert_cmpuint (aw_trace_model_get_metrics (mc)->tasks, ==, 7);
  g_assert_cmpint (run_end_ns (tc), ==, MS (150));
}

/* .Wait() wraps the error in an AggregateException; await does not. */
static void
test_wait_aggregate (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"wait_blocking\", \"aggregate\": true, \"continue_on\": \"worker\","
    "  \"child\": { \"type\": \"fail\", \"ms\": 100, \"message\": \"disk full\" } }");
  Opts opts = { 1.0, 0, -1, 10, 0 };
  g_autoptr(AwTrace) t = simulate (s, "v", &opts);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);

  g_assert_cmpstr (aw_trace_model_get_metrics (m)->outcome, ==,
                   "faulted: AggregateException: One or more errors occurred. (disk full)");
}

/* An exception escaping async void: the run ends crashed, marked where the
 * process would have ended; a plain forgotten task's error is unobserved. */
static void
test_async_void_crash (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"sequence\", \"children\": ["
    "  { \"type\": \"fire_and_forget\", \"async_void\": true,"
    "    \"child\": { \"type\": \"fail\", \"ms\": 300, \"message\": \"disk full\", \"name\": \"save\" } },"
    "  { \"type\": \"io\", \"ms\": 800 } ] }");
  Opts opts = { 1.0, 0, -1, 10, 0 };
  g_autoptr(AwTrace) t = simulate (s, "v", &opts);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);
  const AwMetrics *metrics = aw_trace_model_get_metrics (m);
  gint crash = find_event (t, 0, AW_EVENT_CRASH, task_named (m, "save")->id, NULL);

  g_assert_cmpint (event_time (t, crash), ==, MS (300));
  g_assert_true (metrics->crashed);
  g_assert_cmpuint (metrics->errors_unobserved, ==, 0);
  g_assert_true (g_str_has_prefix (metrics->outcome, "crashed: disk full: the exception escaped an async void method"));
}

/* Progress reports: from a worker they reach the UI thread as the work
 * goes; from work on the UI thread they wait until it is free. */
static void
test_progress (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"sequence\", \"children\": ["
    "  { \"type\": \"cpu\", \"ms\": 1000, \"progress_ms\": 250, \"name\": \"worker\" },"
    "  { \"type\": \"block_ui\", \"ms\": 400, \"progress_ms\": 100, \"name\": \"ui\" } ] }");
  g_autoptr(AwScenario) cancelled = scenario_from_program (
    "{ \"type\": \"cpu\", \"ms\": 1000, \"check_ms\": 400, \"progress_ms\": 250, \"name\": \"worker\" }");
  Opts opts = { 1.0, 0, -1, 10, 0 };
  Opts cancel = { 1.0, 0, 100, 10, 0 };
  g_autoptr(AwTrace) t = simulate (s, "v", &opts);
  g_autoptr(AwTrace) tc = simulate (cancelled, "v", &cancel);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);
  g_autoptr(AwTraceModel) mc = aw_trace_model_new (tc);
  guint32 worker = task_named (m, "worker")->id;
  guint32 ui = task_named (m, "ui")->id;
  const AwEvent *events;
  guint n;

  /* Three reports from the worker, on the UI thread's lane, as the work goes. */
  g_assert_cmpint (event_time (t, find_event (t, 0, AW_EVENT_MARK, worker, "Report(25%)")), ==, MS (250));
  g_assert_cmpint (event_time (t, find_event (t, 0, AW_EVENT_MARK, worker, "Report(50%)")), ==, MS (500));
  g_assert_cmpint (event_time (t, find_event (t, 0, AW_EVENT_MARK, worker, "Report(75%)")), ==, MS (750));
  events = aw_trace_get_events (t, &n);
  g_assert_cmpuint (events[find_event (t, 0, AW_EVENT_MARK, worker, "Report(50%)")].lane, ==, 0);
  /* Work on the UI thread: every report waits for the end of the block. */
  g_assert_cmpint (event_time (t, find_event (t, 0, AW_EVENT_MARK, ui, "Report(25%)")), ==, MS (1400));
  g_assert_cmpint (event_time (t, find_event (t, 0, AW_EVENT_MARK, ui, "Report(75%)")), ==, MS (1400));
  g_assert_cmpint (run_end_ns (t), >=, MS (1400));

  /* The token is checked at each report too: cancelled at 100 ms, the
   * worker that checks every 400 ms stops at the first report. */
  g_assert_cmpint (run_end_ns (tc), ==, MS (250));
  g_assert_true (g_str_has_prefix (aw_trace_model_get_metrics (mc)->outcome, "cancelled"));
}

static void
test_heartbeat (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"sequence\", \"children\": ["
    "  { \"type\": \"delay\", \"ms\": 25 }, { \"type\": \"block_ui\", \"ms\": 33 }, { \"type\": \"delay\", \"ms\": 40 } ] }");
  Opts opts = { 1.0, 0, -1, 10, 0 };
  g_autoptr(AwTrace) t = simulate (s, "v", &opts);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);
  const gint64 expected[] = { 0, 10, 20, 58, 68, 78, 88, 98 };
  const gint64 *frames;
  guint n;

  /* The tick after the block is due at 30 and runs at 58, when the loop is
   * free; the next ones count from there. The run ends at 98. */
  frames = aw_trace_model_get_frames (m, &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (frames[i], ==, MS (expected[i]));
  g_assert_cmpint (run_end_ns (t), ==, MS (98));
  g_assert_cmpstr (aw_trace_get_metadata (t, "heartbeat_ms"), ==, "10");
}

/* .Result on the main thread: the watchdog at the deadline, then the stranded callback. */
/* A watchdog shorter than a ConfigureAwait(false) wait leaves it alone: its
 * task finishes on a pool thread, so it is no deadlock, and in C# .Result
 * returns when the task does. The same wait without ConfigureAwait(false)
 * deadlocks and the watchdog ends it. */
static void
test_watchdog_spares_configure_await (void)
{
  g_autoptr(AwScenario) configure = scenario_from_program (
    "{ \"type\": \"wait_blocking\", \"continue_on\": \"worker\","
    "  \"child\": { \"type\": \"io\", \"ms\": 500, \"name\": \"child\" } }");
  g_autoptr(AwScenario) result = scenario_from_program (
    "{ \"type\": \"wait_blocking\", \"child\": { \"type\": \"io\", \"ms\": 500, \"name\": \"child\" } }");
  Opts opts = { 1.0, 0, -1, 10, 100 };
  g_autoptr(AwTrace) tc = simulate (configure, "v", &opts);
  g_autoptr(AwTrace) tr = simulate (result, "v", &opts);
  g_autoptr(AwTraceModel) mc = aw_trace_model_new (tc);
  g_autoptr(AwTraceModel) mr = aw_trace_model_new (tr);
  const AwMetrics *c = aw_trace_model_get_metrics (mc);
  const AwMetrics *r = aw_trace_model_get_metrics (mr);

  g_assert_cmpint (find_event (tc, 0, AW_EVENT_WATCHDOG, G_MAXUINT32, NULL), <, 0);
  g_assert_cmpstr (c->outcome, ==, AW_RUN_COMPLETED);
  g_assert_cmpuint (c->deadlocked, ==, 0);
  g_assert_cmpfloat (c->wall_ms, >=, 500);
  g_assert_cmpfloat (c->max_main_loop_gap_ms, >=, 490);

  g_assert_cmpint (find_event (tr, 0, AW_EVENT_WATCHDOG, G_MAXUINT32, NULL), >=, 0);
  g_assert_true (g_str_has_prefix (r->outcome, AW_RUN_DEADLOCKED));
  g_assert_cmpfloat (r->wall_ms, <, 500);
}

static void
test_wait_blocking (void)
{
  g_autoptr(AwScenario) result = scenario_from_program (
    "{ \"type\": \"wait_blocking\", \"deadline_ms\": 600, \"child\": { \"type\": \"io\", \"ms\": 200, \"name\": \"child\" } }");
  g_autoptr(AwScenario) configure = scenario_from_program (
    "{ \"type\": \"wait_blocking\", \"deadline_ms\": 600, \"continue_on\": \"worker\","
    "  \"child\": { \"type\": \"io\", \"ms\": 200, \"name\": \"child\" } }");
  Opts opts = { 1.0, 0, -1, 10, 0 };
  Opts shorter = { 4.0, 0, -1, 0, 250 };
  g_autoptr(AwTrace) tr = simulate (result, "v", &opts);
  g_autoptr(AwTrace) ts = simulate (result, "v", &shorter);
  g_autoptr(AwTrace) tc = simulate (configure, "v", &opts);
  g_autoptr(AwTraceModel) mr = aw_trace_model_new (tr);
  g_autoptr(AwTraceModel) mc = aw_trace_model_new (tc);
  const AwTaskInfo *child = task_named (mr, "child");
  gint watchdog = find_event (tr, 0, AW_EVENT_WATCHDOG, 1, "watchdog: .Result gave up after 0.60 s");
  /* In C# the child's continuation would never run: it ends deadlocked, not completed. */
  gint completed = find_event (tr, 0, AW_EVENT_TASK_DEADLOCKED, child->id, NULL);
  gint stranded = find_event (tr, 0, AW_EVENT_MARK, child->id, "stranded callback ran");
  const AwEvent *events;
  guint n;

  events = aw_trace_get_events (tr, &n);
  /* The child's timer was due at 200 but its loop was blocked until 600. */
  g_assert_cmpint (event_time (tr, watchdog), ==, MS (600));
  g_assert_cmpint (event_time (tr, completed), ==, MS (600));
  g_assert_cmpint (completed, >, watchdog);
  g_assert_cmpint (find_event (tr, 0, AW_EVENT_TASK_DEADLOCKED, 1, NULL), >, watchdog);
  g_assert_cmpuint (child->outcome, ==, AW_OUTCOME_DEADLOCKED);
  g_assert_true (g_str_has_prefix (aw_trace_model_get_metrics (mr)->outcome, "deadlocked: .Result blocked"));
  g_assert_cmpint (stranded, ==, completed + 1);
  g_assert_cmpint (event_time (tr, stranded), ==, MS (600));
  g_assert_cmpuint (events[stranded].parent, ==, 1);
  g_assert_cmpint (event_time (tr, find_event (tr, 0, AW_EVENT_UI_BLOCK_END, 1, NULL)), ==, MS (600));
  g_assert_true (aw_trace_model_get_metrics (mr)->watchdog_fired);
  g_assert_cmpfloat (aw_trace_model_get_metrics (mr)->max_main_loop_gap_ms, ==, 600);
  g_assert_cmpstr (aw_trace_model_get_metrics (mr)->outcome, ==,
                   "deadlocked: .Result blocked the UI thread that the task needed to finish: "
                   "in C# it never returns; the watchdog gave up after 0.60 s");

  /* The option's deadline wins, in real milliseconds: the speed does not apply. */
  g_assert_cmpint (event_time (ts, find_event (ts, 0, AW_EVENT_WATCHDOG, 1, "watchdog: .Result gave up after 0.25 s")),
                   ==, MS (250));

  /* ConfigureAwait(false): the child completes on its own thread; the wait returns then. */
  g_assert_false (aw_trace_model_get_metrics (mc)->watchdog_fired);
  g_assert_cmpint (run_end_ns (tc), ==, MS (200));
  g_assert_cmpint (event_time (tc, find_event (tc, 0, AW_EVENT_UI_BLOCK_END, 1, NULL)), ==, MS (200));
  g_assert_cmpstr (aw_trace_model_get_metrics (mc)->outcome, ==, "completed");
  g_assert_cmpuint (aw_trace_model_get_metrics (mc)->threads_used, ==, 2);
  g_assert_cmpstr (aw_trace_get_lane_name (tc, 1), ==, "pool thread (ConfigureAwait(false))");
  events = aw_trace_get_events (tc, &n);
  g_assert_cmpuint (events[find_event (tc, 0, AW_EVENT_TASK_CREATED, task_named (mc, "child")->id, NULL)].lane, ==, 1);
  g_assert_cmpuint (events[find_event (tc, 0, AW_EVENT_TASK_COMPLETED, task_named (mc, "child")->id, NULL)].lane, ==, 1);
}

/* A run the runner never finishes (its last callback queued on a
 * ConfigureAwait(false) thread that has ended) still ends in the simulation. */
static void
test_leftovers (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"wait_blocking\", \"deadline_ms\": 2000, \"continue_on\": \"worker\","
    "  \"child\": { \"type\": \"when_any\", \"children\": ["
    "    { \"type\": \"cpu\", \"ms\": 2000, \"check_ms\": 30, \"name\": \"loser\" },"
    "    { \"type\": \"io\", \"ms\": 100 } ] } }");
  Opts opts = { 1.0, 0, -1, 10, 0 };
  g_autoptr(AwTrace) t = simulate (s, "v", &opts);
  g_autoptr(AwTraceModel) m = aw_trace_model_new (t);

  g_assert_cmpstr (aw_trace_model_get_metrics (m)->outcome, ==, "completed");
  g_assert_cmpint (run_end_ns (t), ==, MS (100));
  /* The loser stops at its next check, at 120, and its callback still runs on
   * the ConfigureAwait(false) thread, which serves its context until then;
   * the run ends with it: frames at 0, at 100 when the wait ends, 110 and 120. */
  g_assert_cmpint (task_named (m, "loser")->end_ns, ==, MS (120));
  g_assert_cmpint (task_named (m, "loser")->outcome, ==, AW_OUTCOME_CANCELLED);
  g_assert_cmpuint (aw_trace_model_get_metrics (m)->pending, ==, 0);
  g_assert_cmpuint (aw_trace_model_get_metrics (m)->frames, ==, 4);
}

/* Large runs take no real time. */
static void
test_performance (void)
{
  const char *programs[] = {
    "{ \"type\": \"parallel\", \"count\": 10000, \"child\": { \"type\": \"delay\", \"ms\": 1000 } }",
    "{ \"type\": \"repeat\", \"count\": 10000, \"child\": { \"type\": \"cached\", \"ms\": 1, \"hit_ratio\": 0.5, \"value_task\": false } }",
    "{ \"type\": \"timeout\", \"ms\": 5000, \"child\": { \"type\": \"parallel\", \"count\": 10000,"
    "  \"child\": { \"type\": \"when_any\", \"children\": [ { \"type\": \"cpu\", \"ms\": 10 }, { \"type\": \"io\", \"ms\": 20 } ] } } }",
  };
  /* The third: 4 workers win 4 races at 10 ms, then at 20 ms every io wins
   * its race, and the cpu jobs still queued are cancelled before they start. */
  const gint64 expected_ms[] = { 1000, 5000, 20 };

  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autoptr(AwScenario) s = scenario_from_program (programs[i]);
      Opts opts = { 1.0, 4, -1, 16, 0 };
      gint64 start = g_get_monotonic_time ();
      g_autoptr(AwTrace) t = simulate (s, "v", &opts);
      double took_ms = (g_get_monotonic_time () - start) / 1000.0;
      g_autoptr(AwTraceModel) m = aw_trace_model_new (t);

      g_test_message ("%u tasks simulated in %.1f ms", aw_trace_model_get_metrics (m)->tasks, took_ms);
      g_assert_cmpuint (aw_trace_model_get_metrics (m)->tasks, >=, 10001);
      g_assert_cmpint (run_end_ns (t), ==, MS (expected_ms[i]));
      if (test_timing_checked ())
        g_assert_cmpfloat (took_ms, <, 1000);
    }
}

/* Predictions held against real runs ------------------------------------------------------ */

typedef struct {
  const char *scenario;
  const char *variant;
  const char *why;
} Skip;

/* Variants whose real wall time is mostly the main thread's own CPU time,
 * which the virtual clock counts as zero by design: it varies with the
 * machine's load and doubles under the sanitizers. Their structure is still
 * compared, and the prediction must still be a lower bound. */
static const Skip timing_skips[] = {
  { "needless-async", "async-wrapper",
    "10,000 main-loop hops of no duration: the real wall time is the loop's own overhead, "
    "30 to 80 ms, 160 under AddressSanitizer" },
  { "scale", "awaits",
    "creating and dispatching 10,000 timers costs the main thread 25 to 50 ms on top of the 250 ms wait, "
    "over 100 under AddressSanitizer" },
#ifdef SANITIZED
  { "valuetask", "task",
    "under AddressSanitizer, its 900 main-loop hops and 100 timers of 1 ms cost the main thread "
    "more than 30 ms on top of the 100 ms wait (10 to 25 ms without it)" },
#endif
};

static const char *
timing_skip_reason (const char *scenario,
                    const char *variant)
{
  for (guint i = 0; i < G_N_ELEMENTS (timing_skips); i++)
    if (g_str_equal (timing_skips[i].scenario, scenario) && g_str_equal (timing_skips[i].variant, variant))
      return timing_skips[i].why;
  return NULL;
}

static void
assert_same_structure (AwTraceModel *sim,
                       AwTraceModel *real,
                       const char   *what)
{
  const AwMetrics *ms = aw_trace_model_get_metrics (sim);
  const AwMetrics *mr = aw_trace_model_get_metrics (real);
  const AwTaskInfo *ts, *tr;
  guint ns, nr;
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpstr (ms->outcome, ==, mr->outcome);
  g_assert_cmpuint (ms->tasks, ==, mr->tasks);
  g_assert_cmpuint (ms->completed, ==, mr->completed);
  g_assert_cmpuint (ms->failed, ==, mr->failed);
  g_assert_cmpuint (ms->cancelled, ==, mr->cancelled);
  g_assert_cmpuint (ms->sync_completed, ==, mr->sync_completed);
  g_assert_cmpuint (ms->gtasks_created, ==, mr->gtasks_created);
  g_assert_cmpuint (ms->errors_observed, ==, mr->errors_observed);
  g_assert_cmpuint (ms->errors_unobserved, ==, mr->errors_unobserved);
  g_assert_cmpuint (ms->threads_used, ==, mr->threads_used);
  g_assert_cmpint (ms->watchdog_fired, ==, mr->watchdog_fired);

  /* Task by task: the same ids in the same order, parents, names, outcomes. */
  ts = aw_trace_model_get_tasks (sim, &ns);
  tr = aw_trace_model_get_tasks (real, &nr);
  g_assert_cmpuint (ns, ==, nr);
  for (guint i = 0; i < ns; i++)
    {
      if (ts[i].id != tr[i].id || ts[i].parent != tr[i].parent || g_strcmp0 (ts[i].name, tr[i].name) != 0 ||
          ts[i].outcome != tr[i].outcome || ts[i].gtask != tr[i].gtask || ts[i].sync != tr[i].sync)
        g_error ("%s: task %u differs: simulated %u (parent %u) %s %s, real %u (parent %u) %s %s", what, i,
                 ts[i].id, ts[i].parent, ts[i].name, aw_outcome_to_string (ts[i].outcome),
                 tr[i].id, tr[i].parent, tr[i].name, aw_outcome_to_string (tr[i].outcome));
    }

  /* The same lanes: the main thread, the workers, ConfigureAwait(false) threads. */
  g_assert_cmpuint (aw_trace_get_n_lanes (aw_trace_model_get_trace (sim)), ==,
                    aw_trace_get_n_lanes (aw_trace_model_get_trace (real)));
  for (guint i = 0; i < aw_trace_get_n_lanes (aw_trace_model_get_trace (sim)); i++)
    g_assert_cmpstr (aw_trace_get_lane_name (aw_trace_model_get_trace (sim), i), ==,
                     aw_trace_get_lane_name (aw_trace_model_get_trace (real), i));

  /* The same metadata, but for the clock. */
  g_assert_cmpuint (g_hash_table_size (aw_trace_get_all_metadata (aw_trace_model_get_trace (sim))), ==,
                    g_hash_table_size (aw_trace_get_all_metadata (aw_trace_model_get_trace (real))));
  g_hash_table_iter_init (&iter, aw_trace_get_all_metadata (aw_trace_model_get_trace (real)));
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *simulated = aw_trace_get_metadata (aw_trace_model_get_trace (sim), key);

      if (g_str_equal (key, "clock"))
        g_assert_cmpstr (simulated, ==, "virtual");
      else
        g_assert_cmpstr (simulated, ==, value);
    }
}

static void
test_prediction (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = aw_catalog_load_all (&error);
  g_autoptr(GString) table = g_string_new ("\n");
  guint checked = 0, variants = 0;

  TEST_SKIP_IF_SLOW ();
  g_assert_no_error (error);

  for (guint i = 0; i < all->len; i++)
    {
      AwScenario *s = g_ptr_array_index (all, i);

      for (guint v = 0; v < aw_scenario_get_n_variants (s); v++)
        {
          const char *id = aw_scenario_get_id (s);
          const char *name = aw_scenario_get_variant (s, v)->name;
          const char *skip = timing_skip_reason (id, name);
          g_autofree char *what = g_strdup_printf ("%s/%s", id, name);
          AwRunOptions options;
          g_autoptr(AwTrace) sim = NULL;
          g_autoptr(AwTraceModel) msim = NULL;
          double predicted, real = 0, best = G_MAXDOUBLE;
          gboolean close = FALSE;

          variants++;
          aw_run_options_init (&options);
          options.speed = 4.0;
          options.wait_deadline_ms = 1000;
          sim = aw_clock_simulate (s, v, &options);
          msim = aw_trace_model_new (sim);
          predicted = aw_trace_model_get_metrics (msim)->wall_ms;

          /* A loaded machine only ever makes a real run slower: up to three tries. */
          for (guint attempt = 0; attempt < (skip != NULL ? 1u : 3u) && !close; attempt++)
            {
              g_autoptr(AwRunner) runner = aw_runner_new (s, v, &options);
              g_autoptr(AwTraceModel) mreal = NULL;

              g_assert_true (aw_runner_run_sync (runner, &error));
              g_assert_no_error (error);
              mreal = aw_trace_model_new (aw_runner_get_trace (runner));
              assert_same_structure (msim, mreal, what);

              real = aw_trace_model_get_metrics (mreal)->wall_ms;
              if (fabs (predicted - real) < fabs (predicted - best))
                best = real;
              close = fabs (predicted - real) <= MAX (0.15 * real, 30.0);
            }

          g_string_append_printf (table, "%-18s %-24s simulated %8.1f ms  real %8.1f ms  %+6.1f%%\n",
                                  id, name, predicted, best, best > 0 ? (predicted - best) / best * 100 : 0.0);
          if (skip != NULL)
            {
              g_string_append_printf (table, "  (timing not compared: %s)\n", skip);
              g_assert_cmpfloat (best, >=, predicted - 1.0);
              continue;
            }
          if (!close)
            g_error ("%s: simulated %.1f ms, but the closest of three real runs took %.1f ms", what, predicted, best);
          checked++;
        }
    }

  g_test_message ("%s", table->str);
  g_test_message ("%u variants predicted within 15%% or 30 ms", checked);
  g_assert_cmpuint (checked, >=, 30);
  g_assert_cmpuint (checked + G_N_ELEMENTS (timing_skips), ==, variants);
}

/* The dotnet pool for real, held to its prediction: eight work items that
 * block their thread for 1.3 s on two workers, at speed 2 (650 ms each,
 * checks every 250 ms). The pool adds a thread at 250 and 500 ms, none
 * after (a job ends in every later interval): 1.8 s, where the fixed pool
 * takes 2.6 s. No check falls at the instant a job ends. */
static void
test_pool_prediction (void)
{
  g_autoptr(AwScenario) s = scenario_with_pool ("\"dotnet\"",
    "{ \"type\": \"parallel\", \"count\": 8, \"child\": { \"type\": \"cpu\", \"ms\": 1300, \"blocking\": true } }");
  g_autoptr(AwTrace) sim = simulate_pool (s, AW_POOL_AS_SCENARIO, 2, 2.0, 0, 0);
  g_autoptr(AwTrace) fixed = simulate_pool (s, AW_POOL_FIXED, 2, 2.0, 0, 0);
  g_autoptr(AwTraceModel) msim = aw_trace_model_new (sim);
  g_autofree char *sim_marks = pool_marks (sim, 2);
  double predicted = aw_trace_model_get_metrics (msim)->wall_ms;
  double real = 0;
  gboolean close = FALSE;

  TEST_SKIP_IF_SLOW ();
  g_assert_cmpstr (sim_marks, ==, "250 500");
  g_assert_cmpfloat (predicted, ==, 1800);
  g_assert_cmpint (run_end_ns (fixed), ==, MS (2600));

  /* A loaded machine only ever makes a real run slower: up to three tries. */
  for (guint attempt = 0; attempt < 3 && !close; attempt++)
    {
      AwRunOptions options;
      g_autoptr(AwRunner) runner = NULL;
      g_autoptr(AwTraceModel) mreal = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) marks = NULL;
      g_autofree char *real_marks = NULL;

      aw_run_options_init (&options);
      options.workers = 2;
      options.speed = 2.0;
      runner = aw_runner_new (s, 0, &options);
      g_assert_true (aw_runner_run_sync (runner, &error));
      g_assert_no_error (error);
      mreal = aw_trace_model_new (aw_runner_get_trace (runner));
      assert_same_structure (msim, mreal, "dotnet pool");

      /* The same threads added, each about when predicted. */
      real_marks = pool_marks (aw_runner_get_trace (runner), 2);
      marks = g_strsplit (real_marks, " ", -1);
      g_assert_cmpuint (g_strv_length (marks), ==, 2);
      g_assert_cmpfloat (fabs (g_ascii_strtod (marks[0], NULL) - 250), <=, 60);
      g_assert_cmpfloat (fabs (g_ascii_strtod (marks[1], NULL) - 500), <=, 60);

      real = aw_trace_model_get_metrics (mreal)->wall_ms;
      g_test_message ("attempt %u: simulated %.1f ms, real %.1f ms, marks at %s", attempt + 1,
                      predicted, real, real_marks);
      close = fabs (predicted - real) <= MAX (0.15 * real, 30.0);
    }
  if (!close)
    g_error ("dotnet pool: simulated %.1f ms, but the last of three real runs took %.1f ms", predicted, real);
  /* Growing, it beat the fixed pool's 2.6 s. */
  g_assert_cmpfloat (real, <, 2300);
}

/* Waiting costs nothing on the virtual clock, but its heartbeat is
 * recorded: a repeat of ten-minute delays nineteen years long stops after
 * the first simulated hour, at once, and says so. */
static void
test_long_run_cut (void)
{
  g_autoptr(AwScenario) s = scenario_from_program (
    "{ \"type\": \"repeat\", \"count\": 999999, \"child\": { \"type\": \"delay\", \"ms\": 600000 } }");
  AwRunOptions options;
  g_autoptr(AwTrace) trace = NULL;
  gint64 start = g_get_monotonic_time ();

  aw_run_options_init (&options);
  options.heartbeat_ms = 10;
  trace = aw_clock_simulate (s, 0, &options);
  g_assert_nonnull (aw_trace_get_metadata (trace, AW_META_SIMULATION_CUT));
  g_assert_cmpint (aw_trace_get_memory_size (trace), <, 64 * 1024 * 1024);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_TIME_SPAN_SECOND);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  aw_catalog_init ();

  g_test_add_func ("/aw/clock/determinism", test_determinism);
  g_test_add_func ("/aw/clock/when-all/speed-1", test_when_all_speed1);
  g_test_add_func ("/aw/clock/when-all/speed-4", test_when_all_speed4);
  g_test_add_func ("/aw/clock/workers", test_workers);
  g_test_add_func ("/aw/clock/cores", test_cores);
  g_test_add_func ("/aw/clock/pool/growth", test_pool_growth);
  g_test_add_func ("/aw/clock/pool/rule", test_pool_rule);
  g_test_add_func ("/aw/clock/pool/interval", test_pool_interval);
  g_test_add_func ("/aw/clock/pool/prediction", test_pool_prediction);
  g_test_add_func ("/aw/clock/cancel/cooperative", test_cancel_cooperative);
  g_test_add_func ("/aw/clock/cancel/queued", test_cancel_queued);
  g_test_add_func ("/aw/clock/cancel/batch", test_cancel_batch);
  g_test_add_func ("/aw/clock/rounding", test_rounding);
  g_test_add_func ("/aw/clock/when-any-timeout-errors", test_when_any_timeout_errors);
  g_test_add_func ("/aw/clock/cached", test_cached);
  g_test_add_func ("/aw/clock/block-ui", test_block_ui);
  g_test_add_func ("/aw/clock/heartbeat", test_heartbeat);
  g_test_add_func ("/aw/clock/catch", test_catch);
  g_test_add_func ("/aw/clock/parallel-limit", test_parallel_limit);
  g_test_add_func ("/aw/clock/wait-aggregate", test_wait_aggregate);
  g_test_add_func ("/aw/clock/async-void-crash", test_async_void_crash);
  g_test_add_func ("/aw/clock/progress", test_progress);
  g_test_add_func ("/aw/clock/wait-blocking", test_wait_blocking);
  g_test_add_func ("/aw/clock/watchdog-spares-configure-await", test_watchdog_spares_configure_await);
  g_test_add_func ("/aw/clock/configure-await-leftovers", test_leftovers);
  g_test_add_func ("/aw/clock/performance", test_performance);
  g_test_add_func ("/aw/clock/prediction", test_prediction);
  g_test_add_func ("/aw/clock/long-run-cut", test_long_run_cut);

  return g_test_run ();
}
