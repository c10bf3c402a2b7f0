/* aw-lint.c: warnings computed from a run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * They read the recorded trace only, like everything else drawn or printed,
 * and name what a teacher would point at on the timeline: an error nobody
 * saw, a frozen UI thread, work that ignored a cancel, Task objects that
 * were not needed, work done for a caller that had already given up.
 */

#include "config.h"

#include "aw-verdict.h"

#include <math.h>
#include <string.h>

#include "aw-format.h"
#include "aw-recorded-text.h"
#include "aw-i18n.h"

/* Lints ---------------------------------------------------------------------- */

/* What a teacher reads; the ids are the enum's nicks. */
static const char *warning_titles[AW_WARNING_LAST] = {
  [AW_WARNING_ERROR_UNOBSERVED] = N_("Error never observed"),
  [AW_WARNING_ERROR_SWALLOWED] = N_("Errors swallowed by await"),
  [AW_WARNING_MAIN_LOOP_BLOCKED] = N_("UI thread blocked"),
  [AW_WARNING_CANCEL_IGNORED] = N_("Cancellation ignored"),
  [AW_WARNING_COMPLETED_SYNC] = N_("Completed synchronously: no Task needed"),
  [AW_WARNING_WORK_WASTED] = N_("Work wasted after the caller gave up"),
};

/**
 * aw_warning_kind_to_string:
 * @kind: a kind
 *
 * Returns: its stable id, e.g. "error-unobserved": the nick glib-mkenums
 *   gave it
 */
const char *
aw_warning_kind_to_string (AwWarningKind kind)
{
  static GEnumClass *klass;
  GEnumValue *value;

  if (g_once_init_enter (&klass))
    g_once_init_leave (&klass, g_type_class_ref (AW_TYPE_WARNING_KIND));
  value = g_enum_get_value (klass, kind);

  return value != NULL ? value->value_nick : "unknown";
}

/**
 * aw_warning_kind_title:
 * @kind: a kind
 *
 * Returns: a short title, e.g. "Error never observed"
 */
const char *
aw_warning_kind_title (AwWarningKind kind)
{
  return kind < AW_WARNING_LAST ? _(warning_titles[kind]) : _("Warning");
}

/**
 * aw_warning_free:
 * @warning: (nullable): a warning
 *
 * Frees the warning with its task name and message.
 */
void
aw_warning_free (AwWarning *warning)
{
  if (warning == NULL)
    return;
  g_free (warning->task_name);
  g_free (warning->message);
  g_free (warning);
}

static AwWarning *
warning_new (GPtrArray        *warnings,
             AwWarningKind     kind,
             const AwTaskInfo *task,
             double            ms,
             guint             count,
             char             *message)
{
  AwWarning *w = g_new0 (AwWarning, 1);

  w->kind = kind;
  w->task = task ? task->id : 0;
  w->task_name = task ? g_strdup (task->name) : NULL;
  w->ms = ms;
  w->count = count;
  w->message = message;
  g_ptr_array_add (warnings, w);

  return w;
}

/* Milliseconds @task ran on a thread after @from_ns. */
static double
running_after (AwTraceModel     *model,
               const AwTaskInfo *task,
               gint64            from_ns)
{
  const AwSpan *spans;
  guint n_spans;
  double ms = 0;

  spans = aw_trace_model_get_spans (model, &n_spans);
  for (guint s = task->first_span; s < task->first_span + task->n_spans && s < n_spans; s++)
    if (spans[s].phase == AW_PHASE_RUNNING && spans[s].end_ns > from_ns)
      ms += (spans[s].end_ns - MAX (spans[s].start_ns, from_ns)) / 1e6;

  return ms;
}

/* When the caller stopped wanting @task's result: its token was cancelled,
 * or the task awaiting it finished first (a WhenAny loser nobody cancelled).
 * A fire-and-forget start is not an awaiting task. -1 if never. */
static gint64
gave_up_ns (AwTraceModel     *model,
            const AwTaskInfo *task)
{
  const AwTaskInfo *parent = task->parent ? aw_trace_model_find_task (model, task->parent) : NULL;
  gint64 at = task->cancel_request_ns;

  if (parent != NULL && parent->gtask && parent->end_ns >= 0 &&
      (task->end_ns < 0 || parent->end_ns < task->end_ns))
    at = at < 0 ? parent->end_ns : MIN (at, parent->end_ns);

  return at;
}

