/* aw-window.c: the main window: catalogue, run controls, timeline, lesson
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run executes the variants one after the other on this thread's main
 * loop, so what the window shows is what really happened to the window's
 * own loop. While a run is live, a frame-clock tick records a heartbeat into
 * the trace (a blocked loop shows as a gap), merges what the workers have
 * published and redraws the timeline once per frame.
 */

#include "config.h"

#include "aw-window.h"

#include "aw-catalog.h"
#include "aw-export.h"
#include "aw-runner.h"
#include "aw-summary.h"

#include <string.h>

#define USER_FILES_PART 99

static const double speeds[] = { 0.25, 0.5, 1.0, 2.0 };

struct _AwWindow {
  GtkApplicationWindow  parent_instance;

  /* Template children */
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkWidget            *sidebar_button;
  GtkWidget            *run_button;
  GtkWidget            *cancel_button;
  GtkDropDown          *speed_dropdown;
  GtkDropDown          *variant_dropdown;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  GtkRevealer          *notice_revealer;
  GtkLabel             *notice_label;
  GtkPaned             *main_paned;
  GtkWidget            *sidebar;
  GtkSearchEntry       *search_entry;
  GtkListBox           *scenario_list;
  GtkBox               *timeline_box;
  GtkBox               *lesson_box;

  AwTimelineView       *timeline;
  AwLessonPanel        *lesson;
  GSettings            *settings;

  GPtrArray            *scenarios;
  AwScenario           *scenario;
  double                speed;
  guint                 wait_deadline_ms;
  char                 *error;
  char                 *status;
  guint                 status_timeout;

  /* The run in progress, or the last one */
  guint                 generation;
  AwScenario           *run_scenario;
  AwRunner             *runner;
  GArray               *queue;
  GPtrArray            *models;
  GArray               *run_variants;
  guint                 tick_id;
  guint                 start_delay_id;
  gboolean              running;
  gboolean              cancelled;

  GtkNativeDialog      *chooser;
};

G_DEFINE_FINAL_TYPE (AwWindow, aw_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  RUN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  GWeakRef window;
  guint    generation;
} RunContext;

static void start_next_variant (AwWindow *self);

/* State ------------------------------------------------------------------------ */

static void
update_actions (AwWindow *self)
{
  GAction *run = g_action_map_lookup_action (G_ACTION_MAP (self), "run");
  GAction *cancel = g_action_map_lookup_action (G_ACTION_MAP (self), "cancel");
  GAction *export = g_action_map_lookup_action (G_ACTION_MAP (self), "export");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (run), !self->running && self->scenario != NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (cancel), self->running && !self->cancelled);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (export), !self->running && self->run_variants->len > 0);
}

static void
show_error (AwWindow   *self,
            const char *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static gboolean
clear_status (gpointer data)
{
  AwWindow *self = data;

  self->status_timeout = 0;
  gtk_label_set_text (self->subtitle_label,
                      self->scenario ? aw_scenario_get_part_title (self->scenario) : "");
  return G_SOURCE_REMOVE;
}

static void
show_status (AwWindow   *self,
             const char *text)
{
  gtk_label_set_text (self->subtitle_label, text);
  g_clear_handle_id (&self->status_timeout, g_source_remove);
  self->status_timeout = g_timeout_add_seconds (4, clear_status, self);
}

static void
clear_run (AwWindow *self)
{
  g_array_set_size (self->queue, 0);
  g_ptr_array_set_size (self->models, 0);
  g_array_set_size (self->run_variants, 0);
  g_clear_object (&self->run_scenario);
}

/* Stops following a run; a run in progress is cancelled and left to finish
 * by itself (its callback sees a newer generation and does nothing). */
static void
abandon_run (AwWindow *self)
{
  self->generation++;
  g_clear_handle_id (&self->start_delay_id, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), FALSE);
  if (self->runner != NULL)
    aw_runner_cancel (self->runner, "The window moved on");
  g_clear_object (&self->runner);
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->timeline), self->tick_id);
      self->tick_id = 0;
    }
  self->running = FALSE;
  self->cancelled = FALSE;
}

