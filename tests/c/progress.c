/* progress.c: the C twin of data/scenarios/progress.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Start button runs ten 200 ms steps of work that report their progress
 * to a progress bar (IProgress<int>): each report is an idle queued to the
 * main context the work was started from, where the bar is set. Run on the
 * main thread, the loop holds it for 2 s and every report waits until the
 * loop is done; run on the worker pool (Task.Run), each report reaches the
 * main thread as the work goes, and the heartbeat keeps ticking. With
 * Cancel pressed at 0.9 s, the work stops at the next report. The lesson
 * regions are the GLib C the app shows.
 */

#include "lab.h"

/* The handlers only pass the button along: no GTK is needed to run them. */
typedef struct _GtkButton GtkButton;

typedef struct
{
  GThread      *ui_thread;       /* the main thread: the only one to touch the bar */
  GCancellable *token;           /* the running job's, for the Cancel button */
  guint         value;           /* the bar's value */
  const char   *status;          /* "Done" or "Cancelled" once the handler is through */
  gint          pending;         /* reports posted and not run yet */
  guint         reports;         /* reports run */
  gint64        first_report_ms; /* since the click, -1 before the first */
  gint64        last_report_ms;
  gboolean      off_ui_thread;   /* a report ran on another thread */
  gint64        last_tick_us;
  gint64        max_gap_us;      /* the longest the loop went without a heartbeat */
  gboolean      settled;         /* the status is shown and every report has run */
  guint         cancel_click;    /* the timeout that presses Cancel, until it fires */
} Window;

static GThreadPool *workers;

static void
compute_step (void)
{
  lab_work (200);
}

static void
window_settle (Window *window)
{
  window->settled = window->status != NULL && g_atomic_int_get (&window->pending) == 0;
}

/* bar.Value = percent: the bar records when each value came, and where. */
static void
set_bar_value (Window *window,
               guint   percent)
{
  gint64 now = lab_elapsed_ms ();

  window->off_ui_thread |= g_thread_self () != window->ui_thread;
  window->value = percent;
  window->reports++;
  if (window->first_report_ms < 0)
    window->first_report_ms = now;
  window->last_report_ms = now;
  g_atomic_int_add (&window->pending, -1);
  window_settle (window);
}

static void
set_status (Window     *window,
            const char *text)
{
  window->status = text;
  window_settle (window);
}

/* IProgress<int>: made on the main thread, it keeps that thread's main
 * context, as Progress<T> keeps the SynchronizationContext. */
typedef struct
{
  GMainContext *context;
  Window       *window;
} Progress;

typedef struct
{
  Window *window;
  guint   percent;
} Report;

static Progress *
progress_new (Window *window)
{
  Progress *progress = g_new (Progress, 1);

  progress->context = g_main_context_ref_thread_default ();
  progress->window = window;
  return progress;
}

static void
progress_free (gpointer data)
{
  Progress *progress = data;

  g_main_context_unref (progress->context);
  g_free (progress);
}

static Report *
report_new (Progress *progress,
            guint     percent)
{
  Report *report = g_new (Report, 1);

  report->window = progress->window;
  report->percent = percent;
  g_atomic_int_inc (&progress->window->pending);
  return report;
}

/* The Progress<int>'s handler, on the main thread. */
static gboolean
on_progress (gpointer data)
{
  Report *report = data;

  set_bar_value (report->window, report->percent);
  return G_SOURCE_REMOVE;
}

/* <lesson> */
/* progress.Report (percent), from any thread: queued to the main context
 * the Progress was made on, never run at once (g_main_context_invoke
 * would run it at once on the main thread itself) */
static void
progress_report (Progress *progress, guint percent)
{
  GSource *idle = g_idle_source_new ();

  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, on_progress, report_new (progress, percent), g_free);
  g_source_attach (idle, progress->context);   /* bar.Value = percent there */
  g_source_unref (idle);
}

/* The work: ten steps of 200 ms, a report after each but the last */
static gboolean
compute (Progress *progress, GCancellable *token)
{
  for (guint step = 1; step < 10; step++)
    {
      compute_step ();                           /* 200 ms of work */
      progress_report (progress, step * 10);     /* 10%, 20%, ... 90% */
      if (g_cancellable_is_cancelled (token))    /* Cancel is seen at a report */
        return FALSE;
    }
  compute_step ();                               /* the last step: then "Done" */
  return TRUE;
}

/* Frozen: the loop runs on the main thread; the reports it queues wait */
static void
on_start_clicked_blocking (GtkButton *button, gpointer user_data)
{
  Progress *progress = progress_new (user_data);   /* keeps this main context */

  compute (progress, NULL);                /* 2 s: no repaint, no clicks */
  set_status (user_data, "Done");          /* then 10% ... 90% at once */
  progress_free (progress);
}
/* </lesson> */

static void
on_computed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Window *window = user_data;
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    set_status (window, "Done");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_status (window, "Cancelled");
  g_clear_object (&window->token);
}

/* <lesson> */
/* Responsive: the loop runs on the worker pool (Task.Run); each report
 * runs on the main thread as the work goes */
