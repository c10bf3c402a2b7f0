/* test-differential.c: random programs, simulated and run for real, must agree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The virtual clock is a prediction of what the runner does. Both back-ends
 * share one interpreter, so what a program means is written once; what each
 * back-end adds (GLib's GTask delivery, real threads and timers against a
 * simulated loop and pool) is checked here: random valid programs, seeded
 * (the seed is printed; AW_DIFF_SEED repeats it, AW_DIFF_COUNT sets how
 * many), each simulated and run for real at four times the speed. Both must
 * give the same tasks (ids, parents, names), the same outcomes, the same
 * error messages, and times that agree within the stated tolerance.
 *
 * The generator keeps clear of what would make the answer depend on which
 * real thread is faster: the leaves of one program have distinct durations
 * (no two timers come due together), races are decided by margins of at
 * least MARGIN_MS, a blocking wait holds no blocking wait and no forgotten
 * task, and no parallel copies a blocking wait (copies finish together on
 * two threads, and which blocks first would be a race). Sums of durations
 * can still tie: a program whose simulation changes when its durations move
 * by a few milliseconds is a race, and is not run. Copies of one node (repeat, parallel) on two
 * threads may finish in either order, so tasks are matched by their path in
 * the tree, not by id. A real run that disagrees is tried again (a loaded
 * machine only delays a real run); only a disagreement on every try fails.
 * cpu work is CPU time: where other processes held the cores, so that the
 * workers ran well over what the simulated cores allow, the times are not
 * compared, only what happened; where a job ran late by a third of a race's
 * margin on every try, a race may have gone the other way, and the program
 * counts as not compared (said in the log).
 *
 * With AW_DIFF_DUMP=DIR the test writes its programs as scenario files there
 * and runs nothing.
 */

#include "config.h"

#include <math.h>

#include "aw-clock.h"
#include "aw-runner.h"
#include "aw-scenario.h"
#include "aw-trace-model.h"

#include "../test-timing.h"

#define SPEED        4.0
#define MARGIN_MS    40     /* scenario ms between two durations of one program */
#define TIME_SLACK   0.15   /* of the run's wall time, or of a task's end */
#define TIME_FLOOR   25.0   /* real ms */
#define TRIES        3

typedef struct {
  GRand   *rand;
  GString *json;
  guint    budget;        /* nodes left */
  guint    next_ms;       /* the next free leaf duration */
  GArray  *durations;     /* every leaf's duration, shuffled into the program */
  guint    used;
  guint    name;
  GRand   *jitter;        /* when set, moves each duration by up to JITTER_MS */
} Gen;

#define JITTER_MS 8

static guint
next_duration (Gen      *g,
               gboolean  leaf)
{
  guint ms;

  if (g->used < g->durations->len)
    ms = g_array_index (g->durations, guint, g->used++);
  else
    ms = 10 + MARGIN_MS * g->used++;
  if (g->jitter != NULL && leaf)
    ms += g_rand_int_range (g->jitter, 1, JITTER_MS + 1);
  return ms;
}

static void gen_node (Gen *g, guint depth, gboolean may_block_wait);

static void
gen_children (Gen      *g,
              guint     depth,
              guint     n,
              gboolean  may_block_wait)
{
  g_string_append (g->json, ", \"children\": [");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (g->json, ", ");
      gen_node (g, depth + 1, may_block_wait);
    }
  g_string_append (g->json, "]");
}

static void
gen_child (Gen      *g,
           guint     depth,
           gboolean  may_block_wait)
{
  g_string_append (g->json, ", \"child\": ");
  gen_node (g, depth + 1, may_block_wait);
}

