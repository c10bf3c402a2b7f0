/* test-keys.c: every keyboard shortcut of the window, pressed for real
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run under xvfb-run. Keys are typed with xdotool (XTEST), so they travel
 * the way a user's keys do: through the focused widget, up to the window,
 * past GTK's own bindings. What each key did is read from the window.
 * Keys that steer the run or the timeline must not fire while a text field
 * has the focus; that is checked as well. So is that the keys still work
 * after the pointer went to menus, dropdowns, the slider or the list, and
 * what the pointer does on the timeline (the wheel, the tooltip).
 */

#include "config.h"

#include <string.h>

#include <gdk/x11/gdkx.h>
#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-lesson-panel.h"
#include "aw-render.h"
#include "aw-task-table.h"
#include "aw-timeline-view.h"
#include "aw-window-private.h"
#include "window-test-util.h"

static AwApplication *app;

/* More than the pause after which the lesson selected in the list opens. */
#define OPEN_PAUSE_MS 900

/* Each key is given 150 ms to be handled: under valgrind that is too
 * little, so these tests are skipped there (AW_TEST_SLOW). */
static gboolean
have_tools (void)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");

  return xdotool != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ()) && test_timing_checked ();
}

static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Gives the X keyboard focus to a GTK window (there is no window manager). */
static void
x_focus (GtkWindow *window)
{
  g_autofree char *xid = NULL;

  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))));
  xdotool ("windowfocus", "--sync", xid, NULL);
  test_wait_ms (50);
}

/* Types one key (xdotool's names: space, ctrl+plus, shift+Left...) and lets
 * the window handle it. */
static void
key (const char *name)
{
  xdotool ("key", name, NULL);
  test_wait_ms (150);
}

typedef gboolean (*Condition) (AwWindow *window);

static gboolean
wait_until (AwWindow  *window,
            Condition  condition,
            guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (!condition (window) && g_get_monotonic_time () < end)
    test_wait_ms (10);
  return condition (window);
}

static gboolean
is_idle (AwWindow *window)
{
  return !_aw_window_is_running (window) &&
         gtk_widget_get_sensitive (_aw_window_get_run_button (window));
}

static gboolean
compare_setting (void)
{
  return g_settings_get_boolean (aw_application_get_settings (app), "compare");
}

static double
text_scale_setting (void)
{
  return g_settings_get_double (aw_application_get_settings (app), "text-scale");
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWindow *
transient_of (AwWindow *window,
              GType     type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (w), type) && gtk_window_get_transient_for (w) == GTK_WINDOW (window) &&
          gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

/* Presses a pointer button (1, or 4 and 5 for the wheel) @times over the
 * middle of a widget, in whichever native (the window, a popover) it is
 * drawn. */
static void
press_over (GtkWidget  *widget,
            const char *button,
            guint       times)
{
  GtkNative *native = gtk_widget_get_native (widget);
  g_autofree char *xid = NULL;
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *repeat = g_strdup_printf ("%u", times);
  graphene_point_t point;
  double sx, sy;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &point));
  gtk_native_get_surface_transform (native, &sx, &sy);
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));
  x = g_strdup_printf ("%d", (int) (point.x + sx));
  y = g_strdup_printf ("%d", (int) (point.y + sy));
  xdotool ("mousemove", "--window", xid, x, y, "click", "--repeat", repeat, "--delay", "10", button, NULL);
  test_wait_ms (150);
}

static void
click (GtkWidget *widget)
{
  press_over (widget, "1", 1);
  test_wait_ms (150);
}

/* A menu item of a popover menu, by its label without the mnemonic ("Theme"). */
static GtkWidget *
find_menu_item (GtkWidget  *widget,
                const char *label)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkModelButton") && gtk_widget_is_drawable (widget))
    {
      g_autofree char *text = NULL;

      g_object_get (widget, "text", &text, NULL);
      if (g_strcmp0 (text, label) == 0)
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_item (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A shown label with this text, in @widget or under it. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_is_drawable (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Opens a dropdown with the pointer and picks an item by its text. */
static void
choose_in_dropdown (GtkWidget  *dropdown,
                    const char *text)
{
  GtkWidget *popover;
  GtkWidget *item;

  click (dropdown);
  popover = find_widget (dropdown, GTK_TYPE_POPOVER);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (popover));
  item = find_label (popover, text);
  g_assert_nonnull (item);
  click (item);
  g_assert_false (gtk_widget_get_visible (popover));
}

static gboolean
focus_in_search (AwWindow *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY) != NULL;
}

static void
run_with_key (AwWindow   *window,
              const char *name)
{
  gboolean finished = FALSE;
  gulong id = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);

  g_assert_true (wait_until (window, is_idle, 10000));
  key (name);
  g_assert_true (finished || _aw_window_is_running (window));
  g_assert_true (test_wait_for (&finished, 30000));
  g_signal_handler_disconnect (window, id);
  g_assert_true (wait_until (window, is_idle, 10000));
}

/* Space, F5, Ctrl+R, Escape; the replay keys; C; the timeline's keys from
 * elsewhere in the window. */
