/* aw-cli-csharp.c: a scenario's C# twin run on Mono beside its GLib runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `run ID --csharp`, `render ID --csharp` and `gallery --csharp` run the
 * scenario's C# twin through the C# lab (aw-csharp.c) after the GLib runs,
 * and show each variant's two runs together: in a table, in JSON, or as a
 * picture whose blocks alternate "C# on Mono" and "GLib" on one time axis.
 * Where the two runs end differently, and where the lesson's text says
 * GLib and C# differ, that is pointed out.
 */

#include "config.h"

#include "aw-cli-private.h"

#include <string.h>

#include "aw-csharp.h"
#include "aw-i18n.h"
#include "aw-summary.h"

void
aw_cli_csharp_clear (AwCliCsharp *cs)
{
  g_clear_pointer (&cs->models, g_ptr_array_unref);
  g_clear_pointer (&cs->titles, g_ptr_array_unref);
  g_clear_pointer (&cs->both, g_array_unref);
  g_clear_pointer (&cs->runtime, g_free);
}

/* The twin's run of variant @name, or NULL. */
static AwTraceModel *
find_model (GPtrArray  *models,
            const char *name)
{
  for (guint i = 0; i < models->len; i++)
    {
      AwTraceModel *model = g_ptr_array_index (models, i);
      const char *variant = aw_trace_get_metadata (aw_trace_model_get_trace (model), AW_META_VARIANT);

      if (g_strcmp0 (variant, name) == 0)
        return model;
    }
  return NULL;
}

/* Runs the twin of @set's scenario at the options' speed and deadline, and
 * pairs its runs with @set's. */
gboolean
aw_cli_csharp_run (AwCliCsharp        *cs,
                   AwCliRunSet        *set,
                   const AwRunOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = NULL;
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  gboolean progress = aw_cli_is_terminal (stderr);
  const char *id = aw_scenario_get_id (set->scenario);

  if (progress)
    g_printerr ("%s", _("running the C# twin on Mono..."));
  /* The GLib runs' watchdog deadline: --deadline, else the waits' own (5 s). */
  traces = aw_csharp_run_twin (id, options->speed,
                               options->wait_deadline_ms > 0 ? (int) options->wait_deadline_ms : AW_WAIT_DEFAULT_DEADLINE_MS,
                               NULL, &error);
  if (progress)
    g_printerr (traces ? " %s\n" : "\n", C_("progress", "done"));
  if (traces == NULL)
    {
      aw_cli_print_error ("%s --csharp: %s", id, error->message);
      return FALSE;
    }
  for (guint i = 0; i < traces->len; i++)
    g_ptr_array_add (loaded, aw_trace_model_new (g_ptr_array_index (traces, i)));

  cs->models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  cs->titles = g_ptr_array_new_with_free_func (g_free);
  cs->both = g_array_new (FALSE, TRUE, sizeof (AwNamedRun));
  for (guint i = 0; i < set->variants->len; i++)
    {
      const AwNamedRun *glib = &g_array_index (set->variants, AwNamedRun, i);
      AwTraceModel *model = find_model (loaded, glib->name);
      AwNamedRun rv;
      char *title;

      g_ptr_array_add (cs->models, model ? aw_trace_model_ref (model) : NULL);
      if (model == NULL)
        {
          /* Translators: a scenario's id, then a variant's name. */
          aw_cli_print_error (_("%s --csharp: the C# twin has no variant \"%s\""), id, glib->name);
          return FALSE;
        }
      if (cs->runtime == NULL && aw_trace_get_metadata (aw_trace_model_get_trace (model), "runtime") != NULL)
        {
          /* "Mono 6.8.0.105 (Debian ...)": the name and version only. */
          const char *runtime = aw_trace_get_metadata (aw_trace_model_get_trace (model), "runtime");
          const char *paren = strstr (runtime, " (");

          cs->runtime = paren ? g_strndup (runtime, paren - runtime) : g_strdup (runtime);
        }

      /* Translators: a lane's title: %s is a variant's title. */
      title = g_strdup_printf (_("C# on Mono: %s"), glib->title ? glib->title : glib->name);
      g_ptr_array_add (cs->titles, title);
      /* A saved trace (run --trace) keeps the C# runs apart from the GLib ones. */
      aw_trace_set_metadata (aw_trace_model_get_trace (model), AW_META_VARIANT_TITLE, title);
      aw_trace_set_metadata (aw_trace_model_get_trace (model), AW_META_SCENARIO_TITLE,
                             aw_scenario_get_title (set->scenario));
      rv.name = glib->name;
      rv.title = title;
      rv.model = model;
      g_array_append_val (cs->both, rv);

      /* Translators: a lane's title: %s is a variant's title. */
      title = g_strdup_printf (_("GLib: %s"), glib->title ? glib->title : glib->name);
      g_ptr_array_add (cs->titles, title);
      rv = *glib;
      rv.title = title;
      g_array_append_val (cs->both, rv);
    }
  return TRUE;
}