static void
gen_node (Gen      *g,
          guint     depth,
          gboolean  may_block_wait)
{
  static const char *leaves[] = { "delay", "io", "cpu", "fail", "cached", "block_ui", "completion_source" };
  static const char *composites[] = { "sequence", "when_all", "when_any", "timeout",
                                      "repeat", "parallel", "fire_and_forget", "wait_blocking" };
  gboolean leaf = depth > 0 && (depth >= 4 || g->budget <= 1 || g_rand_int_range (g->rand, 0, 100) < 30);
  const char *type;

  if (g->budget > 0)
    g->budget--;
  if (leaf)
    type = leaves[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (leaves))];
  else
    {
      type = composites[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (composites))];
      /* No blocking wait inside another or inside a forgotten task, and
       * nothing forgotten inside a blocking wait: those never finish for
       * real (the wait's own thread stops serving its context). */
      if ((g_str_equal (type, "wait_blocking") || g_str_equal (type, "fire_and_forget")) && !may_block_wait)
        type = "sequence";
    }

  g_string_append_printf (g->json, "{ \"type\": \"%s\", \"name\": \"%s %u\"", type, type, ++g->name);

  if (g_str_equal (type, "delay") || g_str_equal (type, "io"))
    g_string_append_printf (g->json, ", \"ms\": %u", next_duration (g, TRUE));
  else if (g_str_equal (type, "block_ui"))
    g_string_append_printf (g->json, ", \"ms\": %u%s", 10 + 10 * g_rand_int_range (g->rand, 0, 3),
                            g_rand_boolean (g->rand) ? ", \"progress_ms\": 10" : "");
  else if (g_str_equal (type, "cpu"))
    g_string_append_printf (g->json, ", \"ms\": %u, \"cooperative\": %s, \"check_ms\": %u, \"blocking\": %s%s",
                            next_duration (g, TRUE),
                            g_rand_boolean (g->rand) ? "true" : "false",
                            5 + 5 * g_rand_int_range (g->rand, 0, 3),
                            g_rand_boolean (g->rand) ? "true" : "false",
                            g_rand_int_range (g->rand, 0, 3) == 0 ? ", \"progress_ms\": 20" : "");
  else if (g_str_equal (type, "completion_source"))
    {
      guint ms = next_duration (g, TRUE);

      g_string_append_printf (g->json, ", \"ms\": %u, \"work_ms\": %u, \"run_async\": %s", ms,
                              g_rand_boolean (g->rand) ? next_duration (g, TRUE) : 0,
                              g_rand_boolean (g->rand) ? "true" : "false");
    }
  else if (g_str_equal (type, "fail"))
    g_string_append_printf (g->json, ", \"ms\": %u, \"message\": \"error %u\"", next_duration (g, TRUE), g->name);
  else if (g_str_equal (type, "cached"))
    g_string_append_printf (g->json, ", \"ms\": %u, \"hit_ratio\": %s, \"value_task\": %s",
                            next_duration (g, TRUE),
                            (const char *[]) { "0", "0.5", "1" }[g_rand_int_range (g->rand, 0, 3)],
                            g_rand_boolean (g->rand) ? "true" : "false");
  else if (g_str_equal (type, "sequence"))
    {
      g_string_append_printf (g->json, ", \"catch\": %s", g_rand_int_range (g->rand, 0, 4) == 0 ? "true" : "false");
      gen_children (g, depth, g_rand_int_range (g->rand, 1, 4), may_block_wait);
    }
  else if (g_str_equal (type, "when_all"))
    {
      g_string_append_printf (g->json, ", \"errors\": \"%s\"", g_rand_boolean (g->rand) ? "all" : "first");
      gen_children (g, depth, g_rand_int_range (g->rand, 1, 4), may_block_wait);
    }
  else if (g_str_equal (type, "when_any"))
    {
      g_string_append_printf (g->json, ", \"cancel_rest\": %s", g_rand_boolean (g->rand) ? "true" : "false");
      gen_children (g, depth, g_rand_int_range (g->rand, 1, 4), may_block_wait);
    }
  else if (g_str_equal (type, "timeout"))
    {
      g_string_append_printf (g->json, ", \"ms\": %u", next_duration (g, FALSE));
      gen_child (g, depth, may_block_wait);
    }
  else if (g_str_equal (type, "repeat") || g_str_equal (type, "parallel"))
    {
      /* Copies finish together, on two threads in either order: a blocking
       * wait among them would make which one blocks first a race. */
      g_string_append_printf (g->json, ", \"count\": %u", g_rand_int_range (g->rand, 1, 4));
      if (g_str_equal (type, "parallel") && g_rand_boolean (g->rand))
        g_string_append_printf (g->json, ", \"limit\": %u", g_rand_int_range (g->rand, 1, 3));
      gen_child (g, depth, may_block_wait && g_str_equal (type, "repeat"));
    }
  else if (g_str_equal (type, "fire_and_forget"))
    {
      g_string_append_printf (g->json, ", \"async_void\": %s", g_rand_int_range (g->rand, 0, 4) == 0 ? "true" : "false");
      gen_child (g, depth, FALSE);
    }
  else if (g_str_equal (type, "wait_blocking"))
    {
      g_string_append_printf (g->json, ", \"deadline_ms\": %u, \"continue_on\": \"%s\", \"aggregate\": %s",
                              next_duration (g, FALSE) * 2, g_rand_boolean (g->rand) ? "worker" : "main",
                              g_rand_boolean (g->rand) ? "true" : "false");
      gen_child (g, depth, FALSE);
    }

  g_string_append (g->json, " }");
}

