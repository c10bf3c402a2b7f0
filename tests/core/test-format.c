/* test-format.c: one text for one duration, in every view and every locale
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chart, the outcome card, the accessible description, the verdicts
 * and the CLI all write durations with aw_format_duration(). These tests
 * pin its rule at the boundaries (999.7 ms is "1.00 s", never "1000 ms"),
 * check that the texts built on it agree, and repeat both under a German
 * locale, when the system has one: there every one of them writes "1,00 s"
 * and "1,5x", and inside aw_c_locale_push() (machine formats) "1.00 s"
 * again.
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include "aw-catalog.h"
#include "aw-format.h"
#include "aw-i18n.h"
#include "aw-recorded-text.h"
#include "aw-summary.h"
#include "aw-verdict.h"

#define MS 1000000  /* ns */

/* Whether the texts are expected with a decimal comma (German). */
static gboolean comma;

/* @text as expected: a point between two digits is the decimal separator,
 * a comma when `comma` is set; other points (a sentence's end) stay. */
static const char *
expect (const char *text)
{
  static GString *out;

  if (out == NULL)
    out = g_string_new (NULL);
  g_string_assign (out, text);
  if (comma)
    for (gsize i = 1; i + 1 < out->len; i++)
      if (out->str[i] == '.' && g_ascii_isdigit (out->str[i - 1]) && g_ascii_isdigit (out->str[i + 1]))
        out->str[i] = ',';
  return out->str;
}

typedef struct {
  double      ms;
  const char *text;
} Case;

static const Case cases[] = {
  { 0, "0.00 ms" },
  { 0.4, "0.40 ms" },
  { 0.994, "0.99 ms" },
  { 0.995, "1.0 ms" },
  { 5.26, "5.3 ms" },
  { 9.94, "9.9 ms" },
  { 9.95, "10 ms" },
  { 640, "640 ms" },
  { 999.4, "999 ms" },
  { 999.5, "1.00 s" },
  { 999.7, "1.00 s" },
  { 1000, "1.00 s" },
  { 1500, "1.50 s" },
  { 2410, "2.41 s" },
  { 9994, "9.99 s" },
  { 9995, "10.0 s" },
  { 12345, "12.3 s" },
  { 59999, "60.0 s" },
  { 99949, "99.9 s" },
  { 99950, "100 s" },
  { 3600000, "3600 s" },
  { 1e12, "1000000000 s" },
  { -1, "–" },
  { NAN, "–" },
  { INFINITY, "–" },
};

static void
assert_durations (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = aw_format_duration (cases[i].ms);

      g_test_message ("%g ms: %s", cases[i].ms, text);
      g_assert_cmpstr (text, ==, expect (cases[i].text));
    }
}

/* Figures side by side share the largest one's unit. */
static const struct {
  double      ms;
  double      scale_ms;
  const char *text;
} side_by_side[] = {
  { 900, 1500, "0.90 s" },          /* off by, beside predicted 1.50 s */
  { 640, 2410, "0.64 s" },          /* the replay's 640 ms / 2.41 s */
  { 2410, 2410, "2.41 s" },
  { 999.7, 999.7, "1.00 s" },
  { 5, 12345, "0.0 s" },
  { 640, 12345, "0.6 s" },
  { 640, 120000, "1 s" },
  { 640, 999.4, "640 ms" },         /* a scale below a second: as they are */
  { 5.26, 640, "5.3 ms" },
  { 1500, 900, "1.50 s" },          /* a scale too small counts as the figure */
  { 900, NAN, "900 ms" },
  { -1, 1500, "–" },
  { NAN, 1500, "–" },
};

static void
assert_side_by_side (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (side_by_side); i++)
    {
      g_autofree char *text = aw_format_duration_as (side_by_side[i].ms, side_by_side[i].scale_ms);

      g_test_message ("%g ms beside %g ms: %s", side_by_side[i].ms, side_by_side[i].scale_ms, text);
      g_assert_cmpstr (text, ==, expect (side_by_side[i].text));
    }
}

static void
assert_speeds (void)
{
  g_autofree char *slow = aw_format_speed (0.25);
  g_autofree char *one = aw_format_speed (1);
  g_autofree char *fast = aw_format_speed (2.5);

  g_assert_cmpstr (slow, ==, expect ("0.25x"));
  g_assert_cmpstr (one, ==, "1x");
  g_assert_cmpstr (fast, ==, expect ("2.5x"));
}

