/* async-void.c: the C twin of data/scenarios/async-void.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A draft's upload fails with "disk full" after 300 ms. GLib has no
 * exceptions: a GError goes only where the code hands it. An async void
 * method is a helper that passes its own callback and returns nothing, so
 * the error reaches a callback with nobody to tell: all it can do is end
 * the program, which is what C# does, and what g_error() does here.
 * g_ptr_array_foreach() with such a helper is List<T>.ForEach(async d => ...):
 * it returns at once and nothing waits. The async Task way is an _async and
 * _finish pair that takes the caller's callback, which gets the GError.
 *
 * The two crashing variants run in a child process each (this program, with
 * the variant's name as its argument), and the parent checks that the child
 * died of the error; the fixed one runs here. The lesson regions are the
 * GLib C the app shows.
 */

#include "lab.h"

#include <string.h>
#include <sys/resource.h>

/* The handlers only pass the button along: no GTK is needed to run them. */
typedef struct _GtkButton GtkButton;

typedef struct
{
  guint       upload_ms;
  const char *error;        /* NULL: the upload works */
} Draft;

static guint n_toasts;
static guint n_errors_shown;
static guint uploading;
static gboolean done;

static void
upload_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  uploading--;
  if (lab_io_finish (result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static void
upload_async (Draft               *draft,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  uploading++;
  lab_io_async (upload_async, draft->upload_ms, draft->error, NULL, NULL, cancellable, upload_done, task);
}

static gboolean
upload_finish (GAsyncResult  *result,
               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The async Task helper is the upload itself: an _async and _finish pair. */
static void
save_draft_async (Draft               *draft,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  upload_async (draft, cancellable, callback, user_data);
}

static gboolean
save_draft_finish (GAsyncResult  *result,
                   GError       **error)
{
  return upload_finish (result, error);
}

static void
on_toast_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  lab_check (lab_io_finish (result, NULL, NULL), "the toast failed");
  n_toasts++;
  done = TRUE;
}

static void
show_toast_async (const char          *text,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  lab_note ("toast \"%s\" shown with %u upload%s still going", text, uploading, uploading == 1 ? "" : "s");
  lab_io_async (show_toast_async, 800, NULL, NULL, NULL, cancellable, callback, user_data);
}

static void G_GNUC_PRINTF (1, 2)
show_error (const char *format,
            ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  lab_note ("shown: %s", text);
  n_errors_shown++;
  done = TRUE;
}

/* <lesson> */
/* async void: save_draft passes its own callback and returns nothing, so
 * the GError has nobody to go to: C# ends the process, as g_error does */
static void
on_uploaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!upload_finish (result, &error))
    g_error ("%s", error->message);            /* the process ends here */
}

static void
save_draft (gpointer draft, gpointer user_data)
{
  upload_async (draft, NULL, on_uploaded, NULL);
}

static void
on_save_clicked (GtkButton *button, gpointer user_data)
{
  save_draft (user_data, NULL);                /* returns at once */
  show_toast_async ("Saved", NULL, on_toast_done, NULL);
}

/* ForEach: the void function for each draft; nothing waits for them */
static void
on_save_all_clicked (GtkButton *button, gpointer user_data)
{
  g_ptr_array_foreach (user_data, save_draft, NULL);
  show_toast_async ("All saved", NULL, on_toast_done, NULL);
}

/* async Task: save_draft_async takes the caller's callback, and
 * save_draft_finish hands it the GError */
static void
on_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!save_draft_finish (result, &error))
    {
      show_error ("Could not save: %s", error->message);
      return;
    }
  show_toast_async ("Saved", NULL, on_toast_done, NULL);
}

static void
on_save_clicked_fixed (GtkButton *button, gpointer user_data)
{
  save_draft_async (user_data, NULL, on_saved, NULL);
}
/* </lesson> */

/* A crashing variant, in the child process: never returns if it crashes. */
static int
run_child (const char *variant)
{
  Draft draft = { 300, "disk full" };
  Draft all[] = { { 200, NULL }, { 300, "disk full" }, { 500, NULL } };
  g_autoptr(GPtrArray) drafts = g_ptr_array_new ();
  struct rlimit no_core = { 0, 0 };

  /* A crash is what the lesson expects: leave no core file behind. */
  setrlimit (RLIMIT_CORE, &no_core);
  lab_begin ("async-void", variant);
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    g_ptr_array_add (drafts, &all[i]);
  if (g_str_equal (variant, "async-void"))
    on_save_clicked (NULL, &draft);
  else if (g_str_equal (variant, "foreach"))
    on_save_all_clicked (NULL, drafts);
  else
    return 2;
  lab_run_until (&done);
  lab_note ("still running after %" G_GINT64_FORMAT " ms", lab_elapsed_ms ());
  return 0;
}

/* Runs @variant in a child process and checks that the error ended it. */
static void
check_crashes (const char *self,
               const char *variant,
               const char *toast)
{
  const char *argv[] = { self, variant, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  gint status = 0;
  gint64 start = g_get_monotonic_time ();

  lab_begin ("async-void", variant);
  lab_check (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error),
             "could not start the child: %s", error ? error->message : "?");
  lab_check (!g_spawn_check_wait_status (status, &error), "the child ran to its end:\n%s", out);
  lab_check (strstr (err, "disk full") != NULL, "the child did not die of the upload's error:\n%s", err);
  lab_check (strstr (out, "still running") == NULL, "the child ran on after the error");
  lab_check (strstr (out, toast) != NULL, "the child did not say \"%s\":\n%s", toast, out);
  lab_note ("the child ended after %" G_GINT64_FORMAT " ms: %s", (g_get_monotonic_time () - start) / 1000,
            error ? error->message : "");
}

int
main (int    argc,
      char **argv)
{
  Draft draft = { 300, "disk full" };

  if (argc > 1)
    return run_child (argv[1]);

  /* async void: the helper returns at once (the toast starts with its
   * upload still going), and the error ends the process. */
  check_crashes (argv[0], "async-void", "toast \"Saved\" shown with 1 upload still going");
  /* ForEach: all three uploads still going when the toast starts. */
  check_crashes (argv[0], "foreach", "toast \"All saved\" shown with 3 uploads still going");

  /* async Task: the handler's callback gets the error; no toast. */
  lab_begin ("async-void", "async-task");
  on_save_clicked_fixed (NULL, &draft);
  lab_run_until (&done);
  lab_check (n_toasts == 0 && n_errors_shown == 1, "the error was not shown");
  lab_note ("%u toast, %u error shown, after %" G_GINT64_FORMAT " ms",
            n_toasts, n_errors_shown, lab_elapsed_ms ());
  return 0;
}