/* "faulted: card declined" -> "faulted" */
static char *
outcome_word (const AwMetrics *m)
{
  const char *outcome = m->outcome ? m->outcome : "unfinished";
  const char *colon = strchr (outcome, ':');

  return colon ? g_strndup (outcome, colon - outcome) : g_strdup (outcome);
}

static const char *
outcome_detail (const AwMetrics *m)
{
  const char *colon = m->outcome ? strchr (m->outcome, ':') : NULL;

  return colon ? colon + 2 : NULL;
}

/**
 * aw_cli_csharp_differences:
 * @cs: the twin's runs
 * @set: the GLib runs
 *
 * Returns: (transfer full): what differs, one line each: the runs' own
 * differences (outcome, watchdog, crash), then what the lesson's text says
 * about GLib and C#
 */
GPtrArray *
aw_cli_csharp_differences (AwCliCsharp *cs,
                           AwCliRunSet *set)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *narration = aw_scenario_get_narration (set->scenario);
  g_auto(GStrv) paragraphs = NULL;

  for (guint i = 0; i < set->variants->len; i++)
    {
      const AwNamedRun *glib = &g_array_index (set->variants, AwNamedRun, i);
      const AwMetrics *g = aw_trace_model_get_metrics (glib->model);
      const AwMetrics *c = aw_trace_model_get_metrics (g_ptr_array_index (cs->models, i));
      g_autofree char *gw = outcome_word (g);
      g_autofree char *cw = outcome_word (c);

      /* Each line starts with the variant's name, untranslated; `run
       * --json` reads these in the C locale, in English. */
      if (!g_str_equal (gw, cw))
        {
          g_autofree char *gt = aw_cli_outcome_text (gw);
          g_autofree char *ct = aw_cli_outcome_text (cw);

          /* Translators: a variant's name, then how it ended in GLib and in C#. */
          g_ptr_array_add (lines, g_strdup_printf (_("%s: GLib %s, C# %s"), glib->name, gt, ct));
        }
      else if (g_str_equal (gw, "faulted") && g_strcmp0 (outcome_detail (g), outcome_detail (c)) != 0)
        /* Translators: a variant's name, then the error of each run. */
        g_ptr_array_add (lines, g_strdup_printf (_("%s: both faulted; GLib: %s; C#: %s"), glib->name,
                                                 outcome_detail (g), outcome_detail (c)));
      if (g->watchdog_fired != c->watchdog_fired)
        /* Translators: a variant's name, then "GLib" or "C#". */
        g_ptr_array_add (lines, g_strdup_printf (_("%s: the watchdog fired only in %s"), glib->name,
                                                 g->watchdog_fired ? "GLib" : "C#"));
      if (g->errors_unobserved != c->errors_unobserved)
        g_ptr_array_add (lines, g_strdup_printf (c->errors_unobserved < g->errors_unobserved
                                                 /* Translators: a variant's name, then two counts. */
                                                 ? _("%s: unobserved errors: GLib %u, C# %u (.NET reports one only when its Task is garbage-collected)")
                                                 : _("%s: unobserved errors: GLib %u, C# %u"),
                                                 glib->name, g->errors_unobserved, c->errors_unobserved));
    }

  /* What the lesson itself says about the two. */
  paragraphs = g_strsplit (narration ? narration : "", "\n", -1);
  for (guint i = 0; paragraphs[i] != NULL; i++)
    {
      const char *p = g_strstrip (paragraphs[i]);

      if (strstr (p, "GLib") != NULL && strstr (p, "C#") != NULL)
        /* Translators: %s is a paragraph of the lesson. */
        g_ptr_array_add (lines, g_strdup_printf (_("the lesson says: %s"), p));
    }
  return lines;
}

