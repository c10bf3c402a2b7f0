/* aw-render-private.h: what the renderer's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The renderer is one drawing split by concern: shaped text and its cache
 * (aw-render-text.c), where everything goes (aw-render-layout.c), culling,
 * pixel coverage and batched rectangles (aw-render-cover.c), shapes and
 * colours (aw-render-shapes.c), the legend (aw-render-legend.c), what is
 * drawn over the spans (aw-render-marks.c) and the drawing itself
 * (aw-render.c). One Ctx carries a drawing through all of them. What the
 * hot loops call per span is inline here, so the split costs no calls.
 */

#pragma once

#include <pango/pangocairo.h>

#include "aw-format.h"
#include "aw-render.h"
#include "aw-summary.h"

G_BEGIN_DECLS

/* Font sizes, as multiples of the body size. */
#define LABEL_SIZE   0.95
/* With readable rows (a request's min_label_px), a label's size as a share
 * of its row's height; else rows squeeze and labels take 0.8 of them. */
#define READABLE_LABEL_SHARE 0.85
/* The label column's width, and the shrinking of long names, look at the
 * first this many tasks of a run. */
#define MAX_MEASURED_LABELS 256
#define LANE_SIZE    0.9
#define SMALL_SIZE   0.82

/* Bars in rows at least this tall are outlined (waiting solid, queued
 * dotted); in smaller rows the fill alone shows the state. */
#define AW_RENDER_OUTLINE_MIN_HEIGHT 10.0

typedef enum {
  BATCH_WAITING,
  BATCH_QUEUED,
  BATCH_RUNNING,
  N_BATCHES
} Batch;

typedef struct {
  double x;
  double y;
  double w;
  double h;
} Rect;


/* Title, comparison, headers, legend and caption: the "chrome" around the
 * chart. When the chart is short of room, the layout takes a more compact
 * level before it squeezes rows. */
typedef struct {
  double   title;
  double   compare;
  double   header;
  double   legend;
  gboolean caption_one_line;
  gboolean no_caption;
} Chrome;

#define AW_RENDER_N_CHROME_LEVELS 3
extern const Chrome _aw_render_chrome_levels[AW_RENDER_N_CHROME_LEVELS];

/* One drawing (or one layout) in progress. */
typedef struct {
  cairo_t               *cr;
  cairo_surface_t       *scratch;
  const AwRenderRequest *request;
  const AwTheme         *theme;
  const AwRenderLayout  *layout;
  AwRenderCache         *cache;    /* the request's, or one for this drawing */
  gboolean               own_cache;
  GString               *key;
  PangoLayout           *pl;       /* the text set last, owned by the cache */
  const double          *pl_size;  /* its logical width and height */
  PangoFontDescription  *font;
  double                 s;        /* text scale */
  double                 f;        /* body font size */
  double                 lw;       /* outline width */
  double                 pad;      /* outer margin */
  double                 clip_top;
  double                 clip_bottom;
  const Chrome          *chrome;
  gboolean               legend_has[AW_LEGEND_N_ITEMS];
  gboolean               legend_outline; /* rows are tall enough for outlined bars */
  GArray                *taken;    /* x ranges of labels in the main lane */
  double                 label_limit;
  gint64                *cover;    /* per pixel column of the plot: see aw-render-cover.c */
  guint                  n_cover;
  guint                  cover_lo; /* the columns touched since the last reset */
  guint                  cover_hi;
  GArray                *batch[N_BATCHES];
  GArray                *texts;    /* AwRenderTextRun: text kept as text, not drawn */
} Ctx;

/* One line of text as a vector picture keeps it: an SVG <text> rather
 * than glyph outlines, so that a writer can select, search, restyle and
 * translate the words of a picture. In device units. */
typedef struct {
  char     *text;      /* the line as shown, ellipsis included */
  double    x;         /* where the line starts */
  double    y;         /* its baseline */
  double    width;     /* its width as measured here */
  double    size;      /* font size */
  gboolean  bold;
  AwColor   color;
  double    clip[4];   /* x, y, width, height of the clip over it; width < 0: none */
} AwRenderTextRun;

void         _aw_render_text_run_clear       (gpointer                     data);
void         _aw_render_veil_texts           (GArray                      *texts,
                                              double                       x0,
                                              double                       y0,
                                              double                       x1,
                                              double                       y1,
                                              const AwColor               *color);
void         _aw_render_with_texts           (cairo_t                     *cr,
                                              const AwRenderRequest       *request,
                                              const AwRenderLayout        *layout,
                                              GArray                      *texts);

/* The model a variant is laid out for: its whole run when the request
 * replays a cut-off one (AwRenderRequest.whole_models). */
static inline AwTraceModel *
_aw_render_layout_model (const AwRenderRequest *request,
                         guint                  v)
{
  if (request->variants[v].model != NULL && request->whole_models != NULL &&
      request->whole_models[v] != NULL)
    return request->whole_models[v];
  return request->variants[v].model;
}

