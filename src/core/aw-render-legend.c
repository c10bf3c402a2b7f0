/* aw-render-legend.c: the legend under the chart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One swatch per state the picture shows, drawn with the very shapes the
 * chart uses, in rows that wrap at the picture's width. Entries for marks
 * a run does not have (a watchdog, an unobserved error) are left out.
 */

#include "config.h"

#include "aw-render-private.h"

#include <math.h>

static const char *legend_labels[N_LEGEND] = {
  [LEGEND_RUNNING] = "running on a thread",
  [LEGEND_WAITING] = "waiting (holds no thread)",
  [LEGEND_QUEUED] = "queued for a thread",
  [LEGEND_COMPLETED] = "completed",
  [LEGEND_FAULTED] = "faulted",
  [LEGEND_CANCELLED] = "cancelled",
  [LEGEND_DEADLOCKED] = "deadlocked: never finishes in C#",
  [LEGEND_SYNC] = "completed synchronously",
  [LEGEND_HEARTBEAT] = "heartbeat (UI responsive)",
  [LEGEND_FROZEN] = "UI frozen",
  [LEGEND_CANCEL_REQUEST] = "cancel requested",
  [LEGEND_WATCHDOG] = "watchdog fired",
  [LEGEND_CRASH] = "exception escaped async void: the process ends",
  [LEGEND_REPORT] = "progress report, run by the UI thread",
  [LEGEND_UNOBSERVED] = "unobserved error",
  [LEGEND_SWALLOWED] = "error swallowed by await",
};

static void
draw_legend_swatch (Ctx        *c,
                    LegendItem  item,
                    double      x,
                    double      y,
                    double      w,
                    double      h)
{
  cairo_t *cr = c->cr;
  double r = MIN (MIN (h * 0.45, w / 2), 0.75 * c->f);

  switch (item)
    {
    case LEGEND_RUNNING:
      _aw_render_batch_add (c, AW_PHASE_RUNNING, x, x + w, y, h);
      _aw_render_batch_flush (c, TRUE);
      break;

    case LEGEND_WAITING:
      _aw_render_batch_add (c, AW_PHASE_WAITING, x, x + w, y, h);
      _aw_render_batch_flush (c, TRUE);
      break;

    case LEGEND_QUEUED:
      _aw_render_batch_add (c, AW_PHASE_QUEUED, x, x + w, y, h);
      _aw_render_batch_flush (c, TRUE);
      break;

    case LEGEND_COMPLETED:
      _aw_render_draw_badge (c, AW_OUTCOME_COMPLETED, x + w / 2, y + h / 2, r);
      break;

    case LEGEND_FAULTED:
      _aw_render_draw_badge (c, AW_OUTCOME_FAULTED, x + w / 2, y + h / 2, r);
      break;

    case LEGEND_CANCELLED:
      _aw_render_draw_badge (c, AW_OUTCOME_CANCELLED, x + w / 2, y + h / 2, r);
      break;

    case LEGEND_DEADLOCKED:
      _aw_render_draw_badge (c, AW_OUTCOME_DEADLOCKED, x + w / 2, y + h / 2, r);
      break;

    case LEGEND_SYNC:
      _aw_render_draw_diamond (c, x + w / 2, y + h / 2, r);
      break;

    case LEGEND_HEARTBEAT:
      cairo_save (cr);
      cairo_new_path (cr);
      for (guint i = 0; i < 5; i++)
        {
          double tx = round (x + w * (0.1 + 0.2 * i)) + 0.5;

          cairo_move_to (cr, tx, y + h * 0.2);
          cairo_line_to (cr, tx, y + h * 0.8);
        }
      _aw_render_set_color (cr, &c->theme->frame);
      cairo_set_line_width (cr, MAX (1.0, c->lw * 0.8));
      cairo_stroke (cr);
      cairo_restore (cr);
      break;

    case LEGEND_FROZEN:
      _aw_render_draw_frozen_band (c, x, y + h * 0.1, w, h * 0.8);
      break;

    case LEGEND_CANCEL_REQUEST:
    case LEGEND_WATCHDOG:
    case LEGEND_CRASH:
    case LEGEND_REPORT:
    case LEGEND_UNOBSERVED:
    case LEGEND_SWALLOWED:
      {
        guint kind = item == LEGEND_CANCEL_REQUEST ? AW_EVENT_CANCEL_REQUEST
                   : item == LEGEND_WATCHDOG ? AW_EVENT_WATCHDOG
                   : item == LEGEND_CRASH ? AW_EVENT_CRASH
                   : item == LEGEND_REPORT ? AW_EVENT_MARK
                   : item == LEGEND_SWALLOWED ? AW_EVENT_ERROR_SWALLOWED
                   : AW_EVENT_ERROR_UNOBSERVED;
        const AwColor *color = _aw_render_marker_color (c->theme, kind);

        cairo_save (cr);
        _aw_render_set_marker_line (c, color);
        cairo_move_to (cr, x + w / 2, y);
        cairo_line_to (cr, x + w / 2, y + h);
        cairo_stroke (cr);
        _aw_render_draw_marker_head (c, color, x + w / 2, y, h * 0.45);
        cairo_restore (cr);
      }
      break;

    case N_LEGEND:
    default:
      break;
    }
}

/* Lays the legend out in rows that wrap at @width; draws it when @draw.
 * Returns the height used. */
double
_aw_render_legend_flow (Ctx      *c,
                        double    x0,
                        double    y0,
                        double    width,
                        gboolean  draw)
{
  double size = c->chrome->legend * c->f;
  double item_h = MAX (_aw_render_line_height (c, size, FALSE), 1.2 * c->f);
  double sw = 2.0 * c->f;
  double sh = MIN (item_h, c->theme->row_height * c->s);
  double gap = 0.45 * c->f;
  double spacing = 1.3 * c->f;
  double x = x0, y = y0;

  for (guint i = 0; i < N_LEGEND; i++)
    {
      double tw, th, iw;

      if (!c->legend_has[i])
        continue;

      _aw_render_text_set (c, legend_labels[i], size, FALSE, -1);
      _aw_render_text_size (c, &tw, &th);
      iw = sw + gap + tw;
      if (x > x0 && x + iw > x0 + width)
        {
          x = x0;
          y += item_h + 0.35 * c->f;
        }
      if (draw)
        {
          draw_legend_swatch (c, i, x, y + (item_h - sh) / 2, sw, sh);
          _aw_render_text_set (c, legend_labels[i], size, FALSE, -1);
          _aw_render_text_draw (c, x + sw + gap, y + (item_h - th) / 2, &c->theme->foreground);
        }
      x += iw + spacing;
    }

  return y + item_h - y0;
}
