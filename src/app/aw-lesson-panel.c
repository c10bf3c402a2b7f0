/* aw-lesson-panel.c: the lesson's point, its outcome card, then its code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A student sees the point first: the lesson's summary and narration,
 * beside the outcome of the last run; then the C#, the lesson's language;
 * and the GLib C that Awaitscope runs behind an expander, one click (or
 * Enter) away.
 *
 * Before Predict's reveal the panel hides the answers: the expected outcome
 * and the figures of the narration after its first paragraph (which sets
 * the problem up with the durations the class needs to predict), so that a
 * class guessing how long each variant takes does not read it on screen.
 */

#include "config.h"

#include "aw-lesson-panel.h"

#include <string.h>

#include "aw-i18n.h"

struct _AwLessonPanel {
  GtkWidget    parent_instance;

  GtkLabel    *outcome_label;
  GtkLabel    *expected_label;
  GtkWidget   *warnings_card;
  GtkLabel    *warnings_label;
  GtkLabel    *summary_label;
  GtkLabel    *narration_label;
  GtkWidget   *csharp_box;
  GtkTextView *csharp_view;
  GtkExpander *c_expander;
  GtkTextView *c_view;
  GtkScrolledWindow *scroller;
  GtkScrolledWindow *csharp_scroller;
  GtkScrolledWindow *c_scroller;
  guint        csharp_line;
  guint        c_line;

  char        *summary;
  char        *narration;
  char        *expected;
  gboolean     answers_hidden;
  gboolean     no_lesson;     /* a file of the user's own: nothing to hide, no lesson code */
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
aw_lesson_panel_finalize (GObject *object)
{
  AwLessonPanel *self = AW_LESSON_PANEL (object);

  g_free (self->summary);
  g_free (self->narration);
  g_free (self->expected);

  G_OBJECT_CLASS (aw_lesson_panel_parent_class)->finalize (object);
}

static void
aw_lesson_panel_class_init (AwLessonPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aw_lesson_panel_dispose;
  object_class->finalize = aw_lesson_panel_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/awaitscope/Awaitscope/aw-lesson-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, outcome_label);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, expected_label);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, warnings_card);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, narration_label);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, csharp_box);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, csharp_view);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, c_expander);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, c_view);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, csharp_scroller);
  gtk_widget_class_bind_template_child (widget_class, AwLessonPanel, c_scroller);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lessonpanel");
}

/* A scrolled window counts a horizontal scrollbar in its height only when
 * it is always there: one that comes and goes would cover the last line of
 * the code. So the scrollbar is always there while a line is too long for
 * the column, and not at all otherwise. */
static void
on_code_width (GtkAdjustment     *adjustment,
               GtkScrolledWindow *scroller)
{
  gboolean too_wide = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_lower (adjustment) >
                      gtk_adjustment_get_page_size (adjustment) + 0.5;

  gtk_scrolled_window_set_policy (scroller, too_wide ? GTK_POLICY_ALWAYS : GTK_POLICY_NEVER, GTK_POLICY_NEVER);
}

static void
follow_code_width (GtkScrolledWindow *scroller)
{
  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (scroller), "changed",
                           G_CALLBACK (on_code_width), scroller, 0);
}

static void
aw_lesson_panel_init (AwLessonPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  follow_code_width (self->csharp_scroller);
  follow_code_width (self->c_scroller);

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

/* The narration with its figures after the first paragraph hidden: each
 * number with its unit, or a sum of them ("0.8 + 0.6 + 1.0 = 2.4 s"), is
 * one "…". Numbers inside words (CS1998) stay. */
static char *
hide_figures (const char *narration)
{
  static GRegex *figures;
  const char *rest = strchr (narration, '\n');
  g_autofree char *hidden = NULL;

  if (rest == NULL)
    return g_strdup (narration);
  if (g_once_init_enter (&figures))
    {
#define FIGURE "\\d+(?:[.,]\\d+)*(?:\\s?(?:ms|s|x|%))?"
      GRegex *re = g_regex_new ("(?<![\\w.])" FIGURE "(?:\\s*[-+=\u00d7*/]\\s*" FIGURE ")*(?!\\w)",
                                G_REGEX_OPTIMIZE, 0, NULL);
#undef FIGURE
      g_once_init_leave (&figures, re);
    }
  hidden = g_regex_replace_literal (figures, rest, -1, 0, "\u2026", 0, NULL);
  return g_strdup_printf ("%.*s%s", (int) (rest - narration), narration, hidden);
}

static void
show_answers (AwLessonPanel *self)
{
  /* The summary states the lesson's result: its figures wait for the
   * reveal too. */
  if (self->summary == NULL || !self->answers_hidden)
    gtk_label_set_text (self->summary_label, self->summary ? self->summary : "");
  else
    {
      /* All of it: the summary has no set-up paragraph to keep. */
      g_autofree char *with_break = g_strconcat ("\n", self->summary, NULL);
      g_autofree char *hidden = hide_figures (with_break);

      gtk_label_set_text (self->summary_label, hidden + 1);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), self->summary != NULL);

  if (self->narration == NULL || !self->answers_hidden)
    gtk_label_set_text (self->narration_label, self->narration ? self->narration : "");
  else
    {
      g_autofree char *hidden = hide_figures (self->narration);
      gtk_label_set_text (self->narration_label, hidden);
    }

  if (self->expected != NULL)
    {
      g_autofree char *text = self->answers_hidden
        ? g_strdup (_("Expected: hidden until the run reveals it. Predict first."))
        /* Translators: %s is the lesson's expected outcome, a sentence. */
        : g_strdup_printf (_("Expected: %s"), self->expected);
      gtk_label_set_text (self->expected_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->expected_label), self->expected != NULL);
}

