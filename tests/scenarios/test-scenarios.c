/* test-scenarios.c: every lesson scenario proves its point in a real run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test runs one bundled scenario for real on the GLib main loop (with
 * the CLI's 10 ms heartbeat) and asserts its teaching claim, with generous
 * bounds stated as ratios, so they hold on a loaded two-core machine and on
 * eight cores while still failing if the claim is false. Long scenarios run
 * faster (the speed factor divides every duration); figures called
 * "scenario ms" are measured times multiplied by the speed, as the
 * scenario files state them. The last test checks that every bundled
 * scenario's own expected outcome is met at speed 1, as `awaitscope run`
 * reports it.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "aw-catalog.h"
#include "aw-clock.h"
#include "aw-runner.h"
#include "aw-trace-model.h"

#include "../test-timing.h"
#include "aw-verdict.h"

#define HEARTBEAT_MS 10

/* The scenarios of the lesson, with their ids fixed. */
static const char * const lesson_ids[] = {
  "await-vs-block", "async-not-a-thread", "valuetask", "result-vs-await",
  "when-all", "when-any", "io-vs-cpu", "scale", "bounded", "progress", "completion-source",
  "cancel", "cooperative", "timeout", "timeout-race",
  "starvation", "fire-and-forget", "async-void", "needless-async", "no-cancellation", "when-all-failures",
  "workflow",
};

typedef struct {
  AwScenario *scenario;
  double      speed;
  GPtrArray  *models;     /* AwTraceModel, one per variant */
  GArray     *variants;   /* AwNamedRun */
} Runs;

static void
runs_free (Runs *runs)
{
  g_object_unref (runs->scenario);
  g_ptr_array_unref (runs->models);
  g_array_unref (runs->variants);
  g_free (runs);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Runs, runs_free)

/* Runs every variant of the bundled scenario @id, one after the other. */
static Runs *
runs_new (const char *id,
          double      speed)
{
  g_autoptr(GError) error = NULL;
  Runs *runs = g_new0 (Runs, 1);

  runs->scenario = aw_catalog_lookup (id, &error);
  g_assert_no_error (error);
  runs->speed = speed;
  runs->models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  runs->variants = g_array_new (FALSE, TRUE, sizeof (AwNamedRun));

  for (guint i = 0; i < aw_scenario_get_n_variants (runs->scenario); i++)
    {
      const AwVariant *variant = aw_scenario_get_variant (runs->scenario, i);
      g_autoptr(AwRunner) runner = NULL;
      AwRunOptions options;
      AwNamedRun rv;
      AwTraceModel *model;

      aw_run_options_init (&options);
      options.speed = speed;
      options.heartbeat_ms = HEARTBEAT_MS;
      runner = aw_runner_new (runs->scenario, i, &options);
      g_assert_true (aw_runner_run_sync (runner, &error));
      g_assert_no_error (error);

      model = aw_trace_model_new (aw_runner_get_trace (runner));
      g_ptr_array_add (runs->models, model);
      rv.name = variant->name;
      rv.title = variant->title;
      rv.model = model;
      g_array_append_val (runs->variants, rv);
      g_test_message ("%s/%s at speed %g: %.1f ms, %s", id, variant->name, speed,
                      aw_trace_model_get_metrics (model)->wall_ms,
                      aw_trace_model_get_metrics (model)->outcome);
    }

  return runs;
}

static AwTraceModel *
model (Runs       *runs,
       const char *variant)
{
  guint index = 0;

  g_assert_nonnull (aw_scenario_find_variant (runs->scenario, variant, &index));
  return g_ptr_array_index (runs->models, index);
}

static const AwMetrics *
metrics (Runs       *runs,
         const char *variant)
{
  return aw_trace_model_get_metrics (model (runs, variant));
}

/* A measured duration in scenario milliseconds. */
static double
scen (Runs   *runs,
      double  real_ms)
{
  return real_ms * runs->speed;
}

static guint
warnings_of_kind (Runs          *runs,
                  const char    *variant,
                  AwWarningKind  kind)
{
  g_autoptr(GPtrArray) warnings = aw_lint_run (model (runs, variant));
  guint n = 0;

  for (guint i = 0; i < warnings->len; i++)
    {
      const AwWarning *w = g_ptr_array_index (warnings, i);

      if (w->kind == kind)
        {
          g_test_message ("%s: %s: %s", variant, aw_warning_kind_to_string (w->kind), w->message);
          n++;
        }
    }
  return n;
}

static guint
warnings_total (Runs       *runs,
                const char *variant)
{
  g_autoptr(GPtrArray) warnings = aw_lint_run (model (runs, variant));

  return warnings->len;
}

static void
assert_verdict_met (Runs *runs)
{
  g_autoptr(AwVerdict) verdict = aw_verdict_check (runs->scenario,
                                                   (const AwNamedRun *) (gpointer) runs->variants->data,
                                                   runs->variants->len);
  g_autofree char *summary = aw_verdict_to_string (verdict);

  for (guint i = 0; i < verdict->checks->len; i++)
    {
      const AwCheck *check = g_ptr_array_index (verdict->checks, i);
      g_test_message ("  %s: %s", aw_check_status_to_string (check->status), check->text);
    }
  g_test_message ("%s: %s", aw_scenario_get_id (runs->scenario), summary);
  g_assert_cmpuint (verdict->n_not_checked, ==, 0);
  g_assert_cmpuint (verdict->n_not_met, ==, 0);
  g_assert_true (verdict->met);
}

static void
assert_ratio_at_least (double      value,
                       double      other,
                       double      bound,
                       const char *what)
{
  g_test_message ("%s: %.2f / %.2f = %.2fx (at least %.2fx)", what, value, other,
                  other > 0 ? value / other : INFINITY, bound);
  g_assert_cmpfloat (value, >=, bound * other);
}

static void
assert_ratio_at_most (double      value,
                      double      other,
                      double      bound,
                      const char *what)
{
  g_test_message ("%s: %.2f / %.2f = %.2fx (at most %.2fx)", what, value, other,
                  other > 0 ? value / other : INFINITY, bound);
  g_assert_cmpfloat (value, <=, bound * other);
}

static gboolean
outcome_is (const AwMetrics *m,
            const char      *word)
{
  return m->outcome != NULL && g_str_has_prefix (m->outcome, word);
}

static gint
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* The first task of @m called @name, or NULL; @count (optional) gets how
 * many tasks have that name. */
static const AwTaskInfo *
named_in (AwTraceModel *m,
          const char   *name,
          guint        *count)
{
  const AwTaskInfo *tasks, *found = NULL;
  guint n_tasks, n = 0;

  tasks = aw_trace_model_get_tasks (m, &n_tasks);
  for (guint i = 0; i < n_tasks; i++)
    if (g_strcmp0 (tasks[i].name, name) == 0 && n++ == 0)
      found = &tasks[i];
  if (count != NULL)
    *count = n;
  return found;
}

/* The first task of @variant called @name, or NULL if none ran. */
static const AwTaskInfo *
task_named (Runs       *runs,
            const char *variant,
            const char *name)
{
  return named_in (model (runs, variant), name, NULL);
}

/* A moment of @variant's run (its trace's nanoseconds) in scenario ms from its start. */
static double
scen_at (Runs       *runs,
         const char *variant,
         gint64      time_ns)
{
  return scen (runs, (time_ns - aw_trace_model_get_begin_ns (model (runs, variant))) / 1e6);
}

