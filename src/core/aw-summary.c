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
#include "aw-recorded-text.h"
#include "aw-i18n.h"

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

  /* Translators: a variant's title in quotation marks, as your language writes them. */
  return g_strdup_printf (C_("quoted", "\u201c%s\u201d"), aw_named_run_get_title (variant, index, buf, sizeof buf));
}

/* Joins @items (strings) into a list a reader says: "a", "a and b", "a, b,
 * and c". @last_of_two and @last_of_many go before the last item, so a list
 * with "and" and one with "or" each read as the language writes them. */
static void
append_list (GString     *s,
             GPtrArray   *items,
             const char  *last_of_two,
             const char  *last_of_many)
{
  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0 && i + 1 < items->len)
        /* Translators: the separator between the items of a list, "a, b and c" */
        g_string_append (s, C_("list", ", "));
      else if (i > 0)
        g_string_append (s, items->len == 2 ? last_of_two : last_of_many);
      g_string_append (s, g_ptr_array_index (items, i));
    }
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

  /* Translators: the clauses below say what a run did; %1$s is a variant's
   * quoted title ("“WhenAll”"), %2$s a duration ("1.00 s") */
  if (aw_trace_model_get_stopped_by_user (variant->model, NULL))
    return g_strdup_printf (_("%1$s was cancelled by you after %2$s"), title, duration);
  if (!aw_trace_model_is_finished (variant->model))
    return g_strdup_printf (_("%1$s has been running for %2$s"), title, duration);
  if (outcome_is_completed (variant->model) && m->failed > 0 && m->errors_unobserved > 0)
    return g_strdup_printf (_("%1$s completed in %2$s, with an error nobody observed"), title, duration);
  if (outcome_is_completed (variant->model) && m->failed > 0)
    return g_strdup_printf (_("%1$s caught an error and completed in %2$s"), title, duration);
  if (outcome_is_completed (variant->model))
    return g_strdup_printf (_("%1$s took %2$s"), title, duration);

  outcome = g_strdup (m->outcome);
  colon = strchr (outcome, ':');
  if (colon != NULL)
    *colon = '\0';
  if (g_str_equal (outcome, AW_RUN_CANCELLED))
    return g_strdup_printf (_("%1$s was cancelled after %2$s"), title, duration);
  if (g_str_equal (outcome, AW_RUN_FAULTED))
    return g_strdup_printf (_("%1$s failed after %2$s"), title, duration);
  if (g_str_equal (outcome, AW_RUN_DEADLOCKED))
    return g_strdup_printf (_("%1$s deadlocked after %2$s"), title, duration);
  /* The process ends at the crash; what ran after it in GLib never would. */
  if (g_str_equal (outcome, AW_RUN_CRASHED) && crash_ms (variant->model) >= 0)
    {
      g_autofree char *at = aw_format_duration (crash_ms (variant->model));
      /* Translators: %1$s is a variant's quoted title, %2$s when it crashed ("300 ms") */
      return g_strdup_printf (_("%1$s crashed at %2$s"), title, at);
    }
  if (g_str_equal (outcome, AW_RUN_CRASHED))
    return g_strdup_printf (_("%1$s crashed after %2$s"), title, duration);
  /* Translators: an outcome this version does not know; %1$s is a variant's
   * quoted title, %2$s the outcome's word as the trace has it, %3$s a duration */
  return g_strdup_printf (_("%1$s %2$s after %3$s"), title, outcome, duration);
}

/* "The UI thread froze for 1.00 s in “Thread.Sleep”, and never in
 * “await”": the runs that froze it first, in order, then those that did
 * not. */