/* aw-render.c */
void         _aw_render_ctx_init             (Ctx                         *c,
                                              cairo_t                     *cr,
                                              const AwRenderRequest       *request);
void         _aw_render_ctx_clear            (Ctx                         *c);

/* aw-render-text.c */
void         _aw_render_cache_prepare        (AwRenderCache               *cache,
                                              cairo_t                     *cr);
void         _aw_render_cache_trim           (AwRenderCache               *cache);
void         _aw_render_format_count         (char                        *buf,
                                              gsize                        len,
                                              guint                        count);
void         _aw_render_text_set             (Ctx                         *c,
                                              const char                  *text,
                                              double                       size,
                                              gboolean                     bold,
                                              double                       max_width);
/* The comparison line under the title wraps onto at most this many lines. */
#define AW_RENDER_HEADLINE_LINES 3
/* Large type for a room: a three-run sentence may need a fourth line. */
#define AW_RENDER_HEADLINE_LINES_READABLE 4

void         _aw_render_text_set_lines       (Ctx                         *c,
                                              const char                  *text,
                                              double                       size,
                                              gboolean                     bold,
                                              double                       max_width,
                                              int                          lines);
void         _aw_render_headline_set         (Ctx                         *c,
                                              const char                  *text);
void         _aw_render_text_set_wrapped     (Ctx                         *c,
                                              const char                  *text,
                                              double                       size,
                                              double                       width);
void         _aw_render_text_set_wrapped_lines (Ctx                       *c,
                                                const char                *text,
                                                double                     size,
                                                double                     width,
                                                guint                      max_lines);
void         _aw_render_caption_set          (Ctx                         *c,
                                              const char                  *caption,
                                              double                       width);
double       _aw_render_line_height          (Ctx                         *c,
                                              double                       size,
                                              gboolean                     bold);
void         _aw_render_text_draw            (Ctx                         *c,
                                              double                       x,
                                              double                       y,
                                              const AwColor               *color);
void         _aw_render_text_draw_tinted     (Ctx                         *c,
                                              double                       x,
                                              double                       y,
                                              const AwColor               *color);

/* aw-render-layout.c */
void         _aw_render_make_row_labels      (Ctx                         *c,
                                             AwRenderLayout              *lay,
                                             AwRenderVariantLayout       *vl,
                                             AwTraceModel                *model);
double       _aw_render_label_indent         (Ctx                         *c,
                                              guint                        depth);
double       _aw_render_row_label_size       (Ctx                         *c,
                                              double                       row_height);
void         _aw_render_row_label_set        (Ctx                         *c,
                                              const AwRenderRowLabel      *label);

/* aw-render-cover.c */
void         _aw_render_phase_geometry       (AwPhase                      phase,
                                              double                       y,
                                              double                       h,
                                              double                      *out_y,
                                              double                      *out_h);
gboolean     _aw_render_batch_add            (Ctx                         *c,
                                              AwPhase                      phase,
                                              double                       x0,
                                              double                       x1,
                                              double                       y,
                                              double                       h);
void         _aw_render_batch_flush          (Ctx                         *c,
                                              gboolean                     outline);
guint        _aw_render_first_ending_after   (const AwSpan                *spans,
                                              guint                        n,
                                              gint64                       t);
guint        _aw_render_first_starting_after (const AwSpan                *spans,
                                              guint                        n,
                                              gint64                       t);
void         _aw_render_cover_reset          (Ctx                         *c);
void         _aw_render_cover_mark           (Ctx                         *c,
                                              const AwSpan                *spans,
                                              guint                        first,
                                              guint                        last,
                                              gint64                       begin,
                                              gboolean                     as_running);
void         _aw_render_cover_mark_point     (Ctx                         *c,
                                              gint64                       rel_ns);
void         _aw_render_cover_emit           (Ctx                         *c,
                                              double                       y,
                                              double                       h);
void         _aw_render_add_spans            (Ctx                         *c,
                                              const AwSpan                *spans,
                                              guint                        first,
                                              guint                        last,
                                              gint64                       begin,
                                              double                       y,
                                              double                       h,
                                              gboolean                     as_running);
gboolean     _aw_render_block_within         (const AwSpan                *spans,
                                              guint                        n,
                                              gint64                       to);
void         _aw_render_add_lane_spans       (Ctx                         *c,
                                              AwTraceModel                *model,
                                              guint                        lane,
                                              gint64                       begin,
                                              gint64                       from,
                                              gint64                       to,
                                              double                       y,
                                              double                       h);

/* aw-render-shapes.c */
const AwColor *_aw_render_outcome_color      (const AwTheme               *theme,
                                              AwOutcome                    outcome);
