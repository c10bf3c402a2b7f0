/* aw-cli.c: the headless commands; none of them opens a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "aw-cli.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "aw-catalog.h"
#include "aw-clock.h"
#include "aw-export.h"
#include "aw-render.h"
#include "aw-runner.h"
#include "aw-trace-io.h"
#include "aw-trace-model.h"
#include "aw-verdict.h"

#define CLI_HEARTBEAT_MS 10

typedef struct {
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);
} Command;

static int cmd_list   (int argc, char **argv);
static int cmd_run    (int argc, char **argv);
static int cmd_render (int argc, char **argv);
static int cmd_check  (int argc, char **argv);
static int cmd_replay (int argc, char **argv);
static int cmd_gallery (int argc, char **argv);

static const Command commands[] = {
  { "list",   "List the bundled lesson scenarios, grouped by part", cmd_list },
  { "run",    "Run a scenario for real and print what happened", cmd_run },
  { "render", "Run a scenario and draw its timeline to PNG, SVG or PDF", cmd_render },
  { "check",  "Check scenario files and explain any mistake", cmd_check },
  { "replay", "Draw a saved trace (ours or another tool's) to PNG, SVG or PDF", cmd_replay },
  { "gallery", "Draw every scenario, variant and comparison into a folder, with an index", cmd_gallery },
  
};

static void G_GNUC_PRINTF (1, 2)
print_error (const char *format,
             ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "awaitscope: %s\n", msg);
}

static gboolean
is_terminal (FILE *stream)
{
  return isatty (fileno (stream));
}

/* Parses options; on --help prints and sets *exit_code to 0. */
static gboolean
parse_options (const char   *command,
               const char   *parameters,
               const char   *summary,
               GOptionEntry *entries,
               int          *argc,
               char       ***argv,
               int          *exit_code)
{
  g_autofree char *usage = g_strdup_printf ("%s %s", command, parameters);
  g_autoptr(GOptionContext) context = g_option_context_new (usage);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_set_help_enabled (context, TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      print_error ("%s: %s (see `awaitscope %s --help`)", command, error->message, command);
      *exit_code = 2;
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_speed (const char *text,
             double     *speed)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    return TRUE;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(value >= AW_RUNNER_MIN_SPEED && value <= AW_RUNNER_MAX_SPEED))
    {
      print_error ("--speed %s: give a number between %g and %g (0.25 is slow motion, 4 is four times faster)",
                   text, AW_RUNNER_MIN_SPEED, AW_RUNNER_MAX_SPEED);
      return FALSE;
    }
  *speed = value;
  return TRUE;
}

static gboolean
parse_deadline (int           deadline,
                AwRunOptions *options)
{
  if (deadline < 0 || deadline > AW_WAIT_MAX_DEADLINE_MS)
    {
      print_error ("--deadline %d: give a number of milliseconds between 1 and %d",
                   deadline, AW_WAIT_MAX_DEADLINE_MS);
      return FALSE;
    }
  options->wait_deadline_ms = deadline;
  return TRUE;
}

static gboolean
check_output_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      print_error ("%s: cannot write: the folder %s does not exist", path, dir);
      return FALSE;
    }
  return TRUE;
}

/* The options every picture command shares; returns an exit status, 0 if fine. */
static int
parse_picture_options (gboolean        check_folder,
                       const char     *output,
                       const char     *size,
                       double          scale,
                       const char     *theme_name,
                       AwImageFormat  *format,
                       int            *width,
                       int            *height,
                       const AwTheme **theme)
{
  g_autoptr(GError) error = NULL;

  if (!aw_image_format_from_path (output, format, &error) ||
      (size != NULL && !aw_parse_size (size, width, height, &error)))
    {
      print_error ("%s", error->message);
      return 2;
    }
  if (!(scale >= 0.5 && scale <= 4) || *width * scale > AW_EXPORT_MAX_SIDE || *height * scale > AW_EXPORT_MAX_SIDE)
    {
      print_error ("--scale %g: give a number between 0.5 and 4, with the scaled size at most %d pixels a side",
                   scale, AW_EXPORT_MAX_SIDE);
      return 2;
    }
  *theme = aw_theme_lookup (theme_name ? theme_name : "light");
  if (*theme == NULL)
    {
      g_autofree char *names = g_strjoinv (", ", (char **) aw_theme_list_names ());
      print_error ("unknown theme \"%s\" (themes: %s)", theme_name, names);
      return 2;
    }
  if (check_folder && !check_output_folder (output))
    return 1;
  return 0;
}

static char *
format_ms (double ms)
{
  if (ms >= 1000)
    return g_strdup_printf ("%.2f s", ms / 1000);
  return g_strdup_printf ("%.0f ms", ms);
}

/* Running -------------------------------------------------------------------- */

typedef struct {
  AwScenario      *scenario;
  GArray          *indices;     /* guint: variants to run */
  GPtrArray       *models;      /* AwTraceModel */
  GArray          *variants;    /* AwRenderVariant */
  gboolean         virtual_clock; /* simulate instead of running */
  gboolean         predict;     /* also simulate, to set the prediction beside the run */
  GPtrArray       *predictions; /* AwTraceModel of the simulations, when predicting */
} RunSet;

