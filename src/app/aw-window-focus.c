/* aw-window-focus.c: where the window's keys go
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A teacher drives the lesson with the keys (Space, F5, Page Down, W/S/A/D)
 * and the pointer in turn, so the focus must never be somewhere the keys
 * are lost. It starts on the timeline, not in the search (where Space would
 * type a space). A click on a button, a dropdown or the replay slider
 * leaves it where it was: those are for the pointer, and Tab still reaches
 * them. When a menu or a popover closes, GTK 4.8 can leave the focus on a
 * widget inside the hidden popover (after a submenu, a GtkScrolledWindow of
 * the menu's), where no key arrives until a click; or on the button that
 * opened it, where Space opens it again. So when a popover closes, the
 * focus goes back to where it was if that widget takes keys (the timeline,
 * the task table, the catalogue, the search, the code), else to the view
 * on show; and so it does when the focused widget disappears (the catalogue
 * hidden, the window back from a dialog with its focus gone).
 *
 * F6 and Shift+F6 go from region to region of the window: the controls,
 * the catalogue, the view, the lesson panel (see on_region_key()).
 *
 * The search box is a way into the catalogue: Enter opens the first lesson
 * it finds, Down moves into the list. In the list the arrows move and Tab
 * leaves it, in one press either way: GtkListBox would take Tab from row
 * to row, and a screen reader user would walk every lesson to get out.
 *
 * Input typed while the main loop was frozen (the .Result deadlock blocks
 * it for seconds, on purpose) reaches the window only when the freeze
 * ends. A Tab, an arrow or a Space pressed at a window that did not answer
 * would then open another lesson or run again, and wipe what the run
 * left on screen; so those keys and clicks, made before the end of a
 * freeze, are dropped. Other input keeps arriving late, as the lesson
 * says it does.
 */

#include "config.h"

#include "aw-window-private.h"

#include "aw-lesson-panel.h"
#include "aw-tab-past.h"

/* Whether @widget is one of those that take keys, and so is worth going
 * back to. */
static gboolean
takes_keys (AwWindow  *self,
            GtkWidget *widget)
{
  return widget == GTK_WIDGET (self->timeline) ||
         GTK_IS_EDITABLE (widget) || GTK_IS_TEXT_VIEW (widget) ||
         gtk_widget_get_ancestor (widget, GTK_TYPE_EDITABLE) != NULL ||
         gtk_widget_is_ancestor (widget, GTK_WIDGET (self->scenario_list)) ||
         gtk_widget_is_ancestor (widget, GTK_WIDGET (self->table));
}

/**
 * _aw_window_focus_view:
 *
 * Gives the focus to the view on show: the timeline, or the task table.
 */
void
_aw_window_focus_view (AwWindow *self)
{
  GtkWidget *page = gtk_stack_get_visible_child (self->view_stack);

  if (page != NULL && !gtk_widget_is_ancestor (GTK_WIDGET (self->timeline), page) &&
      gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD))
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self->timeline));
}

/* The focus is lost if it is nowhere, or on a widget that is not shown
 * (one inside a closed popover). */
static gboolean
focus_is_lost (AwWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  return focus == NULL || !gtk_widget_is_drawable (focus);
}

static gboolean
focus_in_open_popover (AwWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *popover = focus ? gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) : NULL;

  return popover != NULL && gtk_widget_get_visible (popover);
}

static void
restore_focus (AwWindow *self)
{
  GtkWidget *last = g_weak_ref_get (&self->last_focus);

  if (last != NULL && gtk_widget_is_drawable (last) && gtk_widget_grab_focus (last))
    {
      g_object_unref (last);
      return;
    }
  g_clear_object (&last);
  _aw_window_focus_view (self);
}

static gboolean
check_focus_idle (gpointer data)
{
  AwWindow *self = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  self->focus_idle_id = 0;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return G_SOURCE_REMOVE;

  /* After a popover, a focused button (the menu's, a dropdown's) counts as
   * lost too: Space would open it again. A popover opened meanwhile keeps
   * its focus. */
  if (!focus_in_open_popover (self) &&
      (focus_is_lost (self) || (self->popover_closed && !takes_keys (self, focus))))
    restore_focus (self);
  self->popover_closed = FALSE;
  return G_SOURCE_REMOVE;
}