/* When @variant's first crash marker is, in scenario ms; -1 without one. */
static double
crash_at (Runs       *runs,
          const char *variant)
{
  guint n;
  const AwMarker *markers = aw_trace_model_get_markers (model (runs, variant), &n);

  for (guint i = 0; i < n; i++)
    if (markers[i].kind == AW_EVENT_CRASH)
      return scen_at (runs, variant, markers[i].time_ns);
  return -1;
}

/* The one task of @m named @name. */
static const AwTaskInfo *
only_task_named (AwTraceModel *m,
                 const char   *name)
{
  guint count;
  const AwTaskInfo *found = named_in (m, name, &count);

  g_assert_cmpuint (count, ==, 1);
  return found;
}

/* How long the task waited for a worker thread, in real milliseconds. */
static double
queued_ms (AwTraceModel     *m,
           const AwTaskInfo *task)
{
  guint n_spans;
  const AwSpan *spans = aw_trace_model_get_spans (m, &n_spans);
  double ms = 0;

  for (guint s = task->first_span; s < task->first_span + task->n_spans; s++)
    if (spans[s].phase == AW_PHASE_QUEUED)
      ms += aw_span_duration (&spans[s]) / 1e6;
  return ms;
}

/* The "pool: N threads" marks of the dotnet pool's growth. */
static guint
pool_marks (AwTraceModel *m)
{
  guint n_markers, n = 0;
  const AwMarker *markers = aw_trace_model_get_markers (m, &n_markers);

  for (guint i = 0; i < n_markers; i++)
    if (markers[i].kind == AW_EVENT_MARK && markers[i].text != NULL && g_str_has_prefix (markers[i].text, "pool: "))
      n++;
  return n;
}

/* Part 1 ------------------------------------------------------------------------------- */

/* Awaiting a delay leaves the main loop free; Thread.Sleep stops the heartbeat. */
static void
test_await_vs_block (void)
{
  g_autoptr(Runs) runs = runs_new ("await-vs-block", 1.0);
  const AwMetrics *await = metrics (runs, "await");
  const AwMetrics *block = metrics (runs, "block");

  /* The heartbeat stops for about the whole second of Thread.Sleep... */
  assert_ratio_at_least (block->max_main_loop_gap_ms, 1000, 0.8, "blocked gap vs 1 s");
  g_assert_cmpuint (block->frames_missed, >=, 50);
  /* ...and never while awaiting: a tick or two at most. */
  g_assert_cmpfloat (await->max_main_loop_gap_ms, <, 100);
  g_assert_cmpuint (await->frames_missed, <=, 10);
  assert_ratio_at_least (block->max_main_loop_gap_ms, await->max_main_loop_gap_ms, 5, "gap ratio");
  /* Not a matter of speed: both take the same time. */
  assert_ratio_at_most (block->wall_ms, await->wall_ms, 1.3, "block vs await wall");
  assert_ratio_at_most (await->wall_ms, block->wall_ms, 1.3, "await vs block wall");

  g_assert_cmpuint (warnings_of_kind (runs, "block", AW_WARNING_MAIN_LOOP_BLOCKED), ==, 1);
  g_assert_cmpuint (warnings_total (runs, "await"), ==, 0);
  assert_verdict_met (runs);
}

/* async starts no thread: the work before the first await, or in an async
 * method with no await, runs on the UI thread and stops the heartbeat;
 * await Task.Run moves it to a worker. */
static void
test_async_not_a_thread (void)
{
  g_autoptr(Runs) runs = runs_new ("async-not-a-thread", 1.0);
  const AwMetrics *before = metrics (runs, "cpu-before-await");
  const AwMetrics *no_await = metrics (runs, "no-await");
  const AwMetrics *fixed = metrics (runs, "task-run");

  /* The parse holds the UI thread for about its 800 ms, async or not... */
  assert_ratio_at_least (before->max_main_loop_gap_ms, 800, 0.8, "gap, work before the first await");
  assert_ratio_at_least (no_await->max_main_loop_gap_ms, 800, 0.8, "gap, async with no await");
  assert_ratio_at_least (before->ui_blocked_ms, 800, 0.9, "UI blocked");
  /* ...on the UI thread itself: async alone used no other thread. */
  g_assert_cmpuint (before->threads_used, ==, 1);
  g_assert_cmpuint (no_await->threads_used, ==, 1);
  g_assert_cmpuint (only_task_named (model (runs, "cpu-before-await"), "Parse(json): before the first await")->lane, ==, 0);
  g_assert_cmpuint (only_task_named (model (runs, "no-await"), "Parse(json): inside ParseAsync")->lane, ==, 0);
  /* Task.Run: the parse on a worker, the heartbeat never stops. */
  g_assert_cmpuint (fixed->threads_used, ==, 2);
  g_assert_cmpuint (only_task_named (model (runs, "task-run"), "await Task.Run(() => Parse(json))")->lane, >, 0);
  g_assert_cmpfloat (fixed->max_main_loop_gap_ms, <, 100);
  assert_ratio_at_least (before->max_main_loop_gap_ms, fixed->max_main_loop_gap_ms, 5, "gap ratio");
  /* Not a matter of speed: the three take the same time. */
  assert_ratio_at_most (fixed->wall_ms, before->wall_ms, 1.3, "Task.Run vs work before await");
  assert_ratio_at_most (before->wall_ms, fixed->wall_ms, 1.3, "work before await vs Task.Run");
  assert_ratio_at_most (no_await->wall_ms, fixed->wall_ms, 1.3, "no await vs Task.Run");

  g_assert_cmpuint (warnings_of_kind (runs, "cpu-before-await", AW_WARNING_MAIN_LOOP_BLOCKED), ==, 1);
  g_assert_cmpuint (warnings_of_kind (runs, "no-await", AW_WARNING_MAIN_LOOP_BLOCKED), ==, 1);
  g_assert_cmpuint (warnings_total (runs, "task-run"), ==, 0);
  assert_verdict_met (runs);
}

/* ValueTask hits complete synchronously: at least 5x fewer GTasks. */
static void
test_valuetask (void)
{
  g_autoptr(Runs) runs = runs_new ("valuetask", 1.0);
  const AwMetrics *task = metrics (runs, "task");
  const AwMetrics *value = metrics (runs, "valuetask");

  g_assert_cmpuint (task->tasks, ==, 1001);
  g_assert_cmpuint (value->tasks, ==, 1001);
  g_assert_cmpuint (task->gtasks_created, ==, 1001);
  g_assert_cmpuint (value->sync_completed, ==, 900);
  assert_ratio_at_most (value->gtasks_created, task->gtasks_created, 0.2, "GTasks");
  /* The fast path is never slower. */
  assert_ratio_at_most (value->wall_ms, task->wall_ms, 1.1, "wall");

  g_assert_cmpuint (warnings_of_kind (runs, "task", AW_WARNING_COMPLETED_SYNC), ==, 1);
  g_assert_cmpuint (warnings_total (runs, "valuetask"), ==, 0);
  assert_verdict_met (runs);
}

