/* aw-window-files.c: the window's files: scenario files, traces, images
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file that cannot be read changes nothing: the window keeps what it
 * showed and explains the problem in its banner. What is written is written
 * whole or not at all (the core's export writes a temporary file and
 * renames it).
 */

#include "config.h"

#include "aw-window-private.h"

#include <string.h>

#include "aw-catalog.h"
#include "aw-export.h"
#include "aw-format.h"
#include "aw-i18n.h"
#include "aw-trace-io.h"

/**
 * aw_window_open_file:
 * @path: a scenario file
 *
 * Loads a user's scenario, adds it to the catalogue and shows it. A broken
 * file leaves everything as it was and shows the error (file, line,
 * column, problem) in the window.
 *
 * Returns: %TRUE if the file was loaded
 */
gboolean
aw_window_open_file (AwWindow   *self,
                     const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) scenario = aw_catalog_load_file (path, &error);
  GtkWidget *row;

  if (scenario == NULL)
    {
      _aw_window_show_error (self, error->message);
      return FALSE;
    }

  _aw_window_show_error (self, NULL);
  row = _aw_window_make_row (scenario, TRUE);
  gtk_list_box_append (self->scenario_list, row);
  g_ptr_array_add (self->scenarios, g_object_ref (scenario));
  gtk_list_box_select_row (self->scenario_list, GTK_LIST_BOX_ROW (row));
  _aw_window_set_scenario (self, scenario);
  return TRUE;
}

/**
 * aw_window_export_image:
 * @path: a .png, .svg or .pdf file
 *
 * Draws the last runs as `awaitscope render` does: 1280 wide and as tall
 * as the drawing.
 *
 * Returns: %TRUE if the whole picture was written
 */
gboolean
aw_window_export_image (AwWindow   *self,
                        const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *status = NULL;
  g_autofree char *base = NULL;
  AwScenario *scenario = aw_session_get_scenario (self->session);
  AwRenderRequest request;

  if (scenario != NULL)
    {
      g_autofree char *speed = aw_format_speed (aw_session_get_speed (self->session));

      /* Translators: the caption under an exported picture; %1$s is a
       * speed like "1×", %2$s the lesson's expected outcome (a sentence,
       * or nothing). */
      caption = g_strdup_printf (_("Recorded run, real clock, speed %s. %s"), speed,
                                 aw_scenario_get_expected_text (scenario)
                                   ? aw_scenario_get_expected_text (scenario) : "");
    }
  else
    caption = g_strdup (_("From a saved trace."));
  aw_render_request_init (&request);
  request.title = aw_session_get_title (self->session);
  request.caption = caption;
  request.variants = aw_session_get_runs (self->session, &request.n_variants);
  request.theme = aw_timeline_view_get_theme (self->timeline);
  request.width = 1280;
  request.height = 0;

  if (!aw_export_image (&request, path, 1, &error))
    {
      _aw_window_show_error (self, error->message);
      return FALSE;
    }
  base = g_path_get_basename (path);
  /* Translators: %s is the name of the file just written. */
  status = g_strdup_printf (_("Saved %s"), base);
  _aw_window_show_status (self, status);
  return TRUE;
}

/**
 * aw_window_open_trace:
 * @path: a trace saved by Awaitscope, or a Trace Event file from another tool
 *
 * Shows the runs a trace holds, ready to replay. A broken file is explained
 * in the window and changes nothing.
 *
 * Returns: %TRUE if the trace was loaded
 */
gboolean
aw_window_open_trace (AwWindow   *self,
                      const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = aw_traces_load_from_file (path, &error);
  g_autofree char *base = NULL;
  g_autofree char *subtitle = NULL;

  if (traces == NULL)
    {
      _aw_window_show_error (self, error->message);
      return FALSE;
    }

  base = g_path_get_basename (path);
  /* Translators: the header bar's subtitle; %s is a trace file's name. */
  subtitle = g_strdup_printf (_("Saved trace: %s"), base);
  _aw_window_show_traces (self, traces, base, subtitle);
  return TRUE;
}

/* Shows @traces (at least one) as the window's runs, ready to replay: a
 * loaded trace, a C# program's runs. The title is the first trace's
 * scenario title, else @fallback_title. */
void
_aw_window_show_traces (AwWindow   *self,
                        GPtrArray  *traces,
                        const char *fallback_title,
                        const char *subtitle)
{
  const char *title;
  const AwNamedRun *runs;
  guint n_runs;

  _aw_window_show_error (self, NULL);
  _aw_window_stop_replay (self);
  _aw_window_abandon_run (self);
  _aw_window_clear_run (self);
  g_array_set_size (self->predictions, 0);

  title = aw_trace_get_metadata (g_ptr_array_index (traces, 0), "scenario_title");
  aw_session_set_source (self->session, NULL, title ? title : fallback_title);
  for (guint i = 0; i < traces->len; i++)
    {
      AwTrace *trace = g_ptr_array_index (traces, i);
      g_autoptr(AwTraceModel) model = aw_trace_model_new (trace);
      g_autofree char *fallback = g_strdup_printf ("run %u", i + 1);
      const char *name = aw_trace_get_metadata (trace, "variant");

      aw_session_add_run (self->session, name ? name : fallback,
                          aw_trace_get_metadata (trace, "variant_title"), model);
    }

  gtk_label_set_text (self->title_label, aw_session_get_title (self->session));
  gtk_label_set_text (self->subtitle_label, subtitle);
  aw_session_set_view (self->session, NULL);
  runs = aw_session_get_runs (self->session, &n_runs);
  aw_timeline_view_set_runs (self->timeline, aw_session_get_title (self->session), runs, n_runs);
  aw_session_collect_steps (self->session);
  aw_session_set_replay_position (self->session, -1);
  _aw_window_update_actions (self);
  _aw_window_apply_replay (self);
}

