/* aw-window.c: the main window: catalogue, run controls, timeline, lesson
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run executes the variants one after the other on this thread's main
 * loop, so what the window shows is what really happened to the window's
 * own loop. While a run is live, a frame-clock tick records a heartbeat into
 * the trace (a blocked loop shows as a gap), merges what the workers have
 * published and redraws the timeline, once per frame unless that frame would
 * make the run's next timer late (see "Live drawing" below).
 */

#include "config.h"

#include "aw-window.h"

#include "aw-catalog.h"
#include "aw-export.h"
#include "aw-runner.h"
#include "aw-summary.h"
#include "aw-task-table.h"
#include "aw-trace-io.h"
#include "aw-verdict.h"

#include <string.h>

#define USER_FILES_PART 99

static const double speeds[] = { 0.25, 0.5, 1.0, 2.0 };
static const double replay_speeds[] = { 0.25, 0.5, 1.0, 2.0, 4.0 };

#define PRESENTATION_TEXT_SCALE 1.6

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
  GtkBox               *table_box;
  GtkBox               *lesson_box;
  GtkWidget            *replay_bar;
  GtkAdjustment        *replay_adjustment;
  GtkLabel             *replay_label;
  GtkDropDown          *replay_speed_dropdown;
  GtkStack             *view_stack;
  GtkWidget            *view_switcher;
  GtkPaned             *content_paned;
  int                   saved_paned_position;

  AwTimelineView       *timeline;
  AwTaskTable          *table;
  GtkCssProvider       *text_css;
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
  AwScenario           *run_scenario;    /* NULL for a trace loaded from a file */
  char                 *run_title;
  GPtrArray            *run_strings;     /* names of loaded runs */
  AwRunner             *runner;
  GArray               *queue;
  GPtrArray            *models;
  GArray               *run_variants;
  guint                 tick_id;
  GdkFrameClock        *live_clock;      /* whose after-paint tells what a live frame took */
  gulong                after_paint_id;
  gint64                live_redraw_at;  /* when this frame's live redraw was asked for, or 0 */
  gint64                live_redrawn_at; /* the last live redraw */
  gint64                live_paint_us;   /* what a frame with a live redraw takes, smoothed */
  guint                 start_delay_id;
  guint                 start_tick_id;   /* a variant waiting for the window to be drawn */
  guint                 start_ticks;
  gboolean              running;
  gboolean              cancelled;

  GtkNativeDialog      *chooser;

  /* Looks */
  char                 *theme_name;
  char                 *saved_theme;     /* the theme before presentation mode */
  double                text_scale;
  gboolean              presentation;

  /* Replay of the last run: a playhead over its recorded events */
  GArray               *steps;           /* gint64: times of the events, since the run's start */
  gint64                replay_end_ns;
  gint64                replay_pos_ns;   /* -1: the whole run */
  guint                 replay_tick_id;
  gint64                replay_last_frame;
  gboolean              updating_scale;

  /* Predict, then reveal */
  gboolean              quiz;
  GArray               *predictions;     /* double seconds per variant index, < 0 none */
  GtkWindow            *quiz_dialog;
  GtkWindow            *help_overlay;
  GtkMenuButton        *menu_button;
  GMenuModel           *primary_menu;
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

static void start_next_variant            (AwWindow *self);
static void start_next_variant_when_drawn (AwWindow *self);
static void start_run_now                 (AwWindow *self);
static void collect_steps                 (AwWindow *self);
static void show_outcome                  (AwWindow *self);
static void update_replay_sensitivity     (AwWindow *self);
static void apply_replay                  (AwWindow *self);
static void ask_predictions               (AwWindow *self);
static void stop_replay                   (AwWindow *self);
static void on_row_selected               (GtkListBox    *box,
                                           GtkListBoxRow *row,
                                           AwWindow      *self);

/* State ------------------------------------------------------------------------ */

static void
update_actions (AwWindow *self)
{
  GAction *run = g_action_map_lookup_action (G_ACTION_MAP (self), "run");
  GAction *cancel = g_action_map_lookup_action (G_ACTION_MAP (self), "cancel");
  GAction *export = g_action_map_lookup_action (G_ACTION_MAP (self), "export");
  GAction *export_trace = g_action_map_lookup_action (G_ACTION_MAP (self), "export-trace");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (run), !self->running && self->scenario != NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (cancel), self->running && !self->cancelled);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (export), !self->running && self->run_variants->len > 0);
  if (export_trace != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (export_trace), !self->running && self->run_variants->len > 0);
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
  g_clear_pointer (&self->run_title, g_free);
  if (self->run_strings != NULL)
    g_ptr_array_set_size (self->run_strings, 0);
}

static void live_drawing_stop (AwWindow *self);

/* Stops following a run; a run in progress is cancelled and left to finish
 * by itself (its callback sees a newer generation and does nothing). */