static void
run_set_clear (RunSet *set)
{
  g_clear_object (&set->scenario);
  g_clear_pointer (&set->indices, g_array_unref);
  g_clear_pointer (&set->models, g_ptr_array_unref);
  g_clear_pointer (&set->variants, g_array_unref);
  g_clear_pointer (&set->predictions, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunSet, run_set_clear)

static gboolean
run_set_prepare (RunSet     *set,
                 const char *id,
                 const char *variant)
{
  g_autoptr(GError) error = NULL;

  set->scenario = aw_catalog_lookup (id, &error);
  if (set->scenario == NULL)
    {
      print_error ("%s", error->message);
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
            g_string_append_printf (names, "%s%s", i ? ", " : "",
                                    aw_scenario_get_variant (set->scenario, i)->name);
          print_error ("scenario \"%s\" has no variant \"%s\" (it has: %s)",
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

static gboolean
run_set_execute (RunSet             *set,
                 const AwRunOptions *options)
{
  gboolean progress = is_terminal (stderr) && !set->virtual_clock;

  set->models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  set->variants = g_array_new (FALSE, TRUE, sizeof (AwRenderVariant));
  if (set->predict)
    set->predictions = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);

  for (guint i = 0; i < set->indices->len; i++)
    {
      guint index = g_array_index (set->indices, guint, i);
      const AwVariant *variant = aw_scenario_get_variant (set->scenario, index);
      g_autoptr(AwTrace) trace = NULL;
      AwRenderVariant rv;
      AwTraceModel *model;

      if (set->virtual_clock)
        trace = aw_clock_simulate (set->scenario, index, options);
      else
        {
          g_autoptr(AwRunner) runner = aw_runner_new (set->scenario, index, options);
          g_autoptr(GError) error = NULL;

          if (progress)
            fprintf (stderr, "running %s (%u of %u)...", variant->name, i + 1, set->indices->len);
          if (!aw_runner_run_sync (runner, &error))
            {
              if (progress)
                fputc ('\n', stderr);
              print_error ("%s: %s", variant->name, error->message);
              return FALSE;
            }
          trace = aw_trace_ref (aw_runner_get_trace (runner));
        }

      model = aw_trace_model_new (trace);
      g_ptr_array_add (set->models, model);
      if (progress)
        {
          g_autofree char *wall = format_ms (aw_trace_model_get_metrics (model)->wall_ms);
          fprintf (stderr, " %s\n", wall);
        }
      if (set->predict)
        {
          g_autoptr(AwTrace) simulated = aw_clock_simulate (set->scenario, index, options);
          g_ptr_array_add (set->predictions, aw_trace_model_new (simulated));
        }

      rv.name = variant->name;
      rv.title = variant->title;
      rv.model = model;
      g_array_append_val (set->variants, rv);
    }

  return TRUE;
}

/* The picture of a set of runs: title, headline, caption and metadata. */
static void
run_set_request (RunSet             *set,
                 const AwRunOptions *options,
                 AwRenderRequest    *request,
                 char              **caption,
                 char              **headline,
                 char              **description)
{
  g_autoptr(AwVerdict) verdict = aw_verdict_check (set->scenario,
                                                   (const AwRenderVariant *) (gpointer) set->variants->data,
                                                   set->variants->len);
  g_autofree char *summary = aw_verdict_to_string (verdict);
  GString *text = g_string_new (NULL);

  *description = set->virtual_clock
    ? g_strdup_printf ("Awaitscope: simulated timing (virtual clock), speed %gx, %u worker threads",
                       options->speed, options->workers ? options->workers : aw_runner_default_workers ())
    : g_strdup_printf ("Awaitscope: recorded run, real clock, speed %gx, %u worker threads",
                       options->speed, options->workers ? options->workers : aw_runner_default_workers ());
  g_string_append_printf (text, "%s. ", *description + strlen ("Awaitscope: "));
  text->str[0] = g_ascii_toupper (text->str[0]);
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
        *headline = aw_verdict_headline (verdict, (const AwRenderVariant *) (gpointer) set->variants->data,
                                         set->variants->len);
      break;
    }

done:
  aw_render_request_init (request);
  request->title = aw_scenario_get_title (set->scenario);
  request->caption = *caption;
  request->headline = *headline;
  request->description = *description;
  request->variants = (const AwRenderVariant *) (gpointer) set->variants->data;
  request->n_variants = set->variants->len;
}

/* list ------------------------------------------------------------------------ */

static int
cmd_list (int    argc,
          char **argv)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  int exit_code = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the list as JSON", NULL },
    { NULL }
  };
  guint part = 0;

  if (!parse_options ("list", "", "Lists the bundled lesson scenarios, grouped by the part of the lesson they teach.",
                      entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    {
      print_error ("list: unexpected argument \"%s\"", argv[1]);
      return 2;
    }

  if (!(all = aw_catalog_load_all (&error)))
    {
      print_error ("%s", error->message);
      return 1;
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "scenarios");
      json_builder_begin_array (builder);
      for (guint i = 0; i < all->len; i++)
        {
          AwScenario *s = g_ptr_array_index (all, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, aw_scenario_get_id (s));
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, aw_scenario_get_title (s));
          json_builder_set_member_name (builder, "part");
          json_builder_add_int_value (builder, aw_scenario_get_part (s));
          json_builder_set_member_name (builder, "variants");
          json_builder_begin_array (builder);
          for (guint v = 0; v < aw_scenario_get_n_variants (s); v++)
            json_builder_add_string_value (builder, aw_scenario_get_variant (s, v)->name);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      return 0;
    }

  for (guint i = 0; i < all->len; i++)
    {
      AwScenario *s = g_ptr_array_index (all, i);

      if (aw_scenario_get_part (s) != part)
        {
          part = aw_scenario_get_part (s);
          printf ("%s%s\n", i ? "\n" : "", aw_scenario_get_part_title (s));
        }
      printf ("  %-20s %s (%u variant%s)\n", aw_scenario_get_id (s), aw_scenario_get_title (s),
              aw_scenario_get_n_variants (s), aw_scenario_get_n_variants (s) == 1 ? "" : "s");
    }

  return 0;
}

/* run --------------------------------------------------------------------------- */

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

static void
add_metrics_json (JsonBuilder      *b,
                  const AwVariant  *variant,
                  AwTraceModel     *model)
{
  const AwMetrics *m = aw_trace_model_get_metrics (model);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, variant->name);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, variant->title);
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
  json_builder_set_member_name (b, "max_main_loop_gap_ms");
  json_builder_add_double_value (b, m->max_main_loop_gap_ms);
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
  json_builder_set_member_name (b, "abandoned_work_ms");
  json_builder_add_double_value (b, aw_lint_abandoned_work_ms (model, NULL));
  json_builder_set_member_name (b, "warnings");
  add_warnings_json (b, model);
  json_builder_end_object (b);
}

