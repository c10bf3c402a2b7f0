/* aw-code-view.c: a C# file, shown and edited with GtkSourceView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's "C# code" page: the file a student opened, with C#
 * highlighting, line numbers and a monospace font, editable. Saving writes
 * the file whole or not at all (aw_write_file_atomic()), so a crash while
 * saving never leaves half a program. The compiler's errors, as the C# lab
 * words them ("orders.cs:12:5: error CS1002: ; expected"), mark their lines
 * and put the cursor where the first one is.
 */

#include "config.h"

#include "aw-code-view.h"

#include <string.h>

#include <gtksourceview/gtksource.h>

#include "aw-file-util.h"
#include "aw-i18n.h"

struct _AwCodeView {
  GtkWidget        parent_instance;

  GtkWidget       *scroller;
  GtkSourceView   *view;
  GtkSourceBuffer *buffer;
  GtkTextTag      *error_tag;
  char            *path;
  guint            n_error_lines;
  gboolean         dark;
};

G_DEFINE_FINAL_TYPE (AwCodeView, aw_code_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PATH,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_modified_changed (GtkTextBuffer *buffer,
                     AwCodeView    *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
apply_scheme (AwCodeView *self)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  GtkSourceStyleScheme *scheme = gtk_source_style_scheme_manager_get_scheme (schemes, self->dark ? "Adwaita-dark"
                                                                                                  : "Adwaita");

  if (scheme == NULL)
    scheme = gtk_source_style_scheme_manager_get_scheme (schemes, self->dark ? "oblivion" : "classic");
  gtk_source_buffer_set_style_scheme (self->buffer, scheme);
}

static void
aw_code_view_dispose (GObject *object)
{
  AwCodeView *self = AW_CODE_VIEW (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->buffer);

  G_OBJECT_CLASS (aw_code_view_parent_class)->dispose (object);
}

static void
aw_code_view_finalize (GObject *object)
{
  AwCodeView *self = AW_CODE_VIEW (object);

  g_free (self->path);

  G_OBJECT_CLASS (aw_code_view_parent_class)->finalize (object);
}

static void
aw_code_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AwCodeView *self = AW_CODE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_MODIFIED:
      g_value_set_boolean (value, aw_code_view_get_modified (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
aw_code_view_grab_focus (GtkWidget *widget)
{
  AwCodeView *self = AW_CODE_VIEW (widget);

  if (self->view == NULL)
    return FALSE;
  return gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static void
aw_code_view_class_init (AwCodeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aw_code_view_dispose;
  object_class->finalize = aw_code_view_finalize;
  object_class->get_property = aw_code_view_get_property;
  widget_class->grab_focus = aw_code_view_grab_focus;

  /**
   * AwCodeView:path:
   *
   * The file shown, or %NULL.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * AwCodeView:modified:
   *
   * Whether the text differs from the file: edited since it was loaded or saved.
   */
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "codeview");
}

/* GtkSourceView is set up when a file is first shown, not with the window:
 * its types and styles add some two thousand quarks, past which GLib
 * leaves its first quark table behind (gquark.c), and most sessions never
 * open a C# file. */
static void
ensure_view (AwCodeView *self)
{
  GtkSourceLanguageManager *languages;

  if (self->view != NULL)
    return;
  gtk_source_init ();
  languages = gtk_source_language_manager_get_default ();

  self->buffer = gtk_source_buffer_new (NULL);
  gtk_source_buffer_set_language (self->buffer, gtk_source_language_manager_get_language (languages, "c-sharp"));
  gtk_source_buffer_set_highlight_matching_brackets (self->buffer, TRUE);
  apply_scheme (self);
  /* A compiler error's line: underlined as a spelling mistake is, on a
   * tint that reads on the light and the dark schemes alike. */
  self->error_tag = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->buffer), "compile-error",
                                                "underline", PANGO_UNDERLINE_ERROR,
                                                "paragraph-background-rgba", &(GdkRGBA) { 0.88, 0.11, 0.14, 0.18 },
                                                NULL);
  g_signal_connect (self->buffer, "modified-changed", G_CALLBACK (on_modified_changed), self);

  self->view = GTK_SOURCE_VIEW (gtk_source_view_new_with_buffer (self->buffer));
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->view), TRUE);
  gtk_source_view_set_show_line_numbers (self->view, TRUE);
  gtk_source_view_set_highlight_current_line (self->view, TRUE);
  gtk_source_view_set_auto_indent (self->view, TRUE);
  gtk_source_view_set_insert_spaces_instead_of_tabs (self->view, TRUE);
  gtk_source_view_set_tab_width (self->view, 4);
  gtk_source_view_set_indent_width (self->view, 4);
  gtk_source_view_set_smart_home_end (self->view, GTK_SOURCE_SMART_HOME_END_BEFORE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->view), 6);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->view), 4);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->view), 4);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("C# code"),
                                  -1);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->view));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

static void
aw_code_view_init (AwCodeView *self)
{
}

