/* test-render.c: the cairo timeline renderer, checked pixel by pixel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Traces are built by hand with explicit times and lanes, drawn on an image
 * surface, and the pixels are checked where aw_render_layout_new() says
 * things go.
 */

#include "config.h"

#include "aw-catalog.h"
#include "aw-clock.h"
#include "aw-export.h"
#include "aw-format.h"
#include "aw-render.h"
#include "aw-render-private.h"
#include "aw-summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "../test-timing.h"

#define MS G_GINT64_CONSTANT (1000000)
#define US G_GINT64_CONSTANT (1000)

/* Trace building {{{ */

static void
ev (AwTrace     *trace,
    gint64       time_ns,
    AwEventKind  kind,
    guint32      task,
    guint32      parent,
    const char  *text,
    guint        lane)
{
  AwEvent event = {
    .time_ns = time_ns,
    .task = task,
    .parent = parent,
    .str = aw_trace_intern (trace, text),
    .kind = kind,
    .lane = lane,
  };

  aw_trace_append_event (trace, &event);
}

static void
run_begin (AwTrace *trace)
{
  ev (trace, 0, AW_EVENT_RUN_BEGIN, 0, 0, "test", 0);
}

static void
run_end (AwTrace    *trace,
         gint64      at,
         const char *outcome)
{
  ev (trace, at, AW_EVENT_RUN_END, 0, 0, outcome, 0);
}

/* One task in one phase from @start to @end, then @outcome. */
static void
simple_task (AwTrace     *trace,
             guint32      id,
             const char  *name,
             AwEventKind  phase,
             guint        lane,
             gint64       start,
             gint64       end,
             AwEventKind  outcome)
{
  ev (trace, start, AW_EVENT_TASK_CREATED, id, 0, name, 0);
  ev (trace, start, phase, id, 0, NULL, lane);
  ev (trace, end, outcome, id, 0, outcome == AW_EVENT_TASK_FAULTED ? "boom" : NULL, lane);
}

static AwTraceModel *
model_new (AwTrace *trace)
{
  return aw_trace_model_new (trace);
}

/* }}} */

/* Pixels {{{ */

typedef struct {
  guint8 r, g, b, a;
} Pixel;

