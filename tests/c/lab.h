/* lab.h: what every C twin shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A C twin is tests/c/ID.c: a whole program against GLib and GIO whose
 * lesson regions (between a `<lesson>` and a `</lesson>` comment) are the
 * GLib C that the app shows for scenario ID (tests/csharp/sync-snippets.py
 * keeps them in step), and whose main runs what the lesson shows to its end
 * and checks what happened (tests/c/run-c-twins.py compiles and runs every
 * twin and fails on a warning, a leak or a failed check).
 *
 * The building blocks stand in for real work: a wait that holds no thread
 * (a timer on the main context, as a download's socket would be), work that
 * holds a thread (a sleep, so that the twins cost the machine no CPU), the
 * worker pool (a GThreadPool with as many workers as the runner's), and
 * running the main loop until something is done, with a limit.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Durations: MS (1000) is 1000 scenario milliseconds at the twins' speed,
 * as `awaitscope run --speed 10` divides every duration. */
#ifndef LAB_SPEED
# define LAB_SPEED 10
#endif
#define MS(ms) ((guint) ((ms) / LAB_SPEED))

/* The exit status of a twin whose check failed (lab_check()), as opposed to
 * one that crashed or leaked: a check about timing may fail on a busy
 * machine, and the test runs the twin again. */
#define LAB_CHECK_FAILED 3

void      lab_begin       (const char          *id,
                           const char          *variant);
gint64    lab_elapsed_ms  (void);
void      lab_check       (gboolean             ok,
                           const char          *format,
                           ...) G_GNUC_PRINTF (2, 3);
void      lab_note        (const char          *format,
                           ...) G_GNUC_PRINTF (1, 2);

void      lab_run_until   (const gboolean      *done);
guint     lab_cancel_after (GCancellable       *cancellable,
                            guint               scenario_ms);

void      lab_work        (guint                scenario_ms);
gboolean  lab_work_checking (guint              scenario_ms,
                             guint              check_ms,
                             GCancellable      *cancellable);
guint     lab_n_workers   (void);
GThreadPool *lab_pool_new (GFunc                func);

void      lab_io_async    (gpointer             source_tag,
                           guint                scenario_ms,
                           const char          *error_message,
                           gpointer             value,
                           GDestroyNotify       value_free,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data);
gboolean  lab_io_finish   (GAsyncResult        *result,
                           gpointer            *value,
                           GError             **error);

G_END_DECLS