static void
test_run_keys (void)
{
  AwWindow *window;
  GtkWidget *timeline;
  gboolean finished = FALSE;
  gulong id;
  gint64 start, first;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  timeline = GTK_WIDGET (aw_window_get_timeline (window));
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_variant (window, -1);
  aw_window_set_speed (window, 4);
  x_focus (GTK_WINDOW (window));
  gtk_widget_grab_focus (timeline);
  test_wait_ms (50);

  /* Space runs; Escape cancels, and the variant left over is not run. */
  id = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  key ("space");
  g_assert_true (_aw_window_is_running (window));
  key ("Escape");
  g_assert_true (test_wait_for (&finished, 10000));
  g_signal_handler_disconnect (window, id);
  {
    g_autoptr(GPtrArray) traces = _aw_window_get_last_traces (window);
    g_assert_cmpuint (traces->len, ==, 1);
  }

  /* F5, Ctrl+R and Shift+Space run too. */
  run_with_key (window, "F5");
  run_with_key (window, "ctrl+r");
  run_with_key (window, "shift+space");

  /* Replay: Home (the run's first pixel), Right, Left, End; with Shift as
   * well. */
  g_assert_cmpint (_aw_window_get_replay_position (window), ==, -1);
  key ("Home");
  start = _aw_window_get_replay_position (window);
  g_assert_cmpint (start, >=, 0);
  key ("Right");
  first = _aw_window_get_replay_position (window);
  g_assert_cmpint (first, >, start);
  key ("Right");
  g_assert_cmpint (_aw_window_get_replay_position (window), >, first);
  key ("Left");
  g_assert_cmpint (_aw_window_get_replay_position (window), ==, first);
  key ("End");
  g_assert_cmpint (_aw_window_get_replay_position (window), ==, -1);
  key ("shift+Left");
  g_assert_cmpint (_aw_window_get_replay_position (window), >, 0);
  key ("shift+Home");
  g_assert_cmpint (_aw_window_get_replay_position (window), ==, start);
  key ("shift+Right");
  g_assert_cmpint (_aw_window_get_replay_position (window), ==, first);
  key ("shift+End");
  g_assert_cmpint (_aw_window_get_replay_position (window), ==, -1);

  /* C toggles Compare, with or without Shift. */
  g_assert_true (compare_setting ());
  key ("c");
  g_assert_false (compare_setting ());
  key ("C");
  g_assert_true (compare_setting ());

  /* The timeline's keys work with the focus elsewhere: here on Run. */
  gtk_widget_grab_focus (_aw_window_get_run_button (window));
  test_wait_ms (50);
  g_assert_true (aw_timeline_view_is_fitted (AW_TIMELINE_VIEW (timeline)));
  for (guint i = 0; i < 10; i++)
    {
      const char *keys[] = { "w", "W", "s", "S", "a", "A", "d", "D", "plus", "minus" };

      key (keys[i]);
      g_assert_false (aw_timeline_view_is_fitted (AW_TIMELINE_VIEW (timeline)));
      key (i % 2 ? "F" : "f");
      g_assert_true (aw_timeline_view_is_fitted (AW_TIMELINE_VIEW (timeline)));
    }
  /* ... but not with Ctrl or Alt (Ctrl+minus is the text size). */
  key ("alt+w");
  g_assert_true (aw_timeline_view_is_fitted (AW_TIMELINE_VIEW (timeline)));

  /* With the timeline focused they are its own. */
  gtk_widget_grab_focus (timeline);
  test_wait_ms (50);
  key ("w");
  g_assert_false (aw_timeline_view_is_fitted (AW_TIMELINE_VIEW (timeline)));
  key ("f");
  g_assert_true (aw_timeline_view_is_fitted (AW_TIMELINE_VIEW (timeline)));

  /* Ctrl or Alt with the run's keys does nothing of theirs. */
  key ("alt+c");
  g_assert_true (compare_setting ());
  key ("End");
  key ("alt+Left");
  g_assert_cmpint (_aw_window_get_replay_position (window), ==, -1);

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* With a text field focused, its keys are its own: nothing runs, steps,
 * toggles or zooms. */
static void
test_text_fields (void)
{
  AwWindow *window;
  GtkWidget *timeline;
  GtkWidget *entry;
  GtkWidget *text_view;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  timeline = GTK_WIDGET (aw_window_get_timeline (window));
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_variant (window, 0);
  aw_window_set_speed (window, 4);
  x_focus (GTK_WINDOW (window));
  gtk_widget_grab_focus (timeline);
  run_with_key (window, "space");

  /* Ctrl+F: the search field, even with the catalogue hidden (F9). */
  key ("F9");
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (_aw_window_get_sidebar_button (window))));
  key ("ctrl+f");
  g_assert_true (focus_in_search (window));
  entry = gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_SEARCH_ENTRY);
  g_assert_true (gtk_widget_is_drawable (entry));

  key ("space");
  g_assert_false (_aw_window_is_running (window));
  key ("c");
  key ("question");
  key ("w");
  key ("Left");
  key ("Home");
  key ("shift+space");
  g_assert_false (_aw_window_is_running (window));
  g_assert_false (compare_setting ());
  g_assert_null (transient_of (window, GTK_TYPE_SHORTCUTS_WINDOW));
  g_assert_true (aw_timeline_view_is_fitted (AW_TIMELINE_VIEW (timeline)));
  g_assert_cmpint (_aw_window_get_replay_position (window), ==, -1);
  g_assert_nonnull (strstr (gtk_editable_get_text (GTK_EDITABLE (entry)), "c?w"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  test_wait_ms (300);

  /* A read-only text view (the lesson's code) counts as a text field. */
  text_view = find_widget (GTK_WIDGET (_aw_window_get_lesson_panel (window)), GTK_TYPE_TEXT_VIEW);
  g_assert_nonnull (text_view);
  g_assert_true (gtk_widget_grab_focus (text_view));
  test_wait_ms (50);
  key ("space");
  key ("c");
  key ("question");
  key ("w");
  g_assert_false (_aw_window_is_running (window));
  g_assert_false (compare_setting ());
  g_assert_null (transient_of (window, GTK_TYPE_SHORTCUTS_WINDOW));
  g_assert_true (aw_timeline_view_is_fitted (AW_TIMELINE_VIEW (timeline)));

  /* F5 and Escape are the window's wherever the focus is. */
  run_with_key (window, "F5");

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* F9, F11, Page Down/Up, Ctrl+plus/minus/0, ?, Ctrl+?, Ctrl+O, Ctrl+Q. */
static void
test_window_keys (void)
{
  AwWindow *window;
  GtkWidget *sidebar_button;
  GtkWindow *other;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  sidebar_button = _aw_window_get_sidebar_button (window);
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  x_focus (GTK_WINDOW (window));
  gtk_widget_grab_focus (GTK_WIDGET (aw_window_get_timeline (window)));
  test_wait_ms (50);

  /* F9 hides and shows the catalogue. */
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (sidebar_button)));
  key ("F9");
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (sidebar_button)));
  key ("F9");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (sidebar_button)));

  /* F11: presentation mode, and out again. */
  key ("F11");
  g_assert_true (_aw_window_get_presentation (window));
  key ("F11");
  g_assert_false (_aw_window_get_presentation (window));

  /* Page Down and Page Up walk the lesson. */
  key ("Next");
  g_assert_cmpstr (aw_scenario_get_id (_aw_window_get_scenario (window)), !=, "when-all");
  key ("Prior");
  g_assert_cmpstr (aw_scenario_get_id (_aw_window_get_scenario (window)), ==, "when-all");

  /* Text size. */
  g_assert_cmpfloat_with_epsilon (text_scale_setting (), 1.0, 1e-6);
  key ("ctrl+plus");
  g_assert_cmpfloat_with_epsilon (text_scale_setting (), 1.1, 1e-6);
  key ("ctrl+equal");
  g_assert_cmpfloat_with_epsilon (text_scale_setting (), 1.2, 1e-6);
  key ("ctrl+minus");
  g_assert_cmpfloat_with_epsilon (text_scale_setting (), 1.1, 1e-6);
  key ("ctrl+0");
  g_assert_cmpfloat_with_epsilon (text_scale_setting (), 1.0, 1e-6);

  /* ? and Ctrl+? show the shortcuts. */
  key ("question");
  test_wait_ms (200);
  other = transient_of (window, GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (other);
  gtk_window_close (other);
  test_wait_ms (100);
  g_assert_null (transient_of (window, GTK_TYPE_SHORTCUTS_WINDOW));
  x_focus (GTK_WINDOW (window));
  key ("ctrl+question");
  test_wait_ms (200);
  other = transient_of (window, GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (other);
  gtk_window_close (other);
  test_wait_ms (100);
  x_focus (GTK_WINDOW (window));

  /* Ctrl+O opens a file chooser; Escape in it closes it. */
  key ("ctrl+o");
  test_wait_ms (300);
  other = transient_of (window, GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_nonnull (other);
  x_focus (other);
  key ("Escape");
  test_wait_ms (200);
  g_assert_null (transient_of (window, GTK_TYPE_FILE_CHOOSER_DIALOG));
  x_focus (GTK_WINDOW (window));

  /* Ctrl+Q closes the window. */
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  key ("ctrl+q");
  test_wait_ms (200);
  g_assert_null (window);
}

/* The visible rows of the catalogue, in order. */
static GPtrArray *
visible_rows (AwWindow *window)
{
  GtkWidget *list = find_widget (GTK_WIDGET (window), GTK_TYPE_LIST_BOX);
  GPtrArray *rows = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child) && gtk_widget_get_visible (child))
      g_ptr_array_add (rows, child);
  return rows;
}

