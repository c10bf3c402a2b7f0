/* aw-window-actions.c: the window's actions and keys, and its looks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Most actions are the class's (gtk_widget_class_install_action), as GTK
 * widgets have them; presentation mode is a property action. The theme,
 * the text size, Compare and the speed are the settings' own actions
 * (g_settings_create_action): the menu, the keys and the header bar change
 * the setting, and the window follows the setting. Without the schema (a
 * build tree run by hand) they are plain stateful actions the window keeps
 * for itself. Four actions stay in the window's action map because their
 * state is not a property's: the catalogue toggle (presentation mode and
 * the search also show and hide the catalogue, without changing what the
 * button says), Replay (it refuses to play without a recording), Predict
 * and the watchdog preference.
 *
 * The application's accelerators (F5, Escape, F9, F11, Ctrl+...) are
 * GtkApplication's and work everywhere; the keys here are bindings that
 * leave a focused text field its own keys.
 */

#include "config.h"

#include "aw-window-private.h"

#include "aw-csharp.h"
#include "aw-help-dialog.h"
#include "aw-i18n.h"

static const double speeds[] = { 0.25, 0.5, 1.0, 2.0 };

/* Looks: theme and text size, or presentation mode's ------------------- */

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
  g_autofree char *muted = NULL;
  char em[G_ASCII_DTOSTR_BUF_SIZE];

  if (theme == NULL)
    theme = aw_theme_lookup ("light");
  aw_timeline_view_set_theme (self->timeline, theme);
  /* Task labels readable from the back of a room in presentation mode (a
   * share of the screen's height, whatever its resolution), and never
   * squeezed out of sight otherwise: the timeline scrolls if they need it. */
  aw_timeline_view_set_min_label_share (self->timeline, self->presentation ? PRESENTATION_LABEL_SHARE
                                                                           : WINDOW_LABEL_SHARE);
  if (self->how_to_read != NULL)
    aw_help_dialog_set_theme (AW_HELP_DIALOG (self->how_to_read), theme);

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
      aw_code_view_set_dark (self->code_view, dark);
    }

  /* Loading CSS restyles the whole window: only when it changes. The C#
   * code page follows the text size as the lesson panel's code does. */
  /* CSS wants a decimal point in every locale. Muted text has the
   * theme's muted colour, which keeps 4.5:1 on the backgrounds of the
   * GTK theme chosen with it (tests/app/test-readable.c measures it). */
  g_ascii_formatd (em, sizeof em, "%.2f", scale);
  muted = aw_color_to_css (&theme->muted);
  if (self->presentation)
    {
      /* The window's own type follows the screen too, and the text size:
       * the title, the replay bar's time and the notices are read from
       * the back as well. */
      int height = gtk_widget_get_height (GTK_WIDGET (self));
      char px[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (px, sizeof px, "%.1f",
                       MAX (PRESENTATION_BASE_SHARE * (height > 0 ? height : 768), 12.0) *
                       aw_session_get_text_scale (self->session));
      self->looks_height = height;
      /* The outcome card keeps room for its verdict and headline. */
      gtk_widget_set_size_request (GTK_WIDGET (self->lesson_box), -1,
                                   (int) MAX (110, 0.16 * (height > 0 ? height : 768)));
      css = g_strdup_printf ("window.presentation { font-size: %spx; }\n"
                             "lessonpanel, codeview, window.help-dialog { font-size: %sem; }\n"
                             "window.presentation headerbar { font-size: 1.3em; }\n"
                             ".muted-text { color: %s; }\n", px, em, muted);
    }
  else
    css = g_strdup_printf ("lessonpanel, codeview, window.help-dialog { font-size: %sem; }\n"
                           "window.presentation headerbar { font-size: 1.3em; }\n"
                           ".muted-text { color: %s; }\n", em, muted);
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
  /* Presentation mode shows the lesson's title large under the header bar,
   * whose own, in its larger type, would only fit cut short beside the
   * buttons; statuses are shown as toasts then. */
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->title_label)), !self->presentation);
}

/* Settings ----------------------------------------------------------------- */

