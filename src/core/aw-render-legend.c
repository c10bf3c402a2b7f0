/* aw-render-legend.c: the legend under the chart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One swatch per state the picture shows, drawn by the very functions the
 * chart draws with (aw-render-shapes.c, aw-render-cover.c), in rows that
 * wrap at the picture's width. Entries for marks a run does not have (a
 * watchdog, an unobserved error, hatched work) are left out; every mark a
 * run has gets one. The window's "How to read this" draws the same
 * swatches through aw_render_legend_swatch().
 */

#include "config.h"

#include "aw-i18n.h"

#include "aw-render-private.h"

#include <math.h>

static const char *legend_labels[AW_LEGEND_N_ITEMS] = {
  [AW_LEGEND_RUNNING] = N_("running on a thread"),
  [AW_LEGEND_WAITING] = N_("waiting (holds no thread)"),
  [AW_LEGEND_QUEUED] = N_("queued for a thread"),
  [AW_LEGEND_COMPLETED] = N_("completed"),
  [AW_LEGEND_FAULTED] = N_("faulted"),
  [AW_LEGEND_CANCELLED] = N_("cancelled"),
  [AW_LEGEND_DEADLOCKED] = N_("deadlocked: never finishes in C#"),
  [AW_LEGEND_SYNC] = N_("completed synchronously (no Task)"),
  [AW_LEGEND_ABANDONED] = N_("work after its caller gave up"),
  [AW_LEGEND_HEARTBEAT] = N_("heartbeat (UI responsive)"),
  [AW_LEGEND_FROZEN] = N_("UI frozen (band and pale shade)"),
  [AW_LEGEND_CANCEL_REQUEST] = N_("cancel requested"),
  [AW_LEGEND_WATCHDOG] = N_("watchdog fired"),
  [AW_LEGEND_STRANDED] = N_("queued continuation ran late (GLib only)"),
  [AW_LEGEND_CRASH] = N_("exception escaped async void: the process ends"),
  [AW_LEGEND_UNOBSERVED] = N_("unobserved error"),
  [AW_LEGEND_SWALLOWED] = N_("error swallowed by await"),
  [AW_LEGEND_REPORT] = N_("progress report, run by the UI thread"),
  [AW_LEGEND_SET_RESULT] = N_("SetResult: a callback completes the Task"),
  [AW_LEGEND_POOL_GREW] = N_("the thread pool adds a thread"),
  [AW_LEGEND_MARK] = N_("a mark (its label says what)"),
};

/**
 * aw_legend_item_get_label:
 * @item: a legend item
 *
 * Returns: (transfer none): what the legend says beside the item's swatch
 */
const char *
aw_legend_item_get_label (AwLegendItem item)
{
  g_return_val_if_fail (item < AW_LEGEND_N_ITEMS, NULL);

  return _(legend_labels[item]);
}

/* Which legend entry explains a marker. */
AwLegendItem
_aw_render_marker_legend_item (const AwMarker *marker)
{
  switch (marker->kind)
    {
    case AW_EVENT_CANCEL_REQUEST: return AW_LEGEND_CANCEL_REQUEST;
    case AW_EVENT_WATCHDOG: return AW_LEGEND_WATCHDOG;
    case AW_EVENT_CRASH: return AW_LEGEND_CRASH;
    case AW_EVENT_ERROR_UNOBSERVED: return AW_LEGEND_UNOBSERVED;
    case AW_EVENT_ERROR_SWALLOWED: return AW_LEGEND_SWALLOWED;
    case AW_EVENT_MARK:
    default:
      if (marker->text == NULL)
        return AW_LEGEND_MARK;
      if (g_str_has_prefix (marker->text, AW_MARK_REPORT))
        return AW_LEGEND_REPORT;
      if (g_str_equal (marker->text, AW_MARK_SET_RESULT))
        return AW_LEGEND_SET_RESULT;
      if (g_str_equal (marker->text, AW_MARK_STRANDED))
        return AW_LEGEND_STRANDED;
      if (g_str_has_prefix (marker->text, AW_MARK_POOL_GREW))
        return AW_LEGEND_POOL_GREW;
      return AW_LEGEND_MARK;
    }
}

/* Which entries the request's runs need. The states and outcomes every
 * picture can show, the heartbeat and the frozen band are always listed,
 * so that a picture without a freeze still says what one would look like.
 * In a replay, anything in the whole run counts: the legend stays put. */
