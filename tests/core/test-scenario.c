/* test-scenario.c: the scenario language, and its error messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "aw-catalog.h"
#include "aw-scenario.h"

#include <string.h>

typedef struct {
  const char *file;
  const char *position;   /* "LINE:COLUMN", or NULL when the file has none */
  const char *words;      /* part of the explanation */
} BadCase;

static const BadCase bad_cases[] = {
  { "syntax-missing-comma.json", "12:31", "expected character" },
  { "unknown-node.json", "12:20", "unknown node type \"sleep\"" },
  { "missing-ms.json", "12:18", "a delay node needs \"ms\"" },
  { "negative-ms.json", "13:25", "\"ms\" is negative" },
  /* json-glib wraps 2^64 around to -1; the message says what was written. */
  { "overflow-ms.json", "13:25", "\"ms\" is 1.84467440737096e+19; it must be between 0 and 600000 ms" },
  { "absurd-duration.json", "13:9", "must be between 0 and 600000 ms" },
  { "unknown-field.json", "12:37", "unknown field \"msec\"" },
  { "wrong-type.json", "12:37", "\"ms\" must be a number" },
  { "too-many-tasks.json", "12:18", "too many tasks" },
  { "too-deep.json", "12:", "at most 64 levels" },
  { "brackets-deep.json", "1:", "nesting too deep" },
  { "hit-ratio.json", "12:47", "between 0 and 1" },
  { "empty-children.json", "12:40", "has no children" },
  { "not-object.json", "1:1", "must be a JSON object" },
  { "empty.json", NULL, "the file is empty" },
  { "binary.json", "1:9", "not UTF-8" },
  { "missing-variants.json", "1:1", "needs \"variants\"" },
  { "bad-id.json", "2:3", "lower-case letters" },
  { "duplicate-variant.json", "14:7", "two variants are named \"only\"" },
  { "data-only.json", "5:3", "unknown field \"command\"" },
  { "bad-limit.json", "12:52", "\"limit\" is 0; it must be between 1 and 1000000" },
  { "bad-async-void.json", "12:47", "\"async_void\" must be true or false" },
  { "bad-catch.json", "12:40", "\"catch\" must be true or false" },
  { "bad-work-ms.json", "12:59", "\"work_ms\"" },
  { "bad-run-async.json", "12:59", "\"run_async\" must be true or false" },
  { "too-much-work.json", "12:7", "more than 60 minutes of CPU work" },
  { "too-long-block.json", "12:7", "block the UI thread for more than 10 minutes" },
  { "control-in-title.json", "3:3", "holds a control character (U+001B)" },
  { "nul-in-name.json", "11:21", "(a NUL character)" },
  { "unknown-pool.json", "8:3", "unknown pool \"threads\" (known pools: fixed, dotnet)" },
  { "pool-fields.json", "8:30", "\"max_threads\" is for the dotnet pool" },
  { "pool-max.json", "10:5", "must be between 1 and 256" },
};

static void
test_bad_file (gconstpointer data)
{
  const BadCase *c = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "bad", c->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) scenario = aw_scenario_new_from_file (path, &error);
  g_autofree char *prefix = NULL;

  g_assert_null (scenario);
  g_assert_nonnull (error);
  g_assert_true (error->domain == AW_SCENARIO_ERROR);
  g_test_message ("%s", error->message);

  /* The message names the file, then the position, then the problem. */
  prefix = c->position ? g_strdup_printf ("%s:%s", path, c->position) : g_strdup_printf ("%s: ", path);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_assert_nonnull (strstr (error->message, c->words));
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_scenario_new_from_file ("/nonexistent/scenario.json", &error);

  g_assert_null (s);
  g_assert_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, "/nonexistent/scenario.json: "));
}

static void
test_too_large (void)
{
  gsize size = AW_SCENARIO_MAX_FILE_SIZE + 10;
  g_autofree char *data = g_malloc (size);
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = NULL;

  memset (data, ' ', size);
  data[0] = '{';
  data[size - 1] = '}';
  s = aw_scenario_new_from_data (data, size, "big.json", &error);
  g_assert_null (s);
  g_assert_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_LIMIT);
}

static void
test_minimal (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "good", "minimal.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_scenario_new_from_file (path, &error);
  const AwVariant *v;

  g_assert_no_error (error);
  g_assert_cmpstr (aw_scenario_get_id (s), ==, "fixture");
  g_assert_cmpuint (aw_scenario_get_part (s), ==, 2);
  g_assert_cmpstr (aw_scenario_get_part_title (s), ==, "Part 2: running work concurrently");
  g_assert_cmpuint (aw_scenario_get_n_variants (s), ==, 1);
  v = aw_scenario_get_variant (s, 0);
  g_assert_cmpstr (v->name, ==, "only");
  g_assert_cmpint (v->program->type, ==, AW_NODE_IO);
  g_assert_cmpuint (v->program->ms, ==, 5);
  g_assert_cmpstr (v->program->name, ==, "io 5 ms");
  g_assert_cmpuint (v->program->line, ==, 12);
  g_assert_cmpuint (v->n_tasks, ==, 1);
}

