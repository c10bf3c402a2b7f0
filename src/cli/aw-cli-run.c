/* aw-cli-run.c: `awaitscope run`: a scenario run, and what happened, as a table or JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures a teacher points at (wall time, tasks, threads, GTasks,
 * errors, the longest main-loop gap), then the lints and the scenario's
 * expected outcome checked against the runs. --json gives the same facts
 * to scripts; --trace keeps the runs for Perfetto or `replay`.
 */

#include "config.h"

#include "aw-cli-private.h"

#include <math.h>

#include <json-glib/json-glib.h>

#include "aw-clock.h"
#include "aw-cli.h"
#include "aw-csharp.h"
#include "aw-i18n.h"
#include "aw-summary.h"
#include "aw-trace-io.h"
#include "aw-verdict.h"

static void
add_warnings_json (JsonBuilder  *b,
                   AwTraceModel *model)
{
  g_autoptr(GPtrArray) warnings = aw_lint_run (model);

  json_builder_begin_array (b);
  for (guint i = 0; i < warnings->len; i++)
    {
      const AwWarning *w = g_ptr_array_index (warnings, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, aw_warning_kind_to_string (w->kind));
      json_builder_set_member_name (b, "task");
      if (w->task_name != NULL)
        json_builder_add_string_value (b, w->task_name);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "task_id");
      json_builder_add_int_value (b, w->task);
      json_builder_set_member_name (b, "ms");
      if (w->ms >= 0)
        json_builder_add_double_value (b, w->ms);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "count");
      json_builder_add_int_value (b, w->count);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, w->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

void
aw_cli_add_metrics_json (JsonBuilder  *b,
                         const char   *name,
                         const char   *title,
                         AwTraceModel *model)
{
  const AwMetrics *m = aw_trace_model_get_metrics (model);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, title ? title : name);
  json_builder_set_member_name (b, "outcome");
  json_builder_add_string_value (b, m->outcome ? m->outcome : "unknown");
  json_builder_set_member_name (b, "wall_ms");
  json_builder_add_double_value (b, m->wall_ms);
  json_builder_set_member_name (b, "tasks");
  json_builder_add_int_value (b, m->tasks);
  json_builder_set_member_name (b, "completed");
  json_builder_add_int_value (b, m->completed);
  json_builder_set_member_name (b, "failed");
  json_builder_add_int_value (b, m->failed);
  json_builder_set_member_name (b, "cancelled");
  json_builder_add_int_value (b, m->cancelled);
  json_builder_set_member_name (b, "deadlocked");
  json_builder_add_int_value (b, m->deadlocked);
  json_builder_set_member_name (b, "sync_completed");
  json_builder_add_int_value (b, m->sync_completed);
  json_builder_set_member_name (b, "threads_used");
  json_builder_add_int_value (b, m->threads_used);
  json_builder_set_member_name (b, "gtasks_created");
  json_builder_add_int_value (b, m->gtasks_created);
  json_builder_set_member_name (b, "errors_observed");
  json_builder_add_int_value (b, m->errors_observed);
  json_builder_set_member_name (b, "errors_unobserved");
  json_builder_add_int_value (b, m->errors_unobserved);
  json_builder_set_member_name (b, "errors_swallowed");
  json_builder_add_int_value (b, m->errors_swallowed);
  json_builder_set_member_name (b, "max_main_loop_gap_ms");
  json_builder_add_double_value (b, m->max_main_loop_gap_ms);
  json_builder_set_member_name (b, "ui_blocked_ms");
  json_builder_add_double_value (b, m->ui_blocked_ms);
  json_builder_set_member_name (b, "frames_missed");
  json_builder_add_int_value (b, m->frames_missed);
  json_builder_set_member_name (b, "cancel_requested");
  json_builder_add_boolean_value (b, m->cancel_requested);
  json_builder_set_member_name (b, "cancel_latency_ms");
  if (m->cancel_latency_ms >= 0)
    json_builder_add_double_value (b, m->cancel_latency_ms);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "wasted_ms");
  json_builder_add_double_value (b, m->wasted_ms);
  json_builder_set_member_name (b, "watchdog_fired");
  json_builder_add_boolean_value (b, m->watchdog_fired);
  json_builder_set_member_name (b, "crashed");
  json_builder_add_boolean_value (b, m->crashed);
  json_builder_set_member_name (b, "abandoned_work_ms");
  json_builder_add_double_value (b, aw_lint_abandoned_work_ms (model, NULL));
  json_builder_set_member_name (b, "warnings");
  add_warnings_json (b, model);
  json_builder_end_object (b);
}

