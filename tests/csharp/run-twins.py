#!/usr/bin/env python3
"""The csharp suite: every scenario's C# twin on Mono against its GLib run.

For each data/scenarios/ID.json this compiles tests/csharp/ID.cs with Mono's
mcs (with Lab.cs and the C# lab, csharp/Awaitscope.Lab.cs), runs it on Mono, runs the same scenario on
GLib (`awaitscope run ID --json --speed S --deadline D`, the binary named by
$AWAITSCOPE), and compares them:

  - the same variants, each with the same outcome (completed, faulted,
    cancelled or crashed) and, where it faulted, the same error (the one
    `await` threw; an AggregateException is named so on both sides); where it
    crashed, the exception that escaped async void (the twin's UiThread
    records it when its loop rethrows it: Lab reports "crashed");
  - wall-time ratios between variants (RATIOS), each inside the same stated,
    generous bounds on both sides; other figures within bounds (FIGURES) or
    equal (SAME);
  - facts of C# that the twins print as probes (PROBE_FACTS, PROBE_RANGES);
  - the runs the C# lab (csharp/Awaitscope.Lab.cs) recorded for the twin
    (`--trace`): one per variant, with its tasks, ending as the twin's own
    figures say, with the error `await` threw and the watchdog where it fired,
    each run's root named as the GLib run names it (the lesson's program),
    and for SAME_TASKS the GLib run's tasks by name and number.

Figures that `run --json` does not print are taken, for the scenarios in
TRACE_FIGURES, from the GLib run's recorded log (`--trace`): the progress
reports that ran on the UI thread, how many and when.

Mono's thread pool checks for starvation on its own clock, which --speed
does not change: the GLib runs get the same real interval
(`--pool-interval 500`) for the scenarios that use .NET's pool. A scenario
whose point is that growth runs at its own speed (SPEEDS), so that its
blocked work outlasts several of those intervals on both sides.

Where GLib and C# legitimately differ, DIFFERENCES names the difference,
checks each side against what it should do, and checks that the scenario's
text says so ("in GLib ...; in C# ..."). Where the engine is known to be wrong
and is to be fixed, the comparison is listed in PENDING_ENGINE_FIXES: it is
reported as a TAP TODO instead of a failure, and reported as passing once the
engine is fixed (then remove the entry).

Output is TAP: one test point per scenario (and per probe scenario in
tests/csharp/probes/), then one per pending engine fix. Without mcs or mono:
`1..0 # SKIP`. A scenario whose checks fail is run again (both sides) up to
twice before it counts as failed: the machine may be busy.

    run-twins.py [--speed S] [ID...]
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("AW_SOURCE_ROOT") or os.path.dirname(os.path.dirname(HERE))
SCENARIOS = os.path.join(ROOT, "data", "scenarios")
PROBES = os.path.join(HERE, "probes")
AWAITSCOPE = os.environ.get("AWAITSCOPE") or os.path.join(ROOT, "build", "src", "awaitscope")
DEADLINE_MS = 1000      # the watchdog of blocking waits (.Result), real ms, both sides
POOL_INTERVAL_MS = 500  # .NET's and Mono's thread-pool starvation check, real ms (AwPool)
ATTEMPTS = 3

# Scenarios run at their own speed, whatever --speed says: starvation's
# downloads must block for several of the pool's real 500 ms intervals, or
# neither pool grows (at speed 4 a download ends with the first check).
SPEEDS = {
    "starvation": 1.0,
}

# ---------------------------------------------------------------------------
# What is compared. Metric names are the twin's; GLIB_METRIC maps them to
# `awaitscope run --json`. Units: "scenario" figures are real milliseconds
# times the speed (so a bound holds at any speed), "real" are as measured.

GLIB_METRIC = {
    "max_ui_gap_ms": "max_main_loop_gap_ms",   # the UI loop's heartbeat vs the main loop's frames
}

# (metric, variant, over variant, lo, hi): the ratio on BOTH sides within [lo, hi].
RATIOS = {
    "await-vs-block": [
        ("max_ui_gap_ms", "block", "await", 3, 500),     # a 1 s freeze vs a tick or two
        ("wall_ms", "block", "await", 0.8, 1.3),         # the same 1.3 s either way
    ],
    "async-not-a-thread": [
        ("max_ui_gap_ms", "cpu-before-await", "task-run", 3, 500),   # an 800 ms freeze vs a tick or two
        ("max_ui_gap_ms", "no-await", "task-run", 3, 500),
        ("wall_ms", "task-run", "cpu-before-await", 0.7, 1.3),       # 1.1 s either way
    ],
    "valuetask": [("wall_ms", "valuetask", "task", 0.5, 1.6)],           # the misses dominate
    "when-all": [("wall_ms", "when-all", "one-by-one", 0.3, 0.6)],       # 1.0 / 2.4
    "when-any": [("wall_ms", "when-any", "one-mirror", 0.2, 0.55)],      # 0.4 / 1.2
    "io-vs-cpu": [("wall_ms", "cpu", "io", 3, 40)],                     # 16 x 250 / cores vs 250
    "scale": [("wall_ms", "thread-bound", "awaits", 1.5, 20)],          # 16 / threads s vs 1 s
    "bounded": [
        ("wall_ms", "at-most-10", "one-by-one", 0.05, 0.2),              # 0.4 / 4
        ("wall_ms", "at-most-10", "all-at-once", 4, 16),                 # 0.4 / 0.04
    ],
    "progress": [
        ("max_ui_gap_ms", "on-ui-thread", "task-run", 3, 500),        # a 2 s freeze vs a tick or two
        ("first_report_ms", "on-ui-thread", "task-run", 4, 15),       # at the end (2 s) vs after one step (0.2 s)
        ("wall_ms", "task-run", "on-ui-thread", 0.8, 1.5),            # the same 2 s of work either way
        ("wall_ms", "cancel", "task-run", 0.35, 0.75),                # stopped at the report after 0.9 s: 1.0 / 2
    ],
    "cancel": [("wall_ms", "cancel-after", "no-deadline", 0.15, 0.45)],  # 0.5 / 2
    "cooperative": [
        ("wall_ms", "never-checks", "checks-often", 2.5, 6),             # 2 / 0.5
        ("wall_ms", "checks-rarely", "checks-often", 1.2, 2.5),          # 0.8 / 0.5
    ],
    "timeout": [("wall_ms", "too-slow", "fits", 1.1, 1.9)],              # 1.0 / 0.7
    "timeout-race": [
        ("wall_ms", "too-late", "in-time", 1.2, 2.2),                    # 1.0 / 0.6
        ("wall_ms", "too-late-not-cancelled", "too-late", 0.8, 1.25),    # the caller gives up at 1 s either way
    ],
    "deadlock": [("max_ui_gap_ms", "configure-await", "await", 3, 200)],  # 0.5 s frozen vs a tick
    "starvation": [("wall_ms", "sync-over-async", "async", 10, 1000)],  # the total: 4 s queued vs 50 ms
    "fire-and-forget": [("wall_ms", "await", "forget", 0.25, 0.55)],     # 0.3 / 0.8
    "needless-async": [],                                               # see DIFFERENCES
    "no-cancellation": [("wall_ms", "with-token", "no-token", 0.08, 0.3)],  # 0.3 / 2
    "when-all-failures": [("wall_ms", "aggregate", "await", 0.8, 1.25)],
    "workflow": [
        ("wall_ms", "slow-server", "normal", 1.25, 2.3),                 # 2.0 / 1.1 (a busy machine slows the normal day most)
        ("wall_ms", "orders-fail", "normal", 0.45, 0.8),                 # 0.7 / 1.1
        ("wall_ms", "user-leaves", "normal", 0.3, 0.6),                  # 0.5 / 1.1
    ],
    "async-void": [("wall_ms", "async-task", "async-void", 0.25, 0.55)],  # 0.3 / 0.8 (the crashed handler runs on)
    "result-vs-await": [
        ("wall_ms", "result", "await", 0.5, 0.85),                      # 0.4 (the exception escapes) / 0.6
        ("max_ui_gap_ms", "result", "await", 3, 200),                   # 0.4 s frozen vs a tick
    ],
    "completion-source": [("wall_ms", "queued", "inline", 0.4, 0.85)],  # 0.9 (0.7 with 3+ pool threads) / 1.3
    "when-all-order": [],
    "pool-growth": [],
}

# (side, variant, metric, op, bound, unit): side is "both", "glib" or "csharp".
FIGURES = {
    "await-vs-block": [
        ("both", "block", "max_ui_gap_ms", ">=", 800, "scenario"),
        ("both", "await", "max_ui_gap_ms", "<=", 100, "real"),
    ],
    "async-not-a-thread": [
        ("both", "cpu-before-await", "max_ui_gap_ms", ">=", 600, "scenario"),
        ("both", "no-await", "max_ui_gap_ms", ">=", 600, "scenario"),
        ("both", "task-run", "max_ui_gap_ms", "<=", 100, "real"),
        ("both", "cpu-before-await", "threads_used", "<=", 1, None),      # async alone: the UI thread only
        ("both", "no-await", "threads_used", "<=", 1, None),
        ("both", "task-run", "threads_used", ">=", 2, None),
        # How long the handler kept the UI thread before it returned to the loop.
        ("csharp", "cpu-before-await", "returned_after_ms", ">=", 600, "scenario"),
        ("csharp", "no-await", "returned_after_ms", ">=", 600, "scenario"),
        ("csharp", "task-run", "returned_after_ms", "<=", 50, "real"),
    ],
    "when-all": [("both", "when-all", "threads_used", "<=", 1, None)],
    "io-vs-cpu": [
        ("both", "io", "threads_used", "<=", 1, None),
        ("both", "cpu", "threads_used", ">=", 3, None),
    ],
    "scale": [("both", "awaits", "threads_used", "<=", 1, None)],
    # The most downloads in flight at once is the limit: the twin counts them
    # (the GLib side's is held by test-scenarios and the C twin, from the trace).
    "bounded": [
        ("csharp", "one-by-one", "in_flight_max", "==", 1, None),
        ("csharp", "all-at-once", "in_flight_max", "==", 100, None),
        ("csharp", "at-most-10", "in_flight_max", "==", 10, None),
        ("csharp", "at-most-10", "downloads", "==", 100, None),
        ("both", "one-by-one", "threads_used", "<=", 1, None),
        ("both", "all-at-once", "threads_used", "<=", 1, None),
        ("both", "at-most-10", "threads_used", "<=", 1, None),
    ],
    # Nine reports (10% to 90%), all on the UI thread: at the end of the
    # freeze, or one per step; with Cancel at 0.9 s, the fifth (50%) is the last.
    "progress": [
        ("both", "on-ui-thread", "max_ui_gap_ms", ">=", 1800, "scenario"),
        ("both", "task-run", "max_ui_gap_ms", "<=", 100, "real"),
        ("both", "on-ui-thread", "first_report_ms", ">=", 1900, "scenario"),
        ("both", "task-run", "first_report_ms", "<=", 500, "scenario"),
        ("both", "task-run", "last_report_ms", "<=", 1950, "scenario"),
        ("both", "cancel", "reports", ">=", 3, None),
        ("both", "cancel", "reports", "<=", 5, None),
        ("both", "cancel", "cancel_latency_ms", "<=", 300, "scenario"),
        ("both", "on-ui-thread", "reports_off_ui_thread", "==", 0, None),
        ("both", "task-run", "reports_off_ui_thread", "==", 0, None),
        ("both", "on-ui-thread", "bar_value", "==", 90, None),
        ("both", "task-run", "bar_value", "==", 90, None),
    ],
    "cancel": [("both", "cancel-after", "cancel_latency_ms", "<=", 50, "real")],
    "cooperative": [
        ("both", "checks-often", "cancel_latency_ms", "<=", 50, "real"),
        ("both", "checks-rarely", "cancel_latency_ms", ">=", 100, "scenario"),
        ("both", "checks-rarely", "cancel_latency_ms", "<=", 450, "scenario"),
        ("both", "never-checks", "wasted_ms", ">=", 1200, "scenario"),
    ],
    "timeout": [("both", "too-slow", "cancel_latency_ms", "<=", 50, "real")],
    "timeout-race": [
        ("both", "too-late-not-cancelled", "abandoned_work_ms", ">=", 800, "scenario"),
        ("both", "too-late", "abandoned_work_ms", "<=", 100, "scenario"),
    ],
    "deadlock": [
        ("both", "result", "watchdog_fired", "==", True, None),
        ("both", "result", "wall_ms", ">=", 0.9 * DEADLINE_MS, "real"),
        ("both", "result", "max_ui_gap_ms", ">=", 0.9 * DEADLINE_MS, "real"),
        ("csharp", "result", "stranded_continuations", ">=", 1, None),
        ("both", "configure-await", "watchdog_fired", "==", False, None),
        ("both", "configure-await", "max_ui_gap_ms", ">=", 400, "scenario"),
        ("both", "await", "watchdog_fired", "==", False, None),
        ("both", "await", "max_ui_gap_ms", "<=", 100, "real"),
    ],
    "starvation": [
        ("both", "sync-over-async", "wall_ms", ">=", 1500, "scenario"),
        ("both", "async", "wall_ms", "<=", 500, "scenario"),
        ("both", "sync-over-async", "threads_used", ">=", 4, None),      # the pool grew past its 2
        ("both", "async", "threads_used", "<=", 2, None),                # the UI thread and the total's
        # How long the 50 ms of work waited for a pool thread.
        ("csharp", "sync-over-async", "total_wait_ms", ">=", 1500, "scenario"),
        ("csharp", "async", "total_wait_ms", "<=", 100, "real"),
    ],
    "fire-and-forget": [
        ("both", "forget", "errors_unobserved", ">=", 1, None),
        ("both", "await", "errors_unobserved", "==", 0, None),
    ],
    "no-cancellation": [
        ("both", "no-token", "wasted_ms", ">=", 1400, "scenario"),
        ("both", "with-token", "wasted_ms", "<=", 100, "scenario"),
    ],
    "when-all-failures": [
        ("csharp", "await", "errors_swallowed", "==", 1, None),
        ("csharp", "await", "errors_unobserved", "==", 0, None),
        ("csharp", "aggregate", "errors_swallowed", "==", 0, None),
        ("both", "aggregate", "errors_unobserved", "==", 0, None),
    ],
    "workflow": [
        ("both", "normal", "sync_completed", ">=", 1, None),
        ("both", "orders-fail", "errors_unobserved", "==", 0, None),
        ("both", "user-leaves", "cancel_latency_ms", "<=", 50, "real"),
    ],
    "valuetask": [("both", "valuetask", "sync_completed", "==", 900, None)],
    "async-void": [
        ("both", "async-void", "crashed", "==", True, None),
        ("both", "foreach", "crashed", "==", True, None),
        ("both", "async-task", "crashed", "==", False, None),
        # C# rethrows the exception on the UI thread when the upload fails (GLib's
        # crash marker: test-scenarios' /aw/scenarios/async-void).
        ("csharp", "async-void", "crash_ms", ">=", 250, "scenario"),
        ("csharp", "async-void", "crash_ms", "<=", 450, "scenario"),
        ("csharp", "foreach", "crash_ms", ">=", 250, "scenario"),
        ("csharp", "foreach", "crash_ms", "<=", 450, "scenario"),
        # The toast starts while the uploads still run: nothing awaited them.
        ("csharp", "async-void", "uploads_pending_at_toast", "==", 1, None),
        ("csharp", "foreach", "uploads_pending_at_toast", "==", 3, None),
        ("both", "async-task", "errors_unobserved", "==", 0, None),
    ],
    "result-vs-await": [
        ("both", "result", "max_ui_gap_ms", ">=", 300, "scenario"),
        ("both", "get-result", "max_ui_gap_ms", ">=", 300, "scenario"),
        ("both", "await", "max_ui_gap_ms", "<=", 100, "real"),
        ("both", "result", "watchdog_fired", "==", False, None),
    ],
    # Inline, the three parses run one after another on the library's callback
    # thread (with the UI thread: two threads), and its later callbacks wait
    # for them: C's, due at 0.3 s, starts at 0.9 s. Queued, the parses run on
    # pool threads and every callback starts on time.
    "completion-source": [
        ("both", "inline", "wall_ms", ">=", 1200, "scenario"),
        ("both", "inline", "threads_used", "==", 2, None),
        ("both", "queued", "threads_used", ">=", 3, None),
        ("csharp", "inline", "parses_on_callback_thread", "==", 3, None),
        ("csharp", "inline", "parses_on_pool_threads", "==", 0, None),
        ("csharp", "queued", "parses_on_callback_thread", "==", 0, None),
        ("csharp", "queued", "parses_on_pool_threads", "==", 3, None),
        ("csharp", "inline", "max_callback_late_ms", ">=", 500, "scenario"),
        ("csharp", "queued", "max_callback_late_ms", "<=", 50, "real"),
    ],
    # Blocked work grows the pool on both sides (a fixed pool of two: 3 threads with the main one).
    "pool-growth": [("both", "blocked", "threads_used", ">=", 5, None)],
}

# (variant, metric): the same value on both sides. tasks_allocated is the
# twin's count of Task objects the calls made; GLib's is its GTasks but the
# variant's own (the root).
SAME = {
    "valuetask": [("task", "tasks_allocated"), ("valuetask", "tasks_allocated")],
    "needless-async": [("direct", "tasks_allocated"), ("async-wrapper", "tasks_allocated")],
    "when-any": [("when-any", "cancelled")],
    "timeout-race": [("too-late", "cancelled"), ("too-late-not-cancelled", "cancelled")],
    "fire-and-forget": [("forget", "errors_unobserved")],
    "when-all-failures": [("await", "errors_unobserved")],
    "async-void": [("async-void", "errors_unobserved"), ("foreach", "errors_unobserved")],
    "progress": [("on-ui-thread", "reports"), ("task-run", "reports")],
}

# Figures of the GLib run taken from its recorded log (`awaitscope run
# --trace`), per variant, for scenarios whose point `run --json` does not
# print: the progress reports (AW_MARK_REPORT marks, "Report(25%)") that ran,
# how many (reports), when the first and the last ran, in real ms since the
# run began (first_report_ms, last_report_ms), the last value (bar_value)
# and how many ran off the UI thread's lane (reports_off_ui_thread).
TRACE_FIGURES = {"progress"}

# Scenarios whose twin records the tasks the GLib run records (Lab.Io,
# Lab.Queued, Lab.FromResult, Lab.Returned under the GLib run's names), so
# that C# beside GLib draws the same rows: each variant's recorded run must
# have as many tasks of each name as the GLib run's (`--trace`), beside the
# root.
SAME_TASKS = {"needless-async", "scale"}
TASK_KINDS = ("created", "call", "sync-completed")

# (probe, dotted path, expected value): what the twins show about C# beyond
# the scenario's variants.
PROBE_FACTS = {
    "deadlock": [("console-result", "outcome", "completed")],
    # An async method with no await hands back a task already complete, after
    # the work, which ran on the caller's thread.
    "async-not-a-thread": [
        ("no-await", "returned_completed", True),
        ("no-await", "ran_on_caller_thread", True),
    ],
    # A download whose completion needs a pool thread (Task.Delay's timer on
    # Mono) waits behind the blocked work: none ends before all hold a thread.
    "starvation": [
        ("completion-needs-pool", "completed", True),
        ("completion-needs-pool", "first_end_after_last_start", True),
        ("completion-needs-pool", "threads", 12),
    ],
    # With no SynchronizationContext (a console app), Progress<T> runs its
    # handler on the thread pool, not on the thread that made it.
    "progress": [
        ("console-progress", "all_ran", True),
        ("console-progress", "on_creating_thread", False),
        ("console-progress", "on_pool_threads", True),
    ],
    "fire-and-forget": [
        ("async-void-throws", "rethrown_on_ui_thread", True),
        ("async-void-throws", "exception.type", "IOException"),
    ],
    "when-all-failures": [
        ("wait-aggregate", "exception.type", "AggregateException"),
        ("wait-aggregate", "exception.inner.0.message", "card declined"),
        ("wait-aggregate", "exception.inner.1.message", "out of stock"),
        ("await-rethrows-argument-order", "exception.message", "A (argument 1, fails at 500 ms)"),
    ],
    "async-void": [
        # With no SynchronizationContext (a console app) the exception is
        # thrown on a pool thread and Mono ends the process.
        ("no-context-ends-process", "returned_at_once", True),
        ("no-context-ends-process", "ran_to_its_end", False),
        ("no-context-ends-process", "process_ended", True),
        ("no-context-ends-process", "unhandled_exception", True),
    ],
    # Where SetResult runs an awaiting continuation, SetResult called from a
    # thread of its own. Without options and with nothing captured, inline:
    # on that thread, done before SetResult returns. With
    # RunContinuationsAsynchronously: on a pool thread, after SetResult has
    # returned. An await that captured a UI thread's SynchronizationContext
    # goes back to the UI thread either way, posted. And a SetResult called
    # under a SynchronizationContext of its own does not run a
    # ConfigureAwait(false) continuation inline: it queues it to the pool.
    "completion-source": [
        ("set-result-inline", "continuation_ran", True),
        ("set-result-inline", "on_setter_thread", True),
        ("set-result-inline", "done_when_set_result_returned", True),
        ("set-result-inline", "set_result_returned_while_it_ran", False),
        ("set-result-run-async", "continuation_ran", True),
        ("set-result-run-async", "on_setter_thread", False),
        ("set-result-run-async", "on_pool_thread", True),
        ("set-result-run-async", "done_when_set_result_returned", False),
        ("set-result-run-async", "set_result_returned_while_it_ran", True),
        ("ui-context-inline", "on_ui_thread", True),
        ("ui-context-inline", "on_setter_thread", False),
        ("ui-context-inline", "set_result_returned_while_it_ran", True),
        ("ui-context-run-async", "on_ui_thread", True),
        ("ui-context-run-async", "on_setter_thread", False),
        ("ui-context-run-async", "set_result_returned_while_it_ran", True),
        ("setter-has-context", "setter_has_context", True),
        ("setter-has-context", "on_setter_thread", False),
        ("setter-has-context", "on_pool_thread", True),
    ],
    "result-vs-await": [
        # The engine's text for a wrapped error (AGGREGATE_WAIT in src/core/aw-interp.c) is Mono's.
        ("wait-on-task-of-t", "exception.type", "AggregateException"),
        ("wait-on-task-of-t", "exception.message", "One or more errors occurred. (price service unavailable)"),
        ("wait-on-task-of-t", "exception.inner.0.type", "HttpRequestException"),
        ("wait-on-task", "exception.type", "AggregateException"),
        ("wait-on-task", "exception.inner.0.message", "quote not saved"),
        ("get-result", "exception.type", "HttpRequestException"),
        ("exception-property", "exception.type", "AggregateException"),
    ],
}

# (probe, dotted path, low, high): a figure a twin's probe measures, within
# bounds: facts the engine's models take from C#.
PROBE_RANGES = {
    # How often Mono's pool adds a thread while blocked work waits: the
    # dotnet pool's interval (AwPool, AW_POOL_DEFAULT_INTERVAL_MS), real ms.
    "pool-growth": [("injection", "median_gap_ms", 0.8 * POOL_INTERVAL_MS, 1.4 * POOL_INTERVAL_MS),
                    ("injection", "threads_added", 2, 8)],
}

# Legitimate differences between GLib and C#. Each names the comparisons it
# replaces, checks each side against its own behaviour, and requires the
# scenario's text (summary, narration, expected text) to say so.
DIFFERENCES = {
    "completed-task-continues-synchronously": {
        "glib": "a GTask returned in the main-loop iteration that made it delivers its result on a later "
                "iteration: every await of a Task<T> that is already complete hops through the loop",
        "csharp": "an await of a Task<T> that is already complete continues synchronously, as with a "
                  "completed ValueTask<T>: Task<T> costs an allocation, not a loop hop",
        "replaces": "sync_completed and the time of the Task<T> paths (valuetask task, needless-async async-wrapper)",
        "checks": {
            "valuetask": [
                ("glib", "task", "sync_completed", "==", 0, None),
                ("csharp", "task", "sync_completed", "==", 900, None),
                ("csharp", "task", "loop_hops", "==", 100, None),       # the misses only
                ("csharp", "valuetask", "loop_hops", "==", 100, None),
            ],
            "needless-async": [
                ("glib", "async-wrapper", "sync_completed", "==", 0, None),
                ("csharp", "async-wrapper", "sync_completed", "==", 10000, None),
                ("csharp", "async-wrapper", "loop_hops", "==", 0, None),
                ("both", "direct", "sync_completed", "==", 10000, None),
            ],
        },
        "ratios": {
            # the wrapper's time over the direct calls': many times in GLib, about the same in C#
            "needless-async": [("glib", "wall_ms", "async-wrapper", "direct", 3, 1e9),
                               ("csharp", "wall_ms", "async-wrapper", "direct", 0.3, 3)],
        },
        "text": {
            "valuetask": [r"(?i)in C#[^.]*already complete[^.]*continues synchronously", r"(?i)in GLib[^.]*later main-loop iteration"],
            "needless-async": [r"(?i)in C#[^.]*already complete[^.]*continues synchronously", r"(?i)in GLib[^.]*later main-loop iteration"],
            "async-not-a-thread": [r"(?i)in C#[^.;]*already complete[^.;]*continues synchronously",
                                   r"(?i)in GLib[^.;]*later main-loop iteration"],
        },
    },
    "thread-pool": {
        "glib": "the runner's pool starts at the processor count (2 to 8); with \"pool\": \"dotnet\" (scale, starvation) "
                "it grows by .NET's starvation rule, with \"fixed\" (io-vs-cpu) it does not; a GLib "
                "program's own g_task_run_in_thread pool grows its own way",
        "csharp": ".NET's pool starts at the processor count and adds about one thread every 500 ms while "
                  "queued work makes no progress (the pool-growth probe measures it); its hill climbing, "
                  "which the model leaves out, may add threads as work completes, so a variant that runs "
                  "after thousands of completions (scale's thread-bound) may start with more",
        "replaces": "the thread count and the exact time of the thread-bound and CPU variants",
        "checks": {
            "scale": [("glib", "thread-bound", "threads_used", "<=", 9, None)],
        },
        "ratios": {},
        "text": {
            "io-vs-cpu": [r"(?i)in C#, \.NET's pool starts with as many threads as processors[^.]*half (a )?second",
                          r"(?i)in GLib[^.]*fixed number of workers"],
            "scale": [r"(?i)in C#, \.NET's thread pool starts with as many threads as processors[^.]*half (a )?second",
                      r"(?i)in GLib, g_task_run_in_thread[^.]*own pool"],
            "starvation": [r"(?i)in C# on Mono, \.NET Framework and \.NET Core up to 5, the thread pool starts with "
                           r"as many threads as processors[^.]*half (a )?second",
                           r"(?i)since \.NET 6 a thread blocked in \.Result",
                           r"(?i)in GLib, g_task_run_in_thread[^.]*own pool"],
        },
    },
    "sync-over-async-completion": {
        "glib": "a blocked worker's download completes by itself: the runner's blocking cpu work ends on its own, "
                "and the C twin's worker runs the download's callback on a main context of its own",
        "csharp": "the twin's DownloadAsync is completed by a thread of its own, as an I/O completion thread "
                  "finishes a real read; a download made of Task.Delay completes on a pool thread on Mono (as "
                  ".NET hands socket completions to the pool on Linux), so it waits in the queue behind the "
                  "blocked work and none ends before every one holds a thread (the completion-needs-pool probe)",
        "replaces": "nothing: both sides model a completion that needs no pool thread; the probe shows the other case",
        "checks": {},
        "ratios": {},
        "text": {
            "starvation": [r"(?i)completion needs a pool thread", r"(?i)a Task\.Delay's timer callback does, on Mono and \.NET",
                           r"(?i)no download can finish until every one"],
        },
    },
    "unobserved-only-at-collection": {
        "glib": "a task freed with its error never propagated is reported at once",
        "csharp": "TaskScheduler.UnobservedTaskException is raised only when the failed task is garbage "
                  "collected and finalized, if ever (the twin forces a collection to count it); an exception "
                  "escaping async void is rethrown on the UI thread as an unhandled exception and crashes the app",
        "replaces": "when the lost error is reported (not compared); the count is compared after a collection",
        "checks": {},
        "ratios": {},
        "text": {
            "fire-and-forget": [r"(?i)in GLib", r"(?i)in C#[^.]*garbage collection", r"UnobservedTaskException",
                                r"(?i)async void[^.]*crashes the app"],
        },
    },
    "async-void-crash": {
        "glib": "GLib has no exceptions: a GError goes only where the code hands it, so nothing crashes by "
                "itself; a callback with nobody to report to can only handle it or end the program (g_error). "
                "The engine marks the run crashed where C# would end and runs on, veiled",
        "csharp": "an exception escaping async void is posted to the SynchronizationContext the method started "
                  "on and thrown there, on the UI thread (the twin's UiThread records it; WinForms and WPF end "
                  "the app); with none (a console app) it is thrown on a pool thread and the process ends (the "
                  "no-context-ends-process probe)",
        "replaces": "nothing: both sides end crashed with the same exception; the twin's UI thread runs on "
                    "after the crash as the engine does, veiled",
        "checks": {},
        "ratios": {},
        "text": {
            "async-void": [r"(?i)in C#[^.]*SynchronizationContext[^.]*UI thread", r"(?i)console app[^.]*pool thread",
                           r"(?i)in GLib[^.]*GError", r"(?i)g_error"],
        },
    },
    "aggregate-exception": {
        "glib": "a GError comes back as it is however the caller waits: a synchronous call blocks on a main "
                "context of its own and returns the GError the callback would have seen",
        "csharp": ".Wait() and .Result throw an AggregateException around the exception (Mono: 'One or more "
                  "errors occurred. (message)'); await and .GetAwaiter().GetResult() throw the exception itself",
        "replaces": "nothing: the engine models C# (aggregate: true on the .Result wait)",
        "checks": {},
        "ratios": {},
        "text": {
            "result-vs-await": [r"AggregateException", r"(?i)in GLib[^.]*GError comes back as it is",
                                r"One or more errors occurred\. \(price service unavailable\)"],
        },
    },
    "continuation-context": {
        "glib": "a GTask's callback always goes to the thread-default main context of the thread that created it, "
                "and a progress report to the main context its Progress was made on",
        "csharp": "the SynchronizationContext captured by await decides; a console app or ASP.NET Core has "
                  "none, so .Result blocks a pool thread there instead of deadlocking (the console-result probe), "
                  "and Progress<T> runs its handler on the thread pool (the console-progress probe)",
        "replaces": "nothing: the twin has a UI thread with a SynchronizationContext, as the scenario says",
        "checks": {},
        "ratios": {},
        "text": {
            "deadlock": [r"SynchronizationContext", r"(?i)console app or ASP\.NET Core", r"(?i)in GLib",
                         r"(?i)ConfigureAwait\(false\), on every await down the chain"],
            # Progress<T> posts where it was made, as await continues there (the console-progress probe)
            "progress": [r"(?i)Progress<T> posts to the SynchronizationContext it captured",
                         r"(?i)console app or ASP\.NET Core[^.]*thread pool", r"(?i)in GLib a report is an idle"],
        },
    },
    "set-result-inline": {
        "glib": "g_task_return_pointer() called on another thread never runs the GTask's callback there: it "
                "always queues it to the GTask's main context, as RunContinuationsAsynchronously queues it to the pool",
        "csharp": "a TaskCompletionSource made without RunContinuationsAsynchronously runs an await's continuation "
                  "inline, on the thread that calls SetResult and before SetResult returns, when the await captured "
                  "no SynchronizationContext (ConfigureAwait(false)) and the setting thread has none of its own "
                  "(the set-result-inline and setter-has-context probes); with the option it queues it to the "
                  "pool (set-result-run-async); an await that captured a UI thread's context goes back there "
                  "either way (ui-context-inline, ui-context-run-async)",
        "replaces": "nothing: the engine's callback thread runs the continuation itself without run_async, as "
                    "C# does; the probes show where SetResult runs it",
        "checks": {},
        "ratios": {},
        "text": {
            "completion-source": [r"(?i)in GLib, g_task_return_pointer\(\)[^.]*never runs the callback there"
                                  r"[^.]*queues it to the GTask's main context",
                                  r"(?i)in C#, a TaskCompletionSource made without that option runs the "
                                  r"continuation inline, on the thread that calls SetResult",
                                  r"(?i)SynchronizationContext[^.]*posted to the UI thread whatever the option"],
        },
    },
    "dotnet6-shorthands": {
        "glib": "nothing to say: GLib has neither, and the runs are the same either way",
        "csharp": "Mono 6.8, which runs the twins, has neither Task.WaitAsync(TimeSpan) nor "
                  "Parallel.ForEachAsync (.NET 6 and later): the twins race WhenAny against Task.Delay and "
                  "limit with SemaphoreSlim, which do the same, and the text names the shorthand",
        "replaces": "nothing: the code shown is the pre-.NET 6 form, and runs",
        "checks": {},
        "ratios": {},
        "text": {
            "timeout-race": [r"(?i)stop waiting is not stop the work",
                             r"WaitAsync\(TimeSpan\.FromSeconds\(1\)\) is this same race in one call",
                             r"(?i)Mono 6\.8[^.]*has no WaitAsync"],
            "bounded": [r"Parallel\.ForEachAsync[^.]*MaxDegreeOfParallelism",
                        r"(?i)Mono 6\.8[^.]*does not have it"],
        },
    },
}

# Comparisons that fail today because the engine is wrong; the engine is to be
# fixed. Each is reported as `not ok ... # TODO` until it passes; then it is
# reported as passing, with a note to remove it from here.
PENDING_ENGINE_FIXES = {}

# How a pending check is evaluated when it is not one of the ordinary ones.
CUSTOM = {
    "warning async-wrapper completed-sync": lambda g, c: warning_says(
        g, "async-wrapper", "completed-sync", r"(?i)in C#[^.]*synchronous"),
}


# ---------------------------------------------------------------------------

def state(outcome):
    return (outcome or "").split(":", 1)[0].strip()


def message(outcome):
    parts = (outcome or "").split(":", 1)
    return parts[1].strip() if len(parts) > 1 else ""


def has_catch(program):
    """Whether a program tree has a try/catch (a sequence with catch: true) anywhere."""
    if not isinstance(program, dict):
        return False
    if program.get("catch"):
        return True
    kids = list(program.get("children") or [])
    if "child" in program:
        kids.append(program["child"])
    return any(has_catch(k) for k in kids)


def warning_says(glib, variant, kind, pattern):
    ws = [w for w in glib[variant].get("warnings", []) if w["kind"] == kind]
    if not ws:
        return False, f"GLib gives {variant} no {kind} warning"
    ok = all(re.search(pattern, w["message"]) for w in ws)
    return ok, f"GLib's {kind} warning: {ws[0]['message']!r}"


def value(side, run, variant, metric, speed, unit):
    v = run[variant]
    if side == "glib":
        if metric == "tasks_allocated":
            x = v["gtasks_created"] - 1
        elif metric == "outcome":
            x = state(v["outcome"])
        else:
            x = v.get(GLIB_METRIC.get(metric, metric))
    else:
        x = v.get(metric)
    if unit == "scenario" and isinstance(x, (int, float)) and not isinstance(x, bool):
        x = x * speed
    return x


def compare(x, op, bound):
    if x is None:
        return False
    if op == "==":
        return x == bound
    if op == ">=":
        return x >= bound
    if op == "<=":
        return x <= bound
    raise ValueError(op)


def fmt(x):
    if isinstance(x, float):
        return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"
    return repr(x)


def sides(which):
    return ("glib", "csharp") if which == "both" else (which,)


def scenario_text(doc):
    parts = [doc.get("summary", "")]
    for key in ("narration",):
        t = doc.get(key, "")
        parts.extend(t if isinstance(t, list) else [t])
    exp = doc.get("expected", {})
    t = exp.get("text", "") if isinstance(exp, dict) else exp
    parts.extend(t if isinstance(t, list) else [t])
    return "\n".join(parts)


def checks_for(sid, doc, glib, cs, speed):
    """[(check id, ok, detail)] for one scenario."""
    out = []
    g = {v["name"]: v for v in glib["variants"]}
    c = {v["name"]: v for v in cs["variants"]}

    names_g, names_c = [v["name"] for v in glib["variants"]], [v["name"] for v in cs["variants"]]
    out.append(("variants", names_g == names_c, f"GLib {names_g}, C# {names_c}"))
    if names_g != names_c:
        return out

    programs = {v["name"]: v["program"] for v in doc.get("variants", [])}
    for name in names_g:
        cv = c[name]
        # An exception that escaped async void is a crash on both sides; any
        # other exception thrown on the UI thread's loop is the twin's fault.
        out.append((f"runs {name}", cv["outcome"] not in ("timed-out",)
                    and (not cv["crashes"] or cv["outcome"] == "crashed"),
                    f"C# outcome {cv['outcome']}, crashes {cv['crashes']}"))
        if has_catch(programs.get(name, {})) and cv.get("handled_by_code") and cv["outcome"] == "faulted":
            # The twin reports what the awaited call threw; the scenario's
            # handler has its try/catch (catch: true), so GLib's run is the
            # handler's: completed, with the error observed on the way.
            out.append((f"outcome {name}", state(g[name]["outcome"]) == "completed" and g[name]["errors_observed"] >= 1,
                        f"GLib {g[name]['outcome']!r} with {g[name]['errors_observed']} errors observed; "
                        f"C# caught {cv.get('exception')}: expected completed, the error observed"))
            continue
        out.append((f"outcome {name}", state(g[name]["outcome"]) == cv["outcome"],
                    f"GLib {g[name]['outcome']!r}, C# {cv['outcome']!r}"))
        if cv["outcome"] == "crashed" or state(g[name]["outcome"]) == "crashed":
            # GLib: "crashed: MESSAGE: the exception escaped an async void
            # method; ..."; C#: the first exception the UI thread's loop threw.
            cmsg = (cv.get("exception") or {}).get("message", "")
            gmsg = message(g[name]["outcome"])
            out.append((f"crash {name}", bool(cmsg) and gmsg.startswith(cmsg + ": the exception escaped an async void")
                        and g[name]["crashed"] is True and cv.get("crashed") is True,
                        f"GLib {gmsg!r} (crashed {g[name]['crashed']}), C# rethrew on the UI thread "
                        f"{cv.get('exception')} (crashes {cv['crashes']})"))
        elif cv["outcome"] == "faulted" or state(g[name]["outcome"]) == "faulted":
            exc = cv.get("exception") or {}
            cmsg = exc.get("message", "")
            gmsg = message(g[name]["outcome"])
            # .Wait() and .Result throw an AggregateException: GLib says so first.
            named = exc.get("type") != "AggregateException" or gmsg.startswith("AggregateException: ")
            out.append((f"error {name}", bool(cmsg) and gmsg.endswith(cmsg) and named,
                        f"GLib {gmsg!r}, C# threw {exc}"))

    for metric, a, b, lo, hi in RATIOS.get(sid, []):
        for side, run in (("glib", g), ("csharp", c)):
            x, y = value(side, run, a, metric, speed, None), value(side, run, b, metric, speed, None)
            r = x / y if x is not None and y else None
            out.append((f"ratio {metric} {a}/{b} {side}", r is not None and lo <= r <= hi,
                        f"{side}: {metric} {a} {fmt(x)} / {b} {fmt(y)} = {fmt(r)}, expected within [{lo}, {hi}]"))

    def figure(which, variant, metric, op, bound, unit, tag=""):
        for side in sides(which):
            run = g if side == "glib" else c
            x = value(side, run, variant, metric, speed, unit)
            u = f" ({unit} ms)" if unit else ""
            out.append((f"{tag}{side} {metric} {variant} {op} {bound}", compare(x, op, bound),
                        f"{side}: {variant} {metric}{u} {fmt(x)}, expected {op} {bound}"))

    for spec in FIGURES.get(sid, []):
        figure(*spec)

    for variant, metric in SAME.get(sid, []):
        x, y = value("glib", g, variant, metric, speed, None), value("csharp", c, variant, metric, speed, None)
        out.append((f"same {metric} {variant}", x == y, f"{variant} {metric}: GLib {fmt(x)}, C# {fmt(y)}"))

    probes = {p["name"]: p for p in cs.get("probes", [])}
    for probe, path, expected in PROBE_FACTS.get(sid, []):
        x = probes.get(probe)
        for part in path.split("."):
            if isinstance(x, list):
                x = x[int(part)] if part.isdigit() and int(part) < len(x) else None
            elif isinstance(x, dict):
                x = x.get(part)
            else:
                x = None
        out.append((f"probe {probe} {path}", x == expected, f"C# probe {probe}: {path} = {x!r}, expected {expected!r}"))
    for probe, path, lo, hi in PROBE_RANGES.get(sid, []):
        x = probes.get(probe)
        for part in path.split("."):
            x = x.get(part) if isinstance(x, dict) else None
        ok = isinstance(x, (int, float)) and not isinstance(x, bool) and lo <= x <= hi
        out.append((f"probe {probe} {path}", ok, f"C# probe {probe}: {path} = {x!r}, expected within [{lo:g}, {hi:g}]"))

    text = scenario_text(doc)
    for key, d in DIFFERENCES.items():
        for spec in d["checks"].get(sid, []):
            figure(*spec, tag=f"[{key}] ")
        for side, metric, a, b, lo, hi in d["ratios"].get(sid, []):
            run = g if side == "glib" else c
            x, y = value(side, run, a, metric, speed, None), value(side, run, b, metric, speed, None)
            r = x / y if x is not None and y else None
            out.append((f"[{key}] ratio {metric} {a}/{b} {side}", r is not None and lo <= r <= hi,
                        f"{side}: {metric} {a} {fmt(x)} / {b} {fmt(y)} = {fmt(r)}, expected within [{lo}, {hi}]"))
        for pattern in d["text"].get(sid, []):
            out.append((f"text {key} {pattern}", re.search(pattern, text) is not None,
                        f"the scenario's text must say, in GLib and C# terms: {d['glib']} (GLib); "
                        f"{d['csharp']} (C#); no match for /{pattern}/"))

    for key, p in PENDING_ENGINE_FIXES.items():
        if p["scenario"] == sid:
            for cid in p["checks"]:
                if cid in CUSTOM:
                    ok, detail = CUSTOM[cid](g, c)
                    out.append((cid, ok, detail))
    return out


def run(cmd, timeout):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {p.returncode}:\n{p.stderr.decode(errors='replace')[-2000:]}")
    return json.loads(p.stdout)


REPORT_MARK = "Report("     # AW_MARK_REPORT (src/core/aw-trace.h): "Report(25%)"


def trace_figures(path):
    """{variant: {figure: value}} from a trace saved by `awaitscope run --trace` (TRACE_FIGURES)."""
    with open(path, encoding="utf-8") as f:
        saved = json.load(f)
    out = {}
    for t in saved["otherData"]["awaitscope"]["traces"]:
        strings = [None] + t["strings"]          # string 0 is no text
        begin, reports = None, []
        for ts, kind, _task, _parent, lane, text in t["events"]:
            if kind == "run-begin" and begin is None:
                begin = ts
            elif kind == "mark" and (strings[text] or "").startswith(REPORT_MARK):
                reports.append((ts, lane, strings[text]))
        times = [(ts - begin) / 1e6 for ts, _, _ in reports]
        last = reports[-1][2] if reports else None
        out[t["metadata"]["variant"]] = {
            "reports": len(reports),
            "first_report_ms": times[0] if times else None,
            "last_report_ms": times[-1] if times else None,
            "bar_value": int(last[len(REPORT_MARK):].rstrip("%)")) if last else None,
            "reports_off_ui_thread": sum(1 for _, lane, _ in reports if lane != 0),
        }
    return out


def task_shapes(path):
    """{variant: (number of roots, {task name: how many})} of a saved trace:
    the tasks (and synchronous completions) under the roots, by name."""
    with open(path, encoding="utf-8") as f:
        saved = json.load(f)
    out = {}
    for t in saved["otherData"]["awaitscope"]["traces"]:
        strings = [None] + t["strings"]
        roots, names = 0, {}
        for _ts, kind, _task, parent, _lane, text in t["events"]:
            if kind not in TASK_KINDS:
                continue
            if parent == 0:
                roots += 1
            else:
                names[strings[text]] = names.get(strings[text], 0) + 1
        out[t["metadata"].get("variant")] = (roots, names)
    return out


def root_names(path):
    """{variant: [names of its root tasks]} of a saved trace."""
    with open(path, encoding="utf-8") as f:
        saved = json.load(f)
    out = {}
    for t in saved["otherData"]["awaitscope"]["traces"]:
        strings = [None] + t["strings"]
        out[t["metadata"].get("variant")] = [strings[e[5]] for e in t["events"]
                                             if e[1] in TASK_KINDS and e[3] == 0]
    return out


def run_glib(cmd, sid, timeout, lesson=True):
    """`awaitscope run ... --json`, with the TRACE_FIGURES of its log added to
    each variant; for a lesson its runs' root names ("roots"), and for
    SAME_TASKS its tasks' shapes ("shapes")."""
    if sid not in TRACE_FIGURES and sid not in SAME_TASKS and not lesson:
        return run(cmd, timeout)
    with tempfile.TemporaryDirectory(prefix="aw-twin-") as tmp:
        path = os.path.join(tmp, "trace.json")
        glib = run(cmd + ["--trace", path], timeout)
        figures = trace_figures(path) if sid in TRACE_FIGURES else {}
        if sid in SAME_TASKS:
            glib["shapes"] = task_shapes(path)
        if lesson:
            glib["roots"] = root_names(path)
    for v in glib["variants"]:
        v.update(figures.get(v["name"], {}))
    return glib


