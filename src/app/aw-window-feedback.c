/* aw-window-feedback.c: what the window tells the room and a screen reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Toasts for a change made with a key or a menu, announcements for screen
 * readers, the choosers' spoken names with their values, the toggle
 * buttons read as on or off, the Left/Right keys of the view's tabs, and
 * presentation mode's title, question and bar of controls that comes with
 * the mouse.
 */

#include "config.h"

#include <math.h>

#include "aw-window-private.h"

#include "aw-i18n.h"

/* Toasts ------------------------------------------------------------------ */

static gboolean
hide_toast (gpointer data)
{
  AwWindow *self = data;

  self->toast_timeout = 0;
  gtk_revealer_set_reveal_child (self->toast_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

/**
 * _aw_window_toast:
 * @text: what just changed, in a few words
 *
 * Brief feedback over the timeline, for a change made with a key or a
 * menu that nothing else on screen would show (Compare, Predict, speed,
 * theme, text size).
 */
void
_aw_window_toast (AwWindow   *self,
                  const char *text)
{
  if (text == NULL || text[0] == '\0')
    return;
  _aw_window_announce (self, text);
  gtk_label_set_text (self->toast_label, text);
  gtk_revealer_set_reveal_child (self->toast_revealer, TRUE);
  g_clear_handle_id (&self->toast_timeout, g_source_remove);
  self->toast_timeout = g_timeout_add (2000, hide_toast, self);
}

/* Announcements ---------------------------------------------------------- */

/**
 * _aw_window_announce:
 * @text: what just happened, as a sentence
 *
 * Tells a screen reader what happened, without moving the focus. GTK 4.8
 * has no call to announce, so a status element (AT-SPI's status bar) takes
 * @text as its name: one change per event, which a screen reader can
 * speak, and read again later as the window's status. The same text twice
 * in a row goes through an empty one, so that it changes again.
 */
void
_aw_window_announce (AwWindow   *self,
                     const char *text)
{
  if (text == NULL || text[0] == '\0')
    return;
  if (g_strcmp0 (gtk_label_get_text (self->announcer), text) == 0)
    {
      gtk_label_set_text (self->announcer, "");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->announcer),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, "",
                                      -1);
    }
  gtk_label_set_text (self->announcer, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->announcer),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
}

const char *
_aw_window_get_announcement (AwWindow *self)
{
  return gtk_label_get_text (self->announcer);
}

/* A chooser (a GtkDropDown) is read through the button that takes the
 * focus, which GTK 4.8 names after its class: it gets the chooser's name
 * and the value chosen, "Speed: 1×". */
/* The value shown inside the button is a list item, which takes the focus
 * by default and is named after its class; the button speaks for it. */
static void
unfocus_descendants (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gtk_widget_set_focusable (child, FALSE);
      unfocus_descendants (child);
    }
}

static void
state_chooser (GtkDropDown *dropdown,
               GParamSpec  *pspec,
               const char  *name)
{
  GObject *item = gtk_drop_down_get_selected_item (dropdown);
  const char *value = GTK_IS_STRING_OBJECT (item) ? gtk_string_object_get_string (GTK_STRING_OBJECT (item)) : NULL;
  /* Translators: a chooser's name for a screen reader, with its choice:
   * "Speed: 2×". */
  g_autofree char *label = value != NULL ? g_strdup_printf (C_("chooser", "%s: %s"), name, value) : g_strdup (name);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (dropdown));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      {
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                        -1);
        unfocus_descendants (child);
      }
}

static void
follow_chooser (GtkDropDown *dropdown,
                const char  *name)
{
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (state_chooser), (gpointer) name);
  g_signal_connect (dropdown, "notify::model", G_CALLBACK (state_chooser), (gpointer) name);
  state_chooser (dropdown, NULL, name);
}

/* Toggle buttons, read as on or off ----------------------------------- */

/* GTK 4.8 exposes a GtkToggleButton as a push button with a "pressed"
 * state, which Orca does not read as on or off; the toggle-button role
 * came in 4.10. So each of ours (Show catalogue, Predict, Compare,
 * Presentation mode, Replay) is given the switch role in its .ui file (the
 * role can only be set at construction), which 4.8 exposes as a check box,
 * and its checked state follows :active here. */
static void
state_switch (GtkToggleButton *button)
{
  gtk_accessible_update_state (GTK_ACCESSIBLE (button),
                               GTK_ACCESSIBLE_STATE_CHECKED,
                               gtk_toggle_button_get_active (button) ? GTK_ACCESSIBLE_TRISTATE_TRUE
                                                                     : GTK_ACCESSIBLE_TRISTATE_FALSE,
                               -1);
}

static void
follow_switches (GtkWidget *widget)
{
  /* The toggle buttons inside these are GTK's, and open a popup or show a
   * page: they are not on/off controls. */
  if (GTK_IS_DROP_DOWN (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_STACK_SWITCHER (widget))
    return;
  if (GTK_IS_TOGGLE_BUTTON (widget))
    {
      GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));

      if (role == GTK_ACCESSIBLE_ROLE_SWITCH)
        {
          g_signal_connect (widget, "notify::active", G_CALLBACK (state_switch), NULL);
          state_switch (GTK_TOGGLE_BUTTON (widget));
        }
      else if (role == GTK_ACCESSIBLE_ROLE_BUTTON)
        g_warning ("A toggle button (%s) has no switch role: a screen reader cannot tell it on from off",
                   gtk_widget_get_tooltip_text (widget) ? gtk_widget_get_tooltip_text (widget)
                                                        : G_OBJECT_TYPE_NAME (widget));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    follow_switches (child);
}

