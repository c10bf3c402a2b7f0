/* test-stress.c: many real runs, cancelled at random moments, and every
 * lesson back to back, with memory that stays flat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The moments are random but seeded: the seed is printed, and
 * AW_STRESS_SEED=N repeats a sequence. AW_STRESS_RUNS=N changes how many
 * runs are cancelled (1,000 by default). Resident memory is read from
 * /proc/self/statm after each run; after a warm-up it may not grow by more
 * than 10%. Under the sanitizers (freed memory is held in quarantine, shadow
 * memory grows) and valgrind the figures are printed but not held to that
 * bound.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
# include <malloc.h>
#endif
#include <unistd.h>

#include "aw-catalog.h"
#include "aw-runner.h"
#include "aw-trace-model.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
# define AW_UNDER_SANITIZER 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#  define AW_UNDER_SANITIZER 1
# endif
#endif
#ifndef AW_UNDER_SANITIZER
# define AW_UNDER_SANITIZER 0
#endif

#define RUN_WATCHDOG_S 30
#define WARM_UP        100
#define MAX_GROWTH     0.10

/* Every kind of node, with cancellation reaching timers, cooperative and
 * non-cooperative workers, linked tokens (timeout, when_any), a
 * ConfigureAwait(false) thread and a main-thread deadlock broken by its
 * watchdog. About 25 ms when nothing cancels it. */
static const char *stress_program =
  "{ \"type\": \"when_all\", \"children\": [\n"
  "  { \"type\": \"sequence\", \"children\": [\n"
  "    { \"type\": \"delay\", \"ms\": 8 }, { \"type\": \"io\", \"ms\": 4 }, { \"type\": \"cpu\", \"ms\": 3 },\n"
  "    { \"type\": \"cached\", \"ms\": 3, \"hit_ratio\": 0.5, \"value_task\": false },\n"
  "    { \"type\": \"cached\", \"ms\": 3, \"hit_ratio\": 0.5 } ] },\n"
  "  { \"type\": \"timeout\", \"ms\": 20, \"child\":\n"
  "    { \"type\": \"parallel\", \"count\": 20, \"child\": { \"type\": \"delay\", \"ms\": 15 } } },\n"
  "  { \"type\": \"when_any\", \"children\": [\n"
  "    { \"type\": \"cpu\", \"ms\": 10, \"check_ms\": 1 }, { \"type\": \"io\", \"ms\": 12 },\n"
  "    { \"type\": \"fail\", \"ms\": 9, \"message\": \"lost the race\" } ] },\n"
  "  { \"type\": \"repeat\", \"count\": 4, \"child\": { \"type\": \"cpu\", \"ms\": 2, \"cooperative\": false } },\n"
  "  { \"type\": \"cpu\", \"ms\": 4, \"blocking\": true },\n"
  "  { \"type\": \"fire_and_forget\", \"child\": { \"type\": \"sequence\", \"children\": [\n"
  "    { \"type\": \"delay\", \"ms\": 5 }, { \"type\": \"fail\", \"ms\": 1 } ] } },\n"
  "  { \"type\": \"wait_blocking\", \"deadline_ms\": 200, \"continue_on\": \"worker\", \"child\":\n"
  "    { \"type\": \"when_all\", \"children\": [ { \"type\": \"delay\", \"ms\": 4 }, { \"type\": \"cpu\", \"ms\": 2 } ] } },\n"
  "  { \"type\": \"fire_and_forget\", \"child\":\n"
  "    { \"type\": \"wait_blocking\", \"deadline_ms\": 2, \"child\": { \"type\": \"delay\", \"ms\": 6 } } },\n"
  "  { \"type\": \"block_ui\", \"ms\": 1 },\n"
  "  { \"type\": \"when_all\", \"errors\": \"first\", \"children\": [\n"
  "    { \"type\": \"fail\", \"ms\": 14 }, { \"type\": \"fail\", \"ms\": 16 } ] }\n"
  "] }";

#define STRESS_MAX_CANCEL_US 30000

static gboolean
slow_checker (void)
{
  return g_getenv ("AW_TEST_SLOW") != NULL;
}

static gboolean
memory_bound_holds (void)
{
  return !AW_UNDER_SANITIZER && !slow_checker ();
}

