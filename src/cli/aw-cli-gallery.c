/* aw-cli-gallery.c: `awaitscope gallery`: every scenario drawn into a folder, with an index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pictures of the documentation: for each scenario the comparison of
 * its variants and each variant alone, in every format asked for, with an
 * index.html: a contact sheet of thumbnails by part of the lesson, each
 * linking to every format made, beside the lesson's words. Timing is simulated unless
 * --real is given, so two runs give identical files. With --csharp each
 * lesson's comparison is drawn once more, with its C# twin run on Mono
 * beside the GLib runs (both for real, as `render ID --csharp` draws them).
 */

#include "config.h"

#include "aw-cli-private.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "aw-catalog.h"
#include "aw-csharp.h"
#include "aw-file-util.h"
#include "aw-i18n.h"

typedef struct {
  guint          pictures;     /* figures this run drew, every format written */
  const AwTheme *theme;
  int            width;
  int            height;
  double         scale;
  gboolean       transparent;
  gboolean       real;         /* run for real instead of simulating */
  gboolean       csharp;       /* each comparison with its C# twin on Mono, for real */
  gboolean       formats[3];   /* by AwImageFormat */
  AwRunOptions   options;
} GalleryStyle;

static const char *format_extensions[] = { "png", "svg", "pdf" };
static const char *format_labels[] = { "PNG", "SVG", "PDF" };

/* Draws one picture of @set in every format asked for; appends the HTML. */
static gboolean
gallery_picture (AwCliRunSet        *set,
                 AwCliCsharp        *cs,
                 GalleryStyle       *style,
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
  int thumbnail = -1;

  aw_cli_run_set_request (set, &style->options, &request, &caption, &headline, &description);
  if (cs != NULL)
    aw_cli_csharp_request (cs, set, &request, &caption, &headline);
  request.theme = style->theme;
  request.width = style->width;
  request.height = style->height;
  request.transparent = style->transparent;

  escaped_caption = g_markup_escape_text (caption, -1);
  escaped_heading = g_markup_escape_text (heading, -1);
  g_string_append (html, "        <figure>\n");

  /* Every format first, so that the thumbnail and the links name only
   * files that were written. */
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
      /* A browser shows PNG and SVG; PDF is only linked. */
      if (thumbnail < 0 && f != AW_IMAGE_PDF)
        thumbnail = f;
    }

  if (thumbnail >= 0)
    g_string_append_printf (html,
                            "          <a href=\"%s.%s\"><img src=\"%s.%s\" alt=\"%s\" width=\"%d\" loading=\"lazy\" /></a>\n",
                            stem, format_extensions[thumbnail], stem, format_extensions[thumbnail],
                            escaped_heading, style->width);
  g_string_append_printf (html, "          <figcaption><strong>%s</strong>", escaped_heading);
  for (guint f = 0; f < G_N_ELEMENTS (format_extensions); f++)
    if (style->formats[f])
      g_string_append_printf (html, " <a class=\"format\" href=\"%s.%s\">%s</a>", stem, format_extensions[f],
                              format_labels[f]);
  g_string_append_printf (html, "</figcaption>\n          <p>%s</p>\n        </figure>\n", escaped_caption);
  style->pictures++;
  return TRUE;
}

/* The file names of @scenario's pictures, without the extension: the
 * comparison of every variant, then each variant alone. */
static GPtrArray *
gallery_stems (AwScenario *scenario)
{
  GPtrArray *stems = g_ptr_array_new_with_free_func (g_free);
  guint n = aw_scenario_get_n_variants (scenario);

  g_ptr_array_add (stems, g_strdup (aw_scenario_get_id (scenario)));
  for (guint v = 0; n > 1 && v < n; v++)
    g_ptr_array_add (stems, g_strdup_printf ("%s-%s", aw_scenario_get_id (scenario),
                                             aw_scenario_get_variant (scenario, v)->name));
  return stems;
}

/* Every file the gallery will write can be written, checked before the
 * first run: a read-only or hard-linked picture, or a folder in a
 * picture's place, is found now and not after minutes of drawing. */