static void
add_verdict_json (JsonBuilder *b,
                  RunSet      *set)
{
  g_autoptr(AwVerdict) verdict = aw_verdict_check (set->scenario,
                                                   (const AwRenderVariant *) (gpointer) set->variants->data,
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

static void
print_run_json (RunSet             *set,
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
  json_builder_add_int_value (b, options->workers ? options->workers : aw_runner_default_workers ());
  json_builder_set_member_name (b, "variants");
  json_builder_begin_array (b);
  for (guint i = 0; i < set->indices->len; i++)
    add_metrics_json (b, aw_scenario_get_variant (set->scenario, g_array_index (set->indices, guint, i)),
                      g_ptr_array_index (set->models, i));
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
  compare = aw_render_compare_text ((const AwRenderVariant *) (gpointer) set->variants->data,
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
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}

static void
print_warnings_and_verdict (RunSet *set)
{
  g_autoptr(AwVerdict) verdict = NULL;
  g_autofree char *summary = NULL;
  gboolean header = FALSE;

  for (guint i = 0; i < set->indices->len; i++)
    {
      const AwVariant *v = aw_scenario_get_variant (set->scenario, g_array_index (set->indices, guint, i));
      g_autoptr(GPtrArray) warnings = aw_lint_run (g_ptr_array_index (set->models, i));

      for (guint k = 0; k < warnings->len; k++)
        {
          const AwWarning *w = g_ptr_array_index (warnings, k);

          if (!header)
            printf ("\nWarnings:\n");
          header = TRUE;
          printf ("  %s: %s: %s\n", v->name, aw_warning_kind_title (w->kind), w->message);
        }
    }

  verdict = aw_verdict_check (set->scenario, (const AwRenderVariant *) (gpointer) set->variants->data,
                              set->variants->len);
  summary = aw_verdict_to_string (verdict);
  if (aw_scenario_get_expected_text (set->scenario) != NULL)
    printf ("\nExpected: %s\n", aw_scenario_get_expected_text (set->scenario));
  printf ("%s%s\n", aw_scenario_get_expected_text (set->scenario) ? "" : "\n", summary);
  for (guint i = 0; i < verdict->checks->len; i++)
    {
      const AwCheck *c = g_ptr_array_index (verdict->checks, i);

      printf ("  %-11s %s\n", aw_check_status_to_string (c->status), c->text);
    }
}

static void
print_run_table (RunSet             *set,
                 const AwRunOptions *options)
{
  g_autofree char *compare = NULL;

  printf ("%s: %s (%s, speed %gx, %u worker threads)\n\n",
          aw_scenario_get_id (set->scenario), aw_scenario_get_title (set->scenario),
          set->virtual_clock ? "virtual clock: simulated timing" : "real clock",
          options->speed, options->workers ? options->workers : aw_runner_default_workers ());
  printf ("%-22s %10s %6s %5s %6s %9s %7s %6s %10s %9s\n",
          "variant", "wall", "tasks", "done", "failed", "cancelled", "threads", "gtasks", "unobserved", "max gap");

  for (guint i = 0; i < set->indices->len; i++)
    {
      const AwVariant *v = aw_scenario_get_variant (set->scenario, g_array_index (set->indices, guint, i));
      const AwMetrics *m = aw_trace_model_get_metrics (g_ptr_array_index (set->models, i));
      g_autofree char *wall = format_ms (m->wall_ms);
      g_autofree char *gap = format_ms (m->max_main_loop_gap_ms);

      printf ("%-22s %10s %6u %5u %6u %9u %7u %6u %10u %9s\n",
              v->name, wall, m->tasks, m->completed, m->failed, m->cancelled,
              m->threads_used, m->gtasks_created, m->errors_unobserved, gap);
    }

  for (guint i = 0; i < set->indices->len; i++)
    {
      const AwVariant *v = aw_scenario_get_variant (set->scenario, g_array_index (set->indices, guint, i));
      const AwMetrics *m = aw_trace_model_get_metrics (g_ptr_array_index (set->models, i));

      if (m->outcome != NULL && !g_str_equal (m->outcome, "completed"))
        printf ("\n%s: %s", v->name, m->outcome);
      if (m->cancel_latency_ms >= 0)
        printf ("\n%s: cancellation took effect within %.1f ms; %.0f ms of work ran on after it",
                v->name, m->cancel_latency_ms, m->wasted_ms);
      if (m->watchdog_fired)
        printf ("\n%s: deadlock: the main loop stopped for %.2f s until the watchdog broke the wait",
                v->name, m->max_main_loop_gap_ms / 1000);
      else if (m->max_main_loop_gap_ms >= 100)
        printf ("\n%s: the main loop was blocked for %.2f s", v->name, m->max_main_loop_gap_ms / 1000);
    }

  compare = aw_render_compare_text ((const AwRenderVariant *) (gpointer) set->variants->data,
                                    set->variants->len);
  if (compare != NULL)
    printf ("\n%s", compare);
  printf ("\n");

  if (set->predictions != NULL)
    {
      printf ("\nPredicted by the virtual clock vs measured:\n");
      for (guint i = 0; i < set->predictions->len; i++)
        {
          const AwVariant *v = aw_scenario_get_variant (set->scenario, g_array_index (set->indices, guint, i));
          double measured = aw_trace_model_get_metrics (g_ptr_array_index (set->models, i))->wall_ms;
          double predicted = aw_trace_model_get_metrics (g_ptr_array_index (set->predictions, i))->wall_ms;
          g_autofree char *m_text = format_ms (measured);
          g_autofree char *p_text = format_ms (predicted);

          printf ("  %-22s predicted %10s  measured %10s  difference %+.1f ms (%+.1f%%)\n",
                  v->name, p_text, m_text, measured - predicted,
                  predicted > 0 ? (measured - predicted) / predicted * 100 : 0.0);
        }
    }

  print_warnings_and_verdict (set);
}

static int
cmd_run (int    argc,
         char **argv)
{
  g_auto(RunSet) set = { 0 };
  g_autofree char *variant = NULL;
  g_autofree char *speed = NULL;
  AwRunOptions options;
  gboolean json = FALSE;
  g_autofree char *trace_path = NULL;
  int cancel_after = -1;
  int workers = 0;
  int deadline = 0;
  int exit_code = 0;
  GOptionEntry entries[] = {
    { "variant", 0, 0, G_OPTION_ARG_STRING, &variant, "Run only this variant", "NAME" },
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace_path, "Save the runs as Trace Event JSON (opens in Perfetto)", "FILE" },
    { "speed", 0, 0, G_OPTION_ARG_STRING, &speed, "Divide every duration by X (default 1)", "X" },
    { "cancel-after", 0, 0, G_OPTION_ARG_INT, &cancel_after, "Press Cancel after MS milliseconds", "MS" },
    { "workers", 0, 0, G_OPTION_ARG_INT, &workers, "Worker threads for cpu work (default: processors, 2 to 8)", "N" },
    { "deadline", 0, 0, G_OPTION_ARG_INT, &deadline, "Watchdog deadline of blocking waits (.Result), 1 to 30000 ms", "MS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object instead of a table", NULL },
    { "virtual-clock", 0, 0, G_OPTION_ARG_NONE, &set.virtual_clock, "Simulate instead of running: instant, deterministic, simulated timing", NULL },
    { "predict", 0, 0, G_OPTION_ARG_NONE, &set.predict, "Also simulate, and print the prediction beside the measurement", NULL },
    { NULL }
  };

  if (!parse_options ("run", "ID|FILE",
                      "Runs every variant of a scenario (or one) for real, one after the other,\n"
                      "and prints what each took: wall time, tasks, threads, GTasks, errors.",
                      entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      print_error ("run: give one scenario id or file (see `awaitscope list`)");
      return 2;
    }

  aw_run_options_init (&options);
  options.heartbeat_ms = CLI_HEARTBEAT_MS;
  options.cancel_after_ms = cancel_after;
  if (!parse_speed (speed, &options.speed))
    return 2;
  if (workers < 0 || workers > 64)
    {
      print_error ("--workers %d: give a number between 1 and 64", workers);
      return 2;
    }
  options.workers = workers;
  if (!parse_deadline (deadline, &options))
    return 2;
  if (trace_path != NULL && !check_output_folder (trace_path))
    return 1;

  if (!run_set_prepare (&set, argv[1], variant) || !run_set_execute (&set, &options))
    return 1;

  if (trace_path != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) traces = g_ptr_array_new ();

      for (guint i = 0; i < set.models->len; i++)
        g_ptr_array_add (traces, aw_trace_model_get_trace (g_ptr_array_index (set.models, i)));
      if (!aw_traces_save ((AwTrace **) traces->pdata, traces->len, trace_path, &error))
        {
          print_error ("%s", error->message);
          return 1;
        }
      if (is_terminal (stderr))
        fprintf (stderr, "wrote %s\n", trace_path);
    }

  if (json)
    print_run_json (&set, &options);
  else
    print_run_table (&set, &options);

  return 0;
}

/* render ------------------------------------------------------------------------ */

static int
cmd_render (int    argc,
            char **argv)
{
  g_auto(RunSet) set = { 0 };
  g_autofree char *variant = NULL;
  g_autofree char *speed = NULL;
  g_autofree char *output = NULL;
  g_autofree char *size = NULL;
  g_autofree char *theme_name = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *headline = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;
  AwRenderRequest request;
  AwImageFormat format;
  AwRunOptions options;
  const AwTheme *theme;
  gboolean transparent = FALSE;
  double scale = 1;
  int width = 1280, height = 720;
  int deadline = 0;
  int exit_code = 0;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the picture here (.png, .svg or .pdf)", "FILE" },
    { "virtual-clock", 0, 0, G_OPTION_ARG_NONE, &set.virtual_clock, "Simulate instead of running: instant, reproducible, simulated timing", NULL },
    { "transparent", 0, 0, G_OPTION_ARG_NONE, &transparent, "Leave the background transparent", NULL },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "Picture size (default 1280x720)", "WxH" },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &theme_name, "light, dark, high-contrast or projector", "THEME" },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, "Pixels per point for PNG (2 for HiDPI)", "N" },
    { "variant", 0, 0, G_OPTION_ARG_STRING, &variant, "Draw only this variant", "NAME" },
    { "speed", 0, 0, G_OPTION_ARG_STRING, &speed, "Divide every duration by X (default 1)", "X" },
    { "deadline", 0, 0, G_OPTION_ARG_INT, &deadline, "Watchdog deadline of blocking waits (.Result), 1 to 30000 ms", "MS" },
    { NULL }
  };

  if (!parse_options ("render", "ID|FILE -o FILE",
                      "Runs a scenario for real and draws its timeline: every variant stacked on\n"
                      "one time axis. The format follows the file name: .png, .svg or .pdf.",
                      entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      print_error ("render: give one scenario id or file (see `awaitscope list`)");
      return 2;
    }
  if (output == NULL)
    {
      print_error ("render: say where to write the picture with -o FILE.png (or .svg, .pdf)");
      return 2;
    }

  /* Refuse bad requests before spending seconds on a run. */
  if ((exit_code = parse_picture_options (TRUE, output, size, scale, theme_name, &format, &width, &height, &theme)) != 0)
    return exit_code;

  aw_run_options_init (&options);
  options.heartbeat_ms = CLI_HEARTBEAT_MS;
  if (!parse_speed (speed, &options.speed) || !parse_deadline (deadline, &options))
    return 2;

  if (!run_set_prepare (&set, argv[1], variant) || !run_set_execute (&set, &options))
    return 1;

  run_set_request (&set, &options, &request, &caption, &headline, &description);
  request.theme = theme;
  request.width = width;
  request.height = height;
  request.transparent = transparent;

  if (!aw_export_image (&request, output, scale, &error))
    {
      print_error ("%s", error->message);
      return 1;
    }

  if (is_terminal (stderr))
    fprintf (stderr, "wrote %s\n", output);

  return 0;
}

