/* aw-format.c: numbers and durations as every view writes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chart, the outcome card, the accessible description, the verdicts
 * and the CLI's tables all show durations; they must agree on one text for
 * one figure. Every one of them is written here, for a person: with the
 * decimal separator of the locale (LC_NUMERIC: "1.50 s" in English, "1,50 s"
 * in German; src/main.c sets the locale from the environment).
 *
 * What a program reads instead (`run --json`, traces, the metadata of SVG
 * and PDF files, CSS) is written with g_ascii_formatd() or json-glib, or
 * inside an aw_c_locale_push() scope, which makes this thread write
 * numbers and messages as the C locale does.
 */

#include "config.h"

#include "aw-format.h"

#include <langinfo.h>
#include <locale.h>
#include <string.h>
#include <math.h>

/**
 * aw_format_number:
 * @buf: where to write
 * @len: the size of @buf (%G_ASCII_DTOSTR_BUF_SIZE is enough)
 * @decimals: digits after the point, 0 to 9
 * @value: the number
 *
 * Writes @value with @decimals digits after the locale's decimal
 * separator ("1.5", "1,5"), without grouping the thousands.
 */
void
aw_format_number (char   *buf,
                  gsize   len,
                  int     decimals,
                  double  value)
{
  /* The C library's printf follows this thread's LC_NUMERIC. */
  g_snprintf (buf, len, "%.*f", CLAMP (decimals, 0, 9), value);
}

/**
 * aw_format_thousands_separator:
 *
 * What separates groups of three digits in a count ("1,001" in English,
 * "1.001" in German): the separator of this thread's LC_NUMERIC, or where
 * it has none (the C locale) a comma, or a point if the comma is the
 * decimal separator, so a count never reads as a fraction.
 *
 * Returns: (transfer none): the separator
 */
const char *
aw_format_thousands_separator (void)
{
  const char *sep = nl_langinfo (THOUSEP);
  const char *point = nl_langinfo (RADIXCHAR);

  if (sep != NULL && sep[0] != '\0')
    return sep;
  return point != NULL && strcmp (point, ",") == 0 ? "." : ",";
}

/**
 * aw_format_duration:
 * @ms: a duration in milliseconds
 *
 * Formats a duration the one way every view shows it: three significant
 * digits, "640 ms" below a second and "2.41 s", "12.3 s", "120 s" from one
 * second up, with the locale's decimal separator. A value that rounds
 * to 1000 ms at millisecond precision (999.5 ms and up) is "1.00 s", never
 * "1000 ms". Below 1 ms, two decimals: "0.40 ms", "0.00 ms". A negative or
 * non-finite value is "–". This is the rule the chart has always used.
 *
 * Returns: (transfer full): the text
 */
char *
aw_format_duration (double ms)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (ms) || ms < 0)
    return g_strdup ("–");

  if (ms >= 999.5)
    {
      double sec = ms / 1000.0;

      aw_format_number (num, sizeof num, sec < 9.995 ? 2 : sec < 99.95 ? 1 : 0, sec);
      return g_strdup_printf ("%s s", num);
    }

  aw_format_number (num, sizeof num, ms >= 9.95 ? 0 : ms >= 0.995 ? 1 : 2, ms);
  return g_strdup_printf ("%s ms", num);
}

/**
 * aw_format_duration_as:
 * @ms: a duration in milliseconds
 * @scale_ms: the largest of the durations shown beside it
 *
 * Formats @ms in the unit, and from one second up with the decimals, that
 * aw_format_duration() gives @scale_ms, so that figures read side by side
 * share a unit: "off by 0.90 s" beside "predicted 1.50 s", "0.64 s / 2.41 s"
 * (aw_format_duration() alone would write "900 ms" and "640 ms"). Below a
 * second @ms is written as aw_format_duration() writes it. A negative or
 * non-finite @ms is "–"; a @scale_ms that is neither is taken as @ms.
 *
 * Returns: (transfer full): the text
 */
char *
aw_format_duration_as (double ms,
                       double scale_ms)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  double scale_sec;

  if (!isfinite (ms) || ms < 0)
    return g_strdup ("–");
  if (!isfinite (scale_ms) || scale_ms < ms)
    scale_ms = ms;
  if (scale_ms < 999.5)
    return aw_format_duration (ms);

  /* The decimals of the scale's own text, rounded as it is rounded. */
  scale_sec = scale_ms / 1000.0;
  aw_format_number (num, sizeof num, scale_sec < 9.995 ? 2 : scale_sec < 99.95 ? 1 : 0, ms / 1000.0);
  return g_strdup_printf ("%s s", num);
}

/**
 * aw_format_speed:
 * @speed: a speed factor (0.25 is slow motion)
 *
 * Returns: (transfer full): e.g. "0.25x" or "2x", with the locale's
 *   decimal separator
 */
char *
aw_format_speed (double speed)
{
  return g_strdup_printf ("%gx", speed);
}

struct _AwCLocale {
  locale_t saved;
};

/**
 * aw_c_locale_push:
 *
 * Makes the calling thread write numbers, and look messages up, as the C
 * locale does, until aw_c_locale_pop(): for output a program reads, which
 * must be the same in every locale. Other threads keep theirs. Use it as
 * `g_autoptr(AwCLocale) c = aw_c_locale_push ();`.
 *
 * Returns: (transfer full): what aw_c_locale_pop() restores
 */
AwCLocale *
aw_c_locale_push (void)
{
  static gsize once;
  static locale_t c_locale;
  AwCLocale *scope = g_new (AwCLocale, 1);

  if (g_once_init_enter (&once))
    {
      c_locale = newlocale (LC_ALL_MASK, "C", (locale_t) 0);
      g_once_init_leave (&once, 1);
    }
  scope->saved = c_locale != (locale_t) 0 ? uselocale (c_locale) : (locale_t) 0;
  return scope;
}

/**
 * aw_c_locale_pop:
 * @scope: (transfer full): what aw_c_locale_push() returned
 *
 * Gives the calling thread back the locale it had before.
 */
void
aw_c_locale_pop (AwCLocale *scope)
{
  if (scope == NULL)
    return;
  if (scope->saved != (locale_t) 0)
    uselocale (scope->saved);
  g_free (scope);
}
