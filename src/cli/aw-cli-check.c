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

int
aw_cli_check (int    argc,
              char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  int exit_code = 0;
  int failures = 0;

  if (!aw_cli_parse_options ("check", "FILE.json...",
                             "Checks scenario files: JSON syntax, node types, fields, durations and limits.\n"
                             "Each problem is reported as FILE:LINE:COLUMN: explanation.",
                             NULL, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    {
      aw_cli_print_error ("check: give one or more scenario files");
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AwScenario) scenario = aw_catalog_load_file (argv[i], &error);
      const AwPool *pool;

      if (scenario == NULL)
        {
          g_printerr ("%s\n", error->message);
          failures++;
          continue;
        }

      printf ("%s: ok: \"%s\", %u variant%s\n", argv[i], aw_scenario_get_id (scenario),
              aw_scenario_get_n_variants (scenario),
              aw_scenario_get_n_variants (scenario) == 1 ? "" : "s");
      pool = aw_scenario_get_pool (scenario);
      if (pool->kind == AW_POOL_DOTNET)
        printf ("  pool: dotnet: starts with the run's workers, adds one thread every %u ms while queued work "
                "makes no progress, up to %u threads\n", pool->interval_ms, pool->max_threads);
      else
        printf ("  pool: fixed: the run's workers\n");
      for (guint v = 0; v < aw_scenario_get_n_variants (scenario); v++)
        {
          const AwVariant *variant = aw_scenario_get_variant (scenario, v);
          printf ("  %-20s %" G_GUINT64_FORMAT " task%s\n", variant->name, variant->n_tasks,
                  variant->n_tasks == 1 ? "" : "s");
        }
    }

  return failures > 0 ? 1 : 0;
}
