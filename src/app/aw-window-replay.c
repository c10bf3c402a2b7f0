/* aw-window-replay.c: a playhead over the recorded run: play, step, jump
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The models of the last run are cut off at the playhead, so the timeline,
 * the task table and the marked code lines show the run as it stood at
 * that moment. The timeline keeps the whole run's axis and rows and draws
 * the playhead over them, and the outcome card keeps the whole run's
 * outcome, so nothing on screen moves but what the run did. A step lands
 * on a recorded event (heartbeats aside) at least one pixel of the
 * timeline away, so each step changes the picture.
 */

#include "config.h"

#include "aw-window-private.h"

#include "aw-format.h"
#include "aw-i18n.h"
#include "aw-summary.h"

#include <math.h>

static const double replay_speeds[] = { 0.25, 0.5, 1.0, 2.0, 4.0 };

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
  AwScenario *scenario = aw_session_get_scenario (self->session);
  gint64 best_time = -1;
  const AwNode *best = NULL;
  const AwNamedRun *runs;
  guint n_runs;

  runs = aw_session_get_runs (self->session, &n_runs);
  if (scenario != NULL && pos >= 0)
    for (guint i = 0; i < n_runs; i++)
      {
        AwTraceModel *model = runs[i].model;
        const AwVariant *variant = aw_scenario_find_variant (scenario,
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

/* The slider and the time beside it, from the session: with nothing to
 * replay (no run yet, a run in progress, another lesson) they say so
 * rather than keep an old run's time. */
void
_aw_window_update_replay_bar (AwWindow *self)
{
  gint64 pos = aw_session_get_replay_position (self->session);
  gint64 end = aw_session_get_replay_end (self->session);

  self->updating_scale = TRUE;
  if (!aw_session_get_can_replay (self->session) || end <= 0)
    {
      gtk_label_set_text (self->replay_label, _("Nothing to replay"));
      gtk_adjustment_configure (self->replay_adjustment, 0, 0, 1, 0.01, 0.1, 0);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->replay_scale),
                                      GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, _("Nothing to replay"),
                                      -1);
    }
  else
    {
      /* "0.64 s / 2.41 s", in the end's unit. */
      g_autofree char *pos_text = aw_format_duration_as ((pos < 0 ? end : pos) / 1e6, end / 1e6);
      g_autofree char *end_text = aw_format_duration (end / 1e6);
      g_autofree char *label = g_strdup_printf ("%s / %s", pos_text, end_text);

      /* Translators: the replay slider's value for a screen reader: the
       * playhead's time of the run's length, durations like "0.64 s". */
      g_autofree char *spoken = g_strdup_printf (_("%s of %s"), pos_text, end_text);


      gtk_label_set_text (self->replay_label, label);
      /* A screen reader reads the slider's value as the label shows it, not
       * as a bare number of seconds. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->replay_scale),
                                      GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, spoken,
                                      -1);
      gtk_adjustment_configure (self->replay_adjustment,
                                (pos < 0 ? end : pos) / 1e9,
                                0, MAX (end / 1e9, 0.001), 0.01, 0.1, 0);
    }
  self->updating_scale = FALSE;
}

void
_aw_window_apply_replay (AwWindow *self)
{
  gint64 pos = aw_session_get_replay_position (self->session);
  const AwNamedRun *runs;
  guint n_runs;

  runs = aw_session_get_runs (self->session, &n_runs);
  for (guint i = 0; i < n_runs; i++)
    aw_trace_model_set_cutoff (runs[i].model, pos);

  aw_timeline_view_refresh (self->timeline);
  aw_task_table_set_runs (self->table, runs, n_runs);
  highlight_code_at (self, pos);
  _aw_window_show_outcome (self);
  _aw_window_update_replay_bar (self);
}

/* One pixel of the timeline, in ns of the time it shows: a step moves at
 * least this far, so that each step changes the picture. 0 (every
 * recorded instant) while the timeline has not been laid out. */
static gint64
pixel_time (AwWindow *self)
{
  const AwRenderLayout *layout = aw_timeline_view_get_layout (self->timeline);

  if (layout == NULL || layout->plot_width < 1 || layout->view_end_ns <= layout->view_start_ns)
    return 0;
  return (gint64) ceil ((double) (layout->view_end_ns - layout->view_start_ns) / layout->plot_width);
}

/* Past the end is the whole run again. */
static void
set_replay_pos (AwWindow *self,
                gint64    pos)
{
  if (!aw_session_get_can_replay (self->session))
    return;
  if (pos >= aw_session_get_replay_end (self->session))
    pos = -1;
  else
    pos = MAX (pos, 0);
  aw_session_set_replay_position (self->session, pos);
  _aw_window_apply_replay (self);
}

void
_aw_window_stop_replay (AwWindow *self)
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
  gint64 pos = MAX (aw_session_get_replay_position (self->session), 0);

  if (self->replay_last_frame != 0)
    pos += (gint64) ((now - self->replay_last_frame) * 1000 * factor);
  self->replay_last_frame = now;

  set_replay_pos (self, pos);
  if (aw_session_get_replay_position (self->session) < 0)
    {
      self->replay_tick_id = 0;
      _aw_window_stop_replay (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Play or pause, as the Replay button's state says. */
void
_aw_window_toggle_replay (AwWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "replay");
  g_autoptr(GVariant) state = g_action_get_state (action);
  gboolean playing = !g_variant_get_boolean (state);

  if (!aw_session_get_can_replay (self->session))
    playing = FALSE;
  if (!playing)
    {
      _aw_window_stop_replay (self);
      return;
    }
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (TRUE));
  if (aw_session_get_replay_position (self->session) < 0)
    set_replay_pos (self, 0);
  self->replay_last_frame = 0;
  if (self->replay_tick_id == 0)
    self->replay_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->timeline), replay_tick, self, NULL);
}