/* A Task<T> that fails: await throws the error itself, .Result an AggregateException. */
static void
test_result_vs_await (void)
{
  g_autoptr(Runs) runs = runs_new ("result-vs-await", 2.0);
  const AwMetrics *await = metrics (runs, "await");
  const AwMetrics *result = metrics (runs, "result");
  const AwMetrics *get_result = metrics (runs, "get-result");
  const char *tile = "await tile.ShowAsync(text)";

  /* Awaited: the catch handles the error at 0.4 s, the tile shows at 0.6 s,
   * and the UI thread never stops. */
  g_assert_true (outcome_is (await, "completed"));
  g_assert_cmpuint (await->errors_observed, >=, 1);
  g_assert_cmpuint (await->errors_unobserved, ==, 0);
  g_assert_cmpfloat (await->max_main_loop_gap_ms, <, 100);
  assert_ratio_at_least (scen (runs, await->wall_ms), 600, 0.95, "awaited refresh vs 0.6 s");
  assert_ratio_at_most (scen (runs, await->wall_ms), 600, 1.3, "awaited refresh vs 0.6 s");
  g_assert_nonnull (task_named (runs, "await", tile));

  /* .Result: the UI thread blocks for the request, then the wrapped error
   * escapes the catch and the tile is never shown. */
  g_assert_cmpstr (result->outcome, ==,
                   "faulted: AggregateException: One or more errors occurred. (price service unavailable)");
  assert_ratio_at_least (scen (runs, result->max_main_loop_gap_ms), 400, 0.8, ".Result's freeze vs 0.4 s");
  assert_ratio_at_most (scen (runs, result->wall_ms), 400, 1.3, ".Result's refresh vs 0.4 s");
  g_assert_false (result->watchdog_fired);
  g_assert_null (task_named (runs, "result", tile));
  g_assert_cmpstr (task_named (runs, "result", "GetPriceAsync().Result")->error, ==,
                   "AggregateException: One or more errors occurred. (price service unavailable)");

  /* .GetAwaiter().GetResult(): as frozen, but the error itself, and caught. */
  g_assert_true (outcome_is (get_result, "completed"));
  g_assert_cmpuint (get_result->errors_observed, >=, 1);
  assert_ratio_at_least (scen (runs, get_result->max_main_loop_gap_ms), 400, 0.8, "GetResult's freeze vs 0.4 s");
  g_assert_cmpstr (task_named (runs, "get-result", "GetPriceAsync().GetAwaiter().GetResult()")->error, ==,
                   "price service unavailable");
  g_assert_nonnull (task_named (runs, "get-result", tile));

  g_assert_cmpuint (warnings_of_kind (runs, "result", AW_WARNING_MAIN_LOOP_BLOCKED), ==, 1);
  g_assert_cmpuint (warnings_of_kind (runs, "get-result", AW_WARNING_MAIN_LOOP_BLOCKED), ==, 1);
  g_assert_cmpuint (warnings_total (runs, "await"), ==, 0);
  assert_verdict_met (runs);
}

/* Part 2 ------------------------------------------------------------------------------- */

static void
test_when_all (void)
{
  g_autoptr(Runs) runs = runs_new ("when-all", 2.0);
  const AwMetrics *seq = metrics (runs, "one-by-one");
  const AwMetrics *all = metrics (runs, "when-all");

  /* About the sum (2.4 s) against about the longest (1.0 s). */
  assert_ratio_at_most (all->wall_ms, seq->wall_ms, 0.5, "WhenAll vs one by one");
  assert_ratio_at_least (scen (runs, seq->wall_ms), 2400, 0.95, "one by one vs the sum");
  assert_ratio_at_most (scen (runs, all->wall_ms), 1000, 1.3, "WhenAll vs the longest");
  g_assert_cmpuint (all->threads_used, ==, 1);
  assert_verdict_met (runs);
}

/* Three mirrors: the first wins, the other two are cancelled at once. */
static void
test_when_any (void)
{
  g_autoptr(Runs) runs = runs_new ("when-any", 2.0);
  const AwMetrics *one = metrics (runs, "one-mirror");
  const AwMetrics *any = metrics (runs, "when-any");
  const AwTaskInfo *tasks;
  guint n;

  assert_ratio_at_most (any->wall_ms, one->wall_ms, 0.5, "WhenAny vs one mirror");
  assert_ratio_at_most (scen (runs, any->wall_ms), 400, 1.3, "WhenAny vs the fastest");
  g_assert_cmpuint (any->cancelled, ==, 2);
  g_assert_true (outcome_is (any, "completed"));

  /* The winner is the fastest mirror; the losers stop right after it. */
  tasks = aw_trace_model_get_tasks (model (runs, "when-any"), &n);
  g_assert_cmpuint (n, ==, 4);
  for (guint i = 1; i < n; i++)
    {
      gboolean winner = strstr (tasks[i].name, "(us)") != NULL;

      g_assert_cmpint (tasks[i].outcome, ==, winner ? AW_OUTCOME_COMPLETED : AW_OUTCOME_CANCELLED);
      g_assert_cmpint (tasks[i].end_ns - tasks[0].end_ns, <, 50 * 1000000);
    }
  assert_verdict_met (runs);
}

/* Timer waits overlap on one thread; CPU work is bounded by the pool. */
static void
test_io_vs_cpu (void)
{
  g_autoptr(Runs) runs = runs_new ("io-vs-cpu", 2.0);
  const AwMetrics *io = metrics (runs, "io");
  const AwMetrics *cpu = metrics (runs, "cpu");
  guint workers = aw_runner_default_workers ();
  double rounds = ceil (16.0 / workers);

  g_assert_cmpuint (io->threads_used, ==, 1);
  g_assert_cmpuint (cpu->threads_used, ==, workers + 1);
  assert_ratio_at_most (scen (runs, io->wall_ms), 250, 1.4, "16 waits vs one wait");
  /* 16 computations take (16 / workers) rounds of 250 ms. */
  assert_ratio_at_least (scen (runs, cpu->wall_ms), rounds * 250, 0.9, "16 computations vs rounds");
  assert_ratio_at_least (cpu->wall_ms, io->wall_ms, 1.5, "CPU vs I/O");
  assert_verdict_met (runs);
}

/* 10,000 timer awaits in about a second on one thread; thread-bound waits
 * queue for .NET's pool, which grows slowly: it adds a thread at 0.5 s and
 * at 1 s, while nothing has finished, and no more once a wait ends in every
 * half second. How long that takes with this machine's workers is the
 * virtual clock's to say: 5 s with two, 2 s with eight; on a fixed pool,
 * 16 / workers seconds. */
