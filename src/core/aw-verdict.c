/* aw-verdict.c: a scenario's expected outcome, checked against its runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * It reads the recorded trace only, like everything else drawn or printed;
 * the warnings are aw-lint.c's.
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
 *
 * The first check is the scenario's main claim, the one its lesson is
 * about: the verdict is never "met" while that check was not checked (a
 * single variant run alone, a simulated run of a figure only a real run
 * measures), whatever the others say. And a run the user cancelled (the
 * window's Cancel) was cut short, not measured: its checks are not
 * checked, and the verdict says it was cancelled instead of judging it.
 */

#include "config.h"

#include "aw-verdict.h"

#include <math.h>
#include <string.h>

#include "aw-format.h"
#include "aw-i18n.h"
#include "aw-summary.h"

/* Metrics -------------------------------------------------------------------- */

typedef enum {
  UNIT_COUNT,
  UNIT_MS,      /* scenario milliseconds: measured time x speed */
  UNIT_FLAG,
  UNIT_OUTCOME,
} Unit;

/* Each metric in words: @words names the figure ("wall time: 1.00 s"),
 * marked for translation (describe_figure() says what a run did). The
 * names are the scenario language's keywords and stay as written. */
static const struct {
  const char *name;
  Unit        unit;
  const char *words;
} metrics[] = {
  { "wall_ms", UNIT_MS, N_("wall time") },
  { "tasks", UNIT_COUNT, N_("tasks") },
  { "completed", UNIT_COUNT, N_("tasks completed") },
  { "failed", UNIT_COUNT, N_("tasks failed") },
  { "cancelled", UNIT_COUNT, N_("tasks cancelled") },
  { "deadlocked", UNIT_COUNT, N_("tasks deadlocked") },
  { "pending", UNIT_COUNT, N_("tasks still running") },
  { "sync_completed", UNIT_COUNT, N_("calls completed synchronously") },
  { "threads_used", UNIT_COUNT, N_("threads used") },
  { "gtasks_created", UNIT_COUNT, N_("Task objects allocated (GTasks)") },
  { "errors_observed", UNIT_COUNT, N_("errors observed") },
  { "errors_unobserved", UNIT_COUNT, N_("errors never observed") },
  { "errors_swallowed", UNIT_COUNT, N_("errors an awaited WhenAll did not rethrow") },
  { "max_main_loop_gap_ms", UNIT_MS, N_("longest main-loop gap") },
  { "frames_missed", UNIT_COUNT, N_("frames missed") },
  { "ui_blocked_ms", UNIT_MS, N_("UI thread blocked") },
  { "cancel_latency_ms", UNIT_MS, N_("cancellation latency") },
  { "wasted_ms", UNIT_MS, N_("work after the cancel") },
  { "abandoned_work_ms", UNIT_MS, N_("work after the caller gave up") },
  { "cancel_requested", UNIT_FLAG, N_("cancel requested") },
  { "watchdog_fired", UNIT_FLAG, N_("watchdog fired") },
  { "crashed", UNIT_FLAG, N_("process crashed") },
  { "outcome", UNIT_OUTCOME, N_("outcome") },
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

/* An outcome word as a reader sees it. The words themselves ("completed",
 * "cancelled") are the scenario language's and the traces'; they are
 * compared and written to `run --json` as they are, and only translated
 * here, where a sentence shows them. */
static const char *
outcome_display (const char *word)
{
  if (g_strcmp0 (word, AW_RUN_COMPLETED) == 0)
    return C_("outcome", "completed");
  if (g_strcmp0 (word, AW_RUN_FAULTED) == 0)
    return C_("outcome", "faulted");
  if (g_strcmp0 (word, AW_RUN_CANCELLED) == 0)
    return C_("outcome", "cancelled");
  if (g_strcmp0 (word, AW_RUN_DEADLOCKED) == 0)
    return C_("outcome", "deadlocked");
  if (g_strcmp0 (word, AW_RUN_CRASHED) == 0)
    return C_("outcome", "crashed");
  if (g_strcmp0 (word, "running") == 0)
    return C_("outcome", "running");
  return word;
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
    /* Translators: the separator of a list of variant names, "a, b, c" */
    g_string_append_printf (names, "%s%s", i ? C_("list", ", ") : "", aw_scenario_get_variant (scenario, i)->name);
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
          /* Translators: the field names are the scenario language's keywords: keep them as written */
          *message = g_strdup_printf (_("unknown field \"%s\" in a check (known fields: metric, variant, "
                                        "at_most, at_least, at_most_ratio, at_least_ratio, is, of, real_only)"), name);
          return FALSE;
        }
    }

  if (json_object_has_member (check, "real_only") &&
      json_node_get_value_type (json_object_get_member (check, "real_only")) != G_TYPE_BOOLEAN)
    {
      *member = "real_only";
      *message = g_strdup (_("\"real_only\" must be true or false"));
      return FALSE;
    }

  metric = member_string (check, "metric");
  if (metric == NULL)
    {
      *member = json_object_has_member (check, "metric") ? "metric" : NULL;
      *message = g_strdup (_("a check needs \"metric\": the name of a figure, such as \"wall_ms\""));
      return FALSE;
    }
  if ((index = find_metric (metric)) < 0)
    {
      g_autofree char *list = g_strjoinv (C_("list", ", "), (char **) aw_verdict_list_metrics ());

      *member = "metric";
      *message = g_strdup_printf (_("unknown metric \"%s\" (known metrics: %s)"), metric, list);
      return FALSE;
    }

  variant = member_string (check, "variant");
  if (variant == NULL || aw_scenario_find_variant (scenario, variant, NULL) == NULL)
    {
      g_autofree char *names = variant_names (scenario);

      *member = json_object_has_member (check, "variant") ? "variant" : NULL;
      if (variant == NULL)
        /* Translators: %s is a list of the scenario's variant names */
        *message = g_strdup_printf (_("a check needs \"variant\": the variant whose figure it checks (%s)"), names);
      else
        *message = g_strdup_printf (_("no variant named \"%s\" in this scenario (variants: %s)"), variant, names);
      return FALSE;
    }

  if (n_ops != 1)
    {
      /* Translators: the operators are the scenario language's keywords: keep them as written */
      *message = g_strdup_printf (NG_("a check needs exactly one operator (at_most, at_least, at_most_ratio, "
                                      "at_least_ratio or is); this one has %u",
                                      "a check needs exactly one operator (at_most, at_least, at_most_ratio, "
                                      "at_least_ratio or is); this one has %u", n_ops), n_ops);
      return FALSE;
    }

  if (g_str_equal (op, "is"))
    {
      const char *value = member_string (check, "is");

      *member = "is";
      if (metrics[index].unit != UNIT_OUTCOME)
        {
          *message = g_strdup_printf (_("\"is\" compares the outcome; for \"%s\" use at_most or at_least"), metric);
          return FALSE;
        }
      if (value == NULL || !g_strv_contains (outcomes, value))
        {
          *message = g_strdup (_("\"is\" must be \"completed\", \"faulted\", \"cancelled\", \"deadlocked\" or \"crashed\""));
          return FALSE;
        }
    }
  else
    {
      *member = op;
      if (metrics[index].unit == UNIT_OUTCOME)
        {
          *message = g_strdup_printf (_("the outcome is a word: check it with \"is\", not \"%s\""), op);
          return FALSE;
        }
      if (!member_is_number (check, op) || !(member_number (check, op) >= 0))
        {
          *message = g_strdup_printf (_("\"%s\" must be a number, 0 or more"), op);
          return FALSE;
        }
    }

  ratio = g_str_has_suffix (op, "_ratio");
  of = member_string (check, "of");
  if (ratio && (of == NULL || aw_scenario_find_variant (scenario, of, NULL) == NULL || g_str_equal (of, variant)))
    {
      g_autofree char *names = variant_names (scenario);

      *member = json_object_has_member (check, "of") ? "of" : op;
      /* Translators: %1$s is an operator keyword such as at_most_ratio, %2$s a list of variant names */
      *message = g_strdup_printf (_("\"%1$s\" needs \"of\": another variant to compare with (%2$s)"), op, names);
      return FALSE;
    }
  if (!ratio && json_object_has_member (check, "of"))
    {
      *member = "of";
      *message = g_strdup_printf (_("\"of\" only goes with at_most_ratio or at_least_ratio, not \"%s\""), op);
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
                                       _("check %u is not an object like {\"metric\": \"wall_ms\", "
                                         "\"variant\": \"v\", \"at_most\": 1200}"), i + 1);
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
  g_free (check->variant_title);
  g_free (check->of);
  g_free (check->of_title);
  g_free (check->expected_outcome);
  g_free (check->outcome);
  g_free (check->text);
  g_free (check->claim);
  g_free (check->detail);
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
  g_free (verdict->stopped_title);
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
    return g_strdup (value != 0 ? C_("flag", "yes") : C_("flag", "no"));

  aw_format_number (digits, sizeof digits, 0, value);
  if (!(value >= 1000 && value < 1e15))
    return g_strdup (digits);

  /* 10001 -> "10,001", with the locale's separator */
  s = g_string_new (NULL);
  n = strlen (digits);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append (s, aw_format_thousands_separator ());
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

