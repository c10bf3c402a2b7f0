/* aw-render.c: draws recorded runs into any cairo_t
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawing happens in two steps. aw_render_layout_new() decides where
 * everything goes (title, comparison line, one block per variant with its
 * lanes and task rows, the shared time axis, the legend), measuring text
 * with the same Pango setup the drawing uses. aw_render_with_layout() then
 * draws from the recorded model only, so the CLI, the tests and the widget
 * see the same picture and can map between times and x.
 *
 * Speed comes from culling, pixel coverage and batching
 * (aw-render-cover.c) and from shaped text kept between drawings
 * (aw-render-text.c). This file holds the drawing's context and draws the
 * axis, the headers, the rows and their labels; aw-render-private.h lists
 * the other files.
 */

#include "config.h"

#include "aw-recorded-text.h"
#include "aw-i18n.h"

#include "aw-render-private.h"

#include <math.h>
#include <string.h>

void
_aw_render_ctx_init (Ctx                   *c,
                     cairo_t               *cr,
                     const AwRenderRequest *request)
{
  memset (c, 0, sizeof *c);

  if (cr == NULL)
    {
      c->scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
      c->cr = cairo_create (c->scratch);
    }
  else
    c->cr = cairo_reference (cr);

  c->request = request;
  c->theme = request->theme != NULL ? request->theme : aw_theme_lookup ("light");
  c->s = request->text_scale > 0 && isfinite (request->text_scale) ? request->text_scale : 1.0;
  /* A floor under the labels' size: the text scale multiplies it, so a
   * larger text size always makes the text larger. */
  if (request->min_label_px > 0 && isfinite (request->min_label_px))
    c->s *= MAX (1.0, request->min_label_px / (LABEL_SIZE * c->theme->font_size));
  c->f = c->theme->font_size * c->s;
  c->lw = MAX (c->theme->line_width * c->s, 0.5);
  c->pad = MAX (0.85 * c->f, 4.0);
  c->chrome = &_aw_render_chrome_levels[0];

  c->cache = request->cache;
  if (c->cache == NULL)
    {
      c->cache = aw_render_cache_new ();
      c->own_cache = TRUE;
    }
  _aw_render_cache_prepare (c->cache, c->cr);
  c->key = g_string_new (NULL);
  c->font = pango_font_description_new ();
  pango_font_description_set_family (c->font, c->theme->font_family != NULL
                                                ? c->theme->font_family : "DejaVu Sans");

  for (guint i = 0; i < N_BATCHES; i++)
    c->batch[i] = g_array_new (FALSE, FALSE, sizeof (Rect));
  c->taken = g_array_new (FALSE, FALSE, sizeof (double));
}

void
_aw_render_ctx_clear (Ctx *c)
{
  for (guint i = 0; i < N_BATCHES; i++)
    g_array_unref (c->batch[i]);
  g_array_unref (c->taken);
  g_free (c->cover);
  pango_font_description_free (c->font);
  g_string_free (c->key, TRUE);
  if (c->own_cache)
    aw_render_cache_free (c->cache);
  else
    _aw_render_cache_trim (c->cache);
  cairo_destroy (c->cr);
  if (c->scratch != NULL)
    cairo_surface_destroy (c->scratch);
}

static void
compute_ticks (Ctx    *c,
               gint64 *first,
               gint64 *step,
               double *unit,
               const char **unit_name,
               int    *decimals)
{
  const AwRenderLayout *lay = c->layout;
  gint64 span = _aw_render_layout_time_span (lay);
  double max_ticks = MAX (lay->plot_width / (6.0 * c->f), 2.0);
  double raw = span / max_ticks;
  double mag = pow (10, floor (log10 (MAX (raw, 1.0))));
  double nice;

  if (raw <= mag)
    nice = mag;
  else if (raw <= 2 * mag)
    nice = 2 * mag;
  else if (raw <= 5 * mag)
    nice = 5 * mag;
  else
    nice = 10 * mag;
  *step = MAX ((gint64) llround (nice), 1);

  if (span >= G_GINT64_CONSTANT (2000000000) || *step >= G_GINT64_CONSTANT (1000000000))
    {
      *unit = 1e9;
      *unit_name = "s";
    }
  else if (span >= 2000000 || *step >= 1000000)
    {
      *unit = 1e6;
      *unit_name = "ms";
    }
  else
    {
      *unit = 1e3;
      *unit_name = "µs";
    }
  *decimals = (int) MAX (0.0, ceil (-log10 (*step / *unit) - 1e-9));

  /* First tick at or after the view start. */
  if (lay->view_start_ns >= 0)
    *first = ((lay->view_start_ns + *step - 1) / *step) * *step;
  else
    *first = -((-lay->view_start_ns) / *step) * *step;
}

