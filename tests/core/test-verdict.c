/* test-verdict.c: the lints on hand-made traces, the verdict's arithmetic,
 * and the parser's checks of the "expected" schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Traces are built event by event, with exact times and lanes, so every
 * threshold can be tested on both sides without running anything.
 */

#include "config.h"

#include <string.h>

#include "aw-catalog.h"
#include "aw-clock.h"
#include "aw-scenario.h"
#include "aw-summary.h"
#include "aw-trace-model.h"
#include "aw-verdict.h"

#define MS 1000000  /* ns */

static void
ev (AwTrace     *trace,
    double       ms,
    AwEventKind  kind,
    guint32      task,
    guint32      parent,
    const char  *text,
    guint16      lane)
{
  AwEvent event = {
    .time_ns = (gint64) (ms * MS),
    .task = task,
    .parent = parent,
    .str = aw_trace_intern (trace, text),
    .kind = kind,
    .lane = lane,
  };

  aw_trace_append_event (trace, &event);
}

static AwTrace *
trace_new (const char *variant)
{
  AwTrace *trace = aw_trace_new ();

  aw_trace_set_metadata (trace, "variant", variant);
  aw_trace_set_metadata (trace, "speed", "1");
  ev (trace, 0, AW_EVENT_RUN_BEGIN, 0, 0, variant, 0);
  return trace;
}

static AwTraceModel *
model_of (AwTrace *trace)
{
  return aw_trace_model_new (trace);
}

static guint
count_kind (GPtrArray     *warnings,
            AwWarningKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < warnings->len; i++)
    if (((AwWarning *) g_ptr_array_index (warnings, i))->kind == kind)
      n++;
  return n;
}

static const AwWarning *
find_kind (GPtrArray     *warnings,
           AwWarningKind  kind)
{
  for (guint i = 0; i < warnings->len; i++)
    if (((AwWarning *) g_ptr_array_index (warnings, i))->kind == kind)
      return g_ptr_array_index (warnings, i);
  return NULL;
}

static void
log_warnings (GPtrArray *warnings)
{
  for (guint i = 0; i < warnings->len; i++)
    {
      const AwWarning *w = g_ptr_array_index (warnings, i);
      g_test_message ("%s: %s", aw_warning_kind_to_string (w->kind), w->message);
    }
}

/* Error never observed ----------------------------------------------------------- */