static Pixel
get_pixel (cairo_surface_t *surface,
           double           x,
           double           y)
{
  int ix = (int) floor (x), iy = (int) floor (y);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data;
  guint32 v;
  Pixel p;

  cairo_surface_flush (surface);
  g_assert_cmpint (ix, >=, 0);
  g_assert_cmpint (iy, >=, 0);
  g_assert_cmpint (ix, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (iy, <, cairo_image_surface_get_height (surface));
  data = cairo_image_surface_get_data (surface);
  v = *(const guint32 *) (gconstpointer) (data + iy * stride + ix * 4);
  p.a = v >> 24;
  p.r = (v >> 16) & 0xff;
  p.g = (v >> 8) & 0xff;
  p.b = v & 0xff;
  return p;
}

static gboolean
pixel_is (Pixel          p,
          const AwColor *color,
          int            tolerance)
{
  return abs (p.r - (int) lround (color->red * 255)) <= tolerance
         && abs (p.g - (int) lround (color->green * 255)) <= tolerance
         && abs (p.b - (int) lround (color->blue * 255)) <= tolerance;
}

static int
pixel_distance (Pixel a,
                Pixel b)
{
  return abs (a.r - b.r) + abs (a.g - b.g) + abs (a.b - b.b);
}

static char *
pixel_to_string (Pixel p)
{
  return g_strdup_printf ("#%02x%02x%02x", p.r, p.g, p.b);
}

static void
assert_pixel_is (cairo_surface_t *surface,
                 double           x,
                 double           y,
                 const AwColor   *color)
{
  Pixel p = get_pixel (surface, x, y);

  if (!pixel_is (p, color, 3))
    {
      g_autofree char *got = pixel_to_string (p);
      g_autofree char *msg = g_strdup_printf ("pixel at %.1f,%.1f is %s, expected #%02x%02x%02x",
                                              x, y, got,
                                              (int) lround (color->red * 255),
                                              (int) lround (color->green * 255),
                                              (int) lround (color->blue * 255));
      g_test_fail_printf ("%s", msg);
    }
}

/* }}} */

/* Fixtures {{{ */

typedef struct {
  cairo_surface_t *surface;
  cairo_t         *cr;
  AwRenderRequest  request;
  AwNamedRun  variants[4];
  AwRenderLayout  *layout;
} Picture;

static void
picture_init (Picture     *pic,
              const char  *theme,
              int          width,
              int          height)
{
  memset (pic, 0, sizeof *pic);
  pic->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  pic->cr = cairo_create (pic->surface);
  aw_render_request_init (&pic->request);
  pic->request.theme = aw_theme_lookup (theme);
  g_assert_nonnull (pic->request.theme);
  pic->request.width = width;
  pic->request.height = height;
  pic->request.title = "Test";
  pic->request.variants = pic->variants;
}

static void
picture_add (Picture      *pic,
             const char   *title,
             AwTraceModel *model)
{
  g_assert_cmpuint (pic->request.n_variants, <, G_N_ELEMENTS (pic->variants));
  pic->variants[pic->request.n_variants].name = title;
  pic->variants[pic->request.n_variants].title = title;
  pic->variants[pic->request.n_variants].model = model;
  pic->request.n_variants++;
}

static void
picture_draw (Picture *pic)
{
  g_clear_pointer (&pic->layout, aw_render_layout_free);
  pic->layout = aw_render_layout_new (pic->cr, &pic->request);
  aw_render (pic->cr, &pic->request);
  g_assert_cmpint (cairo_status (pic->cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (pic->surface);
}

static void
picture_clear (Picture *pic)
{
  for (guint i = 0; i < pic->request.n_variants; i++)
    aw_trace_model_unref (pic->variants[i].model);
  g_clear_pointer (&pic->layout, aw_render_layout_free);
  cairo_destroy (pic->cr);
  cairo_surface_destroy (pic->surface);
}

static const AwTheme *
picture_theme (Picture *pic)
{
  return pic->request.theme;
}

/* Centre of the row of task @index in variant @variant at @time_ns. */
static void
task_point (Picture *pic,
            guint    variant,
            guint    index,
            gint64   time_ns,
            double  *x,
            double  *y)
{
  double ry, rh;

  g_assert_true (aw_render_layout_task_row (pic->layout, variant, index, &ry, &rh));
  *x = aw_render_layout_time_to_x (pic->layout, time_ns);
  *y = ry + rh / 2;
}

/* }}} */

static void
test_theme_lookup (void)
{
  const char **names = aw_theme_list_names ();
  const AwTheme *light = aw_theme_lookup ("light");
  const AwTheme *projector = aw_theme_lookup ("projector");
  guint n = 0;

  g_assert_null (aw_theme_lookup (NULL));
  g_assert_null (aw_theme_lookup ("no-such-theme"));
  g_assert_null (aw_theme_lookup (""));

  g_assert_nonnull (names);
  for (; names[n] != NULL; n++)
    {
      const AwTheme *theme = aw_theme_lookup (names[n]);

      g_assert_nonnull (theme);
      g_assert_cmpstr (theme->name, ==, names[n]);
      g_assert_nonnull (theme->font_family);
      g_assert_cmpfloat (theme->font_size, >, 0);
      g_assert_cmpfloat (theme->row_height, >, 0);
      /* States use Okabe-Ito in every theme: running is its blue. */
      g_assert_cmpfloat_with_epsilon (theme->running.blue, 0xB2 / 255.0, 1e-6);
    }
  g_assert_cmpuint (n, >=, 4);
  g_assert_nonnull (aw_theme_lookup ("dark"));
  g_assert_nonnull (aw_theme_lookup ("high-contrast"));

  g_assert_nonnull (light);
  g_assert_nonnull (projector);
  g_assert_cmpfloat (projector->font_size, >=, 1.6 * light->font_size - 1e-9);
  g_assert_cmpfloat (projector->row_height, >=, 28);
  g_assert_cmpfloat (projector->line_width, >, light->line_width);
}

/* Muted text (axis, header summaries, caption, worker lanes) and body text
 * keep WCAG's 4.5:1 against every background the chart draws them on. */
static void
test_theme_contrast (void)
{
  const char **names = aw_theme_list_names ();
  static const AwColor black = { 0, 0, 0, 1 }, white = { 1, 1, 1, 1 };

  /* The formula first: its two ends, and a known pair (#767676 on white
   * is the palest grey that passes). */
  {
    AwColor grey = { 0x76 / 255.0, 0x76 / 255.0, 0x76 / 255.0, 1 };
    AwColor paler = { 0x77 / 255.0, 0x77 / 255.0, 0x77 / 255.0, 1 };

    g_assert_cmpfloat_with_epsilon (aw_color_contrast (&black, &white), 21.0, 1e-6);
    g_assert_cmpfloat_with_epsilon (aw_color_contrast (&white, &white), 1.0, 1e-9);
    g_assert_cmpfloat (aw_color_contrast (&grey, &white), >=, AW_MIN_TEXT_CONTRAST);
    g_assert_cmpfloat (aw_color_contrast (&paler, &white), <, AW_MIN_TEXT_CONTRAST);
  }

  for (guint i = 0; names[i] != NULL; i++)
    {
      const AwTheme *t = aw_theme_lookup (names[i]);
      AwColor zebra;
      const AwColor *backgrounds[3];

      aw_color_mix (&t->background, &t->surface, 0.45, &zebra);
      backgrounds[0] = &t->background;
      backgrounds[1] = &t->surface;
      backgrounds[2] = &zebra;
      for (guint b = 0; b < G_N_ELEMENTS (backgrounds); b++)
        {
          double muted = aw_color_contrast (&t->muted, backgrounds[b]);
          double body = aw_color_contrast (&t->foreground, backgrounds[b]);

          g_test_message ("%s: muted text %.2f:1, text %.2f:1 on background %u", t->name, muted, body, b);
          g_assert_cmpfloat (muted, >=, AW_MIN_TEXT_CONTRAST);
          g_assert_cmpfloat (body, >=, AW_MIN_TEXT_CONTRAST);
        }
    }
}

static void
test_format (void)
{
  struct {
    double ms;
    const char *text;
  } cases[] = {
    { 640, "640 ms" },
    { 2410, "2.41 s" },
    { 1000, "1.00 s" },
    { 999.7, "1.00 s" },
    { 12345, "12.3 s" },
    { 5.26, "5.3 ms" },
    { 0.5, "0.50 ms" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = aw_format_duration (cases[i].ms);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static AwTraceModel *
delays_model (gboolean together)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();
  gint64 lengths[3] = { 800 * MS, 600 * MS, 1000 * MS };
  gint64 t = 0;

  run_begin (trace);
  for (guint i = 0; i < 3; i++)
    {
      gint64 start = together ? 0 : t;

      simple_task (trace, i + 1, "delay", AW_EVENT_TASK_WAITING, 0,
                   start, start + lengths[i], AW_EVENT_TASK_COMPLETED);
      t += lengths[i];
    }
  run_end (trace, together ? 1000 * MS : 2410 * MS, "completed");

  return model_new (trace);
}

static void
test_compare_text (void)
{
  AwNamedRun variants[2] = {
    { "one-by-one", "One by one", delays_model (FALSE) },
    { "when-all", "WhenAll", delays_model (TRUE) },
  };
  g_autofree char *text = aw_summary_compare_text (variants, 2);
  g_autofree char *single = aw_summary_compare_text (variants, 1);

  g_assert_cmpstr (text, ==, "\u201cWhenAll\u201d took 1.00 s, 2.4x faster than \u201cOne by one\u201d (2.41 s)");
  g_assert_null (single);

  /* A run cancelled early is named as such, never "faster". */
  {
    g_autoptr(AwTrace) trace = aw_trace_new ();
    AwNamedRun three[3];
    g_autofree char *two = NULL;
    g_autofree char *all = NULL;

    run_begin (trace);
    simple_task (trace, 1, "work", AW_EVENT_TASK_WAITING, 0, 0, 511 * MS, AW_EVENT_TASK_CANCELLED);
    run_end (trace, 511 * MS, "cancelled: Timed out");

    three[0] = variants[0];
    three[1] = (AwNamedRun) { "timeout", "Timeout", model_new (trace) };
    three[2] = variants[1];
    two = aw_summary_compare_text (three, 2);
    g_assert_cmpstr (two, ==, "\u201cOne by one\u201d took 2.41 s; \u201cTimeout\u201d was cancelled after 511 ms");

    /* With two completed runs, those two are compared. */
    all = aw_summary_compare_text (three, 3);
    g_assert_cmpstr (all, ==, "\u201cWhenAll\u201d took 1.00 s, 2.4x faster than \u201cOne by one\u201d (2.41 s)");
    aw_trace_model_unref (three[1].model);
  }

  /* Equal runs. */
  {
    AwNamedRun same[2] = { variants[1], variants[1] };
    g_autofree char *equal = aw_summary_compare_text (same, 2);

    g_assert_cmpstr (equal, ==, "\u201cWhenAll\u201d took 1.00 s, about the same as \u201cWhenAll\u201d (1.00 s)");
  }

  aw_trace_model_unref (variants[0].model);
  aw_trace_model_unref (variants[1].model);
}

static void
test_background (void)
{
  Picture pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();

  run_begin (trace);
  simple_task (trace, 1, "work", AW_EVENT_TASK_RUNNING, 0, 100 * MS, 900 * MS,
               AW_EVENT_TASK_COMPLETED);
  run_end (trace, 1000 * MS, "completed");

  picture_init (&pic, "light", 640, 360);
  picture_add (&pic, "Only", model_new (trace));
  picture_draw (&pic);

  assert_pixel_is (pic.surface, 0, 0, &picture_theme (&pic)->background);
  assert_pixel_is (pic.surface, 639, 359, &picture_theme (&pic)->background);
  assert_pixel_is (pic.surface, 639, 0, &picture_theme (&pic)->background);

  /* A layout computed without a context (for hit testing before the first
   * draw) matches the one computed with it. */
  {
    g_autoptr(AwRenderLayout) detached = aw_render_layout_new (NULL, &pic.request);

    g_assert_cmpfloat_with_epsilon (detached->plot_x, pic.layout->plot_x, 1e-6);
    g_assert_cmpfloat_with_epsilon (detached->plot_width, pic.layout->plot_width, 1e-6);
    g_assert_cmpfloat_with_epsilon (detached->variants[0].rows_y, pic.layout->variants[0].rows_y, 1e-6);
  }

  picture_clear (&pic);
}

static void
test_running_span (void)
{
  Picture pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();
  double x, y;

  run_begin (trace);
  simple_task (trace, 1, "waits", AW_EVENT_TASK_WAITING, 0, 0, 1000 * MS,
               AW_EVENT_TASK_COMPLETED);
  simple_task (trace, 2, "runs", AW_EVENT_TASK_RUNNING, 0, 200 * MS, 800 * MS,
               AW_EVENT_TASK_COMPLETED);
  run_end (trace, 1000 * MS, "completed");

  picture_init (&pic, "light", 1280, 720);
  picture_add (&pic, "Only", model_new (trace));
  picture_draw (&pic);

  /* Rows at their natural height when there is room. */
  g_assert_cmpfloat (pic.layout->variants[0].row_height, >=, picture_theme (&pic)->row_height);
  g_assert_cmpuint (pic.layout->variants[0].tasks_per_row, ==, 1);
  g_assert_cmpuint (pic.layout->variants[0].n_rows, ==, 2);

  /* Inside the running span: the running colour. */
  task_point (&pic, 0, 1, 500 * MS, &x, &y);
  assert_pixel_is (pic.surface, x, y, &picture_theme (&pic)->running);
  task_point (&pic, 0, 1, 250 * MS, &x, &y);
  assert_pixel_is (pic.surface, x, y, &picture_theme (&pic)->running);

  /* Before it starts: not running. */
  task_point (&pic, 0, 1, 100 * MS, &x, &y);
  g_assert_false (pixel_is (get_pixel (pic.surface, x, y), &picture_theme (&pic)->running, 40));

  /* Waiting looks different from running, and from the background. */
  task_point (&pic, 0, 0, 500 * MS, &x, &y);
  g_assert_false (pixel_is (get_pixel (pic.surface, x, y), &picture_theme (&pic)->running, 40));
  g_assert_false (pixel_is (get_pixel (pic.surface, x, y), &picture_theme (&pic)->background, 10));
  g_assert_cmpint (pixel_distance (get_pixel (pic.surface, x, y),
                                   get_pixel (pic.surface, x,
                                              y - pic.layout->variants[0].row_height)),
                   >, 60);

  picture_clear (&pic);
}

static void
test_queued_span (void)
{
  Picture pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();
  double x, y, ry, rh;
  gboolean found_outline = FALSE;

  run_begin (trace);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "queued then runs", 0);
  ev (trace, 0, AW_EVENT_TASK_QUEUED, 1, 0, NULL, 0);
  ev (trace, 500 * MS, AW_EVENT_TASK_RUNNING, 1, 0, NULL, 1);
  ev (trace, 1000 * MS, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 1);
  run_end (trace, 1000 * MS, "completed");

  picture_init (&pic, "light", 1280, 720);
  picture_add (&pic, "Only", model_new (trace));
  picture_draw (&pic);

  /* Queued is an outline: the middle of the bar is pale, not a solid
   * state colour, while the running part is solid. */
  task_point (&pic, 0, 0, 250 * MS, &x, &y);
  g_assert_false (pixel_is (get_pixel (pic.surface, x, y), &picture_theme (&pic)->queued, 40));
  g_assert_false (pixel_is (get_pixel (pic.surface, x, y), &picture_theme (&pic)->running, 40));
  task_point (&pic, 0, 0, 750 * MS, &x, &y);
  assert_pixel_is (pic.surface, x, y, &picture_theme (&pic)->running);

  /* Somewhere on the column through the queued bar there is its outline. */
  task_point (&pic, 0, 0, 250 * MS, &x, &y);
  g_assert_true (aw_render_layout_task_row (pic.layout, 0, 0, &ry, &rh));
  for (double py = ry; py < ry + rh; py += 1)
    for (double px = x - 4; px <= x + 4; px += 1)
      {
        Pixel p = get_pixel (pic.surface, px, py);

        if (p.r > 150 && p.b < 120 && p.r - p.b > 80)
          found_outline = TRUE;
      }
  g_assert_true (found_outline);

  /* The running part is on worker lane 1 too. */
  g_assert_cmpuint (pic.layout->variants[0].n_worker_lanes, ==, 1);
  g_assert_true (aw_render_layout_lane (pic.layout, 0, 1, &ry, &rh));
  assert_pixel_is (pic.surface, aw_render_layout_time_to_x (pic.layout, 750 * MS), ry + rh / 2,
                   &picture_theme (&pic)->running);
  g_assert_false (pixel_is (get_pixel (pic.surface,
                                       aw_render_layout_time_to_x (pic.layout, 250 * MS),
                                       ry + rh / 2),
                            &picture_theme (&pic)->running, 40));

  picture_clear (&pic);
}

/* The pixels right after a task's end, where its outcome is drawn. */
static GArray *
end_marker_pixels (Picture *pic,
                   guint    index,
                   gint64   end_ns)
{
  GArray *pixels = g_array_new (FALSE, FALSE, sizeof (Pixel));
  double x, y, ry, rh;

  task_point (pic, 0, index, end_ns, &x, &y);
  g_assert_true (aw_render_layout_task_row (pic->layout, 0, index, &ry, &rh));
  for (double py = ry; py < ry + rh; py += 1)
    for (double px = x - 2; px < x + 2 * rh; px += 1)
      {
        Pixel p = get_pixel (pic->surface, px, py);
        g_array_append_val (pixels, p);
      }
  return pixels;
}

static guint
pixels_differing (GArray   *a,
                  GArray   *b,
                  gboolean  shape_only)
{
  guint n = 0;

  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      Pixel pa = g_array_index (a, Pixel, i), pb = g_array_index (b, Pixel, i);

      if (shape_only)
        {
          /* On the dark theme only the glyphs are near white: compare
           * where they are, whatever the colours around them. */
          gboolean wa = pa.r > 220 && pa.g > 220 && pa.b > 220;
          gboolean wb = pb.r > 220 && pb.g > 220 && pb.b > 220;

          n += wa != wb;
        }
      else
        n += pixel_distance (pa, pb) > 60;
    }
  return n;
}

static void
check_outcomes (const char *theme,
                gboolean    shape_only)
{
  Picture pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();
  GArray *completed, *faulted, *cancelled;
  guint min_diff = shape_only ? 16 : 40;

  /* Outcomes on rows 0, 2 and 4, so that all three have the same zebra
   * stripe behind them. */
  run_begin (trace);
  simple_task (trace, 1, "completes", AW_EVENT_TASK_WAITING, 0, 0, 500 * MS,
               AW_EVENT_TASK_COMPLETED);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 11, 0, "spacer", 0);
  simple_task (trace, 2, "faults", AW_EVENT_TASK_WAITING, 0, 0, 500 * MS,
               AW_EVENT_TASK_FAULTED);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 12, 0, "spacer", 0);
  simple_task (trace, 3, "is cancelled", AW_EVENT_TASK_WAITING, 0, 0, 500 * MS,
               AW_EVENT_TASK_CANCELLED);
  run_end (trace, 1000 * MS, "completed");

  picture_init (&pic, theme, 1280, 720);
  picture_add (&pic, "Outcomes", model_new (trace));
  picture_draw (&pic);

  completed = end_marker_pixels (&pic, 0, 500 * MS);
  faulted = end_marker_pixels (&pic, 2, 500 * MS);
  cancelled = end_marker_pixels (&pic, 4, 500 * MS);

  g_test_message ("%s: pixels differ: completed/faulted %u, completed/cancelled %u, "
                  "faulted/cancelled %u", theme,
                  pixels_differing (completed, faulted, shape_only),
                  pixels_differing (completed, cancelled, shape_only),
                  pixels_differing (faulted, cancelled, shape_only));
  g_assert_cmpuint (pixels_differing (completed, faulted, shape_only), >=, min_diff);
  g_assert_cmpuint (pixels_differing (completed, cancelled, shape_only), >=, min_diff);
  g_assert_cmpuint (pixels_differing (faulted, cancelled, shape_only), >=, min_diff);

  /* Something is drawn there at all: not just the row background. */
  {
    double x, y;
    guint drawn = 0;
    Pixel bg;

    task_point (&pic, 0, 0, 800 * MS, &x, &y);
    bg = get_pixel (pic.surface, x, y);
    for (guint i = 0; i < completed->len; i++)
      drawn += pixel_distance (g_array_index (completed, Pixel, i), bg) > 60;
    g_assert_cmpuint (drawn, >=, 30);
  }

  g_array_unref (completed);
  g_array_unref (faulted);
  g_array_unref (cancelled);
  picture_clear (&pic);
}

static void
test_outcomes_colour (void)
{
  check_outcomes ("light", FALSE);
}

static void
test_outcomes_shape (void)
{
  /* Without colour: the white glyphs alone must differ. */
  check_outcomes ("dark", TRUE);
}

/* The first run of columns along the row centre in a saturated colour: the
 * running bar with its end cap, antialiased edges included. Background,
 * grid lines and the gap before the badge are grey or white. */
static void
running_extent (Picture *pic,
                guint    variant,
                guint    index,
                int     *first,
                int     *last)
{
  double ry, rh, y;
  int w = cairo_image_surface_get_width (pic->surface);

  g_assert_true (aw_render_layout_task_row (pic->layout, variant, index, &ry, &rh));
  y = ry + rh / 2;
  *first = -1;
  *last = -1;
  for (int x = 0; x < w; x++)
    {
      Pixel p = get_pixel (pic->surface, x, y);

      if (MAX (p.r, MAX (p.g, p.b)) - MIN (p.r, MIN (p.g, p.b)) > 30)
        {
          if (*first < 0)
            *first = x;
          *last = x;
        }
      else if (*first >= 0)
        break;
    }
  g_assert_cmpint (*first, >=, 0);
}

static void
test_shared_axis (void)
{
  Picture pic;
  g_autoptr(AwTrace) a = aw_trace_new ();
  g_autoptr(AwTrace) b = aw_trace_new ();
  int a0, a1, b0, b1;
  double wa, wb;

  run_begin (a);
  simple_task (a, 1, "one second", AW_EVENT_TASK_RUNNING, 0, 0, 1000 * MS,
               AW_EVENT_TASK_CANCELLED);
  run_end (a, 1000 * MS, "completed");

  run_begin (b);
  simple_task (b, 1, "two seconds", AW_EVENT_TASK_RUNNING, 0, 0, 2000 * MS,
               AW_EVENT_TASK_CANCELLED);
  run_end (b, 2000 * MS, "completed");

  picture_init (&pic, "light", 1280, 720);
  picture_add (&pic, "A", model_new (a));
  picture_add (&pic, "B", model_new (b));
  picture_draw (&pic);

  /* The view fits the longest run. */
  g_assert_cmpint (pic.layout->view_start_ns, ==, 0);
  g_assert_cmpint (pic.layout->view_end_ns, >=, 2000 * MS);
  g_assert_cmpfloat (aw_render_layout_time_to_x (pic.layout, 2000 * MS), <=,
                     pic.layout->plot_x + pic.layout->plot_width + 0.5);

  /* B sits below A. */
  g_assert_cmpfloat (pic.layout->variants[1].y, >=,
                     pic.layout->variants[0].y + pic.layout->variants[0].height);

  running_extent (&pic, 0, 0, &a0, &a1);
  running_extent (&pic, 1, 0, &b0, &b1);
  wa = a1 - a0 + 1;
  wb = b1 - b0 + 1;
  g_test_message ("1 s task: %d..%d, 2 s task: %d..%d", a0, a1, b0, b1);

  g_assert_cmpint (abs (a0 - b0), <=, 1);
  g_assert_cmpfloat (fabs (wa - wb / 2), <=, 2.0);
  g_assert_cmpfloat (wb, >, 200);

  picture_clear (&pic);
}

static void
test_view_window (void)
{
  Picture pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();
  double x, y;

  run_begin (trace);
  simple_task (trace, 1, "early", AW_EVENT_TASK_RUNNING, 0, 0, 500 * MS, AW_EVENT_TASK_COMPLETED);
  simple_task (trace, 2, "late", AW_EVENT_TASK_RUNNING, 0, 600 * MS, 2000 * MS,
               AW_EVENT_TASK_COMPLETED);
  run_end (trace, 2000 * MS, "completed");

  picture_init (&pic, "light", 1280, 720);
  picture_add (&pic, "Zoomed", model_new (trace));
  pic.request.view_start_ns = 550 * MS;
  pic.request.view_end_ns = 1050 * MS;
  picture_draw (&pic);

  g_assert_cmpint (pic.layout->view_start_ns, ==, 550 * MS);
  g_assert_cmpfloat_with_epsilon (aw_render_layout_time_to_x (pic.layout, 550 * MS),
                                  pic.layout->plot_x, 1e-6);
  g_assert_cmpfloat_with_epsilon (aw_render_layout_time_to_x (pic.layout, 1050 * MS),
                                  pic.layout->plot_x + pic.layout->plot_width, 1e-6);
  g_assert_cmpint (llabs (aw_render_layout_x_to_time (pic.layout, pic.layout->plot_x) - 550 * MS),
                   <=, 1);

  /* The early task ended before the view: nothing of it in its row. */
  for (double px = pic.layout->plot_x + 2; px < pic.layout->plot_x + pic.layout->plot_width;
       px += 7)
    {
      task_point (&pic, 0, 0, 0, &x, &y);
      g_assert_false (pixel_is (get_pixel (pic.surface, px, y),
                                &picture_theme (&pic)->running, 40));
    }

  /* The late one fills its row across the view. */
  task_point (&pic, 0, 1, 700 * MS, &x, &y);
  assert_pixel_is (pic.surface, x, y, &picture_theme (&pic)->running);
  task_point (&pic, 0, 1, 1040 * MS, &x, &y);
  assert_pixel_is (pic.surface, x, y, &picture_theme (&pic)->running);

  picture_clear (&pic);
}

/* A replay draws a cut-off run laid out for the whole of it: the axis, the
 * label column, the rows and the legend of the whole run; what comes after
 * the cutoff is not drawn. */
static void
test_replay_layout (void)
{
  Picture whole_pic, cut_pic, alone_pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();
  AwTraceModel *whole[1];
  const AwTheme *theme;
  double x, y;

  run_begin (trace);
  simple_task (trace, 1, "early", AW_EVENT_TASK_RUNNING, 0, 0, 500 * MS, AW_EVENT_TASK_COMPLETED);
  simple_task (trace, 2, "a late task with a rather long name", AW_EVENT_TASK_RUNNING, 0,
               600 * MS, 2000 * MS, AW_EVENT_TASK_CANCELLED);
  ev (trace, 1500 * MS, AW_EVENT_CANCEL_REQUEST, 2, 0, NULL, 0);
  run_end (trace, 2000 * MS, "completed");

  picture_init (&whole_pic, "light", 1024, 400);
  picture_add (&whole_pic, "Whole", model_new (trace));
  picture_draw (&whole_pic);

  picture_init (&cut_pic, "light", 1024, 400);
  picture_add (&cut_pic, "Cut", model_new (trace));
  aw_trace_model_set_cutoff (cut_pic.variants[0].model, 300 * MS);
  whole[0] = whole_pic.variants[0].model;
  cut_pic.request.whole_models = whole;
  picture_draw (&cut_pic);
  theme = picture_theme (&cut_pic);

  /* The whole run's geometry. */
  g_assert_cmpint (cut_pic.layout->view_start_ns, ==, 0);
  g_assert_cmpint (cut_pic.layout->view_end_ns, ==, whole_pic.layout->view_end_ns);
  g_assert_cmpint (cut_pic.layout->view_end_ns, >=, 2000 * MS);
  g_assert_cmpfloat (cut_pic.layout->plot_x, ==, whole_pic.layout->plot_x);
  g_assert_cmpfloat (cut_pic.layout->axis_y, ==, whole_pic.layout->axis_y);
  g_assert_cmpfloat (cut_pic.layout->legend_height, ==, whole_pic.layout->legend_height);
  g_assert_cmpuint (cut_pic.layout->variants[0].n_rows, ==, 2);
  g_assert_true (aw_render_layout_task_row (cut_pic.layout, 0, 1, NULL, NULL));

  /* What happened by 300 ms is drawn; the late task's row stays empty. */
  task_point (&cut_pic, 0, 0, 200 * MS, &x, &y);
  assert_pixel_is (cut_pic.surface, x, y, &theme->running);
  task_point (&cut_pic, 0, 0, 400 * MS, &x, &y);
  g_assert_false (pixel_is (get_pixel (cut_pic.surface, x, y), &theme->running, 40));
  task_point (&cut_pic, 0, 1, 1000 * MS, &x, &y);
  g_assert_false (pixel_is (get_pixel (cut_pic.surface, x, y), &theme->running, 40));
  task_point (&whole_pic, 0, 1, 1000 * MS, &x, &y);
  assert_pixel_is (whole_pic.surface, x, y, &theme->running);

  /* The playhead's time on the axis: a plate in the text's colour under
   * its x, where the picture without it has at most a muted tick label. */
  {
    const AwRenderLayout *lay = cut_pic.layout;
    double px = aw_render_layout_time_to_x (lay, 300 * MS);
    guint with, without;

    without = 0;
    for (double yy = lay->axis_y + 2; yy < lay->axis_y + lay->axis_height; yy++)
      for (double xx = px - 10; xx <= px + 10; xx++)
        without += pixel_is (get_pixel (cut_pic.surface, xx, yy), &theme->foreground, 30);
    cut_pic.request.show_playhead = TRUE;
    cut_pic.request.playhead_ns = 300 * MS;
    picture_draw (&cut_pic);
    with = 0;
    for (double yy = cut_pic.layout->axis_y + 2; yy < cut_pic.layout->axis_y + cut_pic.layout->axis_height; yy++)
      for (double xx = px - 10; xx <= px + 10; xx++)
        with += pixel_is (get_pixel (cut_pic.surface, xx, yy), &theme->foreground, 30);
    g_test_message ("axis under the playhead: %u pixels in the text's colour, %u without it", with, without);
    g_assert_cmpuint (with, >, 100);
    g_assert_cmpuint (with, >, 5 * without);
  }

  /* Laid out for itself, the cut-off run fills the axis up to its cutoff. */
  picture_init (&alone_pic, "light", 1024, 400);
  picture_add (&alone_pic, "Alone", aw_trace_model_ref (cut_pic.variants[0].model));
  picture_draw (&alone_pic);
  g_assert_cmpint (alone_pic.layout->view_end_ns, ==, 300 * MS);
  g_assert_cmpuint (alone_pic.layout->variants[0].n_rows, ==, 1);

  picture_clear (&alone_pic);
  picture_clear (&cut_pic);
  picture_clear (&whole_pic);
}

/* Rows shared by many tasks, cut off halfway: the rows past the tasks
 * created so far are left alone. */
static void
test_replay_shared_rows (void)
{
  Picture whole_pic, cut_pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();
  AwTraceModel *whole[1];

  run_begin (trace);
  for (guint i = 0; i < 3000; i++)
    simple_task (trace, i + 1, "worker", AW_EVENT_TASK_WAITING, 0, i * MS, i * MS + 50 * MS,
                 AW_EVENT_TASK_COMPLETED);
  run_end (trace, 3050 * MS, "completed");

  picture_init (&whole_pic, "light", 800, 300);
  picture_add (&whole_pic, "Whole", model_new (trace));
  picture_draw (&whole_pic);
  g_assert_cmpuint (whole_pic.layout->variants[0].tasks_per_row, >, 1);

  for (gint64 cutoff = 0; cutoff <= 3050 * MS; cutoff += 331 * MS)
    {
      picture_init (&cut_pic, "light", 800, 300);
      picture_add (&cut_pic, "Cut", model_new (trace));
      aw_trace_model_set_cutoff (cut_pic.variants[0].model, cutoff);
      whole[0] = whole_pic.variants[0].model;
      cut_pic.request.whole_models = whole;
      picture_draw (&cut_pic);
      g_assert_cmpuint (cut_pic.layout->variants[0].n_rows, ==, whole_pic.layout->variants[0].n_rows);
      g_assert_cmpuint (cut_pic.layout->variants[0].tasks_per_row, ==,
                        whole_pic.layout->variants[0].tasks_per_row);
      picture_clear (&cut_pic);
    }
  picture_clear (&whole_pic);
}

/* How far right of @from_x the label of a mark reaches on the main lane of
 * a picture of one run with @n progress reports at 500 ms, all at once. */
static double
report_label_reach (guint n)
{
  Picture pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();
  double ly, lh, x, reach;

  run_begin (trace);
  simple_task (trace, 1, "Compute", AW_EVENT_TASK_RUNNING, 1, 0, 1000 * MS, AW_EVENT_TASK_COMPLETED);
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *text = g_strdup_printf (AW_MARK_REPORT "%u%%)", i * 10);

      ev (trace, 500 * MS, AW_EVENT_MARK, 1, 0, text, 0);
    }
  run_end (trace, 1000 * MS, "completed");

  picture_init (&pic, "light", 1280, 720);
  picture_add (&pic, "Reports", model_new (trace));
  picture_draw (&pic);
  g_assert_true (aw_render_layout_lane (pic.layout, 0, 0, &ly, &lh));
  x = aw_render_layout_time_to_x (pic.layout, 500 * MS);
  reach = 0;
  for (double py = ly + lh * 0.25; py < ly + lh * 0.75; py += 1)
    for (double px = x + 4; px < x + 600; px += 1)
      if (pixel_is (get_pixel (pic.surface, px, py), &picture_theme (&pic)->accent, 60))
        reach = MAX (reach, px - x);
  picture_clear (&pic);
  return reach;
}

