/* aw-window-actions.c: the window's actions and keys, and its looks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "aw-window-private.h"

/* Looks: theme, text size, presentation mode ----------------------------- */

/* The session's theme and text size, or presentation mode's. The
 * timeline's text size is bound to the session's: the projector theme has
 * its large type built in. */
void
_aw_window_apply_looks (AwWindow *self)
{
  const char *name = self->presentation ? "projector" : aw_session_get_theme (self->session);
  const AwTheme *theme = aw_theme_lookup (name);
  GtkSettings *settings = gtk_settings_get_default ();
  double scale = aw_session_get_text_scale (self->session) * (self->presentation ? PRESENTATION_TEXT_SCALE : 1.0);
  g_autofree char *css = NULL;

  if (theme == NULL)
    theme = aw_theme_lookup ("light");
  aw_timeline_view_set_theme (self->timeline, theme);

  if (settings != NULL)
    {
      gboolean hc = g_str_equal (name, "high-contrast") || g_str_equal (name, "projector");
      gboolean dark = g_str_equal (name, "dark");
      const char *wanted = hc ? "Default-hc" : "Default";
      g_autofree char *current = NULL;
      gboolean prefer_dark = FALSE;

      /* Each change reloads the whole GTK theme: change only what differs. */
      g_object_get (settings,
                    "gtk-application-prefer-dark-theme", &prefer_dark,
                    "gtk-theme-name", &current,
                    NULL);
      if (prefer_dark != dark)
        g_object_set (settings, "gtk-application-prefer-dark-theme", dark, NULL);
      if (g_strcmp0 (current, wanted) != 0)
        g_object_set (settings, "gtk-theme-name", wanted, NULL);
    }

  /* Loading CSS restyles the whole window: only when it changes. */
  css = g_strdup_printf ("lessonpanel { font-size: %.2fem; }\n"
                         "window.presentation headerbar { font-size: 1.3em; }\n", scale);
  if (g_strcmp0 (css, self->text_css_data) != 0)
    {
      gtk_css_provider_load_from_data (self->text_css, css, -1);
      g_free (self->text_css_data);
      self->text_css_data = g_steal_pointer (&css);
    }

  if (self->presentation)
    gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");
}

static void
theme_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  const char *name = g_variant_get_string (parameter, NULL);

  if (aw_theme_lookup (name) == NULL)
    return;
  g_simple_action_set_state (action, parameter);
  aw_session_set_theme (self->session, name);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "theme", name);
}

static void
set_text_scale (AwWindow *self,
                double    scale)
{
  aw_session_set_text_scale (self->session, scale);
  if (self->settings != NULL)
    g_settings_set_double (self->settings, "text-scale", aw_session_get_text_scale (self->session));
}

/* Preference: how long a blocking wait may freeze the window. */
static void
watchdog_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  int ms = g_variant_get_int32 (parameter);

  if (ms < 500 || ms > AW_WAIT_MAX_DEADLINE_MS)
    return;
  g_simple_action_set_state (action, parameter);
  self->wait_deadline_ms = ms;
  if (self->settings != NULL)
    g_settings_set_int (self->settings, "watchdog-ms", ms);
}

static void
text_bigger_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  set_text_scale (self, aw_session_get_text_scale (self->session) + 0.1);
}

static void
text_smaller_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  set_text_scale (self, aw_session_get_text_scale (self->session) - 0.1);
}

static void
text_reset_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  set_text_scale (AW_WINDOW (user_data), 1.0);
}

/**
 * aw_window_set_presentation:
 *
 * Presentation mode: full screen, no sidebar, the projector theme and
 * large type, for a class at the back of the room.
 */
void
aw_window_set_presentation (AwWindow *self,
                            gboolean  presentation)
{
  aw_window_set_presentation_full (self, presentation, TRUE);
}

/**
 * aw_window_set_presentation_full:
 * @fullscreen: whether to go full screen too (not for screenshots of a given size)
 */
void
aw_window_set_presentation_full (AwWindow *self,
                                 gboolean  presentation,
                                 gboolean  fullscreen)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "presentation");

  presentation = !!presentation;
  if (self->presentation == presentation)
    return;
  self->presentation = presentation;
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (presentation));

  gtk_widget_set_visible (self->sidebar, !presentation);
  /* The timeline gets the room; the lesson panel keeps the outcome card. */
  gtk_widget_set_visible (self->view_switcher, !presentation);
  if (presentation)
    {
      self->saved_paned_position = gtk_paned_get_position (self->content_paned);
      gtk_paned_set_position (self->content_paned, G_MAXINT / 2);
    }
  else if (self->saved_paned_position > 0)
    gtk_paned_set_position (self->content_paned, self->saved_paned_position);
  gtk_widget_set_size_request (GTK_WIDGET (self->lesson_box), -1, presentation ? 110 : 160);
  if (presentation && fullscreen)
    gtk_window_fullscreen (GTK_WINDOW (self));
  else if (!presentation)
    gtk_window_unfullscreen (GTK_WINDOW (self));
  _aw_window_apply_looks (self);
  if (!aw_session_get_running (self->session) && aw_session_get_n_runs (self->session) > 0)
    _aw_window_show_outcome (self);
}

gboolean
_aw_window_get_presentation (AwWindow *self)
{
  return self->presentation;
}

static void
presentation_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);

  aw_window_set_presentation (self, !self->presentation);
}