/* Running ---------------------------------------------------------------------- */

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  AwWindow *self = user_data;

  /* The heartbeat lane: one event per frame the loop managed to draw. */
  if (self->runner != NULL && aw_runner_get_trace (self->runner) != NULL)
    aw_trace_record (aw_runner_get_trace (self->runner), AW_EVENT_FRAME, 0, 0, 0);

  aw_timeline_view_refresh (self->timeline);
  return G_SOURCE_CONTINUE;
}

static void
finish_run (AwWindow *self)
{
  g_autofree char *card = NULL;

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->timeline), self->tick_id);
      self->tick_id = 0;
    }
  self->running = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), FALSE);
  aw_timeline_view_refresh (self->timeline);

  card = aw_summary_outcome_card ((const AwRenderVariant *) (gpointer) self->run_variants->data,
                                  self->run_variants->len);
  if (self->cancelled && self->queue->len > 0)
    {
      g_autofree char *more = g_strdup_printf ("%s\n%u variant%s not run after the cancel", card,
                                               self->queue->len, self->queue->len == 1 ? "" : "s");
      aw_lesson_panel_set_outcome (self->lesson, more);
    }
  else
    aw_lesson_panel_set_outcome (self->lesson, card);

  self->cancelled = FALSE;
  update_actions (self);
  g_signal_emit (self, signals[RUN_FINISHED], 0);
}

static void
on_variant_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RunContext *ctx = user_data;
  g_autoptr(AwWindow) self = g_weak_ref_get (&ctx->window);
  g_autoptr(GError) error = NULL;

  if (!aw_runner_run_finish (AW_RUNNER (source), result, &error))
    g_warning ("A run could not happen: %s", error->message);

  if (self != NULL && ctx->generation == self->generation)
    {
      g_clear_object (&self->runner);
      if (!self->cancelled && self->queue->len > 0)
        start_next_variant (self);
      else
        finish_run (self);
    }

  g_weak_ref_clear (&ctx->window);
  g_free (ctx);
}

static void
start_next_variant (AwWindow *self)
{
  const AwVariant *variant;
  AwRunOptions options;
  AwRenderVariant rv;
  RunContext *ctx;
  AwTraceModel *model;
  AwTrace *trace;
  guint index;

  index = g_array_index (self->queue, guint, 0);
  g_array_remove_index (self->queue, 0);
  variant = aw_scenario_get_variant (self->run_scenario, index);

  aw_run_options_init (&options);
  options.speed = self->speed;
  options.wait_deadline_ms = self->wait_deadline_ms;
  self->runner = aw_runner_new (self->run_scenario, index, &options);

  ctx = g_new0 (RunContext, 1);
  g_weak_ref_init (&ctx->window, self);
  ctx->generation = self->generation;
  aw_runner_run_async (self->runner, NULL, on_variant_done, ctx);

  trace = aw_runner_get_trace (self->runner);
  aw_trace_set_metadata (trace, "heartbeat_ms", "16.667");

  model = aw_trace_model_new (trace);
  g_ptr_array_add (self->models, model);
  rv.name = variant->name;
  rv.title = variant->title;
  rv.model = model;
  g_array_append_val (self->run_variants, rv);
  aw_timeline_view_set_runs (self->timeline, aw_scenario_get_title (self->run_scenario),
                             (const AwRenderVariant *) (gpointer) self->run_variants->data,
                             self->run_variants->len);
}

static gboolean
start_after_notice (gpointer data)
{
  AwWindow *self = data;

  self->start_delay_id = 0;
  start_next_variant (self);
  return G_SOURCE_REMOVE;
}

/* The longest the queued variants will freeze the window, in ms. */
static guint
queued_freeze_ms (AwWindow *self)
{
  AwRunOptions options;
  guint longest = 0;

  aw_run_options_init (&options);
  options.speed = self->speed;
  options.wait_deadline_ms = self->wait_deadline_ms;
  for (guint i = 0; i < self->queue->len; i++)
    {
      const AwVariant *v = aw_scenario_get_variant (self->run_scenario, g_array_index (self->queue, guint, i));
      longest = MAX (longest, aw_run_estimate_freeze_ms (v->program, &options));
    }
  return longest;
}

