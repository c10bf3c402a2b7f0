/* aw-summary.c: plain words for what a run did (outcome card, accessible text)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same facts the chart shows, as text: the comparison line under the
 * chart's title, the window's outcome card, and the description a screen
 * reader gets for the timeline. They read the models only, so they belong
 * to the analysis layer, below the renderer that draws the comparison.
 */

#include "config.h"

#include "aw-summary.h"

#include <string.h>

#include "aw-format.h"

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

static gboolean
outcome_is_completed (AwTraceModel *model)
{
  const AwMetrics *m = aw_trace_model_get_metrics (model);

  if (!aw_trace_model_is_finished (model))
    return FALSE;
  return m->outcome == NULL || g_str_has_prefix (m->outcome, "completed");
}

/* A variant's title in quotes, so that a title holding figures ("Answer in
 * 0.5 s") never runs into the measured ones. */
static char *
quoted_title (const AwNamedRun *variant,
              guint             index)
{
  char buf[32];

  return g_strdup_printf ("\u201c%s\u201d", aw_named_run_get_title (variant, index, buf, sizeof buf));
}

/* When the run's first crash marker is, in ms from its start, or -1. */
static double
crash_ms (AwTraceModel *model)
{
  const AwMarker *markers;
  guint n;

  markers = aw_trace_model_get_markers (model, &n);
  for (guint i = 0; i < n; i++)
    if (markers[i].kind == AW_EVENT_CRASH)
      return (markers[i].time_ns - aw_trace_model_get_begin_ns (model)) / 1e6;
  return -1;
}

/**
 * aw_summary_run_clause:
 * @variant: one run
 * @index: its index among the runs shown, for a run without a title
 *
 * What a run did, as a clause of a sentence, its title quoted so that
 * figures in a title never run into the measured ones.
 *
 * Returns: (transfer full): e.g. "“WhenAll” took 1.00 s", "“Timeout” was
 *   cancelled after 511 ms", "“async void” crashed at 300 ms"
 */
char *
aw_summary_run_clause (const AwNamedRun *variant,
                       guint             index)
{
  const AwMetrics *m = aw_trace_model_get_metrics (variant->model);
  g_autofree char *duration = aw_format_duration (m->wall_ms);
  g_autofree char *title = quoted_title (variant, index);
  g_autofree char *outcome = NULL;
  char *colon;

  if (aw_trace_model_get_stopped_by_user (variant->model, NULL))
    return g_strdup_printf ("%s was cancelled by you after %s", title, duration);
  if (!aw_trace_model_is_finished (variant->model))
    return g_strdup_printf ("%s has been running for %s", title, duration);
  if (outcome_is_completed (variant->model) && m->failed > 0 && m->errors_unobserved > 0)
    return g_strdup_printf ("%s completed in %s, with an error nobody observed", title, duration);
  if (outcome_is_completed (variant->model) && m->failed > 0)
    return g_strdup_printf ("%s caught an error and completed in %s", title, duration);
  if (outcome_is_completed (variant->model))
    return g_strdup_printf ("%s took %s", title, duration);

  outcome = g_strdup (m->outcome);
  colon = strchr (outcome, ':');
  if (colon != NULL)
    *colon = '\0';
  if (g_str_equal (outcome, AW_RUN_CANCELLED))
    return g_strdup_printf ("%s was cancelled after %s", title, duration);
  if (g_str_equal (outcome, AW_RUN_FAULTED))
    return g_strdup_printf ("%s failed after %s", title, duration);
  /* The process ends at the crash; what ran after it in GLib never would. */
  if (g_str_equal (outcome, AW_RUN_CRASHED) && crash_ms (variant->model) >= 0)
    {
      g_autofree char *at = aw_format_duration (crash_ms (variant->model));
      return g_strdup_printf ("%s crashed at %s", title, at);
    }
  return g_strdup_printf ("%s %s after %s", title, outcome, duration);
}

/* "The UI thread froze for 1.00 s in “Thread.Sleep”, and never in
 * “await”": the runs that froze it first, in order, then those that did
 * not. */