static const char *
row_id (GtkWidget *row)
{
  return aw_scenario_get_id (g_object_get_data (G_OBJECT (row), "scenario"));
}

static const char *
scenario_id (AwWindow *window)
{
  return aw_scenario_get_id (_aw_window_get_scenario (window));
}

static GtkWidget *
focus_of (AwWindow *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

/* At start-up the timeline has the focus: the plain keys are the
 * timeline's and the run's, not typed into the search. */
static void
test_start_up_focus (void)
{
  AwWindow *window;
  GtkWidget *timeline;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  timeline = GTK_WIDGET (aw_window_get_timeline (window));
  x_focus (GTK_WINDOW (window));
  g_assert_true (focus_of (window) == timeline);

  key ("w");
  g_assert_false (aw_timeline_view_is_fitted (AW_TIMELINE_VIEW (timeline)));
  key ("f");
  g_assert_true (aw_timeline_view_is_fitted (AW_TIMELINE_VIEW (timeline)));
  aw_window_set_variant (window, 0);
  aw_window_set_speed (window, 4);
  run_with_key (window, "space");

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* Enter in the search opens the first lesson it finds; Down goes into the
 * list, and on down the list. */
static void
test_search_keys (void)
{
  AwWindow *window;
  GtkWidget *timeline;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *first = NULL;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  timeline = GTK_WIDGET (aw_window_get_timeline (window));
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  x_focus (GTK_WINDOW (window));

  key ("ctrl+f");
  g_assert_true (focus_in_search (window));
  xdotool ("type", "--delay", "20", "WhenAny", NULL);
  test_wait_ms (400);
  rows = visible_rows (window);
  g_assert_cmpuint (rows->len, >=, 1);
  first = g_strdup (row_id (g_ptr_array_index (rows, 0)));
  g_assert_cmpstr (first, !=, "when-all");
  key ("Return");
  g_assert_cmpstr (scenario_id (window), ==, first);
  /* ... and the lesson is ready for its keys. */
  g_assert_true (focus_of (window) == timeline);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Down: into the list, at the first match, then the next. */
  key ("ctrl+f");
  g_assert_true (focus_in_search (window));
  key ("ctrl+a");
  xdotool ("type", "--delay", "20", "thread", NULL);
  test_wait_ms (400);
  rows = visible_rows (window);
  g_assert_cmpuint (rows->len, >=, 2);
  key ("Down");
  g_assert_true (focus_of (window) == g_ptr_array_index (rows, 0));
  test_wait_ms (OPEN_PAUSE_MS);
  g_assert_cmpstr (scenario_id (window), ==, row_id (g_ptr_array_index (rows, 0)));
  key ("Down");
  g_assert_true (focus_of (window) == g_ptr_array_index (rows, 1));
  test_wait_ms (OPEN_PAUSE_MS);
  g_assert_cmpstr (scenario_id (window), ==, row_id (g_ptr_array_index (rows, 1)));

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* Page Down and Up, F11, Space and Escape, whatever the focus is on after
 * a click. */
static void
check_window_keys (AwWindow   *window,
                   const char *after)
{
  g_autofree char *id = g_strdup (scenario_id (window));
  gboolean finished = FALSE;
  gulong handler;

  g_test_message ("the keys after %s", after);
  key ("Next");
  g_assert_cmpstr (scenario_id (window), !=, id);
  key ("Prior");
  g_assert_cmpstr (scenario_id (window), ==, id);

  key ("F11");
  g_assert_true (_aw_window_get_presentation (window));
  key ("F11");
  g_assert_false (_aw_window_get_presentation (window));

  g_assert_true (wait_until (window, is_idle, 10000));
  handler = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  key ("space");
  g_assert_true (_aw_window_is_running (window));
  key ("Escape");
  g_assert_true (test_wait_for (&finished, 10000));
  g_signal_handler_disconnect (window, handler);
  g_assert_true (wait_until (window, is_idle, 10000));
}

static void
test_keys_after_clicks (void)
{
  AwWindow *window;
  GtkWidget *titlebar;
  GtkWidget *variant_dropdown = NULL;
  GtkWidget *speed_dropdown = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_variant (window, 0);
  aw_window_set_speed (window, 4);
  x_focus (GTK_WINDOW (window));
  titlebar = gtk_window_get_titlebar (GTK_WINDOW (window));
  for (GtkWidget *w = find_widget (titlebar, GTK_TYPE_DROP_DOWN); w != NULL; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_DROP_DOWN (w))
      {
        GtkStringList *model = GTK_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (w)));

        if (g_strcmp0 (gtk_string_list_get_string (model, 0), "Compare all") == 0)
          variant_dropdown = w;
        else
          speed_dropdown = w;
      }
  g_assert_nonnull (variant_dropdown);
  g_assert_nonnull (speed_dropdown);

  /* The variant chooser: a variant, then Compare all again. */
  choose_in_dropdown (variant_dropdown, aw_scenario_get_variant (_aw_window_get_scenario (window), 1)->title);
  g_assert_false (compare_setting ());
  check_window_keys (window, "choosing a variant");

  /* The speed. */
  choose_in_dropdown (speed_dropdown, "2×");
  check_window_keys (window, "choosing a speed");

  /* Run, clicked. */
  click (_aw_window_get_run_button (window));
  g_assert_true (_aw_window_is_running (window));
  g_assert_true (wait_until (window, is_idle, 10000));
  check_window_keys (window, "clicking Run");

  /* The replay slider, after a run. */
  run_with_key (window, "F5");
  click (find_widget (GTK_WIDGET (window), GTK_TYPE_SCALE));
  g_assert_cmpint (_aw_window_get_replay_position (window), >=, 0);
  check_window_keys (window, "clicking the replay slider");

  /* A lesson in the list. */
  rows = visible_rows (window);
  click (g_ptr_array_index (rows, 3));
  g_assert_cmpstr (scenario_id (window), ==, row_id (g_ptr_array_index (rows, 3)));
  check_window_keys (window, "clicking a lesson");
  /* Page Down takes the focus along the list: Down goes on from there. */
  click (g_ptr_array_index (rows, 3));
  key ("Next");
  g_assert_true (focus_of (window) == g_ptr_array_index (rows, 4));
  key ("Down");
  test_wait_ms (OPEN_PAUSE_MS);
  g_assert_cmpstr (scenario_id (window), ==, row_id (g_ptr_array_index (rows, 5)));

  /* The task table's tab, and back to the timeline's. */
  click (find_label (GTK_WIDGET (window), "Task table"));
  check_window_keys (window, "clicking the Task table tab");
  click (find_label (GTK_WIDGET (window), "Timeline"));
  check_window_keys (window, "clicking the Timeline tab");

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* The plain wheel pans, as the README says, and the view stays within the
 * run: never before 0, never after the end. */
static void
test_wheel (void)
{
  AwWindow *window;
  AwTimelineView *timeline;
  gint64 start, end, run_end, before;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  timeline = aw_window_get_timeline (window);
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_variant (window, 0);
  aw_window_set_speed (window, 4);
  x_focus (GTK_WINDOW (window));
  run_with_key (window, "F5");
  aw_timeline_view_get_view (timeline, &start, &run_end);
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (run_end, >, 0);

  /* Zoomed in, the wheel moves the view to later times and back. */
  key ("w");
  key ("w");
  aw_timeline_view_get_view (timeline, &before, &end);
  press_over (GTK_WIDGET (timeline), "5", 1);
  aw_timeline_view_get_view (timeline, &start, &end);
  g_assert_cmpint (start, >, before);
  press_over (GTK_WIDGET (timeline), "4", 1);
  aw_timeline_view_get_view (timeline, &start, &end);
  g_assert_cmpint (start, ==, before);

  /* Far back: it stops at 0. */
  press_over (GTK_WIDGET (timeline), "4", 40);
  aw_timeline_view_get_view (timeline, &start, &end);
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (end, >, 0);

  /* Far on: it stops at the end of the run, the span kept. */
  press_over (GTK_WIDGET (timeline), "5", 60);
  aw_timeline_view_get_view (timeline, &start, &end);
  g_assert_cmpint (end, ==, run_end);
  g_assert_cmpint (start, >, 0);

  /* The keys clamp the same way. */
  xdotool ("key", "--delay", "10", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a",
           "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", NULL);
  test_wait_ms (300);
  aw_timeline_view_get_view (timeline, &start, &end);
  g_assert_cmpint (start, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* A shown widget of the type named @name, in @widget or under it. */
static GtkWidget *
find_shown (GtkWidget  *widget,
            const char *name)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), name) && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_shown (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The longest line of the timeline's tooltip, and where it shows. */
static guint
longest_tooltip (AwTimelineView *timeline,
                 double         *x,
                 double         *y)
{
  const AwRenderLayout *layout = aw_timeline_view_get_layout (timeline);
  guint longest = 0;

  for (guint v = 0; v < layout->n_variants; v++)
    for (guint t = 0; ; t++)
      {
        double row_y, row_h, px = layout->plot_x + 2;
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;

        if (!aw_render_layout_task_row (layout, v, t, &row_y, &row_h))
          break;
        text = aw_timeline_view_describe_at (timeline, px, row_y + row_h / 2);
        if (text == NULL)
          continue;
        lines = g_strsplit (text, "\n", -1);
        for (guint i = 0; lines[i] != NULL; i++)
          if (g_utf8_strlen (lines[i], -1) > (glong) longest)
            {
              longest = g_utf8_strlen (lines[i], -1);
              *x = px;
              *y = row_y + row_h / 2;
            }
      }
  return longest;
}

/* The timeline's tooltip wraps its long lines at a readable width. */
static void
test_tooltip_width (void)
{
  AwWindow *window;
  AwTimelineView *timeline;
  GtkWidget *tooltip = NULL;
  g_autofree char *xid = NULL;
  g_autofree char *sx = NULL;
  g_autofree char *sy = NULL;
  graphene_point_t point;
  double x = 0, y = 0, dx, dy;
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  guint longest;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1024, 768);
  timeline = aw_window_get_timeline (window);
  g_assert_true (aw_window_select_scenario (window, "result-vs-await"));
  aw_window_set_variant (window, -1);
  aw_window_set_speed (window, 4);
  x_focus (GTK_WINDOW (window));
  run_with_key (window, "F5");

  /* A line far wider than the width asked for: one error message. */
  longest = longest_tooltip (timeline, &x, &y);
  g_test_message ("the longest line of a tooltip: %u characters", longest);
  g_assert_cmpuint (longest, >, 80);

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (timeline), GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &dx, &dy);
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))));
  sx = g_strdup_printf ("%d", (int) (point.x + dx));
  sy = g_strdup_printf ("%d", (int) (point.y + dy));
  xdotool ("mousemove", "--window", xid, sx, sy, NULL);
  test_wait_ms (50);
  xdotool ("mousemove_relative", "1", "0", NULL);
  while (tooltip == NULL && g_get_monotonic_time () < end)
    {
      test_wait_ms (50);
      tooltip = find_shown (GTK_WIDGET (window), "GtkTooltipWindow");
    }
  g_assert_nonnull (tooltip);
  test_wait_ms (100);

  /* Some 50 characters of the tooltip's type, not one line of 80 and more. */
  g_test_message ("the tooltip: %d x %d px", gtk_widget_get_width (tooltip), gtk_widget_get_height (tooltip));
  g_assert_cmpint (gtk_widget_get_width (tooltip), <, 500);
  g_assert_cmpint (gtk_widget_get_height (tooltip), >, 5 * 14);

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

