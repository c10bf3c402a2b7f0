/* aw-window-csharp.c: the window opens, edits and runs a C# program of the user's own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Open C# File (or Open Example) shows the file in the "C# code" page (an
 * AwCodeView), compiles it with the C# lab and runs it on Mono (the core's
 * aw_csharp_run_file(): a child process within its limits, in a sandbox
 * where bwrap works) on a thread of its own, so the window never waits for
 * mcs or for the program. Meanwhile the window is running: the timeline
 * says what it waits for, and Cancel (or choosing another lesson, or
 * closing the window) kills the program. Its runs are then shown as a
 * loaded trace is, on the Timeline page; a program that does not compile
 * is explained in the banner, where each error is a link to its place in
 * the code, and the code page opens with the cursor on the first one.
 *
 * While the file is open, Run (F5) saves the edits and runs the file
 * again, as an IDE saves before it builds: what ran is always what is on
 * disk, and the compiler's line numbers are the file's. Ctrl+S saves.
 * Edits not yet saved put "•" before the file's name in the title; leaving
 * the file (a lesson, another file, closing the window) asks first.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "aw-window-private.h"

#include "aw-csharp.h"
#include "aw-file-util.h"
#include "aw-i18n.h"
#include "aw-summary.h"
#include "aw-task-table.h"
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

/* The title: the file's name, after "•" while it has edits not saved. */
static void
update_title (AwWindow *self)
{
  const char *path = aw_code_view_get_path (self->code_view);
  g_autofree char *base = NULL;
  g_autofree char *title = NULL;

  if (path == NULL)
    return;
  base = g_path_get_basename (path);
  title = aw_code_view_get_modified (self->code_view) ? g_strdup_printf ("• %s", base) : g_strdup (base);
  gtk_label_set_text (self->title_label, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (self->code_path_label, path);
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

/* The compiler's errors, each "FILE:LINE:COL" a link to that place. */
static char *
errors_markup (const char *errors)
{
  g_autoptr(GRegex) re = g_regex_new ("^(.+?):(\\d+):(\\d+)(: .*)$", 0, 0, NULL);
  g_auto(GStrv) lines = g_strsplit (errors, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;

      if (i > 0)
        g_string_append_c (out, '\n');
      if (g_regex_match (re, lines[i], 0, &match))
        {
          g_autofree char *file = g_match_info_fetch (match, 1);
          g_autofree char *line = g_match_info_fetch (match, 2);
          g_autofree char *col = g_match_info_fetch (match, 3);
          g_autofree char *rest = g_match_info_fetch (match, 4);
          g_autofree char *link = g_markup_printf_escaped ("<a href=\"aw-code:%s:%s\">%s:%s:%s</a>%s",
                                                           line, col, file, line, col, rest);

          g_string_append (out, link);
        }
      else
        {
          g_autofree char *escaped = g_markup_escape_text (lines[i], -1);

          g_string_append (out, escaped);
        }
    }
  return g_string_free (out, FALSE);
}

/* A link in the banner: the code page, the cursor on the error. */
static gboolean
on_error_link (GtkLabel   *label,
               const char *uri,
               AwWindow   *self)
{
  guint line = 0, column = 0;

  if (!g_str_has_prefix (uri, "aw-code:"))
    return FALSE;
  if (sscanf (uri + strlen ("aw-code:"), "%u:%u", &line, &column) != 2 ||
      aw_code_view_get_path (self->code_view) == NULL)
    return TRUE;
  gtk_stack_set_visible_child_name (self->view_stack, "code");
  aw_code_view_go_to (self->code_view, line, column);
  return TRUE;
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
      /* Nothing to show: the window is back at its file, or its lesson, not yet run. */
      gtk_label_set_text (self->title_label, self->scenario ? aw_scenario_get_title (self->scenario) : "");
      gtk_label_set_text (self->subtitle_label, self->scenario ? aw_scenario_get_part_title (self->scenario) : "");
      if (_aw_window_csharp_is_open (self))
        gtk_label_set_text (self->subtitle_label, _("C# on Mono"));
      update_title (self);
    }
  if (traces == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: %s is a C# file's name; its program was stopped (Cancel). */
          g_autofree char *text = g_strdup_printf (_("Stopped %s"), base);

          _aw_window_show_status (self, text);
          _aw_window_announce (self, text);
          aw_lesson_panel_set_outcome (self->lesson, text);
        }
      else if (g_error_matches (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_COMPILE) &&
               g_strcmp0 (aw_code_view_get_path (self->code_view), job->path) == 0)
        {
          g_autofree char *markup = errors_markup (error->message);

          _aw_window_show_error_markup (self, error->message, markup);
          /* Straight to the first error, as an IDE goes after a failed build. */
          gtk_stack_set_visible_child_name (self->view_stack, "code");
          aw_code_view_show_errors (self->code_view, error->message);
          aw_lesson_panel_set_outcome (self->lesson, _("Not run: it does not compile. Each error above is a link to its line."));
        }
      else
        {
          _aw_window_show_error (self, error->message);
          aw_lesson_panel_set_outcome (self->lesson, _("Not run: the message above says why."));
        }
      _aw_window_update_actions (self);
      return;
    }
  if (traces->len == 0)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is a C# file's name; keep Lab.Variant(…) and Lab.Save() as they are. */
      text = g_strdup_printf (_("%s recorded no run: call Lab.Variant(…) before Lab.Save()"), base);

      _aw_window_show_error (self, text);
      aw_lesson_panel_set_outcome (self->lesson, text);
      _aw_window_update_actions (self);
      return;
    }
  aw_code_view_clear_errors (self->code_view);
  /* Translators: the window's subtitle after a C# file ran; %s is the file's name. */
  subtitle = g_strdup_printf (_("C# on Mono: %s"), base);
  _aw_window_show_traces (self, traces, base, subtitle);
  update_title (self);
  /* What it did: the timeline, as after a lesson's run. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "code") == 0)
    gtk_stack_set_visible_child_name (self->view_stack, "timeline");
  _aw_window_emit_run_finished (self);
}

/* The lesson panel, and the title presentation mode shows, say what is
 * open: the student's own program, not the lesson shown before it, and how
 * to work with it. The lesson's own controls go meanwhile
 * (_aw_window_update_actions()); a lesson brings its panel back. */
