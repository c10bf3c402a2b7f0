/* test-gallery.c: reproducible pictures: golden images, the gallery, metadata
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With the virtual clock a picture depends only on the scenario, the size and
 * the theme. The references in tests/golden/ were made by the same command;
 * AW_UPDATE_GOLDEN=1 writes them again. The comparison allows small
 * per-pixel differences (font hinting, antialiasing), not different drawings.
 */

#define _GNU_SOURCE
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

static char *tmpdir;
/* The processor count the commands run as if they had, or NULL. */
static const char *processors;

static int
run_cli (char      **out,
         char      **err,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  /* The same out and err may be given again: drop what they held. */
  g_clear_pointer (out, g_free);
  g_clear_pointer (err, g_free);
  g_ptr_array_add (argv, (gpointer) g_getenv ("AWAITSCOPE"));
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (processors != NULL)
    g_subprocess_launcher_setenv (launcher, "AW_PROCESSORS", processors, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* Callers run several commands into the same two strings. */
  g_clear_pointer (out, g_free);
  g_clear_pointer (err, g_free);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (proc);
}

/* How many pixels differ by more than @tolerance in any channel. */
static guint
count_different (cairo_surface_t *a,
                 cairo_surface_t *b,
                 int              tolerance)
{
  int w = cairo_image_surface_get_width (a);
  int h = cairo_image_surface_get_height (a);
  guint n = 0;

  g_assert_cmpint (w, ==, cairo_image_surface_get_width (b));
  g_assert_cmpint (h, ==, cairo_image_surface_get_height (b));
  for (int y = 0; y < h; y++)
    {
      const guint8 *pa = cairo_image_surface_get_data (a) + y * cairo_image_surface_get_stride (a);
      const guint8 *pb = cairo_image_surface_get_data (b) + y * cairo_image_surface_get_stride (b);

      for (int x = 0; x < w * 4; x += 4)
        for (int c = 0; c < 4; c++)
          if (ABS ((int) pa[x + c] - (int) pb[x + c]) > tolerance)
            {
              n++;
              break;
            }
    }
  return n;
}

static void
test_golden (gconstpointer data)
{
  const char *id = data;
  g_autofree char *name = g_strdup_printf ("%s.png", id);
  g_autofree char *reference = g_test_build_filename (G_TEST_DIST, "golden", name, NULL);
  g_autofree char *made = g_build_filename (tmpdir, name, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  cairo_surface_t *a, *b;
  guint different, total;

  g_assert_cmpint (run_cli (&out, &err, "render", id, "--virtual-clock", "--size", "960x540",
                            "--deadline", "2000", "-o", made, NULL), ==, 0);
  if (g_getenv ("AW_UPDATE_GOLDEN") != NULL)
    {
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (made, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (reference, contents, length, NULL));
    }

  a = cairo_image_surface_create_from_png (reference);
  b = cairo_image_surface_create_from_png (made);
  g_assert_cmpint (cairo_surface_status (a), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_surface_status (b), ==, CAIRO_STATUS_SUCCESS);
  different = count_different (a, b, 24);
  total = cairo_image_surface_get_width (a) * cairo_image_surface_get_height (a);
  g_test_message ("%s: %u of %u pixels differ", id, different, total);
  /* At most 0.2% of the picture, about a short word of text. */
  g_assert_cmpuint (different, <=, total / 500);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

static char *
read_all (const char *path)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static void
test_gallery_reproducible (void)
{
  g_autofree char *one = g_build_filename (tmpdir, "gallery-1", NULL);
  g_autofree char *two = g_build_filename (tmpdir, "gallery-2", NULL);
  g_autofree char *index = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint files = 0;

  /* As if on a two-processor machine, then an eight-processor one. */
  processors = "2";
  g_assert_cmpint (run_cli (&out, &err, "gallery", one, "--format", "png,svg", "--size", "640x360", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  processors = "8";
  g_assert_cmpint (run_cli (&out, &err, "gallery", two, "--format", "png,svg", "--size", "640x360", NULL), ==, 0);
  processors = NULL;

  /* Every file the same, byte for byte, whatever the machine. */
  dir = g_dir_open (one, 0, NULL);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *a = g_build_filename (one, name, NULL);
      g_autofree char *b = g_build_filename (two, name, NULL);
      g_autofree char *ca = NULL, *cb = NULL;
      gsize la, lb;

      g_assert_true (g_file_get_contents (a, &ca, &la, NULL));
      g_assert_true (g_file_get_contents (b, &cb, &lb, NULL));
      g_assert_cmpmem (ca, la, cb, lb);
      files++;
    }
  g_test_message ("%u files", files);
  /* Every scenario, each variant and the comparison, in two formats. */
  g_assert_cmpuint (files, >, 60);

  {
    g_autofree char *index_path = g_build_filename (one, "index.html", NULL);
    index = read_all (index_path);
  }
  g_assert_nonnull (strstr (index, "<img src=\"when-all.png\""));
  g_assert_nonnull (strstr (index, "when-all-one-by-one.png"));
  g_assert_nonnull (strstr (index, "deadlock-result.svg"));
  g_assert_nonnull (strstr (index, "Simulated timing"));
}

static void
test_simulated_says_so (void)
{
  g_autofree char *png = g_build_filename (tmpdir, "sim.png", NULL);
  g_autofree char *svg = g_build_filename (tmpdir, "sim.svg", NULL);
  g_autofree char *pdf = g_build_filename (tmpdir, "sim.pdf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_cmpint (run_cli (&out, &err, "render", "cancel", "--virtual-clock", "-o", png, NULL), ==, 0);
  g_assert_true (g_file_get_contents (png, &contents, &length, NULL));
  g_assert_nonnull (memmem (contents, length, "simulated timing", 16));
  g_clear_pointer (&contents, g_free);

  g_assert_cmpint (run_cli (&out, &err, "render", "cancel", "--virtual-clock", "-o", svg, NULL), ==, 0);
  g_assert_true (g_file_get_contents (svg, &contents, &length, NULL));
  g_assert_nonnull (strstr (contents, "<desc>Awaitscope: simulated timing"));
  g_clear_pointer (&contents, g_free);

  g_assert_cmpint (run_cli (&out, &err, "render", "cancel", "--virtual-clock", "-o", pdf, NULL), ==, 0);
  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF"));
}

static void
test_transparent (void)
{
  g_autofree char *png = g_build_filename (tmpdir, "clear.png", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  cairo_surface_t *surface;

  g_assert_cmpint (run_cli (&out, &err, "render", "when-all", "--virtual-clock", "--transparent",
                            "--scale", "2", "--size", "640x360", "-o", png, NULL), ==, 0);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 1280);
  /* The corner shows through. */
  g_assert_cmpuint (*(guint32 *) cairo_image_surface_get_data (surface) >> 24, ==, 0);
  cairo_surface_destroy (surface);
}

static void
test_predict (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (&out, &err, "run", "when-all", "--speed", "4", "--predict", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Predicted by the virtual clock vs measured"));
  g_assert_nonnull (strstr (out, "predicted     600 ms"));
  g_assert_nonnull (strstr (out, "predicted     250 ms"));
}

int
main (int    argc,
      char **argv)
{
  static const char *golden[] = { "when-all", "cancel", "deadlock", "io-vs-cpu" };
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("AWAITSCOPE") == NULL)
    {
      g_print ("1..0 # SKIP AWAITSCOPE is not set (run through meson test)\n");
      return 0;
    }
  tmpdir = g_dir_make_tmp ("awaitscope-gallery-XXXXXX", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (golden); i++)
    {
      g_autofree char *path = g_strdup_printf ("/aw/gallery/golden/%s", golden[i]);
      g_test_add_data_func (path, golden[i], test_golden);
    }
  g_test_add_func ("/aw/gallery/reproducible", test_gallery_reproducible);
  g_test_add_func ("/aw/gallery/simulated-says-so", test_simulated_says_so);
  g_test_add_func ("/aw/gallery/transparent", test_transparent);
  g_test_add_func ("/aw/gallery/predict", test_predict);
  ret = g_test_run ();

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("# could not remove %s\n", tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