static char *
format_ratio (double ratio)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  aw_format_number (num, sizeof num, ratio >= 9.95 ? 0 : ratio >= 0.995 ? 1 : ratio >= 0.095 ? 2 : 3, ratio);
  /* Translators: a ratio, "0.50x" (half as much); %s is the number */
  return g_strdup_printf (_("%sx"), num);
}

/* A variant's title in quotes, so that a title holding figures ("Answer in
 * 0.5 s") never runs into the measured ones. */
static char *
quote (const char *title)
{
  /* Translators: a variant's title in quotation marks, as your language writes them. */
  return g_strdup_printf (C_("quoted", "\u201c%s\u201d"), title);
}

static char *
scenario_title (AwScenario *scenario,
                const char *name)
{
  const AwVariant *variant = aw_scenario_find_variant (scenario, name, NULL);

  return quote (variant != NULL && variant->title != NULL ? variant->title : name);
}

/* What the check expects, after the metric's words: "at most 1.50 s", "at
 * least 0.50x that of “One by one”", "cancelled", "yes". With @names, the
 * other variant by its id, as `run` prints checks. */
static char *
expectation (const AwCheck *check,
             gboolean       names)
{
  Unit unit = metrics[find_metric (check->metric)].unit;
  gboolean at_most = g_str_has_prefix (check->op, "at_most");

  if (g_str_equal (check->op, "is"))
    return g_strdup (outcome_display (check->expected_outcome));
  if (check->of != NULL)
    {
      g_autofree char *r = format_ratio (check->bound);

      if (names)
        /* Translators: %s is a ratio such as "0.50x" */
        return g_strdup_printf (at_most ? _("at most %s") : _("at least %s"), r);
      /* Translators: %1$s is a ratio such as "0.50x", %2$s a variant's quoted title */
      return g_strdup_printf (at_most ? _("at most %1$s that of %2$s") : _("at least %1$s that of %2$s"),
                              r, check->of_title);
    }
  /* A flag is 0 or 1: "at most 0" is "no", "at least 1" is "yes". */
  if (unit == UNIT_FLAG && !names && g_str_equal (check->op, "at_most") && check->bound < 1)
    return g_strdup (C_("flag", "no"));
  if (unit == UNIT_FLAG && !names && g_str_equal (check->op, "at_least") && check->bound > 0)
    return g_strdup (C_("flag", "yes"));
  {
    g_autofree char *b = format_figure (unit, check->bound);
    /* Translators: %s is a figure such as "1.50 s" or "3" */
    return g_strdup_printf (at_most ? _("at most %s") : _("at least %s"), b);
  }
}

