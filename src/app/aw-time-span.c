/* aw-time-span.c: a span of a run's time, as a boxed type for properties
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "aw-time-span.h"

G_DEFINE_BOXED_TYPE (AwTimeSpan, aw_time_span, aw_time_span_copy, aw_time_span_free)

AwTimeSpan *
aw_time_span_copy (const AwTimeSpan *self)
{
  return g_memdup2 (self, sizeof *self);
}

void
aw_time_span_free (AwTimeSpan *self)
{
  g_free (self);
}
