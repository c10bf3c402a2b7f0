/* bench-process.c: whole processes, from their start: the headless picture
 * and the window's first frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bench.h"

#include <math.h>
#include <string.h>

static gboolean
awaitscope_has_virtual_clock (const char *awaitscope,
                              char      **envp)
{
  g_autofree char *out = NULL;
  const char *argv[] = { awaitscope, "render", "--help", NULL };

  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, NULL, NULL))
    return FALSE;
  return out != NULL && strstr (out, "--virtual-clock") != NULL;
}

void
aw_bench_picture (AwBench *bench)
{
  guint repeats = aw_bench_repeats (bench);
  g_autofree char *awaitscope = aw_bench_build_path ("AWAITSCOPE", AW_BENCH_AWAITSCOPE);
  g_autofree char *bare = aw_bench_build_path (NULL, AW_BENCH_BARE_PNG);
  g_autofree char *trace = g_build_filename (bench->tmpdir, "when-all.json", NULL);
  g_autofree char *ours_png = g_build_filename (bench->tmpdir, "when-all.png", NULL);
  g_autofree char *bare_png = g_build_filename (bench->tmpdir, "bare.png", NULL);
  g_auto(GStrv) envp = aw_bench_child_env ();
  g_autoptr(GError) error = NULL;
  g_autofree double *ours = g_new (double, repeats);
  g_autofree double *limit = g_new (double, repeats);
  const char *bare_argv[] = { bare, "1280", "720", bare_png, NULL };
  const char *ours_argv[8];
  gboolean virtual_clock = awaitscope_has_virtual_clock (awaitscope, envp);
  const char *what;
  AwBenchGoal *g;

  if (virtual_clock)
    {
      const char *argv[] = { awaitscope, "render", "when-all", "--virtual-clock", "-o", ours_png, NULL };

      memcpy (ours_argv, argv, sizeof argv);
      what = "awaitscope render when-all --virtual-clock -o FILE.png: process start to exit, median";
    }
  else
    {
      /* No virtual clock yet: draw a recorded run of when-all instead. */
      const char *run_argv[] = { awaitscope, "run", "when-all", "--speed", "4", "--trace", trace, NULL };
      const char *argv[] = { awaitscope, "replay", trace, "-o", ours_png, NULL };

      if (isnan (aw_bench_spawn_ms ((char **) run_argv, envp, NULL, &error)))
        {
          g_printerr ("bench: %s\n", error->message);
          bench->failed = TRUE;
          return;
        }
      memcpy (ours_argv, argv, sizeof argv);
      what = "awaitscope replay when-all.json -o FILE.png (a recorded run of when-all): "
             "process start to exit, median";
    }

  aw_bench_progress (bench, "headless picture: %u x (%s, minimal GLib+cairo PNG writer)", repeats,
                     virtual_clock ? "render --virtual-clock" : "replay of a recorded trace");

  /* One of each first, so that both start from a warm page cache. */
  for (guint r = 0; r <= repeats; r++)
    {
      double a = aw_bench_spawn_ms ((char **) ours_argv, envp, NULL, &error);
      double b = isnan (a) ? NAN : aw_bench_spawn_ms ((char **) bare_argv, envp, NULL, &error);

      if (isnan (a) || isnan (b))
        {
          g_printerr ("bench: %s\n", error->message);
          bench->failed = TRUE;
          return;
        }
      if (r > 0)
        {
          ours[r - 1] = a;
          limit[r - 1] = b;
        }
    }

  g = aw_bench_add_goal (bench, "headless-picture", "ms", aw_bench_median (ours, repeats),
                         aw_bench_median (limit, repeats), 1.5, what,
                         "a minimal GLib+cairo program writing a 1280x720 PNG the same way "
                         "(temporary file, fsync, rename)");
  aw_bench_note (g, "ours %.1f to %.1f ms, minimal %.1f to %.1f ms",
                 aw_bench_min (ours, repeats), aw_bench_max (ours, repeats),
                 aw_bench_min (limit, repeats), aw_bench_max (limit, repeats));
}

static gboolean
have_display (void)
{
  return g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL;
}

void
aw_bench_startup (AwBench *bench)
{
  guint repeats = aw_bench_repeats (bench);
  g_autofree char *awaitscope = aw_bench_build_path ("AWAITSCOPE", AW_BENCH_AWAITSCOPE);
  g_autofree char *bare = aw_bench_build_path (NULL, AW_BENCH_BARE_WINDOW);
  g_auto(GStrv) envp = aw_bench_child_env ();
  g_autoptr(GError) error = NULL;
  g_autofree double *ours = g_new (double, repeats);
  g_autofree double *limit = g_new (double, repeats);
  g_autofree double *header = g_new (double, repeats);
  const char *ours_argv[] = { awaitscope, NULL };
  const char *bare_argv[] = { bare, "1280", "800", NULL };
  const char *header_argv[] = { bare, "1280", "800", "--header-bar", NULL };
  const char *what = "awaitscope (the window, 1280x800): process start to its first frame painted, median";
  AwBenchGoal *g;

#ifndef AW_BENCH_HAVE_GTK
  aw_bench_skip_goal (bench, "window-startup", "ms", 1.25, what, "built without GTK");
  return;
#endif
  if (!have_display ())
    {
      aw_bench_skip_goal (bench, "window-startup", "ms", 1.25, what, "no display: run under xvfb-run -a");
      return;
    }

  envp = g_environ_setenv (envp, "AWAITSCOPE_BENCH_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  aw_bench_progress (bench, "window start-up: %u x (awaitscope, a bare GTK window, a window with a header bar)", repeats);

  for (guint r = 0; r <= repeats; r++)
    {
      double a = aw_bench_spawn_ms ((char **) ours_argv, envp, "first-frame", &error);
      double b = isnan (a) ? NAN : aw_bench_spawn_ms ((char **) bare_argv, envp, "first-frame", &error);
      double h = isnan (b) ? NAN : aw_bench_spawn_ms ((char **) header_argv, envp, "first-frame", &error);

      if (isnan (a) || isnan (b) || isnan (h))
        {
          g_printerr ("bench: %s\n", error->message);
          bench->failed = TRUE;
          return;
        }
      if (r > 0)
        {
          ours[r - 1] = a;
          limit[r - 1] = b;
          header[r - 1] = h;
        }
    }

  g = aw_bench_add_goal (bench, "window-startup", "ms", aw_bench_median (ours, repeats),
                         aw_bench_median (limit, repeats), 1.25, what,
                         "a bare GTK 4 window of the same size, same GSK renderer (cairo)");
  aw_bench_note (g, "ours %.1f to %.1f ms, bare %.1f to %.1f ms; GSK_RENDERER=%s",
                 aw_bench_min (ours, repeats), aw_bench_max (ours, repeats),
                 aw_bench_min (limit, repeats), aw_bench_max (limit, repeats),
                 g_environ_getenv (envp, "GSK_RENDERER"));
  aw_bench_note (g, "for scale: a GtkApplication window with only a header bar (a Run button and "
                 "three icon buttons) takes %.1f ms, %.2fx the bare window",
                 aw_bench_median (header, repeats),
                 aw_bench_median (header, repeats) / aw_bench_median (limit, repeats));
}
