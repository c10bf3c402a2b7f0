/* aw-file-util.h: files written whole or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean aw_write_file_atomic (const char  *path,
                               GBytes      *contents,
                               GError     **error);

G_END_DECLS
