/* aw-export.c: pictures of runs written to files, whole or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A picture is rendered into memory first, then written to a temporary file
 * beside the target, flushed and renamed over it. A failure at any step
 * leaves the target as it was and no temporary file behind.
 */

#include "config.h"

#include "aw-export.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

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
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_write_to_png_stream (surface, append_to_array, bytes);
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

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/**
 * aw_write_file_atomic:
 * @path: the target file
 * @contents: what to write
 *
 * Writes a temporary file beside @path, syncs it and renames it over
 * @path. Refuses targets that exist and are not regular files (such as
 * /dev/full), so a device is never replaced.
 *
 * Returns: %TRUE if @path now holds @contents, whole
 */
gboolean
aw_write_file_atomic (const char  *path,
                      GBytes      *contents,
                      GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmpl = NULL;
  const guint8 *data;
  gsize size, written = 0;
  GStatBuf st;
  int fd;

  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "%s: cannot write here: it exists and is not a regular file", path);
      return FALSE;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s: cannot write: the folder %s does not exist", path, dir);
      return FALSE;
    }

  tmpl = g_build_filename (dir, ".awaitscope-XXXXXX", NULL);
  fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: cannot write in %s: %s", path, dir, g_strerror (saved));
      return FALSE;
    }

  data = g_bytes_get_data (contents, &size);
  while (written < size)
    {
      gssize n = write (fd, data + written, size - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : ENOSPC;
          close (fd);
          g_unlink (tmpl);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "%s: writing failed: %s; the file was left as it was", path, g_strerror (saved));
          return FALSE;
        }
      written += n;
    }

  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;
      g_unlink (tmpl);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: writing failed: %s; the file was left as it was", path, g_strerror (saved));
      return FALSE;
    }

  if (g_rename (tmpl, path) != 0)
    {
      int saved = errno;
      g_unlink (tmpl);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: cannot replace the file: %s", path, g_strerror (saved));
      return FALSE;
    }

  return TRUE;
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
