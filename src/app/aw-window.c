/* aw-window.c: the main window: catalogue, run controls, timeline, lesson
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file builds the window, keeps its catalogue and switches
 * presentation mode; the other concerns have files of their own (see
 * aw-window-private.h).
 */

#include "config.h"

#include <stdlib.h>

#include "aw-window-private.h"

#include "aw-catalog.h"
#include "aw-i18n.h"

#include <string.h>

G_DEFINE_FINAL_TYPE (AwWindow, aw_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  RUN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_SESSION,
  PROP_PRESENTATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* State ------------------------------------------------------------------ */

void
_aw_window_update_actions (AwWindow *self)
{
  gboolean running = aw_session_get_running (self->session);
  gboolean have_runs = aw_session_get_n_runs (self->session) > 0;
  gboolean csharp = _aw_window_csharp_is_open (self);
  gboolean variants = !csharp && self->scenario != NULL && aw_scenario_get_n_variants (self->scenario) > 1;
  GAction *quiz = g_action_map_lookup_action (G_ACTION_MAP (self), "quiz");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run", !running && self->scenario != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel", running && !self->cancelled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", !running && have_runs);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-trace", !running && have_runs);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-csharp", csharp);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.revert-example",
                                 !running && csharp && _aw_window_csharp_is_example (self));

  /* A C# file of the user's own has no variants to choose or compare and
   * no times to predict: the lesson's controls go while it is open, and
   * come back with a lesson. */
  gtk_widget_set_visible (GTK_WIDGET (self->variant_dropdown), variants);
  gtk_widget_set_visible (self->bar_compare_button, !csharp);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare-toggle", !csharp);
  gtk_widget_set_visible (self->quiz_button, !csharp);
  gtk_widget_set_visible (self->bar_quiz_button, !csharp);
  if (quiz != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (quiz), !csharp);
}

