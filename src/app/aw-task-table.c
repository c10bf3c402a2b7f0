/* aw-task-table.c: the runs as a table: the timeline's equivalent view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A picture cannot be navigated with a keyboard or read by a screen reader;
 * this table holds the same facts (task, state, start, duration, thread)
 * as rows and cells that can.
 *
 * GTK 4.8 names an unlabelled widget after its class on AT-SPI, and a
 * column view's row, its cells, its list and its titles have no label of
 * their own: a screen reader would read "GtkListItemWidget table row" and
 * never the figures. So each row is labelled with its sentence ("WhenAll:
 * GetProfileAsync, completed, started at 0 ms, took 800 ms, held no
 * thread"), each cell with its column and value, and the list and the
 * titles with what they are.
 */

#include "config.h"

#include "aw-task-table.h"

#include "aw-format.h"
#include "aw-i18n.h"
#include "aw-tab-past.h"
#include "aw-summary.h"

#define AW_TYPE_TASK_ROW (aw_task_row_get_type ())
G_DECLARE_FINAL_TYPE (AwTaskRow, aw_task_row, AW, TASK_ROW, GObject)

enum {
  COLUMN_TASK,
  COLUMN_STATE,
  COLUMN_START,
  COLUMN_DURATION,
  COLUMN_THREAD,
  N_COLUMNS
};

static const char *column_titles[N_COLUMNS] = {
  NC_("task table", "Task"),
  NC_("task table", "State"),
  NC_("task table", "Start"),
  NC_("task table", "Duration"),
  NC_("task table", "Thread"),
};

/* A column's title, in the reader's language. */
static const char *
column_title (guint column)
{
  return g_dpgettext2 (GETTEXT_PACKAGE, "task table", column_titles[column]);
}

struct _AwTaskRow {
  GObject parent_instance;
  char   *cells[N_COLUMNS];
  char   *sentence;   /* the row as a screen reader reads it */
};

G_DEFINE_FINAL_TYPE (AwTaskRow, aw_task_row, G_TYPE_OBJECT)

static void
aw_task_row_finalize (GObject *object)
{
  AwTaskRow *self = AW_TASK_ROW (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->cells); i++)
    g_free (self->cells[i]);
  g_free (self->sentence);
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
  GtkWidget     *list;   /* the view's list of rows, as AT-SPI shows it */
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
  GtkWidget *label = gtk_list_item_get_child (item);
  GtkWidget *cell = gtk_widget_get_parent (label);
  GtkWidget *row_widget = cell ? gtk_widget_get_parent (cell) : NULL;
  g_autofree char *cell_name = NULL;
  const char *value = row->cells[column];

  gtk_label_set_text (GTK_LABEL (label), row->cells[column]);

  /* The child's parent is the column view's cell, and the cell's the row
   * (GTK 4.8 has no API for either): both are what AT-SPI exposes, and
   * what a screen reader reads as the focus moves. A cell is read without
   * the indentation that shows nesting. */
  if (cell == NULL)
    return;
  while (*value == ' ')
    value++;
  /* Translators: a cell of the task table as a screen reader reads it:
   * the column's title, then the cell's text. */
  cell_name = g_strdup_printf (_("%s: %s"), column_title (column), value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, cell_name, -1);
  if (row_widget != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row_widget), GTK_ACCESSIBLE_PROPERTY_LABEL, row->sentence, -1);
}

/* Tab and Shift+Tab leave the table in one press: GtkListView takes Tab
 * from row to row, and a keyboard user would walk every task to get out
 * (the arrows move between rows). The view stops taking the focus for
 * the move, so the window's focus chain passes over it. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                AwTaskTable           *self)
{
  GtkWidget *view = GTK_WIDGET (self->view);

  return aw_tab_past (view, GTK_WIDGET (gtk_widget_get_root (view)), keyval, state);
}

/* The column view's own parts: the row of titles, each title and the list
 * of rows. Their classes are private in GTK 4.8, so they are told apart by
 * what is public: the list is a GtkListView, the titles sit in the other
 * child, in the columns' order. */
static void
label_view_parts (AwTaskTable *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      guint i = 0;

      if (GTK_IS_LIST_VIEW (child))
        {
          self->list = child;
          gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, _("No tasks yet: run the lesson"),
                                          -1);
          continue;
        }
      gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Column titles"),
                                      -1);
      for (GtkWidget *title = gtk_widget_get_first_child (child);
           title != NULL && i < N_COLUMNS;
           title = gtk_widget_get_next_sibling (title), i++)
        gtk_accessible_update_property (GTK_ACCESSIBLE (title),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, column_title (i),
                                        -1);
    }
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
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Task table"), -1);
  self->rows = g_list_store_new (AW_TYPE_TASK_ROW);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->rows)));
  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (g_steal_pointer (&selection))));
  gtk_column_view_set_show_row_separators (self->view, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Tasks of the last run"),
                                  -1);

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (column_title (i), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, i == 0);
      gtk_column_view_append_column (self->view, column);
      g_object_unref (column);
    }

  label_view_parts (self);

  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
    gtk_widget_add_controller (GTK_WIDGET (self->view), keys);
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

