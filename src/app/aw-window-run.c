/* aw-window-run.c: the window runs the variants, one after the other, and follows them live
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

#include "aw-window-private.h"

#include "aw-format.h"
#include "aw-recorded-text.h"
#include "aw-i18n.h"

typedef struct {
  GWeakRef window;
  guint    generation;
} RunContext;

/* A run that freezes the window for this long or more is announced. */
#define FREEZE_NOTICE_MS 250

static void live_drawing_stop             (AwWindow *self);
static void start_next_variant_when_drawn (AwWindow *self);

/* Forgets the last run: what was queued and what was recorded. */
void
_aw_window_clear_run (AwWindow *self)
{
  g_array_set_size (self->queue, 0);
  self->csharp_pairs = FALSE;
  aw_session_set_source (self->session, NULL, NULL);
}

/* Stops following a run; a run in progress is cancelled and left to finish
 * by itself (its callback sees a newer generation and does nothing). */
void
_aw_window_abandon_run (AwWindow *self)
{
  self->generation++;
  _aw_window_csharp_abandon (self);
  g_clear_handle_id (&self->start_delay_id, g_source_remove);
  if (self->start_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->start_tick_id);
      self->start_tick_id = 0;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), FALSE);
  if (self->runner != NULL)
    aw_runner_cancel (self->runner, AW_TEXT_WINDOW_MOVED_ON);
  g_clear_object (&self->runner);
  live_drawing_stop (self);
  aw_session_set_running (self->session, FALSE);
  if (self->timeline != NULL)
    aw_timeline_view_set_placeholder (self->timeline, NULL);
  self->cancelled = FALSE;
  self->staged_variant = 0;
}

/* Live drawing ----------------------------------------------------------- */

/* Live drawing keeps off the program's timers and off its processors.
 *
 * While the window paints, the run's callbacks wait: a timer due in the
 * middle of a frame fires when the frame is done. With a fast renderer that
 * is a few milliseconds, but a large timeline on a slow one (a projector's
 * resolution, software rendering, a sanitizer build) takes tens, and the
 * lesson would record the window's painting as the program's lateness. So a
 * frame redraws the live timeline only if, going by what such frames have
 * taken, it will be done before the run's next timer is due.
 *
 * Painting also takes a processor (and the display server another share):
 * on a two-core machine, redrawing every frame slows the program's own
 * worker threads, and a lesson that compares two threads with three would
 * measure the window instead. So live redraws take at most one part in
 * LIVE_PAINT_SHARE of the time; with a fast renderer that is still every
 * frame. The picture never falls more than LIVE_MAX_HOLD_US behind. */
#define LIVE_MARGIN_US   (2 * G_TIME_SPAN_MILLISECOND)
#define LIVE_MAX_HOLD_US (250 * G_TIME_SPAN_MILLISECOND)
#define LIVE_PAINT_SHARE 10

static gboolean
live_redraw_would_delay_run (AwWindow *self,
                             gint64    now)
{
  gint64 next = self->runner != NULL ? aw_runner_get_next_deadline (self->runner) : -1;

  if (now - self->live_redrawn_at >= LIVE_MAX_HOLD_US)
    return FALSE;
  if (now - self->live_redrawn_at < LIVE_PAINT_SHARE * self->live_paint_us)
    return TRUE;
  return next >= 0 && next <= now + self->live_paint_us + LIVE_MARGIN_US;
}

/* In presentation mode the rows keep their size and the timeline scrolls:
 * it follows the variant that runs, the last one, so the room sees it. */