static void
ev (AwTrace     *trace,
    double       ms,
    AwEventKind  kind,
    guint32      task,
    const char  *text)
{
  AwEvent event = {
    .time_ns = (gint64) llround (ms * MS),
    .task = task,
    .str = aw_trace_intern (trace, text),
    .kind = kind,
  };

  aw_trace_append_event (trace, &event);
}

/* A run of one task that took @wall_ms. */
static AwTraceModel *
timed_run (const char *variant,
           double      wall_ms)
{
  g_autoptr(AwTrace) trace = aw_trace_new ();

  aw_trace_set_metadata (trace, "variant", variant);
  aw_trace_set_metadata (trace, "speed", "1");
  ev (trace, 0, AW_EVENT_RUN_BEGIN, 0, variant);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, "root");
  ev (trace, 0, AW_EVENT_TASK_WAITING, 1, NULL);
  ev (trace, wall_ms, AW_EVENT_TASK_COMPLETED, 1, NULL);
  ev (trace, wall_ms, AW_EVENT_RUN_END, 0, "completed");

  return aw_trace_model_new (trace);
}

static const char scenario_json[] =
  "{ \"id\": \"t\", \"title\": \"t\", \"part\": 2, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
  "  \"expected\": { \"text\": \"x\", \"checks\": [\n"
  "    { \"metric\": \"wall_ms\", \"variant\": \"fast\", \"at_most\": 1000 },\n"
  "    { \"metric\": \"wall_ms\", \"variant\": \"fast\", \"at_most_ratio\": 0.75, \"of\": \"slow\" } ] },\n"
  "  \"variants\": [ { \"name\": \"fast\", \"title\": \"Fast\", \"program\": { \"type\": \"delay\", \"ms\": 1 } },\n"
  "                { \"name\": \"slow\", \"title\": \"Slow\", \"program\": { \"type\": \"delay\", \"ms\": 1 } } ] }";

/* The texts the views show, for a run of 999.7 ms against one of 1.5 s:
 * each says "1.00 s" and "1.50 s", with the locale's decimal separator. */
static void
assert_views_agree (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) scenario = aw_catalog_load_data (scenario_json, -1, "format.json", &error);
  g_autoptr(AwTraceModel) fast = timed_run ("fast", 999.7);
  g_autoptr(AwTraceModel) slow = timed_run ("slow", 1500);
  g_autoptr(AwVerdict) verdict = NULL;
  AwNamedRun runs[2] = {
    { "fast", "Fast", fast },
    { "slow", "Slow", slow },
  };
  g_autofree char *one = aw_summary_variant (&runs[0]);
  g_autofree char *compare = aw_summary_compare_text (runs, 2);
  g_autofree char *card = aw_summary_outcome_card (runs, 2);
  g_autofree char *accessible = aw_summary_accessible (runs, 2);
  g_autofree char *headline = NULL;
  const AwCheck *wall, *ratio;

  g_assert_no_error (error);
  verdict = aw_verdict_check (scenario, runs, 2);
  g_assert_cmpuint (verdict->checks->len, ==, 2);
  wall = g_ptr_array_index (verdict->checks, 0);
  ratio = g_ptr_array_index (verdict->checks, 1);
  headline = aw_verdict_headline (verdict, runs, 2);

  g_test_message ("%s\n%s\n%s\n%s\n%s\n%s", one, compare, accessible, wall->text, ratio->text, headline);
  g_assert_cmpstr (one, ==, expect ("\u201cFast\u201d took 1.00 s; its task completed"));
  g_assert_cmpstr (compare, ==, expect ("\u201cFast\u201d took 1.00 s, 1.5x faster than \u201cSlow\u201d (1.50 s)"));
  g_assert_cmpstr (card, ==, compare);
  /* A screen reader hears the point first, in the card's words. */
  g_assert_cmpstr (accessible, ==, expect ("\u201cFast\u201d took 1.00 s, 1.5x faster than \u201cSlow\u201d (1.50 s). "
                                   "\u201cFast\u201d took 1.00 s; its task completed. "
                                   "\u201cSlow\u201d took 1.50 s; its task completed"));
  g_assert_cmpstr (wall->text, ==, expect ("fast: wall time 1.00 s; expected at most 1.00 s"));
  g_assert_cmpstr (ratio->text, ==,
                   expect ("fast: wall time 1.00 s = 0.67x that of slow (1.50 s); expected at most 0.75x"));
  g_assert_cmpstr (headline, ==, expect ("\u201cFast\u201d took 1.00 s"));
}