static char *
describe_freezes (const AwNamedRun *variants,
                  guint             n_variants)
{
  GString *s = g_string_new ("The UI thread froze");
  guint n_froze = 0, n_never = 0, k = 0;

  for (guint i = 0; i < n_variants; i++)
    if (variants[i].model != NULL)
      {
        if (aw_trace_model_get_metrics (variants[i].model)->max_main_loop_gap_ms >= 100)
          n_froze++;
        else
          n_never++;
      }

  for (guint i = 0; i < n_variants; i++)
    {
      const AwMetrics *m;
      g_autofree char *gap = NULL;
      g_autofree char *title = NULL;

      if (variants[i].model == NULL)
        continue;
      m = aw_trace_model_get_metrics (variants[i].model);
      if (m->max_main_loop_gap_ms < 100)
        continue;
      gap = aw_format_duration (m->max_main_loop_gap_ms);
      title = quoted_title (&variants[i], i);
      k++;
      g_string_append_printf (s, "%s for %s in %s%s",
                              k == 1 ? "" : k == n_froze && n_never == 0 ? (n_froze > 2 ? ", and" : " and") : ",",
                              gap, title, m->watchdog_fired ? " (a deadlock)" : "");
    }

  k = 0;
  for (guint i = 0; i < n_variants; i++)
    {
      g_autofree char *title = NULL;

      if (variants[i].model == NULL ||
          aw_trace_model_get_metrics (variants[i].model)->max_main_loop_gap_ms >= 100)
        continue;
      title = quoted_title (&variants[i], i);
      if (k++ == 0)
        g_string_append_printf (s, "%s never in %s", n_froze > 1 ? ", and" : " and", title);
      else
        g_string_append_printf (s, "%s %s", k == n_never ? " or" : ",", title);
    }

  return g_string_free (s, FALSE);
}

/**
 * aw_summary_compare_text:
 * @variants: (array length=n_variants): the variants
 * @n_variants: how many
 *
 * The comparison of the runs as one sentence, with every title quoted:
 * "“WhenAll” took 1.00 s, 2.4x faster than “One by one” (2.41 s)".
 *
 * With two runs or more that completed, the fastest of them is compared
 * with the slowest. With one, it is compared with the longest of the
 * others, which stopped early ("“Fits” took 700 ms; “Too slow” was
 * cancelled after 1.00 s"): a run that stopped early on an error or a
 * cancel is never called faster, nor compared with another that did when
 * one completed. When a run froze the main loop, how long it froze is the
 * comparison that matters: "The UI thread froze for 1.00 s in
 * “Thread.Sleep(1000)” and never in “await Task.Delay(1000)”".
 *
 * Returns: (transfer full) (nullable): the text, or %NULL with fewer than
 *   two runs to compare
 */
