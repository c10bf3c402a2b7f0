/* completion-source.c: the C twin of data/scenarios/completion-source.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A legacy library with a callback API: legacy_fetch() returns at once, and
 * the library's one callback thread calls each on_done later, one after
 * another, in the order they are due: a callback due while an earlier one
 * still runs waits for it. Requests A, B and C are answered after 100, 200
 * and 300 ms; each answer is then parsed (400 ms of work) and its GTask
 * returned to the main context, where the three are awaited together.
 * Inline (TaskCompletionSource's default): the callback parses on the
 * callback thread, so B's and C's callbacks wait behind A's and B's parses
 * and the whole takes 1.3 s. Queued (RunContinuationsAsynchronously): the
 * callback pushes the parse to the worker pool and returns, every callback
 * comes on time, and the parses share the pool's workers. The lesson
 * region is the GLib C the app shows.
 */

#include "lab.h"

#include <string.h>

typedef struct _LegacyClient LegacyClient;

/* What the library calls back with: @data is the answer, valid during the call. */
typedef void (*LegacyDone) (const char *data, gpointer user_data);

/* The server: what each request is answered with, and after how long. */
static const struct
{
  const char *url;
  guint       ms;
  const char *data;
} answers[] = {
  { "A", 100, "{\"request\": \"A\", \"items\": []}" },
  { "B", 200, "{\"request\": \"B\", \"items\": []}" },
  { "C", 300, "{\"request\": \"C\", \"items\": []}" },
};

#define N_REQUESTS G_N_ELEMENTS (answers)

/* What one variant saw. The callback thread and the workers write their
 * own entries; the main thread reads them once every task has returned
 * (and, for the callbacks, once the callback thread is joined). */
typedef struct
{
  GThread  *main_thread;
  GThread  *parsed_on[N_REQUESTS];     /* the thread that parsed each answer */
  gint64    late_us[N_REQUESTS];       /* how late each callback started */
  guint     processed;                 /* tasks returned on the main context */
  gboolean  off_main;                  /* a task's callback ran on another thread */
  gboolean  failed;                    /* a task returned an error */
  gboolean  done;
} Run;

static Run *current;                   /* the variant running */
static GThreadPool *workers;

static guint
answer_index (const char *data)
{
  for (guint i = 0; i < N_REQUESTS; i++)
    if (strcmp (answers[i].data, data) == 0)
      return i;
  g_assert_not_reached ();
}

/* Parses an answer: 400 ms of work on the calling thread. */
static void
parse (const char *data)
{
  g_atomic_pointer_set (&current->parsed_on[answer_index (data)], g_thread_self ());
  lab_work (400);
}