static gsize
resident_kb (void)
{
  g_autofree char *text = NULL;
  unsigned long size = 0, resident = 0;

#ifdef __GLIBC__
  /* Memory freed but kept by malloc (each worker thread's arena keeps its
   * own) is not a leak: give it back first, so only memory still in use
   * counts. */
  malloc_trim (0);
#endif
  g_assert_true (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL));
  g_assert_cmpint (sscanf (text, "%lu %lu", &size, &resident), ==, 2);
  return resident * (gsize) sysconf (_SC_PAGESIZE) / 1024;
}

static guint
thread_count (void)
{
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &text, NULL, NULL));
  line = strstr (text, "\nThreads:");
  g_assert_nonnull (line);
  return (guint) g_ascii_strtoull (line + strlen ("\nThreads:"), NULL, 10);
}

static AwScenario *
scenario_from_program (const char *program)
{
  g_autofree char *text = g_strdup_printf (
    "{ \"id\": \"stress\", \"title\": \"Stress\", \"part\": 1, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
    "  \"variants\": [ { \"name\": \"mix\", \"title\": \"Mix\", \"program\": %s } ] }", program);
  g_autoptr(GError) error = NULL;
  AwScenario *s = aw_scenario_new_from_data (text, -1, "stress.json", &error);

  g_assert_no_error (error);
  return s;
}

typedef struct {
  gboolean      done;
  GAsyncResult *result;
} Done;

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Done *done = user_data;

  done->result = g_object_ref (result);
  done->done = TRUE;
}

typedef struct {
  GCancellable *cancellable;
  gulong        delay_us;
} CancelLater;

