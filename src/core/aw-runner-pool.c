/* aw-runner-pool.c: the real back-end's worker pool, fixed or growing as .NET's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cpu work runs on a GThreadPool the runner owns, so the pool's size is
 * known and shown: options->workers threads. cpu work is an amount of CPU
 * time (the worker thread's own clock), so more workers than cores make
 * each job take longer, as real computations do; a blocking job holds its
 * thread for an amount of wall time without using the CPU.
 *
 * The dotnet pool (AwPool) grows it. A monitor thread of its own, as .NET's
 * gate thread is (a source on the run's main context would stop whenever
 * the main thread blocks), is due every interval from the first job queued.
 * It decides as of the instant it was due, not when it woke: the pool
 * counts what happened before that instant apart from what happened after
 * it. A real job that should end at the instant of a check ends a little
 * after it (it started a little after the instant it should have), so it
 * does not count as finished at that check, whenever the monitor wakes:
 * the virtual clock's order, where the check comes first. The thread it
 * adds starts a few milliseconds after that instant, once the workers whose
 * jobs end then have taken their next ones, as on the virtual clock: when
 * fewer jobs wait than threads come free, which thread gets none does not
 * depend on which of them the machine happened to run first.
 */

#include "config.h"

#include "aw-runner-private.h"

#include <time.h>

/* The calling thread's CPU time: what cpu work is measured in, so that it
 * is a fixed amount of work, as a computation is. More workers than cores
 * make each one take longer, as they do for real. */
static gint64
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static gint64
monotonic_ns (void)
{
  return g_get_monotonic_time () * 1000;
}

static void
burn_until (gint64 end_cpu_ns)
{
  /* Keeps the loop from being optimized away; one per thread, since
   * workers burn at the same time. */
  static _Thread_local volatile guint64 sink;
  guint64 x = sink + 1;

  /* Reading the thread's CPU clock is a system call: a few microseconds
   * of work between readings. */
  while (thread_cpu_ns () < end_cpu_ns)
    for (guint i = 0; i < 4096; i++)
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  sink = x;
}

/* The dotnet pool's monitor ------------------------------------------------------------ */

/* How long after its check's instant a thread the pool adds starts, at
 * most: enough for the jobs that end at that instant to end and their
 * workers to take the next ones. */
#define START_AFTER_US 5000

static inline gboolean
is_growing (AwRunner *run)
{
  return run->engine.options.pool == AW_POOL_DOTNET;
}

/* Which count an event at @now goes to: before the next check's instant
 * (0) or after it (1). Under the monitor's lock. */
static inline guint
monitor_side (PoolMonitor *m,
              gint64       now)
{
  return m->first_push >= 0 && now >= m->first_push + (gint64) (m->checks + 1) * m->interval_us;
}

/* A job was pushed (+1) or taken (-1). */
static void
monitor_count_queued (AwRunner *run,
                      gint      delta)
{
  PoolMonitor *m = &run->monitor;
  gint64 now;

  g_mutex_lock (&m->lock);
  now = g_get_monotonic_time ();
  if (m->first_push < 0)
    {
      m->first_push = now;
      g_cond_signal (&m->cond);
    }
  m->queued[monitor_side (m, now)] += delta;
  g_mutex_unlock (&m->lock);
}

static void
monitor_count_finished (AwRunner *run)
{
  PoolMonitor *m = &run->monitor;

  g_mutex_lock (&m->lock);
  m->finished[monitor_side (m, g_get_monotonic_time ())] = TRUE;
  g_mutex_unlock (&m->lock);
}

static gpointer
monitor_thread (gpointer data)
{
  AwRunner *run = data;
  PoolMonitor *m = &run->monitor;

  g_mutex_lock (&m->lock);
  while (!m->stop)
    {
      gint64 due;
      gboolean grow;

      if (m->first_push < 0)
        {
          g_cond_wait (&m->cond, &m->lock);
          continue;
        }
      due = m->first_push + (gint64) (m->checks + 1) * m->interval_us;
      if (g_get_monotonic_time () < due)
        {
          g_cond_wait_until (&m->cond, &m->lock, due);
          continue;
        }

      /* As of @due: jobs waited, and none finished since the last check. */
      grow = m->queued[0] > 0 && !m->finished[0] && m->threads < run->engine.options.pool_max_threads;
      if (grow)
        m->threads++;
      m->checks++;
      m->queued[0] += m->queued[1];
      m->queued[1] = 0;
      m->finished[0] = m->finished[1];
      m->finished[1] = FALSE;

      if (grow)
        {
          guint threads = m->threads;
          gint64 start = due + MIN (START_AFTER_US, m->interval_us / 10);

          /* The mark first: the new thread's job comes after it. */
          g_mutex_unlock (&m->lock);
          _aw_engine_pool_grew (&run->engine, threads);
          g_mutex_lock (&m->lock);
          while (!m->stop && g_get_monotonic_time () < start)
            g_cond_wait_until (&m->cond, &m->lock, start);
          g_mutex_unlock (&m->lock);
          g_thread_pool_set_max_threads (run->pool, (gint) threads, NULL);
          g_mutex_lock (&m->lock);
        }
    }
  g_mutex_unlock (&m->lock);

  return NULL;
}