static void
add_verdict_json (JsonBuilder *b,
                  AwCliRunSet *set)
{
  g_autoptr(AwVerdict) verdict = aw_verdict_check (set->scenario,
                                                   (const AwNamedRun *) (gpointer) set->variants->data,
                                                   set->variants->len);
  g_autofree char *summary = aw_verdict_to_string (verdict);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "met");
  json_builder_add_boolean_value (b, verdict->met);
  json_builder_set_member_name (b, "summary");
  json_builder_add_string_value (b, summary);
  json_builder_set_member_name (b, "checks");
  json_builder_begin_array (b);
  for (guint i = 0; i < verdict->checks->len; i++)
    {
      const AwCheck *c = g_ptr_array_index (verdict->checks, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "metric");
      json_builder_add_string_value (b, c->metric);
      json_builder_set_member_name (b, "variant");
      json_builder_add_string_value (b, c->variant);
      json_builder_set_member_name (b, "operator");
      json_builder_add_string_value (b, c->op);
      json_builder_set_member_name (b, "bound");
      if (c->expected_outcome != NULL)
        json_builder_add_string_value (b, c->expected_outcome);
      else
        json_builder_add_double_value (b, c->bound);
      if (c->of != NULL)
        {
          json_builder_set_member_name (b, "of");
          json_builder_add_string_value (b, c->of);
        }
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, aw_check_status_to_string (c->status));
      json_builder_set_member_name (b, "met");
      if (c->status == AW_CHECK_NOT_CHECKED)
        json_builder_add_null_value (b);
      else
        json_builder_add_boolean_value (b, c->status == AW_CHECK_MET);
      if (c->status != AW_CHECK_NOT_CHECKED)
        {
          json_builder_set_member_name (b, "value");
          if (c->outcome != NULL)
            json_builder_add_string_value (b, c->outcome);
          else
            json_builder_add_double_value (b, c->value);
          if (c->of != NULL)
            {
              json_builder_set_member_name (b, "other");
              json_builder_add_double_value (b, c->other);
              json_builder_set_member_name (b, "ratio");
              if (c->ratio >= 0 && c->ratio < G_MAXDOUBLE)
                json_builder_add_double_value (b, c->ratio);
              else
                json_builder_add_null_value (b);
            }
        }
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, c->text);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* The pool the runs had, from the first run's trace: {"type": "fixed"}, or
 * the dotnet pool's interval (real ms) and maximum too. */
static void
add_pool_json (JsonBuilder *b,
               AwTrace     *trace)
{
  const char *kind = aw_trace_get_metadata (trace, AW_META_POOL);
  const char *interval = aw_trace_get_metadata (trace, AW_META_POOL_INTERVAL_MS);
  const char *max = aw_trace_get_metadata (trace, AW_META_POOL_MAX_THREADS);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, kind ? kind : "fixed");
  if (interval != NULL && max != NULL)
    {
      json_builder_set_member_name (b, "interval_ms");
      json_builder_add_double_value (b, g_ascii_strtod (interval, NULL));
      json_builder_set_member_name (b, "max_threads");
      json_builder_add_int_value (b, g_ascii_strtoll (max, NULL, 10));
    }
  json_builder_end_object (b);
}

