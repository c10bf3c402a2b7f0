/* cancel.c: the C twin of data/scenarios/cancel.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A job on the worker pool and a download share one GCancellable, which a
 * timeout cancels after 500 ms (CancelAfter), or never. The job checks the
 * token before each image; the download listens to it. The lesson regions
 * are the GLib C the app shows.
 */

#include "lab.h"

typedef struct
{
  GCancellable *token;
  guint         deadline;    /* the CancelAfter timeout, 0 once it fired */
  guint         pending;     /* Task.WhenAll: parts not finished yet */
  GError       *error;       /* the first error, as await rethrows it */
  gboolean      done;
} Join;

static guint images[200];    /* 10 ms each: 2 s of work */
static const guint n_images = G_N_ELEMENTS (images);
static gint n_resized;
static GThreadPool *workers;

static void
resize (guint image)
{
  lab_work (10);
  g_atomic_int_inc (&n_resized);
}

static void
download_report_async (GCancellable        *token,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  lab_io_async (download_report_async, 2000, NULL, NULL, NULL, token, callback, user_data);
}

/* Task.WhenAll: counts the parts down; when both are done, the using block
 * ends: the deadline goes and the token is unreffed. */
static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Join *all = user_data;
  GError *error = NULL;

  if (g_async_result_is_tagged (result, download_report_async))
    lab_io_finish (result, NULL, &error);
  else
    g_task_propagate_boolean (G_TASK (result), &error);
  if (error != NULL && all->error == NULL)
    all->error = error;
  else
    g_clear_error (&error);

  if (--all->pending > 0)
    return;
  g_clear_handle_id (&all->deadline, g_source_remove);
  g_clear_object (&all->token);
  all->done = TRUE;
}

static gboolean
deadline_passed (gpointer user_data)
{
  Join *all = user_data;

  all->deadline = 0;
  g_cancellable_cancel (all->token);
  return G_SOURCE_REMOVE;
}

/* <lesson> */
/* On the worker pool: the GTask is the reference pushed to the pool */
static void
resize_images (gpointer data, gpointer pool_data)
{
  GTask *task = data;
  GCancellable *token = g_task_get_cancellable (task);

  for (guint i = 0; i < n_images && !g_cancellable_is_cancelled (token); i++)
    resize (images[i]);                       /* checked every 10 ms */
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Task.WhenAll: on_done counts all->pending down */
static void
resize_and_download (GCancellable *token, Join *all)
{
  all->pending = 2;
  g_thread_pool_push (workers, g_task_new (NULL, token, on_done, all), NULL);
  download_report_async (token, on_done, all);  /* the API listens */
}

/* CancelAfter: deadline_passed cancels the token */
static void
with_deadline (Join *all)
{
  all->token = g_cancellable_new ();          /* unreffed when all is done */
  all->deadline = g_timeout_add (MS (500), deadline_passed, all);
  resize_and_download (all->token, all);
}
/* </lesson> */

int
main (void)
{
  Join all = { 0 };

  workers = lab_pool_new (resize_images);

  lab_begin ("cancel", "cancel-after");
  with_deadline (&all);
  lab_run_until (&all.done);
  lab_note ("%s after %" G_GINT64_FORMAT " ms, %d of %u images resized",
            all.error ? all.error->message : "completed", lab_elapsed_ms (), n_resized, n_images);
  lab_check (g_error_matches (all.error, G_IO_ERROR, G_IO_ERROR_CANCELLED), "not cancelled");
  lab_check ((guint) n_resized < n_images, "every image was resized: the job did not stop");
  g_clear_error (&all.error);

  memset (&all, 0, sizeof all);
  n_resized = 0;
  lab_begin ("cancel", "no-deadline");
  all.token = g_cancellable_new ();
  resize_and_download (all.token, &all);
  lab_run_until (&all.done);
  lab_note ("%s after %" G_GINT64_FORMAT " ms, %d of %u images resized",
            all.error ? all.error->message : "completed", lab_elapsed_ms (), n_resized, n_images);
  lab_check (all.error == NULL, "failed: %s", all.error ? all.error->message : "");
  lab_check ((guint) n_resized == n_images, "only %d images resized", n_resized);

  g_thread_pool_free (workers, FALSE, TRUE);
  return 0;
}