static void
follow_running_variant (AwWindow *self)
{
  const AwRenderLayout *layout = aw_timeline_view_get_layout (self->timeline);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->timeline_scroller);
  const AwRenderVariantLayout *vl;
  double value, page, top, bottom;

  if (!self->presentation || layout == NULL || layout->n_variants == 0)
    return;
  vl = &layout->variants[layout->n_variants - 1];
  value = gtk_adjustment_get_value (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  top = vl->y;
  bottom = vl->y + vl->height;
  if (bottom > value + page)
    gtk_adjustment_set_value (adjustment, MIN (top, bottom - page));
  else if (top < value)
    gtk_adjustment_set_value (adjustment, top);
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

  if (live_redraw_would_delay_run (self, now))
    return G_SOURCE_CONTINUE;

  self->live_redraw_at = now;
  self->live_redrawn_at = now;
  aw_timeline_view_refresh (self->timeline);
  follow_running_variant (self);
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

/* Variants, one after the other ------------------------------------------ */

/* Whether the run just recorded froze the window long enough to announce. */
static gboolean
last_run_froze (AwWindow *self)
{
  const AwNamedRun *runs;
  guint n_runs;

  runs = aw_session_get_runs (self->session, &n_runs);
  if (n_runs == 0 || runs[n_runs - 1].model == NULL)
    return FALSE;
  aw_trace_model_update (runs[n_runs - 1].model);
  return aw_trace_model_get_metrics (runs[n_runs - 1].model)->max_main_loop_gap_ms >= FREEZE_NOTICE_MS;
}

/* After a freeze, the window answers again: what froze it, how long, and
 * what the watchdog did. */
static char *
describe_return (AwWindow *self)
{
  const AwNamedRun *runs;
  const AwMetrics *m;
  guint n_runs;
  g_autofree char *gap = NULL;

  runs = aw_session_get_runs (self->session, &n_runs);
  m = aw_trace_model_get_metrics (runs[n_runs - 1].model);
  gap = aw_format_duration (m->max_main_loop_gap_ms);
  if (m->watchdog_fired)
    /* Translators: %1$s is a duration like "1.50 s", %2$s a variant's
     * title. */
    return g_strdup_printf (_("The window is back after %s frozen in “%s”: the watchdog gave up on .Result. "
                              "In C# it would never come back."), gap, runs[n_runs - 1].title);
  /* Translators: %1$s is a duration like "1.50 s", %2$s a variant's title. */
  return g_strdup_printf (_("The window is back after %s frozen in “%s”."), gap, runs[n_runs - 1].title);
}

void
_aw_window_finish_run (AwWindow *self)
{
  const AwNamedRun *runs;
  guint n_runs;
  gboolean cancelled = self->cancelled;
  gboolean froze = last_run_froze (self);

  live_drawing_stop (self);
  aw_session_set_running (self->session, FALSE);
  aw_timeline_view_set_placeholder (self->timeline, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), FALSE);
  aw_timeline_view_refresh (self->timeline);

  aw_session_collect_steps (self->session);
  aw_session_set_replay_position (self->session, -1);
  runs = aw_session_get_runs (self->session, &n_runs);
  aw_task_table_set_runs (self->table, runs, n_runs);

  /* Predict's reveal: the run is over, the answers can be read. */
  self->revealed = TRUE;
  _aw_window_update_answers (self);
  self->cancelled = FALSE;
  _aw_window_update_actions (self);
  _aw_window_apply_replay (self);
  _aw_window_show_outcome (self);
  _aw_window_announce_outcome (self, cancelled, froze);
  _aw_window_emit_run_finished (self);
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
      /* The freeze, if any, is over. */
      gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), FALSE);
      if (!self->cancelled && self->queue->len > 0)
        {
          if (last_run_froze (self))
            {
              g_autofree char *back = describe_return (self);
              _aw_window_announce (self, back);
            }
          start_next_variant_when_drawn (self);
        }
      else if (!self->cancelled && _aw_window_csharp_start_twin (self))
        /* C# beside GLib: the twin runs now, and finishes the run. */
        live_drawing_stop (self);
      else
        _aw_window_finish_run (self);
    }

  g_weak_ref_clear (&ctx->window);
  g_free (ctx);
}

/* How long @index's variant will freeze the window, in ms. */
static guint
variant_freeze_ms (AwWindow *self,
                   guint     index)
{
  AwRunOptions options;

  aw_run_options_init (&options);
  options.speed = aw_session_get_speed (self->session);
  options.wait_deadline_ms = self->wait_deadline_ms;
  return aw_run_estimate_freeze_ms (aw_scenario_get_variant (aw_session_get_scenario (self->session),
                                                             index)->program, &options);
}

/* The last frame before a freeze is what the room looks at until it ends:
 * it says that the UI thread is blocked now, and nothing else in the
 * window changes in that frame (the notice lies over the timeline). */
