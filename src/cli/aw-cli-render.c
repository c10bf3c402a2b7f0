/* aw-cli-render.c: `awaitscope render`: a scenario run and drawn to PNG, SVG or PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every variant on one time axis, with title, legend, caption and the
 * verdict, the same picture as the window's Export Image. Bad options are
 * refused before a run starts; the file is written whole or not at all.
 */

#include "config.h"

#include "aw-cli-private.h"

#include "aw-i18n.h"

int
aw_cli_render (int    argc,
               char **argv)
{
  g_auto(AwCliRunSet) set = { 0 };
  g_auto(AwCliCsharp) cs = { 0 };
  gboolean csharp = FALSE;
  g_auto(AwCliPicture) picture = { 0 };
  g_autofree char *variant = NULL;
  g_autofree char *speed = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *headline = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;
  AwRenderRequest request;
  AwRunOptions options;
  int deadline = 0;
  int exit_code = 0;
  GOptionEntry entries[] = {
    { "virtual-clock", 0, 0, G_OPTION_ARG_NONE, &set.virtual_clock, N_("Simulate instead of running: instant, reproducible, simulated timing"), NULL },
    { "variant", 0, 0, G_OPTION_ARG_STRING, &variant, N_("Draw only this variant"), N_("NAME") },
    { "speed", 0, 0, G_OPTION_ARG_STRING, &speed, N_("Divide every duration by X (default 1)"), "X" },
    { "deadline", 0, 0, G_OPTION_ARG_INT, &deadline, N_("Watchdog deadline of blocking waits (.Result), 1 to 30000 ms"), "MS" },
    { "csharp", 0, 0, G_OPTION_ARG_NONE, &csharp, N_("Also run the scenario's C# twin on Mono: each variant's C# run drawn above its GLib run"), NULL },
    { NULL }
  };

  aw_cli_picture_init (&picture);
  /* Translators: placeholders of the usage line; -o is an option. */
  if (!aw_cli_parse_options ("render", N_("ID|FILE -o FILE"),
                             N_("Runs a scenario for real and draws its timeline: every variant stacked on\n"
                                "one time axis. The format follows the file name: .png, .svg or .pdf."),
                             aw_cli_picture_options (&picture, AW_CLI_PICTURE_OUTPUT | AW_CLI_PICTURE_TRANSPARENT),
                             entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      aw_cli_print_error (_("render: give one scenario id or file (see `awaitscope list`)"));
      return 2;
    }
  /* Refuse bad requests before spending seconds on a run. */
  if ((exit_code = aw_cli_picture_check_output ("render", &picture)) != 0)
    return exit_code;

  aw_run_options_init (&options);
  options.heartbeat_ms = AW_CLI_HEARTBEAT_MS;
  if (!aw_cli_parse_speed (speed, &options.speed) || !aw_cli_parse_deadline (deadline, &options))
    return 2;
  if (csharp && set.virtual_clock)
    {
      aw_cli_print_error ("%s", _("--csharp runs the C# twin for real: it does not go with --virtual-clock"));
      return 2;
    }

  if (!aw_cli_run_set_prepare (&set, argv[1], variant) || !aw_cli_run_set_execute (&set, &options))
    return 1;
  if (csharp && !aw_cli_csharp_run (&cs, &set, &options))
    return 1;

  aw_cli_run_set_request (&set, &options, &request, &caption, &headline, &description);
  if (csharp)
    aw_cli_csharp_request (&cs, &set, &request, &caption, &headline);
  request.theme = picture.theme;
  request.width = picture.width;
  request.height = picture.height;
  request.transparent = picture.transparent;

  if (!aw_export_image (&request, picture.output, picture.scale, &error))
    {
      aw_cli_print_error ("%s", error->message);
      return 1;
    }

  if (aw_cli_is_terminal (stderr))
    g_printerr (_("wrote %s\n"), picture.output);

  return 0;
}