void
_aw_render_legend_find (Ctx *c)
{
  const AwRenderRequest *request = c->request;

  for (guint i = 0; i < AW_LEGEND_N_ITEMS; i++)
    c->legend_has[i] = i <= AW_LEGEND_CANCELLED || i == AW_LEGEND_HEARTBEAT || i == AW_LEGEND_FROZEN;

  for (guint v = 0; v < request->n_variants; v++)
    {
      AwTraceModel *model = _aw_render_layout_model (request, v);
      const AwMarker *markers;
      const AwTaskInfo *tasks;
      guint n_markers, n_tasks;

      if (model == NULL)
        continue;
      if (aw_trace_model_get_metrics (model)->sync_completed > 0)
        c->legend_has[AW_LEGEND_SYNC] = TRUE;
      if (aw_trace_model_get_metrics (model)->deadlocked > 0)
        c->legend_has[AW_LEGEND_DEADLOCKED] = TRUE;
      markers = aw_trace_model_get_markers (model, &n_markers);
      for (guint i = 0; i < n_markers; i++)
        c->legend_has[_aw_render_marker_legend_item (&markers[i])] = TRUE;
      if (!c->legend_has[AW_LEGEND_ABANDONED])
        {
          const AwTaskInfo *parent = NULL;

          /* Siblings come together: look each parent up once. */
          tasks = aw_trace_model_get_tasks (model, &n_tasks);
          for (guint i = 0; i < n_tasks; i++)
            {
              const AwTaskInfo *task = &tasks[i];

              if (task->lane == 0 && task->outcome != AW_OUTCOME_CANCELLED)
                continue;
              if (task->parent != 0 && (parent == NULL || parent->id != task->parent))
                parent = aw_trace_model_find_task (model, task->parent);
              if (_aw_render_task_abandoned_from (model, task, task->parent != 0 ? parent : NULL) >= 0)
                {
                  c->legend_has[AW_LEGEND_ABANDONED] = TRUE;
                  break;
                }
            }
        }
    }
}

/* One swatch in @x, @y, @w, @h. @outline: bars are outlined, as in rows
 * tall enough for it (see _aw_render_batch_flush()). */
static void
draw_legend_swatch (Ctx          *c,
                    AwLegendItem  item,
                    double        x,
                    double        y,
                    double        w,
                    double        h,
                    gboolean      outline)
{
  cairo_t *cr = c->cr;
  double r = MIN (MIN (h * 0.45, w / 2), 0.75 * c->f);
  double head = MIN (h * 0.45, 0.8 * c->f);

  switch (item)
    {
    case AW_LEGEND_RUNNING:
      _aw_render_batch_add (c, AW_PHASE_RUNNING, x, x + w, y, h);
      _aw_render_batch_flush (c, outline);
      break;

    case AW_LEGEND_WAITING:
      _aw_render_batch_add (c, AW_PHASE_WAITING, x, x + w, y, h);
      _aw_render_batch_flush (c, outline);
      break;

    case AW_LEGEND_QUEUED:
      _aw_render_batch_add (c, AW_PHASE_QUEUED, x, x + w, y, h);
      _aw_render_batch_flush (c, outline);
      break;

    case AW_LEGEND_COMPLETED:
      _aw_render_draw_badge (c, AW_OUTCOME_COMPLETED, x + w / 2, y + h / 2, r);
      break;

    case AW_LEGEND_FAULTED:
      _aw_render_draw_badge (c, AW_OUTCOME_FAULTED, x + w / 2, y + h / 2, r);
      break;

    case AW_LEGEND_CANCELLED:
      _aw_render_draw_badge (c, AW_OUTCOME_CANCELLED, x + w / 2, y + h / 2, r);
      break;

    case AW_LEGEND_DEADLOCKED:
      _aw_render_draw_badge (c, AW_OUTCOME_DEADLOCKED, x + w / 2, y + h / 2, r);
      break;

    case AW_LEGEND_SYNC:
      _aw_render_draw_diamond (c, x + w / 2, y + h / 2, r);
      break;

    case AW_LEGEND_ABANDONED:
      {
        double by, bh;

        /* A bar running on, hatched from where its caller gave up. */
        _aw_render_batch_add (c, AW_PHASE_RUNNING, x, x + w, y, h);
        _aw_render_batch_flush (c, outline);
        _aw_render_phase_geometry (AW_PHASE_RUNNING, y, h, &by, &bh);
        _aw_render_draw_abandoned (c, x + w * 0.3, x + w, by, bh);
      }
      break;

    case AW_LEGEND_HEARTBEAT:
      cairo_save (cr);
      cairo_new_path (cr);
      for (guint i = 0; i < 5; i++)
        {
          double tx = round (x + w * (0.1 + 0.2 * i)) + 0.5;

          cairo_move_to (cr, tx, y + h * 0.2);
          cairo_line_to (cr, tx, y + h * 0.8);
        }
      _aw_render_set_tick_line (c);
      cairo_stroke (cr);
      cairo_restore (cr);
      break;

    case AW_LEGEND_FROZEN:
      /* The band in a lane's top half, its shade below. */
      _aw_render_draw_frozen (c, x, x + w, y, h * 0.55, y + h);
      break;

    case AW_LEGEND_CRASH:
      {
        double by, bh, mx = x + w * 0.35;

        /* What would never have run, veiled after the marker. */
        _aw_render_batch_add (c, AW_PHASE_WAITING, x, x + w, y, h);
        _aw_render_batch_flush (c, outline);
        _aw_render_phase_geometry (AW_PHASE_WAITING, y, h, &by, &bh);
        _aw_render_draw_veil (c, mx + 0.15 * c->f, y, x + w, y + h);
        _aw_render_draw_marker (c, _aw_render_marker_color (c->theme, AW_EVENT_CRASH), mx, y, y + h, head);
      }
      break;

    case AW_LEGEND_CANCEL_REQUEST:
    case AW_LEGEND_WATCHDOG:
    case AW_LEGEND_STRANDED:
    case AW_LEGEND_UNOBSERVED:
    case AW_LEGEND_SWALLOWED:
    case AW_LEGEND_REPORT:
    case AW_LEGEND_SET_RESULT:
    case AW_LEGEND_POOL_GREW:
    case AW_LEGEND_MARK:
      {
        guint kind = item == AW_LEGEND_CANCEL_REQUEST ? AW_EVENT_CANCEL_REQUEST
                   : item == AW_LEGEND_WATCHDOG ? AW_EVENT_WATCHDOG
                   : item == AW_LEGEND_SWALLOWED ? AW_EVENT_ERROR_SWALLOWED
                   : item == AW_LEGEND_UNOBSERVED ? AW_EVENT_ERROR_UNOBSERVED
                   : AW_EVENT_MARK;

        _aw_render_draw_marker (c, _aw_render_marker_color (c->theme, kind), x + w / 2, y, y + h, head);
      }
      break;

    case AW_LEGEND_N_ITEMS:
    default:
      break;
    }
}

