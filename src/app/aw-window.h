/* aw-window.h: the main window: catalogue, run controls, timeline, lesson
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-lesson-panel.h"
#include "aw-scenario.h"
#include "aw-session.h"
#include "aw-task-table.h"
#include "aw-timeline-view.h"

G_BEGIN_DECLS

#define AW_TYPE_WINDOW (aw_window_get_type ())
G_DECLARE_FINAL_TYPE (AwWindow, aw_window, AW, WINDOW, GtkApplicationWindow)

AwWindow       *aw_window_new                   (AwApplication *application);
gboolean        aw_window_select_scenario       (AwWindow      *self,
                                                 const char    *id);
void            aw_window_set_speed             (AwWindow      *self,
                                                 double         speed);
void            aw_window_set_variant           (AwWindow      *self,
                                                 int            index);
gboolean        aw_window_open_file             (AwWindow      *self,
                                                 const char    *path);
gboolean        aw_window_open_trace            (AwWindow      *self,
                                                 const char    *path);
gboolean        aw_window_open_csharp           (AwWindow      *self,
                                                 const char    *path);
gboolean        aw_window_export_image          (AwWindow      *self,
                                                 const char    *path);
gboolean        aw_window_export_trace          (AwWindow      *self,
                                                 const char    *path);
AwSession      *aw_window_get_session           (AwWindow      *self);
AwTimelineView *aw_window_get_timeline          (AwWindow      *self);
void            aw_window_step                  (AwWindow      *self,
                                                 int            direction);
void            aw_window_seek                  (AwWindow      *self,
                                                 gint64         position_ns);
void            aw_window_set_prediction        (AwWindow      *self,
                                                 guint          index,
                                                 double         seconds);
void            aw_window_set_presentation      (AwWindow      *self,
                                                 gboolean       presentation);
void            aw_window_set_presentation_full (AwWindow      *self,
                                                 gboolean       presentation,
                                                 gboolean       fullscreen);

G_END_DECLS