static gboolean
gallery_check_targets (GPtrArray          *all,
                       const GalleryStyle *style,
                       const char         *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *index_path = g_build_filename (dir, "index.html", NULL);

  if (!aw_file_check_target (index_path, TRUE, &error))
    {
      aw_cli_print_error ("%s", error->message);
      return FALSE;
    }
  for (guint i = 0; i < all->len; i++)
    {
      g_autoptr(GPtrArray) stems = gallery_stems (g_ptr_array_index (all, i));

      for (guint k = 0; k < stems->len; k++)
        for (guint f = 0; f < G_N_ELEMENTS (format_extensions); f++)
          {
            g_autofree char *name = NULL;
            g_autofree char *path = NULL;

            if (!style->formats[f])
              continue;
            name = g_strdup_printf ("%s.%s", (char *) g_ptr_array_index (stems, k), format_extensions[f]);
            path = g_build_filename (dir, name, NULL);
            if (!aw_file_check_target (path, FALSE, &error))
              {
                aw_cli_print_error ("%s", error->message);
                return FALSE;
              }
          }
    }
  return TRUE;
}

/* How many pictures an index written earlier shows: one <figure> each. */
static guint
count_index_pictures (const char *index_path)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  guint count = 0;

  if (!g_file_get_contents (index_path, &text, &length, NULL))
    return 0;
  for (const char *p = text; (p = strstr (p, "<figure>")) != NULL; p++)
    count++;
  return count;
}

/* Paragraphs, one per line of @text. */
static void
append_paragraphs (GString    *html,
                   const char *indent,
                   const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *escaped = NULL;

      g_strstrip (lines[i]);
      if (lines[i][0] == '\0')
        continue;
      escaped = g_markup_escape_text (lines[i], -1);
      g_string_append_printf (html, "%s<p>%s</p>\n", indent, escaped);
    }
}

static gboolean
gallery_scenario (AwScenario         *scenario,
                  GalleryStyle       *style,
                  const char         *dir,
                  GString            *html,
                  GError            **error)
{
  guint n = aw_scenario_get_n_variants (scenario);
  g_autofree char *title = g_markup_escape_text (aw_scenario_get_title (scenario), -1);
  g_autofree char *summary = g_markup_escape_text (aw_scenario_get_summary (scenario)
                                                     ? aw_scenario_get_summary (scenario) : "", -1);

  /* The lesson's words beside its pictures: the summary and narration,
   * then a sheet of thumbnails. */
  g_string_append_printf (html, "    <article class=\"scenario\" id=\"%s\">\n      <div class=\"text\">\n"
                                "        <h3>%s</h3>\n        <p class=\"summary\">%s</p>\n",
                          aw_scenario_get_id (scenario), title, summary);
  append_paragraphs (html, "        ", aw_scenario_get_narration (scenario));
  g_string_append (html, "      </div>\n      <div class=\"sheet\">\n");

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
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the run failed"));
          return FALSE;
        }

      stem = v < 0 ? g_strdup (aw_scenario_get_id (scenario))
                   : g_strdup_printf ("%s-%s", aw_scenario_get_id (scenario), aw_scenario_get_variant (scenario, v)->name);
      heading = v < 0 ? g_strdup (n > 1 ? _("All variants on one time axis") : aw_scenario_get_variant (scenario, 0)->title)
                      : g_strdup (aw_scenario_get_variant (scenario, v)->title);
      if (!gallery_picture (&set, NULL, style, dir, stem, heading, html, error))
        return FALSE;
    }

  /* C# beside GLib: the comparison again, each variant's twin on Mono
   * above its GLib run, on one time axis. */
  if (style->csharp)
    {
      g_auto(AwCliRunSet) set = { 0 };
      g_auto(AwCliCsharp) cs = { 0 };
      g_autofree char *stem = g_strdup_printf ("%s-csharp", aw_scenario_get_id (scenario));

      set.scenario = g_object_ref (scenario);
      set.virtual_clock = FALSE;
      set.indices = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; i < n; i++)
        g_array_append_val (set.indices, i);
      if (!aw_cli_run_set_execute (&set, &style->options))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the run failed"));
          return FALSE;
        }
      if (!aw_cli_csharp_run (&cs, &set, &style->options))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("its C# twin did not run on Mono"));
          return FALSE;
        }
      if (!gallery_picture (&set, &cs, style, dir, stem, _("C# on Mono beside GLib"), html, error))
        return FALSE;
    }

  g_string_append (html, "      </div>\n    </article>\n");
  return TRUE;
}

