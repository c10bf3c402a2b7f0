/* aw-application.c: the GtkApplication: actions, accelerators, settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "aw-application.h"

#include <stdio.h>
#include <string.h>

#include <epoxy/gl.h>

/* For the GSettingsBackend type of the settings-backend property. */
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "aw-catalog.h"
#include "aw-i18n.h"
#include "aw-window.h"

struct _AwApplication {
  GtkApplication    parent_instance;
  GSettingsBackend *settings_backend;
  GSettings        *settings;
  char             *renderer_info;   /* which GSK renderer draws, and why */
};

G_DEFINE_FINAL_TYPE (AwApplication, aw_application, GTK_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_SETTINGS_BACKEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  const char *authors[] = { _("The Awaitscope developers"), NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", "Awaitscope",
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Watch asynchronous code run for real: await, WhenAll, "
                                       "cancellation and deadlocks on a timeline."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         /* Translators: your names, one a line; shown on the
                          * About dialog's Credits page. */
                         "translator-credits", _("translator-credits"),
                         "system-information", AW_APPLICATION (app)->renderer_info,
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* Closing each window cancels its run first. */
  for (GList *l = windows; l != NULL; )
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_destroy (window);
    }
}

/* The renderer ------------------------------------------------------------------
 *
 * GTK 4.8 draws with OpenGL wherever it can, even when OpenGL is Mesa's
 * software rasterizer (llvmpipe), as on a machine without a GPU driver, in a
 * virtual machine or over remote desktop. There a frame of a presentation-
 * sized timeline takes 55-90 ms against 6-7 ms with the cairo renderer, and
 * while the window paints, the program's timers and callbacks wait: the
 * lesson would record the window's painting as the program's lateness.
 * Newer GTK makes the same choice itself. GSK_RENDERER, when set, wins. */

