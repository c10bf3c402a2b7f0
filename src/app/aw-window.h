/* aw-window.h: the main window: catalogue, run controls, timeline, lesson
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-lesson-panel.h"
#include "aw-scenario.h"
#include "aw-task-table.h"
#include "aw-timeline-view.h"

G_BEGIN_DECLS

#define AW_TYPE_WINDOW (aw_window_get_type ())
G_DECLARE_FINAL_TYPE (AwWindow, aw_window, AW, WINDOW, GtkApplicationWindow)

AwWindow       *aw_window_new                (AwApplication *application);
gboolean        aw_window_select_scenario    (AwWindow      *self,
                                              const char    *id);
AwScenario     *aw_window_get_scenario       (AwWindow      *self);
void            aw_window_set_speed          (AwWindow      *self,
                                              double         speed);
void            aw_window_set_wait_deadline  (AwWindow      *self,
                                              guint          ms);
void            aw_window_set_variant        (AwWindow      *self,
                                              int            index);
gboolean        aw_window_open_file          (AwWindow      *self,
                                              const char    *path);
gboolean        aw_window_open_trace         (AwWindow      *self,
                                              const char    *path);
gboolean        aw_window_export_image       (AwWindow      *self,
                                              const char    *path);
gboolean        aw_window_export_trace       (AwWindow      *self,
                                              const char    *path);
gboolean        aw_window_is_running         (AwWindow      *self);
const char     *aw_window_get_error          (AwWindow      *self);
AwTimelineView *aw_window_get_timeline       (AwWindow      *self);
AwLessonPanel  *aw_window_get_lesson_panel   (AwWindow      *self);
GtkWidget      *aw_window_get_run_button     (AwWindow      *self);
GtkWidget      *aw_window_get_cancel_button  (AwWindow      *self);
GtkWidget      *aw_window_get_sidebar_button (AwWindow      *self);
GPtrArray      *aw_window_get_last_traces    (AwWindow      *self);
void            aw_window_step               (AwWindow      *self,
                                              int            direction);
gint64          aw_window_get_replay_position (AwWindow     *self);
void            aw_window_set_prediction     (AwWindow      *self,
                                              guint          index,
                                              double         seconds);
void            aw_window_set_presentation   (AwWindow      *self,
                                              gboolean       presentation);
void            aw_window_set_presentation_full (AwWindow   *self,
                                                 gboolean    presentation,
                                                 gboolean    fullscreen);
gboolean        aw_window_get_presentation   (AwWindow      *self);
AwTaskTable    *aw_window_get_task_table     (AwWindow      *self);

G_END_DECLS
