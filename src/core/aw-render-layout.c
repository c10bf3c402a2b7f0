/* aw-render-layout.c: where everything goes, before anything is drawn
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * aw_render_layout_new() places the title, the comparison line, one block
 * per variant with its lanes and task rows, the shared time axis, the
 * legend and the caption, measuring text with the same Pango setup the
 * drawing uses, and words the row labels. The widget hit-tests and maps
 * times to x with the same layout the drawing used, so a tooltip always
 * names what is under the pointer. The words of the row labels are
 * aw-render-labels.c's.
 */

#include "config.h"

#include "aw-recorded-text.h"
#include "aw-i18n.h"
#include "aw-render-private.h"

#include <math.h>
#include <stdlib.h>

#define MIN_ROW_HEIGHT      3.0   /* below this, tasks share rows */
#define MAX_READABLE_ROWS   40    /* readable rows (min_label_px): more share rows */

const Chrome _aw_render_chrome_levels[AW_RENDER_N_CHROME_LEVELS] = {
  { 1.9, 1.3, 1.15, 0.95, FALSE, FALSE },
  { 1.6, 1.15, 1.05, 0.82, TRUE, FALSE },
  { 1.45, 1.05, 1.0, 0.75, TRUE, TRUE },
};

/* Rows and lanes shrink together down to this share of their natural
 * height; below it, lanes and variants with few tasks keep their natural
 * height and the crowded variants split the rest, sharing rows if they
 * must. When there is room to spare, everything grows up to MAX_GROW. */
#define MIN_UNIFORM_SCALE 0.4
#define MAX_GROW          1.45

/**
 * aw_render_layout_time_to_x:
 * @layout: a layout
 * @time_ns: nanoseconds since a run's start
 *
 * Returns: the x of @time_ns; the same for every variant
 */
double
aw_render_layout_time_to_x (const AwRenderLayout *layout,
                            gint64                time_ns)
{
  g_return_val_if_fail (layout != NULL, 0);

  return layout->plot_x + (double) (time_ns - layout->view_start_ns)
                          * layout->plot_width / (double) _aw_render_layout_time_span (layout);
}

/**
 * aw_render_layout_x_to_time:
 * @layout: a layout
 * @x: an x in the request's units
 *
 * Returns: the time at @x, in nanoseconds since a run's start
 */
gint64
aw_render_layout_x_to_time (const AwRenderLayout *layout,
                            double                x)
{
  g_return_val_if_fail (layout != NULL, 0);

  return layout->view_start_ns
         + (gint64) llround ((x - layout->plot_x) * (double) _aw_render_layout_time_span (layout)
                             / MAX (layout->plot_width, 1.0));
}

/**
 * aw_render_layout_task_row:
 * @layout: a layout
 * @variant: the variant's index
 * @task_index: the task's index in aw_trace_model_get_tasks()
 * @y: (out) (optional): top of the task's row
 * @height: (out) (optional): its height
 *
 * Finds the row a task is drawn in. With bucketed rows several tasks share
 * one.
 *
 * Returns: %TRUE if the task has a row
 */
gboolean
aw_render_layout_task_row (const AwRenderLayout *layout,
                           guint                 variant,
                           guint                 task_index,
                           double               *y,
                           double               *height)
{
  const AwRenderVariantLayout *vl;
  guint row;

  g_return_val_if_fail (layout != NULL, FALSE);

  if (variant >= layout->n_variants)
    return FALSE;
  vl = &layout->variants[variant];
  row = task_index / MAX (vl->tasks_per_row, 1);
  if (row >= vl->n_rows)
    return FALSE;
  if (y != NULL)
    *y = vl->rows_y + row * vl->row_height;
  if (height != NULL)
    *height = vl->row_height;
  return TRUE;
}

/**
 * aw_render_layout_lane:
 * @layout: a layout
 * @variant: the variant's index
 * @lane: 0 for the main-thread lane, 1 and up for worker lanes
 * @y: (out) (optional): top of the lane
 * @height: (out) (optional): its height
 *
 * Returns: %TRUE if the lane is drawn
 */