static char *
describe_freezes (const AwNamedRun *variants,
                  guint             n_variants)
{
  g_autoptr(GPtrArray) froze = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) never = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) froze_list = g_string_new (NULL);
  g_autoptr(GString) never_list = g_string_new (NULL);

  for (guint i = 0; i < n_variants; i++)
    {
      const AwMetrics *m;
      g_autofree char *gap = NULL;
      g_autofree char *title = NULL;

      if (variants[i].model == NULL)
        continue;
      m = aw_trace_model_get_metrics (variants[i].model);
      title = quoted_title (&variants[i], i);
      if (m->max_main_loop_gap_ms < 100)
        {
          g_ptr_array_add (never, g_steal_pointer (&title));
          continue;
        }
      gap = aw_format_duration (m->max_main_loop_gap_ms);
      g_ptr_array_add (froze, m->watchdog_fired
                               /* Translators: one item of "The UI thread froze %s"; %1$s is a
                                * duration ("1.00 s"), %2$s a variant's quoted title */
                               ? g_strdup_printf (_("for %1$s in %2$s (a deadlock)"), gap, title)
                               : g_strdup_printf (_("for %1$s in %2$s"), gap, title));
    }

  if (never->len == 0)
    {
      /* Translators: the last separator of a list of two, "a and b" */
      append_list (froze_list, froze, C_("list", " and "),
                   /* Translators: the last separator of a list of three or more, "a, b, and c" */
                   C_("list", ", and "));
      /* Translators: %s is a list such as "for 1.00 s in “Sleep” and for 2.00 s in “Result”" */
      return g_strdup_printf (_("The UI thread froze %s"), froze_list->str);
    }

  /* Followed by "and never in", the list has commas only. */
  append_list (froze_list, froze, C_("list", ", "), C_("list", ", "));

  /* Translators: the last separator of a list of alternatives, "a, b or c" */
  append_list (never_list, never, C_("list", " or "), C_("list", " or "));
  if (froze->len > 1)
    /* Translators: %1$s is a list such as "for 1.00 s in “Sleep”, for 2.00 s
     * in “Result”", %2$s a list of variants' quoted titles ("“await”") */
    return g_strdup_printf (_("The UI thread froze %1$s, and never in %2$s"), froze_list->str, never_list->str);
  /* Translators: %1$s is "for 1.00 s in “Sleep”", %2$s a list of variants'
   * quoted titles ("“await”") */
  return g_strdup_printf (_("The UI thread froze %1$s and never in %2$s"), froze_list->str, never_list->str);
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
    /* Translators: %1$s is what a run did ("“WhenAll” took 1.00 s"), %2$s
     * another variant's quoted title, %3$s its duration */
    return g_strdup_printf (_("%1$s, about the same as %2$s (%3$s)"), fast_text, slow_title, slow_wall);
  else
    {
      char num[G_ASCII_DTOSTR_BUF_SIZE];

      aw_format_number (num, sizeof num, ratio < 9.95 ? 1 : 0, ratio);
      /* Translators: "“WhenAll” took 1.00 s, 2.4x faster than “One by one”
       * (2.41 s)": %1$s is what a run did, %2$s a number ("2.4"), %3$s
       * another variant's quoted title, %4$s its duration */
      return g_strdup_printf (_("%1$s, %2$sx faster than %3$s (%4$s)"), fast_text, num, slow_title, slow_wall);
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
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;
  const guint counts[] = { m->completed, m->failed, m->cancelled, m->deadlocked, m->pending };

  if (!aw_trace_model_is_finished (variant->model))
    {
      g_string_append_printf (s, NG_("; %u task so far", "; %u tasks so far", m->tasks), m->tasks);
      return g_string_free (s, FALSE);
    }
  if (m->tasks == 0)
    return g_string_free (s, FALSE);

  /* Every task alike: "its 4 tasks all completed", "its task was cancelled". */
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    if (counts[i] == m->tasks)
      {
        g_autofree char *all = NULL;
        const char *one;

        /* Translators: these follow what a run did ("“WhenAll” took 1.00 s");
         * the plural forms are for 2 tasks or more */
        switch (i)
          {
          case 0:
            one = _("; its task completed");
            all = g_strdup_printf (NG_("; its %u tasks all completed",
                                       "; its %u tasks all completed", m->tasks),
                                   m->tasks);
            break;
          case 1:
            one = _("; its task failed");
            all = g_strdup_printf (NG_("; its %u tasks all failed",
                                       "; its %u tasks all failed", m->tasks),
                                   m->tasks);
            break;
          case 2:
            one = _("; its task was cancelled");
            all = g_strdup_printf (NG_("; its %u tasks were all cancelled",
                                       "; its %u tasks were all cancelled", m->tasks),
                                   m->tasks);
            break;
          case 3:
            one = _("; its task deadlocked");
            all = g_strdup_printf (NG_("; its %u tasks all deadlocked",
                                       "; its %u tasks all deadlocked", m->tasks),
                                   m->tasks);
            break;
          default:
            one = _("; its task was still running");
            all = g_strdup_printf (NG_("; its %u tasks were all still running",
                                       "; its %u tasks were all still running", m->tasks),
                                   m->tasks);
            break;
          }
        if (m->tasks == 1)
          g_string_append (s, one);
        else
          g_string_append (s, all);
        return g_string_free (s, FALSE);
      }

  /* Translators: the items of "of its 4 tasks, 1 completed, 2 were
   * cancelled and 1 deadlocked" */
  if (m->completed > 0)
    g_ptr_array_add (parts, g_strdup_printf (NG_("%u completed", "%u completed", m->completed), m->completed));
  if (m->failed > 0)
    g_ptr_array_add (parts, g_strdup_printf (NG_("%u failed", "%u failed", m->failed), m->failed));
  if (m->cancelled > 0)
    g_ptr_array_add (parts, g_strdup_printf (NG_("%u was cancelled", "%u were cancelled", m->cancelled),
                                             m->cancelled));
  if (m->deadlocked > 0)
    g_ptr_array_add (parts, g_strdup_printf (NG_("%u deadlocked", "%u deadlocked", m->deadlocked), m->deadlocked));
  if (m->pending > 0)
    g_ptr_array_add (parts, g_strdup_printf (NG_("%u was still running", "%u were still running", m->pending),
                                             m->pending));

  {
    g_autoptr(GString) joined = g_string_new (NULL);

    /* Translators: the last separator of a list without a comma before
     * "and": "1 completed, 2 were cancelled and 1 deadlocked" */
    append_list (joined, parts, C_("list", " and "), C_("list, no comma", " and "));
    list = g_string_free (g_steal_pointer (&joined), FALSE);
  }
  /* Translators: %1$u is how many tasks a run had, %2$s a list such as "1
   * completed, 2 were cancelled and 1 deadlocked" */
  g_string_append_printf (s, NG_("; of its %1$u task, %2$s", "; of its %1$u tasks, %2$s", m->tasks),
                          m->tasks, list);
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
      /* Translators: before a line of the outcome card about one of several
       * runs, "WhenAll: 2 errors were never observed"; %s is a variant's title */
      g_autofree char *who = n_variants > 1 && variants[i].title != NULL
        ? g_strdup_printf (_("%s: "), variants[i].title)
        : g_strdup ("");

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
          g_string_append_printf (s, "\n%s", who);
          if (aw_trace_model_get_stopped_by_user (variants[i].model, NULL))
            /* Translators: %1$s is when ("500 ms"), %2$u and %3$u are counts of
             * tasks; the plural follows %2$u */
            g_string_append_printf (s, NG_("You pressed Cancel after %1$s: %2$u task stopped, %3$u kept running",
                                           "You pressed Cancel after %1$s: %2$u tasks stopped, %3$u kept running",
                                           stopped),
                                    when, stopped, ignored);
          else
            /* Translators: %1$s is when ("500 ms"), %2$u and %3$u are counts of
             * tasks; the plural follows %2$u */
            g_string_append_printf (s, NG_("Cancel requested after %1$s: %2$u task stopped, %3$u kept running",
                                           "Cancel requested after %1$s: %2$u tasks stopped, %3$u kept running",
                                           stopped),
                                    when, stopped, ignored);
          if (m->wasted_ms >= 1)
            {
              g_autofree char *wasted = aw_format_duration (m->wasted_ms);
              /* Translators: %s is a duration ("200 ms") */
              g_string_append_printf (s, _(" (%s of work after the cancel)"), wasted);
            }
        }
      if (m->errors_unobserved > 0)
        {
          g_string_append_printf (s, "\n%s", who);
          g_string_append_printf (s, NG_("%u error was never observed", "%u errors were never observed",
                                         m->errors_unobserved), m->errors_unobserved);
        }
      if (m->crashed)
        {
          g_string_append_printf (s, "\n%s", who);
          g_string_append (s, _("An exception escaped an async void method: in C# it is rethrown on the "
                                "UI thread and the process ends there; what comes after the crash marker "
                                "never runs. Catch inside async void handlers, or return a Task and await it."));
        }
      if (m->errors_swallowed > 0)
        {
          g_string_append_printf (s, "\n%s", who);
          g_string_append_printf (s, NG_("%u error was swallowed by await (observed, not rethrown)",
                                         "%u errors were swallowed by await (observed, not rethrown)",
                                         m->errors_swallowed), m->errors_swallowed);
        }
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

          g_string_append_printf (s, "\n%s", who);
          /* Translators: %1$s is a duration ("2.00 s"), %2$u a count of frames */
          g_string_append_printf (s, NG_("Deadlock: the window was frozen for %1$s (%2$u frame missed) "
                                         "until the watchdog gave up on .Result. In C# .Result has no deadline: "
                                         "it never returns, and the window stays frozen for good",
                                         "Deadlock: the window was frozen for %1$s (%2$u frames missed) "
                                         "until the watchdog gave up on .Result. In C# .Result has no deadline: "
                                         "it never returns, and the window stays frozen for good",
                                         m->frames_missed),
                                  gap, m->frames_missed);
          if (late != NULL)
            /* Translators: continues the sentence "Deadlock: …"; %s is a duration */
            g_string_append_printf (s, _(". The continuation it waited for never runs in C#; in GLib it "
                                         "ran %s after the watchdog"), late);
          g_string_append (s, _(". Clicks made during the freeze were queued and handled afterwards. "
                                "The fix: await the task instead of blocking on .Result."));
        }
      else if (m->max_main_loop_gap_ms >= 100)
        {
          g_autofree char *gap = aw_format_duration (m->max_main_loop_gap_ms);
          g_string_append_printf (s, "\n%s", who);
          /* Translators: %1$s is a duration ("2.00 s"), %2$u a count of frames */
          g_string_append_printf (s, NG_("The UI thread was blocked for %1$s (%2$u frame missed)",
                                         "The UI thread was blocked for %1$s (%2$u frames missed)",
                                         m->frames_missed),
                                  gap, m->frames_missed);
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
    g_string_append (s, _("Not run yet"));

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
  guint lane = 0;
  char buf[64];

  spans = aw_trace_model_get_spans (model, &n_spans);
  for (guint s = task->first_span; s < task->first_span + task->n_spans && s < n_spans; s++)
    if (spans[s].phase == AW_PHASE_RUNNING)
      thread = aw_trace_get_lane_name (trace, lane = spans[s].lane);
  if (task->sync)
    thread = aw_trace_get_lane_name (trace, lane = task->lane);
  if (thread != NULL)
    return g_strdup (aw_recorded_lane_shown (thread, lane, buf, sizeof buf));

  blocks = aw_trace_model_get_blocks (model, &n_blocks);
  for (guint b = 0; b < n_blocks; b++)
    {
      const AwTaskInfo *blocker = aw_trace_model_find_task (model, blocks[b].task);

      if (blocker != NULL && blocker->parent == task->id)
        /* Translators: a task's thread, "main thread (blocked in
         * Thread.Sleep(1000))": %1$s is a thread's name, %2$s a task's name */
        return g_strdup_printf (_("%1$s (blocked in %2$s)"),
                                aw_recorded_lane_shown (aw_trace_get_lane_name (trace, blocks[b].lane),
                                                        blocks[b].lane, buf, sizeof buf),
                                blocker->name);
    }
  return g_strdup (_("none: it awaited without holding a thread"));
}