/* A scenario of one variant, whose leaves and deadlines all differ by at
 * least MARGIN_MS. Its text is returned in @json_out. */
static AwScenario *
generate (guint32   seed,
          guint     index,
          guint     jitter,
          char    **json_out)
{
  Gen g = { 0 };
  g_autoptr(GError) error = NULL;
  AwScenario *scenario;

  g.rand = g_rand_new_with_seed (seed + index * 7919u);
  if (jitter > 0)
    g.jitter = g_rand_new_with_seed (seed ^ (index * 104729u + jitter));
  g.json = g_string_new (NULL);
  g.budget = g_rand_int_range (g.rand, 3, 16);
  g.durations = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < 32; i++)
    {
      guint ms = 10 + MARGIN_MS * i;

      g_array_append_val (g.durations, ms);
    }
  for (guint i = g.durations->len - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (g.rand, 0, i + 1);
      guint t = g_array_index (g.durations, guint, i);

      g_array_index (g.durations, guint, i) = g_array_index (g.durations, guint, j);
      g_array_index (g.durations, guint, j) = t;
    }

  g_string_append_printf (g.json,
                          "{ \"id\": \"random-%u-%u\", \"title\": \"Random program %u\", \"part\": 2,\n"
                          "  \"narration\": \"generated\", \"csharp\": \"-\", \"c\": \"-\",\n"
                          "  \"variants\": [ { \"name\": \"v\", \"title\": \"V\",%s \"program\": ",
                          seed, index, index,
                          g_rand_int_range (g.rand, 0, 5) == 0 ? " \"cancel_after_ms\": 250," : "");
  gen_node (&g, 0, TRUE);
  g_string_append (g.json, " } ] }\n");

  scenario = aw_scenario_new_from_data (g.json->str, g.json->len, "random.json", &error);
  if (scenario == NULL)
    g_error ("The generator wrote a program the parser refuses (seed %u, program %u): %s\n%s",
             seed, index, error->message, g.json->str);

  if (json_out != NULL)
    *json_out = g_strdup (g.json->str);
  g_string_free (g.json, TRUE);
  g_array_unref (g.durations);
  g_rand_free (g.rand);
  g_clear_pointer (&g.jitter, g_rand_free);
  return scenario;
}

static guint32
test_seed (void)
{
  const char *env = g_getenv ("AW_DIFF_SEED");

  return env != NULL ? (guint32) g_ascii_strtoull (env, NULL, 10) : g_random_int ();
}

static guint
test_count (void)
{
  const char *env = g_getenv ("AW_DIFF_COUNT");

  /* Under valgrind, fewer programs and no timing. */
  if (env != NULL)
    return (guint) g_ascii_strtoull (env, NULL, 10);
  return test_timing_checked () ? 200 : 20;
}

/* Task ids are global: copies of one node running on two threads may be
 * numbered in either order. A task is named instead by its path: its
 * parent's path, its name and its rank among its parent's children, which
 * the parent makes in an order of its own. */
static GHashTable *
tasks_by_path (AwTraceModel *model)
{
  GHashTable *by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) paths = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GHashTable) ranks = g_hash_table_new (NULL, NULL);
  const AwTaskInfo *tasks;
  guint n;

  /* By id, a parent comes before its children, and siblings in the order
   * their parent made them. */
  tasks = aw_trace_model_get_tasks (model, &n);
  for (guint i = 0; i < n; i++)
    {
      const char *parent_path = g_hash_table_lookup (paths, GUINT_TO_POINTER (tasks[i].parent));
      guint rank = GPOINTER_TO_UINT (g_hash_table_lookup (ranks, GUINT_TO_POINTER (tasks[i].parent)));
      char *path = g_strdup_printf ("%s/%s#%u", parent_path ? parent_path : "", tasks[i].name, rank);

      g_hash_table_insert (ranks, GUINT_TO_POINTER (tasks[i].parent), GUINT_TO_POINTER (rank + 1));
      g_hash_table_insert (paths, GUINT_TO_POINTER (tasks[i].id), path);
      g_hash_table_insert (by_path, g_strdup (path), (gpointer) &tasks[i]);
    }
  return by_path;
}

