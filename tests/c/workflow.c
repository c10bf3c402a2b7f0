/* workflow.c: the C twin of data/scenarios/workflow.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One dashboard load that uses everything: a token of its own, linked to
 * the page's (g_cancellable_connect) and cancelled by a 2 s deadline;
 * settings from a cache on the synchronous path; two fetches at once,
 * every error kept and shown; the charts built on the worker pool. The
 * page's token is cancelled when the user leaves, and then nothing is
 * shown. The lesson regions are the GLib C the app shows.
 */

#include "lab.h"

typedef struct
{
  char *cached;              /* NULL until loaded once */
} SettingsStore;

typedef struct
{
  GCancellable  *token;      /* cancelled when the user leaves the page */
  SettingsStore *settings;
} Page;

typedef struct
{
  Page         *page;
  GCancellable *token;       /* the load's: linked to the page's, with a deadline */
  gulong        page_handler;
  guint         deadline;
  char         *settings;
  guint         pending;     /* fetches not finished yet */
  GError       *error;       /* the first error of the fetches */
  char         *shown;       /* what the page shows at the end, "" for nothing */
} Load;

/* Today's server. */
static guint orders_ms = 900;
static const char *orders_error;
static GThreadPool *workers;

static gboolean
settings_try_cached (SettingsStore  *store,
                     char          **settings)
{
  if (store->cached == NULL)
    return FALSE;
  *settings = g_strdup (store->cached);
  return TRUE;
}

static void
settings_load_async (SettingsStore       *store,
                     GCancellable        *token,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  lab_io_async (settings_load_async, 50, NULL, g_strdup ("dark theme"), g_free,
                token, callback, user_data);
}

static void
api_get_profile_async (GCancellable        *token,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  lab_io_async (api_get_profile_async, 700, NULL, NULL, NULL, token, callback, user_data);
}

static void
api_get_orders_async (GCancellable        *token,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  lab_io_async (api_get_orders_async, orders_ms, orders_error, NULL, NULL,
                token, callback, user_data);
}

/* The end of the load, whatever it was: what the page shows, then the
 * token's link, deadline and reference go. */
static void
load_finish (Load   *load,
             GError *error)
{
  if (error == NULL)
    load->shown = g_strdup ("the dashboard");
  else if (g_cancellable_is_cancelled (load->page->token))
    load->shown = g_strdup ("");                   /* the user left: nothing to show */
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    load->shown = g_strdup ("The server is slow, please try again.");
  else
    load->shown = g_strdup (error->message);
  g_clear_error (&error);

  g_cancellable_disconnect (load->page->token, load->page_handler);
  g_clear_handle_id (&load->deadline, g_source_remove);
  g_clear_object (&load->token);
  g_clear_pointer (&load->settings, g_free);
}

static void
cancel_load (GCancellable *page_token,
             Load         *load)
{
  g_cancellable_cancel (load->token);
}

static gboolean
deadline_passed (gpointer user_data)
{
  Load *load = user_data;

  load->deadline = 0;
  g_cancellable_cancel (load->token);
  return G_SOURCE_REMOVE;
}

/* Task.Run(() => BuildCharts(settings, orders, token), token) */
static void
build_charts_worker (gpointer data,
                     gpointer pool_data)
{
  GTask *task = data;

  lab_work_checking (200, 10, g_task_get_cancellable (task));
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_charts (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  load_finish (user_data, error);
}

/* Keeps the first error, observes every one; when both are in, shows the
 * error or builds the charts on the worker pool. */
static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Load *load = user_data;
  GError *error = NULL;

  if (!lab_io_finish (result, NULL, &error) && load->error == NULL)
    load->error = error;
  else
    g_clear_error (&error);
  if (--load->pending > 0)
    return;
  if (load->error != NULL)
    load_finish (load, g_steal_pointer (&load->error));
  else
    g_thread_pool_push (workers, g_task_new (NULL, load->token, on_charts, load), NULL);
}

static void start_fetches (Load *load);

static void
on_settings (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Load *load = user_data;
  GError *error = NULL;

  if (!lab_io_finish (result, (gpointer *) &load->settings, &error))
    load_finish (load, error);
  else
    start_fetches (load);
}

/* <lesson> */
/* One token for the load: linked to the page's, cancelled after 2 s */
static void
load_dashboard (Page *page, Load *load)
{
  load->token = g_cancellable_new ();
  load->page_handler = g_cancellable_connect (page->token,
                                              G_CALLBACK (cancel_load),
                                              load, NULL);
  load->deadline = g_timeout_add (MS (2000), deadline_passed, load);
  if (settings_try_cached (page->settings, &load->settings))  /* no GTask */
    start_fetches (load);
  else
    settings_load_async (page->settings, load->token, on_settings, load);
}

/* Both at once; on_fetched keeps every GError and, when both are in, shows
 * the error or pushes the charts' GTask to the worker pool */
static void
start_fetches (Load *load)
{
  load->pending = 2;
  api_get_profile_async (load->token, on_fetched, load);
  api_get_orders_async (load->token, on_fetched, load);
}
/* </lesson> */

/* Loads the dashboard of a page; the user leaves at @leave_ms if not 0.
 * Returns what the page showed. */
static char *
run (const char    *variant,
     SettingsStore *store,
     guint          leave_ms)
{
  Page page = { g_cancellable_new (), store };
  Load load = { .page = &page };

  lab_begin ("workflow", variant);
  if (leave_ms > 0)
    lab_cancel_after (page.token, leave_ms);
  load_dashboard (&page, &load);
  while (load.shown == NULL)
    g_main_context_iteration (NULL, TRUE);
  lab_note ("'%s' after %" G_GINT64_FORMAT " ms", load.shown, lab_elapsed_ms ());
  /* Nothing of the load is left: the page's token has no handler, no timer runs. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_object_unref (page.token);
  return load.shown;
}

static void
check_shows (const char    *variant,
             SettingsStore *store,
             guint          leave_ms,
             const char    *expected)
{
  g_autofree char *shown = run (variant, store, leave_ms);

  lab_check (g_str_equal (shown, expected), "the page showed '%s', not '%s'", shown, expected);
}

int
main (void)
{
  SettingsStore cache = { g_strdup ("dark theme") };
  SettingsStore empty = { NULL };

  workers = lab_pool_new (build_charts_worker);

  check_shows ("normal", &cache, 0, "the dashboard");
  check_shows ("settings-not-cached", &empty, 0, "the dashboard");
  orders_ms = 3000;
  check_shows ("slow-server", &cache, 0, "The server is slow, please try again.");
  orders_ms = 400;
  orders_error = "orders service: 500 Internal Server Error";
  check_shows ("orders-fail", &cache, 0, "orders service: 500 Internal Server Error");
  orders_ms = 900;
  orders_error = NULL;
  check_shows ("user-leaves", &cache, 500, "");

  g_thread_pool_free (workers, FALSE, TRUE);
  g_free (cache.cached);
  return 0;
}