static void
test_scale (void)
{
  g_autoptr(Runs) runs = runs_new ("scale", 2.0);
  const AwMetrics *awaits = metrics (runs, "awaits");
  const AwMetrics *bound = metrics (runs, "thread-bound");
  guint workers = aw_runner_default_workers ();
  double rounds = ceil (16.0 / workers);
  const AwVariant *variant;
  guint index = 0;
  AwRunOptions options;
  g_autoptr(AwTrace) predicted = NULL;
  g_autoptr(AwTraceModel) pmodel = NULL;
  const AwMetrics *p;

  g_assert_cmpuint (aw_scenario_get_pool (runs->scenario)->kind, ==, AW_POOL_DOTNET);
  variant = aw_scenario_find_variant (runs->scenario, "thread-bound", &index);
  g_assert_nonnull (variant);
  aw_run_options_init (&options);
  options.speed = runs->speed;
  options.heartbeat_ms = HEARTBEAT_MS;
  predicted = aw_clock_simulate (runs->scenario, index, &options);
  pmodel = aw_trace_model_new (predicted);
  p = aw_trace_model_get_metrics (pmodel);
  g_test_message ("thread-bound: %u workers, predicted %.1f ms on %u threads", workers, p->wall_ms, p->threads_used);

  g_assert_cmpuint (awaits->completed, ==, 10001);
  g_assert_cmpuint (awaits->threads_used, ==, 1);
  assert_ratio_at_most (scen (runs, awaits->wall_ms), 1000, 1.5, "10,000 awaits vs one");
  /* The pool grew: more threads than it started with, the same as predicted. */
  g_assert_cmpuint (bound->threads_used, >, workers + 1);
  g_assert_cmpuint (bound->threads_used, ==, p->threads_used);
  assert_ratio_at_least (bound->wall_ms, p->wall_ms, 0.9, "thread-bound vs predicted");
  assert_ratio_at_most (bound->wall_ms, p->wall_ms, 1.3, "thread-bound vs predicted");
  assert_ratio_at_most (scen (runs, bound->wall_ms), rounds * 1000, 1.05, "thread-bound vs a fixed pool's rounds");
  assert_ratio_at_least (bound->wall_ms, awaits->wall_ms, 1.5, "thread-bound vs awaits");
  assert_verdict_met (runs);
}

/* The most tasks called @name pending at any one moment: each counts from
 * its creation to its end, and one that ends when another starts makes
 * room for it. */
static guint
max_in_flight (AwTraceModel *m,
               const char   *name)
{
  const AwTaskInfo *tasks;
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n, now = 0, most = 0;

  tasks = aw_trace_model_get_tasks (m, &n);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (tasks[i].name, name) == 0)
      {
        /* 2t + 1 a start, 2t an end: at the same time an end sorts first. */
        gint64 start = 2 * tasks[i].created_ns + 1, end = 2 * tasks[i].end_ns;

        g_assert_cmpint (tasks[i].end_ns, >=, tasks[i].created_ns);
        g_array_append_val (edges, start);
        g_array_append_val (edges, end);
      }
  g_array_sort (edges, compare_gint64);
  for (guint i = 0; i < edges->len; i++)
    {
      if (g_array_index (edges, gint64, i) & 1)
        now++;
      else
        now--;
      most = MAX (most, now);
    }
  return most;
}

/* 100 downloads of 40 ms: one by one the sum, all at once the longest, at
 * most ten at once (SemaphoreSlim) ten rounds, never more than ten in flight. */
static void
test_bounded (void)
{
  g_autoptr(Runs) runs = runs_new ("bounded", 2.0);
  const AwMetrics *one = metrics (runs, "one-by-one");
  const AwMetrics *all = metrics (runs, "all-at-once");
  const AwMetrics *ten = metrics (runs, "at-most-10");
  const char *download = "DownloadAsync(url)";

  g_assert_cmpuint (max_in_flight (model (runs, "one-by-one"), download), ==, 1);
  g_assert_cmpuint (max_in_flight (model (runs, "all-at-once"), download), ==, 100);
  g_assert_cmpuint (max_in_flight (model (runs, "at-most-10"), download), ==, 10);
  for (guint i = 0; i < runs->variants->len; i++)
    {
      const char *name = g_array_index (runs->variants, AwNamedRun, i).name;

      g_assert_true (outcome_is (metrics (runs, name), "completed"));
      g_assert_cmpuint (metrics (runs, name)->completed, ==, 101);
      g_assert_cmpuint (metrics (runs, name)->threads_used, ==, 1);
      g_assert_cmpuint (warnings_total (runs, name), ==, 0);
    }

  /* Timers never fire early: 100 rounds of 40 ms, and 10. */
  assert_ratio_at_least (scen (runs, one->wall_ms), 4000, 0.98, "one by one vs 100 x 40 ms");
  assert_ratio_at_most (scen (runs, one->wall_ms), 4000, 1.15, "one by one vs 100 x 40 ms");
  assert_ratio_at_least (scen (runs, ten->wall_ms), 400, 0.98, "ten at once vs 100 / 10 x 40 ms");
  assert_ratio_at_most (scen (runs, ten->wall_ms), 400, 1.3, "ten at once vs 100 / 10 x 40 ms");
  assert_ratio_at_most (scen (runs, all->wall_ms), 40, 2, "all at once vs one download");
  assert_ratio_at_most (ten->wall_ms, one->wall_ms, 0.15, "ten at once vs one by one");
  assert_ratio_at_least (ten->wall_ms, all->wall_ms, 5, "ten at once vs all at once");
  assert_verdict_met (runs);
}

/* The progress reports (IProgress<T>.Report) that ran on the UI thread of
 * @variant's run, in order: their times in scenario ms since the run began
 * and their percentages. Returns how many. */
static guint
reports_of (Runs       *runs,
            const char *variant,
            double     *at_ms,
            guint      *percent,
            guint       max)
{
  AwTraceModel *m = model (runs, variant);
  gint64 begin = aw_trace_model_get_begin_ns (m);
  const AwMarker *markers;
  guint n, count = 0;

  markers = aw_trace_model_get_markers (m, &n);
  for (guint i = 0; i < n; i++)
    if (markers[i].kind == AW_EVENT_MARK && markers[i].text != NULL &&
        g_str_has_prefix (markers[i].text, AW_MARK_REPORT))
      {
        g_assert_cmpuint (count, <, max);
        at_ms[count] = scen (runs, (markers[i].time_ns - begin) / 1e6);
        percent[count] = (guint) g_ascii_strtoull (markers[i].text + strlen (AW_MARK_REPORT), NULL, 10);
        g_test_message ("%s: %s at %.1f scenario ms", variant, markers[i].text, at_ms[count]);
        count++;
      }
  return count;
}

/* IProgress<T>: ten 200 ms steps report 10% to 90%. On the UI thread the
 * reports wait for the end of the 2 s freeze and run together; from
 * Task.Run each runs as the work goes, the first after one step; Cancel at
 * 0.9 s is seen at the next report. */
