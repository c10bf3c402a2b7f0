/* aw-render-cover.c: culling, pixel coverage and batched rectangles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where the renderer's speed comes from. Spans outside the view are culled
 * with a binary search (task spans and lane busy spans are sorted by
 * start); a row with more visible spans than it has pixels is rasterised
 * into a coverage array, one entry per pixel column, so neighbouring
 * sub-pixel spans become one rectangle; and rectangles of one style are
 * batched into one path and filled once.
 */

#include "config.h"

#include "aw-render-private.h"

#include <math.h>
#include <string.h>

#define MAX_LANE_WALK_BACK  64

/* Where a span of @phase sits in a row: running fills the row, waiting and
 * queued are thinner bars centred in it. */
void
_aw_render_phase_geometry (AwPhase  phase,
                           double   y,
                           double   h,
                           double  *out_y,
                           double  *out_h)
{
  double pad = h >= 8 ? MAX (1.0, h * 0.14) : h >= 4 ? 0.5 : 0.0;
  double inner = h - 2 * pad;

  if (phase == AW_PHASE_RUNNING || h < 8)
    {
      *out_y = y + pad;
      *out_h = inner;
    }
  else
    {
      *out_h = inner * 0.62;
      *out_y = y + (h - *out_h) / 2;
    }
}

gboolean
_aw_render_batch_add (Ctx     *c,
                      AwPhase  phase,
                      double   x0,
                      double   x1,
                      double   y,
                      double   h)
{
  Rect r;

  if (x1 - x0 < 1.0)
    {
      double mid = (x0 + x1) / 2;

      x0 = mid - 0.5;
      x1 = mid + 0.5;
    }
  _aw_render_phase_geometry (phase, y, h, &r.y, &r.h);
  r.x = x0;
  r.w = x1 - x0;
  g_array_append_val (c->batch[MIN (phase, AW_PHASE_RUNNING)], r);

  return TRUE;
}

static void
batch_path (Ctx   *c,
            Batch  batch)
{
  const Rect *rects = (const Rect *) (gconstpointer) c->batch[batch]->data;

  cairo_new_path (c->cr);
  for (guint i = 0; i < c->batch[batch]->len; i++)
    cairo_rectangle (c->cr, rects[i].x, rects[i].y, rects[i].w, rects[i].h);
}

static void
set_waiting_outline (Ctx *c)
{
  _aw_render_set_color_mix (c->cr, &c->theme->waiting, &c->theme->foreground, 0.3);
  cairo_set_line_width (c->cr, MAX (1.0, c->lw * 0.8));
  cairo_set_dash (c->cr, NULL, 0, 0);
}

