/* aw-timeline-view.c: the timeline widget, drawn by the core renderer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The core renderer draws the recorded runs into a cairo node, which is
 * cached until the size, the data or the view changes. Hover feedback is
 * drawn as native nodes on top, so pointer motion never re-runs cairo.
 * What the pointer, the wheel and the keys do is in
 * aw-timeline-view-input.c.
 *
 * A replay cuts the runs' models off at its playhead. The picture is then
 * laid out for the whole runs (models of their traces, made once), so the
 * axis, the rows and the legend hold still; what has not happened yet is
 * not drawn. The renderer puts the playhead's time on the axis (the tick
 * labels make room for it); its line is drawn on top, like the hover.
 *
 * A child widget (the window's "How to read the picture" button, from
 * the template) sits at the start of the legend, which keeps room for
 * it; without a legend it waits in the bottom corner.
 */

#include "config.h"

#include <math.h>

#include "aw-timeline-view.h"
#include "aw-timeline-view-private.h"

#include "aw-format.h"
#include "aw-i18n.h"
#include "aw-summary.h"

#include <math.h>
#include <time.h>

#define MIN_SPAN_NS G_GINT64_CONSTANT (10000)   /* 10 µs */
/* While a run goes on, the description changes at most this often: a
 * screen reader reads it again at each change, and a run redraws every
 * frame. */
#define DESCRIPTION_INTERVAL_US G_USEC_PER_SEC