static void
test_progress (void)
{
  g_autoptr(Runs) runs = runs_new ("progress", 2.0);
  const AwMetrics *ui = metrics (runs, "on-ui-thread");
  const AwMetrics *pool = metrics (runs, "task-run");
  const AwMetrics *cancel = metrics (runs, "cancel");
  double ui_at[16], pool_at[16], cancel_at[16];
  guint ui_pc[16], pool_pc[16], cancel_pc[16];
  guint n_ui = reports_of (runs, "on-ui-thread", ui_at, ui_pc, G_N_ELEMENTS (ui_at));
  guint n_pool = reports_of (runs, "task-run", pool_at, pool_pc, G_N_ELEMENTS (pool_at));
  guint n_cancel = reports_of (runs, "cancel", cancel_at, cancel_pc, G_N_ELEMENTS (cancel_at));

  /* Nine reports, 10% to 90%, in order, either way. */
  g_assert_cmpuint (n_ui, ==, 9);
  g_assert_cmpuint (n_pool, ==, 9);
  for (guint i = 0; i < 9; i++)
    {
      g_assert_cmpuint (ui_pc[i], ==, 10 * (i + 1));
      g_assert_cmpuint (pool_pc[i], ==, 10 * (i + 1));
    }

  /* On the UI thread: frozen 2 s, and every report waited for the end. */
  assert_ratio_at_least (scen (runs, ui->max_main_loop_gap_ms), 2000, 0.9, "frozen vs the 2 s loop");
  assert_ratio_at_least (ui_at[0], 2000, 0.98, "first report vs the end of the loop");
  g_assert_cmpfloat (ui_at[8] - ui_at[0], <=, 20);
  g_assert_cmpuint (warnings_of_kind (runs, "on-ui-thread", AW_WARNING_MAIN_LOOP_BLOCKED), ==, 1);

  /* From Task.Run: the UI thread stays free, the first report runs after
   * one step and the others follow, one a step, before the work ends. */
  g_assert_cmpfloat (pool->max_main_loop_gap_ms, <, 100);
  assert_ratio_at_least (pool_at[0], 200, 0.95, "first report vs one step");
  assert_ratio_at_most (pool_at[0], 200, 2, "first report vs one step");
  assert_ratio_at_least (pool_at[8], 1800, 0.95, "last report vs nine steps");
  g_assert_cmpfloat (pool_at[8], <, scen (runs, pool->wall_ms));
  assert_ratio_at_least (ui_at[0], pool_at[0], 4, "first report: on the UI thread vs Task.Run");
  assert_ratio_at_least (ui->max_main_loop_gap_ms, pool->max_main_loop_gap_ms, 10, "gap ratio");
  assert_ratio_at_most (pool->wall_ms, ui->wall_ms, 1.5, "the same work either way");
  g_assert_true (outcome_is (pool, "completed"));
  g_assert_cmpuint (warnings_total (runs, "task-run"), ==, 0);

  /* Cancel at 0.9 s: the token is checked at each report, so the work
   * stops at the next one (1.0 s of work), the bar at its last value. */
  g_assert_true (outcome_is (cancel, "cancelled"));
  g_assert_true (cancel->cancel_requested);
  g_assert_cmpuint (n_cancel, >=, 3);
  g_assert_cmpuint (n_cancel, <=, 5);
  g_assert_cmpuint (cancel_pc[n_cancel - 1], ==, 10 * n_cancel);
  g_assert_cmpfloat (scen (runs, cancel->cancel_latency_ms), <=, 300);
  assert_ratio_at_most (cancel->wall_ms, pool->wall_ms, 0.75, "cancelled vs the whole work");
  assert_verdict_met (runs);
}

/* The lane @task ran on, by its name ("callback thread", "worker 1"). */
static const char *
lane_of (AwTraceModel     *m,
         const AwTaskInfo *task)
{
  guint n_spans;
  const AwSpan *spans = aw_trace_model_get_spans (m, &n_spans);
  const char *name = NULL;

  for (guint s = task->first_span; s < task->first_span + task->n_spans; s++)
    if (spans[s].phase == AW_PHASE_RUNNING)
      {
        const char *lane = aw_trace_get_lane_name (aw_trace_model_get_trace (m), spans[s].lane);

        /* The whole continuation runs on one thread. */
        g_assert_true (name == NULL || g_strcmp0 (name, lane) == 0);
        name = lane;
      }
  return name;
}

/* The SetResult marks of @variant: when each came (scenario ms), in time
 * order, each on the callback thread's lane and on its own task. */
static guint
set_results_of (Runs       *runs,
                const char *variant,
                guint32    *tasks,
                double     *at_ms,
                guint       max)
{
  AwTraceModel *m = model (runs, variant);
  guint n, count = 0;
  const AwMarker *markers = aw_trace_model_get_markers (m, &n);

  for (guint i = 0; i < n; i++)
    if (markers[i].kind == AW_EVENT_MARK && g_strcmp0 (markers[i].text, AW_MARK_SET_RESULT) == 0)
      {
        g_assert_cmpuint (count, <, max);
        g_assert_cmpstr (aw_trace_get_lane_name (aw_trace_model_get_trace (m), markers[i].lane), ==,
                         "callback thread");
        tasks[count] = markers[i].task;
        at_ms[count] = scen_at (runs, variant, markers[i].time_ns);
        g_test_message ("%s: SetResult of task %u at %.1f scenario ms", variant, tasks[count], at_ms[count]);
        count++;
      }
  return count;
}

/* TaskCompletionSource: callbacks at 0.1, 0.2 and 0.3 s on one callback
 * thread, each followed by a 400 ms parse. Inline, SetResult runs the
 * parse on the callback thread, so the later callbacks wait for the parses
 * before them; with RunContinuationsAsynchronously the callbacks come on
 * time and the parses run on the pool. */
static void
test_completion_source (void)
{
  static const char * const names[] = { "ProcessAsync(A)", "ProcessAsync(B)", "ProcessAsync(C)" };
  g_autoptr(Runs) runs = runs_new ("completion-source", 2.0);
  const AwMetrics *in = metrics (runs, "inline");
  const AwMetrics *queued = metrics (runs, "queued");
  guint32 in_tasks[4], queued_tasks[4];
  double in_at[4], queued_at[4];
  guint n_in = set_results_of (runs, "inline", in_tasks, in_at, G_N_ELEMENTS (in_at));
  guint n_queued = set_results_of (runs, "queued", queued_tasks, queued_at, G_N_ELEMENTS (queued_at));

  g_assert_cmpuint (n_in, ==, 3);
  g_assert_cmpuint (n_queued, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const AwTaskInfo *a = task_named (runs, "inline", names[i]);
      const AwTaskInfo *b = task_named (runs, "queued", names[i]);

      /* In order: A, B, C. Each task awaited without holding a thread,
       * and its continuation ran where SetResult put it. */
      g_assert_nonnull (a);
      g_assert_nonnull (b);
      g_assert_cmpuint (in_tasks[i], ==, a->id);
      g_assert_cmpuint (queued_tasks[i], ==, b->id);
      g_assert_cmpstr (lane_of (model (runs, "inline"), a), ==, "callback thread");
      g_assert_true (g_str_has_prefix (lane_of (model (runs, "queued"), b), "worker "));
      g_assert_cmpint (a->outcome, ==, AW_OUTCOME_COMPLETED);
      g_assert_cmpint (b->outcome, ==, AW_OUTCOME_COMPLETED);

      /* With RunContinuationsAsynchronously each callback comes on time. */
      assert_ratio_at_least (queued_at[i], 100.0 * (i + 1), 0.95, "queued callback vs its due time");
      g_assert_cmpfloat (queued_at[i] - 100.0 * (i + 1), <, 60);
    }

  /* Inline, each callback waits for the parses before it: B's comes when
   * A's parse ends (0.5 s), C's when B's does (0.9 s). */
  g_assert_cmpfloat (in_at[0] - 100, <, 60);
  assert_ratio_at_least (in_at[1], 500, 0.95, "B's callback vs the end of A's parse");
  assert_ratio_at_least (in_at[2], 900, 0.95, "C's callback vs the end of B's parse");
  assert_ratio_at_least (scen (runs, in->wall_ms), 1300, 0.95, "three parses one after another");

  /* Queued, the parses share the pool: shorter, and the UI thread is free
   * either way. */
  assert_ratio_at_most (queued->wall_ms, in->wall_ms, 0.85, "queued vs inline");
  g_assert_cmpfloat (in->max_main_loop_gap_ms, <, 100);
  g_assert_cmpfloat (queued->max_main_loop_gap_ms, <, 100);
  g_assert_cmpuint (warnings_total (runs, "inline"), ==, 0);
  g_assert_cmpuint (warnings_total (runs, "queued"), ==, 0);
  assert_verdict_met (runs);
}

