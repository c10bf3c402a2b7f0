/* result-vs-await.c: the C twin of data/scenarios/result-vs-await.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A price request that fails after 400 ms ("price service unavailable"),
 * then a tile that shows a text for 200 ms. The GTask of the request carries
 * a value (Task<T>), the tile's only "done" (Task). Waited for with a
 * callback (await) or by blocking the main thread on a main context of its
 * own, as GLib's synchronous calls do (.Result), the GError comes back as it
 * is: there is no AggregateException in GLib, and the same check matches it
 * either way. While the blocking call waits, the main loop does not run. The
 * lesson regions are the GLib C the app shows.
 */

#include "lab.h"

#include <string.h>

typedef struct
{
  char     *text;
  gboolean  shown;
} Tile;

static void
price_answered (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;

  lab_check (lab_io_finish (result, NULL, NULL), "the wait failed");
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "price service unavailable");
  g_object_unref (task);
}

/* The price service answers with an error after 400 ms. */
static void
get_price_async (GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  lab_io_async (get_price_async, 400, NULL, NULL, NULL, cancellable, price_answered, task);
}

static void
tile_shown (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;

  lab_check (lab_io_finish (result, NULL, NULL), "the wait failed");
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Shows @text (taken) for 200 ms. */
static void
tile_show_async (Tile                *tile,
                 char                *text,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);

  g_free (tile->text);
  tile->text = text;
  lab_io_async (tile_show_async, 200, NULL, NULL, NULL, NULL, tile_shown, task);
}

static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean tile_show_finish (GAsyncResult *result, GError **error);

static void
on_shown (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Tile *tile = user_data;

  lab_check (tile_show_finish (result, NULL), "the tile failed");
  tile->shown = TRUE;
}

static gboolean
tick (gpointer user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* <lesson> */
/* Task<decimal>: the GTask carries a price, or a GError */
static double *
get_price_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Task: the tile's GTask carries only "done", or a GError */
static gboolean
tile_show_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* catch (HttpRequestException) */
static char *
price_text (const double *price, const GError *error)
{
  if (price != NULL)
    return g_strdup_printf ("$%.2f", *price);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup ("price unavailable");
  return NULL;
}

/* await: the callback gets the GError as it is */
static void
on_price (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree double *price = get_price_finish (result, &error);

  tile_show_async (user_data, price_text (price, error), on_shown, user_data);
}

/* .Result: block on a main context of our own, as GLib's synchronous calls
 * do; the GError still comes back as it is, never wrapped */
static double *
get_price_sync (GError **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_main_context_push_thread_default (context);
  get_price_async (NULL, keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);   /* the main loop waits */
  g_main_context_pop_thread_default (context);
  return get_price_finish (result, error);
}
/* </lesson> */

int
main (void)
{
  Tile tile = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree double *price = NULL;
  guint ticks = 0;
  guint heartbeat;
  gint64 blocked_ms;

  /* await: the tile shows "price unavailable" at 600 ms. */
  lab_begin ("result-vs-await", "await");
  get_price_async (NULL, on_price, &tile);
  lab_run_until (&tile.shown);
  lab_check (g_strcmp0 (tile.text, "price unavailable") == 0, "the tile shows %s", tile.text);
  lab_check (lab_elapsed_ms () >= MS (600), "shown after only %" G_GINT64_FORMAT " ms", lab_elapsed_ms ());
  lab_note ("the tile shows \"%s\" after %" G_GINT64_FORMAT " ms", tile.text, lab_elapsed_ms ());

  /* .Result: the main thread blocks 400 ms, the main loop does not run
   * meanwhile, and the GError is the one the callback saw. */
  lab_begin ("result-vs-await", "result");
  heartbeat = g_timeout_add (MS (50), tick, &ticks);
  price = get_price_sync (&error);
  blocked_ms = lab_elapsed_ms ();
  g_source_remove (heartbeat);
  lab_check (price == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED),
             "the blocking call did not return the request's GError");
  lab_check (g_str_equal (error->message, "price service unavailable"), "the message is %s", error->message);
  lab_check (blocked_ms >= MS (400), "blocked for only %" G_GINT64_FORMAT " ms", blocked_ms);
  lab_check (ticks == 0, "the main loop ran %u times while the call blocked", ticks);
  lab_note ("blocked %" G_GINT64_FORMAT " ms, the main loop stood still; the GError as it is: %s",
            blocked_ms, error->message);

  g_free (tile.text);
  return 0;
}