/* Lays the legend out in rows that wrap at @width, the first row starting
 * after the request's inset; draws it when @draw. Returns the height used. */
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
  double inset = MAX (c->request->legend_inset, 0.0);
  double x = x0 + inset, y = y0;

  for (guint i = 0; i < AW_LEGEND_N_ITEMS; i++)
    {
      double tw, th, iw;

      if (!c->legend_has[i])
        continue;

      _aw_render_text_set (c, _(legend_labels[i]), size, FALSE, -1);
      _aw_render_text_size (c, &tw, &th);
      iw = sw + gap + tw;
      if (x > x0 + inset && x + iw > x0 + width)
        {
          x = x0;
          y += item_h + 0.35 * c->f;
        }
      if (draw)
        {
          draw_legend_swatch (c, i, x, y + (item_h - sh) / 2, sw, sh, c->legend_outline);
          _aw_render_text_set (c, _(legend_labels[i]), size, FALSE, -1);
          _aw_render_text_draw (c, x + sw + gap, y + (item_h - th) / 2, &c->theme->foreground);
        }
      x += iw + spacing;
    }

  return y + item_h - y0;
}

/* The height of one row of the legend. */
double
_aw_render_legend_row_height (Ctx *c)
{
  return MAX (_aw_render_line_height (c, c->chrome->legend * c->f, FALSE), 1.2 * c->f);
}

/**
 * aw_render_get_legend:
 * @request: what would be drawn
 * @items: (out caller-allocates) (array fixed-size=AW_LEGEND_N_ITEMS): the
 *   legend's entries, in order
 *
 * Lists what the legend of @request says, without drawing it: the entries
 * every picture has, and one for each kind of mark its runs have.
 *
 * Returns: the number of entries written to @items
 */
guint
aw_render_get_legend (const AwRenderRequest *request,
                      AwLegendItem          *items)
{
  guint n = 0;
  Ctx c;

  g_return_val_if_fail (request != NULL, 0);
  g_return_val_if_fail (items != NULL, 0);

  _aw_render_ctx_init (&c, NULL, request);
  _aw_render_legend_find (&c);
  for (guint i = 0; i < AW_LEGEND_N_ITEMS; i++)
    if (c.legend_has[i])
      items[n++] = i;
  _aw_render_ctx_clear (&c);

  return n;
}

/**
 * aw_render_legend_swatch:
 * @cr: where to draw
 * @theme: the theme
 * @text_scale: the text scale, as in #AwRenderRequest
 * @item: what to draw
 * @width: the swatch's width
 * @height: its height
 *
 * Draws the swatch the legend shows for @item, in (0, 0, @width, @height),
 * with the functions the chart draws with. Bars are outlined when @height
 * is at least 10, as task rows that tall are.
 */
void
aw_render_legend_swatch (cairo_t       *cr,
                         const AwTheme *theme,
                         double         text_scale,
                         AwLegendItem   item,
                         double         width,
                         double         height)
{
  AwRenderRequest request;
  Ctx c;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (item < AW_LEGEND_N_ITEMS);

  aw_render_request_init (&request);
  request.theme = theme;
  request.text_scale = text_scale;
  request.show_legend = FALSE;
  _aw_render_ctx_init (&c, cr, &request);
  cairo_save (cr);
  draw_legend_swatch (&c, item, 0, 0, width, height, height >= AW_RENDER_OUTLINE_MIN_HEIGHT);
  cairo_restore (cr);
  _aw_render_ctx_clear (&c);
}
