/* aw-code-view.h: a C# file, shown and edited with GtkSourceView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AW_TYPE_CODE_VIEW (aw_code_view_get_type ())
G_DECLARE_FINAL_TYPE (AwCodeView, aw_code_view, AW, CODE_VIEW, GtkWidget)

/* The largest file the view opens: a lesson's program is a few KiB. */
#define AW_CODE_VIEW_MAX_FILE (4 * 1024 * 1024)

GtkWidget     *aw_code_view_new          (void);
gboolean       aw_code_view_load         (AwCodeView  *self,
                                          const char  *path,
                                          GError     **error);
gboolean       aw_code_view_save         (AwCodeView  *self,
                                          GError     **error);
void           aw_code_view_close        (AwCodeView  *self);
const char    *aw_code_view_get_path     (AwCodeView  *self);
gboolean       aw_code_view_get_modified (AwCodeView  *self);
char          *aw_code_view_dup_text     (AwCodeView  *self);
GtkTextView   *aw_code_view_get_text_view (AwCodeView *self);
void           aw_code_view_set_dark     (AwCodeView  *self,
                                          gboolean     dark);
guint          aw_code_view_show_errors  (AwCodeView  *self,
                                          const char  *errors);
void           aw_code_view_clear_errors (AwCodeView  *self);
void           aw_code_view_go_to        (AwCodeView  *self,
                                          guint        line,
                                          guint        column);
void           aw_code_view_get_cursor   (AwCodeView  *self,
                                          guint       *line,
                                          guint       *column);
guint          aw_code_view_get_n_error_lines (AwCodeView *self);

G_END_DECLS