/* replay ------------------------------------------------------------------------ */

static int
cmd_replay (int    argc,
            char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *size = NULL;
  g_autofree char *theme_name = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GArray) variants = NULL;
  AwRenderRequest request;
  AwImageFormat format;
  const AwTheme *theme;
  const char *clock;
  double scale = 1;
  int width = 1280, height = 720;
  int exit_code = 0;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the picture here (.png, .svg or .pdf)", "FILE" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "Picture size (default 1280x720)", "WxH" },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &theme_name, "light, dark, high-contrast or projector", "THEME" },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, "Pixels per point for PNG (2 for HiDPI)", "N" },
    { NULL }
  };

  if (!parse_options ("replay", "TRACE.json -o FILE",
                      "Draws a saved trace: one saved by `awaitscope run --trace` (every run it\n"
                      "holds, exactly as recorded) or a Trace Event file from another tool.",
                      entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      print_error ("replay: give one trace file");
      return 2;
    }
  if (output == NULL)
    {
      print_error ("replay: say where to write the picture with -o FILE.png (or .svg, .pdf)");
      return 2;
    }
  if ((exit_code = parse_picture_options (TRUE, output, size, scale, theme_name, &format, &width, &height, &theme)) != 0)
    return exit_code;

  traces = aw_traces_load_from_file (argv[1], &error);
  if (traces == NULL)
    {
      print_error ("%s", error->message);
      return 1;
    }

  models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  names = g_ptr_array_new_with_free_func (g_free);
  variants = g_array_new (FALSE, TRUE, sizeof (AwRenderVariant));
  for (guint i = 0; i < traces->len; i++)
    {
      AwTrace *trace = g_ptr_array_index (traces, i);
      const char *title = aw_trace_get_metadata (trace, "variant_title");
      AwRenderVariant rv;
      char *fallback = g_strdup_printf ("run %u", i + 1);

      g_ptr_array_add (names, fallback);
      g_ptr_array_add (models, aw_trace_model_new (trace));
      rv.name = aw_trace_get_metadata (trace, "variant") ? aw_trace_get_metadata (trace, "variant") : fallback;
      rv.title = title ? title : rv.name;
      rv.model = g_ptr_array_index (models, i);
      g_array_append_val (variants, rv);
    }

  base = g_path_get_basename (argv[1]);
  clock = aw_trace_get_metadata (g_ptr_array_index (traces, 0), "clock");
  caption = g_strdup_printf ("Replayed from %s (%s).", base,
                             g_strcmp0 (clock, "virtual") == 0 ? "simulated timing"
                             : g_strcmp0 (clock, "real") == 0 ? "recorded run, real clock"
                             : "imported from another tool");

  aw_render_request_init (&request);
  request.title = aw_trace_get_metadata (g_ptr_array_index (traces, 0), "scenario_title");
  if (request.title == NULL)
    request.title = base;
  request.caption = caption;
  request.variants = (const AwRenderVariant *) (gpointer) variants->data;
  request.n_variants = variants->len;
  request.theme = theme;
  request.width = width;
  request.height = height;

  if (!aw_export_image (&request, output, scale, &error))
    {
      print_error ("%s", error->message);
      return 1;
    }
  if (is_terminal (stderr))
    fprintf (stderr, "wrote %s\n", output);

  return 0;
}

