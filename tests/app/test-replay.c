/* test-replay.c: the replay bar as a teacher uses it, on a finished run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each step changes the picture; the axis, the rows and the outcome card
 * hold still while the playhead moves; the playhead is drawn where it is;
 * another lesson leaves nothing to replay. Run under xvfb-run, at the
 * projector's 1024x768.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-lesson-panel.h"
#include "aw-render.h"
#include "aw-timeline-view.h"
#include "aw-window-private.h"
#include "window-test-util.h"

static AwApplication *app;

/* A window at the projector's size with a finished run of when-all (both
 * variants), its picture drawn. */
static AwWindow *
window_with_run (const char *id)
{
  AwWindow *window = test_window_new (app, 1024, 768);

  g_assert_true (aw_window_select_scenario (window, id));
  aw_window_set_variant (window, -1);
  aw_window_set_speed (window, 4);
  g_assert_true (test_run_and_wait (window, 30000));
  test_wait_ms (100);
  g_assert_true (aw_session_get_can_replay (aw_window_get_session (window)));
  return window;
}

static void
close_window (AwWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

static const AwRenderLayout *
layout_of (AwWindow *window)
{
  const AwRenderLayout *layout = aw_timeline_view_get_layout (aw_window_get_timeline (window));

  g_assert_nonnull (layout);
  g_assert_cmpuint (layout->n_variants, >, 0);
  return layout;
}

/* One pixel of the timeline, in ns. */
static double
pixel_ns (const AwRenderLayout *layout)
{
  return (double) (layout->view_end_ns - layout->view_start_ns) / layout->plot_width;
}

static cairo_surface_t *
render_node (GskRenderNode *node,
             int            width,
             int            height)
{
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;

  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  gdk_texture_download (texture, cairo_image_surface_get_data (surface), cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  gsk_renderer_unrealize (renderer);
  return surface;
}

/* The runs as drawn, without the playhead on top. */
static cairo_surface_t *
render_picture (AwTimelineView *timeline)
{
  GskRenderNode *node = aw_timeline_view_get_picture (timeline);

  g_assert_nonnull (node);
  return render_node (node, gtk_widget_get_width (GTK_WIDGET (timeline)),
                      gtk_widget_get_height (GTK_WIDGET (timeline)));
}

/* The timeline as the window last drew it, playhead and all. */
static cairo_surface_t *
render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  /* A frame, so the window has drawn the latest state. */
  test_wait_ms (60);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return render_node (node, width, height);
}

static guint32
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  unsigned char *data = cairo_image_surface_get_data (surface);

  return *(guint32 *) (data + y * cairo_image_surface_get_stride (surface) + x * 4) & 0xffffff;
}

/* How many pixels of the variants' lanes and rows, inside the time area,
 * differ: what the run did, not the headers' figures. */
static guint
plot_pixels_changed (cairo_surface_t      *a,
                     cairo_surface_t      *b,
                     const AwRenderLayout *layout)
{
  guint changed = 0;

  for (guint v = 0; v < layout->n_variants; v++)
    {
      const AwRenderVariantLayout *vl = &layout->variants[v];

      for (int y = (int) ceil (vl->main_y); y < (int) floor (vl->y + vl->height); y++)
        for (int x = (int) ceil (layout->plot_x); x < (int) floor (layout->plot_x + layout->plot_width); x++)
          if (pixel_at (a, x, y) != pixel_at (b, x, y))
            changed++;
    }
  return changed;
}

/* The share of a pixel column, over every variant's lanes and rows, that
 * has about @color. */
static double
column_share (cairo_surface_t      *surface,
              int                   x,
              const AwRenderLayout *layout,
              const AwColor        *color)
{
  guint total = 0, hits = 0;

  for (guint v = 0; v < layout->n_variants; v++)
    {
      const AwRenderVariantLayout *vl = &layout->variants[v];

      for (int y = (int) ceil (vl->main_y) + 1; y < (int) floor (vl->y + vl->height) - 1; y++)
        {
          guint32 p = pixel_at (surface, x, y);
          int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

          total++;
          if (ABS (r - color->red * 255) < 40 && ABS (g - color->green * 255) < 40 &&
              ABS (b - color->blue * 255) < 40)
            hits++;
        }
    }
  g_assert_cmpuint (total, >, 20);
  return (double) hits / total;
}

