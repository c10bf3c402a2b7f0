/* io-vs-cpu.c: the C twin of data/scenarios/io-vs-cpu.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sixteen 250 ms operations started together. Sixteen downloads are
 * sixteen waits on the one main context, all at once; sixteen resizes each
 * need a worker of the pool for their whole 250 ms, so no more run at once
 * than the pool has workers. The lesson regions are the GLib C the app
 * shows.
 */

#include "lab.h"

typedef struct
{
  guint number;
} Image;

typedef struct
{
  guint    pending;    /* Task.WhenAll: operations not finished yet */
  gboolean done;
} Join;

static GThreadPool *workers;
static gint running, most_running;    /* operations under way, and the most at once */

static void
started (void)
{
  gint now = g_atomic_int_add (&running, 1) + 1;
  gint most = g_atomic_int_get (&most_running);

  while (now > most && !g_atomic_int_compare_and_exchange (&most_running, most, now))
    most = g_atomic_int_get (&most_running);
}

static void
download_async (const char          *url,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  started ();
  lab_io_async (download_async, 250, NULL, g_strdup (url), g_free,
                cancellable, callback, user_data);
}

static Image *
resize (Image *image)
{
  Image *resized = g_new (Image, 1);

  started ();
  lab_work (250);
  resized->number = image->number;
  g_atomic_int_add (&running, -1);
  return resized;
}

static void
on_one_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Join *all = user_data;
  g_autoptr(GError) error = NULL;
  gpointer value = NULL;

  if (g_async_result_is_tagged (result, download_async))
    {
      lab_io_finish (result, &value, &error);
      g_atomic_int_add (&running, -1);
    }
  else
    value = g_task_propagate_pointer (G_TASK (result), &error);
  lab_check (error == NULL, "failed: %s", error ? error->message : "");
  g_free (value);
  if (--all->pending == 0)
    all->done = TRUE;
}

/* <lesson> */
/* I/O: each download is a GTask waiting on a source: no thread held */
static void
download_all (const char *const *urls, Join *all)
{
  all->pending = 16;
  for (guint i = 0; i < 16; i++)
    download_async (urls[i], NULL, on_one_done, all);   /* about 250 ms */
}

/* CPU: each resize holds a worker of the pool until it returns */
static void
resize_worker (gpointer data, gpointer pool_data)
{
  GTask *task = data;                       /* the ref pushed to the pool */

  g_task_return_pointer (task, resize (g_task_get_task_data (task)), g_free);
  g_object_unref (task);
}

static void
resize_all (Image *images, Join *all)
{
  all->pending = 16;
  for (guint i = 0; i < 16; i++)
    {
      GTask *task = g_task_new (NULL, NULL, on_one_done, all);

      g_task_set_task_data (task, &images[i], NULL);
      g_thread_pool_push (workers, task, NULL);   /* 16 x 250 ms / workers */
    }
}
/* </lesson> */

int
main (void)
{
  g_auto(GStrv) urls = g_new0 (char *, 17);
  Image images[16];
  Join all = { 0 };
  gint64 io_ms, cpu_ms;
  guint n_workers = lab_n_workers ();

  for (guint i = 0; i < 16; i++)
    {
      urls[i] = g_strdup_printf ("https://example.com/file/%u", i);
      images[i].number = i;
    }
  workers = lab_pool_new (resize_worker);

  lab_begin ("io-vs-cpu", "io");
  download_all ((const char *const *) urls, &all);
  lab_run_until (&all.done);
  io_ms = lab_elapsed_ms ();
  lab_note ("%" G_GINT64_FORMAT " ms, %d at once", io_ms, most_running);
  lab_check (most_running == 16, "only %d downloads waited at once", most_running);

  most_running = 0;
  all.done = FALSE;
  lab_begin ("io-vs-cpu", "cpu");
  resize_all (images, &all);
  lab_run_until (&all.done);
  cpu_ms = lab_elapsed_ms ();
  lab_note ("%" G_GINT64_FORMAT " ms, %d at once on %u workers", cpu_ms, most_running, n_workers);
  lab_check (most_running <= (gint) n_workers, "%d resizes ran at once on %u workers",
             most_running, n_workers);
  lab_check (cpu_ms >= (16 / n_workers) * MS (250), "the resizes took only %" G_GINT64_FORMAT " ms",
             cpu_ms);

  g_thread_pool_free (workers, FALSE, TRUE);
  return 0;
}
