/* aw-help-dialog.h: "How to read the picture", with a short glossary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "aw-theme.h"

G_BEGIN_DECLS

#define AW_TYPE_HELP_DIALOG (aw_help_dialog_get_type ())
G_DECLARE_FINAL_TYPE (AwHelpDialog, aw_help_dialog, AW, HELP_DIALOG, GtkWindow)

GtkWidget *aw_help_dialog_new       (void);
void       aw_help_dialog_set_theme (AwHelpDialog  *self,
                                     const AwTheme *theme);

G_END_DECLS