static void
test_lint_unobserved (void)
{
  g_autoptr(AwTrace) forgot = trace_new ("forget");
  g_autoptr(AwTrace) awaited = trace_new ("await");
  g_autoptr(AwTraceModel) mf = NULL;
  g_autoptr(AwTraceModel) ma = NULL;
  g_autoptr(GPtrArray) wf = NULL;
  g_autoptr(GPtrArray) wa = NULL;
  const AwWarning *w;

  /* `_ = SaveDraftAsync();` then a toast: the save fails, nobody looks. */
  ev (forgot, 0, AW_EVENT_TASK_CREATED, 1, 0, "OnSaveClicked", 0);
  ev (forgot, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  ev (forgot, 0, AW_EVENT_TASK_SYNC, 2, 1, "_ = SaveDraftAsync()", 0);
  ev (forgot, 0, AW_EVENT_TASK_CREATED, 3, 2, "SaveDraftAsync", 0);
  ev (forgot, 0, AW_EVENT_TASK_WAITING, 3, 0, NULL, 0);
  ev (forgot, 300, AW_EVENT_TASK_FAULTED, 3, 0, "disk full", 0);
  ev (forgot, 300, AW_EVENT_ERROR_UNOBSERVED, 3, 0, "disk full", 0);
  ev (forgot, 800, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 0);
  ev (forgot, 800, AW_EVENT_RUN_END, 0, 0, "completed", 0);

  /* The same failure, awaited: its error reaches the caller. */
  ev (awaited, 0, AW_EVENT_TASK_CREATED, 1, 0, "OnSaveClicked", 0);
  ev (awaited, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  ev (awaited, 0, AW_EVENT_TASK_CREATED, 2, 1, "SaveDraftAsync", 0);
  ev (awaited, 0, AW_EVENT_TASK_WAITING, 2, 0, NULL, 0);
  ev (awaited, 300, AW_EVENT_TASK_FAULTED, 2, 0, "disk full", 0);
  ev (awaited, 300, AW_EVENT_ERROR_OBSERVED, 2, 1, NULL, 0);
  ev (awaited, 300, AW_EVENT_TASK_FAULTED, 1, 0, "disk full", 0);
  ev (awaited, 300, AW_EVENT_RUN_END, 0, 0, "faulted: disk full", 0);

  mf = model_of (forgot);
  ma = model_of (awaited);
  wf = aw_lint_run (mf);
  wa = aw_lint_run (ma);
  log_warnings (wf);

  g_assert_cmpuint (wf->len, ==, 1);
  w = g_ptr_array_index (wf, 0);
  g_assert_cmpint (w->kind, ==, AW_WARNING_ERROR_UNOBSERVED);
  g_assert_cmpstr (aw_warning_kind_to_string (w->kind), ==, "error-unobserved");
  g_assert_cmpuint (w->task, ==, 3);
  g_assert_cmpstr (w->task_name, ==, "SaveDraftAsync");
  g_assert_cmpfloat_with_epsilon (w->ms, 300, 0.01);
  g_assert_nonnull (strstr (w->message, "disk full"));
  g_assert_nonnull (strstr (w->message, "nothing awaited"));

  g_assert_cmpuint (wa->len, ==, 0);
}

/* An error left in a WhenAll aggregate, and one from a WhenAny loser, say why. */
static void
test_lint_unobserved_groups (void)
{
  g_autoptr(AwTrace) all = trace_new ("await");
  g_autoptr(AwTrace) any = trace_new ("any");
  g_autoptr(AwTraceModel) m_all = NULL;
  g_autoptr(AwTraceModel) m_any = NULL;
  g_autoptr(GPtrArray) w_all = NULL;
  g_autoptr(GPtrArray) w_any = NULL;

  ev (all, 0, AW_EVENT_TASK_CREATED, 1, 0, "await Task.WhenAll(...)", 0);
  ev (all, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  ev (all, 0, AW_EVENT_TASK_CREATED, 2, 1, "ChargeCardAsync", 0);
  ev (all, 0, AW_EVENT_TASK_CREATED, 3, 1, "ReserveStockAsync", 0);
  ev (all, 0, AW_EVENT_TASK_WAITING, 2, 0, NULL, 0);
  ev (all, 0, AW_EVENT_TASK_WAITING, 3, 0, NULL, 0);
  ev (all, 300, AW_EVENT_TASK_FAULTED, 2, 0, "card declined", 0);
  ev (all, 300, AW_EVENT_ERROR_OBSERVED, 2, 1, NULL, 0);
  ev (all, 500, AW_EVENT_TASK_FAULTED, 3, 0, "out of stock", 0);
  ev (all, 500, AW_EVENT_ERROR_UNOBSERVED, 3, 1, "out of stock", 0);
  ev (all, 500, AW_EVENT_TASK_FAULTED, 1, 0, "card declined", 0);
  ev (all, 500, AW_EVENT_RUN_END, 0, 0, "faulted: card declined", 0);

  ev (any, 0, AW_EVENT_TASK_CREATED, 1, 0, "Task.WhenAny", 0);
  ev (any, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  ev (any, 0, AW_EVENT_TASK_CREATED, 2, 1, "fast", 0);
  ev (any, 0, AW_EVENT_TASK_CREATED, 3, 1, "failing loser", 0);
  ev (any, 0, AW_EVENT_TASK_WAITING, 2, 0, NULL, 0);
  ev (any, 0, AW_EVENT_TASK_WAITING, 3, 0, NULL, 0);
  ev (any, 100, AW_EVENT_TASK_COMPLETED, 2, 0, NULL, 0);
  ev (any, 100, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 0);
  ev (any, 100, AW_EVENT_RUN_END, 0, 0, "completed", 0);
  ev (any, 200, AW_EVENT_TASK_FAULTED, 3, 0, "mirror down", 0);
  ev (any, 200, AW_EVENT_ERROR_UNOBSERVED, 3, 1, "mirror down", 0);

  m_all = model_of (all);
  m_any = model_of (any);
  w_all = aw_lint_run (m_all);
  w_any = aw_lint_run (m_any);
  log_warnings (w_all);
  log_warnings (w_any);

  g_assert_cmpuint (count_kind (w_all, AW_WARNING_ERROR_UNOBSERVED), ==, 1);
  g_assert_cmpstr (find_kind (w_all, AW_WARNING_ERROR_UNOBSERVED)->task_name, ==, "ReserveStockAsync");
  g_assert_nonnull (strstr (find_kind (w_all, AW_WARNING_ERROR_UNOBSERVED)->message, "InnerExceptions"));

  g_assert_cmpuint (count_kind (w_any, AW_WARNING_ERROR_UNOBSERVED), ==, 1);
  g_assert_nonnull (strstr (find_kind (w_any, AW_WARNING_ERROR_UNOBSERVED)->message, "already finished"));

  /* Today's runs tell an error that an awaited WhenAll did not rethrow
   * apart: swallowed, not unobserved, with the one rethrown named. */
  {
    g_autoptr(AwTrace) now = aw_trace_new ();
    g_autoptr(AwTraceModel) m_now = NULL;
    g_autoptr(GPtrArray) w_now = NULL;

    ev (now, 0, AW_EVENT_RUN_BEGIN, 0, 0, "await", 0);
    ev (now, 0, AW_EVENT_TASK_CREATED, 1, 0, "await Task.WhenAll(...)", 0);
    ev (now, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
    ev (now, 0, AW_EVENT_TASK_CREATED, 2, 1, "ChargeCardAsync", 0);
    ev (now, 0, AW_EVENT_TASK_CREATED, 3, 1, "ReserveStockAsync", 0);
    ev (now, 0, AW_EVENT_TASK_WAITING, 2, 0, NULL, 0);
    ev (now, 0, AW_EVENT_TASK_WAITING, 3, 0, NULL, 0);
    ev (now, 300, AW_EVENT_TASK_FAULTED, 2, 0, "card declined", 0);
    ev (now, 500, AW_EVENT_TASK_FAULTED, 3, 0, "out of stock", 0);
    ev (now, 500, AW_EVENT_ERROR_SWALLOWED, 3, 1, "out of stock", 0);
    ev (now, 500, AW_EVENT_ERROR_OBSERVED, 2, 1, NULL, 0);
    ev (now, 500, AW_EVENT_TASK_FAULTED, 1, 0, "card declined", 0);
    ev (now, 500, AW_EVENT_RUN_END, 0, 0, "faulted: card declined", 0);
    m_now = model_of (now);
    w_now = aw_lint_run (m_now);
    log_warnings (w_now);

    g_assert_cmpuint (aw_trace_model_get_metrics (m_now)->errors_swallowed, ==, 1);
    g_assert_cmpuint (aw_trace_model_get_metrics (m_now)->errors_unobserved, ==, 0);
    g_assert_cmpuint (count_kind (w_now, AW_WARNING_ERROR_UNOBSERVED), ==, 0);
    g_assert_cmpuint (count_kind (w_now, AW_WARNING_ERROR_SWALLOWED), ==, 1);
    g_assert_nonnull (strstr (find_kind (w_now, AW_WARNING_ERROR_SWALLOWED)->message, "card declined"));
    g_assert_nonnull (strstr (find_kind (w_now, AW_WARNING_ERROR_SWALLOWED)->message, "out of stock"));
    g_assert_nonnull (strstr (find_kind (w_now, AW_WARNING_ERROR_SWALLOWED)->message, "InnerExceptions"));
  }
}

/* Main loop blocked ---------------------------------------------------------------- */

static AwTrace *
heartbeat_trace (double gap_start,
                 double gap_ms,
                 gboolean with_block)
{
  AwTrace *trace = trace_new ("hb");
  double end = gap_start + gap_ms + 100;

  aw_trace_set_metadata (trace, "heartbeat_ms", "10");
  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "OnRefreshClicked", 0);
  ev (trace, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  for (double t = 0; t <= gap_start; t += 10)
    ev (trace, t, AW_EVENT_FRAME, 0, 0, NULL, 0);
  if (with_block)
    {
      ev (trace, gap_start, AW_EVENT_TASK_CALL, 2, 1, "Thread.Sleep(1000)", 0);
      ev (trace, gap_start, AW_EVENT_TASK_RUNNING, 2, 0, NULL, 0);
      ev (trace, gap_start, AW_EVENT_UI_BLOCK_BEGIN, 2, 0, NULL, 0);
      ev (trace, gap_start + gap_ms, AW_EVENT_UI_BLOCK_END, 2, 0, NULL, 0);
      ev (trace, gap_start + gap_ms, AW_EVENT_TASK_COMPLETED, 2, 0, NULL, 0);
    }
  for (double t = gap_start + gap_ms; t <= end; t += 10)
    ev (trace, t, AW_EVENT_FRAME, 0, 0, NULL, 0);
  ev (trace, end, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 0);
  ev (trace, end, AW_EVENT_RUN_END, 0, 0, "completed", 0);

  return trace;
}

static void
test_lint_blocked (void)
{
  g_autoptr(AwTrace) blocked = heartbeat_trace (100, 1000, TRUE);
  g_autoptr(AwTrace) fine = heartbeat_trace (100, 100, FALSE);
  g_autoptr(AwTrace) over = heartbeat_trace (100, 101, FALSE);
  g_autoptr(AwTraceModel) mb = model_of (blocked);
  g_autoptr(AwTraceModel) mf = model_of (fine);
  g_autoptr(AwTraceModel) mo = model_of (over);
  g_autoptr(GPtrArray) wb = aw_lint_run (mb);
  g_autoptr(GPtrArray) wf = aw_lint_run (mf);
  g_autoptr(GPtrArray) wo = aw_lint_run (mo);
  const AwWarning *w;

  log_warnings (wb);
  g_assert_cmpuint (wb->len, ==, 1);
  w = find_kind (wb, AW_WARNING_MAIN_LOOP_BLOCKED);
  g_assert_nonnull (w);
  g_assert_cmpfloat_with_epsilon (w->ms, 1000, 0.01);
  g_assert_cmpstr (w->task_name, ==, "Thread.Sleep(1000)");
  g_assert_nonnull (strstr (w->message, "1.00 s"));
  /* Frames of a 60 Hz display, not heartbeats of 10 ms: the window, whose
   * heartbeat is its frame clock, counts the same second alike. */
  g_assert_nonnull (strstr (w->message, "59 frames missed"));

  /* The threshold: 100 ms is tolerated, anything longer is not. */
  g_assert_cmpuint (wf->len, ==, 0);
  g_assert_cmpuint (count_kind (wo, AW_WARNING_MAIN_LOOP_BLOCKED), ==, 1);
  g_assert_null (find_kind (wo, AW_WARNING_MAIN_LOOP_BLOCKED)->task_name);

  /* The handler ran no code of its own, yet it held the main thread: its
   * call to Thread.Sleep blocked it. Without the call it only awaited. */
  {
    g_autofree char *held = aw_summary_task_thread (mb, aw_trace_model_find_task (mb, 1));
    g_autofree char *sleeper = aw_summary_task_thread (mb, aw_trace_model_find_task (mb, 2));
    g_autofree char *free_ = aw_summary_task_thread (mf, aw_trace_model_find_task (mf, 1));

    g_assert_cmpstr (held, ==, "UI thread (blocked in Thread.Sleep(1000))");
    g_assert_cmpstr (sleeper, ==, "UI thread");
    g_assert_cmpstr (free_, ==, "none: it awaited without holding a thread");
  }
}

/* Cancellation ignored, work wasted ------------------------------------------------- */

/* One worker task of 2 s; Cancel at 500 ms; the worker stops at @stop_ms
 * (cancelled), or runs to its end when @stop_ms < 0. */
static AwTrace *
cpu_trace (double stop_ms)
{
  AwTrace *trace = trace_new ("cpu");
  double end = stop_ms >= 0 ? stop_ms : 2000;

  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "CompressFiles", 0);
  ev (trace, 0, AW_EVENT_TASK_QUEUED, 1, 0, NULL, 0);
  ev (trace, 1, AW_EVENT_TASK_RUNNING, 1, 0, NULL, 1);
  ev (trace, 500, AW_EVENT_CANCEL_REQUEST, 0, 0, "Cancel pressed after 500 ms", 0);
  if (stop_ms >= 0)
    {
      ev (trace, end, AW_EVENT_CANCEL_OBSERVED, 1, 0, NULL, 1);
      ev (trace, end, AW_EVENT_TASK_CANCELLED, 1, 0, NULL, 1);
      ev (trace, end, AW_EVENT_RUN_END, 0, 0, "cancelled: The worker saw the cancellation", 0);
    }
  else
    {
      ev (trace, end, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 1);
      ev (trace, end, AW_EVENT_RUN_END, 0, 0, "completed", 0);
    }
  return trace;
}

static void
test_lint_cancel_ignored (void)
{
  g_autoptr(AwTrace) often = cpu_trace (530);
  g_autoptr(AwTrace) rarely = cpu_trace (800);
  g_autoptr(AwTrace) never = cpu_trace (-1);
  g_autoptr(AwTraceModel) m_often = model_of (often);
  g_autoptr(AwTraceModel) m_rarely = model_of (rarely);
  g_autoptr(AwTraceModel) m_never = model_of (never);
  g_autoptr(GPtrArray) w_often = aw_lint_run (m_often);
  g_autoptr(GPtrArray) w_rarely = aw_lint_run (m_rarely);
  g_autoptr(GPtrArray) w_never = aw_lint_run (m_never);
  const AwWarning *w;

  log_warnings (w_rarely);
  log_warnings (w_never);

  /* 30 ms after the cancel is within the 50 ms allowed. */
  g_assert_cmpuint (w_often->len, ==, 0);

  w = find_kind (w_rarely, AW_WARNING_CANCEL_IGNORED);
  g_assert_nonnull (w);
  g_assert_cmpfloat_with_epsilon (w->ms, 300, 0.01);
  g_assert_nonnull (strstr (w->message, "too rarely"));

  w = find_kind (w_never, AW_WARNING_CANCEL_IGNORED);
  g_assert_nonnull (w);
  g_assert_cmpstr (w->task_name, ==, "CompressFiles");
  g_assert_cmpfloat_with_epsilon (w->ms, 1500, 0.01);
  g_assert_nonnull (strstr (w->message, "never checks"));

  /* The same time is not reported twice, but the figure counts it. */
  g_assert_cmpuint (count_kind (w_never, AW_WARNING_WORK_WASTED), ==, 0);
  g_assert_cmpfloat_with_epsilon (aw_lint_abandoned_work_ms (m_never, NULL), 1500, 0.01);
}

static void
test_lint_work_wasted (void)
{
  g_autoptr(AwTrace) trace = trace_new ("race");
  g_autoptr(AwTraceModel) model = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  const AwWarning *w;
  guint32 worst = 0;

  /* WhenAny(work, delay): the delay wins at 1 s, nobody cancels the work. */
  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "Task.WhenAny(work, delay)", 0);
  ev (trace, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 2, 1, "BuildReport (worker)", 0);
  ev (trace, 0, AW_EVENT_TASK_QUEUED, 2, 0, NULL, 0);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 3, 1, "Task.Delay(1000)", 0);
  ev (trace, 0, AW_EVENT_TASK_WAITING, 3, 0, NULL, 0);
  ev (trace, 1, AW_EVENT_TASK_RUNNING, 2, 0, NULL, 1);
  ev (trace, 1000, AW_EVENT_TASK_COMPLETED, 3, 0, NULL, 0);
  ev (trace, 1000, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 0);
  ev (trace, 1000, AW_EVENT_RUN_END, 0, 0, "completed", 0);
  ev (trace, 2000, AW_EVENT_TASK_COMPLETED, 2, 0, NULL, 1);

  model = model_of (trace);
  warnings = aw_lint_run (model);
  log_warnings (warnings);

  g_assert_cmpuint (warnings->len, ==, 1);
  w = find_kind (warnings, AW_WARNING_WORK_WASTED);
  g_assert_nonnull (w);
  g_assert_cmpuint (w->task, ==, 2);
  g_assert_cmpfloat_with_epsilon (w->ms, 1000, 0.01);
  g_assert_cmpfloat_with_epsilon (aw_lint_abandoned_work_ms (model, &worst), 1000, 0.01);
  g_assert_cmpuint (worst, ==, 2);
  /* Nothing was cancelled: the metric that counts work after a cancel is 0. */
  g_assert_cmpfloat (aw_trace_model_get_metrics (model)->wasted_ms, ==, 0);
}

/* Completed synchronously --------------------------------------------------------------- */

static void
test_lint_completed_sync (void)
{
  g_autoptr(AwTrace) gtasks = trace_new ("task");
  g_autoptr(AwTrace) values = trace_new ("valuetask");
  g_autoptr(AwTraceModel) mg = NULL;
  g_autoptr(AwTraceModel) mv = NULL;
  g_autoptr(GPtrArray) wg = NULL;
  g_autoptr(GPtrArray) wv = NULL;
  const AwWarning *w;

  ev (gtasks, 0, AW_EVENT_TASK_CREATED, 1, 0, "repeat", 0);
  ev (gtasks, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  ev (values, 0, AW_EVENT_TASK_CREATED, 1, 0, "repeat", 0);
  ev (values, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  for (guint i = 0; i < 3; i++)
    {
      /* A Task<T> cache hit: a GTask, complete as soon as it exists. */
      ev (gtasks, i, AW_EVENT_TASK_CREATED, 2 + i, 1, "GetPriceAsync", 0);
      ev (gtasks, i, AW_EVENT_TASK_COMPLETED, 2 + i, 0, NULL, 0);
      /* A ValueTask hit: no GTask at all. */
      ev (values, i, AW_EVENT_TASK_SYNC, 2 + i, 1, "GetPriceFastAsync", 0);
    }
  ev (gtasks, 3, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 0);
  ev (gtasks, 3, AW_EVENT_RUN_END, 0, 0, "completed", 0);
  ev (values, 3, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 0);
  ev (values, 3, AW_EVENT_RUN_END, 0, 0, "completed", 0);

  mg = model_of (gtasks);
  mv = model_of (values);
  wg = aw_lint_run (mg);
  wv = aw_lint_run (mv);
  log_warnings (wg);

  g_assert_cmpuint (wg->len, ==, 1);
  w = g_ptr_array_index (wg, 0);
  g_assert_cmpint (w->kind, ==, AW_WARNING_COMPLETED_SYNC);
  g_assert_cmpuint (w->count, ==, 3);
  g_assert_cmpstr (w->task_name, ==, "GetPriceAsync");
  g_assert_cmpfloat (w->ms, <, 0);
  g_assert_nonnull (strstr (w->message, "3 tasks"));
  /* The C# fact first, then what GLib adds: awaiting a completed Task
   * continues synchronously in C# (checked on Mono by the csharp suite). */
  g_assert_nonnull (strstr (w->message, "In C# awaiting a completed Task continues synchronously"));
  g_assert_nonnull (strstr (w->message, "In GLib"));

  g_assert_cmpuint (wv->len, ==, 0);
}

/* The verdict ----------------------------------------------------------------------------- */

static const char *verdict_scenario =
  "{ \"id\": \"t\", \"title\": \"t\", \"part\": 2, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
  "  \"expected\": { \"text\": \"fast is at most half of slow\",\n"
  "    \"checks\": [\n"
  "      { \"metric\": \"wall_ms\", \"variant\": \"fast\", \"at_most_ratio\": 0.5, \"of\": \"slow\" },\n"
  "      { \"metric\": \"wall_ms\", \"variant\": \"fast\", \"at_most\": 1100 },\n"
  "      { \"metric\": \"errors_unobserved\", \"variant\": \"slow\", \"at_least\": 1 },\n"
  "      { \"metric\": \"outcome\", \"variant\": \"fast\", \"is\": \"completed\" } ] },\n"
  "  \"variants\": [\n"
  "    { \"name\": \"slow\", \"title\": \"Slow\", \"program\": { \"type\": \"delay\", \"ms\": 10 } },\n"
  "    { \"name\": \"fast\", \"title\": \"Fast\", \"program\": { \"type\": \"delay\", \"ms\": 10 } } ] }";

/* A run of @wall_ms real milliseconds at @speed, with @unobserved lost errors. */
static AwTraceModel *
timed_run (const char *variant,
           double      wall_ms,
           const char *speed,
           guint       unobserved)
{
  g_autoptr(AwTrace) trace = trace_new (variant);

  aw_trace_set_metadata (trace, "speed", speed);
  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "root", 0);
  ev (trace, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  for (guint i = 0; i < unobserved; i++)
    {
      ev (trace, 0, AW_EVENT_TASK_SYNC, 10 + i, 1, "forget", 0);
      ev (trace, 0, AW_EVENT_TASK_CREATED, 20 + i, 10 + i, "lost", 0);
      ev (trace, 1, AW_EVENT_TASK_FAULTED, 20 + i, 0, "boom", 0);
      ev (trace, 1, AW_EVENT_ERROR_UNOBSERVED, 20 + i, 0, "boom", 0);
    }
  ev (trace, wall_ms, AW_EVENT_TASK_COMPLETED, 1, 0, NULL, 0);
  ev (trace, wall_ms, AW_EVENT_RUN_END, 0, 0, "completed", 0);

  return aw_trace_model_new (trace);
}

static AwCheck *
check_at (AwVerdict *verdict,
          guint      i)
{
  g_assert_cmpuint (i, <, verdict->checks->len);
  return g_ptr_array_index (verdict->checks, i);
}

static void
test_verdict_checks (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_scenario_new_from_data (verdict_scenario, -1, "verdict.json", &error);
  g_autoptr(AwTraceModel) slow = NULL;
  g_autoptr(AwTraceModel) fast = NULL;
  g_autoptr(AwTraceModel) too_slow = NULL;
  g_autoptr(AwVerdict) met = NULL;
  g_autoptr(AwVerdict) failed = NULL;
  g_autoptr(AwVerdict) partial = NULL;
  g_autofree char *text = NULL;
  AwNamedRun runs[2];

  g_assert_no_error (error);

  /* At speed 2, 250 real ms are 500 scenario ms. */
  slow = timed_run ("slow", 1200, "2", 1);
  fast = timed_run ("fast", 250, "2", 0);
  runs[0] = (AwNamedRun) { "slow", "Slow", slow };
  runs[1] = (AwNamedRun) { "fast", "Fast", fast };
  met = aw_verdict_check (s, runs, 2);
  for (guint i = 0; i < met->checks->len; i++)
    g_test_message ("%s", check_at (met, i)->text);
  g_assert_true (met->met);
  g_assert_cmpuint (met->n_met, ==, 4);
  g_assert_cmpfloat_with_epsilon (check_at (met, 0)->value, 500, 0.01);
  g_assert_cmpfloat_with_epsilon (check_at (met, 0)->other, 2400, 0.01);
  g_assert_cmpfloat_with_epsilon (check_at (met, 0)->ratio, 500.0 / 2400, 1e-6);
  g_assert_cmpint (check_at (met, 3)->status, ==, AW_CHECK_MET);
  g_assert_cmpstr (check_at (met, 3)->outcome, ==, "completed");
  text = aw_verdict_to_string (met);
  g_assert_cmpstr (text, ==, "Expected outcome met (4 of 4 checks)");
  g_clear_pointer (&text, g_free);
  text = aw_verdict_headline (met, runs, 2);
  g_assert_cmpstr (text, ==, "\u201cFast\u201d took 500 ms, 0.21x as long as \u201cSlow\u201d (2.40 s)");
  g_clear_pointer (&text, g_free);

  /* 700 real ms at speed 2 is 1400 scenario ms: both time checks fail. */
  too_slow = timed_run ("fast", 700, "2", 0);
  runs[1].model = too_slow;
  failed = aw_verdict_check (s, runs, 2);
  g_assert_false (failed->met);
  g_assert_cmpuint (failed->n_not_met, ==, 2);
  g_assert_cmpint (check_at (failed, 0)->status, ==, AW_CHECK_NOT_MET);
  g_assert_cmpint (check_at (failed, 1)->status, ==, AW_CHECK_NOT_MET);
  g_assert_cmpint (check_at (failed, 2)->status, ==, AW_CHECK_MET);
  text = aw_verdict_to_string (failed);
  g_assert_nonnull (strstr (text, "NOT met"));
  g_clear_pointer (&text, g_free);

  /* Only "fast" was run: checks needing "slow" are not checked, not failed. */
  runs[0] = (AwNamedRun) { "fast", "Fast", fast };
  partial = aw_verdict_check (s, runs, 1);
  g_assert_cmpuint (partial->n_met, ==, 2);
  g_assert_cmpuint (partial->n_not_met, ==, 0);
  g_assert_cmpuint (partial->n_not_checked, ==, 2);
  g_assert_cmpint (check_at (partial, 0)->status, ==, AW_CHECK_NOT_CHECKED);
  g_assert_nonnull (strstr (check_at (partial, 0)->text, "slow was not run"));
}

/* The first check is the main claim: while it is not checked the verdict is
 * never "met", and it says what was not run. */
static void
test_verdict_unchecked_headline (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_scenario_new_from_data (verdict_scenario, -1, "verdict.json", &error);
  g_autoptr(AwTraceModel) fast = timed_run ("fast", 500, "1", 0);
  g_autoptr(AwTraceModel) slow = timed_run ("slow", 1200, "1", 1);
  g_autoptr(AwVerdict) fast_only = NULL;
  g_autoptr(AwVerdict) slow_only = NULL;
  g_autofree char *text = NULL;
  AwNamedRun run;

  g_assert_no_error (error);

  /* "fast" alone: two checks hold, but not the comparison the lesson is about. */
  run = (AwNamedRun) { "fast", "Fast", fast };
  fast_only = aw_verdict_check (s, &run, 1);
  g_assert_true (fast_only->headline == check_at (fast_only, 0));
  g_assert_cmpint (fast_only->headline->status, ==, AW_CHECK_NOT_CHECKED);
  g_assert_cmpuint (fast_only->n_met, ==, 2);
  g_assert_false (fast_only->met);
  text = aw_verdict_to_string (fast_only);
  g_test_message ("%s", text);
  g_assert_null (strstr (text, "met ("));
  g_assert_cmpstr (text, ==, "Main claim not checked: \u201cSlow\u201d was not run; the 2 checks that ran held");
  g_clear_pointer (&text, g_free);
  g_assert_cmpstr (fast_only->headline->missing, ==, "\u201cSlow\u201d");
  g_assert_cmpstr (fast_only->headline->claim, ==,
                   "\u201cFast\u201d: wall time at most 0.50x that of \u201cSlow\u201d");

  /* "slow" alone: the main claim needs "fast", which was not run. */
  run = (AwNamedRun) { "slow", "Slow", slow };
  slow_only = aw_verdict_check (s, &run, 1);
  g_assert_false (slow_only->met);
  text = aw_verdict_to_string (slow_only);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Main claim not checked: \u201cFast\u201d was not run"));
}

/* A run the user cancelled is said to be so first, and not judged. */
static AwTraceModel *
stopped_run (const char *variant,
             double      cancel_ms)
{
  g_autoptr(AwTrace) trace = trace_new (variant);

  ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "root", 0);
  ev (trace, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
  ev (trace, cancel_ms, AW_EVENT_CANCEL_REQUEST, 0, 0, "Cancelled by you", 0);
  ev (trace, cancel_ms + 1, AW_EVENT_TASK_CANCELLED, 1, 0, "cancelled", 0);
  ev (trace, cancel_ms + 1, AW_EVENT_RUN_END, 0, 0, "cancelled: Cancelled by you", 0);
  aw_trace_set_metadata (trace, AW_META_STOPPED_BY_USER, "true");

  return aw_trace_model_new (trace);
}

static void
test_verdict_stopped_by_user (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_scenario_new_from_data (verdict_scenario, -1, "verdict.json", &error);
  g_autoptr(AwTraceModel) slow = timed_run ("slow", 2400, "1", 0);
  g_autoptr(AwTraceModel) stopped = stopped_run ("fast", 600);
  g_autoptr(AwVerdict) alone = NULL;
  g_autoptr(AwVerdict) second = NULL;
  g_autofree char *text = NULL;
  g_autofree char *compare = NULL;
  double at;
  AwNamedRun runs[2];

  g_assert_no_error (error);
  g_assert_true (aw_trace_model_get_stopped_by_user (stopped, &at));
  g_assert_cmpfloat_with_epsilon (at, 600, 0.01);
  g_assert_false (aw_trace_model_get_stopped_by_user (slow, NULL));

  /* Cancelled at 600 ms, alone: nothing is judged. Its outcome
   * (cancelled, 0.25x of nothing) would otherwise fail two checks. */
  runs[0] = (AwNamedRun) { "fast", "Fast", stopped };
  alone = aw_verdict_check (s, runs, 1);
  g_assert_true (alone->stopped_by_user);
  g_assert_false (alone->met);
  g_assert_cmpuint (alone->n_not_met, ==, 0);
  for (guint i = 0; i < alone->checks->len; i++)
    g_assert_cmpint (check_at (alone, i)->status, ==, AW_CHECK_NOT_CHECKED);
  g_assert_true (check_at (alone, 1)->stopped);
  text = aw_verdict_to_string (alone);
  g_test_message ("%s", text);
  g_assert_cmpstr (text, ==, "Cancelled by you at 600 ms: the rest was not run, so the expected outcome "
                             "was not checked");
  g_clear_pointer (&text, g_free);
  text = aw_verdict_explain (alone);
  g_assert_null (strstr (text, "NOT met"));
  g_assert_null (strstr (text, "Not met"));
  g_clear_pointer (&text, g_free);

  /* The second of two runs: said with the run it was in; the first one's
   * checks still count, and a failure among them is told. */
  runs[0] = (AwNamedRun) { "slow", "Slow", slow };
  runs[1] = (AwNamedRun) { "fast", "Fast", stopped };
  second = aw_verdict_check (s, runs, 2);
  g_assert_false (second->met);
  text = aw_verdict_to_string (second);
  g_test_message ("%s", text);
  g_assert_cmpstr (text, ==, "Cancelled by you 600 ms into \u201cFast\u201d: the rest was not run, so the "
                             "expected outcome was not checked; before that, 1 check failed");
  g_assert_cmpint (check_at (second, 2)->status, ==, AW_CHECK_NOT_MET);   /* slow left no error unobserved */

  /* The comparison line says who cancelled it. */
  compare = aw_summary_compare_text (runs, 2);
  g_test_message ("%s", compare);
  g_assert_nonnull (strstr (compare, "\u201cFast\u201d was cancelled by you after 601 ms"));
}

/* A check that failed says which one and by how much, by the variants' titles. */
static void
test_verdict_failure_detail (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_scenario_new_from_data (verdict_scenario, -1, "verdict.json", &error);
  g_autoptr(AwTraceModel) slow = timed_run ("slow", 1200, "2", 1);
  g_autoptr(AwTraceModel) fast = timed_run ("fast", 700, "2", 0);
  g_autoptr(AwVerdict) verdict = NULL;
  g_autofree char *text = NULL;
  AwNamedRun runs[2] = { { "slow", "Slow", slow }, { "fast", "Fast", fast } };

  g_assert_no_error (error);
  verdict = aw_verdict_check (s, runs, 2);
  text = aw_verdict_explain (verdict);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Expected outcome NOT met (2 of 4 checks failed)\n"));
  /* 700 ms at speed 2 is 1.40 s: 300 ms over 1.10 s; 1.40 / 2.40 = 0.58x, 0.08x over 0.50x. */
  g_assert_nonnull (strstr (text, "\nNot met: \u201cFast\u201d: wall time 1.40 s, 0.58x that of \u201cSlow\u201d "
                                  "(2.40 s); expected at most 0.50x: 0.08x over"));
  g_assert_nonnull (strstr (text, "\nNot met: \u201cFast\u201d: wall time 1.40 s; expected at most 1.10 s: "
                                  "300 ms over"));
  /* The checks that held are not listed. */
  g_assert_null (strstr (text, "errors never observed"));
  /* Times in checks are at speed 1: said once, at speed 2. */
  g_assert_nonnull (strstr (text, "\n(Checks compare times at speed 1x: measured at 2x, multiplied by 2.)"));

  /* An outcome that differs says what it was. */
  {
    g_autoptr(AwTraceModel) cancelled = NULL;
    g_autoptr(AwTrace) trace = trace_new ("fast");
    g_autoptr(AwVerdict) other = NULL;
    g_autofree char *explained = NULL;

    aw_trace_set_metadata (trace, "speed", "2");
    ev (trace, 0, AW_EVENT_TASK_CREATED, 1, 0, "root", 0);
    ev (trace, 0, AW_EVENT_TASK_WAITING, 1, 0, NULL, 0);
    ev (trace, 200, AW_EVENT_TASK_CANCELLED, 1, 0, "cancelled", 0);
    ev (trace, 200, AW_EVENT_RUN_END, 0, 0, "cancelled: Timed out", 0);
    cancelled = aw_trace_model_new (trace);
    runs[1].model = cancelled;
    other = aw_verdict_check (s, runs, 2);
    explained = aw_verdict_explain (other);
    g_test_message ("%s", explained);
    g_assert_nonnull (strstr (explained, "Not met: \u201cFast\u201d: outcome cancelled; expected completed"));
  }
}

/* A check the virtual clock cannot answer (real_only) is not checked on a
 * simulated run, and checked on a real one. */
static void
test_verdict_real_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_scenario_new_from_data (
    "{ \"id\": \"t\", \"title\": \"t\", \"part\": 2, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
    "  \"expected\": { \"text\": \"t\", \"checks\": [\n"
    "      { \"metric\": \"wall_ms\", \"variant\": \"slow\", \"at_least_ratio\": 3, \"of\": \"fast\", \"real_only\": true },\n"
    "      { \"metric\": \"outcome\", \"variant\": \"fast\", \"is\": \"completed\" } ] },\n"
    "  \"variants\": [\n"
    "    { \"name\": \"slow\", \"title\": \"Slow\", \"program\": { \"type\": \"delay\", \"ms\": 10 } },\n"
    "    { \"name\": \"fast\", \"title\": \"Fast\", \"program\": { \"type\": \"delay\", \"ms\": 10 } } ] }",
    -1, "real-only.json", &error);
  g_autoptr(AwTraceModel) slow = timed_run ("slow", 100, "1", 0);
  g_autoptr(AwTraceModel) fast = timed_run ("fast", 10, "1", 0);
  g_autoptr(AwVerdict) real = NULL;
  g_autoptr(AwVerdict) simulated = NULL;
  g_autofree char *text = NULL;
  AwNamedRun runs[2] = { { "slow", "Slow", slow }, { "fast", "Fast", fast } };

  g_assert_no_error (error);
  real = aw_verdict_check (s, runs, 2);
  g_assert_cmpuint (real->n_met, ==, 2);

  aw_trace_set_metadata (aw_trace_model_get_trace (slow), "clock", "virtual");
  simulated = aw_verdict_check (s, runs, 2);
  g_assert_cmpuint (simulated->n_met, ==, 1);
  g_assert_cmpint (check_at (simulated, 0)->status, ==, AW_CHECK_NOT_CHECKED);
  g_assert_nonnull (strstr (check_at (simulated, 0)->text, "measured only on a real run"));
  text = aw_verdict_to_string (simulated);
  /* It is the main claim: not "met" without it. */
  g_assert_false (simulated->met);
  g_assert_cmpstr (text, ==, "Main claim not checked: it is measured only on a real run; the 1 check that ran held");
}

static void
test_verdict_no_figure (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_scenario_new_from_data (
    "{ \"id\": \"t\", \"title\": \"t\", \"part\": 3, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
    "  \"expected\": { \"text\": \"x\", \"checks\": [\n"
    "    { \"metric\": \"cancel_latency_ms\", \"variant\": \"v\", \"at_most\": 50 } ] },\n"
    "  \"variants\": [ { \"name\": \"v\", \"title\": \"V\", \"program\": { \"type\": \"delay\", \"ms\": 1 } } ] }",
    -1, "latency.json", &error);
  g_autoptr(AwTraceModel) run = timed_run ("v", 10, "1", 0);
  g_autoptr(AwVerdict) verdict = NULL;
  AwNamedRun rv = { "v", "V", run };

  g_assert_no_error (error);
  /* Nothing was cancelled, so there is no latency to hold within 50 ms. */
  verdict = aw_verdict_check (s, &rv, 1);
  g_assert_false (verdict->met);
  g_assert_cmpint (check_at (verdict, 0)->status, ==, AW_CHECK_NOT_MET);
}

/* A headline reads as a sentence: each variant named by its title in
 * quotes, so that a title holding figures ("Answer in 0.5 s") never runs
 * into a measured one ("Answer in 0.5 s 700 ms"), and a verb says what
 * each run did. */
static void
assert_sentence (const char       *text,
                 const AwNamedRun *runs,
                 guint             n_runs)
{
  g_autoptr(GRegex) quoted = g_regex_new ("\u201c[^\u201d]*\u201d", 0, 0, NULL);
  g_autoptr(GRegex) glued = g_regex_new ("(\\d|\\b(ms|s|x))\\s+\\d", 0, 0, NULL);
  g_autoptr(GRegex) verb = g_regex_new ("\\b(took|was|failed|crashed|completed|caught|froze|deadlocked|allocated|"
                                        "ran|left|swallowed|used|stopped|observed|blocked|set off|did not|requested|had|missed)\\b", 0, 0, NULL);
  g_autofree char *bare = g_regex_replace_literal (quoted, text, -1, 0, "\u201cT\u201d", 0, NULL);
  guint named = 0;

  g_test_message ("  %s", text);
  g_assert_false (g_regex_match (glued, bare, 0, NULL));
  g_assert_true (g_regex_match (verb, bare, 0, NULL));
  for (guint i = 0; i < n_runs; i++)
    {
      g_autofree char *in_quotes = g_strdup_printf ("\u201c%s\u201d", runs[i].title);

      /* Every mention of a title is a quoted one. */
      g_assert_null (strstr (bare, runs[i].title));
      if (strstr (text, in_quotes) != NULL)
        named++;
    }
  g_assert_cmpuint (named, >=, 1);
}

static gboolean
run_completed (AwTraceModel *model)
{
  const char *outcome = aw_trace_model_get_metrics (model)->outcome;

  return outcome == NULL || g_str_has_prefix (outcome, AW_RUN_COMPLETED);
}

/* Every bundled scenario's comparison line (`awaitscope run`, the window's
 * chart) and picture headline (`awaitscope render`), on simulated runs. */
static void
test_headline_sentences (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = aw_catalog_load_all (&error);

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >=, 20);
  for (guint i = 0; i < all->len; i++)
    {
      AwScenario *scenario = g_ptr_array_index (all, i);
      guint n = aw_scenario_get_n_variants (scenario);
      g_autofree AwNamedRun *runs = g_new0 (AwNamedRun, n);
      g_autoptr(AwVerdict) verdict = NULL;
      g_autofree char *compare = NULL;
      g_autofree char *headline = NULL;
      gboolean any_completed = FALSE;
      AwRunOptions options;

      aw_run_options_init (&options);
      options.heartbeat_ms = 10;   /* as `awaitscope run` has it: freezes show */
      g_test_message ("%s:", aw_scenario_get_id (scenario));
      for (guint v = 0; v < n; v++)
        {
          const AwVariant *variant = aw_scenario_get_variant (scenario, v);
          g_autoptr(AwTrace) trace = aw_clock_simulate (scenario, v, &options);

          runs[v] = (AwNamedRun) { variant->name, variant->title, aw_trace_model_new (trace) };
          any_completed |= run_completed (runs[v].model);
        }

      compare = aw_summary_compare_text (runs, n);
      g_assert_nonnull (compare);
      assert_sentence (compare, runs, n);
      /* Two runs that stopped early are never compared when one completed. */
      if (any_completed && !g_str_has_prefix (compare, "The UI thread froze"))
        g_assert_true (strstr (compare, " took ") != NULL || strstr (compare, " completed in ") != NULL);

      verdict = aw_verdict_check (scenario, runs, n);
      headline = aw_verdict_headline (verdict, runs, n);
      g_assert_nonnull (headline);
      assert_sentence (headline, runs, n);

      for (guint v = 0; v < n; v++)
        aw_trace_model_unref (runs[v].model);
    }
}

/* The schema, checked by the parser ----------------------------------------------------------- */

typedef struct {
  const char *checks;     /* the "checks" member's value */
  const char *position;   /* "LINE:COLUMN" expected in the message */
  const char *words;
} BadCheck;

static const BadCheck bad_checks[] = {
  { "[ { \"metric\": \"wal_ms\", \"variant\": \"a\", \"at_most\": 1 } ]", "4:17", "unknown metric \"wal_ms\"" },
  { "[ { \"metric\": \"wall_ms\", \"variant\": \"c\", \"at_most\": 1 } ]", "4:38", "no variant named \"c\"" },
  { "[ { \"metric\": \"wall_ms\", \"variant\": \"a\", \"below\": 1 } ]", "4:54", "unknown field \"below\"" },
  { "[ { \"metric\": \"wall_ms\", \"variant\": \"a\", \"at_most\": 1, \"at_least\": 2 } ]", "4:15", "exactly one operator" },
  { "[ { \"metric\": \"wall_ms\", \"variant\": \"a\" } ]", "4:15", "exactly one operator" },
  { "[ { \"metric\": \"wall_ms\", \"variant\": \"a\", \"at_most_ratio\": 0.5 } ]", "4:54", "needs \"of\"" },
  { "[ { \"metric\": \"wall_ms\", \"variant\": \"a\", \"at_most_ratio\": 0.5, \"of\": \"a\" } ]", "4:76", "needs \"of\"" },
  { "[ { \"metric\": \"wall_ms\", \"variant\": \"a\", \"at_most\": 5, \"of\": \"b\" } ]", "4:68", "\"of\" only goes with" },
  { "[ { \"metric\": \"wall_ms\", \"variant\": \"a\", \"at_most\": \"fast\" } ]", "4:54", "must be a number" },
  { "[ { \"metric\": \"wall_ms\", \"variant\": \"a\", \"is\": \"completed\" } ]", "4:54", "\"is\" compares the outcome" },
  { "[ { \"metric\": \"outcome\", \"variant\": \"a\", \"is\": \"finished\" } ]", "4:54", "\"completed\", \"faulted\", \"cancelled\", \"deadlocked\" or \"crashed\"" },
  { "[ { \"metric\": \"wall_ms\", \"variant\": \"a\", \"at_most\": 1, \"real_only\": 1 } ]", "4:68", "\"real_only\" must be true or false" },
  { "[ { \"metric\": \"outcome\", \"variant\": \"a\", \"at_least\": 1 } ]", "4:54", "check it with \"is\"" },
  { "[ 42 ]", "4:3", "check 1 is not an object" },
  { "{ }", "4:3", "\"checks\" must be an array" },
};

static void
test_schema_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_checks); i++)
    {
      g_autofree char *text = g_strdup_printf (
        "{ \"id\": \"t\", \"title\": \"t\", \"part\": 2, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
        "  \"expected\": {\n"
        "    \"text\": \"x\",\n"
        "  \"checks\": %s },\n"
        "  \"variants\": [ { \"name\": \"a\", \"title\": \"A\", \"program\": { \"type\": \"delay\", \"ms\": 1 } },\n"
        "                { \"name\": \"b\", \"title\": \"B\", \"program\": { \"type\": \"delay\", \"ms\": 1 } } ] }",
        bad_checks[i].checks);
      g_autoptr(GError) error = NULL;
      g_autoptr(AwScenario) s = aw_catalog_load_data (text, -1, "checks.json", &error);
      g_autofree char *prefix = g_strdup_printf ("checks.json:%s:", bad_checks[i].position);

      g_assert_null (s);
      g_assert_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      g_assert_nonnull (strstr (error->message, bad_checks[i].words));
    }
}

