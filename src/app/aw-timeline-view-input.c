/* aw-timeline-view-input.c: the timeline's hover, wheel, drag, pinch, keys and tooltip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of AwTimelineView (aw-timeline-view.c draws and keeps the data):
 * what the user does to the view with the pointer and the keyboard, and
 * what it says about the point under the pointer.
 */

#include "config.h"

#include <math.h>

#include "aw-timeline-view.h"
#include "aw-timeline-view-private.h"

#include "aw-format.h"
#include "aw-recorded-text.h"
#include "aw-i18n.h"
#include "aw-summary.h"
#include "aw-task-table.h"

#define TOOLTIP_WIDTH_CHARS 50                  /* as GTK wraps a one-line tooltip */

/* Input ---------------------------------------------------------------------- */

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           AwTimelineView           *self)
{
  self->hovering = TRUE;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          AwTimelineView           *self)
{
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           AwTimelineView           *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (state & GDK_CONTROL_MASK)
    {
      aw_timeline_view_zoom (self, dy < 0 ? 1.25 : 0.8, self->hovering ? self->hover_x : -1);
      return TRUE;
    }
  /* When the picture is taller than its pane (readable rows for a room, a
   * crowded comparison), the plain wheel scrolls the pane and Shift+wheel
   * pans; otherwise nothing around the timeline scrolls, so the plain
   * wheel pans: down (or right) to later times, as a touchpad's sideways
   * swipe does. */
  if (dx == 0 && !(state & GDK_SHIFT_MASK))
    {
      GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);

      if (scroller != NULL)
        {
          GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

          if (gtk_adjustment_get_upper (v) - gtk_adjustment_get_lower (v) > gtk_adjustment_get_page_size (v) + 1)
            return FALSE;
        }
    }
  aw_timeline_view_pan (self, 40 * (dx != 0 ? dx : dy));
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               AwTimelineView *self)
{
  _aw_timeline_view_current_view (self, &self->drag_start_ns, &self->drag_end_ns);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                AwTimelineView *self)
{
  gint64 dt;

  if (self->layout == NULL || self->layout->plot_width <= 0)
    return;
  dt = (gint64) (-dx / self->layout->plot_width * (self->drag_end_ns - self->drag_start_ns));
  _aw_timeline_view_set_view_within_runs (self, self->drag_start_ns + dt, self->drag_end_ns + dt);
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                AwTimelineView   *self)
{
  _aw_timeline_view_current_view (self, &self->pinch_start_ns, &self->pinch_end_ns);
}