static void
set_queued_outline (Ctx *c)
{
  double dots[2];

  dots[0] = 0.01;
  dots[1] = MAX (2.0, c->lw * 2.2);
  _aw_render_set_color_mix (c->cr, &c->theme->queued, &c->theme->foreground, 0.15);
  cairo_set_line_width (c->cr, MAX (1.5, c->lw * 1.3));
  cairo_set_line_cap (c->cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_dash (c->cr, dots, 2, 0);
}

/* Fills (and outlines, when rows are tall enough) every batched rectangle
 * with one path per style. */
void
_aw_render_batch_flush (Ctx      *c,
                        gboolean  outline)
{
  cairo_t *cr = c->cr;
  const AwTheme *t = c->theme;

  cairo_save (cr);

  if (c->batch[BATCH_WAITING]->len > 0)
    {
      batch_path (c, BATCH_WAITING);
      _aw_render_set_color_mix (cr, &t->background, &t->waiting, _aw_render_theme_is_dark (t) ? 0.65 : 0.5);
      if (outline)
        {
          cairo_fill_preserve (cr);
          set_waiting_outline (c);
          cairo_stroke (cr);
        }
      else
        cairo_fill (cr);
    }

  /* Queued has the same fill at every size, so that a legend's swatch
   * matches rows of any height; tall rows add the dotted outline. */
  if (c->batch[BATCH_QUEUED]->len > 0)
    {
      batch_path (c, BATCH_QUEUED);
      _aw_render_set_color_mix (cr, &t->background, &t->queued, _aw_render_theme_is_dark (t) ? 0.55 : 0.45);
      if (outline)
        {
          cairo_fill_preserve (cr);
          set_queued_outline (c);
          cairo_stroke (cr);
        }
      else
        cairo_fill (cr);
    }

  if (c->batch[BATCH_RUNNING]->len > 0)
    {
      batch_path (c, BATCH_RUNNING);
      _aw_render_set_color (cr, &t->running);
      cairo_fill (cr);
    }

  cairo_restore (cr);

  for (guint i = 0; i < N_BATCHES; i++)
    g_array_set_size (c->batch[i], 0);
}

/* First span whose end is after @t; task spans are sorted and disjoint, so
 * their ends are sorted too. */
guint
_aw_render_first_ending_after (const AwSpan *spans,
                               guint         n,
                               gint64        t)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (spans[mid].end_ns <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* First span starting after @t. */
guint
_aw_render_first_starting_after (const AwSpan *spans,
                                 guint         n,
                                 gint64        t)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (spans[mid].start_ns <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The visible part of a lane's busy spans: sorted by start, and nearly
 * disjoint since a thread runs one thing at a time. */
static void
lane_visible_range (const AwSpan *spans,
                    guint         n,
                    gint64        from,
                    gint64        to,
                    guint        *first,
                    guint        *last)
{
  guint i = _aw_render_first_starting_after (spans, n, from);
  guint steps = 0;

  while (i > 0 && steps < MAX_LANE_WALK_BACK && spans[i - 1].end_ns > from)
    {
      i--;
      steps++;
    }
  *first = i;
  *last = MAX (i, _aw_render_first_starting_after (spans, n, to));
}

/* Coverage of a row: per pixel column, how many spans of each rank
 * (phase + 1) start there minus how many stop there, the three counts
 * packed in one integer (COVER_BITS each). A sweep over the columns adds
 * them up, and the highest rank with a count above zero is the rank of the
 * column; counts never go below zero, so the packed sums stay exact. A span
 * costs the same however many columns it covers, and only the touched
 * columns are cleared and scanned. */
#define COVER_BITS 21      /* more spans than a trace may hold */
G_STATIC_ASSERT (N_BATCHES * COVER_BITS < 64);

void
_aw_render_cover_reset (Ctx *c)
{
  if (c->cover_lo <= c->cover_hi)
    memset (c->cover + c->cover_lo, 0, (c->cover_hi - c->cover_lo + 1) * sizeof (gint64));
  c->cover_lo = c->n_cover;
  c->cover_hi = 0;
}

static inline void
cover_add (Ctx   *c,
           guint  rank,
           gint   c0,
           gint   c1)
{
  gint64 one = (gint64) 1 << (COVER_BITS * (rank - 1));

  c->cover[c0] += one;
  c->cover[c1] -= one;
  c->cover_lo = MIN (c->cover_lo, (guint) c0);
  c->cover_hi = MAX (c->cover_hi, (guint) c1);
}

void
_aw_render_cover_mark (Ctx          *c,
                       const AwSpan *spans,
                       guint         first,
                       guint         last,
                       gint64        begin,
                       gboolean      as_running)
{
  const AwRenderLayout *lay = c->layout;
  double scale = lay->plot_width / (double) _aw_render_layout_time_span (lay);

  for (guint i = first; i < last; i++)
    {
      double x0 = (double) (spans[i].start_ns - begin - lay->view_start_ns) * scale;
      double x1 = (double) (spans[i].end_ns - begin - lay->view_start_ns) * scale;
      guint rank = as_running ? AW_PHASE_RUNNING + 1 : MIN (spans[i].phase, AW_PHASE_RUNNING) + 1;
      gint c0, c1;

      if (x1 < 0 || x0 > lay->plot_width)
        continue;
      /* Both within [0, plot width] here: truncation is floor, and
       * truncation plus one for a fraction is ceil, without a libm call. */
      x0 = MAX (x0, 0.0);
      x1 = MIN (x1, lay->plot_width);
      c0 = (gint) x0;
      c1 = (gint) x1;
      c1 += (double) c1 < x1;
      c0 = MIN (c0, (gint) c->n_cover - 1);
      c1 = CLAMP (c1, c0 + 1, (gint) c->n_cover);
      cover_add (c, rank, c0, c1);
    }
}

void
_aw_render_cover_mark_point (Ctx    *c,
                             gint64  rel_ns)
{
  double x = _aw_render_time_to_x (c, rel_ns) - c->layout->plot_x;
  gint col = (gint) floor (x);

  if (col >= 0 && col < (gint) c->n_cover)
    cover_add (c, AW_PHASE_RUNNING + 1, col, col + 1);
}

/* Turns runs of equal coverage into batched rectangles. */
void
_aw_render_cover_emit (Ctx    *c,
                       double  y,
                       double  h)
{
  const gint64 *cover = c->cover;
  double x0 = c->layout->plot_x;
  guint run_start = 0, run_rank = 0;
  gint64 sum = 0;

  for (guint col = c->cover_lo; col <= c->cover_hi; col++)
    {
      guint rank;

      sum += cover[col];
      rank = sum >= (gint64) 1 << (2 * COVER_BITS) ? 3
           : sum >= (gint64) 1 << COVER_BITS ? 2
           : sum > 0 ? 1 : 0;
      if (rank != run_rank)
        {
          if (run_rank > 0)
            _aw_render_batch_add (c, run_rank - 1, x0 + run_start, x0 + col, y, h);
          run_start = col;
          run_rank = rank;
        }
    }
}

/* Draws spans [first, last) into a row: exact rectangles when there are few,
 * pixel coverage when there are more than the row has pixels for. */
void
_aw_render_add_spans (Ctx          *c,
                      const AwSpan *spans,
                      guint         first,
                      guint         last,
                      gint64        begin,
                      double        y,
                      double        h,
                      gboolean      as_running)
{
  const AwRenderLayout *lay = c->layout;
  double right = lay->plot_x + lay->plot_width;

  if (last <= first)
    return;

  if ((double) (last - first) > lay->plot_width / 3.0)
    {
      _aw_render_cover_reset (c);
      _aw_render_cover_mark (c, spans, first, last, begin, as_running);
      _aw_render_cover_emit (c, y, h);
      return;
    }

  for (guint i = first; i < last; i++)
    {
      double x0 = _aw_render_time_to_x (c, spans[i].start_ns - begin);
      double x1 = _aw_render_time_to_x (c, spans[i].end_ns - begin);

      if (x1 < lay->plot_x || x0 > right)
        continue;
      x0 = MAX (x0, lay->plot_x);
      x1 = MIN (x1, right);
      _aw_render_batch_add (c, as_running ? AW_PHASE_RUNNING : spans[i].phase, x0, x1, y, h);
    }
}

gboolean
_aw_render_block_within (const AwSpan *spans,
                         guint         n,
                         gint64        to)
{
  for (guint k = 0; k < n; k++)
    if (spans[k].end_ns > to)
      return FALSE;
  return TRUE;
}

/* A lane's busy spans. With more of them in view than the lane has pixels,
 * the model's summary of the lane at this scale covers the same columns at
 * a fraction of the cost. */
void
_aw_render_add_lane_spans (Ctx          *c,
                           AwTraceModel *model,
                           guint         lane,
                           gint64        begin,
                           gint64        from,
                           gint64        to,
                           double        y,
                           double        h)
{
  const AwRenderLayout *lay = c->layout;
  const AwSpan *spans;
  guint n, first, last;

  spans = aw_trace_model_get_lane_busy (model, lane, &n);
  lane_visible_range (spans, n, from, to, &first, &last);
  if ((double) (last - first) > lay->plot_width / 3.0)
    {
      double ns_per_px = (double) _aw_render_layout_time_span (lay) / MAX (lay->plot_width, 1.0);
      const AwSpan *busy = spans;
      guint busy_last = last;

      spans = aw_trace_model_get_lane_summary (model, lane, (gint64) (ns_per_px / 2), &n);
      lane_visible_range (spans, n, from, to, &first, &last);
      _aw_render_cover_reset (c);
      if (last > first && spans[last - 1].end_ns > to)
        {
          /* The last span may hold busy spans that start after the view:
           * they are not drawn, so it ends where those in view end. */
          AwSpan edge = spans[last - 1];
          gint64 end = G_MININT64;

          for (guint k = busy_last, steps = 0;
               k > 0 && busy[k - 1].start_ns >= edge.start_ns && steps < MAX_LANE_WALK_BACK && end < to;
               k--, steps++)
            end = MAX (end, busy[k - 1].end_ns);
          edge.end_ns = MIN (edge.end_ns, MAX (end, edge.start_ns));
          _aw_render_cover_mark (c, &edge, 0, 1, begin, TRUE);
          /* The last busy span in view, on its own: one starting right at
           * the view's end is drawn a column wide. */
          if (busy_last > 0)
            _aw_render_cover_mark (c, busy, busy_last - 1, busy_last, begin, TRUE);
          last--;
        }
      _aw_render_cover_mark (c, spans, first, last, begin, TRUE);
      _aw_render_cover_emit (c, y, h);
      return;
    }
  _aw_render_add_spans (c, spans, first, last, begin, y, h, TRUE);
}
