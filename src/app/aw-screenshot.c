/* aw-screenshot.c: `awaitscope screenshot`: the real window, saved as PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window is drawn in-process through its own renderer, so the picture
 * is what the window shows, at any size, on any display (Xvfb is fine).
 * A screenshot is not a session: it shows the default looks (or
 * presentation mode's) and changes none of the user's settings, which it
 * keeps in memory; and no window manager sizes its window.
 */

#include "config.h"

#include "aw-screenshot.h"

#include <stdio.h>
#include <string.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#if defined(GDK_WINDOWING_X11) && defined(AW_HAVE_X11)
#include <gdk/x11/gdkx.h>
#endif

#include "aw-application.h"
#include "aw-catalog.h"
#include "aw-export.h"
#include "aw-file-util.h"
#include "aw-i18n.h"
#include "aw-window-private.h"

#define SCREENSHOT_TIMEOUT_S 120

typedef struct {
  AwWindow *window;
  char     *id;
  char     *output;
  int       width;
  int       height;
  double    speed;
  double    scale;
  gboolean  run;
  gboolean  presentation;
  int       replay_steps;   /* after the run: Home, then this many steps; -1 not */
  double    replay_at;      /* after the run: the playhead at this share of it; -1 not */
  gboolean  replayed;
  int       status;
  guint     frames;
  gboolean  run_started;
  gboolean  run_done;
  guint     attempts;
  gboolean  sized;
} Shot;

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * aw_screenshot_save_widget:
 * @widget: a realized, drawn widget
 * @path: a .png file
 * @scale: 2 for a HiDPI picture
 *
 * Returns: %TRUE if the whole PNG was written
 */
gboolean
aw_screenshot_save_widget (GtkWidget   *widget,
                           const char  *path,
                           double       scale,
                           GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  GByteArray *bytes;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  cairo_surface_t *surface;
  cairo_status_t status;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  renderer = gtk_widget_get_native (widget) ? gtk_native_get_renderer (gtk_widget_get_native (widget)) : NULL;
  if (width <= 0 || height <= 0 || renderer == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING, _("the window has not been drawn yet"));
      return FALSE;
    }

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_scale (snapshot, scale, scale);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING, _("the window drew nothing"));
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width * scale, height * scale));

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gdk_texture_get_width (texture),
                                        gdk_texture_get_height (texture));
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  bytes = g_byte_array_new ();
  status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  cairo_surface_destroy (surface);
  png = g_byte_array_free_to_bytes (bytes);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, /* Translators: %s is cairo's reason. */
                   _("encoding the PNG failed: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }

  return aw_write_file_atomic (path, png, error);
}

/* A message on stderr after the command's name, which stays as it is. */
static void G_GNUC_PRINTF (1, 2)
fail (const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("awaitscope screenshot: %s\n", message);
}

/* Returns FALSE to try again at a later frame. */
static gboolean
shoot (Shot *shot)
{
  g_autoptr(GError) error = NULL;

  if (aw_screenshot_save_widget (GTK_WIDGET (shot->window), shot->output, shot->scale, &error))
    {
      shot->status = 0;
      printf ("%s\n", shot->output);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING) && ++shot->attempts < 60)
    return FALSE;
  else
    {
      fail ("%s", error->message);
      shot->status = 1;
    }
  gtk_window_destroy (GTK_WINDOW (shot->window));
  return TRUE;
}

static void
on_run_finished (AwWindow *window,
                 Shot     *shot)
{
  shot->run_done = TRUE;
  shot->frames = 0;
}

/* Wait for real frames before taking the picture: a few after the window
 * appears, and a few after the run ends so the last state is drawn. */