/* Progress reports that ran together (posted by work on the UI thread)
 * get one label that says how many and from what to what, not the first
 * one's label alone. */
static void
test_report_group (void)
{
  double one = report_label_reach (1);
  double nine = report_label_reach (9);

  g_test_message ("label of one report: %.0f px; of nine at once: %.0f px", one, nine);
  g_assert_cmpfloat (one, >, 20);
  g_assert_cmpfloat (nine, >, 1.8 * one);
}

static void
test_main_lane (void)
{
  Picture pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();
  double ly, lh, x;
  gboolean found_blocked = FALSE, found_tick = FALSE;

  run_begin (trace);
  for (gint64 t = 0; t < 1000 * MS; t += 16 * MS)
    if (t < 400 * MS || t > 700 * MS)
      ev (trace, t, AW_EVENT_FRAME, 0, 0, NULL, 0);
  ev (trace, 400 * MS, AW_EVENT_UI_BLOCK_BEGIN, 0, 0, NULL, 0);
  ev (trace, 700 * MS, AW_EVENT_UI_BLOCK_END, 0, 0, NULL, 0);
  simple_task (trace, 1, "sync work", AW_EVENT_TASK_RUNNING, 0, 400 * MS, 700 * MS,
               AW_EVENT_TASK_COMPLETED);
  ev (trace, 300 * MS, AW_EVENT_TASK_SYNC, 2, 0, "cached", 0);
  run_end (trace, 1000 * MS, "completed");

  picture_init (&pic, "light", 1280, 720);
  picture_add (&pic, "Blocking", model_new (trace));
  picture_draw (&pic);

  g_assert_true (aw_render_layout_lane (pic.layout, 0, 0, &ly, &lh));
  g_assert_cmpfloat (lh, >, 10);

  /* The frozen band shows the blocked colour. */
  x = aw_render_layout_time_to_x (pic.layout, 420 * MS);
  for (double py = ly; py < ly + lh; py += 1)
    for (double px = x; px < x + 12; px += 1)
      found_blocked |= pixel_is (get_pixel (pic.surface, px, py),
                                 &picture_theme (&pic)->blocked, 8);
  g_assert_true (found_blocked);

  /* A heartbeat tick in the upper part of the lane. */
  for (double px = aw_render_layout_time_to_x (pic.layout, 96 * MS) - 3;
       px < aw_render_layout_time_to_x (pic.layout, 96 * MS) + 4; px += 1)
    found_tick |= pixel_is (get_pixel (pic.surface, px, ly + lh * 0.25),
                            &picture_theme (&pic)->frame, 40);
  g_assert_true (found_tick);

  /* The main thread ran code while frozen (lower half of the lane), and
   * not after. */
  assert_pixel_is (pic.surface, aw_render_layout_time_to_x (pic.layout, 550 * MS), ly + lh * 0.75,
                   &picture_theme (&pic)->running);
  g_assert_false (pixel_is (get_pixel (pic.surface,
                                       aw_render_layout_time_to_x (pic.layout, 850 * MS),
                                       ly + lh * 0.75),
                            &picture_theme (&pic)->running, 40));

  /* The synchronous task (created first, so row 0): a diamond in the
   * completed colour. */
  {
    double dx, dy;

    task_point (&pic, 0, 0, 300 * MS, &dx, &dy);
    assert_pixel_is (pic.surface, dx, dy, &picture_theme (&pic)->completed);
  }

  picture_clear (&pic);
}