/* Whether @task ran on long enough after its own token was cancelled for
 * the cancel-ignored lint to name it. */
static gboolean
ignored_cancel (AwTraceModel     *model,
                const AwTaskInfo *task)
{
  return task->cancel_request_ns >= 0 &&
         running_after (model, task, task->cancel_request_ns) > AW_LINT_CANCEL_IGNORED_MS;
}

static double
abandoned_ms (AwTraceModel *model,
              gboolean      skip_ignored_cancels,
              guint32      *worst_task)
{
  const AwTaskInfo *tasks;
  guint n_tasks;
  double total = 0, worst = 0;

  if (worst_task != NULL)
    *worst_task = 0;
  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  for (guint i = 0; i < n_tasks; i++)
    {
      gint64 at = gave_up_ns (model, &tasks[i]);
      double ms;

      if (at < 0 || (skip_ignored_cancels && ignored_cancel (model, &tasks[i])))
        continue;
      ms = running_after (model, &tasks[i], at);
      total += ms;
      if (ms > worst)
        {
          worst = ms;
          if (worst_task != NULL)
            *worst_task = tasks[i].id;
        }
    }

  return total;
}

/**
 * aw_lint_abandoned_work_ms:
 * @model: a run
 * @worst_task: (out) (optional): the task that wasted the most, or 0
 *
 * Work (time on a thread) done after the caller had given up on it: after
 * its token was cancelled, or after the task awaiting it had finished.
 *
 * Returns: the total, in real milliseconds
 */
double
aw_lint_abandoned_work_ms (AwTraceModel *model,
                           guint32      *worst_task)
{
  return abandoned_ms (model, FALSE, worst_task);
}

static void
lint_unobserved (AwTraceModel *model,
                 GPtrArray    *warnings)
{
  const AwTaskInfo *tasks;
  guint n_tasks;
  gint64 begin = aw_trace_model_get_begin_ns (model);

  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  for (guint i = 0; i < n_tasks; i++)
    {
      const AwTaskInfo *t = &tasks[i];
      const AwTaskInfo *parent;
      /* Translators: stands for an error's message when the trace has none */
      g_autofree char *error = aw_recorded_text_shown (t->error);
      const char *why = error ? error : _("an error");
      char *message;

      if (!t->error_unobserved)
        continue;

      parent = t->parent ? aw_trace_model_find_task (model, t->parent) : NULL;
      /* Translators: in the three warnings below, %1$s is a task's name,
       * %2$s its error's message, %3$s another task's name */
      if (parent != NULL && parent->gtask && parent->end_ns >= 0 && t->end_ns >= 0 &&
          parent->end_ns < t->end_ns)
        message = g_strdup_printf (_("\u201c%1$s\u201d failed (\u201c%2$s\u201d) and no code ever saw that error: "
                                     "\u201c%3$s\u201d had already finished with another task, so nobody awaited "
                                     "this one any more. Cancel the losers, or observe their exceptions."),
                                   t->name, why, parent->name);
      else if (parent != NULL && parent->gtask)
        /* A trace saved before swallowed errors were told apart. */
        message = g_strdup_printf (_("\u201c%1$s\u201d failed (\u201c%2$s\u201d) and no code ever saw that error: "
                                     "\u201c%3$s\u201d passed on only the first error of the group (that is what "
                                     "await rethrows); this one stayed in the aggregate that no code read. Read "
                                     "the task's Exception.InnerExceptions to see every error."),
                                   t->name, why, parent->name);
      else
        message = g_strdup_printf (_("\u201c%1$s\u201d failed (\u201c%2$s\u201d) and no code ever saw that error: "
                                     "nothing awaited the task, so the failure vanished silently. Await it, "
                                     "or at least attach a continuation that logs its exception."),
                                   t->name, why);
      warning_new (warnings, AW_WARNING_ERROR_UNOBSERVED, t,
                   t->end_ns >= 0 ? (t->end_ns - begin) / 1e6 : -1, 1, message);
    }
}

/* `await Task.WhenAll (...)` rethrows the first error in argument order.
 * WhenAll observed the others (.NET raises no UnobservedTaskException for
 * them), but the code never sees them: one warning per WhenAll. */
typedef struct {
  const AwTaskInfo *first;      /* the first faulted child whose error was rethrown */
  GString          *names;      /* the swallowed ones, quoted */
  guint             swallowed;
} Swallowed;

static void
swallowed_free (gpointer data)
{
  Swallowed *acc = data;

  g_string_free (acc->names, TRUE);
  g_free (acc);
}