static void
abandon_run (AwWindow *self)
{
  self->generation++;
  g_clear_handle_id (&self->start_delay_id, g_source_remove);
  if (self->start_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->start_tick_id);
      self->start_tick_id = 0;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), FALSE);
  if (self->runner != NULL)
    aw_runner_cancel (self->runner, "The window moved on");
  g_clear_object (&self->runner);
  live_drawing_stop (self);
  self->running = FALSE;
  self->cancelled = FALSE;
}

/* Running ---------------------------------------------------------------------- */

/* Live drawing keeps off the program's timers.
 *
 * While the window paints, the run's callbacks wait: a timer due in the
 * middle of a frame fires when the frame is done. With a fast renderer that
 * is a few milliseconds, but a large timeline on a slow one (a projector's
 * resolution, software rendering, a sanitizer build) takes tens, and the
 * lesson would record the window's painting as the program's lateness. So a
 * frame redraws the live timeline only if, going by what such frames have
 * taken, it will be done before the run's next timer is due. The picture
 * never falls more than LIVE_MAX_HOLD_US behind. */
#define LIVE_MARGIN_US   (2 * G_TIME_SPAN_MILLISECOND)
#define LIVE_MAX_HOLD_US (250 * G_TIME_SPAN_MILLISECOND)

static gboolean
live_redraw_would_delay_timer (AwWindow *self,
                               gint64    now)
{
  gint64 next = self->runner != NULL ? aw_runner_get_next_deadline (self->runner) : -1;

  if (next < 0 || now - self->live_redrawn_at >= LIVE_MAX_HOLD_US)
    return FALSE;
  return next <= now + self->live_paint_us + LIVE_MARGIN_US;
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  AwWindow *self = user_data;
  gint64 now = g_get_monotonic_time ();

  /* The heartbeat lane: one event per frame the loop managed to draw. */
  if (self->runner != NULL && aw_runner_get_trace (self->runner) != NULL)
    aw_trace_record (aw_runner_get_trace (self->runner), AW_EVENT_FRAME, 0, 0, 0);

  if (live_redraw_would_delay_timer (self, now))
    return G_SOURCE_CONTINUE;

  self->live_redraw_at = now;
  self->live_redrawn_at = now;
  aw_timeline_view_refresh (self->timeline);
  return G_SOURCE_CONTINUE;
}

/* Learns what a frame with a live redraw takes: at once when it grows,
 * slowly when it shrinks. */
static void
on_after_paint (GdkFrameClock *clock,
                AwWindow      *self)
{
  gint64 took;

  if (self->live_redraw_at == 0)
    return;
  took = g_get_monotonic_time () - self->live_redraw_at;
  self->live_redraw_at = 0;
  self->live_paint_us = took > self->live_paint_us ? took : (self->live_paint_us * 7 + took) / 8;
}

static void
live_drawing_start (AwWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->timeline));

  g_assert (self->tick_id == 0 && self->live_clock == NULL);
  self->live_redraw_at = 0;
  self->live_redrawn_at = g_get_monotonic_time ();
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->timeline), on_tick, self, NULL);
  if (clock != NULL)
    {
      self->live_clock = g_object_ref (clock);
      self->after_paint_id = g_signal_connect_after (clock, "after-paint", G_CALLBACK (on_after_paint), self);
    }
}

static void
live_drawing_stop (AwWindow *self)
{
  if (self->tick_id != 0 && self->timeline != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->timeline), self->tick_id);
  self->tick_id = 0;
  /* A clock disposed with its surface has dropped its handlers already. */
  if (self->live_clock != NULL && g_signal_handler_is_connected (self->live_clock, self->after_paint_id))
    g_signal_handler_disconnect (self->live_clock, self->after_paint_id);
  self->after_paint_id = 0;
  g_clear_object (&self->live_clock);
  self->live_redraw_at = 0;
}

static void
finish_run (AwWindow *self)
{
  const char *card = NULL;

  live_drawing_stop (self);
  self->running = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), FALSE);
  aw_timeline_view_refresh (self->timeline);

  collect_steps (self);
  self->replay_pos_ns = -1;
  aw_task_table_set_runs (self->table, (const AwNamedRun *) (gpointer) self->run_variants->data,
                          self->run_variants->len);
  show_outcome (self);
  if (self->cancelled && self->queue->len > 0)
    {
      g_autofree char *more = g_strdup_printf ("%s\n%u variant%s not run after the cancel",
                                               aw_lesson_panel_get_outcome (self->lesson),
                                               self->queue->len, self->queue->len == 1 ? "" : "s");
      aw_lesson_panel_set_outcome (self->lesson, more);
    }
  (void) card;

  self->cancelled = FALSE;
  update_actions (self);
  update_replay_sensitivity (self);
  apply_replay (self);
  show_outcome (self);
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
        start_next_variant_when_drawn (self);
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
  AwNamedRun rv;
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
  /* Cancel was pressed before this variant started. */
  if (self->cancelled)
    aw_runner_cancel (self->runner, "Cancel pressed");

  trace = aw_runner_get_trace (self->runner);
  aw_trace_set_metadata (trace, "heartbeat_ms", "16.667");

  model = aw_trace_model_new (trace);
  g_ptr_array_add (self->models, model);
  rv.name = variant->name;
  rv.title = variant->title;
  rv.model = model;
  g_array_append_val (self->run_variants, rv);
  aw_timeline_view_set_runs (self->timeline, aw_scenario_get_title (self->run_scenario),
                             (const AwNamedRun *) (gpointer) self->run_variants->data,
                             self->run_variants->len);
}

