/* bench-runner.c: timer awaits and cancellation, run for real
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bench.h"

#include <math.h>

#include "aw-runner.h"
#include "aw-trace-model.h"

static AwScenario *
parallel_delays (guint count,
                 guint ms)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
    "{ \"id\": \"bench\", \"title\": \"bench\", \"part\": 2, \"summary\": \"-\","
    "  \"narration\": \"-\", \"csharp\": \"-\", \"c\": \"-\","
    "  \"variants\": [ { \"name\": \"awaits\", \"title\": \"awaits\","
    "    \"program\": { \"type\": \"parallel\", \"count\": %u, \"name\": \"WhenAll\","
    "                   \"child\": { \"type\": \"delay\", \"ms\": %u, \"name\": \"delay\" } } } ] }",
    count, ms);
  AwScenario *scenario = aw_scenario_new_from_data (json, -1, "bench", &error);

  g_assert_no_error (error);
  return scenario;
}

static AwTrace *
run_once (AwScenario *scenario,
          gint        cancel_after_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwRunner) runner = NULL;
  AwRunOptions options;

  aw_run_options_init (&options);
  options.cancel_after_ms = cancel_after_ms;
  runner = aw_runner_new (scenario, 0, &options);
  if (!aw_runner_run_sync (runner, &error))
    g_error ("bench run failed: %s", error->message);
  return aw_trace_ref (aw_runner_get_trace (runner));
}

static gint64
last_event_time (AwTrace     *trace,
                 AwEventKind  kind)
{
  const AwEvent *events;
  guint n;
  gint64 t = -1;

  events = aw_trace_get_events (trace, &n);
  for (guint i = 0; i < n; i++)
    if (events[i].kind == kind)
      t = MAX (t, events[i].time_ns);
  return t;
}

typedef struct {
  double wall_ratio;     /* run begin to run end, over the delay */
  double max_ratio;      /* the longest await over the delay */
  double p99_late_ms;
  double max_late_ms;
  double create_ms;      /* first await created to last */
  double finish_ms;      /* first await finished to last */
  guint  workers_used;
  guint  completed;
} TimerRun;

static void
measure_timers (guint     count,
                guint     ms,
                TimerRun *out)
{
  g_autoptr(AwScenario) scenario = parallel_delays (count, ms);
  g_autoptr(AwTrace) trace = run_once (scenario, -1);
  g_autoptr(AwTraceModel) model = aw_trace_model_new (trace);
  const AwMetrics *m = aw_trace_model_get_metrics (model);
  const AwTaskInfo *tasks;
  g_autofree double *late = g_new (double, count);
  guint n_tasks, n_late = 0;

  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  for (guint i = 0; i < n_tasks; i++)
    if (tasks[i].depth == 1 && tasks[i].end_ns >= 0 && n_late < count)
      late[n_late++] = (tasks[i].end_ns - tasks[i].created_ns) / 1e6 - ms;

  out->wall_ratio = m->wall_ms / ms;
  out->max_late_ms = aw_bench_max (late, n_late);
  out->max_ratio = (ms + out->max_late_ms) / ms;
  out->p99_late_ms = aw_bench_percentile (late, n_late, 99);
  out->workers_used = m->threads_used > 0 ? m->threads_used - 1 : 0;
  out->completed = m->completed;
  {
    gint64 first_created = G_MAXINT64, last_created = 0, first_end = G_MAXINT64, last_end = 0;

    for (guint i = 0; i < n_tasks; i++)
      if (tasks[i].depth == 1 && tasks[i].end_ns >= 0)
        {
          first_created = MIN (first_created, tasks[i].created_ns);
          last_created = MAX (last_created, tasks[i].created_ns);
          first_end = MIN (first_end, tasks[i].end_ns);
          last_end = MAX (last_end, tasks[i].end_ns);
        }
    out->create_ms = (last_created - first_created) / 1e6;
    out->finish_ms = (last_end - first_end) / 1e6;
  }
}

static void
floor_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  (*(guint *) user_data)++;
}

typedef struct {
  GPtrArray *tasks;
  double     return_ms;
} FloorReturn;

