/* bench-util.c: goals, statistics, clocks and timed child processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bench.h"

#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

AwBenchGoal *
aw_bench_add_goal (AwBench    *bench,
                   const char *name,
                   const char *unit,
                   double      value,
                   double      limit,
                   double      goal,
                   const char *what,
                   const char *limit_what)
{
  AwBenchGoal *g = g_new0 (AwBenchGoal, 1);

  g->name = g_strdup (name);
  g->unit = g_strdup (unit);
  g->value = value;
  g->limit = limit;
  g->ratio = limit > 0 ? value / limit : (value > 0 ? INFINITY : 0);
  g->goal = goal;
  g->pass = isfinite (g->ratio) && g->ratio <= goal;
  g->measured = TRUE;
  g->what = g_strdup (what);
  g->limit_what = g_strdup (limit_what);
  g_ptr_array_add (bench->goals, g);

  return g;
}

void
aw_bench_skip_goal (AwBench    *bench,
                    const char *name,
                    const char *unit,
                    double      goal,
                    const char *what,
                    const char *why)
{
  AwBenchGoal *g = g_new0 (AwBenchGoal, 1);

  g->name = g_strdup (name);
  g->unit = g_strdup (unit);
  g->value = g->limit = g->ratio = NAN;
  g->goal = goal;
  g->what = g_strdup (what);
  g->limit_what = g_strdup ("");
  g->note = g_strdup (why);
  g_ptr_array_add (bench->goals, g);
}

void
aw_bench_note (AwBenchGoal *goal,
               const char  *format,
               ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  if (goal->note == NULL)
    goal->note = g_steal_pointer (&text);
  else
    {
      char *joined = g_strconcat (goal->note, "; ", text, NULL);

      g_free (goal->note);
      goal->note = joined;
    }
}

/* Progress goes to stderr so that stdout stays one table or one JSON object. */
void
aw_bench_progress (AwBench    *bench,
                   const char *format,
                   ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "bench: %s\n", text);
}

gboolean
aw_bench_wants (AwBench    *bench,
                const char *section)
{
  return bench->only == NULL || strstr (section, bench->only) != NULL;
}

guint
aw_bench_repeats (AwBench *bench)
{
  return bench->smoke ? 1 : MAX (bench->repeats, 5);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

double
aw_bench_median (const double *values,
                 guint         n)
{
  g_autofree double *sorted = NULL;

  if (n == 0)
    return NAN;
  sorted = g_memdup2 (values, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/* Nearest rank; sorts @values in place. */
double
aw_bench_percentile (double *values,
                     guint   n,
                     double  p)
{
  guint rank;

  if (n == 0)
    return NAN;
  qsort (values, n, sizeof (double), compare_doubles);
  rank = (guint) ceil (p / 100.0 * n);
  return values[CLAMP (rank, 1, n) - 1];
}

double
aw_bench_min (const double *values,
              guint         n)
{
  double m = INFINITY;

  for (guint i = 0; i < n; i++)
    m = MIN (m, values[i]);
  return m;
}

double
aw_bench_max (const double *values,
              guint         n)
{
  double m = -INFINITY;

  for (guint i = 0; i < n; i++)
    m = MAX (m, values[i]);
  return m;
}

gint64
aw_bench_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* CPU time of the calling thread: a busy shared machine preempts us, and
 * time spent in other processes is not ours. */
gint64
aw_bench_thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

gsize
aw_bench_rss_bytes (void)
{
  g_autofree char *text = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &text, NULL, NULL) ||
      sscanf (text, "%lu %lu", &size, &resident) != 2)
    return 0;
  return (gsize) resident * (gsize) sysconf (_SC_PAGESIZE);
}

/* Bytes handed out by malloc, mapped blocks included. */
gsize
aw_bench_heap_bytes (void)
{
  struct mallinfo2 mi = mallinfo2 ();

  return mi.uordblks + mi.hblkhd;
}

/* A program built beside the bench, or the one named by @env. */
char *
aw_bench_build_path (const char *env,
                     const char *built)
{
  const char *path = env != NULL ? g_getenv (env) : NULL;

  return g_strdup (path != NULL && path[0] != '\0' ? path : built);
}

/* The environment of timed children: the same for ours and for the
 * minimal programs they are compared with. */
char **
aw_bench_child_env (void)
{
  char **envp = g_get_environ ();

  envp = g_environ_setenv (envp, "GSK_RENDERER", "cairo", FALSE);
  envp = g_environ_setenv (envp, "GDK_DEBUG", "gl-disable", FALSE);
  envp = g_environ_setenv (envp, "GTK_A11Y", "none", TRUE);
  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "memory", TRUE);
  envp = g_environ_setenv (envp, "GSETTINGS_SCHEMA_DIR", AW_BENCH_SCHEMA_DIR, FALSE);
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  /* No session bus: one process per run, never a hand-over to another instance. */
  envp = g_environ_unsetenv (envp, "DBUS_SESSION_BUS_ADDRESS");
  envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR", g_get_tmp_dir (), TRUE);

  return envp;
}

/*
 * Starts @argv and returns the milliseconds from just before the spawn to
 * the moment its stdout carried @until_line (a whole line), or to its exit
 * when @until_line is %NULL. The child must exit with status 0.
 */
double
aw_bench_spawn_ms (char       **argv,
                   char       **envp,
                   const char  *until_line,
                   GError     **error)
{
  GString *out = g_string_new (NULL);
  gint64 start, seen = -1;
  int out_fd = -1, status = 0;
  GPid pid;

  start = aw_bench_now_ns ();
  if (!g_spawn_async_with_pipes (NULL, argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &pid, NULL, &out_fd, NULL, error))
    {
      g_string_free (out, TRUE);
      return NAN;
    }

  for (;;)
    {
      char buf[4096];
      gssize n = read (out_fd, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (out, buf, n);
      if (seen < 0 && until_line != NULL)
        {
          g_autofree char *needle = g_strdup_printf ("%s\n", until_line);

          if (g_str_has_prefix (out->str, needle) || strstr (out->str, needle) != NULL)
            seen = aw_bench_now_ns ();
        }
    }
  close (out_fd);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (until_line == NULL)
    seen = aw_bench_now_ns ();
  g_spawn_close_pid (pid);

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0 || seen < 0)
    {
      g_autofree char *cmd = g_strjoinv (" ", argv);

      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                   "%s: %s", cmd,
                   seen < 0 ? "never said it was done" : "exited with an error");
      g_string_free (out, TRUE);
      return NAN;
    }

  g_string_free (out, TRUE);
  return (seen - start) / 1e6;
}
