/* aw-trace-private.h: what the trace tells readers that keep derived views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aw-trace.h"

G_BEGIN_DECLS

guint64 _aw_trace_get_merge_serial   (AwTrace *trace);
guint   _aw_trace_first_change_since (AwTrace *trace,
                                      guint64  serial);

G_END_DECLS
