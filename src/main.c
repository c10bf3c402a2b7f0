/* main.c: a CLI command runs before any display is opened, else the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

#include "aw-cli.h"

int
main (int    argc,
      char **argv)
{
  if (argc > 1 && aw_cli_is_command (argv[1]))
    return aw_cli_main (argc, argv);

  if (argc > 1)
    {
      g_printerr ("awaitscope: unknown command \"%s\"; `awaitscope --help` lists the commands\n", argv[1]);
      return 2;
    }

  /* The window is not built yet: show the default scenario as a picture. */
  return aw_cli_render_default (NULL);
}
