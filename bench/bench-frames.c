/* bench-frames.c: the window's frames while 10,000 tasks run live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window runs in this process (under a display: xvfb-run -a). Each frame
 * is bracketed with the frame clock's signals: before-paint to after-paint
 * is the frame, and inside it the timeline's tick callbacks (trace merge,
 * model update) and the paint phase (snapshot and GSK render) are timed
 * too. Times are the main thread's CPU time, which a busy machine does not
 * inflate by preempting us.
 */

#include "config.h"

#include "bench.h"

#ifdef AW_BENCH_HAVE_GTK

#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-timeline-view.h"
#include "aw-window.h"

typedef struct {
  GArray  *frame;       /* double ms per frame: before-paint to after-paint */
  GArray  *own;         /* double ms: ticks of the timeline plus the paint phase */
  gint64   frame_start;
  gint64   tick_start;
  gint64   tick_ns;
  gint64   phase_end;   /* the end of the last phase before paint */
  gint64   paint_ns;
  gboolean recording;
  gboolean idle_redraw; /* redraw the timeline every frame, as a pointer over it does */
} Frames;

static void
on_before_paint (GdkFrameClock *clock,
                 Frames        *f)
{
  f->frame_start = f->phase_end = aw_bench_thread_cpu_ns ();
  f->tick_ns = 0;
  f->paint_ns = 0;
}

/* Phases run only when requested: the paint phase starts after whichever
 * of update and layout ran last. */
static void
on_phase_done (GdkFrameClock *clock,
               Frames        *f)
{
  f->phase_end = aw_bench_thread_cpu_ns ();
}

static void
on_paint_done (GdkFrameClock *clock,
               Frames        *f)
{
  f->paint_ns = aw_bench_thread_cpu_ns () - f->phase_end;
}

static void
on_after_paint (GdkFrameClock *clock,
                Frames        *f)
{
  double frame = (aw_bench_thread_cpu_ns () - f->frame_start) / 1e6;
  double own = (f->tick_ns + f->paint_ns) / 1e6;

  if (!f->recording || f->frame_start == 0)
    return;
  g_array_append_val (f->frame, frame);
  g_array_append_val (f->own, own);
  f->frame_start = 0;
}

/* Tick callbacks of one widget run in the order they were added: this one
 * was added before the window's and the next one after it. */
static gboolean
tick_first (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       data)
{
  Frames *f = data;

  f->tick_start = aw_bench_thread_cpu_ns ();
  if (f->idle_redraw)
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
                         "(trace merge, model update) plus the paint phase, worst frame";
  guint count = bench->smoke ? 1 : 10000;
  g_autoptr(AwApplication) app = NULL;
  AwWindow *window;
  AwTimelineView *timeline;
  GdkFrameClock *clock;
  Frames live = { 0 }, idle = { 0 }, *f;
  gboolean mapped = FALSE, finished = FALSE;
  double live_med, live_p95, live_max, idle_med, idle_p95, idle_max;
  double own_med, own_p95, own_max;
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

  live.frame = g_array_new (FALSE, FALSE, sizeof (double));
  live.own = g_array_new (FALSE, FALSE, sizeof (double));
  idle.frame = g_array_new (FALSE, FALSE, sizeof (double));
  idle.own = g_array_new (FALSE, FALSE, sizeof (double));

  /* Live: the run, from the press of Run to its end. */
  f = &live;
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &live);
  g_signal_connect_after (clock, "update", G_CALLBACK (on_phase_done), &live);
  g_signal_connect_after (clock, "layout", G_CALLBACK (on_phase_done), &live);
  g_signal_connect_after (clock, "paint", G_CALLBACK (on_paint_done), &live);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (on_after_paint), &live);
  first_id = gtk_widget_add_tick_callback (GTK_WIDGET (timeline), tick_first, f, NULL);
  g_signal_connect_swapped (window, "run-finished", G_CALLBACK (set_flag), &finished);
  live.recording = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (window), "run", NULL);
  last_id = gtk_widget_add_tick_callback (GTK_WIDGET (timeline), tick_last, f, NULL);
  iterate_until (&finished, 60000);
  live.recording = FALSE;
  g_signal_handlers_disconnect_by_data (clock, &live);
  gtk_widget_remove_tick_callback (GTK_WIDGET (timeline), first_id);
  gtk_widget_remove_tick_callback (GTK_WIDGET (timeline), last_id);

  /* Idle: the same window showing the finished run, its timeline redrawn
   * every frame from its cache, as when the pointer moves over it. */
  iterate_until (NULL, 300);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &idle);
  g_signal_connect_after (clock, "update", G_CALLBACK (on_phase_done), &idle);
  g_signal_connect_after (clock, "layout", G_CALLBACK (on_phase_done), &idle);
  g_signal_connect_after (clock, "paint", G_CALLBACK (on_paint_done), &idle);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (on_after_paint), &idle);
  idle.idle_redraw = TRUE;
  first_id = gtk_widget_add_tick_callback (GTK_WIDGET (timeline), tick_first, &idle, NULL);
  last_id = gtk_widget_add_tick_callback (GTK_WIDGET (timeline), tick_last, &idle, NULL);
  idle.recording = TRUE;
  while (idle.frame->len < MAX (live.frame->len, bench->smoke ? 5u : 60u))
    g_main_context_iteration (NULL, TRUE);
  idle.recording = FALSE;
  g_signal_handlers_disconnect_by_data (clock, &idle);
  gtk_widget_remove_tick_callback (GTK_WIDGET (timeline), first_id);
  gtk_widget_remove_tick_callback (GTK_WIDGET (timeline), last_id);

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

      g = aw_bench_add_goal (bench, "live-frames", "ms", live_med, idle_med, 1.6, what,
                             "the same window idle, its timeline redrawn every frame");
      aw_bench_note (g, "%u live frames: p95 %.2f, worst %.2f ms; %u idle frames: p95 %.2f, worst %.2f ms",
                     live.frame->len, live_p95, live_max, idle.frame->len, idle_p95, idle_max);
      aw_bench_note (g, "GSK_RENDERER=%s", g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "(default)");

      g = aw_bench_add_goal (bench, "live-own-work", "ms", own_max, 1000.0 / 60.0, 1.0, own_what,
                             "one frame at 60 Hz (16.7 ms)");
      aw_bench_note (g, "median %.2f ms, p95 %.2f ms; the paint phase includes GTK's own snapshot "
                     "and render, so this is an upper bound", own_med, own_p95);
    }

  g_array_unref (live.frame);
  g_array_unref (live.own);
  g_array_unref (idle.frame);
  g_array_unref (idle.own);
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
