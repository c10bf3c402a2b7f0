/* aw-render.h: draws recorded runs into any cairo_t
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "aw-named-run.h"
#include "aw-theme.h"
#include "aw-trace-model.h"

G_BEGIN_DECLS

typedef struct _AwRenderCache AwRenderCache;

/**
 * AwRenderRequest:
 * @title: (nullable): drawn at the top
 * @caption: (nullable): drawn at the bottom, under the legend
 * @variants: the runs, stacked on one shared time axis
 * @theme: the theme
 * @width: the width of the area to draw, in cairo units
 * @height: the height; 0 for a picture as tall as its drawing: laid out
 *   on a 16:9 canvas and cut where the drawing ends, without the empty
 *   band a short run leaves (see #AwRenderLayout:content_height)
 * @view_start_ns: first instant in view, relative to each run's start
 * @view_end_ns: last instant in view; when <= @view_start_ns, fit every run
 * @show_title: draw the title
 * @show_legend: draw the legend and caption
 * @text_scale: multiplies every font size (1.0 normal)
 * @headline: (nullable): the line under the title; %NULL for the comparison
 *   of wall times from aw_summary_compare_text()
 * @transparent: leave the background unpainted (PNG for slides)
 * @description: (nullable): stored in the file's metadata (PNG text, SVG
 *   description, PDF subject), e.g. "simulated timing"
 * @cache: (nullable): shaped text kept from one drawing to the next (see
 *   aw_render_cache_new()); %NULL shapes text for this drawing only
 * @min_label_px: 0 to fit everything into @height, squeezing rows (with
 *   their labels) as the canvas needs; else the smallest task label, in
 *   cairo units before @text_scale: fonts grow until task labels are at
 *   least that large, and rows never get shorter than their labels need,
 *   so the picture may come out taller than @height (see
 *   #AwRenderLayout:content_height): a window that scrolls, for a room
 * @whole_models: (nullable) (array length=n_variants): for a replay, the
 *   whole runs that the models of @variants are cut off from (see
 *   aw_trace_model_set_cutoff()), one per variant. The picture is laid out
 *   for them (time axis, label column, rows, lanes, legend) and draws what
 *   @variants hold: nothing moves as the playhead does, and the rows of
 *   tasks not created yet stay empty. %NULL lays out @variants themselves.
 * @show_playhead: label @playhead_ns on the time axis, in a plate the tick
 *   labels make room for (a replay's playhead; the line across the
 *   variants is the caller's to draw, over the picture)
 * @playhead_ns: the playhead, relative to each run's start
 * @legend_inset: room kept free at the start of the legend's first row, in
 *   cairo units (the window puts its "How to read this" button there)
 *
 * What to draw. The request owns nothing: its strings, theme, runs and
 * cache are the caller's and must stay valid while the request is laid out
 * or drawn. The runs' models must not be updated between
 * aw_render_layout_new() and a drawing with that layout.
 */
typedef struct {
  const char            *title;
  const char            *caption;
  const AwNamedRun      *variants;
  guint                  n_variants;
  const AwTheme         *theme;
  double                 width;
  double                 height;
  gint64                 view_start_ns;
  gint64                 view_end_ns;
  gboolean               show_title;
  gboolean               show_legend;
  double                 text_scale;
  const char            *headline;
  gboolean               transparent;
  const char            *description;
  AwRenderCache         *cache;
  double                 min_label_px;
  AwTraceModel * const  *whole_models;
  gboolean               show_playhead;
  gint64                 playhead_ns;
  double                 legend_inset;
} AwRenderRequest;

/**
 * AwRenderRowLabel:
 * @text: what the label says
 * @first_task: the first task it names, an index in aw_trace_model_get_tasks()
 * @n_tasks: how many tasks it names, from @first_task on
 * @y: top of the rows of those tasks
 * @height: the height of those rows
 * @text_y: top of the text (below @y when the label above took the room)
 * @text_height: the height of the text
 * @text_size: its font size, in cairo units
 *
 * The label of one row, or of a stretch of rows where rows are too small
 * for a label each: "GetPriceAsync × 1,000: 900 completed synchronously,
 * 100 waited" once, beside all of them.
 */
typedef struct {
  char   *text;
  guint   first_task;
  guint   n_tasks;
  double  y;
  double  height;
  double  text_y;
  double  text_height;
  double  text_size;
} AwRenderRowLabel;