char *
aw_summary_compare_text (const AwNamedRun *variants,
                         guint             n_variants)
{
  g_autofree char *fast_text = NULL;
  g_autofree char *slow_text = NULL;
  g_autofree char *slow_title = NULL;
  g_autofree char *slow_wall = NULL;
  gint fast = -1, slow = -1;
  guint n_completed = 0, n_runs = 0;
  gboolean froze = FALSE;
  double fast_ms, slow_ms, ratio;

  g_return_val_if_fail (variants != NULL || n_variants == 0, NULL);

  for (guint i = 0; i < n_variants; i++)
    {
      if (variants[i].model == NULL)
        continue;
      n_runs++;
      if (outcome_is_completed (variants[i].model) && !aw_trace_model_get_stopped_by_user (variants[i].model, NULL))
        n_completed++;
      if (aw_trace_model_get_metrics (variants[i].model)->max_main_loop_gap_ms >= 100)
        froze = TRUE;
    }
  if (n_runs < 2)
    return NULL;
  if (froze)
    return describe_freezes (variants, n_variants);

#define WALL(i) (aw_trace_model_get_metrics (variants[i].model)->wall_ms)
#define COMPLETED(i) (outcome_is_completed (variants[i].model) && \
                      !aw_trace_model_get_stopped_by_user (variants[i].model, NULL))

  if (n_completed >= 2)
    {
      /* The fastest and the slowest of those that completed. */
      for (guint i = 0; i < n_variants; i++)
        {
          if (variants[i].model == NULL || !COMPLETED (i))
            continue;
          if (fast < 0 || WALL (i) < WALL (fast))
            fast = i;
          if (slow < 0 || WALL (i) > WALL (slow))
            slow = i;
        }
      /* All equal: compare with the next one that completed. */
      if (fast == slow)
        for (guint i = 0; i < n_variants; i++)
          if (variants[i].model != NULL && (gint) i != slow && COMPLETED (i))
            {
              fast = i;
              break;
            }
    }
  else
    {
      /* The one that completed, if any, first; then the longest other. */
      for (guint i = 0; i < n_variants; i++)
        if (variants[i].model != NULL && (n_completed == 0 ? fast < 0 || WALL (i) < WALL (fast) : COMPLETED (i)))
          fast = i;
      for (guint i = 0; i < n_variants; i++)
        if (variants[i].model != NULL && (gint) i != fast && (slow < 0 || WALL (i) > WALL (slow)))
          slow = i;
    }
  g_assert (fast >= 0 && slow >= 0 && fast != slow);

  fast_ms = WALL (fast);
  slow_ms = WALL (slow);
  fast_text = aw_summary_run_clause (&variants[fast], fast);
  slow_text = aw_summary_run_clause (&variants[slow], slow);
  ratio = fast_ms > 0 ? slow_ms / fast_ms : 0;

  /* A run that stopped early on an error (even one it caught) or a cancel
   * is not "faster": each says what it did. */
  if (!COMPLETED (fast) || !COMPLETED (slow) || aw_trace_model_get_metrics (variants[fast].model)->failed > 0 ||
      aw_trace_model_get_metrics (variants[slow].model)->failed > 0 || (fast_ms <= 0 && slow_ms > 0))
    return g_strdup_printf ("%s; %s", fast_text, slow_text);

#undef WALL
#undef COMPLETED

  slow_title = quoted_title (&variants[slow], slow);
  slow_wall = aw_format_duration (slow_ms);
  if (fast_ms <= 0 || ratio < 1.05)
    return g_strdup_printf ("%s, about the same as %s (%s)", fast_text, slow_title, slow_wall);
  else
    {
      char num[G_ASCII_DTOSTR_BUF_SIZE];

      aw_format_number (num, sizeof num, ratio < 9.95 ? 1 : 0, ratio);
      return g_strdup_printf ("%s, %sx faster than %s (%s)", fast_text, num, slow_title, slow_wall);
    }
}

/**
 * aw_summary_variant:
 * @variant: one run
 *
 * What one run did, as a sentence: the run's clause, then its tasks.
 *
 * Returns: (transfer full): e.g. "“WhenAll” took 1.00 s; its 4 tasks all
 *   completed", "“Timeout” was cancelled after 511 ms; of its 3 tasks, 1
 *   completed and 2 were cancelled"
 */
char *
aw_summary_variant (const AwNamedRun *variant)
{
  const AwMetrics *m = aw_trace_model_get_metrics (variant->model);
  g_autofree char *clause = aw_summary_run_clause (variant, 0);
  GString *s = g_string_new (clause);
  const char *parts[5];
  char *owned[5] = { NULL };
  guint n = 0;

  if (!aw_trace_model_is_finished (variant->model))
    {
      g_string_append_printf (s, "; %u task%s so far", m->tasks, m->tasks == 1 ? "" : "s");
      return g_string_free (s, FALSE);
    }
  if (m->tasks == 0)
    return g_string_free (s, FALSE);
  {
    /* Every task alike: "its 4 tasks all completed", "its task was cancelled". */
    const struct { guint count; const char *one; const char *all; } alike[] = {
      { m->completed, "completed", "all completed" },
      { m->failed, "failed", "all failed" },
      { m->cancelled, "was cancelled", "were all cancelled" },
      { m->deadlocked, "deadlocked", "all deadlocked" },
      { m->pending, "was still running", "were all still running" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (alike); i++)
      if (alike[i].count == m->tasks)
        {
          if (m->tasks == 1)
            g_string_append_printf (s, "; its task %s", alike[i].one);
          else
            g_string_append_printf (s, "; its %u tasks %s", m->tasks, alike[i].all);
          return g_string_free (s, FALSE);
        }
  }

#define PART(count, one, many) \
  if ((count) > 0) \
    parts[n] = owned[n] = g_strdup_printf ("%u %s", (count), (count) == 1 ? (one) : (many)), n++;
  PART (m->completed, "completed", "completed");
  PART (m->failed, "failed", "failed");
  PART (m->cancelled, "was cancelled", "were cancelled");
  PART (m->deadlocked, "deadlocked", "deadlocked");
  PART (m->pending, "was still running", "were still running");
#undef PART

  g_string_append_printf (s, "; of its %u task%s, ", m->tasks, m->tasks == 1 ? "" : "s");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (s, i + 1 == n ? " and " : ", ");
      g_string_append (s, parts[i]);
      g_free (owned[i]);
    }
  return g_string_free (s, FALSE);
}

