/* bounded.c: the C twin of data/scenarios/bounded.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A hundred 40 ms downloads on the one main context: one by one, all at
 * once, and at most ten at once. Every callback runs on the main context,
 * so the limit needs no semaphore: a counter of downloads in flight, and
 * each completion starts the next. The download stand-in counts the
 * downloads in flight on its own, so the twin checks the most there ever
 * were against the limit. The lesson regions are the GLib C the app shows.
 */

#include "lab.h"

#define N_URLS 100

typedef struct
{
  guint    limit;       /* at most this many downloads at once */
  guint    next;        /* the next URL to start */
  guint    in_flight;
  guint    done;
  gboolean finished;
} Crawl;

/* What the downloads themselves saw: how many were open at once. */
static guint open_now, open_max;

static void
download_async (guint                url,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  open_now++;
  open_max = MAX (open_max, open_now);
  lab_io_async (download_async, 40, NULL, NULL, NULL, cancellable, callback, user_data);
}

static gboolean
download_finish (GAsyncResult  *result,
                 GError       **error)
{
  open_now--;
  return lab_io_finish (result, NULL, error);
}

static void on_downloaded (GObject *source, GAsyncResult *result, gpointer user_data);

/* <lesson> */
/* At most crawl->limit downloads at once: 1 is one by one, N_URLS is all
 * at once, 10 is SemaphoreSlim(10). Every callback runs on this one main
 * context, so a plain counter is the semaphore */
static void
start_more (Crawl *crawl)
{
  while (crawl->in_flight < crawl->limit && crawl->next < N_URLS)
    {
      crawl->in_flight++;                       /* gate.WaitAsync() */
      download_async (crawl->next++, NULL, on_downloaded, crawl);
    }
}

static void
on_downloaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Crawl *crawl = user_data;

  download_finish (result, NULL);
  crawl->in_flight--;                           /* gate.Release() */
  if (++crawl->done == N_URLS)
    crawl->finished = TRUE;                     /* Task.WhenAll is done */
  else
    start_more (crawl);                         /* the slot goes to the next */
}
/* </lesson> */

static gint64
run (const char *variant,
     guint       limit)
{
  Crawl crawl = { .limit = limit };
  gint64 ms;

  open_now = open_max = 0;
  lab_begin ("bounded", variant);
  start_more (&crawl);
  lab_run_until (&crawl.finished);
  ms = lab_elapsed_ms ();
  lab_note ("%u downloads in %" G_GINT64_FORMAT " ms, at most %u at once", crawl.done, ms, open_max);
  lab_check (crawl.done == N_URLS && open_now == 0, "%u of %d downloads done, %u still open",
             crawl.done, N_URLS, open_now);
  lab_check (open_max == limit, "at most %u downloads were open at once, not %u", open_max, limit);
  return ms;
}

int
main (void)
{
  gint64 one_by_one = run ("one-by-one", 1);
  gint64 all_at_once = run ("all-at-once", N_URLS);
  gint64 at_most_10 = run ("at-most-10", 10);

  /* However busy the machine, timers never fire early: the rounds add up. */
  lab_check (one_by_one >= N_URLS * MS (40), "one by one took only %" G_GINT64_FORMAT " ms", one_by_one);
  lab_check (at_most_10 >= (N_URLS / 10) * MS (40), "ten at once took only %" G_GINT64_FORMAT " ms",
             at_most_10);
  lab_check (at_most_10 < one_by_one && all_at_once < at_most_10,
             "one by one %" G_GINT64_FORMAT " ms, ten at once %" G_GINT64_FORMAT " ms, all at once %"
             G_GINT64_FORMAT " ms", one_by_one, at_most_10, all_at_once);
  return 0;
}
