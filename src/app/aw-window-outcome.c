/* aw-window-outcome.c: the outcome card, and the class's predictions beside it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "aw-window-private.h"

#include "aw-format.h"
#include "aw-i18n.h"
#include "aw-summary.h"
#include "aw-verdict.h"

void
_aw_window_show_outcome (AwWindow *self)
{
  AwScenario *scenario = aw_session_get_scenario (self->session);
  gint64 pos = aw_session_get_replay_position (self->session);
  g_autofree char *card = NULL;
  GString *text;
  const AwNamedRun *runs;
  const AwNamedRun *all_runs;
  guint n_runs, n_all;
  g_autoptr(GArray) glib_runs = NULL;

  /* A replay leaves the card with the whole run's outcome: re-wrapping it
   * at every step would make the window jump under the class's eyes, and
   * the timeline, the task table and the replay bar show the moment. */
  if (pos >= 0)
    return;

  runs = aw_session_get_runs (self->session, &n_runs);
  /* C# beside GLib: the card, the predictions and the verdict are the
   * GLib runs', as the lesson's checks are; the lints are every run's. */
  all_runs = runs;
  n_all = n_runs;
  if (self->csharp_pairs)
    {
      glib_runs = g_array_new (FALSE, TRUE, sizeof (AwNamedRun));
      for (guint i = 1; i < n_runs; i += 2)
        g_array_append_val (glib_runs, runs[i]);
      runs = (const AwNamedRun *) (gpointer) glib_runs->data;
      n_runs = glib_runs->len;
    }
  card = aw_summary_outcome_card (runs, n_runs);
  text = g_string_new (card);

  if (self->predictions->len > 0 && scenario != NULL)
    {
      gboolean any = FALSE;

      for (guint i = 0; i < n_runs; i++)
        {
          AwTraceModel *model = runs[i].model;
          const AwVariant *variant = NULL;
          guint index = 0;
          double predicted;
          const AwMetrics *m = aw_trace_model_get_metrics (model);

          variant = aw_scenario_find_variant (scenario,
                                              aw_trace_get_metadata (aw_trace_model_get_trace (model), "variant"),
                                              &index);
          if (variant == NULL || index >= self->predictions->len)
            continue;
          predicted = g_array_index (self->predictions, double, index);
          if (predicted < 0)
            continue;
          if (!any)
            {
              g_string_append_c (text, '\n');
              g_string_append (text, _("Prediction vs measurement:"));
            }
          any = TRUE;
          /* One unit for the three figures of a line. */
          {
            double wall_ms = m->wall_ms;
            double scale;
            g_autofree char *measured = NULL;
            g_autofree char *said = NULL;
            g_autofree char *off = NULL;
            g_autofree char *line = NULL;

            /* The class predicts the program's time: at another speed the
             * measurement is scaled back to it. Figures side by side share
             * a unit. */
            aw_verdict_get_metric (model, "wall_ms", &wall_ms);
            scale = MAX (wall_ms, predicted * 1000);
            measured = aw_format_duration_as (wall_ms, scale);
            said = aw_format_duration_as (predicted * 1000, scale);
            off = aw_format_duration_as (ABS (wall_ms - predicted * 1000), scale);
            if (wall_ms != m->wall_ms)
              {
                g_autofree char *real = aw_format_duration_as (m->wall_ms, scale);
                const char *run_speed = aw_trace_get_metadata (aw_trace_model_get_trace (model), AW_META_SPEED);
                g_autofree char *speed = aw_format_speed (run_speed ? g_ascii_strtod (run_speed, NULL) : 1);
                /* Translators: a line of the outcome card; %1$s is a
                 * variant's title; the other figures are durations like
                 * "1.50 s": what the class predicted, what was measured
                 * scaled back to real time, what was measured at the run's
                 * speed (%5$s, like "2×") and the difference. */
                line = g_strdup_printf (_("%1$s: predicted %2$s, measured %3$s, %4$s at %5$s (off by %6$s)"),
                                        variant->title, said, measured, real, speed, off);
              }
            else
              /* Translators: a line of the outcome card; %1$s is a
               * variant's title; the other figures are durations like
               * "1.50 s": what the class predicted, what was measured
               * and the difference. */
              line = g_strdup_printf (_("%1$s: predicted %2$s, measured %3$s (off by %4$s)"),
                                      variant->title, said, measured, off);
            g_string_append (text, "\n  ");
            g_string_append (text, line);
          }
        }
    }

  /* The expected outcome, checked against what was measured, with each
   * check that failed and by how much. In presentation mode the timeline
   * shows the comparison in large type and the card has room for two
   * lines, so the verdict comes first there. A verdict that is not "met"
   * (a check failed, the main claim was not checked, the user cancelled
   * the run) comes first too: it is what the class must read before the
   * figures, and a long card would push it out of sight. */
  if (scenario != NULL && !aw_session_get_running (self->session))
    {
      g_autoptr(AwVerdict) verdict = aw_verdict_check (scenario, runs, n_runs);
      g_autofree char *explained = aw_verdict_explain (verdict);
      GString *summary = g_string_new (explained);

      /* One variant run alone cannot check a comparison. */
      if (!verdict->stopped_by_user && verdict->n_not_met == 0 && verdict->headline != NULL &&
          verdict->headline->missing != NULL)
        {
          g_string_append_c (summary, '\n');
          /* Translators: %s is the lesson's main claim, such as "WhenAll
           * is faster than awaiting one by one". */
          g_string_append_printf (summary, _("Run Compare all to check the main claim: %s."),
                                  verdict->headline->claim);
        }

      if (self->presentation || (!verdict->met && verdict->checks->len > 0))
        g_string_prepend (g_string_prepend_c (text, '\n'), summary->str);
      else
        g_string_append_printf (text, "\n%s", summary->str);
      g_string_free (summary, TRUE);
    }
  aw_lesson_panel_set_outcome (self->lesson, text->str);
  g_string_free (text, TRUE);

  /* The lints, beside the card. */
  {
    GString *warnings = g_string_new (NULL);

    for (guint i = 0; i < n_all; i++)
      {
        const AwNamedRun *v = &all_runs[i];
        g_autoptr(GPtrArray) found = aw_lint_run (v->model);

        for (guint k = 0; k < found->len; k++)
          {
            const AwWarning *w = g_ptr_array_index (found, k);

            g_string_append_printf (warnings, "%s%s: %s", warnings->len ? "\n" : "", v->title, w->message);
          }
      }
    aw_lesson_panel_set_warnings (self->lesson, warnings->len ? warnings->str : NULL);
    g_string_free (warnings, TRUE);
  }
}

