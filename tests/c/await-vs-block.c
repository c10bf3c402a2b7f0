/* await-vs-block.c: the C twin of data/scenarios/await-vs-block.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Refresh button waits one second, then refreshes a list (300 ms): with a
 * timeout source the main loop keeps running (its heartbeat keeps ticking);
 * with g_usleep() on the main thread it dispatches nothing for that second.
 * The lesson regions are the GLib C the app shows.
 */

#include "lab.h"

/* The handlers only pass the button along: no GTK is needed to run them. */
typedef struct _GtkButton GtkButton;

typedef struct
{
  gboolean refreshed;
  gint64   last_tick_us;
  gint64   max_gap_us;      /* the longest the loop went without a heartbeat */
  guint    ticks;
} Window;

static void
refresh_list_async (GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  lab_io_async (refresh_list_async, 300, NULL, NULL, NULL, cancellable, callback, user_data);
}

static void
on_list_refreshed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Window *window = user_data;
  g_autoptr(GError) error = NULL;

  lab_io_finish (result, NULL, &error);
  lab_check (error == NULL, "the refresh failed: %s", error ? error->message : "");
  window->refreshed = TRUE;
}

/* <lesson> */
/* Responsive: return to the main loop; a timeout source resumes us */
static gboolean
delay_done (gpointer user_data)
{
  refresh_list_async (NULL, on_list_refreshed, user_data);  /* 300 ms */
  return G_SOURCE_REMOVE;
}

static void
on_refresh_clicked (GtkButton *button, gpointer user_data)
{
  g_timeout_add (MS (1000), delay_done, user_data);  /* returns at once */
}

/* Frozen: the main thread sleeps, so the main loop dispatches nothing */
static void
on_refresh_clicked_blocking (GtkButton *button, gpointer user_data)
{
  g_usleep (MS (1000) * G_TIME_SPAN_MILLISECOND);   /* no repaint, no clicks */
  refresh_list_async (NULL, on_list_refreshed, user_data);
}
/* </lesson> */

static gboolean
heartbeat (gpointer user_data)
{
  Window *window = user_data;
  gint64 now = g_get_monotonic_time ();

  window->max_gap_us = MAX (window->max_gap_us, now - window->last_tick_us);
  window->last_tick_us = now;
  window->ticks++;
  return G_SOURCE_CONTINUE;
}

/* One click, then the main loop until the list is refreshed, with a
 * heartbeat every 100 scenario ms. */
static Window
run (const char *variant,
     void      (*handler) (GtkButton *, gpointer))
{
  Window window = { 0 };
  guint tick;

  lab_begin ("await-vs-block", variant);
  window.last_tick_us = g_get_monotonic_time ();
  tick = g_timeout_add (MS (100), heartbeat, &window);
  handler (NULL, &window);
  lab_run_until (&window.refreshed);
  g_source_remove (tick);
  lab_note ("%" G_GINT64_FORMAT " ms, %u heartbeats, the longest gap %" G_GINT64_FORMAT " ms",
            lab_elapsed_ms (), window.ticks, window.max_gap_us / 1000);
  return window;
}

int
main (void)
{
  Window awaited = run ("await", on_refresh_clicked);
  Window blocked = run ("block", on_refresh_clicked_blocking);

  lab_check (blocked.max_gap_us >= MS (1000) * G_TIME_SPAN_MILLISECOND,
             "the blocked loop went only %" G_GINT64_FORMAT " ms without a heartbeat",
             blocked.max_gap_us / 1000);
  lab_check (awaited.ticks > blocked.ticks, "the awaiting loop ticked %u times, the blocked one %u",
             awaited.ticks, blocked.ticks);
  return 0;
}