/* A theme's name as the Theme menu shows it (without its mnemonic), for
 * the toast; the setting keeps the theme's id. */
static const char *
theme_title (const char *name)
{
  if (g_str_equal (name, "light"))
    return C_("theme", "Light");
  if (g_str_equal (name, "dark"))
    return C_("theme", "Dark");
  if (g_str_equal (name, "high-contrast"))
    return C_("theme", "High Contrast");
  if (g_str_equal (name, "projector"))
    return C_("theme", "Projector");
  return name;
}

static void
on_theme_state (GAction    *action,
                GParamSpec *pspec,
                AwWindow   *self)
{
  g_autoptr(GVariant) state = g_action_get_state (action);

  aw_session_set_theme (self->session, g_variant_get_string (state, NULL));
  if (pspec != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      /* Translators: a toast; %s is a theme's name from the Theme menu. */
      g_autofree char *text = g_strdup_printf (self->presentation ? _("Theme: %s (after presentation mode)")
                                                                  : _("Theme: %s"),
                                               theme_title (g_variant_get_string (state, NULL)));

      _aw_window_toast (self, text);
    }
}

static void
on_text_scale_state (GAction    *action,
                     GParamSpec *pspec,
                     AwWindow   *self)
{
  g_autoptr(GVariant) state = g_action_get_state (action);

  aw_session_set_text_scale (self->session, g_variant_get_double (state));
  if (pspec != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      /* Translators: a toast; %.0f%% is a percentage like "125%". */
      g_autofree char *text = g_strdup_printf (_("Text size: %.0f%%"), 100 * g_variant_get_double (state));

      _aw_window_toast (self, text);
    }
}

/* A speed the header bar does not offer (the setting changed by hand)
 * changes nothing, as the window only ever reads the menu's. */