static void
show_file_panel (AwWindow   *self,
                 const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *heading = NULL;

  /* Translators: the lesson panel's heading while a C# file is open; %s is the file's name. */
  heading = g_strdup_printf (_("%s: your own C# program, run on Mono"), base);
  aw_lesson_panel_set_file (self->lesson, heading,
                            _("This is not a lesson: it is a C# program of your own, compiled with mcs "
                              "and run on Mono with the C# lab, which records what it does.\n\n"
                              "Edit it on the C# code page. Ctrl+S saves it; Run (F5) saves it and runs "
                              "it again, and the Timeline page then shows its runs. If it does not "
                              "compile, each error in the banner is a link to its line."));
  /* No lesson is chosen in the list meanwhile: a click on any lesson,
   * the one shown before too, brings the lessons back. */
  gtk_list_box_set_selection_mode (self->scenario_list, GTK_SELECTION_SINGLE);
  gtk_list_box_unselect_all (self->scenario_list);
  gtk_label_set_text (self->presentation_title, base);
  gtk_label_set_text (self->presentation_question, _("Your own C# program, run on Mono"));
  gtk_widget_set_visible (GTK_WIDGET (self->presentation_question), TRUE);
}

/* Compiles and runs @path in the background, as it is on disk. */
static void
start_job (AwWindow   *self,
           const char *path)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *waiting = NULL;
  CsharpJob *job;

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
  update_title (self);
  gtk_label_set_text (self->subtitle_label, _("C# on Mono"));
  /* The last run's timeline, tasks and warnings go: what shows next is this
   * compile's and this run's. */
  aw_timeline_view_set_runs (self->timeline, base, NULL, 0);
  aw_task_table_set_runs (self->table, NULL, 0);
  aw_lesson_panel_set_warnings (self->lesson, NULL);
  /* Translators: %s is a C# file's name; mcs compiles it, then Mono runs it. */
  waiting = g_strdup_printf (_("Compiling %s and running it on Mono…"), base);
  aw_timeline_view_set_placeholder (self->timeline, waiting);
  aw_lesson_panel_set_outcome (self->lesson, waiting);
  _aw_window_announce (self, waiting);
  _aw_window_update_actions (self);

  task = g_task_new (self, self->csharp_cancellable, run_done, NULL);
  g_task_set_source_tag (task, aw_window_open_csharp);
  g_task_set_task_data (task, job, (GDestroyNotify) csharp_job_free);
  g_task_run_in_thread (task, run_in_thread);
}