/**
 * aw_code_view_new:
 *
 * Returns: (transfer floating): an empty code view
 */
GtkWidget *
aw_code_view_new (void)
{
  return g_object_new (AW_TYPE_CODE_VIEW, NULL);
}

/**
 * aw_code_view_load:
 * @path: a C# file
 *
 * Shows @path, unmodified, with the cursor at its start. Editing starts
 * there: the loading cannot be undone.
 *
 * Returns: %TRUE if it was read; else @error names the file and the problem
 */
gboolean
aw_code_view_load (AwCodeView  *self,
                   const char  *path,
                   GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *terminated = NULL;
  gboolean too_large = FALSE;
  const char *text;
  gsize len;
  GtkTextIter start;

  g_return_val_if_fail (AW_IS_CODE_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  bytes = aw_read_file_bounded (path, AW_CODE_VIEW_MAX_FILE, &too_large, error);
  if (bytes == NULL)
    return FALSE;
  text = g_bytes_get_data (bytes, &len);
  if (!g_utf8_validate_len (text, len, NULL))
    {
      g_autofree char *base = g_path_get_basename (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not UTF-8 text: save it as UTF-8 to open it"), base);
      return FALSE;
    }

  /* The file's bytes end without a NUL; GTK 4.8's AT-SPI code reads the
   * text of an insertion up to one, whatever its length says
   * (gtkatspitext.c, insert_range_cb), and sends it to the accessibility
   * bus as a string: the bytes after the file's, invalid UTF-8 as often as
   * not, made GVariant refuse it and the window abort. So the buffer gets
   * a string. (It has no NUL inside: g_utf8_validate_len() said so.) */
  terminated = g_strndup (text ? text : "", len);

  ensure_view (self);
  gtk_text_buffer_begin_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), terminated, (int) len);
  gtk_text_buffer_end_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->buffer), &start);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &start);
  self->n_error_lines = 0;
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);

  if (g_strcmp0 (self->path, path) != 0)
    {
      g_free (self->path);
      self->path = g_strdup (path);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
    }
  return TRUE;
}

/**
 * aw_code_view_save:
 *
 * Writes the text to its file, whole or not at all.
 *
 * Returns: %TRUE if it was written
 */
gboolean
aw_code_view_save (AwCodeView  *self,
                   GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  char *text;

  g_return_val_if_fail (AW_IS_CODE_VIEW (self), FALSE);
  g_return_val_if_fail (self->path != NULL, FALSE);

  text = aw_code_view_dup_text (self);
  bytes = g_bytes_new_take (text, strlen (text));
  if (!aw_write_file_atomic (self->path, bytes, error))
    return FALSE;
  if (self->buffer != NULL)
    gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  return TRUE;
}

/**
 * aw_code_view_close:
 *
 * Forgets the file: the view is empty and unmodified.
 */
void
aw_code_view_close (AwCodeView *self)
{
  g_return_if_fail (AW_IS_CODE_VIEW (self));

  if (self->buffer != NULL)
    {
      gtk_text_buffer_begin_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
      gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), "", 0);
      gtk_text_buffer_end_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
    }
  self->n_error_lines = 0;
  if (self->path != NULL)
    {
      g_clear_pointer (&self->path, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
    }
}

const char *
aw_code_view_get_path (AwCodeView *self)
{
  g_return_val_if_fail (AW_IS_CODE_VIEW (self), NULL);

  return self->path;
}

gboolean
aw_code_view_get_modified (AwCodeView *self)
{
  g_return_val_if_fail (AW_IS_CODE_VIEW (self), FALSE);

  return self->buffer != NULL && gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (self->buffer));
}

/**
 * aw_code_view_dup_text:
 *
 * Returns: (transfer full): the text as it is now, edits included
 */
char *
aw_code_view_dup_text (AwCodeView *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (AW_IS_CODE_VIEW (self), NULL);

  if (self->buffer == NULL)
    return g_strdup ("");
  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, TRUE);
}

/**
 * aw_code_view_get_text_view:
 *
 * Returns: (transfer none): the GtkSourceView
 */
GtkTextView *
aw_code_view_get_text_view (AwCodeView *self)
{
  g_return_val_if_fail (AW_IS_CODE_VIEW (self), NULL);

  ensure_view (self);
  return GTK_TEXT_VIEW (self->view);
}

/**
 * aw_code_view_set_dark:
 *
 * Highlights with a scheme for a dark window, or a light one.
 */
void
aw_code_view_set_dark (AwCodeView *self,
                       gboolean    dark)
{
  g_return_if_fail (AW_IS_CODE_VIEW (self));

  dark = !!dark;
  if (self->dark == dark)
    return;
  self->dark = dark;
  if (self->buffer != NULL)
    apply_scheme (self);
}