/* Starting a run changes what the window shows (the last run cleared, new
 * labels, a new block on the timeline), and laying that out and drawing it
 * takes the main loop a frame: up to about 100 ms in presentation mode's
 * large type. A variant starts once that frame has been painted, so the
 * main-loop gaps its trace records are its own, not the window's. The first
 * tick is the frame that draws the new state; the second comes after it. */
static gboolean
start_when_drawn (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (widget);

  if (++self->start_ticks < 2)
    return G_SOURCE_CONTINUE;
  self->start_tick_id = 0;
  start_next_variant (self);
  return G_SOURCE_REMOVE;
}

static void
start_next_variant_when_drawn (AwWindow *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      start_next_variant (self);
      return;
    }
  g_assert (self->start_tick_id == 0);
  self->start_ticks = 0;
  self->start_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), start_when_drawn, NULL, NULL);
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
  if (self->running || self->scenario == NULL)
    return;
  if (self->quiz && self->quiz_dialog == NULL)
    {
      ask_predictions (self);
      return;
    }
  start_run_now (self);
}

static void
start_run_now (AwWindow *self)
{
  guint selected;
  guint freeze_ms;

  if (self->running || self->scenario == NULL)
    return;

  stop_replay (self);
  self->replay_pos_ns = -1;
  if (!self->quiz)
    g_array_set_size (self->predictions, 0);
  abandon_run (self);
  clear_run (self);
  show_error (self, NULL);

  self->run_scenario = g_object_ref (self->scenario);
  self->run_title = g_strdup (aw_scenario_get_title (self->scenario));
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
  aw_lesson_panel_set_warnings (self->lesson, NULL);
  aw_timeline_view_fit (self->timeline);
  live_drawing_start (self);
  update_actions (self);
  update_replay_sensitivity (self);
  aw_lesson_panel_highlight (self->lesson, 0, 0);

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
  start_next_variant_when_drawn (self);
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

  stop_replay (self);
  abandon_run (self);
  clear_run (self);
  g_set_object (&self->scenario, scenario);
  self->replay_pos_ns = -1;
  g_array_set_size (self->predictions, 0);
  aw_task_table_set_runs (self->table, NULL, 0);
  update_replay_sensitivity (self);

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

/* Replay ------------------------------------------------------------------------ */

static gint64
model_length_ns (AwTraceModel *model)
{
  guint n;
  const AwEvent *events = aw_trace_get_events (aw_trace_model_get_trace (model), &n);

  return n > 0 ? events[n - 1].time_ns - events[0].time_ns : 0;
}

static gint
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/* The moments a step can land on: every recorded event but heartbeats. */
static void
collect_steps (AwWindow *self)
{
  g_array_set_size (self->steps, 0);
  self->replay_end_ns = 0;

  for (guint i = 0; i < self->models->len; i++)
    {
      AwTraceModel *model = g_ptr_array_index (self->models, i);
      guint n;
      const AwEvent *events = aw_trace_get_events (aw_trace_model_get_trace (model), &n);

      for (guint e = 0; e < n; e++)
        if (events[e].kind != AW_EVENT_FRAME)
          {
            gint64 t = events[e].time_ns - events[0].time_ns;
            g_array_append_val (self->steps, t);
          }
      self->replay_end_ns = MAX (self->replay_end_ns, model_length_ns (model));
    }

  g_array_sort (self->steps, compare_gint64);
  /* Keep each instant once. */
  for (guint i = 1; i < self->steps->len; )
    if (g_array_index (self->steps, gint64, i) == g_array_index (self->steps, gint64, i - 1))
      g_array_remove_index (self->steps, i);
    else
      i++;
}

static const AwNode *
find_node_named (const AwNode *node,
                 const char   *name)
{
  if (g_strcmp0 (node->name, name) == 0 && (node->csharp_line > 0 || node->c_line > 0))
    return node;
  for (guint i = 0; i < node->n_children; i++)
    {
      const AwNode *found = find_node_named (node->children[i], name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The code lines of the most recent event, where the scenario marks them. */
static void
highlight_code_at (AwWindow *self,
                   gint64    pos)
{
  gint64 best_time = -1;
  const AwNode *best = NULL;

  if (self->run_scenario != NULL && pos >= 0)
    for (guint i = 0; i < self->models->len; i++)
      {
        AwTraceModel *model = g_ptr_array_index (self->models, i);
        const AwVariant *variant = aw_scenario_find_variant (self->run_scenario,
                                                             aw_trace_get_metadata (aw_trace_model_get_trace (model), "variant"),
                                                             NULL);
        guint n;
        const AwEvent *events = aw_trace_get_events (aw_trace_model_get_trace (model), &n);

        if (variant == NULL)
          continue;
        for (guint e = 0; e < n; e++)
          {
            gint64 t = events[e].time_ns - events[0].time_ns;
            const AwTaskInfo *task;
            const AwNode *node;

            if (t > pos)
              break;
            if (events[e].task == 0 || t < best_time)
              continue;
            task = aw_trace_model_find_task (model, events[e].task);
            if (task == NULL)
              continue;
            node = find_node_named (variant->program, task->name);
            if (node != NULL)
              {
                best = node;
                best_time = t;
              }
          }
      }

  aw_lesson_panel_highlight (self->lesson, best ? best->csharp_line : 0, best ? best->c_line : 0);
}

static void
apply_replay (AwWindow *self)
{
  g_autofree char *pos_text = NULL;
  g_autofree char *end_text = NULL;
  g_autofree char *label = NULL;
  gint64 pos = self->replay_pos_ns;

  for (guint i = 0; i < self->models->len; i++)
    aw_trace_model_set_cutoff (g_ptr_array_index (self->models, i), pos);

  aw_timeline_view_refresh (self->timeline);
  aw_task_table_set_runs (self->table, (const AwNamedRun *) (gpointer) self->run_variants->data,
                          self->run_variants->len);
  highlight_code_at (self, pos);
  show_outcome (self);

  pos_text = aw_summary_format_duration ((pos < 0 ? self->replay_end_ns : pos) / 1e6);
  end_text = aw_summary_format_duration (self->replay_end_ns / 1e6);
  label = g_strdup_printf ("%s / %s", pos_text, end_text);
  gtk_label_set_text (self->replay_label, label);

  self->updating_scale = TRUE;
  gtk_adjustment_configure (self->replay_adjustment,
                            (pos < 0 ? self->replay_end_ns : pos) / 1e9,
                            0, MAX (self->replay_end_ns / 1e9, 0.001), 0.01, 0.1, 0);
  self->updating_scale = FALSE;
}

static void
set_replay_pos (AwWindow *self,
                gint64    pos)
{
  if (self->models->len == 0 || self->running)
    return;
  if (pos >= self->replay_end_ns)
    pos = -1;
  else
    pos = MAX (pos, 0);
  self->replay_pos_ns = pos;
  apply_replay (self);
}

static void
stop_replay (AwWindow *self)
{
  GAction *replay = g_action_map_lookup_action (G_ACTION_MAP (self), "replay");

  if (self->replay_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->timeline), self->replay_tick_id);
      self->replay_tick_id = 0;
    }
  if (replay != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (replay), g_variant_new_boolean (FALSE));
}

static gboolean
replay_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  AwWindow *self = user_data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  guint selected = gtk_drop_down_get_selected (self->replay_speed_dropdown);
  double factor = selected < G_N_ELEMENTS (replay_speeds) ? replay_speeds[selected] : 1.0;
  gint64 pos = self->replay_pos_ns < 0 ? 0 : self->replay_pos_ns;

  if (self->replay_last_frame != 0)
    pos += (gint64) ((now - self->replay_last_frame) * 1000 * factor);
  self->replay_last_frame = now;

  set_replay_pos (self, pos);
  if (self->replay_pos_ns < 0)
    {
      self->replay_tick_id = 0;
      stop_replay (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
replay_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));
  gboolean playing = !g_variant_get_boolean (state);

  if (self->models->len == 0 || self->running)
    playing = FALSE;
  if (!playing)
    {
      stop_replay (self);
      return;
    }
  g_simple_action_set_state (action, g_variant_new_boolean (TRUE));
  if (self->replay_pos_ns < 0)
    set_replay_pos (self, 0);
  self->replay_last_frame = 0;
  if (self->replay_tick_id == 0)
    self->replay_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->timeline), replay_tick, self, NULL);
}

