/* aw-verdict.c: warnings computed from a run, and the expected outcome checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both read the recorded trace only, like everything else drawn or printed.
 *
 * The lints name what a teacher would point at on the timeline: an error
 * nobody saw, a frozen main loop, work that ignored a cancel, GTasks that
 * were not needed, work done for a caller that had already given up.
 *
 * The verdict checks a scenario's "expected" object against the runs:
 *
 *   "expected": {
 *     "text": "WhenAll takes about as long as the slowest request",
 *     "checks": [
 *       { "metric": "wall_ms", "variant": "when-all", "at_most_ratio": 0.5, "of": "one-by-one" },
 *       { "metric": "errors_unobserved", "variant": "forget", "at_least": 1 },
 *       { "metric": "outcome", "variant": "too-slow", "is": "cancelled" }
 *     ]
 *   }
 *
 * Durations are compared in scenario milliseconds (the measured time
 * multiplied by the run's speed), so one file holds at any speed. A check
 * that needs a variant that was not run is "not checked", never failed.
 */

#include "config.h"

#include "aw-verdict.h"

#include <math.h>
#include <string.h>

#include "aw-format.h"

/* Lints ---------------------------------------------------------------------- */

/* What a teacher reads; the ids are the enum's nicks. */
static const char *warning_titles[AW_WARNING_LAST] = {
  [AW_WARNING_ERROR_UNOBSERVED] = "Error never observed",
  [AW_WARNING_ERROR_SWALLOWED] = "Errors swallowed by await",
  [AW_WARNING_MAIN_LOOP_BLOCKED] = "UI thread blocked",
  [AW_WARNING_CANCEL_IGNORED] = "Cancellation ignored",
  [AW_WARNING_COMPLETED_SYNC] = "Completed synchronously: no Task needed",
  [AW_WARNING_WORK_WASTED] = "Work wasted after the caller gave up",
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
  return kind < AW_WARNING_LAST ? warning_titles[kind] : "Warning";
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
      const char *why = t->error ? t->error : "an error";
      char *message;

      if (!t->error_unobserved)
        continue;

      parent = t->parent ? aw_trace_model_find_task (model, t->parent) : NULL;
      if (parent != NULL && parent->gtask && parent->end_ns >= 0 && t->end_ns >= 0 &&
          parent->end_ns < t->end_ns)
        message = g_strdup_printf ("\u201c%s\u201d failed (\u201c%s\u201d) and no code ever saw that error: "
                                   "\u201c%s\u201d had already finished with another task, so nobody awaited "
                                   "this one any more. Cancel the losers, or observe their exceptions.",
                                   t->name, why, parent->name);
      else if (parent != NULL && parent->gtask)
        /* A trace saved before swallowed errors were told apart. */
        message = g_strdup_printf ("\u201c%s\u201d failed (\u201c%s\u201d) and no code ever saw that error: "
                                   "\u201c%s\u201d passed on only the first error of the group (that is what "
                                   "await rethrows); this one stayed in the aggregate that no code read. Read "
                                   "the task's Exception.InnerExceptions to see every error.",
                                   t->name, why, parent->name);
      else
        message = g_strdup_printf ("\u201c%s\u201d failed (\u201c%s\u201d) and no code ever saw that error: "
                                   "nothing awaited the task, so the failure vanished silently. Await it, "
                                   "or at least attach a continuation that logs its exception.",
                                   t->name, why);
      warning_new (warnings, AW_WARNING_ERROR_UNOBSERVED, t,
                   t->end_ns >= 0 ? (t->end_ns - begin) / 1e6 : -1, 1, message);
    }
}

/* `await Task.WhenAll (...)` rethrows the first error in argument order.
 * WhenAll observed the others (.NET raises no UnobservedTaskException for
 * them), but the code never sees them: one warning per WhenAll. */
