/* bare-window.c: a bare GTK 4 window that reports its first frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The limit the window's start-up is measured against: GTK starts, one
 * empty window of the given size is presented, and "first-frame" is printed
 * once its frame clock has painted it.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <gtk/gtk.h>

static void
after_paint (GdkFrameClock *clock,
             gboolean      *done)
{
  if (*done)
    return;
  *done = TRUE;
  fputs ("first-frame\n", stdout);
  fflush (stdout);
}

int
main (int    argc,
      char **argv)
{
  GtkWidget *window;
  gboolean done = FALSE;

  if (argc != 3)
    {
      g_printerr ("usage: %s WIDTH HEIGHT\n", argv[0]);
      return 2;
    }

  gtk_init ();
  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "bare");
  gtk_window_set_default_size (GTK_WINDOW (window), atoi (argv[1]), atoi (argv[2]));
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect_after (gtk_widget_get_frame_clock (window), "after-paint",
                          G_CALLBACK (after_paint), &done);

  while (!done)
    g_main_context_iteration (NULL, TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
