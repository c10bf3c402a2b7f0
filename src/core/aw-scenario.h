/* aw-scenario.h: the scenario language: small asynchronous programs as JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "aw-engine-enums.h"

G_BEGIN_DECLS

/* Limits of the scenario language, enforced by the parser. */
#define AW_SCENARIO_MAX_FILE_SIZE   (1024 * 1024)  /* bytes */
#define AW_SCENARIO_MAX_JSON_DEPTH  128            /* brackets, checked before parsing */
#define AW_SCENARIO_MAX_DEPTH       64             /* nested program nodes */
#define AW_SCENARIO_MAX_TASKS       1000000        /* tasks one variant may start */
#define AW_SCENARIO_MAX_DURATION_MS 600000         /* 10 minutes */
#define AW_SCENARIO_MAX_TOTAL_WORK_MS    3600000   /* CPU work in one run, copies counted: 1 hour */
#define AW_SCENARIO_MAX_TOTAL_BLOCKED_MS 600000    /* UI thread blocked in one run: 10 minutes */
#define AW_SCENARIO_MAX_COUNT       1000000        /* repeat / parallel copies */
#define AW_SCENARIO_MAX_REPORTS     1000           /* progress reports of one node */
#define AW_SCENARIO_MAX_VARIANTS    8
#define AW_SCENARIO_MAX_CHILDREN    1000           /* literal children of one node */
#define AW_SCENARIO_MAX_TEXT        (64 * 1024)    /* one text field, bytes */
#define AW_SCENARIO_MAX_NAME        120            /* a task or variant name, characters */
#define AW_WAIT_DEFAULT_DEADLINE_MS 5000
#define AW_WAIT_MAX_DEADLINE_MS     30000

/* .NET's thread pool, as the "dotnet" pool models it (see AwPool). */
#define AW_POOL_DEFAULT_INTERVAL_MS 500     /* .NET's and Mono's starvation check */
#define AW_POOL_MIN_INTERVAL_MS     10
#define AW_POOL_DEFAULT_MAX_THREADS 32
#define AW_POOL_MAX_THREADS         256

#define AW_SCENARIO_ERROR (aw_scenario_error_quark ())

typedef enum {
  AW_SCENARIO_ERROR_IO,
  AW_SCENARIO_ERROR_SYNTAX,
  AW_SCENARIO_ERROR_INVALID,
  AW_SCENARIO_ERROR_LIMIT,
  AW_SCENARIO_ERROR_NOT_FOUND,
} AwScenarioError;

/**
 * AwNodeType:
 *
 * A program node's type. Each type's nick is its "type" in scenario files
 * (see aw_node_type_to_string()).
 */
typedef enum /*< prefix=AW_NODE >*/ {
  AW_NODE_DELAY,
  AW_NODE_IO,
  AW_NODE_CPU,
  AW_NODE_FAIL,
  AW_NODE_CACHED,
  AW_NODE_SEQUENCE,
  AW_NODE_WHEN_ALL,            /*< nick=when_all >*/
  AW_NODE_WHEN_ANY,            /*< nick=when_any >*/
  AW_NODE_TIMEOUT,
  AW_NODE_REPEAT,
  AW_NODE_PARALLEL,
  AW_NODE_FIRE_AND_FORGET,     /*< nick=fire_and_forget >*/
  AW_NODE_BLOCK_UI,            /*< nick=block_ui >*/
  AW_NODE_WAIT_BLOCKING,       /*< nick=wait_blocking >*/
  AW_NODE_COMPLETION_SOURCE,   /*< nick=completion_source >*/
  AW_NODE_LAST                 /*< skip >*/
} AwNodeType;

/**
 * AwPoolKind:
 * @AW_POOL_AS_SCENARIO: (run options only) the pool the scenario names
 * @AW_POOL_FIXED: a fixed number of worker threads
 * @AW_POOL_DOTNET: .NET's thread pool: it starts with the run's workers and
 *   grows while queued work makes no progress (see #AwPool)
 *
 * Which worker pool runs `cpu` work. Each kind's nick is its name in
 * scenario files ("pool") and on the command line (`run --pool`).
 */
typedef enum /*< prefix=AW_POOL >*/ {
  AW_POOL_AS_SCENARIO,         /*< skip >*/
  AW_POOL_FIXED,
  AW_POOL_DOTNET,
} AwPoolKind;

/**
 * AwPool:
 * @kind: %AW_POOL_FIXED or %AW_POOL_DOTNET
 * @interval_ms: the dotnet pool's interval, in scenario milliseconds
 * @max_threads: the most threads the dotnet pool grows to
 *
 * The worker pool a scenario's runs use: "pool" in its file, fixed unless
 * it says. The dotnet pool is .NET's thread pool's starvation rule (Mono
 * 6.8 behaves the same; hill climbing, and the longer wait while the CPU is
 * busy, are left out): it starts with the run's workers (the processor
 * count by default) and checks every @interval_ms from the moment the first
 * job is queued. When jobs are waiting in the queue and no job finished
 * during the whole last interval, it adds one thread, which takes the
 * first job still waiting, up to @max_threads. Threads are never retired
 * during a run. .NET's own maximum is far higher (32,767 threads; Mono's is
 * 100 per processor): this one keeps a run from flooding the machine.
 */
typedef struct {
  AwPoolKind kind;
  guint      interval_ms;
  guint      max_threads;
} AwPool;

typedef struct _AwNode AwNode;