static void
test_many_spans (void)
{
  Picture pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();
  const guint n = 100000;
  gint64 t0;
  double elapsed, x, y;
  guint n_spans;

  run_begin (trace);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "busy", 0);
  for (guint i = 0; i < n; i++)
    {
      gboolean running = (i % 2) == 0;

      ev (trace, i * 10 * US, running ? AW_EVENT_TASK_RUNNING : AW_EVENT_TASK_WAITING,
          1, 0, NULL, running ? 1 : 0);
    }
  ev (trace, n * 10 * US, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 0);
  run_end (trace, n * 10 * US, "completed");

  picture_init (&pic, "light", 1280, 720);
  picture_add (&pic, "Many", model_new (trace));
  aw_trace_model_get_spans (pic.variants[0].model, &n_spans);
  g_assert_cmpuint (n_spans, ==, n);

  t0 = g_get_monotonic_time ();
  picture_draw (&pic);
  elapsed = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("%u spans (and %u lane spans) in view: %.1f ms (layout included)", n, n / 2,
                  elapsed * 1000);
  g_assert_cmpfloat (elapsed, <, 1.0);

  /* Merged, the dense row reads as running (it runs half the time, in
   * slices far below a pixel). */
  task_point (&pic, 0, 0, 500 * MS, &x, &y);
  assert_pixel_is (pic.surface, x, y, &picture_theme (&pic)->running);

  /* A second draw of the same picture, to time the drawing alone. */
  t0 = g_get_monotonic_time ();
  aw_render_with_layout (pic.cr, &pic.request, pic.layout);
  elapsed = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("redraw with a layout: %.1f ms", elapsed * 1000);
  g_assert_cmpfloat (elapsed, <, 1.0);

  picture_clear (&pic);
}

static void
test_many_tasks (void)
{
  Picture pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();
  g_autoptr(AwTrace) small = aw_trace_new ();
  const guint n = 10000;
  const AwRenderVariantLayout *vl;
  gint64 t0;
  double elapsed, x, y;

  run_begin (trace);
  for (guint i = 0; i < n; i++)
    {
      gint64 start = (i % 100) * MS;

      simple_task (trace, i + 1, "Task.Delay(100)", AW_EVENT_TASK_WAITING, 0,
                   start, start + 100 * MS, AW_EVENT_TASK_COMPLETED);
    }
  run_end (trace, 200 * MS, "completed");

  run_begin (small);
  simple_task (small, 1, "one", AW_EVENT_TASK_RUNNING, 0, 0, 150 * MS, AW_EVENT_TASK_COMPLETED);
  run_end (small, 150 * MS, "completed");

  picture_init (&pic, "light", 1280, 720);
  picture_add (&pic, "Small", model_new (small));
  picture_add (&pic, "Ten thousand", model_new (trace));
  t0 = g_get_monotonic_time ();
  picture_draw (&pic);
  elapsed = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("%u tasks: %.1f ms", n, elapsed * 1000);
  if (test_timing_checked ())
    g_assert_cmpfloat (elapsed, <, 1.0);

  /* The crowded variant shares rows, each at least 3 px tall, and all
   * fits in the picture. */
  vl = &pic.layout->variants[1];
  g_assert_cmpuint (vl->tasks_per_row, >, 1);
  g_assert_cmpuint (vl->n_rows * vl->tasks_per_row, >=, n);
  g_assert_cmpfloat (vl->row_height, >=, 3.0 - 1e-9);
  g_assert_cmpfloat (vl->y + vl->height, <=, pic.layout->axis_y);
  g_assert_cmpfloat (pic.layout->axis_y, <, 720);

  /* The small variant keeps a full row. */
  g_assert_cmpuint (pic.layout->variants[0].tasks_per_row, ==, 1);
  g_assert_cmpfloat (pic.layout->variants[0].row_height, >=,
                     picture_theme (&pic)->row_height * 0.9);

  /* Bucketed rows show merged coverage: at 50 ms the first tasks of row 0
   * wait, so the row is not background. */
  task_point (&pic, 1, 0, 50 * MS, &x, &y);
  g_assert_false (pixel_is (get_pixel (pic.surface, x, y), &picture_theme (&pic)->background, 10));

  /* Hit testing finds the first task of a row. */
  {
    guint variant = 99, task = 99;
    gint64 at = 0;

    g_assert_true (aw_render_layout_pick (pic.layout, x, y, &variant, &task, &at));
    g_assert_cmpuint (variant, ==, 1);
    g_assert_cmpuint (task, ==, 0);
    g_assert_cmpint (llabs (at - 50 * MS), <, MS);
    g_assert_false (aw_render_layout_pick (pic.layout, x, 1, NULL, NULL, NULL));
  }

  picture_clear (&pic);
}