gboolean
aw_render_layout_lane (const AwRenderLayout *layout,
                       guint                 variant,
                       guint                 lane,
                       double               *y,
                       double               *height)
{
  const AwRenderVariantLayout *vl;

  g_return_val_if_fail (layout != NULL, FALSE);

  if (variant >= layout->n_variants)
    return FALSE;
  vl = &layout->variants[variant];
  if (lane == 0)
    {
      if (y != NULL)
        *y = vl->main_y;
      if (height != NULL)
        *height = vl->main_height;
      return vl->main_height > 0;
    }
  if (lane > vl->n_worker_lanes)
    return FALSE;
  if (y != NULL)
    *y = vl->lanes_y + (lane - 1) * vl->lane_height;
  if (height != NULL)
    *height = vl->lane_height;
  return TRUE;
}

/**
 * aw_render_layout_label_size:
 * @layout: a layout
 * @variant: the variant's index
 *
 * Returns: the font size of the variant's task labels, as drawn (a row
 *   shared by several tasks, or too short for a legible label, may still
 *   go without one)
 */
double
aw_render_layout_label_size (const AwRenderLayout *layout,
                             guint                 variant)
{
  const AwRenderVariantLayout *vl;

  g_return_val_if_fail (layout != NULL, 0);
  g_return_val_if_fail (variant < layout->n_variants, 0);

  vl = &layout->variants[variant];
  return MIN (vl->row_height * (layout->readable ? READABLE_LABEL_SHARE : 0.8), LABEL_SIZE * layout->font_size);
}

/**
 * aw_render_layout_pick:
 * @layout: a layout
 * @x: a point
 * @y: a point
 * @variant: (out) (optional): the variant under the point
 * @task_index: (out) (optional): the first task of the row under the point
 * @time_ns: (out) (optional): the time at @x
 *
 * Hit testing for tooltips: which task row is at a point.
 *
 * Returns: %TRUE if the point is on a task row
 */
gboolean
aw_render_layout_pick (const AwRenderLayout *layout,
                       double                x,
                       double                y,
                       guint                *variant,
                       guint                *task_index,
                       gint64               *time_ns)
{
  g_return_val_if_fail (layout != NULL, FALSE);

  for (guint v = 0; v < layout->n_variants; v++)
    {
      const AwRenderVariantLayout *vl = &layout->variants[v];
      guint row;

      if (y < vl->rows_y || y >= vl->rows_y + vl->n_rows * vl->row_height || vl->row_height <= 0)
        continue;
      row = (guint) ((y - vl->rows_y) / vl->row_height);
      if (row >= vl->n_rows)
        continue;
      if (variant != NULL)
        *variant = v;
      if (task_index != NULL)
        *task_index = row * MAX (vl->tasks_per_row, 1);
      if (time_ns != NULL)
        *time_ns = aw_render_layout_x_to_time (layout, x);
      return TRUE;
    }

  return FALSE;
}

static double
measure_label_column (Ctx *c)
{
  const AwRenderRequest *request = c->request;
  double label_size = LABEL_SIZE * c->f;
  double widest = 0;

  _aw_render_text_set (c, _("UI thread"), LANE_SIZE * c->f, TRUE, -1);
  widest = _aw_render_text_width (c);

  for (guint v = 0; v < request->n_variants; v++)
    {
      AwTraceModel *model = _aw_render_layout_model (request, v);
      const AwTaskInfo *tasks;
      guint n_tasks, n_lanes;

      if (model == NULL)
        continue;

      n_lanes = aw_trace_model_get_n_lanes (model);
      for (guint lane = 0; lane < n_lanes && lane < MAX_MEASURED_LABELS; lane++)
        {
          const char *name = aw_trace_get_lane_name (aw_trace_model_get_trace (model), lane);
          char buf[64];

          if (name == NULL)
            continue;
          name = aw_recorded_lane_shown (name, lane, buf, sizeof buf);
          _aw_render_text_set (c, name, LANE_SIZE * c->f, TRUE, -1);
          widest = MAX (widest, _aw_render_text_width (c));
        }

      tasks = aw_trace_model_get_tasks (model, &n_tasks);
      for (guint i = 0; i < n_tasks && i < MAX_MEASURED_LABELS; i++)
        {
          _aw_render_text_set (c, tasks[i].name, label_size, FALSE, -1);
          widest = MAX (widest, _aw_render_label_indent (c, tasks[i].depth) + _aw_render_text_width (c));
        }
    }

  return widest + 1.0 * c->f;
}