G_DEFINE_FINAL_TYPE (AwTimelineView, aw_timeline_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VIEW,
  PROP_TEXT_SCALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_variants (AwTimelineView *self)
{
  for (guint i = 0; i < self->variants->len; i++)
    {
      AwNamedRun *v = &g_array_index (self->variants, AwNamedRun, i);

      g_free ((char *) v->name);
      g_free ((char *) v->title);
      aw_trace_model_unref (v->model);
    }
  g_array_set_size (self->variants, 0);
  g_ptr_array_set_size (self->whole, 0);
}

/**
 * aw_timeline_view_get_playhead:
 *
 * Returns: the replay's playhead, in ns since the runs' start, or -1 when
 *   the runs are shown whole; it is where their models are cut off
 */
gint64
aw_timeline_view_get_playhead (AwTimelineView *self)
{
  g_return_val_if_fail (AW_IS_TIMELINE_VIEW (self), -1);

  for (guint i = 0; i < self->variants->len; i++)
    {
      gint64 cutoff = aw_trace_model_get_cutoff (g_array_index (self->variants, AwNamedRun, i).model);

      if (cutoff >= 0)
        return cutoff;
    }
  return -1;
}

/* The whole runs a replay is laid out for, kept while it lasts. A replay
 * only cuts complete runs, so their traces no longer grow and these never
 * need an update. */
static AwTraceModel * const *
ensure_whole_models (AwTimelineView *self)
{
  if (self->whole->len != self->variants->len)
    {
      g_ptr_array_set_size (self->whole, 0);
      for (guint i = 0; i < self->variants->len; i++)
        {
          AwTraceModel *model = g_array_index (self->variants, AwNamedRun, i).model;

          g_ptr_array_add (self->whole, aw_trace_model_new (aw_trace_model_get_trace (model)));
        }
    }
  return (AwTraceModel * const *) self->whole->pdata;
}

/* What the height of a view with readable rows depends on. */
static guint
runs_shape (AwTimelineView *self)
{
  guint shape = self->variants->len;

  for (guint i = 0; i < self->variants->len; i++)
    {
      AwTraceModel *model = g_array_index (self->variants, AwNamedRun, i).model;
      guint n_tasks = 0;

      if (model == NULL)
        continue;
      aw_trace_model_get_tasks (model, &n_tasks);
      shape = shape * 31 + n_tasks * 7 + aw_trace_model_get_n_lanes (model);
    }
  return shape;
}

static void
invalidate (AwTimelineView *self)
{
  g_clear_pointer (&self->cache, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* With readable rows the view is as tall as its rows need. */
  if (self->min_label_share > 0 && runs_shape (self) != self->measured_shape)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  /* The legend may move, and the child with it. */
  if (gtk_widget_get_first_child (GTK_WIDGET (self)) != NULL)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
request_init (AwTimelineView  *self,
              AwRenderRequest *request,
              int              width,
              int              height)
{
  aw_render_request_init (request);
  request->title = NULL;
  request->show_title = FALSE;
  request->show_legend = TRUE;
  request->caption = NULL;
  request->headline = self->headline;
  request->variants = (const AwNamedRun *) (gpointer) self->variants->data;
  request->n_variants = self->variants->len;
  request->theme = self->theme;
  request->width = width;
  request->height = height;
  request->text_scale = self->text_scale;
  /* In presentation mode the window fills the screen: a share of its
   * height is a share of what the room sees. */
  if (self->min_label_share > 0)
    {
      GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
      int h = root != NULL ? gtk_widget_get_height (root) : 0;

      request->min_label_px = self->min_label_share * (h > 0 ? h : 768);
    }
  request->cache = self->render_cache;
  request->playhead_ns = aw_timeline_view_get_playhead (self);
  if (request->playhead_ns >= 0)
    {
      request->whole_models = ensure_whole_models (self);
      request->show_playhead = TRUE;
    }
  else
    g_ptr_array_set_size (self->whole, 0);   /* until the next replay */
  request->legend_inset = self->legend_inset;
  if (!self->fitted)
    {
      request->view_start_ns = self->view_start_ns;
      request->view_end_ns = self->view_end_ns;
    }
}

static gint64
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
ensure_cache (AwTimelineView *self,
              int             width,
              int             height)
{
  AwRenderRequest request;
  GtkSnapshot *snapshot;
  gint64 start;
  cairo_t *cr;

  if (self->cache != NULL && width == self->cache_width && height == self->cache_height)
    return;

  g_clear_pointer (&self->cache, gsk_render_node_unref);
  g_clear_pointer (&self->layout, aw_render_layout_free);
  self->cache_width = width;
  self->cache_height = height;

  request_init (self, &request, width, height);
  snapshot = gtk_snapshot_new ();
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  start = thread_cpu_ns ();
  self->layout = aw_render_layout_new (cr, &request);
  aw_render_with_layout (cr, &request, self->layout);
  self->draw_ns = thread_cpu_ns () - start;
  cairo_destroy (cr);
  self->cache = gtk_snapshot_free_to_node (snapshot);
}

/* The replay's playhead over the picture: what has not happened yet a
 * little shaded, and a line across the variants' lanes and rows in the
 * text's colour (dark on light themes, light on dark ones) down to the
 * axis, where the renderer put its time. */
static void
snapshot_playhead (AwTimelineView *self,
                   GtkSnapshot    *snapshot)
{
  const AwRenderLayout *layout = self->layout;
  gint64 pos = aw_timeline_view_get_playhead (self);
  const AwColor *fg = &self->theme->foreground;
  GdkRGBA line = { fg->red, fg->green, fg->blue, 1 };
  GdkRGBA shade = { fg->red, fg->green, fg->blue, 0.05 };
  double x, right;

  if (pos < 0 || layout == NULL)
    return;
  x = aw_render_layout_time_to_x (layout, pos);
  right = layout->plot_x + layout->plot_width;
  if (x < layout->plot_x - 1 || x > right + 1)
    return;

  /* Not over the headers' text; the last variant's reaches the axis. */
  for (guint v = 0; v < layout->n_variants; v++)
    {
      const AwRenderVariantLayout *vl = &layout->variants[v];
      double top = vl->main_y;
      double bottom = v + 1 < layout->n_variants ? vl->y + vl->height : layout->axis_y + 1;

      if (bottom <= top)
        continue;
      gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (x, top, MAX (right - x, 0), bottom - top));
      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (round (x) - 1, top, 2, bottom - top));
    }
}

static void
snapshot_children (AwTimelineView *self,
                   GtkSnapshot    *snapshot)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_snapshot_child (GTK_WIDGET (self), child, snapshot);
}

