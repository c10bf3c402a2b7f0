/* aw-render-marks.c: what is drawn over the spans
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main thread's lane (heartbeat ticks, frozen bands), cancel and
 * watchdog markers, the end of each task (its badge, the stretch it ran on
 * after a cancel) and the message of a fault: the marks a teacher points
 * at. Labels over the chart avoid each other through the Ctx's list of
 * taken x ranges.
 */

#include "config.h"

#include "aw-recorded-text.h"
#include "aw-i18n.h"

#include "aw-render-private.h"

#include <math.h>
#include <string.h>

/* Lanes past this many keep their marks' labels on the UI thread's lane. */
#define MAX_LABELLED_LANES 16

static gboolean
is_taken (Ctx    *c,
          double  x0,
          double  x1)
{
  const double *r = (const double *) (gconstpointer) c->taken->data;

  for (guint i = 0; i + 1 < c->taken->len; i += 2)
    if (x0 < r[i + 1] && r[i] < x1)
      return TRUE;
  return FALSE;
}

static void
take (Ctx    *c,
      double  x0,
      double  x1)
{
  g_array_append_val (c->taken, x0);
  g_array_append_val (c->taken, x1);
}

void
_aw_render_draw_main_lane (Ctx                         *c,
                           AwTraceModel                *model,
                           const AwRenderVariantLayout *vl,
                           double                       bottom)
{
  const AwRenderLayout *lay = c->layout;
  cairo_t *cr = c->cr;
  gint64 begin = aw_trace_model_get_begin_ns (model);
  gint64 from = begin + lay->view_start_ns, to = begin + lay->view_end_ns;
  double right = lay->plot_x + lay->plot_width;
  double h = vl->main_height, y = vl->main_y;
  const gint64 *frames;
  const AwSpan *spans;
  guint n;

  if (h <= 0)
    return;

  /* Frozen main loop: a caution band in the lane and a pale shade over the
   * whole variant, because nothing in it could move on the UI thread. */
  spans = aw_trace_model_get_blocks (model, &n);
  for (guint i = 0; i < n; i++)
    {
      double x0 = MAX (_aw_render_time_to_x (c, spans[i].start_ns - begin), lay->plot_x);
      double x1 = MIN (_aw_render_time_to_x (c, spans[i].end_ns - begin), right);

      if (x1 <= x0)
        continue;
      _aw_render_draw_frozen (c, x0, MAX (x1, x0 + 1), y, h, bottom);
    }

  /* Code running on the main thread, in the lower part of the lane. */
  _aw_render_add_lane_spans (c, model, 0, begin, from, to, y + h * 0.45, h * 0.5);
  _aw_render_batch_flush (c, FALSE);

  /* Heartbeat ticks in the upper part, one per pixel column at most. */
  frames = aw_trace_model_get_frames (model, &n);
  if (n > 0)
    {
      guint lo = 0, hi = n;
      gint last_col = G_MININT;

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (frames[mid] < from)
            lo = mid + 1;
          else
            hi = mid;
        }

      cairo_save (cr);
      cairo_new_path (cr);
      for (guint i = lo; i < n && frames[i] <= to; i++)
        {
          double x = _aw_render_time_to_x (c, frames[i] - begin);
          gint col = (gint) floor (x);

          if (col == last_col)
            continue;
          last_col = col;
          cairo_move_to (cr, col + 0.5, y + h * 0.1);
          cairo_line_to (cr, col + 0.5, y + h * 0.4);
        }
      _aw_render_set_tick_line (c);
      cairo_stroke (cr);
      cairo_restore (cr);
    }

}

