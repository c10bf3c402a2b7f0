/* aw-recorded-text.c: the texts a run records, as a reader sees them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run records why a task failed or was cancelled ("Timed out after 500
 * ms") into its trace, in English and with a decimal point: a trace is a
 * file, read the same in every locale and by other tools. Where such a
 * text is shown (a run's header, a task's tooltip, a warning), it is
 * recognised by its template and written again in the reader's language,
 * with the locale's numbers. A text that matches no template (a C#
 * exception's message, a scenario's own "message") is shown as recorded.
 */

#include "config.h"

#include "aw-recorded-text.h"

#include "aw-format.h"
#include "aw-i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *recorded;   /* the template, as aw-interp.c records it */
  const char *shown;      /* the same, marked for translation */
  char        arg;        /* 0: none; 'u', 'd': a whole number; 'n': a decimal; 'D': a duration
                           * ("300 ms", "4.00 s"); 't': a recorded text */
} Template;

static const Template templates[] = {
  { AW_TEXT_CANCELLED, N_("The operation was cancelled"), 0 },
  { AW_TEXT_WHEN_ANY_CANCEL, N_("WhenAny has a winner: cancel the rest"), 0 },
  /* Translators: %u is a number of milliseconds. */
  { AW_TEXT_DEADLINE_PASSED, N_("Deadline of %u ms passed"), 'u' },
  /* Translators: %u is a number of milliseconds. */
  { AW_TEXT_TIMED_OUT, N_("Timed out after %u ms"), 'u' },
  /* Translators: %s is a number of seconds ("5.00"); .Result stays as it is. */
  { AW_TEXT_WATCHDOG, N_("watchdog: .Result gave up after %s s"), 'n' },
  /* Translators: %s is a number of seconds ("5.00"); .Result stays as it is. */
  { AW_TEXT_DEADLOCK, N_(".Result blocked the UI thread that the task needed to finish: "
                         "in C# it never returns; the watchdog gave up after %s s"), 'n' },
  /* Translators: %s is a number of seconds ("5.00"); .Result stays as it is. */
  { AW_TEXT_NOT_A_DEADLOCK, N_(".Result gave up after %s s, the longest deadline: not a deadlock, since the task "
                               "finishes on a pool thread; in C# .Result returns when it does"), 'n' },
  { AW_TEXT_STRANDED, N_("Its continuation was queued to the UI thread that .Result "
                         "blocked: in C# it never runs; in GLib it ran after the watchdog"), 0 },
  /* Translators: an exception's type and .NET's own message stay in
   * English, as .NET writes them; %s is the first error's message. */
  { AW_TEXT_AGGREGATE_WAIT, N_("AggregateException: One or more errors occurred. (%s)"), 't' },
  /* Translators: %s is an error's message. */
  { AW_TEXT_CRASH, N_("%s: the exception escaped an async void method; in C# it is rethrown on the "
                      "UI thread as an unhandled exception and the app crashes here"), 't' },
  { AW_TEXT_CANCEL_PRESSED, N_("Cancel pressed"), 0 },
  { AW_TEXT_CANCELLED_BY_CALLER, N_("Cancelled by the caller"), 0 },
  { AW_TEXT_CANCELLED_BY_YOU, N_("Cancelled by you"), 0 },
  /* Translators: why a run was cancelled: the window went to another lesson or closed. */
  { AW_TEXT_WINDOW_MOVED_ON, N_("The window moved on"), 0 },
  /* Translators: %d is a number of milliseconds. */
  { AW_TEXT_CANCEL_AFTER, N_("Cancel pressed after %d ms"), 'd' },
  { AW_TEXT_UNSUPPORTED, N_("This node type is not supported by this runner"), 0 },
  { AW_TEXT_WORKER_STOPPED, N_("The worker saw the cancellation and stopped"), 0 },
  { AW_TEXT_FAILED, N_("the operation failed"), 0 },
  /* Translators: %s is a duration ("4.00 s"); .Result stays as it is. */
  { AW_TEXT_LAB_DEADLOCK, N_("a blocking wait blocked the UI thread that the task needed to finish: "
                             "in C# it never returns; the watchdog gave up after %s"), 'D' },
  /* Translators: %s is a duration ("4.00 s"). */
  { AW_TEXT_LAB_WATCHDOG, N_("watchdog: the UI thread was blocked for %s"), 'D' },
  { AW_TEXT_LAB_TIMED_OUT, N_("the run did not end within 60 s"), 0 },
  /* Translators: %s is an exception's message. */
  { AW_TEXT_LAB_CRASH, N_("%s: unhandled on a thread with no SynchronizationContext: the process ends here"), 't' },
};

