/* aw-summary.h: plain words for what a run did (outcome card, accessible text)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aw-named-run.h"

G_BEGIN_DECLS

char *aw_summary_variant         (const AwNamedRun *variant);
char *aw_summary_run_clause      (const AwNamedRun *variant,
                                  guint             index);
char *aw_summary_compare_text    (const AwNamedRun *variants,
                                  guint             n_variants);
char *aw_summary_outcome_card    (const AwNamedRun *variants,
                                  guint             n_variants);
char *aw_summary_accessible      (const AwNamedRun *variants,
                                  guint             n_variants);
char *aw_summary_task_thread     (AwTraceModel     *model,
                                  const AwTaskInfo *task);

G_END_DECLS
