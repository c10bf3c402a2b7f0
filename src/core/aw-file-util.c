/* aw-file-util.c: files written whole or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pictures, traces and the gallery's index are all written the same way:
 * to a temporary file beside the target, flushed and renamed over it, so a
 * failure at any step leaves the target as it was and no temporary file
 * behind. It lives in the trace layer, below both trace I/O and image
 * export, so that saving a trace does not depend on the renderer.
 */

#include "config.h"

#include "aw-file-util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

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
 * aw_read_file_bounded:
 * @path: a file
 * @max_size: the most bytes to accept
 * @too_large: (out): set when the file holds more than @max_size bytes
 * @error: return location for a GIO error
 *
 * Reads a file into memory, at most @max_size bytes: a copy, not a mapping,
 * so that a file truncated while it is read (another program writing it)
 * gives a short read, never SIGBUS; and a file that grows as it is read
 * stops at the bound.
 *
 * Returns: (transfer full) (nullable): the contents, or %NULL with @error
 *   set or *@too_large
 */
GBytes *
aw_read_file_bounded (const char *path,
                      gsize       max_size,
                      gboolean   *too_large,
                      GError    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[65536];

  *too_large = FALSE;
  stream = g_file_read (file, NULL, error);
  if (stream == NULL)
    return NULL;
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, sizeof buffer, NULL, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (data->len + (gsize) n > max_size)
        {
          *too_large = TRUE;
          return NULL;
        }
      g_byte_array_append (data, buffer, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}