static void
compute_in_thread (gpointer data, gpointer pool_data)
{
  GTask *task = data;

  if (compute (g_task_get_task_data (task), g_task_get_cancellable (task)))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error_if_cancelled (task);   /* on_computed: "Cancelled" */
  g_object_unref (task);
}

static void
on_start_clicked (GtkButton *button, gpointer user_data)
{
  Window *window = user_data;
  GTask *task;

  window->token = g_cancellable_new ();        /* the Cancel button cancels it */
  task = g_task_new (NULL, window->token, on_computed, window);
  g_task_set_task_data (task, progress_new (window), progress_free);
  g_thread_pool_push (workers, task, NULL);
}
/* </lesson> */

static void
on_cancel_clicked (GtkButton *button,
                   gpointer   user_data)
{
  Window *window = user_data;

  g_cancellable_cancel (window->token);
}

static gboolean
heartbeat (gpointer user_data)
{
  Window *window = user_data;
  gint64 now = g_get_monotonic_time ();

  window->max_gap_us = MAX (window->max_gap_us, now - window->last_tick_us);
  window->last_tick_us = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
cancel_clicked (gpointer user_data)
{
  Window *window = user_data;

  window->cancel_click = 0;
  on_cancel_clicked (NULL, window);
  return G_SOURCE_REMOVE;
}

/* A click on Start (and, if @cancel_ms > 0, on Cancel after @cancel_ms),
 * then the main loop, with a heartbeat every 100 scenario ms, until the
 * status is shown and every report has run. */
static Window
run (const char *variant,
     void      (*handler) (GtkButton *, gpointer),
     guint       cancel_ms)
{
  Window window = { 0 };
  guint tick;

  lab_begin ("progress", variant);
  window.ui_thread = g_thread_self ();
  window.first_report_ms = window.last_report_ms = -1;
  window.last_tick_us = g_get_monotonic_time ();
  tick = g_timeout_add (MS (100), heartbeat, &window);
  handler (NULL, &window);
  if (cancel_ms > 0)
    window.cancel_click = g_timeout_add (MS (cancel_ms), cancel_clicked, &window);
  lab_run_until (&window.settled);
  heartbeat (&window);
  g_source_remove (tick);
  g_clear_handle_id (&window.cancel_click, g_source_remove);
  lab_note ("%s after %" G_GINT64_FORMAT " ms: %u reports (the first at %" G_GINT64_FORMAT
            " ms, the last at %" G_GINT64_FORMAT " ms), the bar at %u%%, the longest gap %"
            G_GINT64_FORMAT " ms", window.status, lab_elapsed_ms (), window.reports,
            window.first_report_ms, window.last_report_ms, window.value, window.max_gap_us / 1000);
  lab_check (!window.off_ui_thread, "a report ran on a thread other than the main thread");
  return window;
}

int
main (void)
{
  Window blocked, moved, cancelled;

  workers = lab_pool_new (compute_in_thread);

  /* The loop on the main thread: frozen 2 s, then all nine reports at once. */
  blocked = run ("on-ui-thread", on_start_clicked_blocking, 0);
  lab_check (blocked.max_gap_us >= MS (2000) * G_TIME_SPAN_MILLISECOND,
             "the blocked loop went only %" G_GINT64_FORMAT " ms without a heartbeat",
             blocked.max_gap_us / 1000);
  lab_check (blocked.reports == 9, "%u reports ran, not 9", blocked.reports);
  lab_check (blocked.first_report_ms >= MS (2000), "a report ran at %" G_GINT64_FORMAT
             " ms, before the loop on the main thread was done", blocked.first_report_ms);
  lab_check (blocked.value == 90, "the bar is at %u%%", blocked.value);

  /* On the worker pool: the reports come as the work goes, the loop ticks on. */
  moved = run ("task-run", on_start_clicked, 0);
  lab_check (g_str_equal (moved.status, "Done"), "the work ended %s", moved.status);
  lab_check (moved.reports == 9, "%u reports ran, not 9", moved.reports);
  lab_check (moved.first_report_ms < MS (1000), "the first report ran only at %" G_GINT64_FORMAT " ms",
             moved.first_report_ms);
  lab_check (moved.max_gap_us < MS (1000) * G_TIME_SPAN_MILLISECOND,
             "the main loop went %" G_GINT64_FORMAT " ms without a heartbeat", moved.max_gap_us / 1000);
  lab_check (moved.max_gap_us * 4 < blocked.max_gap_us, "the gaps: %" G_GINT64_FORMAT " ms moved, %"
             G_GINT64_FORMAT " ms blocked", moved.max_gap_us / 1000, blocked.max_gap_us / 1000);

  /* Cancel at 0.9 s: the work stops at the next report. */
  cancelled = run ("cancel", on_start_clicked, 900);
  lab_check (g_str_equal (cancelled.status, "Cancelled"), "the work ended %s", cancelled.status);
  lab_check (cancelled.reports >= 1 && cancelled.reports < 9, "%u reports ran", cancelled.reports);
  lab_check (cancelled.value == cancelled.reports * 10, "the bar is at %u%% after %u reports",
             cancelled.value, cancelled.reports);

  g_thread_pool_free (workers, FALSE, TRUE);
  return 0;
}