typedef struct {
  guint  n_tasks;
  guint  n_workers;
  guint  rows;
  double row_height;
  guint  index;
} VariantCount;

static gint
compare_counts (gconstpointer a,
                gconstpointer b)
{
  const VariantCount *ca = a, *cb = b;

  return (ca->n_tasks > cb->n_tasks) - (ca->n_tasks < cb->n_tasks);
}

/* Shares @task_space among variants too crowded for a row per task at
 * @rh: the variants with few tasks keep rows of @rh, the others split what
 * is left evenly, and a variant whose rows would fall under @min_row
 * puts several tasks in each row. */
static void
share_rows (VariantCount *counts,
            guint         n,
            double        task_space,
            double        rh,
            double        min_row)
{
  g_autofree VariantCount *sorted = g_memdup2 (counts, sizeof (VariantCount) * MAX (n, 1));
  double left = task_space;
  guint n_left = 0;

  for (guint v = 0; v < n; v++)
    if (counts[v].n_tasks > 0)
      n_left++;

  qsort (sorted, n, sizeof (VariantCount), compare_counts);
  for (guint i = 0; i < n; i++)
    {
      VariantCount *vc = &counts[sorted[i].index];
      double fair;

      if (vc->n_tasks == 0)
        continue;

      fair = left / MAX (n_left, 1);
      n_left--;

      if (vc->n_tasks * rh <= fair)
        {
          vc->rows = vc->n_tasks;
          vc->row_height = rh;
        }
      else if (fair / vc->n_tasks >= min_row)
        {
          vc->rows = vc->n_tasks;
          vc->row_height = fair / vc->n_tasks;
        }
      else
        {
          guint max_rows = MAX ((guint) floor (fair / min_row), 1);
          guint per_row = (vc->n_tasks + max_rows - 1) / max_rows;

          vc->rows = (vc->n_tasks + per_row - 1) / per_row;
          vc->row_height = MIN (rh, fair / vc->rows);
        }
      left = MAX (left - vc->rows * vc->row_height, 0.0);
    }
}

/* The comparison line the layout makes room for: in a replay, the whole
 * run's, so that the rows below it do not move as the playhead does. */
static char *
layout_compare_text (const AwRenderRequest *request,
                     guint                  n)
{
  g_autofree AwNamedRun *runs = NULL;

  if (request->whole_models == NULL)
    return aw_summary_compare_text (request->variants, n);
  runs = g_memdup2 (request->variants, sizeof (AwNamedRun) * MAX (n, 1));
  for (guint v = 0; v < n; v++)
    runs[v].model = _aw_render_layout_model (request, v);
  return aw_summary_compare_text (runs, n);
}

/* Lays out the picture with the chrome of @level. Returns how well the
 * chart fits: 1 or more when every row gets its natural height. */
