/* aw-help-dialog.c: "How to read the picture", with a short glossary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What docs/lesson.md's "How to read a picture" says, inside the app: the
 * rows and lanes, then every bar, badge and mark drawn by the renderer's
 * own legend code (AwLegendSwatch) with what it means, then the C# words
 * of the lesson beside their GLib names. Keep the words the same as the
 * legend's (aw-render-legend.c) and the docs'.
 *
 * The texts are labels a screen reader reads and the keyboard reaches:
 * they are selectable, so Tab walks them and the view scrolls with the
 * focus; Escape closes the window.
 */

#include "config.h"

#include "aw-help-dialog.h"

#include "aw-i18n.h"

#include "aw-legend-swatch.h"
#include "aw-render.h"

struct _AwHelpDialog {
  GtkWindow   parent_instance;

  GtkGrid    *rows_grid;
  GtkGrid    *legend_grid;
  GtkGrid    *glossary_grid;
  GPtrArray  *swatches;
};

G_DEFINE_FINAL_TYPE (AwHelpDialog, aw_help_dialog, GTK_TYPE_WINDOW)

static const struct {
  const char *what;
  const char *text;
} rows[] = {
  { N_("Variant"),
    N_("A way of doing the same work, as a block: its name and time on top, with how many tasks, "
       "Task objects and threads it used. All blocks share the time axis at the bottom.") },
  { N_("UI thread"),
    N_("The first lane of each block. Its ticks are the heartbeat of the UI thread's message loop; "
       "dark bars in it are code running on the UI thread.") },
  { N_("Task rows"),
    N_("One row per task, indented under the task that awaits it. The bar says what the task was "
       "doing at each moment; the badge at its end, how it ended.") },
  { N_("Merged rows"),
    N_("With too many tasks for a row each, neighbouring tasks share rows. A bracket and one label "
       "say what a stretch of rows holds, such as \u201cGetPriceAsync \u00d7 1,000: 900 completed "
       "synchronously, 100 waited\u201d.") },
  { N_("Worker lanes"),
    N_("At the bottom: the worker threads of the thread pool (and a callback thread, where a "
       "scenario has one), dark where busy.") },
  { N_("Moving around"),
    N_("W and S (or Ctrl and the mouse wheel) zoom, A and D pan, F fits the whole run. "
       "The Task table shows the same tasks as a list.") },
};