/* GTK moves the focus itself as a popover closes or a widget hides; look
 * once it is done. */
static void
queue_check_focus (AwWindow *self)
{
  if (self->focus_idle_id == 0)
    self->focus_idle_id = g_idle_add (check_focus_idle, self);
}

static void
on_popover_closed (GtkPopover *popover,
                   AwWindow   *self)
{
  self->popover_closed = TRUE;
  queue_check_focus (self);
}

static void
on_focus_widget (GtkWindow  *window,
                 GParamSpec *pspec,
                 AwWindow   *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *popover;

  if (focus == NULL)
    {
      queue_check_focus (self);
      return;
    }

  popover = gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER);
  if (popover == NULL)
    {
      g_weak_ref_set (&self->last_focus, takes_keys (self, focus) ? focus : NULL);
      return;
    }

  /* Each popover once: menus, dropdowns, a text view's context menu. */
  if (g_object_get_data (G_OBJECT (popover), "aw-focus-watched") == NULL)
    {
      g_object_set_data (G_OBJECT (popover), "aw-focus-watched", GINT_TO_POINTER (TRUE));
      g_signal_connect_object (popover, "closed", G_CALLBACK (on_popover_closed), self, G_CONNECT_AFTER);
    }
}

/* Back from a dialog (the file chooser, the shortcuts, Predict): only if
 * the focus went away meanwhile. */
static void
on_is_active (GtkWindow  *window,
              GParamSpec *pspec,
              AwWindow   *self)
{
  if (gtk_window_is_active (window) && focus_is_lost (self))
    queue_check_focus (self);
}

/* Buttons, dropdowns and the slider keep the focus where it was when
 * clicked (see the top). */
static void
unset_focus_on_click (GtkWidget *widget)
{
  if (GTK_IS_POPOVER (widget))
    return;
  if (GTK_IS_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_MENU_BUTTON (widget) ||
      GTK_IS_RANGE (widget))
    gtk_widget_set_focus_on_click (widget, FALSE);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    unset_focus_on_click (child);
}

/* The search ---------------------------------------------------------------- */

static GtkListBoxRow *
first_match (AwWindow *self)
{
  /* The search filters after a pause: a quick Enter must not find what
   * was shown before the last letters. */
  gtk_list_box_invalidate_filter (self->scenario_list);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->scenario_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_visible (child) && gtk_widget_get_child_visible (child))
      return GTK_LIST_BOX_ROW (child);
  return NULL;
}

/* Enter: the first lesson found, opened and ready to run. */
static void
on_search_activate (GtkSearchEntry *entry,
                    AwWindow       *self)
{
  GtkListBoxRow *row = first_match (self);

  if (row == NULL)
    return;
  gtk_list_box_select_row (self->scenario_list, row);
  g_signal_emit_by_name (self->scenario_list, "row-activated", row);
  _aw_window_focus_view (self);
}

/* Down: into the list, on the first lesson found. */
static gboolean
on_search_key (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               AwWindow              *self)
{
  GtkListBoxRow *row;

  if ((keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)))
    return FALSE;
  row = first_match (self);
  if (row == NULL)
    return FALSE;
  gtk_list_box_select_row (self->scenario_list, row);
  gtk_widget_grab_focus (GTK_WIDGET (row));
  return TRUE;
}

/* The list --------------------------------------------------------------- */

/* Tab and Shift+Tab in the list: to the widget after (or before) the
 * whole list. The list stops taking the focus for the move, so the
 * window's focus chain passes over it. */
static gboolean
on_list_key (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             AwWindow              *self)
{
  return aw_tab_past (GTK_WIDGET (self->scenario_list), GTK_WIDGET (self), keyval, state);
}

/* F6 and Shift+F6 -------------------------------------------------------- */