/* Actions ---------------------------------------------------------------- */

static void
run_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  _aw_window_start_run (AW_WINDOW (user_data));
}

static void
next_scenario_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _aw_window_move_scenario (AW_WINDOW (user_data), 1);
}

static void
prev_scenario_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _aw_window_move_scenario (AW_WINDOW (user_data), -1);
}

static void
dismiss_error_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  _aw_window_show_error (AW_WINDOW (user_data), NULL);
}

static void
fit_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  aw_timeline_view_fit (AW_WINDOW (user_data)->timeline);
}

static void
sidebar_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  gboolean visible = !gtk_widget_get_visible (self->sidebar);

  gtk_widget_set_visible (self->sidebar, visible);
  g_simple_action_set_state (action, g_variant_new_boolean (visible));
}

static void
search_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);

  gtk_widget_set_visible (self->sidebar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The shortcuts window is built when first asked for, not with the window:
 * it has a hundred widgets, and start-up does not need them. */
static void
show_help_overlay_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);

  if (self->help_overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource ("/org/awaitscope/Awaitscope/help-overlay.ui");

      self->help_overlay = GTK_WINDOW (g_object_ref (gtk_builder_get_object (builder, "help_overlay")));
      gtk_window_set_transient_for (self->help_overlay, GTK_WINDOW (self));
      gtk_window_set_modal (self->help_overlay, TRUE);
      gtk_window_set_hide_on_close (self->help_overlay, TRUE);
    }
  gtk_window_present (self->help_overlay);
}

static void
quiz_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));

  self->quiz = !g_variant_get_boolean (state);
  g_simple_action_set_state (action, g_variant_new_boolean (self->quiz));
  if (!self->quiz)
    g_array_set_size (self->predictions, 0);
}

static void
cancel_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _aw_window_cancel_run (AW_WINDOW (user_data));
}

static void
replay_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _aw_window_toggle_replay (AW_WINDOW (user_data));
}

static void
replay_start_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _aw_window_replay_to_start (AW_WINDOW (user_data));
}

static void
replay_end_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _aw_window_replay_to_end (AW_WINDOW (user_data));
}

static void
compare_toggle_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _aw_window_toggle_compare (AW_WINDOW (user_data));
}

static void
open_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _aw_window_choose_scenario_file (AW_WINDOW (user_data));
}

static void
open_trace_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _aw_window_choose_trace (AW_WINDOW (user_data));
}

static void
export_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _aw_window_choose_image_export (AW_WINDOW (user_data));
}

static void
export_trace_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _aw_window_choose_trace_export (AW_WINDOW (user_data));
}

static void
step_back_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  aw_window_step (AW_WINDOW (user_data), -1);
}

static void
step_forward_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  aw_window_step (AW_WINDOW (user_data), 1);
}

static const GActionEntry win_actions[] = {
  { "run", run_action },
  { "cancel", cancel_action },
  { "open", open_action },
  { "export", export_action },
  { "dismiss-error", dismiss_error_action },
  { "fit", fit_action },
  { "sidebar", NULL, NULL, "true", sidebar_action },
  { "search", search_action },
  { "replay", NULL, NULL, "false", replay_action },
  { "step-back", step_back_action },
  { "step-forward", step_forward_action },
  { "replay-start", replay_start_action },
  { "replay-end", replay_end_action },
  { "quiz", NULL, NULL, "false", quiz_action },
  { "theme", NULL, "s", "'light'", theme_action },
  { "text-bigger", text_bigger_action },
  { "text-smaller", text_smaller_action },
  { "text-reset", text_reset_action },
  { "presentation", NULL, NULL, "false", presentation_action },
  { "next-scenario", next_scenario_action },
  { "prev-scenario", prev_scenario_action },
  { "compare-toggle", compare_toggle_action },
  { "open-trace", open_trace_action },
  { "watchdog", NULL, "i", "5000", watchdog_action },
  { "export-trace", export_trace_action },
  { "show-help-overlay", show_help_overlay_action },
};

/* Keys ------------------------------------------------------------------- */

/* Keys that steer the timeline work anywhere but in a text field. */
static gboolean
on_window_key (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               AwWindow              *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus) ||
                        gtk_widget_get_ancestor (focus, GTK_TYPE_EDITABLE) != NULL ||
                        gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY) != NULL))
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) == 0)
    {
      switch (keyval)
        {
        case GDK_KEY_space:
          _aw_window_start_run (self);
          return TRUE;
        case GDK_KEY_c: case GDK_KEY_C:
          _aw_window_toggle_compare (self);
          return TRUE;
        case GDK_KEY_Left:
          aw_window_step (self, -1);
          return TRUE;
        case GDK_KEY_Right:
          aw_window_step (self, 1);
          return TRUE;
        case GDK_KEY_Home:
          _aw_window_replay_to_start (self);
          return TRUE;
        case GDK_KEY_End:
          _aw_window_replay_to_end (self);
          return TRUE;
        case GDK_KEY_question:
          g_action_group_activate_action (G_ACTION_GROUP (self), "show-help-overlay", NULL);
          return TRUE;
        default:
          break;
        }
    }

  if (focus == GTK_WIDGET (self->timeline))
    return FALSE;

  return gtk_event_controller_key_forward (controller, GTK_WIDGET (self->timeline));
}

void
_aw_window_actions_init (AwWindow *self)
{
  GtkEventController *keys;

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_BUBBLE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_window_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}
