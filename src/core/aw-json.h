/* aw-json.h: checks every JSON input passes before json-glib parses it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean aw_json_precheck (const char  *data,
                           gsize        length,
                           const char  *display_name,
                           gsize        max_size,
                           guint        max_depth,
                           GQuark       domain,
                           gint         syntax_code,
                           gint         limit_code,
                           GError     **error);
gssize   aw_json_check_escape (const char *data,
                               gsize       length,
                               gsize       at);

G_END_DECLS
