/* aw-cli-private.h: what the command files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each command lives in its own file (aw-cli-list.c, aw-cli-run.c, ...)
 * and aw-cli.c dispatches to them, as GTK's gtk-builder-tool.c does with
 * its tools. What more than one command needs is here: errors and option
 * parsing (aw-cli-util.c), the options of every command that writes a
 * picture (AwCliPicture, also aw-cli-util.c) and a set of runs of one
 * scenario (AwCliRunSet, aw-cli-run-set.c).
 */

#pragma once

#include <stdio.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "aw-export.h"
#include "aw-format.h"
#include "aw-render.h"
#include "aw-runner.h"
#include "aw-scenario.h"
#include "aw-trace-model.h"

G_BEGIN_DECLS

/* How often a CLI run records a main-loop heartbeat. */
#define AW_CLI_HEARTBEAT_MS 10

/* The commands: argv[0] is the command's name. Each returns the exit status. */
int      aw_cli_list                (int            argc,
                                     char         **argv);
int      aw_cli_run                 (int            argc,
                                     char         **argv);
int      aw_cli_render              (int            argc,
                                     char         **argv);
int      aw_cli_check               (int            argc,
                                     char         **argv);
int      aw_cli_replay              (int            argc,
                                     char         **argv);
int      aw_cli_gallery             (int            argc,
                                     char         **argv);

/* aw-cli-util.c */
void     aw_cli_print_error         (const char    *format,
                                     ...) G_GNUC_PRINTF (1, 2);
gboolean aw_cli_is_terminal         (FILE          *stream);
gboolean aw_cli_parse_options       (const char    *command,
                                     const char    *parameters,
                                     const char    *summary,
                                     GOptionGroup  *group,
                                     GOptionEntry  *entries,
                                     int           *argc,
                                     char        ***argv,
                                     int           *exit_code);
gboolean aw_cli_parse_speed         (const char    *text,
                                     double        *speed);
gboolean aw_cli_parse_deadline      (int            deadline,
                                     AwRunOptions  *options);
gboolean aw_cli_parse_pool          (const char    *kind,
                                     int            interval,
                                     int            max_threads,
                                     AwRunOptions  *options);
char    *aw_cli_describe_pool       (AwTrace       *trace);
gboolean aw_cli_check_output_folder (const char    *path);
int      aw_cli_column_width        (const char    *heading,
                                     int            min);
void     aw_cli_print_padded        (const char    *text,
                                     int            width);
char    *aw_cli_outcome_text        (const char    *outcome);

/**
 * AwCliColumn:
 *
 * The columns of a table of runs (`run`, `run FILE.cs`, `run --csharp`),
 * in their order: each figure of #AwMetrics the table shows.
 */
typedef enum {
  AW_CLI_COLUMN_VARIANT,
  AW_CLI_COLUMN_WALL,
  AW_CLI_COLUMN_TASKS,
  AW_CLI_COLUMN_DONE,
  AW_CLI_COLUMN_FAILED,
  AW_CLI_COLUMN_CANCELLED,
  AW_CLI_COLUMN_DEADLOCKED,
  AW_CLI_COLUMN_THREADS,
  AW_CLI_COLUMN_TASK_OBJS,
  AW_CLI_COLUMN_UNOBSERVED,
  AW_CLI_COLUMN_MAX_GAP,
  AW_CLI_N_COLUMNS
} AwCliColumn;

/* Every column but @c. */
#define AW_CLI_COLUMNS_BUT(c) (((1u << AW_CLI_N_COLUMNS) - 1) & ~(1u << (c)))

void     aw_cli_runs_header         (guint            columns,
                                     int              widths[AW_CLI_N_COLUMNS]);
void     aw_cli_runs_row            (guint            columns,
                                     const int        widths[AW_CLI_N_COLUMNS],
                                     const char      *name,
                                     const AwMetrics *m);

/**
 * AwCliPictureFlags:
 * @AW_CLI_PICTURE_OUTPUT: the command takes `-o FILE`
 * @AW_CLI_PICTURE_TRANSPARENT: the command takes `--transparent`
 *
 * The picture options a command takes beyond `--size`, `--theme` and
 * `--scale`, which every picture command has.
 */
typedef enum {
  AW_CLI_PICTURE_OUTPUT      = 1 << 0,
  AW_CLI_PICTURE_TRANSPARENT = 1 << 1,
} AwCliPictureFlags;

