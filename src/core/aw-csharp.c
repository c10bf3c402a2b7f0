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

#include "aw-i18n.h"

#include "aw-csharp.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
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
          /* Translators: AWAITSCOPE_CSHARP_DIR stays as it is; the first %s is a folder, the
           * second a file name. */
          g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_NO_SOURCE,
                       _("AWAITSCOPE_CSHARP_DIR is %s, which has no %s"), env, LAB_FILE);
          return NULL;
        }
    }
  /* Translators: the first %s is a file name, the others folders. */
  g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_NO_SOURCE,
               _("the C# lab (%s) is not installed: not in %s nor in %s/csharp"),
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
      /* Translators: the first %s is a scenario's id, the second a file name; a twin is the same
       * program written in C#. */
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_NO_SOURCE,
                   _("scenario \"%s\" has no C# twin (no %s)"), scenario_id, path);
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
      /* Translators: mcs, mono and apt-get install mono-mcs are commands
       * and stay as they are. */
      g_set_error_literal (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_NO_MONO,
                           *mcs == NULL && *mono == NULL
                           ? _("the C# lab needs Mono, and neither mcs nor mono is installed "
                               "(on Debian or Ubuntu: apt-get install mono-mcs)")
                           : *mcs == NULL
                           ? _("the C# lab needs Mono, and its compiler mcs is not installed "
                               "(on Debian or Ubuntu: apt-get install mono-mcs)")
                           : _("the C# lab needs Mono, and its runtime mono is not installed "
                               "(on Debian or Ubuntu: apt-get install mono-mcs)"));
      g_clear_pointer (mcs, g_free);
      g_clear_pointer (mono, g_free);
      return FALSE;
    }
  return TRUE;
}

/**
 * aw_csharp_have_mono:
 * @error: return location for an error that says what to install
 *
 * Returns: whether mcs and mono are both on PATH
 */
gboolean
aw_csharp_have_mono (GError **error)
{
  g_autofree char *mcs = NULL;
  g_autofree char *mono = NULL;

  return find_mono (&mcs, &mono, error);
}

/**
 * aw_csharp_limits_init_file:
 * @limits: (out caller-allocates): the limits to fill
 *
 * The limits of a program of the user's own (`run FILE.cs`, the window's
 * Open C# File).
 */
void
aw_csharp_limits_init_file (AwCsharpLimits *limits)
{
  limits->time_s = AW_CSHARP_FILE_TIME_LIMIT_S;
  limits->memory_mib = AW_CSHARP_MEMORY_LIMIT_MIB;
  limits->threads = AW_CSHARP_THREAD_LIMIT;
  limits->output_mib = AW_CSHARP_OUTPUT_LIMIT_MIB;
}

/* The sandbox: bwrap, when it is installed and can make namespaces here
 * (a container may forbid them). Probed once. */
static char *sandbox_bwrap;
static char *sandbox_note;

static gpointer
probe_sandbox (gpointer data)
{
  g_autofree char *bwrap = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  (void) data;
  if (g_strcmp0 (g_getenv ("AWAITSCOPE_CSHARP_SANDBOX"), "0") == 0)
    {
      /* Translators: AWAITSCOPE_CSHARP_SANDBOX=0 stays as it is. */
      sandbox_note = g_strdup (_("the sandbox is turned off (AWAITSCOPE_CSHARP_SANDBOX=0): "
                                 "the program runs with the network and the user's /tmp"));
      return NULL;
    }
  bwrap = g_find_program_in_path ("bwrap");
  if (bwrap == NULL)
    {
      /* Translators: bwrap and apt-get install bubblewrap stay as they are. */
      sandbox_note = g_strdup (_("bwrap is not installed, so the program runs with the network and the "
                                 "user's /tmp (apt-get install bubblewrap to run it without them)"));
      return NULL;
    }
  {
    const char *argv[] = { bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                           "--tmpfs", "/tmp", "--unshare-net", "--unshare-pid", "--die-with-parent",
                           "--new-session", "--", "true", NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                       NULL, &err, &status, &error) ||
        !g_spawn_check_wait_status (status, NULL))
      {
        g_autofree char *first = g_strdup (error ? error->message : err ? err : "");
        char *nl = strchr (first, '\n');

        if (nl != NULL)
          *nl = '\0';
        g_strstrip (first);
        if (first[0] != '\0')
          /* Translators: %s is bwrap's own message; bwrap stays as it is. */
          sandbox_note = g_strdup_printf (_("bwrap cannot make a sandbox here (%s), so the program runs "
                                            "with the network and the user's /tmp"),
                                          first);
        else
          /* Translators: bwrap stays as it is. */
          sandbox_note = g_strdup (_("bwrap cannot make a sandbox here, so the program runs "
                                     "with the network and the user's /tmp"));
        return NULL;
      }
  }
  sandbox_bwrap = g_steal_pointer (&bwrap);
  return NULL;
}