static void
draw_grid (Ctx    *c,
           double  top,
           double  bottom)
{
  const AwRenderLayout *lay = c->layout;
  cairo_t *cr = c->cr;
  const char *unit_name;
  gint64 first, step;
  double unit;
  int decimals;

  compute_ticks (c, &first, &step, &unit, &unit_name, &decimals);

  cairo_save (cr);
  cairo_new_path (cr);
  for (gint64 t = first; t <= lay->view_end_ns; t += step)
    {
      double x = round (_aw_render_time_to_x (c, t)) + 0.5;

      cairo_move_to (cr, x, top);
      cairo_line_to (cr, x, bottom);
    }
  _aw_render_set_color (cr, &c->theme->grid);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_axis (Ctx *c)
{
  const AwRenderLayout *lay = c->layout;
  cairo_t *cr = c->cr;
  double size = SMALL_SIZE * c->f;
  double tick = 0.4 * c->f;
  double y = lay->axis_y;
  double right_limit = lay->width - c->pad * 0.3;
  double last_right = -G_MAXDOUBLE;
  const char *unit_name;
  gint64 first, step;
  double unit;
  int decimals;
  g_autofree char *playhead = NULL;
  double plate_x = 0, plate_w = 0, plate_h = 0, plate_pad = 0.3 * c->f;

  compute_ticks (c, &first, &step, &unit, &unit_name, &decimals);

  /* The playhead's time, under its line, in the text's colour reversed:
   * the tick labels it would cover give way to it. */
  if (c->request->show_playhead)
    {
      double x = _aw_render_time_to_x (c, c->request->playhead_ns);

      if (x >= lay->plot_x - 1 && x <= lay->plot_x + lay->plot_width + 1)
        {
          double tw, th;

          playhead = aw_format_duration (c->request->playhead_ns / 1e6);
          _aw_render_text_set (c, playhead, size, TRUE, -1);
          _aw_render_text_size (c, &tw, &th);
          plate_w = tw + 2 * plate_pad;
          plate_h = th + 0.2 * c->f;
          plate_x = CLAMP (x - plate_w / 2, 0, MAX (right_limit - plate_w, 0));
        }
    }

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_move_to (cr, lay->plot_x, round (y) + 0.5);
  cairo_line_to (cr, lay->plot_x + lay->plot_width, round (y) + 0.5);
  for (gint64 t = first; t <= lay->view_end_ns; t += step)
    {
      double x = round (_aw_render_time_to_x (c, t)) + 0.5;

      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x, y + tick);
    }
  _aw_render_set_color (cr, &c->theme->muted);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  for (gint64 t = first; t <= lay->view_end_ns; t += step)
    {
      char num[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *label = NULL;
      double x = _aw_render_time_to_x (c, t), tw, lx;

      if (t == 0)
        label = g_strdup ("0");
      else
        {
          aw_format_number (num, sizeof num, decimals, t / unit);
          label = g_strdup_printf ("%s %s", num, unit_name);
        }
      _aw_render_text_set (c, label, size, FALSE, -1);
      _aw_render_text_size (c, &tw, NULL);
      lx = MIN (x - tw / 2, right_limit - tw);
      if (lx < last_right + 0.5 * c->f)
        continue;
      if (playhead != NULL && lx < plate_x + plate_w + 0.3 * c->f && lx + tw > plate_x - 0.3 * c->f)
        continue;
      _aw_render_text_draw (c, lx, y + tick + 0.1 * c->f, &c->theme->muted);
      last_right = lx + tw;
    }

  if (playhead != NULL)
    {
      double py = y + tick - 0.1 * c->f;
      double r = MIN (plate_h / 2, 4 * c->s);

      cairo_new_path (cr);
      cairo_arc (cr, plate_x + plate_w - r, py + r, r, -G_PI / 2, 0);
      cairo_arc (cr, plate_x + plate_w - r, py + plate_h - r, r, 0, G_PI / 2);
      cairo_arc (cr, plate_x + r, py + plate_h - r, r, G_PI / 2, G_PI);
      cairo_arc (cr, plate_x + r, py + r, r, G_PI, 3 * G_PI / 2);
      cairo_close_path (cr);
      _aw_render_set_color (cr, &c->theme->foreground);
      cairo_fill (cr);
      _aw_render_text_set (c, playhead, size, TRUE, -1);
      _aw_render_text_draw (c, plate_x + plate_pad, py + 0.1 * c->f, &c->theme->background);
    }
  cairo_restore (cr);
}

/* "  ·  faulted: AggregateException: One or more errors occurred", or as
 * much of it as fits in @width whole: up to its second colon (the kind and
 * the exception's type), else the kind alone. Cut only if not even that
 * fits; the whole message is in the task's row and the outcome card. */
static char *
header_status (Ctx        *c,
               const char *status,
               double      size,
               double      width)
{
  const char *first = strchr (status, ':');
  const char *second = first != NULL ? strchr (first + 1, ':') : NULL;
  g_autofree char *kind_type = second != NULL ? g_strndup (status, second - status) : NULL;
  g_autofree char *kind = first != NULL ? g_strndup (status, first - status) : NULL;
  const char *tries[] = { status, kind_type, kind };
  char *text = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (tries); i++)
    {
      if (tries[i] == NULL)
        continue;
      g_free (text);
      text = g_strdup_printf ("  \u00b7  %s", tries[i]);
      _aw_render_text_set (c, text, size, TRUE, -1);
      if (_aw_render_text_width (c) <= width)
        break;
    }
  return text;
}

