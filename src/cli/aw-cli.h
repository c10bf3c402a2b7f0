/* aw-cli.h: the headless commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean aw_cli_is_command     (const char  *name);
int      aw_cli_main           (int          argc,
                                char       **argv);
int      aw_cli_render_default (const char  *path);

char     *aw_cli_escape_controls (const char *text);
void      aw_cli_install_signal_handlers (void);

G_END_DECLS
