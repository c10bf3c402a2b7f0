/* aw-screenshot.h: `awaitscope screenshot`: the real window, saved as PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

int      aw_screenshot_main        (int         argc,
                                    char      **argv);
gboolean aw_screenshot_save_widget (GtkWidget  *widget,
                                    const char *path,
                                    double      scale,
                                    GError    **error);

G_END_DECLS