/**
 * AwRenderVariantLayout:
 * @y: top of the variant's block (its header line)
 * @height: height of the block, header to last lane
 * @header_height: height of the header line
 * @main_y: top of the main-thread lane
 * @main_height: its height
 * @rows_y: top of the first task row
 * @row_height: height of one task row
 * @n_rows: the number of task rows
 * @tasks_per_row: 1, or more when tasks share a row (the row shows their
 *   merged coverage)
 * @lanes_y: top of the first worker lane (lane 1)
 * @lane_height: height of one worker lane
 * @n_worker_lanes: the number of worker lanes
 * @row_labels: (array length=n_row_labels): the labels of the task rows,
 *   top to bottom; a label covers one row, or a stretch of rows too small
 *   for a label each
 * @n_row_labels: how many
 * @row_labels_grouped: whether labels name stretches of rows (drawn with
 *   a bracket beside them) rather than a row each
 *
 * Where one variant goes, in the request's cairo units.
 */
typedef struct {
  double y;
  double height;
  double header_height;
  double main_y;
  double main_height;
  double rows_y;
  double row_height;
  guint  n_rows;
  guint  tasks_per_row;
  double lanes_y;
  double lane_height;
  guint  n_worker_lanes;
  AwRenderRowLabel *row_labels;
  guint  n_row_labels;
  gboolean row_labels_grouped;
} AwRenderVariantLayout;

/**
 * AwRenderLayout:
 * @width: the request's width
 * @height: the request's height, or for a request's height of 0 the
 *   height of the drawing
 * @scale: the text scale in use
 * @font_size: the body font size, in cairo units
 * @label_x: left edge of the label column
 * @label_width: its width
 * @plot_x: left edge of the time area (@view_start_ns)
 * @plot_width: width of the time area (up to @view_end_ns)
 * @view_start_ns: first instant in view, relative to each run's start
 * @view_end_ns: last instant in view
 * @title_y: top of the title (height 0 when not drawn)
 * @title_height: its height
 * @compare_y: top of the comparison line
 * @compare_height: its height, 0 when not drawn
 * @axis_y: the time axis baseline
 * @axis_height: the axis with its tick labels
 * @legend_y: top of the legend
 * @legend_height: its height, 0 when not drawn
 * @legend_row_height: the height of one row of the legend
 * @legend_items: what the legend lists: bit N set for #AwLegendItem N (see
 *   aw_render_get_legend())
 * @caption_y: top of the caption
 * @caption_height: its height, 0 when not drawn
 * @compact: 0, or how far title, legend and caption were made smaller
 *   to leave room for the chart
 * @content_height: where the drawing ends, its bottom margin included:
 *   @height or less, unless the request's min_label_px made it taller
 *   (then never less than @height)
 * @readable: the request had min_label_px: rows were not squeezed
 * @n_variants: the number of variants
 * @variants: (array length=n_variants): where each variant goes
 *
 * The geometry aw_render() uses. Compute it with aw_render_layout_new() to
 * map times to x and find rows, for hit testing or tests. A layout stays
 * valid while the request and its models do not change.
 */
typedef struct {
  double                 width;
  double                 height;
  double                 scale;
  double                 font_size;
  double                 label_x;
  double                 label_width;
  double                 plot_x;
  double                 plot_width;
  gint64                 view_start_ns;
  gint64                 view_end_ns;
  double                 title_y;
  double                 title_height;
  double                 compare_y;
  double                 compare_height;
  double                 axis_y;
  double                 axis_height;
  double                 legend_y;
  double                 legend_height;
  double                 legend_row_height;
  guint32                legend_items;
  double                 caption_y;
  double                 caption_height;
  guint                  compact;
  guint                  n_variants;
  AwRenderVariantLayout *variants;
  double                 content_height;
  gboolean               readable;
} AwRenderLayout;