static void
lint_swallowed (AwTraceModel *model,
                GPtrArray    *warnings)
{
  const AwTaskInfo *tasks;
  guint n_tasks;
  gint64 begin = aw_trace_model_get_begin_ns (model);

  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  for (guint i = 0; i < n_tasks; i++)
    {
      const AwTaskInfo *join = &tasks[i];
      const AwTaskInfo *first = NULL;
      g_autoptr(GString) names = g_string_new (NULL);
      guint swallowed = 0;

      for (guint k = i + 1; k < n_tasks; k++)
        {
          const AwTaskInfo *t = &tasks[k];

          if (t->parent != join->id || t->outcome != AW_OUTCOME_FAULTED)
            continue;
          if (!t->error_swallowed)
            {
              if (first == NULL)
                first = t;
              continue;
            }
          g_string_append_printf (names, "%s\u201c%s\u201d (\u201c%s\u201d)",
                                  swallowed > 0 ? ", " : "", t->name, t->error ? t->error : "an error");
          swallowed++;
        }
      if (swallowed == 0)
        continue;

      warning_new (warnings, AW_WARNING_ERROR_SWALLOWED, join,
                   join->end_ns >= 0 ? (join->end_ns - begin) / 1e6 : -1, swallowed,
                   g_strdup_printf ("\u201c%s\u201d rethrew only %s%s%s: await Task.WhenAll throws the first "
                                    "error in argument order. WhenAll observed the other%s, %s, so nothing "
                                    "reports %s as unobserved, but no code sees %s. Keep the WhenAll task and "
                                    "read its Exception.InnerExceptions to see every error.",
                                    join->name,
                                    first != NULL ? "\u201c" : "the first error",
                                    first != NULL ? (first->error ? first->error : first->name) : "",
                                    first != NULL ? "\u201d" : "",
                                    swallowed == 1 ? "" : "s", names->str,
                                    swallowed == 1 ? "it" : "them", swallowed == 1 ? "it" : "them"));
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
    blocked_by = g_strdup_printf (" \u201c%s\u201d held it.", blocker->name);
  warning_new (warnings, AW_WARNING_MAIN_LOOP_BLOCKED, blocker, gap_ms, 1,
               g_strdup_printf ("The UI thread was blocked for %s (the longest gap between two frames; "
                                "%u frame%s missed): the window could not redraw or react to input.%s "
                                "Await waits instead of blocking the UI thread, and move CPU work "
                                "off it (Task.Run).",
                                gap, m->frames_missed, m->frames_missed == 1 ? "" : "s",
                                blocked_by ? blocked_by : ""));
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
                     g_strdup_printf ("\u201c%s\u201d stopped only %s after its token was cancelled, "
                                      "work done for nothing: it checks the token too rarely. Check it every "
                                      "few milliseconds of work.",
                                      t->name, after));
      else
        warning_new (warnings, AW_WARNING_CANCEL_IGNORED, t, ms, 1,
                     g_strdup_printf ("\u201c%s\u201d kept running %s after the cancel, to its very end, "
                                      "for a result nobody wanted: it was given no token, or never checks it. "
                                      "Pass it the token and call token.ThrowIfCancellationRequested() in "
                                      "its loop.",
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
               ? g_strdup_printf ("\u201c%s\u201d completed without waiting for anything, yet a Task was "
                                  "allocated for it. In C# awaiting a completed Task continues synchronously: "
                                  "the cost is the allocation. In GLib the GTask's result also waits for a "
                                  "later main-loop iteration. A synchronous path (a ValueTask, or a plain "
                                  "method call) needs neither.",
                                  first->name)
               : g_strdup_printf ("%u tasks (such as \u201c%s\u201d) completed without waiting for anything, "
                                  "yet a Task was allocated for each. In C# awaiting a completed Task continues "
                                  "synchronously: the cost is the allocations. In GLib each GTask's result also "
                                  "waits for a later main-loop iteration. A synchronous path (a ValueTask, or a "
                                  "plain method call) needs neither.",
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
               g_strdup_printf ("%s of work ran after its caller had given up (the token was cancelled, "
                                "or the task awaiting it had already finished), most of it in \u201c%s\u201d: "
                                "a thread was kept busy for a result nobody used. Pass a token, and cancel "
                                "it when you stop waiting.",
                                wasted, task ? task->name : "a task"));
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

/* Metrics -------------------------------------------------------------------- */

typedef enum {
  UNIT_COUNT,
  UNIT_MS,      /* scenario milliseconds: measured time x speed */
  UNIT_FLAG,
  UNIT_OUTCOME,
} Unit;

static const struct {
  const char *name;
  Unit        unit;
  const char *words;
} metrics[] = {
  { "wall_ms", UNIT_MS, "wall time" },
  { "tasks", UNIT_COUNT, "tasks" },
  { "completed", UNIT_COUNT, "tasks completed" },
  { "failed", UNIT_COUNT, "tasks failed" },
  { "cancelled", UNIT_COUNT, "tasks cancelled" },
  { "deadlocked", UNIT_COUNT, "tasks deadlocked" },
  { "pending", UNIT_COUNT, "tasks still running" },
  { "sync_completed", UNIT_COUNT, "calls completed synchronously" },
  { "threads_used", UNIT_COUNT, "threads used" },
  { "gtasks_created", UNIT_COUNT, "Task objects allocated (GTasks)" },
  { "errors_observed", UNIT_COUNT, "errors observed" },
  { "errors_unobserved", UNIT_COUNT, "errors never observed" },
  { "errors_swallowed", UNIT_COUNT, "errors an awaited WhenAll did not rethrow" },
  { "max_main_loop_gap_ms", UNIT_MS, "longest main-loop gap" },
  { "frames_missed", UNIT_COUNT, "frames missed" },
  { "ui_blocked_ms", UNIT_MS, "UI thread blocked" },
  { "cancel_latency_ms", UNIT_MS, "cancellation latency" },
  { "wasted_ms", UNIT_MS, "work after the cancel" },
  { "abandoned_work_ms", UNIT_MS, "work after the caller gave up" },
  { "cancel_requested", UNIT_FLAG, "cancel requested" },
  { "watchdog_fired", UNIT_FLAG, "watchdog fired" },
  { "crashed", UNIT_FLAG, "process crashed" },
  { "outcome", UNIT_OUTCOME, "outcome" },
};

static const char * const operators[] = { "at_most", "at_least", "at_most_ratio", "at_least_ratio", "is", NULL };
static const char * const outcomes[] = { AW_RUN_COMPLETED, AW_RUN_FAULTED, AW_RUN_CANCELLED, AW_RUN_DEADLOCKED,
                                         AW_RUN_CRASHED, NULL };

static gint
find_metric (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (metrics); i++)
    if (g_strcmp0 (metrics[i].name, name) == 0)
      return i;
  return -1;
}

/**
 * aw_verdict_list_metrics:
 *
 * Returns: (transfer none) (array zero-terminated=1): the metric names a
 *   check may name
 */
const char * const *
aw_verdict_list_metrics (void)
{
  static const char *names[G_N_ELEMENTS (metrics) + 1];

  if (names[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (metrics); i++)
      names[i] = metrics[i].name;
  return names;
}

static double
run_speed (AwTraceModel *model)
{
  const char *speed = aw_trace_get_metadata (aw_trace_model_get_trace (model), AW_META_SPEED);
  double value = speed ? g_ascii_strtod (speed, NULL) : 1.0;

  return value > 0 ? value : 1.0;
}

/**
 * aw_verdict_get_metric:
 * @model: a run
 * @metric: a metric name, not "outcome"
 * @value: (out): the figure as checks see it: durations in scenario
 *   milliseconds (measured time multiplied by the run's speed), flags as 0 or 1
 *
 * Returns: %FALSE for an unknown metric, or one the run has no figure for
 *   (a cancellation latency without any cancelled task)
 */
gboolean
aw_verdict_get_metric (AwTraceModel *model,
                       const char   *metric,
                       double       *value)
{
  const AwMetrics *m = aw_trace_model_get_metrics (model);
  gint index = find_metric (metric);
  double v;

  *value = 0;
  if (index < 0 || metrics[index].unit == UNIT_OUTCOME)
    return FALSE;

#define IS(name) g_str_equal (metric, name)
  if (IS ("wall_ms")) v = m->wall_ms;
  else if (IS ("tasks")) v = m->tasks;
  else if (IS ("completed")) v = m->completed;
  else if (IS ("failed")) v = m->failed;
  else if (IS ("cancelled")) v = m->cancelled;
  else if (IS ("deadlocked")) v = m->deadlocked;
  else if (IS ("pending")) v = m->pending;
  else if (IS ("sync_completed")) v = m->sync_completed;
  else if (IS ("threads_used")) v = m->threads_used;
  else if (IS ("gtasks_created")) v = m->gtasks_created;
  else if (IS ("errors_observed")) v = m->errors_observed;
  else if (IS ("errors_unobserved")) v = m->errors_unobserved;
  else if (IS ("errors_swallowed")) v = m->errors_swallowed;
  else if (IS ("max_main_loop_gap_ms")) v = m->max_main_loop_gap_ms;
  else if (IS ("frames_missed")) v = m->frames_missed;
  else if (IS ("ui_blocked_ms")) v = m->ui_blocked_ms;
  else if (IS ("cancel_latency_ms")) v = m->cancel_latency_ms;
  else if (IS ("wasted_ms")) v = m->wasted_ms;
  else if (IS ("abandoned_work_ms")) v = aw_lint_abandoned_work_ms (model, NULL);
  else if (IS ("cancel_requested")) v = m->cancel_requested ? 1 : 0;
  else if (IS ("watchdog_fired")) v = m->watchdog_fired ? 1 : 0;
  else if (IS ("crashed")) v = m->crashed ? 1 : 0;
  else
    g_assert_not_reached ();
#undef IS

  /* Only the cancellation latency can be negative: no task was cancelled. */
  if (v < 0)
    return FALSE;
  if (metrics[index].unit == UNIT_MS)
    v *= run_speed (model);

  *value = v;
  return TRUE;
}

static const char *
outcome_word (AwTraceModel *model)
{
  const char *outcome = aw_trace_model_get_metrics (model)->outcome;

  if (outcome == NULL)
    return "running";
  for (guint i = 0; outcomes[i] != NULL; i++)
    if (g_str_has_prefix (outcome, outcomes[i]))
      return outcomes[i];
  return outcome;
}

/* Checks: the schema ------------------------------------------------------------ */

static gboolean
member_is_number (JsonObject *object,
                  const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_INT64 ||
          json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static double
member_number (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  return json_node_get_double (node);
}

static char *
variant_names (AwScenario *scenario)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < aw_scenario_get_n_variants (scenario); i++)
    g_string_append_printf (names, "%s%s", i ? ", " : "", aw_scenario_get_variant (scenario, i)->name);
  return g_string_free (names, FALSE);
}

/**
 * aw_verdict_validate_check:
 * @scenario: the scenario being parsed (its variants are known)
 * @check: one object of "expected"."checks"
 * @member: (out) (transfer none): the member at fault, or %NULL for the object
 * @message: (out) (transfer full): what is wrong, in plain words
 *
 * Checks one check against the schema: known fields, a known metric, a
 * variant of this scenario, exactly one operator with a value of the right
 * kind, and "of" (another variant) exactly when the operator is a ratio.
 *
 * Returns: %TRUE if the check is well formed
 */
gboolean
aw_verdict_validate_check (AwScenario  *scenario,
                           JsonObject  *check,
                           const char **member,
                           char       **message)
{
  g_autoptr(GList) members = json_object_get_members (check);
  const char *metric, *variant, *of, *op = NULL;
  gboolean ratio;
  gint index;
  guint n_ops = 0;

  *member = NULL;
  *message = NULL;

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (g_strv_contains (operators, name))
        {
          n_ops++;
          op = name;
        }
      else if (!g_str_equal (name, "metric") && !g_str_equal (name, "variant") && !g_str_equal (name, "of") &&
               !g_str_equal (name, "real_only"))
        {
          *member = name;
          *message = g_strdup_printf ("unknown field \"%s\" in a check (known fields: metric, variant, "
                                      "at_most, at_least, at_most_ratio, at_least_ratio, is, of, real_only)", name);
          return FALSE;
        }
    }

  if (json_object_has_member (check, "real_only") &&
      json_node_get_value_type (json_object_get_member (check, "real_only")) != G_TYPE_BOOLEAN)
    {
      *member = "real_only";
      *message = g_strdup ("\"real_only\" must be true or false");
      return FALSE;
    }

  metric = member_string (check, "metric");
  if (metric == NULL)
    {
      *member = json_object_has_member (check, "metric") ? "metric" : NULL;
      *message = g_strdup ("a check needs \"metric\": the name of a figure, such as \"wall_ms\"");
      return FALSE;
    }
  if ((index = find_metric (metric)) < 0)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) aw_verdict_list_metrics ());

      *member = "metric";
      *message = g_strdup_printf ("unknown metric \"%s\" (known metrics: %s)", metric, list);
      return FALSE;
    }

  variant = member_string (check, "variant");
  if (variant == NULL || aw_scenario_find_variant (scenario, variant, NULL) == NULL)
    {
      g_autofree char *names = variant_names (scenario);

      *member = json_object_has_member (check, "variant") ? "variant" : NULL;
      if (variant == NULL)
        *message = g_strdup_printf ("a check needs \"variant\": the variant whose figure it checks (%s)", names);
      else
        *message = g_strdup_printf ("no variant named \"%s\" in this scenario (variants: %s)", variant, names);
      return FALSE;
    }

  if (n_ops != 1)
    {
      *message = g_strdup_printf ("a check needs exactly one operator (at_most, at_least, at_most_ratio, "
                                  "at_least_ratio or is); this one has %u", n_ops);
      return FALSE;
    }

  if (g_str_equal (op, "is"))
    {
      const char *value = member_string (check, "is");

      *member = "is";
      if (metrics[index].unit != UNIT_OUTCOME)
        {
          *message = g_strdup_printf ("\"is\" compares the outcome; for \"%s\" use at_most or at_least", metric);
          return FALSE;
        }
      if (value == NULL || !g_strv_contains (outcomes, value))
        {
          *message = g_strdup ("\"is\" must be \"completed\", \"faulted\", \"cancelled\", \"deadlocked\" or \"crashed\"");
          return FALSE;
        }
    }
  else
    {
      *member = op;
      if (metrics[index].unit == UNIT_OUTCOME)
        {
          *message = g_strdup_printf ("the outcome is a word: check it with \"is\", not \"%s\"", op);
          return FALSE;
        }
      if (!member_is_number (check, op) || !(member_number (check, op) >= 0))
        {
          *message = g_strdup_printf ("\"%s\" must be a number, 0 or more", op);
          return FALSE;
        }
    }

  ratio = g_str_has_suffix (op, "_ratio");
  of = member_string (check, "of");
  if (ratio && (of == NULL || aw_scenario_find_variant (scenario, of, NULL) == NULL || g_str_equal (of, variant)))
    {
      g_autofree char *names = variant_names (scenario);

      *member = json_object_has_member (check, "of") ? "of" : op;
      *message = g_strdup_printf ("\"%s\" needs \"of\": another variant to compare with (%s)", op, names);
      return FALSE;
    }
  if (!ratio && json_object_has_member (check, "of"))
    {
      *member = "of";
      *message = g_strdup_printf ("\"of\" only goes with at_most_ratio or at_least_ratio, not \"%s\"", op);
      return FALSE;
    }

  *member = NULL;
  return TRUE;
}