static void
test_duration (void)
{
  assert_durations ();
  assert_side_by_side ();
  assert_speeds ();
}

static void
test_views (void)
{
  assert_views_agree ();
}

/* Under a German locale every view writes "1,00 s", "1,5x" (a reader
 * there expects the comma); a machine format, inside aw_c_locale_push(),
 * writes "1.00 s" still, and this thread gets its locale back after. */
static void
test_german (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  char buf[16];

  if (setlocale (LC_ALL, "de_DE.UTF-8") == NULL)
    {
      g_test_skip ("no de_DE.UTF-8 locale on this system (scripts/test makes one)");
      return;
    }
  g_snprintf (buf, sizeof buf, "%.1f", 1.5);
  g_assert_cmpstr (buf, ==, "1,5");

  comma = TRUE;
  assert_durations ();
  assert_side_by_side ();
  assert_speeds ();
  assert_views_agree ();

  {
    g_autoptr(AwCLocale) c_locale = aw_c_locale_push ();

    comma = FALSE;
    assert_durations ();
    assert_side_by_side ();
    assert_speeds ();
    assert_views_agree ();
  }

  /* Out of the scope, the reader's locale again. */
  comma = TRUE;
  assert_durations ();
  comma = FALSE;

  setlocale (LC_ALL, saved);
}

/* What a run recorded (in English, with a decimal point: a trace reads
 * the same everywhere) is shown in the reader's language and numbers:
 * the GLib runs' texts, the C# lab's, nested ones, and lane names; a text
 * no run writes (an exception's own message) stays as it is. */
static void
test_recorded_text (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  g_autofree char *saved_language = g_strdup (g_getenv ("LANGUAGE"));
  const char *localedir = g_getenv ("AWAITSCOPE_LOCALEDIR");
  g_autofree char *catalogue = localedir ? g_build_filename (localedir, "es", "LC_MESSAGES", "awaitscope.mo", NULL) : NULL;
  static const struct { const char *recorded; const char *shown; } texts[] = {
    { "Timed out after 500 ms", "Se agotó el tiempo tras 500 ms" },
    { "watchdog: .Result gave up after 4.00 s", "vigilante: .Result desistió tras 4,00 s" },
    { "watchdog: the UI thread was blocked for 4.00 s", "vigilante: el hilo de la interfaz estuvo bloqueado durante 4,00 s" },
    { "watchdog: the UI thread was blocked for 300 ms; 2 continuations wait in its queue",
      "vigilante: el hilo de la interfaz estuvo bloqueado durante 300 ms; 2 continuaciones esperan en su cola" },
    { "1 more error in the aggregate; the first: Timed out after 500 ms",
      "1 error más en la excepción agregada; el primero: Se agotó el tiempo tras 500 ms" },
    { "card declined", "card declined" },
    { "Timed out after 500 ms, or so", "Timed out after 500 ms, or so" },
  };
  char buf[64];

  if (catalogue == NULL || !g_file_test (catalogue, G_FILE_TEST_EXISTS) ||
      setlocale (LC_ALL, "es_ES.UTF-8") == NULL)
    {
      setlocale (LC_ALL, saved);
      g_test_skip ("no es_ES.UTF-8 locale or no built catalogue (scripts/test makes both)");
      return;
    }
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_setenv ("LANGUAGE", "es", TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *shown = aw_recorded_text_shown (texts[i].recorded);

      g_assert_cmpstr (shown, ==, texts[i].shown);
    }
  g_assert_null (aw_recorded_text_shown (NULL));
  g_assert_cmpstr (aw_recorded_lane_shown ("pool thread 2", 3, buf, sizeof buf), ==, "hilo del grupo 2");
  g_assert_cmpstr (aw_recorded_lane_shown ("worker 1", 1, buf, sizeof buf), ==, "trabajador 1");
  g_assert_cmpstr (aw_recorded_lane_shown ("my thread", 1, buf, sizeof buf), ==, "my thread");

  if (saved_language != NULL)
    g_setenv ("LANGUAGE", saved_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, saved);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/aw/format/duration", test_duration);
  g_test_add_func ("/aw/format/views-agree", test_views);
  g_test_add_func ("/aw/format/german-locale", test_german);
  g_test_add_func ("/aw/format/recorded-text", test_recorded_text);

  return g_test_run ();
}
