/* render-demo.c: writes sample timelines to PNG, to look at while working
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not part of the build. Usage:
 *   render-demo OUTDIR [WIDTH HEIGHT [TEXT_SCALE]]
 * writes OUTDIR/demo-THEME.png for every theme, plus a few stress pictures.
 */

#include "config.h"

#include "aw-render.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <stdlib.h>

#define MS G_GINT64_CONSTANT (1000000)

static void
ev (AwTrace     *trace,
    double       t_ms,
    AwEventKind  kind,
    guint32      task,
    guint32      parent,
    const char  *text,
    guint        lane)
{
  AwEvent event = {
    .time_ns = (gint64) (t_ms * MS),
    .task = task,
    .parent = parent,
    .str = aw_trace_intern (trace, text),
    .kind = kind,
    .lane = lane,
  };

  aw_trace_append_event (trace, &event);
}

/* A GTask-backed delay: created, runs its start briefly, waits, resumes. */
static void
delay_task (AwTrace    *trace,
            guint32     id,
            guint32     parent,
            const char *name,
            double      start,
            double      ms)
{
  ev (trace, start, AW_EVENT_TASK_CREATED, id, parent, name, 0);
  ev (trace, start, AW_EVENT_TASK_RUNNING, id, 0, NULL, 0);
  ev (trace, start + 0.3, AW_EVENT_TASK_WAITING, id, 0, NULL, 0);
  ev (trace, start + ms, AW_EVENT_TASK_RUNNING, id, 0, NULL, 0);
  ev (trace, start + ms + 0.4, AW_EVENT_TASK_COMPLETED, id, 0, NULL, 0);
}

static void
heartbeat (AwTrace *trace,
           double   from,
           double   to,
           double   block_from,
           double   block_to)
{
  for (double t = from; t < to; t += 1000.0 / 60.0)
    if (t < block_from || t > block_to)
      ev (trace, t, AW_EVENT_FRAME, 0, 0, NULL, 0);
}

static AwTraceModel *
one_by_one (void)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();

  ev (trace, 0, AW_EVENT_RUN_BEGIN, 0, 0, "one-by-one", 0);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "LoadAllAsync (one by one)", 0);
  ev (trace, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  delay_task (trace, 2, 1, "Task.Delay(800)", 0.1, 800);
  delay_task (trace, 3, 1, "Task.Delay(600)", 801, 600);
  delay_task (trace, 4, 1, "Task.Delay(1000)", 1402, 1000);
  ev (trace, 2402.5, AW_EVENT_TASK_RUNNING, 1, 0, NULL, 0);
  ev (trace, 2403, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 0);
  ev (trace, 2410, AW_EVENT_RUN_END, 0, 0, "completed", 0);
  heartbeat (trace, 0, 2410, -1, -1);

  return aw_trace_model_new (trace);
}

static AwTraceModel *
when_all (void)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();

  ev (trace, 0, AW_EVENT_RUN_BEGIN, 0, 0, "when-all", 0);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "LoadAllAsync (WhenAll)", 0);
  ev (trace, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  delay_task (trace, 2, 1, "Task.Delay(800)", 0.1, 800);
  delay_task (trace, 3, 1, "Task.Delay(600)", 0.2, 600);
  delay_task (trace, 4, 1, "Task.Delay(1000)", 0.3, 1000);
  ev (trace, 1000.8, AW_EVENT_TASK_RUNNING, 1, 0, NULL, 0);
  ev (trace, 1001, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 0);
  ev (trace, 1002, AW_EVENT_RUN_END, 0, 0, "completed", 0);
  heartbeat (trace, 0, 1002, -1, -1);

  return aw_trace_model_new (trace);
}

static AwTraceModel *
cancel_and_fault (void)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();

  ev (trace, 0, AW_EVENT_RUN_BEGIN, 0, 0, "cancel", 0);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "Workflow (WhenAll)", 0);
  ev (trace, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);

  /* Task.Run(cpu 1500 ms), cooperative: sees the token 150 ms late. */
  ev (trace, 0.2, AW_EVENT_TASK_CREATED, 2, 1, "Task.Run(Crunch 1500 ms)", 0);
  ev (trace, 0.2, AW_EVENT_TASK_QUEUED, 2, 0, NULL, 0);
  ev (trace, 40, AW_EVENT_TASK_RUNNING, 2, 0, NULL, 1);
  ev (trace, 850, AW_EVENT_CANCEL_OBSERVED, 2, 0, NULL, 1);
  ev (trace, 850, AW_EVENT_TASK_CANCELLED, 2, 0, NULL, 1);

  /* A second worker, queued while the first thread is busy. */
  ev (trace, 0.3, AW_EVENT_TASK_CREATED, 3, 1, "Task.Run(Resize 300 ms)", 0);
  ev (trace, 0.3, AW_EVENT_TASK_QUEUED, 3, 0, NULL, 0);
  ev (trace, 120, AW_EVENT_TASK_RUNNING, 3, 0, NULL, 2);
  ev (trace, 420, AW_EVENT_TASK_COMPLETED, 3, 0, NULL, 2);

  /* A download that fails. */
  ev (trace, 0.4, AW_EVENT_TASK_CREATED, 4, 1, "DownloadAsync(url)", 0);
  ev (trace, 0.4, AW_EVENT_TASK_RUNNING, 4, 0, NULL, 0);
  ev (trace, 0.8, AW_EVENT_TASK_WAITING, 4, 0, NULL, 0);
  ev (trace, 450, AW_EVENT_TASK_RUNNING, 4, 0, NULL, 0);
  ev (trace, 451, AW_EVENT_TASK_FAULTED, 4, 0, "HttpRequestException: 503", 0);
  ev (trace, 451.5, AW_EVENT_ERROR_OBSERVED, 4, 0, NULL, 0);

  /* A cache hit: completes synchronously, no GTask. */
  ev (trace, 0.5, AW_EVENT_TASK_SYNC, 5, 1, "GetCachedAsync (hit)", 0);

  /* The UI thread blocks for a while. */
  ev (trace, 500, AW_EVENT_UI_BLOCK_BEGIN, 0, 0, NULL, 0);
  ev (trace, 500, AW_EVENT_TASK_CREATED, 6, 1, "Thread.Sleep(250) on UI", 0);
  ev (trace, 500, AW_EVENT_TASK_RUNNING, 6, 0, NULL, 0);
  ev (trace, 750, AW_EVENT_TASK_COMPLETED, 6, 0, NULL, 0);
  ev (trace, 750, AW_EVENT_UI_BLOCK_END, 0, 0, NULL, 0);

  ev (trace, 700, AW_EVENT_CANCEL_REQUEST, 1, 0, "user pressed Cancel", 0);
  ev (trace, 851, AW_EVENT_TASK_RUNNING, 1, 0, NULL, 0);
  ev (trace, 852, AW_EVENT_TASK_FAULTED, 1, 0, "HttpRequestException: 503", 0);
  ev (trace, 853, AW_EVENT_RUN_END, 0, 0, "faulted: HttpRequestException: 503", 0);
  heartbeat (trace, 0, 853, 500, 750);

  return aw_trace_model_new (trace);
}

