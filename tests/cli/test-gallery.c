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

/* The gallery's index {{{ */

/* A gallery in every format, made once for the index tests. */
static const char *
index_gallery (void)
{
  static char *dir;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (dir == NULL)
    {
      dir = g_build_filename (tmpdir, "gallery-index", NULL);
      g_assert_cmpint (run_cli (&out, &err, "gallery", dir, "--format", "png,svg,pdf", "--size", "640x0", NULL), ==, 0);
    }
  return dir;
}

typedef struct {
  GPtrArray  *ids;        /* every id in the page */
  GPtrArray  *links;      /* every href and src */
  GPtrArray  *articles;   /* the ids of the scenarios' articles */
  GString    *part_titles;
  guint       parts;
  guint       figures;
  guint       figures_complete;  /* with a thumbnail and a link to each format */
  guint       article_paragraphs; /* paragraphs beside the thumbnails, fewest of any article */
  /* While parsing: */
  guint       in_article_text;
  guint       paragraphs;
  gboolean    in_h2;
  gboolean    figure_img;
  guint       figure_formats;
  const char *element_stack[32];
  guint       depth;
} IndexScan;

static const char *
attribute (const char **names,
           const char **values,
           const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

static void
index_start (GMarkupParseContext  *context,
             const char           *element,
             const char          **names,
             const char          **values,
             gpointer              data,
             GError              **error)
{
  IndexScan *scan = data;
  const char *id = attribute (names, values, "id");
  const char *class = attribute (names, values, "class");
  const char *href = attribute (names, values, "href");
  const char *src = attribute (names, values, "src");

  if (id != NULL)
    g_ptr_array_add (scan->ids, g_strdup (id));
  if (href != NULL)
    g_ptr_array_add (scan->links, g_strdup (href));
  if (src != NULL)
    g_ptr_array_add (scan->links, g_strdup (src));

  if (g_str_equal (element, "section") && g_strcmp0 (class, "part") == 0)
    scan->parts++;
  else if (g_str_equal (element, "h2"))
    scan->in_h2 = TRUE;
  else if (g_str_equal (element, "article") && g_strcmp0 (class, "scenario") == 0)
    {
      g_ptr_array_add (scan->articles, g_strdup (id));
      scan->paragraphs = 0;
    }
  else if (g_str_equal (element, "div") && g_strcmp0 (class, "text") == 0)
    scan->in_article_text = TRUE;
  else if (g_str_equal (element, "p") && scan->in_article_text)
    scan->paragraphs++;
  else if (g_str_equal (element, "figure"))
    {
      scan->figure_img = FALSE;
      scan->figure_formats = 0;
    }
  else if (g_str_equal (element, "img"))
    {
      /* A thumbnail that links to its picture at full size. */
      scan->figure_img = scan->depth > 0 && g_str_equal (scan->element_stack[scan->depth - 1], "a") &&
                         attribute (names, values, "alt") != NULL;
    }
  else if (g_str_equal (element, "a") && g_strcmp0 (class, "format") == 0 && href != NULL)
    {
      for (guint f = 0; f < 3; f++)
        if (g_str_has_suffix (href, (const char *[]) { ".png", ".svg", ".pdf" }[f]))
          scan->figure_formats |= 1u << f;
    }

  if (scan->depth < G_N_ELEMENTS (scan->element_stack))
    scan->element_stack[scan->depth] = g_intern_string (element);
  scan->depth++;
}

static void
index_end (GMarkupParseContext  *context,
           const char           *element,
           gpointer              data,
           GError              **error)
{
  IndexScan *scan = data;

  scan->depth--;
  if (g_str_equal (element, "h2"))
    {
      scan->in_h2 = FALSE;
      g_string_append_c (scan->part_titles, '\n');
    }
  else if (g_str_equal (element, "div") && scan->in_article_text)
    {
      scan->in_article_text = FALSE;
      scan->article_paragraphs = MIN (scan->article_paragraphs, scan->paragraphs);
    }
  else if (g_str_equal (element, "figure"))
    {
      scan->figures++;
      if (scan->figure_img && scan->figure_formats == 7)
        scan->figures_complete++;
    }
}

static void
index_text (GMarkupParseContext  *context,
            const char           *text,
            gsize                 length,
            gpointer              data,
            GError              **error)
{
  IndexScan *scan = data;

  if (scan->in_h2)
    g_string_append_len (scan->part_titles, text, length);
}

static gboolean
has_string (GPtrArray  *array,
            const char *s)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), s))
      return TRUE;
  return FALSE;
}

/* The index is a contact sheet: a section per part of the lesson, every
 * scenario with its words and a thumbnail per picture linking to each
 * format made; every link leads somewhere. Read with an XML parser. */
