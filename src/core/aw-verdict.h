/* aw-verdict.h: warnings computed from a run, and the expected outcome checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "aw-analysis-enums.h"
#include "aw-named-run.h"
#include "aw-scenario.h"
#include "aw-trace-model.h"

G_BEGIN_DECLS

/* Thresholds of the lints, in real milliseconds. */
#define AW_LINT_BLOCKED_MS         100  /* main loop blocked longer than this */
#define AW_LINT_CANCEL_IGNORED_MS   50  /* work kept running this long after a cancel */
#define AW_LINT_ABANDONED_MS        50  /* work after the caller gave up, in total */

/**
 * AwWarningKind:
 * @AW_WARNING_ERROR_UNOBSERVED: a task failed and no code ever saw its error
 * @AW_WARNING_MAIN_LOOP_BLOCKED: the main loop went more than 100 ms without a frame
 * @AW_WARNING_CANCEL_IGNORED: work kept running more than 50 ms after its token was cancelled
 * @AW_WARNING_COMPLETED_SYNC: GTasks that completed without waiting: none was needed
 * @AW_WARNING_WORK_WASTED: work ran after its caller had given up on it
 * @AW_WARNING_ERROR_SWALLOWED: an awaited Task.WhenAll rethrew only the
 *   first error in argument order; others are observed but no code sees them
 *
 * What a warning is about. The order is the order warnings are reported in;
 * each kind's nick is its id in `run --json` (see aw_warning_kind_to_string()).
 */
typedef enum {
  AW_WARNING_ERROR_UNOBSERVED,
  AW_WARNING_MAIN_LOOP_BLOCKED,
  AW_WARNING_CANCEL_IGNORED,
  AW_WARNING_COMPLETED_SYNC,
  AW_WARNING_WORK_WASTED,
  AW_WARNING_ERROR_SWALLOWED,
  AW_WARNING_LAST                 /*< skip >*/
} AwWarningKind;

/**
 * AwWarning:
 * @kind: an #AwWarningKind
 * @task: the task it is about, or 0 for the run as a whole
 * @task_name: (nullable): that task's name
 * @ms: the duration it is about (the gap, the time run after a cancel, the
 *   work wasted, when the error happened), in real milliseconds, or -1
 * @count: how many tasks it covers (1 for a single task)
 * @message: what happened and what to do, in plain words for a student
 *
 * One lint result: something in the trace a teacher would point at. It
 * owns its strings (a copy of the task's name, the message): they stay
 * valid after the model is updated or freed, until aw_warning_free().
 */
typedef struct {
  AwWarningKind kind;
  guint32       task;
  char         *task_name;
  double        ms;
  guint         count;
  char         *message;
} AwWarning;

GPtrArray   *aw_lint_run                   (AwTraceModel   *model);
void         aw_warning_free               (AwWarning      *warning);
const char  *aw_warning_kind_to_string     (AwWarningKind   kind);
const char  *aw_warning_kind_title         (AwWarningKind   kind);
double       aw_lint_abandoned_work_ms     (AwTraceModel   *model,
                                            guint32        *worst_task);

/**
 * AwCheckStatus:
 * @AW_CHECK_MET: the figure is within the bound
 * @AW_CHECK_NOT_MET: the figure is outside the bound, or missing
 * @AW_CHECK_NOT_CHECKED: a variant the check needs was not run
 */
typedef enum {
  AW_CHECK_MET,
  AW_CHECK_NOT_MET,
  AW_CHECK_NOT_CHECKED,
} AwCheckStatus;