static void
test_themes_differ (void)
{
  const char **names = aw_theme_list_names ();
  Pixel light_bg = { 0 }, dark_bg = { 0 };

  for (guint i = 0; names[i] != NULL; i++)
    {
      Picture pic;

      picture_init (&pic, names[i], 800, 450);
      picture_add (&pic, "One by one", delays_model (FALSE));
      picture_add (&pic, "WhenAll", delays_model (TRUE));
      pic.request.caption = "A caption under the legend.";
      picture_draw (&pic);

      assert_pixel_is (pic.surface, 1, 1, &picture_theme (&pic)->background);
      if (g_str_equal (names[i], "light"))
        light_bg = get_pixel (pic.surface, 1, 1);
      else if (g_str_equal (names[i], "dark"))
        dark_bg = get_pixel (pic.surface, 1, 1);

      /* The legend and caption fit under the axis. */
      g_assert_cmpfloat (pic.layout->legend_height, >, 0);
      g_assert_cmpfloat (pic.layout->legend_y, >, pic.layout->axis_y);
      g_assert_cmpfloat (pic.layout->legend_y + pic.layout->legend_height, <=, 450);
      if (pic.layout->caption_height > 0)
        g_assert_cmpfloat (pic.layout->caption_y + pic.layout->caption_height, <=, 450 + 0.5);

      picture_clear (&pic);
    }

  g_assert_cmpint (pixel_distance (light_bg, dark_bg), >, 300);
}

static void
test_text_scale (void)
{
  Picture one, two;

  picture_init (&one, "light", 1280, 1400);
  picture_add (&one, "One by one", delays_model (FALSE));
  picture_draw (&one);

  picture_init (&two, "light", 1280, 1400);
  picture_add (&two, "One by one", delays_model (FALSE));
  two.request.text_scale = 2.0;
  picture_draw (&two);

  g_assert_cmpfloat_with_epsilon (two.layout->font_size, 2 * one.layout->font_size, 1e-9);
  g_assert_cmpfloat (two.layout->variants[0].row_height, >,
                     one.layout->variants[0].row_height * 1.5);
  g_assert_cmpfloat (two.layout->variants[0].header_height, >,
                     one.layout->variants[0].header_height * 1.5);
  g_assert_cmpfloat (two.layout->title_height, >, one.layout->title_height * 1.5);

  picture_clear (&one);
  picture_clear (&two);
}

static void
test_empty (void)
{
  Picture pic;
  cairo_surface_t *tiny;
  cairo_t *cr;
  AwRenderRequest request;

  /* No variants at all. */
  picture_init (&pic, "dark", 320, 200);
  picture_draw (&pic);
  assert_pixel_is (pic.surface, 10, 190, &picture_theme (&pic)->background);
  picture_clear (&pic);

  /* A run with no tasks, still going. */
  {
    g_autoptr(AwTrace) trace = aw_trace_new ();

    run_begin (trace);
    ev (trace, 10 * MS, AW_EVENT_FRAME, 0, 0, NULL, 0);
    picture_init (&pic, "light", 320, 200);
    picture_add (&pic, "Nothing", model_new (trace));
    picture_draw (&pic);
    picture_clear (&pic);
  }

  /* Absurdly small surfaces must not crash or error. */
  tiny = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 3, 3);
  cr = cairo_create (tiny);
  aw_render_request_init (&request);
  request.width = 3;
  request.height = 3;
  request.title = "tiny";
  aw_render (cr, &request);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (tiny);
}

static void
render_vector (const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("aw-render-XXXXXX", &error);
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  AwNamedRun variants[2];
  AwRenderRequest request;
  cairo_t *cr;
  GStatBuf st;

  g_assert_no_error (error);
  path = g_build_filename (dir, g_str_equal (kind, "svg") ? "out.svg" : "out.pdf", NULL);
  if (g_str_equal (kind, "svg"))
    surface = cairo_svg_surface_create (path, 1280, 720);
  else
    surface = cairo_pdf_surface_create (path, 1280, 720);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);

  variants[0] = (AwNamedRun) { "one-by-one", "One by one", delays_model (FALSE) };
  variants[1] = (AwNamedRun) { "when-all", "WhenAll", delays_model (TRUE) };
  aw_render_request_init (&request);
  request.title = "Vector";
  request.caption = "Drawn into a vector surface.";
  request.variants = variants;
  request.n_variants = 2;
  request.theme = aw_theme_lookup ("projector");

  cr = cairo_create (surface);
  aw_render (cr, &request);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 1000);

  g_unlink (path);
  g_rmdir (dir);
  aw_trace_model_unref (variants[0].model);
  aw_trace_model_unref (variants[1].model);
}

static void
test_svg (void)
{
  render_vector ("svg");
}

/* What an SVG reader finds: the text content of each <text> element with
 * its position and weight, and glyph outlines by their ids. */
typedef struct {
  char   *text;
  double  x;
  double  y;
  double  size;
  gboolean bold;
} SvgText;

typedef struct {
  GArray  *texts;      /* SvgText */
  gboolean in_text;
  guint    glyphs;     /* elements whose id names a glyph outline */
} SvgScan;

static void
svg_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              data,
           GError              **error)
{
  SvgScan *scan = data;
  SvgText t = { g_strdup (""), 0 };

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "id") && g_str_has_prefix (values[i], "glyph"))
        scan->glyphs++;
      else if (g_str_equal (names[i], "x"))
        t.x = g_ascii_strtod (values[i], NULL);
      else if (g_str_equal (names[i], "y"))
        t.y = g_ascii_strtod (values[i], NULL);
      else if (g_str_equal (names[i], "font-size"))
        t.size = g_ascii_strtod (values[i], NULL);
      else if (g_str_equal (names[i], "font-weight"))
        t.bold = g_str_equal (values[i], "bold");
    }
  if (g_str_equal (element, "text"))
    {
      g_array_append_val (scan->texts, t);
      scan->in_text = TRUE;
    }
  else
    g_free (t.text);
}

static void
svg_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              data,
         GError              **error)
{
  ((SvgScan *) data)->in_text = FALSE;
}

static void
svg_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 length,
          gpointer              data,
          GError              **error)
{
  SvgScan *scan = data;
  g_autofree char *more = NULL;
  char *old;
  SvgText *t;

  if (!scan->in_text)
    return;
  t = &g_array_index (scan->texts, SvgText, scan->texts->len - 1);
  more = g_strndup (text, length);
  old = t->text;
  t->text = g_strconcat (old, more, NULL);
  g_free (old);
}

static const SvgText *
svg_find (SvgScan    *scan,
          const char *text)
{
  for (guint i = 0; i < scan->texts->len; i++)
    if (g_str_equal (g_array_index (scan->texts, SvgText, i).text, text))
      return &g_array_index (scan->texts, SvgText, i);
  return NULL;
}

static void
svg_text_clear (gpointer data)
{
  g_free (((SvgText *) data)->text);
}

/* An SVG picture's words are text a writer can select, search and
 * translate, placed where the glyphs are drawn: no glyph outlines. */
static void
test_svg_text (void)
{
  static const char long_name[] = "DownloadTheQuarterlyReportForEveryRegionAndMergeThemIntoOneSpreadsheetAsync"
                                  "ThenEmailItToEveryManagerWhoAskedForItLastWeekAsync";
  g_autoptr(AwTrace) trace = aw_trace_new ();
  g_autoptr(AwTraceModel) model = NULL;
  g_autoptr(AwRenderLayout) layout = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) parser = NULL;
  GMarkupParser callbacks = { svg_start, svg_end, svg_text, NULL, NULL };
  SvgScan scan = { g_array_new (FALSE, TRUE, sizeof (SvgText)) };
  const char *headline = "Invoices & reports took <1 s> \u2014 \"fast\"";
  const SvgText *found;
  AwNamedRun variants[2];
  AwRenderRequest request;
  gboolean ellipsized = FALSE;
  double y, h;
  gsize len;
  const char *data;

  g_array_set_clear_func (scan.texts, svg_text_clear);
  run_begin (trace);
  simple_task (trace, 1, "FetchInvoiceAsync", AW_EVENT_TASK_WAITING, 0, 0, 400 * MS, AW_EVENT_TASK_COMPLETED);
  simple_task (trace, 2, long_name, AW_EVENT_TASK_WAITING, 0, 0, 900 * MS, AW_EVENT_TASK_COMPLETED);
  run_end (trace, 900 * MS, "completed");
  model = model_new (trace);

  variants[0] = (AwNamedRun) { "a", "First run", model };
  variants[1] = (AwNamedRun) { "b", "Second run", model };
  aw_render_request_init (&request);
  request.title = "Words as text";
  request.headline = headline;
  request.caption = "A caption long enough to wrap onto a second line when the picture is narrow: "
                    "each of its lines is a text element of its own, in the order they are read, "
                    "with nothing cut and nothing left out of the words a writer may want to quote.";
  request.variants = variants;
  request.n_variants = 2;
  request.width = 960;
  request.height = 0;

  bytes = aw_render_to_bytes (&request, AW_IMAGE_SVG, 1, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &len);
  parser = g_markup_parse_context_new (&callbacks, 0, &scan, NULL);
  g_assert_true (g_markup_parse_context_parse (parser, data, len, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (parser, &error));

  g_assert_cmpuint (scan.glyphs, ==, 0);

  found = svg_find (&scan, "Words as text");
  g_assert_nonnull (found);
  g_assert_true (found->bold);

  /* The headline is whole, escaped and unescaped again, in its band. */
  layout = aw_render_layout_new (NULL, &request);
  found = svg_find (&scan, headline);
  g_assert_nonnull (found);
  g_assert_true (found->bold);
  g_assert_cmpfloat (found->y, >, layout->compare_y);
  g_assert_cmpfloat (found->y, <, layout->compare_y + layout->compare_height);

  /* A task's name, on its row and at the label's size (the first
   * variant's, the first found). */
  found = svg_find (&scan, "FetchInvoiceAsync");
  g_assert_nonnull (found);
  g_assert_true (aw_render_layout_task_row (layout, 0, 0, &y, &h));
  g_assert_cmpfloat (found->y, >, y);
  g_assert_cmpfloat (found->y, <, y + h);
  g_assert_cmpfloat (found->x, <, layout->plot_x);
  g_assert_cmpfloat (fabs (found->size - layout->variants[0].row_labels[0].text_size), <, 0.01);

  /* A name too long for its column reads as it is shown: cut, with an ellipsis. */
  for (guint i = 0; i < scan.texts->len; i++)
    {
      const char *text = g_array_index (scan.texts, SvgText, i).text;

      g_assert_cmpstr (text, !=, long_name);
      if (g_str_has_prefix (text, "DownloadTheQuarterly") && g_str_has_suffix (text, "\u2026"))
        ellipsized = TRUE;
    }
  g_assert_true (ellipsized);

  /* The wrapped caption: a line each, the second below the first. */
  found = NULL;
  for (guint i = 0; i < scan.texts->len; i++)
    if (g_str_has_prefix (g_array_index (scan.texts, SvgText, i).text, "A caption long enough"))
      found = &g_array_index (scan.texts, SvgText, i);
  g_assert_nonnull (found);
  g_assert_false (g_str_has_suffix (found->text, "want to quote."));
  g_assert_true (g_str_has_suffix (g_array_index (scan.texts, SvgText, found - (SvgText *) scan.texts->data + 1).text,
                                   "want to quote."));
  g_assert_cmpfloat (g_array_index (scan.texts, SvgText, found - (SvgText *) scan.texts->data + 1).y, >, found->y);

  g_array_unref (scan.texts);
}