/* Part 3 ------------------------------------------------------------------------------- */

static void
test_cancel (void)
{
  g_autoptr(Runs) runs = runs_new ("cancel", 2.0);
  const AwMetrics *after = metrics (runs, "cancel-after");
  const AwMetrics *none = metrics (runs, "no-deadline");

  g_assert_true (outcome_is (after, "cancelled"));
  g_assert_cmpuint (after->cancelled, ==, after->tasks);
  g_assert_cmpfloat (scen (runs, after->cancel_latency_ms), <=, 50);
  assert_ratio_at_most (after->wall_ms, none->wall_ms, 0.4, "cancelled vs full");
  g_assert_cmpuint (warnings_total (runs, "cancel-after"), ==, 0);
  assert_verdict_met (runs);
}

/* A worker stops within its check interval; one that never checks runs on. */
static void
test_cooperative (void)
{
  g_autoptr(Runs) runs = runs_new ("cooperative", 2.0);
  const AwMetrics *often = metrics (runs, "checks-often");
  const AwMetrics *rarely = metrics (runs, "checks-rarely");
  const AwMetrics *never = metrics (runs, "never-checks");

  g_assert_true (outcome_is (often, "cancelled"));
  g_assert_true (outcome_is (rarely, "cancelled"));
  g_assert_true (outcome_is (never, "completed"));
  g_assert_true (never->cancel_requested);
  /* Latency follows the check interval: 10 ms, 400 ms, never. */
  g_assert_cmpfloat (scen (runs, often->cancel_latency_ms), <=, 50);
  g_assert_cmpfloat (scen (runs, rarely->cancel_latency_ms), >=, 100);
  g_assert_cmpfloat (scen (runs, rarely->cancel_latency_ms), <=, 450);
  assert_ratio_at_least (scen (runs, never->wasted_ms), 1500, 0.8, "work after the cancel");
  assert_ratio_at_least (never->wall_ms, often->wall_ms, 3, "never vs often");

  g_assert_cmpuint (warnings_total (runs, "checks-often"), ==, 0);
  g_assert_cmpuint (warnings_of_kind (runs, "checks-rarely", AW_WARNING_CANCEL_IGNORED), ==, 1);
  g_assert_cmpuint (warnings_of_kind (runs, "never-checks", AW_WARNING_CANCEL_IGNORED), ==, 1);
  assert_verdict_met (runs);
}

/* CancelAfter: the slow operation is cancelled at its deadline, the quick one completes. */
static void
test_timeout (void)
{
  g_autoptr(Runs) runs = runs_new ("timeout", 2.0);
  const AwMetrics *fits = metrics (runs, "fits");
  const AwMetrics *slow = metrics (runs, "too-slow");

  g_assert_true (outcome_is (fits, "completed"));
  g_assert_cmpuint (fits->cancelled, ==, 0);
  g_assert_true (outcome_is (slow, "cancelled"));
  g_assert_nonnull (strstr (slow->outcome, "Timed out"));
  /* Stopped at the 1 s deadline, not at the 2.5 s answer. */
  assert_ratio_at_least (scen (runs, slow->wall_ms), 1000, 0.98, "deadline");
  assert_ratio_at_most (scen (runs, slow->wall_ms), 1000, 1.2, "deadline");
  assert_verdict_met (runs);
}

/* WhenAny(work, delay): the loser must be cancelled, or it burns on. */
static void
test_timeout_race (void)
{
  g_autoptr(Runs) runs = runs_new ("timeout-race", 2.0);
  const AwMetrics *in_time = metrics (runs, "in-time");
  const AwMetrics *late = metrics (runs, "too-late");
  double forgotten = aw_lint_abandoned_work_ms (model (runs, "too-late-not-cancelled"), NULL);
  double cancelled = aw_lint_abandoned_work_ms (model (runs, "too-late"), NULL);

  assert_ratio_at_most (scen (runs, in_time->wall_ms), 600, 1.3, "work wins");
  assert_ratio_at_most (scen (runs, late->wall_ms), 1000, 1.2, "delay wins");
  g_assert_cmpuint (late->cancelled, ==, 1);
  assert_ratio_at_least (scen (runs, forgotten), 1000, 0.8, "work after giving up, not cancelled");
  g_assert_cmpfloat (scen (runs, cancelled), <=, 60);

  g_assert_cmpuint (warnings_of_kind (runs, "too-late-not-cancelled", AW_WARNING_WORK_WASTED), ==, 1);
  g_assert_cmpuint (warnings_total (runs, "too-late"), ==, 0);
  g_assert_cmpuint (warnings_total (runs, "in-time"), ==, 0);
  assert_verdict_met (runs);
}

/* Part 4 ------------------------------------------------------------------------------- */

/* Sync over async on .NET's pool: twelve downloads each block a worker, and
 * 50 ms of work queued after them waits for one until the blocked downloads
 * have been through, while the pool adds a thread every interval in which
 * nothing finished; awaited, the downloads hold no thread and the work runs
 * at once. How long the work waits with this machine's workers is the
 * virtual clock's to say: 4 s with two, 2 s with eight. */
static void
test_starvation (void)
{
  g_autoptr(Runs) runs = runs_new ("starvation", 2.0);
  AwTraceModel *blocked_model = model (runs, "sync-over-async");
  AwTraceModel *awaited_model = model (runs, "async");
  const AwMetrics *blocked = metrics (runs, "sync-over-async");
  const AwMetrics *awaited = metrics (runs, "async");
  const char *total = "await Task.Run(ComputeTotal)";
  guint workers = aw_runner_default_workers ();
  const AwVariant *variant;
  guint index = 0;
  AwRunOptions options;
  g_autoptr(AwTrace) predicted = NULL;
  g_autoptr(AwTraceModel) pmodel = NULL;
  const AwMetrics *p;
  double waited, pwaited;

  g_assert_cmpuint (aw_scenario_get_pool (runs->scenario)->kind, ==, AW_POOL_DOTNET);
  variant = aw_scenario_find_variant (runs->scenario, "sync-over-async", &index);
  g_assert_nonnull (variant);
  aw_run_options_init (&options);
  options.speed = runs->speed;
  options.heartbeat_ms = HEARTBEAT_MS;
  predicted = aw_clock_simulate (runs->scenario, index, &options);
  pmodel = aw_trace_model_new (predicted);
  p = aw_trace_model_get_metrics (pmodel);
  waited = scen (runs, queued_ms (blocked_model, only_task_named (blocked_model, total)));
  pwaited = scen (runs, queued_ms (pmodel, only_task_named (pmodel, total)));
  g_test_message ("sync-over-async: %u workers; the total waited %.0f ms (predicted %.0f ms), %u threads "
                  "(predicted %u), %u pool marks (predicted %u)", workers, waited, pwaited,
                  blocked->threads_used, p->threads_used, pool_marks (blocked_model), pool_marks (pmodel));

  /* The total waits behind the blocked downloads: at least one whole
   * download, as long as predicted, while the pool grows as predicted. */
  assert_ratio_at_least (waited, 2000, 0.95, "the total's wait vs one download");
  assert_ratio_at_least (waited, pwaited, 0.9, "the total's wait vs predicted");
  assert_ratio_at_most (waited, pwaited, 1.2, "the total's wait vs predicted");
  g_assert_cmpuint (blocked->threads_used, >, workers + 1);
  g_assert_cmpuint (blocked->threads_used, ==, p->threads_used);
  g_assert_cmpuint (pool_marks (blocked_model), >=, 1);
  g_assert_cmpuint (pool_marks (blocked_model), ==, pool_marks (pmodel));
  g_assert_true (outcome_is (blocked, "completed"));
  g_assert_cmpuint (blocked->completed, ==, blocked->tasks);

  /* Awaited: no download holds a thread, the pool never grows, and the
   * total gets a worker at once. */
  g_assert_cmpfloat (scen (runs, queued_ms (awaited_model, only_task_named (awaited_model, total))), <=, 50);
  g_assert_cmpuint (awaited->threads_used, ==, 2);
  g_assert_cmpuint (pool_marks (awaited_model), ==, 0);
  assert_ratio_at_least (blocked->wall_ms, awaited->wall_ms, 10, "sync over async vs async");

  g_assert_cmpuint (warnings_total (runs, "sync-over-async"), ==, 0);
  g_assert_cmpuint (warnings_total (runs, "async"), ==, 0);
  assert_verdict_met (runs);
}