static void
start_run (AwWindow *self)
{
  guint selected;
  guint freeze_ms;

  if (self->running || self->scenario == NULL)
    return;

  abandon_run (self);
  clear_run (self);
  show_error (self, NULL);

  self->run_scenario = g_object_ref (self->scenario);
  selected = gtk_drop_down_get_selected (self->variant_dropdown);
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      selected > aw_scenario_get_n_variants (self->scenario))
    {
      for (guint i = 0; i < aw_scenario_get_n_variants (self->scenario); i++)
        g_array_append_val (self->queue, i);
    }
  else
    {
      guint index = selected - 1;
      g_array_append_val (self->queue, index);
    }

  self->running = TRUE;
  self->cancelled = FALSE;
  aw_lesson_panel_set_outcome (self->lesson, "Running…");
  aw_timeline_view_fit (self->timeline);
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->timeline), on_tick, self, NULL);
  update_actions (self);

  /* A run that freezes the window is announced first, and starts only once
   * the notice has been drawn and can be read: a frozen window paints nothing. */
  freeze_ms = queued_freeze_ms (self);
  if (freeze_ms >= 250)
    {
      g_autofree char *notice = g_strdup_printf (
        "This run will freeze the window for about %.1f s. That is the point: the UI thread will be "
        "blocked, so nothing repaints and clicks wait. It will recover by itself.", freeze_ms / 1000.0);

      gtk_label_set_text (self->notice_label, notice);
      gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), TRUE);
      aw_lesson_panel_set_outcome (self->lesson, "About to freeze the window…");
      self->start_delay_id = g_timeout_add (1500, start_after_notice, self);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), FALSE);
  start_next_variant (self);
}

static void
run_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  start_run (AW_WINDOW (user_data));
}

static void
cancel_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);

  if (!self->running || self->cancelled)
    return;
  self->cancelled = TRUE;
  if (self->runner != NULL)
    aw_runner_cancel (self->runner, "Cancel pressed");
  update_actions (self);
}

/* Scenarios --------------------------------------------------------------------- */

static void
set_scenario (AwWindow   *self,
              AwScenario *scenario)
{
  g_autoptr(GtkStringList) variants = NULL;
  gboolean compare = TRUE;

  if (self->scenario == scenario)
    return;

  abandon_run (self);
  clear_run (self);
  g_set_object (&self->scenario, scenario);

  gtk_label_set_text (self->title_label, aw_scenario_get_title (scenario));
  gtk_label_set_text (self->subtitle_label, aw_scenario_get_part_title (scenario));
  gtk_window_set_title (GTK_WINDOW (self), aw_scenario_get_title (scenario));
  aw_lesson_panel_set_scenario (self->lesson, scenario);
  aw_timeline_view_set_runs (self->timeline, aw_scenario_get_title (scenario), NULL, 0);

  variants = gtk_string_list_new (NULL);
  gtk_string_list_append (variants, aw_scenario_get_n_variants (scenario) > 1 ? "Compare all" : "Run");
  for (guint i = 0; i < aw_scenario_get_n_variants (scenario); i++)
    gtk_string_list_append (variants, aw_scenario_get_variant (scenario, i)->title);
  gtk_drop_down_set_model (self->variant_dropdown, G_LIST_MODEL (variants));
  if (self->settings != NULL)
    compare = g_settings_get_boolean (self->settings, "compare");
  gtk_drop_down_set_selected (self->variant_dropdown, compare ? 0 : 1);
  gtk_widget_set_visible (GTK_WIDGET (self->variant_dropdown), aw_scenario_get_n_variants (scenario) > 1);

  if (self->settings != NULL && aw_scenario_get_part (scenario) != USER_FILES_PART &&
      g_str_has_prefix (aw_scenario_get_source (scenario), "/org/awaitscope/"))
    g_settings_set_string (self->settings, "last-scenario", aw_scenario_get_id (scenario));

  update_actions (self);
}

