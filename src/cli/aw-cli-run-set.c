/* aw-cli-run-set.c: runs of one scenario, for the commands that run and draw
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `run`, `render` and `gallery` all pick variants of a scenario, run them
 * one after the other (for real, or simulated on the virtual clock) and
 * describe the result the same way: the caption, the line under the title
 * and the file's metadata come from here so that a picture and a table of
 * the same runs say the same thing.
 */

#include "config.h"

#include "aw-cli-private.h"

#include <string.h>

#include "aw-catalog.h"
#include "aw-clock.h"
#include "aw-i18n.h"
#include "aw-verdict.h"

void
aw_cli_run_set_clear (AwCliRunSet *set)
{
  g_clear_object (&set->scenario);
  g_clear_pointer (&set->indices, g_array_unref);
  g_clear_pointer (&set->models, g_ptr_array_unref);
  g_clear_pointer (&set->variants, g_array_unref);
  g_clear_pointer (&set->predictions, g_ptr_array_unref);
}

/* Looks the scenario up and picks @variant, or every variant. */
gboolean
aw_cli_run_set_prepare (AwCliRunSet *set,
                        const char  *id,
                        const char  *variant)
{
  g_autoptr(GError) error = NULL;

  set->scenario = aw_catalog_lookup (id, &error);
  if (set->scenario == NULL)
    {
      aw_cli_print_error ("%s", error->message);
      return FALSE;
    }

  set->indices = g_array_new (FALSE, FALSE, sizeof (guint));
  if (variant != NULL)
    {
      guint index;

      if (aw_scenario_find_variant (set->scenario, variant, &index) == NULL)
        {
          g_autoptr(GString) names = g_string_new (NULL);

          for (guint i = 0; i < aw_scenario_get_n_variants (set->scenario); i++)
            /* Translators: what separates the items of a list ("a, b, c"). */
            g_string_append_printf (names, "%s%s", i ? C_("list", ", ") : "",
                                    aw_scenario_get_variant (set->scenario, i)->name);
          /* Translators: a scenario's id, the variant asked for, then the
             list of its variants. */
          aw_cli_print_error (_("scenario \"%s\" has no variant \"%s\" (it has: %s)"),
                              aw_scenario_get_id (set->scenario), variant, names->str);
          return FALSE;
        }
      g_array_append_val (set->indices, index);
    }
  else
    {
      for (guint i = 0; i < aw_scenario_get_n_variants (set->scenario); i++)
        g_array_append_val (set->indices, i);
    }

  return TRUE;
}

/* Runs the picked variants one after the other; progress goes to a terminal. */
gboolean
aw_cli_run_set_execute (AwCliRunSet        *set,
                        const AwRunOptions *options)
{
  gboolean progress = aw_cli_is_terminal (stderr) && !set->virtual_clock;

  set->models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  set->variants = g_array_new (FALSE, TRUE, sizeof (AwNamedRun));
  if (set->predict)
    set->predictions = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);

  for (guint i = 0; i < set->indices->len; i++)
    {
      guint index = g_array_index (set->indices, guint, i);
      const AwVariant *variant = aw_scenario_get_variant (set->scenario, index);
      g_autoptr(AwTrace) trace = NULL;
      AwNamedRun rv;
      AwTraceModel *model;

      if (set->virtual_clock)
        trace = aw_clock_simulate (set->scenario, index, options);
      else
        {
          g_autoptr(AwRunner) runner = aw_runner_new (set->scenario, index, options);
          g_autoptr(GError) error = NULL;

          if (progress)
            /* Translators: progress: a variant's name, then which run of
               how many; the run's time follows on the same line. */
            g_printerr (_("running %s (%u of %u)..."), variant->name, i + 1, set->indices->len);
          if (!aw_runner_run_sync (runner, &error))
            {
              if (progress)
                fputc ('\n', stderr);
              aw_cli_print_error ("%s: %s", variant->name, error->message);
              return FALSE;
            }
          trace = aw_trace_ref (aw_runner_get_trace (runner));
        }

      model = aw_trace_model_new (trace);
      g_ptr_array_add (set->models, model);
      if (progress)
        {
          g_autofree char *wall = aw_format_duration (aw_trace_model_get_metrics (model)->wall_ms);
          g_printerr (" %s\n", wall);
        }
      if (set->predict)
        {
          /* The prediction of this run: its pool, this machine's default. */
          AwRunOptions same = *options;
          g_autoptr(AwTrace) simulated = NULL;

          if (same.workers == 0)
            same.workers = aw_runner_default_workers ();
          simulated = aw_clock_simulate (set->scenario, index, &same);
          g_ptr_array_add (set->predictions, aw_trace_model_new (simulated));
        }

      rv.name = variant->name;
      rv.title = variant->title;
      rv.model = model;
      g_array_append_val (set->variants, rv);
    }

  return TRUE;
}