static char *
theme_setting (void)
{
  return g_settings_get_string (aw_application_get_settings (app), "theme");
}

/* After a menu closes, the window's keys work again at once: Theme >
 * Projector chosen with the pointer, then F5; Text Size > Bigger chosen
 * with the keys, then Space; Ctrl+Q at the end. */
static void
test_menu_then_keys (void)
{
  AwWindow *window;
  GtkWidget *menu_button;
  GtkPopover *popover;
  GtkWidget *item;
  g_autofree char *theme = NULL;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  g_settings_reset (aw_application_get_settings (app), "theme");
  g_settings_reset (aw_application_get_settings (app), "text-scale");
  window = test_window_new (app, 1280, 800);
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_variant (window, 0);
  aw_window_set_speed (window, 4);
  x_focus (GTK_WINDOW (window));
  menu_button = find_widget (gtk_window_get_titlebar (GTK_WINDOW (window)), GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (menu_button);

  /* The pointer: the menu, Theme, Projector. */
  click (menu_button);
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button));
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  item = find_menu_item (GTK_WIDGET (popover), "Theme");
  g_assert_nonnull (item);
  click (item);
  item = find_menu_item (GTK_WIDGET (popover), "Projector");
  g_assert_nonnull (item);
  click (item);
  test_wait_ms (300);
  theme = theme_setting ();
  g_assert_cmpstr (theme, ==, "projector");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));

  run_with_key (window, "F5");

  /* The keys: F10 opens the menu, S is Text _Size, B is _Bigger. */
  key ("F10");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  key ("s");
  key ("b");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));
  g_assert_cmpfloat_with_epsilon (text_scale_setting (), 1.1, 1e-6);

  run_with_key (window, "space");

  /* A dialog from the menu: the shortcuts, closed with Escape. */
  click (menu_button);
  item = find_menu_item (GTK_WIDGET (popover), "Keyboard Shortcuts");
  g_assert_nonnull (item);
  click (item);
  test_wait_ms (300);
  g_assert_nonnull (transient_of (window, GTK_TYPE_SHORTCUTS_WINDOW));
  x_focus (transient_of (window, GTK_TYPE_SHORTCUTS_WINDOW));
  key ("Escape");
  g_assert_null (transient_of (window, GTK_TYPE_SHORTCUTS_WINDOW));
  /* (Without a window manager, the test gives the window back its X focus.) */
  x_focus (GTK_WINDOW (window));
  run_with_key (window, "space");

  /* And Ctrl+Q closes the window. */
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  key ("ctrl+q");
  test_wait_ms (200);
  g_assert_null (window);

  g_settings_reset (aw_application_get_settings (app), "theme");
  g_settings_reset (aw_application_get_settings (app), "text-scale");
}

