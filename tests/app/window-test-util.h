/* window-test-util.h: driving the window's main loop from a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "aw-application.h"
#include "aw-window-private.h"
#include "../test-timing.h"

G_BEGIN_DECLS

gboolean       test_app_init       (int       *argc,
                                    char    ***argv);
AwApplication *test_app_new        (void);
int            test_app_run        (AwApplication **app);
gboolean       test_wait_for       (gboolean  *flag,
                                    guint      timeout_ms);
void           test_wait_ms        (guint      ms);
void           test_set_flag       (gpointer   data);
AwWindow      *test_window_new     (AwApplication *app,
                                    int        width,
                                    int        height);
gboolean       test_run_and_wait   (AwWindow  *window,
                                    guint      timeout_ms);

G_END_DECLS
