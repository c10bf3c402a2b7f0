/* fuzz-common.h: what every fuzz target shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A critical or a warning means the code under test misused an API or hit a
 * state it did not expect: stop the fuzzer there, with the message. */
static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (level, fields, n_fields, user_data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

/* How the inputs fared, printed at exit for scripts/fuzz: accepted, and
 * rejected by error code (0 I/O, 1 syntax, 2 invalid, 3 over a limit). */
static guint64 fuzz_accepted;
static guint64 fuzz_rejected[4];

static void
fuzz_report (void)
{
  fprintf (stderr, "fuzz-report: %" G_GUINT64_FORMAT " accepted, %" G_GUINT64_FORMAT " rejected "
           "(%" G_GUINT64_FORMAT " syntax, %" G_GUINT64_FORMAT " invalid, %" G_GUINT64_FORMAT " over a limit)\n",
           fuzz_accepted, fuzz_rejected[1] + fuzz_rejected[2] + fuzz_rejected[3],
           fuzz_rejected[1], fuzz_rejected[2], fuzz_rejected[3]);
}

static inline void
fuzz_init (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  atexit (fuzz_report);
}

static inline void
fuzz_count (const GError *error)
{
  if (error == NULL)
    fuzz_accepted++;
  else if (error->code >= 0 && error->code < (gint) G_N_ELEMENTS (fuzz_rejected))
    fuzz_rejected[error->code]++;
}

/* Every error a file can cause is shown to a user: it must say something,
 * in valid UTF-8, and start with the file's name. */
static inline void
fuzz_check_error (const GError *error,
                  GQuark        domain,
                  const char   *display_name)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == domain);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_true (g_str_has_prefix (error->message, display_name));
  g_assert_cmpuint (strlen (error->message), >, strlen (display_name) + 2);
}