void
_aw_window_show_error (AwWindow   *self,
                       const char *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  /* A banner that goes keeps its text while it slides away: emptied at
   * once, the wrapped label's height would change under GtkRevealer's
   * animation, which GTK 4.8 reports as overlapping widgets. */
  if (message != NULL)
    gtk_label_set_text (self->error_label, message);
  /* Selectable, so that the message can be copied; a selectable label takes
   * the focus, so the hidden banner must not be. */
  gtk_label_set_selectable (self->error_label, message != NULL);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* The banner with links in it (a compiler error's place); @message is the
 * same text without them. */
void
_aw_window_show_error_markup (AwWindow   *self,
                              const char *message,
                              const char *markup)
{
  _aw_window_show_error (self, message);
  if (message != NULL && markup != NULL)
    gtk_label_set_markup (self->error_label, markup);
}

static gboolean
clear_status (gpointer data)
{
  AwWindow *self = data;

  self->status_timeout = 0;
  /* Back to what is open: a C# file of the user's own, or a lesson's part. */
  if (_aw_window_csharp_is_open (self))
    gtk_label_set_text (self->subtitle_label, _("C# on Mono"));
  else
    gtk_label_set_text (self->subtitle_label,
                        self->scenario ? aw_scenario_get_part_title (self->scenario) : "");
  return G_SOURCE_REMOVE;
}

void
_aw_window_show_status (AwWindow   *self,
                        const char *text)
{
  gtk_label_set_text (self->subtitle_label, text);
  g_clear_handle_id (&self->status_timeout, g_source_remove);
  self->status_timeout = g_timeout_add_seconds (4, clear_status, self);
  /* The header bar is hidden in full screen: say it where it is seen. */
  if (self->presentation)
    _aw_window_toast (self, text);
}

/* The catalogue ---------------------------------------------------------- */

static GtkListBoxRow *find_row (AwWindow   *self,
                                AwScenario *scenario,
                                const char *id);

void
_aw_window_set_scenario (AwWindow   *self,
                         AwScenario *scenario)
{
  g_autoptr(GtkStringList) variants = NULL;
  gboolean compare = TRUE;
  gboolean left_csharp = _aw_window_csharp_is_open (self);

  /* A lesson takes the place of an open C# file, whose edits are asked
   * about first (the answer comes back here). */
  if (left_csharp && !_aw_window_csharp_leave (self, scenario))
    return;
  if (self->scenario == scenario && !left_csharp)
    return;

  _aw_window_stop_replay (self);
  _aw_window_abandon_run (self);
  _aw_window_clear_run (self);
  g_set_object (&self->scenario, scenario);
  if (left_csharp)
    {
      /* The list had no lesson chosen while the file was open. */
      GtkListBoxRow *row = find_row (self, scenario, NULL);

      gtk_list_box_set_selection_mode (self->scenario_list, GTK_SELECTION_BROWSE);
      if (row != NULL && gtk_list_box_get_selected_row (self->scenario_list) != row)
        gtk_list_box_select_row (self->scenario_list, row);
      /* The file's compile errors, and their links, went with it. */
      _aw_window_show_error (self, NULL);
    }
  aw_session_set_replay_position (self->session, -1);
  g_array_set_size (self->predictions, 0);
  aw_task_table_set_runs (self->table, NULL, 0);

  gtk_label_set_text (self->title_label, aw_scenario_get_title (scenario));
  gtk_label_set_text (self->subtitle_label, aw_scenario_get_part_title (scenario));
  _aw_window_update_presentation_header (self);
  gtk_window_set_title (GTK_WINDOW (self), aw_scenario_get_title (scenario));
  aw_lesson_panel_set_scenario (self->lesson, scenario);
  self->revealed = FALSE;
  _aw_window_update_answers (self);
  aw_timeline_view_set_runs (self->timeline, aw_scenario_get_title (scenario), NULL, 0);

  variants = gtk_string_list_new (NULL);
  gtk_string_list_append (variants, aw_scenario_get_n_variants (scenario) > 1 ? _("Compare all")
                                                                             : C_("action", "Run"));
  for (guint i = 0; i < aw_scenario_get_n_variants (scenario); i++)
    gtk_string_list_append (variants, aw_scenario_get_variant (scenario, i)->title);
  self->choosing_scenario = TRUE;
  gtk_drop_down_set_model (self->variant_dropdown, G_LIST_MODEL (variants));
  if (self->settings != NULL)
    compare = g_settings_get_boolean (self->settings, "compare");
  gtk_drop_down_set_selected (self->variant_dropdown, compare ? 0 : 1);
  self->choosing_scenario = FALSE;

  if (self->settings != NULL && aw_scenario_get_part (scenario) != USER_FILES_PART &&
      g_str_has_prefix (aw_scenario_get_source (scenario), "/org/awaitscope/"))
    g_settings_set_string (self->settings, "last-scenario", aw_scenario_get_id (scenario));

  _aw_window_update_actions (self);
}

/* The catalogue opens a lesson on Enter, a click, or after the selection
 * rests for this long: moving through the list with the arrows (as a
 * screen reader user does, hearing each title) must not load, and wipe
 * the last run, at every row passed. */
#define OPEN_PAUSE_MS 600

static void
open_row (AwWindow      *self,
          GtkListBoxRow *row)
{
  AwScenario *scenario;

  g_clear_handle_id (&self->open_timeout_id, g_source_remove);
  if (row == NULL)
    return;
  scenario = g_object_get_data (G_OBJECT (row), "scenario");
  if (scenario != NULL)
    _aw_window_set_scenario (self, scenario);
}

static gboolean
open_selected_row (gpointer data)
{
  AwWindow *self = data;
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->scenario_list);

  self->open_timeout_id = 0;
  if (row != NULL && gtk_widget_get_child_visible (GTK_WIDGET (row)))
    open_row (self, row);
  return G_SOURCE_REMOVE;
}

static void
on_row_selected (GtkListBox    *box,
                 GtkListBoxRow *row,
                 AwWindow      *self)
{
  g_clear_handle_id (&self->open_timeout_id, g_source_remove);
  if (row == NULL || g_object_get_data (G_OBJECT (row), "scenario") == self->scenario)
    return;
  self->open_timeout_id = g_timeout_add (OPEN_PAUSE_MS, open_selected_row, self);
}

/* Enter, Space or a click on a lesson. */
static void
on_row_activated (GtkListBox    *box,
                  GtkListBoxRow *row,
                  AwWindow      *self)
{
  open_row (self, row);
}

/* A lesson's row. The part headings GtkListBox draws between rows are
 * children of the list on AT-SPI, where a screen reader counts them as
 * items ("3 of 20" for 16 lessons) and finds them after the last row; so
 * they are hidden from it, and the row that starts a part holds the
 * heading instead (an empty box with the heading role, see header_func),
 * and says its part in its name. */
GtkWidget *
_aw_window_make_row (AwScenario *scenario,
                     gboolean    user_file)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *heading = g_object_new (GTK_TYPE_BOX, "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING, NULL);
  GtkWidget *title = gtk_label_new (aw_scenario_get_title (scenario));
  GtkWidget *id = gtk_label_new (user_file ? aw_scenario_get_source (scenario) : aw_scenario_get_id (scenario));

  gtk_widget_set_visible (heading, FALSE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_set_margin_bottom (title, 2);
  gtk_label_set_xalign (GTK_LABEL (id), 0);
  gtk_label_set_ellipsize (GTK_LABEL (id), PANGO_ELLIPSIZE_START);
  gtk_widget_add_css_class (id, "scenario-id");
  gtk_widget_add_css_class (id, "muted-text");
  gtk_widget_add_css_class (box, "scenario-row");
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), id);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "scenario", g_object_ref (scenario), g_object_unref);
  g_object_set_data (G_OBJECT (row), "heading", heading);
  g_object_set_data (G_OBJECT (row), "part",
                     GUINT_TO_POINTER (user_file ? USER_FILES_PART : aw_scenario_get_part (scenario)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, aw_scenario_get_title (scenario),
                                  -1);
  return row;
}

