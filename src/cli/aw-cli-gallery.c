/* aw-cli-gallery.c: `awaitscope gallery`: every scenario drawn into a folder, with an index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pictures of the documentation: for each scenario the comparison of
 * its variants and each variant alone, in every format asked for, with an
 * index.html of pictures, titles and captions. Timing is simulated unless
 * --real is given, so two runs give identical files.
 */

#include "config.h"

#include "aw-cli-private.h"

#include <errno.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "aw-catalog.h"

typedef struct {
  const AwTheme *theme;
  int            width;
  int            height;
  double         scale;
  gboolean       transparent;
  gboolean       real;         /* run for real instead of simulating */
  gboolean       formats[3];   /* by AwImageFormat */
  AwRunOptions   options;
} GalleryStyle;

static const char *format_extensions[] = { "png", "svg", "pdf" };

/* Draws one picture of @set in every format asked for; appends the HTML. */
static gboolean
gallery_picture (AwCliRunSet        *set,
                 const GalleryStyle *style,
                 const char         *dir,
                 const char         *stem,
                 const char         *heading,
                 GString            *html,
                 GError            **error)
{
  g_autofree char *caption = NULL;
  g_autofree char *headline = NULL;
  g_autofree char *description = NULL;
  g_autofree char *escaped_caption = NULL;
  g_autofree char *escaped_heading = NULL;
  AwRenderRequest request;
  gboolean first = TRUE;

  aw_cli_run_set_request (set, &style->options, &request, &caption, &headline, &description);
  request.theme = style->theme;
  request.width = style->width;
  request.height = style->height;
  request.transparent = style->transparent;

  escaped_caption = g_markup_escape_text (caption, -1);
  escaped_heading = g_markup_escape_text (heading, -1);
  g_string_append_printf (html, "    <figure>\n      <figcaption><strong>%s</strong></figcaption>\n", escaped_heading);

  for (guint f = 0; f < G_N_ELEMENTS (format_extensions); f++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (!style->formats[f])
        continue;
      name = g_strdup_printf ("%s.%s", stem, format_extensions[f]);
      path = g_build_filename (dir, name, NULL);
      if (!aw_export_image (&request, path, style->scale, error))
        return FALSE;
      if (first && f != AW_IMAGE_PDF)
        g_string_append_printf (html, "      <img src=\"%s\" alt=\"%s\" width=\"%d\">\n", name, escaped_heading,
                                style->width);
      else
        g_string_append_printf (html, "      <a href=\"%s\">%s</a>\n", name, format_extensions[f]);
      first = FALSE;
    }
  g_string_append_printf (html, "      <p>%s</p>\n    </figure>\n", escaped_caption);
  return TRUE;
}

static gboolean
gallery_scenario (AwScenario         *scenario,
                  const GalleryStyle *style,
                  const char         *dir,
                  GString            *html,
                  GError            **error)
{
  guint n = aw_scenario_get_n_variants (scenario);
  g_autofree char *title = g_markup_escape_text (aw_scenario_get_title (scenario), -1);
  g_autofree char *summary = g_markup_escape_text (aw_scenario_get_summary (scenario)
                                                     ? aw_scenario_get_summary (scenario) : "", -1);

  g_string_append_printf (html, "  <section id=\"%s\">\n    <h2>%s</h2>\n    <p>%s</p>\n",
                          aw_scenario_get_id (scenario), title, summary);

  /* The comparison of every variant, then each variant alone. */
  for (int v = -1; v < (int) n; v++)
    {
      g_auto(AwCliRunSet) set = { 0 };
      g_autofree char *stem = NULL;
      g_autofree char *heading = NULL;

      if (v >= 0 && n == 1)
        break;
      set.scenario = g_object_ref (scenario);
      set.virtual_clock = !style->real;
      set.indices = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; i < n; i++)
        if (v < 0 || (guint) v == i)
          g_array_append_val (set.indices, i);

      if (!aw_cli_run_set_execute (&set, &style->options))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the run failed");
          return FALSE;
        }

      stem = v < 0 ? g_strdup (aw_scenario_get_id (scenario))
                   : g_strdup_printf ("%s-%s", aw_scenario_get_id (scenario), aw_scenario_get_variant (scenario, v)->name);
      heading = v < 0 ? g_strdup (n > 1 ? "All variants on one time axis" : aw_scenario_get_variant (scenario, 0)->title)
                      : g_strdup (aw_scenario_get_variant (scenario, v)->title);
      if (!gallery_picture (&set, style, dir, stem, heading, html, error))
        return FALSE;
    }

  g_string_append (html, "  </section>\n");
  return TRUE;
}