static void
on_speed_state (GAction    *action,
                GParamSpec *pspec,
                AwWindow   *self)
{
  g_autoptr(GVariant) state = g_action_get_state (action);
  double speed = g_variant_get_double (state);

  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    if (G_APPROX_VALUE (speeds[i], speed, 1e-6))
      {
        aw_session_set_speed (self->session, speeds[i]);
        gtk_drop_down_set_selected (self->speed_dropdown, i);
        if (pspec != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
          {
            char number[G_ASCII_DTOSTR_BUF_SIZE];
            g_autofree char *text = NULL;

            g_ascii_formatd (number, sizeof number, "%g", speeds[i]);
            /* Translators: a toast; both %s are the same number, like
             * "0.25" or "2" (the number is written the C way, with a
             * dot). */
            text = speeds[i] == 1.0 ? g_strdup (_("Speed: 1×, real time"))
                                    : g_strdup_printf (_("Speed: %s×, every duration divided by %s"), number, number);
            _aw_window_toast (self, text);
          }
        return;
      }
}

/* The variant chooser follows Compare, and only moves when it disagrees:
 * a chosen variant stays chosen while Compare is off. */
static void
on_compare_state (GAction    *action,
                  GParamSpec *pspec,
                  AwWindow   *self)
{
  g_autoptr(GVariant) state = g_action_get_state (action);
  gboolean compare = g_variant_get_boolean (state);
  guint selected = gtk_drop_down_get_selected (self->variant_dropdown);

  if (self->scenario == NULL || aw_scenario_get_n_variants (self->scenario) < 2 ||
      selected == GTK_INVALID_LIST_POSITION)
    return;
  if (compare && selected != 0)
    gtk_drop_down_set_selected (self->variant_dropdown, 0);
  else if (!compare && selected == 0)
    gtk_drop_down_set_selected (self->variant_dropdown, 1);
}

static void
add_setting_action (AwWindow           *self,
                    const char         *key,
                    const GVariantType *parameter_type,
                    GVariant           *fallback,
                    GCallback           on_state)
{
  g_autoptr(GAction) action = NULL;

  g_variant_ref_sink (fallback);
  if (self->settings != NULL)
    action = g_settings_create_action (self->settings, key);
  else
    action = G_ACTION (g_simple_action_new_stateful (key, parameter_type, fallback));
  g_variant_unref (fallback);

  g_signal_connect_object (action, "notify::state", on_state, self, 0);
  g_action_map_add_action (G_ACTION_MAP (self), action);
  ((void (*) (GAction *, GParamSpec *, AwWindow *)) on_state) (action, NULL, self);
}

static void
on_csharp_beside_state (GAction    *action,
                        GParamSpec *pspec,
                        AwWindow   *self)
{
  g_autoptr(GVariant) state = g_action_get_state (action);

  self->csharp_beside = g_variant_get_boolean (state);
  if (pspec != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    _aw_window_toast (self, self->csharp_beside ? _("C# beside GLib: Run then runs the lesson's C# twin on Mono too")
                                                : _("C# beside GLib off"));
}

/* C# beside GLib, a setting; without Mono it is off and cannot be turned
 * on, and its menu item says what to install. */
static void
add_csharp_beside_action (AwWindow *self)
{
  g_autoptr(GSimpleAction) off = NULL;
  g_autoptr(GMenuItem) item = NULL;

  if (aw_csharp_have_mono (NULL))
    {
      add_setting_action (self, "csharp-beside", NULL, g_variant_new_boolean (FALSE),
                          G_CALLBACK (on_csharp_beside_state));
      return;
    }
  off = g_simple_action_new_stateful ("csharp-beside", NULL, g_variant_new_boolean (FALSE));
  g_simple_action_set_enabled (off, FALSE);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (off));
  self->csharp_beside = FALSE;
  if (self->csharp_section != NULL && g_menu_model_get_n_items (G_MENU_MODEL (self->csharp_section)) == 1)
    {
      g_menu_remove (self->csharp_section, 0);
      /* Translators: a menu item that cannot be chosen; keep the command as it is. */
      item = g_menu_item_new (_("C# Beside GLib (needs Mono: apt-get install mono-mcs)"), "win.csharp-beside");
      g_menu_append_item (self->csharp_section, item);
    }
}

/**
 * _aw_window_actions_set_settings:
 * @settings: (nullable): the application's settings, or %NULL without the schema
 *
 * Adds the actions that are settings and takes the settings' values.
 */
void
_aw_window_actions_set_settings (AwWindow  *self,
                                 GSettings *settings)
{
  g_set_object (&self->settings, settings);
  add_setting_action (self, "theme", G_VARIANT_TYPE_STRING, g_variant_new_string ("light"),
                      G_CALLBACK (on_theme_state));
  add_setting_action (self, "text-scale", G_VARIANT_TYPE_DOUBLE, g_variant_new_double (1.0),
                      G_CALLBACK (on_text_scale_state));
  add_setting_action (self, "speed", G_VARIANT_TYPE_DOUBLE, g_variant_new_double (1.0),
                      G_CALLBACK (on_speed_state));
  add_setting_action (self, "compare", NULL, g_variant_new_boolean (TRUE),
                      G_CALLBACK (on_compare_state));
  add_csharp_beside_action (self);

  if (settings != NULL)
    {
      self->wait_deadline_ms = g_settings_get_int (settings, "watchdog-ms");
      g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "watchdog")),
                                 g_variant_new_int32 (self->wait_deadline_ms));
    }
}

/* The speed menu in the header bar. */
void
_aw_window_on_speed_selected (GtkDropDown *dropdown,
                              GParamSpec  *pspec,
                              AwWindow    *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected < G_N_ELEMENTS (speeds) && g_action_map_lookup_action (G_ACTION_MAP (self), "speed") != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self), "speed", g_variant_new_double (speeds[selected]));
}