/* Predict asks first; the teacher types the class's guess and presses
 * Enter in the field: the run starts with that guess. */
static void
test_predict_enter (void)
{
  AwWindow *window;
  GtkWindow *dialog;
  gboolean finished = FALSE;
  const char *card;
  gulong id;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_variant (window, -1);
  aw_window_set_speed (window, 4);
  g_action_group_activate_action (G_ACTION_GROUP (window), "quiz", NULL);
  x_focus (GTK_WINDOW (window));
  key ("F5");
  g_assert_false (_aw_window_is_running (window));
  dialog = transient_of (window, GTK_TYPE_WINDOW);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Predict, Then Run");

  /* The first field ("One by one") has the focus: 2.5 over its 1.0, then Enter. */
  x_focus (dialog);
  g_assert_true (GTK_IS_SPIN_BUTTON (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)),
                                                              GTK_TYPE_SPIN_BUTTON)));
  id = g_signal_connect_swapped (window, "run-finished", G_CALLBACK (test_set_flag), &finished);
  key ("ctrl+a");
  xdotool ("type", "2.5", NULL);
  key ("Return");
  test_wait_ms (300);
  g_assert_true (finished || _aw_window_is_running (window));
  g_assert_null (transient_of (window, GTK_TYPE_WINDOW));
  g_assert_true (test_wait_for (&finished, 30000));
  g_signal_handler_disconnect (window, id);

  card = aw_lesson_panel_get_outcome (_aw_window_get_lesson_panel (window));
  g_test_message ("card: %s", card);
  g_assert_nonnull (strstr (card, "One by one: predicted 2.50 s, measured"));
  g_assert_nonnull (strstr (card, "WhenAll: predicted 1.00 s, measured"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "quiz", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* In the lesson list the arrows select and only Enter, a click or a pause
 * opens: a screen reader user hears each title on the way without loading
 * each lesson. Tab and Shift+Tab leave the list in one press, from any
 * row. */
static void
test_list_keys (void)
{
  AwWindow *window;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *list;
  guint first = 0;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  x_focus (GTK_WINDOW (window));
  rows = visible_rows (window);
  list = find_widget (GTK_WIDGET (window), GTK_TYPE_LIST_BOX);
  while (g_strcmp0 (row_id (g_ptr_array_index (rows, first)), "when-all") != 0)
    first++;
  g_assert_cmpuint (first + 3, <, rows->len);
  g_assert_true (gtk_widget_grab_focus (g_ptr_array_index (rows, first)));

  /* Down, Down: the focus and the selection move, the lesson stays. */
  key ("Down");
  key ("Down");
  g_assert_true (focus_of (window) == g_ptr_array_index (rows, first + 2));
  g_assert_true (gtk_list_box_get_selected_row (GTK_LIST_BOX (list)) == g_ptr_array_index (rows, first + 2));
  g_assert_cmpstr (scenario_id (window), ==, "when-all");
  /* Enter opens the selected lesson at once. */
  key ("Return");
  g_assert_cmpstr (scenario_id (window), ==, row_id (g_ptr_array_index (rows, first + 2)));

  /* Up, then a pause: the lesson opens by itself. */
  key ("Up");
  g_assert_cmpstr (scenario_id (window), ==, row_id (g_ptr_array_index (rows, first + 2)));
  test_wait_ms (OPEN_PAUSE_MS);
  g_assert_cmpstr (scenario_id (window), ==, row_id (g_ptr_array_index (rows, first + 1)));

  /* Tab from a row: out of the list in one press, and no lesson opened. */
  key ("Tab");
  g_assert_nonnull (focus_of (window));
  g_assert_false (gtk_widget_is_ancestor (focus_of (window), list));
  g_assert_cmpstr (scenario_id (window), ==, row_id (g_ptr_array_index (rows, first + 1)));

  /* Shift+Tab from a row: out the other way, to the search. */
  g_assert_true (gtk_widget_grab_focus (g_ptr_array_index (rows, first + 1)));
  key ("shift+Tab");
  g_assert_true (focus_in_search (window));

  /* And Tab from the search comes back to the lesson shown, in one press. */
  key ("Tab");
  g_assert_true (focus_of (window) == g_ptr_array_index (rows, first + 1));
  test_wait_ms (OPEN_PAUSE_MS);
  g_assert_cmpstr (scenario_id (window), ==, row_id (g_ptr_array_index (rows, first + 1)));

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* In the Task table the arrows move between tasks and Tab leaves the
 * table in one press; Shift+Tab comes back to the same task. */
static void
test_table_keys (void)
{
  AwWindow *window;
  GtkWidget *view;
  GtkWidget *row;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_variant (window, -1);
  aw_window_set_speed (window, 4);
  x_focus (GTK_WINDOW (window));
  run_with_key (window, "F5");
  g_assert_cmpuint (aw_task_table_get_n_rows (_aw_window_get_task_table (window)), >=, 4);

  gtk_stack_set_visible_child_name (window->view_stack, "table");
  test_wait_ms (150);
  view = GTK_WIDGET (aw_task_table_get_view (_aw_window_get_task_table (window)));
  g_assert_true (gtk_widget_child_focus (view, GTK_DIR_TAB_FORWARD));
  key ("Down");
  key ("Down");
  row = focus_of (window);
  g_assert_true (gtk_widget_is_ancestor (row, view));

  key ("Tab");
  g_assert_nonnull (focus_of (window));
  g_assert_false (gtk_widget_is_ancestor (focus_of (window), view));
  key ("shift+Tab");
  g_assert_true (focus_of (window) == row);
  key ("shift+Tab");
  g_assert_false (gtk_widget_is_ancestor (focus_of (window), view));

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* Left and Right switch the Timeline and Task table tabs when the focus is
 * on them, and the focus goes along to the tab shown. */
static void
test_tab_keys (void)
{
  AwWindow *window;
  GtkWidget *first;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  x_focus (GTK_WINDOW (window));
  first = gtk_widget_get_first_child (window->view_switcher);
  g_assert_nonnull (first);
  gtk_widget_grab_focus (first);
  test_wait_ms (100);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->view_stack), ==, "timeline");

  key ("Right");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->view_stack), ==, "table");
  g_assert_true (gtk_widget_is_ancestor (focus_of (window), window->view_switcher));
  g_assert_true (focus_of (window) != first);
  key ("Left");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->view_stack), ==, "timeline");
  g_assert_true (focus_of (window) == first);

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* The focus is on the outcome card's text, with nothing selected. */
static gboolean
focus_on_outcome (AwWindow *window)
{
  GtkWidget *focus = focus_of (window);

  return GTK_IS_LABEL (focus) && gtk_widget_is_ancestor (focus, GTK_WIDGET (window->lesson)) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (focus)), aw_lesson_panel_get_outcome (window->lesson)) == 0 &&
         !gtk_label_get_selection_bounds (GTK_LABEL (focus), NULL, NULL);
}

