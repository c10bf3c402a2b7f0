/* aw-cli-util.c: errors, option parsing and picture options the commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every command reports errors the same way ("awaitscope: ..." on stderr,
 * exit 2 for a bad command line, 1 for a failure) and every command that
 * draws takes the same picture options, checked before any run starts so a
 * typo costs no waiting.
 */

#include "config.h"

#include "aw-cli-private.h"
#include "aw-cli.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "aw-file-util.h"

void
aw_cli_print_error (const char *format,
                    ...)
{
  g_autofree char *msg = NULL;
  g_autofree char *shown = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  /* A message may quote what the user typed, control characters and all. */
  shown = aw_cli_escape_controls (msg);
  g_printerr ("awaitscope: %s\n", shown);
}

/**
 * aw_cli_escape_controls:
 * @text: text for a terminal, perhaps quoting what a user gave
 *
 * Returns: (transfer full): @text with its control characters (but line
 *   breaks and tabs) written as `\x1b`, so that none reaches the terminal
 *   raw: an escape sequence could clear the screen or retitle the window;
 *   bytes that are not UTF-8 are written the same way
 */
char *
aw_cli_escape_controls (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f))
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

gboolean
aw_cli_is_terminal (FILE *stream)
{
  return isatty (fileno (stream));
}

/**
 * aw_cli_parse_options:
 * @command: the command's name, for messages
 * @parameters: what follows the options in the usage line ("ID|FILE")
 * @summary: the paragraph under the usage line
 * @group: (nullable) (transfer full): the main group to parse with, such
 *   as the picture options; @entries are added to it
 * @entries: the command's own options
 * @argc: the arguments, the command's name first
 * @argv: the arguments
 * @exit_code: (out): the exit status when this returns %FALSE
 *
 * Parses the command's options. The program name is already "awaitscope
 * COMMAND", so the usage line names the command once.
 *
 * Returns: %FALSE with @exit_code set if the command line is wrong
 */
gboolean
aw_cli_parse_options (const char    *command,
                      const char    *parameters,
                      const char    *summary,
                      GOptionGroup  *group,
                      GOptionEntry  *entries,
                      int           *argc,
                      char        ***argv,
                      int           *exit_code)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_set_help_enabled (context, TRUE);
  if (group != NULL)
    {
      g_option_group_add_entries (group, entries);
      g_option_context_set_main_group (context, group);
    }
  else
    g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      aw_cli_print_error ("%s: %s (see `awaitscope %s --help`)", command, error->message, command);
      *exit_code = 2;
      return FALSE;
    }
  return TRUE;
}

gboolean
aw_cli_parse_speed (const char *text,
                    double     *speed)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    return TRUE;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(value >= AW_RUNNER_MIN_SPEED && value <= AW_RUNNER_MAX_SPEED))
    {
      aw_cli_print_error ("--speed %s: give a number between %g and %g (0.25 is slow motion, 4 is four times faster)",
                          text, AW_RUNNER_MIN_SPEED, AW_RUNNER_MAX_SPEED);
      return FALSE;
    }
  *speed = value;
  return TRUE;
}

gboolean
aw_cli_parse_deadline (int           deadline,
                       AwRunOptions *options)
{
  if (deadline < 0 || deadline > AW_WAIT_MAX_DEADLINE_MS)
    {
      aw_cli_print_error ("--deadline %d: give a number of milliseconds between 1 and %d",
                          deadline, AW_WAIT_MAX_DEADLINE_MS);
      return FALSE;
    }
  options->wait_deadline_ms = deadline;
  return TRUE;
}