/* The pool ----------------------------------------------------------------------------- */

/* Runs @op's job on the calling thread, a worker's or the callback
 * thread's, and returns its task. */
void
_aw_runner_job_run (AwRunner *run,
                    Op       *op,
                    gboolean  pooled)
{
  AwEngine *engine = &run->engine;
  GCancellable *token = SCOPE (op->base.scope)->cancellable;
  GTask *task = op->task;
  AwJob job;
  gint64 duration, check, report, next_report;
  /* A blocking worker holds its thread without using the CPU, like a
   * synchronous I/O call inside Task.Run: its time is the wall clock's. */
  gint64 (*clock) (void);
  gboolean cancelled = FALSE;
  GError *error;

  _aw_engine_job_describe (engine, &op->base, &job);
  duration = job.work_us * 1000;
  check = job.check_us * 1000;
  clock = job.blocking ? monotonic_ns : thread_cpu_ns;
  /* A report after every progress_ms of work, never at its very end. */
  report = job.report_us * 1000;
  next_report = report > 0 && report < duration ? report : G_MAXINT64;

  if (pooled && is_growing (run))
    monitor_count_queued (run, -1);

  if (!_aw_engine_job_begin (engine, &op->base))
    cancelled = TRUE;
  else
    {
      gint64 start = clock ();

      for (;;)
        {
          gint64 now = clock ();
          gint64 until;

          if (now - start >= duration)
            break;
          /* The token is checked after every check interval of work, and
           * after each report. */
          until = MIN (start + duration, now + check);
          if (next_report < duration)
            until = MIN (until, start + next_report);
          if (job.blocking)
            g_usleep ((until - now) / 1000);
          else
            burn_until (until);
          if (clock () - start >= next_report)
            {
              _aw_engine_job_progress (engine, &op->base, next_report / 1000);
              next_report = next_report + report < duration ? next_report + report : G_MAXINT64;
            }
          if (job.cooperative && g_cancellable_is_cancelled (token))
            {
              cancelled = TRUE;
              break;
            }
        }
    }

  error = _aw_engine_job_end (engine, &op->base, cancelled);
  /* Before the task returns: once it has, the run may end and free the pool. */
  if (pooled && is_growing (run))
    monitor_count_finished (run);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  /* Do not touch the op or the task after returning it. */
}

static void
worker_run (gpointer data,
            gpointer pool_data)
{
  Op *op = data;

  _aw_runner_job_run (op->run, op, TRUE);
}

void
_aw_runner_pool_push (AwEngine *engine,
                      AwOp     *op)
{
  AwRunner *run = RUNNER (engine);

  /* Counted first, so that no worker takes a job the monitor never saw. */
  if (is_growing (run))
    monitor_count_queued (run, +1);
  g_thread_pool_push (run->pool, op, NULL);
}

/* The pool of options->workers threads, and the monitor that grows it. */
void
_aw_runner_pool_start (AwRunner *run)
{
  PoolMonitor *m = &run->monitor;
  g_autoptr(GError) error = NULL;

  run->pool = g_thread_pool_new (worker_run, run, run->engine.options.workers, FALSE, &error);
  g_assert_no_error (error);

  m->first_push = -1;
  m->threads = run->engine.options.workers;
  m->interval_us = run->engine.pool_interval_us;
  if (is_growing (run))
    m->thread = g_thread_new ("awaitscope pool monitor", monitor_thread, run);
}

/* Every job has finished: the monitor stops, and the workers are idle or
 * returning. */
void
_aw_runner_pool_stop (AwRunner *run)
{
  PoolMonitor *m = &run->monitor;

  if (m->thread != NULL)
    {
      g_mutex_lock (&m->lock);
      m->stop = TRUE;
      g_cond_signal (&m->cond);
      g_mutex_unlock (&m->lock);
      g_thread_join (g_steal_pointer (&m->thread));
    }
  if (run->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&run->pool), FALSE, TRUE);
}