/* gallery ------------------------------------------------------------------------ */

typedef struct {
  const AwTheme *theme;
  int            width;
  int            height;
  double         scale;
  gboolean       transparent;
  gboolean       real;         /* run for real instead of simulating */
  gboolean       formats[3];   /* by AwImageFormat */
  AwRunOptions   options;
} GalleryStyle;

static const char *format_extensions[] = { "png", "svg", "pdf" };

/* Draws one picture of @set in every format asked for; appends the HTML. */
static gboolean
gallery_picture (RunSet             *set,
                 const GalleryStyle *style,
                 const char         *dir,
                 const char         *stem,
                 const char         *heading,
                 GString            *html,
                 GError            **error)
{
  g_autofree char *caption = NULL;
  g_autofree char *headline = NULL;
  g_autofree char *description = NULL;
  g_autofree char *escaped_caption = NULL;
  g_autofree char *escaped_heading = NULL;
  AwRenderRequest request;
  gboolean first = TRUE;

  run_set_request (set, &style->options, &request, &caption, &headline, &description);
  request.theme = style->theme;
  request.width = style->width;
  request.height = style->height;
  request.transparent = style->transparent;

  escaped_caption = g_markup_escape_text (caption, -1);
  escaped_heading = g_markup_escape_text (heading, -1);
  g_string_append_printf (html, "    <figure>\n      <figcaption><strong>%s</strong></figcaption>\n", escaped_heading);

  for (guint f = 0; f < G_N_ELEMENTS (format_extensions); f++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (!style->formats[f])
        continue;
      name = g_strdup_printf ("%s.%s", stem, format_extensions[f]);
      path = g_build_filename (dir, name, NULL);
      if (!aw_export_image (&request, path, style->scale, error))
        return FALSE;
      if (first && f != AW_IMAGE_PDF)
        g_string_append_printf (html, "      <img src=\"%s\" alt=\"%s\" width=\"%d\">\n", name, escaped_heading,
                                style->width);
      else
        g_string_append_printf (html, "      <a href=\"%s\">%s</a>\n", name, format_extensions[f]);
      first = FALSE;
    }
  g_string_append_printf (html, "      <p>%s</p>\n    </figure>\n", escaped_caption);
  return TRUE;
}