/* `--pool KIND`, `--pool-interval MS`, `--pool-max N`. */
gboolean
aw_cli_parse_pool (const char   *kind,
                   int           interval,
                   int           max_threads,
                   AwRunOptions *options)
{
  if (kind != NULL && !aw_pool_kind_from_string (kind, &options->pool))
    {
      aw_cli_print_error ("--pool %s: give fixed (a fixed number of workers) or dotnet (.NET's thread pool, "
                          "which grows while queued work makes no progress)", kind);
      return FALSE;
    }
  if (interval < 0 || interval > AW_SCENARIO_MAX_DURATION_MS || (interval > 0 && interval < AW_POOL_MIN_INTERVAL_MS))
    {
      aw_cli_print_error ("--pool-interval %d: give a number of milliseconds between %d and %d",
                          interval, AW_POOL_MIN_INTERVAL_MS, AW_SCENARIO_MAX_DURATION_MS);
      return FALSE;
    }
  if (max_threads < 0 || max_threads > AW_POOL_MAX_THREADS)
    {
      aw_cli_print_error ("--pool-max %d: give a number of threads between 1 and %d", max_threads, AW_POOL_MAX_THREADS);
      return FALSE;
    }
  options->pool_interval_ms = interval;
  options->pool_max_threads = max_threads;
  return TRUE;
}

/* What pool a run had, from its trace: "2 worker threads", or how the
 * dotnet pool started and grew. */
char *
aw_cli_describe_pool (AwTrace *trace)
{
  const char *workers = aw_trace_get_metadata (trace, AW_META_WORKERS);
  const char *interval = aw_trace_get_metadata (trace, AW_META_POOL_INTERVAL_MS);
  const char *max = aw_trace_get_metadata (trace, AW_META_POOL_MAX_THREADS);
  g_autofree char *every = NULL;

  if (g_strcmp0 (aw_trace_get_metadata (trace, AW_META_POOL), "dotnet") != 0 || interval == NULL || max == NULL)
    return g_strdup_printf ("%s worker threads", workers ? workers : "?");
  every = aw_format_duration (g_ascii_strtod (interval, NULL));
  return g_strdup_printf (".NET's thread pool from %s threads, one more every %s while queued work makes no progress (at most %s)",
                          workers ? workers : "?", every, max);
}

/* Before a run: the file can be written where asked (the folder exists
 * and takes a file; the target is no folder, device, read-only or
 * hard-linked file), so that a long run does not end in a write error. */
gboolean
aw_cli_check_output_folder (const char *path)
{
  g_autoptr(GError) error = NULL;

  if (!aw_file_check_target (path, TRUE, &error))
    {
      aw_cli_print_error ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static void
on_fatal_signal (int signum)
{
  static const char interrupted[] = "\nawaitscope: interrupted; no file was left half-written\n";
  static const char terminated[] = "\nawaitscope: terminated; no file was left half-written\n";
  ssize_t ignored;

  /* Only async-signal-safe calls here: unlink(), write(), _exit(). */
  aw_file_util_remove_temporaries ();
  if (signum == SIGINT)
    ignored = write (STDERR_FILENO, interrupted, sizeof interrupted - 1);
  else
    ignored = write (STDERR_FILENO, terminated, sizeof terminated - 1);
  (void) ignored;
  _exit (128 + signum);
}

/**
 * aw_cli_install_signal_handlers:
 *
 * On SIGINT, SIGTERM and SIGHUP, removes the temporary file of any write
 * in progress (see aw_write_file_atomic()), says so and exits with 128 plus
 * the signal's number, as a shell reports a process the signal ended. A
 * handler, not a main-loop source: a run may hold its main loop for
 * seconds (blocking the UI thread is a lesson) and drawing holds it too.
 */
void
aw_cli_install_signal_handlers (void)
{
  struct sigaction action = { 0 };
  static const int signals[] = { SIGINT, SIGTERM, SIGHUP };

  action.sa_handler = on_fatal_signal;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      struct sigaction old;

      /* A signal ignored by whoever started us (nohup) stays ignored. */
      if (sigaction (signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        continue;
      sigaction (signals[i], &action, NULL);
    }
}

/* Picture options ------------------------------------------------------------- */

void
aw_cli_picture_init (AwCliPicture *picture)
{
  memset (picture, 0, sizeof *picture);
  picture->scale = 1;
  picture->width = 1280;
  /* As tall as the drawing: a short run leaves no empty band. */
  picture->height = 0;
}

void
aw_cli_picture_clear (AwCliPicture *picture)
{
  g_clear_pointer (&picture->output, g_free);
  g_clear_pointer (&picture->size, g_free);
  g_clear_pointer (&picture->theme_name, g_free);
}

/**
 * aw_cli_picture_options:
 * @picture: where the options go; it must outlive the parsing
 * @flags: the options beyond size, theme and scale
 *
 * The options every picture command takes, as a group to parse with (see
 * aw_cli_parse_options()).
 *
 * Returns: (transfer full): the group
 */
GOptionGroup *
aw_cli_picture_options (AwCliPicture      *picture,
                        AwCliPictureFlags  flags)
{
  GOptionGroup *group = g_option_group_new ("picture", "Picture options:", "Show the picture options",
                                            NULL, NULL);
  GOptionEntry output[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &picture->output, "Write the picture here (.png, .svg or .pdf)", "FILE" },
    { NULL }
  };
  GOptionEntry transparent[] = {
    { "transparent", 0, 0, G_OPTION_ARG_NONE, &picture->transparent, "Leave the background transparent", NULL },
    { NULL }
  };
  GOptionEntry common[] = {
    { "size", 0, 0, G_OPTION_ARG_STRING, &picture->size, "Picture size; height 0 is as tall as the drawing, at most 16:9 (default 1280x0)", "WxH" },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &picture->theme_name, "light, dark, high-contrast or projector", "THEME" },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &picture->scale, "Pixels per point for PNG (2 for HiDPI)", "N" },
    { NULL }
  };

  /* The group copies the entries. */
  if (flags & AW_CLI_PICTURE_OUTPUT)
    g_option_group_add_entries (group, output);
  if (flags & AW_CLI_PICTURE_TRANSPARENT)
    g_option_group_add_entries (group, transparent);
  g_option_group_add_entries (group, common);

  return group;
}