static void
print_run_json (AwCliRunSet        *set,
                AwCliCsharp        *cs,
                const AwRunOptions *options)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *compare = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scenario");
  json_builder_add_string_value (b, aw_scenario_get_id (set->scenario));
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, aw_scenario_get_title (set->scenario));
  json_builder_set_member_name (b, "clock");
  json_builder_add_string_value (b, set->virtual_clock ? "virtual" : "real");
  json_builder_set_member_name (b, "speed");
  json_builder_add_double_value (b, options->speed);
  json_builder_set_member_name (b, "workers");
  json_builder_add_int_value (b, options->workers ? options->workers
                                : set->virtual_clock ? AW_CLOCK_DEFAULT_WORKERS : aw_runner_default_workers ());
  json_builder_set_member_name (b, "pool");
  add_pool_json (b, aw_trace_model_get_trace (g_ptr_array_index (set->models, 0)));
  json_builder_set_member_name (b, "variants");
  json_builder_begin_array (b);
  for (guint i = 0; i < set->indices->len; i++)
    {
      const AwVariant *v = aw_scenario_get_variant (set->scenario, g_array_index (set->indices, guint, i));

      aw_cli_add_metrics_json (b, v->name, v->title, g_ptr_array_index (set->models, i));
    }
  json_builder_end_array (b);
  if (set->predictions != NULL)
    {
      json_builder_set_member_name (b, "predictions");
      json_builder_begin_array (b);
      for (guint i = 0; i < set->predictions->len; i++)
        {
          const AwVariant *v = aw_scenario_get_variant (set->scenario, g_array_index (set->indices, guint, i));
          double measured = aw_trace_model_get_metrics (g_ptr_array_index (set->models, i))->wall_ms;
          double predicted = aw_trace_model_get_metrics (g_ptr_array_index (set->predictions, i))->wall_ms;

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, v->name);
          json_builder_set_member_name (b, "measured_wall_ms");
          json_builder_add_double_value (b, measured);
          json_builder_set_member_name (b, "predicted_wall_ms");
          json_builder_add_double_value (b, predicted);
          json_builder_set_member_name (b, "difference_ms");
          json_builder_add_double_value (b, measured - predicted);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  compare = aw_summary_compare_text ((const AwNamedRun *) (gpointer) set->variants->data,
                                     set->variants->len);
  if (compare != NULL)
    {
      json_builder_set_member_name (b, "comparison");
      json_builder_add_string_value (b, compare);
    }
  if (aw_scenario_get_expected_text (set->scenario) != NULL)
    {
      json_builder_set_member_name (b, "expected");
      json_builder_add_string_value (b, aw_scenario_get_expected_text (set->scenario));
    }
  json_builder_set_member_name (b, "verdict");
  add_verdict_json (b, set);
  if (cs != NULL && cs->models != NULL)
    aw_cli_csharp_add_json (cs, set, b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}

/* A check's status for a reader; `run --json` keeps
 * aw_check_status_to_string()'s words. */
static const char *
check_status_text (AwCheckStatus status)
{
  switch (status)
    {
    /* Translators: how a check of the expected outcome went, in a column. */
    case AW_CHECK_MET: return C_("check", "met");
    case AW_CHECK_NOT_MET: return C_("check", "not met");
    case AW_CHECK_NOT_CHECKED:
    default: return C_("check", "not checked");
    }
}

static void
print_warnings_and_verdict (AwCliRunSet *set)
{
  g_autoptr(AwVerdict) verdict = NULL;
  g_autofree char *summary = NULL;
  gboolean header = FALSE;
  int width = 11;

  for (guint i = 0; i < set->indices->len; i++)
    {
      const AwVariant *v = aw_scenario_get_variant (set->scenario, g_array_index (set->indices, guint, i));
      g_autoptr(GPtrArray) warnings = aw_lint_run (g_ptr_array_index (set->models, i));

      for (guint k = 0; k < warnings->len; k++)
        {
          const AwWarning *w = g_ptr_array_index (warnings, k);

          if (!header)
            printf ("\n%s\n", _("Warnings:"));
          header = TRUE;
          printf ("  %s: %s: %s\n", v->name, aw_warning_kind_title (w->kind), w->message);
        }
    }

  verdict = aw_verdict_check (set->scenario, (const AwNamedRun *) (gpointer) set->variants->data,
                              set->variants->len);
  summary = aw_verdict_to_string (verdict);
  if (aw_scenario_get_expected_text (set->scenario) != NULL)
    {
      printf ("\n");
      /* Translators: %s is the lesson's expected outcome, a sentence. */
      printf (_("Expected: %s"), aw_scenario_get_expected_text (set->scenario));
      printf ("\n");
    }
  printf ("%s%s\n", aw_scenario_get_expected_text (set->scenario) ? "" : "\n", summary);
  for (AwCheckStatus s = AW_CHECK_MET; s <= AW_CHECK_NOT_CHECKED; s++)
    width = aw_cli_column_width (check_status_text (s), width);
  for (guint i = 0; i < verdict->checks->len; i++)
    {
      const AwCheck *c = g_ptr_array_index (verdict->checks, i);

      printf ("  ");
      aw_cli_print_padded (check_status_text (c->status), -width);
      printf (" %s\n", c->text);
    }
}

/* A signed difference of durations: "+12 ms", "-1.20 s". */
static char *
format_difference (double ms)
{
  g_autofree char *size = aw_format_duration (fabs (ms));

  return g_strdup_printf ("%c%s", ms < 0 ? '-' : '+', size);
}

static void
print_run_table (AwCliRunSet        *set,
                 const AwRunOptions *options)
{
  g_autofree char *compare = NULL;
  g_autofree char *speed = aw_format_speed (options->speed);
  g_autofree char *pool = aw_cli_run_set_describe_pool (set);
  gboolean deadlocked = FALSE;
  guint columns;
  int widths[AW_CLI_N_COLUMNS];

  /* Translators: the first %s is the scenario's id, the second its title,
     the third a speed like "0.5x", the fourth the worker pool, like "2
     worker threads". */
  printf (set->virtual_clock ? _("%s: %s (virtual clock: simulated timing, speed %s, %s)")
                             : _("%s: %s (real clock, speed %s, %s)"),
          aw_scenario_get_id (set->scenario), aw_scenario_get_title (set->scenario), speed, pool);
  printf ("\n\n");
  /* A column for deadlocked tasks only when a run has some. */
  for (guint i = 0; i < set->models->len; i++)
    deadlocked |= aw_trace_model_get_metrics (g_ptr_array_index (set->models, i))->deadlocked > 0;
  columns = deadlocked ? AW_CLI_COLUMNS_BUT (AW_CLI_N_COLUMNS) : AW_CLI_COLUMNS_BUT (AW_CLI_COLUMN_DEADLOCKED);

  aw_cli_runs_header (columns, widths);
  printf ("\n");
  for (guint i = 0; i < set->indices->len; i++)
    {
      const AwVariant *v = aw_scenario_get_variant (set->scenario, g_array_index (set->indices, guint, i));

      aw_cli_runs_row (columns, widths, v->name, aw_trace_model_get_metrics (g_ptr_array_index (set->models, i)));
      printf ("\n");
    }

  for (guint i = 0; i < set->indices->len; i++)
    {
      const AwVariant *v = aw_scenario_get_variant (set->scenario, g_array_index (set->indices, guint, i));
      const AwMetrics *m = aw_trace_model_get_metrics (g_ptr_array_index (set->models, i));
      g_autofree char *gap = aw_format_duration (m->max_main_loop_gap_ms);

      if (m->outcome != NULL && !g_str_equal (m->outcome, "completed"))
        {
          g_autofree char *outcome = aw_cli_outcome_text (m->outcome);

          printf ("\n%s: %s", v->name, outcome);
        }
      /* Each line starts with the variant's name, untranslated: "NAME: ". */
      if (m->cancel_latency_ms >= 0)
        {
          g_autofree char *latency = aw_format_duration (m->cancel_latency_ms);
          g_autofree char *wasted = aw_format_duration (m->wasted_ms);

          printf ("\n%s: ", v->name);
          /* Translators: both %s are durations like "120 ms". */
          printf (_("cancellation took effect within %s; %s of work ran on after it"), latency, wasted);
        }
      if (m->watchdog_fired)
        {
          printf ("\n%s: ", v->name);
          /* Translators: %s is a duration like "2.00 s". */
          printf (_("deadlock: the UI thread stopped for %s until the watchdog gave up on the wait "
                    "(in C# it never would)"), gap);
        }
      else if (m->max_main_loop_gap_ms >= 100 && m->ui_blocked_ms > 1.5 * m->max_main_loop_gap_ms)
        {
          /* Blocks in a row, with a turn of the loop between them. */
          g_autofree char *total = aw_format_duration (m->ui_blocked_ms);

          printf ("\n%s: ", v->name);
          /* Translators: both %s are durations like "1.20 s": the total, then the longest. */
          printf (_("the UI thread was blocked for %s in all, at most %s at a time"), total, gap);
        }
      else if (m->max_main_loop_gap_ms >= 100)
        {
          printf ("\n%s: ", v->name);
          /* Translators: %s is a duration like "1.20 s". */
          printf (_("the UI thread was blocked for %s"), gap);
        }
    }

  compare = aw_summary_compare_text ((const AwNamedRun *) (gpointer) set->variants->data,
                                     set->variants->len);
  if (compare != NULL)
    printf ("\n%s", compare);
  printf ("\n");
  /* A simulation cut short says so: its figures stop there. */
  for (guint i = 0; i < set->models->len; i++)
    {
      AwTrace *trace = aw_trace_model_get_trace (g_ptr_array_index (set->models, i));
      const char *cut = aw_trace_get_metadata (trace, AW_META_SIMULATION_CUT);
      const char *name = aw_trace_get_metadata (trace, AW_META_VARIANT);

      /* Translators: the first %s is a variant's name, the second why
         its simulation stopped early. */
      if (cut != NULL)
        {
          printf ("\n");
          printf (_("Note: %s: %s."), name != NULL ? name : _("a variant"), cut);
          printf ("\n");
        }
    }

  if (set->predictions != NULL)
    {
      printf ("\n%s\n", _("Predicted by the virtual clock vs measured:"));
      for (guint i = 0; i < set->predictions->len; i++)
        {
          const AwVariant *v = aw_scenario_get_variant (set->scenario, g_array_index (set->indices, guint, i));
          double measured = aw_trace_model_get_metrics (g_ptr_array_index (set->models, i))->wall_ms;
          double predicted = aw_trace_model_get_metrics (g_ptr_array_index (set->predictions, i))->wall_ms;
          g_autofree char *m_text = aw_format_duration (measured);
          g_autofree char *p_text = aw_format_duration (predicted);
          g_autofree char *d_text = format_difference (measured - predicted);
          double change = predicted > 0 ? (measured - predicted) / predicted * 100 : 0.0;
          char percent[G_ASCII_DTOSTR_BUF_SIZE];

          /* For a person: the locale's decimal separator ("+2,5" in German). */
          aw_format_number (percent + 1, sizeof percent - 1, 1, fabs (change));
          percent[0] = change < 0 ? '-' : '+';
          printf ("  %-22s ", v->name);
          /* Translators: three durations, like "1.20 s", then a percentage
             like "+2.5"; keep %10s as it is (it aligns the columns). */
          printf (_("predicted %10s  measured %10s  difference %s (%s%%)"), p_text, m_text, d_text, percent);
          printf ("\n");
        }
    }

  print_warnings_and_verdict (set);
}

/* `run FILE.cs`: a C# program that uses the C# lab, run on Mono. */
static int
run_csharp_file (const char            *path,
                 const AwRunOptions    *options,
                 const AwCsharpLimits  *limits,
                 gboolean            json,
                 const char         *trace_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = aw_csharp_run_file (path, options->speed,
                                                        options->wait_deadline_ms > 0 ? (int) options->wait_deadline_ms
                                                        : AW_WAIT_DEFAULT_DEADLINE_MS, limits, NULL, &error);
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  int widths[AW_CLI_N_COLUMNS];

  if (traces == NULL)
    {
      if (g_error_matches (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_COMPILE))
        {
          /* "bad.cs:12:5: error CS1002: ; expected", a line each, as a
           * compiler prints them, for editors and terminals to follow. */
          g_autofree char *shown = aw_cli_escape_controls (error->message);

          g_printerr ("%s\n", shown);
        }
      else
        aw_cli_print_error ("%s", error->message);
      return 1;
    }
  if (traces->len == 0)
    {
      /* Translators: %s is a C# file; Lab.Variant(...) and Lab.Save() are code. */
      aw_cli_print_error (_("%s recorded no run: call Lab.Variant(...) before Lab.Save()"), path);
      return 1;
    }
  if (trace_path != NULL &&
      !aw_traces_save ((AwTrace **) traces->pdata, traces->len, trace_path, &error))
    {
      aw_cli_print_error ("%s", error->message);
      return 1;
    }
  for (guint i = 0; i < traces->len; i++)
    g_ptr_array_add (models, aw_trace_model_new (g_ptr_array_index (traces, i)));

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, path);
      json_builder_set_member_name (b, "runtime");
      json_builder_add_string_value (b, aw_trace_get_metadata (g_ptr_array_index (traces, 0), "runtime"));
      json_builder_set_member_name (b, "variants");
      json_builder_begin_array (b);
      for (guint i = 0; i < models->len; i++)
        {
          AwTrace *trace = g_ptr_array_index (traces, i);

          aw_cli_add_metrics_json (b, aw_trace_get_metadata (trace, AW_META_VARIANT),
                                   aw_trace_get_metadata (trace, AW_META_VARIANT_TITLE),
                                   g_ptr_array_index (models, i));
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      return 0;
    }

  /* Translators: the first %s is a C# file, the second the runtime, like
     "Mono 6.8.0.105"; %g is a speed like 0.5. */
  printf (_("%s on %s (recorded by the C# lab, speed %g)"), path,
          aw_trace_get_metadata (g_ptr_array_index (traces, 0), "runtime"), options->speed);
  printf ("\n\n");
  aw_cli_runs_header (AW_CLI_COLUMNS_BUT (AW_CLI_COLUMN_TASK_OBJS), widths);
  printf ("\n");
  for (guint i = 0; i < models->len; i++)
    {
      aw_cli_runs_row (AW_CLI_COLUMNS_BUT (AW_CLI_COLUMN_TASK_OBJS), widths,
                       aw_trace_get_metadata (g_ptr_array_index (traces, i), AW_META_VARIANT),
                       aw_trace_model_get_metrics (g_ptr_array_index (models, i)));
      printf ("\n");
    }
  for (guint i = 0; i < models->len; i++)
    {
      const AwMetrics *m = aw_trace_model_get_metrics (g_ptr_array_index (models, i));
      g_autoptr(GPtrArray) warnings = aw_lint_run (g_ptr_array_index (models, i));
      const char *name = aw_trace_get_metadata (g_ptr_array_index (traces, i), AW_META_VARIANT);

      if (m->outcome != NULL && !g_str_equal (m->outcome, "completed"))
        {
          g_autofree char *outcome = aw_cli_outcome_text (m->outcome);

          printf ("\n%s: %s", name, outcome);
        }
      for (guint k = 0; k < warnings->len; k++)
        printf ("\n%s: %s: %s", name, aw_warning_kind_title (((AwWarning *) g_ptr_array_index (warnings, k))->kind),
                ((AwWarning *) g_ptr_array_index (warnings, k))->message);
    }
  printf ("\n");
  return 0;
}