static const char *
row_part_title (GtkListBoxRow *row)
{
  guint part = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "part"));
  AwScenario *scenario = g_object_get_data (G_OBJECT (row), "scenario");

  return part == USER_FILES_PART ? _("Opened files") : aw_scenario_get_part_title (scenario);
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  guint part = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "part"));
  guint before_part = before ? GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (before), "part")) : 0;
  AwScenario *scenario = g_object_get_data (G_OBJECT (row), "scenario");
  GtkWidget *heading = g_object_get_data (G_OBJECT (row), "heading");
  gboolean starts_part = part != before_part;

  if (starts_part)
    {
      GtkWidget *label = gtk_label_new (row_part_title (row));
      g_autofree char *name = g_strdup_printf ("%s: %s", row_part_title (row), aw_scenario_get_title (scenario));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "part-header");
      gtk_widget_add_css_class (label, "muted-text");
      gtk_accessible_update_state (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      gtk_list_box_row_set_header (row, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (heading),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, row_part_title (row),
                                      -1);
      /* Heard as the focus crosses into the part, as the heading is seen. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
  else
    {
      gtk_list_box_row_set_header (row, NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, aw_scenario_get_title (scenario),
                                      -1);
    }
  if (heading != NULL)
    gtk_widget_set_visible (heading, starts_part);
}

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  AwWindow *self = user_data;
  AwScenario *scenario = g_object_get_data (G_OBJECT (row), "scenario");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *needle = NULL;
  g_autofree char *hay = NULL;
  g_autofree char *raw = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;
  raw = g_strdup_printf ("%s %s %s %s", aw_scenario_get_title (scenario), aw_scenario_get_id (scenario),
                         aw_scenario_get_summary (scenario) ? aw_scenario_get_summary (scenario) : "",
                         aw_scenario_get_part_title (scenario) ? aw_scenario_get_part_title (scenario) : "");
  needle = g_utf8_casefold (text, -1);
  hay = g_utf8_casefold (raw, -1);
  return strstr (hay, needle) != NULL;
}

/* GtkListBox hides a filtered row from the eye only: AT-SPI still lists it,
 * and a screen reader would say "List with 16 items" after any search. */
static gboolean
filter_and_hide (GtkListBoxRow *row,
                 gpointer       user_data)
{
  gboolean shown = filter_func (row, user_data);

  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_HIDDEN, !shown, -1);
  return shown;
}

