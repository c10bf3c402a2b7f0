/* aw-format.h: numbers and durations as every view writes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void  aw_format_number      (char   *buf,
                             gsize   len,
                             int     decimals,
                             double  value);
char *aw_format_duration    (double  ms);
char *aw_format_duration_as (double  ms,
                             double  scale_ms);
char *aw_format_speed       (double  speed);

G_END_DECLS
