/* aw-file-util.c: files written whole or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pictures, traces and the gallery's index are all written the same way:
 * to a temporary file beside the target, flushed and renamed over it, so a
 * failure at any step leaves the target as it was and no temporary file
 * behind. It lives in the trace layer, below both trace I/O and image
 * export, so that saving a trace does not depend on the renderer.
 *
 * A rename replaces the directory entry, not the file: a replaced file
 * would lose its mode, a read-only file would be replaced all the same and
 * a file with other hard links would silently part from them. So the new
 * file takes the old one's mode, and read-only and hard-linked targets are
 * refused. The temporary files being written are listed where a signal
 * handler can remove them (aw_file_util_remove_temporaries()), so that
 * Ctrl+C in the middle of a write leaves nothing behind.
 */

#include "config.h"

#include "aw-i18n.h"

#include "aw-file-util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* Temporary files being written, for a signal handler: a slot is claimed
 * (1), filled, then published (2); the handler only reads published slots
 * and only calls unlink(), which is async-signal-safe. */
#define N_TEMP_SLOTS 8
#define TEMP_PATH_MAX 4096

static struct {
  volatile gint state;
  char          path[TEMP_PATH_MAX];
} temporaries[N_TEMP_SLOTS];

/* The umask, read once: umask() can only be read by setting it, which
 * would race with other threads creating files. */
static mode_t
process_umask (void)
{
  static gsize cached = 0;

  if (g_once_init_enter (&cached))
    {
      mode_t mask = umask (0);

      umask (mask);
      g_once_init_leave (&cached, (gsize) mask | 0x10000);
    }
  return (mode_t) (cached & 0777);
}

static int
temporary_register (const char *path)
{
  if (strlen (path) >= TEMP_PATH_MAX)
    return -1;
  for (int i = 0; i < N_TEMP_SLOTS; i++)
    if (g_atomic_int_compare_and_exchange (&temporaries[i].state, 0, 1))
      {
        strcpy (temporaries[i].path, path);
        g_atomic_int_set (&temporaries[i].state, 2);
        return i;
      }
  /* More writes at once than slots: this one is not cleaned by a signal. */
  return -1;
}

static void
temporary_forget (int slot)
{
  if (slot >= 0)
    g_atomic_int_set (&temporaries[slot].state, 0);
}

/**
 * aw_file_util_remove_temporaries:
 *
 * Removes the temporary files of every write in progress. Only calls
 * unlink(), so a SIGINT or SIGTERM handler may call it.
 */
void
aw_file_util_remove_temporaries (void)
{
  for (int i = 0; i < N_TEMP_SLOTS; i++)
    if (g_atomic_int_get (&temporaries[i].state) == 2)
      unlink (temporaries[i].path);
}

/**
 * aw_file_check_target:
 * @path: a file to be written by aw_write_file_atomic()
 * @probe: also create and remove a file in @path's folder, to prove that
 *   it can be written
 * @error: return location for a GIO error
 *
 * Checks, before any long work, what aw_write_file_atomic() would refuse:
 * a missing folder, one that is not a folder or cannot be written, a
 * target that is a folder, a device or another special file, a read-only
 * target and one with more than one hard link.
 *
 * Returns: %TRUE if @path can be written
 */
gboolean
aw_file_check_target (const char  *path,
                      gboolean     probe,
                      GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  GStatBuf st;

  if (g_stat (dir, &st) != 0)
    {
      /* Translators: the first %s is a file name, the second its folder. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("%s: cannot write: the folder %s does not exist"), path, dir);
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      /* Translators: the first %s is a file name, the second its folder. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("%s: cannot write: %s is not a folder"), path, dir);
      return FALSE;
    }
  if (g_stat (path, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          /* Translators: %s is a file name. */
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                       _("%s: cannot write here: it is a folder"), path);
          return FALSE;
        }
      if (!S_ISREG (st.st_mode))
        {
          /* Translators: %s is a file name. */
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                       _("%s: cannot write here: it exists and is not a regular file"), path);
          return FALSE;
        }
      /* Mode bits, not access(): root may write anything, but a file
       * someone made read-only is meant to stay as it is. */
      if ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 || access (path, W_OK) != 0)
        {
          /* Translators: %s is a file name. */
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                       _("%s: cannot write: the file is read-only; make it writable or choose another name"),
                       path);
          return FALSE;
        }
      if (st.st_nlink > 1)
        {
          /* Translators: %s is a file name, %u a number of names the file has. */
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("%s: cannot write: the file has %u hard links, and replacing it would leave the "
                         "other names with the old contents; remove it first or choose another name"),
                       path, (guint) st.st_nlink);
          return FALSE;
        }
    }
  if (probe)
    {
      g_autofree char *tmpl = g_build_filename (dir, ".awaitscope-XXXXXX", NULL);
      int fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0600);

      if (fd < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("%s: cannot write in %s: %s"), path, dir, g_strerror (saved));
          return FALSE;
        }
      close (fd);
      g_unlink (tmpl);
    }
  return TRUE;
}

/**
 * aw_write_file_atomic:
 * @path: the target file
 * @contents: what to write
 *
 * Writes a temporary file beside @path, syncs it and renames it over
 * @path. Refuses what aw_file_check_target() refuses (devices such as
 * /dev/full, read-only and hard-linked files), so none is replaced. A
 * replaced file keeps its mode; a new one gets 0666 less the umask.
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
  gboolean replacing;
  int fd, slot;

  if (!aw_file_check_target (path, FALSE, error))
    return FALSE;
  replacing = g_stat (path, &st) == 0;

  tmpl = g_build_filename (dir, ".awaitscope-XXXXXX", NULL);
  fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("%s: cannot write in %s: %s"), path, dir, g_strerror (saved));
      return FALSE;
    }
  slot = temporary_register (tmpl);

  /* mkstemp makes the file 0600 whatever it is asked: a replaced file
   * keeps its mode, a new one gets what the umask allows. */
  {
    mode_t mode;

    if (replacing)
      mode = st.st_mode & 07777;
    else
      mode = 0666 & ~process_umask ();
    if (fchmod (fd, mode) != 0)
      {
        int saved = errno;
        close (fd);
        g_unlink (tmpl);
        temporary_forget (slot);
        /* Translators: the first %s is a file name, the second the system's reason. */
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     _("%s: cannot set the file's mode: %s"), path, g_strerror (saved));
        return FALSE;
      }
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
          temporary_forget (slot);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("%s: writing failed: %s; the file was left as it was"), path, g_strerror (saved));
          return FALSE;
        }
      written += n;
    }

  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;
      g_unlink (tmpl);
      temporary_forget (slot);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("%s: writing failed: %s; the file was left as it was"), path, g_strerror (saved));
      return FALSE;
    }

  if (g_rename (tmpl, path) != 0)
    {
      int saved = errno;
      g_unlink (tmpl);
      temporary_forget (slot);
      /* Translators: the first %s is a file name, the second the system's reason. */
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("%s: cannot replace the file: %s"), path, g_strerror (saved));
      return FALSE;
    }
  temporary_forget (slot);

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
 * Returns: (transfer full) (nullable): the contents (a NUL follows them,
 *   not counted in their size), or %NULL with @error set or *@too_large
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
  {
    /* A NUL after the contents, not counted in their size: text read
     * here can go where a C string is wanted (GTK 4.8's text buffer hands
     * what it is given to AT-SPI as one) without reading past its end. */
    guint len = data->len;
    guint8 nul = 0;

    g_byte_array_append (data, &nul, 1);
    return g_bytes_new_take (g_byte_array_free (g_steal_pointer (&data), FALSE), len);
  }
}
