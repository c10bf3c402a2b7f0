/* aw-catalog.c: the bundled lesson scenarios, and scenario files checked whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalogue hands out scenarios ready for every view: parsed by the
 * engine's parser and with their expected outcome's checks validated
 * against the metrics the analysis layer defines. That is why it sits in
 * the analysis layer, above the parser: a user's file with a check naming
 * an unknown metric is refused here, at its line and column, like any
 * other mistake in the file.
 */

#include "config.h"

#include "aw-catalog.h"
#include "aw-core-resources.h"

#include <string.h>

#include "aw-i18n.h"
#include "aw-verdict.h"

/* Lesson order within each part; scenarios not listed follow, by id. */
static const char * const lesson_order[] = {
  "await-vs-block",
  "async-not-a-thread",
  "valuetask",
  "result-vs-await",
  "when-all",
  "when-any",
  "io-vs-cpu",
  "scale",
  "bounded",
  "progress",
  "completion-source",
  "cancel",
  "cooperative",
  "timeout",
  "timeout-race",
  "deadlock",
  "starvation",
  "fire-and-forget",
  "async-void",
  "needless-async",
  "no-cancellation",
  "when-all-failures",
  "workflow",
};

/**
 * aw_catalog_init:
 *
 * Registers the bundled scenarios. Safe to call more than once.
 */
void
aw_catalog_init (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      aw_core_register_resource ();
      g_once_init_leave (&done, 1);
    }
}

static guint
order_of (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (lesson_order); i++)
    if (g_str_equal (lesson_order[i], id))
      return i;
  return G_N_ELEMENTS (lesson_order);
}

static gint
compare_scenarios (gconstpointer a,
                   gconstpointer b)
{
  AwScenario *sa = *(AwScenario **) a;
  AwScenario *sb = *(AwScenario **) b;
  guint oa, ob;

  if (aw_scenario_get_part (sa) != aw_scenario_get_part (sb))
    return aw_scenario_get_part (sa) < aw_scenario_get_part (sb) ? -1 : 1;
  oa = order_of (aw_scenario_get_id (sa));
  ob = order_of (aw_scenario_get_id (sb));
  if (oa != ob)
    return oa < ob ? -1 : 1;
  return strcmp (aw_scenario_get_id (sa), aw_scenario_get_id (sb));
}

/* A bundled scenario, in the reader's language where the catalogue has
 * it (scripts/extract-scenario-strings extracts its text). Never called for
 * a user's file, which stays as its author wrote it. */
static AwScenario *
bundled (const char  *resource_path,
         GError     **error)
{
  AwScenario *scenario = aw_scenario_new_from_resource (resource_path, error);

  if (scenario != NULL)
    aw_scenario_translate (scenario, GETTEXT_PACKAGE);
  return scenario;
}

static GPtrArray *
load_all_now (GError **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) names = NULL;

  aw_catalog_init ();
  names = g_resources_enumerate_children (AW_CATALOG_RESOURCE_PATH, 0, error);
  if (names == NULL)
    return NULL;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = NULL;
      AwScenario *scenario;

      if (!g_str_has_suffix (names[i], ".json"))
        continue;
      path = g_strconcat (AW_CATALOG_RESOURCE_PATH, names[i], NULL);
      if (!(scenario = bundled (path, error)))
        return NULL;
      g_ptr_array_add (ret, scenario);
      if (!aw_verdict_validate_scenario (scenario, error))
        return NULL;
    }

  g_ptr_array_sort (ret, compare_scenarios);
  return g_steal_pointer (&ret);
}

typedef struct {
  GPtrArray *scenarios;
  GError    *error;
} Preload;

static GThread *preload_thread;

static gpointer
preload_run (gpointer data)
{
  Preload *preload = data;

  preload->scenarios = load_all_now (&preload->error);
  return preload;
}

static Preload *
preload_join (void)
{
  if (preload_thread == NULL)
    return NULL;
  return g_thread_join (g_steal_pointer (&preload_thread));
}

/**
 * aw_catalog_preload:
 *
 * Starts parsing the bundled scenarios on a thread of their own, so that
 * the window's start-up can do other work meanwhile; the next
 * aw_catalog_load_all() takes the result. Call both from the same thread.
 */
void
aw_catalog_preload (void)
{
  aw_catalog_init ();
  if (preload_thread == NULL)
    preload_thread = g_thread_new ("awaitscope-catalog", preload_run, g_new0 (Preload, 1));
}

/**
 * aw_catalog_preload_drop:
 *
 * Waits for a preload that nobody will take, and frees its result.
 */
void
aw_catalog_preload_drop (void)
{
  Preload *preload = preload_join ();

  if (preload == NULL)
    return;
  g_clear_pointer (&preload->scenarios, g_ptr_array_unref);
  g_clear_error (&preload->error);
  g_free (preload);
}

/**
 * aw_catalog_load_all:
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type AwScenario): every bundled
 *   scenario, in lesson order
 */
GPtrArray *
aw_catalog_load_all (GError **error)
{
  Preload *preload = preload_join ();
  GPtrArray *scenarios;

  if (preload == NULL)
    return load_all_now (error);
  scenarios = preload->scenarios;
  if (scenarios == NULL)
    g_propagate_error (error, preload->error);
  g_free (preload);
  return scenarios;
}

/* A parsed scenario, kept only if its checks are well formed too. */
static AwScenario *
validated (AwScenario  *scenario,
           GError     **error)
{
  if (scenario != NULL && !aw_verdict_validate_scenario (scenario, error))
    g_clear_object (&scenario);
  return scenario;
}

/**
 * aw_catalog_load_file:
 * @path: a scenario file
 * @error: return location for an error naming file, line, column and problem
 *
 * Loads a user's scenario file: the scenario language, and the checks of
 * its expected outcome.
 *
 * Returns: (transfer full) (nullable): the scenario
 */
AwScenario *
aw_catalog_load_file (const char  *path,
                      GError     **error)
{
  return validated (aw_scenario_new_from_file (path, error), error);
}

/**
 * aw_catalog_load_data:
 * @data: the JSON text
 * @length: its length, or -1 if nul-terminated
 * @display_name: the name to use in messages (a file name)
 * @error: return location for an error naming line, column and problem
 *
 * Like aw_catalog_load_file(), for a scenario in memory.
 *
 * Returns: (transfer full) (nullable): the scenario
 */
AwScenario *
aw_catalog_load_data (const char  *data,
                      gssize       length,
                      const char  *display_name,
                      GError     **error)
{
  return validated (aw_scenario_new_from_data (data, length, display_name, error), error);
}

/**
 * aw_catalog_lookup:
 * @id_or_path: a bundled scenario's id, or the path of a scenario file
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the scenario
 */
AwScenario *
aw_catalog_lookup (const char  *id_or_path,
                   GError     **error)
{
  g_autofree char *path = NULL;

  aw_catalog_init ();

  if (strchr (id_or_path, '/') != NULL || g_str_has_suffix (id_or_path, ".json"))
    return aw_catalog_load_file (id_or_path, error);

  path = g_strconcat (AW_CATALOG_RESOURCE_PATH, id_or_path, ".json", NULL);
  if (!g_resources_get_info (path, 0, NULL, NULL, NULL))
    {
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_NOT_FOUND,
                   /* Translators: `awaitscope list` is a command: keep it as written */
                   _("no scenario named \"%s\"; `awaitscope list` shows them all, "
                     "or give the path of a scenario file"), id_or_path);
      return NULL;
    }

  return validated (bundled (path, error), error);
}
