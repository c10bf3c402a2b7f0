/* aw-application.h: the GtkApplication: actions, accelerators, settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AW_TYPE_APPLICATION (aw_application_get_type ())
G_DECLARE_FINAL_TYPE (AwApplication, aw_application, AW, APPLICATION, GtkApplication)

AwApplication *aw_application_new          (GApplicationFlags  flags);
AwApplication *aw_application_new_full     (GApplicationFlags  flags,
                                            GSettingsBackend  *backend);
GSettings     *aw_application_get_settings (AwApplication     *self);
const char    *aw_application_get_renderer_info (AwApplication *self);
int            aw_application_main         (int                argc,
                                            char             **argv);

G_END_DECLS