static gboolean
floor_return_all (gpointer data)
{
  FloorReturn *fr = data;
  gint64 t0 = aw_bench_now_ns ();

  /* Inside a source of the tasks' context: each callback runs at once. */
  for (guint i = 0; i < fr->tasks->len; i++)
    {
      g_task_return_boolean (g_ptr_array_index (fr->tasks, i), TRUE);
      g_object_unref (g_ptr_array_index (fr->tasks, i));
    }
  fr->return_ms = (aw_bench_now_ns () - t0) / 1e6;
  return G_SOURCE_REMOVE;
}

/* What GLib itself needs for @count awaits: a GTask each, created, then
 * returned from a timer and dispatched to its callback. */
static double
measure_gtask_floor (guint   count,
                     double *create_ms)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_sized_new (count);
  FloorReturn fr = { tasks, 0 };
  guint done = 0;
  gint64 t0, t1;

  t0 = aw_bench_now_ns ();
  for (guint i = 0; i < count; i++)
    {
      GTask *task = g_task_new (NULL, NULL, floor_done, &done);

      g_task_set_source_tag (task, measure_gtask_floor);
      g_ptr_array_add (tasks, task);
    }
  t1 = aw_bench_now_ns ();
  *create_ms = (t1 - t0) / 1e6;

  g_timeout_add (1, floor_return_all, &fr);
  while (done < count)
    g_main_context_iteration (NULL, TRUE);

  return (t1 - t0) / 1e6 + fr.return_ms;
}

static void
timer_goals (AwBench    *bench,
             const char *name,
             guint       count,
             guint       ms,
             double      goal,
             gboolean    strict)
{
  guint repeats = aw_bench_repeats (bench);
  g_autofree double *wall = g_new (double, repeats);
  g_autofree double *longest = g_new (double, repeats);
  g_autofree double *p99 = g_new (double, repeats);
  g_autofree double *floor_ms = g_new (double, repeats);
  g_autofree double *floor_create_ms = g_new (double, repeats);
  g_autofree double *create_ms = g_new (double, repeats);
  g_autofree double *finish_ms = g_new (double, repeats);
  guint workers = 0, incomplete = 0;
  AwBenchGoal *g;
  g_autofree char *what = NULL;

  aw_bench_progress (bench, "%s: %u x %u concurrent %u ms awaits", name, repeats, count, ms);
  for (guint r = 0; r < repeats; r++)
    {
      TimerRun run;

      measure_timers (count, ms, &run);
      floor_ms[r] = measure_gtask_floor (count, &floor_create_ms[r]);
      wall[r] = run.wall_ratio;
      longest[r] = run.max_ratio;
      p99[r] = run.p99_late_ms;
      create_ms[r] = run.create_ms;
      finish_ms[r] = run.finish_ms;
      workers = MAX (workers, run.workers_used);
      if (run.completed < count + 1)
        incomplete++;
    }

  what = g_strdup_printf ("%u concurrent %u ms awaits, recorded: run begin to end, median", count, ms);
  g = aw_bench_add_goal (bench, name, "ms", aw_bench_median (wall, repeats) * ms, ms, goal,
                         what, "the delay");
  aw_bench_note (g, "longest single await %.4fx the delay; GLib alone (%u GTasks created, then "
                 "returned from a timer) takes %.1f ms",
                 aw_bench_median (longest, repeats), count, aw_bench_median (floor_ms, repeats));
  aw_bench_note (g, "the awaits were created over %.1f ms (GLib alone creates as many GTasks in %.1f ms) "
                 "and finished over %.1f ms",
                 aw_bench_median (create_ms, repeats), aw_bench_median (floor_create_ms, repeats),
                 aw_bench_median (finish_ms, repeats));
  if (incomplete > 0)
    {
      g->pass = FALSE;
      aw_bench_note (g, "%u runs did not complete every await", incomplete);
    }

  if (strict)
    {
      g_autofree char *p99_name = g_strconcat (name, "-p99-lateness", NULL);
      g_autofree char *workers_name = g_strconcat (name, "-worker-threads", NULL);

      g = aw_bench_add_goal (bench, p99_name, "ms", aw_bench_median (p99, repeats), ms, 3.0 / ms,
                             "99th percentile of how late an await finished, median of runs",
                             "the delay");
      aw_bench_note (g, "goal <= 3 ms");
      g = aw_bench_add_goal (bench, workers_name, "threads", workers, aw_runner_default_workers (), 0,
                             "worker threads that recorded anything during the awaits (most in any run)",
                             "the worker pool size");
    }
}

