/* deadlock.c: the C twin of data/scenarios/deadlock.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The .Result deadlock, for real: the main thread blocks on a GCond until
 * on_data() has run, but on_data() is dispatched to the main thread's own
 * main context, which cannot dispatch anything while it waits. The wait's
 * deadline is the watchdog (no timer of the blocked loop could fire); after
 * it the callback runs at once. ConfigureAwait(false) is the same wait for
 * a task made on another thread with a main context of its own: on_data()
 * runs there and the wait returns, the main thread still blocked meanwhile.
 * The fix returns to the loop. The lesson regions are the GLib C the app
 * shows.
 */

#include "lab.h"

/* The watchdog: the deadline of the blocking wait. */
#define WATCHDOG_US (MS (3000) * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  GMutex  lock;
  GCond   cond;
  char   *data;      /* set by on_data() */
  char   *label;     /* set by on_data_then_update_label() */
} Page;

/* The thread whose main context stands for ConfigureAwait(false), when it runs. */
static GMainContext *elsewhere;

/* The download completes on a thread of its own, as a socket would; GTask
 * queues the callback to the context of the thread that made the task. */
static gpointer
http_thread (gpointer data)
{
  GTask *task = data;

  lab_work (500);
  g_task_return_pointer (task, g_strdup ("{\"data\": 1}"), g_free);
  g_object_unref (task);
  return NULL;
}

static void
start_get_data (GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_thread_unref (g_thread_new ("http", http_thread, task));
}

typedef struct
{
  GAsyncReadyCallback callback;
  gpointer            user_data;
} Start;

static gboolean
start_elsewhere (gpointer data)
{
  Start *start = data;

  start_get_data (NULL, start->callback, start->user_data);
  return G_SOURCE_REMOVE;
}

static void
get_data_async (GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GSource *idle;
  Start *start;

  if (elsewhere == NULL)
    {
      start_get_data (cancellable, callback, user_data);
      return;
    }
  /* ConfigureAwait(false): the task is made on the other thread. */
  start = g_new (Start, 1);
  start->callback = callback;
  start->user_data = user_data;
  idle = g_idle_source_new ();
  g_source_set_callback (idle, start_elsewhere, start, g_free);
  g_source_attach (idle, elsewhere);
  g_source_unref (idle);
}

static void
on_data_then_update_label (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  Page *page = user_data;

  page->label = g_task_propagate_pointer (G_TASK (result), NULL);
}

/* <lesson> */
/* The mistake: block the main thread until on_data has run, when
 * on_data is dispatched to this same, now blocked, main context */
static void
on_data (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Page *page = user_data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&page->lock);

  page->data = g_task_propagate_pointer (G_TASK (result), NULL);
  g_cond_signal (&page->cond);
}

static void
on_click (Page *page)
{
  gint64 deadline = g_get_monotonic_time () + WATCHDOG_US;

  get_data_async (NULL, on_data, page);   /* made on the main thread */
  g_mutex_lock (&page->lock);
  while (page->data == NULL)              /* on_data needs this loop */
    if (!g_cond_wait_until (&page->cond, &page->lock, deadline))
      break;                              /* the watchdog */
  g_mutex_unlock (&page->lock);
}

/* ConfigureAwait(false): make the task on a thread that runs a main context
 * of its own, pushed as its thread-default, so on_data runs there */

/* The fix: return to the loop and continue in the callback */
static void
on_click_fixed (Page *page)
{
  get_data_async (NULL, on_data_then_update_label, page);
}
/* </lesson> */

static gpointer
run_elsewhere (gpointer data)
{
  const gboolean *stop = data;

  g_main_context_push_thread_default (elsewhere);
  while (!g_atomic_int_get (stop))
    g_main_context_iteration (elsewhere, TRUE);
  g_main_context_pop_thread_default (elsewhere);
  return NULL;
}

static gboolean
data_arrived (Page *page)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&page->lock);

  return page->data != NULL;
}

static void
page_clear (Page *page)
{
  g_clear_pointer (&page->data, g_free);
  g_clear_pointer (&page->label, g_free);
}

int
main (void)
{
  Page page = { 0 };
  gboolean stop = FALSE;
  gboolean arrived;
  gint64 blocked_ms;
  GThread *thread;

  g_mutex_init (&page.lock);
  g_cond_init (&page.cond);

  /* .Result: the wait ends only by the watchdog; then on_data runs at once. */
  lab_begin ("deadlock", "result");
  on_click (&page);
  blocked_ms = lab_elapsed_ms ();
  arrived = data_arrived (&page);
  lab_check (!arrived, "the data arrived while the main thread was blocked");
  lab_check (blocked_ms >= WATCHDOG_US / 1000, "blocked for only %" G_GINT64_FORMAT " ms",
             blocked_ms);
  while (!data_arrived (&page))
    g_main_context_iteration (NULL, TRUE);
  lab_note ("the watchdog ended the wait after %" G_GINT64_FORMAT " ms; then on_data ran",
            blocked_ms);
  page_clear (&page);

  /* ConfigureAwait(false): on_data runs on the other thread; the wait returns. */
  lab_begin ("deadlock", "configure-await");
  elsewhere = g_main_context_new ();
  thread = g_thread_new ("elsewhere", run_elsewhere, &stop);
  on_click (&page);
  blocked_ms = lab_elapsed_ms ();
  lab_check (data_arrived (&page), "the wait ended without the data");
  lab_check (blocked_ms < WATCHDOG_US / 1000, "the watchdog fired");
  g_atomic_int_set (&stop, TRUE);
  g_main_context_wakeup (elsewhere);
  g_thread_join (thread);
  g_clear_pointer (&elsewhere, g_main_context_unref);
  lab_note ("the wait returned after %" G_GINT64_FORMAT " ms, the main thread blocked meanwhile",
            blocked_ms);
  page_clear (&page);

  /* await: the main loop runs on; the label is set from the callback. */
  lab_begin ("deadlock", "await");
  on_click_fixed (&page);
  lab_check (page.label == NULL, "the label was set before the data arrived");
  while (page.label == NULL)
    g_main_context_iteration (NULL, TRUE);
  lab_note ("the label shows %s after %" G_GINT64_FORMAT " ms", page.label, lab_elapsed_ms ());
  page_clear (&page);

  g_mutex_clear (&page.lock);
  g_cond_clear (&page.cond);
  return 0;
}