static const char *
sandbox (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, probe_sandbox, NULL);
  return sandbox_bwrap;
}

/**
 * aw_csharp_sandbox_note:
 *
 * Returns: (nullable): why a C# program runs without a sandbox, or %NULL
 *   when it runs in one
 */
const char *
aw_csharp_sandbox_note (void)
{
  sandbox ();
  return sandbox_note;
}

/* Why a run stopped before its end. */
typedef enum {
  STOP_NONE,
  STOP_TIME,
  STOP_MEMORY,
  STOP_THREADS,
} Stop;

typedef struct {
  const char * const   *argv;
  guint                 time_s;
  const AwCsharpLimits *limits;       /* NULL: time only */
  const char           *output_path;  /* stdout and stderr go there; NULL: captured */
} Command;

typedef struct {
  Stop     stop;
  gboolean signalled;
  int      signal;
  int      status;
  guint    peak_threads;
  guint64  peak_rss_kib;
  GBytes  *out;            /* the captured output, when not in a file */
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_clear_pointer (&o->out, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

typedef struct {
  GSubprocess          *process;
  const AwCsharpLimits *limits;
  Outcome              *outcome;
  GPid                  pid;
  gboolean              done;
  GError               *error;
} Watch;

/* Set in the child between fork and exec: only async-signal-safe calls. */
typedef struct {
  rlim_t as;
  rlim_t fsize;
} ChildLimits;

static void
child_setup (gpointer data)
{
  const ChildLimits *cl = data;
  struct rlimit rl = { 0, 0 };

  /* Its own process group, so a kill reaches what it starts. */
  setpgid (0, 0);
  setrlimit (RLIMIT_CORE, &rl);
  if (cl->as != 0)
    {
      rl.rlim_cur = rl.rlim_max = cl->as;
      setrlimit (RLIMIT_AS, &rl);
    }
  if (cl->fsize != 0)
    {
      rl.rlim_cur = rl.rlim_max = cl->fsize;
      setrlimit (RLIMIT_FSIZE, &rl);
    }
}

/* The parent of process @pid, from /proc/PID/stat, or 0. */
static GPid
parent_of (const char *pid)
{
  char path[64];
  g_autofree char *stat = NULL;
  const char *close;

  g_snprintf (path, sizeof path, "/proc/%s/stat", pid);
  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return 0;
  /* "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses. */
  close = strrchr (stat, ')');
  if (close == NULL || strlen (close) < 4)
    return 0;
  return (GPid) g_ascii_strtoll (close + 4, NULL, 10);
}

/* The threads and resident memory of @root and every process under it (a
 * sandbox's processes and what the program starts). /proc/PID/status, as
 * /proc/PID/task/TID/children is not in every kernel. */
static void
sample_tree (GPid     root,
             guint   *threads,
             guint64 *rss_kib)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autoptr(GArray) parents = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autoptr(GArray) tree = g_array_new (FALSE, FALSE, sizeof (GPid));
  GDir *dir = g_dir_open ("/proc", 0, NULL);
  const char *name;

  *threads = 0;
  *rss_kib = 0;
  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      GPid pid, parent;

      if (!g_ascii_isdigit (name[0]))
        continue;
      pid = (GPid) g_ascii_strtoll (name, NULL, 10);
      parent = parent_of (name);
      g_array_append_val (pids, pid);
      g_array_append_val (parents, parent);
    }
  g_dir_close (dir);

  g_array_append_val (tree, root);
  for (guint i = 0; i < tree->len; i++)
    for (guint k = 0; k < pids->len; k++)
      if (g_array_index (parents, GPid, k) == g_array_index (tree, GPid, i))
        g_array_append_val (tree, g_array_index (pids, GPid, k));

  for (guint i = 0; i < tree->len; i++)
    {
      char path[64];
      g_autofree char *status = NULL;
      const char *line;

      g_snprintf (path, sizeof path, "/proc/%d/status", (int) g_array_index (tree, GPid, i));
      if (!g_file_get_contents (path, &status, NULL, NULL))
        continue;
      if ((line = strstr (status, "\nThreads:")) != NULL)
        *threads += (guint) g_ascii_strtoull (line + 9, NULL, 10);
      if ((line = strstr (status, "\nVmRSS:")) != NULL)
        *rss_kib += g_ascii_strtoull (line + 7, NULL, 10);
    }
}

