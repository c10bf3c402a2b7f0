/* aw-tab-past.c: Tab leaves a list in one press
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In a list (the lesson catalogue, the Task table's rows) the arrows move
 * between items; Tab and Shift+Tab go past the whole list to the next or
 * previous control, as a screen reader user expects, instead of walking
 * the items one by one.
 */

#include "config.h"

#include "aw-tab-past.h"

/**
 * aw_tab_past:
 * @widget: the list that Tab leaves
 * @from: the widget whose focus chain moves on from @widget (its root, or a
 *   container of it)
 * @keyval: the key pressed
 * @state: its modifiers
 *
 * Returns: %TRUE if the key was Tab or Shift+Tab and the focus moved on
 */
gboolean
aw_tab_past (GtkWidget       *widget,
             GtkWidget       *from,
             guint            keyval,
             GdkModifierType  state)
{
  GtkDirectionType direction;
  gboolean moved;

  if (from == NULL || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)))
    return FALSE;
  if (keyval == GDK_KEY_ISO_Left_Tab || ((keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab) &&
                                         (state & GDK_SHIFT_MASK)))
    direction = GTK_DIR_TAB_BACKWARD;
  else if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    direction = GTK_DIR_TAB_FORWARD;
  else
    return FALSE;

  /* The list out of the chain for this one move. */
  gtk_widget_set_can_focus (widget, FALSE);
  moved = gtk_widget_child_focus (from, direction);
  gtk_widget_set_can_focus (widget, TRUE);
  return moved;
}