/**
 * aw_summary_outcome_card:
 * @variants: (array length=n_variants): the runs of one scenario, finished
 * @n_variants: how many
 *
 * Returns: (transfer full): the outcome in a few lines, e.g.
 *   "One by one 2.41 s, WhenAll 1.00 s: 2.4x faster"
 */
char *
aw_summary_outcome_card (const AwNamedRun *variants,
                         guint             n_variants)
{
  GString *s = g_string_new (NULL);
  g_autofree char *compare = NULL;

  if (n_variants == 0)
    return g_string_free (s, FALSE);

  compare = aw_summary_compare_text (variants, n_variants);
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
          when = aw_format_duration (first_cancel / 1e6);
          g_string_append_printf (s, "\n%s%s%s after %s: %u task%s stopped, %u kept running",
                                  who ? who : "", who ? ": " : "",
                                  aw_trace_model_get_stopped_by_user (variants[i].model, NULL)
                                    ? "You pressed Cancel" : "Cancel requested",
                                  when, stopped, stopped == 1 ? "" : "s", ignored);
          if (m->wasted_ms >= 1)
            {
              g_autofree char *wasted = aw_format_duration (m->wasted_ms);
              g_string_append_printf (s, " (%s of work after the cancel)", wasted);
            }
        }
      if (m->errors_unobserved > 0)
        g_string_append_printf (s, "\n%s%s%u error%s never observed", who ? who : "", who ? ": " : "",
                                m->errors_unobserved, m->errors_unobserved == 1 ? " was" : "s were");
      if (m->crashed)
        g_string_append_printf (s, "\n%s%sAn exception escaped an async void method: in C# it is rethrown on the "
                                   "UI thread and the process ends there; what comes after the crash marker "
                                   "never runs. Catch inside async void handlers, or return a Task and await it.",
                                who ? who : "", who ? ": " : "");
      if (m->errors_swallowed > 0)
        g_string_append_printf (s, "\n%s%s%u error%s swallowed by await (observed, not rethrown)",
                                who ? who : "", who ? ": " : "",
                                m->errors_swallowed, m->errors_swallowed == 1 ? " was" : "s were");
      if (m->watchdog_fired)
        {
          g_autofree char *gap = aw_format_duration (m->max_main_loop_gap_ms);
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
            late = aw_format_duration ((stranded - watchdog) / 1e6);

          g_string_append_printf (s, "\n%s%sDeadlock: the window was frozen for %s (%u frames missed) "
                                  "until the watchdog gave up on .Result. In C# .Result has no deadline: "
                                  "it never returns, and the window stays frozen for good",
                                  who ? who : "", who ? ": " : "", gap, m->frames_missed);
          if (late != NULL)
            g_string_append_printf (s, ". The continuation it waited for never runs in C#; in GLib it "
                                       "ran %s after the watchdog", late);
          g_string_append (s, ". Clicks made during the freeze were queued and handled afterwards. "
                              "The fix: await the task instead of blocking on .Result.");
        }
      else if (m->max_main_loop_gap_ms >= 100)
        {
          g_autofree char *gap = aw_format_duration (m->max_main_loop_gap_ms);
          g_string_append_printf (s, "\n%s%sThe UI thread was blocked for %s (%u frames missed)",
                                  who ? who : "", who ? ": " : "", gap, m->frames_missed);
        }
    }

  return g_string_free (s, FALSE);
}

