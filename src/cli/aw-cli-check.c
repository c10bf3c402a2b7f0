/* aw-cli-check.c: `awaitscope check`: scenario files checked and explained
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For people writing their own scenarios: each mistake is reported as
 * FILE:LINE:COLUMN with an explanation, the way a compiler reports one,
 * and a good file gets a short description of what it will run: its
 * worker pool and each variant's tasks.
 */

#include "config.h"

#include "aw-cli-private.h"

#include "aw-catalog.h"
#include "aw-i18n.h"

int
aw_cli_check (int    argc,
              char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  int exit_code = 0;
  int failures = 0;

  /* Translators: FILE.json is a placeholder for file names. */
  if (!aw_cli_parse_options ("check", N_("FILE.json..."),
                             N_("Checks scenario files: JSON syntax, node types, fields, durations and limits.\n"
                                "Each problem is reported as FILE:LINE:COLUMN: explanation."),
                             NULL, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    {
      aw_cli_print_error (_("check: give one or more scenario files"));
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AwScenario) scenario = aw_catalog_load_file (argv[i], &error);
      const AwPool *pool;
      guint n_variants;

      if (scenario == NULL)
        {
          g_printerr ("%s\n", error->message);
          failures++;
          continue;
        }

      /* The file's name first, untranslated, as with a mistake's FILE:LINE. */
      n_variants = aw_scenario_get_n_variants (scenario);
      printf ("%s: ", argv[i]);
      /* Translators: %s is the scenario's id, %u its number of variants. */
      printf (NG_("ok: \"%s\", %u variant", "ok: \"%s\", %u variants", n_variants),
              aw_scenario_get_id (scenario), n_variants);
      printf ("\n");
      pool = aw_scenario_get_pool (scenario);
      /* Translators: "pool", "dotnet" and "fixed" are words of the scenario
         file ("pool": {"type": "dotnet"}): keep them as they are. */
      printf ("  ");
      if (pool->kind == AW_POOL_DOTNET)
        printf (_("pool: dotnet: starts with the run's workers, adds one thread every %u ms while queued work "
                  "makes no progress, up to %u threads"), pool->interval_ms, pool->max_threads);
      else
        printf ("%s", _("pool: fixed: the run's workers"));
      printf ("\n");
      for (guint v = 0; v < n_variants; v++)
        {
          const AwVariant *variant = aw_scenario_get_variant (scenario, v);
          g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT, variant->n_tasks);

          printf ("  %-20s ", variant->name);
          /* Translators: %s is a number of tasks. */
          printf (NG_("%s task", "%s tasks", (gulong) MIN (variant->n_tasks, G_MAXULONG)), n);
          printf ("\n");
        }
    }

  return failures > 0 ? 1 : 0;
}