static gboolean
is_software_rasterizer (const char *renderer)
{
  static const char * const names[] = { "llvmpipe", "softpipe", "Software Rasterizer", "swrast" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strstr (renderer, names[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* Returns what the windows draw with, in a few short lines for the About
 * dialog's System page. */
static char *
choose_renderer (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *gl = NULL;
  const char *forced = g_getenv ("GSK_RENDERER");

  if (forced != NULL && *forced != '\0')
    /* Translators: the About dialog's System page; %s is a GSK renderer's
     * name such as "cairo" or "gl". */
    return g_strdup_printf (_("Renderer: %s (set by GSK_RENDERER)"), forced);

  if (!gdk_display_prepare_gl (display, &error) ||
      (context = gdk_display_create_gl_context (display, &error)) == NULL ||
      !gdk_gl_context_realize (context, &error))
    /* Translators: %s is why OpenGL could not be used, from GTK. */
    return g_strdup_printf (_("Renderer: cairo\nOpenGL: not available (%s)"), error->message);

  gdk_gl_context_make_current (context);
  gl = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  if (gl == NULL)
    return g_strdup (_("Renderer: GTK's default"));

  if (is_software_rasterizer (gl))
    {
      /* Read by gsk_renderer_new_for_surface() before GSK_RENDERER. */
      g_object_set_data (G_OBJECT (display), "gsk-renderer", (gpointer) "cairo");
      /* Translators: %s is the OpenGL renderer's name, such as "llvmpipe". */
      return g_strdup_printf (_("Renderer: cairo\nOpenGL: %s\n"
                                "This OpenGL is a software rasterizer: it draws the\n"
                                "timeline several times slower than cairo does."), gl);
    }
  /* Translators: %s is the OpenGL renderer's name, such as "Mesa Intel UHD". */
  return g_strdup_printf (_("Renderer: OpenGL\nOpenGL: %s"), gl);

}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
};

static void
aw_application_startup (GApplication *application)
{
  AwApplication *self = AW_APPLICATION (application);
  g_autoptr(GtkCssProvider) css = NULL;
  GdkDisplay *display;
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "win.run", { "F5", "<Control>r", NULL } },
    { "win.cancel", { "Escape", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.open-csharp", { "<Control><Shift>o", NULL } },
    { "win.save-csharp", { "<Control>s", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "win.sidebar", { "F9", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "win.presentation", { "F11", NULL } },
    { "win.next-scenario", { "Page_Down", NULL } },
    { "win.prev-scenario", { "Page_Up", NULL } },
    { "win.text-bigger", { "<Control>plus", "<Control>equal", NULL } },
    { "win.text-smaller", { "<Control>minus", NULL } },
    { "win.text-reset", { "<Control>0", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "win.how-to-read", { "F1", NULL } },
  };

  G_APPLICATION_CLASS (aw_application_parent_class)->startup (application);

  aw_catalog_init ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  /* A plain GtkApplication does not load our CSS: do it here. */
  display = gdk_display_get_default ();
  self->renderer_info = choose_renderer (display);
  g_debug ("%s", self->renderer_info);
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/awaitscope/Awaitscope/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
                                    "/org/awaitscope/Awaitscope/icons");
  gtk_window_set_default_icon_name (APP_ID);
}

/* AWAITSCOPE_BENCH_EXIT_AFTER_FIRST_FRAME: the start-up benchmark times the
 * process from its start to this line, then the app quits. */
static void
first_frame_painted (GdkFrameClock  *clock,
                     GApplication   *application)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_painted, application);
  fputs ("first-frame\n", stdout);
  fflush (stdout);
  g_application_quit (application);
}

static void
aw_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (aw_window_new (AW_APPLICATION (application)));
  gtk_window_present (window);

  if (g_getenv ("AWAITSCOPE_BENCH_EXIT_AFTER_FIRST_FRAME") != NULL)
    g_signal_connect_after (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                            G_CALLBACK (first_frame_painted), application);
}

/**
 * aw_application_get_renderer_info:
 * @self: an application that has started up
 *
 * Returns: which GSK renderer the windows draw with and why, a few lines, as
 *   the About dialog shows it; %NULL before start-up
 */
const char *
aw_application_get_renderer_info (AwApplication *self)
{
  g_return_val_if_fail (AW_IS_APPLICATION (self), NULL);

  return self->renderer_info;
}

/* Without an installed schema (a build tree, a test) the app still runs,
 * with defaults it does not keep. */
static void
aw_application_constructed (GObject *object)
{
  AwApplication *self = AW_APPLICATION (object);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  G_OBJECT_CLASS (aw_application_parent_class)->constructed (object);

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, self->settings_backend, NULL);
}

static void
aw_application_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AwApplication *self = AW_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SETTINGS_BACKEND:
      g_set_object (&self->settings_backend, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aw_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AwApplication *self = AW_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SETTINGS_BACKEND:
      g_value_set_object (value, self->settings_backend);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aw_application_dispose (GObject *object)
{
  AwApplication *self = AW_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->settings_backend);
  g_clear_pointer (&self->renderer_info, g_free);

  G_OBJECT_CLASS (aw_application_parent_class)->dispose (object);
}

static void
aw_application_class_init (AwApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->constructed = aw_application_constructed;
  object_class->dispose = aw_application_dispose;
  object_class->get_property = aw_application_get_property;
  object_class->set_property = aw_application_set_property;
  app_class->startup = aw_application_startup;
  app_class->activate = aw_application_activate;

  /**
   * AwApplication:settings-backend:
   *
   * Where the settings are kept: %NULL for the user's own, or another
   * backend (a memory backend keeps them from being changed).
   */
  properties[PROP_SETTINGS_BACKEND] =
    g_param_spec_object ("settings-backend", NULL, NULL,
                         G_TYPE_SETTINGS_BACKEND,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aw_application_init (AwApplication *self)
{
}

AwApplication *
aw_application_new (GApplicationFlags flags)
{
  return aw_application_new_full (flags, NULL);
}

/**
 * aw_application_new_full:
 * @backend: (nullable): where the settings are kept, %NULL for the user's
 *
 * Returns: (transfer full): the application
 */
AwApplication *
aw_application_new_full (GApplicationFlags  flags,
                         GSettingsBackend  *backend)
{
  return g_object_new (AW_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags,
                       "resource-base-path", "/org/awaitscope/Awaitscope",
                       "settings-backend", backend,
                       NULL);
}

/**
 * aw_application_get_settings:
 *
 * Returns: (transfer none) (nullable): the settings, or %NULL when the
 *   schema is not installed
 */
GSettings *
aw_application_get_settings (AwApplication *self)
{
  return self->settings;
}

static gboolean
have_session_bus (void)
{
  g_autofree char *bus = NULL;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    return TRUE;
  bus = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return g_file_test (bus, G_FILE_TEST_EXISTS);
}

/**
 * aw_application_main:
 *
 * Runs the window. One instance per session when there is a session bus.
 */
int
aw_application_main (int    argc,
                     char **argv)
{
  g_autoptr(AwApplication) app = NULL;
  GApplicationFlags flags = G_APPLICATION_DEFAULT_FLAGS;

  if (!have_session_bus ())
    flags |= G_APPLICATION_NON_UNIQUE;

  app = aw_application_new (flags);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