static void
aw_timeline_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  AwTimelineView *self = AW_TIMELINE_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0)
    return;

  ensure_cache (self, width, height);
  if (self->cache != NULL)
    gtk_snapshot_append_node (snapshot, self->cache);

  if (self->variants->len == 0)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);
      GdkRGBA fg = { self->theme->muted.red, self->theme->muted.green, self->theme->muted.blue, 1 };
      PangoFontDescription *font = pango_font_description_new ();
      double top;
      int lw, lh;

      /* A little larger than the theme's body text, so the projector
       * theme's large type holds here too. */
      pango_font_description_set_family (font, self->theme->font_family);
      pango_font_description_set_absolute_size (font, self->theme->font_size * 1.3 * self->text_scale * PANGO_SCALE);
      pango_layout_set_font_description (layout, font);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_set_text (layout, self->placeholder != NULL ? self->placeholder
                                                               : _("Press Run (F5) to run this scenario for real"), -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      /* In the middle, or below the legend where the legend reaches it. */
      top = (height - lh) / 2.0;
      if (self->layout != NULL && self->layout->legend_height > 0 &&
          top < self->layout->legend_y + self->layout->legend_height + 0.5 * lh)
        top = MAX (top, self->layout->legend_y + self->layout->legend_height + 0.5 * lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((width - lw) / 2.0, top));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
      pango_font_description_free (font);
      g_object_unref (layout);
      snapshot_children (self, snapshot);
      return;
    }

  snapshot_playhead (self, snapshot);

  if (self->hovering && self->show_hover && self->layout != NULL)
    {
      guint variant, task;
      gint64 t;
      double y, h;
      GdkRGBA shade = { self->theme->foreground.red, self->theme->foreground.green,
                        self->theme->foreground.blue, 0.08 };
      GdkRGBA cursor = { self->theme->foreground.red, self->theme->foreground.green,
                         self->theme->foreground.blue, 0.45 };

      if (aw_render_layout_pick (self->layout, self->hover_x, self->hover_y, &variant, &task, &t) &&
          aw_render_layout_task_row (self->layout, variant, task, &y, &h))
        gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (0, y, width, h));

      if (self->hover_x >= self->layout->plot_x &&
          self->hover_x <= self->layout->plot_x + self->layout->plot_width)
        gtk_snapshot_append_color (snapshot, &cursor,
                                   &GRAPHENE_RECT_INIT (self->hover_x, self->layout->variants[0].y,
                                                        1, self->layout->axis_y - self->layout->variants[0].y));
    }

  snapshot_children (self, snapshot);
}

static void
aw_timeline_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  AwTimelineView *self = AW_TIMELINE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 320;
      *natural = 900;
    }
  else
    {
      *minimum = 200;
      *natural = 480;
      self->measured_shape = runs_shape (self);
      /* Readable rows take the height they need; a scrolled window around
       * the view scrolls what does not fit. */
      if (self->min_label_share > 0 && self->variants->len > 0)
        {
          int width = for_size > 0 ? for_size : gtk_widget_get_width (widget);
          AwRenderRequest request;
          AwRenderLayout *layout;

          if (width <= 0)
            width = 900;
          request_init (self, &request, width, 1);
          layout = aw_render_layout_new (NULL, &request);
          *minimum = *natural = MAX (*minimum, (int) ceil (layout->content_height));
          aw_render_layout_free (layout);
        }
    }
}

static void
aw_timeline_view_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  AwTimelineView *self = AW_TIMELINE_VIEW (widget);
  GtkWidget *child = gtk_widget_get_first_child (widget);
  GtkAllocation place;
  int cw, ch;

  /* The picture's cache checks its size itself. */
  if (child == NULL || !gtk_widget_should_layout (child) || width <= 0 || height <= 0)
    return;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &cw, NULL, NULL);
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, cw, NULL, &ch, NULL, NULL);
  if (self->legend_inset != cw + 8)
    {
      self->legend_inset = cw + 8;
      g_clear_pointer (&self->cache, gsk_render_node_unref);
    }
  ensure_cache (self, width, height);

  place.width = cw;
  place.height = ch;
  if (self->layout != NULL && self->layout->legend_height > 0)
    {
      place.x = (int) round (self->layout->label_x);
      place.y = (int) round (self->layout->legend_y + (self->layout->legend_row_height - ch) / 2);
    }
  else
    {
      place.x = 8;
      place.y = height - ch - 8;
    }
  gtk_widget_size_allocate (child, &place, -1);
}

