/* test-readable.c: the window reads without the docs (run under xvfb-run)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a class at the back of the room and a screen reader need: muted
 * text that keeps WCAG's contrast in every theme, measured on the pixels
 * the window draws; the lesson's point before its code; and "How to read
 * this", reachable from the menu, the keyboard and the legend.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "aw-help-dialog.h"
#include "aw-legend-swatch.h"
#include "aw-lesson-panel.h"
#include "aw-theme.h"
#include "aw-timeline-view.h"
#include "aw-window-private.h"
#include "window-test-util.h"

static AwApplication *app;

static void
close_window (AwWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  test_wait_ms (50);
}

/* Pixels {{{ */

/* The window as it is drawn now, through its own renderer. */
static cairo_surface_t *
draw_window (AwWindow *window)
{
  GtkWidget *widget = GTK_WIDGET (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_surface_t *surface;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gdk_texture_get_width (texture),
                                        gdk_texture_get_height (texture));
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

static AwColor
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 p = *(const guint32 *) (gconstpointer) (data + y * cairo_image_surface_get_stride (surface) + x * 4);
  AwColor c = { ((p >> 16) & 0xff) / 255.0, ((p >> 8) & 0xff) / 255.0, (p & 0xff) / 255.0, 1 };

  return c;
}

/* The contrast a reader sees in a label: its background is the commonest
 * colour of its box, its text the pixel that differs most from that.
 * Antialiasing only lowers what this finds, so a pass is a real pass. */
static double
label_contrast (cairo_surface_t *surface,
                AwWindow        *window,
                GtkWidget       *label)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  graphene_rect_t box;
  guint best = 0;
  guint32 bg_key = 0;
  AwColor bg;
  double most = 1;
  int x0, y0, x1, y1;

  g_assert_true (gtk_widget_compute_bounds (label, GTK_WIDGET (window), &box));
  x0 = MAX (0, (int) floor (box.origin.x));
  y0 = MAX (0, (int) floor (box.origin.y));
  x1 = MIN (cairo_image_surface_get_width (surface), (int) ceil (box.origin.x + box.size.width));
  y1 = MIN (cairo_image_surface_get_height (surface), (int) ceil (box.origin.y + box.size.height));
  g_assert_cmpint (x1 - x0, >, 4);
  g_assert_cmpint (y1 - y0, >, 4);

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        AwColor c = pixel_at (surface, x, y);
        guint32 key = (guint32) lround (c.red * 255) << 16 | (guint32) lround (c.green * 255) << 8 |
                      (guint32) lround (c.blue * 255) | 0x1000000;
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (key))) + 1;

        g_hash_table_insert (counts, GUINT_TO_POINTER (key), GUINT_TO_POINTER (n));
        if (n > best)
          {
            best = n;
            bg_key = key;
          }
      }
  bg = (AwColor) { ((bg_key >> 16) & 0xff) / 255.0, ((bg_key >> 8) & 0xff) / 255.0, (bg_key & 0xff) / 255.0, 1 };
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        AwColor c = pixel_at (surface, x, y);

        most = MAX (most, aw_color_contrast (&c, &bg));
      }
  return most;
}

static void
collect_labels (GtkWidget  *widget,
                GPtrArray  *out,
                const char *css_class,
                const char *prefix)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_is_drawable (child) &&
          (css_class == NULL || gtk_widget_has_css_class (child, css_class)) &&
          (prefix == NULL || g_str_has_prefix (gtk_label_get_text (GTK_LABEL (child)), prefix)))
        g_ptr_array_add (out, child);
      collect_labels (child, out, css_class, prefix);
    }
}

/* }}} */

/* Muted text ("Expected: ...", the scenario ids and the parts in the
 * catalogue) keeps 4.5:1 against what it is drawn on, in every theme. */