/* The worker pool the runs had, in words (aw_cli_describe_pool()). */
char *
aw_cli_run_set_describe_pool (AwCliRunSet *set)
{
  g_assert (set->models != NULL && set->models->len > 0);
  return aw_cli_describe_pool (aw_trace_model_get_trace (g_ptr_array_index (set->models, 0)));
}

/* The picture of a set of runs: title, headline, caption and metadata. */
void
aw_cli_run_set_request (AwCliRunSet         *set,
                        const AwRunOptions  *options,
                        AwRenderRequest     *request,
                        char               **caption,
                        char               **headline,
                        char               **description)
{
  g_autoptr(AwVerdict) verdict = aw_verdict_check (set->scenario,
                                                   (const AwNamedRun *) (gpointer) set->variants->data,
                                                   set->variants->len);
  g_autofree char *summary = aw_verdict_to_string (verdict);
  g_autofree char *speed = aw_format_speed (options->speed);
  g_autofree char *pool = aw_cli_run_set_describe_pool (set);
  GString *text = g_string_new (NULL);

  /* The file's metadata is for programs: the same in every locale. */
  {
    g_autoptr(AwCLocale) c_locale = aw_c_locale_push ();
    g_autofree char *c_speed = aw_format_speed (options->speed);
    g_autofree char *c_pool = aw_cli_run_set_describe_pool (set);

    *description = set->virtual_clock
      ? g_strdup_printf ("Awaitscope: simulated timing (virtual clock), speed %s, %s", c_speed, c_pool)
      : g_strdup_printf ("Awaitscope: recorded run, real clock, speed %s, %s", c_speed, c_pool);
  }
  /* The caption is for a reader: the figures and words as the locale
   * writes them. */
  /* Translators: a picture's caption; the first %s is a speed like "0.5x",
     the second the worker pool, like "2 worker threads". */
  if (set->virtual_clock)
    g_string_append_printf (text, _("Simulated timing (virtual clock), speed %s, %s."), speed, pool);
  else
    g_string_append_printf (text, _("Recorded run, real clock, speed %s, %s."), speed, pool);
  g_string_append_c (text, ' ');
  if (aw_scenario_get_expected_text (set->scenario) != NULL)
    g_string_append_printf (text, "%s ", aw_scenario_get_expected_text (set->scenario));
  g_string_append_printf (text, "%s.", summary);
  *caption = g_string_free (text, FALSE);

  /* Wall times, and main-loop freezes, have their own comparison line;
   * other claims (GTasks, errors, wasted work) are shown with their figures. */
  *headline = NULL;
  for (guint i = 0; i < set->models->len; i++)
    if (aw_trace_model_get_metrics (g_ptr_array_index (set->models, i))->max_main_loop_gap_ms >= 100)
      goto done;
  for (guint i = 0; i < verdict->checks->len; i++)
    {
      const AwCheck *check = g_ptr_array_index (verdict->checks, i);

      if (check->status == AW_CHECK_NOT_CHECKED)
        continue;
      if (!g_str_equal (check->metric, "wall_ms"))
        *headline = aw_verdict_headline (verdict, (const AwNamedRun *) (gpointer) set->variants->data,
                                         set->variants->len);
      break;
    }

done:
  aw_render_request_init (request);
  request->title = aw_scenario_get_title (set->scenario);
  request->caption = *caption;
  request->headline = *headline;
  request->description = *description;
  request->variants = (const AwNamedRun *) (gpointer) set->variants->data;
  request->n_variants = set->variants->len;
}
