/* bare-png.c: the least a GLib+cairo program does to write a PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The limit the headless picture is measured against: start, paint a
 * surface of the same size, encode it as PNG and write it the way
 * awaitscope writes pictures (a temporary file beside the target, synced,
 * then renamed).
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>

static cairo_status_t
append (void                *closure,
        const unsigned char *data,
        unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autofree char *tmp = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  gsize written = 0;
  int fd;

  if (argc != 4)
    {
      g_printerr ("usage: %s WIDTH HEIGHT FILE.png\n", argv[0]);
      return 2;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, atoi (argv[1]), atoi (argv[2]));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  if (cairo_surface_write_to_png_stream (surface, append, png) != CAIRO_STATUS_SUCCESS)
    return 1;
  cairo_surface_destroy (surface);

  tmp = g_strconcat (argv[3], ".XXXXXX", NULL);
  fd = g_mkstemp (tmp);
  if (fd < 0)
    return 1;
  while (written < png->len)
    {
      gssize n = write (fd, png->data + written, png->len - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return 1;
      written += n;
    }
  if (fsync (fd) != 0 || close (fd) != 0 || g_rename (tmp, argv[3]) != 0)
    return 1;

  return 0;
}
