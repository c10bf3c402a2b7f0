/* aw-task-table.h: the runs as a table: the timeline's equivalent view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "aw-render.h"

G_BEGIN_DECLS

#define AW_TYPE_TASK_TABLE (aw_task_table_get_type ())
G_DECLARE_FINAL_TYPE (AwTaskTable, aw_task_table, AW, TASK_TABLE, GtkWidget)

GtkWidget *aw_task_table_new      (void);
void       aw_task_table_set_runs (AwTaskTable      *self,
                                   const AwNamedRun *variants,
                                   guint             n_variants);
guint      aw_task_table_get_n_rows (AwTaskTable         *self);
GtkColumnView *aw_task_table_get_view (AwTaskTable       *self);

const char *aw_task_table_outcome_label (AwOutcome outcome);


G_END_DECLS