/**
 * AwCheck:
 * @metric: a metric name (see aw_verdict_list_metrics())
 * @variant: the variant whose figure is checked
 * @variant_title: its title, quoted: "“WhenAll”"
 * @op: "at_most", "at_least", "at_most_ratio", "at_least_ratio" or "is"
 * @bound: the bound (a ratio for the ratio operators)
 * @of: (nullable): the variant a ratio compares with
 * @of_title: (nullable): its title, quoted
 * @expected_outcome: (nullable): for "is": completed, faulted or cancelled
 * @status: the result
 * @value: the figure measured on @variant; durations are scenario
 *   milliseconds (measured time multiplied by the run's speed)
 * @other: the figure measured on @of, for ratios
 * @ratio: @value / @other, for ratios
 * @outcome: (nullable): for "is": the outcome measured
 * @text: the check with its figures in one line, variants by name, as
 *   `run` prints it
 * @claim: what the check expects, by titles, without figures:
 *   "“WhenAll”: wall time at most 0.50x that of “One by one”"
 * @detail: the check by titles with its figures, and for a check that
 *   failed by how much: "“Too slow”: wall time 1.40 s; expected at most
 *   1.20 s: 200 ms over"; for one not checked, why
 * @real_only: checked on real runs only; not checked under the virtual clock
 * @needs_real_run: not checked because the run was simulated
 * @stopped: not checked because the user cancelled a run it needs
 * @missing: (nullable): not checked because this variant (@variant_title
 *   or @of_title) was not run
 */
typedef struct {
  char          *metric;
  char          *variant;
  char          *variant_title;
  const char    *op;
  double         bound;
  char          *of;
  char          *of_title;
  char          *expected_outcome;
  AwCheckStatus  status;
  double         value;
  double         other;
  double         ratio;
  char          *outcome;
  char          *text;
  char          *claim;
  char          *detail;
  gboolean       real_only;
  gboolean       needs_real_run;
  gboolean       stopped;
  const char    *missing;
} AwCheck;

/**
 * AwVerdict:
 * @met: the main claim held, every check that ran held, and no run was
 *   cancelled by the user
 * @n_met: checks that held
 * @n_not_met: checks that failed
 * @n_not_checked: checks naming a variant that was not run, or one the
 *   user cancelled
 * @checks: (element-type AwCheck): every check, in file order
 * @headline: (nullable): the scenario's main claim: its first check
 * @stopped_by_user: a run was cancelled by the user (the window's Cancel)
 * @stopped_title: (nullable): that run's variant title, quoted
 * @stopped_ms: when, in milliseconds from that run's start, or -1
 * @n_runs_before_stop: how many runs came before it
 * @speed: the runs' speed (durations in checks are at speed 1)
 *
 * The verdict owns its checks and their strings (copies, except @op, a
 * static string): they stay valid after the scenario and the runs are
 * freed, until aw_verdict_free().
 */
typedef struct {
  gboolean       met;
  guint          n_met;
  guint          n_not_met;
  guint          n_not_checked;
  GPtrArray     *checks;
  const AwCheck *headline;
  gboolean       stopped_by_user;
  char          *stopped_title;
  double         stopped_ms;
  guint          n_runs_before_stop;
  double         speed;
} AwVerdict;

AwVerdict          *aw_verdict_check          (AwScenario       *scenario,
                                               const AwNamedRun *variants,
                                               guint             n_variants);
void                aw_verdict_free           (AwVerdict             *verdict);
char               *aw_verdict_to_string      (const AwVerdict       *verdict);
char               *aw_verdict_explain        (const AwVerdict       *verdict);
char               *aw_verdict_headline       (const AwVerdict  *verdict,
                                               const AwNamedRun *variants,
                                               guint             n_variants);
const char         *aw_check_status_to_string (AwCheckStatus          status);

const char * const *aw_verdict_list_metrics   (void);
gboolean            aw_verdict_get_metric     (AwTraceModel          *model,
                                               const char            *metric,
                                               double                *value);
gboolean            aw_verdict_validate_check (AwScenario            *scenario,
                                               JsonObject            *check,
                                               const char           **member,
                                               char                 **message);
gboolean            aw_verdict_validate_scenario (AwScenario         *scenario,
                                                  GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AwWarning, aw_warning_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AwVerdict, aw_verdict_free)

G_END_DECLS