static void
kill_tree (Watch *w)
{
  /* The process group first (the program and what it started; a sandbox
   * takes its own processes with it), then the process itself. */
  if (w->pid > 0 && g_subprocess_get_identifier (w->process) != NULL)
    kill (-w->pid, SIGKILL);
  g_subprocess_force_exit (w->process);
}

static gboolean
time_limit_reached (gpointer user_data)
{
  Watch *w = user_data;

  if (w->outcome->stop == STOP_NONE)
    w->outcome->stop = STOP_TIME;
  kill_tree (w);
  return G_SOURCE_REMOVE;
}

static gboolean
sample_limits (gpointer user_data)
{
  Watch *w = user_data;
  guint threads;
  guint64 rss;

  if (w->outcome->stop != STOP_NONE || g_subprocess_get_identifier (w->process) == NULL)
    return G_SOURCE_CONTINUE;
  sample_tree (w->pid, &threads, &rss);
  w->outcome->peak_threads = MAX (w->outcome->peak_threads, threads);
  w->outcome->peak_rss_kib = MAX (w->outcome->peak_rss_kib, rss);
  if (w->limits->threads != 0 && threads > w->limits->threads)
    w->outcome->stop = STOP_THREADS;
  else if (w->limits->memory_mib != 0 && rss > (guint64) w->limits->memory_mib * 1024)
    w->outcome->stop = STOP_MEMORY;
  if (w->outcome->stop != STOP_NONE)
    kill_tree (w);
  return G_SOURCE_CONTINUE;
}

static void
communicated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Watch *w = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &w->outcome->out, NULL, &w->error);
  w->done = TRUE;
}

static void
waited (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Watch *w = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, &w->error);
  w->done = TRUE;
}

/* Runs @cmd to its end, or stops it at its limits or when @cancellable
 * fires; says how it ended in @outcome. Returns FALSE (with @error) only
 * when it could not start or was cancelled. The caller's thread waits on
 * a main context of its own, so this may run on any thread. */
static gboolean
run_command (const Command  *cmd,
             GCancellable   *cancellable,
             Outcome        *outcome,
             GError        **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GSource) sampler = NULL;
  ChildLimits cl = { 0, 0 };
  Watch w = { 0 };
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDERR_MERGE;

  memset (outcome, 0, sizeof *outcome);
  if (cmd->limits != NULL)
    {
      /* The address space is a backstop for what grows between two samples:
       * Mono reserves far more than it touches (measured: Mono 6.8 runs the
       * examples in 256 MiB), so it is four times the memory limit, which
       * is on resident memory. */
      if (cmd->limits->memory_mib != 0)
        cl.as = (rlim_t) cmd->limits->memory_mib * 4 * 1024 * 1024;
      if (cmd->limits->output_mib != 0)
        cl.fsize = (rlim_t) cmd->limits->output_mib * 1024 * 1024;
    }
  if (cmd->output_path == NULL)
    flags |= G_SUBPROCESS_FLAGS_STDOUT_PIPE;
  launcher = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_set_stdin_file_path (launcher, "/dev/null");
  if (cmd->output_path != NULL)
    g_subprocess_launcher_set_stdout_file_path (launcher, cmd->output_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, &cl, NULL);
  process = g_subprocess_launcher_spawnv (launcher, cmd->argv, error);
  if (process == NULL)
    return FALSE;

  w.process = process;
  w.limits = cmd->limits;
  w.outcome = outcome;
  w.pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);

  g_main_context_push_thread_default (context);
  if (cmd->time_s != 0)
    {
      timeout = g_timeout_source_new (cmd->time_s * 1000);
      g_source_set_callback (timeout, time_limit_reached, &w, NULL);
      g_source_attach (timeout, context);
    }
  if (cmd->limits != NULL && (cmd->limits->threads != 0 || cmd->limits->memory_mib != 0))
    {
      /* A thread bomb starts a few thousand threads a second on Mono: at
       * ten samples a second it is stopped well before its threads'
       * stacks reach the address space limit. */
      sampler = g_timeout_source_new (100);
      g_source_set_callback (sampler, sample_limits, &w, NULL);
      g_source_attach (sampler, context);
    }
  if (cmd->output_path == NULL)
    g_subprocess_communicate_async (process, NULL, cancellable, communicated, &w);
  else
    g_subprocess_wait_async (process, cancellable, waited, &w);
  while (!w.done)
    g_main_context_iteration (context, TRUE);
  if (w.error != NULL)
    {
      /* Cancelled: the program goes too. */
      kill_tree (&w);
      g_subprocess_wait (process, NULL, NULL);
    }
  else if (cmd->output_path == NULL)
    g_subprocess_wait (process, NULL, NULL);
  if (timeout != NULL)
    g_source_destroy (timeout);
  if (sampler != NULL)
    g_source_destroy (sampler);
  g_main_context_pop_thread_default (context);

  if (w.error != NULL)
    {
      g_propagate_error (error, w.error);
      return FALSE;
    }
  outcome->signalled = g_subprocess_get_if_signaled (process);
  outcome->signal = outcome->signalled ? g_subprocess_get_term_sig (process) : 0;
  outcome->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  return TRUE;
}