static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Shot *shot = user_data;

  shot->frames++;

  /* Client-side decorations keep an invisible border inside the requested
   * size: grow the request until the window itself has the size asked for. */
  if (!shot->sized && shot->frames >= 2)
    {
      int dw = shot->width - gtk_widget_get_width (widget);
      int dh = shot->height - gtk_widget_get_height (widget);

      shot->sized = TRUE;
      if (dw != 0 || dh != 0)
        {
          gtk_widget_set_size_request (widget, shot->width + dw, shot->height + dh);
          shot->frames = 0;
          return G_SOURCE_CONTINUE;
        }
    }
  if (!shot->sized)
    return G_SOURCE_CONTINUE;

  if (shot->run && !shot->run_started && shot->frames >= 3)
    {
      shot->run_started = TRUE;
      gtk_widget_activate_action (widget, "win.run", NULL);
      return G_SOURCE_CONTINUE;
    }
  if (shot->run_done && !shot->replayed && shot->frames >= 3 &&
      (shot->replay_steps >= 0 || shot->replay_at >= 0))
    {
      AwSession *session = aw_window_get_session (shot->window);

      shot->replayed = TRUE;
      shot->frames = 0;
      if (shot->replay_at >= 0)
        aw_window_seek (shot->window, (gint64) (shot->replay_at * aw_session_get_replay_end (session)));
      else
        {
          gtk_widget_activate_action (GTK_WIDGET (shot->window), "win.replay-start", NULL);
          for (int i = 0; i < shot->replay_steps; i++)
            aw_window_step (shot->window, 1);
        }
      return G_SOURCE_CONTINUE;
    }
  if ((!shot->run || shot->run_done) && shot->frames >= 5)
    return shoot (shot) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  Shot *shot = user_data;

  /* Translators: %d is a number of seconds. */
  fail (_("gave up after %d s without a finished frame"), SCREENSHOT_TIMEOUT_S);

  shot->status = 1;
  if (shot->window != NULL)
    gtk_window_destroy (GTK_WINDOW (shot->window));
  return G_SOURCE_REMOVE;
}

/* A window manager may size a window as it likes: matchbox maximizes every
 * one. On X11 the window is override-redirect, which no window manager
 * touches, so it has the size asked for; and without a window manager to
 * answer, it does not wait for one to say that a frame was drawn. */
static void
on_realize (GtkWidget *widget,
            Shot      *shot)
{
#if defined(GDK_WINDOWING_X11) && defined(AW_HAVE_X11)
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (widget));

  if (GDK_IS_X11_SURFACE (surface))
    {
      XSetWindowAttributes attributes = { 0 };

      attributes.override_redirect = True;
      XChangeWindowAttributes (gdk_x11_display_get_xdisplay (gdk_surface_get_display (surface)),
                               gdk_x11_surface_get_xid (surface), CWOverrideRedirect, &attributes);
      gdk_x11_surface_set_frame_sync_enabled (surface, FALSE);
    }
#endif
}

static void
on_activate (GApplication *app,
             Shot         *shot)
{
  shot->window = aw_window_new (AW_APPLICATION (app));
  if (!aw_window_select_scenario (shot->window, shot->id))
    {
      /* Translators: %s is the scenario id given. */
      fail (_("no scenario named \"%s\"; `awaitscope list` shows them all"), shot->id);
      shot->status = 1;
      gtk_window_destroy (GTK_WINDOW (shot->window));
      shot->window = NULL;
      /* Nothing is left to wait for: no give-up timer was armed. */
      g_application_quit (app);
      return;
    }
  aw_window_set_speed (shot->window, shot->speed);
  aw_timeline_view_set_show_hover (aw_window_get_timeline (shot->window), FALSE);
  if (shot->presentation)
    {
      aw_window_set_presentation_full (shot->window, TRUE, FALSE);
      _aw_window_hide_presentation_bar (shot->window);
    }
  gtk_window_unmaximize (GTK_WINDOW (shot->window));
  gtk_window_set_default_size (GTK_WINDOW (shot->window), shot->width, shot->height);
  gtk_window_set_resizable (GTK_WINDOW (shot->window), FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (shot->window), shot->width, shot->height);
  g_signal_connect (shot->window, "realize", G_CALLBACK (on_realize), shot);
  g_signal_connect (shot->window, "run-finished", G_CALLBACK (on_run_finished), shot);
  gtk_widget_add_tick_callback (GTK_WIDGET (shot->window), on_tick, shot, NULL);
  gtk_window_present (GTK_WINDOW (shot->window));
  g_timeout_add_seconds (SCREENSHOT_TIMEOUT_S, on_timeout, shot);
}

/**
 * aw_screenshot_main:
 *
 * `awaitscope screenshot ID -o FILE.png [--size WxH] [--run] [--replay-at F | --replay-steps N]`
 *
 * Returns: the exit status
 */
