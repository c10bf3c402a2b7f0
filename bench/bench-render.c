/* bench-render.c: drawing huge runs within a frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bench.h"

#include "aw-render.h"
#include "aw-trace-model.h"

#define FRAME_MS (1000.0 / 60.0)
#define RUN_NS   G_GINT64_CONSTANT (2000000000)

static void
add_event (AwTrace     *trace,
           gint64       time_ns,
           AwEventKind  kind,
           guint32      task,
           guint32      parent,
           guint32      str,
           guint16      lane)
{
  AwEvent ev = { time_ns, task, parent, str, kind, lane };

  aw_trace_append_event (trace, &ev);
}

/*
 * A recorded-looking run of about @n_spans spans, all in view: one
 * WhenAll over tasks that each await I/O, queue for a worker and run on one
 * of two worker lanes, plus the frame heartbeat. A fixed generator keeps it
 * the same from run to run.
 */
static AwTrace *
synthetic_trace (guint n_spans)
{
  AwTrace *trace = aw_trace_new ();
  guint n_tasks = MAX (n_spans / 3, 1);
  guint32 root_name = aw_trace_intern (trace, "Task.WhenAll(requests)");
  guint32 name = aw_trace_intern (trace, "await FetchAsync()");
  guint32 outcome = aw_trace_intern (trace, "completed");
  guint32 seed = 12345;
  gint64 lane_free[3] = { 0, 0, 0 };

  aw_trace_set_metadata (trace, "variant", "synthetic");
  add_event (trace, 0, AW_EVENT_RUN_BEGIN, 0, 0, 0, 0);
  add_event (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, root_name, 0);
  add_event (trace, 0, AW_EVENT_TASK_WAITING, 1, 0, 0, 0);

  for (guint i = 0; i < n_tasks; i++)
    {
      guint32 id = i + 2;
      guint16 lane = 1 + (i % 2);
      gint64 created = (gint64) i * (RUN_NS / 2) / n_tasks;
      gint64 queued, running, end;

      seed = seed * 1103515245 + 12345;
      queued = created + 50000000 + (seed >> 8) % 400000000;
      seed = seed * 1103515245 + 12345;
      running = MAX (queued + (seed >> 8) % 20000000, lane_free[lane]);
      seed = seed * 1103515245 + 12345;
      end = running + 2000 + (seed >> 8) % 60000;
      lane_free[lane] = end;

      add_event (trace, created, AW_EVENT_TASK_CREATED, id, 1, name, 0);
      add_event (trace, created, AW_EVENT_TASK_WAITING, id, 0, 0, 0);
      add_event (trace, queued, AW_EVENT_TASK_QUEUED, id, 0, 0, 0);
      add_event (trace, running, AW_EVENT_TASK_RUNNING, id, 0, 0, lane);
      add_event (trace, end, AW_EVENT_TASK_COMPLETED, id, 0, 0, lane);
    }

  for (gint64 t = 0; t < RUN_NS; t += 16666667)
    add_event (trace, t, AW_EVENT_FRAME, 0, 0, 0, 0);
  add_event (trace, RUN_NS, AW_EVENT_TASK_COMPLETED, 1, 0, 0, 0);
  add_event (trace, RUN_NS, AW_EVENT_RUN_END, 0, 0, outcome, 0);
  aw_trace_merge (trace);

  return trace;
}

/* Milliseconds of thread CPU time for layout and drawing of one frame into
 * a new surface like @like: a recording surface, as the window's cairo
 * node, or an image surface, which adds the rasterising. */
static double
draw_ms (cairo_surface_t       *like,
         const AwRenderRequest *request)
{
  g_autoptr(AwRenderLayout) layout = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  gint64 t0;
  double ms;

  if (like == NULL)
    surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA,
                                              &(cairo_rectangle_t) { 0, 0, request->width, request->height });
  else
    surface = cairo_surface_reference (like);
  cr = cairo_create (surface);

  t0 = aw_bench_thread_cpu_ns ();
  layout = aw_render_layout_new (cr, request);
  aw_render_with_layout (cr, request, layout);
  cairo_surface_flush (surface);
  ms = (aw_bench_thread_cpu_ns () - t0) / 1e6;

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return ms;
}

static void
render_goal (AwBench    *bench,
             const char *name,
             guint       n_spans,
             double      share)
{
  guint repeats = aw_bench_repeats (bench);
  g_autofree double *ms = g_new (double, repeats);
  g_autofree double *raster = g_new (double, repeats);
  g_autoptr(AwTrace) trace = synthetic_trace (n_spans);
  g_autoptr(AwTraceModel) model = aw_trace_model_new (trace);
  g_autoptr(AwRenderCache) cache = aw_render_cache_new ();
  g_autoptr(AwRenderCache) raster_cache = aw_render_cache_new ();
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1920, 1080);
  AwNamedRun variant = { "synthetic", "Synthetic run", model };
  AwRenderRequest request;
  g_autofree char *what = NULL;
  double first, second;
  guint n;
  AwBenchGoal *g;

  aw_trace_model_get_spans (model, &n);
  aw_bench_progress (bench, "%s: %u x %u spans at 1920x1080", name, repeats, n);

  aw_render_request_init (&request);
  request.title = "Synthetic run";
  request.variants = &variant;
  request.n_variants = 1;
  request.width = 1920;
  request.height = 1080;
  request.cache = cache;

  /* The first drawing shapes the text and the second summarises what has
   * not changed since: the frames after are those of a window showing the
   * run, zooming or scrolling it. */
  first = draw_ms (NULL, &request);
  second = draw_ms (NULL, &request);
  /* Each target keeps its own cache, as a window keeps one for its frames:
   * text shaped for the recording surface's font options is not what an
   * image surface needs, and one cache for both would reshape every time. */
  for (guint r = 0; r < repeats; r++)
    {
      request.cache = cache;
      ms[r] = draw_ms (NULL, &request);
      request.cache = raster_cache;
      raster[r] = draw_ms (image, &request);
    }

  what = g_strdup_printf ("%u spans in view, layout and drawing at 1920x1080 into a cairo recording "
                          "surface (the window's cairo node), text cache kept, median", n);
  g = aw_bench_add_goal (bench, name, "ms", aw_bench_median (ms, repeats), FRAME_MS, share,
                         what, "one frame at 60 Hz (16.7 ms)");
  aw_bench_note (g, "per repeat %.2f to %.2f ms; first drawing %.1f ms, second %.1f ms; "
                 "into an image surface, rasterised, %.2f ms",
                 aw_bench_min (ms, repeats), aw_bench_max (ms, repeats), first, second,
                 aw_bench_median (raster, repeats));

  cairo_surface_destroy (image);
}

void
aw_bench_render (AwBench *bench)
{
  render_goal (bench, "render", bench->smoke ? 3000 : 100000, 0.25);
  render_goal (bench, "render-huge", bench->smoke ? 30000 : 1000000, 0.5);
}