def shape_checks(path, glib):
    """Each variant's recorded C# run has the GLib run's root, under the same
    name (the lesson's program's), and for SAME_TASKS the GLib run's tasks:
    as many roots, and as many tasks of each name under them."""
    out = []
    try:
        cs = task_shapes(path) if "shapes" in glib else {}
        cs_roots = root_names(path) if "roots" in glib else {}
    except (OSError, ValueError, KeyError) as e:
        return [("lab-tasks", False, f"the lab's trace {path} did not load: {e}")]
    for variant, names in sorted(glib.get("roots", {}).items()):
        got = cs_roots.get(variant)
        out.append((f"lab-root {variant}", got == names, f"C# root {got!r}; GLib root {names!r}"))
    if "shapes" not in glib:
        return out
    for variant, (roots, names) in sorted(glib["shapes"].items()):
        cid = f"lab-tasks {variant}"
        got_roots, got = cs.get(variant, (0, {}))
        ok = got_roots == roots and got == names
        def said(r, n):
            return f"{r} root(s), " + ", ".join(f"{c} x {k!r}" for k, c in sorted(n.items())) if n else f"{r} root(s), nothing under them"
        detail = f"C# recorded {said(got_roots, got)}; GLib {said(roots, names)}"
        out.append((cid, ok, detail))
    return out


