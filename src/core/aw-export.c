/* aw-export.c: pictures of runs written to files, whole or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A picture is rendered into memory first, then written whole or not at
 * all by aw_write_file_atomic() (aw-file-util.c): a failure at any step
 * leaves the target as it was and no temporary file behind.
 */

#include "config.h"

#include "aw-i18n.h"

#include "aw-export.h"
#include "aw-render-private.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <png.h>
#include <string.h>


/**
 * aw_image_format_from_path:
 * @path: a file name
 * @format: (out): the format its ending names
 * @error: return location for an error
 *
 * Returns: %TRUE if @path ends in .png, .svg or .pdf (in any case)
 */
gboolean
aw_image_format_from_path (const char     *path,
                           AwImageFormat  *format,
                           GError        **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".png"))
    *format = AW_IMAGE_PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    *format = AW_IMAGE_SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = AW_IMAGE_PDF;
  else
    {
      /* Translators: %s is a file name. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: unknown picture format; the name must end in .png, .svg or .pdf"), path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_size (const char  *text,
            gboolean     fit_height,
            int         *width,
            int         *height,
            GError     **error)
{
  guint64 w, h;
  char *end = NULL;

  if (text == NULL || !g_ascii_isdigit (*text))
    goto bad;
  w = g_ascii_strtoull (text, &end, 10);
  if (end == NULL || (*end != 'x' && *end != 'X') || !g_ascii_isdigit (end[1]))
    goto bad;
  h = g_ascii_strtoull (end + 1, &end, 10);
  if (*end != '\0')
    goto bad;

  if (w < AW_EXPORT_MIN_SIDE || (h < AW_EXPORT_MIN_SIDE && !(fit_height && h == 0)) ||
      w > AW_EXPORT_MAX_SIDE || h > AW_EXPORT_MAX_SIDE)
    {
      /* Translators: %s is the size as given, such as 1280x720. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   fit_height ? _("size %s is out of range: width and height must be between %d and %d (or the height 0)")
                              : _("size %s is out of range: width and height must be between %d and %d"),
                   text, AW_EXPORT_MIN_SIDE, AW_EXPORT_MAX_SIDE);
      return FALSE;
    }

  *width = (int) w;
  *height = (int) h;
  return TRUE;

bad:
  /* Translators: %s is the size as given; WIDTHxHEIGHT may be translated,
   * but the x between the numbers stays. */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               fit_height ? _("bad size \"%s\": write it as WIDTHxHEIGHT, for example 1280x720 (or 1280x0 for as tall as the drawing)")
                          : _("bad size \"%s\": write it as WIDTHxHEIGHT, for example 1280x720"),
               text ? text : "");
  return FALSE;
}

/**
 * aw_parse_size:
 * @text: "WIDTHxHEIGHT", e.g. "1280x720"
 *
 * Returns: %TRUE if @text is a size within the export limits
 */
gboolean
aw_parse_size (const char  *text,
               int         *width,
               int         *height,
               GError     **error)
{
  return parse_size (text, FALSE, width, height, error);
}

/**
 * aw_parse_picture_size:
 * @text: "WIDTHxHEIGHT", e.g. "1280x720", or "WIDTHx0"
 *
 * Like aw_parse_size(), and a height of 0 asks for a picture as tall as
 * its drawing (see #AwRenderRequest:height).
 *
 * Returns: %TRUE if @text is a size within the export limits
 */
gboolean
aw_parse_picture_size (const char  *text,
                       int         *width,
                       int         *height,
                       GError     **error)
{
  return parse_size (text, TRUE, width, height, error);
}

/* PNG ---------------------------------------------------------------------
 *
 * Written with libpng directly rather than cairo's PNG writer, which lets
 * libpng try all five row filters on every row at zlib's default level:
 * that costs more than drawing the picture. A timeline is flat colour and
 * text, so the "up" filter at zlib level 2 does it in a quarter of the time,
 * for a file about a fifth larger (tens of kilobytes). The pixels are the
 * same. */

typedef struct {
  char message[200];
} PngFailure;