static void
test_muted_contrast (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  const char **names = aw_theme_list_names ();

  g_assert_true (aw_window_select_scenario (window, "valuetask"));
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      cairo_surface_t *surface;
      double lowest = G_MAXDOUBLE;

      gtk_widget_activate_action (GTK_WIDGET (window), "win.theme", "s", names[i]);
      test_wait_ms (300);

      collect_labels (GTK_WIDGET (window), labels, NULL, "Expected:");
      g_assert_cmpuint (labels->len, ==, 1);
      collect_labels (GTK_WIDGET (window), labels, "scenario-id", NULL);
      collect_labels (GTK_WIDGET (window), labels, "part-header", NULL);
      g_assert_cmpuint (labels->len, >, 4);

      surface = draw_window (window);
      for (guint l = 0; l < labels->len; l++)
        {
          GtkWidget *label = g_ptr_array_index (labels, l);
          graphene_rect_t box;
          double contrast;

          /* Only what is on screen: the catalogue scrolls. */
          if (!gtk_widget_compute_bounds (label, GTK_WIDGET (window), &box) ||
              box.origin.y < 0 || box.origin.y + box.size.height > gtk_widget_get_height (GTK_WIDGET (window)) ||
              !gtk_widget_get_child_visible (label))
            continue;
          contrast = label_contrast (surface, window, label);
          if (contrast < lowest)
            g_test_message ("%s: \"%.30s\" %.2f:1", names[i], gtk_label_get_text (GTK_LABEL (label)), contrast);
          lowest = MIN (lowest, contrast);
          if (contrast < AW_MIN_TEXT_CONTRAST)
            g_test_fail_printf ("theme %s: \"%.40s\" is %.2f:1 against its background",
                                names[i], gtk_label_get_text (GTK_LABEL (label)), contrast);
        }
      g_test_message ("theme %s: lowest muted text contrast %.2f:1", names[i], lowest);
      cairo_surface_destroy (surface);
    }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.theme", "s", "light");
  close_window (window);
}

/* The top of @widget in the lesson panel's visible area, or -1 when it is
 * not shown. */
static double
top_in (GtkWidget *widget,
        GtkWidget *panel)
{
  graphene_point_t p;

  if (!gtk_widget_get_mapped (widget) ||
      !gtk_widget_compute_point (widget, panel, &GRAPHENE_POINT_INIT (0, 0), &p))
    return -1;
  return p.y;
}

/* At 1280x800 a student sees the lesson's point first: its summary and
 * narration at the top of the lesson panel, the C# next, and the GLib C
 * only on request. */
static void
test_lesson_order (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  AwLessonPanel *lesson = _aw_window_get_lesson_panel (window);
  GtkWidget *panel = GTK_WIDGET (lesson);
  g_autoptr(GPtrArray) summary = g_ptr_array_new ();
  g_autoptr(GPtrArray) narration = g_ptr_array_new ();
  GtkExpander *expander = aw_lesson_panel_get_c_expander (lesson);
  GtkWidget *csharp = NULL, *c = NULL;
  double summary_y, narration_y, csharp_y;

  g_assert_true (aw_window_select_scenario (window, "valuetask"));
  test_wait_ms (100);
  collect_labels (panel, summary, "lesson-summary", NULL);
  collect_labels (panel, narration, "narration", NULL);
  g_assert_cmpuint (summary->len, ==, 1);
  g_assert_cmpuint (narration->len, ==, 1);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (g_ptr_array_index (summary, 0)), "1,000 price lookups"));
  for (GtkWidget *w = gtk_widget_get_first_child (panel); w != NULL; )
    {
      /* The text views shown: the C# one, and the GLib C one if expanded. */
      if (GTK_IS_TEXT_VIEW (w))
        {
          if (gtk_widget_get_ancestor (w, GTK_TYPE_EXPANDER) != NULL)
            c = w;
          else
            csharp = w;
        }
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != panel && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w == panel ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
  /* Collapsed, the expander keeps its child out of the window. */
  g_assert_nonnull (csharp);
  g_assert_null (c);
  /* The code sits in a scroller of its own, for its long lines. */
  c = gtk_expander_get_child (expander);
  if (GTK_IS_SCROLLED_WINDOW (c))
    c = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (c));
  g_assert_true (GTK_IS_TEXT_VIEW (c));

  summary_y = top_in (g_ptr_array_index (summary, 0), panel);
  narration_y = top_in (g_ptr_array_index (narration, 0), panel);
  csharp_y = top_in (csharp, panel);
  g_test_message ("summary at %.0f, narration at %.0f, C# at %.0f; the panel is %d tall",
                  summary_y, narration_y, csharp_y, gtk_widget_get_height (panel));
  /* Above the fold, in that order. */
  g_assert_cmpfloat (summary_y, >=, 0);
  g_assert_cmpfloat (narration_y, >, summary_y);
  g_assert_cmpfloat (narration_y + 20, <, gtk_widget_get_height (panel));
  g_assert_cmpfloat (csharp_y, >, narration_y);

  /* The GLib C is a click (or Enter on the expander) away. */
  g_assert_false (gtk_expander_get_expanded (expander));
  g_assert_false (gtk_widget_get_mapped (c));
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (expander)) ||
                 gtk_widget_get_focusable (gtk_widget_get_first_child (GTK_WIDGET (expander))));
  g_signal_emit_by_name (expander, "activate");
  test_wait_ms (100);
  g_assert_true (gtk_expander_get_expanded (expander));
  g_assert_true (gtk_widget_get_mapped (c));
  g_assert_cmpfloat (top_in (c, panel), >, csharp_y);
  gtk_test_accessible_assert_property (c, GTK_ACCESSIBLE_PROPERTY_LABEL, "GLib C code");
  close_window (window);
}

