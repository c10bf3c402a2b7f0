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
 * @AW_CSHARP_ERROR_RUN: the program failed or wrote no trace
 * @AW_CSHARP_ERROR_LIMIT: the program was stopped at one of its limits
 */
typedef enum {
  AW_CSHARP_ERROR_NO_MONO,
  AW_CSHARP_ERROR_NO_SOURCE,
  AW_CSHARP_ERROR_COMPILE,
  AW_CSHARP_ERROR_RUN,
  AW_CSHARP_ERROR_LIMIT,
} AwCsharpError;

/* How long a scenario's twin may run before it is killed, in seconds. */
#define AW_CSHARP_TIMEOUT_S 300

/* A program of the user's own: its limits unless the caller says otherwise. */
#define AW_CSHARP_FILE_TIME_LIMIT_S   30
#define AW_CSHARP_MEMORY_LIMIT_MIB    1024
#define AW_CSHARP_THREAD_LIMIT        256
#define AW_CSHARP_OUTPUT_LIMIT_MIB    64

/**
 * AwCsharpLimits:
 * @time_s: wall time, in seconds (0: none)
 * @memory_mib: resident memory of the program and what it starts, in MiB (0: none)
 * @threads: threads of the program and what it starts (0: none)
 * @output_mib: the largest file it may write (its trace, its output), in MiB (0: none)
 *
 * What a C# program may use before it is stopped. Where bubblewrap
 * (`bwrap`) works, the program also runs with no network, a private /tmp
 * and the rest of the file system read-only.
 */
typedef struct {
  guint time_s;
  guint memory_mib;
  guint threads;
  guint output_mib;
} AwCsharpLimits;

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
                                    const AwCsharpLimits *limits,
                                    GCancellable  *cancellable,
                                    GError       **error);

void        aw_csharp_limits_init_file (AwCsharpLimits *limits);
gboolean    aw_csharp_have_mono    (GError       **error);
const char *aw_csharp_sandbox_note (void);

G_END_DECLS