/**
 * AwLegendItem:
 * @AW_LEGEND_RUNNING: a bar of code running on a thread
 * @AW_LEGEND_WAITING: a bar of waiting that holds no thread
 * @AW_LEGEND_QUEUED: a bar of work queued for a free worker thread
 * @AW_LEGEND_COMPLETED: the badge of a completed task
 * @AW_LEGEND_FAULTED: the badge of a faulted task
 * @AW_LEGEND_CANCELLED: the badge of a cancelled task
 * @AW_LEGEND_DEADLOCKED: the badge of a task that never finishes in C#
 * @AW_LEGEND_SYNC: the diamond of a call that completed synchronously
 * @AW_LEGEND_ABANDONED: hatching over work that went on after its caller
 *   gave up (its token cancelled, or the task awaiting it finished)
 * @AW_LEGEND_HEARTBEAT: the UI thread's heartbeat ticks
 * @AW_LEGEND_FROZEN: the frozen UI thread's band and the pale shade under it
 * @AW_LEGEND_CANCEL_REQUEST: the marker of a cancel request
 * @AW_LEGEND_WATCHDOG: the marker of a blocking wait's watchdog
 * @AW_LEGEND_STRANDED: the marker of a continuation that ran after the
 *   watchdog (in GLib; never in C#)
 * @AW_LEGEND_CRASH: the marker of an exception that escaped async void,
 *   with the veil over what follows it
 * @AW_LEGEND_UNOBSERVED: the marker of an error nobody observed
 * @AW_LEGEND_SWALLOWED: the marker of an error an awaited WhenAll swallowed
 * @AW_LEGEND_REPORT: the marker of a progress report
 * @AW_LEGEND_SET_RESULT: the marker of a callback's SetResult
 * @AW_LEGEND_POOL_GREW: the marker of the thread pool adding a thread
 * @AW_LEGEND_MARK: the marker of any other mark, named on the chart
 * @AW_LEGEND_N_ITEMS: the number of items
 *
 * What a legend can explain, in the order it lists them. The first eight
 * and the heartbeat and frozen entries are always listed; the others only
 * when a run of the picture has them.
 */
typedef enum {
  AW_LEGEND_RUNNING,
  AW_LEGEND_WAITING,
  AW_LEGEND_QUEUED,
  AW_LEGEND_COMPLETED,
  AW_LEGEND_FAULTED,
  AW_LEGEND_CANCELLED,
  AW_LEGEND_DEADLOCKED,
  AW_LEGEND_SYNC,
  AW_LEGEND_ABANDONED,
  AW_LEGEND_HEARTBEAT,
  AW_LEGEND_FROZEN,
  AW_LEGEND_CANCEL_REQUEST,
  AW_LEGEND_WATCHDOG,
  AW_LEGEND_STRANDED,
  AW_LEGEND_CRASH,
  AW_LEGEND_UNOBSERVED,
  AW_LEGEND_SWALLOWED,
  AW_LEGEND_REPORT,
  AW_LEGEND_SET_RESULT,
  AW_LEGEND_POOL_GREW,
  AW_LEGEND_MARK,
  AW_LEGEND_N_ITEMS
} AwLegendItem;

G_STATIC_ASSERT (AW_LEGEND_N_ITEMS <= 32);

AwRenderCache *aw_render_cache_new  (void);
void           aw_render_cache_free (AwRenderCache        *cache);

void     aw_render_request_init   (AwRenderRequest       *request);
void     aw_render                (cairo_t               *cr,
                                   const AwRenderRequest *request);

AwRenderLayout *aw_render_layout_new        (cairo_t               *cr,
                                             const AwRenderRequest *request);
void            aw_render_layout_free       (AwRenderLayout        *layout);
void            aw_render_with_layout       (cairo_t               *cr,
                                             const AwRenderRequest *request,
                                             const AwRenderLayout  *layout);
double          aw_render_layout_time_to_x  (const AwRenderLayout  *layout,
                                             gint64                 time_ns);
gint64          aw_render_layout_x_to_time  (const AwRenderLayout  *layout,
                                             double                 x);
double          aw_render_layout_label_size (const AwRenderLayout  *layout,
                                             guint                  variant);
gboolean        aw_render_layout_task_row   (const AwRenderLayout  *layout,
                                             guint                  variant,
                                             guint                  task_index,
                                             double                *y,
                                             double                *height);
gboolean        aw_render_layout_lane       (const AwRenderLayout  *layout,
                                             guint                  variant,
                                             guint                  lane,
                                             double                *y,
                                             double                *height);
gboolean        aw_render_layout_pick       (const AwRenderLayout  *layout,
                                             double                 x,
                                             double                 y,
                                             guint                 *variant,
                                             guint                 *task_index,
                                             gint64                *time_ns);

const char     *aw_legend_item_get_label     (AwLegendItem           item);
guint           aw_render_get_legend         (const AwRenderRequest *request,
                                              AwLegendItem          *items);
void            aw_render_legend_swatch      (cairo_t               *cr,
                                              const AwTheme         *theme,
                                              double                 text_scale,
                                              AwLegendItem           item,
                                              double                 width,
                                              double                 height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AwRenderLayout, aw_render_layout_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AwRenderCache, aw_render_cache_free)

G_END_DECLS