static void
on_pinch_scale (GtkGestureZoom *gesture,
                double          scale,
                AwTimelineView *self)
{
  double cx, cy, span;
  gint64 anchor;
  double frac;

  if (self->layout == NULL || self->layout->plot_width <= 0 || scale <= 0)
    return;
  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    cx = self->layout->plot_x + self->layout->plot_width / 2;
  frac = CLAMP ((cx - self->layout->plot_x) / self->layout->plot_width, 0, 1);
  anchor = self->pinch_start_ns + (gint64) (frac * (self->pinch_end_ns - self->pinch_start_ns));
  span = (self->pinch_end_ns - self->pinch_start_ns) / scale;
  _aw_timeline_view_set_view_within_runs (self, anchor - (gint64) (frac * span), anchor + (gint64) ((1 - frac) * span));
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                AwTimelineView        *self)
{
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_w: case GDK_KEY_W: case GDK_KEY_plus: case GDK_KEY_KP_Add:
      aw_timeline_view_zoom (self, 1.5, -1);
      return TRUE;
    case GDK_KEY_s: case GDK_KEY_S: case GDK_KEY_minus: case GDK_KEY_KP_Subtract:
      aw_timeline_view_zoom (self, 1 / 1.5, -1);
      return TRUE;
    case GDK_KEY_a: case GDK_KEY_A:
      aw_timeline_view_pan (self, -80);
      return TRUE;
    case GDK_KEY_d: case GDK_KEY_D:
      aw_timeline_view_pan (self, 80);
      return TRUE;
    case GDK_KEY_f: case GDK_KEY_F:
      aw_timeline_view_fit (self);
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * aw_timeline_view_describe_at:
 *
 * Returns: (transfer full) (nullable): what the timeline shows at a point:
 *   task, state, start, duration and thread
 */
char *
aw_timeline_view_describe_at (AwTimelineView *self,
                              double          x,
                              double          y)
{
  const AwNamedRun *variant;
  const AwTaskInfo *tasks, *task;
  const AwSpan *spans;
  g_autofree char *start = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *thread = NULL;
  const char *state = NULL;
  guint v, index, n_tasks, n_spans;
  gint64 t, begin, end;

  if (self->layout == NULL || !aw_render_layout_pick (self->layout, x, y, &v, &index, &t))
    return NULL;
  if (v >= self->variants->len)
    return NULL;

  variant = &g_array_index (self->variants, AwNamedRun, v);
  tasks = aw_trace_model_get_tasks (variant->model, &n_tasks);
  if (index >= n_tasks)
    return NULL;
  task = &tasks[index];
  spans = aw_trace_model_get_spans (variant->model, &n_spans);
  begin = aw_trace_model_get_begin_ns (variant->model);
  end = task->end_ns >= 0 ? task->end_ns : aw_trace_model_get_end_ns (variant->model);

  for (guint s = task->first_span; s < task->first_span + task->n_spans; s++)
    {
      if (t >= spans[s].start_ns - begin && t < spans[s].end_ns - begin)
        state = spans[s].phase == AW_PHASE_RUNNING ? C_("outcome", "running")
              : spans[s].phase == AW_PHASE_QUEUED ? _("queued for a worker thread")
              : _("waiting (holds no thread)");
    }
  if (task->sync)
    state = _("completed synchronously: no Task allocated (no GTask)");
  thread = aw_summary_task_thread (variant->model, task);
  if (state == NULL)
    state = aw_task_table_outcome_label (task->outcome);

  start = aw_format_duration ((task->created_ns - begin) / 1e6);
  duration = aw_format_duration ((end - task->created_ns) / 1e6);

  if (task->error != NULL)
    {
      g_autofree char *error = aw_recorded_text_shown (task->error);

      /* Translators: a task's tooltip on the timeline: its name; what it
       * did at the pointer's moment ("running", "waiting (holds no
       * thread)"); how it ended ("faulted") and its error message; when it
       * started and how long it took (durations like "1.50 s"); its thread. */
      return g_strdup_printf (_("%s\n%s at this moment; %s in the end: %s\nstarted at %s, took %s\nthread: %s"),
                              task->name, state, aw_task_table_outcome_label (task->outcome), error,
                              start, duration, thread);
    }
  /* Translators: a task's tooltip on the timeline: its name; what it did
   * at the pointer's moment ("running", "waiting (holds no thread)"); how
   * it ended ("completed"); when it started and how long it took
   * (durations like "1.50 s"); its thread. */
  return g_strdup_printf (_("%s\n%s at this moment; %s in the end\nstarted at %s, took %s\nthread: %s"),
                          task->name, state, aw_task_table_outcome_label (task->outcome),
                          start, duration, thread);

}

static gboolean
on_query_tooltip (GtkWidget      *widget,
                  int             x,
                  int             y,
                  gboolean        keyboard,
                  GtkTooltip     *tooltip,
                  AwTimelineView *self)
{
  g_autofree char *text = aw_timeline_view_describe_at (self, x, y);

  if (text == NULL)
    return FALSE;

  /* GTK wraps a tooltip's text only when it is one line; ours has four,
   * and the state line with an error message can be wider than the
   * screen. Our own label wraps each line at a readable width. */
  if (self->tooltip_label == NULL)
    {
      self->tooltip_label = g_object_ref_sink (gtk_label_new (NULL));
      gtk_label_set_wrap (GTK_LABEL (self->tooltip_label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (self->tooltip_label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (self->tooltip_label), TOOLTIP_WIDTH_CHARS);
      gtk_label_set_xalign (GTK_LABEL (self->tooltip_label), 0);
    }
  gtk_label_set_text (GTK_LABEL (self->tooltip_label), text);
  gtk_tooltip_set_custom (tooltip, self->tooltip_label);
  return TRUE;
}

/* The view's pointer, wheel, gestures, keys and tooltip. */
void
_aw_timeline_view_input_init (AwTimelineView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_pinch_scale), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
