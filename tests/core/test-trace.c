/* test-trace.c: the event log keeps every thread's events, in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "aw-trace.h"
#include "aw-trace-model.h"

#define N_THREADS 4
#define N_PER_THREAD 50000

typedef struct {
  AwTrace *trace;
  guint    index;
} Producer;

static gpointer
produce (gpointer data)
{
  Producer *p = data;

  for (guint i = 0; i < N_PER_THREAD; i++)
    aw_trace_record (p->trace, AW_EVENT_MARK, p->index + 1, i, 0);

  return NULL;
}

static void
test_merge_threads (void)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();
  Producer producers[N_THREADS];
  GThread *threads[N_THREADS];
  guint next[N_THREADS + 1] = { 0 };
  const AwEvent *events;
  guint n, merges = 0, lanes_seen = 0;
  gboolean lane_of[N_THREADS + 2] = { FALSE };

  for (guint i = 0; i < N_THREADS; i++)
    {
      producers[i].trace = trace;
      producers[i].index = i;
      threads[i] = g_thread_new ("producer", produce, &producers[i]);
    }

  /* Merge while the producers are still writing: each merge must leave a
   * sorted log, and a thread's events must stay in its order. */
  for (guint k = 0; k < 20; k++)
    {
      aw_trace_merge (trace);
      merges++;
      events = aw_trace_get_events (trace, &n);
      for (guint i = 1; i < n; i++)
        g_assert_cmpint (events[i - 1].time_ns, <=, events[i].time_ns);
      g_usleep (500);
    }

  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  aw_trace_merge (trace);

  events = aw_trace_get_events (trace, &n);
  g_assert_cmpuint (n, ==, N_THREADS * N_PER_THREAD);
  for (guint i = 0; i < n; i++)
    {
      const AwEvent *e = &events[i];

      g_assert_cmpuint (e->kind, ==, AW_EVENT_MARK);
      g_assert_cmpuint (e->task, >=, 1);
      g_assert_cmpuint (e->task, <=, N_THREADS);
      /* Per-thread order is kept. */
      g_assert_cmpuint (e->parent, ==, next[e->task]);
      next[e->task]++;
      if (i > 0)
        g_assert_cmpint (events[i - 1].time_ns, <=, e->time_ns);
      g_assert_cmpuint (e->lane, >=, 1);
      g_assert_cmpuint (e->lane, <=, N_THREADS);
      if (!lane_of[e->lane])
        {
          lane_of[e->lane] = TRUE;
          lanes_seen++;
        }
    }
  g_assert_cmpuint (lanes_seen, ==, N_THREADS);
  g_assert_cmpuint (aw_trace_get_n_lanes (trace), ==, N_THREADS + 1);
  g_assert_cmpstr (aw_trace_get_lane_name (trace, 0), ==, "UI thread");
  g_assert_cmpuint (merges, >, 0);

  /* Consumed chunks are freed: what is held is about the merged log. */
  g_assert_cmpuint (aw_trace_get_memory_size (trace), <=, n * sizeof (AwEvent) * 2 + 64 * 1024 * N_THREADS);
}

static void
test_timestamps (void)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();
  const AwEvent *events;
  gint64 before, after;
  guint n;

  g_usleep (20000);
  before = aw_trace_now (trace);
  aw_trace_record (trace, AW_EVENT_MARK, 1, 0, 0);
  after = aw_trace_now (trace);
  aw_trace_merge (trace);
  events = aw_trace_get_events (trace, &n);
  g_assert_cmpuint (n, ==, 1);
  /* Nanoseconds since the trace started, from a monotonic clock. */
  g_assert_cmpint (events[0].time_ns, >=, before);
  g_assert_cmpint (events[0].time_ns, <=, after);
  g_assert_cmpint (events[0].time_ns, >=, 20 * 1000 * 1000);
  g_assert_cmpint (events[0].time_ns, <, 5 * G_GINT64_CONSTANT (1000000000));
  g_assert_cmpuint (events[0].lane, ==, 0);
}

static void
test_strings (void)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();
  guint32 a = aw_trace_intern (trace, "fetch");
  guint32 b = aw_trace_intern (trace, "parse");

  g_assert_cmpuint (a, !=, 0);
  g_assert_cmpuint (a, !=, b);
  g_assert_cmpuint (aw_trace_intern (trace, "fetch"), ==, a);
  g_assert_cmpuint (aw_trace_intern (trace, NULL), ==, 0);
  g_assert_cmpstr (aw_trace_get_string (trace, a), ==, "fetch");
  g_assert_null (aw_trace_get_string (trace, 0));
  g_assert_null (aw_trace_get_string (trace, 9999));
}

