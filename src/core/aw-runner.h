/* aw-runner.h: runs one variant of a scenario for real on GLib
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aw-scenario.h"
#include "aw-trace.h"

G_BEGIN_DECLS

#define AW_RUNNER_MIN_SPEED 0.05
#define AW_RUNNER_MAX_SPEED 100.0

/**
 * AwRunOptions:
 * @speed: every duration is divided by this (0.25 is slow motion, 4 is fast)
 * @heartbeat_ms: when > 0, a main-loop timer records a heartbeat this often,
 *   so a blocked main thread shows as a gap (the window uses its frame clock instead)
 * @workers: size of the worker pool for cpu nodes, 0 for the default
 * @cancel_after_ms: when >= 0, the run's token is cancelled after this many
 *   milliseconds of real time, as if the user pressed Cancel
 * @wait_deadline_ms: when > 0, the watchdog deadline of every blocking wait
 *   (`.Result`), instead of the one in the scenario; at most
 *   %AW_WAIT_MAX_DEADLINE_MS. Real milliseconds: the speed does not apply.
 * @cores: the processors the virtual clock gives cpu work, 0 for one per
 *   worker the pool starts with; a real run has the machine's. cpu work is an amount of CPU
 *   time, so more CPU-bound jobs than cores share them and each takes longer.
 * @pool: which worker pool runs cpu work: %AW_POOL_AS_SCENARIO for the one
 *   the scenario names, or %AW_POOL_FIXED or %AW_POOL_DOTNET whatever it
 *   says. A pool starts with @workers threads; see #AwPool for how the
 *   dotnet pool grows.
 * @pool_interval_ms: when > 0, the dotnet pool's interval, instead of the
 *   scenario's: real milliseconds, the speed does not apply (as .NET's own
 *   interval does not change with a program's speed)
 * @pool_max_threads: when > 0, the most threads the dotnet pool grows to,
 *   instead of the scenario's; at most %AW_POOL_MAX_THREADS
 */
typedef struct {
  double speed;
  guint  heartbeat_ms;
  guint  workers;
  gint   cancel_after_ms;
  guint  wait_deadline_ms;
  guint  cores;
  AwPoolKind pool;
  guint  pool_interval_ms;
  guint  pool_max_threads;
} AwRunOptions;

void aw_run_options_init (AwRunOptions *options);
guint aw_run_estimate_freeze_ms (const AwNode       *program,
                                 const AwRunOptions *options);
guint aw_runner_default_workers (void);

#define AW_TYPE_RUNNER (aw_runner_get_type ())
G_DECLARE_FINAL_TYPE (AwRunner, aw_runner, AW, RUNNER, GObject)

AwRunner     *aw_runner_new             (AwScenario          *scenario,
                                         guint                variant_index,
                                         const AwRunOptions  *options);
AwScenario   *aw_runner_get_scenario    (AwRunner            *self);
const AwVariant *aw_runner_get_variant  (AwRunner            *self);
AwTrace      *aw_runner_get_trace       (AwRunner            *self);
GCancellable *aw_runner_get_cancellable (AwRunner            *self);
void          aw_runner_cancel          (AwRunner            *self,
                                         const char          *why);
gboolean      aw_runner_stop            (AwRunner            *self);
gboolean      aw_runner_is_running      (AwRunner            *self);
gint64        aw_runner_get_next_deadline (AwRunner          *self);
void          aw_runner_run_async       (AwRunner            *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean      aw_runner_run_finish      (AwRunner            *self,
                                         GAsyncResult        *result,
                                         GError             **error);
gboolean      aw_runner_run_sync        (AwRunner            *self,
                                         GError             **error);

G_END_DECLS
