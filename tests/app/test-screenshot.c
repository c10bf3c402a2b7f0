/* test-screenshot.c: the app's own screenshot command shows the real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>


static char *tmpdir;

static int
screenshot (const char *id,
            const char *size,
            const char *out)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           g_getenv ("AWAITSCOPE"), "screenshot", id, "-o", out, "--size", size,
                           "--run", "--speed", "4", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", stdout_text, stderr_text);
  return g_subprocess_get_exit_status (proc);
}

/* Counts pixels of the bars' blue family (waiting and running bars). */
static guint
count_blue (cairo_surface_t *surface)
{
  unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  guint count = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 p = *(guint32 *) (data + y * stride + x * 4);
        int pr = (p >> 16) & 0xff, pg = (p >> 8) & 0xff, pb = p & 0xff;

        if (pb - pr > 60 && pb > 150)
          count++;
      }
  return count;
}

static void
check_size (gconstpointer data)
{
  const char *size = data;
  g_autofree char *out = g_strdup_printf ("%s/window-%s.png", tmpdir, size);
  cairo_surface_t *surface;
  int w, h;
  guint waiting;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_skip ("no display (run under xvfb-run)");
      return;
    }

  g_assert_cmpint (screenshot ("when-all", size, out), ==, 0);
  surface = cairo_image_surface_create_from_png (out);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_true (sscanf (size, "%dx%d", &w, &h) == 2);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, w);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, h);

  /* Not blank, and it shows the timeline: its bars are there. */
  waiting = count_blue (surface);
  g_test_message ("%u pixels of bar blue", waiting);
  g_assert_cmpuint (waiting, >, 5000);
  cairo_surface_destroy (surface);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("AWAITSCOPE") == NULL)
    {
      g_print ("1..0 # SKIP AWAITSCOPE is not set (run through meson test)\n");
      return 0;
    }
  tmpdir = g_dir_make_tmp ("awaitscope-shot-XXXXXX", NULL);

  g_test_add_data_func ("/aw/app/screenshot/1280x800", "1280x800", check_size);
  g_test_add_data_func ("/aw/app/screenshot/1920x1080", "1920x1080", check_size);
  ret = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name (dir)))
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