static void
lint_swallowed (AwTraceModel *model,
                GPtrArray    *warnings)
{
  const AwTaskInfo *tasks;
  guint n_tasks;
  gint64 begin = aw_trace_model_get_begin_ns (model);
  g_autoptr(GHashTable) joins = g_hash_table_new_full (NULL, NULL, NULL, swallowed_free);

  /* One pass over the children (a run may have a million tasks), then one
   * over the joins, in task order. */
  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  for (guint k = 0; k < n_tasks; k++)
    {
      const AwTaskInfo *t = &tasks[k];
      g_autofree char *error = NULL;
      Swallowed *acc;

      if (t->outcome != AW_OUTCOME_FAULTED || t->parent == 0)
        continue;
      acc = g_hash_table_lookup (joins, GUINT_TO_POINTER (t->parent));
      if (acc == NULL)
        {
          acc = g_new0 (Swallowed, 1);
          acc->names = g_string_new (NULL);
          g_hash_table_insert (joins, GUINT_TO_POINTER (t->parent), acc);
        }
      if (!t->error_swallowed)
        {
          if (acc->first == NULL)
            acc->first = t;
          continue;
        }
      error = aw_recorded_text_shown (t->error);
      if (acc->swallowed > 0)
        g_string_append (acc->names, C_("list", ", "));
      /* Translators: a task and its error, in a list: %1$s is a task's name, %2$s its error's message */
      g_string_append_printf (acc->names, _("\u201c%1$s\u201d (\u201c%2$s\u201d)"),
                              t->name, error ? error : _("an error"));
      acc->swallowed++;
    }
  if (g_hash_table_size (joins) == 0)
    return;

  for (guint i = 0; i < n_tasks; i++)
    {
      const AwTaskInfo *join = &tasks[i];
      Swallowed *acc = g_hash_table_lookup (joins, GUINT_TO_POINTER (join->id));
      const AwTaskInfo *first;
      g_autofree char *first_error = NULL;
      guint swallowed;
      char *message;

      if (acc == NULL || acc->swallowed == 0)
        continue;
      first = acc->first;
      first_error = first != NULL ? aw_recorded_text_shown (first->error) : NULL;
      swallowed = acc->swallowed;
      if (first != NULL)
        /* Translators: %1$s is the WhenAll task's name, %2$s the error it
         * rethrew, %3$s a list of the other tasks with their errors; the
         * plural follows how many are in that list */
        message = g_strdup_printf (NG_("\u201c%1$s\u201d rethrew only \u201c%2$s\u201d: await Task.WhenAll throws "
                                       "the first error in argument order. WhenAll observed the other, %3$s, so "
                                       "nothing reports it as unobserved, but no code sees it. Keep the WhenAll "
                                       "task and read its Exception.InnerExceptions to see every error.",
                                       "\u201c%1$s\u201d rethrew only \u201c%2$s\u201d: await Task.WhenAll throws "
                                       "the first error in argument order. WhenAll observed the others, %3$s, so "
                                       "nothing reports them as unobserved, but no code sees them. Keep the "
                                       "WhenAll task and read its Exception.InnerExceptions to see every error.",
                                       swallowed),
                                   join->name, first_error ? first_error : first->name, acc->names->str);
      else
        /* Translators: %1$s is the WhenAll task's name, %2$s a list of the
         * other tasks with their errors; the plural follows how many are in
         * that list */
        message = g_strdup_printf (NG_("\u201c%1$s\u201d rethrew only the first error: await Task.WhenAll throws "
                                       "the first error in argument order. WhenAll observed the other, %2$s, so "
                                       "nothing reports it as unobserved, but no code sees it. Keep the WhenAll "
                                       "task and read its Exception.InnerExceptions to see every error.",
                                       "\u201c%1$s\u201d rethrew only the first error: await Task.WhenAll throws "
                                       "the first error in argument order. WhenAll observed the others, %2$s, so "
                                       "nothing reports them as unobserved, but no code sees them. Keep the "
                                       "WhenAll task and read its Exception.InnerExceptions to see every error.",
                                       swallowed),
                                   join->name, acc->names->str);
      warning_new (warnings, AW_WARNING_ERROR_SWALLOWED, join,
                   join->end_ns >= 0 ? (join->end_ns - begin) / 1e6 : -1, swallowed, message);
      /* One warning per join, even if two tasks share its id. */
      g_hash_table_remove (joins, GUINT_TO_POINTER (join->id));
    }
}