/* @text made fit for a terminal and a label: valid UTF-8, no control
 * characters but newlines and tabs. */
static char *
clean_text (const char *text,
            gsize       len)
{
  g_autofree char *valid = g_utf8_make_valid (text, len);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\t')
        g_string_append_c (out, (char) c);
      else if (c == '\r')
        continue;
      else if (g_unichar_iscntrl (c))
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
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
      /* A line of a flood of output: its start is enough. */
      if (g_utf8_strlen (lines[i], -1) > 200)
        *g_utf8_offset_to_pointer (lines[i], 200) = '\0';
      g_string_append (out, "\n  ");
      g_string_append (out, lines[i]);
    }
  return g_string_free (out, FALSE);
}

/* The last 64 KiB of a program's output file, cleaned. */
static char *
read_output_tail (const char *path)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  const gsize keep = 64 * 1024;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, NULL);
  g_autoptr(GFileInfo) info = NULL;
  goffset size;

  if (in == NULL)
    return g_strdup ("");
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  size = info ? g_file_info_get_size (info) : 0;
  if (size > (goffset) keep)
    g_seekable_seek (G_SEEKABLE (in), size - keep, G_SEEK_SET, NULL, NULL);
  text = g_malloc (keep + 1);
  g_input_stream_read_all (G_INPUT_STREAM (in), text, keep, &len, NULL, NULL);
  return clean_text (text, len);
}

/* mcs's "path(line,col): error CSnnnn: text" as "path:line:col: error
 * CSnnnn: text", the form editors and terminals link to; its summary line
 * and its warnings left out. */
static char *
compiler_errors (const char *output)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  g_autoptr(GRegex) re = g_regex_new ("^(.*)\\((\\d+),(\\d+)\\): (error .*)$", 0, 0, NULL);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;

      if (g_regex_match (re, lines[i], 0, &match))
        {
          g_autofree char *path = g_match_info_fetch (match, 1);
          g_autofree char *line = g_match_info_fetch (match, 2);
          g_autofree char *col = g_match_info_fetch (match, 3);
          g_autofree char *text = g_match_info_fetch (match, 4);

          g_string_append_printf (out, "%s%s:%s:%s: %s", out->len ? "\n" : "", path, line, col, text);
        }
      else if (strstr (lines[i], "error ") != NULL && !g_str_has_prefix (lines[i], "Compilation failed"))
        /* An error with no place (a missing file, a bad option). */
        g_string_append_printf (out, "%s%s", out->len ? "\n" : "", lines[i]);
    }
  return g_string_free (out, FALSE);
}

/* Compiles @sources with the lab into the cache, unless an .exe of the
 * same sources and compiler is there already. @sources[0] is named in
 * messages as @display. */
