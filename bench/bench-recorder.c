/* bench-recorder.c: the cost of recording an event, and what events hold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bench.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aw-trace.h"

/* The limit: one read of the clock the recorder stamps events with. */
static double
clock_ns (guint n)
{
  struct timespec ts;
  gint64 t0, t1;
  volatile long sink = 0;

  t0 = aw_bench_thread_cpu_ns ();
  for (guint i = 0; i < n; i++)
    {
      clock_gettime (CLOCK_MONOTONIC, &ts);
      sink += ts.tv_nsec;
    }
  t1 = aw_bench_thread_cpu_ns ();
  (void) sink;

  return (t1 - t0) / (double) n;
}

typedef struct {
  AwTrace *trace;
  guint    n;
  gint    *ready;        /* producers that are registered and waiting */
  gint    *go;
  gint    *done;
  double   ns_per_event;
} Producer;

static gpointer
producer_run (gpointer data)
{
  Producer *p = data;
  gint64 t0, t1;

  /* Register this thread's buffer before the clock starts. */
  aw_trace_record (p->trace, AW_EVENT_MARK, 0, 0, 0);
  g_atomic_int_inc (p->ready);
  while (!g_atomic_int_get (p->go))
    ;

  t0 = aw_bench_thread_cpu_ns ();
  for (guint i = 0; i < p->n; i++)
    aw_trace_record (p->trace, AW_EVENT_TASK_RUNNING, i, 0, 0);
  t1 = aw_bench_thread_cpu_ns ();
  p->ns_per_event = (t1 - t0) / (double) p->n;
  g_atomic_int_inc (p->done);

  return NULL;
}

/* Nanoseconds per recorded event, averaged over @n_threads producers that
 * record at the same time into one trace while this thread merges every
 * millisecond, as the window merges once per frame. */
static double
record_ns (guint n_threads,
           guint n)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();
  Producer producers[2];
  GThread *threads[2];
  gint ready = 0, go = 0, done = 0;
  double sum = 0;

  g_assert (n_threads <= G_N_ELEMENTS (producers));
  for (guint i = 0; i < n_threads; i++)
    {
      producers[i] = (Producer) { trace, n, &ready, &go, &done, 0 };
      threads[i] = g_thread_new ("bench-producer", producer_run, &producers[i]);
    }
  while (g_atomic_int_get (&ready) < (gint) n_threads)
    g_thread_yield ();
  g_atomic_int_set (&go, 1);
  while (g_atomic_int_get (&done) < (gint) n_threads)
    {
      g_usleep (1000);
      aw_trace_merge (trace);
    }
  for (guint i = 0; i < n_threads; i++)
    {
      g_thread_join (threads[i]);
      sum += producers[i].ns_per_event;
    }

  return sum / n_threads;
}

void
aw_bench_recorder (AwBench *bench)
{
  /* A repeat takes tens of milliseconds, and on a shared machine single
   * repeats scatter by half (35 to 72 ns): five times the repeats of the
   * other sections keep the medians steady. */
  guint repeats = aw_bench_repeats (bench) * (bench->smoke ? 1 : 5);
  guint n = bench->smoke ? 20000 : 500000;
  g_autofree double *clock = g_new (double, repeats);
  g_autofree double *one = g_new (double, repeats);
  g_autofree double *two = g_new (double, repeats);
  double clock_med, one_med, two_med;
  AwBenchGoal *g;

  aw_bench_progress (bench, "recorder: %u x %u events, one and two producer threads", repeats, n);

  /* Warm up allocator and caches. */
  clock_ns (n / 10);
  record_ns (1, n / 10);

  /* Interleaved, so that the machine's mood touches all three alike. */
  for (guint r = 0; r < repeats; r++)
    {
      clock[r] = clock_ns (n);
      one[r] = record_ns (1, n);
      two[r] = record_ns (2, n);
    }
  clock_med = aw_bench_median (clock, repeats);
  one_med = aw_bench_median (one, repeats);
  two_med = aw_bench_median (two, repeats);

  g = aw_bench_add_goal (bench, "recorder", "ns", one_med, clock_med, 2.0,
                         "timestamp plus append of one event by a producer thread while the main "
                         "thread merges every millisecond, median of the thread's CPU time",
                         "one clock_gettime(CLOCK_MONOTONIC)");
  aw_bench_note (g, "per repeat %.1f to %.1f ns; clock %.1f to %.1f ns",
                 aw_bench_min (one, repeats), aw_bench_max (one, repeats),
                 aw_bench_min (clock, repeats), aw_bench_max (clock, repeats));

  g = aw_bench_add_goal (bench, "recorder-two-threads", "ns", two_med, one_med, 1.15,
                         "the same, two producer threads recording into one trace at once",
                         "the one-producer cost");
  aw_bench_note (g, "per repeat %.1f to %.1f ns", aw_bench_min (two, repeats), aw_bench_max (two, repeats));
}