/* The root element of an SVG picture. */
static void
svg_root_start (GMarkupParseContext  *context,
                const char           *element,
                const char          **names,
                const char          **values,
                gpointer              data,
                GError              **error)
{
  GHashTable *root = data;

  if (!g_str_equal (element, "svg") || g_hash_table_size (root) > 0)
    return;
  for (guint i = 0; names[i] != NULL; i++)
    g_hash_table_insert (root, g_strdup (names[i]), g_strdup (values[i]));
}

/* A picture asked for 1280 wide is 1280 pixels wide in a browser or
 * Inkscape, as the PNG of the same request is: cairo 1.16 writes the
 * size in points unless told, which shows it 1707 px wide. */
static void
test_svg_size (void)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();
  g_autoptr(AwTraceModel) model = NULL;
  g_autoptr(AwRenderLayout) layout = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) parser = NULL;
  g_autoptr(GHashTable) root = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GMarkupParser callbacks = { svg_root_start, NULL, NULL, NULL, NULL };
  g_autofree char *height = NULL;
  g_autofree char *view_box = NULL;
  AwNamedRun variant;
  AwRenderRequest request;
  const char *data;
  gsize len;

  run_begin (trace);
  simple_task (trace, 1, "FetchInvoiceAsync", AW_EVENT_TASK_WAITING, 0, 0, 400 * MS, AW_EVENT_TASK_COMPLETED);
  run_end (trace, 400 * MS, "completed");
  model = model_new (trace);
  variant = (AwNamedRun) { "a", "A run", model };
  aw_render_request_init (&request);
  request.title = "Pixels";
  request.variants = &variant;
  request.n_variants = 1;
  request.width = 1280;
  request.height = 0;
  layout = aw_render_layout_new (NULL, &request);

  bytes = aw_render_to_bytes (&request, AW_IMAGE_SVG, 1, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &len);
  parser = g_markup_parse_context_new (&callbacks, 0, root, NULL);
  g_assert_true (g_markup_parse_context_parse (parser, data, len, &error));
  g_assert_no_error (error);

  /* Pixels, or a bare number, which SVG reads as pixels. */
  g_assert_true (g_strcmp0 (g_hash_table_lookup (root, "width"), "1280px") == 0 ||
                 g_strcmp0 (g_hash_table_lookup (root, "width"), "1280") == 0);
  height = g_strdup_printf ("%gpx", layout->height);
  g_assert_cmpstr (g_hash_table_lookup (root, "height"), ==, height);
  view_box = g_strdup_printf ("0 0 1280 %g", layout->height);
  g_assert_cmpstr (g_hash_table_lookup (root, "viewBox"), ==, view_box);
}

/* A vector picture keeps its text apart and puts it over the drawing, so
 * text that a veil (what C# would never have run, after a crash) covers
 * in a PNG is veiled apart: it takes the veiled colour, and a line that
 * crosses the veil's edge is cut there, its part outside as it was. */
static void
test_veil_texts (void)
{
  g_autoptr(GArray) texts = g_array_new (FALSE, TRUE, sizeof (AwRenderTextRun));
  const AwColor ink = { 0, 0, 0, 1 };
  const AwColor veil = { 1, 1, 1, 0.6 };
  AwRenderTextRun runs[] = {
    { g_strdup ("under"), 120, 30, 40, 10, FALSE, ink, { 0, 0, -1, 0 } },
    { g_strdup ("across"), 80, 30, 60, 10, FALSE, ink, { 0, 0, -1, 0 } },
    { g_strdup ("beside"), 300, 30, 50, 10, FALSE, ink, { 0, 0, -1, 0 } },
    { g_strdup ("below"), 120, 90, 40, 10, FALSE, ink, { 0, 0, -1, 0 } },
  };
  const AwRenderTextRun *r;

  g_array_set_clear_func (texts, _aw_render_text_run_clear);
  g_array_append_vals (texts, runs, G_N_ELEMENTS (runs));
  _aw_render_veil_texts (texts, 100, 0, 200, 50, &veil);

  g_assert_cmpuint (texts->len, ==, 5);
  r = &g_array_index (texts, AwRenderTextRun, 0);
  g_assert_cmpstr (r->text, ==, "under");
  g_assert_cmpfloat_with_epsilon (r->color.red, 0.6, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->color.alpha, 1, 1e-9);
  g_assert_cmpfloat (r->clip[2], <, 0);

  /* "across": its part under the veil, then its part before it. */
  r = &g_array_index (texts, AwRenderTextRun, 1);
  g_assert_cmpstr (r->text, ==, "across");
  g_assert_cmpfloat_with_epsilon (r->color.red, 0.6, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->clip[0], 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->clip[0] + r->clip[2], 200, 1e-9);
  g_assert_cmpfloat (r->clip[1], <=, 30 - 10);
  g_assert_cmpfloat (r->clip[1] + r->clip[3], >=, 30);
  r = &g_array_index (texts, AwRenderTextRun, 2);
  g_assert_cmpstr (r->text, ==, "across");
  g_assert_cmpfloat_with_epsilon (r->color.red, 0, 1e-9);
  g_assert_cmpfloat (r->clip[0], <=, 80);
  g_assert_cmpfloat_with_epsilon (r->clip[0] + r->clip[2], 100, 1e-9);

  for (guint i = 3; i < 5; i++)
    {
      r = &g_array_index (texts, AwRenderTextRun, i);
      g_assert_true (g_str_equal (r->text, "beside") || g_str_equal (r->text, "below"));
      g_assert_cmpfloat_with_epsilon (r->color.red, 0, 1e-9);
      g_assert_cmpfloat (r->clip[2], <, 0);
    }
}

static void
test_pdf (void)
{
  render_vector ("pdf");
}

static void
test_scaled_context (void)
{
  Picture pic;
  cairo_surface_t *big;
  cairo_t *cr;
  double x, y;

  /* A HiDPI widget draws with a scaled context: the same picture, twice as
   * many pixels. */
  picture_init (&pic, "light", 640, 360);
  picture_add (&pic, "One by one", delays_model (FALSE));
  picture_draw (&pic);

  big = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1280, 720);
  cr = cairo_create (big);
  cairo_scale (cr, 2, 2);
  aw_render (cr, &pic.request);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (big);

  task_point (&pic, 0, 0, 400 * MS, &x, &y);
  g_assert_cmpint (pixel_distance (get_pixel (pic.surface, x, y), get_pixel (big, 2 * x, 2 * y)),
                   <, 10);

  cairo_destroy (cr);
  cairo_surface_destroy (big);
  picture_clear (&pic);
}

/* Whether @shown is a task's error message, cut with an ellipsis. */
static gboolean
is_task_error (const AwNamedRun *runs,
               guint             n,
               const char       *shown)
{
  gsize prefix = strlen (shown) - strlen ("\u2026");

  for (guint v = 0; v < n; v++)
    {
      const AwTaskInfo *tasks;
      guint n_tasks;

      tasks = aw_trace_model_get_tasks (runs[v].model, &n_tasks);
      for (guint i = 0; i < n_tasks; i++)
        if (tasks[i].error != NULL && strncmp (tasks[i].error, shown, prefix) == 0)
          return TRUE;
    }
  return FALSE;
}

/* Every bundled lesson, compared, as presentation mode draws it on a
 * 1024x768 projector: task labels at least 3.5% of the height wherever a
 * row holds one task, rows never squeezed under their labels, and the
 * comparison line whole (it wraps; it is never cut). */
static void
test_readable_every_lesson (void)
{
  g_autoptr(GPtrArray) scenarios = aw_catalog_load_all (NULL);
  const double floor_px = 0.035 * 768;
  guint cut = 0;

  g_assert_nonnull (scenarios);
  for (guint i = 0; i < scenarios->len; i++)
    {
      AwScenario *scenario = g_ptr_array_index (scenarios, i);
      guint n = aw_scenario_get_n_variants (scenario);
      g_autofree AwNamedRun *runs = g_new0 (AwNamedRun, n);
      AwRenderRequest request;
      AwRenderLayout *layout;
      AwRunOptions options;

      aw_run_options_init (&options);
      options.wait_deadline_ms = 1000;
      for (guint v = 0; v < n; v++)
        {
          const AwVariant *variant = aw_scenario_get_variant (scenario, v);
          AwTrace *trace = aw_clock_simulate (scenario, v, &options);

          runs[v] = (AwNamedRun) { variant->name, variant->title, aw_trace_model_new (trace) };
          aw_trace_unref (trace);
        }

      aw_render_request_init (&request);
      request.variants = runs;
      request.n_variants = n;
      request.theme = aw_theme_lookup ("projector");
      request.width = 1024;
      request.height = 500;
      request.min_label_px = floor_px;
      layout = aw_render_layout_new (NULL, &request);

      for (guint v = 0; v < n; v++)
        {
          const AwRenderVariantLayout *vl = &layout->variants[v];

          if (vl->tasks_per_row == 1)
            g_assert_cmpfloat (aw_render_layout_label_size (layout, v), >=, floor_px - 0.01);
          g_assert_cmpfloat (vl->row_height * 0.85, >=, aw_render_layout_label_size (layout, v) - 0.01);
        }
      /* Taller than the canvas where it must be, never squeezed into it. */
      g_assert_cmpfloat (layout->content_height, >=, layout->legend_y + layout->legend_height);
      if (n >= 2)
        {
          /* The headline: at most four lines of its size, whole. */
          g_assert_cmpfloat (layout->compare_height, >, 0);
          g_assert_cmpfloat (layout->compare_height, <, 4.6 * 1.05 * layout->font_size * 1.25);
        }
      g_test_message ("%s: labels %.1f px, %.0f px tall", aw_scenario_get_id (scenario),
                      aw_render_layout_label_size (layout, 0), layout->content_height);
      aw_render_layout_free (layout);

      /* Every word whole: no label, lane name or headline cut with an
       * ellipsis (the words as an SVG of the same picture holds them). */
      {
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GMarkupParseContext) parser = NULL;
        GMarkupParser callbacks = { svg_start, svg_end, svg_text, NULL, NULL };
        SvgScan scan = { g_array_new (FALSE, TRUE, sizeof (SvgText)) };
        const char *data;
        gsize len;

        g_array_set_clear_func (scan.texts, svg_text_clear);
        bytes = aw_render_to_bytes (&request, AW_IMAGE_SVG, 1, &error);
        g_assert_no_error (error);
        data = g_bytes_get_data (bytes, &len);
        parser = g_markup_parse_context_new (&callbacks, 0, &scan, NULL);
        g_assert_true (g_markup_parse_context_parse (parser, data, len, &error));
        g_assert_no_error (error);
        for (guint t = 0; t < scan.texts->len; t++)
          {
            const char *text = g_array_index (scan.texts, SvgText, t).text;

            /* A fault's message after its badge may be cut: the row's
             * tooltip, the task table and the outcome card hold it whole. */
            if (g_str_has_suffix (text, "\u2026") && !is_task_error (runs, n, text))
              {
                g_test_message ("%s: cut: %s", aw_scenario_get_id (scenario), text);
                cut++;
              }
          }
        g_array_unref (scan.texts);
      }
      for (guint v = 0; v < n; v++)
        aw_trace_model_unref (runs[v].model);
    }
  g_assert_cmpuint (cut, ==, 0);
}