/* Home, then Right to the end: every step moves the playhead a pixel of the
 * timeline or more, and changes what the lanes and rows show. */
static void
test_step_visible (void)
{
  AwWindow *window = window_with_run ("when-all");
  AwSession *session = aw_window_get_session (window);
  AwTimelineView *timeline = aw_window_get_timeline (window);
  gint64 end = aw_session_get_replay_end (session);
  gint64 pos, before;
  double px;
  guint steps = 0;

  px = pixel_ns (layout_of (window));
  g_test_message ("the run: %" G_GINT64_FORMAT " ns, a pixel: %.0f ns", end, px);
  g_assert_cmpfloat (px, >, 1000);

  /* The start is the run's first pixel. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.replay-start", NULL);
  pos = aw_session_get_replay_position (session);
  g_assert_cmpint (pos, >=, 0);
  g_assert_cmpfloat (pos, <, px);

  for (;;)
    {
      cairo_surface_t *old_picture = render_picture (timeline);
      cairo_surface_t *new_picture;
      guint changed;

      before = pos;
      aw_window_step (window, 1);
      pos = aw_session_get_replay_position (session);
      if (pos < 0)
        {
          cairo_surface_destroy (old_picture);
          break;
        }
      steps++;
      g_assert_cmpfloat (pos - before, >=, px);

      new_picture = render_picture (timeline);
      changed = plot_pixels_changed (old_picture, new_picture, layout_of (window));
      g_test_message ("step %u: %" G_GINT64_FORMAT " ns, %u pixels changed", steps, pos, changed);
      g_assert_cmpuint (changed, >, 0);
      cairo_surface_destroy (old_picture);
      cairo_surface_destroy (new_picture);
      g_assert_cmpuint (steps, <, 1000);
    }
  /* A few steps, not one per recorded event. */
  g_assert_cmpuint (steps, >=, 2);

  /* Back from the end, a step at a time, each a pixel or more. */
  pos = aw_session_get_replay_position (session);
  g_assert_cmpint (pos, ==, -1);
  before = end;
  for (guint i = 0; i < 3; i++)
    {
      aw_window_step (window, -1);
      pos = aw_session_get_replay_position (session);
      g_assert_cmpfloat (before - pos, >=, px);
      before = pos;
    }

  /* A step forward and one back return to the same moment. */
  aw_window_step (window, 1);
  aw_window_step (window, -1);
  g_assert_cmpint (aw_session_get_replay_position (session), ==, before);

  close_window (window);
}

static void
assert_same_view (AwWindow *window,
                  gint64    start,
                  gint64    end,
                  double    plot_x,
                  double    axis_y)
{
  const AwRenderLayout *layout = layout_of (window);
  gint64 s, e;

  aw_timeline_view_get_view (aw_window_get_timeline (window), &s, &e);
  g_assert_cmpint (s, ==, start);
  g_assert_cmpint (e, ==, end);
  g_assert_cmpint (layout->view_start_ns, ==, start);
  g_assert_cmpint (layout->view_end_ns, ==, end);
  /* The time area and the rows stay where they were too. */
  g_assert_cmpfloat (layout->plot_x, ==, plot_x);
  g_assert_cmpfloat (layout->axis_y, ==, axis_y);
}

/* The axis shows the whole run at the start, the middle and the end of a
 * replay, stepped or played. */