/* The ignored task fails silently; the awaited one's error reaches the handler's catch. */
static void
test_fire_and_forget (void)
{
  g_autoptr(Runs) runs = runs_new ("fire-and-forget", 2.0);
  const AwMetrics *forget = metrics (runs, "forget");
  const AwMetrics *await = metrics (runs, "await");

  g_assert_true (outcome_is (forget, "completed"));
  g_assert_cmpuint (forget->failed, ==, 1);
  g_assert_cmpuint (forget->errors_unobserved, ==, 1);
  /* Awaited inside try/catch: the save fails, the handler catches and completes. */
  g_assert_true (outcome_is (await, "completed"));
  g_assert_cmpuint (await->failed, ==, 1);
  g_assert_cmpuint (await->errors_unobserved, ==, 0);
  g_assert_cmpuint (await->errors_observed, >=, 1);

  g_assert_cmpuint (warnings_of_kind (runs, "forget", AW_WARNING_ERROR_UNOBSERVED), ==, 1);
  g_assert_cmpuint (warnings_total (runs, "await"), ==, 0);
  assert_verdict_met (runs);
}

/* An exception escaping async void ends the app where the upload fails; in
 * an async Task it reaches the handler's catch. */
static void
test_async_void (void)
{
  g_autoptr(Runs) runs = runs_new ("async-void", 2.0);
  const AwMetrics *helper = metrics (runs, "async-void");
  const AwMetrics *foreach = metrics (runs, "foreach");
  const AwMetrics *fixed = metrics (runs, "async-task");
  const AwTaskInfo *each, *toast;
  guint n;
  const AwTaskInfo *tasks;

  /* The helper: crashed where the upload failed, with its error; not an
   * unobserved error, a crash. */
  g_assert_true (outcome_is (helper, "crashed: disk full: the exception escaped an async void method"));
  g_assert_true (helper->crashed);
  g_assert_cmpuint (helper->errors_unobserved, ==, 0);
  g_assert_cmpfloat (crash_at (runs, "async-void"), >=, 300);
  assert_ratio_at_most (crash_at (runs, "async-void"), 300, 1.3, "the crash vs the failed upload");

  /* ForEach: returns at once, the toast starts with the uploads still
   * going, and the second upload's error ends the app at 0.3 s. */
  g_assert_true (outcome_is (foreach, "crashed: disk full"));
  g_assert_cmpfloat (crash_at (runs, "foreach"), >=, 300);
  assert_ratio_at_most (crash_at (runs, "foreach"), 300, 1.3, "the ForEach crash vs the failed upload");
  each = task_named (runs, "foreach", "drafts.ForEach(async d => ...)");
  toast = task_named (runs, "foreach", "await ShowToastAsync(\"All saved\")");
  g_assert_nonnull (each);
  g_assert_nonnull (toast);
  g_assert_cmpfloat (scen_at (runs, "foreach", each->end_ns), <, 50);
  g_assert_cmpfloat (scen_at (runs, "foreach", toast->created_ns), <, 50);
  tasks = aw_trace_model_get_tasks (model (runs, "foreach"), &n);
  for (guint i = 0; i < n; i++)
    if (g_str_equal (tasks[i].name, "await UploadAsync(d)"))
      g_assert_cmpint (tasks[i].end_ns, >, toast->created_ns);

  /* async Task: the handler catches at 0.3 s and completes; no toast. */
  g_assert_true (outcome_is (fixed, "completed"));
  g_assert_false (fixed->crashed);
  g_assert_cmpuint (fixed->errors_observed, >=, 1);
  g_assert_cmpuint (fixed->errors_unobserved, ==, 0);
  assert_ratio_at_most (scen (runs, fixed->wall_ms), 300, 1.3, "the handled save vs 0.3 s");
  g_assert_null (task_named (runs, "async-task", "await ShowToastAsync(\"Saved\")"));
  g_assert_cmpfloat (crash_at (runs, "async-task"), <, 0);

  g_assert_cmpuint (warnings_total (runs, "async-task"), ==, 0);
  assert_verdict_met (runs);
}

/* Trivial operations: direct calls against an async hop each. */
static void
test_needless_async (void)
{
  g_autoptr(Runs) runs = runs_new ("needless-async", 1.0);
  const AwMetrics *direct = metrics (runs, "direct");
  const AwMetrics *wrapped = metrics (runs, "async-wrapper");

  g_assert_cmpuint (direct->gtasks_created, ==, 1);
  g_assert_cmpuint (direct->sync_completed, ==, 10000);
  g_assert_cmpuint (wrapped->gtasks_created, ==, 10001);
  assert_ratio_at_least (wrapped->wall_ms, direct->wall_ms, 3, "async hops vs direct calls");

  g_assert_cmpuint (warnings_of_kind (runs, "async-wrapper", AW_WARNING_COMPLETED_SYNC), ==, 1);
  g_assert_cmpuint (warnings_total (runs, "direct"), ==, 0);
  assert_verdict_met (runs);
}

/* The user leaves after 300 ms: without a token the work burns on. */
static void
test_no_cancellation (void)
{
  g_autoptr(Runs) runs = runs_new ("no-cancellation", 2.0);
  const AwMetrics *none = metrics (runs, "no-token");
  const AwMetrics *token = metrics (runs, "with-token");

  g_assert_true (none->cancel_requested);
  g_assert_true (outcome_is (none, "completed"));
  assert_ratio_at_least (scen (runs, none->wasted_ms), 1700, 0.8, "work for nobody");
  g_assert_true (outcome_is (token, "cancelled"));
  g_assert_cmpfloat (scen (runs, token->wasted_ms), <=, 50);
  assert_ratio_at_most (token->wall_ms, none->wall_ms, 0.3, "with vs without a token");

  g_assert_cmpuint (warnings_of_kind (runs, "no-token", AW_WARNING_CANCEL_IGNORED), ==, 1);
  g_assert_cmpuint (warnings_total (runs, "with-token"), ==, 0);
  assert_verdict_met (runs);
}