static void
png_write_to_array (png_structp  png,
                    png_bytep    data,
                    png_size_t   length)
{
  g_byte_array_append (png_get_io_ptr (png), data, length);
}

static void
png_flush_nothing (png_structp png)
{
}

G_GNUC_NORETURN static void
png_failed (png_structp     png,
            png_const_charp message)
{
  PngFailure *failure = png_get_error_ptr (png);

  g_strlcpy (failure->message, message, sizeof failure->message);
  png_longjmp (png, 1);
}

static void
png_warned (png_structp     png,
            png_const_charp message)
{
}

/* Encodes an ARGB32 image surface, with its alpha or without, and an
 * optional tEXt Description. */
static gboolean
encode_png (cairo_surface_t *surface,
            gboolean         alpha,
            const char      *description,
            GByteArray      *out,
            GError         **error)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *pixels = cairo_image_surface_get_data (surface);
  guint channels = alpha ? 4 : 3;
  PngFailure failure = { "" };
  png_structp png;
  png_infop info = NULL;
  guint8 *volatile row = NULL;

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &failure, png_failed, png_warned);
  if (png != NULL)
    info = png_create_info_struct (png);
  if (info == NULL)
    {
      png_destroy_write_struct (&png, NULL);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("writing PNG failed: out of memory"));
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      g_free (row);
      /* Translators: %s is libpng's own message. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("writing PNG failed: %s"), failure.message);
      return FALSE;
    }

  row = g_malloc ((gsize) width * channels);
  png_set_write_fn (png, out, png_write_to_array, png_flush_nothing);
  png_set_IHDR (png, info, width, height, 8, alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_filter (png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
  png_set_compression_level (png, 2);
  if (description != NULL)
    {
      png_text text = { 0 };

      text.compression = PNG_TEXT_COMPRESSION_NONE;
      text.key = (png_charp) "Description";
      text.text = (png_charp) description;
      png_set_text (png, info, &text, 1);
    }
  png_write_info (png, info);

  for (int y = 0; y < height; y++)
    {
      const guint32 *src = (const guint32 *) (pixels + (gsize) y * stride);
      guint8 *dst = row;

      for (int x = 0; x < width; x++, dst += channels)
        {
          guint32 p = src[x];
          guint a = p >> 24;
          guint r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

          if (alpha)
            {
              /* Cairo keeps colour premultiplied by alpha; PNG does not. */
              if (a == 0)
                r = g = b = 0;
              else if (a < 255)
                {
                  r = (r * 255 + a / 2) / a;
                  g = (g * 255 + a / 2) / a;
                  b = (b * 255 + a / 2) / a;
                }
              dst[3] = a;
            }
          dst[0] = r;
          dst[1] = g;
          dst[2] = b;
        }
      png_write_row (png, row);
    }
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  g_free (row);

  return TRUE;
}

/* An SVG <desc> right after the opening <svg ...> tag. */
static void
svg_add_description (GByteArray *svg,
                     const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *element = g_strdup_printf ("\n<desc>%s</desc>", escaped);
  const char *open = g_strstr_len ((const char *) svg->data, svg->len, "<svg");
  const char *close;
  gsize at;

  if (open == NULL)
    return;
  close = memchr (open, '>', svg->len - (open - (const char *) svg->data));
  if (close == NULL)
    return;
  at = close + 1 - (const char *) svg->data;
  g_byte_array_set_size (svg, svg->len + strlen (element));
  memmove (svg->data + at + strlen (element), svg->data + at, svg->len - strlen (element) - at);
  memcpy (svg->data + at, element, strlen (element));
}

/* "#rrggbb" and the opacity apart, which every SVG reader understands. */
static void
svg_append_fill (GString       *out,
                 const AwColor *color)
{
  g_string_append_printf (out, " fill=\"#%02x%02x%02x\"",
                          (guint) lround (CLAMP (color->red, 0, 1) * 255),
                          (guint) lround (CLAMP (color->green, 0, 1) * 255),
                          (guint) lround (CLAMP (color->blue, 0, 1) * 255));
  if (color->alpha < 1)
    {
      char opacity[G_ASCII_DTOSTR_BUF_SIZE];

      /* A decimal point in every locale: "0,5" is no SVG number. */
      g_ascii_formatd (opacity, sizeof opacity, "%.3g", CLAMP (color->alpha, 0, 1));
      g_string_append_printf (out, " fill-opacity=\"%s\"", opacity);
    }
}