/**
 * aw_verdict_validate_scenario:
 * @scenario: a parsed scenario
 * @error: return location for the first error, as FILE:LINE:COLUMN: words
 *
 * Validates the checks of @scenario's expected outcome against the schema
 * (see aw_verdict_validate_check()), in file order. The scenario parser
 * keeps the checks as written; the catalogue calls this on every scenario
 * it loads, so a bad check is reported like any other mistake in the file.
 *
 * Returns: %TRUE if every check is well formed
 */
gboolean
aw_verdict_validate_scenario (AwScenario  *scenario,
                              GError     **error)
{
  g_return_val_if_fail (AW_IS_SCENARIO (scenario), FALSE);

  for (guint i = 0; i < aw_scenario_get_n_checks (scenario); i++)
    {
      JsonObject *check = aw_scenario_get_check (scenario, i);
      g_autofree char *message = NULL;
      const char *member = NULL;

      if (check == NULL)
        {
          aw_scenario_set_check_error (scenario, i, NULL, error,
                                       "check %u is not an object like {\"metric\": \"wall_ms\", "
                                       "\"variant\": \"v\", \"at_most\": 1200}", i + 1);
          return FALSE;
        }
      if (!aw_verdict_validate_check (scenario, check, &member, &message))
        {
          aw_scenario_set_check_error (scenario, i, member, error, "%s", message);
          return FALSE;
        }
    }

  return TRUE;
}