static void
lint_blocked (AwTraceModel *model,
              GPtrArray    *warnings)
{
  const AwMetrics *m = aw_trace_model_get_metrics (model);
  const gint64 *frames;
  const AwSpan *blocks;
  guint n_frames, n_blocks;
  gint64 gap_start = 0, gap_end = 0;
  const AwTaskInfo *blocker = NULL;
  double gap_ms = 0;
  g_autofree char *gap = NULL;
  g_autofree char *blocked_by = NULL;

  frames = aw_trace_model_get_frames (model, &n_frames);
  blocks = aw_trace_model_get_blocks (model, &n_blocks);

  if (n_frames >= 2)
    {
      for (guint i = 1; i < n_frames; i++)
        if (frames[i] - frames[i - 1] > gap_end - gap_start)
          {
            gap_start = frames[i - 1];
            gap_end = frames[i];
          }
      gap_ms = m->max_main_loop_gap_ms;
    }
  else
    {
      /* No heartbeat was recorded: the longest recorded block stands in. */
      for (guint i = 0; i < n_blocks; i++)
        if (aw_span_duration (&blocks[i]) > gap_end - gap_start)
          {
            gap_start = blocks[i].start_ns;
            gap_end = blocks[i].end_ns;
          }
      gap_ms = (gap_end - gap_start) / 1e6;
    }

  if (gap_ms <= AW_LINT_BLOCKED_MS)
    return;

  /* Name what held the main thread during the longest gap, if it was recorded. */
  for (guint i = 0; i < n_blocks && blocker == NULL; i++)
    if (blocks[i].start_ns < gap_end && blocks[i].end_ns > gap_start)
      blocker = aw_trace_model_find_task (model, blocks[i].task);

  gap = aw_format_duration (gap_ms);
  if (blocker != NULL)
    /* Translators: %s is a task's name; this follows the warning's first sentence */
    blocked_by = g_strdup_printf (_(" \u201c%s\u201d held it."), blocker->name);
  /* Blocks one after the other (a loop of Thread.Sleep) add up. */
  if (m->ui_blocked_ms > 1.5 * gap_ms)
    {
      g_autofree char *in_all = aw_format_duration (m->ui_blocked_ms);
      g_autofree char *longest = g_steal_pointer (&gap);

      /* Translators: %1$s and %2$s are durations ("3.00 s", "1.00 s") */
      gap = g_strdup_printf (_("%1$s in all, at most %2$s at a time"), in_all, longest);
    }
  warning_new (warnings, AW_WARNING_MAIN_LOOP_BLOCKED, blocker, gap_ms, 1,
               /* Translators: %1$s is a duration ("1.00 s"), %2$u a count of
                * frames, %3$s either empty or " “Thread.Sleep” held it." */
               g_strdup_printf (NG_("The UI thread was blocked for %1$s (the longest gap between two frames; "
                                    "%2$u frame missed): the window could not redraw or react to input.%3$s "
                                    "Await waits instead of blocking the UI thread, and move CPU work "
                                    "off it (Task.Run).",
                                    "The UI thread was blocked for %1$s (the longest gap between two frames; "
                                    "%2$u frames missed): the window could not redraw or react to input.%3$s "
                                    "Await waits instead of blocking the UI thread, and move CPU work "
                                    "off it (Task.Run).", m->frames_missed),
                                gap, m->frames_missed, blocked_by ? blocked_by : ""));
}

static void
lint_cancel_ignored (AwTraceModel *model,
                     GPtrArray    *warnings)
{
  const AwTaskInfo *tasks;
  guint n_tasks;

  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  for (guint i = 0; i < n_tasks; i++)
    {
      const AwTaskInfo *t = &tasks[i];
      g_autofree char *after = NULL;
      double ms;

      if (!ignored_cancel (model, t))
        continue;
      ms = running_after (model, t, t->cancel_request_ns);

      after = aw_format_duration (ms);
      if (t->outcome == AW_OUTCOME_CANCELLED)
        warning_new (warnings, AW_WARNING_CANCEL_IGNORED, t, ms, 1,
                     /* Translators: %1$s is a task's name, %2$s a duration */
                     g_strdup_printf (_("\u201c%1$s\u201d stopped only %2$s after its token was cancelled, "
                                        "work done for nothing: it checks the token too rarely. Check it every "
                                        "few milliseconds of work."),
                                      t->name, after));
      else
        warning_new (warnings, AW_WARNING_CANCEL_IGNORED, t, ms, 1,
                     /* Translators: %1$s is a task's name, %2$s a duration */
                     g_strdup_printf (_("\u201c%1$s\u201d kept running %2$s after the cancel, to its very end, "
                                        "for a result nobody wanted: it was given no token, or never checks it. "
                                        "Pass it the token and call token.ThrowIfCancellationRequested() in "
                                        "its loop."),
                                      t->name, after));
    }
}