/* A run's outcome as the header shows it: the trace's word ("deadlocked",
 * the scenario language's) translated, and what follows it (the recorded
 * error, part of the trace) as aw_recorded_text_shown() writes it. */
static char *
outcome_status (const char *outcome)
{
  static const struct { const char *word; const char *shown; } words[] = {
    { AW_RUN_FAULTED, NC_("outcome", "faulted") },
    { AW_RUN_CANCELLED, NC_("outcome", "cancelled") },
    { AW_RUN_DEADLOCKED, NC_("outcome", "deadlocked") },
    { AW_RUN_CRASHED, NC_("outcome", "crashed") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (g_str_has_prefix (outcome, words[i].word))
      {
        const char *rest = outcome + strlen (words[i].word);
        g_autofree char *why = g_str_has_prefix (rest, ": ") ? aw_recorded_text_shown (rest + 2) : NULL;

        return g_strconcat (g_dpgettext2 (GETTEXT_PACKAGE, "outcome", words[i].shown),
                            why != NULL ? ": " : rest, why, NULL);
      }
  return g_strdup (outcome);
}

static void
draw_header (Ctx                         *c,
             guint                        v,
             const AwRenderVariantLayout *vl)
{
  const AwNamedRun *variant = &c->request->variants[v];
  const AwRenderLayout *lay = c->layout;
  const AwTheme *t = c->theme;
  double size = c->chrome->header * c->f;
  double x = lay->label_x, th, tw, right_w = 0;
  double max_x = lay->width - c->pad;
  g_autofree char *duration = NULL;
  g_autofree char *main_text = NULL;
  g_autofree char *status = NULL;
  g_autofree char *summary = NULL;
  const AwColor *status_color = &t->muted;
  char buf[32];

  if (variant->model != NULL)
    {
      const AwMetrics *m = aw_trace_model_get_metrics (variant->model);
      char count[32];

      duration = aw_format_duration (m->wall_ms);
      main_text = g_strdup_printf ("%s: %s", aw_named_run_get_title (variant, v, buf, sizeof buf), duration);

      if (!aw_trace_model_is_finished (variant->model))
        status = g_strdup (_("running"));
      else if (aw_trace_model_get_stopped_by_user (variant->model, NULL))
        {
          /* Not the program's outcome: the run was cut short. */
          status = g_strdup (_("cancelled by you"));
          status_color = &t->cancelled;
        }
      else if (m->outcome != NULL && !g_str_has_prefix (m->outcome, "completed"))
        {
          status = outcome_status (m->outcome);
          status_color = g_str_has_prefix (m->outcome, AW_RUN_CANCELLED) ? &t->cancelled
                       : g_str_has_prefix (m->outcome, AW_RUN_DEADLOCKED) ? &t->foreground
                       : g_str_has_prefix (m->outcome, AW_RUN_CRASHED) ? &t->foreground
                       : &t->faulted;
        }

      _aw_render_format_count (count, sizeof count, m->tasks);
      if (m->gtasks_created != m->tasks)
        {
          char gtasks[32];

          /* Tasks that needed no Task object (synchronous completions) are
           * the point of some lessons: say how many were allocated. */
          g_autofree char *tasks = NULL;
          g_autofree char *objects = NULL;
          g_autofree char *threads = NULL;

          _aw_render_format_count (gtasks, sizeof gtasks, m->gtasks_created);
          tasks = g_strdup_printf (NG_("%s task", "%s tasks", m->tasks), count);
          objects = g_strdup_printf (NG_("%s Task object", "%s Task objects", m->gtasks_created), gtasks);
          threads = g_strdup_printf (NG_("%u thread", "%u threads", m->threads_used), m->threads_used);

          /* Translators: a run's tasks, Task objects and threads, "4 tasks · 1 Task object · 2 threads" */
          summary = g_strdup_printf (_("%s · %s · %s"), tasks, objects, threads);
        }
      else
        {
          g_autofree char *tasks = g_strdup_printf (NG_("%s task", "%s tasks", m->tasks), count);
          g_autofree char *threads = g_strdup_printf (NG_("%u thread", "%u threads", m->threads_used), m->threads_used);

          /* Translators: a run's tasks and threads, "4 tasks · 1 thread" */
          summary = g_strdup_printf (_("%s · %s"), tasks, threads);
        }
    }
  else
    main_text = g_strdup_printf (_("%s: no run"), aw_named_run_get_title (variant, v, buf, sizeof buf));

  /* Right: a muted summary, if the header leaves room for it. */
  if (summary != NULL)
    {
      _aw_render_text_set (c, summary, SMALL_SIZE * c->f, FALSE, -1);
      _aw_render_text_size (c, &right_w, NULL);
    }

  _aw_render_text_set (c, main_text, size, TRUE, max_x - x);
  _aw_render_text_size (c, &tw, &th);
  _aw_render_text_draw (c, x, vl->y + (vl->header_height - th) / 2 - 0.1 * c->f, &t->foreground);
  x += tw;

  if (status != NULL && x + 2 * c->f < max_x)
    {
      g_autofree char *text = header_status (c, status, size, max_x - x);

      _aw_render_text_set (c, text, size, TRUE, max_x - x);
      _aw_render_text_size (c, &tw, &th);
      _aw_render_text_draw_tinted (c, x, vl->y + (vl->header_height - th) / 2 - 0.1 * c->f, status_color);
      x += tw;
    }

  if (summary != NULL && x + 2 * c->f + right_w <= max_x)
    {
      _aw_render_text_set (c, summary, SMALL_SIZE * c->f, FALSE, -1);
      _aw_render_text_size (c, NULL, &th);
      _aw_render_text_draw (c, max_x - right_w, vl->y + (vl->header_height - th) / 2 - 0.1 * c->f, &t->muted);
    }
}

static void
draw_row_label (Ctx           *c,
                const char    *text,
                double         x,
                double         y,
                double         h,
                double         size,
                gboolean       bold,
                const AwColor *color,
                double        *last_bottom)
{
  const AwRenderLayout *lay = c->layout;
  double max_w = lay->label_x + lay->label_width - x;
  double th;

  if (max_w < c->f)
    return;
  _aw_render_text_set (c, text, size, bold, max_w);
  _aw_render_text_size (c, NULL, &th);
  /* Never over the label above, nor below the variant. */
  if (y + (h - th) / 2 < *last_bottom || y + (h - th) / 2 + th > c->label_limit)
    return;
  _aw_render_text_draw (c, x, y + (h - th) / 2, color);
  *last_bottom = y + (h - th) / 2 + th;
}

static double
lane_label_size (Ctx    *c,
                 double  lane_height)
{
  double size = MIN (lane_height * 0.72, LANE_SIZE * c->f);

  return size < 8.0 * c->s ? 0.7 * c->f : size;
}

static void
draw_variant (Ctx   *c,
              guint  v)
{
  const AwRenderLayout *lay = c->layout;
  const AwRenderVariantLayout *vl = &lay->variants[v];
  AwTraceModel *model = c->request->variants[v].model;
  const AwTheme *t = c->theme;
  cairo_t *cr = c->cr;
  double band_right = lay->width - c->pad * 0.5;
  double bottom = vl->y + vl->height;
  double label_size, last_bottom;
  char lane_buf[64];
  const AwTaskInfo *tasks;
  const AwSpan *spans;
  AwTrace *trace;
  gint64 begin, from, to;
  guint n_tasks, n_spans, first_row, last_row, drawn_rows;
  guint tpr = MAX (vl->tasks_per_row, 1);
  double rh = vl->row_height;
  gint64 max_gap = (gint64) (_aw_render_layout_time_span (lay) / MAX (lay->plot_width, 1.0) / 2);

  if (vl->y > c->clip_bottom || bottom < c->clip_top)
    return;

  draw_header (c, v, vl);
  if (model == NULL)
    return;

  trace = aw_trace_model_get_trace (model);
  begin = aw_trace_model_get_begin_ns (model);
  from = begin + lay->view_start_ns;
  to = begin + lay->view_end_ns;
  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  spans = aw_trace_model_get_spans (model, &n_spans);

  /* Rows in the clip only. In a replay the layout has the rows of the
   * whole run; those of tasks not created yet keep their place, empty. */
  first_row = 0;
  last_row = vl->n_rows;
  if (rh > 0)
    {
      if (c->clip_top > vl->rows_y)
        first_row = MIN ((guint) ((c->clip_top - vl->rows_y) / rh), vl->n_rows);
      if (c->clip_bottom < vl->rows_y + vl->n_rows * rh)
        last_row = MIN ((guint) ((c->clip_bottom - vl->rows_y) / rh) + 1, vl->n_rows);
    }
  drawn_rows = MAX (MIN (last_row, (n_tasks + tpr - 1) / tpr), first_row);

  /* Backgrounds: lane bands and zebra rows. */
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, lay->label_x, vl->main_y + 1,
                   band_right - lay->label_x, vl->main_height - 2);
  for (guint lane = 0; lane < vl->n_worker_lanes; lane++)
    {
      double gap = vl->lane_height > 6 ? 1 : 0;

      cairo_rectangle (cr, lay->label_x, vl->lanes_y + lane * vl->lane_height + gap,
                       band_right - lay->label_x, vl->lane_height - 2 * gap);
    }
  _aw_render_set_color (cr, &t->surface);
  cairo_fill (cr);
  if (rh >= 10)
    {
      cairo_new_path (cr);
      for (guint row = first_row | 1; row < last_row; row += 2)
        cairo_rectangle (cr, lay->label_x, vl->rows_y + row * rh, band_right - lay->label_x, rh);
      _aw_render_set_color_mix (cr, &t->background, &t->surface, 0.45);
      cairo_fill (cr);
    }
  cairo_restore (cr);

  draw_grid (c, vl->main_y, bottom);

  /* Chart content stays inside the plot, apart from end badges. */
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, lay->plot_x - 0.5 * c->f, vl->main_y,
                   band_right - lay->plot_x + 0.5 * c->f, bottom - vl->main_y);
  cairo_clip (cr);

  _aw_render_draw_main_lane (c, model, vl, bottom);

  /* Task rows; in a replay, only those of tasks made by the playhead. */
  for (guint row = first_row; row < drawn_rows; row++)
    {
      double y = vl->rows_y + row * rh;
      guint t0 = row * tpr, t1 = MIN (t0 + tpr, n_tasks);

      if (tpr == 1)
        {
          const AwTaskInfo *task = &tasks[t0];
          const AwSpan *ts = spans + task->first_span;
          guint i0 = _aw_render_first_ending_after (ts, task->n_spans, from);
          guint i1 = MAX (i0, _aw_render_first_starting_after (ts, task->n_spans, to));

          _aw_render_add_spans (c, ts, i0, i1, begin, y, rh, FALSE);
        }
      else
        {
          _aw_render_cover_reset (c);
          for (guint ti = t0; ti < t1; )
            {
              const AwTaskInfo *task;
              const AwSpan *ts;
              const gint64 *points;
              const char *name;
              guint i0, i1, n_points;

              /* A whole block of tasks at once: its spans merged where
               * less than half a pixel apart cover the same columns as its
               * spans one by one, unless one runs past the view's end (a
               * span starting right there is drawn a column wide). */
              if (ti % AW_TRACE_MODEL_BLOCK_TASKS == 0 && ti + AW_TRACE_MODEL_BLOCK_TASKS <= t1 &&
                  aw_trace_model_get_block (model, ti / AW_TRACE_MODEL_BLOCK_TASKS, max_gap,
                                            &ts, &i1, &points, &n_points, &name) &&
                  (i1 == 0 || _aw_render_block_within (ts, i1, to)))
                {
                  for (guint k = 0; k < i1; k++)
                    if (ts[k].end_ns > from && ts[k].start_ns <= to)
                      _aw_render_cover_mark (c, ts, k, k + 1, begin, FALSE);
                  for (guint k = 0; k < n_points; k++)
                    if (points[k] >= from && points[k] <= to)
                      _aw_render_cover_mark_point (c, points[k] - begin);
                  ti += AW_TRACE_MODEL_BLOCK_TASKS;
                  continue;
                }

              task = &tasks[ti];
              ts = spans + task->first_span;
              i0 = _aw_render_first_ending_after (ts, task->n_spans, from);
              i1 = MAX (i0, _aw_render_first_starting_after (ts, task->n_spans, to));
              _aw_render_cover_mark (c, ts, i0, i1, begin, FALSE);
              /* Calls with no span (synchronous, or a GTask complete at once)
               * still show where they happened. */
              if ((task->sync || task->n_spans == 0) && task->end_ns >= 0 &&
                  task->created_ns >= from && task->created_ns <= to)
                _aw_render_cover_mark_point (c, task->created_ns - begin);
              ti++;
            }
          _aw_render_cover_emit (c, y, rh);
        }
    }
  _aw_render_batch_flush (c, rh >= AW_RENDER_OUTLINE_MIN_HEIGHT);

  if (tpr == 1 && rh >= 4)
    for (guint row = first_row; row < drawn_rows; row++)
      _aw_render_draw_task_decorations (c, model, &tasks[row], begin, vl->rows_y + row * rh, rh);

  /* Worker lanes. */
  for (guint lane = 1; lane <= vl->n_worker_lanes; lane++)
    {
      double y = vl->lanes_y + (lane - 1) * vl->lane_height;

      _aw_render_add_lane_spans (c, model, lane, begin, from, to, y, vl->lane_height);
    }
  _aw_render_batch_flush (c, FALSE);

  g_array_set_size (c->taken, 0);
  _aw_render_draw_markers (c, model, vl);
  _aw_render_draw_frozen_labels (c, model, vl);
  if (tpr == 1)
    for (guint row = first_row; row < drawn_rows; row++)
      _aw_render_draw_task_error (c, &tasks[row], begin, vl->rows_y + row * rh, rh);
  cairo_restore (cr);

  /* Labels. */
  last_bottom = vl->main_y - 0.15 * c->f;

  c->label_limit = bottom + 0.15 * c->f;
  draw_row_label (c, aw_recorded_lane_shown (aw_trace_get_lane_name (trace, 0), 0, lane_buf, sizeof lane_buf),
                  lay->label_x + 0.4 * c->f, vl->main_y, vl->main_height,
                  lane_label_size (c, vl->main_height), TRUE,
                  &t->foreground, &last_bottom);

  /* A label per row, indented under the task that awaits it; or, where
   * rows are too small for that, a label per stretch of rows, with a
   * bracket that shows which rows it names (see aw-render-layout.c). */
  label_size = _aw_render_row_label_size (c, rh);
  last_bottom = MAX (last_bottom, vl->rows_y - _aw_render_line_height (c, MAX (label_size, 0.7 * c->f), FALSE) * 0.2);
  for (guint i = 0; i < vl->n_row_labels; i++)
    {
      const AwRenderRowLabel *label = &vl->row_labels[i];

      if (label->y > c->clip_bottom || label->text_y + label->text_height < c->clip_top)
        continue;
      /* A replay lays out the whole run: a row's task may not exist yet. */
      if (!vl->row_labels_grouped && label->first_task >= n_tasks)
        continue;
      if (!vl->row_labels_grouped)
        {
          draw_row_label (c, label->text,
                          lay->label_x + 0.4 * c->f + _aw_render_label_indent (c, tasks[label->first_task].depth),
                          label->y, label->height, label->text_size > 0 ? label->text_size : label_size,
                          FALSE, &t->foreground, &last_bottom);
          continue;
        }
      if (label->height >= 2 * rh && label->height > 4)
        {
          double bw = MAX (2.0, 2.0 * c->s);

          cairo_save (cr);
          cairo_new_path (cr);
          cairo_rectangle (cr, lay->label_x + 0.1 * c->f, label->y + 1, bw, label->height - 2);
          _aw_render_set_color (cr, &t->frame);
          cairo_fill (cr);
          cairo_restore (cr);
        }
      _aw_render_row_label_set (c, label);
      _aw_render_text_draw (c, lay->label_x + 0.4 * c->f, label->text_y, &t->foreground);
    }

  for (guint lane = 1; lane <= vl->n_worker_lanes; lane++)
    {
      char buf[64];
      const char *name = aw_recorded_lane_shown (aw_trace_get_lane_name (trace, lane), lane, buf, sizeof buf);

      draw_row_label (c, name, lay->label_x + 0.4 * c->f,
                      vl->lanes_y + (lane - 1) * vl->lane_height, vl->lane_height,
                      lane_label_size (c, vl->lane_height), TRUE,
                      &t->muted, &last_bottom);
    }
}

