/* aw-lesson-panel.c: narration, code side by side, and the outcome card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "aw-lesson-panel.h"

struct _AwLessonPanel {
  GtkWidget    parent_instance;

  GtkLabel    *outcome_label;
  GtkLabel    *expected_label;
  GtkLabel    *narration_label;
  GtkTextView *csharp_view;
  GtkTextView *c_view;
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
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, narration_label);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, csharp_view);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, c_view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lessonpanel");
}

static void
aw_lesson_panel_init (AwLessonPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
  aw_lesson_panel_set_outcome (self, NULL);
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

const char *
aw_lesson_panel_get_outcome (AwLessonPanel *self)
{
  return gtk_label_get_text (self->outcome_label);
}