/* The presentation bar -------------------------------------------------- */

/* How long the bar stays after the mouse last moved. */
#define BAR_SHOWN_MS 3000

static gboolean
hide_presentation_bar (gpointer data)
{
  AwWindow *self = data;
  GtkWidget *focus;

  self->bar_timeout = 0;
  if (self->bar_hovered)
    return G_SOURCE_REMOVE;
  /* Reached with F6, the bar stays while the keys are in it (not after
   * a click on one of its buttons: the mouse brings it back). */
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (self->bar_keys && focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->presentation_bar)))
    {
      self->bar_timeout = g_timeout_add (BAR_SHOWN_MS, hide_presentation_bar, self);
      return G_SOURCE_REMOVE;
    }
  self->bar_keys = FALSE;
  gtk_revealer_set_reveal_child (self->presentation_bar, FALSE);
  return G_SOURCE_REMOVE;
}

/* Shows the bar of controls for a few seconds: on entering presentation
 * mode and whenever the mouse moves, as a video player's controls do. */
void
_aw_window_show_presentation_bar (AwWindow *self)
{
  if (!self->presentation)
    return;
  gtk_revealer_set_reveal_child (self->presentation_bar, TRUE);
  g_clear_handle_id (&self->bar_timeout, g_source_remove);
  self->bar_timeout = g_timeout_add (BAR_SHOWN_MS, hide_presentation_bar, self);
}

/* For a still picture: the bar is for a hand on the mouse. */
void
_aw_window_hide_presentation_bar (AwWindow *self)
{
  g_clear_handle_id (&self->bar_timeout, g_source_remove);
  gtk_revealer_set_reveal_child (self->presentation_bar, FALSE);
}

/* Left and Right switch the Timeline and Task table tabs, as in any tab
 * list, when the focus is on them; the focus follows to the tab shown. */
static gboolean
on_switcher_key (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 AwWindow              *self)
{
  const char *next;

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK))
    return FALSE;
  if (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left)
    next = "timeline";
  else if (keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right)
    next = "table";
  else
    return FALSE;

  gtk_stack_set_visible_child_name (self->view_stack, next);
  for (GtkWidget *tab = gtk_widget_get_first_child (self->view_switcher); tab != NULL;
       tab = gtk_widget_get_next_sibling (tab))
    if (GTK_IS_TOGGLE_BUTTON (tab) && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (tab)))
      gtk_widget_grab_focus (tab);
  return TRUE;
}

static void
on_pointer_motion (GtkEventControllerMotion *controller,
                   double                    x,
                   double                    y,
                   AwWindow                 *self)
{
  /* A motion event with no motion comes when the layout changes under a
   * still pointer, and the first one only says where the pointer rests. */
  gboolean first = self->pointer_x < 0;

  if (fabs (x - self->pointer_x) < 1 && fabs (y - self->pointer_y) < 1)
    return;
  self->pointer_x = x;
  self->pointer_y = y;
  if (!first)
    _aw_window_show_presentation_bar (self);
}

static void
on_bar_enter (GtkEventControllerMotion *controller,
              double                    x,
              double                    y,
              AwWindow                 *self)
{
  self->bar_hovered = TRUE;
  self->bar_keys = FALSE;
}

static void
on_bar_leave (GtkEventControllerMotion *controller,
              AwWindow                 *self)
{
  self->bar_hovered = FALSE;
  _aw_window_show_presentation_bar (self);
}

/* The lesson's title and its question, where presentation mode shows them. */
void
_aw_window_update_presentation_header (AwWindow *self)
{
  const char *question = self->scenario != NULL ? aw_scenario_get_question (self->scenario) : NULL;

  gtk_label_set_text (self->presentation_title, self->scenario != NULL ? aw_scenario_get_title (self->scenario) : "");
  gtk_label_set_text (self->presentation_question, question != NULL ? question : "");
  gtk_widget_set_visible (GTK_WIDGET (self->presentation_question), question != NULL);
}

/* The controllers and names of what this file looks after. */
void
_aw_window_feedback_init (AwWindow *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *bar = gtk_event_controller_motion_new ();
  GtkEventController *tabs = gtk_event_controller_key_new ();

  g_signal_connect (tabs, "key-pressed", G_CALLBACK (on_switcher_key), self);
  gtk_widget_add_controller (self->view_switcher, tabs);
  g_signal_connect (motion, "motion", G_CALLBACK (on_pointer_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (bar, "enter", G_CALLBACK (on_bar_enter), self);
  g_signal_connect (bar, "leave", G_CALLBACK (on_bar_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self->presentation_bar), bar);

  follow_chooser (self->speed_dropdown, _("Speed"));
  follow_chooser (self->variant_dropdown, _("Variant"));
  follow_chooser (self->replay_speed_dropdown, _("Replay speed"));

  follow_switches (GTK_WIDGET (self));
}