static gboolean
focus_on_lesson_row (AwWindow   *window,
                     const char *id)
{
  GtkWidget *focus = focus_of (window);

  return GTK_IS_LIST_BOX_ROW (focus) && g_strcmp0 (row_id (focus), id) == 0;
}

/* F6 goes from region to region: the header bar, the catalogue (on the
 * lesson on show), the view, the lesson panel (on the outcome card, what
 * the run did); Shift+F6 goes back. GtkPaned's own F6 would stay within
 * one paned. A hidden catalogue is passed over. */
static void
test_region_keys (void)
{
  AwWindow *window;
  GtkWidget *timeline;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1280, 800);
  timeline = GTK_WIDGET (aw_window_get_timeline (window));
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  x_focus (GTK_WINDOW (window));
  gtk_widget_grab_focus (timeline);
  test_wait_ms (100);

  key ("F6");
  g_assert_true (focus_on_outcome (window));
  key ("F6");
  g_assert_true (focus_of (window) == window->sidebar_button);
  key ("F6");
  g_assert_true (focus_on_lesson_row (window, "when-all"));
  key ("F6");
  g_assert_true (focus_of (window) == timeline);

  key ("shift+F6");
  g_assert_true (focus_on_lesson_row (window, "when-all"));
  key ("shift+F6");
  g_assert_true (focus_of (window) == window->sidebar_button);
  key ("shift+F6");
  g_assert_true (focus_on_outcome (window));
  key ("shift+F6");
  g_assert_true (focus_of (window) == timeline);

  /* From the view's tabs too. */
  gtk_widget_grab_focus (gtk_widget_get_first_child (window->view_switcher));
  test_wait_ms (100);
  key ("F6");
  g_assert_true (focus_on_outcome (window));

  key ("F9");
  g_assert_false (gtk_widget_get_visible (window->sidebar));
  key ("F6");
  g_assert_true (focus_of (window) == window->sidebar_button);
  key ("F6");
  g_assert_true (focus_of (window) == timeline);
  key ("shift+F6");
  g_assert_true (focus_of (window) == window->sidebar_button);
  key ("F9");

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* In presentation mode at 1024x768 the rows keep their size and the
 * picture is taller than its pane: the wheel scrolls the pane there, and
 * Shift+wheel pans the time. */