/* Checks: against the runs ---------------------------------------------------------- */

static void
aw_check_free (AwCheck *check)
{
  g_free (check->metric);
  g_free (check->variant);
  g_free (check->of);
  g_free (check->expected_outcome);
  g_free (check->outcome);
  g_free (check->text);
  g_free (check);
}

/**
 * aw_verdict_free:
 * @verdict: (nullable): a verdict
 *
 * Frees the verdict with every check and its strings.
 */
void
aw_verdict_free (AwVerdict *verdict)
{
  if (verdict == NULL)
    return;
  g_ptr_array_unref (verdict->checks);
  g_free (verdict);
}

/**
 * aw_check_status_to_string:
 * @status: a status
 *
 * The words `run` prints and `run --json` gives as "status". Not the
 * enum's nicks ("not-met"): these are words with spaces, kept as they were.
 *
 * Returns: (transfer none): "met", "not met" or "not checked"
 */
const char *
aw_check_status_to_string (AwCheckStatus status)
{
  switch (status)
    {
    case AW_CHECK_MET: return "met";
    case AW_CHECK_NOT_MET: return "not met";
    case AW_CHECK_NOT_CHECKED:
    default: return "not checked";
    }
}

static AwTraceModel *
find_run (const AwNamedRun *variants,
          guint             n_variants,
          const char       *name)
{
  for (guint i = 0; i < n_variants; i++)
    if (variants[i].model != NULL && g_strcmp0 (variants[i].name, name) == 0)
      return variants[i].model;
  return NULL;
}