static void
test_schema_expected_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = aw_catalog_load_data (
    "{ \"id\": \"t\", \"title\": \"t\", \"part\": 2, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
    "  \"expected\": { \"text\": \"x\", \"min_ratio\": 2 },\n"
    "  \"variants\": [ { \"name\": \"a\", \"title\": \"A\", \"program\": { \"type\": \"delay\", \"ms\": 1 } } ] }",
    -1, "fields.json", &error);
  g_autoptr(AwScenario) good = NULL;

  g_assert_null (s);
  g_assert_true (g_str_has_prefix (error->message, "fields.json:2:30:"));
  g_assert_nonnull (strstr (error->message, "unknown field \"min_ratio\""));
  g_clear_error (&error);

  /* Every operator, well formed. */
  good = aw_catalog_load_data (
    "{ \"id\": \"t\", \"title\": \"t\", \"part\": 2, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
    "  \"expected\": { \"text\": \"x\", \"checks\": [\n"
    "    { \"metric\": \"wall_ms\", \"variant\": \"a\", \"at_most\": 1 },\n"
    "    { \"metric\": \"tasks\", \"variant\": \"a\", \"at_least\": 1 },\n"
    "    { \"metric\": \"gtasks_created\", \"variant\": \"a\", \"at_most_ratio\": 0.2, \"of\": \"b\" },\n"
    "    { \"metric\": \"abandoned_work_ms\", \"variant\": \"b\", \"at_least_ratio\": 3, \"of\": \"a\" },\n"
    "    { \"metric\": \"outcome\", \"variant\": \"b\", \"is\": \"cancelled\" } ] },\n"
    "  \"variants\": [ { \"name\": \"a\", \"title\": \"A\", \"program\": { \"type\": \"delay\", \"ms\": 1 } },\n"
    "                { \"name\": \"b\", \"title\": \"B\", \"program\": { \"type\": \"delay\", \"ms\": 1 } } ] }",
    -1, "good.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (good);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  aw_catalog_init ();

  g_test_add_func ("/aw/lint/error-unobserved", test_lint_unobserved);
  g_test_add_func ("/aw/lint/error-unobserved-groups", test_lint_unobserved_groups);
  g_test_add_func ("/aw/lint/main-loop-blocked", test_lint_blocked);
  g_test_add_func ("/aw/lint/cancel-ignored", test_lint_cancel_ignored);
  g_test_add_func ("/aw/lint/work-wasted", test_lint_work_wasted);
  g_test_add_func ("/aw/lint/completed-sync", test_lint_completed_sync);
  g_test_add_func ("/aw/verdict/checks", test_verdict_checks);
  g_test_add_func ("/aw/verdict/real-only", test_verdict_real_only);
  g_test_add_func ("/aw/verdict/unchecked-headline", test_verdict_unchecked_headline);
  g_test_add_func ("/aw/verdict/stopped-by-user", test_verdict_stopped_by_user);
  g_test_add_func ("/aw/verdict/failure-detail", test_verdict_failure_detail);
  g_test_add_func ("/aw/verdict/headline-sentences", test_headline_sentences);
  g_test_add_func ("/aw/verdict/no-figure", test_verdict_no_figure);
  g_test_add_func ("/aw/verdict/schema-errors", test_schema_errors);
  g_test_add_func ("/aw/verdict/schema-expected", test_schema_expected_fields);

  return g_test_run ();
}