/* What both runs must share; NULL if they do. */
static char *
difference (AwTraceModel *sim,
            AwTraceModel *real,
            gboolean      timed)
{
  const AwMetrics *ms = aw_trace_model_get_metrics (sim);
  const AwMetrics *mr = aw_trace_model_get_metrics (real);
  g_autoptr(GHashTable) ts = NULL;
  g_autoptr(GHashTable) tr = NULL;
  GHashTableIter iter;
  gpointer key, value;
  double slack;

  if (g_strcmp0 (ms->outcome, mr->outcome) != 0)
    return g_strdup_printf ("outcome: simulated \"%s\", real \"%s\"", ms->outcome, mr->outcome);
  if (ms->errors_observed != mr->errors_observed || ms->errors_unobserved != mr->errors_unobserved)
    return g_strdup_printf ("errors observed/unobserved: simulated %u/%u, real %u/%u",
                            ms->errors_observed, ms->errors_unobserved, mr->errors_observed, mr->errors_unobserved);
  if (ms->watchdog_fired != mr->watchdog_fired)
    return g_strdup_printf ("watchdog: simulated %d, real %d", ms->watchdog_fired, mr->watchdog_fired);
  if (ms->tasks != mr->tasks)
    return g_strdup_printf ("%u tasks simulated, %u real", ms->tasks, mr->tasks);

  slack = MAX (TIME_SLACK * mr->wall_ms, TIME_FLOOR);
  if (timed && fabs (ms->wall_ms - mr->wall_ms) > slack)
    return g_strdup_printf ("wall time: simulated %.1f ms, real %.1f ms (tolerance %.1f ms)",
                            ms->wall_ms, mr->wall_ms, slack);

  ts = tasks_by_path (sim);
  tr = tasks_by_path (real);
  g_hash_table_iter_init (&iter, ts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const AwTaskInfo *a = value;
      const AwTaskInfo *b = g_hash_table_lookup (tr, key);

      if (b == NULL)
        return g_strdup_printf ("task %s: simulated, but not in the real run", (const char *) key);
      if (a->outcome != b->outcome || a->sync != b->sync || a->gtask != b->gtask)
        return g_strdup_printf ("task %s: simulated %s, real %s", (const char *) key,
                                aw_outcome_to_string (a->outcome), aw_outcome_to_string (b->outcome));
      if (g_strcmp0 (a->error, b->error) != 0)
        return g_strdup_printf ("task %s: simulated error \"%s\", real \"%s\"", (const char *) key,
                                a->error, b->error);
      /* A task that outlives the run (a forgotten one) is held to its own
       * length of time: each hand-off on a loaded machine makes it later. */
      if (timed)
        {
          double task_slack = MAX (slack, TIME_SLACK * b->end_ns / 1e6);

          if (fabs ((double) (a->created_ns - b->created_ns)) / 1e6 > task_slack ||
              fabs ((double) (a->end_ns - b->end_ns)) / 1e6 > task_slack)
            return g_strdup_printf ("task %s: simulated %.1f to %.1f ms, real %.1f to %.1f ms (tolerance %.1f ms)",
                                    (const char *) key, a->created_ns / 1e6, a->end_ns / 1e6,
                                    b->created_ns / 1e6, b->end_ns / 1e6, task_slack);
        }
    }

  return NULL;
}

/* Milliseconds that tasks spent running on worker threads. */
static double
worker_running_ms (AwTraceModel *model)
{
  const AwSpan *spans;
  guint n;
  double total = 0;

  spans = aw_trace_model_get_spans (model, &n);
  for (guint i = 0; i < n; i++)
    if (spans[i].phase == AW_PHASE_RUNNING && spans[i].lane > 0)
      total += aw_span_duration (&spans[i]) / 1e6;
  return total;
}

/* cpu work is CPU time: when other processes take the cores, it takes
 * longer in wall time than the simulation's cores allow, and its times say
 * nothing about the prediction. */
static gboolean
cpu_contended (AwTraceModel *sim,
               AwTraceModel *real)
{
  return worker_running_ms (real) > 1.25 * worker_running_ms (sim) + 10;
}

/* Milliseconds a task ran on worker threads. */
static double
task_running_ms (AwTraceModel     *model,
                 const AwTaskInfo *task)
{
  const AwSpan *spans;
  guint n;
  double total = 0;

  spans = aw_trace_model_get_spans (model, &n);
  for (guint i = task->first_span; i < task->first_span + task->n_spans && i < n; i++)
    if (spans[i].phase == AW_PHASE_RUNNING && spans[i].lane > 0)
      total += aw_span_duration (&spans[i]) / 1e6;
  return total;
}

/* Whether some job's CPU work took longer for real than the races of the
 * program allow (MARGIN_MS scaled): then a race between it and a timer may
 * go the other way, and a different outcome says nothing of the prediction. */
