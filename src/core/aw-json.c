/* aw-json.c: checks every JSON input passes before json-glib parses it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib parses recursively and reads whole files into memory, so size,
 * encoding and bracket depth are checked first, with the position of the
 * problem, and absurd inputs never reach it.
 */

#include "config.h"

#include "aw-json.h"

/**
 * aw_json_precheck:
 * @data: the text
 * @length: its length in bytes
 * @display_name: the file name for messages
 * @max_size: the largest accepted length
 * @max_depth: the deepest accepted nesting of brackets
 * @domain: the error domain to report in
 * @syntax_code: the code for an empty or non-UTF-8 input
 * @limit_code: the code for inputs over a limit
 * @error: return location for "FILE:LINE:COLUMN: problem"
 *
 * Returns: %TRUE if @data may be given to a JSON parser
 */
gboolean
aw_json_precheck (const char  *data,
                  gsize        length,
                  const char  *display_name,
                  gsize        max_size,
                  guint        max_depth,
                  GQuark       domain,
                  gint         syntax_code,
                  gint         limit_code,
                  GError     **error)
{
  const char *invalid = NULL;
  guint line = 1, column = 1, depth = 0;
  gboolean in_string = FALSE, escaped = FALSE;

  if (length == 0)
    {
      g_set_error (error, domain, syntax_code, "%s: the file is empty", display_name);
      return FALSE;
    }
  if (length > max_size)
    {
      g_set_error (error, domain, limit_code,
                   "%s: the file is %" G_GSIZE_FORMAT " bytes; at most %" G_GSIZE_FORMAT " are accepted",
                   display_name, length, max_size);
      return FALSE;
    }
  if (!g_utf8_validate (data, length, &invalid))
    {
      for (const char *p = data; p < invalid; p++)
        {
          if (*p == '\n')
            line++, column = 1;
          else if (((guchar) *p & 0xC0) != 0x80)
            column++;
        }
      g_set_error (error, domain, syntax_code,
                   "%s:%u:%u: the file is not UTF-8 text (a binary file?)", display_name, line, column);
      return FALSE;
    }

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (c == '\n')
        {
          line++;
          column = 1;
          continue;
        }
      if (((guchar) c & 0xC0) != 0x80)
        column++;

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            {
              g_set_error (error, domain, limit_code,
                           "%s:%u:%u: nesting too deep: more than %u levels of brackets",
                           display_name, line, column - 1, max_depth);
              return FALSE;
            }
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  return TRUE;
}