/* The window's regions, in the order F6 visits them (Shift+F6 goes back):
 * the controls (the header bar, or in full screen presentation mode's bar
 * of controls, shown for the purpose), the catalogue, the view (the
 * timeline or the task table, with its tabs and the replay bar) and the
 * lesson panel. Hidden regions are passed over. GtkPaned's own F6 only
 * moves between the two sides of the paned that holds the focus, never to
 * the header bar, and lands on the first thing a pane can focus: in the
 * lesson panel that was the summary, not the outcome card, which says
 * what the run just did. */
typedef enum {
  REGION_CONTROLS,
  REGION_CATALOGUE,
  REGION_VIEW,
  REGION_LESSON,
  N_REGIONS
} Region;

static GtkWidget *
region_widget (AwWindow *self,
               Region    region)
{
  GtkWidget *header;

  switch (region)
    {
    case REGION_CONTROLS:
      header = gtk_window_get_titlebar (GTK_WINDOW (self));
      if (header != NULL && gtk_widget_is_drawable (header))
        return header;
      return self->presentation ? GTK_WIDGET (self->presentation_bar) : NULL;
    case REGION_CATALOGUE:
      return self->sidebar;
    case REGION_VIEW:
      return gtk_paned_get_start_child (self->content_paned);
    case REGION_LESSON:
      return GTK_WIDGET (self->lesson_box);
    case N_REGIONS:
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

static gboolean
region_holds (AwWindow  *self,
              Region     region,
              GtkWidget *focus)
{
  GtkWidget *widget = region_widget (self, region);

  if (region == REGION_CONTROLS &&
      gtk_widget_is_ancestor (focus, GTK_WIDGET (self->presentation_bar)))
    return TRUE;
  return widget != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static gboolean
grab_first_focusable (GtkWidget *widget)
{
  if (gtk_widget_get_focusable (widget) && gtk_widget_is_sensitive (widget) &&
      gtk_widget_grab_focus (widget))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child) && grab_first_focusable (child))
      return TRUE;
  return FALSE;
}

/* Moves the focus to the region's first stop; FALSE if it is hidden. */
static gboolean
enter_region (AwWindow *self,
              Region    region)
{
  GtkWidget *widget = region_widget (self, region);
  GtkListBoxRow *row;

  if (widget == NULL || !gtk_widget_get_visible (widget))
    return FALSE;
  if (widget == GTK_WIDGET (self->presentation_bar))
    {
      _aw_window_show_presentation_bar (self);
      /* Its controls are not laid out until the bar has been drawn open,
       * and GTK's focus chain passes over them until then. */
      if (!grab_first_focusable (widget))
        return FALSE;
      self->bar_keys = TRUE;
      return TRUE;
    }
  if (!gtk_widget_is_drawable (widget))
    return FALSE;

  switch (region)
    {
    case REGION_CONTROLS:
      return gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD);
    case REGION_CATALOGUE:
      /* The lesson on show, where the arrows go on to the others; the
       * search if the search hides it. */
      row = gtk_list_box_get_selected_row (self->scenario_list);
      if (row != NULL && gtk_widget_get_child_visible (GTK_WIDGET (row)) &&
          gtk_widget_grab_focus (GTK_WIDGET (row)))
        return TRUE;
      return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
    case REGION_VIEW:
      _aw_window_focus_view (self);
      return TRUE;
    case REGION_LESSON:
      return aw_lesson_panel_focus_outcome (self->lesson) ||
             gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD);
    case N_REGIONS:
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/* Taken before the focused widget sees the key, so that GtkPaned's F6
 * binding does not run. */
static gboolean
on_region_key (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               AwWindow              *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  int step;
  int current = -1;

  if (keyval != GDK_KEY_F6 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)))
    return FALSE;
  /* In a menu, the menu keeps the keys. */
  if (focus_in_open_popover (self))
    return FALSE;

  step = (state & GDK_SHIFT_MASK) ? N_REGIONS - 1 : 1;
  for (int r = 0; r < N_REGIONS && focus != NULL; r++)
    if (region_holds (self, r, focus))
      current = r;
  /* From outside every region (the error bar), F6 goes to the first and
   * Shift+F6 to the last. */
  if (current < 0)
    current = step == 1 ? N_REGIONS - 1 : 0;

  for (int i = 1; i <= N_REGIONS; i++)
    if (enter_region (self, (current + i * step) % N_REGIONS))
      break;
  return TRUE;
}