static char *
compile (const char  *mcs,
         GPtrArray   *sources,
         const char  *display,
         GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "awaitscope", "csharp", NULL);
  g_autofree char *exe = NULL;
  g_autofree char *tmp = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *base = NULL;
  const char *version_argv[] = { mcs, "--version", NULL };
  Command version_cmd = { version_argv, 60, NULL, NULL };
  g_auto(Outcome) version = { 0 };
  g_auto(Outcome) built = { 0 };

  if (!run_command (&version_cmd, NULL, &version, error))
    return NULL;
  if (version.out != NULL)
    g_checksum_update (sum, g_bytes_get_data (version.out, NULL), g_bytes_get_size (version.out));
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
      /* Translators: the first %s is a folder, the second the system's reason. */
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_COMPILE,
                   _("cannot make the cache folder %s: %s"), dir, g_strerror (errno));
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
  {
    Command cmd = { (const char * const *) argv->pdata, 300, NULL, NULL };

    if (!run_command (&cmd, NULL, &built, error))
      return NULL;
  }
  if (built.stop != STOP_NONE || built.status != 0)
    {
      gsize len = 0;
      const char *raw = built.out ? g_bytes_get_data (built.out, &len) : "";
      g_autofree char *text = clean_text (raw, len);
      g_autofree char *errors = compiler_errors (text);
      const char *first = g_ptr_array_index (sources, 0);
      g_autoptr(GString) shown = g_string_new (errors);

      g_unlink (tmp);
      /* The file as the user named it, not as mcs was given it. */
      if (g_strcmp0 (first, display) != 0)
        g_string_replace (shown, first, display, 0);
      if (built.stop == STOP_TIME)
        /* Translators: %s is a file name; mcs is the C# compiler and stays as it is. */
        g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_COMPILE,
                     _("%s: mcs did not finish compiling it within 300 s"), display);
      else if (shown->len > 0)
        g_set_error_literal (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_COMPILE, shown->str);
      else
        {
          g_autofree char *lines = tail (text, 12);

          /* Translators: the first %s is a file name, the second the compiler's last lines, each
           * on a line of its own; mcs stays as it is. */
          g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_COMPILE, _("%s: mcs could not compile it:%s"),
                       display, lines);
        }
      return NULL;
    }
  if (g_rename (tmp, exe) != 0)
    {
      /* Translators: the first %s is a file name, the second the system's reason. */
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_COMPILE,
                   _("cannot move the compiled program to %s: %s"), exe, g_strerror (errno));
      g_unlink (tmp);
      return NULL;
    }
  return g_steal_pointer (&exe);
}

static void
format_mib (char  *buf,
            gsize  size,
            guint  mib)
{
  if (mib % 1024 == 0)
    g_snprintf (buf, size, "%u GiB", mib / 1024);
  else
    g_snprintf (buf, size, "%u MiB", mib);
}

/* Why a run that did not end well ended, in a sentence that starts with
 * @display, with the end of its output when that says more. */
