/* aw-legend-swatch.c: one swatch of the timeline's legend, as a widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "How to read this" shows each mark of the timeline as the legend draws
 * it: aw_render_legend_swatch() is the renderer's own drawing, on the
 * theme's background, so the help cannot drift from the picture. For a
 * screen reader the swatch is an image named after its legend entry.
 */

#include "config.h"

#include "aw-legend-swatch.h"

#define SWATCH_WIDTH  56
#define SWATCH_HEIGHT 26

struct _AwLegendSwatch {
  GtkWidget      parent_instance;

  AwLegendItem   item;
  const AwTheme *theme;
};

G_DEFINE_FINAL_TYPE (AwLegendSwatch, aw_legend_swatch, GTK_TYPE_WIDGET)

static void
aw_legend_swatch_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  AwLegendSwatch *self = AW_LEGEND_SWATCH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double pad = 4;
  cairo_t *cr;

  if (width <= 2 * pad || height <= 2 * pad)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* The timeline's background, so that the colours are the picture's. */
  cairo_set_source_rgb (cr, self->theme->background.red, self->theme->background.green,
                        self->theme->background.blue);
  cairo_paint (cr);
  cairo_translate (cr, pad, pad);
  aw_render_legend_swatch (cr, self->theme, 1.0, self->item, width - 2 * pad, height - 2 * pad);
  cairo_destroy (cr);
}

static void
aw_legend_swatch_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? SWATCH_WIDTH : SWATCH_HEIGHT;
}

static void
aw_legend_swatch_class_init (AwLegendSwatchClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = aw_legend_swatch_snapshot;
  widget_class->measure = aw_legend_swatch_measure;
  gtk_widget_class_set_css_name (widget_class, "legendswatch");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
aw_legend_swatch_init (AwLegendSwatch *self)
{
  self->theme = aw_theme_lookup ("light");
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
}

/**
 * aw_legend_swatch_new:
 * @item: what the swatch shows
 */
GtkWidget *
aw_legend_swatch_new (AwLegendItem item)
{
  AwLegendSwatch *self;

  g_return_val_if_fail (item < AW_LEGEND_N_ITEMS, NULL);

  self = g_object_new (AW_TYPE_LEGEND_SWATCH, NULL);
  self->item = item;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, aw_legend_item_get_label (item),
                                  -1);
  return GTK_WIDGET (self);
}

AwLegendItem
aw_legend_swatch_get_item (AwLegendSwatch *self)
{
  g_return_val_if_fail (AW_IS_LEGEND_SWATCH (self), 0);

  return self->item;
}

/**
 * aw_legend_swatch_set_theme:
 * @theme: the timeline's theme
 */
void
aw_legend_swatch_set_theme (AwLegendSwatch *self,
                            const AwTheme  *theme)
{
  g_return_if_fail (AW_IS_LEGEND_SWATCH (self));
  g_return_if_fail (theme != NULL);

  if (self->theme == theme)
    return;
  self->theme = theme;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
