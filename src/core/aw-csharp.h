/* aw-csharp.h: C# programs run on Mono through the C# lab, and their recorded runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aw-trace.h"

G_BEGIN_DECLS

#define AW_CSHARP_ERROR (aw_csharp_error_quark ())

/**
 * AwCsharpError:
 * @AW_CSHARP_ERROR_NO_MONO: mcs or mono is not installed
 * @AW_CSHARP_ERROR_NO_SOURCE: the lab's sources or the scenario's twin are missing
 * @AW_CSHARP_ERROR_COMPILE: mcs refused the program
 * @AW_CSHARP_ERROR_RUN: the program failed, timed out or wrote no trace
 */
typedef enum {
  AW_CSHARP_ERROR_NO_MONO,
  AW_CSHARP_ERROR_NO_SOURCE,
  AW_CSHARP_ERROR_COMPILE,
  AW_CSHARP_ERROR_RUN,
} AwCsharpError;

/* How long a C# program may run before it is killed, in seconds. */
#define AW_CSHARP_TIMEOUT_S 300

GQuark      aw_csharp_error_quark  (void);

char       *aw_csharp_find_lab     (GError       **error);
char       *aw_csharp_find_twin    (const char    *scenario_id,
                                    GError       **error);
GPtrArray  *aw_csharp_run_twin     (const char    *scenario_id,
                                    double         speed,
                                    int            deadline_ms,
                                    GCancellable  *cancellable,
                                    GError       **error);
GPtrArray  *aw_csharp_run_file     (const char    *path,
                                    double         speed,
                                    int            deadline_ms,
                                    GCancellable  *cancellable,
                                    GError       **error);

G_END_DECLS