static void
set_run_error (GError               **error,
               const char            *display,
               const Outcome         *o,
               const AwCsharpLimits  *limits,
               guint                  time_s,
               const char            *output)
{
  char mib[32];
  const char *unhandled = strstr (output, "Unhandled Exception:\n");

  switch (o->stop)
    {
    /* Translators: %s is a file name, %u a number of seconds. */
    case STOP_TIME:
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_LIMIT,
                   _("%s: stopped after %u s (time limit)"), display, time_s);
      return;
    case STOP_MEMORY:
      format_mib (mib, sizeof mib, limits->memory_mib);
      /* Translators: the first %s is a file name, the second a size such as 2 GiB. */
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_LIMIT,
                   _("%s: used more than %s of memory and was stopped (memory limit)"), display, mib);
      return;
    /* Translators: %s is a file name, %u the most threads allowed. */
    case STOP_THREADS:
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_LIMIT,
                   _("%s: started more than %u threads and was stopped (thread limit)"), display, limits->threads);
      return;
    case STOP_NONE:
    default:
      break;
    }

  if (limits != NULL && limits->output_mib != 0 && o->signalled && o->signal == SIGXFSZ && o->stop == STOP_NONE)
    {
      format_mib (mib, sizeof mib, limits->output_mib);
      /* Translators: the first %s is a file name, the second a size such as 64 MiB. */
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_LIMIT,
                   _("%s: wrote more than %s of output or trace and was stopped (output limit)"), display, mib);
      return;
    }
  /* The address space backstop: Mono's own words for it. */
  if (limits != NULL && limits->memory_mib != 0 &&
      (strstr (output, "OutOfMemoryException") != NULL || strstr (output, "Out of memory") != NULL))
    {
      format_mib (mib, sizeof mib, limits->memory_mib);
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_LIMIT,
                   _("%s: used more than %s of memory and was stopped (memory limit)"), display, mib);
      return;
    }
  if (unhandled != NULL)
    {
      /* "Unhandled Exception:\nSystem.X: message\n  at ...": the exception. */
      const char *line = unhandled + strlen ("Unhandled Exception:\n");
      g_autofree char *first = g_strndup (line, strcspn (line, "\n"));

      /* Translators: the first %s is a file name, the second the exception, as in
       * System.InvalidOperationException: message. */
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_RUN,
                   _("%s: the program ended with an unhandled exception: %s"), display, first);
      return;
    }
  {
    g_autofree char *lines = tail (output, 12);

    if (o->signalled)
      /* Translators: the first %s is a file name, %d and the second %s the signal's number and
       * name, the last %s the program's last lines of output, each on a line of its own. */
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_RUN, _("%s: the program was killed by signal %d (%s)%s"),
                   display, o->signal, g_strsignal (o->signal), lines);
    else
      /* Translators: the first %s is a file name, %d the exit status, the last %s the program's
       * last lines of output, each on a line of its own. */
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_RUN, _("%s: the program exited with status %d%s"),
                   display, o->status, lines);
  }
}

static goffset
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (goffset) st.st_size : 0;
}

/* Compiles @sources, runs the program within @limits (a sandbox where
 * bwrap works) and loads the trace it wrote. */
