/* aw-scenario-private.h: what the scenario's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A scenario is split by concern: the object, its constructors and its
 * getters (aw-scenario.c), the parser of a scenario document with the
 * positions and field readers every part of it uses
 * (aw-scenario-parse.c), and the parser of program nodes, with their
 * types, fields and limits (aw-scenario-program.c). The parsers share one
 * ParseContext, so every message names the file, line and column the same
 * way.
 */

#pragma once

#include "aw-scenario.h"

G_BEGIN_DECLS

struct _AwScenario {
  GObject     parent_instance;

  char       *id;
  char       *title;
  guint       part;
  char       *part_title;
  char       *question;
  char       *summary;
  char       *narration;
  char       *csharp;
  char       *c_code;
  char       *expected_text;
  JsonObject *expected;
  char       *source;
  AwPool      pool;
  GPtrArray  *variants;
  GPtrArray  *checks;    /* CheckSource: "expected"."checks", as written */
};

typedef struct {
  guint line;
  guint column;
} Pos;

/* One check as written, and where it and each of its members start. */
typedef struct {
  JsonObject *object;    /* NULL if the item is not an object */
  Pos         pos;
  GHashTable *members;   /* name -> Pos* */
} CheckSource;

typedef struct {
  const char *name;      /* file name for messages */
  const char *data;
  gsize       length;
  GArray     *stack;     /* Pos of open objects */
  GHashTable *objects;   /* JsonObject* -> Pos* */
  GHashTable *members;   /* "%p/name" -> Pos* */
  JsonParser *parser;
} ParseContext;

/* aw-scenario-parse.c: positions and fields. Messages are translated:
 * @what is the translated subject of "%s needs \"title\"" ("a variant"),
 * @where the translated place of "unknown field \"x\" in %s", which some
 * languages inflect differently, so each caller gives both words. */
Pos      _aw_scenario_position_of         (ParseContext *ctx,
                                           JsonObject   *object,
                                           const char   *member);
gboolean _aw_scenario_fail_at             (ParseContext *ctx,
                                           GError      **error,
                                           gint          code,
                                           JsonObject   *object,
                                           const char   *member,
                                           const char   *format,
                                           ...) G_GNUC_PRINTF (6, 7);
gboolean _aw_scenario_get_text            (ParseContext *ctx,
                                           JsonObject   *object,
                                           const char   *member,
                                           gboolean      required,
                                           const char   *what,
                                           char        **out,
                                           GError      **error);
gboolean _aw_scenario_get_uint            (ParseContext *ctx,
                                           JsonObject   *object,
                                           const char   *member,
                                           gboolean      required,
                                           guint         min,
                                           guint         max,
                                           const char   *what,
                                           const char   *unit,
                                           guint        *out,
                                           GError      **error);
gboolean _aw_scenario_get_bool            (ParseContext *ctx,
                                           JsonObject   *object,
                                           const char   *member,
                                           gboolean     *out,
                                           GError      **error);
gboolean _aw_scenario_check_known_members (ParseContext *ctx,
                                           JsonObject   *object,
                                           const char   *known,
                                           const char   *where,
                                           GError      **error);

/* aw-scenario-program.c: program nodes */
AwNode  *_aw_scenario_parse_node          (ParseContext *ctx,
                                           JsonNode     *json,
                                           JsonObject   *holder,
                                           const char   *member,
                                           guint         depth,
                                           guint64      *n_tasks,
                                           GError      **error);
void     _aw_node_free                    (AwNode       *node);

gboolean _aw_scenario_check_program_totals (ParseContext *ctx,
                                            JsonObject   *holder,
                                            const AwNode *program,
                                            GError      **error);

G_END_DECLS