static void
on_row_selected (GtkListBox    *box,
                 GtkListBoxRow *row,
                 AwWindow      *self)
{
  AwScenario *scenario;

  if (row == NULL)
    return;
  scenario = g_object_get_data (G_OBJECT (row), "scenario");
  if (scenario != NULL)
    set_scenario (self, scenario);
}

static GtkWidget *
make_row (AwScenario *scenario,
          gboolean    user_file)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (aw_scenario_get_title (scenario));
  GtkWidget *id = gtk_label_new (user_file ? aw_scenario_get_source (scenario) : aw_scenario_get_id (scenario));

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (id), 0);
  gtk_label_set_ellipsize (GTK_LABEL (id), PANGO_ELLIPSIZE_START);
  gtk_widget_add_css_class (id, "scenario-id");
  gtk_widget_add_css_class (box, "scenario-row");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), id);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "scenario", g_object_ref (scenario), g_object_unref);
  g_object_set_data (G_OBJECT (row), "part",
                     GUINT_TO_POINTER (user_file ? USER_FILES_PART : aw_scenario_get_part (scenario)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, aw_scenario_get_title (scenario),
                                  -1);
  return row;
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  guint part = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "part"));
  guint before_part = before ? GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (before), "part")) : 0;

  if (part != before_part)
    {
      AwScenario *scenario = g_object_get_data (G_OBJECT (row), "scenario");
      GtkWidget *label = gtk_label_new (part == USER_FILES_PART ? "Opened files"
                                                                : aw_scenario_get_part_title (scenario));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "part-header");
      gtk_list_box_row_set_header (row, label);
    }
  else
    gtk_list_box_row_set_header (row, NULL);
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

static void
on_search_changed (GtkSearchEntry *entry,
                   AwWindow       *self)
{
  gtk_list_box_invalidate_filter (self->scenario_list);
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
  on_row_selected (self->scenario_list, row, self);
  return TRUE;
}

/* Files -------------------------------------------------------------------------- */

/**
 * aw_window_open_file:
 * @path: a scenario file
 *
 * Loads a user's scenario, adds it to the catalogue and shows it. A broken
 * file leaves everything as it was and shows the error (file, line,
 * column, problem) in the window.
 *
 * Returns: %TRUE if the file was loaded
 */
gboolean
aw_window_open_file (AwWindow   *self,
                     const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) scenario = aw_scenario_new_from_file (path, &error);
  GtkWidget *row;

  if (scenario == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }

  show_error (self, NULL);
  row = make_row (scenario, TRUE);
  gtk_list_box_append (self->scenario_list, row);
  g_ptr_array_add (self->scenarios, g_object_ref (scenario));
  gtk_list_box_select_row (self->scenario_list, GTK_LIST_BOX_ROW (row));
  set_scenario (self, scenario);
  return TRUE;
}

static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  AwWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        aw_window_open_file (self, path);
    }
  g_clear_object (&self->chooser);
}

static GtkFileFilter *
make_filter (const char *name,
             const char *pattern)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  return filter;
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  g_autoptr(GtkFileFilter) filter = make_filter ("Scenario files (*.json)", "*.json");

  if (self->chooser != NULL)
    return;
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new ("Open Scenario File", GTK_WINDOW (self),
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                  "_Open", "_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (self->chooser);
}

static gboolean
export_to (AwWindow   *self,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *status = NULL;
  g_autofree char *base = NULL;
  AwRenderRequest request;

  caption = g_strdup_printf ("Recorded run, real clock, speed %gx. %s", self->speed,
                             aw_scenario_get_expected_text (self->run_scenario)
                               ? aw_scenario_get_expected_text (self->run_scenario) : "");
  aw_render_request_init (&request);
  request.title = aw_scenario_get_title (self->run_scenario);
  request.caption = caption;
  request.variants = (const AwRenderVariant *) (gpointer) self->run_variants->data;
  request.n_variants = self->run_variants->len;
  request.theme = aw_timeline_view_get_theme (self->timeline);
  request.width = 1280;
  request.height = 720;

  if (!aw_export_image (&request, path, 1, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }
  base = g_path_get_basename (path);
  status = g_strdup_printf ("Saved %s", base);
  show_status (self, status);
  return TRUE;
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    AwWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL && !g_str_has_suffix (path, ".png") && !g_str_has_suffix (path, ".svg") &&
          !g_str_has_suffix (path, ".pdf"))
        {
          char *with_ext = g_strconcat (path, ".png", NULL);
          g_free (path);
          path = with_ext;
        }
      if (path != NULL)
        export_to (self, path);
    }
  g_clear_object (&self->chooser);
}