static char *
format_figure (Unit   unit,
               double value)
{
  char digits[G_ASCII_DTOSTR_BUF_SIZE];
  GString *s;
  guint n;

  if (unit == UNIT_MS)
    return aw_format_duration (value);
  if (unit == UNIT_FLAG)
    return g_strdup (value != 0 ? "yes" : "no");

  aw_format_number (digits, sizeof digits, 0, value);
  if (!(value >= 1000 && value < 1e15))
    return g_strdup (digits);

  /* 10001 -> "10,001" */
  s = g_string_new (NULL);
  n = strlen (digits);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

static char *
format_ratio (double ratio)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  aw_format_number (num, sizeof num, ratio >= 9.95 ? 0 : ratio >= 0.995 ? 1 : ratio >= 0.095 ? 2 : 3, ratio);
  return g_strdup_printf ("%sx", num);
}

/* Fills in @check's figures, status and text from the runs. */
static void
evaluate (AwCheck          *check,
          const AwNamedRun *variants,
          guint             n_variants)
{
  AwTraceModel *run = find_run (variants, n_variants, check->variant);
  AwTraceModel *other = check->of ? find_run (variants, n_variants, check->of) : NULL;
  gint index = find_metric (check->metric);
  Unit unit = metrics[index].unit;
  const char *words = metrics[index].words;
  g_autofree char *value = NULL;
  g_autofree char *expected = NULL;
  gboolean ratio = check->of != NULL;
  gboolean has_value, has_other = TRUE;

  if (g_str_equal (check->op, "is"))
    expected = g_strdup_printf ("expected %s", check->expected_outcome);
  else if (ratio)
    {
      g_autofree char *r = format_ratio (check->bound);
      expected = g_strdup_printf ("expected %s %s",
                                  g_str_has_prefix (check->op, "at_most") ? "at most" : "at least", r);
    }
  else
    {
      g_autofree char *b = format_figure (unit, check->bound);
      expected = g_strdup_printf ("expected %s %s",
                                  g_str_equal (check->op, "at_most") ? "at most" : "at least", b);
    }

  /* A figure the virtual clock does not model (the UI thread's own CPU
   * time, for one) is measured only on a real run. */
  if (check->real_only && run != NULL &&
      g_strcmp0 (aw_trace_get_metadata (aw_trace_model_get_trace (run), AW_META_CLOCK), "virtual") == 0)
    {
      check->status = AW_CHECK_NOT_CHECKED;
      check->needs_real_run = TRUE;
      check->text = g_strdup_printf ("%s: %s; %s: not checked, measured only on a real run "
                                     "(the virtual clock does not time the UI thread's own work)",
                                     check->variant, words, expected);
      return;
    }

  if (run == NULL || (ratio && other == NULL))
    {
      check->status = AW_CHECK_NOT_CHECKED;
      check->text = g_strdup_printf ("%s: %s; %s: not checked, %s was not run",
                                     check->variant, words, expected,
                                     run == NULL ? check->variant : check->of);
      return;
    }

  if (unit == UNIT_OUTCOME)
    {
      check->outcome = g_strdup (outcome_word (run));
      check->status = g_str_equal (check->outcome, check->expected_outcome) ? AW_CHECK_MET : AW_CHECK_NOT_MET;
      check->text = g_strdup_printf ("%s: outcome %s; %s", check->variant, check->outcome, expected);
      return;
    }

  has_value = aw_verdict_get_metric (run, check->metric, &check->value);
  if (ratio)
    has_other = aw_verdict_get_metric (other, check->metric, &check->other);
  if (!has_value || !has_other)
    {
      check->status = AW_CHECK_NOT_MET;
      check->text = g_strdup_printf ("%s: %s: no figure (nothing was cancelled in %s); %s",
                                     check->variant, words, has_value ? check->of : check->variant, expected);
      return;
    }

  value = format_figure (unit, check->value);
  if (ratio)
    {
      g_autofree char *other_value = format_figure (unit, check->other);
      g_autofree char *r = NULL;
      gboolean ok;

      /* value / 0 is infinitely more; 0 / 0 is the same. */
      if (check->other > 0)
        check->ratio = check->value / check->other;
      else
        check->ratio = check->value > 0 ? INFINITY : 1.0;
      ok = g_str_equal (check->op, "at_most_ratio") ? check->ratio <= check->bound : check->ratio >= check->bound;
      check->status = ok ? AW_CHECK_MET : AW_CHECK_NOT_MET;
      r = isinf (check->ratio) ? g_strdup ("more than none") : format_ratio (check->ratio);
      check->text = g_strdup_printf ("%s: %s %s = %s that of %s (%s); %s",
                                     check->variant, words, value, r, check->of, other_value, expected);
    }
  else
    {
      gboolean ok = g_str_equal (check->op, "at_most") ? check->value <= check->bound : check->value >= check->bound;

      check->status = ok ? AW_CHECK_MET : AW_CHECK_NOT_MET;
      check->text = g_strdup_printf ("%s: %s %s; %s", check->variant, words, value, expected);
    }
}