/* Choosing a variant, or Compare, in the header bar. */
void
_aw_window_on_variant_selected (GtkDropDown *dropdown,
                                GParamSpec  *pspec,
                                AwWindow    *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected != GTK_INVALID_LIST_POSITION && self->scenario != NULL &&
      aw_scenario_get_n_variants (self->scenario) > 1 &&
      g_action_map_lookup_action (G_ACTION_MAP (self), "compare") != NULL)
    g_action_group_change_action_state (G_ACTION_GROUP (self), "compare", g_variant_new_boolean (selected == 0));

  /* What Run will run, said when the user changed it (C, the chooser, the
   * presentation bar), not when a new lesson resets it. */
  if (selected != GTK_INVALID_LIST_POSITION && self->scenario != NULL && !self->choosing_scenario &&
      aw_scenario_get_n_variants (self->scenario) > 1 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      g_autofree char *text = NULL;

      if (selected == 0)
        text = g_strdup (_("Compare: Run runs every variant on one time axis"));
      else if (selected - 1 < aw_scenario_get_n_variants (self->scenario))
        /* Translators: a toast; %s is a variant's title. */
        text = g_strdup_printf (_("One variant: Run runs only “%s”"),
                                aw_scenario_get_variant (self->scenario, selected - 1)->title);
      _aw_window_toast (self, text);
    }
}

/**
 * aw_window_set_speed:
 * @speed: every duration of a run is divided by this
 */
void
aw_window_set_speed (AwWindow *self,
                     double    speed)
{
  g_return_if_fail (AW_IS_WINDOW (self));

  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    if (G_APPROX_VALUE (speeds[i], speed, 1e-6))
      {
        gtk_drop_down_set_selected (self->speed_dropdown, i);
        return;
      }
  /* Speeds outside the menu (tests, the screenshot command) still apply. */
  aw_session_set_speed (self->session, speed);
}

/* The text size, from what it is now: the setting's range. */
static void
change_text_scale (AwWindow *self,
                   double    scale)
{
  scale = CLAMP (scale, AW_SESSION_MIN_TEXT_SCALE, AW_SESSION_MAX_TEXT_SCALE);
  g_action_group_activate_action (G_ACTION_GROUP (self), "text-scale", g_variant_new_double (scale));
}

/* Actions ----------------------------------------------------------------- */

static void
run_action (GtkWidget  *widget,
            const char *name,
            GVariant   *parameter)
{
  _aw_window_start_run (AW_WINDOW (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  _aw_window_cancel_run (AW_WINDOW (widget));
}

static void
open_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  _aw_window_choose_scenario_file (AW_WINDOW (widget));
}

static void
open_trace_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *parameter)
{
  _aw_window_choose_trace (AW_WINDOW (widget));
}

static void
open_csharp_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *parameter)
{
  _aw_window_choose_csharp (AW_WINDOW (widget));
}

static void
save_csharp_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *parameter)
{
  _aw_window_csharp_save (AW_WINDOW (widget));
}

static void
open_example_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *parameter)
{
  _aw_window_open_example (AW_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
revert_example_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *parameter)
{
  _aw_window_revert_example (AW_WINDOW (widget));
}

static void
export_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  _aw_window_choose_image_export (AW_WINDOW (widget));
}

static void
export_trace_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *parameter)
{
  _aw_window_choose_trace_export (AW_WINDOW (widget));
}

static void
dismiss_error_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *parameter)
{
  _aw_window_show_error (AW_WINDOW (widget), NULL);
}

static void
fit_action (GtkWidget  *widget,
            const char *name,
            GVariant   *parameter)
{
  aw_session_set_view (AW_WINDOW (widget)->session, NULL);
}

static void
search_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  AwWindow *self = AW_WINDOW (widget);

  gtk_widget_set_visible (self->sidebar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
step_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  aw_window_step (AW_WINDOW (widget), g_str_equal (name, "win.step-forward") ? 1 : -1);
}

static void
replay_start_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *parameter)
{
  _aw_window_replay_to_start (AW_WINDOW (widget));
}

static void
replay_end_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *parameter)
{
  _aw_window_replay_to_end (AW_WINDOW (widget));
}

static void
text_size_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *parameter)
{
  AwWindow *self = AW_WINDOW (widget);
  double scale = aw_session_get_text_scale (self->session);

  if (g_str_equal (name, "win.text-bigger"))
    change_text_scale (self, scale + 0.1);
  else if (g_str_equal (name, "win.text-smaller"))
    change_text_scale (self, scale - 0.1);
  else
    change_text_scale (self, 1.0);
}