static gboolean
stage_freeze (AwWindow *self,
              guint     index)
{
  guint freeze_ms = variant_freeze_ms (self, index);
  g_autofree char *how_long = NULL;
  g_autofree char *text = NULL;

  if (freeze_ms < FREEZE_NOTICE_MS || self->staged_variant == index + 1)
    return FALSE;
  self->staged_variant = index + 1;
  how_long = aw_format_duration (freeze_ms);
  /* Translators: %s is a duration like "3.00 s". */
  text = g_strdup_printf (_("The UI thread is blocked now: nothing moves, repaints or answers a click "
                            "for up to %s. It comes back by itself."), how_long);
  gtk_label_set_text (self->notice_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), TRUE);
  aw_lesson_panel_set_outcome (self->lesson, _("The UI thread is blocked…"));
  _aw_window_announce (self, text);
  start_next_variant_when_drawn (self);
  return TRUE;
}

static void
start_next_variant (AwWindow *self)
{
  AwScenario *scenario = aw_session_get_scenario (self->session);
  const AwVariant *variant;
  const AwNamedRun *runs;
  AwRunOptions options;
  RunContext *ctx;
  g_autoptr(AwTraceModel) model = NULL;
  AwTrace *trace;
  guint index;
  guint n_runs;

  index = g_array_index (self->queue, guint, 0);
  if (!self->cancelled && stage_freeze (self, index))
    return;
  self->staged_variant = 0;
  g_array_remove_index (self->queue, 0);
  variant = aw_scenario_get_variant (scenario, index);

  aw_run_options_init (&options);
  options.speed = aw_session_get_speed (self->session);
  options.wait_deadline_ms = self->wait_deadline_ms;
  self->runner = aw_runner_new (scenario, index, &options);

  ctx = g_new0 (RunContext, 1);
  g_weak_ref_init (&ctx->window, self);
  ctx->generation = self->generation;
  aw_runner_run_async (self->runner, NULL, on_variant_done, ctx);
  /* Cancel was pressed before this variant started. */
  if (self->cancelled)
    aw_runner_stop (self->runner);

  trace = aw_runner_get_trace (self->runner);
  aw_trace_set_metadata (trace, "heartbeat_ms", "16.667");

  model = aw_trace_model_new (trace);
  aw_session_add_run (self->session, variant->name, variant->title, model);
  runs = aw_session_get_runs (self->session, &n_runs);
  aw_timeline_view_set_runs (self->timeline, aw_scenario_get_title (scenario), runs, n_runs);
}

static gboolean
start_next_variant_cb (gpointer data)
{
  AwWindow *self = data;

  self->start_delay_id = 0;
  start_next_variant (self);
  return G_SOURCE_REMOVE;
}

/* Starting a run changes what the window shows (the last run cleared, new
 * labels, a new block on the timeline), and laying that out and drawing it
 * takes the main loop a frame: up to about 100 ms in presentation mode's
 * large type. A variant starts once that frame has been painted, so the
 * main-loop gaps its trace records are its own, not the window's. The first
 * tick is the frame that draws the new state; the second comes after it.
 *
 * A tick runs at the start of a frame, before its layout and painting: a
 * variant started from the tick itself would wait for that whole frame
 * before its first callback, and a program of a few milliseconds (ten
 * thousand calls that complete synchronously) would measure the window's
 * painting instead. So it starts just after the frame. */
static gboolean
start_when_drawn (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  AwWindow *self = AW_WINDOW (widget);

  if (++self->start_ticks < 2)
    return G_SOURCE_CONTINUE;
  self->start_tick_id = 0;
  g_assert (self->start_delay_id == 0);
  self->start_delay_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, start_next_variant_cb, self, NULL);
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

/* The longest the queued variants will freeze the window, in ms. */
static guint
queued_freeze_ms (AwWindow *self)
{
  AwRunOptions options;
  guint longest = 0;

  aw_run_options_init (&options);
  options.speed = aw_session_get_speed (self->session);
  options.wait_deadline_ms = self->wait_deadline_ms;
  for (guint i = 0; i < self->queue->len; i++)
    {
      const AwVariant *v = aw_scenario_get_variant (aw_session_get_scenario (self->session),
                                                    g_array_index (self->queue, guint, i));
      longest = MAX (longest, aw_run_estimate_freeze_ms (v->program, &options));
    }
  return longest;
}