/**
 * aw_cli_picture_check_output:
 * @command: the command, for the message
 * @picture: parsed picture options of a command that writes a picture to -o
 *
 * Checks that -o was given, then the picture options (see
 * aw_cli_picture_check()), before any work starts.
 *
 * Returns: the exit status: 0 if fine
 */
int
aw_cli_picture_check_output (const char   *command,
                             AwCliPicture *picture)
{
  if (picture->output == NULL)
    {
      aw_cli_print_error ("%s: say where to write the picture with -o FILE.png (or .svg, .pdf)", command);
      return 2;
    }
  return aw_cli_picture_check (picture, picture->output, TRUE);
}

/**
 * aw_cli_picture_check:
 * @picture: parsed picture options
 * @output: the file whose name gives the format
 * @check_folder: also check that @output's folder exists
 *
 * Checks the picture options and fills in @picture's format, size and
 * theme, before any run starts.
 *
 * Returns: the exit status: 0 if fine, 2 for a bad option, 1 for a
 *   missing folder
 */
int
aw_cli_picture_check (AwCliPicture *picture,
                      const char   *output,
                      gboolean      check_folder)
{
  g_autoptr(GError) error = NULL;
  double scale = picture->scale;

  if (!aw_image_format_from_path (output, &picture->format, &error) ||
      (picture->size != NULL && !aw_parse_picture_size (picture->size, &picture->width, &picture->height, &error)))
    {
      aw_cli_print_error ("%s", error->message);
      return 2;
    }
  if (!(scale >= 0.5 && scale <= 4) ||
      picture->width * scale > AW_EXPORT_MAX_SIDE || picture->height * scale > AW_EXPORT_MAX_SIDE)
    {
      aw_cli_print_error ("--scale %g: give a number between 0.5 and 4, with the scaled size at most %d pixels a side",
                          scale, AW_EXPORT_MAX_SIDE);
      return 2;
    }
  picture->theme = aw_theme_lookup (picture->theme_name ? picture->theme_name : "light");
  if (picture->theme == NULL)
    {
      g_autofree char *names = g_strjoinv (", ", (char **) aw_theme_list_names ());

      aw_cli_print_error ("unknown theme \"%s\" (themes: %s)", picture->theme_name, names);
      return 2;
    }
  if (check_folder && !aw_cli_check_output_folder (output))
    return 1;
  return 0;
}