/* The file is closed: the code page goes, the lesson's title comes back
 * with the lesson that replaces it. */
static void
close_document (AwWindow *self)
{
  if (aw_code_view_get_path (self->code_view) == NULL)
    return;
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "code") == 0)
    gtk_stack_set_visible_child_name (self->view_stack, "timeline");
  gtk_stack_page_set_visible (self->code_page, FALSE);
  aw_code_view_close (self->code_view);
  _aw_window_update_actions (self);
}

/**
 * aw_window_open_csharp:
 * @path: a C# program that uses the C# lab
 *
 * Shows @path in the C# code page, then compiles and runs it on Mono in
 * the background, at the window's speed and watchdog deadline, and shows
 * its runs when it ends (the window's run-finished signal). Cancel stops
 * it. Edits to another file that are not saved are asked about first.
 *
 * Returns: %TRUE if it started (or waits for the answer about the other
 *   file's edits); else the banner says why (no Mono, an unreadable file)
 */
gboolean
aw_window_open_csharp (AwWindow   *self,
                       const char *path)
{
  g_autoptr(GError) error = NULL;
  const char *open = NULL;

  g_return_val_if_fail (AW_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!aw_csharp_have_mono (&error))
    {
      _aw_window_show_error (self, error->message);
      return FALSE;
    }
  open = aw_code_view_get_path (self->code_view);
  if (open != NULL && g_strcmp0 (open, path) != 0 && aw_code_view_get_modified (self->code_view))
    {
      g_object_set_data_full (G_OBJECT (self), "aw-then-path", g_strdup (path), g_free);
      _aw_window_csharp_leave (self, NULL);
      return TRUE;
    }
  if (g_strcmp0 (open, path) != 0 || !aw_code_view_get_modified (self->code_view))
    {
      if (!aw_code_view_load (self->code_view, path, &error))
        {
          _aw_window_show_error (self, error->message);
          return FALSE;
        }
    }
  gtk_stack_page_set_visible (self->code_page, TRUE);
  gtk_stack_set_visible_child_name (self->view_stack, "code");
  show_file_panel (self, path);
  start_job (self, path);
  return TRUE;
}

/**
 * _aw_window_csharp_save:
 *
 * Saves the open C# file (Ctrl+S).
 *
 * Returns: %TRUE if it is saved (or had nothing to save)
 */
gboolean
_aw_window_csharp_save (AwWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;

  if (aw_code_view_get_path (self->code_view) == NULL)
    return TRUE;
  if (!aw_code_view_get_modified (self->code_view))
    return TRUE;
  if (!aw_code_view_save (self->code_view, &error))
    {
      _aw_window_show_error (self, error->message);
      return FALSE;
    }
  base = g_path_get_basename (aw_code_view_get_path (self->code_view));
  text = g_strdup_printf (_("Saved %s"), base);
  _aw_window_show_status (self, text);
  return TRUE;
}

/* Run (F5) with a C# file open: saved, then run as it is on disk. */
void
_aw_window_csharp_run (AwWindow *self)
{
  g_autofree char *path = g_strdup (aw_code_view_get_path (self->code_view));

  if (path == NULL || aw_session_get_running (self->session))
    return;
  if (!_aw_window_csharp_save (self))
    return;
  start_job (self, path);
}

gboolean
_aw_window_csharp_is_open (AwWindow *self)
{
  return self->code_view != NULL && aw_code_view_get_path (self->code_view) != NULL;
}