static gboolean
gallery_scenario (AwScenario         *scenario,
                  const GalleryStyle *style,
                  const char         *dir,
                  GString            *html,
                  GError            **error)
{
  guint n = aw_scenario_get_n_variants (scenario);
  g_autofree char *title = g_markup_escape_text (aw_scenario_get_title (scenario), -1);
  g_autofree char *summary = g_markup_escape_text (aw_scenario_get_summary (scenario)
                                                     ? aw_scenario_get_summary (scenario) : "", -1);

  g_string_append_printf (html, "  <section id=\"%s\">\n    <h2>%s</h2>\n    <p>%s</p>\n",
                          aw_scenario_get_id (scenario), title, summary);

  /* The comparison of every variant, then each variant alone. */
  for (int v = -1; v < (int) n; v++)
    {
      g_auto(RunSet) set = { 0 };
      g_autofree char *stem = NULL;
      g_autofree char *heading = NULL;

      if (v >= 0 && n == 1)
        break;
      set.scenario = g_object_ref (scenario);
      set.virtual_clock = !style->real;
      set.indices = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; i < n; i++)
        if (v < 0 || (guint) v == i)
          g_array_append_val (set.indices, i);

      if (!run_set_execute (&set, &style->options))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the run failed");
          return FALSE;
        }

      stem = v < 0 ? g_strdup (aw_scenario_get_id (scenario))
                   : g_strdup_printf ("%s-%s", aw_scenario_get_id (scenario), aw_scenario_get_variant (scenario, v)->name);
      heading = v < 0 ? g_strdup (n > 1 ? "All variants on one time axis" : aw_scenario_get_variant (scenario, 0)->title)
                      : g_strdup (aw_scenario_get_variant (scenario, v)->title);
      if (!gallery_picture (&set, style, dir, stem, heading, html, error))
        return FALSE;
    }

  g_string_append (html, "  </section>\n");
  return TRUE;
}

