/* lab.c: what every C twin shares (lab.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab.h"

#include <stdio.h>
#include <stdlib.h>

/* No twin runs anywhere near this long; one that does is stuck. */
#define LAB_LIMIT_MS 20000

static const char *lab_id = "lab";
static char *lab_variant;
static gint64 lab_start_us;

/**
 * lab_begin:
 * @id: the scenario
 * @variant: the variant about to run
 *
 * Names what runs in the twin's messages and starts its clock.
 */
void
lab_begin (const char *id,
           const char *variant)
{
  lab_id = id;
  g_free (lab_variant);
  lab_variant = g_strdup (variant);
  lab_start_us = g_get_monotonic_time ();
}

/* Real milliseconds since lab_begin(). */
gint64
lab_elapsed_ms (void)
{
  return (g_get_monotonic_time () - lab_start_us) / 1000;
}

static void
lab_print (FILE       *out,
           const char *what,
           const char *format,
           va_list     args)
{
  g_autofree char *text = g_strdup_vprintf (format, args);

  fprintf (out, "%s: %s: %s%s\n", lab_id, lab_variant ? lab_variant : "-", what, text);
  fflush (out);
}

/* Says what a variant did, on stdout. */
void
lab_note (const char *format,
          ...)
{
  va_list args;

  va_start (args, format);
  lab_print (stdout, "", format, args);
  va_end (args);
}

/* Exits with status LAB_CHECK_FAILED when @ok is false, saying why. */
void
lab_check (gboolean    ok,
           const char *format,
           ...)
{
  va_list args;

  if (ok)
    return;
  va_start (args, format);
  lab_print (stderr, "check failed: ", format, args);
  va_end (args);
  exit (LAB_CHECK_FAILED);
}

static gboolean
lab_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * lab_run_until:
 * @done: what ends the wait
 *
 * Runs the thread-default main context until *@done (which another thread
 * may set), as the UI thread's loop would; a twin stuck for LAB_LIMIT_MS
 * fails.
 */
void
lab_run_until (const gboolean *done)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  GSource *wake = g_timeout_source_new (10);
  gint64 limit = g_get_monotonic_time () + LAB_LIMIT_MS * G_TIME_SPAN_MILLISECOND;

  g_source_set_callback (wake, lab_wake, NULL, NULL);
  g_source_attach (wake, context);
  while (!g_atomic_int_get (done))
    {
      lab_check (g_get_monotonic_time () < limit, "still not done after %d ms", LAB_LIMIT_MS);
      g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (wake);
  g_source_unref (wake);
  g_main_context_unref (context);
}

static gboolean
lab_cancel (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* Cancels @cancellable after @scenario_ms, as the user's click would;
 * returns the timeout's source id. */
guint
lab_cancel_after (GCancellable *cancellable,
                  guint         scenario_ms)
{
  return g_timeout_add_full (G_PRIORITY_DEFAULT, MS (scenario_ms), lab_cancel,
                             g_object_ref (cancellable), g_object_unref);
}

/* Holds the calling thread for @scenario_ms, as a piece of work would. */
void
lab_work (guint scenario_ms)
{
  g_usleep (MS (scenario_ms) * G_TIME_SPAN_MILLISECOND);
}

/**
 * lab_work_checking:
 * @scenario_ms: how long the work takes
 * @check_ms: how often it checks @cancellable
 * @cancellable: (nullable): the token
 *
 * Holds the calling thread for @scenario_ms in all (however long each
 * check takes), checking @cancellable every @check_ms.
 *
 * Returns: %FALSE if it stopped because @cancellable was cancelled
 */
gboolean
lab_work_checking (guint         scenario_ms,
                   guint         check_ms,
                   GCancellable *cancellable)
{
  gint64 end = g_get_monotonic_time () + MS (scenario_ms) * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      gint64 left = end - g_get_monotonic_time ();

      if (left <= 0)
        return TRUE;
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      g_usleep (MIN (left, (gint64) MS (check_ms) * G_TIME_SPAN_MILLISECOND));
    }
}