static gpointer
cancel_later (gpointer data)
{
  CancelLater *c = data;

  g_usleep (c->delay_us);
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

typedef enum {
  CANCEL_AT_START,      /* Cancel right after the run started, before the loop ran */
  CANCEL_AFTER_MS,      /* the runner's own timer, like --cancel-after */
  CANCEL_FROM_THREAD,   /* another thread cancels the caller's GCancellable */
  CANCEL_NEVER,
  N_MODES
} CancelMode;

static const char *mode_names[N_MODES] = { "at start", "after ms", "from a thread", "never" };

static gboolean
watchdog_fired (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs @runner to its end on the thread-default context; fails the test if
 * it takes more than RUN_WATCHDOG_S. */
static void
run_to_end (AwRunner     *runner,
            GCancellable *cancellable,
            CancelMode    mode,
            const char   *what)
{
  Done done = { FALSE, NULL };
  g_autoptr(GError) error = NULL;
  gboolean hung = FALSE;
  guint watchdog = g_timeout_add_seconds (RUN_WATCHDOG_S, watchdog_fired, &hung);

  aw_runner_run_async (runner, cancellable, on_run_done, &done);
  if (mode == CANCEL_AT_START)
    aw_runner_cancel (runner, "stress: cancelled at start");
  while (!done.done && !hung)
    g_main_context_iteration (NULL, TRUE);
  if (hung)
    g_error ("%s did not finish within %d s: a hang", what, RUN_WATCHDOG_S);
  g_source_remove (watchdog);

  g_assert_true (aw_runner_run_finish (runner, done.result, &error));
  g_assert_no_error (error);
  g_assert_false (aw_runner_is_running (runner));
  g_object_unref (done.result);
}

/* Every task a run started ended: completed, faulted, cancelled,
 * deadlocked (a blocking wait the watchdog gave up on) or crashed (an
 * exception escaped async void). */
static const AwMetrics *
check_run_complete (AwTraceModel *model,
                    const char   *what)
{
  const AwMetrics *m = aw_trace_model_get_metrics (model);

  if (m->pending != 0)
    g_error ("%s: %u tasks never finished", what, m->pending);
  g_assert_nonnull (m->outcome);
  g_assert_true (g_str_has_prefix (m->outcome, "completed") ||
                 g_str_has_prefix (m->outcome, "cancelled") ||
                 g_str_has_prefix (m->outcome, "faulted") ||
                 g_str_has_prefix (m->outcome, "deadlocked") ||
                 g_str_has_prefix (m->outcome, "crashed"));
  return m;
}

/* The run's own token was cancelled (not a timeout's or a WhenAny's). */
static gboolean
run_cancel_recorded (AwTrace *trace)
{
  guint n;
  const AwEvent *events = aw_trace_get_events (trace, &n);

  for (guint i = 0; i < n; i++)
    if (events[i].kind == AW_EVENT_CANCEL_REQUEST && events[i].task == 0)
      return TRUE;
  return FALSE;
}

static void
test_cancel_at_random (void)
{
  const char *seed_env = g_getenv ("AW_STRESS_SEED");
  const char *runs_env = g_getenv ("AW_STRESS_RUNS");
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : g_random_int ();
  guint runs = runs_env ? (guint) g_ascii_strtoull (runs_env, NULL, 10) : slow_checker () ? 150 : 1000;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(AwScenario) scenario = scenario_from_program (stress_program);
  guint by_mode[N_MODES] = { 0 };
  guint by_outcome[3] = { 0 };
  gsize base_kb = 0, max_kb = 0, first_kb = 0, last_kb = 0;
  guint base_threads = 0, max_threads = 0;
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpuint (runs, >, WARM_UP);
  g_test_message ("seed %u (AW_STRESS_SEED=%u repeats this sequence), %u runs", seed, seed, runs);
  first_kb = resident_kb ();

  for (guint i = 0; i < runs; i++)
    {
      g_autofree char *what = NULL;
      g_autoptr(AwRunner) runner = NULL;
      g_autoptr(AwTraceModel) model = NULL;
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      CancelMode mode = (CancelMode) g_rand_int_range (rand, 0, N_MODES);
      gulong at_us = (gulong) g_rand_int_range (rand, 0, STRESS_MAX_CANCEL_US);
      CancelLater later = { cancellable, at_us };
      GThread *thread = NULL;
      AwRunOptions options;
      const AwMetrics *m;

      what = g_strdup_printf ("run %u (seed %u, cancel %s at %lu us)", i, seed, mode_names[mode], at_us);
      aw_run_options_init (&options);
      if (mode == CANCEL_AFTER_MS)
        options.cancel_after_ms = (gint) (at_us / 1000);
      runner = aw_runner_new (scenario, 0, &options);
      if (mode == CANCEL_FROM_THREAD)
        thread = g_thread_new ("stress-cancel", cancel_later, &later);

      run_to_end (runner, cancellable, mode, what);
      if (thread != NULL)
        g_thread_join (thread);
      /* What the other thread asked for may land after the run: it must do nothing. */
      while (g_main_context_iteration (NULL, FALSE))
        ;

      model = aw_trace_model_new (aw_runner_get_trace (runner));
      m = check_run_complete (model, what);
      /* (The main-thread deadlock happens inside run_async, before the
       * cancel: such a run may still end faulted.) */
      if (mode == CANCEL_AT_START && !run_cancel_recorded (aw_runner_get_trace (runner)))
        g_error ("%s: cancelled at start, yet the trace shows no cancel of the run", what);
      if (mode == CANCEL_NEVER && run_cancel_recorded (aw_runner_get_trace (runner)))
        g_error ("%s: never cancelled, yet the trace shows a cancel of the run", what);
      by_mode[mode]++;
      by_outcome[g_str_has_prefix (m->outcome, "completed") ? 0 : g_str_has_prefix (m->outcome, "cancelled") ? 1 : 2]++;

      g_clear_pointer (&model, aw_trace_model_unref);
      g_clear_object (&runner);

      last_kb = resident_kb ();
      if (i + 1 == WARM_UP)
        {
          base_kb = last_kb;
          base_threads = thread_count ();
        }
      else if (i + 1 > WARM_UP)
        {
          max_kb = MAX (max_kb, last_kb);
          max_threads = MAX (max_threads, thread_count ());
        }
    }

  g_test_message ("%u runs in %.1f s; cancelled at start %u, after ms %u, from a thread %u, never %u",
                  runs, (g_get_monotonic_time () - start) / 1e6,
                  by_mode[CANCEL_AT_START], by_mode[CANCEL_AFTER_MS], by_mode[CANCEL_FROM_THREAD],
                  by_mode[CANCEL_NEVER]);
  g_test_message ("outcomes: %u completed, %u cancelled, %u faulted", by_outcome[0], by_outcome[1], by_outcome[2]);
  g_test_message ("resident memory: %zu KiB at start, %zu KiB after %u warm-up runs, at most %zu KiB "
                  "after (%+.1f%%), %zu KiB at the end; threads %u after warm-up, at most %u after",
                  first_kb, base_kb, WARM_UP, max_kb, 100.0 * ((double) max_kb / base_kb - 1), last_kb,
                  base_threads, max_threads);

  /* Every run was cancelled some way, and every way happened. */
  for (guint mode = 0; mode < N_MODES; mode++)
    g_assert_cmpuint (by_mode[mode], >, 0);
  /* Pool threads come and go; a thread per run would not. */
  g_assert_cmpuint (max_threads, <=, base_threads + 16);
  if (memory_bound_holds ())
    g_assert_cmpfloat ((double) max_kb, <=, base_kb * (1 + MAX_GROWTH));
  else
    g_test_message ("memory bound not checked under a sanitizer or valgrind");
}

/* A cancel from another thread lands on the run's own thread, even when the
 * run's context is free at that moment: g_main_context_invoke() would run
 * it on the cancelling thread, racing with the run. */
static void
test_cancel_from_thread_lands_on_run_thread (void)
{
  g_autoptr(AwScenario) scenario = scenario_from_program (
    "{ \"type\": \"parallel\", \"count\": 50, \"child\": { \"type\": \"delay\", \"ms\": 2000 } }");
  g_autoptr(AwRunner) runner = aw_runner_new (scenario, 0, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelLater later = { cancellable, 0 };
  Done done = { FALSE, NULL };
  const AwEvent *events;
  GThread *thread;
  guint n, cancels = 0;

  aw_runner_run_async (runner, cancellable, on_run_done, &done);
  /* The main thread does not iterate while the other thread cancels. */
  thread = g_thread_new ("cancel-now", cancel_later, &later);
  g_thread_join (thread);
  while (!done.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (aw_runner_run_finish (runner, done.result, NULL));
  g_object_unref (done.result);

  events = aw_trace_get_events (aw_runner_get_trace (runner), &n);
  for (guint i = 0; i < n; i++)
    if (events[i].kind == AW_EVENT_CANCEL_REQUEST && events[i].task == 0)
      {
        g_assert_cmpuint (events[i].lane, ==, 0);
        cancels++;
      }
  g_assert_cmpuint (cancels, ==, 1);
}

/* Every lesson, every variant, at speed 4: a warm-up round, then the two
 * rounds that are compared. The warm-up makes what a process makes once
 * (worker threads, their malloc arenas, GType classes, cached fonts), so
 * what the second measured round adds over the first is what runs leak. */
static void
test_catalog_twice (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = aw_catalog_load_all (&error);
  gsize kb[3] = { 0, 0, 0 };
  guint runs = 0;
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >, 0);

  /* Where memory is not checked (sanitizers, valgrind) the warm-up is left out. */
  for (guint round = memory_bound_holds () ? 0 : 1; round < 3; round++)
    {
      for (guint i = 0; i < all->len; i++)
        {
          AwScenario *scenario = g_ptr_array_index (all, i);

          for (guint v = 0; v < aw_scenario_get_n_variants (scenario); v++)
            {
              g_autofree char *what = g_strdup_printf ("%s/%s (%s)", aw_scenario_get_id (scenario),
                                                       aw_scenario_get_variant (scenario, v)->name,
                                                       round == 0 ? "warm-up" : round == 1 ? "first round" : "second round");
              g_autoptr(AwRunner) runner = NULL;
              g_autoptr(AwTraceModel) model = NULL;
              AwRunOptions options;

              aw_run_options_init (&options);
              options.speed = 4;
              options.heartbeat_ms = 10;
              runner = aw_runner_new (scenario, v, &options);
              run_to_end (runner, NULL, CANCEL_NEVER, what);
              model = aw_trace_model_new (aw_runner_get_trace (runner));
              check_run_complete (model, what);
              runs++;
            }
        }
      while (g_main_context_iteration (NULL, FALSE))
        ;
      kb[round] = resident_kb ();
    }

  if (kb[0] != 0)
    g_test_message ("%u scenarios, %u runs at speed 4 in %.1f s; resident memory %zu KiB after the "
                    "warm-up round, %zu KiB after the first round, %zu KiB after the second (%+.1f%%)",
                    all->len, runs, (g_get_monotonic_time () - start) / 1e6, kb[0], kb[1], kb[2],
                    100.0 * ((double) kb[2] / kb[1] - 1));
  else
    g_test_message ("%u scenarios, %u runs at speed 4 in %.1f s (no warm-up round: memory not checked here)",
                    all->len, runs, (g_get_monotonic_time () - start) / 1e6);
  if (memory_bound_holds ())
    g_assert_cmpfloat ((double) kb[2], <=, kb[1] * (1 + MAX_GROWTH));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/aw/stress/cancel-from-thread", test_cancel_from_thread_lands_on_run_thread);
  g_test_add_func ("/aw/stress/cancel-at-random", test_cancel_at_random);
  g_test_add_func ("/aw/stress/catalog-twice", test_catalog_twice);

  return g_test_run ();
}
