/* aw-recorded-text.h: the texts a run records into its trace, and how a reader sees them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Texts recorded into traces, in English and with C-locale numbers: a
 * trace is a file and reads the same everywhere. aw_recorded_text_shown()
 * translates them where they are shown. */
#define AW_TEXT_CANCELLED       "The operation was cancelled"
#define AW_TEXT_WHEN_ANY_CANCEL "WhenAny has a winner: cancel the rest"
#define AW_TEXT_DEADLINE_PASSED "Deadline of %u ms passed"
#define AW_TEXT_TIMED_OUT       "Timed out after %u ms"
#define AW_TEXT_WATCHDOG        "watchdog: .Result gave up after %s s"
#define AW_TEXT_DEADLOCK        ".Result blocked the UI thread that the task needed to finish: " \
                                "in C# it never returns; the watchdog gave up after %s s"
#define AW_TEXT_NOT_A_DEADLOCK  ".Result gave up after %s s, the longest deadline: not a deadlock, since the task " \
                                "finishes on a pool thread; in C# .Result returns when it does"
#define AW_TEXT_STRANDED        "Its continuation was queued to the UI thread that .Result " \
                                "blocked: in C# it never runs; in GLib it ran after the watchdog"
#define AW_TEXT_AGGREGATE       "%u more error%s in the aggregate; the first: "
#define AW_TEXT_AGGREGATE_WAIT  "AggregateException: One or more errors occurred. (%s)"
#define AW_TEXT_CRASH           "%s: the exception escaped an async void method; in C# it is rethrown on the " \
                                "UI thread as an unhandled exception and the app crashes here"
#define AW_TEXT_CANCEL_PRESSED  "Cancel pressed"
#define AW_TEXT_CANCELLED_BY_CALLER "Cancelled by the caller"
#define AW_TEXT_CANCELLED_BY_YOU "Cancelled by you"
#define AW_TEXT_WINDOW_MOVED_ON "The window moved on"
#define AW_TEXT_CANCEL_AFTER    "Cancel pressed after %d ms"
#define AW_TEXT_UNSUPPORTED     "This node type is not supported by this runner"
#define AW_TEXT_WORKER_STOPPED  "The worker saw the cancellation and stopped"
#define AW_TEXT_FAILED          "the operation failed"

/* Texts the C# lab (csharp/Awaitscope.Lab.cs) records; a duration is
 * written "300 ms" or "4.00 s". */
#define AW_TEXT_LAB_DEADLOCK    "a blocking wait blocked the UI thread that the task needed to finish: " \
                                "in C# it never returns; the watchdog gave up after %s"
#define AW_TEXT_LAB_WATCHDOG    "watchdog: the UI thread was blocked for %s"
#define AW_TEXT_LAB_TIMED_OUT   "the run did not end within 60 s"
#define AW_TEXT_LAB_CRASH       "%s: unhandled on a thread with no SynchronizationContext: the process ends here"

char       *aw_recorded_text_shown      (const char *text);
const char *aw_recorded_lane_shown      (const char *recorded,
                                         guint       lane,
                                         char       *buf,
                                         gsize       size);

G_END_DECLS
