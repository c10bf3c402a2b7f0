/* fuzz-trace.c: libFuzzer target for the trace loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A trace file may come from anyone (`awaitscope replay`, Open in the
 * window). Whatever it holds, loading must give runs or an error naming the
 * file; a loaded run must survive everything a replay does with it (the
 * model, the metrics, the warnings, a picture), and saving it then loading
 * it again must give back every event.
 */

#include "config.h"

#include <string.h>

#include <cairo.h>

#include "aw-render.h"
#include "aw-trace-io.h"
#include "aw-trace-model.h"
#include "aw-verdict.h"

#include "fuzz-common.h"

#define NAME "fuzz-trace.json"

/* Drawing is the slow part: draw the runs of smaller inputs only. */
#define MAX_EVENTS_TO_DRAW 4000

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
draw (AwTraceModel **models,
      guint          n_models)
{
  g_autofree AwNamedRun *variants = g_new0 (AwNamedRun, n_models);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 320, 200);
  cairo_t *cr = cairo_create (surface);
  AwRenderRequest request;

  for (guint i = 0; i < n_models; i++)
    {
      AwTrace *trace = aw_trace_model_get_trace (models[i]);

      variants[i].name = aw_trace_get_metadata (trace, "variant");
      if (variants[i].name == NULL)
        variants[i].name = "run";
      variants[i].title = aw_trace_get_metadata (trace, "variant_title");
      if (variants[i].title == NULL)
        variants[i].title = variants[i].name;
      variants[i].model = models[i];
    }

  aw_render_request_init (&request);
  request.title = "fuzz";
  request.caption = "fuzz";
  request.variants = variants;
  request.n_variants = n_models;
  request.width = 320;
  request.height = 200;
  aw_render (cr, &request);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GBytes) saved = NULL;
  guint total = 0;

  traces = aw_traces_load_from_data ((const char *) data, size, NAME, &error);
  fuzz_count (error);
  if (traces == NULL)
    {
      fuzz_check_error (error, AW_TRACE_ERROR, NAME);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (traces->len, >=, 1);

  models = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_model_unref);
  for (guint i = 0; i < traces->len; i++)
    {
      AwTrace *trace = g_ptr_array_index (traces, i);
      g_autoptr(GPtrArray) warnings = NULL;
      AwTraceModel *model;
      const AwTaskInfo *tasks;
      const AwMetrics *metrics;
      guint n_events, n_tasks;

      /* Every text of a run goes to labels, pictures and terminals. */
      for (guint s = 0; s < aw_trace_get_n_strings (trace); s++)
        {
          const char *text = aw_trace_get_string (trace, s);
          g_assert_true (text == NULL || g_utf8_validate (text, -1, NULL));
        }
      for (guint l = 0; l < aw_trace_get_n_lanes (trace); l++)
        {
          const char *text = aw_trace_get_lane_name (trace, l);
          g_assert_true (text == NULL || g_utf8_validate (text, -1, NULL));
        }

      aw_trace_get_events (trace, &n_events);
      total += n_events;
      g_assert_cmpuint (total, <=, AW_TRACE_MAX_EVENTS * 3 + 2 * traces->len);

      model = aw_trace_model_new (trace);
      g_ptr_array_add (models, model);
      metrics = aw_trace_model_get_metrics (model);
      g_assert_nonnull (metrics);
      tasks = aw_trace_model_get_tasks (model, &n_tasks);
      for (guint t = 0; t < n_tasks; t++)
        {
          g_assert_true (tasks[t].first_span + tasks[t].n_spans >= tasks[t].first_span);
          (void) aw_trace_model_find_task (model, tasks[t].id);
        }
      warnings = aw_lint_run (model);
      g_assert_nonnull (warnings);
    }

  if (total <= MAX_EVENTS_TO_DRAW)
    draw ((AwTraceModel **) models->pdata, models->len);

  /* Saving what was loaded and loading it again loses nothing. */
  saved = aw_traces_to_json ((AwTrace **) traces->pdata, traces->len);
  again = aw_traces_load_from_data (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved),
                                    "saved.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, traces->len);
  for (guint i = 0; i < traces->len; i++)
    {
      guint n1, n2;
      const AwEvent *e1 = aw_trace_get_events (g_ptr_array_index (traces, i), &n1);
      const AwEvent *e2 = aw_trace_get_events (g_ptr_array_index (again, i), &n2);

      g_assert_cmpuint (n1, ==, n2);
      for (guint j = 0; j < n1; j++)
        {
          g_assert_cmpint (e1[j].time_ns, ==, e2[j].time_ns);
          g_assert_cmpuint (e1[j].kind, ==, e2[j].kind);
          g_assert_cmpuint (e1[j].task, ==, e2[j].task);
          g_assert_cmpuint (e1[j].parent, ==, e2[j].parent);
          g_assert_cmpuint (e1[j].lane, ==, e2[j].lane);
        }
    }

  return 0;
}