static void
lint_completed_sync (AwTraceModel *model,
                     GPtrArray    *warnings)
{
  const AwTaskInfo *tasks;
  const AwTaskInfo *first = NULL;
  guint n_tasks, count = 0;

  /* A GTask that never waited, queued or ran: it was complete when created. */
  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  for (guint i = 0; i < n_tasks; i++)
    if (tasks[i].gtask && tasks[i].outcome == AW_OUTCOME_COMPLETED && tasks[i].n_spans == 0)
      {
        if (first == NULL)
          first = &tasks[i];
        count++;
      }

  if (count == 0)
    return;

  warning_new (warnings, AW_WARNING_COMPLETED_SYNC, first, -1, count,
               count == 1
               /* Translators: %s is a task's name */
               ? g_strdup_printf (_("\u201c%s\u201d completed without waiting for anything, yet a Task was "
                                    "allocated for it. In C# awaiting a completed Task continues synchronously: "
                                    "the cost is the allocation. In GLib the GTask's result also waits for a "
                                    "later main-loop iteration. A synchronous path (a ValueTask, or a plain "
                                    "method call) needs neither."),
                                  first->name)
               /* Translators: %1$u is a count of tasks (2 or more), %2$s a task's name */
               : g_strdup_printf (NG_("%1$u tasks (such as \u201c%2$s\u201d) completed without waiting for "
                                      "anything, yet a Task was allocated for each. In C# awaiting a completed "
                                      "Task continues synchronously: the cost is the allocations. In GLib each "
                                      "GTask's result also waits for a later main-loop iteration. A synchronous "
                                      "path (a ValueTask, or a plain method call) needs neither.",
                                      "%1$u tasks (such as \u201c%2$s\u201d) completed without waiting for "
                                      "anything, yet a Task was allocated for each. In C# awaiting a completed "
                                      "Task continues synchronously: the cost is the allocations. In GLib each "
                                      "GTask's result also waits for a later main-loop iteration. A synchronous "
                                      "path (a ValueTask, or a plain method call) needs neither.", count),
                                  count, first->name));
}

static void
lint_abandoned (AwTraceModel *model,
                GPtrArray    *warnings)
{
  guint32 worst = 0;
  /* Work already named by the cancel-ignored lint is not counted twice. */
  double ms = abandoned_ms (model, TRUE, &worst);
  const AwTaskInfo *task;
  g_autofree char *wasted = NULL;

  if (ms < AW_LINT_ABANDONED_MS)
    return;

  task = aw_trace_model_find_task (model, worst);
  wasted = aw_format_duration (ms);
  warning_new (warnings, AW_WARNING_WORK_WASTED, task, ms, 1,
               /* Translators: %1$s is a duration, %2$s a task's name */
               g_strdup_printf (_("%1$s of work ran after its caller had given up (the token was cancelled, "
                                  "or the task awaiting it had already finished), most of it in \u201c%2$s\u201d: "
                                  "a thread was kept busy for a result nobody used. Pass a token, and cancel "
                                  "it when you stop waiting."),
                                wasted, task ? task->name : _("a task")));
}

/**
 * aw_lint_run:
 * @model: a run, finished or not
 *
 * Computes the warnings of a run from its trace: errors never observed, a
 * main loop blocked longer than 100 ms, cancellations ignored for more than
 * 50 ms, GTasks that completed synchronously, and work wasted after the
 * caller gave up.
 *
 * Returns: (transfer full) (element-type AwWarning): the warnings, by kind
 *   then by task
 */
GPtrArray *
aw_lint_run (AwTraceModel *model)
{
  GPtrArray *warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_warning_free);

  g_return_val_if_fail (model != NULL, warnings);

  lint_unobserved (model, warnings);
  lint_swallowed (model, warnings);
  lint_blocked (model, warnings);
  lint_cancel_ignored (model, warnings);
  lint_completed_sync (model, warnings);
  lint_abandoned (model, warnings);

  return warnings;
}