static void
move_scenario_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *parameter)
{
  _aw_window_move_scenario (AW_WINDOW (widget), g_str_equal (name, "win.next-scenario") ? 1 : -1);
}

static void
compare_toggle_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *parameter)
{
  AwWindow *self = AW_WINDOW (widget);

  if (self->scenario == NULL || aw_scenario_get_n_variants (self->scenario) < 2)
    return;
  g_action_group_activate_action (G_ACTION_GROUP (self), "compare", NULL);
}

/* GTK 4.8's shortcuts window names some keys by their key symbols in
 * English ("Page_Down", whatever the accelerator string says) and shows
 * Space as a small open box; a class reads the words better. */
static void
relabel_keys (GtkWidget *widget)
{
  static const struct { const char *shown; const char *better; } keys[] = {
    { "Page_Down", NC_("key", "Page Down") },
    { "Page_Up", NC_("key", "Page Up") },
    { "\u2423", NC_("key", "Space") },
  };

  if (GTK_IS_LABEL (widget) && gtk_widget_get_ancestor (widget, g_type_from_name ("GtkShortcutLabel")) != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), keys[i].shown) == 0)
          gtk_label_set_label (GTK_LABEL (widget), g_dpgettext2 (GETTEXT_PACKAGE, "key", keys[i].better));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    relabel_keys (child);
}

/* The shortcuts window is built when first asked for, not with the window:
 * it has a hundred widgets, and start-up does not need them. */
static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *name,
                          GVariant   *parameter)
{
  AwWindow *self = AW_WINDOW (widget);

  if (self->help_overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource ("/org/awaitscope/Awaitscope/help-overlay.ui");

      self->help_overlay = GTK_WINDOW (g_object_ref (gtk_builder_get_object (builder, "help_overlay")));
      gtk_window_set_transient_for (self->help_overlay, GTK_WINDOW (self));
      gtk_window_set_modal (self->help_overlay, TRUE);
      gtk_window_set_hide_on_close (self->help_overlay, TRUE);
      relabel_keys (GTK_WIDGET (self->help_overlay));
    }
  gtk_window_present (self->help_overlay);
}

/* "How to read the picture", built when first asked for: from the menu,
 * F1, or the "?" at the start of the timeline's legend. */
void
_aw_window_show_how_to_read (AwWindow *self)
{
  if (self->how_to_read == NULL)
    {
      self->how_to_read = GTK_WINDOW (g_object_ref_sink (aw_help_dialog_new ()));
      gtk_window_set_transient_for (self->how_to_read, GTK_WINDOW (self));
      gtk_window_set_modal (self->how_to_read, TRUE);
    }
  aw_help_dialog_set_theme (AW_HELP_DIALOG (self->how_to_read), aw_timeline_view_get_theme (self->timeline));
  gtk_window_present (self->how_to_read);
}

static void
how_to_read_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *parameter)
{
  _aw_window_show_how_to_read (AW_WINDOW (widget));
}

/* What the state of these four says is theirs alone (see the top). */

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
replay_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  _aw_window_toggle_replay (AW_WINDOW (user_data));
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
  _aw_window_update_answers (self);
  _aw_window_toast (self, self->quiz ? _("Predict on: the class guesses the times before each run")
                                     : _("Predict off"));

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

static const GActionEntry stateful_actions[] = {
  { "sidebar", NULL, NULL, "true", sidebar_action },
  { "replay", NULL, NULL, "false", replay_action },
  { "quiz", NULL, NULL, "false", quiz_action },
  { "watchdog", NULL, "i", G_STRINGIFY (AW_WINDOW_WATCHDOG_MS), watchdog_action },
};

/* Keys ------------------------------------------------------------------- */

/* Whether the focus is in a text field (the search, the lesson's code),
 * which keeps the plain keys for itself. */
static gboolean
focus_in_text (AwWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  return focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus) ||
                           gtk_widget_get_ancestor (focus, GTK_TYPE_EDITABLE) != NULL ||
                           gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY) != NULL);
}

/* Whether the focused widget uses Space itself: a text field, a button
 * reached with Tab, an open menu. A list row or the task table does not:
 * Space there would only select what a click already selected. */