/* A hand-made run: the model derives spans, lanes and metrics from it. */
static void
test_model (void)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();
  g_autoptr(AwTraceModel) model = NULL;
  const AwTaskInfo *tasks;
  const AwMetrics *m;
  const AwSpan *spans;
  guint n_tasks, n_spans;
  const gint64 ms = 1000000;
  guint32 name = aw_trace_intern (trace, "io");

  aw_trace_record_at (trace, 0, AW_EVENT_RUN_BEGIN, 0, 0, 0);
  aw_trace_record_at (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, name);
  aw_trace_record_at (trace, 0, AW_EVENT_TASK_WAITING, 1, 0, 0);
  aw_trace_record_at (trace, 1 * ms, AW_EVENT_TASK_CREATED, 2, 1, name);
  aw_trace_record_at (trace, 1 * ms, AW_EVENT_TASK_WAITING, 2, 0, 0);
  aw_trace_record_at (trace, 2 * ms, AW_EVENT_TASK_CREATED, 3, 1, name);
  aw_trace_record_at (trace, 2 * ms, AW_EVENT_TASK_RUNNING, 3, 0, 0);
  aw_trace_record_at (trace, 50 * ms, AW_EVENT_CANCEL_REQUEST, 0, 0, 0);
  aw_trace_record_at (trace, 60 * ms, AW_EVENT_TASK_CANCELLED, 2, 0, 0);
  aw_trace_record_at (trace, 80 * ms, AW_EVENT_TASK_FAULTED, 3, 0, aw_trace_intern (trace, "boom"));
  aw_trace_record_at (trace, 80 * ms, AW_EVENT_ERROR_UNOBSERVED, 3, 0, 0);
  aw_trace_record_at (trace, 90 * ms, AW_EVENT_TASK_COMPLETED, 1, 0, 0);
  aw_trace_record_at (trace, 90 * ms, AW_EVENT_RUN_END, 0, 0, aw_trace_intern (trace, "completed"));

  model = aw_trace_model_new (trace);
  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  g_assert_cmpuint (n_tasks, ==, 3);
  g_assert_cmpuint (tasks[1].depth, ==, 1);
  g_assert_cmpint (tasks[1].outcome, ==, AW_OUTCOME_CANCELLED);
  g_assert_cmpint (tasks[2].outcome, ==, AW_OUTCOME_FAULTED);
  g_assert_cmpstr (tasks[2].error, ==, "boom");
  g_assert_true (tasks[2].error_unobserved);
  g_assert_cmpint (tasks[1].cancel_request_ns, ==, 50 * ms);

  spans = aw_trace_model_get_spans (model, &n_spans);
  g_assert_cmpuint (tasks[2].n_spans, ==, 1);
  g_assert_cmpint (spans[tasks[2].first_span].phase, ==, AW_PHASE_RUNNING);
  g_assert_cmpint (aw_span_duration (&spans[tasks[2].first_span]), ==, 78 * ms);

  m = aw_trace_model_get_metrics (model);
  g_assert_cmpfloat_with_epsilon (m->wall_ms, 90, 0.001);
  g_assert_cmpuint (m->tasks, ==, 3);
  g_assert_cmpuint (m->completed, ==, 1);
  g_assert_cmpuint (m->cancelled, ==, 1);
  g_assert_cmpuint (m->failed, ==, 1);
  g_assert_cmpuint (m->gtasks_created, ==, 3);
  g_assert_cmpuint (m->errors_unobserved, ==, 1);
  g_assert_cmpfloat_with_epsilon (m->cancel_latency_ms, 10, 0.001);
  /* Task 3 ran 30 ms past the cancel request. */
  g_assert_cmpfloat_with_epsilon (m->wasted_ms, 30, 0.001);
  g_assert_true (m->cancel_requested);
  g_assert_cmpstr (m->outcome, ==, "completed");
}

/* The names saved traces use: they are the enum's nicks, and a trace saved
 * by an older build must still load. */
static void
test_kind_names (void)
{
  static const char *names[AW_EVENT_LAST] = {
    [AW_EVENT_RUN_BEGIN] = "run-begin",
    [AW_EVENT_RUN_END] = "run-end",
    [AW_EVENT_TASK_CREATED] = "created",
    [AW_EVENT_TASK_SYNC] = "sync-completed",
    [AW_EVENT_TASK_CALL] = "call",
    [AW_EVENT_TASK_QUEUED] = "queued",
    [AW_EVENT_TASK_RUNNING] = "running",
    [AW_EVENT_TASK_WAITING] = "waiting",
    [AW_EVENT_TASK_COMPLETED] = "completed",
    [AW_EVENT_TASK_FAULTED] = "faulted",
    [AW_EVENT_TASK_CANCELLED] = "cancelled",
    [AW_EVENT_CANCEL_REQUEST] = "cancel-request",
    [AW_EVENT_CANCEL_OBSERVED] = "cancel-observed",
    [AW_EVENT_ERROR_OBSERVED] = "error-observed",
    [AW_EVENT_ERROR_UNOBSERVED] = "error-unobserved",
    [AW_EVENT_FRAME] = "frame",
    [AW_EVENT_UI_BLOCK_BEGIN] = "ui-block-begin",
    [AW_EVENT_UI_BLOCK_END] = "ui-block-end",
    [AW_EVENT_WATCHDOG] = "watchdog",
    [AW_EVENT_MARK] = "mark",
    [AW_EVENT_ERROR_SWALLOWED] = "error-swallowed",
    [AW_EVENT_TASK_DEADLOCKED] = "deadlocked",
    [AW_EVENT_CRASH] = "crash",
  };
  g_autoptr(GEnumClass) klass = g_type_class_ref (AW_TYPE_EVENT_KIND);

  g_assert_cmpuint (klass->n_values, ==, AW_EVENT_LAST - 1);
  for (guint kind = 1; kind < AW_EVENT_LAST; kind++)
    {
      g_assert_cmpstr (aw_event_kind_to_string (kind), ==, names[kind]);
      g_assert_cmpint (aw_event_kind_from_string (names[kind]), ==, kind);
    }
  g_assert_cmpstr (aw_event_kind_to_string (0), ==, "unknown");
  g_assert_cmpstr (aw_event_kind_to_string (AW_EVENT_LAST), ==, "unknown");
  g_assert_cmpint (aw_event_kind_from_string ("task-created"), ==, 0);
  g_assert_cmpint (aw_event_kind_from_string (NULL), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/aw/trace/merge-threads", test_merge_threads);
  g_test_add_func ("/aw/trace/timestamps", test_timestamps);
  g_test_add_func ("/aw/trace/strings", test_strings);
  g_test_add_func ("/aw/trace/model", test_model);
  g_test_add_func ("/aw/trace/kind-names", test_kind_names);
  return g_test_run ();
}