static int
cmd_gallery (int    argc,
             char **argv)
{
  g_autofree char *formats = NULL;
  g_autofree char *size = NULL;
  g_autofree char *theme_name = NULL;
  g_autofree char *index_path = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) html = g_string_new (NULL);
  g_autoptr(GBytes) index = NULL;
  g_auto(GStrv) format_list = NULL;
  GalleryStyle style = { 0 };
  gboolean progress = is_terminal (stderr);
  guint failures = 0;
  int exit_code = 0;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &formats, "Comma-separated formats: png, svg, pdf (default png)", "LIST" },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &theme_name, "light, dark, high-contrast or projector", "THEME" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "Picture size (default 1280x720)", "WxH" },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &style.scale, "Pixels per point for PNG (2 for HiDPI)", "N" },
    { "transparent", 0, 0, G_OPTION_ARG_NONE, &style.transparent, "Leave the background transparent", NULL },
    { "real", 0, 0, G_OPTION_ARG_NONE, &style.real, "Run every scenario for real instead of simulating (slow, not reproducible)", NULL },
    { NULL }
  };

  if (!parse_options ("gallery", "DIR",
                      "Draws every scenario into DIR: the comparison of its variants and each variant\n"
                      "alone, with an index.html of the pictures, titles and captions. Timing is\n"
                      "simulated (the virtual clock), so two runs give identical files.",
                      entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      print_error ("gallery: give the folder to draw into");
      return 2;
    }

  style.width = 1280;
  style.height = 720;
  if (style.scale == 0)
    style.scale = 1;
  format_list = g_strsplit (formats ? formats : "png", ",", -1);
  for (guint i = 0; format_list[i] != NULL; i++)
    {
      g_autofree char *f = g_strstrip (g_ascii_strdown (format_list[i], -1));
      gboolean known = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (format_extensions); k++)
        if (g_str_equal (f, format_extensions[k]))
          known = style.formats[k] = TRUE;
      if (!known)
        {
          print_error ("--format: unknown format \"%s\" (png, svg, pdf)", f);
          return 2;
        }
    }
  {
    g_autofree char *probe = g_build_filename (argv[1], "x.png", NULL);
    AwImageFormat format;

    if ((exit_code = parse_picture_options (FALSE, probe, size, style.scale, theme_name, &format, &style.width,
                                            &style.height, &style.theme)) != 0)
      return exit_code;
  }
  if (g_mkdir_with_parents (argv[1], 0755) != 0)
    {
      print_error ("%s: cannot create the folder: %s", argv[1], g_strerror (errno));
      return 1;
    }

  aw_run_options_init (&style.options);
  style.options.heartbeat_ms = CLI_HEARTBEAT_MS;
  style.options.wait_deadline_ms = 2000;

  if (!(all = aw_catalog_load_all (&error)))
    {
      print_error ("%s", error->message);
      return 1;
    }

  g_string_append (html,
                   "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
                   "  <title>Awaitscope gallery</title>\n"
                   "  <style>body { font-family: \"DejaVu Sans\", sans-serif; max-width: 1340px; margin: 2em auto; }\n"
                   "  figure { margin: 1em 0 2em; } img { max-width: 100%; height: auto; border: 1px solid #ccc; }\n"
                   "  figcaption { margin-bottom: 0.4em; } p { color: #444; }</style>\n</head>\n<body>\n"
                   "  <h1>Awaitscope gallery</h1>\n");
  g_string_append_printf (html, "  <p>%s. Regenerate with <code>awaitscope gallery DIR</code>.</p>\n",
                          style.real ? "Recorded runs, real clock" : "Simulated timing (virtual clock)");

  for (guint i = 0; i < all->len; i++)
    {
      AwScenario *scenario = g_ptr_array_index (all, i);
      g_autoptr(GError) local_error = NULL;
      gsize mark = html->len;

      if (progress)
        fprintf (stderr, "[%u/%u] %s\n", i + 1, all->len, aw_scenario_get_id (scenario));
      if (!gallery_scenario (scenario, &style, argv[1], html, &local_error))
        {
          /* Report it and go on with the others. */
          print_error ("gallery: %s: %s", aw_scenario_get_id (scenario), local_error->message);
          g_string_truncate (html, mark);
          failures++;
        }
    }
  g_string_append (html, "</body>\n</html>\n");

  index_path = g_build_filename (argv[1], "index.html", NULL);
  index = g_bytes_new (html->str, html->len);
  if (!aw_write_file_atomic (index_path, index, &error))
    {
      print_error ("%s", error->message);
      return 1;
    }
  if (progress)
    fprintf (stderr, "wrote %s\n", index_path);

  return failures > 0 ? 1 : 0;
}