/* The runner's worker pool size: the processor count, 2 to 8. */
guint
lab_n_workers (void)
{
  return CLAMP (g_get_num_processors (), 2, 8);
}

/**
 * lab_pool_new:
 * @func: runs one job; its data is what g_thread_pool_push() was given
 *
 * Returns: a pool of lab_n_workers() threads, as the runner has for cpu work
 */
GThreadPool *
lab_pool_new (GFunc func)
{
  GError *error = NULL;
  GThreadPool *pool = g_thread_pool_new (func, NULL, lab_n_workers (), FALSE, &error);

  g_assert_no_error (error);
  return pool;
}

/* A wait that holds no thread ---------------------------------------------- */

typedef struct
{
  GSource        *timer;
  GSource        *cancelled;       /* NULL without a cancellable */
  GError         *error;
  gpointer        value;
  GDestroyNotify  value_free;
} Io;

static void
io_free (gpointer data)
{
  Io *io = data;

  g_source_destroy (io->timer);
  g_source_unref (io->timer);
  if (io->cancelled != NULL)
    {
      g_source_destroy (io->cancelled);
      g_source_unref (io->cancelled);
    }
  g_clear_error (&io->error);
  if (io->value != NULL && io->value_free != NULL)
    io->value_free (io->value);
  g_free (io);
}

static gboolean
io_done (gpointer data)
{
  GTask *task = data;
  Io *io = g_task_get_task_data (task);

  if (io->cancelled != NULL)
    g_source_destroy (io->cancelled);
  if (io->error != NULL)
    g_task_return_error (task, g_steal_pointer (&io->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&io->value), io->value_free);
  return G_SOURCE_REMOVE;
}

static gboolean
io_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  GTask *task = data;
  Io *io = g_task_get_task_data (task);

  g_source_destroy (io->timer);
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

/**
 * lab_io_async:
 * @source_tag: the task's source tag: the _async function it stands for
 *   (g_async_result_is_tagged() tells them apart)
 * @scenario_ms: how long the operation takes
 * @error_message: (nullable): fail with this message (G_IO_ERROR_FAILED) at the end
 * @value: (transfer full) (nullable): the result, else NULL
 * @value_free: (nullable): frees @value
 * @cancellable: (nullable): stops the wait at once, with G_IO_ERROR_CANCELLED
 *
 * An operation that waits without holding a thread, as a download does: a
 * timer on the thread-default main context. Finish with lab_io_finish().
 */
void
lab_io_async (gpointer             source_tag,
              guint                scenario_ms,
              const char          *error_message,
              gpointer             value,
              GDestroyNotify       value_free,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Io *io = g_new0 (Io, 1);

  g_task_set_source_tag (task, source_tag);
  io->value = value;
  io->value_free = value_free;
  if (error_message != NULL)
    io->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, error_message);
  g_task_set_task_data (task, io, io_free);

  io->timer = g_timeout_source_new (MS (scenario_ms));
  g_task_attach_source (task, io->timer, io_done);
  if (cancellable != NULL)
    {
      io->cancelled = g_cancellable_source_new (cancellable);
      g_task_attach_source (task, io->cancelled, G_SOURCE_FUNC (io_cancelled));
    }
  g_object_unref (task);
}

/**
 * lab_io_finish:
 * @value: (out) (optional) (transfer full): the value lab_io_async() was given
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
lab_io_finish (GAsyncResult  *result,
               gpointer      *value,
               GError       **error)
{
  GError *local = NULL;
  gpointer v;

  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  v = g_task_propagate_pointer (G_TASK (result), &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (value != NULL)
    *value = v;
  else if (v != NULL)
    {
      /* the caller does not want it: free it as the task would have */
      GDestroyNotify value_free = ((Io *) g_task_get_task_data (G_TASK (result)))->value_free;

      if (value_free != NULL)
        value_free (v);
    }
  return TRUE;
}