static gboolean
focus_uses_space (AwWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  return focus != NULL && (focus_in_text (self) ||
                           GTK_IS_BUTTON (focus) || GTK_IS_CHECK_BUTTON (focus) || GTK_IS_SWITCH (focus) ||
                           gtk_widget_get_ancestor (focus, GTK_TYPE_BUTTON) != NULL ||
                           gtk_widget_get_ancestor (focus, GTK_TYPE_DROP_DOWN) != NULL ||
                           gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL);
}

static gboolean
run_key (GtkWidget *widget,
         GVariant  *args,
         gpointer   user_data)
{
  if (focus_uses_space (AW_WINDOW (widget)))
    return FALSE;
  _aw_window_start_run (AW_WINDOW (widget));
  return TRUE;
}

static gboolean
step_key (GtkWidget *widget,
          GVariant  *args,
          gpointer   user_data)
{
  if (focus_in_text (AW_WINDOW (widget)))
    return FALSE;
  aw_window_step (AW_WINDOW (widget), g_variant_get_int32 (args));
  return TRUE;
}

/* Keys that name a window action, here only where no text field has them. */
static gboolean
action_key (GtkWidget *widget,
            GVariant  *args,
            gpointer   user_data)
{
  if (focus_in_text (AW_WINDOW (widget)))
    return FALSE;
  gtk_widget_activate_action_variant (widget, g_variant_get_string (args, NULL), NULL);
  return TRUE;
}

/* The timeline's own keys work from anywhere in the window; with the
 * timeline focused, the timeline has handled them already. */
static gboolean
timeline_key (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  AwWindow *self = AW_WINDOW (widget);
  const char *what;
  double amount;

  if (focus_in_text (self))
    return FALSE;
  g_variant_get (args, "(&sd)", &what, &amount);
  if (g_str_equal (what, "zoom"))
    aw_timeline_view_zoom (self->timeline, amount, -1);
  else if (g_str_equal (what, "pan"))
    aw_timeline_view_pan (self->timeline, amount);
  else
    aw_timeline_view_fit (self->timeline);
  return TRUE;
}

/* Keys without Ctrl or Alt; Shift is allowed, as it always was. A trigger
 * keeps its keyval in lower case and Shift+C matches "<Shift>c", so each
 * key is bound with and without Shift. */
static const GdkModifierType plain_or_shift[] = { 0, GDK_SHIFT_MASK };

/* Space and the arrows are GtkWindow's own bindings too (activate-focus,
 * move-focus), and a subclass's bindings come after its parent's: bound on
 * the class, these keys would never arrive. Like the key handler they
 * replace, they are controllers of the window's, which run first. Space
 * runs before the focused widget sees it (a catalogue row or the task
 * table would take it to select), unless that widget uses it. */
static GtkEventController *
run_key_new (void)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_static_name (controller, "aw-window-run-key");
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (plain_or_shift); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_space, plain_or_shift[i]),
                                                            gtk_callback_action_new (run_key, NULL, NULL)));
  return controller;
}

static GtkEventController *
step_keys_new (void)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_static_name (controller, "aw-window-step-keys");
  for (guint i = 0; i < G_N_ELEMENTS (plain_or_shift); i++)
    {
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                            gtk_shortcut_new_with_arguments (gtk_keyval_trigger_new (GDK_KEY_Left, plain_or_shift[i]),
                                                                             gtk_callback_action_new (step_key, NULL, NULL),
                                                                             "i", -1));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                            gtk_shortcut_new_with_arguments (gtk_keyval_trigger_new (GDK_KEY_Right, plain_or_shift[i]),
                                                                             gtk_callback_action_new (step_key, NULL, NULL),
                                                                             "i", 1));
    }
  return controller;
}