/* A job of the worker pool: parses the task's answer, then returns the task. */
static void
parse_worker (gpointer data,
              gpointer pool_data)
{
  GTask *task = data;

  parse (g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* <lesson> */
/* A callback API: on_done runs on the library's one callback thread,
 * one callback after another */
void legacy_fetch (LegacyClient *client, const char *url,
                   LegacyDone on_done, gpointer user_data);

/* ProcessAsync: its GTask returns to the main context when parse is done */
static void
process_async (LegacyClient *client, const char *url, LegacyDone on_done,
               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);

  legacy_fetch (client, url, on_done, task);
}

/* Inline: the callback runs the rest itself, as SetResult does by
 * default; the library's next callback waits for it */
static void
on_fetched_inline (const char *data, gpointer user_data)
{
  GTask *task = user_data;

  parse (data);                                /* 400 ms on the callback thread */
  g_task_return_boolean (task, TRUE);          /* queued to the main context */
  g_object_unref (task);
}

/* Queued: the callback hands the rest to the pool and returns, as
 * RunContinuationsAsynchronously does */
static void
on_fetched_queued (const char *data, gpointer user_data)
{
  GTask *task = user_data;

  g_task_set_task_data (task, g_strdup (data), g_free);
  g_thread_pool_push (workers, task, NULL);   /* parse_worker parses and returns it */
}
/* </lesson> */

/* The legacy library ------------------------------------------------------ */

typedef struct
{
  guint       index;            /* into answers */
  gint64      due_us;           /* when the answer comes (monotonic time) */
  LegacyDone  on_done;
  gpointer    user_data;
} Request;

struct _LegacyClient
{
  GThread  *thread;             /* the one callback thread */
  GMutex    lock;
  GCond     changed;
  GQueue    requests;           /* waiting for their callback, the earliest due first */
  gboolean  closing;
  gint64   *late_us;            /* per answer: how late its callback started */
};

static gint
request_compare (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const Request *ra = a, *rb = b;

  return (ra->due_us > rb->due_us) - (ra->due_us < rb->due_us);
}

/* The callback thread: each callback once it is due and the one before it
 * has returned. */
static gpointer
legacy_client_thread (gpointer data)
{
  LegacyClient *client = data;

  g_mutex_lock (&client->lock);
  for (;;)
    {
      Request *request = g_queue_peek_head (&client->requests);

      if (request == NULL)
        {
          if (client->closing)
            break;
          g_cond_wait (&client->changed, &client->lock);
          continue;
        }
      if (g_get_monotonic_time () < request->due_us)
        {
          g_cond_wait_until (&client->changed, &client->lock, request->due_us);
          continue;
        }
      g_queue_pop_head (&client->requests);
      g_mutex_unlock (&client->lock);

      client->late_us[request->index] = g_get_monotonic_time () - request->due_us;
      request->on_done (answers[request->index].data, request->user_data);
      g_free (request);

      g_mutex_lock (&client->lock);
    }
  g_mutex_unlock (&client->lock);
  return NULL;
}

static LegacyClient *
legacy_client_new (gint64 *late_us)
{
  LegacyClient *client = g_new0 (LegacyClient, 1);

  g_mutex_init (&client->lock);
  g_cond_init (&client->changed);
  g_queue_init (&client->requests);
  client->late_us = late_us;
  client->thread = g_thread_new ("legacy-callbacks", legacy_client_thread, client);
  return client;
}

/* Delivers the callbacks still due, then stops the callback thread. */
static void
legacy_client_free (LegacyClient *client)
{
  g_mutex_lock (&client->lock);
  client->closing = TRUE;
  g_cond_signal (&client->changed);
  g_mutex_unlock (&client->lock);
  g_thread_join (client->thread);
  g_mutex_clear (&client->lock);
  g_cond_clear (&client->changed);
  g_free (client);
}

/* Asks for @url: @on_done gets the answer on the callback thread when the
 * server has answered, and returns. */
void
legacy_fetch (LegacyClient *client,
              const char   *url,
              LegacyDone    on_done,
              gpointer      user_data)
{
  Request *request = g_new0 (Request, 1);
  guint i;

  for (i = 0; i < N_REQUESTS && strcmp (answers[i].url, url) != 0; i++)
    ;
  g_assert (i < N_REQUESTS);
  request->index = i;
  request->due_us = g_get_monotonic_time () + MS (answers[i].ms) * G_TIME_SPAN_MILLISECOND;
  request->on_done = on_done;
  request->user_data = user_data;

  g_mutex_lock (&client->lock);
  g_queue_insert_sorted (&client->requests, request, request_compare, NULL);
  g_cond_signal (&client->changed);
  g_mutex_unlock (&client->lock);
}

/* The three at once, awaited on the main context ------------------------- */

static void
on_processed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  run->off_main |= g_thread_self () != run->main_thread;
  run->failed |= !g_task_propagate_boolean (G_TASK (result), &error);
  if (++run->processed == N_REQUESTS)
    run->done = TRUE;
}

typedef struct
{
  gint64 wall_ms;
  guint  parsed_on_callback_thread;    /* answers parsed there */
  gint64 late_ms[N_REQUESTS];
} Outcome;