static double
compute_layout_level (Ctx            *c,
                      AwRenderLayout *lay,
                      guint           level)
{
  const AwRenderRequest *request = c->request;
  const Chrome *chrome = &_aw_render_chrome_levels[level];
  guint n = request->n_variants;
  double W = lay->width, H = lay->height;
  double f = c->f, pad = c->pad;
  double R = MAX (c->theme->row_height * c->s, 4.0);
  double y, bottom, space, header_h, gap, extra_gap = 0, fixed, rows_space;
  double main_nat, lanes_nat = 0, nat, fit, lane_scale = 1.0;
  double legend_h = 0, caption_h = 0;
  /* With min_label_px, rows as tall as their labels need (see the row
   * labels in aw-render.c): no squeezing. */
  double min_fit = request->min_label_px > 0 ? LABEL_SIZE * f / READABLE_LABEL_SHARE / R : 0;
  guint total_tasks = 0;
  g_autofree VariantCount *counts = g_new0 (VariantCount, MAX (n, 1));

  c->chrome = chrome;
  lay->compact = level;
  lay->title_y = lay->title_height = 0;
  lay->compare_y = lay->compare_height = 0;
  lay->legend_y = lay->legend_height = 0;
  lay->caption_y = lay->caption_height = 0;

  /* Top: title and comparison line. */
  y = pad * 0.8;
  if (request->show_title && request->title != NULL && request->title[0] != '\0')
    {
      lay->title_y = y;
      lay->title_height = _aw_render_line_height (c, chrome->title * f, TRUE);
      y += lay->title_height + 0.25 * f;
    }
  if (n >= 2)
    {
      g_autofree char *compare = request->headline ? g_strdup (request->headline)
                                                   : layout_compare_text (request, n);

      if (compare != NULL)
        {
          double th;

          /* It wraps rather than lose its end, where the ratio is. */
          _aw_render_headline_set (c, compare);
          _aw_render_text_size (c, NULL, &th);
          lay->compare_y = y;
          /* Whole lines, so that the same number of lines is always the
           * same height, whatever the glyphs. */
          lay->compare_height = MAX (pango_layout_get_line_count (c->pl), 1) *
                                _aw_render_line_height (c, chrome->compare * f, TRUE) + 0.5 * f;
          y += lay->compare_height + 0.3 * f;
        }
    }
  y += 0.5 * f;

  /* Bottom: axis, legend and caption. */
  bottom = H - pad * 0.8;
  lay->axis_height = 0.4 * f + _aw_render_line_height (c, SMALL_SIZE * f, FALSE) + 0.2 * f;
  bottom -= lay->axis_height + 0.3 * f;
  if (request->show_legend)
    {
      legend_h = _aw_render_legend_flow (c, pad, 0, W - 2 * pad, FALSE);
      bottom -= legend_h + 0.9 * f;
      if (request->caption != NULL && request->caption[0] != '\0' && !chrome->no_caption)
        {
          _aw_render_caption_set (c, request->caption, W - 2 * pad);
          _aw_render_text_size (c, NULL, &caption_h);
          bottom -= caption_h + 0.4 * f;
        }
    }

  /* The variants share what is left. */
  space = MAX (bottom - y, 0.0);
  header_h = _aw_render_line_height (c, chrome->header * f, TRUE) + 0.35 * f;
  gap = 1.0 * f;
  fixed = n * header_h + (n > 0 ? n - 1 : 0) * gap;
  rows_space = MAX (space - fixed, 0.0);
  main_nat = 1.4 * R;

  for (guint v = 0; v < n; v++)
    {
      AwTraceModel *model = _aw_render_layout_model (request, v);
      guint n_lanes = 0;

      counts[v].index = v;
      if (model != NULL)
        {
          aw_trace_model_get_tasks (model, &counts[v].n_tasks);
          n_lanes = aw_trace_model_get_n_lanes (model);
          lanes_nat += main_nat;
        }
      counts[v].n_workers = n_lanes > 1 ? n_lanes - 1 : 0;
      counts[v].rows = counts[v].n_tasks;
      counts[v].row_height = R;
      total_tasks += counts[v].n_tasks;
      lanes_nat += counts[v].n_workers * R;
    }

  nat = lanes_nat + total_tasks * R;
  fit = nat > 0 ? rows_space / nat : 1.0;

  if (request->min_label_px > 0 && fit < min_fit)
    {
      /* Readable rows, and a picture taller than the canvas: the window
       * scrolls. Rows shared only past a screenful or so of them. */
      double rows_max = MAX (rows_space, MAX_READABLE_ROWS * R * min_fit);

      lane_scale = min_fit;
      if (nat * min_fit <= rows_max)
        for (guint v = 0; v < n; v++)
          counts[v].row_height = R * min_fit;
      else
        share_rows (counts, n, rows_max - MIN (lanes_nat * min_fit, 0.4 * rows_max), R * min_fit, R * min_fit);
    }
  else if (fit >= 1.0)
    {
      /* Room to spare: grow a little, then widen the gaps a little; the
       * rest stays empty at the bottom. */
      double grow = MAX (MIN (MAX_GROW, fit), min_fit);

      lane_scale = grow;
      for (guint v = 0; v < n; v++)
        counts[v].row_height = R * grow;
      if (n > 1)
        extra_gap = MIN ((rows_space - nat * grow) / (n - 1), 1.0 * f);
    }
  else if (fit >= MIN_UNIFORM_SCALE)
    {
      lane_scale = fit;
      for (guint v = 0; v < n; v++)
        counts[v].row_height = R * fit;
    }
  else
    {
      /* Crowded: lanes keep their height unless they would take more
       * than 40%, variants with few tasks keep natural rows, the crowded
       * ones share the rest. */
      double lanes = MIN (lanes_nat, 0.4 * rows_space);

      if (total_tasks == 0)
        lanes = MIN (lanes_nat, rows_space);
      lane_scale = lanes_nat > 0 ? lanes / lanes_nat : 1.0;
      share_rows (counts, n, rows_space - lanes, R, MIN_ROW_HEIGHT);
    }

  for (guint v = 0; v < n; v++)
    {
      AwRenderVariantLayout *vl = &lay->variants[v];
      gboolean has_model = request->variants[v].model != NULL;

      vl->y = y;
      vl->header_height = header_h;
      y += header_h;
      vl->main_y = y;
      vl->main_height = has_model ? main_nat * lane_scale : 0;
      y += vl->main_height;
      vl->rows_y = y;
      vl->row_height = counts[v].row_height;
      vl->n_rows = counts[v].rows;
      vl->tasks_per_row = counts[v].rows > 0
                          ? (counts[v].n_tasks + counts[v].rows - 1) / counts[v].rows : 1;
      y += vl->n_rows * vl->row_height;
      vl->lanes_y = y;
      vl->lane_height = R * lane_scale;
      vl->n_worker_lanes = counts[v].n_workers;
      y += vl->n_worker_lanes * vl->lane_height;
      vl->height = y - vl->y;
      y += gap + extra_gap;
    }
  if (n > 0)
    y -= gap + extra_gap;

  lay->axis_y = y + 0.3 * f;
  y = lay->axis_y + lay->axis_height;
  if (request->show_legend)
    {
      lay->legend_y = y + 0.9 * f;
      lay->legend_height = legend_h;
      y = lay->legend_y + legend_h;
      if (caption_h > 0)
        {
          lay->caption_y = y + 0.4 * f;
          lay->caption_height = caption_h;
          y = lay->caption_y + caption_h;
        }
    }

  /* Readable rows may need more than the canvas; else what room is left
   * stays empty at the bottom, which a picture as tall as its drawing
   * leaves out (a request's height of 0). */
  lay->content_height = y + pad * 0.8;
  if (request->min_label_px > 0)
    lay->content_height = MAX (lay->content_height, H);
  return request->min_label_px > 0 ? MAX (fit, 1.0) : fit;
}