static void
test_wheel_scrolls_tall (void)
{
  AwWindow *window;
  AwTimelineView *timeline;
  GtkAdjustment *v;
  gint64 start, end, before_start, before_end;
  double before;

  if (!have_tools ())
    {
      g_test_skip ("needs an X display and xdotool, and no valgrind");
      return;
    }

  window = test_window_new (app, 1024, 768);
  timeline = aw_window_get_timeline (window);
  g_assert_true (aw_window_select_scenario (window, "when-all"));
  aw_window_set_variant (window, -1);
  aw_window_set_speed (window, 4);
  aw_window_set_presentation_full (window, TRUE, FALSE);
  x_focus (GTK_WINDOW (window));
  run_with_key (window, "F5");
  key ("w");
  key ("w");
  v = gtk_scrolled_window_get_vadjustment (window->timeline_scroller);
  g_assert_cmpfloat (gtk_adjustment_get_upper (v), >, gtk_adjustment_get_page_size (v) + 1);

  gtk_adjustment_set_value (v, 0);
  test_wait_ms (100);
  aw_timeline_view_get_view (timeline, &before_start, &before_end);
  press_over (GTK_WIDGET (window->timeline_scroller), "5", 3);
  aw_timeline_view_get_view (timeline, &start, &end);
  g_assert_cmpfloat (gtk_adjustment_get_value (v), >, 0);
  g_assert_cmpint (start, ==, before_start);

  before = gtk_adjustment_get_value (v);
  xdotool ("keydown", "shift", NULL);
  press_over (GTK_WIDGET (window->timeline_scroller), "5", 1);
  xdotool ("keyup", "shift", NULL);
  test_wait_ms (100);
  aw_timeline_view_get_view (timeline, &start, &end);
  g_assert_cmpint (start, >, before_start);
  g_assert_cmpfloat (gtk_adjustment_get_value (v), ==, before);

  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

int
main (int    argc,
      char **argv)
{
  if (!test_app_init (&argc, &argv))
    return 0;

  app = test_app_new ();

  g_test_add_func ("/aw/app/keys/run", test_run_keys);
  g_test_add_func ("/aw/app/keys/tabs", test_tab_keys);
  g_test_add_func ("/aw/app/keys/regions", test_region_keys);
  g_test_add_func ("/aw/app/keys/wheel-scrolls-tall", test_wheel_scrolls_tall);
  g_test_add_func ("/aw/app/keys/text-fields", test_text_fields);
  g_test_add_func ("/aw/app/keys/window", test_window_keys);
  g_test_add_func ("/aw/app/keys/predict-enter", test_predict_enter);
  g_test_add_func ("/aw/app/keys/menu-then-keys", test_menu_then_keys);
  g_test_add_func ("/aw/app/keys/start-up-focus", test_start_up_focus);
  g_test_add_func ("/aw/app/keys/search", test_search_keys);
  g_test_add_func ("/aw/app/keys/list", test_list_keys);
  g_test_add_func ("/aw/app/keys/table", test_table_keys);
  g_test_add_func ("/aw/app/keys/after-clicks", test_keys_after_clicks);
  g_test_add_func ("/aw/app/keys/wheel", test_wheel);
  g_test_add_func ("/aw/app/keys/tooltip-width", test_tooltip_width);

  return test_app_run (&app);
}