static GPtrArray *
run_sources (GPtrArray             *sources,
             const char            *display,
             double                 speed,
             int                    deadline_ms,
             guint                  time_s,
             const AwCsharpLimits  *limits,
             GCancellable          *cancellable,
             GError               **error)
{
  g_autofree char *mcs = NULL;
  g_autofree char *mono = NULL;
  g_autofree char *exe = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *trace = NULL;
  g_autofree char *output_path = NULL;
  g_autofree char *output = NULL;
  char speed_text[G_ASCII_DTOSTR_BUF_SIZE];
  char deadline_text[16];
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_auto(Outcome) outcome = { 0 };
  const char *bwrap = sandbox ();
  GPtrArray *traces;
  gboolean ran;

  if (!find_mono (&mcs, &mono, error))
    return NULL;
  exe = compile (mcs, sources, display, error);
  if (exe == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  tmpdir = g_dir_make_tmp ("awaitscope-csharp-XXXXXX", error);
  if (tmpdir == NULL)
    return NULL;
  trace = g_build_filename (tmpdir, "trace.json", NULL);
  output_path = g_build_filename (tmpdir, "output.txt", NULL);
  g_ascii_formatd (speed_text, sizeof speed_text, "%g", speed);
  g_snprintf (deadline_text, sizeof deadline_text, "%d", deadline_ms);

  if (bwrap != NULL)
    {
      /* No network, a /tmp of its own, the file system read-only but for
       * the folder its trace goes to; it dies with its parent. The
       * program's folder is bound again, as the cache may be under /tmp. */
      g_autofree char *exe_dir = g_path_get_dirname (exe);
      const char *args[] = { bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                             "--tmpfs", "/tmp", "--ro-bind", exe_dir, exe_dir, "--bind", tmpdir, tmpdir,
                             "--chdir", tmpdir, "--unshare-net", "--unshare-pid", "--die-with-parent",
                             "--new-session", "--", NULL };

      for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add (argv, g_strdup (args[i]));
    }
  g_ptr_array_add (argv, g_strdup (mono));
  g_ptr_array_add (argv, g_strdup (exe));
  g_ptr_array_add (argv, g_strdup ("--speed"));
  g_ptr_array_add (argv, g_strdup (speed_text));
  g_ptr_array_add (argv, g_strdup ("--deadline"));
  g_ptr_array_add (argv, g_strdup (deadline_text));
  g_ptr_array_add (argv, g_strdup ("--trace"));
  g_ptr_array_add (argv, g_strdup (trace));
  g_ptr_array_add (argv, NULL);
  {
    Command cmd = { (const char * const *) argv->pdata, time_s, limits, output_path };

    ran = run_command (&cmd, cancellable, &outcome, error);
  }
  output = read_output_tail (output_path);
  if (ran && bwrap != NULL && !outcome.signalled && outcome.status > 128 && outcome.status < 128 + 65)
    {
      /* bwrap exits with 128 + N when the program is killed by signal N. */
      outcome.signalled = TRUE;
      outcome.signal = outcome.status - 128;
    }
  if (ran && limits != NULL && limits->output_mib != 0 &&
      (file_size (output_path) >= (goffset) limits->output_mib * 1024 * 1024 ||
       file_size (trace) >= (goffset) limits->output_mib * 1024 * 1024))
    {
      /* At the size limit a write fails or SIGXFSZ ends the program. */
      outcome.signalled = TRUE;
      outcome.signal = SIGXFSZ;
    }
  g_unlink (output_path);
  if (!ran || outcome.stop != STOP_NONE || outcome.signalled || outcome.status != 0)
    {
      if (ran)
        set_run_error (error, display, &outcome, limits, time_s, output);
      g_unlink (trace);
      g_rmdir (tmpdir);
      return NULL;
    }
  if (!g_file_test (trace, G_FILE_TEST_IS_REGULAR))
    {
      g_rmdir (tmpdir);
      /* Translators: %s is a file name; Main, Lab.Init(args) and Lab.Save() are C# and stay as
       * they are. */
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_RUN,
                   _("%s: the program wrote no trace: does its Main call Lab.Init(args) and end with Lab.Save()?"),
                   display);
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
  g_autofree char *display = NULL;

  if (twin == NULL)
    return NULL;
  display = g_path_get_basename (twin);
  lab = aw_csharp_find_lab (error);
  if (lab == NULL)
    return NULL;
  twins = g_path_get_dirname (twin);
  g_ptr_array_add (sources, g_steal_pointer (&twin));
  g_ptr_array_add (sources, g_build_filename (twins, HARNESS_FILE, NULL));
  g_ptr_array_add (sources, g_build_filename (lab, LAB_FILE, NULL));
  return run_sources (sources, display, speed, deadline_ms, AW_CSHARP_TIMEOUT_S, NULL,
                      cancellable, error);
}

/**
 * aw_csharp_run_file:
 * @path: a C# program that uses the lab (Lab.Init, Lab.Variant, Lab.Save)
 * @speed: divides every duration
 * @deadline_ms: the watchdog's deadline for a blocked UI thread
 * @limits: (nullable): what it may use (%NULL: aw_csharp_limits_init_file())
 * @cancellable: (nullable): stops the run (and kills the program)
 * @error: return location for an error
 *
 * Compiles @path with the lab and runs it on Mono as a child process
 * within @limits, in a sandbox where bwrap works. Messages name the file
 * by its base name: "orders.cs: stopped after 30 s (time limit)";
 * compiler errors read "orders.cs:12:5: error CS1002: ; expected".
 *
 * Returns: (transfer full) (element-type AwTrace): the runs, or %NULL
 */
GPtrArray *
aw_csharp_run_file (const char            *path,
                    double                 speed,
                    int                    deadline_ms,
                    const AwCsharpLimits  *limits,
                    GCancellable          *cancellable,
                    GError               **error)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lab = NULL;
  g_autofree char *display = g_path_get_basename (path);
  AwCsharpLimits defaults;

  if (limits == NULL)
    {
      aw_csharp_limits_init_file (&defaults);
      limits = &defaults;
    }

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      /* Translators: %s is a file name. */
      g_set_error (error, AW_CSHARP_ERROR, AW_CSHARP_ERROR_NO_SOURCE, _("%s: no such file"), path);
      return NULL;
    }
  lab = aw_csharp_find_lab (error);
  if (lab == NULL)
    return NULL;
  g_ptr_array_add (sources, g_strdup (path));
  g_ptr_array_add (sources, g_build_filename (lab, LAB_FILE, NULL));
  return run_sources (sources, display, speed, deadline_ms, limits->time_s, limits, cancellable, error);
}
