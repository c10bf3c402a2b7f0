/* aw-summary.c: plain words for what a run did (outcome card, accessible text)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "aw-summary.h"

/**
 * aw_summary_format_duration:
 * @ms: milliseconds
 *
 * Returns: (transfer full): "640 ms" below a second, "2.41 s" above
 */
char *
aw_summary_format_duration (double ms)
{
  if (ms >= 1000)
    return g_strdup_printf ("%.2f s", ms / 1000);
  if (ms >= 10)
    return g_strdup_printf ("%.0f ms", ms);
  return g_strdup_printf ("%.1f ms", ms);
}

/* Tasks that were cancelled, and tasks whose token was cancelled but that
 * ran on to their end anyway. */
static void
count_cancellation (AwTraceModel *model,
                    guint        *stopped,
                    guint        *ignored)
{
  const AwTaskInfo *tasks;
  guint n;

  *stopped = *ignored = 0;
  tasks = aw_trace_model_get_tasks (model, &n);
  for (guint i = 0; i < n; i++)
    {
      const AwTaskInfo *t = &tasks[i];
      const AwSpan *spans;
      guint n_spans;
      gboolean ran_after = FALSE;

      if (t->cancel_request_ns < 0)
        continue;
      if (t->outcome == AW_OUTCOME_CANCELLED)
        {
          (*stopped)++;
          continue;
        }
      spans = aw_trace_model_get_spans (model, &n_spans);
      for (guint s = t->first_span; s < t->first_span + t->n_spans; s++)
        if (spans[s].phase == AW_PHASE_RUNNING && spans[s].end_ns > t->cancel_request_ns)
          ran_after = TRUE;
      if (ran_after)
        (*ignored)++;
    }
}

/**
 * aw_summary_variant:
 * @variant: one run
 *
 * Returns: (transfer full): e.g. "WhenAll: 4 tasks, all completed, 1.00 s"
 */
char *
aw_summary_variant (const AwRenderVariant *variant)
{
  const AwMetrics *m = aw_trace_model_get_metrics (variant->model);
  g_autofree char *wall = aw_summary_format_duration (m->wall_ms);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s: %u task%s, ", variant->title, m->tasks, m->tasks == 1 ? "" : "s");
  if (!aw_trace_model_is_finished (variant->model))
    g_string_append_printf (s, "running for %s", wall);
  else
    {
      if (m->completed == m->tasks)
        g_string_append (s, m->tasks == 1 ? "completed" : "all completed");
      else
        {
          gboolean first = TRUE;

#define PART(count, word) \
          if ((count) > 0) { g_string_append_printf (s, "%s%u %s", first ? "" : ", ", (count), (word)); first = FALSE; }
          PART (m->completed, "completed");
          PART (m->failed, "failed");
          PART (m->cancelled, "cancelled");
          PART (m->pending, "still running");
#undef PART
        }
      g_string_append_printf (s, ", %s", wall);
    }

  return g_string_free (s, FALSE);
}

/**
 * aw_summary_outcome_card:
 * @variants: the runs of one scenario
 * @n_variants: how many
 *
 * Returns: (transfer full): the outcome in a few lines, e.g.
 *   "One by one 2.41 s, WhenAll 1.00 s: 2.4x faster"
 */
