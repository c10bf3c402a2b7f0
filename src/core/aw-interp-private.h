/* aw-interp-private.h: what the interpreter's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aw-engine-private.h"

static inline gint64
record (AwEngine    *engine,
        AwEventKind  kind,
        guint32      task,
        guint32      parent,
        guint32      str)
{
  return engine->backend->record (engine, kind, task, parent, str);
}

static inline guint32
intern (AwEngine   *engine,
        const char *text)
{
  return aw_trace_intern (engine->trace, text);
}

static inline guint32
new_id (AwEngine *engine)
{
  return (guint32) g_atomic_int_add ((gint *) &engine->next_id, 1) + 1;
}

static inline gboolean
is_cancelled (AwEngine *engine,
              AwScope  *scope)
{
  return engine->backend->scope_is_cancelled (engine, scope);
}