static void
svg_append_number (GString *out,
                   double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* Hundredths of a point: enough, and locale-proof. */
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.2f", value));
}

/* The picture's text as <text> elements, one per line, inserted just
 * before cairo's closing </svg> so that it is drawn over the shapes, as
 * the renderer draws it. Text that a clip cut in the drawing is clipped
 * by the same rectangle. */
static void
svg_add_texts (GByteArray    *svg,
               GArray        *texts,
               const AwTheme *theme)
{
  g_autoptr(GString) out = g_string_new ("\n<g font-family=\"");
  g_autoptr(GHashTable) clips = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) defs = g_string_new (NULL);
  g_autofree char *family = g_markup_escape_text (theme != NULL && theme->font_family != NULL
                                                  ? theme->font_family : "DejaVu Sans", -1);
  const char *end = NULL;
  gsize at;

  for (const char *p = (const char *) svg->data; p != NULL; )
    {
      const char *next = g_strstr_len (p, svg->len - (p - (const char *) svg->data), "</svg>");

      if (next != NULL)
        end = next;
      p = next != NULL ? next + 1 : NULL;
    }
  if (end == NULL || texts->len == 0)
    return;
  at = end - (const char *) svg->data;

  g_string_append_printf (out, "&apos;%s&apos;, sans-serif\">\n", family);
  for (guint i = 0; i < texts->len; i++)
    {
      const AwRenderTextRun *run = &g_array_index (texts, AwRenderTextRun, i);
      g_autofree char *escaped = g_markup_escape_text (run->text, -1);

      g_string_append (out, "<text x=\"");
      svg_append_number (out, run->x);
      g_string_append (out, "\" y=\"");
      svg_append_number (out, run->y);
      g_string_append (out, "\" font-size=\"");
      svg_append_number (out, run->size);
      /* Readers shape text with their own hinting and rounding, often a
       * little wider: each line keeps the width it was laid out for, so
       * that it stays inside its column. */
      g_string_append (out, "\" textLength=\"");
      svg_append_number (out, run->width);
      g_string_append (out, "\" lengthAdjust=\"spacing\"");
      if (run->bold)
        g_string_append (out, " font-weight=\"bold\"");
      svg_append_fill (out, &run->color);
      if (run->clip[2] >= 0)
        {
          g_autoptr(GString) rect = g_string_new ("<rect x=\"");
          gpointer id;

          svg_append_number (rect, run->clip[0]);
          g_string_append (rect, "\" y=\"");
          svg_append_number (rect, run->clip[1]);
          g_string_append (rect, "\" width=\"");
          svg_append_number (rect, run->clip[2]);
          g_string_append (rect, "\" height=\"");
          svg_append_number (rect, run->clip[3]);
          g_string_append (rect, "\"/>");
          if (!g_hash_table_lookup_extended (clips, rect->str, NULL, &id))
            {
              id = GUINT_TO_POINTER (g_hash_table_size (clips) + 1);
              g_string_append_printf (defs, "<clipPath id=\"aw-text-clip%u\">%s</clipPath>\n",
                                      GPOINTER_TO_UINT (id), rect->str);
              g_hash_table_insert (clips, g_strdup (rect->str), id);
            }
          g_string_append_printf (out, " clip-path=\"url(#aw-text-clip%u)\"", GPOINTER_TO_UINT (id));
        }
      g_string_append_printf (out, " xml:space=\"preserve\">%s</text>\n", escaped);
    }
  g_string_append (out, "</g>\n");
  if (defs->len > 0)
    {
      g_string_prepend (defs, "\n<defs>\n");
      g_string_append (defs, "</defs>");
      g_string_prepend (out, defs->str);
    }

  g_byte_array_set_size (svg, svg->len + out->len);
  memmove (svg->data + at + out->len, svg->data + at, svg->len - out->len - at);
  memcpy (svg->data + at, out->str, out->len);
}

