/* aw-window-csharp.c: the window runs a C# program of the user's own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Open C# File compiles the file with the C# lab and runs it on Mono (the
 * core's aw_csharp_run_file(): a child process within its limits, in a
 * sandbox where bwrap works) on a thread of its own, so the window never
 * waits for mcs or for the program. Meanwhile the window is running: the
 * timeline says what it waits for, and Cancel (or choosing another lesson,
 * or closing the window) kills the program. Its runs are then shown as a
 * loaded trace is; a program that does not compile or that failed is
 * explained in the banner, and changes nothing.
 */

#include "config.h"

#include "aw-window-private.h"

#include "aw-csharp.h"
#include "aw-timeline-view.h"

typedef struct {
  char   *path;
  double  speed;
  guint   deadline_ms;
  guint   generation;
} CsharpJob;

static void
csharp_job_free (CsharpJob *job)
{
  g_free (job->path);
  g_free (job);
}

static void
run_in_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CsharpJob *job = task_data;
  GError *error = NULL;
  GPtrArray *traces = aw_csharp_run_file (job->path, job->speed, (int) job->deadline_ms, NULL,
                                          cancellable, &error);

  if (traces == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, traces, (GDestroyNotify) g_ptr_array_unref);
}

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AwWindow *self = AW_WINDOW (source);
  CsharpJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *base = g_path_get_basename (job->path);
  g_autofree char *subtitle = NULL;

  /* The window moved on (another lesson, another file, closed). */
  if (job->generation != self->generation)
    return;
  g_clear_object (&self->csharp_cancellable);
  _aw_window_abandon_run (self);

  if (traces == NULL || traces->len == 0)
    {
      /* Nothing to show: the window is back at its lesson, not yet run. */
      gtk_label_set_text (self->title_label, self->scenario ? aw_scenario_get_title (self->scenario) : "");
      gtk_label_set_text (self->subtitle_label, self->scenario ? aw_scenario_get_part_title (self->scenario) : "");
    }
  if (traces == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf ("Stopped %s", base);

          _aw_window_show_status (self, text);
          _aw_window_announce (self, text);
        }
      else
        _aw_window_show_error (self, error->message);
      _aw_window_update_actions (self);
      return;
    }
  if (traces->len == 0)
    {
      g_autofree char *text = g_strdup_printf ("%s recorded no run: call Lab.Variant(…) before Lab.Save()", base);

      _aw_window_show_error (self, text);
      _aw_window_update_actions (self);
      return;
    }
  subtitle = g_strdup_printf ("C# on Mono: %s", base);
  _aw_window_show_traces (self, traces, base, subtitle);
  _aw_window_emit_run_finished (self);
}

/**
 * aw_window_open_csharp:
 * @path: a C# program that uses the C# lab
 *
 * Compiles and runs @path on Mono in the background, at the window's speed
 * and watchdog deadline, and shows its runs when it ends (the window's
 * run-finished signal). Cancel stops it.
 *
 * Returns: %TRUE if it started; else the banner says why (no Mono)
 */
gboolean
aw_window_open_csharp (AwWindow   *self,
                       const char *path)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *waiting = NULL;
  CsharpJob *job;

  g_return_val_if_fail (AW_IS_WINDOW (self), FALSE);

  if (!aw_csharp_have_mono (&error))
    {
      _aw_window_show_error (self, error->message);
      return FALSE;
    }
  _aw_window_show_error (self, NULL);
  _aw_window_stop_replay (self);
  _aw_window_abandon_run (self);
  _aw_window_clear_run (self);
  g_array_set_size (self->predictions, 0);

  job = g_new0 (CsharpJob, 1);
  job->path = g_strdup (path);
  job->speed = aw_session_get_speed (self->session);
  job->deadline_ms = self->wait_deadline_ms;
  job->generation = self->generation;

  self->csharp_cancellable = g_cancellable_new ();
  aw_session_set_running (self->session, TRUE);
  gtk_label_set_text (self->title_label, base);
  gtk_label_set_text (self->subtitle_label, "C# on Mono");
  waiting = g_strdup_printf ("Compiling %s and running it on Mono…", base);
  aw_timeline_view_set_placeholder (self->timeline, waiting);
  _aw_window_announce (self, waiting);
  _aw_window_update_actions (self);

  task = g_task_new (self, self->csharp_cancellable, run_done, NULL);
  g_task_set_source_tag (task, aw_window_open_csharp);
  g_task_set_task_data (task, job, (GDestroyNotify) csharp_job_free);
  g_task_run_in_thread (task, run_in_thread);
  return TRUE;
}

/* From abandoning a run: a C# program in progress is killed. */
void
_aw_window_csharp_abandon (AwWindow *self)
{
  if (self->csharp_cancellable != NULL)
    g_cancellable_cancel (self->csharp_cancellable);
  g_clear_object (&self->csharp_cancellable);
}

gboolean
_aw_window_csharp_running (AwWindow *self)
{
  return self->csharp_cancellable != NULL;
}

/* Cancel: the program is killed; its run_done says so. */
void
_aw_window_csharp_cancel (AwWindow *self)
{
  if (self->csharp_cancellable != NULL)
    g_cancellable_cancel (self->csharp_cancellable);
}

void
_aw_window_choose_csharp (AwWindow *self)
{
  if (aw_session_get_running (self->session))
    return;
  _aw_window_run_chooser (self, "Open C# File", GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL,
                          aw_window_open_csharp, "C# programs (*.cs)", "*.cs", NULL);
}