/**
 * aw_summary_accessible:
 * @variants: (array length=n_variants): the runs shown on the timeline
 * @n_variants: how many
 *
 * What a screen reader gets for the timeline: once the runs are over, the
 * point first, in the outcome card's words (the comparison, then the
 * cancellations, the errors nobody observed, the freeze and the watchdog),
 * then every run in a clause. While a run goes on, only the clauses.
 *
 * Returns: (transfer full): e.g. "“WhenAll” took 1.00 s, 2.4x faster than
 *   “One by one” (2.41 s). “WhenAll” took 1.00 s; its 4 tasks all
 *   completed. “One by one” took 2.41 s; its 4 tasks all completed"
 */
char *
aw_summary_accessible (const AwNamedRun *variants,
                       guint             n_variants)
{
  GString *s = g_string_new (NULL);
  gboolean finished = n_variants > 0;

  for (guint i = 0; i < n_variants; i++)
    if (variants[i].model == NULL || !aw_trace_model_is_finished (variants[i].model))
      finished = FALSE;

  if (finished)
    {
      g_autofree char *compare = aw_summary_compare_text (variants, n_variants);
      g_autofree char *card = aw_summary_outcome_card (variants, n_variants);
      g_auto(GStrv) lines = g_strsplit (card, "\n", -1);

      /* Without a comparison the card's first line is the run's clause,
       * which follows anyway. */
      for (guint i = compare != NULL ? 0 : 1; lines[i] != NULL; i++)
        {
          gsize len = strlen (lines[i]);

          if (len == 0)
            continue;
          g_string_append (s, lines[i]);
          if (lines[i][len - 1] != '.')
            g_string_append_c (s, '.');
          g_string_append_c (s, ' ');
        }
    }

  for (guint i = 0; i < n_variants; i++)
    {
      g_autofree char *one = aw_summary_variant (&variants[i]);

      if (i > 0)
        g_string_append (s, ". ");
      g_string_append (s, one);
    }
  if (n_variants == 0)
    g_string_append (s, "Not run yet");

  return g_string_free (s, FALSE);
}

/**
 * aw_summary_task_thread:
 * @model: a run
 * @task: one of its tasks
 *
 * The thread a task's own code ran on, in words. A task that never ran
 * code of its own either awaited, holding no thread, or sat on the stack
 * of a thread that one of its calls blocked (Thread.Sleep, .Result): that
 * thread was held all along.
 *
 * Returns: (transfer full): e.g. "worker 1", "main thread (blocked in
 *   Thread.Sleep(1000))" or "none: it awaited without holding a thread"
 */
char *
aw_summary_task_thread (AwTraceModel     *model,
                        const AwTaskInfo *task)
{
  AwTrace *trace = aw_trace_model_get_trace (model);
  const AwSpan *spans, *blocks;
  guint n_spans, n_blocks;
  const char *thread = NULL;

  spans = aw_trace_model_get_spans (model, &n_spans);
  for (guint s = task->first_span; s < task->first_span + task->n_spans && s < n_spans; s++)
    if (spans[s].phase == AW_PHASE_RUNNING)
      thread = aw_trace_get_lane_name (trace, spans[s].lane);
  if (task->sync)
    thread = aw_trace_get_lane_name (trace, task->lane);
  if (thread != NULL)
    return g_strdup (thread);

  blocks = aw_trace_model_get_blocks (model, &n_blocks);
  for (guint b = 0; b < n_blocks; b++)
    {
      const AwTaskInfo *blocker = aw_trace_model_find_task (model, blocks[b].task);

      if (blocker != NULL && blocker->parent == task->id)
        return g_strdup_printf ("%s (blocked in %s)", aw_trace_get_lane_name (trace, blocks[b].lane),
                                blocker->name);
    }
  return g_strdup ("none: it awaited without holding a thread");
}