/* Legend and row labels {{{ */

/* What the legend must explain for a run, read from its events alone (and
 * for hatched work, from its tasks). */
static void
expect_legend_items (AwTrace      *trace,
                     AwTraceModel *model,
                     gboolean     *expected)
{
  const AwEvent *events;
  const AwTaskInfo *tasks;
  guint n_events, n_tasks;

  events = aw_trace_get_events (trace, &n_events);
  for (guint i = 0; i < n_events; i++)
    {
      const char *text = aw_trace_get_string (trace, events[i].str);

      switch (events[i].kind)
        {
        case AW_EVENT_TASK_RUNNING: expected[AW_LEGEND_RUNNING] = TRUE; break;
        case AW_EVENT_TASK_WAITING: expected[AW_LEGEND_WAITING] = TRUE; break;
        case AW_EVENT_TASK_QUEUED: expected[AW_LEGEND_QUEUED] = TRUE; break;
        case AW_EVENT_TASK_COMPLETED: expected[AW_LEGEND_COMPLETED] = TRUE; break;
        case AW_EVENT_TASK_FAULTED: expected[AW_LEGEND_FAULTED] = TRUE; break;
        case AW_EVENT_TASK_CANCELLED: expected[AW_LEGEND_CANCELLED] = TRUE; break;
        case AW_EVENT_TASK_DEADLOCKED: expected[AW_LEGEND_DEADLOCKED] = TRUE; break;
        case AW_EVENT_TASK_SYNC: expected[AW_LEGEND_SYNC] = TRUE; break;
        case AW_EVENT_FRAME: expected[AW_LEGEND_HEARTBEAT] = TRUE; break;
        case AW_EVENT_UI_BLOCK_BEGIN: expected[AW_LEGEND_FROZEN] = TRUE; break;
        case AW_EVENT_CANCEL_REQUEST: expected[AW_LEGEND_CANCEL_REQUEST] = TRUE; break;
        case AW_EVENT_WATCHDOG: expected[AW_LEGEND_WATCHDOG] = TRUE; break;
        case AW_EVENT_CRASH: expected[AW_LEGEND_CRASH] = TRUE; break;
        case AW_EVENT_ERROR_UNOBSERVED: expected[AW_LEGEND_UNOBSERVED] = TRUE; break;
        case AW_EVENT_ERROR_SWALLOWED: expected[AW_LEGEND_SWALLOWED] = TRUE; break;
        case AW_EVENT_MARK:
          if (text != NULL && g_str_has_prefix (text, "Report("))
            expected[AW_LEGEND_REPORT] = TRUE;
          else if (g_strcmp0 (text, "SetResult") == 0)
            expected[AW_LEGEND_SET_RESULT] = TRUE;
          else if (text != NULL && g_str_has_prefix (text, "pool: "))
            expected[AW_LEGEND_POOL_GREW] = TRUE;
          else if (g_strcmp0 (text, AW_MARK_STRANDED) == 0)
            expected[AW_LEGEND_STRANDED] = TRUE;
          else
            expected[AW_LEGEND_MARK] = TRUE;
          break;
        default:
          break;
        }
    }

  /* Hatched: a cancelled task that ran on after the request, or work on a
   * worker that outlived the task awaiting it. */
  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  for (guint i = 0; i < n_tasks; i++)
    {
      const AwTaskInfo *task = &tasks[i];
      const AwTaskInfo *parent = task->parent ? aw_trace_model_find_task (model, task->parent) : NULL;

      if (task->end_ns < 0 || task->sync)
        continue;
      if (task->cancel_request_ns >= 0 && task->cancel_request_ns < task->end_ns &&
          (task->outcome == AW_OUTCOME_CANCELLED || task->lane != 0))
        expected[AW_LEGEND_ABANDONED] = TRUE;
      if (task->lane != 0 && parent != NULL && parent->gtask && parent->end_ns >= 0 &&
          parent->end_ns < task->end_ns)
        expected[AW_LEGEND_ABANDONED] = TRUE;
    }
}

/* Every bundled scenario, each variant alone and all of them together, on
 * the virtual clock: the legend lists every kind of mark the runs have,
 * and no optional entry they lack. */
static void
test_legend_every_mark (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenarios = aw_catalog_load_all (&error);
  gboolean seen[AW_LEGEND_N_ITEMS] = { FALSE };
  static const AwLegendItem always[] = {
    AW_LEGEND_RUNNING, AW_LEGEND_WAITING, AW_LEGEND_QUEUED, AW_LEGEND_COMPLETED,
    AW_LEGEND_FAULTED, AW_LEGEND_CANCELLED, AW_LEGEND_HEARTBEAT, AW_LEGEND_FROZEN,
  };
  static const AwLegendItem must_occur[] = {
    AW_LEGEND_DEADLOCKED, AW_LEGEND_SYNC, AW_LEGEND_ABANDONED, AW_LEGEND_CANCEL_REQUEST,
    AW_LEGEND_WATCHDOG, AW_LEGEND_STRANDED, AW_LEGEND_CRASH, AW_LEGEND_UNOBSERVED,
    AW_LEGEND_SWALLOWED, AW_LEGEND_REPORT, AW_LEGEND_SET_RESULT, AW_LEGEND_POOL_GREW,
  };

  g_assert_no_error (error);
  g_assert_cmpuint (scenarios->len, >, 20);

  for (guint s = 0; s < scenarios->len; s++)
    {
      AwScenario *scenario = g_ptr_array_index (scenarios, s);
      guint n_variants = aw_scenario_get_n_variants (scenario);
      g_autofree AwNamedRun *runs = g_new0 (AwNamedRun, n_variants);
      g_autofree gboolean *all_expected = g_new0 (gboolean, AW_LEGEND_N_ITEMS);
      g_autoptr(GPtrArray) traces = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_unref);
      AwRunOptions options;

      aw_run_options_init (&options);
      for (guint v = 0; v <= n_variants; v++)
        {
          AwRenderRequest request;
          AwLegendItem items[AW_LEGEND_N_ITEMS];
          gboolean expected[AW_LEGEND_N_ITEMS] = { FALSE }, listed[AW_LEGEND_N_ITEMS] = { FALSE };
          guint n;

          aw_render_request_init (&request);
          if (v < n_variants)
            {
              AwTrace *trace = aw_clock_simulate (scenario, v, &options);

              g_ptr_array_add (traces, trace);
              runs[v].name = runs[v].title = aw_scenario_get_id (scenario);
              runs[v].model = aw_trace_model_new (trace);
              expect_legend_items (trace, runs[v].model, expected);
              for (guint i = 0; i < AW_LEGEND_N_ITEMS; i++)
                {
                  all_expected[i] |= expected[i];
                  seen[i] |= expected[i];
                }
              request.variants = &runs[v];
              request.n_variants = 1;
            }
          else
            {
              /* The scenario's picture: every variant on one axis. */
              memcpy (expected, all_expected, sizeof expected);
              request.variants = runs;
              request.n_variants = n_variants;
            }

          n = aw_render_get_legend (&request, items);
          for (guint i = 0; i < n; i++)
            {
              g_assert_cmpint (items[i], <, AW_LEGEND_N_ITEMS);
              g_assert_false (listed[items[i]]);
              listed[items[i]] = TRUE;
            }
          for (guint i = 0; i < AW_LEGEND_N_ITEMS; i++)
            {
              if (expected[i] && !listed[i])
                g_test_fail_printf ("%s (variant %d): the run has \"%s\" but the legend does not list it",
                                    aw_scenario_get_id (scenario), v < n_variants ? (int) v : -1,
                                    aw_legend_item_get_label (i));
              if (!expected[i] && listed[i] && i >= AW_LEGEND_DEADLOCKED &&
                  i != AW_LEGEND_HEARTBEAT && i != AW_LEGEND_FROZEN)
                g_test_fail_printf ("%s (variant %d): the legend lists \"%s\", which the run lacks",
                                    aw_scenario_get_id (scenario), v < n_variants ? (int) v : -1,
                                    aw_legend_item_get_label (i));
            }
          for (guint i = 0; i < G_N_ELEMENTS (always); i++)
            g_assert_true (listed[always[i]]);
        }

      for (guint v = 0; v < n_variants; v++)
        aw_trace_model_unref (runs[v].model);
    }

  /* The scenarios' runs between them have every kind of mark: the check
   * above was made for each. */
  for (guint i = 0; i < G_N_ELEMENTS (must_occur); i++)
    if (!seen[must_occur[i]])
      g_test_fail_printf ("no bundled scenario shows \"%s\"", aw_legend_item_get_label (must_occur[i]));

  /* Every entry says something, and no two say the same. */
  for (guint i = 0; i < AW_LEGEND_N_ITEMS; i++)
    {
      g_assert_nonnull (aw_legend_item_get_label (i));
      g_assert_cmpuint (strlen (aw_legend_item_get_label (i)), >, 3);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (aw_legend_item_get_label (i), !=, aw_legend_item_get_label (j));
    }
}

/* A legend swatch has the colours of the bar it explains, in small rows
 * (filled only) and in tall ones (outlined). */
