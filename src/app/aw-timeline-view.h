/* aw-timeline-view.h: the timeline widget, drawn by the core renderer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "aw-render.h"
#include "aw-time-span.h"

G_BEGIN_DECLS

#define AW_TYPE_TIMELINE_VIEW (aw_timeline_view_get_type ())
G_DECLARE_FINAL_TYPE (AwTimelineView, aw_timeline_view, AW, TIMELINE_VIEW, GtkWidget)

GtkWidget      *aw_timeline_view_new            (void);
void            aw_timeline_view_set_runs       (AwTimelineView   *self,
                                                 const char       *title,
                                                 const AwNamedRun *variants,
                                                 guint             n_variants);
guint           aw_timeline_view_get_n_runs     (AwTimelineView        *self);
gint64          aw_timeline_view_get_draw_time  (AwTimelineView        *self);
guint           aw_timeline_view_get_n_tasks    (AwTimelineView        *self);
void            aw_timeline_view_set_headline   (AwTimelineView   *self,
                                                 const char       *headline);
void            aw_timeline_view_refresh        (AwTimelineView        *self);
gint64          aw_timeline_view_get_playhead   (AwTimelineView        *self);
void            aw_timeline_view_set_theme      (AwTimelineView        *self,
                                                 const AwTheme         *theme);
const AwTheme  *aw_timeline_view_get_theme      (AwTimelineView        *self);
void            aw_timeline_view_set_min_label_share (AwTimelineView   *self,
                                                     double            share);
void            aw_timeline_view_set_placeholder (AwTimelineView       *self,
                                                 const char           *placeholder);
void            aw_timeline_view_set_text_scale (AwTimelineView        *self,
                                                 double                 text_scale);
double          aw_timeline_view_get_text_scale (AwTimelineView        *self);
void            aw_timeline_view_zoom           (AwTimelineView        *self,
                                                 double                 factor,
                                                 double                 anchor_x);
void            aw_timeline_view_pan            (AwTimelineView        *self,
                                                 double                 pixels);
void            aw_timeline_view_fit            (AwTimelineView        *self);
gboolean        aw_timeline_view_is_fitted      (AwTimelineView        *self);
gboolean        aw_timeline_view_get_view_span  (AwTimelineView        *self,
                                                 AwTimeSpan            *span);
void            aw_timeline_view_set_view_span  (AwTimelineView        *self,
                                                 const AwTimeSpan      *span);
void            aw_timeline_view_get_view       (AwTimelineView        *self,
                                                 gint64                *start_ns,
                                                 gint64                *end_ns);
void            aw_timeline_view_set_show_hover (AwTimelineView      *self,
                                                 gboolean               show_hover);
const AwRenderLayout *aw_timeline_view_get_layout (AwTimelineView  *self);
GskRenderNode  *aw_timeline_view_get_picture    (AwTimelineView        *self);
char           *aw_timeline_view_describe_at    (AwTimelineView        *self,
                                                 double                 x,
                                                 double                 y);

G_END_DECLS