/**
 * _aw_window_announce_outcome:
 * @cancelled: the user cancelled the run
 * @froze: its last variant froze the window, which now answers again
 *
 * What a screen reader says when a run ends: the outcome card's headline
 * and the verdict, and after a freeze what the watchdog did.
 */
void
_aw_window_announce_outcome (AwWindow *self,
                             gboolean  cancelled,
                             gboolean  froze)
{
  AwScenario *scenario = aw_session_get_scenario (self->session);
  const AwNamedRun *runs;
  guint n_runs;
  g_autofree char *card = NULL;
  g_auto(GStrv) lines = NULL;
  GString *s = g_string_new (NULL);

  runs = aw_session_get_runs (self->session, &n_runs);
  if (n_runs == 0)
    {
      _aw_window_announce (self, cancelled ? _("Cancelled before anything ran") : _("Finished: nothing ran"));
      g_string_free (s, TRUE);
      return;
    }

  if (froze)
    {
      const AwMetrics *m = aw_trace_model_get_metrics (runs[n_runs - 1].model);
      g_autofree char *gap = aw_format_duration (m->max_main_loop_gap_ms);

      if (m->watchdog_fired)
        /* Translators: said by a screen reader as a run ends; %s is a
         * duration like "1.50 s". */
        g_string_append_printf (s, _("The window is back after %s frozen: the watchdog gave up on .Result; "
                                     "in C# it would never come back."), gap);
      else
        /* Translators: said by a screen reader as a run ends; %s is a
         * duration like "1.50 s". */
        g_string_append_printf (s, _("The window is back after %s frozen."), gap);
      g_string_append_c (s, ' ');
    }
  card = aw_summary_outcome_card (runs, n_runs);
  lines = g_strsplit (card, "\n", 2);
  if (cancelled)
    /* Translators: said by a screen reader as a run ends; %s is the first
     * line of the outcome card. */
    g_string_append_printf (s, _("Cancelled: %s."), lines[0]);
  else
    /* Translators: said by a screen reader as a run ends; %s is the first
     * line of the outcome card. */
    g_string_append_printf (s, _("Finished: %s."), lines[0]);
  for (guint i = 0; i < n_runs; i++)
    {
      const AwMetrics *m = aw_trace_model_get_metrics (runs[i].model);

      if (m->errors_unobserved > 0)
        {
          g_string_append_c (s, ' ');
          /* Translators: said by a screen reader as a run ends; %s is a
           * variant's title. */
          g_string_append_printf (s, NG_("%s: %u error nobody observed.", "%s: %u errors nobody observed.",
                                         m->errors_unobserved),
                                  runs[i].title, m->errors_unobserved);
        }
    }
  if (scenario != NULL)
    {
      g_autoptr(AwVerdict) verdict = aw_verdict_check (scenario, runs, n_runs);
      g_autofree char *said = aw_verdict_to_string (verdict);

      g_string_append_printf (s, " %s.", said);

    }

  _aw_window_announce (self, s->str);
  g_string_free (s, TRUE);
}

/**
 * aw_window_set_prediction:
 * @index: a variant index of the current scenario
 * @seconds: the predicted wall time, or < 0 for none
 */
void
aw_window_set_prediction (AwWindow *self,
                          guint     index,
                          double    seconds)
{
  g_return_if_fail (AW_IS_WINDOW (self));

  while (self->predictions->len <= index)
    {
      double none = -1;
      g_array_append_val (self->predictions, none);
    }
  g_array_index (self->predictions, double, index) = seconds;
}