/**
 * aw_verdict_check:
 * @scenario: a scenario
 * @variants: (array length=n_variants): its runs (any subset of its variants)
 * @n_variants: how many
 *
 * Checks the scenario's expected outcome ("expected"."checks") against the
 * runs. Durations are compared in scenario milliseconds: the measured time
 * multiplied by the run's speed. Checks that need a variant that was not
 * run are "not checked".
 *
 * Returns: (transfer full): the verdict
 */
AwVerdict *
aw_verdict_check (AwScenario       *scenario,
                  const AwNamedRun *variants,
                  guint             n_variants)
{
  AwVerdict *verdict = g_new0 (AwVerdict, 1);

  verdict->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_check_free);

  g_return_val_if_fail (AW_IS_SCENARIO (scenario), verdict);

  for (guint i = 0; i < aw_scenario_get_n_checks (scenario); i++)
    {
      JsonObject *object = aw_scenario_get_check (scenario, i);
      const char *member = NULL;
      g_autofree char *message = NULL;
      AwCheck *check;

      /* The catalogue validated the schema; stay safe with others. */
      if (object == NULL || !aw_verdict_validate_check (scenario, object, &member, &message))
        continue;

      check = g_new0 (AwCheck, 1);
      check->metric = g_strdup (member_string (object, "metric"));
      check->variant = g_strdup (member_string (object, "variant"));
      check->of = g_strdup (member_string (object, "of"));
      for (guint k = 0; operators[k] != NULL; k++)
        if (json_object_has_member (object, operators[k]))
          check->op = operators[k];
      if (g_str_equal (check->op, "is"))
        check->expected_outcome = g_strdup (member_string (object, "is"));
      else
        check->bound = member_number (object, check->op);
      check->ratio = -1;
      check->real_only = json_object_has_member (object, "real_only") &&
                         json_object_get_boolean_member (object, "real_only");

      evaluate (check, variants, n_variants);
      switch (check->status)
        {
        case AW_CHECK_MET: verdict->n_met++; break;
        case AW_CHECK_NOT_MET: verdict->n_not_met++; break;
        case AW_CHECK_NOT_CHECKED:
        default: verdict->n_not_checked++; break;
        }
      g_ptr_array_add (verdict->checks, check);
    }

  verdict->met = verdict->n_met > 0 && verdict->n_not_met == 0;

  return verdict;
}