/* check ------------------------------------------------------------------------ */

static int
cmd_check (int    argc,
           char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  int exit_code = 0;
  int failures = 0;

  if (!parse_options ("check", "FILE.json...",
                      "Checks scenario files: JSON syntax, node types, fields, durations and limits.\n"
                      "Each problem is reported as FILE:LINE:COLUMN: explanation.",
                      entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    {
      print_error ("check: give one or more scenario files");
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AwScenario) scenario = aw_scenario_new_from_file (argv[i], &error);

      if (scenario == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          failures++;
          continue;
        }

      printf ("%s: ok: \"%s\", %u variant%s\n", argv[i], aw_scenario_get_id (scenario),
              aw_scenario_get_n_variants (scenario),
              aw_scenario_get_n_variants (scenario) == 1 ? "" : "s");
      for (guint v = 0; v < aw_scenario_get_n_variants (scenario); v++)
        {
          const AwVariant *variant = aw_scenario_get_variant (scenario, v);
          printf ("  %-20s %" G_GUINT64_FORMAT " task%s\n", variant->name, variant->n_tasks,
                  variant->n_tasks == 1 ? "" : "s");
        }
    }

  return failures > 0 ? 1 : 0;
}

/* Dispatch ----------------------------------------------------------------------- */

static void
print_usage (FILE *stream)
{
  fprintf (stream,
           "Usage: awaitscope [COMMAND] [OPTION...]\n\n"
           "Awaitscope runs small asynchronous programs for real on GLib and draws\n"
           "what happened on a timeline. Without a command it %s.\n\n"
           "Commands (no display needed):\n",
#ifdef AW_HAVE_GTK
           "opens the window"
#else
           "renders the default scenario to a PNG"
#endif
           );
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (stream, "\nRun `awaitscope COMMAND --help` for a command's options.\n");
}

gboolean
aw_cli_is_command (const char *name)
{
  if (name == NULL)
    return FALSE;
  if (g_str_equal (name, "help") || g_str_equal (name, "--help") || g_str_equal (name, "-h") ||
      g_str_equal (name, "--version"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (name, commands[i].name))
      return TRUE;
  return FALSE;
}

int
aw_cli_main (int    argc,
             char **argv)
{
  const char *name = argv[1];

  setlocale (LC_ALL, "");
  aw_catalog_init ();

  if (g_str_equal (name, "--version"))
    {
      printf ("awaitscope %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_str_equal (name, "help") || g_str_equal (name, "--help") || g_str_equal (name, "-h"))
    {
      print_usage (stdout);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (name, commands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("awaitscope %s", name);

        g_set_prgname (prgname);
        return commands[i].run (argc - 1, argv + 1);
      }

  print_error ("unknown command \"%s\"", name);
  print_usage (stderr);
  return 2;
}

/**
 * aw_cli_render_default:
 * @path: (nullable): where to write, or %NULL for a file in the cache folder
 *
 * Renders the default scenario to a PNG and prints where it went: what the
 * app does without a command when it cannot open a window.
 */
int
aw_cli_render_default (const char *path)
{
  g_autofree char *default_path = NULL;
  char *args[] = { (char *) "render", (char *) AW_CATALOG_DEFAULT_ID, (char *) "-o", NULL, NULL };
  int ret;

  if (path == NULL)
    {
      g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "awaitscope", NULL);

      g_mkdir_with_parents (dir, 0755);
      default_path = g_build_filename (dir, AW_CATALOG_DEFAULT_ID ".png", NULL);
      path = default_path;
    }
  args[3] = (char *) path;

  aw_catalog_init ();
  g_set_prgname ("awaitscope render");
  ret = cmd_render (4, args);
  if (ret == 0)
    printf ("%s\n", path);

  return ret;
}