/* The aggregate's prefix, "%u more error%s in the aggregate; the first: ",
 * is matched on its own: its plural is a language's, not an "s". */
#define AGGREGATE_PATTERN "^([0-9]+) more errors? in the aggregate; the first: (.*)$"
/* The C# lab's watchdog, with continuations left in the UI thread's queue. */
#define DURATION_GROUP "([0-9]+(?:\\.[0-9]+)? m?s)"
#define STRANDED_PATTERN "^watchdog: the UI thread was blocked for " DURATION_GROUP \
                         "; ([0-9]+) continuations? waits? in its queue$"

static GRegex *
template_regex (const Template *t)
{
  const char *directive = strchr (t->recorded, '%');
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *pattern = NULL;
  const char *group;

  if (directive == NULL)
    return NULL;
  before = g_regex_escape_string (t->recorded, directive - t->recorded);
  after = g_regex_escape_string (directive + 2, -1);
  group = t->arg == 't' ? "(.*)" : t->arg == 'n' ? "([0-9]+(?:\\.[0-9]+)?)"
        : t->arg == 'D' ? DURATION_GROUP : "(-?[0-9]+)";
  pattern = g_strconcat ("^", before, group, after, "$", NULL);
  return g_regex_new (pattern, G_REGEX_DOTALL | G_REGEX_OPTIMIZE, 0, NULL);
}

/* Compiled once, for every thread; never freed, as GLib keeps its quarks. */
static GRegex **
regexes (void)
{
  static GRegex **all;

  if (g_once_init_enter (&all))
    {
      GRegex **compiled = g_new0 (GRegex *, G_N_ELEMENTS (templates) + 2);

      for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
        compiled[i] = template_regex (&templates[i]);
      compiled[G_N_ELEMENTS (templates)] = g_regex_new (AGGREGATE_PATTERN, G_REGEX_DOTALL, 0, NULL);
      compiled[G_N_ELEMENTS (templates) + 1] = g_regex_new (STRANDED_PATTERN, 0, 0, NULL);
      g_once_init_leave (&all, compiled);
    }
  return all;
}

/* "5.00", as recorded, in the locale's way ("5,00"). */
static char *
decimal_shown (const char *recorded)
{
  const char *point = strchr (recorded, '.');
  char buf[64];

  aw_format_number (buf, sizeof buf, point != NULL ? (int) strlen (point + 1) : 0,
                    g_ascii_strtod (recorded, NULL));
  return g_strdup (buf);
}

/* The formats are translated templates: msgfmt --check holds each one to
 * its original's directives, which the table's @arg names. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* "4.00 s", as recorded, in the locale's way ("4,00 s"). */
static char *
duration_shown (const char *recorded)
{
  const char *space = strchr (recorded, ' ');
  g_autofree char *number = g_strndup (recorded, space != NULL ? (gsize) (space - recorded) : strlen (recorded));
  g_autofree char *shown_number = decimal_shown (number);

  return g_strconcat (shown_number, space != NULL ? space : "", NULL);
}

