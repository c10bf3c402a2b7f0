/* awaitscope-bench.c: every speed goal against its limit, measured in one run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints, per goal, our figure, the limit it is compared with (measured in
 * this same process run), the ratio, the goal and PASS or FAIL; --json
 * prints the same as one JSON object. Run it under a display for the window
 * goals: `xvfb-run -a dbus-run-session -- build/bench/awaitscope-bench`.
 */

#include "config.h"

#include "bench.h"

#include <math.h>
#include <stdio.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

typedef void (*SectionFunc) (AwBench *bench);

/* Memory first: it measures what the process gains, best from a fresh one. */
static const struct {
  const char  *name;
  SectionFunc  func;
} sections[] = {
  { "memory", aw_bench_memory },
  { "recorder", aw_bench_recorder },
  { "timers", aw_bench_timers },
  { "cancel", aw_bench_cancel },
  { "render", aw_bench_render },
  { "picture", aw_bench_picture },
  { "startup", aw_bench_startup },
  { "frames", aw_bench_frames },
};

static void
goal_free (gpointer data)
{
  AwBenchGoal *g = data;

  g_free (g->name);
  g_free (g->unit);
  g_free (g->what);
  g_free (g->limit_what);
  g_free (g->note);
  g_free (g);
}

static const char *
verdict (const AwBenchGoal *g)
{
  if (!g->measured)
    return "SKIP";
  return g->pass ? "PASS" : "FAIL";
}

static void
print_table (AwBench *bench)
{
  guint passed = 0, measured = 0;

  printf ("%-30s %14s %14s %9s %9s  %s\n", "goal", "figure", "limit", "ratio", "goal", "result");
  for (guint i = 0; i < bench->goals->len; i++)
    {
      const AwBenchGoal *g = g_ptr_array_index (bench->goals, i);
      g_autofree char *value = NULL, *limit = NULL, *ratio = NULL, *goal = NULL;

      goal = g_strdup_printf ("<= %.4gx", g->goal);
      if (g->measured)
        {
          value = g_strdup_printf ("%.5g %s", g->value, g->unit);
          limit = g_strdup_printf ("%.4g %s", g->limit, g->unit);
          ratio = g_strdup_printf ("%.4fx", g->ratio);
          measured++;
          passed += g->pass;
        }
      printf ("%-30s %14s %14s %9s %9s  %s\n", g->name, value ? value : "-", limit ? limit : "-",
              ratio ? ratio : "-", goal, verdict (g));
    }

  printf ("\n");
  for (guint i = 0; i < bench->goals->len; i++)
    {
      const AwBenchGoal *g = g_ptr_array_index (bench->goals, i);

      printf ("%s %s\n  figure: %s\n", verdict (g), g->name, g->what);
      if (g->limit_what != NULL && g->limit_what[0] != '\0')
        printf ("  limit: %s\n", g->limit_what);
      if (g->note != NULL)
        printf ("  note: %s\n", g->note);
    }
  printf ("\n%u of %u measured goals pass%s\n", passed, measured,
          bench->smoke ? " (smoke run: tiny sizes, one repeat; the figures mean nothing)" : "");
}

static void
add_number (JsonBuilder *builder,
            const char  *member,
            double       value)
{
  json_builder_set_member_name (builder, member);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
print_json (AwBench *bench)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gboolean all = TRUE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "goals");
  json_builder_begin_array (builder);
  for (guint i = 0; i < bench->goals->len; i++)
    {
      const AwBenchGoal *g = g_ptr_array_index (bench->goals, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, g->name);
      add_number (builder, "value", g->value);
      json_builder_set_member_name (builder, "unit");
      json_builder_add_string_value (builder, g->unit);
      add_number (builder, "limit", g->limit);
      add_number (builder, "ratio", g->ratio);
      add_number (builder, "goal", g->goal);
      json_builder_set_member_name (builder, "pass");
      if (g->measured)
        json_builder_add_boolean_value (builder, g->pass);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "figure");
      json_builder_add_string_value (builder, g->what);
      json_builder_set_member_name (builder, "limit_is");
      json_builder_add_string_value (builder, g->limit_what);
      if (g->note != NULL)
        {
          json_builder_set_member_name (builder, "note");
          json_builder_add_string_value (builder, g->note);
        }
      json_builder_end_object (builder);
      all = all && g->measured && g->pass;
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "all_pass");
  json_builder_add_boolean_value (builder, all);
  json_builder_set_member_name (builder, "smoke");
  json_builder_add_boolean_value (builder, bench->smoke);
  json_builder_set_member_name (builder, "repeats");
  json_builder_add_int_value (builder, aw_bench_repeats (bench));
  json_builder_set_member_name (builder, "processors");
  json_builder_add_int_value (builder, g_get_num_processors ());
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

static void
remove_tmpdir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_unlink (file);
    }
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  AwBench bench = { 0 };
  int repeats = 7;
  gboolean all_pass = TRUE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &bench.json, "Print one JSON object", NULL },
    { "smoke", 0, 0, G_OPTION_ARG_NONE, &bench.smoke, "Tiny sizes, one repeat: check that everything runs", NULL },
    { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Measure each figure and limit this often (at least 5; default 7)", "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &bench.only, "Only the sections whose name contains TEXT "
      "(memory, recorder, timers, cancel, render, picture, startup, frames)", "TEXT" },
    { NULL }
  };

  context = g_option_context_new ("- measure every speed goal against its limit");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("awaitscope-bench: %s\n", error->message);
      return 2;
    }
  bench.repeats = (guint) CLAMP (repeats, 5, 1000);

  /* The window goals run under the same renderer as the minimal programs. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSETTINGS_SCHEMA_DIR", AW_BENCH_SCHEMA_DIR, FALSE);

  bench.tmpdir = g_dir_make_tmp ("awaitscope-bench-XXXXXX", &error);
  if (bench.tmpdir == NULL)
    {
      g_printerr ("awaitscope-bench: %s\n", error->message);
      return 1;
    }
  bench.goals = g_ptr_array_new_with_free_func (goal_free);

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (aw_bench_wants (&bench, sections[i].name))
      sections[i].func (&bench);

  if (bench.json)
    print_json (&bench);
  else
    print_table (&bench);

  for (guint i = 0; i < bench.goals->len; i++)
    {
      const AwBenchGoal *g = g_ptr_array_index (bench.goals, i);
      all_pass = all_pass && g->measured && g->pass;
    }

  remove_tmpdir (bench.tmpdir);
  g_free (bench.tmpdir);
  g_free (bench.only);
  g_ptr_array_unref (bench.goals);

  /* A smoke run checks that every measurement runs, not the figures. */
  if (bench.failed)
    return 1;
  return bench.smoke || all_pass ? 0 : 3;
}