/* "frozen" on each band wide enough for it, clear of marker labels. */
void
_aw_render_draw_frozen_labels (Ctx                         *c,
                               AwTraceModel                *model,
                               const AwRenderVariantLayout *vl)
{
  const AwRenderLayout *lay = c->layout;
  gint64 begin = aw_trace_model_get_begin_ns (model);
  double right = lay->plot_x + lay->plot_width;
  double h = vl->main_height, y = vl->main_y;
  double size = MIN (SMALL_SIZE * c->f, h * 0.6);
  double margin = 0.3 * c->f;
  const AwSpan *spans;
  double tw, th;
  guint n;

  spans = aw_trace_model_get_blocks (model, &n);
  if (n == 0 || size < 6)
    return;

  _aw_render_text_set (c, C_("band", "frozen"), size, TRUE, -1);
  _aw_render_text_size (c, &tw, &th);
  if (th > h)
    return;

  for (guint i = 0; i < n; i++)
    {
      double x0 = MAX (_aw_render_time_to_x (c, spans[i].start_ns - begin), lay->plot_x);
      double x1 = MIN (_aw_render_time_to_x (c, spans[i].end_ns - begin), right);
      double candidates[3];

      if (x1 - x0 < tw + 4 * margin)
        continue;
      candidates[0] = (x0 + x1 - tw) / 2;
      candidates[1] = x0 + 2 * margin;
      candidates[2] = x1 - 2 * margin - tw;
      for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
        {
          double lx = candidates[k];

          if (is_taken (c, lx - margin, lx + tw + margin))
            continue;
          _aw_render_draw_plate (c, lx - margin, y + (h - th) / 2, tw + 2 * margin, th);
          _aw_render_text_set (c, C_("band", "frozen"), size, TRUE, -1);
          _aw_render_text_draw (c, lx, y + (h - th) / 2, &c->theme->foreground);
          take (c, lx - margin, lx + tw + margin);
          break;
        }
    }
}

static gboolean
is_report (const AwMarker *marker)
{
  return marker->kind == AW_EVENT_MARK && marker->text != NULL &&
         g_str_has_prefix (marker->text, AW_MARK_REPORT);
}

/* "25%" of "Report(25%)". */
static char *
report_value (const AwMarker *marker)
{
  const char *from = marker->text + strlen (AW_MARK_REPORT);
  const char *to = strchr (from, ')');

  return to != NULL ? g_strndup (from, to - from) : g_strdup (from);
}

/* Progress reports that ran at the same point (posted by work on the UI
 * thread, they wait and run together when it is free) get one label,
 * "9 reports at once: 10% … 90%"; *@last is the last marker of the group.
 * Returns %NULL for a marker on its own. */
static char *
report_group_label (Ctx            *c,
                    const AwMarker *markers,
                    guint           n,
                    guint           first,
                    gint64          begin,
                    guint          *last)
{
  double x = _aw_render_time_to_x (c, markers[first].time_ns - begin);
  g_autofree char *from = NULL, *to = NULL;

  *last = first;
  if (!is_report (&markers[first]))
    return NULL;
  while (*last + 1 < n && is_report (&markers[*last + 1]) &&
         _aw_render_time_to_x (c, markers[*last + 1].time_ns - begin) - x < 1.0)
    (*last)++;
  if (*last == first)
    return NULL;
  from = report_value (&markers[first]);
  to = report_value (&markers[*last]);
  /* Translators: progress reports drawn on one spot, "3 reports at once:
   * 20% … 40%"; %1$u is how many (2 or more), %2$s the first, %3$s the last */
  return g_strdup_printf (NG_("%1$u reports at once: %2$s \u2026 %3$s", "%1$u reports at once: %2$s \u2026 %3$s",
                              *last - first + 1),
                          *last - first + 1, from, to);
}