/* How many lessons the search finds, said where a screen reader reads it:
 * the search field's description (read as it changes, while typing) and
 * the list's. */
static void
update_match_count (AwWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *count = NULL;
  guint shown = 0, total = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->scenario_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child))
      {
        total++;
        if (filter_func (GTK_LIST_BOX_ROW (child), self))
          shown++;
      }

  if (text == NULL || *text == '\0')
    count = g_strdup_printf (NG_("%u lesson", "%u lessons", total), total);
  else if (shown == 0)
    /* Translators: %s is what the reader typed into the lesson search. */
    count = g_strdup_printf (_("No lesson matches “%s”"), text);
  else
    /* Translators: the lessons a search shows, of all of them; %3$s is
     * what the reader typed into the search. */
    count = g_strdup_printf (NG_("%u lesson of %u matches “%s”", "%u lessons of %u match “%s”", shown),
                             shown, total, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scenario_list),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, count,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, count,
                                  -1);
}

static void
on_search_changed (GtkSearchEntry *entry,
                   AwWindow       *self)
{
  gtk_list_box_invalidate_filter (self->scenario_list);
  update_match_count (self);
}

static GtkListBoxRow *
find_row (AwWindow   *self,
          AwScenario *scenario,
          const char *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->scenario_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AwScenario *s;

      if (!GTK_IS_LIST_BOX_ROW (child))
        continue;
      s = g_object_get_data (G_OBJECT (child), "scenario");
      if (s == scenario || (id != NULL && g_strcmp0 (aw_scenario_get_id (s), id) == 0))
        return GTK_LIST_BOX_ROW (child);
    }
  return NULL;
}

/**
 * aw_window_select_scenario:
 * @id: a scenario id from the catalogue
 *
 * Returns: %TRUE if the scenario exists and is now shown
 */
gboolean
aw_window_select_scenario (AwWindow   *self,
                           const char *id)
{
  GtkListBoxRow *row = find_row (self, NULL, id);

  if (row == NULL)
    return FALSE;
  gtk_list_box_select_row (self->scenario_list, row);
  open_row (self, row);
  return TRUE;
}

void
_aw_window_move_scenario (AwWindow *self,
                          int       direction)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->scenario_list);
  int index = row ? gtk_list_box_row_get_index (row) : -1;
  GtkListBoxRow *next = gtk_list_box_get_row_at_index (self->scenario_list, index + direction);

  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (next == NULL)
    return;
  gtk_list_box_select_row (self->scenario_list, next);
  open_row (self, next);
  /* In the list, the focus goes along, so that Up and Down go on from
   * the lesson shown. */
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->scenario_list)))
    gtk_widget_grab_focus (GTK_WIDGET (next));
}

/* Presentation mode ------------------------------------------------------ */

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
  g_return_if_fail (AW_IS_WINDOW (self));

  presentation = !!presentation;
  if (self->presentation == presentation)
    return;
  self->presentation = presentation;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION]);

  gtk_widget_set_visible (self->sidebar, !presentation);
  /* The timeline gets the room; the lesson panel keeps the outcome card.
   * The header bar is gone in full screen: the lesson's title and question
   * take its place, and the controls come back with the mouse. */
  gtk_widget_set_visible (self->view_switcher, !presentation);
  gtk_widget_set_visible (self->presentation_header, presentation);
  gtk_widget_set_visible (GTK_WIDGET (self->presentation_bar), presentation);
  if (presentation)
    _aw_window_show_presentation_bar (self);
  if (presentation)
    {
      self->saved_paned_position = gtk_paned_get_position (self->content_paned);
      gtk_paned_set_position (self->content_paned, G_MAXINT / 2);
    }
  else if (self->saved_paned_position > 0)
    gtk_paned_set_position (self->content_paned, self->saved_paned_position);
  if (!presentation)
    gtk_widget_set_size_request (GTK_WIDGET (self->lesson_box), -1, 160);
  if (presentation && fullscreen)
    gtk_window_fullscreen (GTK_WINDOW (self));
  else if (!presentation)
    gtk_window_unfullscreen (GTK_WINDOW (self));
  _aw_window_apply_looks (self);
  if (!aw_session_get_running (self->session) && aw_session_get_n_runs (self->session) > 0)
    _aw_window_show_outcome (self);
  _aw_window_announce (self, presentation ? _("Presentation mode on: full screen, large type, no catalogue. F11 leaves it.")
                                          : _("Presentation mode off"));
}