/* View window ---------------------------------------------------------------- */

void
_aw_timeline_view_current_view (AwTimelineView *self,
              gint64         *start,
              gint64         *end)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (width > 0 && height > 0)
    ensure_cache (self, width, height);
  if (self->layout != NULL)
    {
      *start = self->layout->view_start_ns;
      *end = self->layout->view_end_ns;
    }
  else
    {
      *start = self->view_start_ns;
      *end = MAX (self->view_end_ns, self->view_start_ns + MIN_SPAN_NS);
    }
}

static void
set_view (AwTimelineView *self,
          gint64          start,
          gint64          end)
{
  gboolean changed;

  if (end - start < MIN_SPAN_NS)
    {
      gint64 mid = (start + end) / 2;
      start = mid - MIN_SPAN_NS / 2;
      end = mid + MIN_SPAN_NS / 2;
    }
  changed = self->fitted || self->view_start_ns != start || self->view_end_ns != end;
  self->fitted = FALSE;
  self->view_start_ns = start;
  self->view_end_ns = end;
  invalidate (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

/* Where the runs end, from their start: the longest one's length. */
static gint64
runs_end_ns (AwTimelineView *self)
{
  gint64 end = 0;

  for (guint i = 0; i < self->variants->len; i++)
    {
      AwTraceModel *model = g_array_index (self->variants, AwNamedRun, i).model;

      end = MAX (end, aw_trace_model_get_end_ns (model) - aw_trace_model_get_begin_ns (model));
    }
  return end;
}

/* Zooming and panning by hand stay within the runs: nothing happens
 * before 0, nor after the end (the span kept); zoomed out past the whole
 * run, the view starts at 0. */
void
_aw_timeline_view_set_view_within_runs (AwTimelineView *self,
                      gint64          start,
                      gint64          end)
{
  gint64 span = end - start;
  gint64 limit = runs_end_ns (self);

  if (limit > 0 && span < limit && end > limit)
    {
      end = limit;
      start = end - span;
    }
  if (start < 0)
    {
      start = 0;
      end = span;
    }
  set_view (self, start, end);
}

/**
 * aw_timeline_view_zoom:
 * @factor: > 1 zooms in, < 1 zooms out
 * @anchor_x: the x coordinate that keeps its time, or -1 for the centre
 */
void
aw_timeline_view_zoom (AwTimelineView *self,
                       double          factor,
                       double          anchor_x)
{
  gint64 start, end, anchor;
  double frac, span;

  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));

  _aw_timeline_view_current_view (self, &start, &end);
  if (self->layout == NULL || self->layout->plot_width <= 0 || factor <= 0)
    return;

  if (anchor_x < 0)
    anchor_x = self->layout->plot_x + self->layout->plot_width / 2;
  frac = CLAMP ((anchor_x - self->layout->plot_x) / self->layout->plot_width, 0, 1);
  anchor = start + (gint64) (frac * (end - start));
  span = (end - start) / factor;
  span = CLAMP (span, MIN_SPAN_NS, 3600.0 * G_USEC_PER_SEC * 1000);
  _aw_timeline_view_set_view_within_runs (self, anchor - (gint64) (frac * span), anchor + (gint64) ((1 - frac) * span));
}

/**
 * aw_timeline_view_pan:
 * @pixels: how far to move the view to the right (negative: left)
 */
void
aw_timeline_view_pan (AwTimelineView *self,
                      double          pixels)
{
  gint64 start, end, dt;

  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));

  _aw_timeline_view_current_view (self, &start, &end);
  if (self->layout == NULL || self->layout->plot_width <= 0)
    return;
  dt = (gint64) (pixels / self->layout->plot_width * (end - start));
  _aw_timeline_view_set_view_within_runs (self, start + dt, end + dt);
}