/* What each legend entry means, at more length than the legend has room for. */
static const char *legend_texts[AW_LEGEND_N_ITEMS] = {
  [AW_LEGEND_RUNNING] = N_("Code running on a thread: it holds the thread, on the UI thread's lane or a "
                           "worker's. A .Result that blocks holds its thread the same way."),
  [AW_LEGEND_WAITING] = N_("Waiting that holds no thread: an await of a timer, the network or other "
                           "tasks. In GLib, a timeout source or a GTask that has not called back yet."),
  [AW_LEGEND_QUEUED] = N_("Work queued for a free worker thread: Task.Run while every thread of the pool "
                          "is busy. Pale orange; with a dotted edge where rows are tall enough."),
  [AW_LEGEND_COMPLETED] = N_("The task completed: its result is ready."),
  [AW_LEGEND_FAULTED] = N_("The task faulted: an exception (a GError in GLib); its message follows the badge."),
  [AW_LEGEND_CANCELLED] = N_("The task was cancelled: its token was cancelled and it stopped."),
  [AW_LEGEND_DEADLOCKED] = N_("Deadlocked: in C# this task would never finish. Awaitscope's watchdog ended "
                              "the wait so that the run could go on."),
  [AW_LEGEND_SYNC] = N_("A call that completed synchronously: it returned its value at once, with no Task "
                        "allocated (no GTask), as a ValueTask does on a cache hit."),
  [AW_LEGEND_ABANDONED] = N_("Hatched: work that went on after its caller gave up, after its token was "
                             "cancelled or after the task awaiting it had finished."),
  [AW_LEGEND_HEARTBEAT] = N_("The UI thread's heartbeat: a tick each time its message loop (GLib's main loop) "
                             "gets a turn to redraw and handle input. Where the ticks stop, the UI is frozen."),
  [AW_LEGEND_FROZEN] = N_("The UI thread is frozen: blocked, it can neither redraw nor handle input. A striped "
                          "yellow band on its lane, and a pale yellow shade over the rows below it: nothing "
                          "that needs the UI thread can run meanwhile."),
  [AW_LEGEND_CANCEL_REQUEST] = N_("A token was cancelled here: CancellationTokenSource.Cancel or CancelAfter "
                                  "(g_cancellable_cancel in GLib)."),
  [AW_LEGEND_WATCHDOG] = N_("The watchdog fired: a blocking wait (.Result) reached its deadline. In C# it would "
                            "have waited for ever."),
  [AW_LEGEND_STRANDED] = N_("A continuation queued to the UI thread that .Result blocked ran after the watchdog: "
                            "late in GLib; in C# it never runs."),
  [AW_LEGEND_CRASH] = N_("An exception escaped an async void method: in C# the process ends here. What "
                         "follows is veiled: it would never have run."),
  [AW_LEGEND_UNOBSERVED] = N_("An error nobody observed: the faulted task was never awaited (fire and forget)."),
  [AW_LEGEND_SWALLOWED] = N_("An error that an awaited Task.WhenAll observed but did not rethrow: await "
                             "rethrows the first error only."),
  [AW_LEGEND_REPORT] = N_("A progress report (IProgress<T>.Report), run by the UI thread when it gets a turn; "
                          "reports made while it was busy run together."),
  [AW_LEGEND_SET_RESULT] = N_("A callback completed a TaskCompletionSource's Task with SetResult. Without "
                              "RunContinuationsAsynchronously the awaiting code runs right there, on the "
                              "callback's thread."),
  [AW_LEGEND_POOL_GREW] = N_("The thread pool added a thread: .NET adds about one every 500 ms while queued "
                             "work makes no progress."),
  [AW_LEGEND_MARK] = N_("A mark the program made: its label on the timeline says what happened."),
};

static const struct {
  const char *term;
  const char *meaning;
  const char *glib;
} glossary[] = {
  { N_("UI thread"),
    N_("The one thread that draws the window and handles input, running a message loop. Block it "
       "and the UI freezes."),
    N_("the main thread running the main loop of the default main context (GMainContext, GMainLoop)") },
  { N_("continuation"),
    N_("The code after an await: it runs when the awaited task completes, where the "
       "SynchronizationContext sends it."),
    N_("the GTask's callback (GAsyncReadyCallback), which calls the _finish function") },
  { N_("Task, Task<T>"),
    N_("An operation that completes later, with a result (T) or an error, that code can await."),
    N_("GTask, with an _async function to start it and a _finish function for its result") },
  { N_("token (CancellationToken)"),
    N_("A flag that asks work to stop. It only signals: work stops where it checks the token."),
    N_("GCancellable (g_cancellable_cancel, g_cancellable_is_cancelled)") },
  { N_("SynchronizationContext"),
    N_("Where a continuation is sent: the UI thread's, captured by await; with none (a console "
       "app), the thread pool."),
    N_("the thread-default main context of the thread that made the GTask "
       "(g_main_context_push_thread_default)") },
  { N_("thread pool"),
    N_("The worker threads that run Task.Run work; .NET starts one per processor and adds threads "
       "slowly."),
    N_("a GThreadPool of worker threads (GTask's own pool runs g_task_run_in_thread)") },
};

/* A label that gets the focus selects all its text (GtkLabel does it as
 * it takes the focus, also when the window first shows), which reads as a
 * highlight, not as focus: the selection goes before the next frame and
 * the focus ring shows where the focus is. */
static gboolean
clear_selection (gpointer data)
{
  GtkWindow *window = data;
  GtkWidget *focus = gtk_window_get_focus (window);

  if (GTK_IS_LABEL (focus) && gtk_label_get_selectable (GTK_LABEL (focus)))
    gtk_label_select_region (GTK_LABEL (focus), 0, 0);
  return G_SOURCE_REMOVE;
}

static void
on_focus_changed (GtkWindow  *window,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, clear_selection, g_object_ref (window), g_object_unref);
}