static GtkWidget *
find_label_with_text (GtkWidget  *widget,
                      const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
        return child;
      if ((found = find_label_with_text (child, text)) != NULL)
        return found;
    }
  return NULL;
}

static void
collect_type (GtkWidget *widget,
              GType      type,
              GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_type_is_a (G_OBJECT_TYPE (child), type))
        g_ptr_array_add (out, child);
      collect_type (child, type, out);
    }
}

static void
on_text (GtkWidget *widget,
         GString   *all)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child))
        {
          g_string_append (all, gtk_label_get_text (GTK_LABEL (child)));
          g_string_append_c (all, '\n');
        }
      on_text (child, all);
    }
}

/* What the help says and how it can be read: a swatch for every mark of
 * the legend, named for a screen reader; the glossary with the GLib names;
 * text the keyboard reaches. */
static void
check_help_dialog (GtkWindow *dialog)
{
  g_autoptr(GPtrArray) swatches = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GString) all = g_string_new (NULL);
  gboolean listed[AW_LEGEND_N_ITEMS] = { FALSE };
  guint focusable = 0;
  static const char *glossary[][2] = {
    { "UI thread", "GMainContext" },
    { "continuation", "callback" },
    { "Task, Task<T>", "GTask" },
    { "token (CancellationToken)", "GCancellable" },
    { "SynchronizationContext", "main context" },
    { "thread pool", "GThreadPool" },
  };

  g_assert_true (AW_IS_HELP_DIALOG (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "How to Read the Picture");

  collect_type (GTK_WIDGET (dialog), AW_TYPE_LEGEND_SWATCH, swatches);
  g_assert_cmpuint (swatches->len, ==, AW_LEGEND_N_ITEMS);
  for (guint i = 0; i < swatches->len; i++)
    {
      AwLegendSwatch *swatch = g_ptr_array_index (swatches, i);
      AwLegendItem item = aw_legend_swatch_get_item (swatch);

      listed[item] = TRUE;
      gtk_test_accessible_assert_role (swatch, GTK_ACCESSIBLE_ROLE_IMG);
      gtk_test_accessible_assert_property (swatch, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                           aw_legend_item_get_label (item));
      /* Its name as text beside it, as the legend words it. */
      g_assert_nonnull (find_label_with_text (GTK_WIDGET (dialog), aw_legend_item_get_label (item)));
    }
  for (guint i = 0; i < AW_LEGEND_N_ITEMS; i++)
    g_assert_true (listed[i]);

  on_text (GTK_WIDGET (dialog), all);
  for (guint i = 0; i < G_N_ELEMENTS (glossary); i++)
    {
      g_autoptr(GPtrArray) all_labels = g_ptr_array_new ();
      GtkWidget *term = NULL, *row;
      g_autoptr(GString) meaning = g_string_new (NULL);

      /* The glossary comes last: its term is the last label of that text. */
      collect_type (GTK_WIDGET (dialog), GTK_TYPE_LABEL, all_labels);
      for (guint l = 0; l < all_labels->len; l++)
        if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (all_labels, l)), glossary[i][0]) == 0)
          term = g_ptr_array_index (all_labels, l);
      g_assert_nonnull (term);
      /* The GLib name is in the term's row. */
      row = gtk_widget_get_next_sibling (term);
      g_assert_nonnull (row);
      on_text (row, meaning);
      if (strstr (meaning->str, glossary[i][1]) == NULL)
        g_test_fail_printf ("the glossary's \"%s\" does not say \"%s\": %s", glossary[i][0], glossary[i][1], meaning->str);
    }
  g_assert_nonnull (strstr (all->str, "In GLib:"));

  /* The keyboard reaches the text, and a screen reader with it. */
  collect_type (GTK_WIDGET (dialog), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    focusable += gtk_widget_get_focusable (g_ptr_array_index (labels, i)) &&
                 gtk_label_get_selectable (g_ptr_array_index (labels, i));
  g_assert_cmpuint (focusable, >, AW_LEGEND_N_ITEMS + G_N_ELEMENTS (glossary));
}