int
aw_screenshot_main (int    argc,
                    char **argv)
{
  /* Translators: what follows the command in its usage line. */
  g_autoptr(GOptionContext) context = g_option_context_new (N_("ID -o FILE.png"));
  g_autoptr(AwApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *size = NULL;
  g_autofree char *speed = NULL;
  AwImageFormat format;
  gboolean run = FALSE;
  gboolean presentation = FALSE;
  double scale = 1;
  double replay_at = -1;
  int replay_steps = -1;
  Shot shot = { 0 };
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the PNG here"), N_("FILE") },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, N_("Window size (default 1280x800)"), N_("WxH") },
    { "run", 0, 0, G_OPTION_ARG_NONE, &run, N_("Run the scenario to its end first"), NULL },
    { "speed", 0, 0, G_OPTION_ARG_STRING, &speed, N_("Divide every duration by X (default 1)"), N_("X") },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, N_("Pixels per point (2 for HiDPI)"), N_("N") },
    { "presentation", 0, 0, G_OPTION_ARG_NONE, &presentation, N_("In presentation mode (projector theme, large type)"), NULL },
    { "replay-at", 0, 0, G_OPTION_ARG_DOUBLE, &replay_at, N_("After --run, put the replay's playhead at this share of the run (0 to 1)"), N_("F") },
    { "replay-steps", 0, 0, G_OPTION_ARG_INT, &replay_steps, N_("After --run, go to the replay's start (Home) and step forward N times (Right)"), N_("N") },
    { NULL }
  };

  g_set_prgname ("awaitscope screenshot");
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                N_("Opens the window (this needs a display; Xvfb is fine), optionally runs\n"
                                   "the scenario to its end, and saves the whole window as a PNG."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      /* Translators: %s is GLib's message about the command line. */
      fail (_("%s (see `awaitscope screenshot --help`)"), error->message);
      return 2;
    }
  if (argc != 2 || output == NULL)
    {
      fail ("%s", _("give one scenario id and -o FILE.png"));
      return 2;
    }
  shot.width = 1280;
  shot.height = 800;
  shot.speed = 1;
  if (!aw_image_format_from_path (output, &format, &error) ||
      (size != NULL && !aw_parse_size (size, &shot.width, &shot.height, &error)))
    {
      fail ("%s", error->message);
      return 2;
    }
  if (format != AW_IMAGE_PNG)
    {
      /* Translators: %s is the output file's name. */
      fail (_("%s: a screenshot is a PNG; use `awaitscope render` for SVG or PDF"), output);
      return 2;
    }
  if (!(scale >= 0.5 && scale <= 4))
    {
      fail (_("--scale %g: give a number between 0.5 and 4"), scale);
      return 2;
    }
  if ((replay_at >= 0 || replay_steps >= 0) && !run)
    {
      fail ("%s", _("--replay-at and --replay-steps replay a run: add --run"));
      return 2;
    }
  if (replay_at != -1 && !(replay_at >= 0 && replay_at <= 1))
    {
      fail (_("--replay-at %g: give a share of the run between 0 and 1"), replay_at);
      return 2;
    }
  if (speed != NULL)
    {
      char *end = NULL;

      shot.speed = g_ascii_strtod (speed, &end);
      if (end == speed || *end != '\0' || !(shot.speed >= 0.05 && shot.speed <= 100))
        {
          fail (_("--speed %s: give a number between 0.05 and 100"), speed);
          return 2;
        }
    }
  /* Before the window opens and the run goes: the file can be written. */
  if (!aw_file_check_target (output, TRUE, &error))
    {
      fail ("%s", error->message);
      return 1;
    }

  if (!gtk_init_check ())
    {
      fail ("%s", _("cannot open a display; run it under a desktop session or "
                     "`xvfb-run -a awaitscope screenshot ...` (`awaitscope render` needs no display)"));
      return 1;
    }

  shot.id = argv[1];
  shot.output = output;
  shot.run = run;
  shot.presentation = presentation;
  shot.replay_at = replay_at;
  shot.replay_steps = replay_steps;
  shot.scale = scale;
  shot.status = 1;

  {
    g_autoptr(GSettingsBackend) memory = g_memory_settings_backend_new ();

    app = aw_application_new_full (G_APPLICATION_NON_UNIQUE, memory);
  }
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), &shot);
  g_application_run (G_APPLICATION (app), 0, NULL);

  return shot.status;
}