void
_aw_render_draw_markers (Ctx                         *c,
                         AwTraceModel                *model,
                         const AwRenderVariantLayout *vl)
{
  const AwRenderLayout *lay = c->layout;
  gint64 begin = aw_trace_model_get_begin_ns (model);
  double right = lay->plot_x + lay->plot_width;
  double top = vl->main_y, bottom = vl->y + vl->height;
  double head = MIN (vl->main_height * 0.4, 0.8 * c->f);
  double size = MIN (SMALL_SIZE * c->f, vl->main_height * 0.55);
  double last_label_right = -G_MAXDOUBLE;
  /* Marks made on a drawn worker lane (the callback thread's SetResult)
   * are labelled on that lane, each lane keeping its own labels apart. */
  double lane_label_right[MAX_LABELLED_LANES];
  const AwMarker *markers;
  guint n;

  for (guint l = 0; l < MAX_LABELLED_LANES; l++)
    lane_label_right[l] = -G_MAXDOUBLE;
  markers = aw_trace_model_get_markers (model, &n);

  for (guint i = 0; i < n; i++)
    {
      gint64 rel = markers[i].time_ns - begin;
      double x = _aw_render_time_to_x (c, rel);

      if (rel < lay->view_start_ns || rel > lay->view_end_ns)
        continue;
      /* In C# the process ended at a crash: veil what would never have
       * run, sparing the badge of the task that threw. */
      if (markers[i].kind == AW_EVENT_CRASH)
        _aw_render_draw_veil (c, x + 1.5 * c->f, top, lay->width, bottom);
      _aw_render_draw_marker (c, _aw_render_marker_color (c->theme, markers[i].kind), x, top, bottom, head);
    }

  /* Labels where they fit, in time order. */
  for (guint i = 0; i < n; i++)
    {
      gint64 rel = markers[i].time_ns - begin;
      guint last;
      g_autofree char *group = report_group_label (c, markers, n, i, begin, &last);
      const char *kind_label = aw_marker_get_label (&markers[i]);
      /* A kind's name is ours and translated; a mark's own text is the scenario's. */
      const char *label = group != NULL ? group :
                          kind_label == markers[i].text ? kind_label : _(kind_label);
      double x = _aw_render_time_to_x (c, rel), tw, th, lx, ly;

      guint lane = markers[i].lane;
      gboolean on_lane = lane > 0 && lane <= vl->n_worker_lanes && lane <= MAX_LABELLED_LANES &&
                         vl->lane_height > 0;
      double lane_size = on_lane ? MIN (SMALL_SIZE * c->f, vl->lane_height * 0.55) : size;
      double *label_right = on_lane ? &lane_label_right[lane - 1] : &last_label_right;

      i = last;
      if (rel < lay->view_start_ns || rel > lay->view_end_ns || label == NULL || lane_size < 6)
        continue;
      _aw_render_text_set (c, label, lane_size, TRUE, -1);
      _aw_render_text_size (c, &tw, &th);
      lx = x + head * 0.6 + 0.3 * c->f;
      if (lx + tw > right + c->pad)
        lx = x - head * 0.6 - 0.3 * c->f - tw;
      if (lx < *label_right + 0.3 * c->f || lx < lay->plot_x)
        continue;
      if (on_lane)
        ly = vl->lanes_y + (lane - 1) * vl->lane_height + (vl->lane_height - th) / 2;
      else
        ly = vl->main_y + (vl->main_height - th) / 2;
      _aw_render_draw_plate (c, lx - 0.2 * c->f, ly, tw + 0.4 * c->f, th);
      _aw_render_text_draw_tinted (c, lx, ly, _aw_render_marker_color (c->theme, markers[i].kind));
      if (!on_lane)
        take (c, lx - 0.2 * c->f, lx + tw + 0.2 * c->f);
      *label_right = lx + tw;
    }
}

/* Where the hatching of a task's abandoned work starts, or -1 for none.
 * Cancelled: from the request to the stop, the time the work took to
 * notice. Work on a worker that ignored its token, or whose awaiting task
 * had already finished, from the moment its caller gave up. The chart and
 * the legend both ask here; @parent is the task's parent, or %NULL to look
 * it up. */
gint64
_aw_render_task_abandoned_from (AwTraceModel     *model,
                                const AwTaskInfo *task,
                                const AwTaskInfo *parent)
{
  gint64 from_ns = -1;

  if (task->sync || task->end_ns < 0 || task->outcome == AW_OUTCOME_PENDING)
    return -1;
  if (task->outcome == AW_OUTCOME_CANCELLED)
    from_ns = task->cancel_request_ns;
  else if (task->lane != 0)
    {
      if (parent == NULL && task->parent != 0)
        parent = aw_trace_model_find_task (model, task->parent);
      from_ns = task->cancel_request_ns;
      if (parent != NULL && parent->gtask && parent->end_ns >= 0 && parent->end_ns < task->end_ns)
        from_ns = from_ns < 0 ? parent->end_ns : MIN (from_ns, parent->end_ns);
    }
  return from_ns >= 0 && from_ns < task->end_ns ? from_ns : -1;
}

