/* timeout.c: the C twin of data/scenarios/timeout.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A quote request gets one second in all: a timeout source cancels its
 * GCancellable (CancelAfter), which both steps listen to, the download and
 * the parse on the worker pool. A quick answer is shown; a slow one is
 * cancelled at the deadline and the user gets a message. The lesson regions
 * are the GLib C the app shows.
 */

#include "lab.h"

typedef struct
{
  GCancellable *token;
  guint         deadline;    /* the CancelAfter timeout, 0 once it fired */
} Load;

static GThreadPool *workers;
static guint answer_ms;      /* how long the quote service takes to answer */
static gboolean quote_shown, message_shown, load_done;

/* Task.Run(() => Parse(json), token): the parse does not look at the token,
 * but a cancelled task reports that it was cancelled. */
static void
parse_worker (gpointer data,
              gpointer pool_data)
{
  GTask *task = data;
  const char *json = g_task_get_task_data (task);

  lab_work (200);
  g_task_return_pointer (task, g_strdup_printf ("quote of %s", json), g_free);
  g_object_unref (task);
}

static void
on_downloaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  char *json = NULL;

  if (!lab_io_finish (result, (gpointer *) &json, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, json, g_free);
  g_thread_pool_push (workers, task, NULL);
}

/* The download, then the parse on the worker pool, both with @token. */
static void
get_quote_async (GCancellable        *token,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, token, callback, user_data);

  lab_io_async (get_quote_async, answer_ms, NULL, g_strdup ("{\"price\": 42}"), g_free, token,
                on_downloaded, task);
}

static char *
get_quote_finish (GAsyncResult  *result,
                  GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Either ends the load (on_quote cleans up right after). */
static void
show (const char *quote)
{
  quote_shown = load_done = TRUE;
}

static void
show_message (const char *text)
{
  lab_note ("shown: %s", text);
  message_shown = load_done = TRUE;
}

static void on_quote (GObject *source, GAsyncResult *result, gpointer user_data);

/* <lesson> */
static gboolean
deadline_passed (gpointer user_data)
{
  Load *load = user_data;

  load->deadline = 0;
  g_cancellable_cancel (load->token);                     /* CancelAfter */
  return G_SOURCE_REMOVE;
}

/* The whole operation gets 1 s: the download, then the parse */
static void
show_quote (Load *load)
{
  load->token = g_cancellable_new ();
  load->deadline = g_timeout_add (MS (1000), deadline_passed, load);
  get_quote_async (load->token, on_quote, load);
}

static void
on_quote (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *load = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *quote = get_quote_finish (result, &error);

  if (quote != NULL)
    show (quote);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_message ("The quote service is slow, please try again later.");
  g_clear_handle_id (&load->deadline, g_source_remove);    /* using ends */
  g_clear_object (&load->token);
}
/* </lesson> */

static void
run (const char *variant,
     guint       ms)
{
  Load load = { 0 };

  answer_ms = ms;
  quote_shown = message_shown = load_done = FALSE;
  lab_begin ("timeout", variant);
  show_quote (&load);
  lab_run_until (&load_done);
  lab_note ("%s after %" G_GINT64_FORMAT " ms", quote_shown ? "the quote shown" : "no quote",
            lab_elapsed_ms ());
}

int
main (void)
{
  workers = lab_pool_new (parse_worker);

  run ("fits", 500);
  lab_check (quote_shown && !message_shown, "the quote was not shown");
  run ("too-slow", 2500);
  lab_check (message_shown && !quote_shown, "the message was not shown");

  g_thread_pool_free (workers, FALSE, TRUE);
  return 0;
}