/**
 * aw_window_step:
 * @direction: 1 for the next event, -1 for the previous one
 *
 * Moves the playhead to the next or previous recorded event.
 */
void
aw_window_step (AwWindow *self,
                int       direction)
{
  gint64 pos = self->replay_pos_ns < 0 ? self->replay_end_ns : self->replay_pos_ns;
  gint64 target = direction > 0 ? self->replay_end_ns : 0;

  if (self->models->len == 0 || self->running)
    return;
  stop_replay (self);

  if (direction > 0)
    {
      for (guint i = 0; i < self->steps->len; i++)
        if (g_array_index (self->steps, gint64, i) > pos)
          {
            target = g_array_index (self->steps, gint64, i);
            break;
          }
    }
  else
    {
      for (guint i = self->steps->len; i > 0; i--)
        if (g_array_index (self->steps, gint64, i - 1) < pos)
          {
            target = g_array_index (self->steps, gint64, i - 1);
            break;
          }
    }
  set_replay_pos (self, target);
}

gint64
aw_window_get_replay_position (AwWindow *self)
{
  return self->replay_pos_ns;
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

static void
replay_start_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AwWindow *self = AW_WINDOW (user_data);

  stop_replay (self);
  set_replay_pos (self, 0);
}

static void
replay_end_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AwWindow *self = AW_WINDOW (user_data);

  stop_replay (self);
  set_replay_pos (self, self->replay_end_ns);
}

