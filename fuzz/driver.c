/* driver.c: replays saved inputs through a fuzz target where libFuzzer is not linked in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A normal build (any compiler, no -Dfuzzing) links each fuzz target with
 * this main() instead of libFuzzer's, so the targets always build and cannot
 * rot, and the test suite replays their corpus through them (suite `fuzz`,
 * under ASan and valgrind too). It does no fuzzing: each argument is a file,
 * or a directory whose regular files are all read (sorted by name), and each
 * input goes once through LLVMFuzzerTestOneInput in a buffer of exactly its
 * size, as libFuzzer hands it over, so a read past the end is caught.
 *
 * Output is TAP, one line per input; the harness aborts on any failure
 * (fuzz-common.h), so the last input named is the one that failed.
 */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Adds PATH, or the regular files directly in it when it is a directory. */
static gboolean
collect (GPtrArray  *inputs,
         const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (inputs, g_strdup (path));
      return TRUE;
    }

  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    {
      printf ("Bail out! %s\n", error->message);
      return FALSE;
    }

  found = g_ptr_array_new ();
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      char *file = g_build_filename (path, name, NULL);

      if (g_file_test (file, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (found, file);
      else
        g_free (file);
    }
  g_ptr_array_sort (found, compare_paths);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (inputs, g_ptr_array_index (found, i));

  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  int status = 0;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s FILE|DIRECTORY...\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    if (!collect (inputs, argv[i]))
      return 1;

  /* A corpus that went missing must not pass as an empty success. */
  if (inputs->len == 0)
    {
      printf ("Bail out! no inputs in the directories given\n");
      return 1;
    }

  LLVMFuzzerInitialize (&argc, &argv);

  printf ("1..%u\n", inputs->len);
  fflush (stdout);
  for (guint i = 0; i < inputs->len; i++)
    {
      const char *path = g_ptr_array_index (inputs, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      uint8_t *data;
      gsize size;

      if (!g_file_get_contents (path, &contents, &size, &error))
        {
          printf ("not ok %u %s # %s\n", i + 1, path, error->message);
          status = 1;
          continue;
        }

      /* Name the input before it runs: if it crashes, the log ends here. */
      printf ("# %s (%" G_GSIZE_FORMAT " bytes)\n", path, size);
      fflush (stdout);
      /* A copy of exactly SIZE bytes: no terminating NUL to read into. */
      data = malloc (size > 0 ? size : 1);
      if (size > 0)
        memcpy (data, contents, size);
      LLVMFuzzerTestOneInput (data, size);
      free (data);
      printf ("ok %u %s\n", i + 1, path);
      fflush (stdout);
    }

  return status;
}