void
aw_lesson_panel_set_scenario (AwLessonPanel *self,
                              AwScenario    *scenario)
{
  g_return_if_fail (AW_IS_LESSON_PANEL (self));

  g_free (self->summary);
  self->summary = g_strdup (scenario ? aw_scenario_get_summary (scenario) : NULL);
  g_free (self->narration);
  self->narration = g_strdup (scenario ? aw_scenario_get_narration (scenario) : NULL);
  g_free (self->expected);
  self->expected = g_strdup (scenario ? aw_scenario_get_expected_text (scenario) : NULL);
  show_answers (self);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->csharp_view),
                            scenario ? aw_scenario_get_csharp (scenario) : "", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->c_view),
                            scenario ? aw_scenario_get_c_code (scenario) : "", -1);
  self->csharp_line = self->c_line = 0;
  self->no_lesson = FALSE;
  gtk_widget_set_visible (self->csharp_box, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->c_expander), TRUE);
  aw_lesson_panel_set_outcome (self, NULL);
  aw_lesson_panel_set_warnings (self, NULL);
  /* A new lesson is read from its start. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

/**
 * aw_lesson_panel_set_file:
 * @heading: what the window shows instead of a lesson, such as a file's name
 * @text: what it is and how to work with it
 *
 * The panel for a program of the user's own: @heading and @text where a
 * lesson's summary and narration go, and none of the lesson's parts (its
 * expected outcome, its C# and GLib C: the file has a page of its own), so
 * that nothing on screen speaks of the lesson shown before. Nothing is
 * hidden for Predict: there is no answer to give away. A lesson
 * (aw_lesson_panel_set_scenario()) brings them all back.
 */
void
aw_lesson_panel_set_file (AwLessonPanel *self,
                          const char    *heading,
                          const char    *text)
{
  g_return_if_fail (AW_IS_LESSON_PANEL (self));

  g_free (self->summary);
  self->summary = g_strdup (heading);
  g_free (self->narration);
  self->narration = g_strdup (text);
  g_clear_pointer (&self->expected, g_free);
  self->no_lesson = TRUE;
  self->answers_hidden = FALSE;
  show_answers (self);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->csharp_view), "", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->c_view), "", -1);
  self->csharp_line = self->c_line = 0;
  gtk_widget_set_visible (self->csharp_box, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->c_expander), FALSE);
  aw_lesson_panel_set_warnings (self, NULL);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

/**
 * aw_lesson_panel_get_summary:
 *
 * Returns: (transfer none): the summary (or a file's heading) as shown
 */
const char *
aw_lesson_panel_get_summary (AwLessonPanel *self)
{
  g_return_val_if_fail (AW_IS_LESSON_PANEL (self), NULL);

  return gtk_label_get_text (self->summary_label);
}

/**
 * aw_lesson_panel_set_answers_hidden:
 * @hidden: whether to hide the expected outcome and the narration's figures
 *
 * Predict, then reveal: while the class predicts and the run goes, the
 * answers are hidden; the reveal shows them again.
 */
void
aw_lesson_panel_set_answers_hidden (AwLessonPanel *self,
                                    gboolean       hidden)
{
  g_return_if_fail (AW_IS_LESSON_PANEL (self));

  hidden = !!hidden && !self->no_lesson;
  if (self->answers_hidden == hidden)
    return;
  self->answers_hidden = hidden;
  show_answers (self);
}

gboolean
aw_lesson_panel_get_answers_hidden (AwLessonPanel *self)
{
  g_return_val_if_fail (AW_IS_LESSON_PANEL (self), FALSE);

  return self->answers_hidden;
}

/**
 * aw_lesson_panel_get_narration:
 *
 * Returns: (transfer none): the narration as shown, figures hidden or not
 */
const char *
aw_lesson_panel_get_narration (AwLessonPanel *self)
{
  g_return_val_if_fail (AW_IS_LESSON_PANEL (self), NULL);

  return gtk_label_get_text (self->narration_label);
}

/**
 * aw_lesson_panel_get_expected:
 *
 * Returns: (transfer none) (nullable): the expected outcome as shown, or
 *   %NULL if none is shown
 */
const char *
aw_lesson_panel_get_expected (AwLessonPanel *self)
{
  g_return_val_if_fail (AW_IS_LESSON_PANEL (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->expected_label)))
    return NULL;
  return gtk_label_get_text (self->expected_label);
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
                      text ? text : _("Not run yet. Press Run (F5) to run this scenario for real."));

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
 * aw_lesson_panel_focus_outcome:
 *
 * Gives the focus to the outcome card's text: what the last run did is
 * what a student coming to the panel wants first, before the narration.
 *
 * Returns: whether the card took the focus
 */
gboolean
aw_lesson_panel_focus_outcome (AwLessonPanel *self)
{
  g_return_val_if_fail (AW_IS_LESSON_PANEL (self), FALSE);

  if (!gtk_widget_grab_focus (GTK_WIDGET (self->outcome_label)))
    return FALSE;
  /* A selectable label selects all of its text when it takes the focus:
   * a screen reader would read it as selected, and a key typed next
   * would act on it. */
  gtk_label_select_region (self->outcome_label, 0, 0);
  return TRUE;
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