/**
 * aw_render_with_layout:
 * @cr: where to draw, in units of the request's width and height
 * @request: what to draw
 * @layout: aw_render_layout_new() of @request
 *
 * Draws like aw_render() with a layout computed earlier, so a caller that
 * also hit-tests does not compute it twice.
 */
void
aw_render_with_layout (cairo_t               *cr,
                       const AwRenderRequest *request,
                       const AwRenderLayout  *layout)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (request != NULL);
  g_return_if_fail (layout != NULL);

  _aw_render_with_texts (cr, request, layout, NULL);
}

/* Draws like aw_render_with_layout(); with @texts, every line of text is
 * appended to it as an AwRenderTextRun instead of being drawn, for a
 * vector format that keeps text as text. */
void
_aw_render_with_texts (cairo_t               *cr,
                       const AwRenderRequest *request,
                       const AwRenderLayout  *layout,
                       GArray                *texts)
{
  const AwTheme *t;
  double x1, y1, x2, y2;
  Ctx c;

  if (request->width <= 0 || layout->height <= 0)
    return;

  _aw_render_ctx_init (&c, cr, request);
  c.layout = layout;
  c.texts = texts;
  /* The layout found what the legend lists: a scan of every task, once. */
  for (guint i = 0; i < AW_LEGEND_N_ITEMS; i++)
    c.legend_has[i] = (layout->legend_items >> i) & 1;
  c.chrome = &_aw_render_chrome_levels[MIN (layout->compact, G_N_ELEMENTS (_aw_render_chrome_levels) - 1)];
  t = c.theme;
  c.n_cover = (guint) ceil (MAX (layout->plot_width, 1.0)) + 1;
  /* The legend's bars look like the rows': outlined if rows are. */
  for (guint v = 0; v < layout->n_variants; v++)
    if (layout->variants[v].n_rows > 0 && layout->variants[v].row_height >= AW_RENDER_OUTLINE_MIN_HEIGHT)
      c.legend_outline = TRUE;
  c.cover = g_new0 (gint64, c.n_cover + 1);
  c.cover_lo = c.n_cover;

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, 0, 0, layout->width, layout->height);
  cairo_clip (cr);
  cairo_clip_extents (cr, &x1, &y1, &x2, &y2);
  c.clip_top = y1;
  c.clip_bottom = y2;

  if (!request->transparent)
    {
      _aw_render_set_color (cr, &t->background);
      cairo_paint (cr);
    }

  if (layout->title_height > 0)
    {
      _aw_render_text_set (&c, request->title, c.chrome->title * c.f, TRUE, layout->width - 2 * c.pad);
      _aw_render_text_draw (&c, layout->label_x, layout->title_y, &t->foreground);
    }

  if (layout->compare_height > 0)
    {
      g_autofree char *compare = request->headline ? g_strdup (request->headline)
                                                   : aw_summary_compare_text (request->variants, request->n_variants);
      double tw, th;

      if (compare != NULL)
        {
          double bar = MAX (3.0, 4.0 * c.s);

          _aw_render_headline_set (&c, compare);
          _aw_render_text_size (&c, &tw, &th);
          cairo_save (cr);
          cairo_new_path (cr);
          cairo_rectangle (cr, layout->label_x, layout->compare_y, bar, layout->compare_height);
          _aw_render_set_color (cr, &t->completed);
          cairo_fill (cr);
          cairo_restore (cr);
          _aw_render_text_draw (&c, layout->label_x + bar + 0.6 * c.f,
                                layout->compare_y + (layout->compare_height - th) / 2, &t->foreground);
        }
    }

  for (guint v = 0; v < request->n_variants; v++)
    draw_variant (&c, v);

  if (request->n_variants > 0)
    draw_axis (&c);

  if (request->show_legend)
    {
      _aw_render_legend_flow (&c, c.pad, layout->legend_y, layout->width - 2 * c.pad, TRUE);
      if (layout->caption_height > 0)
        {
          _aw_render_caption_set (&c, request->caption, layout->width - 2 * c.pad);
          _aw_render_text_draw (&c, c.pad, layout->caption_y, &t->muted);
        }
    }

  cairo_restore (cr);
  _aw_render_ctx_clear (&c);
}

/**
 * aw_render_request_init:
 * @request: a request to fill
 *
 * Fills @request with defaults: no variants, the light theme, 1280×720,
 * the whole run in view, title and legend on, text scale 1.
 */
void
aw_render_request_init (AwRenderRequest *request)
{
  g_return_if_fail (request != NULL);

  memset (request, 0, sizeof *request);
  request->theme = aw_theme_lookup ("light");
  request->width = 1280;
  request->height = 720;
  request->show_title = TRUE;
  request->show_legend = TRUE;
  request->text_scale = 1.0;
}

/**
 * aw_render:
 * @cr: where to draw, in units of @request's width and height
 * @request: what to draw
 *
 * Draws the timeline of every variant on one shared time axis, with title,
 * comparison, axis and legend as @request asks. Works on any cairo surface.
 */
void
aw_render (cairo_t               *cr,
           const AwRenderRequest *request)
{
  g_autoptr(AwRenderLayout) layout = NULL;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (request != NULL);

  if (request->width <= 0 || request->height < 0)
    return;

  layout = aw_render_layout_new (cr, request);
  aw_render_with_layout (cr, request, layout);
}
