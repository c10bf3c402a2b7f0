/* aw-named-run.c: a recorded run with the name it is shown under
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs come from the catalogue (a variant's name and title), from saved
 * traces (whatever names they carry) and from other tools (none): one rule
 * picks the name shown on the chart, the outcome card and the task table.
 */

#include "config.h"

#include "aw-named-run.h"

#include "aw-i18n.h"

/**
 * aw_named_run_get_title:
 * @run: a run
 * @index: its index among the runs shown together
 * @buf: room for a made-up name
 * @len: the size of @buf
 *
 * Returns: (transfer none): @run's title, else its name, else "Variant N"
 *   written into @buf
 */
const char *
aw_named_run_get_title (const AwNamedRun *run,
                        guint             index,
                        char             *buf,
                        gsize             len)
{
  if (run->title != NULL && run->title[0] != '\0')
    return run->title;
  if (run->name != NULL && run->name[0] != '\0')
    return run->name;
  /* Translators: the name of a run that has no title or name of its own */
  g_snprintf (buf, len, _("Variant %u"), index + 1);
  return buf;
}