static void
export_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  g_autofree char *name = NULL;
  g_autoptr(GtkFileFilter) png = make_filter ("PNG image", "*.png");
  g_autoptr(GtkFileFilter) svg = make_filter ("SVG drawing", "*.svg");
  g_autoptr(GtkFileFilter) pdf = make_filter ("PDF document", "*.pdf");

  if (self->chooser != NULL || self->run_variants->len == 0 || self->running)
    return;
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new ("Export Image", GTK_WINDOW (self),
                                                                  GTK_FILE_CHOOSER_ACTION_SAVE,
                                                                  "_Export", "_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), png);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), svg);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), pdf);
  name = g_strdup_printf ("%s.png", aw_scenario_get_id (self->run_scenario));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (self->chooser);
}

/* Other actions -------------------------------------------------------------------- */

static void
dismiss_error_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  show_error (AW_WINDOW (user_data), NULL);
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

static const GActionEntry win_actions[] = {
  { "run", run_action },
  { "cancel", cancel_action },
  { "open", open_action },
  { "export", export_action },
  { "dismiss-error", dismiss_error_action },
  { "fit", fit_action },
  { "sidebar", NULL, NULL, "true", sidebar_action },
  { "search", search_action },
};

static void
on_speed_selected (GtkDropDown *dropdown,
                   GParamSpec  *pspec,
                   AwWindow    *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected < G_N_ELEMENTS (speeds))
    {
      self->speed = speeds[selected];
      if (self->settings != NULL)
        g_settings_set_double (self->settings, "speed", self->speed);
    }
}

static void
on_variant_selected (GtkDropDown *dropdown,
                     GParamSpec  *pspec,
                     AwWindow    *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->settings != NULL && selected != GTK_INVALID_LIST_POSITION && self->scenario != NULL &&
      aw_scenario_get_n_variants (self->scenario) > 1)
    g_settings_set_boolean (self->settings, "compare", selected == 0);
}

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
  if (focus == GTK_WIDGET (self->timeline))
    return FALSE;

  return gtk_event_controller_key_forward (controller, GTK_WIDGET (self->timeline));
}

static gboolean
aw_window_close_request (GtkWindow *window)
{
  AwWindow *self = AW_WINDOW (window);

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
  abandon_run (self);

  return GTK_WINDOW_CLASS (aw_window_parent_class)->close_request (window);
}

static void
aw_window_dispose (GObject *object)
{
  AwWindow *self = AW_WINDOW (object);

  abandon_run (self);
  g_clear_handle_id (&self->status_timeout, g_source_remove);
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), AW_TYPE_WINDOW);
  if (self->queue != NULL)
    clear_run (self);
  g_clear_object (&self->scenario);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->scenarios, g_ptr_array_unref);

  G_OBJECT_CLASS (aw_window_parent_class)->dispose (object);
}

static void
aw_window_finalize (GObject *object)
{
  AwWindow *self = AW_WINDOW (object);

  g_clear_pointer (&self->queue, g_array_unref);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_clear_pointer (&self->run_variants, g_array_unref);
  g_free (self->error);
  g_free (self->status);

  G_OBJECT_CLASS (aw_window_parent_class)->finalize (object);
}

static void
aw_window_class_init (AwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = aw_window_dispose;
  object_class->finalize = aw_window_finalize;
  window_class->close_request = aw_window_close_request;

  /**
   * AwWindow::run-finished:
   *
   * A run ended: completed, faulted or cancelled; the outcome card is set.
   */
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (AW_TYPE_TIMELINE_VIEW);
  g_type_ensure (AW_TYPE_LESSON_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/awaitscope/Awaitscope/aw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AwWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, variant_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, notice_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, main_paned);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, scenario_list);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, timeline_box);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, lesson_box);
}

