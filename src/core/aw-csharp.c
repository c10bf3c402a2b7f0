/* aw-csharp.c: C# programs run on Mono through the C# lab, and their recorded runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The C# lab (csharp/Awaitscope.Lab.cs) records a C# program's runs in
 * Awaitscope's own trace format. Here a scenario's C# twin (with the twins'
 * harness) or a user's file is compiled with Mono's mcs, together with the
 * lab, into the user's cache (one .exe per hash of the sources and of the
 * compiler's version, so a second run starts at once), run with `mono`
 * with a deadline (killed when it passes or when the caller cancels), and
 * the trace it wrote is loaded like any saved trace.
 *
 * The sources are looked up in $AWAITSCOPE_CSHARP_DIR (the lab; its twins
 * in twins/ beside it or the source tree's tests/csharp), then where they
 * are installed, then in the source tree this binary was built from.
 */

#include "config.h"

#include "aw-csharp.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "aw-trace-io.h"

G_DEFINE_QUARK (aw-csharp-error-quark, aw_csharp_error)

#define LAB_FILE     "Awaitscope.Lab.cs"
#define HARNESS_FILE "Lab.cs"

/* The lab's folder: the one holding Awaitscope.Lab.cs. */
char *
aw_csharp_find_lab (GError **error)
{
  const char *env = g_getenv ("AWAITSCOPE_CSHARP_DIR");
  const char *dirs[] = { env, AW_CSHARP_INSTALL_DIR, AW_SOURCE_ROOT "/csharp" };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *lab = NULL;

      if (dirs[i] == NULL || dirs[i][0] == '\0')
        continue;
      lab = g_build_filename (dirs[i], LAB_FILE, NULL);
      if (g_file_test (lab, G_FILE_TEST_IS_REGULAR))
        return g_strdup (dirs[i]);
      if (i == 0)
        {
          g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_NO_SOURCE,
                       "AWAITSCOPE_CSHARP_DIR is %s, which has no %s", env, LAB_FILE);
          return NULL;
        }
    }
  g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_NO_SOURCE,
               "the C# lab (%s) is not installed: not in %s nor in %s/csharp",
               LAB_FILE, AW_CSHARP_INSTALL_DIR, AW_SOURCE_ROOT);
  return NULL;
}

/* The folder of the twins, beside the lab or in the source tree. */
static char *
find_twins (const char *lab_dir)
{
  g_autofree char *beside = g_build_filename (lab_dir, "twins", HARNESS_FILE, NULL);

  if (g_file_test (beside, G_FILE_TEST_IS_REGULAR))
    return g_build_filename (lab_dir, "twins", NULL);
  return g_strdup (AW_SOURCE_ROOT "/tests/csharp");
}

/**
 * aw_csharp_find_twin:
 * @scenario_id: a scenario of the catalogue
 * @error: return location for an error
 *
 * Returns: (transfer full): the path of the scenario's C# twin
 */
char *
aw_csharp_find_twin (const char  *scenario_id,
                     GError     **error)
{
  g_autofree char *lab = aw_csharp_find_lab (error);
  g_autofree char *twins = NULL;
  g_autofree char *name = NULL;
  char *path;

  if (lab == NULL)
    return NULL;
  twins = find_twins (lab);
  name = g_strconcat (scenario_id, ".cs", NULL);
  path = g_build_filename (twins, name, NULL);
  if (strchr (scenario_id, '/') != NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_NO_SOURCE,
                   "scenario \"%s\" has no C# twin (no %s)", scenario_id, path);
      g_free (path);
      return NULL;
    }
  return path;
}

static gboolean
find_mono (char   **mcs,
           char   **mono,
           GError **error)
{
  *mcs = g_find_program_in_path ("mcs");
  *mono = g_find_program_in_path ("mono");
  if (*mcs == NULL || *mono == NULL)
    {
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_NO_MONO,
                   "the C# lab needs Mono, and %s is not installed "
                   "(on Debian or Ubuntu: apt-get install mono-mcs)",
                   *mcs == NULL && *mono == NULL ? "neither mcs nor mono"
                   : *mcs == NULL ? "its compiler mcs" : "its runtime mono");
      g_clear_pointer (mcs, g_free);
      g_clear_pointer (mono, g_free);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  gboolean  done;
  gboolean  timed_out;
  char     *out;
  char     *err;
  GError   *error;
} Wait;

static void
communicated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *w = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &w->out, &w->err, &w->error);
  w->done = TRUE;
}

static gboolean
timed_out (gpointer user_data)
{
  GSubprocess *process = user_data;

  g_object_set_data (G_OBJECT (process), "aw-timed-out", GINT_TO_POINTER (1));
  g_subprocess_force_exit (process);
  return G_SOURCE_REMOVE;
}

