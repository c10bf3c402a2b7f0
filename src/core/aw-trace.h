/* aw-trace.h: the append-only, thread-safe event log of a run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "aw-trace-enums.h"

G_BEGIN_DECLS

/**
 * AwEventKind:
 * @AW_EVENT_RUN_BEGIN: the variant starts; text: variant name
 * @AW_EVENT_RUN_END: the root task finished; text: outcome
 * @AW_EVENT_TASK_CREATED: a GTask-backed task exists; text: task name
 * @AW_EVENT_TASK_SYNC: completed synchronously, no GTask; text: task name
 * @AW_EVENT_TASK_CALL: a synchronous call that takes time, no GTask; text: name
 * @AW_EVENT_TASK_QUEUED: waiting for a worker thread
 * @AW_EVENT_TASK_RUNNING: code of the task runs on the event's lane
 * @AW_EVENT_TASK_WAITING: awaiting (a timer or children): holds no thread
 * @AW_EVENT_TASK_COMPLETED: the task completed
 * @AW_EVENT_TASK_FAULTED: the task failed; text: the error message
 * @AW_EVENT_TASK_CANCELLED: the task was cancelled
 * @AW_EVENT_CANCEL_REQUEST: a token was cancelled; task: the scope owner; text: why
 * @AW_EVENT_CANCEL_OBSERVED: a worker saw the token and stopped
 * @AW_EVENT_ERROR_OBSERVED: a child's error reached its awaiting parent
 * @AW_EVENT_ERROR_UNOBSERVED: a task faulted and nobody will ever see it
 * @AW_EVENT_FRAME: main-loop heartbeat (a frame tick)
 * @AW_EVENT_UI_BLOCK_BEGIN: the main thread stops serving its loop
 * @AW_EVENT_UI_BLOCK_END: the main thread serves its loop again
 * @AW_EVENT_WATCHDOG: a blocking wait hit its deadline
 * @AW_EVENT_MARK: free annotation; text: label
 * @AW_EVENT_ERROR_SWALLOWED: a child's error that an awaited Task.WhenAll
 *   observed but did not rethrow: no code sees it, yet it is not
 *   unobserved; parent: the WhenAll; text: the error message
 * @AW_EVENT_TASK_DEADLOCKED: the task never finishes in C#: it is a blocking
 *   wait (.Result) that deadlocked, code that awaits one, or the task whose
 *   continuation was queued to the thread the wait blocked; the watchdog
 *   ended it; text: why
 * @AW_EVENT_CRASH: an exception escaped an async void method: in C# it is
 *   rethrown on the SynchronizationContext and the process ends; task: the
 *   method that threw; text: the message
 *
 * What happened. Task events carry the task id; run-level events use task 0.
 * Each kind's nick is its name in saved traces (see
 * aw_event_kind_to_string()); the annotations give the nicks that differ
 * from the value's name.
 */
typedef enum /*< prefix=AW_EVENT >*/ {
  AW_EVENT_RUN_BEGIN = 1,
  AW_EVENT_RUN_END,
  AW_EVENT_TASK_CREATED,      /*< nick=created >*/
  AW_EVENT_TASK_SYNC,         /*< nick=sync-completed >*/
  AW_EVENT_TASK_CALL,         /*< nick=call >*/
  AW_EVENT_TASK_QUEUED,       /*< nick=queued >*/
  AW_EVENT_TASK_RUNNING,      /*< nick=running >*/
  AW_EVENT_TASK_WAITING,      /*< nick=waiting >*/
  AW_EVENT_TASK_COMPLETED,    /*< nick=completed >*/
  AW_EVENT_TASK_FAULTED,      /*< nick=faulted >*/
  AW_EVENT_TASK_CANCELLED,    /*< nick=cancelled >*/
  AW_EVENT_CANCEL_REQUEST,
  AW_EVENT_CANCEL_OBSERVED,
  AW_EVENT_ERROR_OBSERVED,
  AW_EVENT_ERROR_UNOBSERVED,
  AW_EVENT_FRAME,
  AW_EVENT_UI_BLOCK_BEGIN,
  AW_EVENT_UI_BLOCK_END,
  AW_EVENT_WATCHDOG,
  AW_EVENT_MARK,
  AW_EVENT_ERROR_SWALLOWED,
  AW_EVENT_TASK_DEADLOCKED,   /*< nick=deadlocked >*/
  AW_EVENT_CRASH,
  AW_EVENT_LAST               /*< skip >*/
} AwEventKind;

/**
 * AwEvent:
 * @time_ns: nanoseconds since the trace's start (CLOCK_MONOTONIC)
 * @task: the task id, 0 for run-level events
 * @parent: the parent task id (meaningful on CREATED and SYNC)
 * @str: interned string id, 0 for none (see aw_trace_get_string())
 * @kind: an #AwEventKind
 * @lane: the thread lane the event happened on (0 is the main thread)
 *
 * One recorded event, 24 bytes.
 */