def trace_checks(path, cs):
    """The runs the C# lab recorded (--trace) against the twin's own figures:
    one run per variant, with its tasks, ending as the twin says it did
    (a failure's run-end names the error `await` threw)."""
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            saved = json.load(f)
        runs = {t["metadata"].get("variant"): t for t in saved["otherData"]["awaitscope"]["traces"]}
    except (OSError, ValueError, KeyError) as e:
        return [("lab-trace", False, f"the lab's trace {path} did not load: {e}")]
    for v in cs["variants"]:
        cid = f"lab-trace {v['name']}"
        t = runs.get(v["name"])
        if t is None:
            out.append((cid, False, "no recorded run"))
            continue
        strings = [None] + t["strings"]
        ends = [strings[e[5]] or "" for e in t["events"] if e[1] == "run-end"]
        created = [e for e in t["events"] if e[1] in ("created", "call")]
        if len(ends) != 1:
            out.append((cid, False, f"{len(ends)} run-end events"))
            continue
        word = ends[0].split(":")[0]
        want = "completed" if v["handled_by_code"] else "deadlocked" if v["outcome"] == "timed-out" else v["outcome"]
        ok = word == want and len(created) >= 1   # the root at least: some twins use no primitive
        detail = f"recorded {ends[0][:80]!r} with {len(created)} tasks; the twin says {v['outcome']}"
        if ok and want in ("faulted", "crashed") and v["exception"]:
            e = v["exception"]
            message = (e.get("inner") or [e])[0]["message"]
            ok = message in ends[0]
            detail += f" ({message})"
        if ok and v["watchdog_fired"]:
            ok = any(e[1] == "watchdog" for e in t["events"])
            detail += ", watchdog recorded" if ok else ", no watchdog recorded"
        out.append((cid, ok, detail))
    return out