/* Peak resident memory since the last reset, or 0 if the kernel cannot say. */
static gsize
peak_rss_bytes (void)
{
  g_autofree char *text = NULL;
  const char *line;
  unsigned long kb = 0;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL) ||
      (line = strstr (text, "VmHWM:")) == NULL || sscanf (line, "VmHWM: %lu", &kb) != 1)
    return 0;
  return (gsize) kb * 1024;
}

static gboolean
reset_peak_rss (void)
{
  return g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
}

void
aw_bench_memory (AwBench *bench)
{
  guint n = bench->smoke ? 50000 : 1000000;
  guint repeats = aw_bench_repeats (bench);
  g_autofree double *per_event = g_new (double, repeats);
  g_autofree double *rss = g_new (double, repeats);
  g_autofree double *peak = g_new (double, repeats);
  gboolean have_peak = FALSE;
  double raw = n * (double) sizeof (AwEvent);
  AwBenchGoal *g;

  aw_bench_progress (bench, "memory: %u x %u events recorded and merged", repeats, n);

  for (guint r = 0; r < repeats; r++)
    {
      AwTrace *trace = aw_trace_new ();
      gsize heap0, rss0, peak0;
      guint n_events;

      have_peak = reset_peak_rss ();
      heap0 = aw_bench_heap_bytes ();
      rss0 = aw_bench_rss_bytes ();
      peak0 = peak_rss_bytes ();

      for (guint i = 0; i < n; i++)
        aw_trace_record (trace, AW_EVENT_TASK_WAITING, i, 0, 0);
      aw_trace_merge (trace);
      aw_trace_get_events (trace, &n_events);
      g_assert (n_events == n);

      per_event[r] = (double) (aw_bench_heap_bytes () - heap0) / n;
      rss[r] = (double) (aw_bench_rss_bytes () - rss0) / (1024.0 * 1024.0);
      peak[r] = (double) (peak_rss_bytes () - peak0) / (1024.0 * 1024.0);
      aw_trace_unref (trace);
    }

  g = aw_bench_add_goal (bench, "memory-per-event", "B", aw_bench_median (per_event, repeats),
                         sizeof (AwEvent), 2.0,
                         "bytes malloc holds per recorded event, after the merge",
                         "sizeof (AwEvent): the bytes of one event");
  aw_bench_note (g, "goal <= 48 B per event");

  /* 64 MiB for a million events is the goal; the limit is their raw size. */
  g = aw_bench_add_goal (bench, "memory-resident", "MiB", aw_bench_median (rss, repeats),
                         raw / (1024.0 * 1024.0), (64.0 * 1024 * 1024 / 1000000) * n / raw,
                         "resident memory added by the recorded events, after the merge",
                         "the events' raw size (count x 24 B)");
  aw_bench_note (g, "goal <= %.0f MiB for %u events", 64.0 * n / 1000000, n);
  if (have_peak)
    aw_bench_note (g, "peak while recording and merging %.1f MiB", aw_bench_median (peak, repeats));
}