typedef struct {
  gint64  time_ns;
  guint32 task;
  guint32 parent;
  guint32 str;
  guint16 kind;
  guint16 lane;
} AwEvent;

G_STATIC_ASSERT (sizeof (AwEvent) == 24);

typedef struct _AwTrace AwTrace;

/* Metadata keys a run records (aw_trace_set_metadata()); saved traces keep them. */
#define AW_META_SCENARIO       "scenario"
#define AW_META_SCENARIO_TITLE "scenario_title"
#define AW_META_VARIANT        "variant"
#define AW_META_VARIANT_TITLE  "variant_title"
#define AW_META_SPEED          "speed"
#define AW_META_WORKERS        "workers"
#define AW_META_CLOCK          "clock"         /* "real", "virtual" or "imported" */
#define AW_META_HEARTBEAT_MS   "heartbeat_ms"
#define AW_META_POOL           "pool"          /* "fixed" or "dotnet" */
#define AW_META_POOL_INTERVAL_MS "pool_interval_ms" /* the dotnet pool's, real ms */
#define AW_META_POOL_MAX_THREADS "pool_max_threads" /* the dotnet pool's */
#define AW_META_STOPPED_BY_USER "stopped_by_user" /* "true": the user cancelled the run (the window's Cancel) */
#define AW_META_SIMULATION_CUT "simulation_cut"  /* why the virtual clock stopped before the run ended */

/* Texts of recorded events that readers look for: a RUN_END's outcome
 * starts with one of the first five; a MARK says a blocking wait's
 * continuation ran after the watchdog gave up on it, or starts a
 * progress report, a SetResult or the pool's growth. */
#define AW_RUN_COMPLETED       "completed"
#define AW_RUN_CANCELLED       "cancelled"
#define AW_RUN_FAULTED         "faulted"
#define AW_RUN_DEADLOCKED      "deadlocked"
#define AW_RUN_CRASHED         "crashed"
#define AW_MARK_STRANDED       "stranded callback ran"
#define AW_MARK_REPORT         "Report("      /* a progress report: "Report(25%)" */
#define AW_MARK_SET_RESULT     "SetResult"    /* a callback completed a TaskCompletionSource's Task */
#define AW_MARK_POOL_GREW      "pool: "       /* the dotnet pool added a thread: "pool: 3 threads" */

#define AW_TYPE_TRACE (aw_trace_get_type ())
GType        aw_trace_get_type        (void) G_GNUC_CONST;

AwTrace     *aw_trace_new             (void);
AwTrace     *aw_trace_ref             (AwTrace      *trace);
void         aw_trace_unref           (AwTrace      *trace);

gint64       aw_trace_now             (AwTrace      *trace);
gint64       aw_trace_get_origin_ns   (AwTrace      *trace);
void         aw_trace_record          (AwTrace      *trace,
                                       AwEventKind   kind,
                                       guint32       task,
                                       guint32       parent,
                                       guint32       str);
void         aw_trace_record_at       (AwTrace      *trace,
                                       gint64        time_ns,
                                       AwEventKind   kind,
                                       guint32       task,
                                       guint32       parent,
                                       guint32       str);
void         aw_trace_append_event    (AwTrace       *trace,
                                       const AwEvent *event);
guint32      aw_trace_intern          (AwTrace      *trace,
                                       const char   *text);
const char  *aw_trace_get_string      (AwTrace      *trace,
                                       guint32       str);
guint        aw_trace_get_n_strings   (AwTrace      *trace);

guint        aw_trace_merge           (AwTrace      *trace);
const AwEvent *aw_trace_get_events    (AwTrace      *trace,
                                       guint        *n_events);
guint        aw_trace_get_n_lanes     (AwTrace      *trace);
const char  *aw_trace_get_lane_name   (AwTrace      *trace,
                                       guint         lane);
void         aw_trace_set_lane_name   (AwTrace      *trace,
                                       guint         lane,
                                       const char   *name);
void         aw_trace_name_this_lane  (AwTrace      *trace,
                                       const char   *name);
gsize        aw_trace_get_memory_size (AwTrace      *trace);

void         aw_trace_set_metadata    (AwTrace      *trace,
                                       const char   *key,
                                       const char   *value);
const char  *aw_trace_get_metadata    (AwTrace      *trace,
                                       const char   *key);
GHashTable  *aw_trace_get_all_metadata (AwTrace     *trace);

const char  *aw_event_kind_to_string  (AwEventKind  kind);
AwEventKind  aw_event_kind_from_string (const char  *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AwTrace, aw_trace_unref)

G_END_DECLS
