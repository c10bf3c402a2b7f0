/* validate-ui.c: every .ui file of the app builds, with the app's own types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * gtk4-builder-tool validate runs outside the app: it knows no AwTimelineView
 * and no template callbacks, so it cannot check a template that declares the
 * app's widgets and signal handlers. This check runs where they are
 * registered. A template is checked by building its class, which is what
 * the app does (GTK reports a broken template, a missing child or an
 * unknown handler as a critical, and criticals fail a test); any other file
 * is built with GtkBuilder. The files are the ones in the app's resources,
 * so a new one is checked without being listed here.
 */

#include "config.h"

#include <gtk/gtk.h>

#include "aw-help-dialog.h"
#include "aw-lesson-panel.h"
#include "aw-session.h"
#include "aw-task-table.h"
#include "aw-timeline-view.h"
#include "window-test-util.h"

#define UI_PATH "/org/awaitscope/Awaitscope/"

typedef struct {
  char *class_name;
  char *parent_name;
} Template;

static void
on_start_element (GMarkupParseContext  *context,
                  const char           *element,
                  const char          **names,
                  const char          **values,
                  gpointer              user_data,
                  GError              **error)
{
  Template *template = user_data;

  if (g_strcmp0 (element, "template") != 0 || template->class_name != NULL)
    return;
  g_markup_collect_attributes (element, names, values, error,
                               G_MARKUP_COLLECT_STRDUP, "class", &template->class_name,
                               G_MARKUP_COLLECT_STRDUP | G_MARKUP_COLLECT_OPTIONAL, "parent", &template->parent_name,
                               G_MARKUP_COLLECT_INVALID);
}

static void
check_template (const Template *template)
{
  GType type = g_type_from_name (template->class_name);
  GObject *object;

  g_test_message ("template %s (parent %s)", template->class_name,
                  template->parent_name ? template->parent_name : "none");
  g_assert_true (type != G_TYPE_INVALID);
  if (template->parent_name != NULL)
    g_assert_true (g_type_is_a (type, g_type_from_name (template->parent_name)));

  /* Building the class builds its template. */
  object = g_object_new (type, NULL);
  g_assert_nonnull (object);
  if (GTK_IS_WINDOW (object))
    gtk_window_destroy (GTK_WINDOW (object));
  else
    {
      g_object_ref_sink (object);
      g_object_unref (object);
    }
}

/* From the source tree when the test knows it, so that an error names the
 * line of the file as written (the resource has its blanks stripped). */
static void
check_builder (const char *path)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) objects = NULL;
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *source = NULL;

  if (g_getenv ("AW_SOURCE_ROOT") != NULL)
    source = g_build_filename (g_getenv ("AW_SOURCE_ROOT"), "ui", basename, NULL);
  if (source != NULL && g_file_test (source, G_FILE_TEST_EXISTS))
    gtk_builder_add_from_file (builder, source, &error);
  else
    gtk_builder_add_from_resource (builder, path, &error);
  g_assert_no_error (error);

  objects = gtk_builder_get_objects (builder);
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_WINDOW (l->data))
      gtk_window_destroy (GTK_WINDOW (l->data));
}

static void
test_ui_file (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  static const GMarkupParser parser = { on_start_element, NULL, NULL, NULL, NULL };
  Template template = { NULL, NULL };
  const char *xml;
  gsize len;

  bytes = g_resources_lookup_data (path, 0, &error);
  g_assert_no_error (error);
  xml = g_bytes_get_data (bytes, &len);

  context = g_markup_parse_context_new (&parser, 0, &template, NULL);
  g_markup_parse_context_parse (context, xml, len, &error);
  g_assert_no_error (error);

  if (template.class_name != NULL)
    check_template (&template);
  else
    check_builder (path);

  g_free (template.class_name);
  g_free (template.parent_name);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (!test_app_init (&argc, &argv))
    return 0;

  /* The app's types, registered as the app registers them. */
  g_type_ensure (AW_TYPE_WINDOW);
  g_type_ensure (AW_TYPE_SESSION);
  g_type_ensure (AW_TYPE_TIMELINE_VIEW);
  g_type_ensure (AW_TYPE_TASK_TABLE);
  g_type_ensure (AW_TYPE_LESSON_PANEL);
  g_type_ensure (AW_TYPE_HELP_DIALOG);

  names = g_resources_enumerate_children (UI_PATH, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; names[i] != NULL; i++)
    {
      char *path;
      g_autofree char *test_path = NULL;

      if (!g_str_has_suffix (names[i], ".ui"))
        continue;
      path = g_strconcat (UI_PATH, names[i], NULL);
      g_ptr_array_add (paths, path);
      test_path = g_strconcat ("/aw/app/ui/", names[i], NULL);
      g_test_add_data_func (test_path, path, test_ui_file);
    }
  g_assert_cmpuint (paths->len, >=, 3);

  return g_test_run ();
}
