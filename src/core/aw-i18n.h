/* aw-i18n.h: marking strings for translation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every file with text a person reads includes this header (after
 * config.h, which defines GETTEXT_PACKAGE) and marks that text:
 *
 *   _("Run")                       translated where it is used
 *   N_("Part 1: async and await")  only marked, in a static table; call
 *                                  _() on it where it is shown
 *   C_("action", "Run")            with a context, for a word that means
 *                                  two things ("Run" the verb, "a run")
 *   NC_("theme", "Light")          C_() for a static table
 *   NG_("%u task", "%u tasks", n)  a plural, chosen by the language's rule
 *
 * A comment starting with "Translators:" just before the string reaches
 * the translator beside it (po/meson.build passes --add-comments).
 *
 * All of them name our domain, so the core translates the same whether the
 * program that links it called textdomain() (src/main.c does) or not (the
 * tests). What is never translated: trace files, `run --json`, SVG and PDF
 * metadata, file formats, error codes; see aw-format.h for numbers.
 */

#pragma once

#ifndef GETTEXT_PACKAGE
# error "include config.h before aw-i18n.h"
#endif

#include <glib/gi18n-lib.h>

/* po/meson.build tells xgettext about NG_ (--keyword=NG_:1,2). */
#define NG_(singular, plural, n) g_dngettext (GETTEXT_PACKAGE, (singular), (plural), (n))