/* Runs @argv to its end, or kills it after @timeout_s or when @cancellable
 * fires. Its output is in @out and @err. */
static gboolean
run_program (const char * const  *argv,
             guint                timeout_s,
             GCancellable        *cancellable,
             char               **out,
             char               **err,
             GError             **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSource) timeout = NULL;
  Wait w = { 0 };
  gboolean ok;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (process == NULL)
    return FALSE;

  g_main_context_push_thread_default (context);
  timeout = g_timeout_source_new_seconds (timeout_s);
  g_source_set_callback (timeout, timed_out, process, NULL);
  g_source_attach (timeout, context);
  g_subprocess_communicate_utf8_async (process, NULL, cancellable, communicated, &w);
  while (!w.done)
    g_main_context_iteration (context, TRUE);
  if (w.error != NULL)
    {
      /* Cancelled: the process goes too. */
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
    }
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  w.timed_out = g_object_get_data (G_OBJECT (process), "aw-timed-out") != NULL;
  if (w.error != NULL)
    {
      g_propagate_error (error, w.error);
      ok = FALSE;
    }
  else if (w.timed_out)
    {
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_RUN,
                   "%s did not end within %u s and was stopped", argv[0], timeout_s);
      ok = FALSE;
    }
  else
    ok = TRUE;
  if (ok && !g_subprocess_get_if_exited (process))
    {
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_RUN, "%s was killed by signal %d",
                   argv[0], g_subprocess_get_term_sig (process));
      ok = FALSE;
    }
  if (out != NULL)
    *out = g_steal_pointer (&w.out);
  if (err != NULL)
    *err = g_steal_pointer (&w.err);
  g_free (w.out);
  g_free (w.err);
  if (ok && g_subprocess_get_exit_status (process) != 0)
    {
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_RUN, "%s exited with status %d",
                   argv[0], g_subprocess_get_exit_status (process));
      return FALSE;
    }
  return ok;
}

/* The last @n lines of @text, indented, for an error message. */
static char *
tail (const char *text,
      guint       n)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  guint len = g_strv_length (lines), first;
  GString *out = g_string_new (NULL);

  while (len > 0 && lines[len - 1][0] == '\0')
    len--;
  first = len > n ? len - n : 0;
  for (guint i = first; i < len; i++)
    {
      g_string_append (out, "\n  ");
      /* No control characters to a terminal. */
      for (const char *p = lines[i]; *p; p++)
        g_string_append_c (out, (guchar) *p < 0x20 && *p != '\t' ? '?' : *p);
    }
  return g_string_free (out, FALSE);
}

/* Compiles @sources with the lab into the cache, unless an .exe of the
 * same sources and compiler is there already. */
static char *
compile (const char  *mcs,
         GPtrArray   *sources,
         GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *version = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "awaitscope", "csharp", NULL);
  g_autofree char *exe = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;
  g_autofree char *base = NULL;
  const char *version_argv[] = { mcs, "--version", NULL };

  if (!run_program (version_argv, 60, NULL, &version, NULL, error))
    return NULL;
  g_checksum_update (sum, (const guchar *) version, -1);
  for (guint i = 0; i < sources->len; i++)
    {
      const char *path = g_ptr_array_index (sources, i);
      g_autofree char *text = NULL;
      gsize len;

      if (!g_file_get_contents (path, &text, &len, error))
        return NULL;
      base = g_path_get_basename (path);
      g_checksum_update (sum, (const guchar *) base, -1);
      g_clear_pointer (&base, g_free);
      g_checksum_update (sum, (const guchar *) "\0", 1);
      g_checksum_update (sum, (const guchar *) text, len);
    }

  base = g_path_get_basename (g_ptr_array_index (sources, 0));
  if (g_str_has_suffix (base, ".cs"))
    base[strlen (base) - 3] = '\0';
  exe = g_strdup_printf ("%s/%s-%.16s.exe", dir, base, g_checksum_get_string (sum));
  if (g_file_test (exe, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&exe);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_COMPILE,
                   "cannot make the cache folder %s: %s", dir, g_strerror (errno));
      return NULL;
    }
  tmp = g_strdup_printf ("%s.%d.tmp", exe, (int) getpid ());
  g_ptr_array_add (argv, g_strdup (mcs));
  g_ptr_array_add (argv, g_strdup ("-langversion:latest"));
  g_ptr_array_add (argv, g_strdup ("-nowarn:1998"));
  g_ptr_array_add (argv, g_strconcat ("-out:", tmp, NULL));
  for (guint i = 0; i < sources->len; i++)
    g_ptr_array_add (argv, g_strdup (g_ptr_array_index (sources, i)));
  g_ptr_array_add (argv, NULL);
  if (!run_program ((const char * const *) argv->pdata, 300, NULL, &out, NULL, &local))
    {
      g_autofree char *lines = tail (out, 12);

      g_unlink (tmp);
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_COMPILE, "mcs could not compile %s:%s",
                   (const char *) g_ptr_array_index (sources, 0), lines[0] ? lines : local->message);
      return NULL;
    }
  if (g_rename (tmp, exe) != 0)
    {
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_COMPILE,
                   "cannot move the compiled program to %s: %s", exe, g_strerror (errno));
      g_unlink (tmp);
      return NULL;
    }
  return g_steal_pointer (&exe);
}