static void
compute_layout (Ctx            *c,
                AwRenderLayout *lay)
{
  const AwRenderRequest *request = c->request;
  guint n = request->n_variants;
  double W = MAX (request->width, 1.0);
  /* A picture as tall as its drawing is laid out on a 16:9 canvas, then
   * cut where the drawing ends (aw_render_layout_new()). */
  double H = request->height > 0 ? MAX (request->height, 1.0) : MAX (round (W * 9 / 16), 1.0);
  double f = c->f, pad = c->pad;
  double R = MAX (c->theme->row_height * c->s, 4.0);
  double label_w, reserve;

  lay->width = W;
  lay->height = H;
  lay->readable = request->min_label_px > 0;
  lay->scale = c->s;
  lay->font_size = f;
  lay->n_variants = n;
  lay->variants = g_new0 (AwRenderVariantLayout, MAX (n, 1));

  /* Time window: the request's, or all of the longest run (in a replay,
   * the whole run, so the axis holds still while the playhead moves). */
  if (request->view_end_ns > request->view_start_ns)
    {
      lay->view_start_ns = request->view_start_ns;
      lay->view_end_ns = request->view_end_ns;
    }
  else
    {
      gint64 end = 0;

      for (guint v = 0; v < n; v++)
        {
          AwTraceModel *model = _aw_render_layout_model (request, v);

          if (model != NULL)
            end = MAX (end, aw_trace_model_get_end_ns (model)
                            - aw_trace_model_get_begin_ns (model));
        }
      lay->view_start_ns = 0;
      lay->view_end_ns = end > 0 ? end : G_GINT64_CONSTANT (1000000000);
    }

  /* Columns: labels on the left, then time; room on the right for the
   * outcome badge of a task that ends at the right edge. */
  label_w = measure_label_column (c);
  /* Large type for a room needs a wider column to keep names whole. */
  label_w = CLAMP (label_w, 6.5 * f, MAX (6.5 * f, (request->min_label_px > 0 ? 0.55 : 0.3) * W));
  lay->label_x = pad;
  lay->label_width = label_w;
  lay->plot_x = lay->label_x + label_w + 0.6 * f;
  reserve = R * 0.9 + pad;
  lay->plot_width = MAX (W - reserve - lay->plot_x, 10.0);

  /* The least compact chrome that leaves rows 75% of their height. If none
   * does, the least compact that avoids sharing rows; failing that, the
   * most compact if it buys a real gain in room (a small picture), else
   * none (ten thousand tasks share rows whatever the chrome). */
  {
    double fits[G_N_ELEMENTS (_aw_render_chrome_levels)];
    guint last = G_N_ELEMENTS (_aw_render_chrome_levels) - 1;
    guint best = 0;

    /* Readable rows never squeeze: the compact chrome, whose headings
     * are not much larger than the labels, leaves the most of the screen
     * to the rows. */
    if (request->min_label_px > 0)
      {
        compute_layout_level (c, lay, last);
        return;
      }
    for (guint level = 0; level <= last; level++)
      {
        fits[level] = compute_layout_level (c, lay, level);
        if (fits[level] >= 0.75)
          return;
      }
    if (fits[last] >= MIN_UNIFORM_SCALE)
      {
        for (guint level = last + 1; level > 0; level--)
          if (fits[level - 1] >= MIN_UNIFORM_SCALE)
            best = level - 1;
      }
    else if (fits[last] > 1.25 * fits[0])
      best = last;
    if (best != last)
      compute_layout_level (c, lay, best);
  }
}