static void
test_language (void)
{
  const char *text =
    "{ \"id\": \"lang\", \"title\": \"t\", \"part\": 3, \"narration\": [\"a\", \"b\"],\n"
    "  \"csharp\": [\"x\", \"y\"], \"c\": \"z\",\n"
    "  \"variants\": [ { \"name\": \"v\", \"title\": \"V\", \"program\":\n"
    "    { \"type\": \"timeout\", \"ms\": 500, \"child\":\n"
    "      { \"type\": \"when_any\", \"cancel_rest\": false, \"children\": [\n"
    "        { \"type\": \"cpu\", \"ms\": 100, \"cooperative\": false },\n"
    "        { \"type\": \"repeat\", \"count\": 10, \"child\": { \"type\": \"cached\", \"ms\": 3, \"hit_ratio\": 0.9 } },\n"
    "        { \"type\": \"parallel\", \"count\": 5, \"child\": { \"type\": \"fail\", \"ms\": 1, \"message\": \"HTTP 500\" } },\n"
    "        { \"type\": \"fire_and_forget\", \"child\": { \"type\": \"delay\", \"ms\": 1 } },\n"
    "        { \"type\": \"block_ui\", \"ms\": 1 }\n"
    "      ] } } } ] }\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_scenario_new_from_data (text, -1, "lang.json", &error);
  const AwNode *any, *cpu, *repeat, *parallel;

  g_assert_no_error (error);
  g_assert_cmpstr (aw_scenario_get_narration (s), ==, "a\nb");
  g_assert_cmpstr (aw_scenario_get_csharp (s), ==, "x\ny");
  any = aw_scenario_get_variant (s, 0)->program->children[0];
  g_assert_cmpint (any->type, ==, AW_NODE_WHEN_ANY);
  g_assert_false (any->cancel_rest);
  g_assert_cmpuint (any->n_children, ==, 5);
  cpu = any->children[0];
  g_assert_false (cpu->cooperative);
  g_assert_cmpuint (cpu->check_ms, ==, 10);
  repeat = any->children[1];
  g_assert_cmpuint (repeat->count, ==, 10);
  g_assert_cmpfloat (repeat->children[0]->hit_ratio, ==, 0.9);
  g_assert_true (repeat->children[0]->value_task);
  parallel = any->children[2];
  g_assert_cmpstr (parallel->children[0]->message, ==, "HTTP 500");
  g_assert_cmpuint (parallel->children[0]->line, ==, 8);
  /* timeout + when_any + cpu + (repeat + 10) + (parallel + 5) + (forget + delay) + block */
  g_assert_cmpuint (aw_scenario_get_variant (s, 0)->n_tasks, ==, 1 + 1 + 1 + 11 + 6 + 2 + 1);
}

static void
test_catalog (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = aw_catalog_load_all (&error);
  g_autoptr(AwScenario) when_all = NULL;
  g_autoptr(AwScenario) missing = NULL;
  guint last_part = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >=, 2);
  for (guint i = 0; i < all->len; i++)
    {
      AwScenario *s = g_ptr_array_index (all, i);

      /* Every bundled scenario teaches with words and both snippets. */
      g_assert_cmpuint (aw_scenario_get_part (s), >=, last_part);
      last_part = aw_scenario_get_part (s);
      g_assert_nonnull (aw_scenario_get_title (s));
      g_assert_cmpuint (strlen (aw_scenario_get_narration (s)), >, 80);
      g_assert_nonnull (aw_scenario_get_csharp (s));
      g_assert_nonnull (aw_scenario_get_c_code (s));
      g_assert_nonnull (aw_scenario_get_expected_text (s));
    }

  when_all = aw_catalog_lookup ("when-all", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aw_scenario_get_n_variants (when_all), ==, 2);
  g_assert_nonnull (aw_scenario_find_variant (when_all, "one-by-one", NULL));
  g_assert_nonnull (aw_scenario_find_variant (when_all, "when-all", NULL));

  missing = aw_catalog_lookup ("no-such-scenario", &error);
  g_assert_null (missing);
  g_assert_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_NOT_FOUND);
}

/* The words of the scenario language are the node type enum's nicks. */
static void
test_node_type_names (void)
{
  static const char *names[AW_NODE_LAST] = {
    "delay", "io", "cpu", "fail", "cached", "sequence", "when_all", "when_any", "timeout",
    "repeat", "parallel", "fire_and_forget", "block_ui", "wait_blocking", "completion_source",
  };
  g_autoptr(GEnumClass) klass = g_type_class_ref (AW_TYPE_NODE_TYPE);
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = NULL;

  g_assert_cmpuint (klass->n_values, ==, AW_NODE_LAST);
  for (guint type = 0; type < AW_NODE_LAST; type++)
    g_assert_cmpstr (aw_node_type_to_string (type), ==, names[type]);
  g_assert_cmpstr (aw_node_type_to_string (AW_NODE_LAST), ==, "unknown");

  /* An unknown type is explained with the list, in this order. */
  s = aw_scenario_new_from_data ("{ \"id\": \"t\", \"title\": \"t\", \"part\": 1, \"narration\": \"n\", "
                                 "\"csharp\": \"c\", \"c\": \"c\", \"variants\": [ { \"name\": \"a\", "
                                 "\"title\": \"A\", \"program\": { \"type\": \"when-all\" } } ] }",
                                 -1, "types.json", &error);
  g_assert_null (s);
  g_assert_nonnull (strstr (error->message, "unknown node type \"when-all\" (known types: delay, io, cpu, "
                                            "fail, cached, sequence, when_all, when_any, timeout, repeat, "
                                            "parallel, fire_and_forget, block_ui, wait_blocking, completion_source)"));
}

