/* aw-render-shapes.c: the shapes and colours the chart and the legend share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Outcome badges, the synchronous-completion diamond, the frozen band and
 * its shade, the hatching of abandoned work, markers, the crash's veil and
 * the plates under text: the chart and the legend that explains it (and
 * the window's help, through aw_render_legend_swatch()) draw each with the
 * same function, so they cannot drift apart, and each is told apart by its
 * shape as well as its colour.
 */

#include "config.h"

#include "aw-render-private.h"

#include <math.h>

static const AwColor caution_stripe = { 0.08, 0.08, 0.08, 0.8 };
static const AwColor white = { 1.0, 1.0, 1.0, 1.0 };
/* Okabe-Ito's black, with the frozen band's yellow for its glyph. */
static const AwColor deadlocked = { 0.1, 0.1, 0.1, 1.0 };

const AwColor *
_aw_render_outcome_color (const AwTheme *theme,
                          AwOutcome      outcome)
{
  switch (outcome)
    {
    case AW_OUTCOME_FAULTED: return &theme->faulted;
    case AW_OUTCOME_CANCELLED: return &theme->cancelled;
    case AW_OUTCOME_DEADLOCKED: return &deadlocked;
    case AW_OUTCOME_COMPLETED: return &theme->completed;
    case AW_OUTCOME_PENDING:
    default: return &theme->muted;
    }
}

/* A round badge in the outcome's colour with a glyph that tells the
 * outcome apart without colour: a check, a cross, a slash, and for a
 * deadlock the two bars of a pause that never ends. */
