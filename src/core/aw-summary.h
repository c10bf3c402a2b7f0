/* aw-summary.h: plain words for what a run did (outcome card, accessible text)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aw-render.h"

G_BEGIN_DECLS

char *aw_summary_format_duration (double                 ms);
char *aw_summary_variant         (const AwRenderVariant *variant);
char *aw_summary_outcome_card    (const AwRenderVariant *variants,
                                  guint                  n_variants);
char *aw_summary_accessible      (const AwRenderVariant *variants,
                                  guint                  n_variants);

G_END_DECLS
