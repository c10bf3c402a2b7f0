/* aw-cli.c: the headless commands; none of them opens a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file only dispatches: `awaitscope COMMAND` runs the command's file
 * (aw-cli-list.c, aw-cli-run.c, ...). `screenshot` needs the window, so
 * main.c runs it; it is listed here so that --help names every command.
 */

#include "config.h"

#include "aw-cli.h"
#include "aw-cli-private.h"

#include <locale.h>
#include <string.h>

#include "aw-catalog.h"
#include "aw-i18n.h"

typedef struct {
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);   /* NULL: main.c runs it */
} Command;

/* The names are typed: never translated. */
static const Command commands[] = {
  { "list",   N_("List the bundled lesson scenarios, grouped by part"), aw_cli_list },
  { "run",    N_("Run a scenario for real and print what happened"), aw_cli_run },
  { "render", N_("Run a scenario and draw its timeline to PNG, SVG or PDF"), aw_cli_render },
  { "check",  N_("Check scenario files and explain any mistake"), aw_cli_check },
  { "replay", N_("Draw a saved trace (ours or another tool's) to PNG, SVG or PDF"), aw_cli_replay },
  { "gallery", N_("Draw every scenario, variant and comparison into a folder, with an index"), aw_cli_gallery },
#ifdef AW_HAVE_GTK
  { "screenshot", N_("Open the window on a scenario and save it as a PNG (needs a display)"), NULL },
#endif
};

/* scripts/make-man and the shell completion read this in the C locale, so
 * in English; a translation is for people only. */
static void
print_usage (FILE *stream)
{
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int) strlen (commands[i].name));

  /* Translators: "awaitscope" is the program; COMMAND and OPTION are
     placeholders. */
  fprintf (stream, "%s\n\n", _("Usage: awaitscope [COMMAND] [OPTION...]"));
#ifdef AW_HAVE_GTK
  fprintf (stream, "%s\n\n%s\n",
           _("Awaitscope runs small asynchronous programs for real on GLib and draws\n"
             "what happened on a timeline. Without a command it opens the window."),
           /* Translators: "screenshot" is a command's name: keep it. */
           _("Commands (only screenshot needs a display):"));
#else
  fprintf (stream, "%s\n\n%s\n",
           _("Awaitscope runs small asynchronous programs for real on GLib and draws\n"
             "what happened on a timeline. Without a command it renders the default scenario to a PNG."),
           _("Commands (no display needed):"));
#endif
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-*s %s\n", width + 1, commands[i].name, _(commands[i].summary));
  /* Translators: COMMAND is a placeholder; the rest of `...` is typed. */
  fprintf (stream, "\n%s\n", _("Run `awaitscope COMMAND --help` for a command's options."));
}

/**
 * aw_cli_is_command:
 * @name: (nullable): the first argument
 *
 * Returns: whether aw_cli_main() runs @name (every command but screenshot,
 *   and help and --version)
 */
gboolean
aw_cli_is_command (const char *name)
{
  if (name == NULL)
    return FALSE;
  if (g_str_equal (name, "help") || g_str_equal (name, "--help") || g_str_equal (name, "-h") ||
      g_str_equal (name, "--version"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (commands[i].run != NULL && g_str_equal (name, commands[i].name))
      return TRUE;
  return FALSE;
}

/**
 * aw_cli_main:
 * @argc: the program's arguments
 * @argv: the program's arguments; argv[1] is the command
 *
 * Returns: the exit status
 */
int
aw_cli_main (int    argc,
             char **argv)
{
  const char *name = argv[1];

  setlocale (LC_ALL, "");
  aw_catalog_init ();

  if (g_str_equal (name, "--version"))
    {
      printf ("awaitscope %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_str_equal (name, "help") || g_str_equal (name, "--help") || g_str_equal (name, "-h"))
    {
      print_usage (stdout);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (commands[i].run != NULL && g_str_equal (name, commands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("awaitscope %s", name);

        g_set_prgname (prgname);
        return commands[i].run (argc - 1, argv + 1);
      }

  aw_cli_print_error (_("unknown command \"%s\""), name);
  print_usage (stderr);
  return 2;
}

/**
 * aw_cli_render_default:
 * @path: (nullable): where to write, or %NULL for a file in the cache folder
 *
 * Renders the default scenario to a PNG and prints where it went: what the
 * app does without a command when it cannot open a window.
 */
int
aw_cli_render_default (const char *path)
{
  g_autofree char *default_path = NULL;
  char *args[] = { (char *) "render", (char *) AW_CATALOG_DEFAULT_ID, (char *) "-o", NULL, NULL };
  int ret;

  if (path == NULL)
    {
      g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "awaitscope", NULL);

      g_mkdir_with_parents (dir, 0755);
      default_path = g_build_filename (dir, AW_CATALOG_DEFAULT_ID ".png", NULL);
      path = default_path;
    }
  args[3] = (char *) path;

  aw_catalog_init ();
  g_set_prgname ("awaitscope render");
  ret = aw_cli_render (4, args);
  if (ret == 0)
    printf ("%s\n", path);

  return ret;
}
