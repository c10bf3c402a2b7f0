/* aw-legend-swatch.h: one swatch of the timeline's legend, as a widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "aw-render.h"

G_BEGIN_DECLS

#define AW_TYPE_LEGEND_SWATCH (aw_legend_swatch_get_type ())
G_DECLARE_FINAL_TYPE (AwLegendSwatch, aw_legend_swatch, AW, LEGEND_SWATCH, GtkWidget)

GtkWidget    *aw_legend_swatch_new       (AwLegendItem    item);
AwLegendItem  aw_legend_swatch_get_item  (AwLegendSwatch *self);
void          aw_legend_swatch_set_theme (AwLegendSwatch *self,
                                          const AwTheme  *theme);

G_END_DECLS
