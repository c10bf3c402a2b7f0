/* aw-cli-replay.c: `awaitscope replay`: a saved trace drawn to PNG, SVG or PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pictures from recordings: a trace saved by `run --trace` is drawn
 * exactly as recorded (every run it holds, on one time axis), and a Trace
 * Event file from another tool is drawn from what it has.
 */

#include "config.h"

#include "aw-cli-private.h"

#include "aw-i18n.h"
#include "aw-trace-io.h"

int
aw_cli_replay (int    argc,
               char **argv)
{
  g_auto(AwCliPicture) picture = { 0 };
  g_autofree char *caption = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ignored = NULL;
  g_autoptr(GPtrArray) traces = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GArray) variants = NULL;
  AwRenderRequest request;
  const char *clock;
  int exit_code = 0;
  GOptionEntry entries[] = { { NULL } };

  aw_cli_picture_init (&picture);
  /* Translators: placeholders of the usage line; -o is an option. */
  if (!aw_cli_parse_options ("replay", N_("TRACE.json -o FILE"),
                             N_("Draws a saved trace: one saved by `awaitscope run --trace` (every run it\n"
                                "holds, exactly as recorded) or a Trace Event file from another tool."),
                             aw_cli_picture_options (&picture, AW_CLI_PICTURE_OUTPUT),
                             entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      aw_cli_print_error (_("replay: give one trace file"));
      return 2;
    }
  if ((exit_code = aw_cli_picture_check_output ("replay", &picture)) != 0)
    return exit_code;

  traces = aw_traces_load_from_file_full (argv[1], &ignored, &error);
  if (traces == NULL)
    {
      aw_cli_print_error ("%s", error->message);
      return 1;
    }
  /* What another tool's file had that Awaitscope does not draw. */
  if (ignored != NULL)
    g_printerr ("%s: %s\n", argv[1], ignored);

  models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  names = g_ptr_array_new_with_free_func (g_free);
  variants = g_array_new (FALSE, TRUE, sizeof (AwNamedRun));
  for (guint i = 0; i < traces->len; i++)
    {
      AwTrace *trace = g_ptr_array_index (traces, i);
      const char *title = aw_trace_get_metadata (trace, "variant_title");
      AwNamedRun rv;
      /* Translators: the name of a recorded run that has none, on its lane. */
      char *fallback = g_strdup_printf (C_("replayed run", "run %u"), i + 1);

      g_ptr_array_add (names, fallback);
      g_ptr_array_add (models, aw_trace_model_new (trace));
      rv.name = aw_trace_get_metadata (trace, "variant") ? aw_trace_get_metadata (trace, "variant") : fallback;
      rv.title = title ? title : rv.name;
      rv.model = g_ptr_array_index (models, i);
      g_array_append_val (variants, rv);
    }

  base = g_path_get_basename (argv[1]);
  clock = aw_trace_get_metadata (g_ptr_array_index (traces, 0), "clock");
  /* Translators: a picture's caption; %s is a trace file's name. */
  caption = g_strdup_printf (g_strcmp0 (clock, "virtual") == 0 ? _("Replayed from %s (simulated timing).")
                             : g_strcmp0 (clock, "real") == 0 ? _("Replayed from %s (recorded run, real clock).")
                             : _("Replayed from %s (imported from another tool)."), base);

  aw_render_request_init (&request);
  request.title = aw_trace_get_metadata (g_ptr_array_index (traces, 0), "scenario_title");
  if (request.title == NULL)
    request.title = base;
  request.caption = caption;
  request.variants = (const AwNamedRun *) (gpointer) variants->data;
  request.n_variants = variants->len;
  request.theme = picture.theme;
  request.width = picture.width;
  request.height = picture.height;

  if (!aw_export_image (&request, picture.output, picture.scale, &error))
    {
      aw_cli_print_error ("%s", error->message);
      return 1;
    }
  if (aw_cli_is_terminal (stderr))
    g_printerr (_("wrote %s\n"), picture.output);

  return 0;
}