static void
on_replay_scale_changed (GtkAdjustment *adjustment,
                         AwWindow      *self)
{
  if (self->updating_scale)
    return;
  stop_replay (self);
  set_replay_pos (self, (gint64) (gtk_adjustment_get_value (adjustment) * 1e9));
}

static void
update_replay_sensitivity (AwWindow *self)
{
  gboolean can = !self->running && self->models->len > 0;
  const char *names[] = { "replay", "step-back", "step-forward", "replay-start", "replay-end" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), names[i])), can);
  gtk_widget_set_sensitive (self->replay_bar, can);
}

/* Outcome card, with the prediction when the class made one ------------------------- */

static void
show_outcome (AwWindow *self)
{
  g_autofree char *card = NULL;
  GString *text = g_string_new (NULL);

  card = aw_summary_outcome_card ((const AwNamedRun *) (gpointer) self->run_variants->data,
                                  self->run_variants->len);
  if (self->replay_pos_ns >= 0)
    {
      g_autofree char *at = aw_summary_format_duration (self->replay_pos_ns / 1e6);
      g_string_append_printf (text, "Replay at %s: ", at);
    }
  g_string_append (text, card);

  if (self->predictions->len > 0 && self->replay_pos_ns < 0 && self->run_scenario != NULL)
    {
      gboolean any = FALSE;

      for (guint i = 0; i < self->models->len; i++)
        {
          AwTraceModel *model = g_ptr_array_index (self->models, i);
          const AwVariant *variant = NULL;
          guint index = 0;
          double predicted;
          const AwMetrics *m = aw_trace_model_get_metrics (model);

          variant = aw_scenario_find_variant (self->run_scenario,
                                              aw_trace_get_metadata (aw_trace_model_get_trace (model), "variant"),
                                              &index);
          if (variant == NULL || index >= self->predictions->len)
            continue;
          predicted = g_array_index (self->predictions, double, index);
          if (predicted < 0)
            continue;
          if (!any)
            g_string_append (text, "\nPrediction vs measurement:");
          any = TRUE;
          {
            g_autofree char *measured = aw_summary_format_duration (m->wall_ms);
            g_autofree char *said = aw_summary_format_duration (predicted * 1000);
            g_autofree char *off = aw_summary_format_duration (ABS (m->wall_ms - predicted * 1000));
            g_string_append_printf (text, "\n  %s: predicted %s, measured %s (off by %s)",
                                    variant->title, said, measured, off);
          }
        }
    }

  /* The expected outcome, checked against what was measured. In
   * presentation mode the timeline shows the comparison in large type and
   * the card has room for two lines, so the verdict comes first there. */
  if (self->run_scenario != NULL && self->replay_pos_ns < 0 && !self->running)
    {
      g_autoptr(AwVerdict) verdict = aw_verdict_check (self->run_scenario,
                                                       (const AwNamedRun *) (gpointer) self->run_variants->data,
                                                       self->run_variants->len);
      g_autofree char *summary = aw_verdict_to_string (verdict);

      if (self->presentation)
        g_string_prepend (g_string_prepend_c (text, '\n'), summary);
      else
        g_string_append_printf (text, "\n%s", summary);
    }
  aw_lesson_panel_set_outcome (self->lesson, text->str);
  g_string_free (text, TRUE);

  /* The lints, beside the card. */
  {
    GString *warnings = g_string_new (NULL);

    for (guint i = 0; i < self->run_variants->len; i++)
      {
        const AwNamedRun *v = &g_array_index (self->run_variants, AwNamedRun, i);
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
    aw_window_set_prediction (self, i, gtk_spin_button_get_value (g_ptr_array_index (form->spins, i)));
  gtk_window_destroy (self->quiz_dialog);
  start_run_now (self);
}

static void
on_quiz_destroy (GtkWindow *dialog,
                 AwWindow  *self)
{
  if (self->quiz_dialog == dialog)
    self->quiz_dialog = NULL;
}

/* Before the run: how long will each variant take? */
static void
ask_predictions (AwWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *intro = gtk_label_new ("Predict first: how long will each variant take?");
  GtkWidget *run = gtk_button_new_with_mnemonic ("_Run and Compare");
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
      g_autofree char *a11y = g_strdup_printf ("Predicted seconds for %s", v->title);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 1);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 1.0);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
      gtk_grid_attach (GTK_GRID (grid), label, 0, i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), spin, 1, i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), gtk_label_new ("s"), 2, i, 1, 1);
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
  gtk_window_set_title (self->quiz_dialog, "Predict, Then Run");
  gtk_window_set_transient_for (self->quiz_dialog, GTK_WINDOW (self));
  gtk_window_set_modal (self->quiz_dialog, TRUE);
  gtk_window_set_child (self->quiz_dialog, box);
  gtk_window_set_default_widget (self->quiz_dialog, run);
  g_signal_connect (self->quiz_dialog, "destroy", G_CALLBACK (on_quiz_destroy), self);
  gtk_window_present (self->quiz_dialog);
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