/* The page up to its table of contents: its language, title, style and
 * first paragraphs. A contact sheet: a table of contents, then per part of
 * the lesson each scenario's words beside a grid of thumbnails. One column
 * on a phone, never wider than the window: every box is border-box, long
 * words wrap, pictures shrink to their column. Well-formed XML too (void
 * elements closed), so that any XML tool can read it. */
static void
page_start (GString            *html,
            const GalleryStyle *style,
            const char         *nav)
{
  /* Translators: the language code of this translation, as HTML's lang
   * attribute writes it ("de", "es"). */
  const char *lang = C_("html-lang", "en");
  g_autofree char *title = g_markup_escape_text (_("Awaitscope gallery"), -1);
  /* Translators: how the gallery's pictures were timed, at the start of its page. */
  g_autofree char *timing = g_markup_escape_text (style->real ? _("Recorded runs, real clock")
                                                              : _("Simulated timing (virtual clock)"), -1);
  /* Translators: the gallery page's first paragraph: the first %s is how
   * its pictures were timed ("Recorded runs, real clock"), the second the
   * command that makes the page again. */
  g_autofree char *intro = g_markup_escape_text (_("%s. Each lesson's pictures: all its variants on one time axis, "
                                                   "then each variant alone. Select a picture for its full size. "
                                                   "Regenerate with %s."), -1);
  /* Translators: the gallery page's paragraph on C#; %s is the command that makes the page again. */
  g_autofree char *csharp = g_markup_escape_text (_("Each lesson's comparison is also drawn with its C# twin, run on "
                                                    "Mono and recorded by the C# lab, above each GLib run (both "
                                                    "recorded for real): %s."), -1);
  /* Translators: the name of the gallery page's table of contents, for a screen reader. */
  g_autofree char *contents = g_markup_escape_text (_("Contents"), -1);

  g_string_append_printf (html,
                          "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n  <meta charset=\"utf-8\" />\n"
                          "  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
                          "  <title>%s</title>\n", lang, title);
  g_string_append (html,
                   "  <style>\n"
                   "  *, *::before, *::after { box-sizing: border-box; }\n"
                   "  body { font-family: \"DejaVu Sans\", sans-serif; line-height: 1.45; color: #1c1d21;\n"
                   "         max-width: 1400px; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }\n"
                   "  h1, h2, h3 { line-height: 1.2; }\n"
                   "  h2 { margin-top: 2.5rem; padding-top: 0.5rem; border-top: 2px solid #1c1d21; }\n"
                   "  nav ol { padding-left: 1.2rem; }\n"
                   "  nav > ol { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 17rem), 1fr));\n"
                   "             gap: 0 2rem; padding: 0; list-style: none; }\n"
                   "  nav > ol > li > a { font-weight: bold; }\n"
                   "  .scenario { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0 1.5rem;\n"
                   "              margin: 1.5rem 0 2.5rem; }\n"
                   "  @media (min-width: 60rem) { .scenario { grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); } }\n"
                   "  .scenario h3 { margin-top: 0; }\n"
                   "  .summary { font-weight: bold; }\n"
                   "  .sheet { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr));\n"
                   "           gap: 1rem; align-content: start; }\n"
                   "  figure { margin: 0; }\n"
                   "  figure p { font-size: 0.85rem; color: #444; margin: 0.3rem 0 0; }\n"
                   "  img { display: block; max-width: 100%; height: auto; border: 1px solid #ccc; }\n"
                   "  figcaption { margin-top: 0.3rem; }\n"
                   "  a.format { display: inline-block; font-size: 0.8rem; padding: 0 0.3rem; margin-left: 0.2rem;\n"
                   "             border: 1px solid #888; border-radius: 3px; text-decoration: none; }\n"
                   "  </style>\n</head>\n<body>\n");
  g_string_append_printf (html, "  <h1>%s</h1>\n", title);
  /* The formats are translated and escaped: msgfmt --check holds each to
   * its original's directives. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_string_append (html, "  <p>");
  g_string_append_printf (html, intro, timing, "<code>awaitscope gallery DIR</code>");
  g_string_append (html, "</p>\n");
  if (style->csharp)
    {
      g_string_append (html, "  <p>");
      g_string_append_printf (html, csharp, "<code>awaitscope gallery --csharp DIR</code>");
      g_string_append (html, "</p>\n");
    }
#pragma GCC diagnostic pop
  g_string_append_printf (html, "  <nav aria-label=\"%s\">\n    <ol>\n%s    </ol>\n  </nav>\n", contents, nav);
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
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) nav = g_string_new (NULL);
  g_autoptr(GBytes) index = NULL;
  g_auto(GStrv) format_list = NULL;
  GalleryStyle style = { 0 };
  gboolean progress = aw_cli_is_terminal (stderr);
  guint failures = 0;
  int exit_code = 0;
  GOptionEntry entries[] = {
    /* Translators: png, svg and pdf are typed as they are. */
    { "format", 0, 0, G_OPTION_ARG_STRING, &formats, N_("Comma-separated formats: png, svg, pdf (default png)"), N_("LIST") },
    { "real", 0, 0, G_OPTION_ARG_NONE, &style.real, N_("Run every scenario for real instead of simulating (slow, not reproducible)"), NULL },
    /* Translators: mono-mcs is a package's name. */
    { "csharp", 0, 0, G_OPTION_ARG_NONE, &style.csharp, N_("Also draw each comparison with the scenario's C# twin run on Mono beside its GLib runs (both for real; needs mono-mcs)"), NULL },
    { NULL }
  };

  aw_cli_picture_init (&picture);
  /* The gallery has always taken --scale 0 for the default. */
  picture.scale = 0;
  /* Translators: placeholders of the usage line: a folder, then scenario ids. */
  if (!aw_cli_parse_options ("gallery", N_("DIR [ID…]"),
                             N_("Draws every scenario (or those named) into DIR: the comparison of its variants\n"
                                "and each variant alone, with an index.html of the pictures, titles and captions.\n"
                                "Timing is simulated (the virtual clock), so two runs give identical files."),
                             aw_cli_picture_options (&picture, AW_CLI_PICTURE_TRANSPARENT),
                             entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    {
      aw_cli_print_error (_("gallery: give the folder to draw into"));
      return 2;
    }
  if (style.csharp && !aw_csharp_have_mono (&error))
    {
      aw_cli_print_error ("gallery --csharp: %s", error->message);
      return 1;
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
          aw_cli_print_error (_("--format: unknown format \"%s\" (png, svg, pdf)"), f);
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
      /* Translators: a folder's name, then the system's reason. */
      aw_cli_print_error (_("%s: cannot create the folder: %s"), argv[1], g_strerror (errno));
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
  /* Only the scenarios named, in the catalogue's order. */
  if (argc > 2)
    {
      g_autoptr(GPtrArray) named = g_ptr_array_new_with_free_func (g_object_unref);

      for (int a = 2; a < argc; a++)
        {
          gboolean found = FALSE;

          for (guint i = 0; i < all->len; i++)
            if (g_str_equal (aw_scenario_get_id (g_ptr_array_index (all, i)), argv[a]))
              found = TRUE;
          if (!found)
            {
              aw_cli_print_error (_("gallery: no scenario \"%s\" (awaitscope list shows them)"), argv[a]);
              return 2;
            }
        }
      for (guint i = 0; i < all->len; i++)
        for (int a = 2; a < argc; a++)
          if (g_str_equal (aw_scenario_get_id (g_ptr_array_index (all, i)), argv[a]))
            {
              g_ptr_array_add (named, g_object_ref (g_ptr_array_index (all, i)));
              break;
            }
      g_ptr_array_unref (all);
      all = g_steal_pointer (&named);
    }
  if (!gallery_check_targets (all, &style, argv[1]))
    return 1;

  for (guint i = 0; i < all->len; i++)
    {
      AwScenario *scenario = g_ptr_array_index (all, i);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *title = g_markup_escape_text (aw_scenario_get_title (scenario), -1);
      guint part = aw_scenario_get_part (scenario);
      gsize mark = body->len;

      if (progress)
        g_printerr ("[%u/%u] %s\n", i + 1, all->len, aw_scenario_get_id (scenario));
      /* A section per part of the lesson, in the catalogue's order. */
      if (i == 0 || part != aw_scenario_get_part (g_ptr_array_index (all, i - 1)))
        {
          const char *part_title = aw_scenario_get_part_title (scenario);
          g_autofree char *heading = NULL;

          if (part_title == NULL)
            part_title = part > 0 ? NULL : _("More scenarios");
          heading = part_title != NULL ? g_markup_escape_text (part_title, -1) : g_strdup_printf (_("Part %u"), part);
          if (i > 0)
            {
              g_string_append (body, "  </section>\n");
              g_string_append (nav, "      </ol></li>\n");
            }
          g_string_append_printf (body, "  <section class=\"part\" id=\"part-%u\">\n    <h2>%s</h2>\n", part, heading);
          g_string_append_printf (nav, "      <li><a href=\"#part-%u\">%s</a><ol>\n", part, heading);
          mark = body->len;
        }
      if (!gallery_scenario (scenario, &style, argv[1], body, &local_error))
        {
          /* Report it and go on with the others. */
          aw_cli_print_error ("gallery: %s: %s", aw_scenario_get_id (scenario), local_error->message);
          g_string_truncate (body, mark);
          failures++;
          continue;
        }
      g_string_append_printf (nav, "        <li><a href=\"#%s\">%s</a></li>\n", aw_scenario_get_id (scenario), title);
    }
  if (all->len > 0)
    {
      g_string_append (body, "  </section>\n");
      g_string_append (nav, "      </ol></li>\n");
    }

  /* The index's words follow the locale, as the lessons' texts and the
   * pictures do; docs/gallery is made in English (LANGUAGE unset). */
  page_start (html, &style, nav->str);
  g_string_append (html, body->str);
  g_string_append (html, "</body>\n</html>\n");

  /* The index last, once every picture it names is written. After a
   * failure it names fewer; a good index from an earlier run that shows
   * more is kept, and the pictures it names are still there. */
  index_path = g_build_filename (argv[1], "index.html", NULL);
  if (failures > 0)
    {
      guint before = count_index_pictures (index_path);

      if (before > style.pictures)
        {
          /* Translators: how many scenarios failed, of how many; the index
             file; how many pictures it shows; how many this run drew. */
          aw_cli_print_error (NG_("gallery: %u of %u scenarios failed; %s was kept as it was: it shows %u "
                                  "pictures, this run drew only %u",
                                  "gallery: %u of %u scenarios failed; %s was kept as it was: it shows %u "
                                  "pictures, this run drew only %u", failures),
                              failures, all->len, index_path, before, style.pictures);
          return 1;
        }
      /* Translators: how many scenarios failed, of how many; the index
         file; how many pictures were drawn. */
      aw_cli_print_error (NG_("gallery: %u of %u scenarios failed; %s shows only the %u pictures drawn",
                              "gallery: %u of %u scenarios failed; %s shows only the %u pictures drawn", failures),
                          failures, all->len, index_path, style.pictures);
    }
  index = g_bytes_new (html->str, html->len);
  if (!aw_write_file_atomic (index_path, index, &error))
    {
      aw_cli_print_error ("%s", error->message);
      return 1;
    }
  if (progress)
    g_printerr (_("wrote %s\n"), index_path);

  return failures > 0 ? 1 : 0;
}
