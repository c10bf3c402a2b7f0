/* aw-tab-past.h: Tab leaves a list in one press
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean aw_tab_past (GtkWidget       *widget,
                      GtkWidget       *from,
                      guint            keyval,
                      GdkModifierType  state);

G_END_DECLS