static void
test_gallery_index (void)
{
  const char *dir = index_gallery ();
  g_autofree char *index_path = g_build_filename (dir, "index.html", NULL);
  g_autofree char *html = read_all (index_path);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GMarkupParseContext) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = NULL;
  GMarkupParser callbacks = { index_start, index_end, index_text, NULL, NULL };
  IndexScan scan = {
    .ids = g_ptr_array_new_with_free_func (g_free),
    .links = g_ptr_array_new_with_free_func (g_free),
    .articles = g_ptr_array_new_with_free_func (g_free),
    .part_titles = g_string_new (NULL),
    .article_paragraphs = G_MAXUINT,
  };
  guint parts_listed = 0;

  parser = g_markup_parse_context_new (&callbacks, 0, &scan, NULL);
  g_assert_true (g_markup_parse_context_parse (parser, html, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (parser, &error));

  /* The parts and scenarios `awaitscope list` shows, in its order. */
  g_assert_cmpint (run_cli (&out, &err, "list", NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "Part "))
        {
          parts_listed++;
          g_assert_nonnull (strstr (scan.part_titles->str, lines[i]));
        }
      else if (g_str_has_prefix (lines[i], "  "))
        {
          g_auto(GStrv) words = g_strsplit (g_strstrip (lines[i]), " ", 2);

          g_ptr_array_add (listed, g_strdup (words[0]));
        }
    }
  g_assert_cmpuint (parts_listed, >, 1);
  g_assert_cmpuint (scan.parts, ==, parts_listed);
  g_assert_cmpuint (scan.articles->len, ==, listed->len);
  for (guint i = 0; i < listed->len; i++)
    g_assert_cmpstr (g_ptr_array_index (scan.articles, i), ==, g_ptr_array_index (listed, i));

  /* Every picture a thumbnail with its three formats; words beside each
   * scenario's pictures: the summary and at least one of narration. */
  g_assert_cmpuint (scan.figures, >, scan.articles->len);
  g_assert_cmpuint (scan.figures_complete, ==, scan.figures);
  g_assert_cmpuint (scan.article_paragraphs, >=, 2);

  /* Every link names a file that was written or an anchor on the page. */
  for (guint i = 0; i < scan.links->len; i++)
    {
      const char *link = g_ptr_array_index (scan.links, i);

      if (link[0] == '#')
        g_assert_true (has_string (scan.ids, link + 1));
      else
        {
          g_autofree char *path = g_build_filename (dir, link, NULL);

          g_assert_false (strchr (link, '/') != NULL || strchr (link, ':') != NULL);
          g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
        }
    }

  g_ptr_array_unref (scan.ids);
  g_ptr_array_unref (scan.links);
  g_ptr_array_unref (scan.articles);
  g_string_free (scan.part_titles, TRUE);
}

/* "scrollWidth/clientWidth" of a page in @data_name, from a dump of the
 * frames page's body. */
static void
frame_widths (const char *dom,
              const char *data_name,
              int        *scroll_width,
              int        *client_width)
{
  g_autofree char *key = g_strdup_printf ("data-%s=\"", data_name);
  const char *at = strstr (dom, key);

  g_assert_nonnull (at);
  g_assert_cmpint (sscanf (at + strlen (key), "%d/%d", scroll_width, client_width), ==, 2);
}

/* In a browser, on a laptop and on a phone, the index never needs a
 * sideways scroll bar. Headless Chromium keeps its window at least 500
 * px wide, so each size is a frame of its own, a real viewport with its
 * media queries. */
static void
test_gallery_index_browser (void)
{
  g_autofree char *chromium = g_find_program_in_path ("chromium");
  const char *dir;
  g_autofree char *frames = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *profile = g_strdup_printf ("--user-data-dir=%s%cchromium-profile", tmpdir, G_DIR_SEPARATOR);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dom = NULL;
  static const struct { const char *name; int width, height; } sizes[] = {
    { "laptop", 1280, 900 },
    { "phone", 390, 844 },
  };
  GString *page;

  if (chromium == NULL)
    {
      g_test_skip ("chromium is not installed");
      return;
    }
  dir = index_gallery ();

  page = g_string_new ("<!DOCTYPE html>\n<html><body style=\"margin:0\">\n");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_string_append_printf (page, "<iframe id=\"%s\" src=\"index.html\" width=\"%d\" height=\"%d\" "
                                  "style=\"border:0;display:block\"></iframe>\n",
                            sizes[i].name, sizes[i].width, sizes[i].height);
  g_string_append (page,
                   "<script>\naddEventListener('load', () => {\n"
                   "  for (const f of document.querySelectorAll('iframe')) {\n"
                   "    const d = f.contentWindow.document.documentElement;\n"
                   "    document.body.dataset[f.id] = d.scrollWidth + '/' + d.clientWidth;\n"
                   "  }\n});\n</script>\n</body></html>\n");
  frames = g_build_filename (dir, "frames.html", NULL);
  g_assert_true (g_file_set_contents (frames, page->str, page->len, NULL));
  g_string_free (page, TRUE);
  uri = g_filename_to_uri (frames, NULL, &error);
  g_assert_no_error (error);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                           chromium, "--headless", "--no-sandbox", "--disable-gpu",
                           "--allow-file-access-from-files", "--no-first-run", profile,
                           "--window-size=1300,1800", "--virtual-time-budget=10000",
                           "--dump-dom", uri, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &dom, NULL, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc) || dom == NULL || strstr (dom, "data-phone") == NULL)
    {
      g_test_skip ("chromium did not load the page");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      int scroll_width, client_width;

      frame_widths (dom, sizes[i].name, &scroll_width, &client_width);
      g_test_message ("%s: content %d px wide in %d px", sizes[i].name, scroll_width, client_width);
      /* The frame really was that narrow (less its scroll bar)... */
      g_assert_cmpint (client_width, <=, sizes[i].width);
      g_assert_cmpint (client_width, >, sizes[i].width - 30);
      /* ...and nothing in it is wider. */
      g_assert_cmpint (scroll_width, <=, client_width);
    }
}

/* }}} */

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
  g_test_add_func ("/aw/gallery/index/structure", test_gallery_index);
  g_test_add_func ("/aw/gallery/index/browser", test_gallery_index_browser);
  ret = g_test_run ();

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("# could not remove %s\n", tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