/* What leaving the file was for, once its edits are saved or discarded. */
static void
leave_then (AwWindow *self)
{
  AwScenario *scenario = g_object_steal_data (G_OBJECT (self), "aw-then-scenario");
  char *path = g_object_steal_data (G_OBJECT (self), "aw-then-path");
  gboolean close = GPOINTER_TO_INT (g_object_steal_data (G_OBJECT (self), "aw-then-close"));

  if (close)
    {
      self->closing = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (path != NULL)
    {
      close_document (self);
      aw_window_open_csharp (self, path);
    }
  else if (scenario != NULL)
    {
      close_document (self);
      /* Even the lesson shown before the file: its panel and controls come back. */
      g_clear_object (&self->scenario);
      _aw_window_set_scenario (self, scenario);
    }
  g_free (path);
  g_clear_object (&scenario);
}

static void
on_save_prompt_response (GtkDialog *dialog,
                         int        response,
                         AwWindow  *self)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  self->save_prompt = NULL;
  switch (response)
    {
    case GTK_RESPONSE_ACCEPT:
      if (!_aw_window_csharp_save (self))
        break;
      leave_then (self);
      return;

    case GTK_RESPONSE_REJECT:
      leave_then (self);
      return;

    default:
      break;
    }
  /* Cancelled: the file stays, and no lesson is chosen in the list (a
   * click on one chose it before the prompt). */
  gtk_list_box_unselect_all (self->scenario_list);
  /* What it was left for is forgotten. */
  g_object_set_data (G_OBJECT (self), "aw-then-scenario", NULL);
  g_object_set_data (G_OBJECT (self), "aw-then-path", NULL);
  g_object_set_data (G_OBJECT (self), "aw-then-close", NULL);
}

/**
 * _aw_window_csharp_leave:
 * @then_scenario: (nullable): the lesson to show instead
 *
 * The window leaves the open C# file for @then_scenario (or for what the
 * caller put in "aw-then-path" or "aw-then-close"). Without edits to save
 * the file is closed at once; else the window asks Save, Discard or
 * Cancel, and does the rest when answered.
 *
 * Returns: %TRUE if the file is closed now (the caller goes on); %FALSE
 *   if the window asks first
 */
gboolean
_aw_window_csharp_leave (AwWindow   *self,
                         AwScenario *then_scenario)
{
  g_autofree char *base = NULL;
  GtkWidget *dialog;

  if (!_aw_window_csharp_is_open (self))
    return TRUE;
  if (!aw_code_view_get_modified (self->code_view))
    {
      close_document (self);
      return TRUE;
    }
  if (then_scenario != NULL)
    g_object_set_data_full (G_OBJECT (self), "aw-then-scenario", g_object_ref (then_scenario), g_object_unref);
  if (self->save_prompt != NULL)
    return FALSE;

  base = g_path_get_basename (aw_code_view_get_path (self->code_view));
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Save the changes to “%s”?"), base);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            _("Your edits are lost if you close the file without saving them."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog),
                          _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Discard"), GTK_RESPONSE_REJECT,
                          _("_Save"), GTK_RESPONSE_ACCEPT,
                          NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT),
                            "suggested-action");
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_REJECT),
                            "destructive-action");
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_prompt_response), self);
  self->save_prompt = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

/**
 * _aw_window_find_example:
 * @name: a file of the lab's examples, such as "orders.cs"
 *
 * Returns: (transfer full): where the bundled example is, or %NULL
 */
char *
_aw_window_find_example (const char  *name,
                         GError     **error)
{
  g_autofree char *lab = NULL;
  g_autofree char *path = NULL;

  if (name == NULL || strchr (name, '/') != NULL || !g_str_has_suffix (name, ".cs"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not an example of the C# lab"),
                   name ? name : "");
      return NULL;
    }
  lab = aw_csharp_find_lab (error);
  if (lab == NULL)
    return NULL;
  path = g_build_filename (lab, "examples", name, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The example %s is not installed (no %s)"),
                   name, path);
      return NULL;
    }
  return g_steal_pointer (&path);
}

/* Where the user's copies of the examples are, and beside them (hidden)
 * the bundled text each copy was made from: a copy that still has that
 * text was not edited, and may follow a newer bundle. */
static char *
examples_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "awaitscope", "examples", NULL);
}

static char *
example_base_path (const char *name)
{
  g_autofree char *dir = examples_dir ();

  return g_build_filename (dir, ".bundled", name, NULL);
}

static GBytes *
read_example (const char  *path,
              GError     **error)
{
  gboolean too_large = FALSE;

  return aw_read_file_bounded (path, AW_CODE_VIEW_MAX_FILE, &too_large, error);
}

