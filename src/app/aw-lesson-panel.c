/* aw-lesson-panel.c: the lesson's point, its outcome card, then its code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A student sees the point first: the lesson's summary and narration,
 * beside the outcome of the last run; then the C#, the lesson's language;
 * and the GLib C that Awaitscope runs behind an expander, one click (or
 * Enter) away.
 */

#include "config.h"

#include "aw-lesson-panel.h"

struct _AwLessonPanel {
  GtkWidget    parent_instance;

  GtkLabel    *outcome_label;
  GtkLabel    *expected_label;
  GtkWidget   *warnings_card;
  GtkLabel    *warnings_label;
  GtkLabel    *summary_label;
  GtkLabel    *narration_label;
  GtkTextView *csharp_view;
  GtkExpander *c_expander;
  GtkTextView *c_view;
  guint        csharp_line;
  guint        c_line;
};

G_DEFINE_FINAL_TYPE (AwLessonPanel, aw_lesson_panel, GTK_TYPE_WIDGET)

static void
aw_lesson_panel_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), AW_TYPE_LESSON_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (aw_lesson_panel_parent_class)->dispose (object);
}

static void
aw_lesson_panel_class_init (AwLessonPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aw_lesson_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/awaitscope/Awaitscope/aw-lesson-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, outcome_label);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, expected_label);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, warnings_card);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, narration_label);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, csharp_view);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, c_expander);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, c_view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lessonpanel");
}

static void
aw_lesson_panel_init (AwLessonPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->csharp_view), "step",
                              "background", "#F0E442", "foreground", "#000000", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->c_view), "step",
                              "background", "#F0E442", "foreground", "#000000", "weight", PANGO_WEIGHT_BOLD, NULL);
}

static void
highlight_line (GtkTextView *view,
                guint        line)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "step", &start, &end);
  if (line == 0 || (int) line > gtk_text_buffer_get_line_count (buffer))
    return;
  gtk_text_buffer_get_iter_at_line (buffer, &start, line - 1);
  end = start;
  gtk_text_iter_forward_to_line_end (&end);
  gtk_text_buffer_apply_tag_by_name (buffer, "step", &start, &end);
  gtk_text_view_scroll_to_iter (view, &start, 0.1, FALSE, 0, 0);
}

/**
 * aw_lesson_panel_highlight:
 * @csharp_line: the line of the C# snippet to mark, 1-based, or 0
 * @c_line: the line of the GLib C snippet, or 0
 *
 * Marks the code that the replay's current step stands for.
 */
void
aw_lesson_panel_highlight (AwLessonPanel *self,
                           guint          csharp_line,
                           guint          c_line)
{
  g_return_if_fail (AW_IS_LESSON_PANEL (self));

  if (self->csharp_line == csharp_line && self->c_line == c_line)
    return;
  self->csharp_line = csharp_line;
  self->c_line = c_line;
  highlight_line (self->csharp_view, csharp_line);
  highlight_line (self->c_view, c_line);
}

void
aw_lesson_panel_get_highlight (AwLessonPanel *self,
                               guint         *csharp_line,
                               guint         *c_line)
{
  *csharp_line = self->csharp_line;
  *c_line = self->c_line;
}

GtkWidget *
aw_lesson_panel_new (void)
{
  return g_object_new (AW_TYPE_LESSON_PANEL, NULL);
}

void
aw_lesson_panel_set_scenario (AwLessonPanel *self,
                              AwScenario    *scenario)
{
  const char *expected;

  g_return_if_fail (AW_IS_LESSON_PANEL (self));

  gtk_label_set_text (self->summary_label, scenario ? aw_scenario_get_summary (scenario) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label),
                          scenario != NULL && aw_scenario_get_summary (scenario) != NULL);
  gtk_label_set_text (self->narration_label, scenario ? aw_scenario_get_narration (scenario) : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->csharp_view),
                            scenario ? aw_scenario_get_csharp (scenario) : "", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->c_view),
                            scenario ? aw_scenario_get_c_code (scenario) : "", -1);

  expected = scenario ? aw_scenario_get_expected_text (scenario) : NULL;
  if (expected != NULL)
    {
      g_autofree char *text = g_strdup_printf ("Expected: %s", expected);
      gtk_label_set_text (self->expected_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->expected_label), expected != NULL);
  self->csharp_line = self->c_line = 0;
  aw_lesson_panel_set_outcome (self, NULL);
  aw_lesson_panel_set_warnings (self, NULL);
}

/**
 * aw_lesson_panel_set_outcome:
 * @text: (nullable): the outcome of the last run, or %NULL before a run
 */
void
aw_lesson_panel_set_outcome (AwLessonPanel *self,
                             const char    *text)
{
  g_return_if_fail (AW_IS_LESSON_PANEL (self));

  gtk_label_set_text (self->outcome_label,
                      text ? text : "Not run yet. Press Run (F5) to run this scenario for real.");
}

/**
 * aw_lesson_panel_set_warnings:
 * @text: (nullable): the warnings of the last run, one per line, or %NULL
 */
void
aw_lesson_panel_set_warnings (AwLessonPanel *self,
                              const char    *text)
{
  g_return_if_fail (AW_IS_LESSON_PANEL (self));

  gtk_label_set_text (self->warnings_label, text ? text : "");
  gtk_widget_set_visible (self->warnings_card, text != NULL && *text != '\0');
}

const char *
aw_lesson_panel_get_warnings (AwLessonPanel *self)
{
  return gtk_widget_get_visible (self->warnings_card) ? gtk_label_get_text (self->warnings_label) : NULL;
}

const char *
aw_lesson_panel_get_outcome (AwLessonPanel *self)
{
  return gtk_label_get_text (self->outcome_label);
}

/**
 * aw_lesson_panel_get_c_expander:
 *
 * Returns: (transfer none): the expander that shows the GLib C
 */
GtkExpander *
aw_lesson_panel_get_c_expander (AwLessonPanel *self)
{
  g_return_val_if_fail (AW_IS_LESSON_PANEL (self), NULL);

  return self->c_expander;
}