/* Two of three fail: await surfaces the first, the aggregate holds both. */
static void
test_when_all_failures (void)
{
  g_autoptr(Runs) runs = runs_new ("when-all-failures", 2.0);
  const AwMetrics *await = metrics (runs, "await");
  const AwMetrics *aggregate = metrics (runs, "aggregate");

  /* Both runs saw the same two failures... */
  g_assert_cmpuint (await->failed, ==, 3);
  g_assert_cmpuint (aggregate->failed, ==, 3);
  /* ...await passes on only the first; WhenAll observed the other, which
   * no code sees: swallowed, not unobserved... */
  g_assert_cmpstr (await->outcome, ==, "faulted: card declined");
  g_assert_cmpuint (await->errors_unobserved, ==, 0);
  g_assert_cmpuint (await->errors_swallowed, ==, 1);
  /* ...the aggregate holds both. */
  g_assert_nonnull (strstr (aggregate->outcome, "1 more error"));
  g_assert_cmpuint (aggregate->errors_unobserved, ==, 0);
  g_assert_cmpuint (aggregate->errors_observed, ==, 3);

  g_assert_cmpuint (warnings_of_kind (runs, "await", AW_WARNING_ERROR_UNOBSERVED), ==, 0);
  g_assert_cmpuint (warnings_of_kind (runs, "await", AW_WARNING_ERROR_SWALLOWED), ==, 1);
  g_assert_cmpuint (warnings_total (runs, "aggregate"), ==, 0);
  assert_verdict_met (runs);
}

/* The practical workflow: concurrent fetches, one timeout, the sync path, errors, cancel. */
static void
test_workflow (void)
{
  g_autoptr(Runs) runs = runs_new ("workflow", 2.0);
  const AwMetrics *normal = metrics (runs, "normal");
  const AwMetrics *slow = metrics (runs, "slow-server");
  const AwMetrics *fail = metrics (runs, "orders-fail");
  const AwMetrics *leaves = metrics (runs, "user-leaves");

  /* The two fetches overlap: 0.9 + 0.2 s, not 0.7 + 0.9 + 0.2 s. */
  g_assert_true (outcome_is (normal, "completed"));
  assert_ratio_at_most (scen (runs, normal->wall_ms), 1100, 1.25, "normal load");
  g_assert_cmpuint (normal->sync_completed, ==, 1);
  g_assert_cmpuint (normal->gtasks_created, ==, normal->tasks - 1);

  g_assert_true (outcome_is (slow, "cancelled"));
  assert_ratio_at_most (scen (runs, slow->wall_ms), 2000, 1.15, "deadline");

  g_assert_true (outcome_is (fail, "faulted"));
  g_assert_nonnull (strstr (fail->outcome, "500"));

  g_assert_true (outcome_is (leaves, "cancelled"));
  g_assert_cmpfloat (scen (runs, leaves->cancel_latency_ms), <=, 50);
  g_assert_cmpuint (leaves->completed, ==, 1);   /* the synchronous settings read only */

  for (guint i = 0; i < runs->variants->len; i++)
    g_assert_cmpuint (warnings_total (runs, g_array_index (runs->variants, AwNamedRun, i).name), ==, 0);
  assert_verdict_met (runs);
}

/* Every bundled scenario ---------------------------------------------------------------- */

/* The catalogue holds the whole lesson, each with checks on its outcome. */
static void
test_catalogue (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = aw_catalog_load_all (&error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (lesson_ids); i++)
    {
      g_autoptr(AwScenario) s = aw_catalog_lookup (lesson_ids[i], &error);
      JsonObject *expected;
      JsonNode *checks;

      g_assert_no_error (error);
      g_assert_cmpuint (aw_scenario_get_part (s), >=, 1);
      g_assert_cmpuint (aw_scenario_get_part (s), <=, 4);
      g_assert_nonnull (aw_scenario_get_expected_text (s));
      expected = aw_scenario_get_expected (s);
      checks = json_object_get_member (expected, "checks");
      g_assert_nonnull (checks);
      g_assert_cmpuint (json_array_get_length (json_node_get_array (checks)), >=, 3);
    }
}

/* `awaitscope run ID` at speed 1: every expected outcome is met. */
static void
test_all_verdicts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = aw_catalog_load_all (&error);
  guint checked = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      AwScenario *s = g_ptr_array_index (all, i);
      JsonObject *expected = aw_scenario_get_expected (s);
      g_autoptr(Runs) runs = NULL;

      if (expected == NULL || !json_object_has_member (expected, "checks"))
        {
          g_test_message ("%s: no checks to verify", aw_scenario_get_id (s));
          continue;
        }
      runs = runs_new (aw_scenario_get_id (s), 1.0);
      assert_verdict_met (runs);
      checked++;
    }
  g_assert_cmpuint (checked, >=, G_N_ELEMENTS (lesson_ids));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Every test here holds a lesson's claim about time on real runs; under
   * valgrind the stress test runs every lesson instead. */
  if (!test_timing_checked ())
    {
      g_print ("1..0 # SKIP the lessons' timing claims are not checked under valgrind\n");
      return 0;
    }
  aw_catalog_init ();

  g_test_add_func ("/aw/scenarios/await-vs-block", test_await_vs_block);
  g_test_add_func ("/aw/scenarios/async-not-a-thread", test_async_not_a_thread);
  g_test_add_func ("/aw/scenarios/valuetask", test_valuetask);
  g_test_add_func ("/aw/scenarios/result-vs-await", test_result_vs_await);
  g_test_add_func ("/aw/scenarios/when-all", test_when_all);
  g_test_add_func ("/aw/scenarios/when-any", test_when_any);
  g_test_add_func ("/aw/scenarios/io-vs-cpu", test_io_vs_cpu);
  g_test_add_func ("/aw/scenarios/scale", test_scale);
  g_test_add_func ("/aw/scenarios/bounded", test_bounded);
  g_test_add_func ("/aw/scenarios/progress", test_progress);
  g_test_add_func ("/aw/scenarios/completion-source", test_completion_source);
  g_test_add_func ("/aw/scenarios/cancel", test_cancel);
  g_test_add_func ("/aw/scenarios/cooperative", test_cooperative);
  g_test_add_func ("/aw/scenarios/timeout", test_timeout);
  g_test_add_func ("/aw/scenarios/timeout-race", test_timeout_race);
  g_test_add_func ("/aw/scenarios/starvation", test_starvation);
  g_test_add_func ("/aw/scenarios/fire-and-forget", test_fire_and_forget);
  g_test_add_func ("/aw/scenarios/async-void", test_async_void);
  g_test_add_func ("/aw/scenarios/needless-async", test_needless_async);
  g_test_add_func ("/aw/scenarios/no-cancellation", test_no_cancellation);
  g_test_add_func ("/aw/scenarios/when-all-failures", test_when_all_failures);
  g_test_add_func ("/aw/scenarios/workflow", test_workflow);
  g_test_add_func ("/aw/scenarios/catalogue", test_catalogue);
  g_test_add_func ("/aw/scenarios/all-verdicts-met", test_all_verdicts);

  return g_test_run ();
}
