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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aw-file-util.h"
#include "aw-i18n.h"

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
 * @parameters: (nullable): what follows the options in the usage line
 *   ("ID|FILE"), marked with N_()
 * @summary: the paragraph under the usage line, marked with N_()
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

  /* The usage line's parameters, the summary and the options' texts are
   * marked with N_() where they are written; GOption translates them. */
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_help_enabled (context, TRUE);
  if (group != NULL)
    {
      g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
      g_option_group_add_entries (group, entries);
      g_option_context_set_main_group (context, group);
    }
  else
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      /* Translators: the first and last %s are a command ("run"), the
         second what was wrong with its options. */
      aw_cli_print_error (_("%s: %s (see `awaitscope %s --help`)"), command, error->message, command);
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
      /* Translators: %s is what was typed after --speed; %g are numbers. */
      aw_cli_print_error (_("--speed %s: give a number between %g and %g (0.25 is slow motion, 4 is four times faster)"),
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
      aw_cli_print_error (_("--deadline %d: give a number of milliseconds between 1 and %d"),
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
      /* Translators: "fixed" and "dotnet" are what the user types: keep
         them as they are. */
      aw_cli_print_error (_("--pool %s: give fixed (a fixed number of workers) or dotnet (.NET's thread pool, "
                            "which grows while queued work makes no progress)"), kind);
      return FALSE;
    }
  if (interval < 0 || interval > AW_SCENARIO_MAX_DURATION_MS || (interval > 0 && interval < AW_POOL_MIN_INTERVAL_MS))
    {
      aw_cli_print_error (_("--pool-interval %d: give a number of milliseconds between %d and %d"),
                          interval, AW_POOL_MIN_INTERVAL_MS, AW_SCENARIO_MAX_DURATION_MS);
      return FALSE;
    }
  if (max_threads < 0 || max_threads > AW_POOL_MAX_THREADS)
    {
      aw_cli_print_error (_("--pool-max %d: give a number of threads between 1 and %d"), max_threads, AW_POOL_MAX_THREADS);
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
  gulong n = workers != NULL ? strtoul (workers, NULL, 10) : 0;
  g_autofree char *every = NULL;

  if (g_strcmp0 (aw_trace_get_metadata (trace, AW_META_POOL), "dotnet") != 0 || interval == NULL || max == NULL)
    /* Translators: %s is a number of threads. */
    return g_strdup_printf (NG_("%s worker thread", "%s worker threads", n), workers ? workers : "?");
  every = aw_format_duration (g_ascii_strtod (interval, NULL));
  /* Translators: the first %s is a number of threads, the second a
     duration like "500 ms", the third the most threads the pool grows to. */
  return g_strdup_printf (NG_(".NET's thread pool from %s thread, one more every %s while queued work makes no progress (at most %s)",
                              ".NET's thread pool from %s threads, one more every %s while queued work makes no progress (at most %s)",
                              n),
                          workers ? workers : "?", every, max);
}

/**
 * aw_cli_column_width:
 * @heading: a column's heading, translated
 * @min: the width its figures need
 *
 * Returns: the column's width in characters: @min, or the heading's width
 *   if it is wider (a translation may be longer than the English word)
 */
int
aw_cli_column_width (const char *heading,
                     int         min)
{
  return MAX (min, (int) g_utf8_strlen (heading, -1));
}

/**
 * aw_cli_print_padded:
 * @text: a cell of a table
 * @width: its column's width in characters; negative to align it left
 *
 * Prints @text padded with spaces to @width, as printf's "%*s" does in
 * bytes: a translated heading may have letters of more than one byte.
 */
void
aw_cli_print_padded (const char *text,
                     int         width)
{
  int pad = ABS (width) - (int) g_utf8_strlen (text, -1);

  if (width > 0)
    printf ("%*s", MAX (pad, 0), "");
  fputs (text, stdout);
  if (width < 0)
    printf ("%*s", MAX (pad, 0), "");
}

/* The columns of a table of runs: the heading and the width its figures
 * need (negative: aligned left). */
static const struct {
  const char *heading;
  int         width;
} run_columns[AW_CLI_N_COLUMNS] = {
  /* Translators: the headings of the columns of `awaitscope run`'s table
     of runs; keep them short: a column is as wide as its heading. */
  [AW_CLI_COLUMN_VARIANT]    = { NC_("column", "variant"), -22 },
  /* Translators: a heading: how long the run took by the clock on the wall. */
  [AW_CLI_COLUMN_WALL]       = { NC_("column", "wall"), 10 },
  [AW_CLI_COLUMN_TASKS]      = { NC_("column", "tasks"), 6 },
  [AW_CLI_COLUMN_DONE]       = { NC_("column", "done"), 5 },
  [AW_CLI_COLUMN_FAILED]     = { NC_("column", "failed"), 6 },
  [AW_CLI_COLUMN_CANCELLED]  = { NC_("column", "cancelled"), 9 },
  [AW_CLI_COLUMN_DEADLOCKED] = { NC_("column", "deadlocked"), 10 },
  [AW_CLI_COLUMN_THREADS]    = { NC_("column", "threads"), 7 },
  /* Translators: a heading: the Task objects (GTasks) a run made. */
  [AW_CLI_COLUMN_TASK_OBJS]  = { NC_("column", "Task objs"), 9 },
  /* Translators: a heading: errors nobody awaited. */
  [AW_CLI_COLUMN_UNOBSERVED] = { NC_("column", "unobserved"), 10 },
  /* Translators: a heading: the longest time the main loop did not turn. */
  [AW_CLI_COLUMN_MAX_GAP]    = { NC_("column", "max gap"), 9 },
};

/**
 * aw_cli_runs_header:
 * @columns: the columns to print, a bit (1 << AwCliColumn) each
 * @widths: (out caller-allocates): each column's width, for the rows
 *
 * Prints the headings of a table of runs (no line break): each column as
 * wide as its figures need or as its heading, in the reader's language.
 */
void
aw_cli_runs_header (guint columns,
                    int   widths[AW_CLI_N_COLUMNS])
{
  gboolean first = TRUE;

  for (guint c = 0; c < AW_CLI_N_COLUMNS; c++)
    {
      const char *heading = g_dpgettext2 (GETTEXT_PACKAGE, "column", run_columns[c].heading);
      int width = aw_cli_column_width (heading, ABS (run_columns[c].width));

      widths[c] = run_columns[c].width < 0 ? -width : width;
      if (!(columns & (1u << c)))
        continue;
      if (!first)
        printf (" ");
      aw_cli_print_padded (heading, widths[c]);
      first = FALSE;
    }
}

/**
 * aw_cli_runs_row:
 * @columns: the columns, as given to aw_cli_runs_header()
 * @widths: the widths aw_cli_runs_header() gave
 * @name: the run's name
 * @m: its figures
 *
 * Prints a row of a table of runs (no line break).
 */
void
aw_cli_runs_row (guint            columns,
                 const int        widths[AW_CLI_N_COLUMNS],
                 const char      *name,
                 const AwMetrics *m)
{
  g_autofree char *wall = aw_format_duration (m->wall_ms);
  g_autofree char *gap = aw_format_duration (m->max_main_loop_gap_ms);
  gboolean first = TRUE;

  for (guint c = 0; c < AW_CLI_N_COLUMNS; c++)
    {
      g_autofree char *cell = NULL;

      if (!(columns & (1u << c)))
        continue;
      switch ((AwCliColumn) c)
        {
        case AW_CLI_COLUMN_VARIANT: cell = g_strdup (name); break;
        case AW_CLI_COLUMN_WALL: cell = g_strdup (wall); break;
        case AW_CLI_COLUMN_TASKS: cell = g_strdup_printf ("%u", m->tasks); break;
        case AW_CLI_COLUMN_DONE: cell = g_strdup_printf ("%u", m->completed); break;
        case AW_CLI_COLUMN_FAILED: cell = g_strdup_printf ("%u", m->failed); break;
        case AW_CLI_COLUMN_CANCELLED: cell = g_strdup_printf ("%u", m->cancelled); break;
        case AW_CLI_COLUMN_DEADLOCKED: cell = g_strdup_printf ("%u", m->deadlocked); break;
        case AW_CLI_COLUMN_THREADS: cell = g_strdup_printf ("%u", m->threads_used); break;
        case AW_CLI_COLUMN_TASK_OBJS: cell = g_strdup_printf ("%u", m->gtasks_created); break;
        case AW_CLI_COLUMN_UNOBSERVED: cell = g_strdup_printf ("%u", m->errors_unobserved); break;
        case AW_CLI_COLUMN_MAX_GAP: cell = g_strdup (gap); break;
        case AW_CLI_N_COLUMNS:
        default: g_assert_not_reached ();
        }
      if (!first)
        printf (" ");
      aw_cli_print_padded (cell, widths[c]);
      first = FALSE;
    }
}

/**
 * aw_cli_outcome_text:
 * @outcome: a run's outcome as recorded: "completed", "faulted: card
 *   declined", ...
 *
 * The recorded outcome stays as it is in traces and JSON; only its first
 * word is shown in the reader's language, the rest (an error's own text)
 * as recorded.
 *
 * Returns: (transfer full): @outcome for a reader
 */
char *
aw_cli_outcome_text (const char *outcome)
{
  static const struct {
    const char *word;
    const char *text;
  } words[] = {
    /* Translators: how a run ended, in `awaitscope run`'s report. */
    { AW_RUN_COMPLETED, NC_("outcome", "completed") },
    { AW_RUN_CANCELLED, NC_("outcome", "cancelled") },
    { AW_RUN_FAULTED, NC_("outcome", "faulted") },
    { AW_RUN_DEADLOCKED, NC_("outcome", "deadlocked") },
    { AW_RUN_CRASHED, NC_("outcome", "crashed") },
    { "unfinished", NC_("outcome", "unfinished") },
  };
  const char *colon = strchr (outcome, ':');
  gsize len = colon != NULL ? (gsize) (colon - outcome) : strlen (outcome);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strlen (words[i].word) == len && strncmp (outcome, words[i].word, len) == 0)
      return g_strconcat (g_dpgettext2 (GETTEXT_PACKAGE, "outcome", words[i].text), colon, NULL);
  return g_strdup (outcome);
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

/* What a signal handler says, looked up in the translations beforehand:
 * gettext() is not async-signal-safe, its result stays valid. */
static const char *interrupted_text;
static const char *terminated_text;

static void
write_text (const char *text)
{
  ssize_t ignored = write (STDERR_FILENO, text, strlen (text));

  (void) ignored;
}

static void
on_fatal_signal (int signum)
{
  /* Only async-signal-safe calls here: unlink(), strlen(), write(), _exit(). */
  aw_file_util_remove_temporaries ();
  write_text ("\nawaitscope: ");
  write_text (signum == SIGINT ? interrupted_text : terminated_text);
  write_text ("\n");
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

  interrupted_text = _("interrupted; no file was left half-written");
  terminated_text = _("terminated; no file was left half-written");
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
  GOptionGroup *group = g_option_group_new ("picture", N_("Picture options:"), N_("Show the picture options"),
                                            NULL, NULL);
  GOptionEntry output[] = {
    /* Translators: FILE is the placeholder for a file name in --help. */
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &picture->output, N_("Write the picture here (.png, .svg or .pdf)"), N_("FILE") },
    { NULL }
  };
  GOptionEntry transparent[] = {
    { "transparent", 0, 0, G_OPTION_ARG_NONE, &picture->transparent, N_("Leave the background transparent"), NULL },
    { NULL }
  };
  GOptionEntry common[] = {
    /* Translators: WxH is written as width x height; "1280x0" is a value to type. */
    { "size", 0, 0, G_OPTION_ARG_STRING, &picture->size, N_("Picture size; height 0 is as tall as the drawing, at most 16:9 (default 1280x0)"), N_("WxH") },
    /* Translators: the theme names are what the user types: keep them. */
    { "theme", 0, 0, G_OPTION_ARG_STRING, &picture->theme_name, N_("light, dark, high-contrast or projector"), N_("THEME") },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &picture->scale, N_("Pixels per point for PNG (2 for HiDPI)"), "N" },
    { NULL }
  };

  /* The group copies the entries; aw_cli_parse_options() sets its
   * translation domain. */
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
      /* Translators: %s is a command ("render"); -o is an option. */
      aw_cli_print_error (_("%s: say where to write the picture with -o FILE.png (or .svg, .pdf)"), command);
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
      aw_cli_print_error (_("--scale %g: give a number between 0.5 and 4, with the scaled size at most %d pixels a side"),
                          scale, AW_EXPORT_MAX_SIDE);
      return 2;
    }
  picture->theme = aw_theme_lookup (picture->theme_name ? picture->theme_name : "light");
  if (picture->theme == NULL)
    {
      /* Translators: what separates the items of a list ("a, b, c"). */
      g_autofree char *names = g_strjoinv (C_("list", ", "), (char **) aw_theme_list_names ());

      /* Translators: %s is the theme that was asked for, then the list of themes. */
      aw_cli_print_error (_("unknown theme \"%s\" (themes: %s)"), picture->theme_name, names);
      return 2;
    }
  if (check_folder && !aw_cli_check_output_folder (output))
    return 1;
  return 0;
}