int
aw_cli_run (int    argc,
            char **argv)
{
  g_auto(AwCliRunSet) set = { 0 };
  g_auto(AwCliCsharp) cs = { 0 };
  gboolean csharp = FALSE;
  g_autofree char *variant = NULL;
  g_autofree char *speed = NULL;
  AwRunOptions options;
  gboolean json = FALSE;
  g_autoptr(AwCLocale) c_locale = NULL;
  g_autofree char *trace_path = NULL;
  int cancel_after = -1;
  int workers = 0;
  int cores = 0;
  g_autofree char *pool = NULL;
  int pool_interval = 0;
  int pool_max = 0;
  int deadline = 0;
  int exit_code = 0;
  AwCsharpLimits limits;
  int time_limit = -1;
  int memory_limit = -1;
  int thread_limit = -1;
  GOptionEntry entries[] = {
    /* Translators: the texts of --help. Option names (--virtual-clock),
       the pool kinds (fixed, dotnet) and code (.Result) stay as they are,
       and so do the placeholders MS, X, N, S and MIB: --help shows them
       untranslated beside the option (--speed=X). */
    { "variant", 0, 0, G_OPTION_ARG_STRING, &variant, N_("Run only this variant"), N_("NAME") },
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace_path, N_("Save the runs as Trace Event JSON (opens in Perfetto)"), N_("FILE") },
    { "speed", 0, 0, G_OPTION_ARG_STRING, &speed, N_("Divide every duration by X (default 1)"), "X" },
    { "cancel-after", 0, 0, G_OPTION_ARG_INT, &cancel_after, N_("Press Cancel after MS milliseconds"), "MS" },
    { "workers", 0, 0, G_OPTION_ARG_INT, &workers, N_("Worker threads for cpu work (default: processors, 2 to 8; 2 with --virtual-clock)"), "N" },
    { "cores", 0, 0, G_OPTION_ARG_INT, &cores, N_("With --virtual-clock: processors that CPU work shares (default: one per worker)"), "N" },
    { "pool", 0, 0, G_OPTION_ARG_STRING, &pool, N_("The worker pool: fixed, or dotnet (.NET's, which grows while work waits); default: the scenario's"), N_("KIND") },
    { "pool-interval", 0, 0, G_OPTION_ARG_INT, &pool_interval, N_("How often the dotnet pool may add a thread, in real ms whatever the speed (default: the scenario's, 500 ms at speed 1)"), "MS" },
    { "pool-max", 0, 0, G_OPTION_ARG_INT, &pool_max, N_("The most threads the dotnet pool grows to (default: the scenario's, 32)"), "N" },
    { "deadline", 0, 0, G_OPTION_ARG_INT, &deadline, N_("Watchdog deadline of blocking waits (.Result), 1 to 30000 ms"), "MS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object instead of a table"), NULL },
    { "virtual-clock", 0, 0, G_OPTION_ARG_NONE, &set.virtual_clock, N_("Simulate instead of running: instant, deterministic, simulated timing"), NULL },
    { "predict", 0, 0, G_OPTION_ARG_NONE, &set.predict, N_("Also simulate, and print the prediction beside the measurement"), NULL },
    { "csharp", 0, 0, G_OPTION_ARG_NONE, &csharp, N_("Also run the scenario's C# twin on Mono and show its runs beside the GLib ones"), NULL },
    { "time-limit", 0, 0, G_OPTION_ARG_INT, &time_limit, N_("A FILE.cs is stopped after S seconds, 1 to 3600 (default 30)"), "S" },
    { "memory-limit", 0, 0, G_OPTION_ARG_INT, &memory_limit, N_("A FILE.cs is stopped above MIB MiB of memory, 64 to 65536 (default 1024)"), "MIB" },
    { "thread-limit", 0, 0, G_OPTION_ARG_INT, &thread_limit, N_("A FILE.cs is stopped above N threads, 16 to 4096 (default 256)"), "N" },
    { NULL }
  };

  /* Translators: placeholders of the usage line: a scenario's id or a file. */
  if (!aw_cli_parse_options ("run", N_("ID|FILE"),
                             N_("Runs every variant of a scenario (or one) for real, one after the other,\n"
                                "and prints what each took: wall time, tasks, threads, Task objects (GTasks), errors.\n"
                                "A FILE.cs is a C# program that uses the C# lab: it runs on Mono."),
                             NULL, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      aw_cli_print_error (_("run: give one scenario id or file (see `awaitscope list`)"));
      return 2;
    }

  aw_run_options_init (&options);
  options.heartbeat_ms = AW_CLI_HEARTBEAT_MS;
  options.cancel_after_ms = cancel_after;
  if (!aw_cli_parse_speed (speed, &options.speed))
    return 2;
  if (workers < 0 || workers > 64)
    {
      aw_cli_print_error (_("--workers %d: give a number between 1 and 64"), workers);
      return 2;
    }
  options.workers = workers;
  if (cores < 0 || cores > 64)
    {
      aw_cli_print_error (_("--cores %d: give a number between 1 and 64"), cores);
      return 2;
    }
  options.cores = cores;
  if (!aw_cli_parse_pool (pool, pool_interval, pool_max, &options) ||
      !aw_cli_parse_deadline (deadline, &options))
    return 2;
  if (trace_path != NULL && !aw_cli_check_output_folder (trace_path))
    return 1;
  if (csharp && (set.virtual_clock || set.predict))
    {
      aw_cli_print_error ("%s", _("--csharp runs the C# twin for real: it does not go with --virtual-clock or --predict"));
      return 2;
    }

  /* `--json` is for programs: its numbers and texts are the same in every
   * locale (C), the lesson's texts as bundled. */
  if (json)
    c_locale = aw_c_locale_push ();

  if (g_str_has_suffix (argv[1], ".cs"))
    {
      const char *note;

      if (variant != NULL || set.virtual_clock || set.predict)
        {
          /* Translators: %s is a C# file. */
          aw_cli_print_error (_("run %s: a C# file runs all its variants for real (no --variant, --virtual-clock or --predict)"), argv[1]);
          return 2;
        }
      aw_csharp_limits_init_file (&limits);
      if (time_limit != -1 && (time_limit < 1 || time_limit > 3600))
        {
          aw_cli_print_error (_("--time-limit %d: give a number of seconds between 1 and 3600"), time_limit);
          return 2;
        }
      if (memory_limit != -1 && (memory_limit < 64 || memory_limit > 65536))
        {
          aw_cli_print_error (_("--memory-limit %d: give a number of MiB between 64 and 65536"), memory_limit);
          return 2;
        }
      if (thread_limit != -1 && (thread_limit < 16 || thread_limit > 4096))
        {
          aw_cli_print_error (_("--thread-limit %d: give a number of threads between 16 and 4096"), thread_limit);
          return 2;
        }
      if (time_limit != -1)
        limits.time_s = (guint) time_limit;
      if (memory_limit != -1)
        limits.memory_mib = (guint) memory_limit;
      if (thread_limit != -1)
        limits.threads = (guint) thread_limit;
      /* Say so when the program runs with the network and the user's /tmp. */
      note = aw_csharp_sandbox_note ();
      if (note != NULL && aw_csharp_have_mono (NULL))
        /* Translators: %s says what the sandbox of a C# program lacks. */
        aw_cli_print_error (_("note: %s"), note);
      return run_csharp_file (argv[1], &options, &limits, json, trace_path);
    }
  if (time_limit != -1 || memory_limit != -1 || thread_limit != -1)
    {
      aw_cli_print_error ("%s", _("--time-limit, --memory-limit and --thread-limit are for a FILE.cs"));
      return 2;
    }

  if (!aw_cli_run_set_prepare (&set, argv[1], variant) || !aw_cli_run_set_execute (&set, &options))
    return 1;
  if (csharp && !aw_cli_csharp_run (&cs, &set, &options))
    return 1;

  if (trace_path != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) traces = g_ptr_array_new ();

      for (guint i = 0; i < set.models->len; i++)
        g_ptr_array_add (traces, aw_trace_model_get_trace (g_ptr_array_index (set.models, i)));
      for (guint i = 0; cs.models != NULL && i < cs.models->len; i++)
        g_ptr_array_add (traces, aw_trace_model_get_trace (g_ptr_array_index (cs.models, i)));
      if (!aw_traces_save ((AwTrace **) traces->pdata, traces->len, trace_path, &error))
        {
          aw_cli_print_error ("%s", error->message);
          return 1;
        }
      if (aw_cli_is_terminal (stderr))
        /* Translators: %s is a file's name. */
        g_printerr (_("wrote %s\n"), trace_path);
    }

  if (json)
    print_run_json (&set, &cs, &options);
  else
    {
      print_run_table (&set, &options);
      if (cs.models != NULL)
        aw_cli_csharp_print (&cs, &set);
    }

  return 0;
}