static GtkWidget *
find_menu_item (GtkWidget  *widget,
                const char *text)
{
  GtkWidget *label = find_label_with_text (widget, text);
  GType model_button = g_type_from_name ("GtkModelButton");

  return label != NULL && model_button != 0 ? gtk_widget_get_ancestor (label, model_button) : NULL;
}

/* "How to read the picture" opens from the main menu, from F1 and from the
 * "?" at the start of the timeline's legend; Escape closes it. */
static void
test_help_dialog (void)
{
  AwWindow *window = test_window_new (app, 1280, 800);
  GtkMenuButton *menu_button = NULL;
  GtkWidget *item, *help_button;
  GtkWindow *dialog;
  g_auto(GStrv) accels = NULL;
  graphene_rect_t box;
  const AwRenderLayout *layout;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  /* From the main menu, as a click on its item. */
  collect_type (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_menu_button_get_primary (g_ptr_array_index (buttons, i)))
      menu_button = g_ptr_array_index (buttons, i);
  g_assert_nonnull (menu_button);
  gtk_menu_button_popup (menu_button);
  test_wait_ms (200);
  item = find_menu_item (GTK_WIDGET (gtk_menu_button_get_popover (menu_button)), "How to Read the Picture");
  g_assert_nonnull (item);
  g_signal_emit_by_name (item, "clicked");
  test_wait_ms (300);
  dialog = _aw_window_get_how_to_read (window);
  g_assert_nonnull (dialog);
  check_help_dialog (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));

  /* Escape closes it: GtkWindow's close, bound to the key. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL);
  test_wait_ms (100);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  /* F1, from anywhere in the window. */
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.how-to-read");
  g_assert_nonnull (accels);
  g_assert_cmpstr (accels[0], ==, "F1");

  /* The "?" sits at the start of the legend, named for a screen reader,
   * and opens it too. */
  g_assert_true (test_run_and_wait (window, 20000));
  test_wait_ms (200);
  help_button = _aw_window_get_legend_help_button (window);
  gtk_test_accessible_assert_role (help_button, GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (help_button, GTK_ACCESSIBLE_PROPERTY_LABEL, "How to read the picture");
  g_assert_true (gtk_widget_get_focusable (help_button));
  g_assert_true (gtk_widget_get_mapped (help_button));
  layout = aw_timeline_view_get_layout (aw_window_get_timeline (window));
  g_assert_nonnull (layout);
  g_assert_cmpfloat (layout->legend_height, >, 0);
  g_assert_true (gtk_widget_compute_bounds (help_button, GTK_WIDGET (aw_window_get_timeline (window)), &box));
  g_test_message ("\"?\" at %.0f,%.0f %.0fx%.0f; legend at %.0f, its first row %.0f tall",
                  box.origin.x, box.origin.y, box.size.width, box.size.height,
                  layout->legend_y, layout->legend_row_height);
  g_assert_cmpfloat (fabs (box.origin.y + box.size.height / 2 - (layout->legend_y + layout->legend_row_height / 2)), <, 4);
  g_assert_cmpfloat (box.origin.x, <, layout->label_x + 4);
  g_signal_emit_by_name (help_button, "clicked");
  test_wait_ms (300);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL);
  test_wait_ms (100);
  close_window (window);
}

int
main (int    argc,
      char **argv)
{
  if (!test_app_init (&argc, &argv))
    return 0;

  app = test_app_new ();

  g_test_add_func ("/aw/app/readable/muted-contrast", test_muted_contrast);
  g_test_add_func ("/aw/app/readable/lesson-order", test_lesson_order);
  g_test_add_func ("/aw/app/readable/help-dialog", test_help_dialog);

  return test_app_run (&app);
}