/* Freezes --------------------------------------------------------------- */

/* A gap this long between two ticks of the watch is a freeze. */
#define FREEZE_GAP_MS 250
/* The watch's tick while a run is live. */
#define FREEZE_WATCH_MS 50
/* After a freeze, input is looked at for this long. */
#define FREEZE_AFTERMATH_MS 2000
/* ...and without a clock to date input by, all of it is dropped for this
 * long: what was queued arrives within a few frames. */
#define FREEZE_FLUSH_MS 300

static void
freeze_watch_check (AwWindow *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->freeze_watch_at != 0 && now - self->freeze_watch_at >= FREEZE_GAP_MS * G_TIME_SPAN_MILLISECOND)
    self->freeze_ended_at = now;
  self->freeze_watch_at = now;
}

static gboolean
freeze_watch_tick (gpointer data)
{
  freeze_watch_check (data);
  return G_SOURCE_CONTINUE;
}

/* Only a run can freeze the window, so the watch ticks only during one.
 * Its priority is above the input's: after a freeze it runs before what
 * was queued is delivered. */
static void
on_running (AwSession  *session,
            GParamSpec *pspec,
            AwWindow   *self)
{
  if (aw_session_get_running (session))
    {
      self->freeze_watch_at = g_get_monotonic_time ();
      if (self->freeze_watch_id == 0)
        self->freeze_watch_id = g_timeout_add_full (G_PRIORITY_HIGH, FREEZE_WATCH_MS,
                                                    freeze_watch_tick, self, NULL);
      return;
    }
  /* The run can end in the same callback as its freeze. */
  if (self->freeze_watch_id != 0)
    freeze_watch_check (self);
  g_clear_handle_id (&self->freeze_watch_id, g_source_remove);
  self->freeze_watch_at = 0;
}

/* Whether @event was made while the window was frozen. GDK's event times
 * are another clock's milliseconds (the X server's); the least difference
 * seen between the two clocks dates an event on ours, to within the time
 * an event takes to arrive. */
static gboolean
made_during_freeze (AwWindow *self,
                    GdkEvent *event)
{
  gint64 now_ms = g_get_monotonic_time () / 1000;
  gint64 ended_ms = self->freeze_ended_at / 1000;
  guint32 time = gdk_event_get_time (event);
  gint64 lag;
  gboolean stale;

  if (time == GDK_CURRENT_TIME)
    return self->freeze_ended_at != 0 && now_ms - ended_ms < FREEZE_FLUSH_MS;

  lag = now_ms - (gint64) time;
  if (self->freeze_ended_at == 0 || now_ms - ended_ms >= FREEZE_AFTERMATH_MS)
    stale = FALSE;
  else if (self->event_lag_ms == G_MAXINT64)
    stale = now_ms - ended_ms < FREEZE_FLUSH_MS;
  else
    stale = (gint64) time + self->event_lag_ms < ended_ms;

  if (!stale)
    self->event_lag_ms = MIN (self->event_lag_ms, lag);
  return stale;
}

/* The keys that open a lesson or start a run, wherever the focus is:
 * the list's, Page Up and Down, Space and Enter (on the timeline, a row,
 * the Run button), F5. */