/**
 * AwCliPicture:
 * @output: (nullable): `-o FILE`, as given
 * @size: (nullable): `--size WxH`, as given
 * @theme_name: (nullable): `--theme`, as given
 * @scale: `--scale`
 * @transparent: `--transparent`
 * @format: the format @output names, once checked
 * @width: the width, once checked (1280 unless given)
 * @height: the height, once checked (720 unless given)
 * @theme: the theme, once checked
 *
 * The options of every command that draws a picture, filled in by the
 * group from aw_cli_picture_options() and checked by aw_cli_picture_check().
 */
typedef struct {
  char          *output;
  char          *size;
  char          *theme_name;
  double         scale;
  gboolean       transparent;
  AwImageFormat  format;
  int            width;
  int            height;
  const AwTheme *theme;
} AwCliPicture;

void          aw_cli_picture_init    (AwCliPicture      *picture);
void          aw_cli_picture_clear   (AwCliPicture      *picture);
GOptionGroup *aw_cli_picture_options (AwCliPicture      *picture,
                                      AwCliPictureFlags  flags);
int           aw_cli_picture_check   (AwCliPicture      *picture,
                                      const char        *output,
                                      gboolean           check_folder);
int           aw_cli_picture_check_output (const char   *command,
                                           AwCliPicture *picture);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AwCliPicture, aw_cli_picture_clear)

/**
 * AwCliRunSet:
 * @scenario: the scenario
 * @indices: (element-type guint): the variants to run, by index
 * @models: (element-type AwTraceModel): one finished run per index
 * @variants: (element-type AwNamedRun): the same runs, named
 * @virtual_clock: simulate instead of running
 * @predict: also simulate, to set the prediction beside each run
 * @predictions: (element-type AwTraceModel) (nullable): the simulations,
 *   when predicting
 *
 * Runs of one scenario, made by `run`, `render` and `gallery`.
 */
typedef struct {
  AwScenario *scenario;
  GArray     *indices;
  GPtrArray  *models;
  GArray     *variants;
  gboolean    virtual_clock;
  gboolean    predict;
  GPtrArray  *predictions;
} AwCliRunSet;

void     aw_cli_run_set_clear   (AwCliRunSet         *set);
gboolean aw_cli_run_set_prepare (AwCliRunSet         *set,
                                 const char          *id,
                                 const char          *variant);
gboolean aw_cli_run_set_execute (AwCliRunSet         *set,
                                 const AwRunOptions  *options);
char    *aw_cli_run_set_describe_pool (AwCliRunSet       *set);
void     aw_cli_run_set_request (AwCliRunSet         *set,
                                 const AwRunOptions  *options,
                                 AwRenderRequest     *request,
                                 char               **caption,
                                 char               **headline,
                                 char               **description);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AwCliRunSet, aw_cli_run_set_clear)

/* aw-cli-run.c */
void     aw_cli_add_metrics_json (JsonBuilder        *b,
                                  const char         *name,
                                  const char         *title,
                                  AwTraceModel       *model);

/**
 * AwCliCsharp:
 * @models: (element-type AwTraceModel): the C# twin's run of each variant
 *   of the run set, in its order
 * @titles: (element-type utf8): the titles @both shows
 * @both: (element-type AwNamedRun): for each variant, its C# run and then
 *   its GLib run, for one picture
 * @runtime: (nullable): the runtime that ran the twin ("Mono 6.8.0.105")
 *
 * A scenario's C# twin, run on Mono beside a run set (aw-cli-csharp.c).
 */
typedef struct {
  GPtrArray *models;
  GPtrArray *titles;
  GArray    *both;
  char      *runtime;
} AwCliCsharp;

void       aw_cli_csharp_clear       (AwCliCsharp        *cs);
gboolean   aw_cli_csharp_run         (AwCliCsharp        *cs,
                                      AwCliRunSet        *set,
                                      const AwRunOptions *options);
GPtrArray *aw_cli_csharp_differences (AwCliCsharp        *cs,
                                      AwCliRunSet        *set);
void       aw_cli_csharp_print       (AwCliCsharp        *cs,
                                      AwCliRunSet        *set);
void       aw_cli_csharp_add_json    (AwCliCsharp        *cs,
                                      AwCliRunSet        *set,
                                      JsonBuilder        *b);
void       aw_cli_csharp_request     (AwCliCsharp        *cs,
                                      AwCliRunSet        *set,
                                      AwRenderRequest    *request,
                                      char              **caption,
                                      char              **headline);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AwCliCsharp, aw_cli_csharp_clear)

G_END_DECLS