void
_aw_window_start_run (AwWindow *self)
{
  /* With a C# file open, Run runs the file. */
  if (_aw_window_csharp_is_open (self))
    {
      _aw_window_csharp_run (self);
      return;
    }
  if (aw_session_get_running (self->session) || self->scenario == NULL)
    return;
  if (self->quiz && self->quiz_dialog == NULL)
    {
      _aw_window_ask_predictions (self);
      return;
    }
  _aw_window_start_run_now (self);
}

void
_aw_window_start_run_now (AwWindow *self)
{
  guint selected;
  guint freeze_ms;

  if (aw_session_get_running (self->session) || self->scenario == NULL)
    return;

  _aw_window_stop_replay (self);
  aw_session_set_replay_position (self->session, -1);
  if (!self->quiz)
    g_array_set_size (self->predictions, 0);
  _aw_window_abandon_run (self);
  _aw_window_clear_run (self);
  _aw_window_show_error (self, NULL);

  aw_session_set_source (self->session, self->scenario, aw_scenario_get_title (self->scenario));
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

  self->cancelled = FALSE;
  aw_session_set_running (self->session, TRUE);
  /* Not an invitation to press Run on a frame a freeze may hold. */
  aw_timeline_view_set_placeholder (self->timeline, _("Starting…"));
  self->revealed = FALSE;
  _aw_window_update_answers (self);
  aw_lesson_panel_set_outcome (self->lesson, _("Running…"));
  aw_lesson_panel_set_warnings (self->lesson, NULL);
  aw_session_set_view (self->session, NULL);
  live_drawing_start (self);
  _aw_window_update_actions (self);
  aw_lesson_panel_highlight (self->lesson, 0, 0);

  /* A run that freezes the window is announced first, and starts only once
   * the notice has been drawn and can be read: a frozen window paints nothing. */
  freeze_ms = queued_freeze_ms (self);
  if (freeze_ms >= FREEZE_NOTICE_MS)
    {
      g_autofree char *how_long = aw_format_duration (freeze_ms);
      /* Translators: %s is a duration like "3.00 s". */
      g_autofree char *notice = g_strdup_printf (
        _("In a moment this run will freeze the window for about %s. That is the point: the UI "
          "thread will be blocked, so nothing repaints and clicks wait. It will recover by itself."), how_long);

      gtk_label_set_text (self->notice_label, notice);
      gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), TRUE);
      aw_lesson_panel_set_outcome (self->lesson, _("About to freeze the window…"));
      {
        /* Translators: said by a screen reader; %1$s is the lesson's
         * title, %2$s the notice that the run will freeze the window. */
        g_autofree char *started = g_strdup_printf (_("Running “%s”. %s"), aw_scenario_get_title (self->scenario),
                                                    notice);
        _aw_window_announce (self, started);
      }
      self->start_delay_id = g_timeout_add (1500, start_next_variant_cb, self);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), FALSE);
  {
    g_autofree char *started = NULL;

    if (self->queue->len > 1)
      /* Translators: said by a screen reader; %s is the lesson's title. */
      started = g_strdup_printf (NG_("Running “%s”: %u variant, one after the other",
                                     "Running “%s”: %u variants, one after the other", self->queue->len),
                                 aw_scenario_get_title (self->scenario), self->queue->len);
    else
      /* Translators: said by a screen reader; %1$s is the lesson's title,
       * %2$s the variant's. */
      started = g_strdup_printf (_("Running “%s”: %s"), aw_scenario_get_title (self->scenario),
                                 aw_scenario_get_variant (self->scenario,
                                                          g_array_index (self->queue, guint, 0))->title);
    _aw_window_announce (self, started);
  }
  start_next_variant_when_drawn (self);
}

void
_aw_window_cancel_run (AwWindow *self)
{
  if (!aw_session_get_running (self->session) || self->cancelled)
    return;
  self->cancelled = TRUE;
  if (self->runner != NULL)
    aw_runner_stop (self->runner);
  _aw_window_csharp_cancel (self);
  _aw_window_update_actions (self);
  _aw_window_announce (self, _("Cancelling: the run's token is cancelled"));

}