/**
 * aw_verdict_to_string:
 * @verdict: a verdict
 *
 * Returns: (transfer full): one line, e.g. "Expected outcome met (3 of 3 checks)"
 */
char *
aw_verdict_to_string (const AwVerdict *verdict)
{
  guint total = verdict->n_met + verdict->n_not_met + verdict->n_not_checked;
  GString *s = g_string_new (NULL);

  if (total == 0)
    g_string_append (s, "No expected outcome to check");
  else if (verdict->n_not_met > 0)
    g_string_append_printf (s, "Expected outcome NOT met (%u of %u check%s failed)",
                            verdict->n_not_met, total, total == 1 ? "" : "s");
  else if (verdict->n_met == 0)
    g_string_append (s, "Expected outcome not checked (the variants it compares were not run)");
  else
    g_string_append_printf (s, "Expected outcome met (%u of %u check%s)",
                            verdict->n_met, total, total == 1 ? "" : "s");

  if (verdict->n_met > 0 && verdict->n_not_checked > 0)
    {
      guint real_only = 0;

      for (guint i = 0; i < verdict->checks->len; i++)
        {
          const AwCheck *c = g_ptr_array_index (verdict->checks, i);

          if (c->status == AW_CHECK_NOT_CHECKED && c->needs_real_run)
            real_only++;
        }
      if (real_only == verdict->n_not_checked)
        g_string_append_printf (s, "; %u not checked: measured only on a real run", real_only);
      else if (real_only == 0)
        g_string_append_printf (s, "; %u not checked: a variant they need was not run", verdict->n_not_checked);
      else
        g_string_append_printf (s, "; %u not checked: a variant they need was not run, or measured only on a "
                                   "real run", verdict->n_not_checked);
    }

  return g_string_free (s, FALSE);
}

