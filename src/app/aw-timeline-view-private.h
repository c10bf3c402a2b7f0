/* aw-timeline-view-private.h: what the timeline view's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aw-timeline-view.h"
#include "aw-render.h"

G_BEGIN_DECLS

struct _AwTimelineView {
  GtkWidget       parent_instance;

  char           *title;
  char           *headline;    /* the line over the runs, or NULL for their comparison */
  GArray         *variants;    /* AwNamedRun; names and models owned */
  GPtrArray      *whole;       /* AwTraceModel per variant, uncut, while replaying */
  const AwTheme  *theme;
  double          text_scale;
  char           *placeholder; /* shown while there is no run, NULL for the default */
  double          min_label_share; /* > 0: labels at least this share of the window's height */
  guint           measured_shape; /* tasks and lanes when the height was last asked for */
  double          legend_inset;  /* room for the child before the legend */

  gboolean        fitted;
  gint64          view_start_ns;
  gint64          view_end_ns;

  GskRenderNode  *cache;
  AwRenderLayout *layout;
  AwRenderCache  *render_cache;  /* shaped text, kept from frame to frame */
  gint64          draw_ns;       /* CPU time the last drawing took */
  int             cache_width;
  int             cache_height;

  gboolean        hovering;
  gboolean        show_hover;
  double          hover_x;
  double          hover_y;

  gint64          drag_start_ns;
  gint64          drag_end_ns;
  gint64          pinch_start_ns;
  gint64          pinch_end_ns;

  GtkWidget      *tooltip_label;

  char           *description; /* the accessible description last set */
  gint64          described_at;
  guint           describe_id; /* a description held back during a run */
};

void     _aw_timeline_view_current_view         (AwTimelineView *self,
                                                 gint64         *start,
                                                 gint64         *end);
void     _aw_timeline_view_set_view_within_runs (AwTimelineView *self,
                                                 gint64          start,
                                                 gint64          end);
void     _aw_timeline_view_input_init           (AwTimelineView *self);

G_END_DECLS
