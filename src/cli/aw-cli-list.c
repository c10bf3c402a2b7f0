/* aw-cli-list.c: `awaitscope list`: the bundled lesson scenarios, by part
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalogue as a student reads it (grouped by the part of the lesson
 * each scenario teaches) or as a script reads it (--json).
 */

#include "config.h"

#include "aw-cli-private.h"

#include <json-glib/json-glib.h>

#include "aw-catalog.h"
#include "aw-i18n.h"

static void
print_json (GPtrArray *all)
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
}

int
aw_cli_list (int    argc,
             char **argv)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AwCLocale) c_locale = NULL;
  gboolean json = FALSE;
  gboolean ids = FALSE;
  int exit_code = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the list as JSON"), NULL },
    { "ids", 0, 0, G_OPTION_ARG_NONE, &ids, N_("Print only the ids, one a line (for shell completion)"), NULL },
    { NULL }
  };
  guint part = 0;

  if (!aw_cli_parse_options ("list", NULL, N_("Lists the bundled lesson scenarios, grouped by the part of the lesson they teach."),
                             NULL, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    {
      aw_cli_print_error (_("list: unexpected argument \"%s\""), argv[1]);
      return 2;
    }

  /* JSON is for programs: the lessons' texts as bundled, whatever the
   * locale. */
  if (json)
    c_locale = aw_c_locale_push ();

  if (!(all = aw_catalog_load_all (&error)))
    {
      aw_cli_print_error ("%s", error->message);
      return 1;
    }

  if (json)
    {
      print_json (all);
      return 0;
    }
  if (ids)
    {
      for (guint i = 0; i < all->len; i++)
        printf ("%s\n", aw_scenario_get_id (g_ptr_array_index (all, i)));
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
      printf ("  %-20s ", aw_scenario_get_id (s));
      /* Translators: %s is a lesson's title, %u its number of variants. */
      printf (NG_("%s (%u variant)", "%s (%u variants)", aw_scenario_get_n_variants (s)),
              aw_scenario_get_title (s), aw_scenario_get_n_variants (s));
      printf ("\n");
    }

  return 0;
}