/* The copy (and the record of what it was made from) become @bundled. */
static gboolean
write_example (const char  *name,
               GBytes      *bundled,
               GError     **error)
{
  g_autofree char *dir = examples_dir ();
  g_autofree char *copy = g_build_filename (dir, name, NULL);
  g_autofree char *base = example_base_path (name);
  g_autofree char *base_dir = g_path_get_dirname (base);

  if (g_mkdir_with_parents (base_dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  return aw_write_file_atomic (copy, bundled, error) && aw_write_file_atomic (base, bundled, error);
}

static gboolean
same_bytes (GBytes *a,
            GBytes *b)
{
  return a != NULL && b != NULL && g_bytes_equal (a, b);
}

/**
 * _aw_window_open_example:
 * @name: a file of the lab's examples
 *
 * Opens the user's copy of a bundled example (`~/.local/share/awaitscope/examples/`),
 * so that it can be edited and saved while the bundled one stays as it is.
 * The copy is made the first time; a copy the user has not edited follows
 * the bundled example when that changes (a newer version of Awaitscope);
 * an edited copy is kept, and a toast says so and how to get the bundled
 * example back (Revert to Example).
 */
void
_aw_window_open_example (AwWindow   *self,
                         const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bundled_path = _aw_window_find_example (name, &error);
  g_autofree char *dir = examples_dir ();
  g_autofree char *copy = NULL;
  g_autofree char *base_path = NULL;
  g_autoptr(GBytes) bundled = NULL;
  g_autoptr(GBytes) current = NULL;
  g_autoptr(GBytes) base = NULL;
  gboolean edited = FALSE;

  if (bundled_path == NULL || (bundled = read_example (bundled_path, &error)) == NULL)
    {
      _aw_window_show_error (self, error->message);
      return;
    }
  copy = g_build_filename (dir, name, NULL);
  base_path = example_base_path (name);
  if (g_file_test (copy, G_FILE_TEST_IS_REGULAR))
    current = read_example (copy, NULL);
  if (g_file_test (base_path, G_FILE_TEST_IS_REGULAR))
    base = read_example (base_path, NULL);
  /* Edited: neither the bundled text nor the one it was copied from. */
  edited = current != NULL && !same_bytes (current, bundled) && !same_bytes (current, base);
  if (!edited && (!same_bytes (current, bundled) || !same_bytes (base, bundled)) &&
      !write_example (name, bundled, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot copy the example to %s: %s"), dir, error->message);

      _aw_window_show_error (self, text);
      return;
    }
  if (!aw_window_open_csharp (self, copy))
    return;
  if (edited)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is an example's file name; "Open Example" and "Revert to Example" are menu items. */
      text = g_strdup_printf (_("Your edited copy of %s is open. To start again from the bundled example, "
                                "choose Open Example ▸ Revert to Example."), name);
      _aw_window_toast (self, text);
    }
}

/* The example the open file is a copy of, or %NULL. */
static char *
open_example_name (AwWindow *self)
{
  const char *path = _aw_window_csharp_is_open (self) ? aw_code_view_get_path (self->code_view) : NULL;
  g_autofree char *dir = examples_dir ();
  g_autofree char *parent = NULL;
  g_autofree char *name = NULL;
  g_autofree char *bundled = NULL;

  if (path == NULL)
    return NULL;
  parent = g_path_get_dirname (path);
  name = g_path_get_basename (path);
  if (g_strcmp0 (parent, dir) != 0 || (bundled = _aw_window_find_example (name, NULL)) == NULL)
    return NULL;
  return g_steal_pointer (&name);
}

gboolean
_aw_window_csharp_is_example (AwWindow *self)
{
  g_autofree char *name = open_example_name (self);

  return name != NULL;
}

static void
on_revert_response (GtkDialog *dialog,
                    int        response,
                    AwWindow  *self)
{
  g_autofree char *name = open_example_name (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *bundled_path = NULL;
  g_autoptr(GBytes) bundled = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *text = NULL;

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response != GTK_RESPONSE_ACCEPT || name == NULL || aw_session_get_running (self->session))
    return;
  bundled_path = _aw_window_find_example (name, &error);
  if (bundled_path == NULL || (bundled = read_example (bundled_path, &error)) == NULL ||
      !write_example (name, bundled, &error))
    {
      _aw_window_show_error (self, error->message);
      return;
    }
  copy = g_strdup (aw_code_view_get_path (self->code_view));
  if (!aw_code_view_load (self->code_view, copy, &error))
    {
      _aw_window_show_error (self, error->message);
      return;
    }
  aw_code_view_clear_errors (self->code_view);
  _aw_window_show_error (self, NULL);
  update_title (self);
  /* Translators: %s is an example's file name. */
  text = g_strdup_printf (_("%s is the bundled example again"), name);
  _aw_window_show_status (self, text);
  _aw_window_announce (self, text);
}

/**
 * _aw_window_revert_example:
 *
 * Revert to Example: after asking, the open copy of an example (its edits
 * saved or not) becomes the bundled example again.
 */
void
_aw_window_revert_example (AwWindow *self)
{
  g_autofree char *name = open_example_name (self);
  GtkWidget *dialog;

  if (name == NULL || aw_session_get_running (self->session))
    return;
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Revert “%s” to the bundled example?"), name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            _("Your changes to your copy of it are lost."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog),
                          _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Revert"), GTK_RESPONSE_ACCEPT,
                          NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT),
                            "destructive-action");
  g_signal_connect (dialog, "response", G_CALLBACK (on_revert_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* C# beside GLib ---------------------------------------------------------- */

typedef struct {
  char   *scenario_id;
  double  speed;
  guint   deadline_ms;
  guint   generation;
} TwinJob;

static void
twin_job_free (TwinJob *job)
{
  g_free (job->scenario_id);
  g_free (job);
}

static void
twin_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TwinJob *job = task_data;
  GError *error = NULL;
  GPtrArray *traces = aw_csharp_run_twin (job->scenario_id, job->speed, (int) job->deadline_ms,
                                          cancellable, &error);

  if (traces == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, traces, (GDestroyNotify) g_ptr_array_unref);
}

static AwTrace *
find_variant_trace (GPtrArray  *traces,
                    const char *name)
{
  for (guint i = 0; i < traces->len; i++)
    if (g_strcmp0 (aw_trace_get_metadata (g_ptr_array_index (traces, i), "variant"), name) == 0)
      return g_ptr_array_index (traces, i);
  return NULL;
}

/* Each GLib run gets its C# twin's run before it, as `render --csharp`
 * draws them: "C# on Mono: …", then "GLib: …", on one time axis. */
static gboolean
pair_runs (AwWindow  *self,
           GPtrArray *traces)
{
  const AwNamedRun *runs;
  guint n_runs;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  AwScenario *scenario = aw_session_get_scenario (self->session);

  runs = aw_session_get_runs (self->session, &n_runs);
  for (guint i = 0; i < n_runs; i++)
    {
      AwTrace *twin = find_variant_trace (traces, runs[i].name);
      const char *title = runs[i].title ? runs[i].title : runs[i].name;
      char *cs_title;

      if (twin == NULL)
        return FALSE;
      /* In the reader's language, as the lesson's variant titles are (and
       * saved so with the run, as the command line's --csharp --trace does). */
      /* Translators: a lane's title: %s is a variant's title. */
      cs_title = g_strdup_printf (_("C# on Mono: %s"), title);
      /* Saved (Export Trace), the C# runs stay apart from the GLib ones. */
      aw_trace_set_metadata (twin, "variant_title", cs_title);
      if (scenario != NULL)
        aw_trace_set_metadata (twin, "scenario_title", aw_scenario_get_title (scenario));
      g_ptr_array_add (names, g_strdup (runs[i].name));
      g_ptr_array_add (titles, cs_title);
      g_ptr_array_add (models, aw_trace_model_new (twin));
      g_ptr_array_add (names, g_strdup (runs[i].name));
      /* Translators: a lane's title: %s is a variant's title. */
      g_ptr_array_add (titles, g_strdup_printf (_("GLib: %s"), title));
      g_ptr_array_add (models, aw_trace_model_ref (runs[i].model));
    }
  aw_session_clear_runs (self->session);
  for (guint i = 0; i < models->len; i++)
    aw_session_add_run (self->session, g_ptr_array_index (names, i), g_ptr_array_index (titles, i),
                        g_ptr_array_index (models, i));
  self->csharp_pairs = TRUE;
  runs = aw_session_get_runs (self->session, &n_runs);
  aw_session_set_view (self->session, NULL);
  aw_timeline_view_set_runs (self->timeline, aw_session_get_title (self->session), runs, n_runs);
  /* The line over them compares the variants' GLib runs, as the outcome
   * card does, not one variant's C# run with another's GLib run. */
  {
    g_autoptr(GArray) glib = g_array_new (FALSE, TRUE, sizeof (AwNamedRun));
    g_autofree char *headline = NULL;

    for (guint i = 1; i < n_runs; i += 2)
      g_array_append_val (glib, runs[i]);
    headline = aw_summary_compare_text ((const AwNamedRun *) (gpointer) glib->data, glib->len);
    aw_timeline_view_set_headline (self->timeline, headline);
  }
  return TRUE;
}

static void
twin_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AwWindow *self = AW_WINDOW (source);
  TwinJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = g_task_propagate_pointer (G_TASK (result), &error);

  if (job->generation != self->generation)
    return;
  g_clear_object (&self->csharp_cancellable);
  aw_timeline_view_set_placeholder (self->timeline, NULL);
  if (self->scenario != NULL)
    gtk_label_set_text (self->subtitle_label, aw_scenario_get_part_title (self->scenario));
  if (traces == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The GLib runs stand; the banner says why C# is not beside them. */
      g_autofree char *text = g_strdup_printf (_("The C# twin did not run: %s"), error->message);

      _aw_window_show_error (self, text);
    }
  else if (traces != NULL && !pair_runs (self, traces))
    _aw_window_show_error (self, _("The C# twin's variants are not the lesson's: only the GLib runs are shown"));
  _aw_window_finish_run (self);
}

/**
 * _aw_window_csharp_start_twin:
 *
 * With C# beside GLib on, after a lesson's GLib runs: its C# twin, run on
 * Mono on a thread of its own (Cancel or leaving kills it), whose runs are
 * then drawn beside the GLib runs and finish the run.
 *
 * Returns: %TRUE if the twin is running (the caller leaves the run open)
 */
gboolean
_aw_window_csharp_start_twin (AwWindow *self)
{
  AwScenario *scenario = aw_session_get_scenario (self->session);
  g_autoptr(GTask) task = NULL;
  g_autofree char *twin = NULL;
  g_autofree char *waiting = NULL;
  TwinJob *job;

  if (!self->csharp_beside || scenario == NULL || aw_session_get_n_runs (self->session) == 0 ||
      !aw_csharp_have_mono (NULL))
    return FALSE;
  twin = aw_csharp_find_twin (aw_scenario_get_id (scenario), NULL);
  if (twin == NULL)
    return FALSE;

  job = g_new0 (TwinJob, 1);
  job->scenario_id = g_strdup (aw_scenario_get_id (scenario));
  job->speed = aw_session_get_speed (self->session);
  job->deadline_ms = self->wait_deadline_ms > 0 ? self->wait_deadline_ms : AW_WINDOW_WATCHDOG_MS;
  job->generation = self->generation;

  self->csharp_cancellable = g_cancellable_new ();
  waiting = g_strdup (_("Running the C# twin on Mono…"));
  gtk_label_set_text (self->subtitle_label, waiting);
  _aw_window_announce (self, waiting);

  task = g_task_new (self, self->csharp_cancellable, twin_done, NULL);
  g_task_set_source_tag (task, _aw_window_csharp_start_twin);
  g_task_set_task_data (task, job, (GDestroyNotify) twin_job_free);
  g_task_run_in_thread (task, twin_in_thread);
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
  _aw_window_run_chooser (self, _("Open C# File"), GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL,
                          aw_window_open_csharp, _("C# programs (*.cs)"), "*.cs", NULL);
}

/* From the window's init. */
void
_aw_window_csharp_init (AwWindow *self)
{
  g_signal_connect_object (self->code_view, "notify::modified", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->error_label, "activate-link", G_CALLBACK (on_error_link), self, 0);
}
