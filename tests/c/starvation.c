/* starvation.c: the C twin of data/scenarios/starvation.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Twelve two-second downloads, then 50 ms of work for the same worker
 * pool. Sync over async: each download runs in a pool job that blocks its
 * worker until the download's callback has run on a main context of the
 * worker's own, so the work queued after them waits for a worker until
 * every download has had one. Async: the downloads are timers on the main
 * context, no worker is held, and the work gets a worker at once. The pool
 * here is a plain GThreadPool of the runner's size: it does not grow as
 * .NET's does, so the blocked downloads go through it round by round. The
 * lesson regions are the GLib C the app shows.
 */

#include "lab.h"

typedef struct
{
  guint    pending;         /* downloads not finished yet */
  gint64   first_end_ms;    /* when the first download finished, or -1 */
  gint64   total_start_ms;  /* when the total got a worker, or -1 */
  gint64   total_end_ms;
  gboolean total_done;      /* set on the main thread */
  gboolean all_done;
} App;

typedef void (*JobFunc) (GTask *task);

/* A job of the pool: what it runs, and the task it returns. */
typedef struct
{
  JobFunc  func;
  GTask   *task;
} Job;

static GThreadPool *workers;

static void
run_job (gpointer data,
         gpointer pool_data)
{
  Job *job = data;

  job->func (job->task);
  g_object_unref (job->task);
  g_free (job);
}

/* Queues @func for a worker; its task calls back @callback on the calling
 * thread's main context and carries @user_data as its task data. */
static void
push_job (JobFunc             func,
          GAsyncReadyCallback callback,
          gpointer            user_data)
{
  Job *job = g_new (Job, 1);

  job->func = func;
  job->task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_task_data (job->task, user_data, NULL);
  g_thread_pool_push (workers, job, NULL);
}

/* Two seconds of network: a timer on the thread-default main context. */
static void
download_async (GAsyncReadyCallback callback,
                gpointer            user_data)
{
  lab_io_async (download_async, 2000, NULL, NULL, NULL, NULL, callback, user_data);
}

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  App *app = user_data;

  if (app->first_end_ms < 0)
    app->first_end_ms = lab_elapsed_ms ();
  if (--app->pending == 0)
    app->all_done = TRUE;
}

static void
compute_total (GTask *task)
{
  App *app = g_task_get_task_data (task);

  app->total_start_ms = lab_elapsed_ms ();
  lab_work (50);
  g_task_return_boolean (task, TRUE);
}

static void
on_total (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  App *app = user_data;

  app->total_end_ms = lab_elapsed_ms ();
  app->total_done = TRUE;
}

/* <lesson> */
/* Sync over async: the worker blocks until the download's callback has run
 * on a main context of its own (DownloadAsync(url).Result in Task.Run) */
static void
on_downloaded (GObject *source, GAsyncResult *result, gpointer done)
{
  lab_io_finish (result, NULL, NULL);
  *(gboolean *) done = TRUE;
}

static void
sync_one (GTask *task)                 /* a job of the worker pool */
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean done = FALSE;

  g_main_context_push_thread_default (context);
  download_async (on_downloaded, &done);             /* 2 s */
  while (!done)
    g_main_context_iteration (context, TRUE);        /* holds this worker */
  g_main_context_pop_thread_default (context);
  g_task_return_boolean (task, TRUE);
}

static void
start_sync (App *app)
{
  for (guint i = 0; i < 12; i++)
    push_job (sync_one, on_synced, app);
}

/* Async: twelve timers on the main context, no worker held */
static void
start_sync_async (App *app)
{
  for (guint i = 0; i < 12; i++)
    download_async (on_synced, app);
}

/* Right after either, the user clicks Total: 50 ms of work for the pool */
static void
on_total_clicked (App *app)
{
  push_job (compute_total, on_total, app);
}
/* </lesson> */

static App
run (const char *variant,
     void      (*start) (App *app))
{
  App app = { .pending = 12, .first_end_ms = -1, .total_start_ms = -1 };

  lab_begin ("starvation", variant);
  start (&app);
  on_total_clicked (&app);
  lab_run_until (&app.total_done);
  lab_run_until (&app.all_done);
  lab_note ("the total waited %" G_GINT64_FORMAT " ms for a worker and was done at %" G_GINT64_FORMAT
            " ms; the first download ended at %" G_GINT64_FORMAT " ms, the last at %" G_GINT64_FORMAT " ms",
            app.total_start_ms, app.total_end_ms, app.first_end_ms, lab_elapsed_ms ());
  return app;
}

int
main (void)
{
  guint n_workers = lab_n_workers ();
  App blocked, awaited;

  workers = lab_pool_new (run_job);
  blocked = run ("sync-over-async", start_sync);
  awaited = run ("async", start_sync_async);

  /* The total is queued behind 12 downloads on n workers: it gets one only
   * after 12 / n rounds of two seconds, however fast the machine. */
  lab_check (blocked.total_start_ms >= (12 / n_workers) * MS (2000),
             "the total waited only %" G_GINT64_FORMAT " ms behind the blocked downloads", blocked.total_start_ms);
  lab_check (blocked.total_start_ms >= blocked.first_end_ms,
             "the total got a worker before any blocked download ended");
  /* Awaited, no download holds a worker: the total is done before any download. */
  lab_check (awaited.total_end_ms < awaited.first_end_ms,
             "the total ended at %" G_GINT64_FORMAT " ms, after the first download (%" G_GINT64_FORMAT " ms)",
             awaited.total_end_ms, awaited.first_end_ms);
  lab_check (awaited.total_start_ms < MS (2000) / 2, "the total waited %" G_GINT64_FORMAT " ms for a worker",
             awaited.total_start_ms);

  g_thread_pool_free (workers, FALSE, TRUE);
  return 0;
}
