/* aw-trace-io.h: traces saved as Trace Event JSON and loaded back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aw-trace.h"

G_BEGIN_DECLS

#define AW_TRACE_MAX_FILE_SIZE  (64 * 1024 * 1024)   /* bytes */
#define AW_TRACE_MAX_EVENTS     2000000
#define AW_TRACE_MAX_RUNS       1024          /* runs (processes) in one file */
#define AW_TRACE_MAX_JSON_DEPTH 64

#define AW_TRACE_ERROR (aw_trace_error_quark ())

typedef enum {
  AW_TRACE_ERROR_IO,
  AW_TRACE_ERROR_SYNTAX,
  AW_TRACE_ERROR_INVALID,
  AW_TRACE_ERROR_LIMIT,
} AwTraceError;

GQuark    aw_trace_error_quark      (void);

GBytes   *aw_trace_to_json          (AwTrace     *trace);
GBytes   *aw_traces_to_json         (AwTrace    **traces,
                                     guint        n_traces);
gboolean  aw_traces_save            (AwTrace    **traces,
                                     guint        n_traces,
                                     const char  *path,
                                     GError     **error);
GPtrArray *aw_traces_load_from_data (const char  *data,
                                     gsize        length,
                                     const char  *display_name,
                                     GError     **error);
GPtrArray *aw_traces_load_from_file (const char  *path,
                                     GError     **error);
GPtrArray *aw_traces_load_from_data_full (const char  *data,
                                          gsize        length,
                                          const char  *display_name,
                                          char       **ignored,
                                          GError     **error);
GPtrArray *aw_traces_load_from_file_full (const char  *path,
                                          char       **ignored,
                                          GError     **error);

G_END_DECLS
