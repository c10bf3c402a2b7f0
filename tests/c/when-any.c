/* when-any.c: the C twin of data/scenarios/when-any.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same file from three mirrors. As `await Task.WhenAny` and the C#
 * beside it do, the race takes the first download to complete, whatever
 * its outcome (its file, or its error), and cancels the rest. The lesson
 * regions are the GLib C the app shows.
 */

#include "lab.h"

typedef struct
{
  GTask        *task;        /* the race's own task: the file or an error */
  GCancellable *token;       /* shared by the downloads */
  guint         pending;     /* downloads whose callback has not run yet */
  gboolean      done;        /* the task has returned */
} Race;

static const char *const mirrors[] = {
  "eu.mirror.example", "us.mirror.example", "asia.mirror.example"
};
static guint mirror_ms[] = { 1200, 400, 800 };        /* today: the usual one (eu) is slow */
static const char *mirror_error[G_N_ELEMENTS (mirrors)];
static guint n_cancelled;

static void on_download_done (GObject *source, GAsyncResult *result, gpointer user_data);

static void
download_async (const char          *mirror,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  for (guint i = 0; i < G_N_ELEMENTS (mirrors); i++)
    if (g_str_equal (mirror, mirrors[i]))
      lab_io_async (download_async, mirror_ms[i], mirror_error[i],
                    g_bytes_new (mirror, strlen (mirror)), (GDestroyNotify) g_bytes_unref,
                    cancellable, callback, user_data);
}

static GBytes *
download_finish (GAsyncResult  *result,
                 GError       **error)
{
  GError *local = NULL;
  GBytes *file = NULL;

  lab_io_finish (result, (gpointer *) &file, &local);
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    n_cancelled++;
  if (local != NULL)
    g_propagate_error (error, local);
  return file;
}

/* The race's own task, a token for the downloads and its count of them. */
static Race *
race_new (GAsyncReadyCallback callback,
          gpointer            user_data,
          guint               n_downloads)
{
  Race *race = g_new0 (Race, 1);

  race->task = g_task_new (NULL, NULL, callback, user_data);
  race->token = g_cancellable_new ();
  race->pending = n_downloads;
  return race;
}

static void
race_free (Race *race)
{
  g_object_unref (race->task);
  g_object_unref (race->token);
  g_free (race);
}

/* <lesson> */
/* Start all three with one token; each callback is one completion */
static void
download_from_fastest_async (GAsyncReadyCallback callback, gpointer data)
{
  Race *race = race_new (callback, data, G_N_ELEMENTS (mirrors));

  for (guint i = 0; i < G_N_ELEMENTS (mirrors); i++)
    download_async (mirrors[i], race->token, on_download_done, race);
}

static void
on_download_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Race *race = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) file = download_finish (result, &error);

  race->pending--;
  /* The first completion wins, even a failure */
  if (!race->done)
    {
      race->done = TRUE;
      g_cancellable_cancel (race->token);      /* stop the slower mirrors */
      if (file != NULL)
        g_task_return_pointer (race->task, g_steal_pointer (&file),
                               (GDestroyNotify) g_bytes_unref);
      else
        g_task_return_error (race->task, g_steal_pointer (&error));
    }
  if (race->pending == 0)
    race_free (race);                          /* every callback has run */
}
/* </lesson> */

typedef struct
{
  gboolean  done;
  GBytes   *file;
  GError   *error;
} Outcome;

static void
on_outcome (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Outcome *outcome = user_data;

  if (g_async_result_is_tagged (result, download_async))
    outcome->file = download_finish (result, &outcome->error);
  else
    outcome->file = g_task_propagate_pointer (G_TASK (result), &outcome->error);
  outcome->done = TRUE;
}

/* Runs one download race; returns the winner's name (or the error's message). */
static char *
run_race (const char *variant,
          gint64     *elapsed_ms)
{
  Outcome outcome = { 0 };
  char *what;

  lab_begin ("when-any", variant);
  n_cancelled = 0;
  download_from_fastest_async (on_outcome, &outcome);
  lab_run_until (&outcome.done);
  *elapsed_ms = lab_elapsed_ms ();
  if (outcome.file != NULL)
    what = g_strndup (g_bytes_get_data (outcome.file, NULL), g_bytes_get_size (outcome.file));
  else
    what = g_strdup (outcome.error->message);
  g_clear_pointer (&outcome.file, g_bytes_unref);
  g_clear_error (&outcome.error);

  /* The losers' callbacks come right after the cancel. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  lab_note ("%s after %" G_GINT64_FORMAT " ms, %u cancelled", what, *elapsed_ms, n_cancelled);
  return what;
}

int
main (void)
{
  Outcome outcome = { 0 };
  gint64 one_mirror_ms, race_ms;
  char *winner;

  /* The usual mirror only. */
  lab_begin ("when-any", "one-mirror");
  download_async (mirrors[0], NULL, on_outcome, &outcome);
  lab_run_until (&outcome.done);
  one_mirror_ms = lab_elapsed_ms ();
  lab_check (outcome.file != NULL, "the download failed");
  g_bytes_unref (outcome.file);
  lab_note ("%" G_GINT64_FORMAT " ms", one_mirror_ms);

  /* WhenAny of three mirrors: the fastest wins, the other two are cancelled. */
  winner = run_race ("when-any", &race_ms);
  lab_check (g_str_equal (winner, "us.mirror.example"), "the winner is %s, not the US mirror",
             winner);
  lab_check (n_cancelled == 2, "%u downloads cancelled, not 2", n_cancelled);
  lab_check (race_ms < one_mirror_ms,
             "the race took %" G_GINT64_FORMAT " ms, the slow mirror alone %" G_GINT64_FORMAT " ms",
             race_ms, one_mirror_ms);
  g_free (winner);

  /* As in the C#: a failed first completion wins too; `await first`
   * throws its error, and the other two are cancelled. */
  mirror_error[1] = "us: connection reset";
  winner = run_race ("us-fails", &race_ms);
  lab_check (g_str_equal (winner, "us: connection reset"), "the race ended with '%s', not the US error",
             winner);
  lab_check (n_cancelled == 2, "%u downloads cancelled, not 2", n_cancelled);
  g_free (winner);
  return 0;
}
