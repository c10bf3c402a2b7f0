/* aw-file-util.h: files written whole or not at all, and read into memory with a bound
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean aw_file_check_target (const char  *path,
                               gboolean     probe,
                               GError     **error);
gboolean aw_write_file_atomic (const char  *path,
                               GBytes      *contents,
                               GError     **error);
GBytes  *aw_read_file_bounded (const char  *path,
                               gsize        max_size,
                               gboolean    *too_large,
                               GError     **error);

void     aw_file_util_remove_temporaries (void);

G_END_DECLS
