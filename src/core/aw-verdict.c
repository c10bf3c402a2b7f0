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
 */

#include "config.h"

#include "aw-verdict.h"

#include <math.h>
#include <string.h>

#include "aw-format.h"

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