static gint64
scenario_ms (gint64 ms)
{
  return ms * LAB_SPEED;
}

/* Fetches and parses A, B and C with @on_done as the callback, and runs the
 * main loop until the three tasks have returned (Task.WhenAll). */
static Outcome
run (const char *variant,
     LegacyDone  on_done)
{
  Run state = { 0 };
  Outcome out = { 0 };
  LegacyClient *client;
  GThread *callback_thread;
  GString *late = g_string_new (NULL);

  lab_begin ("completion-source", variant);
  state.main_thread = g_thread_self ();
  current = &state;
  client = legacy_client_new (state.late_us);
  callback_thread = client->thread;
  for (guint i = 0; i < N_REQUESTS; i++)
    process_async (client, answers[i].url, on_done, on_processed, &state);
  lab_run_until (&state.done);
  out.wall_ms = lab_elapsed_ms ();
  for (guint i = 0; i < N_REQUESTS; i++)
    out.parsed_on_callback_thread += g_atomic_pointer_get (&state.parsed_on[i]) == callback_thread;
  legacy_client_free (client);
  current = NULL;

  for (guint i = 0; i < N_REQUESTS; i++)
    {
      out.late_ms[i] = state.late_us[i] / 1000;
      g_string_append_printf (late, "%s%s %" G_GINT64_FORMAT " ms", i > 0 ? ", " : "", answers[i].url,
                              scenario_ms (out.late_ms[i]));
    }
  lab_note ("%" G_GINT64_FORMAT " ms (%" G_GINT64_FORMAT " scenario ms); callbacks late: %s; "
            "%u of %u parses on the callback thread", out.wall_ms, scenario_ms (out.wall_ms),
            late->str, out.parsed_on_callback_thread, (guint) N_REQUESTS);
  g_string_free (late, TRUE);

  lab_check (!state.failed, "a task returned an error");
  lab_check (!state.off_main, "a task's callback ran on a thread other than the main thread");
  return out;
}

int
main (void)
{
  Outcome inline_, queued;

  workers = lab_pool_new (parse_worker);

  /* Inline: the parses run one after another on the callback thread, and
   * the callbacks wait behind them: A's parse ends at 0.5 s, B's at 0.9 s,
   * C's at 1.3 s; C's callback, due at 0.3 s, comes at 0.9 s. */
  inline_ = run ("inline", on_fetched_inline);
  lab_check (inline_.wall_ms >= MS (1200), "inline took only %" G_GINT64_FORMAT " ms", inline_.wall_ms);
  lab_check (inline_.parsed_on_callback_thread == N_REQUESTS,
             "only %u of the inline parses ran on the callback thread", inline_.parsed_on_callback_thread);
  lab_check (inline_.late_ms[2] >= MS (400), "C's callback came only %" G_GINT64_FORMAT " ms late",
             inline_.late_ms[2]);

  /* Queued: every callback on time, the parses on the pool's workers at
   * once: 0.9 s with two, 0.7 s with three or more. */
  queued = run ("queued", on_fetched_queued);
  lab_note ("the pool has %u workers", lab_n_workers ());
  lab_check (queued.wall_ms * 5 <= inline_.wall_ms * 4, "queued took %" G_GINT64_FORMAT " ms, inline %"
             G_GINT64_FORMAT " ms", queued.wall_ms, inline_.wall_ms);
  lab_check (queued.parsed_on_callback_thread == 0, "%u of the queued parses ran on the callback thread",
             queued.parsed_on_callback_thread);
  for (guint i = 0; i < N_REQUESTS; i++)
    lab_check (queued.late_ms[i] < MS (250), "%s's callback came %" G_GINT64_FORMAT " ms late",
               answers[i].url, queued.late_ms[i]);

  g_thread_pool_free (workers, FALSE, TRUE);
  return 0;
}
