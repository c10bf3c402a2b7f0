/* aw-export.c: pictures of runs written to files, whole or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A picture is rendered into memory first, then written whole or not at
 * all by aw_write_file_atomic() (aw-file-util.c): a failure at any step
 * leaves the target as it was and no temporary file behind.
 */

#include "config.h"

#include "aw-export.h"

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
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: unknown picture format; the name must end in .png, .svg or .pdf", path);
      return FALSE;
    }
  return TRUE;
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

  if (w < AW_EXPORT_MIN_SIDE || h < AW_EXPORT_MIN_SIDE ||
      w > AW_EXPORT_MAX_SIDE || h > AW_EXPORT_MAX_SIDE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "size %s is out of range: width and height must be between %d and %d",
                   text, AW_EXPORT_MIN_SIDE, AW_EXPORT_MAX_SIDE);
      return FALSE;
    }

  *width = (int) w;
  *height = (int) h;
  return TRUE;

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "bad size \"%s\": write it as WIDTHxHEIGHT, for example 1280x720", text ? text : "");
  return FALSE;
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
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "writing PNG failed: out of memory");
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      g_free (row);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "writing PNG failed: %s", failure.message);
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
 * @request: what to draw; its width and height are in points
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
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  if (scale <= 0)
    scale = 1;

  switch (format)
    {
    case AW_IMAGE_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                            (int) ceil (request->width * scale),
                                            (int) ceil (request->height * scale));
      break;
    case AW_IMAGE_SVG:
      surface = cairo_svg_surface_create_for_stream (append_to_array, bytes,
                                                     request->width, request->height);
      break;
    case AW_IMAGE_PDF:
      surface = cairo_pdf_surface_create_for_stream (append_to_array, bytes,
                                                     request->width, request->height);
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
  aw_render (cr, request);
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
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "drawing failed: %s", cairo_status_to_string (status));
      return NULL;
    }

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
