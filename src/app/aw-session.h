/* aw-session.h: what a window shows, as properties its widgets bind to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "aw-render.h"
#include "aw-scenario.h"
#include "aw-time-span.h"

G_BEGIN_DECLS

/* The text size's range, as the setting's. */
#define AW_SESSION_MIN_TEXT_SCALE 0.6
#define AW_SESSION_MAX_TEXT_SCALE 2.5

#define AW_TYPE_SESSION (aw_session_get_type ())
G_DECLARE_FINAL_TYPE (AwSession, aw_session, AW, SESSION, GObject)

AwSession             *aw_session_new                  (void);

const char            *aw_session_get_title            (AwSession        *self);
AwScenario            *aw_session_get_scenario         (AwSession        *self);
void                   aw_session_set_source           (AwSession        *self,
                                                        AwScenario       *scenario,
                                                        const char       *title);
const AwNamedRun *aw_session_get_runs             (AwSession        *self,
                                                        guint            *n_runs);
guint                  aw_session_get_n_runs           (AwSession        *self);
void                   aw_session_add_run              (AwSession        *self,
                                                        const char       *name,
                                                        const char       *title,
                                                        AwTraceModel     *model);
void                   aw_session_clear_runs           (AwSession        *self);
GPtrArray             *aw_session_dup_traces           (AwSession        *self);

gboolean               aw_session_get_running          (AwSession        *self);
void                   aw_session_set_running          (AwSession        *self,
                                                        gboolean          running);
gboolean               aw_session_get_can_replay       (AwSession        *self);

void                   aw_session_collect_steps        (AwSession        *self);
gint64                 aw_session_get_replay_end       (AwSession        *self);
gint64                 aw_session_get_replay_position  (AwSession        *self);
void                   aw_session_set_replay_position  (AwSession        *self,
                                                        gint64            position);
gint64                 aw_session_get_start            (AwSession        *self,
                                                        gint64            min_step_ns);
gint64                 aw_session_get_step             (AwSession        *self,
                                                        gint64            from,
                                                        int               direction,
                                                        gint64            min_step_ns);

const AwTimeSpan      *aw_session_get_view             (AwSession        *self);
void                   aw_session_set_view             (AwSession        *self,
                                                        const AwTimeSpan *view);

const char            *aw_session_get_theme            (AwSession        *self);
void                   aw_session_set_theme            (AwSession        *self,
                                                        const char       *theme);
double                 aw_session_get_text_scale       (AwSession        *self);
void                   aw_session_set_text_scale       (AwSession        *self,
                                                        double            text_scale);
double                 aw_session_get_speed            (AwSession        *self);
void                   aw_session_set_speed            (AwSession        *self,
                                                        double            speed);

G_END_DECLS