static const char *
variant_title (const AwNamedRun *variants,
               guint             n_variants,
               const char       *name)
{
  for (guint i = 0; i < n_variants; i++)
    if (g_strcmp0 (variants[i].name, name) == 0 && variants[i].title != NULL)
      return variants[i].title;
  return name;
}

/**
 * aw_verdict_headline:
 * @verdict: a verdict
 * @variants: (array length=n_variants): the runs it was checked on, for their titles
 * @n_variants: how many
 *
 * The scenario's headline claim with its figures, for the line under a
 * picture's title: the first check that ran, in words, e.g. "ValueTask<T>
 * — Task objects allocated (GTasks): 101 vs 1,001 for Task<T> (0.10x)".
 *
 * Returns: (transfer full) (nullable): the line, or %NULL if no check ran
 */
char *
aw_verdict_headline (const AwVerdict  *verdict,
                     const AwNamedRun *variants,
                     guint             n_variants)
{
  for (guint i = 0; i < verdict->checks->len; i++)
    {
      const AwCheck *c = g_ptr_array_index (verdict->checks, i);
      gint index = find_metric (c->metric);
      const char *title = variant_title (variants, n_variants, c->variant);
      g_autofree char *value = NULL;

      if (c->status == AW_CHECK_NOT_CHECKED)
        continue;
      if (c->outcome != NULL)
        return g_strdup_printf ("%s \u2014 outcome: %s", title, c->outcome);

      value = format_figure (metrics[index].unit, c->value);
      if (c->of != NULL && c->ratio >= 0)
        {
          g_autofree char *other = format_figure (metrics[index].unit, c->other);
          g_autofree char *ratio = isinf (c->ratio) ? g_strdup ("more than none") : format_ratio (c->ratio);

          return g_strdup_printf ("%s \u2014 %s: %s vs %s for %s (%s)", title, metrics[index].words,
                                  value, other, variant_title (variants, n_variants, c->of), ratio);
        }
      return g_strdup_printf ("%s \u2014 %s: %s", title, metrics[index].words, value);
    }

  return NULL;
}