def compile_twin(mcs, source, out):
    cmd = [mcs, "-langversion:latest", "-out:" + out, source,
           os.path.join(HERE, "Lab.cs"), os.path.join(ROOT, "csharp", "Awaitscope.Lab.cs")]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    return p.returncode == 0, p.stdout.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--speed", type=float, default=float(os.environ.get("AW_CSHARP_SPEED", "4")))
    ap.add_argument("ids", nargs="*")
    args = ap.parse_args()

    mcs, mono = shutil.which("mcs"), shutil.which("mono")
    if not mcs or not mono:
        print("1..0 # SKIP mono-mcs is not installed (apt-get install mono-mcs)")
        return 0

    items = []   # (id, scenario path or id for awaitscope, twin source)
    for f in sorted(os.listdir(SCENARIOS)):
        if f.endswith(".json"):
            sid = f[:-5]
            items.append((sid, sid, os.path.join(HERE, sid + ".cs")))
    for f in sorted(os.listdir(PROBES)) if os.path.isdir(PROBES) else []:
        if f.endswith(".json"):
            sid = f[:-5]
            items.append((sid, os.path.join(PROBES, f), os.path.join(PROBES, sid + ".cs")))
    if args.ids:
        items = [i for i in items if i[0] in args.ids]

    builddir = os.environ.get("G_TEST_BUILDDIR")
    outdir = os.path.join(builddir, "csharp") if builddir else tempfile.mkdtemp(prefix="aw-csharp-")
    os.makedirs(outdir, exist_ok=True)

    # Compile everything first, two at a time, before anything is timed.
    compiled = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        jobs = {}
        for sid, _, src in items:
            if os.path.exists(src):
                jobs[sid] = pool.submit(compile_twin, mcs, src, os.path.join(outdir, sid + ".exe"))
        for sid, job in jobs.items():
            compiled[sid] = job.result()

    n = 0
    failed = 0
    pending_results = {}
    for sid, target, src in items:
        speed = SPEEDS.get(sid, args.speed)
        n += 1
        label = f"{sid}" if target == sid else f"probe {sid}"
        if not os.path.exists(src):
            print(f"not ok {n} - {label}: no C# twin (write {os.path.relpath(src, ROOT)})")
            failed += 1
            continue
        ok, log = compiled[sid]
        if not ok:
            print(f"not ok {n} - {label}: mcs failed")
            for line in log.splitlines()[-20:]:
                print("#   " + line)
            failed += 1
            continue
        path = target if os.path.isabs(target) else os.path.join(SCENARIOS, target + ".json")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        pending_here = {cid: k for k, p in PENDING_ENGINE_FIXES.items() if p["scenario"] == sid for cid in p["checks"]}

        results, error, attempt = None, None, 0
        for attempt in range(1, ATTEMPTS + 1):
            try:
                glib = run_glib([AWAITSCOPE, "run", target, "--json", "--speed", str(speed),
                                 "--deadline", str(DEADLINE_MS), "--pool-interval", str(POOL_INTERVAL_MS)], sid, 300,
                                lesson=target == sid)
                lab_trace = os.path.join(outdir, sid + ".trace.json")
                cs = run([mono, os.path.join(outdir, sid + ".exe"), "--speed", str(speed),
                          "--deadline", str(DEADLINE_MS), "--trace", lab_trace], 300)
            except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as e:
                error = str(e)
                continue
            error = None
            results = checks_for(sid, doc, glib, cs, speed) + trace_checks(lab_trace, cs) + shape_checks(lab_trace, glib)
            bad = [(cid, d) for cid, ok, d in results if not ok and cid not in pending_here]
            if not bad:
                break
            if attempt < ATTEMPTS:
                for cid, d in bad:
                    print(f"# {label}, run {attempt}: {cid}: {d} (running it again)")
        if error:
            print(f"not ok {n} - {label}: {error.splitlines()[0]}")
            for line in error.splitlines()[1:]:
                print("#   " + line)
            failed += 1
            continue

        bad = [(cid, d) for cid, ok, d in results if not ok and cid not in pending_here]
        for cid, ok, d in results:
            if cid in pending_here:
                was_ok, was = pending_results.get(pending_here[cid], (True, ""))
                pending_results[pending_here[cid]] = (was_ok and ok, (was + "; " if was else "") + d)
        g = {v["name"]: v for v in glib["variants"]}
        summary = ", ".join(f"{v['name']} {g[v['name']]['wall_ms'] * speed / 1000:.2f}/{v['wall_ms'] * speed / 1000:.2f} s"
                            for v in cs["variants"] if v["name"] in g)
        checked = len(results) - len(pending_here)
        if bad:
            failed += 1
            print(f"not ok {n} - {label}: {len(bad)} of {checked} checks failed (after {attempt} runs)")
            for cid, d in bad:
                print(f"#   {cid}: {d}")
        else:
            again = f", passed on run {attempt}" if attempt > 1 else ""
            at = f", at speed {speed:g}" if speed != args.speed else ""
            print(f"ok {n} - {label}: {checked} checks (GLib/C#, in scenario seconds: {summary}){at}{again}")

    for key, p in PENDING_ENGINE_FIXES.items():
        if p["scenario"] not in [i[0] for i in items]:
            continue
        n += 1
        ok, detail = pending_results.get(key, (False, "not evaluated (the scenario did not run)"))
        if ok:
            print(f"ok {n} - pending engine fix {key} now holds ({detail}): "
                  f"remove it from PENDING_ENGINE_FIXES in tests/csharp/run-twins.py")
        else:
            print(f"not ok {n} - {p['scenario']}: {key} # TODO engine fix pending: {p['why']}")
            print(f"#   today: {detail}")
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
