/* aw-clock.h: the virtual clock: a variant run as a deterministic simulation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aw-runner.h"
#include "aw-scenario.h"
#include "aw-trace.h"

G_BEGIN_DECLS

/* The simulated pool's size when the options give none: the same on every
 * machine, so pictures and tests do not depend on the host. */
#define AW_CLOCK_DEFAULT_WORKERS 2

/* The longest run the virtual clock simulates, in simulated ns: a
 * heartbeat every 10 ms of it is recorded, and waits cost nothing, so a
 * repeat of long delays would otherwise record without end. */
#define AW_CLOCK_MAX_SIMULATED_NS (G_GINT64_CONSTANT (3600) * G_GINT64_CONSTANT (1000000000))

AwTrace *aw_clock_simulate (AwScenario         *scenario,
                            guint               variant_index,
                            const AwRunOptions *options);

G_END_DECLS