gboolean
_aw_window_get_presentation (AwWindow *self)
{
  return self->presentation;
}

/* Construction ----------------------------------------------------------- */

static gboolean
aw_window_close_request (GtkWindow *window)
{
  AwWindow *self = AW_WINDOW (window);

  /* Edits to the C# file are asked about first; the answer closes again. */
  if (!self->closing && _aw_window_csharp_is_open (self) && aw_code_view_get_modified (self->code_view))
    {
      g_object_set_data (G_OBJECT (self), "aw-then-close", GINT_TO_POINTER (TRUE));
      _aw_window_csharp_leave (self, NULL);
      return TRUE;
    }

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", MAX (width, 360));
          g_settings_set_int (self->settings, "window-height", MAX (height, 360));
        }
    }
  _aw_window_abandon_run (self);

  return GTK_WINDOW_CLASS (aw_window_parent_class)->close_request (window);
}

static void
aw_window_dispose (GObject *object)
{
  AwWindow *self = AW_WINDOW (object);

  _aw_window_abandon_run (self);
  _aw_window_actions_dispose (self);
  _aw_window_focus_dispose (self);
  g_clear_handle_id (&self->open_timeout_id, g_source_remove);
  if (self->replay_tick_id != 0 && self->timeline != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->timeline), self->replay_tick_id);
  self->replay_tick_id = 0;
  /* Forgotten first: its destroy handler then leaves the card alone. */
  if (self->quiz_dialog != NULL)
    gtk_window_destroy (g_steal_pointer (&self->quiz_dialog));
  if (self->help_overlay != NULL)
    {
      gtk_window_destroy (self->help_overlay);
      g_clear_object (&self->help_overlay);
    }
  if (self->how_to_read != NULL)
    {
      gtk_window_destroy (self->how_to_read);
      g_clear_object (&self->how_to_read);
    }
  if (self->text_css != NULL)
    {
      gtk_style_context_remove_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                                     GTK_STYLE_PROVIDER (self->text_css));
      g_clear_object (&self->text_css);
    }
  g_clear_handle_id (&self->status_timeout, g_source_remove);
  g_clear_handle_id (&self->toast_timeout, g_source_remove);
  g_clear_handle_id (&self->bar_timeout, g_source_remove);
  g_clear_handle_id (&self->looks_idle, g_source_remove);
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), AW_TYPE_WINDOW);
  g_clear_object (&self->scenario);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->scenarios, g_ptr_array_unref);

  G_OBJECT_CLASS (aw_window_parent_class)->dispose (object);
}

static void
aw_window_finalize (GObject *object)
{
  AwWindow *self = AW_WINDOW (object);

  _aw_window_focus_finalize (self);
  g_clear_pointer (&self->queue, g_array_unref);
  g_clear_pointer (&self->predictions, g_array_unref);
  g_free (self->text_css_data);
  g_free (self->error);
  g_free (self->status);

  G_OBJECT_CLASS (aw_window_parent_class)->finalize (object);
}

static void
aw_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  AwWindow *self = AW_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_PRESENTATION:
      g_value_set_boolean (value, self->presentation);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aw_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  AwWindow *self = AW_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PRESENTATION:
      aw_window_set_presentation (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
reapply_looks (gpointer data)
{
  AwWindow *self = data;

  self->looks_idle = 0;
  _aw_window_apply_looks (self);
  return G_SOURCE_REMOVE;
}

/* Presentation mode's type follows the screen's height: going full screen,
 * or onto another screen, sizes it again once the window has its size. */
static void
aw_window_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  AwWindow *self = AW_WINDOW (widget);

  GTK_WIDGET_CLASS (aw_window_parent_class)->size_allocate (widget, width, height, baseline);
  if (self->presentation && abs (height - self->looks_height) > 8 && self->looks_idle == 0)
    self->looks_idle = g_idle_add (reapply_looks, self);
}

