/* main.c: a CLI command runs before any display is opened, else the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib.h>

#include "aw-cli.h"
#include "aw-i18n.h"

#ifdef AW_HAVE_GTK
# include <gtk/gtk.h>
# include "aw-application.h"
# include "aw-screenshot.h"
# include "aw-catalog.h"
#endif

/* Whatever reaches the terminal through g_printerr(), a file name or a
 * command the user typed among it, arrives with its control characters
 * escaped. */
static void
print_escaped (const char *text)
{
  g_autofree char *shown = aw_cli_escape_controls (text);

  fputs (shown, stderr);
}

/* The user's locale for messages, and numbers on screen; our translations
 * from where they are installed, or from AWAITSCOPE_LOCALEDIR (a build
 * tree's po/ folder: scripts/run, `meson devenv` and the tests set it). */
static void
init_i18n (void)
{
  const char *localedir = g_getenv ("AWAITSCOPE_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
main (int    argc,
      char **argv)
{
  init_i18n ();
  g_set_printerr_handler (print_escaped);
  /* Ctrl+C during a write leaves no temporary file behind. */
  aw_cli_install_signal_handlers ();

  if (argc > 1 && aw_cli_is_command (argv[1]))
    return aw_cli_main (argc, argv);

#ifdef AW_HAVE_GTK
  if (argc > 1 && g_str_equal (argv[1], "screenshot"))
    return aw_screenshot_main (argc - 1, argv + 1);
#endif

  if (argc > 1)
    {
      /* Translators: %s is what the user typed as a command. */
      g_printerr (_("awaitscope: unknown command \"%s\"; `awaitscope --help` lists the commands\n"), argv[1]);
      return 2;
    }

#ifdef AW_HAVE_GTK
  /* A window needs a display; without one, show the default scenario as a
   * picture instead and say where it is. */
  /* The lessons are parsed on a second core while GTK starts. */
  aw_catalog_preload ();
  if (gtk_init_check ())
    {
      int status = aw_application_main (argc, argv);

      /* Nothing took it when another instance had the window already. */
      aw_catalog_preload_drop ();
      return status;
    }
  aw_catalog_preload_drop ();
  g_printerr (_("awaitscope: no display, so here is the default scenario as a picture:\n"));
#endif

  return aw_cli_render_default (NULL);
}