/* Looks: theme, text size, presentation mode ------------------------------------- */

static void
apply_looks (AwWindow *self)
{
  const char *name = self->presentation ? "projector" : self->theme_name;
  const AwTheme *theme = aw_theme_lookup (name);
  GtkSettings *settings = gtk_settings_get_default ();
  double scale = self->text_scale * (self->presentation ? PRESENTATION_TEXT_SCALE : 1.0);
  g_autofree char *css = NULL;

  if (theme == NULL)
    theme = aw_theme_lookup ("light");
  aw_timeline_view_set_theme (self->timeline, theme);
  /* The projector theme has its large type built in. */
  aw_timeline_view_set_text_scale (self->timeline, self->text_scale);

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

  css = g_strdup_printf ("lessonpanel { font-size: %.2fem; }\n"
                         "window.presentation headerbar { font-size: 1.3em; }\n", scale);
  gtk_css_provider_load_from_data (self->text_css, css, -1);

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
  g_free (self->theme_name);
  self->theme_name = g_strdup (name);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "theme", name);
  apply_looks (self);
}

static void
set_text_scale (AwWindow *self,
                double    scale)
{
  self->text_scale = CLAMP (scale, 0.6, 2.5);
  if (self->settings != NULL)
    g_settings_set_double (self->settings, "text-scale", self->text_scale);
  apply_looks (self);
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
  set_text_scale (self, self->text_scale + 0.1);
}

static void
text_smaller_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  set_text_scale (self, self->text_scale - 0.1);
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
  apply_looks (self);
  if (!self->running && self->run_variants->len > 0)
    show_outcome (self);
}

gboolean
aw_window_get_presentation (AwWindow *self)
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

/* Moving through the lesson --------------------------------------------------------- */

static void
move_scenario (AwWindow *self,
               int       direction)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->scenario_list);
  int index = row ? gtk_list_box_row_get_index (row) : -1;
  GtkListBoxRow *next = gtk_list_box_get_row_at_index (self->scenario_list, index + direction);

  if (next == NULL)
    return;
  gtk_list_box_select_row (self->scenario_list, next);
  on_row_selected (self->scenario_list, next, self);
}

static void
next_scenario_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  move_scenario (AW_WINDOW (user_data), 1);
}

static void
prev_scenario_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  move_scenario (AW_WINDOW (user_data), -1);
}

static void
compare_toggle_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  guint selected = gtk_drop_down_get_selected (self->variant_dropdown);

  if (self->scenario == NULL || aw_scenario_get_n_variants (self->scenario) < 2)
    return;
  gtk_drop_down_set_selected (self->variant_dropdown, selected == 0 ? 1 : 0);
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
  g_autoptr(AwScenario) scenario = aw_catalog_load_file (path, &error);
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

/**
 * aw_window_export_image:
 * @path: a .png, .svg or .pdf file
 *
 * Draws the last runs as `awaitscope render` does, 1280x720.
 *
 * Returns: %TRUE if the whole picture was written
 */
