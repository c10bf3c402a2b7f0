/* aw-format.c: numbers and durations as every view writes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chart, the outcome card, the accessible description, the verdicts
 * and the CLI's tables all show durations; they must agree on one text for
 * one figure, in every locale. So numbers are written here with
 * g_ascii_formatd(): a decimal point, never a comma, whatever LC_NUMERIC
 * says (the window and the CLI both set the locale from the environment).
 */

#include "config.h"

#include "aw-format.h"

#include <math.h>

/**
 * aw_format_number:
 * @buf: where to write
 * @len: the size of @buf (%G_ASCII_DTOSTR_BUF_SIZE is enough)
 * @decimals: digits after the point, 0 to 9
 * @value: the number
 *
 * Writes @value with @decimals digits after a decimal point, whatever the
 * locale.
 */
void
aw_format_number (char   *buf,
                  gsize   len,
                  int     decimals,
                  double  value)
{
  char fmt[16];

  g_snprintf (fmt, sizeof fmt, "%%.%df", CLAMP (decimals, 0, 9));
  g_ascii_formatd (buf, len, fmt, value);
}

/**
 * aw_format_duration:
 * @ms: a duration in milliseconds
 *
 * Formats a duration the way the timeline shows it: "2.41 s" from one
 * second up, "640 ms" below, with a fixed decimal point whatever the locale.
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