static gboolean
cpu_slowed (AwTraceModel *sim,
            AwTraceModel *real)
{
  g_autoptr(GHashTable) ts = tasks_by_path (sim);
  g_autoptr(GHashTable) tr = tasks_by_path (real);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, ts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const AwTaskInfo *b = g_hash_table_lookup (tr, key);

      if (b != NULL && task_running_ms (real, b) - task_running_ms (sim, value) > MARGIN_MS / SPEED / 3)
        return TRUE;
    }
  return FALSE;
}

static AwTraceModel *
simulate (AwScenario         *scenario,
          const AwRunOptions *options)
{
  g_autoptr(AwTrace) trace = aw_clock_simulate (scenario, 0, options);

  return aw_trace_model_new (trace);
}

/* Whether moving every duration by a few milliseconds, less than a real
 * run's timing varies, changes what happens: then the program is a race
 * decided by a tie, and a real run may go either way. */
static gboolean
is_tie (guint32             seed,
        guint               index,
        AwTraceModel       *sim,
        const AwRunOptions *options)
{
  for (guint jitter = 1; jitter <= 2; jitter++)
    {
      g_autoptr(AwScenario) moved = generate (seed, index, jitter, NULL);
      g_autoptr(AwTraceModel) other = simulate (moved, options);
      g_autofree char *diff = difference (sim, other, FALSE);

      if (diff != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_differential (void)
{
  guint32 seed = test_seed ();
  guint count = test_count ();
  guint retried = 0, tasks = 0, ties = 0, contended = 0, slowed = 0;

  g_test_message ("seed %u (AW_DIFF_SEED=%u repeats it), %u programs", seed, seed, count);

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *json = NULL;
      g_autoptr(AwScenario) scenario = generate (seed, i, 0, &json);
      g_autofree char *last = NULL;
      AwRunOptions options;
      g_autoptr(AwTraceModel) sim = NULL;
      gboolean conclusive = FALSE;

      aw_run_options_init (&options);
      options.speed = SPEED;
      options.workers = 2;
      sim = simulate (scenario, &options);
      tasks += aw_trace_model_get_metrics (sim)->tasks;
      if (is_tie (seed, i, sim, &options))
        {
          ties++;
          continue;
        }

      for (guint attempt = 0; attempt < TRIES; attempt++)
        {
          g_autoptr(AwRunner) runner = aw_runner_new (scenario, 0, &options);
          g_autoptr(AwTraceModel) real = NULL;
          g_autoptr(GError) error = NULL;
          gboolean timed;

          g_assert_true (aw_runner_run_sync (runner, &error));
          g_assert_no_error (error);

          real = aw_trace_model_new (aw_runner_get_trace (runner));
          timed = test_timing_checked () && !cpu_contended (sim, real);
          g_clear_pointer (&last, g_free);
          last = difference (sim, real, timed);
          if (last == NULL)
            {
              contended += test_timing_checked () && !timed;
              break;
            }
          if (!cpu_slowed (sim, real))
            conclusive = TRUE;
          retried++;
        }

      if (last != NULL && !conclusive)
        {
          g_test_message ("program %u: other processes slowed its CPU work on every try, so its races went "
                          "another way (%s): not compared", i, last);
          slowed++;
          continue;
        }
      if (last != NULL)
        g_error ("Seed %u, program %u: the simulation and %u real runs disagree: %s\n%s",
                 seed, i, TRIES, last, json);
    }

  g_test_message ("%u programs (%u tasks): %u agreed, %u decided by a tie were not run; "
                  "%u real runs were tried again; %u had their CPU work slowed by other processes "
                  "(structure compared, not times), %u so much that their races went another way",
                  count, tasks, count - ties - slowed, ties, retried, contended, slowed);
  /* Most programs are compared. */
  g_assert_cmpuint (ties, <=, count / 4);
}

static void
dump (const char *dir)
{
  guint32 seed = test_seed ();
  guint count = test_count ();

  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *json = NULL;
      g_autoptr(AwScenario) scenario = generate (seed, i, 0, &json);
      g_autofree char *name = g_strdup_printf ("random-%u-%03u.json", seed, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;

      if (!g_file_set_contents (path, json, -1, &error))
        g_error ("%s", error->message);
    }
}

int
main (int    argc,
      char **argv)
{
  if (g_getenv ("AW_DIFF_DUMP") != NULL)
    {
      dump (g_getenv ("AW_DIFF_DUMP"));
      return 0;
    }

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/aw/engine/differential", test_differential);
  return g_test_run ();
}