void
aw_timeline_view_fit (AwTimelineView *self)
{
  gboolean changed;

  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));

  changed = !self->fitted;
  self->fitted = TRUE;
  invalidate (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

/**
 * aw_timeline_view_get_view_span:
 * @span: (out): the span shown, when it is not fitted
 *
 * Returns: %FALSE if the view is fitted to the runs (it then follows them
 *   as they grow), %TRUE if it shows @span
 */
gboolean
aw_timeline_view_get_view_span (AwTimelineView *self,
                                AwTimeSpan     *span)
{
  g_return_val_if_fail (AW_IS_TIMELINE_VIEW (self), FALSE);

  if (self->fitted)
    return FALSE;
  span->begin_ns = self->view_start_ns;
  span->end_ns = self->view_end_ns;
  return TRUE;
}

/**
 * aw_timeline_view_set_view_span:
 * @span: (nullable): the span to show, or %NULL to fit the runs
 */
void
aw_timeline_view_set_view_span (AwTimelineView   *self,
                                const AwTimeSpan *span)
{
  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));

  if (span == NULL)
    aw_timeline_view_fit (self);
  else if (self->fitted || span->begin_ns != self->view_start_ns || span->end_ns != self->view_end_ns)
    set_view (self, span->begin_ns, span->end_ns);
}

gboolean
aw_timeline_view_is_fitted (AwTimelineView *self)
{
  return self->fitted;
}

void
aw_timeline_view_get_view (AwTimelineView *self,
                           gint64         *start_ns,
                           gint64         *end_ns)
{
  _aw_timeline_view_current_view (self, start_ns, end_ns);
}

/* Data ----------------------------------------------------------------------- */

/**
 * aw_timeline_view_set_runs:
 * @self: a timeline
 * @title: (nullable): what the runs are, for the accessible label
 * @variants: (array length=n_variants): the runs; models are referenced
 * @n_variants: how many
 */
void
aw_timeline_view_set_runs (AwTimelineView   *self,
                           const char       *title,
                           const AwNamedRun *variants,
                           guint             n_variants)
{
  g_autofree char *label = NULL;

  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));

  clear_variants (self);
  for (guint i = 0; i < n_variants; i++)
    {
      AwNamedRun copy = {
        g_strdup (variants[i].name),
        g_strdup (variants[i].title),
        aw_trace_model_ref (variants[i].model),
      };
      g_array_append_val (self->variants, copy);
    }
  g_free (self->title);
  self->title = g_strdup (title);
  g_clear_pointer (&self->headline, g_free);

  /* Translators: the timeline's name for a screen reader; %s is the
   * scenario's title. */
  label = g_strdup_printf (_("Timeline: %s"), title ? title : _("no scenario"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  aw_timeline_view_refresh (self);
}

/**
 * aw_timeline_view_set_headline:
 * @headline: (nullable): the line over the runs; %NULL (as after
 *   aw_timeline_view_set_runs()) for the renderer's comparison of them
 */
void
aw_timeline_view_set_headline (AwTimelineView *self,
                               const char     *headline)
{
  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));

  if (g_strcmp0 (self->headline, headline) == 0)
    return;
  g_free (self->headline);
  self->headline = g_strdup (headline);
  aw_timeline_view_refresh (self);
}

/* Whether a run shown is still going on (or cut by a replay's playhead). */
static gboolean
runs_live (AwTimelineView *self)
{
  for (guint i = 0; i < self->variants->len; i++)
    if (!aw_trace_model_is_finished (g_array_index (self->variants, AwNamedRun, i).model))
      return TRUE;
  return FALSE;
}

static void
update_description (AwTimelineView *self)
{
  g_autofree char *description = aw_summary_accessible ((const AwNamedRun *) (gpointer) self->variants->data,
                                                        self->variants->len);

  self->described_at = g_get_monotonic_time ();
  if (g_strcmp0 (description, self->description) == 0)
    return;
  g_free (self->description);
  self->description = g_steal_pointer (&description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
}

static gboolean
describe_later (gpointer data)
{
  AwTimelineView *self = data;

  self->describe_id = 0;
  update_description (self);
  return G_SOURCE_REMOVE;
}

/**
 * aw_timeline_view_refresh:
 *
 * The runs have new events: derive the views again and redraw once. The
 * accessible description follows at once when the runs are over, and at
 * most once a second while they go on (the last change is never lost).
 */
void
aw_timeline_view_refresh (AwTimelineView *self)
{
  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));

  for (guint i = 0; i < self->variants->len; i++)
    aw_trace_model_update (g_array_index (self->variants, AwNamedRun, i).model);

  if (!runs_live (self))
    {
      g_clear_handle_id (&self->describe_id, g_source_remove);
      update_description (self);
    }
  else if (self->describe_id == 0)
    {
      gint64 wait_us = self->described_at + DESCRIPTION_INTERVAL_US - g_get_monotonic_time ();

      if (wait_us <= 0)
        update_description (self);
      else
        self->describe_id = g_timeout_add (wait_us / 1000 + 1, describe_later, self);
    }
  invalidate (self);
}