/* The iterator at 1-based @line and @column, held inside the text. */
static void
iter_at (AwCodeView  *self,
         guint        line,
         guint        column,
         GtkTextIter *iter)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);

  if (line == 0 || (int) line > gtk_text_buffer_get_line_count (buffer))
    {
      gtk_text_buffer_get_end_iter (buffer, iter);
      return;
    }
  gtk_text_buffer_get_iter_at_line (buffer, iter, (int) line - 1);
  for (guint c = 1; c < column && !gtk_text_iter_ends_line (iter); c++)
    gtk_text_iter_forward_char (iter);
}

/**
 * aw_code_view_go_to:
 * @line: 1-based, as compilers count
 * @column: 1-based
 *
 * Puts the cursor at @line and @column (held inside the text), shows it
 * and gives the view the focus.
 */
void
aw_code_view_go_to (AwCodeView *self,
                    guint       line,
                    guint       column)
{
  GtkTextIter iter;
  GtkTextMark *mark;

  g_return_if_fail (AW_IS_CODE_VIEW (self));

  if (self->view == NULL)
    return;
  iter_at (self, line, column, &iter);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &iter);
  /* The line shown from its start, a third of the way down: aligned on
   * the cursor itself, the view would cut the line's start off. */
  gtk_text_iter_set_line_offset (&iter, 0);
  mark = gtk_text_buffer_get_mark (GTK_TEXT_BUFFER (self->buffer), "aw-go-to");
  if (mark == NULL)
    mark = gtk_text_buffer_create_mark (GTK_TEXT_BUFFER (self->buffer), "aw-go-to", &iter, TRUE);
  else
    gtk_text_buffer_move_mark (GTK_TEXT_BUFFER (self->buffer), mark, &iter);
  gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (self->view), mark, 0.1, TRUE, 0.0, 0.3);
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

/**
 * aw_code_view_get_cursor:
 * @line: (out): 1-based
 * @column: (out): 1-based
 */
void
aw_code_view_get_cursor (AwCodeView *self,
                         guint      *line,
                         guint      *column)
{
  GtkTextIter iter;

  g_return_if_fail (AW_IS_CODE_VIEW (self));

  if (self->buffer == NULL)
    {
      if (line != NULL)
        *line = 0;
      if (column != NULL)
        *column = 0;
      return;
    }
  gtk_text_buffer_get_iter_at_mark (GTK_TEXT_BUFFER (self->buffer), &iter,
                                    gtk_text_buffer_get_insert (GTK_TEXT_BUFFER (self->buffer)));
  if (line != NULL)
    *line = (guint) gtk_text_iter_get_line (&iter) + 1;
  if (column != NULL)
    *column = (guint) gtk_text_iter_get_line_offset (&iter) + 1;
}

void
aw_code_view_clear_errors (AwCodeView *self)
{
  GtkTextIter start, end;

  g_return_if_fail (AW_IS_CODE_VIEW (self));

  self->n_error_lines = 0;
  if (self->buffer == NULL)
    return;
  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  gtk_text_buffer_remove_tag (GTK_TEXT_BUFFER (self->buffer), self->error_tag, &start, &end);
  self->n_error_lines = 0;
}

/**
 * aw_code_view_show_errors:
 * @errors: the C# lab's compiler errors, one a line ("orders.cs:12:5: error …")
 *
 * Marks each line of this file that has an error and puts the cursor where
 * the first one is. Errors in other files (the lab's) are left out.
 *
 * Returns: how many errors are in this file
 */
guint
aw_code_view_show_errors (AwCodeView *self,
                          const char *errors)
{
  g_autoptr(GRegex) re = g_regex_new ("^(.+):(\\d+):(\\d+): error ", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *base = NULL;
  guint first_line = 0, first_column = 0, n = 0;

  g_return_val_if_fail (AW_IS_CODE_VIEW (self), 0);

  aw_code_view_clear_errors (self);
  if (self->path == NULL || errors == NULL)
    return 0;
  base = g_path_get_basename (self->path);
  for (g_regex_match (re, errors, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *file = g_match_info_fetch (match, 1);
      g_autofree char *line_text = g_match_info_fetch (match, 2);
      g_autofree char *column_text = g_match_info_fetch (match, 3);
      g_autofree char *file_base = g_path_get_basename (file);
      guint line = (guint) g_ascii_strtoull (line_text, NULL, 10);
      guint column = (guint) g_ascii_strtoull (column_text, NULL, 10);
      GtkTextIter start, end;

      if (g_strcmp0 (file_base, base) != 0)
        continue;
      iter_at (self, line, 1, &start);
      end = start;
      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);
      gtk_text_buffer_apply_tag (GTK_TEXT_BUFFER (self->buffer), self->error_tag, &start, &end);
      if (n++ == 0)
        {
          first_line = line;
          first_column = column;
        }
    }
  self->n_error_lines = n;
  if (n > 0)
    aw_code_view_go_to (self, first_line, first_column);
  return n;
}

/* How many errors of the last compile fell in this file (for tests). */
guint
aw_code_view_get_n_error_lines (AwCodeView *self)
{
  g_return_val_if_fail (AW_IS_CODE_VIEW (self), 0);

  return self->n_error_lines;
}
