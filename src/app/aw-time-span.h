/* aw-time-span.h: a span of a run's time, such as the timeline's view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Nanoseconds since the runs' start; @end_ns > @begin_ns. */
typedef struct {
  gint64 begin_ns;
  gint64 end_ns;
} AwTimeSpan;

#define AW_TYPE_TIME_SPAN (aw_time_span_get_type ())

GType       aw_time_span_get_type (void) G_GNUC_CONST;
AwTimeSpan *aw_time_span_copy     (const AwTimeSpan *self);
void        aw_time_span_free     (AwTimeSpan       *self);

/* Either may be %NULL, which equals only %NULL. */
static inline gboolean
aw_time_span_equal (const AwTimeSpan *a,
                    const AwTimeSpan *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->begin_ns == b->begin_ns && a->end_ns == b->end_ns;
}

static inline gint64
aw_time_span_get_duration (const AwTimeSpan *self)
{
  return self->end_ns - self->begin_ns;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AwTimeSpan, aw_time_span_free)

G_END_DECLS