/* "pool": fixed unless the file says; a name, or an object with the
 * dotnet pool's interval and maximum. The names are the enum's nicks. */
static void
test_pool (void)
{
  const struct { const char *pool; AwPoolKind kind; guint interval_ms, max_threads; } cases[] = {
    { NULL, AW_POOL_FIXED, AW_POOL_DEFAULT_INTERVAL_MS, AW_POOL_DEFAULT_MAX_THREADS },
    { "\"fixed\"", AW_POOL_FIXED, 500, 32 },
    { "\"dotnet\"", AW_POOL_DOTNET, 500, 32 },
    { "{ \"type\": \"fixed\" }", AW_POOL_FIXED, 500, 32 },
    { "{ \"type\": \"dotnet\", \"interval_ms\": 250 }", AW_POOL_DOTNET, 250, 32 },
    { "{ \"type\": \"dotnet\", \"max_threads\": 4, \"interval_ms\": 1000 }", AW_POOL_DOTNET, 1000, 4 },
  };
  const struct { const char *pool; const char *words; } bad[] = {
    { "true", "\"pool\" must be \"fixed\", \"dotnet\" or an object" },
    { "{ \"interval_ms\": 500 }", "\"pool\" needs \"type\"" },
    { "{ \"type\": 1 }", "\"type\" must be \"fixed\" or \"dotnet\"" },
    { "{ \"type\": \"dotnet\", \"interval_ms\": 1 }", "between 10 and 600000 ms" },
    { "{ \"type\": \"dotnet\", \"max_threads\": 0 }", "between 1 and 256" },
    { "{ \"type\": \"dotnet\", \"every\": 500 }", "unknown field \"every\" in \"pool\"" },
  };
  AwPoolKind kind;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *member = cases[i].pool ? g_strdup_printf (" \"pool\": %s,", cases[i].pool) : g_strdup ("");
      g_autofree char *text = g_strdup_printf (
        "{ \"id\": \"t\", \"title\": \"t\", \"part\": 2, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",%s\n"
        "  \"variants\": [ { \"name\": \"v\", \"title\": \"V\", \"program\": { \"type\": \"cpu\", \"ms\": 1 } } ] }",
        member);
      g_autoptr(GError) error = NULL;
      g_autoptr(AwScenario) s = aw_scenario_new_from_data (text, -1, "pool.json", &error);
      const AwPool *pool;

      g_assert_no_error (error);
      pool = aw_scenario_get_pool (s);
      g_assert_cmpint (pool->kind, ==, cases[i].kind);
      g_assert_cmpuint (pool->interval_ms, ==, cases[i].interval_ms);
      g_assert_cmpuint (pool->max_threads, ==, cases[i].max_threads);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf (
        "{ \"id\": \"t\", \"title\": \"t\", \"part\": 2, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
        "  \"pool\": %s,\n"
        "  \"variants\": [ { \"name\": \"v\", \"title\": \"V\", \"program\": { \"type\": \"cpu\", \"ms\": 1 } } ] }",
        bad[i].pool);
      g_autoptr(GError) error = NULL;
      g_autoptr(AwScenario) s = aw_scenario_new_from_data (text, -1, "pool.json", &error);

      g_assert_null (s);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, "pool.json:2:"));
      g_assert_nonnull (strstr (error->message, bad[i].words));
    }

  g_assert_cmpstr (aw_pool_kind_to_string (AW_POOL_FIXED), ==, "fixed");
  g_assert_cmpstr (aw_pool_kind_to_string (AW_POOL_DOTNET), ==, "dotnet");
  g_assert_true (aw_pool_kind_from_string ("dotnet", &kind));
  g_assert_cmpint (kind, ==, AW_POOL_DOTNET);
  g_assert_false (aw_pool_kind_from_string ("scenario", &kind));
  g_assert_false (aw_pool_kind_from_string (NULL, &kind));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/aw/scenario/bad/%s", bad_cases[i].file);
      g_test_add_data_func (path, &bad_cases[i], test_bad_file);
    }
  g_test_add_func ("/aw/scenario/missing-file", test_missing_file);
  g_test_add_func ("/aw/scenario/too-large", test_too_large);
  g_test_add_func ("/aw/scenario/minimal", test_minimal);
  g_test_add_func ("/aw/scenario/language", test_language);
  g_test_add_func ("/aw/scenario/catalog", test_catalog);
  g_test_add_func ("/aw/scenario/node-type-names", test_node_type_names);
  g_test_add_func ("/aw/scenario/pool", test_pool);

  return g_test_run ();
}