/**
 * AwNode:
 *
 * One node of a variant's program tree. Read-only once parsed.
 */
struct _AwNode {
  AwNodeType  type;
  char       *name;            /* shown on the timeline; never NULL after parsing */
  guint       ms;              /* duration (leaves), deadline (timeout, wait_blocking) */
  guint       count;           /* repeat, parallel */
  double      hit_ratio;       /* cached: share of calls that hit, 0..1 */
  gboolean    value_task;      /* cached: hits complete synchronously (ValueTask), else via a GTask */
  gboolean    cooperative;     /* cpu: checks the token */
  guint       check_ms;        /* cpu: how often a cooperative worker checks */
  gboolean    blocking;        /* cpu: the worker sleeps (holds its thread) instead of burning CPU */
  gboolean    first_error_only; /* when_all: await rethrows the first error, the rest are never seen */
  gboolean    cancel_rest;     /* when_any: cancel the losers */
  gboolean    catches;         /* sequence: a try/catch around the children catches a fault */
  gboolean    aggregate;       /* wait_blocking: .Wait() / .Result wrap the error in an AggregateException */
  gboolean    async_void;      /* fire_and_forget: an async void method: an escaping error ends the process */
  guint       limit;           /* parallel: at most this many copies at once (SemaphoreSlim), 0 for no limit */
  guint       progress_ms;     /* cpu, block_ui: a progress report every so much work, 0 for none */
  gboolean    continue_on_worker; /* wait_blocking: ConfigureAwait(false) */
  guint       work_ms;         /* completion_source: the continuation's CPU work */
  gboolean    run_async;       /* completion_source: RunContinuationsAsynchronously */
  char       *message;         /* fail: the error message */
  guint       csharp_line;     /* the line of the C# snippet this node stands for, 0 if none */
  guint       c_line;          /* the line of the GLib C snippet, 0 if none */
  AwNode    **children;
  guint       n_children;
  guint       line;            /* where the node starts in its file */
  guint       column;
};

/**
 * AwVariant:
 *
 * One way of running the scenario's work. Owned by its scenario and
 * read-only, program tree included: valid as long as the scenario.
 */
typedef struct {
  char   *name;                /* id, e.g. "one-by-one" */
  char   *title;               /* e.g. "One by one" */
  char   *description;
  AwNode *program;
  guint64 n_tasks;             /* tasks a run of this variant starts, at most */
  gint    cancel_after_ms;     /* the run's token is cancelled after this (scenario ms), or -1 */
} AwVariant;

/**
 * AwScenario:
 *
 * A parsed scenario file. It never changes after parsing, so any thread
 * may read it. Every string, variant, node and JSON object a getter
 * returns is owned by the scenario and valid as long as it lives (hold a
 * reference, as a run does, to keep them). The checks of the expected
 * outcome are kept as written; aw_verdict_validate_scenario() (analysis)
 * validates them, and the catalogue hands out only validated scenarios.
 */
#define AW_TYPE_SCENARIO (aw_scenario_get_type ())
G_DECLARE_FINAL_TYPE (AwScenario, aw_scenario, AW, SCENARIO, GObject)

AwScenario      *aw_scenario_new_from_file     (const char   *path,
                                                GError      **error);
AwScenario      *aw_scenario_new_from_data     (const char   *data,
                                                gssize        length,
                                                const char   *display_name,
                                                GError      **error);
AwScenario      *aw_scenario_new_from_resource (const char   *resource_path,
                                                GError      **error);

const char      *aw_scenario_get_id            (AwScenario   *self);
const char      *aw_scenario_get_title         (AwScenario   *self);
guint            aw_scenario_get_part          (AwScenario   *self);
const char      *aw_scenario_get_part_title    (AwScenario   *self);
const char      *aw_scenario_get_question      (AwScenario   *self);
const char      *aw_scenario_get_summary       (AwScenario   *self);
const char      *aw_scenario_get_narration     (AwScenario   *self);
const char      *aw_scenario_get_csharp        (AwScenario   *self);
const char      *aw_scenario_get_c_code        (AwScenario   *self);
const char      *aw_scenario_get_expected_text (AwScenario   *self);
JsonObject      *aw_scenario_get_expected      (AwScenario   *self);
const char      *aw_scenario_get_source        (AwScenario   *self);
guint            aw_scenario_get_n_variants    (AwScenario   *self);
const AwVariant *aw_scenario_get_variant       (AwScenario   *self,
                                                guint         index);
const AwVariant *aw_scenario_find_variant      (AwScenario   *self,
                                                const char   *name,
                                                guint        *index);
const AwPool    *aw_scenario_get_pool          (AwScenario   *self);
guint            aw_scenario_get_n_checks      (AwScenario   *self);
JsonObject      *aw_scenario_get_check         (AwScenario   *self,
                                                guint         index);
void             aw_scenario_set_check_error   (AwScenario   *self,
                                                guint         index,
                                                const char   *member,
                                                GError      **error,
                                                const char   *format,
                                                ...) G_GNUC_PRINTF (5, 6);

const char      *aw_node_type_to_string        (AwNodeType    type);
const char      *aw_pool_kind_to_string        (AwPoolKind    kind);
gboolean         aw_pool_kind_from_string      (const char   *name,
                                                AwPoolKind   *kind);
GQuark           aw_scenario_error_quark       (void);

void             aw_scenario_translate         (AwScenario   *self,
                                                const char   *domain);

G_END_DECLS