/**
 * aw_timeline_view_get_layout:
 *
 * Returns: (nullable): where the last drawing put everything
 */
const AwRenderLayout *
aw_timeline_view_get_layout (AwTimelineView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (width > 0 && height > 0)
    ensure_cache (self, width, height);
  return self->layout;
}

/**
 * aw_timeline_view_get_picture:
 *
 * For tests: the runs as the renderer drew them last, without what is
 * drawn on top (the hover, the playhead).
 *
 * Returns: (transfer none) (nullable): the cached picture
 */
GskRenderNode *
aw_timeline_view_get_picture (AwTimelineView *self)
{
  g_return_val_if_fail (AW_IS_TIMELINE_VIEW (self), NULL);

  aw_timeline_view_get_layout (self);
  return self->cache;
}

/**
 * aw_timeline_view_get_draw_time:
 *
 * For profiling and the benchmarks: how long the last drawing of the
 * picture took (layout and cairo drawing, not the repaints of the cached
 * picture), in nanoseconds of the main thread's CPU time.
 */
gint64
aw_timeline_view_get_draw_time (AwTimelineView *self)
{
  g_return_val_if_fail (AW_IS_TIMELINE_VIEW (self), 0);

  return self->draw_ns;
}

guint
aw_timeline_view_get_n_runs (AwTimelineView *self)
{
  return self->variants->len;
}

guint
aw_timeline_view_get_n_tasks (AwTimelineView *self)
{
  guint total = 0;

  for (guint i = 0; i < self->variants->len; i++)
    {
      guint n;
      aw_trace_model_get_tasks (g_array_index (self->variants, AwNamedRun, i).model, &n);
      total += n;
    }
  return total;
}

void
aw_timeline_view_set_theme (AwTimelineView *self,
                            const AwTheme  *theme)
{
  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));
  g_return_if_fail (theme != NULL);

  if (self->theme == theme)
    return;
  self->theme = theme;
  self->measured_shape = G_MAXUINT;
  invalidate (self);
}

const AwTheme *
aw_timeline_view_get_theme (AwTimelineView *self)
{
  return self->theme;
}

/**
 * aw_timeline_view_set_min_label_share:
 * @share: the smallest task label, as a share of the window's height at
 *   text scale 1 (0.035 is 27 px at 768 px); 0 to fit the picture into the
 *   view's height as it is
 *
 * For a room: labels at least this large (the text scale multiplies it),
 * and rows that never get shorter than their labels need, the view then
 * as tall as that takes (it sits in a scrolled window).
 */
void
aw_timeline_view_set_min_label_share (AwTimelineView *self,
                                      double          share)
{
  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));

  share = CLAMP (share, 0.0, 0.2);
  if (self->min_label_share == share)
    return;
  self->min_label_share = share;
  self->measured_shape = G_MAXUINT;
  g_clear_pointer (&self->cache, gsk_render_node_unref);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * aw_timeline_view_set_placeholder:
 * @placeholder: (nullable): what the view says while it has no run, %NULL
 *   for its invitation to press Run
 */
void
aw_timeline_view_set_placeholder (AwTimelineView *self,
                                  const char     *placeholder)
{
  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));

  if (g_strcmp0 (self->placeholder, placeholder) == 0)
    return;
  g_free (self->placeholder);
  self->placeholder = g_strdup (placeholder);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
aw_timeline_view_set_text_scale (AwTimelineView *self,
                                 double          text_scale)
{
  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));

  text_scale = CLAMP (text_scale, 0.5, 4.0);
  if (self->text_scale == text_scale)
    return;
  self->text_scale = text_scale;
  self->measured_shape = G_MAXUINT;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT_SCALE]);
}

