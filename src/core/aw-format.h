/* aw-format.h: numbers and durations as every view writes them, for a person
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
const char *aw_format_thousands_separator (void);
char *aw_format_duration    (double  ms);
char *aw_format_duration_as (double  ms,
                             double  scale_ms);
char *aw_format_speed       (double  speed);

typedef struct _AwCLocale AwCLocale;

AwCLocale *aw_c_locale_push (void);
void       aw_c_locale_pop  (AwCLocale *scope);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AwCLocale, aw_c_locale_pop)

G_END_DECLS
