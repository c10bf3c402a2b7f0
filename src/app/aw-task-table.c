/* aw-task-table.c: the runs as a table: the timeline's equivalent view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A picture cannot be navigated with a keyboard or read by a screen reader;
 * this table holds the same facts (task, state, start, duration, thread)
 * as rows and cells that can.
 */

#include "config.h"

#include "aw-task-table.h"

#include "aw-format.h"
#include "aw-summary.h"

#define AW_TYPE_TASK_ROW (aw_task_row_get_type ())
G_DECLARE_FINAL_TYPE (AwTaskRow, aw_task_row, AW, TASK_ROW, GObject)

struct _AwTaskRow {
  GObject parent_instance;
  char   *cells[5];   /* task, state, start, duration, thread */
};

G_DEFINE_FINAL_TYPE (AwTaskRow, aw_task_row, G_TYPE_OBJECT)

static void
aw_task_row_finalize (GObject *object)
{
  AwTaskRow *self = AW_TASK_ROW (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->cells); i++)
    g_free (self->cells[i]);
  G_OBJECT_CLASS (aw_task_row_parent_class)->finalize (object);
}

static void
aw_task_row_class_init (AwTaskRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aw_task_row_finalize;
}

static void
aw_task_row_init (AwTaskRow *self)
{
}

struct _AwTaskTable {
  GtkWidget      parent_instance;
  GtkWidget     *scroller;
  GtkColumnView *view;
  GListStore    *rows;
};

G_DEFINE_FINAL_TYPE (AwTaskTable, aw_task_table, GTK_TYPE_WIDGET)

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  AwTaskRow *row = gtk_list_item_get_item (item);
  guint column = GPOINTER_TO_UINT (user_data);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), row->cells[column]);
}

static void
aw_task_table_dispose (GObject *object)
{
  AwTaskTable *self = AW_TASK_TABLE (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->rows);
  G_OBJECT_CLASS (aw_task_table_parent_class)->dispose (object);
}

static void
aw_task_table_class_init (AwTaskTableClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = aw_task_table_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "tasktable");
}

static void
aw_task_table_init (AwTaskTable *self)
{
  static const char *titles[] = { "Task", "State", "Start", "Duration", "Thread" };
  g_autoptr(GtkNoSelection) selection = NULL;

  self->rows = g_list_store_new (AW_TYPE_TASK_ROW);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->rows)));
  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (g_steal_pointer (&selection))));
  gtk_column_view_set_show_row_separators (self->view, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Tasks of the last run",
                                  -1);

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (titles[i], factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, i == 0);
      gtk_column_view_append_column (self->view, column);
      g_object_unref (column);
    }

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->view));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

GtkWidget *
aw_task_table_new (void)
{
  return g_object_new (AW_TYPE_TASK_TABLE, NULL);
}

GtkColumnView *
aw_task_table_get_view (AwTaskTable *self)
{
  return self->view;
}

guint
aw_task_table_get_n_rows (AwTaskTable *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->rows));
}

static const char *
task_state (const AwTaskInfo *task)
{
  if (task->sync)
    return "completed synchronously";
  if (task->outcome == AW_OUTCOME_FAULTED && task->error_unobserved)
    return "faulted (never observed)";
  return aw_outcome_to_string (task->outcome);
}

/**
 * aw_task_table_set_runs:
 *
 * Shows every task of @variants, one row each, in creation order.
 */
void
aw_task_table_set_runs (AwTaskTable      *self,
                        const AwNamedRun *variants,
                        guint             n_variants)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (AW_IS_TASK_TABLE (self));

  for (guint v = 0; v < n_variants; v++)
    {
      AwTraceModel *model = variants[v].model;
      const AwTaskInfo *tasks;
      gint64 begin = aw_trace_model_get_begin_ns (model);
      guint n_tasks;

      tasks = aw_trace_model_get_tasks (model, &n_tasks);
      for (guint i = 0; i < n_tasks; i++)
        {
          const AwTaskInfo *t = &tasks[i];
          AwTaskRow *row = g_object_new (AW_TYPE_TASK_ROW, NULL);
          gint64 end = t->end_ns >= 0 ? t->end_ns : aw_trace_model_get_end_ns (model);

          row->cells[0] = n_variants > 1
            ? g_strdup_printf ("%s: %*s%s", variants[v].title, (int) MIN (t->depth, 8) * 2, "", t->name)
            : g_strdup_printf ("%*s%s", (int) MIN (t->depth, 8) * 2, "", t->name);
          row->cells[1] = g_strdup (task_state (t));
          row->cells[2] = aw_format_duration ((t->created_ns - begin) / 1e6);
          row->cells[3] = aw_format_duration ((end - t->created_ns) / 1e6);
          row->cells[4] = aw_summary_task_thread (model, t);
          g_ptr_array_add (rows, row);
        }
    }

  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);
}