double
aw_timeline_view_get_text_scale (AwTimelineView *self)
{
  g_return_val_if_fail (AW_IS_TIMELINE_VIEW (self), 1.0);

  return self->text_scale;
}

/* GObject -------------------------------------------------------------------- */

static void
aw_timeline_view_dispose (GObject *object)
{
  AwTimelineView *self = AW_TIMELINE_VIEW (object);
  GtkWidget *child;

  g_clear_pointer (&self->cache, gsk_render_node_unref);
  g_clear_pointer (&self->layout, aw_render_layout_free);
  g_clear_object (&self->tooltip_label);
  g_clear_handle_id (&self->describe_id, g_source_remove);
  if (self->variants != NULL)
    clear_variants (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (aw_timeline_view_parent_class)->dispose (object);
}

static void
aw_timeline_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AwTimelineView *self = AW_TIMELINE_VIEW (object);
  AwTimeSpan span;

  switch (prop_id)
    {
    case PROP_VIEW:
      g_value_set_boxed (value, aw_timeline_view_get_view_span (self, &span) ? &span : NULL);
      break;

    case PROP_TEXT_SCALE:
      g_value_set_double (value, self->text_scale);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aw_timeline_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AwTimelineView *self = AW_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      aw_timeline_view_set_view_span (self, g_value_get_boxed (value));
      break;

    case PROP_TEXT_SCALE:
      aw_timeline_view_set_text_scale (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aw_timeline_view_finalize (GObject *object)
{
  AwTimelineView *self = AW_TIMELINE_VIEW (object);

  g_clear_pointer (&self->variants, g_array_unref);
  g_clear_pointer (&self->whole, g_ptr_array_unref);
  g_clear_pointer (&self->render_cache, aw_render_cache_free);
  g_free (self->title);
  g_free (self->headline);
  g_free (self->placeholder);
  g_free (self->description);

  G_OBJECT_CLASS (aw_timeline_view_parent_class)->finalize (object);
}

static void
aw_timeline_view_class_init (AwTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aw_timeline_view_dispose;
  object_class->finalize = aw_timeline_view_finalize;
  object_class->get_property = aw_timeline_view_get_property;
  object_class->set_property = aw_timeline_view_set_property;
  widget_class->snapshot = aw_timeline_view_snapshot;
  widget_class->measure = aw_timeline_view_measure;
  widget_class->size_allocate = aw_timeline_view_size_allocate;

  gtk_widget_class_set_css_name (widget_class, "timeline");
  /* A picture of the runs, described in words; the task table is the
   * equivalent view to navigate. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  /**
   * AwTimelineView:view:
   *
   * The span of the runs shown, or %NULL when the view fits the runs (and
   * follows them as they grow). Zooming and panning change it.
   */
  properties[PROP_VIEW] =
    g_param_spec_boxed ("view", NULL, NULL,
                        AW_TYPE_TIME_SPAN,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * AwTimelineView:text-scale:
   *
   * The size of the timeline's text against its theme's.
   */
  properties[PROP_TEXT_SCALE] =
    g_param_spec_double ("text-scale", NULL, NULL,
                         0.5, 4.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aw_timeline_view_init (AwTimelineView *self)
{
  self->variants = g_array_new (FALSE, TRUE, sizeof (AwNamedRun));
  self->whole = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  self->render_cache = aw_render_cache_new ();
  self->theme = aw_theme_lookup ("light");
  self->text_scale = 1.0;
  self->fitted = TRUE;
  self->show_hover = TRUE;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  _aw_timeline_view_input_init (self);

  self->description = g_strdup (_("Not run yet"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Timeline"),

                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
}

/**
 * aw_timeline_view_set_show_hover:
 *
 * Whether the row and the time under the pointer are highlighted; off for
 * screenshots, where the pointer is not part of the picture.
 */
void
aw_timeline_view_set_show_hover (AwTimelineView *self,
                                 gboolean        show_hover)
{
  g_return_if_fail (AW_IS_TIMELINE_VIEW (self));

  show_hover = !!show_hover;
  if (self->show_hover == show_hover)
    return;
  self->show_hover = show_hover;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GtkWidget *
aw_timeline_view_new (void)
{
  return g_object_new (AW_TYPE_TIMELINE_VIEW, NULL);
}