void         _aw_render_draw_badge           (Ctx                         *c,
                                              AwOutcome                    outcome,
                                              double                       cx,
                                              double                       cy,
                                              double                       r);
void         _aw_render_draw_diamond         (Ctx                         *c,
                                              double                       cx,
                                              double                       cy,
                                              double                       r);
void         _aw_render_draw_frozen_band     (Ctx                         *c,
                                              double                       x,
                                              double                       y,
                                              double                       w,
                                              double                       h);
void         _aw_render_draw_frozen          (Ctx                         *c,
                                              double                       x0,
                                              double                       x1,
                                              double                       lane_y,
                                              double                       lane_h,
                                              double                       shade_bottom);
void         _aw_render_draw_abandoned       (Ctx                         *c,
                                              double                       x0,
                                              double                       x1,
                                              double                       y,
                                              double                       h);
void         _aw_render_set_tick_line        (Ctx                         *c);
void         _aw_render_draw_marker          (Ctx                         *c,
                                              const AwColor               *color,
                                              double                       x,
                                              double                       top,
                                              double                       bottom,
                                              double                       head);
void         _aw_render_draw_veil            (Ctx                         *c,
                                              double                       x0,
                                              double                       y0,
                                              double                       x1,
                                              double                       y1);
const AwColor *_aw_render_marker_color       (const AwTheme               *theme,
                                              guint                        kind);
void         _aw_render_draw_marker_head     (Ctx                         *c,
                                              const AwColor               *color,
                                              double                       x,
                                              double                       y,
                                              double                       size);
void         _aw_render_set_marker_line      (Ctx                         *c,
                                              const AwColor               *color);
void         _aw_render_draw_plate           (Ctx                         *c,
                                              double                       x,
                                              double                       y,
                                              double                       w,
                                              double                       h);

/* aw-render-legend.c */
void         _aw_render_legend_find          (Ctx                         *c);
double       _aw_render_legend_row_height    (Ctx                         *c);
AwLegendItem _aw_render_marker_legend_item   (const AwMarker              *marker);
double       _aw_render_legend_flow          (Ctx                         *c,
                                              double                       x0,
                                              double                       y0,
                                              double                       width,
                                              gboolean                     draw);

/* aw-render-marks.c */
void         _aw_render_draw_main_lane       (Ctx                         *c,
                                              AwTraceModel                *model,
                                              const AwRenderVariantLayout *vl,
                                              double                       bottom);
void         _aw_render_draw_frozen_labels   (Ctx                         *c,
                                              AwTraceModel                *model,
                                              const AwRenderVariantLayout *vl);
void         _aw_render_draw_markers         (Ctx                         *c,
                                              AwTraceModel                *model,
                                              const AwRenderVariantLayout *vl);
void         _aw_render_draw_task_decorations (Ctx                        *c,
                                               AwTraceModel               *model,
                                               const AwTaskInfo           *task,
                                               gint64                      begin,
                                               double                      y,
                                               double                      h);
gint64       _aw_render_task_abandoned_from  (AwTraceModel                *model,
                                              const AwTaskInfo            *task,
                                              const AwTaskInfo            *parent);
void         _aw_render_draw_task_error      (Ctx                         *c,
                                              const AwTaskInfo            *task,
                                              gint64                       begin,
                                              double                       y,
                                              double                       h);

/* Inline: called for every span, label or colour change. */

static inline void
_aw_render_set_color (cairo_t       *cr,
                      const AwColor *color)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

static inline void
_aw_render_set_color_mix (cairo_t       *cr,
                          const AwColor *a,
                          const AwColor *b,
                          double         t)
{
  AwColor mixed;

  aw_color_mix (a, b, t, &mixed);
  _aw_render_set_color (cr, &mixed);
}

static inline gboolean
_aw_render_theme_is_dark (const AwTheme *theme)
{
  const AwColor *bg = &theme->background;

  return 0.2126 * bg->red + 0.7152 * bg->green + 0.0722 * bg->blue < 0.4;
}

static inline gint64
_aw_render_layout_time_span (const AwRenderLayout *layout)
{
  return MAX (layout->view_end_ns - layout->view_start_ns, 1);
}

/* The same arithmetic as aw_render_layout_time_to_x(), without the call. */
static inline double
_aw_render_time_to_x (Ctx    *c,
                      gint64  rel_ns)
{
  const AwRenderLayout *layout = c->layout;

  return layout->plot_x + (double) (rel_ns - layout->view_start_ns)
                          * layout->plot_width / (double) _aw_render_layout_time_span (layout);
}

/* The logical size of the text set last. */
static inline void
_aw_render_text_size (Ctx    *c,
                      double *width,
                      double *height)
{
  if (width != NULL)
    *width = c->pl_size[0];
  if (height != NULL)
    *height = c->pl_size[1];
}

static inline double
_aw_render_text_width (Ctx *c)
{
  return c->pl_size[0];
}

G_END_DECLS