void
aw_bench_timers (AwBench *bench)
{
  if (bench->smoke)
    {
      timer_goals (bench, "timer-awaits", 200, 50, 1.005, TRUE);
      timer_goals (bench, "timer-awaits-large", 2000, 50, 1.05, FALSE);
      return;
    }
  timer_goals (bench, "timer-awaits", 10000, 1000, 1.005, TRUE);
  timer_goals (bench, "timer-awaits-large", 100000, 1000, 1.05, FALSE);
}

void
aw_bench_cancel (AwBench *bench)
{
  guint count = bench->smoke ? 500 : 10000;
  guint repeats = aw_bench_repeats (bench);
  g_autofree double *cancel = g_new (double, repeats);
  g_autofree double *empty = g_new (double, repeats);
  g_autofree double *empty_whole = g_new (double, repeats);
  g_autofree double *cancel_deliver = g_new (double, repeats);
  g_autofree double *empty_deliver = g_new (double, repeats);
  g_autoptr(AwScenario) pending = parallel_delays (count, 600000);
  g_autoptr(AwScenario) nothing = parallel_delays (count, 0);
  guint not_cancelled = 0;
  AwBenchGoal *g;
  g_autofree char *what = NULL;

  aw_bench_progress (bench, "cancellation: %u x %u pending tasks", repeats, count);
  for (guint r = 0; r < repeats; r++)
    {
      g_autoptr(AwTrace) a = run_once (nothing, -1);
      g_autoptr(AwTrace) b = run_once (pending, 300);
      g_autoptr(AwTraceModel) model = aw_trace_model_new (b);
      gint64 begin = last_event_time (a, AW_EVENT_RUN_BEGIN);
      gint64 created = last_event_time (a, AW_EVENT_TASK_WAITING);
      gint64 end = last_event_time (a, AW_EVENT_RUN_END);

      /* Empty: from the moment every task exists to the end of the run. */
      empty[r] = (end - created) / 1e6;
      empty_whole[r] = (end - begin) / 1e6;
      cancel[r] = (last_event_time (b, AW_EVENT_RUN_END) - last_event_time (b, AW_EVENT_CANCEL_REQUEST)) / 1e6;
      /* Delivery ends at the last completion; what follows is freeing. */
      empty_deliver[r] = (last_event_time (a, AW_EVENT_TASK_COMPLETED) - created) / 1e6;
      cancel_deliver[r] = (last_event_time (b, AW_EVENT_TASK_CANCELLED) -
                           last_event_time (b, AW_EVENT_CANCEL_REQUEST)) / 1e6;
      if (aw_trace_model_get_metrics (model)->cancelled < count + 1)
        not_cancelled++;
    }

  what = g_strdup_printf ("cancelling %u pending tasks: cancel request to the last delivered "
                          "cancellation (run end), median", count);
  g = aw_bench_add_goal (bench, "cancellation", "ms", aw_bench_median (cancel, repeats),
                         aw_bench_median (empty, repeats), 1.5, what,
                         "the same tasks completing empty, from the last one created to the run end");
  aw_bench_note (g, "an empty run of them takes %.1f ms from its start", aw_bench_median (empty_whole, repeats));
  aw_bench_note (g, "delivering: cancelled %.2f ms, empty %.2f ms; then freeing the tasks to the run end: "
                 "cancelled %.2f ms, empty %.2f ms",
                 aw_bench_median (cancel_deliver, repeats), aw_bench_median (empty_deliver, repeats),
                 aw_bench_median (cancel, repeats) - aw_bench_median (cancel_deliver, repeats),
                 aw_bench_median (empty, repeats) - aw_bench_median (empty_deliver, repeats));
  if (not_cancelled > 0)
    {
      g->pass = FALSE;
      aw_bench_note (g, "%u runs left tasks uncancelled", not_cancelled);
    }
}