static void
aw_window_class_init (AwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = aw_window_dispose;
  object_class->finalize = aw_window_finalize;
  object_class->get_property = aw_window_get_property;
  object_class->set_property = aw_window_set_property;
  window_class->close_request = aw_window_close_request;
  widget_class->size_allocate = aw_window_size_allocate;

  /**
   * AwWindow:session:
   *
   * What the window shows: its runs, the playhead, the view, the looks.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         AW_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * AwWindow:presentation:
   *
   * Presentation mode: full screen, no catalogue, the projector theme and
   * large type. The action `win.presentation` toggles it.
   */
  properties[PROP_PRESENTATION] =
    g_param_spec_boolean ("presentation", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  _aw_window_class_actions_init (widget_class);

  /**
   * AwWindow::run-finished:
   *
   * A run ended: completed, faulted or cancelled; the outcome card is set.
   */
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (AW_TYPE_SESSION);
  g_type_ensure (AW_TYPE_TIMELINE_VIEW);
  g_type_ensure (AW_TYPE_TASK_TABLE);
  g_type_ensure (AW_TYPE_LESSON_PANEL);
  g_type_ensure (AW_TYPE_CODE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/awaitscope/Awaitscope/aw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AwWindow, session);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, csharp_section);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, variant_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, quiz_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, bar_compare_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, bar_quiz_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, notice_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, presentation_header);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, presentation_title);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, presentation_question);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, toast_revealer);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, toast_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, announcer);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, presentation_bar);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, main_paned);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, scenario_list);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, lesson_box);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, timeline_scroller);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, legend_help_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, table);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, code_page);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, code_view);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, code_path_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, lesson);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, replay_bar);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, replay_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, replay_scale);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, replay_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, replay_speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, view_switcher);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, content_paned);

  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_speed_selected",
                                                G_CALLBACK (_aw_window_on_speed_selected));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_variant_selected",
                                                G_CALLBACK (_aw_window_on_variant_selected));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_replay_scale_changed",
                                                G_CALLBACK (_aw_window_on_replay_scale_changed));
}

/* A menu's name as a label shows it: without the mnemonic's "_". */
static void
strip_mnemonic (char *name)
{
  char *out = name;

  for (const char *in = name; *in != '\0'; in++)
    if (*in != '_')
      *out++ = *in;
  *out = '\0';
}

/* GTK 4.8 gives the item that opens a submenu of a GtkPopoverMenu (Theme,
 * Watchdog Deadline, Text Size) nothing that says so: a screen reader
 * reads it as any other item. It is marked as ARIA marks a menu item with
 * a submenu: it has a popup (which 4.8 does not pass on to AT-SPI; later
 * GTKs do) and is not expanded, which 4.8 passes on as "expandable", so
 * Orca says "Theme collapsed". The items are GTK's private GtkModelButton:
 * the one that opens a submenu is named after it ("menu-name" is its own
 * label), where a submenu's title, which goes back, names the menu it
 * goes back to. */
static void
mark_submenu_items (GtkWidget *widget)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (widget), "menu-name") != NULL &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (widget), "text") != NULL)
    {
      g_autofree char *menu_name = NULL;
      g_autofree char *text = NULL;

      g_object_get (widget, "menu-name", &menu_name, "text", &text, NULL);
      if (menu_name != NULL)
        strip_mnemonic (menu_name);
      if (menu_name != NULL && g_strcmp0 (menu_name, text) == 0)
        {
          gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                          GTK_ACCESSIBLE_PROPERTY_HAS_POPUP, TRUE,
                                          -1);
          gtk_accessible_update_state (GTK_ACCESSIBLE (widget),
                                       GTK_ACCESSIBLE_STATE_EXPANDED, FALSE,
                                       -1);
        }
      else if (g_strcmp0 (menu_name, "main") == 0)
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Back to the main menu"),
                                        -1);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    mark_submenu_items (child);
}