static void
aw_window_init (AwWindow *self)
{
  g_autoptr(GError) error = NULL;
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->speed = 1.0;
  self->queue = g_array_new (FALSE, FALSE, sizeof (guint));
  self->models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  self->run_variants = g_array_new (FALSE, TRUE, sizeof (AwRenderVariant));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);

  self->timeline = AW_TIMELINE_VIEW (aw_timeline_view_new ());
  gtk_box_append (self->timeline_box, GTK_WIDGET (self->timeline));
  self->lesson = AW_LESSON_PANEL (aw_lesson_panel_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->lesson), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->lesson), TRUE);
  gtk_box_append (self->lesson_box, GTK_WIDGET (self->lesson));

  gtk_list_box_set_header_func (self->scenario_list, header_func, NULL, NULL);
  gtk_list_box_set_filter_func (self->scenario_list, filter_func, self, NULL);
  g_signal_connect (self->scenario_list, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect (self->speed_dropdown, "notify::selected", G_CALLBACK (on_speed_selected), self);
  g_signal_connect (self->variant_dropdown, "notify::selected", G_CALLBACK (on_variant_selected), self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_BUBBLE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_window_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  self->scenarios = aw_catalog_load_all (&error);
  if (self->scenarios == NULL)
    {
      show_error (self, error->message);
      self->scenarios = g_ptr_array_new_with_free_func (g_object_unref);
    }
  for (guint i = 0; i < self->scenarios->len; i++)
    gtk_list_box_append (self->scenario_list, make_row (g_ptr_array_index (self->scenarios, i), FALSE));

  update_actions (self);
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
      double speed = g_settings_get_double (settings, "speed");
      g_autofree char *theme = g_settings_get_string (settings, "theme");

      self->settings = g_object_ref (settings);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
        if (G_APPROX_VALUE (speeds[i], speed, 1e-6))
          gtk_drop_down_set_selected (self->speed_dropdown, i);
      last = g_settings_get_string (settings, "last-scenario");
      self->wait_deadline_ms = g_settings_get_int (settings, "watchdog-ms");
      if (aw_theme_lookup (theme) != NULL)
        aw_timeline_view_set_theme (self->timeline, aw_theme_lookup (theme));
    }

  if (last == NULL || !aw_window_select_scenario (self, last))
    aw_window_select_scenario (self, AW_CATALOG_DEFAULT_ID);

  return self;
}

AwScenario *
aw_window_get_scenario (AwWindow *self)
{
  return self->scenario;
}

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
  self->speed = CLAMP (speed, AW_RUNNER_MIN_SPEED, AW_RUNNER_MAX_SPEED);
}

/**
 * aw_window_set_wait_deadline:
 * @ms: the watchdog deadline of blocking waits, 0 for the scenario's own
 */
void
aw_window_set_wait_deadline (AwWindow *self,
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
aw_window_is_running (AwWindow *self)
{
  return self->running;
}

const char *
aw_window_get_error (AwWindow *self)
{
  return self->error;
}

AwTimelineView *
aw_window_get_timeline (AwWindow *self)
{
  return self->timeline;
}

AwLessonPanel *
aw_window_get_lesson_panel (AwWindow *self)
{
  return self->lesson;
}

GtkWidget *
aw_window_get_run_button (AwWindow *self)
{
  return self->run_button;
}

GtkWidget *
aw_window_get_cancel_button (AwWindow *self)
{
  return self->cancel_button;
}

GtkWidget *
aw_window_get_sidebar_button (AwWindow *self)
{
  return self->sidebar_button;
}

/**
 * aw_window_get_last_traces:
 *
 * Returns: (transfer container) (element-type AwTrace): the traces of the
 *   last (or current) run, one per variant
 */
GPtrArray *
aw_window_get_last_traces (AwWindow *self)
{
  GPtrArray *ret = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_unref);

  for (guint i = 0; i < self->models->len; i++)
    g_ptr_array_add (ret, aw_trace_ref (aw_trace_model_get_trace (g_ptr_array_index (self->models, i))));
  return ret;
}
