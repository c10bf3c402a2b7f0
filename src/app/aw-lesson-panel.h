/* aw-lesson-panel.h: narration, code side by side, and the outcome card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "aw-scenario.h"

G_BEGIN_DECLS

#define AW_TYPE_LESSON_PANEL (aw_lesson_panel_get_type ())
G_DECLARE_FINAL_TYPE (AwLessonPanel, aw_lesson_panel, AW, LESSON_PANEL, GtkWidget)

GtkWidget  *aw_lesson_panel_new         (void);
void        aw_lesson_panel_set_scenario (AwLessonPanel *self,
                                          AwScenario    *scenario);
void        aw_lesson_panel_set_file     (AwLessonPanel *self,
                                          const char    *heading,
                                          const char    *text);
const char *aw_lesson_panel_get_summary  (AwLessonPanel *self);
void        aw_lesson_panel_set_outcome  (AwLessonPanel *self,
                                          const char    *text);
const char *aw_lesson_panel_get_outcome  (AwLessonPanel *self);
gboolean    aw_lesson_panel_focus_outcome (AwLessonPanel *self);
GtkExpander *aw_lesson_panel_get_c_expander (AwLessonPanel *self);
void        aw_lesson_panel_set_warnings (AwLessonPanel *self,
                                          const char    *text);
const char *aw_lesson_panel_get_warnings (AwLessonPanel *self);
void        aw_lesson_panel_set_answers_hidden (AwLessonPanel *self,
                                                gboolean       hidden);
gboolean    aw_lesson_panel_get_answers_hidden (AwLessonPanel *self);
const char *aw_lesson_panel_get_narration (AwLessonPanel *self);
const char *aw_lesson_panel_get_expected  (AwLessonPanel *self);
void        aw_lesson_panel_highlight    (AwLessonPanel *self,
                                          guint          csharp_line,
                                          guint          c_line);
void        aw_lesson_panel_get_highlight (AwLessonPanel *self,
                                          guint         *csharp_line,
                                          guint         *c_line);

G_END_DECLS
