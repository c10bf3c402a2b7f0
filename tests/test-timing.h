/* test-timing.h: whether a test holds code to how fast it ran
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The valgrind test setup (tests/meson.build) sets AW_TEST_SLOW: under valgrind code runs 20 to 50
 * times slower and one thread at a time, so the tests still check what
 * happened (outcomes, counts, order, and memory, which is the point there)
 * but not how long it took.
 */

#pragma once

#include <glib.h>

static inline gboolean
test_timing_checked (void)
{
  return g_getenv ("AW_TEST_SLOW") == NULL;
}

/* For a test that is only about timing: skipped under valgrind. */
#define TEST_SKIP_IF_SLOW() \
  G_STMT_START { \
    if (!test_timing_checked ()) \
      { \
        g_test_skip ("timing is not checked under valgrind (AW_TEST_SLOW)"); \
        return; \
      } \
  } G_STMT_END