static char *
shown (const char *text,
       guint       depth)
{
  GRegex **all = regexes ();
  g_autoptr(GMatchInfo) info = NULL;

  /* A nested text is one or two levels deep; a trace from elsewhere may
   * nest deeper, and is shown as it is there. */
  if (text == NULL || depth > 4)
    return g_strdup (text);

  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      const Template *t = &templates[i];
      g_autofree char *arg = NULL;

      if (all[i] == NULL)
        {
          if (strcmp (text, t->recorded) == 0)
            return g_strdup (_(t->shown));
          continue;
        }
      g_clear_pointer (&info, g_match_info_free);
      if (!g_regex_match (all[i], text, 0, &info))
        continue;
      arg = g_match_info_fetch (info, 1);
      switch (t->arg)
        {
        case 'u':
          return g_strdup_printf (_(t->shown), (guint) g_ascii_strtoull (arg, NULL, 10));
        case 'd':
          return g_strdup_printf (_(t->shown), (int) g_ascii_strtoll (arg, NULL, 10));
        case 'n':
          {
            g_autofree char *number = decimal_shown (arg);
            return g_strdup_printf (_(t->shown), number);
          }
        case 'D':
          {
            g_autofree char *duration = duration_shown (arg);
            return g_strdup_printf (_(t->shown), duration);
          }
        default:
          {
            g_autofree char *inner = shown (arg, depth + 1);
            return g_strdup_printf (_(t->shown), inner);
          }
        }
    }

  g_clear_pointer (&info, g_match_info_free);
  if (g_regex_match (all[G_N_ELEMENTS (templates)], text, 0, &info))
    {
      g_autofree char *count = g_match_info_fetch (info, 1);
      g_autofree char *first = g_match_info_fetch (info, 2);
      g_autofree char *inner = shown (first, depth + 1);
      guint n = (guint) MIN (g_ascii_strtoull (count, NULL, 10), G_MAXUINT);

      /* Translators: %1$u is how many errors follow the first, %2$s the first's message. */
      return g_strdup_printf (NG_("%1$u more error in the aggregate; the first: %2$s",
                                  "%1$u more errors in the aggregate; the first: %2$s", n), n, inner);
    }
  g_clear_pointer (&info, g_match_info_free);
  if (g_regex_match (all[G_N_ELEMENTS (templates) + 1], text, 0, &info))
    {
      g_autofree char *recorded = g_match_info_fetch (info, 1);
      g_autofree char *count = g_match_info_fetch (info, 2);
      g_autofree char *duration = duration_shown (recorded);
      guint n = (guint) MIN (g_ascii_strtoull (count, NULL, 10), G_MAXUINT);

      /* Translators: %1$s is a duration ("4.00 s"), %2$u how many
       * continuations wait in the blocked UI thread's queue. */
      return g_strdup_printf (NG_("watchdog: the UI thread was blocked for %1$s; %2$u continuation waits in its queue",
                                  "watchdog: the UI thread was blocked for %1$s; %2$u continuations wait in its queue",
                                  n), duration, n);
    }
  return g_strdup (text);
}

#pragma GCC diagnostic pop

/**
 * aw_recorded_text_shown:
 * @text: (nullable): a text a run recorded: why a task failed, was
 *   cancelled or deadlocked
 *
 * Returns: (transfer full) (nullable): @text in the reader's language and
 *   with the locale's numbers, if it is one of the texts a run records;
 *   else @text as it is
 */
char *
aw_recorded_text_shown (const char *text)
{
  return shown (text, 0);
}

/* The names runs give lanes (aw-trace.c, aw-engine-private.h, the C# lab),
 * recorded in English in every trace, for the catalogue. */
static const char *recorded_lane_names[] G_GNUC_UNUSED = {
  N_("UI thread"),
  N_("callback thread"),
  N_("pool thread (ConfigureAwait(false))"),
};

/**
 * aw_recorded_lane_shown:
 * @recorded: (nullable): a lane's name as a trace holds it
 * @lane: the lane's number (0 is the UI thread)
 * @buf: room for a numbered name
 * @size: its size
 *
 * Returns: (transfer none): the lane's name as a reader sees it: translated
 *   when it is one a run gives ("UI thread", "worker 2", the C# lab's
 *   "pool thread 1"), else (a user's own, another tool's) as recorded; in
 *   @buf or a static string
 */
const char *
aw_recorded_lane_shown (const char *recorded,
                        guint       lane,
                        char       *buf,
                        gsize       size)
{
  guint n;
  char end;

  if (recorded == NULL || recorded[0] == '\0')
    {
      if (lane == 0)
        return _("UI thread");
      g_snprintf (buf, size, _("worker %u"), lane);
      return buf;
    }
  if (sscanf (recorded, "worker %u%c", &n, &end) == 1)
    {
      g_snprintf (buf, size, _("worker %u"), n);
      return buf;
    }
  if (sscanf (recorded, "pool thread %u%c", &n, &end) == 1)
    {
      /* Translators: a thread of .NET's pool, as the C# lab names them: "pool thread 2". */
      g_snprintf (buf, size, _("pool thread %u"), n);
      return buf;
    }
  return g_dgettext (GETTEXT_PACKAGE, recorded);
}