/* How far a figure is from its bound, in its unit: "200 ms", "0.10x", "1". */
static char *
shortfall (const AwCheck *check,
           Unit           unit)
{
  double by;

  if (check->of != NULL)
    {
      char num[G_ASCII_DTOSTR_BUF_SIZE];

      by = fabs (check->ratio - check->bound);
      if (isinf (by))
        return NULL;
      aw_format_number (num, sizeof num, by >= 9.95 ? 0 : by >= 0.995 ? 1 : 2, by);
      return g_strdup_printf (_("%sx"), num);
    }
  if (unit == UNIT_FLAG || unit == UNIT_OUTCOME)
    return NULL;
  by = fabs (check->value - check->bound);
  return format_figure (unit, by);
}

/* Fills in @check's figures, status and texts from the runs. */
static void
evaluate (AwCheck          *check,
          const AwNamedRun *variants,
          guint             n_variants)
{
  AwTraceModel *run = find_run (variants, n_variants, check->variant);
  AwTraceModel *other = check->of ? find_run (variants, n_variants, check->of) : NULL;
  gint index = find_metric (check->metric);
  Unit unit = metrics[index].unit;
  const char *words = _(metrics[index].words);
  g_autofree char *value = NULL;
  g_autofree char *bound = expectation (check, TRUE);
  /* Translators: %s is what a check expects, "at most 1.50 s" */
  g_autofree char *expected = g_strdup_printf (_("expected %s"), bound);
  g_autofree char *wanted = expectation (check, FALSE);
  g_autofree char *expected_titles = g_strdup_printf (_("expected %s"), wanted);
  gboolean ratio = check->of != NULL;
  gboolean has_value, has_other = TRUE;
  const char *stopped = NULL;

  if (unit == UNIT_OUTCOME)
    /* Translators: a check's claim; %1$s is a variant's quoted title, %2$s an
     * outcome word ("cancelled", "completed") */
    check->claim = g_strdup_printf (_("%1$s: ends %2$s"), check->variant_title, wanted);
  else
    /* Translators: a check's claim, "“WhenAll”: wall time at most 1.50 s";
     * %1$s is a variant's quoted title, %2$s a figure's name ("wall time"),
     * %3$s what is expected ("at most 1.50 s") */
    check->claim = g_strdup_printf (_("%1$s: %2$s %3$s"), check->variant_title, words, wanted);

  /* A run the user cancelled was cut short: its figures are not what
   * the program does. */
  if (run != NULL && aw_trace_model_get_stopped_by_user (run, NULL))
    stopped = check->variant;
  else if (other != NULL && aw_trace_model_get_stopped_by_user (other, NULL))
    stopped = check->of;
  if (stopped != NULL)
    {
      check->status = AW_CHECK_NOT_CHECKED;
      check->stopped = TRUE;
      /* Translators: a check as `run` prints it; %1$s is a variant's name,
       * %2$s a figure's name, %3$s "expected at most 1.50 s", %4$s the
       * variant the user cancelled */
      check->text = g_strdup_printf (_("%1$s: %2$s; %3$s: not checked, %4$s was cancelled by you"),
                                     check->variant, words, expected, stopped);
      /* Translators: %1$s is a check's claim, %2$s a variant's quoted title */
      check->detail = g_strdup_printf (_("%1$s: not checked, %2$s was cancelled by you"), check->claim,
                                       stopped == check->variant ? check->variant_title : check->of_title);
      return;
    }

  /* A figure the virtual clock does not model (the UI thread's own CPU
   * time, for one) is measured only on a real run. */
  if (check->real_only && run != NULL &&
      g_strcmp0 (aw_trace_get_metadata (aw_trace_model_get_trace (run), AW_META_CLOCK), "virtual") == 0)
    {
      check->status = AW_CHECK_NOT_CHECKED;
      check->needs_real_run = TRUE;
      /* Translators: %1$s is a variant's name, %2$s a figure's name,
       * %3$s "expected at most 1.50 s" */
      check->text = g_strdup_printf (_("%1$s: %2$s; %3$s: not checked, measured only on a real run "
                                       "(the virtual clock does not time the UI thread's own work)"),
                                     check->variant, words, expected);
      /* Translators: %s is a check's claim, "“WhenAll”: wall time at most 1.50 s" */
      check->detail = g_strdup_printf (_("%s: not checked, measured only on a real run"), check->claim);
      return;
    }

  if (run == NULL || (ratio && other == NULL))
    {
      check->status = AW_CHECK_NOT_CHECKED;
      /* Translators: %1$s is a variant's name, %2$s a figure's name,
       * %3$s "expected at most 1.50 s", %4$s the variant that was not run */
      check->text = g_strdup_printf (_("%1$s: %2$s; %3$s: not checked, %4$s was not run"),
                                     check->variant, words, expected,
                                     run == NULL ? check->variant : check->of);
      check->missing = run == NULL ? check->variant_title : check->of_title;
      /* Translators: %1$s is a check's claim, %2$s a variant's quoted title */
      check->detail = g_strdup_printf (_("%1$s: not checked, %2$s was not run"), check->claim, check->missing);
      return;
    }

  if (unit == UNIT_OUTCOME)
    {
      check->outcome = g_strdup (outcome_word (run));
      check->status = g_str_equal (check->outcome, check->expected_outcome) ? AW_CHECK_MET : AW_CHECK_NOT_MET;
      /* Translators: %1$s is a variant (its name or quoted title), %2$s the
       * outcome it had ("cancelled"), %3$s "expected completed" */
      check->text = g_strdup_printf (_("%1$s: outcome %2$s; %3$s"), check->variant,
                                     outcome_display (check->outcome), expected);
      check->detail = g_strdup_printf (_("%1$s: outcome %2$s; %3$s"), check->variant_title,
                                       outcome_display (check->outcome), expected);
      return;
    }

  has_value = aw_verdict_get_metric (run, check->metric, &check->value);
  if (ratio)
    has_other = aw_verdict_get_metric (other, check->metric, &check->other);
  if (!has_value || !has_other)
    {
      check->status = AW_CHECK_NOT_MET;
      /* Translators: %1$s is a variant, %2$s a figure's name, %3$s the
       * variant without the figure, %4$s "expected at most 1.50 s" */
      check->text = g_strdup_printf (_("%1$s: %2$s: no figure (nothing was cancelled in %3$s); %4$s"),
                                     check->variant, words, has_value ? check->of : check->variant, expected);
      check->detail = g_strdup_printf (_("%1$s: %2$s: no figure (nothing was cancelled in %3$s); %4$s"),
                                       check->variant_title, words,
                                       has_value ? check->of_title : check->variant_title, expected_titles);
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
      /* Translators: a ratio against a figure of 0, in "%1$s: %2$s %3$s = %4$s that of %5$s" */
      r = isinf (check->ratio) ? g_strdup (_("more than none")) : format_ratio (check->ratio);
      /* Translators: "when-all: wall time 1.00 s = 0.41x that of one-by-one
       * (2.41 s); expected at most 0.50x": %1$s a variant's name, %2$s a
       * figure's name, %3$s its figure, %4$s the ratio, %5$s the other
       * variant's name, %6$s its figure, %7$s what was expected */
      check->text = g_strdup_printf (_("%1$s: %2$s %3$s = %4$s that of %5$s (%6$s); %7$s"),
                                     check->variant, words, value, r, check->of, other_value, expected);
      /* Translators: as "%1$s: %2$s %3$s = %4$s that of %5$s (%6$s); %7$s",
       * with quoted titles instead of names */
      check->detail = g_strdup_printf (_("%1$s: %2$s %3$s, %4$s that of %5$s (%6$s); %7$s"),
                                       check->variant_title, words, value, r, check->of_title, other_value,
                                       expected);
    }
  else
    {
      gboolean ok = g_str_equal (check->op, "at_most") ? check->value <= check->bound : check->value >= check->bound;

      check->status = ok ? AW_CHECK_MET : AW_CHECK_NOT_MET;
      /* Translators: "when-all: wall time 1.00 s; expected at most 1.50 s":
       * %1$s a variant, %2$s a figure's name, %3$s its figure, %4$s what was
       * expected */
      check->text = g_strdup_printf (_("%1$s: %2$s %3$s; %4$s"), check->variant, words, value, expected);
      check->detail = g_strdup_printf (_("%1$s: %2$s %3$s; %4$s"), check->variant_title, words, value,
                                       expected_titles);
    }

  /* By how much it failed, so a class sees whether it was close. */
  if (check->status == AW_CHECK_NOT_MET)
    {
      g_autofree char *by = shortfall (check, unit);

      if (by != NULL)
        {
          char *more = g_str_has_prefix (check->op, "at_most")
            /* Translators: %1$s is a check with its figures, %2$s by how
             * much it was over its bound ("200 ms", "0.10x") */
            ? g_strdup_printf (_("%1$s: %2$s over"), check->detail, by)
            /* Translators: %1$s is a check with its figures, %2$s by how
             * much it fell short of its bound ("200 ms", "0.10x") */
            : g_strdup_printf (_("%1$s: %2$s short"), check->detail, by);
          g_free (check->detail);
          check->detail = more;
        }
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
 * run are "not checked", and so are the checks of a run the user cancelled
 * (aw_trace_model_get_stopped_by_user()).
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
  verdict->stopped_ms = -1;
  verdict->speed = 1;

  g_return_val_if_fail (AW_IS_SCENARIO (scenario), verdict);

  for (guint i = 0; i < n_variants; i++)
    if (variants[i].model != NULL)
      {
        verdict->speed = run_speed (variants[i].model);
        break;
      }

  for (guint i = 0; i < n_variants; i++)
    if (variants[i].model != NULL && aw_trace_model_get_stopped_by_user (variants[i].model, &verdict->stopped_ms))
      {
        const AwVariant *v = aw_scenario_find_variant (scenario, variants[i].name, NULL);

        verdict->stopped_by_user = TRUE;
        verdict->stopped_title = quote (variants[i].title ? variants[i].title : v ? v->title : variants[i].name);
        verdict->n_runs_before_stop = i;
        break;
      }

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
      check->variant_title = scenario_title (scenario, check->variant);
      check->of = g_strdup (member_string (object, "of"));
      if (check->of != NULL)
        check->of_title = scenario_title (scenario, check->of);
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

  /* The scenario's main claim is its first check (README, "expected"). */
  if (verdict->checks->len > 0)
    verdict->headline = g_ptr_array_index (verdict->checks, 0);

  verdict->met = !verdict->stopped_by_user && verdict->headline != NULL &&
                 verdict->headline->status == AW_CHECK_MET && verdict->n_not_met == 0;

  return verdict;
}

/* Why the checks that were not checked were not: "a variant they need was
 * not run", "measured only on a real run", or both. */
static void
append_not_checked (GString         *s,
                    const AwVerdict *verdict)
{
  guint real_only = 0, total = 0;

  for (guint i = 0; i < verdict->checks->len; i++)
    {
      const AwCheck *c = g_ptr_array_index (verdict->checks, i);

      if (c->status != AW_CHECK_NOT_CHECKED)
        continue;
      total++;
      if (c->needs_real_run)
        real_only++;
    }
  if (total == 0)
    return;
  /* Translators: these follow "Expected outcome met (3 of 4 checks)"; %u
   * is the number of checks not checked */
  if (real_only == total)
    g_string_append_printf (s, NG_("; %u not checked: measured only on a real run",
                                   "; %u not checked: measured only on a real run", real_only), real_only);
  else if (real_only == 0)
    g_string_append_printf (s, NG_("; %u not checked: a variant they need was not run",
                                   "; %u not checked: a variant they need was not run", total), total);
  else
    g_string_append_printf (s, NG_("; %u not checked: a variant they need was not run, or measured only on a "
                                   "real run",
                                   "; %u not checked: a variant they need was not run, or measured only on a "
                                   "real run", total), total);
}

/**
 * aw_verdict_to_string:
 * @verdict: a verdict
 *
 * The verdict in one line. A run the user cancelled comes first ("Cancelled
 * by you at 620 ms: the rest was not run, so the expected outcome was not
 * checked"); then a failed check ("Expected outcome NOT met (1 of 4 checks
 * failed)"); then a main claim that was not checked ("Main claim not
 * checked: “One by one” was not run; the 2 checks that ran held"); and
 * only then "Expected outcome met (3 of 3 checks)".
 *
 * Returns: (transfer full): one line
 */
char *
aw_verdict_to_string (const AwVerdict *verdict)
{
  guint total = verdict->n_met + verdict->n_not_met + verdict->n_not_checked;
  const AwCheck *headline = verdict->headline;
  GString *s = g_string_new (NULL);

  if (verdict->stopped_by_user)
    {
      g_autofree char *at = aw_format_duration (MAX (verdict->stopped_ms, 0));

      if (verdict->n_runs_before_stop > 0)
        /* Translators: %1$s is a duration ("620 ms"), %2$s a variant's quoted title */
        g_string_append_printf (s, _("Cancelled by you %1$s into %2$s: the rest was not run, so the expected "
                                     "outcome was not checked"), at, verdict->stopped_title);
      else
        /* Translators: %s is a duration ("620 ms") */
        g_string_append_printf (s, _("Cancelled by you at %s: the rest was not run, so the expected outcome "
                                     "was not checked"), at);
      if (verdict->n_not_met > 0)
        g_string_append_printf (s, NG_("; before that, %u check failed", "; before that, %u checks failed",
                                       verdict->n_not_met), verdict->n_not_met);
    }
  else if (total == 0)
    g_string_append (s, _("No expected outcome to check"));
  else if (verdict->n_not_met > 0)
    /* Translators: "%1$u of %2$u checks failed"; the plural follows the total, %2$u */
    g_string_append_printf (s, NG_("Expected outcome NOT met (%1$u of %2$u check failed)",
                                   "Expected outcome NOT met (%1$u of %2$u checks failed)", total),
                            verdict->n_not_met, total);
  else if (headline->status == AW_CHECK_NOT_CHECKED)
    {
      if (headline->needs_real_run)
        g_string_append (s, _("Main claim not checked: it is measured only on a real run"));
      else
        /* Translators: %s is a variant's quoted title */
        g_string_append_printf (s, _("Main claim not checked: %s was not run"),
                                headline->missing != NULL ? headline->missing : headline->variant_title);
      if (verdict->n_met > 0)
        g_string_append_printf (s, NG_("; the %u check that ran held", "; the %u checks that ran held",
                                       verdict->n_met), verdict->n_met);
    }
  else
    {
      /* Translators: "%1$u of %2$u checks"; the plural follows the total, %2$u */
      g_string_append_printf (s, NG_("Expected outcome met (%1$u of %2$u check)",
                                     "Expected outcome met (%1$u of %2$u checks)", total),
                              verdict->n_met, total);
      append_not_checked (s, verdict);
    }

  return g_string_free (s, FALSE);
}

/**
 * aw_verdict_explain:
 * @verdict: a verdict
 *
 * The verdict as the outcome card shows it: aw_verdict_to_string(), then a
 * line for each check that failed, with its figures and by how much
 * ("Not met: “Too slow”: wall time 1.40 s; expected at most 1.20 s:
 * 200 ms over"). Times in checks are at speed 1 (the measured time
 * multiplied by the speed): at another speed a last line says so.
 *
 * Returns: (transfer full): one or more lines
 */
char *
aw_verdict_explain (const AwVerdict *verdict)
{
  g_autofree char *summary = aw_verdict_to_string (verdict);
  GString *s = g_string_new (summary);
  gboolean times = FALSE;

  for (guint i = 0; i < verdict->checks->len; i++)
    {
      const AwCheck *c = g_ptr_array_index (verdict->checks, i);

      if (c->status != AW_CHECK_NOT_MET)
        continue;
      g_string_append_c (s, '\n');
      /* Translators: %s is a check that failed, with its figures */
      g_string_append_printf (s, _("Not met: %s"), c->detail);
      times |= metrics[find_metric (c->metric)].unit == UNIT_MS;
    }
  if (times && verdict->speed != 1)
    {
      g_autofree char *speed = aw_format_speed (verdict->speed);
      char factor[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (factor, sizeof factor, "%g", verdict->speed);
      g_string_append_c (s, '\n');
      /* Translators: %1$s is a speed ("0.25x"), %2$s the factor ("0.25") */
      g_string_append_printf (s, _("(Checks compare times at speed 1x: measured at %1$s, multiplied by %2$s.)"),
                              speed, factor);
    }

  return g_string_free (s, FALSE);
}

/* A clause, from the check's figure, with the variant's title: "“WhenAll”
 * took 1.00 s", "“ValueTask<T>” allocated 101 Task objects (GTasks)". Whole
 * clauses, so a translator can order the title, the verb and the figure
 * as the language needs. */
static char *
describe_figure (const AwCheck *check,
                 double         value)
{
  gint index = find_metric (check->metric);
  g_autofree char *figure = format_figure (metrics[index].unit, value);
  const char *m = check->metric;
  gulong n = value >= 0 && value < G_MAXULONG ? (gulong) value : G_MAXULONG;

  /* Translators: the clauses below say what a run did, for the line under
   * a picture's title. %1$s is a variant's quoted title ("“WhenAll”"), %2$s
   * the figure: a duration ("1.00 s") or a count ("1,001") */
#define IS(name) g_str_equal (m, name)
#define SAY(format) return g_strdup_printf ((format), check->variant_title, figure)
  if (IS ("wall_ms")) SAY (_("%1$s took %2$s"));
  else if (IS ("tasks")) SAY (NG_("%1$s ran %2$s task", "%1$s ran %2$s tasks", n));
  else if (IS ("completed")) SAY (NG_("%1$s completed %2$s task", "%1$s completed %2$s tasks", n));
  else if (IS ("failed")) SAY (NG_("%1$s had %2$s task fail", "%1$s had %2$s tasks fail", n));
  else if (IS ("cancelled")) SAY (NG_("%1$s had %2$s task cancelled", "%1$s had %2$s tasks cancelled", n));
  else if (IS ("deadlocked")) SAY (NG_("%1$s had %2$s task deadlocked", "%1$s had %2$s tasks deadlocked", n));
  else if (IS ("pending")) SAY (NG_("%1$s left %2$s task running", "%1$s left %2$s tasks running", n));
  else if (IS ("sync_completed"))
    SAY (NG_("%1$s completed %2$s call synchronously", "%1$s completed %2$s calls synchronously", n));
  else if (IS ("threads_used")) SAY (NG_("%1$s used %2$s thread", "%1$s used %2$s threads", n));
  else if (IS ("gtasks_created"))
    SAY (NG_("%1$s allocated %2$s Task object (GTask)", "%1$s allocated %2$s Task objects (GTasks)", n));
  else if (IS ("errors_observed")) SAY (NG_("%1$s observed %2$s error", "%1$s observed %2$s errors", n));
  else if (IS ("errors_unobserved"))
    SAY (NG_("%1$s left %2$s error never observed", "%1$s left %2$s errors never observed", n));
  else if (IS ("errors_swallowed"))
    SAY (NG_("%1$s swallowed %2$s error (await rethrew only the first)",
             "%1$s swallowed %2$s errors (await rethrew only the first)", n));
  else if (IS ("max_main_loop_gap_ms")) SAY (_("%1$s froze the UI thread for up to %2$s"));
  else if (IS ("frames_missed")) SAY (NG_("%1$s missed %2$s frame", "%1$s missed %2$s frames", n));
  else if (IS ("ui_blocked_ms")) SAY (_("%1$s blocked the UI thread for %2$s"));
  else if (IS ("cancel_latency_ms")) SAY (_("%1$s stopped %2$s after the cancel"));
  else if (IS ("wasted_ms")) SAY (_("%1$s ran %2$s of work after the cancel"));
  else if (IS ("abandoned_work_ms")) SAY (_("%1$s ran %2$s of work after the caller gave up"));
  /* Translators: the clauses below say whether a run did something; %s is
   * a variant's quoted title */
  else if (IS ("cancel_requested"))
    return g_strdup_printf (value != 0 ? _("%s requested a cancel") : _("%s requested no cancel"),
                            check->variant_title);
  else if (IS ("watchdog_fired"))
    return g_strdup_printf (value != 0 ? _("%s set off the watchdog") : _("%s did not set off the watchdog"),
                            check->variant_title);
  else if (IS ("crashed"))
    return g_strdup_printf (value != 0 ? _("%s crashed") : _("%s did not crash"), check->variant_title);
#undef SAY
#undef IS

  g_assert_not_reached ();
}

/**
 * aw_verdict_headline:
 * @verdict: a verdict
 * @variants: (array length=n_variants): the runs it was checked on
 * @n_variants: how many
 *
 * The scenario's claim with its figures, as a sentence for the line under
 * a picture's title: the main claim (the first check) if it was checked,
 * else the first check that was, e.g. "“ValueTask<T>” allocated 101 Task
 * objects (GTasks), 0.10x as many as “Task<T>” (1,001)" or "“async void
 * SaveDraft” crashed after 800 ms". Titles are quoted, so figures in a
 * title never run into the measured ones.
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
      g_autofree char *did = NULL;

      if (c->status == AW_CHECK_NOT_CHECKED)
        continue;

      /* An outcome: what that run did, as the comparison line says it. */
      if (c->outcome != NULL)
        {
          for (guint k = 0; k < n_variants; k++)
            if (variants[k].model != NULL && g_strcmp0 (variants[k].name, c->variant) == 0)
              return aw_summary_run_clause (&variants[k], k);
          continue;
        }

      did = describe_figure (c, c->value);
      if (c->of != NULL && c->ratio >= 0 && metrics[index].unit != UNIT_FLAG)
        {
          g_autofree char *other = format_figure (metrics[index].unit, c->other);
          g_autofree char *ratio = NULL;

          if (isinf (c->ratio))
            /* Translators: %1$s is what a run did ("“WhenAll” took 1.00 s"),
             * %2$s the other variant's quoted title, which had none */
            return g_strdup_printf (_("%1$s, against none for %2$s"), did, c->of_title);
          ratio = format_ratio (c->ratio);
          if (metrics[index].unit == UNIT_MS)
            /* Translators: %1$s is what a run did ("“WhenAll” took 1.00 s"),
             * %2$s a ratio ("0.41x"), %3$s the other variant's quoted title,
             * %4$s its figure ("2.41 s") */
            return g_strdup_printf (_("%1$s, %2$s as long as %3$s (%4$s)"), did, ratio, c->of_title, other);
          /* Translators: %1$s is what a run did ("“ValueTask<T>” allocated
           * 101 Task objects (GTasks)"), %2$s a ratio ("0.10x"), %3$s the
           * other variant's quoted title, %4$s its figure ("1,001") */
          return g_strdup_printf (_("%1$s, %2$s as many as %3$s (%4$s)"), did, ratio, c->of_title, other);
        }
      return g_steal_pointer (&did);
    }

  return NULL;
}