char *
aw_summary_outcome_card (const AwRenderVariant *variants,
                         guint                  n_variants)
{
  GString *s = g_string_new (NULL);
  g_autofree char *compare = NULL;

  if (n_variants == 0)
    return g_string_free (s, FALSE);

  compare = aw_render_compare_text (variants, n_variants);
  if (compare != NULL)
    g_string_append (s, compare);
  else
    {
      g_autofree char *one = aw_summary_variant (&variants[0]);
      g_string_append (s, one);
    }

  for (guint i = 0; i < n_variants; i++)
    {
      const AwMetrics *m = aw_trace_model_get_metrics (variants[i].model);
      const char *who = n_variants > 1 ? variants[i].title : NULL;

      if (m->cancel_requested)
        {
          const AwMarker *markers;
          guint n_markers, stopped, ignored;
          gint64 first_cancel = -1;
          g_autofree char *when = NULL;

          markers = aw_trace_model_get_markers (variants[i].model, &n_markers);
          for (guint k = 0; k < n_markers && first_cancel < 0; k++)
            if (markers[k].kind == AW_EVENT_CANCEL_REQUEST)
              first_cancel = markers[k].time_ns - aw_trace_model_get_begin_ns (variants[i].model);
          count_cancellation (variants[i].model, &stopped, &ignored);
          when = aw_summary_format_duration (first_cancel / 1e6);
          g_string_append_printf (s, "\n%s%sCancelled after %s: %u task%s stopped, %u ignored the token",
                                  who ? who : "", who ? ": " : "", when,
                                  stopped, stopped == 1 ? "" : "s", ignored);
          if (m->wasted_ms >= 1)
            {
              g_autofree char *wasted = aw_summary_format_duration (m->wasted_ms);
              g_string_append_printf (s, " (%s of work after the cancel)", wasted);
            }
        }
      if (m->errors_unobserved > 0)
        g_string_append_printf (s, "\n%s%s%u error%s never observed", who ? who : "", who ? ": " : "",
                                m->errors_unobserved, m->errors_unobserved == 1 ? " was" : "s were");
      if (m->watchdog_fired)
        {
          g_autofree char *gap = aw_summary_format_duration (m->max_main_loop_gap_ms);
          g_autofree char *late = NULL;
          const AwMarker *markers;
          guint n_markers;
          gint64 watchdog = -1, stranded = -1;

          markers = aw_trace_model_get_markers (variants[i].model, &n_markers);
          for (guint k = 0; k < n_markers; k++)
            {
              if (markers[k].kind == AW_EVENT_WATCHDOG && watchdog < 0)
                watchdog = markers[k].time_ns;
              else if (markers[k].kind == AW_EVENT_MARK && stranded < 0 &&
                       g_strcmp0 (markers[k].text, AW_MARK_STRANDED) == 0)
                stranded = markers[k].time_ns;
            }
          if (watchdog >= 0 && stranded >= watchdog)
            late = aw_summary_format_duration ((stranded - watchdog) / 1e6);

          g_string_append_printf (s, "\n%s%sDeadlock: the window was frozen for %s (%u frames missed) "
                                  "until the watchdog broke the wait",
                                  who ? who : "", who ? ": " : "", gap, m->frames_missed);
          if (late != NULL)
            g_string_append_printf (s, "; the stranded callback ran %s later", late);
          g_string_append (s, ". Clicks made during the freeze were queued and handled afterwards. "
                              "The fix: await the task instead of blocking on .Result.");
        }
      else if (m->max_main_loop_gap_ms >= 100)
        {
          g_autofree char *gap = aw_summary_format_duration (m->max_main_loop_gap_ms);
          g_string_append_printf (s, "\n%s%sThe main loop was blocked for %s (%u frames missed)",
                                  who ? who : "", who ? ": " : "", gap, m->frames_missed);
        }
    }

  return g_string_free (s, FALSE);
}

/**
 * aw_summary_accessible:
 *
 * Returns: (transfer full): every run in one sentence, for screen readers:
 *   "WhenAll: 4 tasks, all completed, 1.00 s; One by one: 4 tasks, ..."
 */
char *
aw_summary_accessible (const AwRenderVariant *variants,
                       guint                  n_variants)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n_variants; i++)
    {
      g_autofree char *one = aw_summary_variant (&variants[i]);

      if (i > 0)
        g_string_append (s, "; ");
      g_string_append (s, one);
    }
  if (n_variants == 0)
    g_string_append (s, "Not run yet");

  return g_string_free (s, FALSE);
}