/**
 * aw_window_step:
 * @direction: 1 for the next event, -1 for the previous one
 *
 * Moves the playhead to the next or previous recorded event that the
 * timeline shows apart from where the playhead is: events less than a
 * pixel apart at the timeline's present width and zoom are one step.
 */
void
aw_window_step (AwWindow *self,
                int       direction)
{
  if (!aw_session_get_can_replay (self->session))
    return;
  _aw_window_stop_replay (self);
  set_replay_pos (self, aw_session_get_step (self->session, aw_session_get_replay_position (self->session),
                                             direction, pixel_time (self)));
}

/**
 * aw_window_seek:
 * @position_ns: where to put the playhead, in ns since the runs' start; -1
 *   (or past the end) for the whole run
 *
 * Moves the playhead as the slider does.
 */
void
aw_window_seek (AwWindow *self,
                gint64    position_ns)
{
  g_return_if_fail (AW_IS_WINDOW (self));

  _aw_window_stop_replay (self);
  set_replay_pos (self, position_ns < 0 ? aw_session_get_replay_end (self->session) : position_ns);
}

gint64
_aw_window_get_replay_position (AwWindow *self)
{
  return aw_session_get_replay_position (self->session);
}

/* The start is the run's first pixel on the timeline, with what the run
 * did there: the tasks it started at once, say. */
void
_aw_window_replay_to_start (AwWindow *self)
{
  _aw_window_stop_replay (self);
  set_replay_pos (self, aw_session_get_start (self->session, pixel_time (self)));
}

void
_aw_window_replay_to_end (AwWindow *self)
{
  _aw_window_stop_replay (self);
  set_replay_pos (self, aw_session_get_replay_end (self->session));
}

void
_aw_window_on_replay_scale_changed (GtkAdjustment *adjustment,
                                    AwWindow      *self)
{
  if (self->updating_scale)
    return;
  _aw_window_stop_replay (self);
  set_replay_pos (self, (gint64) (gtk_adjustment_get_value (adjustment) * 1e9));
}

/* The replay bar's sensitivity is bound to the session's can-replay; its
 * actions follow it here. */
void
_aw_window_update_replay_sensitivity (AwWindow *self)
{
  gboolean can = aw_session_get_can_replay (self->session);
  const char *names[] = { "win.step-back", "win.step-forward", "win.replay-start", "win.replay-end" };

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "replay")), can);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), names[i], can);
  _aw_window_update_replay_bar (self);
}