static void
test_axis_fixed (void)
{
  AwWindow *window = window_with_run ("when-all");
  AwSession *session = aw_window_get_session (window);
  gint64 end = aw_session_get_replay_end (session);
  const AwRenderLayout *layout = layout_of (window);
  double plot_x = layout->plot_x, axis_y = layout->axis_y;
  GAction *replay = g_action_map_lookup_action (G_ACTION_MAP (window), "replay");
  guint samples = 0;
  gboolean done = FALSE;

  /* The whole run: 0 to its end. */
  assert_same_view (window, 0, end, plot_x, axis_y);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.replay-start", NULL);
  assert_same_view (window, 0, end, plot_x, axis_y);
  aw_window_step (window, 1);
  assert_same_view (window, 0, end, plot_x, axis_y);
  aw_window_seek (window, end / 2);
  g_assert_cmpint (aw_session_get_replay_position (session), ==, end / 2);
  assert_same_view (window, 0, end, plot_x, axis_y);
  aw_window_seek (window, end - 1);
  assert_same_view (window, 0, end, plot_x, axis_y);
  aw_window_step (window, 1);
  g_assert_cmpint (aw_session_get_replay_position (session), ==, -1);
  assert_same_view (window, 0, end, plot_x, axis_y);

  /* Played from the start: the same axis at every frame. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.replay-start", NULL);
  g_action_activate (replay, NULL);
  for (guint i = 0; i < 400 && !done; i++)
    {
      gint64 pos;

      test_wait_ms (10);
      pos = aw_session_get_replay_position (session);
      done = pos < 0;
      if (!done && pos > 0)
        {
          assert_same_view (window, 0, end, plot_x, axis_y);
          samples++;
        }
    }
  g_assert_true (done);
  g_test_message ("%u frames of the replay looked at", samples);
  g_assert_cmpuint (samples, >=, 3);
  assert_same_view (window, 0, end, plot_x, axis_y);

  close_window (window);
}

/* The playhead is a line across the variants at the playhead's x, in both
 * themes, and moves with it. */
static void
check_playhead_line (AwWindow   *window,
                     const char *theme_name)
{
  AwSession *session = aw_window_get_session (window);
  AwTimelineView *timeline = aw_window_get_timeline (window);
  const AwTheme *theme;
  const AwRenderLayout *layout;
  cairo_surface_t *shown, *picture;
  gint64 pos, old_pos;
  int x, old_x;

  aw_session_set_theme (session, theme_name);
  test_wait_ms (50);
  theme = aw_timeline_view_get_theme (timeline);
  g_assert_cmpstr (theme->name, ==, theme_name);

  aw_window_seek (window, aw_session_get_replay_end (session) * 2 / 5);
  pos = aw_session_get_replay_position (session);
  g_assert_cmpint (aw_timeline_view_get_playhead (timeline), ==, pos);
  layout = layout_of (window);
  x = (int) floor (aw_render_layout_time_to_x (layout, pos));
  g_assert_cmpint (x, >, (int) layout->plot_x);

  shown = render_widget (GTK_WIDGET (timeline));
  picture = render_picture (timeline);
  g_test_message ("%s: playhead at x %d: %.2f of its column drawn in the text colour (%.2f without the playhead)",
                  theme_name, x, column_share (shown, x, layout, &theme->foreground),
                  column_share (picture, x, layout, &theme->foreground));
  g_assert_cmpfloat (column_share (shown, x, layout, &theme->foreground), >, 0.9);
  g_assert_cmpfloat (column_share (picture, x, layout, &theme->foreground), <, 0.5);
  /* A thin line: a few pixels further on, the column is not the line. */
  g_assert_cmpfloat (column_share (shown, x + 4, layout, &theme->foreground), <, 0.5);
  cairo_surface_destroy (shown);
  cairo_surface_destroy (picture);

  /* Further on, the line follows. */
  old_pos = pos;
  old_x = x;
  aw_window_seek (window, aw_session_get_replay_end (session) * 4 / 5);
  pos = aw_session_get_replay_position (session);
  g_assert_cmpint (pos, >, old_pos);
  layout = layout_of (window);
  x = (int) floor (aw_render_layout_time_to_x (layout, pos));
  g_assert_cmpint (x, >, old_x + 10);
  shown = render_widget (GTK_WIDGET (timeline));
  g_assert_cmpfloat (column_share (shown, x, layout, &theme->foreground), >, 0.9);
  g_assert_cmpfloat (column_share (shown, old_x, layout, &theme->foreground), <, 0.5);
  cairo_surface_destroy (shown);

  /* The whole run has no playhead. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.replay-end", NULL);
  g_assert_cmpint (aw_timeline_view_get_playhead (timeline), ==, -1);
  layout = layout_of (window);
  shown = render_widget (GTK_WIDGET (timeline));
  g_assert_cmpfloat (column_share (shown, x, layout, &theme->foreground), <, 0.5);
  cairo_surface_destroy (shown);
}

static void
test_playhead_line (void)
{
  AwWindow *window = window_with_run ("when-all");

  check_playhead_line (window, "light");
  check_playhead_line (window, "dark");
  close_window (window);
}

/* Another lesson leaves nothing to replay: no old time on the bar. */
static void
test_reset_on_lesson_change (void)
{
  AwWindow *window = window_with_run ("when-all");
  AwSession *session = aw_window_get_session (window);
  g_autofree char *old_label = NULL;

  aw_window_step (window, -1);
  g_assert_cmpint (aw_session_get_replay_position (session), >, 0);
  old_label = g_strdup (gtk_label_get_text (window->replay_label));
  g_assert_nonnull (strstr (old_label, " / "));
  g_assert_cmpfloat (gtk_adjustment_get_value (window->replay_adjustment), >, 0);

  g_assert_true (aw_window_select_scenario (window, "when-any"));
  g_assert_false (gtk_widget_get_sensitive (window->replay_bar));
  g_assert_cmpint (aw_session_get_replay_position (session), ==, -1);
  g_assert_cmpint (aw_session_get_replay_end (session), ==, 0);
  g_assert_cmpstr (gtk_label_get_text (window->replay_label), ==, "Nothing to replay");
  g_assert_cmpfloat (gtk_adjustment_get_value (window->replay_adjustment), ==, 0);

  /* The replay keys do nothing there. */
  aw_window_step (window, -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.replay-start", NULL);
  g_assert_cmpint (aw_session_get_replay_position (session), ==, -1);
  g_assert_cmpstr (gtk_label_get_text (window->replay_label), ==, "Nothing to replay");

  /* A run of the new lesson can be replayed again. */
  aw_window_set_speed (window, 4);
  g_assert_true (test_run_and_wait (window, 30000));
  g_assert_true (gtk_widget_get_sensitive (window->replay_bar));
  g_assert_nonnull (strstr (gtk_label_get_text (window->replay_label), " / "));

  close_window (window);
}

/* The outcome card keeps its size (and the whole run's outcome) while the
 * playhead moves, so the window does not jump. */
static void
test_outcome_card_steady (void)
{
  AwWindow *window = window_with_run ("workflow");
  AwLessonPanel *lesson = _aw_window_get_lesson_panel (window);
  GObject *label = gtk_widget_get_template_child (GTK_WIDGET (lesson), AW_TYPE_LESSON_PANEL, "outcome_label");
  GtkWidget *card = gtk_widget_get_parent (GTK_WIDGET (label));
  AwSession *session = aw_window_get_session (window);
  g_autofree char *text = g_strdup (aw_lesson_panel_get_outcome (lesson));
  int height = gtk_widget_get_height (card);
  guint steps = 0;

  g_assert_true (gtk_widget_has_css_class (card, "outcome"));
  g_assert_cmpint (height, >, 0);
  g_test_message ("card, %d px high: %s", height, text);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.replay-start", NULL);
  do
    {
      test_wait_ms (40);
      g_assert_cmpint (gtk_widget_get_height (card), ==, height);
      g_assert_cmpstr (aw_lesson_panel_get_outcome (lesson), ==, text);
      aw_window_step (window, 1);
      steps++;
    }
  while (aw_session_get_replay_position (session) >= 0 && steps < 200);
  g_assert_cmpuint (steps, >=, 3);
  g_assert_cmpint (aw_session_get_replay_position (session), ==, -1);
  test_wait_ms (40);
  g_assert_cmpint (gtk_widget_get_height (card), ==, height);
  g_assert_cmpstr (aw_lesson_panel_get_outcome (lesson), ==, text);

  close_window (window);
}

int
main (int    argc,
      char **argv)
{
  if (!test_app_init (&argc, &argv))
    return 0;

  app = test_app_new ();

  g_test_add_func ("/aw/app/replay/step-visible", test_step_visible);
  g_test_add_func ("/aw/app/replay/axis-fixed", test_axis_fixed);
  g_test_add_func ("/aw/app/replay/playhead-line", test_playhead_line);
  g_test_add_func ("/aw/app/replay/reset-on-lesson-change", test_reset_on_lesson_change);
  g_test_add_func ("/aw/app/replay/outcome-card-steady", test_outcome_card_steady);

  return test_app_run (&app);
}