static void
test_legend_swatch_matches_chart (void)
{
  static const struct {
    AwEventKind  phase;
    AwLegendItem item;
  } states[] = {
    { AW_EVENT_TASK_WAITING, AW_LEGEND_WAITING },
    { AW_EVENT_TASK_QUEUED, AW_LEGEND_QUEUED },
    { AW_EVENT_TASK_RUNNING, AW_LEGEND_RUNNING },
  };
  static const guint task_counts[] = { 3, 60 };

  for (guint k = 0; k < G_N_ELEMENTS (task_counts); k++)
    for (guint s = 0; s < G_N_ELEMENTS (states); s++)
      {
        Picture pic;
        g_autoptr(AwTrace) trace = aw_trace_new ();
        cairo_surface_t *swatch;
        cairo_t *cr;
        double x, y, ry, rh;
        Pixel chart, drawn;

        run_begin (trace);
        for (guint i = 0; i < task_counts[k]; i++)
          simple_task (trace, i + 1, "bar", states[s].phase, states[s].phase == AW_EVENT_TASK_RUNNING ? 1 : 0,
                       0, 1000 * MS, AW_EVENT_TASK_COMPLETED);
        run_end (trace, 1000 * MS, "completed");
        picture_init (&pic, "light", 1024, 768);
        picture_add (&pic, "Bars", model_new (trace));
        picture_draw (&pic);
        g_assert_cmpuint (pic.layout->variants[0].tasks_per_row, ==, 1);
        g_assert_true (aw_render_layout_task_row (pic.layout, 0, 0, &ry, &rh));
        task_point (&pic, 0, 0, 500 * MS, &x, &y);
        chart = get_pixel (pic.surface, x, y);

        /* The swatch as tall as the rows, its middle against the bar's. */
        swatch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 40, (int) ceil (rh));
        cr = cairo_create (swatch);
        cairo_set_source_rgb (cr, 1, 1, 1);
        cairo_paint (cr);
        aw_render_legend_swatch (cr, pic.request.theme, 1.0, states[s].item, 40, rh);
        cairo_destroy (cr);
        drawn = get_pixel (swatch, 20, rh / 2);
        g_test_message ("%s in rows %.1f px tall: chart #%02x%02x%02x, legend #%02x%02x%02x",
                        aw_legend_item_get_label (states[s].item), rh,
                        chart.r, chart.g, chart.b, drawn.r, drawn.g, drawn.b);
        g_assert_cmpint (pixel_distance (chart, drawn), <=, 6);
        cairo_surface_destroy (swatch);
        picture_clear (&pic);
      }
}

/* Labels of the rows of variant @v: the stretches cover every task once,
 * in order, inside the variant; a label per stretch of shared or small
 * rows says what it merges once (a row each may repeat a name: tasks of
 * one name). */
static void
check_row_labels (Picture *pic,
                  guint    v)
{
  const AwRenderVariantLayout *vl = &pic->layout->variants[v];
  guint n_tasks, next = 0;

  aw_trace_model_get_tasks (pic->variants[v].model, &n_tasks);
  g_assert_cmpuint (vl->n_row_labels, >, 0);
  for (guint i = 0; i < vl->n_row_labels; i++)
    {
      const AwRenderRowLabel *label = &vl->row_labels[i];

      g_test_message ("%s: \"%s\" (%u tasks)", pic->variants[v].title, label->text, label->n_tasks);
      g_assert_cmpuint (label->first_task, ==, next);
      g_assert_cmpuint (label->n_tasks, >, 0);
      next += label->n_tasks;
      g_assert_null (strstr (label->text, "(+"));
      g_assert_cmpfloat (label->text_y + label->text_height, <=, vl->y + vl->height + 0.5);
      for (guint j = 0; j < i && vl->row_labels_grouped; j++)
        g_assert_cmpstr (label->text, !=, vl->row_labels[j].text);
    }
  g_assert_cmpuint (next, ==, n_tasks);
}

static const AwRenderRowLabel *
find_label (Picture    *pic,
            guint       v,
            const char *part)
{
  const AwRenderVariantLayout *vl = &pic->layout->variants[v];

  for (guint i = 0; i < vl->n_row_labels; i++)
    if (strstr (vl->row_labels[i].text, part) != NULL)
      return &vl->row_labels[i];
  return NULL;
}

/* Rows that 1,001 or 10,001 tasks share say once what they merge: the
 * name, the count and what the tasks did. */
static void
test_row_labels_merged (void)
{
  g_autoptr(AwScenario) valuetask = aw_catalog_lookup ("valuetask", NULL);
  g_autoptr(AwScenario) scale = aw_catalog_lookup ("scale", NULL);
  static const int sizes[][2] = { { 1280, 720 }, { 1024, 768 } };
  AwRunOptions options;

  g_assert_nonnull (valuetask);
  g_assert_nonnull (scale);
  aw_run_options_init (&options);

  for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
    {
      Picture pic;
      const AwRenderRowLabel *label;
      g_autoptr(AwTrace) task = aw_clock_simulate (valuetask, 0, &options);
      g_autoptr(AwTrace) fast = aw_clock_simulate (valuetask, 1, &options);

      picture_init (&pic, "light", sizes[z][0], sizes[z][1]);
      picture_add (&pic, "Task<T>", model_new (task));
      picture_add (&pic, "ValueTask<T>", model_new (fast));
      picture_draw (&pic);
      for (guint v = 0; v < 2; v++)
        {
          g_assert_true (pic.layout->variants[v].row_labels_grouped);
          check_row_labels (&pic, v);
        }

      label = find_label (&pic, 1, "GetPriceFastAsync (ValueTask<T>)");
      g_assert_nonnull (label);
      g_assert_cmpuint (label->n_tasks, ==, 1000);
      g_assert_nonnull (strstr (label->text, "\u00d7 1,000"));
      g_assert_nonnull (strstr (label->text, "900 completed synchronously"));
      g_assert_nonnull (strstr (label->text, "100 waited"));
      /* Beside its rows, its text too. */
      g_assert_cmpfloat (label->text_y, <, label->y + label->height);

      label = find_label (&pic, 0, "GetPriceAsync (Task<T>)");
      g_assert_nonnull (label);
      g_assert_nonnull (strstr (label->text, "\u00d7 1,000"));
      g_assert_nonnull (strstr (label->text, "900 completed at once"));
      g_assert_nonnull (strstr (label->text, "100 waited"));
      picture_clear (&pic);
    }

  for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
    {
      Picture pic;
      const AwRenderRowLabel *label;
      g_autoptr(AwTrace) awaits = aw_clock_simulate (scale, 0, &options);
      g_autoptr(AwTrace) bound = aw_clock_simulate (scale, 1, &options);

      picture_init (&pic, "light", sizes[z][0], sizes[z][1]);
      picture_add (&pic, "10,000 awaits", model_new (awaits));
      picture_add (&pic, "16 thread-bound waits", model_new (bound));
      picture_draw (&pic);
      g_assert_cmpuint (pic.layout->variants[0].tasks_per_row, >, 1);
      check_row_labels (&pic, 0);
      check_row_labels (&pic, 1);
      label = find_label (&pic, 0, "await Task.Delay(1000)");
      g_assert_nonnull (label);
      g_assert_cmpuint (label->n_tasks, ==, 10000);
      g_assert_nonnull (strstr (label->text, "\u00d7 10,000: all waited"));
      picture_clear (&pic);
    }
}

/* Stretches of several names say how many tasks and which names, never an
 * unexplained "(+1)". */
static void
test_row_labels_mixed (void)
{
  static const char *names[] = { "A()", "B()", "C()", "D()" };
  Picture pic;
  g_autoptr(AwTrace) trace = aw_trace_new ();
  const AwRenderVariantLayout *vl;
  gboolean one_more = FALSE;

  run_begin (trace);
  for (guint i = 0; i < 2000; i++)
    simple_task (trace, i + 1, names[i % 4], AW_EVENT_TASK_WAITING, 0, (i % 50) * MS,
                 (i % 50 + 10) * MS, i % 100 == 7 ? AW_EVENT_TASK_FAULTED : AW_EVENT_TASK_COMPLETED);
  run_end (trace, 60 * MS, "completed");

  picture_init (&pic, "light", 1024, 768);
  picture_add (&pic, "Mixed", model_new (trace));
  picture_draw (&pic);
  vl = &pic.layout->variants[0];
  g_assert_true (vl->row_labels_grouped);
  check_row_labels (&pic, 0);
  for (guint i = 0; i < vl->n_row_labels; i++)
    {
      const AwRenderRowLabel *label = &vl->row_labels[i];

      if (label->n_tasks < 4)
        continue;
      g_assert_true (g_str_has_prefix (label->text, "") && strstr (label->text, " tasks: ") != NULL);
      one_more |= strstr (label->text, "and 1 more: ") != NULL;
    }
  g_assert_true (one_more);
  /* The faults are counted. */
  g_assert_nonnull (find_label (&pic, 0, "faulted"));
  picture_clear (&pic);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  aw_catalog_init ();

  g_test_add_func ("/aw/render/theme/lookup", test_theme_lookup);
  g_test_add_func ("/aw/render/theme/contrast", test_theme_contrast);
  g_test_add_func ("/aw/render/format-duration", test_format);
  g_test_add_func ("/aw/render/compare-text", test_compare_text);
  g_test_add_func ("/aw/render/background", test_background);
  g_test_add_func ("/aw/render/running-span", test_running_span);
  g_test_add_func ("/aw/render/queued-span", test_queued_span);
  g_test_add_func ("/aw/render/outcomes/colour", test_outcomes_colour);
  g_test_add_func ("/aw/render/outcomes/shape", test_outcomes_shape);
  g_test_add_func ("/aw/render/shared-axis", test_shared_axis);
  g_test_add_func ("/aw/render/view-window", test_view_window);
  g_test_add_func ("/aw/render/replay/layout", test_replay_layout);
  g_test_add_func ("/aw/render/replay/shared-rows", test_replay_shared_rows);
  g_test_add_func ("/aw/render/main-lane", test_main_lane);
  g_test_add_func ("/aw/render/report-group", test_report_group);
  g_test_add_func ("/aw/render/perf/many-spans", test_many_spans);
  g_test_add_func ("/aw/render/perf/many-tasks", test_many_tasks);
  g_test_add_func ("/aw/render/themes", test_themes_differ);
  g_test_add_func ("/aw/render/text-scale", test_text_scale);
  g_test_add_func ("/aw/render/empty", test_empty);
  g_test_add_func ("/aw/render/readable-every-lesson", test_readable_every_lesson);
  g_test_add_func ("/aw/render/surface/svg", test_svg);
  g_test_add_func ("/aw/render/surface/svg-text", test_svg_text);
  g_test_add_func ("/aw/render/surface/svg-size", test_svg_size);
  g_test_add_func ("/aw/render/surface/svg-veil", test_veil_texts);
  g_test_add_func ("/aw/render/surface/pdf", test_pdf);
  g_test_add_func ("/aw/render/surface/scaled", test_scaled_context);
  g_test_add_func ("/aw/render/legend/every-mark", test_legend_every_mark);
  g_test_add_func ("/aw/render/legend/swatch-matches-chart", test_legend_swatch_matches_chart);
  g_test_add_func ("/aw/render/row-labels/merged", test_row_labels_merged);
  g_test_add_func ("/aw/render/row-labels/mixed", test_row_labels_mixed);

  return g_test_run ();
}