/* Compiles @sources, runs the program and loads the trace it wrote. */
static GPtrArray *
run_sources (GPtrArray     *sources,
             double         speed,
             int            deadline_ms,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *mcs = NULL;
  g_autofree char *mono = NULL;
  g_autofree char *exe = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *trace = NULL;
  g_autofree char *err = NULL;
  char speed_text[G_ASCII_DTOSTR_BUF_SIZE];
  char deadline_text[16];
  g_autoptr(GError) local = NULL;
  GPtrArray *traces;

  if (!find_mono (&mcs, &mono, error))
    return NULL;
  exe = compile (mcs, sources, error);
  if (exe == NULL)
    return NULL;

  tmpdir = g_dir_make_tmp ("awaitscope-csharp-XXXXXX", error);
  if (tmpdir == NULL)
    return NULL;
  trace = g_build_filename (tmpdir, "trace.json", NULL);
  g_ascii_formatd (speed_text, sizeof speed_text, "%g", speed);
  g_snprintf (deadline_text, sizeof deadline_text, "%d", deadline_ms);
  {
    const char *argv[] = { mono, exe, "--speed", speed_text, "--deadline", deadline_text,
                           "--trace", trace, NULL };

    if (!run_program (argv, AW_CSHARP_TIMEOUT_S, cancellable, NULL, &err, &local))
      {
        g_autofree char *lines = tail (err, 12);

        g_unlink (trace);
        g_rmdir (tmpdir);
        if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
          g_propagate_error (error, g_steal_pointer (&local));
        else
          g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_RUN, "the C# program %s failed: %s%s",
                       (const char *) g_ptr_array_index (sources, 0), local->message, lines);
        return NULL;
      }
  }
  if (!g_file_test (trace, G_FILE_TEST_IS_REGULAR))
    {
      g_rmdir (tmpdir);
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_RUN,
                   "the C# program %s wrote no trace: does its Main end with Lab.Save()?",
                   (const char *) g_ptr_array_index (sources, 0));
      return NULL;
    }
  traces = aw_traces_load_from_file (trace, error);
  g_unlink (trace);
  g_rmdir (tmpdir);
  return traces;
}

/**
 * aw_csharp_run_twin:
 * @scenario_id: a scenario of the catalogue
 * @speed: divides every duration
 * @deadline_ms: the watchdog's deadline for a blocked UI thread
 * @cancellable: (nullable): stops the run (and kills the program)
 * @error: return location for an error
 *
 * Compiles the scenario's C# twin with the twins' harness and the lab, runs
 * it on Mono and loads what it recorded: one trace per variant.
 *
 * Returns: (transfer full) (element-type AwTrace): the runs, or %NULL
 */
GPtrArray *
aw_csharp_run_twin (const char    *scenario_id,
                    double         speed,
                    int            deadline_ms,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *twin = aw_csharp_find_twin (scenario_id, error);
  g_autofree char *lab = NULL;
  g_autofree char *twins = NULL;

  if (twin == NULL)
    return NULL;
  lab = aw_csharp_find_lab (error);
  if (lab == NULL)
    return NULL;
  twins = g_path_get_dirname (twin);
  g_ptr_array_add (sources, g_steal_pointer (&twin));
  g_ptr_array_add (sources, g_build_filename (twins, HARNESS_FILE, NULL));
  g_ptr_array_add (sources, g_build_filename (lab, LAB_FILE, NULL));
  return run_sources (sources, speed, deadline_ms, cancellable, error);
}

/**
 * aw_csharp_run_file:
 * @path: a C# program that uses the lab (Lab.Init, Lab.Variant, Lab.Save)
 * @speed: divides every duration
 * @deadline_ms: the watchdog's deadline for a blocked UI thread
 * @cancellable: (nullable): stops the run (and kills the program)
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type AwTrace): the runs, or %NULL
 */
GPtrArray *
aw_csharp_run_file (const char    *path,
                    double         speed,
                    int            deadline_ms,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lab = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_NO_SOURCE, "%s: no such file", path);
      return NULL;
    }
  lab = aw_csharp_find_lab (error);
  if (lab == NULL)
    return NULL;
  g_ptr_array_add (sources, g_strdup (path));
  g_ptr_array_add (sources, g_build_filename (lab, LAB_FILE, NULL));
  return run_sources (sources, speed, deadline_ms, cancellable, error);
}
