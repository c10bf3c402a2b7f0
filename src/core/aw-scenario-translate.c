/* aw-scenario-translate.c: a bundled lesson's text in the reader's language
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bundled scenarios' text is extracted into the program's catalogue by
 * scripts/extract-scenario-strings, one string per line of a text: each
 * item of an array, or each line of a string. This looks the same units up
 * again. Only the catalogue calls it, and only for the scenarios it
 * bundles: a user's own file stays as its author wrote it. The C# and the
 * C, and the programs' names and messages, are code and stay as written.
 */

#include "config.h"

#include "aw-scenario.h"
#include "aw-scenario-private.h"

#include <string.h>

#include <glib/gi18n-lib.h>

static gboolean
is_blank (const char *line)
{
  for (; *line != '\0'; line++)
    if (!g_ascii_isspace (*line))
      return FALSE;
  return TRUE;
}

/* Replaces *text by its translation, line by line; lines without one (or
 * in a locale without a catalogue) stay as they are. */
static void
translate_text (char       **text,
                const char  *domain)
{
  g_auto(GStrv) lines = NULL;
  gboolean changed = FALSE;

  if (*text == NULL || **text == '\0')
    return;

  lines = g_strsplit (*text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *translated;

      /* g_dgettext() of "" is the catalogue's header, never a text. */
      if (is_blank (lines[i]))
        continue;
      translated = g_dgettext (domain, lines[i]);
      if (translated != lines[i] && strcmp (translated, lines[i]) != 0)
        {
          g_free (lines[i]);
          lines[i] = g_strdup (translated);
          changed = TRUE;
        }
    }
  if (changed)
    {
      g_free (*text);
      *text = g_strjoinv ("\n", lines);
    }
}

/**
 * aw_scenario_translate:
 * @self: a bundled scenario, just parsed and not yet handed out
 * @domain: the gettext domain holding the lessons' translations
 *
 * Puts @self's title, part title, question, summary, narration, expected
 * outcome and its variants' titles and descriptions in the language of
 * LC_MESSAGES (and LANGUAGE), where @domain has them. Call it before any
 * other thread sees @self: a scenario is read-only once handed out.
 */
void
aw_scenario_translate (AwScenario *self,
                       const char *domain)
{
  g_return_if_fail (AW_IS_SCENARIO (self));
  g_return_if_fail (domain != NULL);

  translate_text (&self->title, domain);
  translate_text (&self->part_title, domain);
  translate_text (&self->question, domain);
  translate_text (&self->summary, domain);
  translate_text (&self->narration, domain);
  translate_text (&self->expected_text, domain);
  for (guint i = 0; i < self->variants->len; i++)
    {
      AwVariant *variant = g_ptr_array_index (self->variants, i);

      translate_text (&variant->title, domain);
      translate_text (&variant->description, domain);
    }
}