/* Predict, then reveal --------------------------------------------------- */

typedef struct {
  AwWindow *window;
  GPtrArray *spins;
} QuizForm;

static void
quiz_form_free (QuizForm *form)
{
  g_ptr_array_unref (form->spins);
  g_free (form);
}

static void
on_quiz_run (GtkButton *button,
             QuizForm  *form)
{
  AwWindow *self = form->window;

  g_array_set_size (self->predictions, 0);
  for (guint i = 0; i < form->spins->len; i++)
    {
      GtkSpinButton *spin = g_ptr_array_index (form->spins, i);

      /* A number typed and not yet committed counts. */
      gtk_spin_button_update (spin);
      aw_window_set_prediction (self, i, gtk_spin_button_get_value (spin));
    }
  /* Running first: the dialog going away then reveals nothing. */
  _aw_window_start_run_now (self);
  gtk_window_destroy (self->quiz_dialog);
}

static void
on_quiz_destroy (GtkWindow *dialog,
                 AwWindow  *self)
{
  if (self->quiz_dialog != dialog)
    return;
  self->quiz_dialog = NULL;

  /* Closed without running: the card shows what it showed before. */
  if (!aw_session_get_running (self->session))
    {
      if (aw_session_get_n_runs (self->session) > 0)
        _aw_window_show_outcome (self);
      else
        aw_lesson_panel_set_outcome (self->lesson, NULL);
    }
  _aw_window_update_answers (self);
}

/* Predict, then reveal: with Predict on, the expected outcome and the
 * narration's figures stay hidden while the class predicts and the run
 * goes, until a run of this scenario has ended. */
void
_aw_window_update_answers (AwWindow *self)
{
  gboolean hidden = self->quiz && (!self->revealed || self->quiz_dialog != NULL ||
                                   aw_session_get_running (self->session));

  aw_lesson_panel_set_answers_hidden (self->lesson, hidden);
}

/* Before the run: how long will each variant take? */
void
_aw_window_ask_predictions (AwWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *intro = gtk_label_new (_("Predict first: how long will each variant take?"));
  GtkWidget *run = gtk_button_new_with_mnemonic (_("_Run and Compare"));
  QuizForm *form = g_new0 (QuizForm, 1);

  form->window = self;
  form->spins = g_ptr_array_new ();
  gtk_widget_add_css_class (intro, "title-3");
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  for (guint i = 0; i < aw_scenario_get_n_variants (self->scenario); i++)
    {
      const AwVariant *v = aw_scenario_get_variant (self->scenario, i);
      GtkWidget *label = gtk_label_new (v->title);
      GtkWidget *spin = gtk_spin_button_new_with_range (0, 600, 0.1);
      /* Translators: a field's name for a screen reader; %s is a
       * variant's title. */
      g_autofree char *a11y = g_strdup_printf (_("Predicted seconds for %s"), v->title);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 1);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 1.0);
      /* Enter in a field runs, as the button does: a class calls out the
       * numbers, the teacher types them and presses Enter. */
      gtk_text_set_activates_default (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (spin))), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
      gtk_grid_attach (GTK_GRID (grid), label, 0, i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), spin, 1, i, 1, 1);
      /* Translators: the unit beside a field for seconds. */
      gtk_grid_attach (GTK_GRID (grid), gtk_label_new (C_("unit", "s")), 2, i, 1, 1);
      g_ptr_array_add (form->spins, spin);
    }

  gtk_widget_add_css_class (run, "suggested-action");
  gtk_widget_set_halign (run, GTK_ALIGN_END);
  g_signal_connect_data (run, "clicked", G_CALLBACK (on_quiz_run), form, (GClosureNotify) (void (*) (void)) quiz_form_free, 0);
  gtk_box_append (GTK_BOX (box), intro);
  gtk_box_append (GTK_BOX (box), grid);
  gtk_box_append (GTK_BOX (box), run);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);

  self->quiz_dialog = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (self->quiz_dialog, _("Predict, Then Run"));
  gtk_window_set_transient_for (self->quiz_dialog, GTK_WINDOW (self));
  gtk_window_set_modal (self->quiz_dialog, TRUE);
  gtk_window_set_child (self->quiz_dialog, box);
  gtk_window_set_default_widget (self->quiz_dialog, run);
  /* The first guess can be typed at once. */
  if (form->spins->len > 0)
    gtk_window_set_focus (self->quiz_dialog, g_ptr_array_index (form->spins, 0));
  g_signal_connect (self->quiz_dialog, "destroy", G_CALLBACK (on_quiz_destroy), self);

  /* The answers stay hidden while the class predicts. */
  aw_lesson_panel_set_outcome (self->lesson, _("Predict first: how long will each variant take? "
                                               "The outcome is revealed after the run."));

  _aw_window_update_answers (self);
  gtk_window_present (self->quiz_dialog);
}