gboolean
aw_window_export_image (AwWindow   *self,
                        const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *status = NULL;
  g_autofree char *base = NULL;
  AwRenderRequest request;

  if (self->run_scenario != NULL)
    caption = g_strdup_printf ("Recorded run, real clock, speed %gx. %s", self->speed,
                               aw_scenario_get_expected_text (self->run_scenario)
                                 ? aw_scenario_get_expected_text (self->run_scenario) : "");
  else
    caption = g_strdup ("From a saved trace.");
  aw_render_request_init (&request);
  request.title = self->run_title;
  request.caption = caption;
  request.variants = (const AwNamedRun *) (gpointer) self->run_variants->data;
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

/**
 * aw_window_open_trace:
 * @path: a trace saved by Awaitscope, or a Trace Event file from another tool
 *
 * Shows the runs a trace holds, ready to replay. A broken file is explained
 * in the window and changes nothing.
 *
 * Returns: %TRUE if the trace was loaded
 */
gboolean
aw_window_open_trace (AwWindow   *self,
                      const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = aw_traces_load_from_file (path, &error);
  g_autofree char *base = NULL;
  g_autofree char *subtitle = NULL;
  const char *title;

  if (traces == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }

  show_error (self, NULL);
  stop_replay (self);
  abandon_run (self);
  clear_run (self);
  g_array_set_size (self->predictions, 0);

  base = g_path_get_basename (path);
  title = aw_trace_get_metadata (g_ptr_array_index (traces, 0), "scenario_title");
  self->run_title = g_strdup (title ? title : base);
  for (guint i = 0; i < traces->len; i++)
    {
      AwTrace *trace = g_ptr_array_index (traces, i);
      AwTraceModel *model = aw_trace_model_new (trace);
      char *fallback = g_strdup_printf ("run %u", i + 1);
      AwNamedRun rv;

      g_ptr_array_add (self->run_strings, fallback);
      g_ptr_array_add (self->models, model);
      rv.name = aw_trace_get_metadata (trace, "variant") ? aw_trace_get_metadata (trace, "variant") : fallback;
      rv.title = aw_trace_get_metadata (trace, "variant_title") ? aw_trace_get_metadata (trace, "variant_title") : rv.name;
      rv.model = model;
      g_array_append_val (self->run_variants, rv);
    }

  gtk_label_set_text (self->title_label, self->run_title);
  subtitle = g_strdup_printf ("Saved trace: %s", base);
  gtk_label_set_text (self->subtitle_label, subtitle);
  aw_timeline_view_fit (self->timeline);
  aw_timeline_view_set_runs (self->timeline, self->run_title,
                             (const AwNamedRun *) (gpointer) self->run_variants->data,
                             self->run_variants->len);
  collect_steps (self);
  self->replay_pos_ns = -1;
  update_actions (self);
  update_replay_sensitivity (self);
  apply_replay (self);
  return TRUE;
}

/**
 * aw_window_export_trace:
 * @path: where to save the last runs as Trace Event JSON
 *
 * Returns: %TRUE if the whole file was written
 */
gboolean
aw_window_export_trace (AwWindow   *self,
                        const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = aw_window_get_last_traces (self);
  g_autofree char *base = NULL;
  g_autofree char *status = NULL;

  if (traces->len == 0 || !aw_traces_save ((AwTrace **) traces->pdata, traces->len, path, &error))
    {
      show_error (self, error ? error->message : "Run the scenario first: a trace is a recorded run.");
      return FALSE;
    }
  base = g_path_get_basename (path);
  status = g_strdup_printf ("Saved %s", base);
  show_status (self, status);
  return TRUE;
}

typedef gboolean (*ChooserDone) (AwWindow   *self,
                                 const char *path);

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     AwWindow        *self)
{
  ChooserDone done = g_object_get_data (G_OBJECT (dialog), "done");
  const char *extension = g_object_get_data (G_OBJECT (dialog), "extension");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      /* A name typed without an extension gets the default one. */
      if (path != NULL && extension != NULL && strrchr (path, '.') <= strrchr (path, '/'))
        {
          char *with_ext = g_strconcat (path, extension, NULL);
          g_free (path);
          path = with_ext;
        }
      if (path != NULL)
        done (self, path);
    }
  g_clear_object (&self->chooser);
}

/* One file chooser at a time; @filters is a NULL-terminated list of
 * name, pattern pairs. */
static void
run_chooser (AwWindow             *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *current_name,
             const char           *extension,
             ChooserDone           done,
             ...)
{
  const char *name;
  va_list filters;

  if (self->chooser != NULL)
    return;
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                                  action == GTK_FILE_CHOOSER_ACTION_SAVE ? "_Export" : "_Open",
                                                                  "_Cancel"));
  va_start (filters, done);
  while ((name = va_arg (filters, const char *)) != NULL)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, name);
      gtk_file_filter_add_pattern (filter, va_arg (filters, const char *));
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
    }
  va_end (filters);

  if (current_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), current_name);
  g_object_set_data (G_OBJECT (self->chooser), "done", done);
  g_object_set_data (G_OBJECT (self->chooser), "extension", (gpointer) extension);
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (self->chooser);
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  run_chooser (AW_WINDOW (user_data), "Open Scenario File", GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL,
               aw_window_open_file, "Scenario files (*.json)", "*.json", NULL);
}

static void
export_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  g_autofree char *name = NULL;

  if (self->run_variants->len == 0 || self->running)
    return;
  name = g_strdup_printf ("%s.png", self->run_scenario ? aw_scenario_get_id (self->run_scenario) : "trace");
  run_chooser (self, "Export Image", GTK_FILE_CHOOSER_ACTION_SAVE, name, ".png", aw_window_export_image,
               "PNG image", "*.png", "SVG drawing", "*.svg", "PDF document", "*.pdf", NULL);
}