static void
add_key_bindings (GtkWidgetClass *widget_class)
{
  static const struct {
    guint       keyval;
    const char *action;
  } action_keys[] = {
    { GDK_KEY_c, "win.compare-toggle" },
    { GDK_KEY_question, "win.show-help-overlay" },
    { GDK_KEY_Home, "win.replay-start" },
    { GDK_KEY_End, "win.replay-end" },
  };
  /* The timeline's keys (aw-timeline-view.c), for when it has no focus. */
  static const struct {
    guint       keyval;
    const char *what;
    double      amount;
  } timeline_keys[] = {
    { GDK_KEY_w, "zoom", 1.5 },
    { GDK_KEY_plus, "zoom", 1.5 },
    { GDK_KEY_KP_Add, "zoom", 1.5 },
    { GDK_KEY_s, "zoom", 1 / 1.5 },
    { GDK_KEY_minus, "zoom", 1 / 1.5 },
    { GDK_KEY_KP_Subtract, "zoom", 1 / 1.5 },
    { GDK_KEY_a, "pan", -80 },
    { GDK_KEY_d, "pan", 80 },
    { GDK_KEY_f, "fit", 0 },
  };

  for (guint m = 0; m < G_N_ELEMENTS (plain_or_shift); m++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (action_keys); i++)
        gtk_widget_class_add_binding (widget_class, action_keys[i].keyval, plain_or_shift[m],
                                      action_key, "s", action_keys[i].action);
      for (guint i = 0; i < G_N_ELEMENTS (timeline_keys); i++)
        gtk_widget_class_add_binding (widget_class, timeline_keys[i].keyval, plain_or_shift[m],
                                      timeline_key, "(sd)", timeline_keys[i].what, timeline_keys[i].amount);
    }
}

/* Construction ----------------------------------------------------------- */

/* From the class's init: its actions and key bindings. The presentation
 * property must be installed first. */
void
_aw_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-trace", NULL, open_trace_action);
  gtk_widget_class_install_action (widget_class, "win.open-csharp", NULL, open_csharp_action);
  gtk_widget_class_install_action (widget_class, "win.save-csharp", NULL, save_csharp_action);
  gtk_widget_class_install_action (widget_class, "win.open-example", "s", open_example_action);
  gtk_widget_class_install_action (widget_class, "win.revert-example", NULL, revert_example_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-trace", NULL, export_trace_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-error", NULL, dismiss_error_action);
  gtk_widget_class_install_action (widget_class, "win.fit", NULL, fit_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.step-back", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.step-forward", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.replay-start", NULL, replay_start_action);
  gtk_widget_class_install_action (widget_class, "win.replay-end", NULL, replay_end_action);
  gtk_widget_class_install_action (widget_class, "win.text-bigger", NULL, text_size_action);
  gtk_widget_class_install_action (widget_class, "win.text-smaller", NULL, text_size_action);
  gtk_widget_class_install_action (widget_class, "win.text-reset", NULL, text_size_action);
  gtk_widget_class_install_action (widget_class, "win.next-scenario", NULL, move_scenario_action);
  gtk_widget_class_install_action (widget_class, "win.prev-scenario", NULL, move_scenario_action);
  gtk_widget_class_install_action (widget_class, "win.compare-toggle", NULL, compare_toggle_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, show_help_overlay_action);
  gtk_widget_class_install_action (widget_class, "win.how-to-read", NULL, how_to_read_action);
  gtk_widget_class_install_property_action (widget_class, "win.presentation", "presentation");

  add_key_bindings (widget_class);
}

/* From the instance's init: the actions whose state is their own, and the
 * keys that cannot be class bindings. */
void
_aw_window_actions_init (AwWindow *self)
{
  self->wait_deadline_ms = AW_WINDOW_WATCHDOG_MS;
  g_action_map_add_action_entries (G_ACTION_MAP (self), stateful_actions, G_N_ELEMENTS (stateful_actions), self);
  gtk_widget_add_controller (GTK_WIDGET (self), run_key_new ());
  gtk_widget_add_controller (GTK_WIDGET (self), step_keys_new ());
}

/* The settings' actions listen to the application's settings, which
 * outlive the window, and the window's action group can outlive it too
 * (GtkApplication exports it): they go with the window. */
void
_aw_window_actions_dispose (AwWindow *self)
{
  static const char * const keys[] = { "theme", "text-scale", "speed", "compare", "csharp-beside" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_action_map_remove_action (G_ACTION_MAP (self), keys[i]);
}
