/* fire-and-forget.c: the C twin of data/scenarios/fire-and-forget.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A save that fails with "disk full" after 300 ms. Started without a
 * callback, its GTask is freed with the GError inside and nobody learns of
 * it: the "Saved" toast shows anyway. Awaited, the callback finishes the
 * task and sees the error. The lesson regions are the GLib C the app shows.
 */

#include "lab.h"

/* The handlers only pass the button along: no GTK is needed to run them. */
typedef struct _GtkButton GtkButton;

typedef struct
{
  const char *text;
} Draft;

static guint n_toasts;
static guint n_errors_shown;
static gboolean done;

static void
save_draft_async (Draft               *draft,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  lab_io_async (save_draft_async, 300, "disk full", NULL, NULL, cancellable, callback, user_data);
}

static gboolean
save_draft_finish (GAsyncResult  *result,
                   GError       **error)
{
  return lab_io_finish (result, NULL, error);
}

static void
show_toast_async (const char          *text,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  lab_io_async (show_toast_async, 800, NULL, NULL, NULL, cancellable, callback, user_data);
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
/* Fire and forget: no callback, so nobody ever sees the GError */
static void
on_save_clicked (GtkButton *button, gpointer user_data)
{
  save_draft_async (user_data, NULL, NULL, NULL);    /* fails 0.3 s later */
  show_toast_async ("Saved", NULL, on_toast_done, NULL);   /* shown anyway */
}

/* Awaited: the callback finishes the task and sees the error */
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
on_save_clicked_awaited (GtkButton *button, gpointer user_data)
{
  save_draft_async (user_data, NULL, on_saved, NULL);
}
/* </lesson> */

static void
run (const char  *variant,
     void       (*handler) (GtkButton *, gpointer))
{
  Draft draft = { "Dear diary" };

  lab_begin ("fire-and-forget", variant);
  done = FALSE;
  n_toasts = n_errors_shown = 0;
  handler (NULL, &draft);
  lab_run_until (&done);
  lab_note ("%u toast, %u error shown, after %" G_GINT64_FORMAT " ms",
            n_toasts, n_errors_shown, lab_elapsed_ms ());
}

int
main (void)
{
  /* The forgotten save fails (and is freed) before the toast is done. */
  run ("forget", on_save_clicked);
  lab_check (n_toasts == 1 && n_errors_shown == 0, "the forgotten error was shown");

  run ("await", on_save_clicked_awaited);
  lab_check (n_toasts == 0 && n_errors_shown == 1, "the error was not shown");
  return 0;
}
