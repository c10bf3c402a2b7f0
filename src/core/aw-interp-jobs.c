/* aw-interp-jobs.c: what the interpreter does on a worker and on the callback thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the one interpreter (aw-interp.c): a worker's job (cpu work, or
 * the code a completion_source runs after its await), the callback API's
 * thread calling back, the dotnet pool's growth and progress reports.
 * These run on threads other than the run's, through the back-end's pool
 * and callback thread (aw-engine-private.h).
 */

#include "config.h"

#include "aw-engine-private.h"
#include "aw-interp-private.h"
#include "aw-recorded-text.h"

/* Texts recorded into traces. */
#define REPORT             AW_MARK_REPORT "%u%%)"
#define POOL_GREW          AW_MARK_POOL_GREW "%u threads"

/* Leaves: cpu on the worker pool ----------------------------------------------------- */

/* What a worker does for @op's job: a cpu node's work, or the code a
 * completion_source runs after its await, which never looks at a token. */
void
_aw_engine_job_describe (AwEngine *engine,
                         AwOp     *op,
                         AwJob    *job)
{
  const AwNode *node = op->node;
  gboolean continuation = node->type == AW_NODE_COMPLETION_SOURCE;

  job->work_us = _aw_engine_scaled_us (engine, continuation ? node->work_ms : node->ms);
  job->check_us = MAX (_aw_engine_scaled_us (engine, node->check_ms), 100);
  job->report_us = !continuation && node->progress_ms > 0 ? _aw_engine_scaled_us (engine, node->progress_ms) : 0;
  job->cooperative = !continuation && node->cooperative;
  job->blocking = !continuation && node->blocking;
}

/* A worker takes the job: returns FALSE if it must not start, when
 * Task.Run(work, token) sees its token already cancelled. */
gboolean
_aw_engine_job_begin (AwEngine *engine,
                      AwOp     *op)
{
  if (op->node->type == AW_NODE_CPU && op->node->cooperative && is_cancelled (engine, op->scope))
    return FALSE;
  record (engine, AW_EVENT_TASK_RUNNING, op->id, 0, 0);
  return TRUE;
}

/* The job ran, or stopped at a check of its token: the error to return its
 * task with. The op is only read on the run's thread after the task's
 * callback, which runs after the worker returns it. */
GError *
_aw_engine_job_end (AwEngine *engine,
                    AwOp     *op,
                    gboolean  cancelled)
{
  op->done = TRUE;
  if (cancelled)
    {
      record (engine, AW_EVENT_CANCEL_OBSERVED, op->id, 0, 0);
      record (engine, AW_EVENT_TASK_CANCELLED, op->id, 0, 0);
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, AW_TEXT_WORKER_STOPPED);
    }
  record (engine, AW_EVENT_TASK_COMPLETED, op->id, 0, 0);
  return NULL;
}

/* The callback API calls back, on its callback thread: the callback calls
 * tcs.SetResult (data). Without RunContinuationsAsynchronously SetResult
 * runs the awaiting code's continuation at once, on this very thread, when
 * that code has no SynchronizationContext to go back to: returns TRUE, and
 * the callback thread runs the op's job before it takes its next callback.
 * With it, SetResult queues the continuation to the pool and returns. */
gboolean
_aw_engine_callback_fired (AwEngine *engine,
                           AwOp     *op)
{
  record (engine, AW_EVENT_MARK, op->id, 0, intern (engine, AW_MARK_SET_RESULT));
  if (!op->node->run_async)
    return TRUE;
  record (engine, AW_EVENT_TASK_QUEUED, op->id, 0, 0);
  engine->backend->pool_push (engine, op);
  return FALSE;
}

/* The dotnet pool's monitor added a thread: a mark on the main thread's
 * lane, since the monitor has no lane of its own. */
void
_aw_engine_pool_grew (AwEngine *engine,
                      guint     threads)
{
  g_autofree char *text = g_strdup_printf (POOL_GREW, threads);

  engine->backend->record_main (engine, AW_EVENT_MARK, intern (engine, text));
}

/* Progress reports ----------------------------------------------------------------------- */

/* A job has done @work_done_us of its work (scaled), a multiple of its
 * progress_ms: IProgress<T>.Report posts the share done to the context the
 * work was started from. */
void
_aw_engine_job_progress (AwEngine *engine,
                         AwOp     *op,
                         gint64    work_done_us)
{
  gint64 total = _aw_engine_scaled_us (engine, op->node->ms);
  guint percent = total > 0 ? (guint) MIN (100, (work_done_us * 100 + total / 2) / total) : 100;

  engine->backend->post_report (engine, op, op->id, percent);
}

/* The report runs on its context's thread: the Progress<T> handler. */
void
_aw_engine_report_delivered (AwEngine *engine,
                             guint32   task,
                             guint     percent)
{
  g_autofree char *text = g_strdup_printf (REPORT, percent);

  record (engine, AW_EVENT_MARK, task, 0, intern (engine, text));
}