/* Where a task's end decorations go, and whether the row has room. */
void
_aw_render_draw_task_decorations (Ctx              *c,
                                  AwTraceModel     *model,
                                  const AwTaskInfo *task,
                                  gint64            begin,
                                  double            y,
                                  double            h)
{
  const AwRenderLayout *lay = c->layout;
  const AwTheme *t = c->theme;
  cairo_t *cr = c->cr;
  double right = lay->plot_x + lay->plot_width;
  double r = MIN (h * 0.36, 0.75 * c->f);
  double cy = y + h / 2;
  gint64 end_rel, from_ns;
  double ex, inner_y, inner_h;

  if (task->sync)
    {
      gint64 at = task->created_ns - begin;

      if (at >= lay->view_start_ns && at <= lay->view_end_ns)
        _aw_render_draw_diamond (c, _aw_render_time_to_x (c, at), cy, MIN (h * 0.38, 0.8 * c->f));
      return;
    }
  if (task->end_ns < 0 || task->outcome == AW_OUTCOME_PENDING)
    return;

  end_rel = task->end_ns - begin;
  ex = _aw_render_time_to_x (c, end_rel);
  _aw_render_phase_geometry (AW_PHASE_RUNNING, y, h, &inner_y, &inner_h);

  from_ns = _aw_render_task_abandoned_from (model, task, NULL);
  if (from_ns >= 0)
    {
      double x0 = MAX (_aw_render_time_to_x (c, from_ns - begin), lay->plot_x);

      if (ex - x0 >= 3 && end_rel >= lay->view_start_ns)
        _aw_render_draw_abandoned (c, x0, MIN (ex, right), inner_y, inner_h);
    }

  if (end_rel < lay->view_start_ns || end_rel > lay->view_end_ns)
    return;

  /* End cap, then the badge just after it. */
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, ex - MAX (2.0, c->lw * 1.4), inner_y, MAX (2.0, c->lw * 1.4), inner_h);
  _aw_render_set_color (cr, _aw_render_outcome_color (t, task->outcome));
  cairo_fill (cr);
  cairo_restore (cr);

  if (h < 7)
    return;

  _aw_render_draw_badge (c, task->outcome, ex + r + 0.2 * c->f, cy, r);
}

/* The message of a fault, after its badge. Drawn after the markers so that
 * their lines do not cross it. */
void
_aw_render_draw_task_error (Ctx              *c,
                            const AwTaskInfo *task,
                            gint64            begin,
                            double            y,
                            double            h)
{
  const AwRenderLayout *lay = c->layout;
  double r = MIN (h * 0.36, 0.75 * c->f);
  double cy = y + h / 2;
  gint64 end_rel;
  double ex;

  if (task->outcome != AW_OUTCOME_FAULTED || task->error == NULL || task->end_ns < 0 || h < 7)
    return;
  end_rel = task->end_ns - begin;
  if (end_rel < lay->view_start_ns || end_rel > lay->view_end_ns)
    return;
  ex = _aw_render_time_to_x (c, end_rel);

  {
    double size = MIN (SMALL_SIZE * c->f, h * 0.62);
    double tx = ex + 2 * r + 0.5 * c->f;
    double avail = lay->width - c->pad * 0.5 - tx;
    double th;

    if (avail >= 3 * c->f && size >= 6)
      {
        g_autofree char *error = aw_recorded_text_shown (task->error);
        const char *colon = strstr (error, ": ");
        g_autofree char *type = colon != NULL && memchr (error, ' ', colon - error) == NULL
                                ? g_strndup (error, colon - error) : NULL;
        const char *text = error;

        /* "AggregateException: One or more errors occurred…" that does not
         * fit says which exception, whole, rather than half its type. */
        _aw_render_text_set (c, text, size, FALSE, -1);
        if (_aw_render_text_width (c) > avail && type != NULL)
          text = type;
        _aw_render_text_set (c, text, size, FALSE, avail);
        _aw_render_text_size (c, NULL, &th);
        _aw_render_draw_plate (c, tx - 0.15 * c->f, cy - th / 2, MIN (_aw_render_text_width (c), avail) + 0.3 * c->f, th);
        _aw_render_text_draw_tinted (c, tx, cy - th / 2, &c->theme->faulted);
      }
  }
}