/**
 * aw_window_export_trace:
 * @path: where to save the last runs as Trace Event JSON
 *
 * Returns: %TRUE if the whole file was written
 */
gboolean
aw_window_export_trace (AwWindow   *self,
                        const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = _aw_window_get_last_traces (self);
  g_autofree char *base = NULL;
  g_autofree char *status = NULL;

  if (traces->len == 0 || !aw_traces_save ((AwTrace **) traces->pdata, traces->len, path, &error))
    {
      _aw_window_show_error (self, error ? error->message : _("Run the scenario first: a trace is a recorded run."));
      return FALSE;
    }
  base = g_path_get_basename (path);
  status = g_strdup_printf (_("Saved %s"), base);
  _aw_window_show_status (self, status);
  return TRUE;
}

/* File choosers ---------------------------------------------------------- */

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     AwWindow        *self)
{
  AwChooserDone done = g_object_get_data (G_OBJECT (dialog), "done");
  const char *extension = g_object_get_data (G_OBJECT (dialog), "extension");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      /* A name typed without an extension gets the default one. */
      if (path != NULL && extension != NULL && strrchr (path, '.') <= strrchr (path, '/'))
        {
          char *with_ext = g_strconcat (path, extension, NULL);
          g_free (path);
          path = with_ext;
        }
      if (path != NULL)
        done (self, path);
    }
  g_clear_object (&self->chooser);
}

/* One file chooser at a time; @filters is a NULL-terminated list of
 * name, pattern pairs. */
/* The filters follow @done as pairs of a name, marked with N_() and
 * translated here, and a pattern, ended by %NULL. */
void
_aw_window_run_chooser (AwWindow             *self,

                        const char           *title,
                        GtkFileChooserAction  action,
                        const char           *current_name,
                        const char           *extension,
                        AwChooserDone         done,
                        ...)
{
  const char *name;
  va_list filters;

  if (self->chooser != NULL)
    return;
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                                  action == GTK_FILE_CHOOSER_ACTION_SAVE ? _("_Export") : _("_Open"),
                                                                  _("_Cancel")));
  va_start (filters, done);
  while ((name = va_arg (filters, const char *)) != NULL)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _(name));
      gtk_file_filter_add_pattern (filter, va_arg (filters, const char *));
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
    }
  va_end (filters);

  if (current_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), current_name);
  g_object_set_data (G_OBJECT (self->chooser), "done", done);
  g_object_set_data (G_OBJECT (self->chooser), "extension", (gpointer) extension);
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (self->chooser);
}

void
_aw_window_choose_scenario_file (AwWindow *self)
{
  _aw_window_run_chooser (self, _("Open Scenario File"), GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL,
               aw_window_open_file, N_("Scenario files (*.json)"), "*.json", NULL);
}

void
_aw_window_choose_image_export (AwWindow *self)
{
  AwScenario *scenario = aw_session_get_scenario (self->session);
  g_autofree char *name = NULL;

  if (aw_session_get_n_runs (self->session) == 0 || aw_session_get_running (self->session))
    return;
  name = g_strdup_printf ("%s.png", scenario ? aw_scenario_get_id (scenario) : "trace");
  _aw_window_run_chooser (self, _("Export Image"), GTK_FILE_CHOOSER_ACTION_SAVE, name, ".png", aw_window_export_image,
               N_("PNG image"), "*.png", N_("SVG drawing"), "*.svg", N_("PDF document"), "*.pdf", NULL);
}

void
_aw_window_choose_trace (AwWindow *self)
{
  if (aw_session_get_running (self->session))
    return;
  _aw_window_run_chooser (self, _("Open Trace"), GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL, aw_window_open_trace,
               N_("Trace files (*.json)"), "*.json", NULL);
}

void
_aw_window_choose_trace_export (AwWindow *self)
{
  AwScenario *scenario = aw_session_get_scenario (self->session);
  g_autofree char *name = NULL;

  if (aw_session_get_n_runs (self->session) == 0 || aw_session_get_running (self->session))
    return;
  name = g_strdup_printf ("%s-trace.json", scenario ? aw_scenario_get_id (scenario) : "awaitscope");
  _aw_window_run_chooser (self, _("Export Trace"), GTK_FILE_CHOOSER_ACTION_SAVE, name, ".json", aw_window_export_trace,
               N_("Trace Event JSON"), "*.json", NULL);

}
