/* aw-json.c: checks every JSON input passes before json-glib parses it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib parses recursively and reads whole files into memory, so size,
 * encoding and bracket depth are checked first, with the position of the
 * problem, and absurd inputs never reach it.
 */

#include "config.h"

#include "aw-i18n.h"

#include "aw-json.h"

#include <inttypes.h>
#include <string.h>

static gint
hex4 (const char *p,
      gsize       left)
{
  gint value = 0;

  if (left < 4)
    return -1;
  for (guint i = 0; i < 4; i++)
    {
      gint digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/**
 * aw_json_check_escape:
 * @data: the text
 * @length: its length in bytes
 * @at: the index of the character after a backslash inside a string
 *
 * json-glib also decodes escapes that JSON does not have (octal ones such as
 * `\377`, short `\u` ones) and half of a surrogate pair (`\ud800` alone)
 * into bytes that are not UTF-8, which would then reach labels, pictures and
 * terminals. Prechecks refuse every escape that JSON does not allow.
 *
 * Returns: how many bytes after @at the escape still covers (0, 4 for
 *   `\uXXXX`, 10 for a surrogate pair), or -1 if JSON does not allow it
 */
gssize
aw_json_check_escape (const char *data,
                      gsize       length,
                      gsize       at)
{
  gint unit, low;

  if (strchr ("\"\\/bfnrt", data[at]) != NULL && data[at] != '\0')
    return 0;
  if (data[at] != 'u')
    return -1;

  unit = hex4 (data + at + 1, length - at - 1);
  if (unit < 0)
    return -1;
  if (unit < 0xD800 || unit > 0xDFFF)
    return 4;
  if (unit <= 0xDBFF && length - at - 1 >= 10 && data[at + 5] == '\\' && data[at + 6] == 'u' &&
      (low = hex4 (data + at + 7, length - at - 7)) >= 0xDC00 && low <= 0xDFFF)
    return 10;
  return -1;
}

/* "FILE:LINE:COLUMN: problem": the position stays as editors and
 * terminals read it, only the problem is in the reader's language. */
static void G_GNUC_PRINTF (7, 8)
set_error_at (GError     **error,
              GQuark       domain,
              gint         code,
              const char  *display_name,
              guint        line,
              guint        column,
              const char  *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, domain, code, "%s:%u:%u: %s", display_name, line, column, message);
}

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
  guint escape_line = 0, escape_column = 0;
  gboolean in_string = FALSE, escaped = FALSE;

  if (length == 0)
    {
      /* Translators: %s is a file name. */
      g_set_error (error, domain, syntax_code, _("%s: the file is empty"), display_name);
      return FALSE;
    }
  if (length > max_size)
    {
      /* Translators: the first %s is a file name, then two numbers of bytes. */
      g_set_error (error, domain, limit_code,
                   _("%s: the file is %" PRIu64 " bytes; at most %" PRIu64 " are accepted"),
                   display_name, (guint64) length, (guint64) max_size);
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
      set_error_at (error, domain, syntax_code, display_name, line, column,
                    "%s", _("the file is not UTF-8 text (a binary file?)"));
      return FALSE;
    }

  /* The scan must see strings exactly where json-glib does, or brackets
   * hidden from it reach json-glib's recursion: json-glib also accepts
   * comments and single-quoted strings, so those are refused here. */
  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (c == '\n')
        {
          line++;
          column = 1;
        }
      else if (((guchar) c & 0xC0) != 0x80)
        column++;

      if (in_string)
        {
          if (escaped)
            {
              gssize skip = aw_json_check_escape (data, length, i);

              escaped = FALSE;
              /* JSON allows \u0000, but a C string would end there and
               * silently lose the rest of the text. */
              if (skip == 4 && hex4 (data + i + 1, length - i - 1) == 0)
                {
                  set_error_at (error, domain, syntax_code, display_name, escape_line, escape_column,
                                "%s", _("a string holds \\u0000 (a NUL character), which would cut "
                                        "the text short; remove it"));
                  return FALSE;
                }
              if (skip < 0)
                {
                  set_error_at (error, domain, syntax_code, display_name, escape_line, escape_column,
                                "%s", _("this escape is not JSON: a string may use \\\" \\\\ \\/ "
                                        "\\b \\f \\n \\r \\t and \\u with four hex digits (a character "
                                        "beyond U+FFFF as a surrogate pair)"));
                  return FALSE;
                }
              i += skip;
              column += skip;
            }
          else if (c == '\\')
            {
              escaped = TRUE;
              escape_line = line;
              escape_column = column - 1;
            }
          else if (c == '"')
            in_string = FALSE;
          else if ((guchar) c < 0x20)
            {
              /* json-glib takes them; JSON, and every strict reader of a
               * file we pass on, does not. */
              /* Translators: U+%04X and \\u%04x are the same character's code. */
              set_error_at (error, domain, syntax_code, display_name, line, c == '\n' ? column : column - 1,
                            _("a control character (U+%04X) inside a string: JSON "
                              "writes it as an escape (\\u%04x)"),
                            (guint) c, (guint) c);
              return FALSE;
            }
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '/' || c == '\'')
        {
          set_error_at (error, domain, syntax_code, display_name, line, column - 1, "%s",
                        c == '/' ? _("comments are not JSON") : _("single-quoted strings are not JSON"));
          return FALSE;
        }
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            {
              set_error_at (error, domain, limit_code, display_name, line, column - 1,
                            _("nesting too deep: more than %u levels of brackets"), max_depth);
              return FALSE;
            }
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  return TRUE;
}