/* The menu and its pages (a GtkStack, one page per submenu) would be read
 * by their class names, "GtkPopoverMenu menu" and "GtkStackPage panel";
 * named, a submenu says it is one as it opens ("Theme submenu"). */
static void
name_menu_pages (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget))
    {
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          GtkStackPage *page = gtk_stack_get_page (GTK_STACK (widget), child);
          g_autofree char *name = g_strdup (gtk_stack_page_get_name (page));
          g_autofree char *label = NULL;

          if (name == NULL)
            continue;
          strip_mnemonic (name);
          /* Translators: %s is a submenu's title, such as "Theme". */
          label = g_str_equal (name, "main") ? g_strdup (_("Main menu")) : g_strdup_printf (_("%s submenu"), name);
          gtk_accessible_update_property (GTK_ACCESSIBLE (page),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                          -1);
        }
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_menu_pages (child);
}

/* The main menu's popover, some thirty widgets, is built the first time it
 * opens rather than before the window's first frame. */
static void
create_primary_menu (GtkMenuButton *button,
                     gpointer       user_data)
{
  AwWindow *self = user_data;
  GtkWidget *popover;

  if (gtk_menu_button_get_popover (button) != NULL)
    return;
  gtk_menu_button_set_menu_model (button, self->primary_menu);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (button));
  /* Read with its role: "Main menu". */
  gtk_accessible_update_property (GTK_ACCESSIBLE (popover),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, C_("menu", "Main"),

                                  -1);
  name_menu_pages (popover);
  mark_submenu_items (popover);
}

/* A development build (-Dprofile=development) is another application with
 * its own settings; its header bar is striped and says so, as GNOME's
 * development builds do, so it is never taken for the installed one. */
static void
mark_development_build (AwWindow *self)
{
#if AW_DEVELOPMENT_BUILD
  GtkWidget *bar = gtk_window_get_titlebar (GTK_WINDOW (self));
  GtkWidget *badge;

  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
  if (!GTK_IS_HEADER_BAR (bar))
    return;
  /* Translators: a badge in the header bar of a development build; keep it short. */
  badge = gtk_label_new (C_("build profile", "Devel"));
  gtk_widget_add_css_class (badge, "devel-badge");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (badge, _("Built with -Dprofile=development: "
                                        "its own application id and settings"));
  gtk_header_bar_pack_end (GTK_HEADER_BAR (bar), badge);
#endif
}

