/* async-not-a-thread.c: the C twin of data/scenarios/async-not-a-thread.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Load button parses a catalog (800 ms of work), then saves it (a 300 ms
 * wait). A handler, or an _async function, runs on the main thread until it
 * returns to the main loop: a parse before the first real wait, or inside an
 * _async function that finishes its task before returning, stops the loop's
 * heartbeat for the whole parse. Pushed to a worker, the parse leaves the
 * loop running. The lesson regions are the GLib C the app shows.
 */

#include "lab.h"

/* The handlers only pass the button along: no GTK is needed to run them. */
typedef struct _GtkButton GtkButton;

typedef struct
{
  guint items;
} Catalog;

typedef struct
{
  gboolean saved;
  gint64   last_tick_us;
  gint64   max_gap_us;      /* the longest the loop went without a heartbeat */
  GThread *parsed_on;       /* the thread that parsed */
} Window;

static const char json[] = "{\"items\": []}";
static GThreadPool *workers;

/* 800 ms of work on the calling thread. */
static Catalog *
parse (const char *text,
       Window     *window)
{
  window->parsed_on = g_thread_self ();
  lab_work (800);
  return g_new0 (Catalog, 1);
}

static void
save_async (Catalog             *catalog,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  lab_io_async (save_async, 300, NULL, catalog, g_free, NULL, callback, user_data);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Window *window = user_data;
  g_autoptr(GError) error = NULL;

  lab_io_finish (result, NULL, &error);
  lab_check (error == NULL, "the save failed: %s", error ? error->message : "");
  window->saved = TRUE;
}

static void
on_parsed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Catalog *catalog = g_task_propagate_pointer (G_TASK (result), NULL);

  save_async (catalog, on_saved, user_data);
}

/* <lesson> */
/* Freezes: a handler runs on the main thread until it returns to the loop,
 * and the parse comes before the first real wait */
static void
on_load_clicked (GtkButton *button, gpointer window)
{
  Catalog *catalog = parse (json, window);          /* 800 ms, main thread */

  save_async (catalog, on_saved, window);           /* the first real wait */
}

/* Freezes too: an _async function that finishes its task before it
 * returns, like an async method with no await */
static void
parse_async (const char *text, GAsyncReadyCallback callback, gpointer window)
{
  GTask *task = g_task_new (NULL, NULL, callback, window);

  g_task_return_pointer (task, parse (text, window), g_free);  /* caller's thread */
  g_object_unref (task);
}

static void
on_load_clicked_parse_async (GtkButton *button, gpointer window)
{
  parse_async (json, on_parsed, window);            /* on_parsed saves */
}

/* Responsive: the parse on a worker (Task.Run); the main loop runs on */
static void
parse_job (gpointer task, gpointer pool_data)
{
  g_task_return_pointer (task, parse (json, g_task_get_task_data (task)), g_free);
  g_object_unref (task);
}

static void
on_load_clicked_fixed (GtkButton *button, gpointer window)
{
  GTask *task = g_task_new (NULL, NULL, on_parsed, window);

  g_task_set_task_data (task, window, NULL);
  g_thread_pool_push (workers, task, NULL);         /* returns at once */
}
/* </lesson> */

static gboolean
heartbeat (gpointer user_data)
{
  Window *window = user_data;
  gint64 now = g_get_monotonic_time ();

  window->max_gap_us = MAX (window->max_gap_us, now - window->last_tick_us);
  window->last_tick_us = now;
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  gint64   returned_us;     /* how long the handler kept the main thread */
  gint64   max_gap_us;
  gboolean parsed_here;     /* whether the parse ran on the main thread */
} Outcome;

/* One click, then the main loop until the catalog is saved, with a
 * heartbeat every 50 scenario ms. */
static Outcome
run (const char *variant,
     void      (*handler) (GtkButton *, gpointer))
{
  Window window = { 0 };
  Outcome out;
  gint64 clicked;
  guint tick;

  lab_begin ("async-not-a-thread", variant);
  window.last_tick_us = g_get_monotonic_time ();
  tick = g_timeout_add (MS (50), heartbeat, &window);
  clicked = g_get_monotonic_time ();
  handler (NULL, &window);
  out.returned_us = g_get_monotonic_time () - clicked;
  lab_run_until (&window.saved);
  g_source_remove (tick);
  heartbeat (&window);
  out.max_gap_us = window.max_gap_us;
  out.parsed_here = window.parsed_on == g_thread_self ();
  lab_note ("%" G_GINT64_FORMAT " ms; the handler returned after %" G_GINT64_FORMAT
            " ms, the longest gap %" G_GINT64_FORMAT " ms, parsed on the %s",
            lab_elapsed_ms (), out.returned_us / 1000, out.max_gap_us / 1000,
            out.parsed_here ? "main thread" : "worker");
  return out;
}

int
main (void)
{
  const gint64 parse_us = MS (800) * G_TIME_SPAN_MILLISECOND;
  Outcome before, no_await, fixed;

  workers = lab_pool_new (parse_job);
  before = run ("cpu-before-await", on_load_clicked);
  no_await = run ("no-await", on_load_clicked_parse_async);
  fixed = run ("task-run", on_load_clicked_fixed);

  /* The handler and the _async function return only after the parse, on
   * the main thread: the loop went the whole parse without a heartbeat. */
  lab_check (before.parsed_here && no_await.parsed_here, "a parse ran on a worker");
  lab_check (before.returned_us >= parse_us && no_await.returned_us >= parse_us,
             "a handler returned after %" G_GINT64_FORMAT " ms, before the parse was done",
             MIN (before.returned_us, no_await.returned_us) / 1000);
  lab_check (before.max_gap_us >= parse_us && no_await.max_gap_us >= parse_us,
             "the loop's longest gap was %" G_GINT64_FORMAT " ms, less than the parse",
             MIN (before.max_gap_us, no_await.max_gap_us) / 1000);
  /* On a worker, the parse leaves the loop running. */
  lab_check (!fixed.parsed_here, "Task.Run's parse ran on the main thread");
  lab_check (fixed.returned_us < parse_us / 2, "the fixed handler kept the main thread %" G_GINT64_FORMAT " ms",
             fixed.returned_us / 1000);
  lab_check (fixed.max_gap_us < parse_us / 2, "the loop went %" G_GINT64_FORMAT " ms without a heartbeat",
             fixed.max_gap_us / 1000);

  g_thread_pool_free (workers, FALSE, TRUE);
  return 0;
}