static GtkWidget *
text_label (const char *text,
            gboolean    bold)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  /* Selectable: Tab reaches it, the view scrolls to it, a screen reader
   * reads it as it gets the focus. */
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (bold)
    gtk_widget_add_css_class (label, "help-term");
  return label;
}

static void
fill (AwHelpDialog *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkWidget *what = text_label (_(rows[i].what), TRUE);
      GtkWidget *text = text_label (_(rows[i].text), FALSE);

      gtk_widget_set_hexpand (text, TRUE);
      gtk_grid_attach (self->rows_grid, what, 0, i, 1, 1);
      gtk_grid_attach (self->rows_grid, text, 1, i, 1, 1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (text),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, what, NULL,
                                      -1);
    }

  for (guint i = 0; i < AW_LEGEND_N_ITEMS; i++)
    {
      GtkWidget *swatch = aw_legend_swatch_new (i);
      GtkWidget *name = text_label (aw_legend_item_get_label (i), TRUE);
      GtkWidget *text = text_label (_(legend_texts[i]), FALSE);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

      gtk_widget_set_valign (swatch, GTK_ALIGN_START);
      gtk_widget_set_hexpand (box, TRUE);
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), text);
      gtk_grid_attach (self->legend_grid, swatch, 0, i, 1, 1);
      gtk_grid_attach (self->legend_grid, box, 1, i, 1, 1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (swatch),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(legend_texts[i]),
                                      -1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (text),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, name, NULL,
                                      -1);
      g_ptr_array_add (self->swatches, swatch);
    }

  for (guint i = 0; i < G_N_ELEMENTS (glossary); i++)
    {
      GtkWidget *term = text_label (_(glossary[i].term), TRUE);
      GtkWidget *meaning = text_label (_(glossary[i].meaning), FALSE);
      /* Translators: %s is what a C# term is called in GLib, such as
       * "GCancellable (g_cancellable_cancel, g_cancellable_is_cancelled)". */
      g_autofree char *glib_text = g_strdup_printf (_("In GLib: %s"), _(glossary[i].glib));
      GtkWidget *glib = text_label (glib_text, FALSE);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

      gtk_widget_add_css_class (glib, "glossary-glib");
      gtk_widget_set_hexpand (box, TRUE);
      gtk_box_append (GTK_BOX (box), meaning);
      gtk_box_append (GTK_BOX (box), glib);
      gtk_label_set_width_chars (GTK_LABEL (term), 14);
      gtk_label_set_max_width_chars (GTK_LABEL (term), 18);
      gtk_grid_attach (self->glossary_grid, term, 0, i, 1, 1);
      gtk_grid_attach (self->glossary_grid, box, 1, i, 1, 1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (meaning),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, term, NULL,
                                      -1);
    }
}

static void
aw_help_dialog_dispose (GObject *object)
{
  AwHelpDialog *self = AW_HELP_DIALOG (object);

  g_clear_pointer (&self->swatches, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), AW_TYPE_HELP_DIALOG);

  G_OBJECT_CLASS (aw_help_dialog_parent_class)->dispose (object);
}

static void
aw_help_dialog_class_init (AwHelpDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aw_help_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/awaitscope/Awaitscope/aw-help-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AwHelpDialog, rows_grid);
  gtk_widget_class_bind_template_child (widget_class, AwHelpDialog, legend_grid);
  gtk_widget_class_bind_template_child (widget_class, AwHelpDialog, glossary_grid);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
aw_help_dialog_init (AwHelpDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "help-dialog");
  self->swatches = g_ptr_array_new ();
  fill (self);
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (on_focus_changed), NULL);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_focus_changed), NULL);
}

GtkWidget *
aw_help_dialog_new (void)
{
  return g_object_new (AW_TYPE_HELP_DIALOG, NULL);
}

/**
 * aw_help_dialog_set_theme:
 * @theme: the timeline's theme, which the swatches draw with
 */
void
aw_help_dialog_set_theme (AwHelpDialog  *self,
                          const AwTheme *theme)
{
  g_return_if_fail (AW_IS_HELP_DIALOG (self));

  for (guint i = 0; i < self->swatches->len; i++)
    aw_legend_swatch_set_theme (g_ptr_array_index (self->swatches, i), theme);
}