static void
aw_window_init (AwWindow *self)
{
  g_autoptr(GError) error = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  mark_development_build (self);

  self->live_paint_us = 8 * G_TIME_SPAN_MILLISECOND;   /* until a live frame is measured */
  self->pointer_x = self->pointer_y = -1;
  self->queue = g_array_new (FALSE, FALSE, sizeof (guint));

  _aw_window_actions_init (self);

  self->predictions = g_array_new (FALSE, FALSE, sizeof (double));
  self->text_css = gtk_css_provider_new ();
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (self->text_css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
  gtk_menu_button_set_create_popup_func (self->menu_button, create_primary_menu, self, NULL);

  _aw_window_feedback_init (self);
  _aw_window_csharp_init (self);

  gtk_list_box_set_header_func (self->scenario_list, header_func, NULL, NULL);
  gtk_list_box_set_filter_func (self->scenario_list, filter_and_hide, self, NULL);

  g_signal_connect_object (self->session, "notify::running", G_CALLBACK (_aw_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::n-runs", G_CALLBACK (_aw_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::can-replay", G_CALLBACK (_aw_window_update_replay_sensitivity),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::replay-end", G_CALLBACK (_aw_window_update_replay_bar),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::theme", G_CALLBACK (_aw_window_apply_looks),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::text-scale", G_CALLBACK (_aw_window_apply_looks),
                           self, G_CONNECT_SWAPPED);

  self->scenarios = aw_catalog_load_all (&error);
  if (self->scenarios == NULL)
    {
      _aw_window_show_error (self, error->message);
      self->scenarios = g_ptr_array_new_with_free_func (g_object_unref);
    }
  for (guint i = 0; i < self->scenarios->len; i++)
    gtk_list_box_append (self->scenario_list, _aw_window_make_row (g_ptr_array_index (self->scenarios, i), FALSE));
  update_match_count (self);

  _aw_window_update_actions (self);
  _aw_window_update_replay_sensitivity (self);
  _aw_window_focus_init (self);
}

/**
 * aw_window_new:
 *
 * Returns: (transfer full): a window showing the last scenario (or the
 *   default, `when-all`)
 */
AwWindow *
aw_window_new (AwApplication *application)
{
  AwWindow *self = g_object_new (AW_TYPE_WINDOW, "application", application, NULL);
  GSettings *settings = aw_application_get_settings (application);
  g_autofree char *last = NULL;

  if (settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      last = g_settings_get_string (settings, "last-scenario");
    }
  _aw_window_actions_set_settings (self, settings);
  _aw_window_apply_looks (self);

  if (last == NULL || !aw_window_select_scenario (self, last))
    aw_window_select_scenario (self, AW_CATALOG_DEFAULT_ID);

  return self;
}

/* Setters, and getters for tests ----------------------------------------- */

AwScenario *
_aw_window_get_scenario (AwWindow *self)
{
  return self->scenario;
}

/**
 * _aw_window_set_wait_deadline:
 * @ms: the watchdog deadline of blocking waits, 0 for the scenario's own
 */
void
_aw_window_set_wait_deadline (AwWindow *self,
                              guint     ms)
{
  g_return_if_fail (AW_IS_WINDOW (self));

  self->wait_deadline_ms = MIN (ms, AW_WAIT_MAX_DEADLINE_MS);
}

/**
 * aw_window_set_variant:
 * @index: a variant index, or -1 to compare all
 */
void
aw_window_set_variant (AwWindow *self,
                       int       index)
{
  g_return_if_fail (AW_IS_WINDOW (self));

  gtk_drop_down_set_selected (self->variant_dropdown, index < 0 ? 0 : (guint) index + 1);
}

gboolean
_aw_window_is_running (AwWindow *self)
{
  return aw_session_get_running (self->session);
}

const char *
_aw_window_get_error (AwWindow *self)
{
  return self->error;
}

/**
 * aw_window_get_session:
 *
 * Returns: (transfer none): what the window shows, as properties
 */
AwSession *
aw_window_get_session (AwWindow *self)
{
  g_return_val_if_fail (AW_IS_WINDOW (self), NULL);

  return self->session;
}

AwTimelineView *
aw_window_get_timeline (AwWindow *self)
{
  return self->timeline;
}

AwLessonPanel *
_aw_window_get_lesson_panel (AwWindow *self)
{
  return self->lesson;
}

GtkWidget *
_aw_window_get_run_button (AwWindow *self)
{
  return self->run_button;
}

GtkWidget *
_aw_window_get_legend_help_button (AwWindow *self)
{
  return self->legend_help_button;
}

GtkWindow *
_aw_window_get_how_to_read (AwWindow *self)
{
  return self->how_to_read;
}

GtkWidget *
_aw_window_get_cancel_button (AwWindow *self)
{
  return self->cancel_button;
}

AwTaskTable *
_aw_window_get_task_table (AwWindow *self)
{
  return self->table;
}

AwCodeView *
_aw_window_get_code_view (AwWindow *self)
{
  return self->code_view;
}

GtkWidget *
_aw_window_get_sidebar_button (AwWindow *self)
{
  return self->sidebar_button;
}

GtkWidget *
_aw_window_get_replay_scale (AwWindow *self)
{
  return self->replay_scale;
}

/**
 * _aw_window_get_last_traces:
 *
 * Returns: (transfer container) (element-type AwTrace): the traces of the
 *   last (or current) run, one per variant
 */
GPtrArray *
_aw_window_get_last_traces (AwWindow *self)
{
  return aw_session_dup_traces (self->session);
}

void
_aw_window_emit_run_finished (AwWindow *self)
{
  g_signal_emit (self, signals[RUN_FINISHED], 0);
}
