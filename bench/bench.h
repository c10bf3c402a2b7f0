/* bench.h: the benchmark harness: goals, statistics, clocks, processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every goal is a figure of ours divided by a limit measured in the same
 * process run, on the same machine, against a maximum ratio. Absolute times
 * on a shared machine drift; ratios measured side by side do not as much.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gboolean  smoke;        /* tiny sizes, one repeat: checks that everything runs */
  gboolean  json;
  guint     repeats;      /* at least 5 unless smoke */
  char     *only;         /* run only the sections whose name contains this */
  char     *tmpdir;       /* scratch files, removed at exit */
  GPtrArray *goals;       /* AwBenchGoal */
  gboolean  failed;       /* a measurement could not be made */
} AwBench;

typedef struct {
  char     *name;
  char     *unit;
  double    value;        /* our figure */
  double    limit;        /* the limit it is compared with */
  double    ratio;        /* value / limit */
  double    goal;         /* the largest ratio that passes */
  gboolean  pass;
  gboolean  measured;     /* FALSE: skipped (no display, no GTK) */
  char     *what;         /* what the figure is */
  char     *limit_what;   /* what the limit is */
  char     *note;         /* (nullable) detail: spreads, other figures */
} AwBenchGoal;

AwBenchGoal *aw_bench_add_goal     (AwBench     *bench,
                                    const char  *name,
                                    const char  *unit,
                                    double       value,
                                    double       limit,
                                    double       goal,
                                    const char  *what,
                                    const char  *limit_what);
void         aw_bench_skip_goal    (AwBench     *bench,
                                    const char  *name,
                                    const char  *unit,
                                    double       goal,
                                    const char  *what,
                                    const char  *why);
void         aw_bench_note         (AwBenchGoal *goal,
                                    const char  *format,
                                    ...) G_GNUC_PRINTF (2, 3);
void         aw_bench_progress     (AwBench     *bench,
                                    const char  *format,
                                    ...) G_GNUC_PRINTF (2, 3);
gboolean     aw_bench_wants        (AwBench     *bench,
                                    const char  *section);
guint        aw_bench_repeats      (AwBench     *bench);

double       aw_bench_median       (const double *values,
                                    guint         n);
double       aw_bench_percentile   (double      *values,
                                    guint        n,
                                    double       p);
double       aw_bench_min          (const double *values,
                                    guint         n);
double       aw_bench_max          (const double *values,
                                    guint         n);

gint64       aw_bench_now_ns       (void);
gint64       aw_bench_thread_cpu_ns (void);
gsize        aw_bench_rss_bytes    (void);
gsize        aw_bench_heap_bytes   (void);

char        *aw_bench_build_path   (const char  *env,
                                    const char  *built);
char       **aw_bench_child_env    (void);
double       aw_bench_spawn_ms     (char       **argv,
                                    char       **envp,
                                    const char  *until_line,
                                    GError     **error);

/* Sections, each adding its goals. */
void aw_bench_recorder (AwBench *bench);
void aw_bench_memory   (AwBench *bench);
void aw_bench_timers   (AwBench *bench);
void aw_bench_cancel   (AwBench *bench);
void aw_bench_render   (AwBench *bench);
void aw_bench_picture  (AwBench *bench);
void aw_bench_startup  (AwBench *bench);
void aw_bench_frames   (AwBench *bench);

G_END_DECLS