static cairo_status_t
append_to_array (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * aw_render_to_bytes:
 * @request: what to draw; its width and height are in points, and a
 *   height of 0 makes the picture as tall as its drawing (see
 *   #AwRenderLayout:content_height)
 * @format: the file format
 * @scale: device pixels per point for PNG (2 for HiDPI); ignored for vector formats
 *
 * Returns: (transfer full) (nullable): the encoded picture
 */
GBytes *
aw_render_to_bytes (const AwRenderRequest  *request,
                    AwImageFormat           format,
                    double                  scale,
                    GError                **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(AwRenderLayout) layout = NULL;
  g_autoptr(GArray) texts = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  double height;
  cairo_t *cr;

  if (scale <= 0)
    scale = 1;
  /* A height of 0 is as tall as the drawing: the layout knows it before
   * the surface is made. Text is measured the same on every target. */
  if (request->height <= 0)
    layout = aw_render_layout_new (NULL, request);
  height = layout != NULL ? layout->height : request->height;

  switch (format)
    {
    case AW_IMAGE_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                            (int) ceil (request->width * scale),
                                            (int) ceil (height * scale));
      break;
    case AW_IMAGE_SVG:
      surface = cairo_svg_surface_create_for_stream (append_to_array, bytes,
                                                     request->width, height);
      /* cairo 1.16 writes the size in points by default, so a browser or
       * Inkscape showed a 1280 wide picture 1707 px wide; the PNG of the
       * same request is 1280 px. */
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
      break;
    case AW_IMAGE_PDF:
      surface = cairo_pdf_surface_create_for_stream (append_to_array, bytes,
                                                     request->width, height);
      /* A fixed date keeps the same picture the same file. */
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Awaitscope");
      if (request->title != NULL)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, request->title);
      if (request->description != NULL)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT, request->description);
      break;
    default:
      g_return_val_if_reached (NULL);
    }

  cr = cairo_create (surface);
  if (format == AW_IMAGE_PNG)
    cairo_scale (cr, scale, scale);
  /* cairo's SVG surface writes every glyph as an outline: SVG gets its
   * text as <text> elements instead (svg_add_texts()). */
  if (format == AW_IMAGE_SVG)
    texts = g_array_new (FALSE, TRUE, sizeof (AwRenderTextRun));
  if (texts != NULL)
    g_array_set_clear_func (texts, _aw_render_text_run_clear);
  if (layout == NULL)
    layout = aw_render_layout_new (cr, request);
  _aw_render_with_texts (cr, request, layout, texts);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (format == AW_IMAGE_PNG)
    {
      cairo_surface_flush (surface);
      if (status == CAIRO_STATUS_SUCCESS &&
          !encode_png (surface, request->transparent, request->description, bytes, error))
        {
          cairo_surface_destroy (surface);
          return NULL;
        }
    }
  else
    {
      /* Finishing a vector surface writes its last bytes to the stream. */
      cairo_surface_finish (surface);
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      /* Translators: %s is cairo's own message. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("drawing failed: %s"), cairo_status_to_string (status));
      return NULL;
    }

  if (texts != NULL)
    svg_add_texts (bytes, texts, request->theme);
  if (request->description != NULL && format == AW_IMAGE_SVG)
    svg_add_description (bytes, request->description);

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/**
 * aw_export_image:
 * @request: what to draw
 * @path: a file name ending in .png, .svg or .pdf
 * @scale: pixels per point for PNG
 *
 * Returns: %TRUE if the whole picture was written
 */
gboolean
aw_export_image (const AwRenderRequest  *request,
                 const char             *path,
                 double                  scale,
                 GError                **error)
{
  g_autoptr(GBytes) bytes = NULL;
  AwImageFormat format;

  if (!aw_image_format_from_path (path, &format, error))
    return FALSE;
  if (!(bytes = aw_render_to_bytes (request, format, scale, error)))
    return FALSE;

  return aw_write_file_atomic (path, bytes, error);
}