void
_aw_render_draw_badge (Ctx       *c,
                       AwOutcome  outcome,
                       double     cx,
                       double     cy,
                       double     r)
{
  cairo_t *cr = c->cr;
  double gw = MAX (1.2, r * 0.34);

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
  _aw_render_set_color (cr, _aw_render_outcome_color (c->theme, outcome));
  cairo_fill_preserve (cr);
  _aw_render_set_color_mix (cr, _aw_render_outcome_color (c->theme, outcome), &c->theme->foreground, 0.45);
  cairo_set_line_width (cr, MAX (1.0, c->lw * 0.6));
  cairo_stroke (cr);

  _aw_render_set_color (cr, &white);
  cairo_set_line_width (cr, gw);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  switch (outcome)
    {
    case AW_OUTCOME_COMPLETED:
      cairo_move_to (cr, cx - 0.48 * r, cy + 0.02 * r);
      cairo_line_to (cr, cx - 0.13 * r, cy + 0.38 * r);
      cairo_line_to (cr, cx + 0.48 * r, cy - 0.36 * r);
      break;

    case AW_OUTCOME_FAULTED:
      cairo_move_to (cr, cx - 0.4 * r, cy - 0.4 * r);
      cairo_line_to (cr, cx + 0.4 * r, cy + 0.4 * r);
      cairo_move_to (cr, cx + 0.4 * r, cy - 0.4 * r);
      cairo_line_to (cr, cx - 0.4 * r, cy + 0.4 * r);
      break;

    case AW_OUTCOME_CANCELLED:
      cairo_move_to (cr, cx - 0.5 * r, cy + 0.5 * r);
      cairo_line_to (cr, cx + 0.5 * r, cy - 0.5 * r);
      break;

    case AW_OUTCOME_DEADLOCKED:
      _aw_render_set_color (cr, &c->theme->blocked);
      cairo_move_to (cr, cx - 0.25 * r, cy - 0.42 * r);
      cairo_line_to (cr, cx - 0.25 * r, cy + 0.42 * r);
      cairo_move_to (cr, cx + 0.25 * r, cy - 0.42 * r);
      cairo_line_to (cr, cx + 0.25 * r, cy + 0.42 * r);
      break;

    case AW_OUTCOME_PENDING:
    default:
      break;
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
_aw_render_draw_diamond (Ctx    *c,
                         double  cx,
                         double  cy,
                         double  r)
{
  cairo_t *cr = c->cr;

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_move_to (cr, cx, cy - r);
  cairo_line_to (cr, cx + r, cy);
  cairo_line_to (cr, cx, cy + r);
  cairo_line_to (cr, cx - r, cy);
  cairo_close_path (cr);
  _aw_render_set_color (cr, &c->theme->completed);
  cairo_fill_preserve (cr);
  _aw_render_set_color (cr, &c->theme->foreground);
  cairo_set_line_width (cr, MAX (1.0, c->lw * 0.7));
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The frozen main loop: a caution-tape band. */
void
_aw_render_draw_frozen_band (Ctx    *c,
                             double  x,
                             double  y,
                             double  w,
                             double  h)
{
  cairo_t *cr = c->cr;
  double step = MAX (6.0, 9.0 * c->s);

  if (w <= 0 || h <= 0)
    return;

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  _aw_render_set_color (cr, &c->theme->blocked);
  cairo_paint (cr);
  if (h >= 5)
    {
      _aw_render_set_color (cr, &caution_stripe);
      cairo_set_line_width (cr, step * 0.35);
      for (double sx = x - h - fmod (x, step); sx < x + w + step; sx += step)
        {
          cairo_move_to (cr, sx, y + h);
          cairo_line_to (cr, sx + h, y);
        }
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

/* A frozen UI thread from @x0 to @x1: the caution band in its lane, and a
 * pale shade from the lane down to @shade_bottom, because nothing below it
 * could move on the UI thread. */
void
_aw_render_draw_frozen (Ctx    *c,
                        double  x0,
                        double  x1,
                        double  lane_y,
                        double  lane_h,
                        double  shade_bottom)
{
  cairo_t *cr = c->cr;
  const AwTheme *t = c->theme;

  if (x1 <= x0)
    return;
  if (shade_bottom > lane_y + lane_h)
    {
      cairo_save (cr);
      cairo_new_path (cr);
      cairo_rectangle (cr, x0, lane_y + lane_h, x1 - x0, shade_bottom - (lane_y + lane_h));
      cairo_set_source_rgba (cr, t->blocked.red, t->blocked.green, t->blocked.blue,
                             _aw_render_theme_is_dark (t) ? 0.1 : 0.16);
      cairo_fill (cr);
      cairo_restore (cr);
    }
  _aw_render_draw_frozen_band (c, x0, lane_y + 1, x1 - x0, lane_h - 2);
}

/* Work that went on after it was no longer wanted: a dashed outline in the
 * cancel colour with stripes over the bar from @x0 to @x1. */
void
_aw_render_draw_abandoned (Ctx    *c,
                           double  x0,
                           double  x1,
                           double  y,
                           double  h)
{
  cairo_t *cr = c->cr;
  double step = MAX (5.0, 7.0 * c->s);
  double dash[2];

  if (x1 <= x0 || h <= 0)
    return;
  dash[0] = 4.0 * c->s;
  dash[1] = 3.0 * c->s;
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, x0, y, x1 - x0, h);
  cairo_clip_preserve (cr);
  _aw_render_set_color (cr, &c->theme->cancelled);
  cairo_set_line_width (cr, MAX (1.0, c->lw));
  cairo_set_dash (cr, dash, 2, 0);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_line_width (cr, step * 0.3);
  for (double sx = x0 - h; sx < x1; sx += step)
    {
      cairo_move_to (cr, sx, y + h);
      cairo_line_to (cr, sx + h, y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Where an exception escaped async void, what would never have run in C#
 * is veiled. */
void
_aw_render_draw_veil (Ctx    *c,
                      double  x0,
                      double  y0,
                      double  x1,
                      double  y1)
{
  const AwColor *bg = &c->theme->background;
  AwColor veil = { bg->red, bg->green, bg->blue, 0.6 };

  if (x1 <= x0 || y1 <= y0)
    return;
  /* Text kept as text for a vector picture is veiled apart, the part of
   * the veil that the clip leaves. */
  if (c->texts != NULL)
    {
      double cx0, cy0, cx1, cy1;

      cairo_clip_extents (c->cr, &cx0, &cy0, &cx1, &cy1);
      cx0 = MAX (cx0, x0);
      cy0 = MAX (cy0, y0);
      cx1 = MIN (cx1, x1);
      cy1 = MIN (cy1, y1);
      cairo_user_to_device (c->cr, &cx0, &cy0);
      cairo_user_to_device (c->cr, &cx1, &cy1);
      if (cx1 > cx0 && cy1 > cy0)
        _aw_render_veil_texts (c->texts, cx0, cy0, cx1, cy1, &veil);
    }
  cairo_save (c->cr);
  cairo_new_path (c->cr);
  cairo_rectangle (c->cr, x0, y0, x1 - x0, y1 - y0);
  cairo_set_source_rgba (c->cr, veil.red, veil.green, veil.blue, veil.alpha);
  cairo_fill (c->cr);
  cairo_restore (c->cr);
}

const AwColor *
_aw_render_marker_color (const AwTheme *theme,
                         guint          kind)
{
  switch (kind)
    {
    case AW_EVENT_CANCEL_REQUEST: return &theme->cancelled;
    case AW_EVENT_ERROR_UNOBSERVED: return &theme->faulted;
    case AW_EVENT_ERROR_SWALLOWED: return &theme->muted;
    case AW_EVENT_CRASH: return &theme->foreground;
    case AW_EVENT_WATCHDOG:
    default: return &theme->accent;
    }
}

void
_aw_render_draw_marker_head (Ctx           *c,
                             const AwColor *color,
                             double         x,
                             double         y,
                             double         size)
{
  cairo_t *cr = c->cr;

  cairo_new_path (cr);
  cairo_move_to (cr, x - size * 0.6, y);
  cairo_line_to (cr, x + size * 0.6, y);
  cairo_line_to (cr, x, y + size);
  cairo_close_path (cr);
  _aw_render_set_color (cr, color);
  cairo_fill (cr);
}

void
_aw_render_set_marker_line (Ctx           *c,
                            const AwColor *color)
{
  double dash[2];

  dash[0] = 5.0 * c->s;
  dash[1] = 3.0 * c->s;
  _aw_render_set_color (c->cr, color);
  cairo_set_line_width (c->cr, MAX (1.0, c->lw));
  cairo_set_dash (c->cr, dash, 2, 0);
}

/* The UI thread's heartbeat ticks. */
void
_aw_render_set_tick_line (Ctx *c)
{
  _aw_render_set_color (c->cr, &c->theme->frame);
  cairo_set_line_width (c->cr, MAX (1.0, c->lw * 0.7));
  cairo_set_dash (c->cr, NULL, 0, 0);
}

/* A marker: a dashed line from @top to @bottom under a triangular head. */
void
_aw_render_draw_marker (Ctx           *c,
                        const AwColor *color,
                        double         x,
                        double         top,
                        double         bottom,
                        double         head)
{
  cairo_t *cr = c->cr;

  cairo_save (cr);
  cairo_new_path (cr);
  _aw_render_set_marker_line (c, color);
  cairo_move_to (cr, x, top);
  cairo_line_to (cr, x, bottom);
  cairo_stroke (cr);
  _aw_render_draw_marker_head (c, color, x, top, head);
  cairo_restore (cr);
}

/* A rounded, nearly opaque plate under text drawn over the chart. */
void
_aw_render_draw_plate (Ctx    *c,
                       double  x,
                       double  y,
                       double  w,
                       double  h)
{
  cairo_t *cr = c->cr;
  double r = MIN (h / 2, 4 * c->s);
  AwColor bg = c->theme->background;

  bg.alpha = 0.92;
  cairo_new_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  _aw_render_set_color (cr, &bg);
  cairo_fill (cr);
}