static gboolean
is_lesson_key (guint keyval)
{
  switch (keyval)
    {
    case GDK_KEY_Tab: case GDK_KEY_ISO_Left_Tab: case GDK_KEY_KP_Tab:
    case GDK_KEY_Up: case GDK_KEY_Down: case GDK_KEY_KP_Up: case GDK_KEY_KP_Down:
    case GDK_KEY_Page_Up: case GDK_KEY_Page_Down: case GDK_KEY_KP_Page_Up: case GDK_KEY_KP_Page_Down:
    case GDK_KEY_Home: case GDK_KEY_End: case GDK_KEY_KP_Home: case GDK_KEY_KP_End:
    case GDK_KEY_space: case GDK_KEY_KP_Space:
    case GDK_KEY_Return: case GDK_KEY_KP_Enter: case GDK_KEY_ISO_Enter:
    case GDK_KEY_F5:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Whether a click lands on the list or the Run button. */
static gboolean
is_lesson_click (AwWindow *self,
                 GdkEvent *event)
{
  GtkNative *native = GTK_NATIVE (self);
  GtkWidget *target;
  double x, y, sx, sy;

  if (gdk_event_get_surface (event) != gtk_native_get_surface (native) ||
      !gdk_event_get_position (event, &x, &y))
    return FALSE;
  gtk_native_get_surface_transform (native, &sx, &sy);
  target = gtk_widget_pick (GTK_WIDGET (self), x - sx, y - sy, GTK_PICK_DEFAULT);
  return target != NULL &&
         (gtk_widget_is_ancestor (target, GTK_WIDGET (self->scenario_list)) ||
          target == self->run_button || gtk_widget_is_ancestor (target, self->run_button));
}

/* Input made during a freeze still arrives, late, as the lesson shows
 * (a click on a button is handled after the freeze, Ctrl+Q quits); only
 * what would open another lesson or run again is dropped. */
static gboolean
on_window_event (GtkEventControllerLegacy *controller,
                 GdkEvent                 *event,
                 AwWindow                 *self)
{
  GtkWidget *focus;
  gboolean lesson;

  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_KEY_RELEASE:
      focus = gtk_root_get_focus (GTK_ROOT (self));
      lesson = is_lesson_key (gdk_key_event_get_keyval (event)) ||
               (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->scenario_list)));
      break;
    case GDK_BUTTON_PRESS:
    case GDK_BUTTON_RELEASE:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_END:
      lesson = is_lesson_click (self, event);
      break;
    default:
      return FALSE;
    }
  /* Dated for every key and click, to keep the clocks' difference. */
  if (!made_during_freeze (self, event) || !lesson)
    return FALSE;
  g_debug ("A key or click made during a freeze would have changed the lesson: dropped");
  return TRUE;
}

/* Construction ----------------------------------------------------------- */

/* From the instance's init, after the template. */
void
_aw_window_focus_init (AwWindow *self)
{
  GtkEventController *controller;

  g_weak_ref_init (&self->last_focus, NULL);

  unset_focus_on_click (gtk_window_get_titlebar (GTK_WINDOW (self)));
  unset_focus_on_click (self->replay_bar);
  unset_focus_on_click (self->view_switcher);
  unset_focus_on_click (GTK_WIDGET (self->error_revealer));

  g_signal_connect (self->search_entry, "activate", G_CALLBACK (on_search_activate), self);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_search_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), controller);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_list_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scenario_list), controller);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_region_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  self->event_lag_ms = G_MAXINT64;
  controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "event", G_CALLBACK (on_window_event), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  g_signal_connect_object (self->session, "notify::running", G_CALLBACK (on_running), self, 0);

  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (on_focus_widget), self);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active), self);

  gtk_widget_grab_focus (GTK_WIDGET (self->timeline));
}

void
_aw_window_focus_dispose (AwWindow *self)
{
  /* The template's widgets go next, and the focus with them. */
  g_signal_handlers_disconnect_by_func (self, on_focus_widget, self);
  g_signal_handlers_disconnect_by_func (self, on_is_active, self);
  g_clear_handle_id (&self->focus_idle_id, g_source_remove);
  g_clear_handle_id (&self->freeze_watch_id, g_source_remove);
  g_weak_ref_set (&self->last_focus, NULL);
}

void
_aw_window_focus_finalize (AwWindow *self)
{
  g_weak_ref_clear (&self->last_focus);
}