static void
print_table (const char   *heading,
             GArray       *variants,
             GPtrArray    *models)
{
  guint columns = AW_CLI_COLUMNS_BUT (AW_CLI_COLUMN_TASK_OBJS);
  int widths[AW_CLI_N_COLUMNS];

  printf ("%s\n", heading);
  aw_cli_runs_header (columns, widths);
  printf ("\n");
  for (guint i = 0; i < variants->len; i++)
    {
      const AwNamedRun *v = &g_array_index (variants, AwNamedRun, i);
      const AwMetrics *m = aw_trace_model_get_metrics (models ? g_ptr_array_index (models, i) : v->model);
      g_autofree char *word = outcome_word (m);
      g_autofree char *shown = aw_cli_outcome_text (word);

      aw_cli_runs_row (columns, widths, v->name, m);
      printf ("  %s\n", shown);
    }
}

/* `run ID --csharp`: both runs of each variant, and what differs. */
void
aw_cli_csharp_print (AwCliCsharp *cs,
                     AwCliRunSet *set)
{
  /* Translators: a heading; %s is the runtime, like "Mono 6.8.0.105". */
  g_autofree char *runtime = g_strdup_printf (_("C# on %s:"), cs->runtime ? cs->runtime : "Mono");
  g_autofree char *heading = g_strconcat ("\n", runtime, NULL);
  g_autofree char *glib = g_strconcat ("\n", C_("heading", "GLib:"), NULL);
  g_autoptr(GPtrArray) diffs = aw_cli_csharp_differences (cs, set);

  print_table (glib, set->variants, NULL);
  print_table (heading, set->variants, cs->models);
  printf ("\n%s\n", _("Where C# and GLib differ:"));
  if (diffs->len == 0)
    printf ("  %s\n", _("nothing: every variant ended the same way in both"));
  for (guint i = 0; i < diffs->len; i++)
    printf ("  - %s\n", (const char *) g_ptr_array_index (diffs, i));
}

/* `run ID --csharp --json`: a "csharp" member beside the GLib figures. */
void
aw_cli_csharp_add_json (AwCliCsharp *cs,
                        AwCliRunSet *set,
                        JsonBuilder *b)
{
  g_autoptr(GPtrArray) diffs = aw_cli_csharp_differences (cs, set);

  json_builder_set_member_name (b, "csharp");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "runtime");
  json_builder_add_string_value (b, cs->runtime ? cs->runtime : "Mono");
  json_builder_set_member_name (b, "variants");
  json_builder_begin_array (b);
  for (guint i = 0; i < set->variants->len; i++)
    {
      const AwNamedRun *v = &g_array_index (set->variants, AwNamedRun, i);

      aw_cli_add_metrics_json (b, v->name, v->title, g_ptr_array_index (cs->models, i));
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "differences");
  json_builder_begin_array (b);
  for (guint i = 0; i < diffs->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (diffs, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* The picture: "C# on Mono" and "GLib" blocks of each variant, one time axis. */
void
aw_cli_csharp_request (AwCliCsharp     *cs,
                       AwCliRunSet     *set,
                       AwRenderRequest *request,
                       char           **caption,
                       char           **headline)
{
  g_autofree char *old = *caption;
  g_autofree char *twice = NULL;

  /* The comparison line compares the variants, not a variant's C# run
   * with another's GLib run: the GLib runs', as without --csharp. */
  if (request->headline == NULL)
    {
      g_free (*headline);
      *headline = aw_summary_compare_text ((const AwNamedRun *) (gpointer) set->variants->data, set->variants->len);
      request->headline = *headline;
    }

  request->variants = (const AwNamedRun *) (gpointer) cs->both->data;
  request->n_variants = cs->both->len;
  /* Translators: a picture's caption: %s is the runtime, like "Mono
     6.8.0.105"; the rest of the caption follows. */
  twice = g_strdup_printf (_("Each variant twice: its C# twin on %s (recorded by the C# lab), then the GLib run."),
                           cs->runtime ? cs->runtime : "Mono");
  *caption = g_strdup_printf ("%s %s", twice, old ? old : "");
  request->caption = *caption;
}
