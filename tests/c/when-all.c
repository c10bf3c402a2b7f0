/* when-all.c: the C twin of data/scenarios/when-all.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three independent requests (800, 600 and 1000 ms): one by one, each
 * started from the previous one's callback, they take the sum; started
 * together and counted down to zero (Task.WhenAll), they take the longest.
 * The lesson regions are the GLib C the app shows.
 */

#include "lab.h"

typedef struct
{
  char     *profile;
  char     *orders;
  char     *recs;
  guint     pending;    /* WhenAll: requests not finished yet */
  gboolean  shown;
} Load;

static void
get_profile_async (GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  lab_io_async (get_profile_async, 800, NULL, g_strdup ("profile"), g_free,
                cancellable, callback, user_data);
}

static void
get_orders_async (GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  lab_io_async (get_orders_async, 600, NULL, g_strdup ("orders"), g_free,
                cancellable, callback, user_data);
}

static void
get_recommendations_async (GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  lab_io_async (get_recommendations_async, 1000, NULL, g_strdup ("recommendations"), g_free,
                cancellable, callback, user_data);
}

/* The three requests' _finish functions: their values, or NULL with @error set. */
static char *
finish (GAsyncResult  *result,
        GError       **error)
{
  char *value = NULL;

  lab_io_finish (result, (gpointer *) &value, error);
  return value;
}
#define get_profile_finish finish
#define get_orders_finish finish
#define get_recommendations_finish finish

static void
show (Load *load)
{
  lab_check (load->profile && load->orders && load->recs, "something is missing");
  load->shown = TRUE;
}

static void
on_recs (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Load *load = user_data;

  load->recs = get_recommendations_finish (result, NULL);
  show (load);
}

static void
on_orders (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Load *load = user_data;

  load->orders = get_orders_finish (result, NULL);
  get_recommendations_async (NULL, on_recs, load);
}

/* <lesson> */
/* One by one: each request starts in the previous one's callback */
static void
on_profile (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *load = user_data;

  load->profile = get_profile_finish (result, NULL);   /* 800 ms */
  get_orders_async (NULL, on_orders, load);   /* 600 ms; on_orders: 1000 ms */
}

/* WhenAll: start all three, count completions down to zero */
static void
on_one_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *load = user_data;

  if (g_async_result_is_tagged (result, get_profile_async))
    load->profile = get_profile_finish (result, NULL);
  else if (g_async_result_is_tagged (result, get_orders_async))
    load->orders = get_orders_finish (result, NULL);
  else
    load->recs = get_recommendations_finish (result, NULL);
  if (--load->pending == 0)
    show (load);                                  /* the longest: 1000 ms */
}

static void
load_together (Load *load)
{
  load->pending = 3;
  get_profile_async (NULL, on_one_done, load);
  get_orders_async (NULL, on_one_done, load);
  get_recommendations_async (NULL, on_one_done, load);
}
/* </lesson> */

static gint64
run (const char *variant,
     gboolean    together)
{
  Load load = { 0 };
  gint64 ms;

  lab_begin ("when-all", variant);
  if (together)
    load_together (&load);
  else
    get_profile_async (NULL, on_profile, &load);
  lab_run_until (&load.shown);
  ms = lab_elapsed_ms ();
  lab_note ("%s, %s and %s in %" G_GINT64_FORMAT " ms", load.profile, load.orders, load.recs, ms);
  g_free (load.profile);
  g_free (load.orders);
  g_free (load.recs);
  return ms;
}

int
main (void)
{
  gint64 one_by_one = run ("one-by-one", FALSE);
  gint64 together = run ("when-all", TRUE);

  /* The sum of the three, however busy the machine; the longest, alone. */
  lab_check (one_by_one >= MS (800) + MS (600) + MS (1000),
             "one by one took only %" G_GINT64_FORMAT " ms", one_by_one);
  lab_check (together < one_by_one,
             "together took %" G_GINT64_FORMAT " ms, one by one %" G_GINT64_FORMAT,
             together, one_by_one);
  return 0;
}