static void
open_trace_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);

  if (self->running)
    return;
  run_chooser (self, "Open Trace", GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL, aw_window_open_trace,
               "Trace files (*.json)", "*.json", NULL);
}

static void
export_trace_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (user_data);
  g_autofree char *name = NULL;

  if (self->run_variants->len == 0 || self->running)
    return;
  name = g_strdup_printf ("%s-trace.json", self->run_scenario ? aw_scenario_get_id (self->run_scenario) : "awaitscope");
  run_chooser (self, "Export Trace", GTK_FILE_CHOOSER_ACTION_SAVE, name, ".json", aw_window_export_trace,
               "Trace Event JSON", "*.json", NULL);
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
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) == 0)
    {
      switch (keyval)
        {
        case GDK_KEY_space:
          start_run (self);
          return TRUE;
        case GDK_KEY_c: case GDK_KEY_C:
          compare_toggle_action (NULL, NULL, self);
          return TRUE;
        case GDK_KEY_Left:
          aw_window_step (self, -1);
          return TRUE;
        case GDK_KEY_Right:
          aw_window_step (self, 1);
          return TRUE;
        case GDK_KEY_Home:
          replay_start_action (NULL, NULL, self);
          return TRUE;
        case GDK_KEY_End:
          replay_end_action (NULL, NULL, self);
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
  if (self->replay_tick_id != 0 && self->timeline != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->timeline), self->replay_tick_id);
  self->replay_tick_id = 0;
  if (self->quiz_dialog != NULL)
    gtk_window_destroy (self->quiz_dialog);
  if (self->help_overlay != NULL)
    {
      gtk_window_destroy (self->help_overlay);
      g_clear_object (&self->help_overlay);
    }
  if (self->text_css != NULL)
    {
      gtk_style_context_remove_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                                     GTK_STYLE_PROVIDER (self->text_css));
      g_clear_object (&self->text_css);
    }
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
  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_pointer (&self->run_strings, g_ptr_array_unref);
  g_clear_pointer (&self->predictions, g_array_unref);
  g_free (self->theme_name);
  g_free (self->saved_theme);
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
  gtk_widget_class_bind_template_child (widget_class, AwWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, primary_menu);
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
  gtk_widget_class_bind_template_child (widget_class, AwWindow, table_box);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, replay_bar);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, replay_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, replay_label);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, replay_speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, view_switcher);
  gtk_widget_class_bind_template_child (widget_class, AwWindow, content_paned);
}

/* The main menu's popover, some thirty widgets, is built the first time it
 * opens rather than before the window's first frame. */
static void
create_primary_menu (GtkMenuButton *button,
                     gpointer       user_data)
{
  AwWindow *self = user_data;

  if (gtk_menu_button_get_popover (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->primary_menu);
}

static void
aw_window_init (AwWindow *self)
{
  g_autoptr(GError) error = NULL;
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->speed = 1.0;
  self->live_paint_us = 8 * G_TIME_SPAN_MILLISECOND;   /* until a live frame is measured */
  self->queue = g_array_new (FALSE, FALSE, sizeof (guint));
  self->models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  self->run_variants = g_array_new (FALSE, TRUE, sizeof (AwNamedRun));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);

  self->timeline = AW_TIMELINE_VIEW (aw_timeline_view_new ());
  gtk_box_append (self->timeline_box, GTK_WIDGET (self->timeline));
  self->table = AW_TASK_TABLE (aw_task_table_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->table), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->table), TRUE);
  gtk_box_append (self->table_box, GTK_WIDGET (self->table));
  self->steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->run_strings = g_ptr_array_new_with_free_func (g_free);
  self->predictions = g_array_new (FALSE, FALSE, sizeof (double));
  self->replay_pos_ns = -1;
  self->text_scale = 1.0;
  self->theme_name = g_strdup ("light");
  self->text_css = gtk_css_provider_new ();
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (self->text_css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
  g_signal_connect (self->replay_adjustment, "value-changed", G_CALLBACK (on_replay_scale_changed), self);
  gtk_menu_button_set_create_popup_func (self->menu_button, create_primary_menu, self, NULL);
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
  update_replay_sensitivity (self);
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
      g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "watchdog")),
                                 g_variant_new_int32 (self->wait_deadline_ms));
      self->text_scale = g_settings_get_double (settings, "text-scale");
      if (aw_theme_lookup (theme) != NULL)
        {
          g_free (self->theme_name);
          self->theme_name = g_strdup (theme);
          g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "theme")),
                                     g_variant_new_string (theme));
        }
    }
  apply_looks (self);

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

AwTaskTable *
aw_window_get_task_table (AwWindow *self)
{
  return self->table;
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