/* "held no thread", "held worker 2": the thread column as part of a
 * sentence. */
static char *
thread_phrase (const char *thread)
{
  /* aw_summary_task_thread()'s words for a task that held no thread,
   * as they are or in the reader's language. */
  if (g_str_has_prefix (thread, "none") ||
      g_str_equal (thread, _("none: it awaited without holding a thread")))
    return g_strdup (_("held no thread"));
  /* Translators: %s is a thread, such as "worker 2" or "main thread". */
  return g_strdup_printf (_("held %s"), thread);
}

/**
 * aw_task_table_outcome_label:
 * @outcome: how a task ended
 *
 * What the task table and the timeline's tooltips call an outcome: the
 * word aw_outcome_to_string() gives (which saved traces keep in English),
 * in the reader's language.
 *
 * Returns: (transfer none): "completed", "faulted", "cancelled",
 *   "deadlocked" or "running", translated
 */
const char *
aw_task_table_outcome_label (AwOutcome outcome)
{
  switch (outcome)
    {
    case AW_OUTCOME_COMPLETED: return C_("outcome", "completed");
    case AW_OUTCOME_FAULTED: return C_("outcome", "faulted");
    case AW_OUTCOME_CANCELLED: return C_("outcome", "cancelled");
    case AW_OUTCOME_DEADLOCKED: return C_("outcome", "deadlocked");
    case AW_OUTCOME_PENDING:
    default: return C_("outcome", "running");
    }
}

static const char *
task_state (const AwTaskInfo *task)
{
  if (task->sync)
    return _("completed synchronously");
  if (task->outcome == AW_OUTCOME_FAULTED && task->error_unobserved)
    return _("faulted (never observed)");
  return aw_task_table_outcome_label (task->outcome);
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
          g_autofree char *thread = NULL;
          gint64 end = t->end_ns >= 0 ? t->end_ns : aw_trace_model_get_end_ns (model);

          row->cells[COLUMN_TASK] = n_variants > 1
            ? g_strdup_printf ("%s: %*s%s", variants[v].title, (int) MIN (t->depth, 8) * 2, "", t->name)
            : g_strdup_printf ("%*s%s", (int) MIN (t->depth, 8) * 2, "", t->name);
          row->cells[COLUMN_STATE] = g_strdup (task_state (t));
          row->cells[COLUMN_START] = aw_format_duration ((t->created_ns - begin) / 1e6);
          row->cells[COLUMN_DURATION] = aw_format_duration ((end - t->created_ns) / 1e6);
          row->cells[COLUMN_THREAD] = aw_summary_task_thread (model, t);
          thread = thread_phrase (row->cells[COLUMN_THREAD]);
          {
            g_autofree char *sentence = NULL;

            if (t->outcome == AW_OUTCOME_PENDING)
              /* Translators: a row of the task table as a screen reader
               * reads it: the task's name, its state, when it started,
               * how long it has run so far and the thread it held ("held
               * worker 2"); the times are durations like "1.50 s". */
              sentence = g_strdup_printf (_("%s, %s, started at %s, running for %s, %s"),
                                          t->name, row->cells[COLUMN_STATE], row->cells[COLUMN_START],
                                          row->cells[COLUMN_DURATION], thread);
            else
              /* Translators: a row of the task table as a screen reader
               * reads it: the task's name, its state, when it started,
               * how long it took and the thread it held ("held worker
               * 2"); the times are durations like "1.50 s". */
              sentence = g_strdup_printf (_("%s, %s, started at %s, took %s, %s"),
                                          t->name, row->cells[COLUMN_STATE], row->cells[COLUMN_START],
                                          row->cells[COLUMN_DURATION], thread);
            row->sentence = n_variants > 1
              /* Translators: a row of the task table as a screen reader
               * reads it, in a comparison: the variant's title, then the
               * row. */
              ? g_strdup_printf (_("%s: %s"), variants[v].title, sentence)
              : g_steal_pointer (&sentence);
          }
          g_ptr_array_add (rows, row);
        }
    }

  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);

  if (self->list != NULL)
    {
      g_autofree char *name = rows->len == 0 ? g_strdup (_("No tasks yet: run the lesson"))
                                             : g_strdup_printf (NG_("%u task", "%u tasks", rows->len), rows->len);


      gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
}
