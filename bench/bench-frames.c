/* bench-frames.c: the window's frames while 10,000 tasks run live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window runs in this process (under a display: xvfb-run -a). Each frame
 * is bracketed with the frame clock's signals: before-paint to after-paint
 * is the frame. Our own work in it is the timeline's tick callbacks (trace
 * merge, model update) plus the drawing of the picture, which the timeline
 * times itself. Times are the main thread's CPU time, which a busy machine
 * does not inflate by preempting us.
 */

#include "config.h"

#include "bench.h"

#ifdef AW_BENCH_HAVE_GTK

#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-timeline-view.h"
#include "aw-window.h"

typedef enum {
  LIVE,
  IDLE_REDRAW,          /* draw the picture again, as after a resize or zoom */
  IDLE_REPAINT,         /* repaint from the cached picture, as under a moving pointer */
} IdleMode;

typedef struct {
  GArray  *frame;       /* double ms per frame: before-paint to after-paint */
  GArray  *own;         /* double ms: ticks of the timeline plus its drawing */
  gint64   frame_start;
  gint64   tick_start;
  gint64   tick_ns;
  gint64   draw_ns;     /* the timeline's last drawing time, as last seen */
  gboolean recording;
  IdleMode idle;        /* what the timeline does every frame when idle */
  GtkWidget *widget;
} Frames;

static void
on_before_paint (GdkFrameClock *clock,
                 Frames        *f)
{
  f->frame_start = aw_bench_thread_cpu_ns ();
  f->tick_ns = 0;
}

static void
on_after_paint (GdkFrameClock *clock,
                Frames        *f)
{
  double frame = (aw_bench_thread_cpu_ns () - f->frame_start) / 1e6;
  gint64 draw_ns = aw_timeline_view_get_draw_time (AW_TIMELINE_VIEW (f->widget));
  double own = (f->tick_ns + (draw_ns != f->draw_ns ? draw_ns : 0)) / 1e6;

  f->draw_ns = draw_ns;
  if (!f->recording || f->frame_start == 0)
    return;
  g_array_append_val (f->frame, frame);
  g_array_append_val (f->own, own);
  f->frame_start = 0;
}

/* A widget runs its tick callbacks newest first: tick_first is added after
 * the window's own tick and tick_last before it. */
static gboolean
tick_first (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       data)
{
  Frames *f = data;

  f->tick_start = aw_bench_thread_cpu_ns ();
  if (f->idle == IDLE_REDRAW)
    aw_timeline_view_refresh (AW_TIMELINE_VIEW (widget));
  else if (f->idle == IDLE_REPAINT)
    gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static gboolean
tick_last (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       data)
{
  Frames *f = data;

  f->tick_ns += aw_bench_thread_cpu_ns () - f->tick_start;
  return G_SOURCE_CONTINUE;
}

static void
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until *flag (never, when %NULL) or a timeout. */
static void
iterate_until (gboolean *flag,
               guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timed_out_cb, &timed_out);

  while ((flag == NULL || !*flag) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

static void
frames_init (Frames    *f,
             GtkWidget *timeline,
             IdleMode   idle)
{
  f->frame = g_array_new (FALSE, FALSE, sizeof (double));
  f->own = g_array_new (FALSE, FALSE, sizeof (double));
  f->widget = timeline;
  f->idle = idle;
}

static void
frames_clear (Frames *f)
{
  g_array_unref (f->frame);
  g_array_unref (f->own);
}

static void
frames_connect (Frames        *f,
                GdkFrameClock *clock)
{
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), f);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (on_after_paint), f);
}

/* @n frames of the idle window, its timeline ticking as @f says. */
static void
measure_idle (Frames        *f,
              GdkFrameClock *clock,
              guint          n)
{
  guint first_id, last_id;

  frames_connect (f, clock);
  last_id = gtk_widget_add_tick_callback (f->widget, tick_last, f, NULL);
  first_id = gtk_widget_add_tick_callback (f->widget, tick_first, f, NULL);
  f->recording = TRUE;
  while (f->frame->len < n)
    g_main_context_iteration (NULL, TRUE);
  f->recording = FALSE;
  g_signal_handlers_disconnect_by_data (clock, f);
  gtk_widget_remove_tick_callback (f->widget, first_id);
  gtk_widget_remove_tick_callback (f->widget, last_id);
}

static void
summarize (GArray  *values,
           double  *median,
           double  *p95,
           double  *max)
{
  g_autofree double *copy = g_memdup2 (values->data, values->len * sizeof (double));

  *median = aw_bench_median ((double *) (gpointer) values->data, values->len);
  *max = aw_bench_max ((double *) (gpointer) values->data, values->len);
  *p95 = aw_bench_percentile (copy, values->len, 95);
}