static AwTraceModel *
many_tasks (guint n)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();
  GRand *rand = g_rand_new_with_seed (7);

  ev (trace, 0, AW_EVENT_RUN_BEGIN, 0, 0, "many", 0);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "parallel", 0);
  ev (trace, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  for (guint i = 0; i < n; i++)
    {
      double start = g_rand_double_range (rand, 0, 200);
      double ms = g_rand_double_range (rand, 50, 900);

      delay_task (trace, i + 2, 1, "Task.Delay(random)", start, ms);
    }
  ev (trace, 1200, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 0);
  ev (trace, 1201, AW_EVENT_RUN_END, 0, 0, "completed", 0);
  heartbeat (trace, 0, 1201, -1, -1);
  g_rand_free (rand);

  return aw_trace_model_new (trace);
}

static void
write_png (const AwRenderRequest *request,
           const char            *path)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                         (int) request->width,
                                                         (int) request->height);
  cairo_t *cr = cairo_create (surface);
  gint64 t0 = g_get_monotonic_time ();

  aw_render (cr, request);
  g_print ("%s: %.1f ms\n", path, (g_get_monotonic_time () - t0) / 1000.0);
  cairo_destroy (cr);
  cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  const char *outdir = argc > 1 ? argv[1] : "/tmp";
  double width = argc > 3 ? atof (argv[2]) : 1280;
  double height = argc > 3 ? atof (argv[3]) : 720;
  double scale = argc > 4 ? atof (argv[4]) : 1.0;
  AwRenderVariant variants[3];
  AwRenderRequest request;
  const char **names = aw_theme_list_names ();
  char path[4096];

  variants[0] = (AwRenderVariant) { "one-by-one", "One by one", one_by_one () };
  variants[1] = (AwRenderVariant) { "when-all", "WhenAll", when_all () };
  variants[2] = (AwRenderVariant) { "cancel", "Cancel, fail and freeze", cancel_and_fault () };

  aw_render_request_init (&request);
  request.title = "Three delays: one by one vs WhenAll";
  request.caption = "Awaiting a delay holds no thread: WhenAll starts all three and finishes "
                    "when the longest is done. The third run cancels CPU work on a worker, "
                    "a download faults, and Thread.Sleep on the UI thread freezes the heartbeat.";
  request.variants = variants;
  request.n_variants = 3;
  request.width = width;
  request.height = height;
  request.text_scale = scale;

  for (guint i = 0; names[i] != NULL; i++)
    {
      request.theme = aw_theme_lookup (names[i]);
      g_snprintf (path, sizeof path, "%s/demo-%s.png", outdir, names[i]);
      write_png (&request, path);
    }

  /* Two variants only. */
  request.theme = aw_theme_lookup ("light");
  request.n_variants = 2;
  request.caption = "Awaiting a delay holds no thread: WhenAll starts all three at once.";
  g_snprintf (path, sizeof path, "%s/demo-two.png", outdir);
  write_png (&request, path);

  request.theme = aw_theme_lookup ("projector");
  g_snprintf (path, sizeof path, "%s/demo-two-projector.png", outdir);
  write_png (&request, path);

  /* Scale: 10,000 tasks next to the three delays. */
  {
    AwRenderVariant big[2];

    big[0] = variants[1];
    big[1] = (AwRenderVariant) { "many", "10,000 delays", many_tasks (10000) };
    request.theme = aw_theme_lookup ("light");
    request.title = "Ten thousand awaits on one thread";
    request.caption = NULL;
    request.variants = big;
    request.n_variants = 2;
    g_snprintf (path, sizeof path, "%s/demo-many.png", outdir);
    write_png (&request, path);

    request.view_start_ns = 100 * MS;
    request.view_end_ns = 300 * MS;
    g_snprintf (path, sizeof path, "%s/demo-many-zoom.png", outdir);
    write_png (&request, path);
    aw_trace_model_unref (big[1].model);
  }

  for (guint i = 0; i < 3; i++)
    aw_trace_model_unref (variants[i].model);

  return 0;
}
