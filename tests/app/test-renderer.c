/* test-renderer.c: the window draws with a renderer that keeps up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs without GSK_RENDERER, unlike the other window tests, so that the
 * application chooses. Under Xvfb, OpenGL is Mesa's software rasterizer.
 */

#include "config.h"

#include <string.h>

#include <epoxy/gl.h>
#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-lesson-panel.h"
#include "aw-trace-model.h"
#include "aw-window-private.h"
#include "window-test-util.h"

static AwApplication *app;

/* The display's OpenGL renderer, asked independently of the application;
 * NULL without OpenGL. */
static char *
display_gl_renderer (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;
  char *name;

  if (!gdk_display_prepare_gl (display, &error) ||
      (context = gdk_display_create_gl_context (display, &error)) == NULL ||
      !gdk_gl_context_realize (context, &error))
    {
      g_test_message ("no OpenGL: %s", error->message);
      return NULL;
    }
  gdk_gl_context_make_current (context);
  name = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  return name;
}

/* A software rasterizer gets the cairo renderer; GSK_RENDERER wins. */
static void
test_choice (void)
{
  AwWindow *window = test_window_new (app, 1024, 700);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  const char *info = aw_application_get_renderer_info (app);
  const char *forced = g_getenv ("GSK_RENDERER");
  g_autofree char *gl = NULL;

  g_test_message ("%s; the window has %s", info, G_OBJECT_TYPE_NAME (renderer));
  g_assert_nonnull (info);
  g_assert_true (g_str_has_prefix (info, "Renderer: "));

  if (forced != NULL && *forced != '\0')
    {
      g_assert_nonnull (strstr (info, "(set by GSK_RENDERER)"));
    }
  else
    {
      gl = display_gl_renderer ();
      g_test_message ("OpenGL renderer: %s", gl ? gl : "(none)");
      if (gl == NULL || strstr (gl, "llvmpipe") != NULL || strstr (gl, "softpipe") != NULL)
        g_assert_cmpstr (G_OBJECT_TYPE_NAME (renderer), ==, "GskCairoRenderer");
      else
        g_assert_cmpstr (G_OBJECT_TYPE_NAME (renderer), !=, "GskCairoRenderer");
      if (gl != NULL)
        g_assert_nonnull (strstr (info, gl));
    }
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* The cancellation lesson projected in presentation mode: the window's own
 * painting must not make the program's deadline late. With OpenGL on
 * llvmpipe a frame took 55-90 ms, the deadline fired 40-140 ms late and the
 * card said the expected outcome was not met. */
static void
test_presentation_cancel (void)
{
  TEST_SKIP_IF_SLOW ();

  for (guint round = 0; round < 2; round++)
    {
      AwWindow *window = test_window_new (app, 1366, 768);
      g_autoptr(GPtrArray) traces = NULL;
      g_autoptr(AwTraceModel) model = NULL;
      const AwMarker *markers;
      guint n_markers;
      gint64 late_ns = -1;
      const char *card;

      g_assert_true (aw_window_select_scenario (window, "cancel"));
      aw_window_set_speed (window, 1);
      aw_window_set_variant (window, -1);
      aw_window_set_presentation_full (window, TRUE, FALSE);
      g_assert_true (test_run_and_wait (window, 30000));

      card = aw_lesson_panel_get_outcome (_aw_window_get_lesson_panel (window));
      g_test_message ("round %u: %s", round + 1, card);
      g_assert_nonnull (strstr (card, "Expected outcome met (4 of 4 checks)"));
      g_assert_null (strstr (card, "frozen"));

      /* CancelAfter(500 ms) fired on time, not a frame late. */
      traces = _aw_window_get_last_traces (window);
      g_assert_cmpuint (traces->len, ==, 2);
      model = aw_trace_model_new (g_ptr_array_index (traces, 0));
      markers = aw_trace_model_get_markers (model, &n_markers);
      for (guint i = 0; i < n_markers && late_ns < 0; i++)
        if (markers[i].kind == AW_EVENT_CANCEL_REQUEST)
          late_ns = markers[i].time_ns - aw_trace_model_get_begin_ns (model) - 500 * G_GINT64_CONSTANT (1000000);
      g_test_message ("the deadline fired %.1f ms late", late_ns / 1e6);
      g_assert_cmpint (late_ns, >=, 0);
      g_assert_cmpint (late_ns, <=, 20 * 1000000);

      aw_window_set_presentation_full (window, FALSE, FALSE);
      gtk_window_destroy (GTK_WINDOW (window));
      test_wait_ms (50);
    }
}

int
main (int    argc,
      char **argv)
{
  if (!test_app_init (&argc, &argv))
    return 0;

  app = test_app_new ();

  g_test_add_func ("/aw/app/renderer/choice", test_choice);
  g_test_add_func ("/aw/app/renderer/presentation-cancel", test_presentation_cancel);

  return test_app_run (&app);
}
