/* aw-named-run.h: a recorded run with the name it is shown under
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aw-trace-model.h"

G_BEGIN_DECLS

/**
 * AwNamedRun:
 * @name: the variant's id ("one-by-one"), or a saved trace's name
 * @title: (nullable): what the run is called on screen ("One by one")
 * @model: (nullable): the run, finished or live; %NULL for a variant that
 *   was not run
 *
 * One run of a variant with its names. The renderer, the verdicts, the
 * summaries and the window's task table all take arrays of these. The
 * struct owns nothing: @name, @title and @model must stay valid for as
 * long as it is used.
 */
typedef struct {
  const char   *name;
  const char   *title;
  AwTraceModel *model;
} AwNamedRun;

const char *aw_named_run_get_title (const AwNamedRun *run,
                                    guint             index,
                                    char             *buf,
                                    gsize             len);

G_END_DECLS