/**
 * aw_render_layout_new:
 * @cr: (nullable): the context that will be drawn into, for text metrics
 * @request: what to draw
 *
 * Computes where aw_render() puts everything for @request.
 *
 * Returns: (transfer full): the layout; free it with aw_render_layout_free()
 */
AwRenderLayout *
aw_render_layout_new (cairo_t               *cr,
                      const AwRenderRequest *request)
{
  AwRenderLayout *layout;
  Ctx c;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request->variants != NULL || request->n_variants == 0, NULL);

  layout = g_new0 (AwRenderLayout, 1);
  _aw_render_ctx_init (&c, cr, request);
  _aw_render_legend_find (&c);
  for (guint i = 0; i < AW_LEGEND_N_ITEMS; i++)
    if (c.legend_has[i])
      layout->legend_items |= 1u << i;
  compute_layout (&c, layout);
  if (request->height <= 0)
    layout->height = layout->content_height = ceil (layout->content_height);
  c.chrome = &_aw_render_chrome_levels[MIN (layout->compact, AW_RENDER_N_CHROME_LEVELS - 1)];
  layout->legend_row_height = request->show_legend ? _aw_render_legend_row_height (&c) : 0;
  for (guint v = 0; v < layout->n_variants; v++)
    _aw_render_make_row_labels (&c, layout, &layout->variants[v], request->variants[v].model);
  _aw_render_ctx_clear (&c);

  return layout;
}

/**
 * aw_render_layout_free:
 * @layout: (nullable): a layout
 *
 * Frees the layout, its per-variant geometry and its row labels.
 */
void
aw_render_layout_free (AwRenderLayout *layout)
{
  if (layout == NULL)
    return;
  for (guint v = 0; v < layout->n_variants; v++)
    {
      for (guint i = 0; i < layout->variants[v].n_row_labels; i++)
        g_free (layout->variants[v].row_labels[i].text);
      g_free (layout->variants[v].row_labels);
    }
  g_free (layout->variants);
  g_free (layout);
}
