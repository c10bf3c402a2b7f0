/* test-screenshot.c: the app's own screenshot command shows the real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>


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
        int pr = (p >> 16) & 0xff, pb = p & 0xff;

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

/* A display of our own with a window manager that maximizes every window
 * (matchbox), so the one the tests run on is left alone. */
typedef struct {
  GSubprocess *xvfb;
  GSubprocess *wm;
  char        *display;
} WmDisplay;

static void
wm_display_stop (WmDisplay *d)
{
  if (d->wm != NULL)
    {
      g_subprocess_force_exit (d->wm);
      g_subprocess_wait (d->wm, NULL, NULL);
    }
  if (d->xvfb != NULL)
    {
      g_subprocess_force_exit (d->xvfb);
      g_subprocess_wait (d->xvfb, NULL, NULL);
    }
  g_clear_object (&d->wm);
  g_clear_object (&d->xvfb);
  g_clear_pointer (&d->display, g_free);
}

static gboolean
wm_display_start (WmDisplay *d)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                      G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) number = g_string_new (NULL);
  int fds[2];
  char c;

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  d->xvfb = g_subprocess_launcher_spawn (launcher, &error, "Xvfb", "-displayfd", "3", "-nolisten", "tcp",
                                         "-screen", "0", "1920x1080x24", NULL);
  g_assert_no_error (error);
  while (read (fds[0], &c, 1) == 1 && c != '\n')
    g_string_append_c (number, c);
  close (fds[0]);
  if (number->len == 0)
    return FALSE;
  d->display = g_strdup_printf (":%s", number->str);

  g_clear_object (&launcher);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", d->display, TRUE);
  d->wm = g_subprocess_launcher_spawn (launcher, &error, "matchbox-window-manager", "-use_titlebar", "no", NULL);
  g_assert_no_error (error);
  g_usleep (500 * 1000);
  return g_subprocess_get_identifier (d->wm) != NULL;   /* still running */
}

/* Under a window manager that maximizes every window the picture still has
 * the size asked for, and the user's settings (a key file here) are left
 * as they were: the screenshot keeps its own in memory. */
static void
test_window_manager (void)
{
  g_autofree char *xvfb = g_find_program_in_path ("Xvfb");
  g_autofree char *wm = g_find_program_in_path ("matchbox-window-manager");
  g_autofree char *config = g_build_filename (tmpdir, "config", NULL);
  g_autofree char *keyfile_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (keyfile_dir, "keyfile", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "window-wm.png", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *saved = "[org/awaitscope/Awaitscope]\nlast-scenario='when-any'\ntheme='dark'\nspeed=0.5\n";
  WmDisplay display = { 0 };
  cairo_surface_t *surface;

  if (xvfb == NULL || wm == NULL)
    {
      g_test_skip ("needs Xvfb and matchbox-window-manager (apt-get install matchbox-window-manager)");
      return;
    }
  if (!wm_display_start (&display))
    {
      wm_display_stop (&display);
      g_test_skip ("could not start Xvfb with matchbox-window-manager");
      return;
    }

  g_assert_cmpint (g_mkdir_with_parents (keyfile_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (keyfile, saved, -1, NULL));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", display.display, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("AWAITSCOPE"), "screenshot", "when-all",
                                      "-o", out, "--size", "1280x800", "--run", "--speed", "2", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", stdout_text, stderr_text);
  wm_display_stop (&display);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  surface = cairo_image_surface_create_from_png (out);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 1280);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 800);
  g_assert_cmpuint (count_blue (surface), >, 5000);
  cairo_surface_destroy (surface);

  g_assert_true (g_file_get_contents (keyfile, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, saved);
  g_unlink (keyfile);
  g_rmdir (keyfile_dir);
  {
    g_autofree char *glib_dir = g_path_get_dirname (keyfile_dir);
    g_rmdir (glib_dir);
  }
  g_rmdir (config);
}

/* An unknown scenario is an error at once, not a wait for a window that
 * never comes; and nothing is written. */
static void
test_unknown_scenario (void)
{
  g_autofree char *out = g_build_filename (tmpdir, "unknown.png", NULL);
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (screenshot ("no-such-scenario", "640x480", out), ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_TIME_SPAN_SECOND);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* Runs the screenshot command in @locale with LANGUAGE=@language; the
 * exit status, and what it printed. */
static int
screenshot_in (const char  *locale,
               const char  *language,
               char       **out,
               char       **err,
               ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) g_getenv ("AWAITSCOPE"));
  g_ptr_array_add (args, "screenshot");
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_subprocess_launcher_setenv (launcher, "LC_ALL", locale, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", *out, *err);
  return g_subprocess_get_exit_status (proc);
}

static gboolean
have_locale (const char *locale)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  gboolean have = setlocale (LC_ALL, locale) != NULL;

  setlocale (LC_ALL, saved);
  return have;
}

/* The command's help and its errors read in the reader's language (with
 * the build tree's po/, AWAITSCOPE_LOCALEDIR); option names, the command's
 * name before a message and the exit status stay as they are. */
static void
test_translated (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!have_locale ("de_DE.UTF-8") || !have_locale ("es_ES.UTF-8"))
    {
      g_test_skip ("no de_DE.UTF-8 or es_ES.UTF-8 locale on this system (scripts/test makes them)");
      return;
    }

  g_assert_cmpint (screenshot_in ("de_DE.UTF-8", "de", &out, &err, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "-o, --output=DATEI"));
  g_assert_nonnull (strstr (out, "Das PNG hierhin schreiben"));
  g_assert_nonnull (strstr (out, "--replay-steps=N"));
  g_assert_null (strstr (out, "Write the PNG here"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (screenshot_in ("de_DE.UTF-8", "de", &out, &err, "when-all", "-o", "shot.svg", NULL), ==, 2);
  g_assert_true (g_str_has_prefix (err, "awaitscope screenshot: shot.svg: ein Bildschirmfoto ist ein PNG;"));
  g_assert_nonnull (strstr (err, "`awaitscope render`"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (screenshot_in ("es_ES.UTF-8", "es", &out, &err, "when-all", "-o", "shot.png", "--scale", "9", NULL),
                   ==, 2);
  g_assert_cmpstr (err, ==, "awaitscope screenshot: --scale 9: indique un número entre 0.5 y 4\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* With LANGUAGE empty, as in the C locale: English. */
  g_assert_cmpint (screenshot_in ("C.UTF-8", "", &out, &err, "when-all", "-o", "shot.png", "--scale", "9", NULL), ==, 2);
  g_assert_cmpstr (err, ==, "awaitscope screenshot: --scale 9: give a number between 0.5 and 4\n");
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
  g_test_add_func ("/aw/app/screenshot/window-manager", test_window_manager);
  g_test_add_func ("/aw/app/screenshot/unknown-scenario", test_unknown_scenario);
  g_test_add_func ("/aw/app/screenshot/translated", test_translated);

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