int
aw_cli_gallery (int    argc,
                char **argv)
{
  g_auto(AwCliPicture) picture = { 0 };
  g_autofree char *formats = NULL;
  g_autofree char *index_path = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) html = g_string_new (NULL);
  g_autoptr(GBytes) index = NULL;
  g_auto(GStrv) format_list = NULL;
  GalleryStyle style = { 0 };
  gboolean progress = aw_cli_is_terminal (stderr);
  guint failures = 0;
  int exit_code = 0;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &formats, "Comma-separated formats: png, svg, pdf (default png)", "LIST" },
    { "real", 0, 0, G_OPTION_ARG_NONE, &style.real, "Run every scenario for real instead of simulating (slow, not reproducible)", NULL },
    { NULL }
  };

  aw_cli_picture_init (&picture);
  /* The gallery has always taken --scale 0 for the default. */
  picture.scale = 0;
  if (!aw_cli_parse_options ("gallery", "DIR",
                             "Draws every scenario into DIR: the comparison of its variants and each variant\n"
                             "alone, with an index.html of the pictures, titles and captions. Timing is\n"
                             "simulated (the virtual clock), so two runs give identical files.",
                             aw_cli_picture_options (&picture, AW_CLI_PICTURE_TRANSPARENT),
                             entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      aw_cli_print_error ("gallery: give the folder to draw into");
      return 2;
    }

  if (picture.scale == 0)
    picture.scale = 1;
  format_list = g_strsplit (formats ? formats : "png", ",", -1);
  for (guint i = 0; format_list[i] != NULL; i++)
    {
      g_autofree char *f = g_strstrip (g_ascii_strdown (format_list[i], -1));
      gboolean known = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (format_extensions); k++)
        if (g_str_equal (f, format_extensions[k]))
          known = style.formats[k] = TRUE;
      if (!known)
        {
          aw_cli_print_error ("--format: unknown format \"%s\" (png, svg, pdf)", f);
          return 2;
        }
    }
  {
    g_autofree char *probe = g_build_filename (argv[1], "x.png", NULL);

    if ((exit_code = aw_cli_picture_check (&picture, probe, FALSE)) != 0)
      return exit_code;
  }
  style.theme = picture.theme;
  style.width = picture.width;
  style.height = picture.height;
  style.scale = picture.scale;
  style.transparent = picture.transparent;
  if (g_mkdir_with_parents (argv[1], 0755) != 0)
    {
      aw_cli_print_error ("%s: cannot create the folder: %s", argv[1], g_strerror (errno));
      return 1;
    }

  aw_run_options_init (&style.options);
  style.options.heartbeat_ms = AW_CLI_HEARTBEAT_MS;
  style.options.wait_deadline_ms = 2000;

  if (!(all = aw_catalog_load_all (&error)))
    {
      aw_cli_print_error ("%s", error->message);
      return 1;
    }

  g_string_append (html,
                   "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
                   "  <title>Awaitscope gallery</title>\n"
                   "  <style>body { font-family: \"DejaVu Sans\", sans-serif; max-width: 1340px; margin: 2em auto; }\n"
                   "  figure { margin: 1em 0 2em; } img { max-width: 100%; height: auto; border: 1px solid #ccc; }\n"
                   "  figcaption { margin-bottom: 0.4em; } p { color: #444; }</style>\n</head>\n<body>\n"
                   "  <h1>Awaitscope gallery</h1>\n");
  g_string_append_printf (html, "  <p>%s. Regenerate with <code>awaitscope gallery DIR</code>.</p>\n",
                          style.real ? "Recorded runs, real clock" : "Simulated timing (virtual clock)");

  for (guint i = 0; i < all->len; i++)
    {
      AwScenario *scenario = g_ptr_array_index (all, i);
      g_autoptr(GError) local_error = NULL;
      gsize mark = html->len;

      if (progress)
        g_printerr ("[%u/%u] %s\n", i + 1, all->len, aw_scenario_get_id (scenario));
      if (!gallery_scenario (scenario, &style, argv[1], html, &local_error))
        {
          /* Report it and go on with the others. */
          aw_cli_print_error ("gallery: %s: %s", aw_scenario_get_id (scenario), local_error->message);
          g_string_truncate (html, mark);
          failures++;
        }
    }
  g_string_append (html, "</body>\n</html>\n");

  index_path = g_build_filename (argv[1], "index.html", NULL);
  index = g_bytes_new (html->str, html->len);
  if (!aw_write_file_atomic (index_path, index, &error))
    {
      aw_cli_print_error ("%s", error->message);
      return 1;
    }
  if (progress)
    g_printerr ("wrote %s\n", index_path);

  return failures > 0 ? 1 : 0;
}
