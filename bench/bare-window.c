/* bare-window.c: a bare GTK 4 window that reports its first frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The limit the window's start-up is measured against: GTK starts, one
 * empty window of the given size is presented, and "first-frame" is printed
 * once its frame clock has painted it.
 *
 * With --header-bar, the least a GNOME-style application window is, for
 * comparison: a GtkApplication whose window has a header bar with a Run
 * button and three icon buttons, and nothing in it.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int width, height;

static void
app_painted (GdkFrameClock *clock,
             GApplication  *app)
{
  g_signal_handlers_disconnect_by_func (clock, app_painted, app);
  fputs ("first-frame\n", stdout);
  fflush (stdout);
  g_application_quit (app);
}

static void
app_activate (GApplication *app)
{
  static const char * const icons[] = {
    "open-menu-symbolic", "view-fullscreen-symbolic", "sidebar-show-symbolic",
  };
  GtkWidget *window = gtk_application_window_new (GTK_APPLICATION (app));
  GtkWidget *header = gtk_header_bar_new ();

  gtk_window_set_title (GTK_WINDOW (window), "header bar");
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), gtk_button_new_with_label ("Run"));
  for (guint i = 0; i < G_N_ELEMENTS (icons); i++)
    gtk_header_bar_pack_end (GTK_HEADER_BAR (header), gtk_button_new_from_icon_name (icons[i]));
  gtk_window_set_titlebar (GTK_WINDOW (window), header);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect_after (gtk_widget_get_frame_clock (window), "after-paint",
                          G_CALLBACK (app_painted), app);
}

int
main (int    argc,
      char **argv)
{
  GtkWidget *window;
  gboolean done = FALSE;

  if (argc != 3 && !(argc == 4 && strcmp (argv[3], "--header-bar") == 0))
    {
      g_printerr ("usage: %s WIDTH HEIGHT [--header-bar]\n", argv[0]);
      return 2;
    }
  width = atoi (argv[1]);
  height = atoi (argv[2]);

  if (argc == 4)
    {
      GtkApplication *app = gtk_application_new ("org.awaitscope.BenchHeaderBar", G_APPLICATION_NON_UNIQUE);
      int status;

      g_signal_connect (app, "activate", G_CALLBACK (app_activate), NULL);
      status = g_application_run (G_APPLICATION (app), 1, argv);
      g_object_unref (app);
      return status;
    }

  gtk_init ();
  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "bare");
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect_after (gtk_widget_get_frame_clock (window), "after-paint",
                          G_CALLBACK (after_paint), &done);

  while (!done)
    g_main_context_iteration (NULL, TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
