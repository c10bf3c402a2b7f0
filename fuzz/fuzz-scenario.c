/* fuzz-scenario.c: libFuzzer target for the scenario parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any bytes may come from a stranger's scenario file. The parser must either
 * return a scenario that keeps every documented limit, or an error that
 * names the file; never crash, hang, leak or read out of bounds. A program
 * it accepts must also run: each variant of a small enough one goes through
 * the interpreter on the virtual clock, which takes no real time.
 */

#include "config.h"

#include <string.h>

#include "aw-catalog.h"
#include "aw-clock.h"
#include "aw-runner.h"
#include "aw-scenario.h"
#include "aw-trace-model.h"

#include "fuzz-common.h"

#define NAME "fuzz.json"

/* Programs up to this many tasks are simulated. */
#define SIMULATED_TASKS 2000

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
assert_text (const char *text,
             gboolean    nullable)
{
  if (text == NULL)
    {
      g_assert_true (nullable);
      return;
    }
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

static guint64
check_node (const AwNode *node,
            guint         depth)
{
  guint64 tasks = 1;

  g_assert_nonnull (node);
  g_assert_cmpint (node->type, <, AW_NODE_LAST);
  g_assert_cmpuint (depth, <=, AW_SCENARIO_MAX_DEPTH);
  assert_text (node->name, FALSE);
  assert_text (node->message, TRUE);
  g_assert_cmpuint (g_utf8_strlen (node->name, -1), <=, AW_SCENARIO_MAX_NAME);
  g_assert_cmpuint (node->ms, <=, AW_SCENARIO_MAX_DURATION_MS);
  g_assert_cmpuint (node->count, <=, AW_SCENARIO_MAX_COUNT);
  g_assert_cmpfloat (node->hit_ratio, >=, 0);
  g_assert_cmpfloat (node->hit_ratio, <=, 1);
  g_assert_cmpuint (node->n_children, <=, AW_SCENARIO_MAX_CHILDREN);
  if (node->type == AW_NODE_FAIL)
    g_assert_nonnull (node->message);

  switch (node->type)
    {
    case AW_NODE_SEQUENCE:
    case AW_NODE_WHEN_ALL:
    case AW_NODE_WHEN_ANY:
      g_assert_cmpuint (node->n_children, >=, 1);
      break;
    case AW_NODE_TIMEOUT:
    case AW_NODE_REPEAT:
    case AW_NODE_PARALLEL:
    case AW_NODE_FIRE_AND_FORGET:
    case AW_NODE_WAIT_BLOCKING:
      g_assert_cmpuint (node->n_children, ==, 1);
      break;
    default:
      g_assert_cmpuint (node->n_children, ==, 0);
      break;
    }
  if (node->type == AW_NODE_WAIT_BLOCKING)
    g_assert_cmpuint (node->ms, <=, AW_WAIT_MAX_DEADLINE_MS);

  for (guint i = 0; i < node->n_children; i++)
    {
      guint64 child = check_node (node->children[i], depth + 1);

      if (node->type == AW_NODE_REPEAT || node->type == AW_NODE_PARALLEL)
        child *= node->count;
      tasks += child;
    }

  return tasks;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) scenario = NULL;
  AwRunOptions options;

  /* As the catalogue loads a file: the language, then the checks. */
  scenario = aw_catalog_load_data ((const char *) data, (gssize) size, NAME, &error);
  fuzz_count (error);
  if (scenario == NULL)
    {
      fuzz_check_error (error, AW_SCENARIO_ERROR, NAME);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpuint (size, <=, AW_SCENARIO_MAX_FILE_SIZE);
  /* Every text goes to labels, pictures and terminals: UTF-8 only. */
  assert_text (aw_scenario_get_id (scenario), FALSE);
  assert_text (aw_scenario_get_title (scenario), FALSE);
  assert_text (aw_scenario_get_narration (scenario), FALSE);
  assert_text (aw_scenario_get_csharp (scenario), FALSE);
  assert_text (aw_scenario_get_c_code (scenario), FALSE);
  assert_text (aw_scenario_get_summary (scenario), TRUE);
  assert_text (aw_scenario_get_expected_text (scenario), TRUE);
  assert_text (aw_scenario_get_part_title (scenario), TRUE);
  g_assert_cmpuint (aw_scenario_get_n_variants (scenario), >=, 1);
  g_assert_cmpuint (aw_scenario_get_n_variants (scenario), <=, AW_SCENARIO_MAX_VARIANTS);

  aw_run_options_init (&options);
  for (guint i = 0; i < aw_scenario_get_n_variants (scenario); i++)
    {
      const AwVariant *variant = aw_scenario_get_variant (scenario, i);
      guint64 tasks;

      assert_text (variant->name, FALSE);
      assert_text (variant->title, FALSE);
      assert_text (variant->description, TRUE);
      g_assert_true (aw_scenario_find_variant (scenario, variant->name, NULL) == variant);
      g_assert_cmpint (variant->cancel_after_ms, <=, AW_SCENARIO_MAX_DURATION_MS);
      tasks = check_node (variant->program, 1);
      /* The parser's count is an upper bound of what a run starts. */
      g_assert_cmpuint (variant->n_tasks, <=, AW_SCENARIO_MAX_TASKS);
      g_assert_cmpuint (tasks, <=, variant->n_tasks);
      /* What the window warns about before a freeze. */
      g_assert_cmpuint (aw_run_estimate_freeze_ms (variant->program, &options), <=,
                        MAX (AW_SCENARIO_MAX_DURATION_MS, AW_WAIT_MAX_DEADLINE_MS));

      if (variant->n_tasks <= SIMULATED_TASKS)
        {
          AwRunOptions sim_options;
          g_autoptr(AwTrace) trace = NULL;
          g_autoptr(AwTraceModel) model = NULL;

          aw_run_options_init (&sim_options);
          sim_options.workers = 2;
          trace = aw_clock_simulate (scenario, i, &sim_options);
          model = aw_trace_model_new (trace);
          /* The interpreter starts no more tasks than the parser counted. */
          g_assert_cmpuint (aw_trace_model_get_metrics (model)->tasks, <=, variant->n_tasks);
        }
    }

  return 0;
}
