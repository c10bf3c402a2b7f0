/* valuetask.c: the C twin of data/scenarios/valuetask.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 1,000 price lookups one after another, nine in ten served from a cache.
 * As a Task<T>, every lookup is a GTask, and even a hit reaches its
 * callback on a later main-loop turn. As a ValueTask<T>, a hit returns the
 * price itself, synchronously; only a miss makes a GTask (the database's).
 * Prices are in cents. The lesson regions are the GLib C the app shows.
 */

#include "lab.h"

#define N_LOOKUPS 1000

typedef struct
{
  GHashTable *cache;       /* id -> int *, the price in cents */
} Shop;

typedef struct
{
  Shop *shop;
  int   id;
} Load;

static void
on_db_loaded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Load *load = g_task_get_task_data (task);
  int price = 1000 + load->id;

  lab_check (lab_io_finish (result, NULL, NULL), "the database failed");
  g_hash_table_insert (load->shop->cache, GINT_TO_POINTER (load->id),
                       g_memdup2 (&price, sizeof price));
  g_task_return_int (task, price);
  g_object_unref (task);
}

/* A miss: the database's GTask (2 ms), which fills the cache. */
static void
load_price_async (Shop                *shop,
                  int                  id,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  Load *load = g_new (Load, 1);

  load->shop = shop;
  load->id = id;
  g_task_set_task_data (task, load, g_free);
  lab_io_async (load_price_async, 2, NULL, NULL, NULL, NULL, on_db_loaded, task);
}

/* Both kinds of GTask that get_price_async() hands its callback return an int. */
static int
get_price_finish (GAsyncResult  *result,
                  GError       **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

/* <lesson> */
/* Task<T>: a GTask for every call; even a hit reaches the callback on a
 * later main-loop turn */
static void
get_price_async (Shop *shop, int id,
                 GAsyncReadyCallback callback, gpointer data)
{
  int *hit = g_hash_table_lookup (shop->cache, GINT_TO_POINTER (id));
  GTask *task;

  if (hit == NULL)
    {
      load_price_async (shop, id, callback, data);  /* the database's GTask */
      return;
    }
  task = g_task_new (NULL, NULL, callback, data);
  g_task_return_int (task, *hit);            /* complete, but still a GTask */
  g_object_unref (task);
}

/* ValueTask<T>: a hit returns the value itself, no GTask */
static gboolean
get_price_try_cached (Shop *shop, int id, int *price)
{
  int *hit = g_hash_table_lookup (shop->cache, GINT_TO_POINTER (id));

  if (hit != NULL)
    *price = *hit;
  return hit != NULL;
}
/* </lesson> */

typedef struct
{
  Shop     *shop;
  gboolean  fast;          /* try the cache first (ValueTask) */
  guint     next;          /* the lookup to make */
  guint     n_callbacks;   /* prices that came through the main loop */
  gint64    sum;
  gboolean  done;
} Lookups;

/* Nine in ten are hits (ids 1 to 9); every tenth is a new id. */
static int
id_of (guint lookup)
{
  return lookup % 10 != 0 ? (int) (lookup % 10) : 100 + (int) lookup;
}

static void lookup_next (Lookups *run);

static void
on_price (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Lookups *run = user_data;
  g_autoptr(GError) error = NULL;

  run->sum += get_price_finish (result, &error);
  lab_check (error == NULL, "a lookup failed");
  run->n_callbacks++;
  run->next++;
  lookup_next (run);
}

/* `await` each lookup in turn. */
static void
lookup_next (Lookups *run)
{
  int price;

  while (run->fast && run->next < N_LOOKUPS
         && get_price_try_cached (run->shop, id_of (run->next), &price))
    {
      run->sum += price;
      run->next++;
    }
  if (run->next == N_LOOKUPS)
    run->done = TRUE;
  else
    get_price_async (run->shop, id_of (run->next), on_price, run);
}

static Lookups
run_lookups (const char *variant,
             gboolean    fast)
{
  Shop shop = { g_hash_table_new_full (NULL, NULL, NULL, g_free) };
  Lookups run = { .shop = &shop, .fast = fast };

  for (int id = 1; id <= 9; id++)
    {
      int price = 1000 + id;

      g_hash_table_insert (shop.cache, GINT_TO_POINTER (id), g_memdup2 (&price, sizeof price));
    }
  lab_begin ("valuetask", variant);
  lookup_next (&run);
  lab_run_until (&run.done);
  lab_note ("%u lookups in %" G_GINT64_FORMAT " ms, %u through the main loop",
            N_LOOKUPS, lab_elapsed_ms (), run.n_callbacks);
  g_hash_table_unref (shop.cache);
  run.shop = NULL;
  return run;
}

int
main (void)
{
  Lookups task = run_lookups ("task", FALSE);
  Lookups value_task = run_lookups ("valuetask", TRUE);

  lab_check (task.sum == value_task.sum,
             "the prices add up to %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
             task.sum, value_task.sum);
  lab_check (task.n_callbacks == N_LOOKUPS, "%u of the Task lookups came through the loop",
             task.n_callbacks);
  lab_check (value_task.n_callbacks == N_LOOKUPS / 10,
             "%u of the ValueTask lookups came through the loop", value_task.n_callbacks);
  return 0;
}
