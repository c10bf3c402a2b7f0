/* aw-trace-model-metrics.c: the figures of a run, from the model's views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures (AwMetrics) that the CLI prints, the verdicts check and the
 * window shows are computed in one place, from the tasks, spans,
 * heartbeats, frozen bands and markers the fold made, so every reader of a
 * run agrees on its numbers. They depend on the present end, so they are
 * computed again after each fold.
 */

#include "config.h"

#include "aw-trace-model-private.h"

#include <string.h>

void
_aw_trace_model_compute_metrics (AwTraceModel *self)
{
  AwMetrics *m = &self->metrics;
  const AwTaskInfo *tasks = (const AwTaskInfo *) (gconstpointer) self->tasks->data;
  gint64 run_end = self->run_end_ns >= 0 ? self->run_end_ns : self->end_ns;
  const char *outcome = m->outcome;
  /* Frames missed are a 60 Hz display's, whatever the heartbeat's period:
   * the window (one heartbeat per frame) and the command line (a faster
   * heartbeat) count the same freeze alike. */
  const double frame_ms = 1000.0 / 60.0;
  double nominal_ms = frame_ms;

  memset (m, 0, sizeof *m);
  m->outcome = outcome;
  m->wall_ms = (run_end - self->begin_ns) / 1e6;
  m->tasks = self->tasks->len;
  m->cancel_latency_ms = -1;
  m->threads_used = g_hash_table_size (self->lanes_used);

  for (guint i = 0; i < self->tasks->len; i++)
    {
      const AwTaskInfo *t = &tasks[i];

      switch (t->outcome)
        {
        case AW_OUTCOME_COMPLETED: m->completed++; break;
        case AW_OUTCOME_FAULTED: m->failed++; break;
        case AW_OUTCOME_CANCELLED: m->cancelled++; break;
        case AW_OUTCOME_DEADLOCKED: m->deadlocked++; break;
        case AW_OUTCOME_PENDING: default: m->pending++; break;
        }
      if (t->sync)
        m->sync_completed++;
      if (t->gtask)
        m->gtasks_created++;
      if (t->error_observed)
        m->errors_observed++;
      if (t->error_unobserved)
        m->errors_unobserved++;
      if (t->error_swallowed)
        m->errors_swallowed++;

      if (t->cancel_request_ns >= 0)
        {
          /* A task with no spans has no index into the (maybe empty) array. */
          const AwSpan *spans = t->n_spans > 0 ? &g_array_index (self->spans, AwSpan, t->first_span) : NULL;

          if (t->outcome == AW_OUTCOME_CANCELLED && t->end_ns >= t->cancel_request_ns)
            m->cancel_latency_ms = MAX (m->cancel_latency_ms,
                                        (t->end_ns - t->cancel_request_ns) / 1e6);

          for (guint s = 0; s < t->n_spans; s++)
            if (spans[s].phase == AW_PHASE_RUNNING && spans[s].end_ns > t->cancel_request_ns)
              m->wasted_ms += (spans[s].end_ns - MAX (spans[s].start_ns, t->cancel_request_ns)) / 1e6;
        }
    }

  for (guint i = 0; i < self->blocks->len; i++)
    m->ui_blocked_ms += aw_span_duration (&g_array_index (self->blocks, AwSpan, i)) / 1e6;

  m->frames = self->frames->len;
  /* A run with a heartbeat source but no heartbeat at all was blocked throughout. */
  if (self->frames->len >= 1 || aw_trace_get_metadata (self->trace, "heartbeat_ms") != NULL)
    {
      const gint64 *f = (const gint64 *) (gconstpointer) self->frames->data;
      const char *hb = aw_trace_get_metadata (self->trace, "heartbeat_ms");
      guint n = self->frames->len;
      double max_gap = 0;

      if (hb != NULL && g_ascii_strtod (hb, NULL) > 0)
        nominal_ms = g_ascii_strtod (hb, NULL);

      /* Gaps between heartbeats, and from the start of the run to the first
       * one and from the last one to the end: a loop blocked from the start
       * of a run draws its first frame only when it is free again. */
      for (guint i = 0; i <= n; i++)
        {
          gint64 from = i == 0 ? self->begin_ns : f[i - 1];
          gint64 to = i == n ? run_end : f[i];
          double gap;

          if (to <= from)
            continue;
          gap = (to - from) / 1e6;
          max_gap = MAX (max_gap, gap);
          /* A loaded trace may claim any heartbeat and any span of time:
           * count in doubles and cap, rather than overflow the cast. */
          if (gap > 1.5 * MAX (nominal_ms, frame_ms))
            m->frames_missed = (guint) MIN ((double) m->frames_missed + (gap / frame_ms + 0.5) - 1,
                                            (double) G_MAXUINT);
        }
      m->max_main_loop_gap_ms = max_gap;
    }

  for (guint i = 0; i < self->markers->len; i++)
    {
      const AwMarker *mk = &g_array_index (self->markers, AwMarker, i);

      if (mk->kind == AW_EVENT_WATCHDOG)
        m->watchdog_fired = TRUE;
      else if (mk->kind == AW_EVENT_CRASH)
        m->crashed = TRUE;
      else if (mk->kind == AW_EVENT_CANCEL_REQUEST)
        m->cancel_requested = TRUE;
    }
}