void
aw_bench_frames (AwBench *bench)
{
  const char *what = "frame time (main thread CPU, before-paint to after-paint), median, while the "
                     "scale scenario's 10,000 awaits run live in the window";
  const char *own_what = "our own work per frame while 10,000 tasks run live: the timeline's tick "
                         "(heartbeat, trace merge, model update) plus the drawing of the picture, worst frame";
  guint count = bench->smoke ? 1 : 10000;
  g_autoptr(AwApplication) app = NULL;
  AwWindow *window;
  AwTimelineView *timeline;
  GdkFrameClock *clock;
  Frames live = { 0 }, idle = { 0 }, repaint = { 0 };
  gboolean mapped = FALSE, finished = FALSE;
  double live_med, live_p95, live_max, idle_med, idle_p95, idle_max;
  double own_med, own_p95, own_max, repaint_med, repaint_p95, repaint_max;
  guint first_id, last_id;
  AwBenchGoal *g;

  if (!gtk_init_check ())
    {
      aw_bench_skip_goal (bench, "live-frames", "ms", 1.6, what, "no display: run under xvfb-run -a");
      aw_bench_skip_goal (bench, "live-own-work", "ms", 1.0, own_what, "no display: run under xvfb-run -a");
      return;
    }

  aw_bench_progress (bench, "live frames: the scale scenario (%u awaits) in the window, then the window idle", count);

  app = aw_application_new (G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_hold (G_APPLICATION (app));

  window = aw_window_new (app);
  g_signal_connect_swapped (window, "map", G_CALLBACK (set_flag), &mapped);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (&mapped, 10000);
  iterate_until (NULL, 300);

  g_assert_true (aw_window_select_scenario (window, "scale"));
  aw_window_set_variant (window, 0);
  aw_window_set_speed (window, bench->smoke ? 4 : 0.5);
  timeline = aw_window_get_timeline (window);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (timeline));

  frames_init (&live, GTK_WIDGET (timeline), LIVE);
  frames_init (&idle, GTK_WIDGET (timeline), IDLE_REDRAW);
  frames_init (&repaint, GTK_WIDGET (timeline), IDLE_REPAINT);

  /* Live: the run, from the press of Run to its end. */
  frames_connect (&live, clock);
  last_id = gtk_widget_add_tick_callback (GTK_WIDGET (timeline), tick_last, &live, NULL);
  g_signal_connect_swapped (window, "run-finished", G_CALLBACK (set_flag), &finished);
  live.recording = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  first_id = gtk_widget_add_tick_callback (GTK_WIDGET (timeline), tick_first, &live, NULL);
  iterate_until (&finished, 60000);
  live.recording = FALSE;
  g_signal_handlers_disconnect_by_data (clock, &live);
  gtk_widget_remove_tick_callback (GTK_WIDGET (timeline), first_id);
  gtk_widget_remove_tick_callback (GTK_WIDGET (timeline), last_id);

  /* Idle: the same window showing the finished run. Each frame draws the
   * same picture again, as the window does after a resize, a zoom or a
   * change of theme: the same drawing as a live frame, without the run. */
  iterate_until (NULL, 300);
  measure_idle (&idle, clock, MAX (live.frame->len, bench->smoke ? 5u : 60u));
  /* For the record: frames that only repaint the cached picture. */
  measure_idle (&repaint, clock, bench->smoke ? 5u : 60u);

  if (live.frame->len == 0 || !finished)
    {
      aw_bench_skip_goal (bench, "live-frames", "ms", 1.6, what, "the run drew no frame");
      aw_bench_skip_goal (bench, "live-own-work", "ms", 1.0, own_what, "the run drew no frame");
      bench->failed = TRUE;
    }
  else
    {
      summarize (live.frame, &live_med, &live_p95, &live_max);
      summarize (idle.frame, &idle_med, &idle_p95, &idle_max);
      summarize (live.own, &own_med, &own_p95, &own_max);

      summarize (repaint.frame, &repaint_med, &repaint_p95, &repaint_max);

      g = aw_bench_add_goal (bench, "live-frames", "ms", live_med, idle_med, 1.6, what,
                             "the same window idle, drawing the same picture every frame (the finished "
                             "run), as after a resize or a zoom");
      aw_bench_note (g, "%u live frames: p95 %.2f, worst %.2f ms; %u idle frames: p95 %.2f, worst %.2f ms; "
                     "idle frames that only repaint the cached picture: median %.2f, p95 %.2f ms",
                     live.frame->len, live_p95, live_max, idle.frame->len, idle_p95, idle_max,
                     repaint_med, repaint_p95);
      aw_bench_note (g, "GSK_RENDERER=%s", g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "(default)");

      g = aw_bench_add_goal (bench, "live-own-work", "ms", own_max, 1000.0 / 60.0, 1.0, own_what,
                             "one frame at 60 Hz (16.7 ms)");
      aw_bench_note (g, "median %.2f ms, p95 %.2f ms", own_med, own_p95);
    }

  frames_clear (&live);
  frames_clear (&idle);
  frames_clear (&repaint);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_until (NULL, 100);
  g_application_release (G_APPLICATION (app));
}

#else /* !AW_BENCH_HAVE_GTK */

void
aw_bench_frames (AwBench *bench)
{
  aw_bench_skip_goal (bench, "live-frames", "ms", 1.6, "frame time while 10,000 tasks run live",
                      "built without GTK");
  aw_bench_skip_goal (bench, "live-own-work", "ms", 1.0, "our own work per frame while 10,000 tasks run live",
                      "built without GTK");
}

#endif
