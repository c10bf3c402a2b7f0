/* aw-scenario.c: the scenario language: small asynchronous programs as JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A scenario file is data only: it names durations, counts and texts, never
 * paths, commands or addresses. The parser rejects anything it does not know
 * and says where, so a teacher editing a file sees "line 12, column 9: a
 * delay needs \"ms\"" rather than a run that silently does something else.
 *
 * The expected outcome's checks name metrics, which the analysis layer
 * defines: the parser checks only that "checks" is an array and keeps each
 * item as written, with where it and its members start, so that
 * aw_verdict_validate_scenario() reports its errors at the right line and
 * column, in file order, without the parser knowing any metric.
 */

#include "config.h"

#include "aw-scenario.h"
#include "aw-json.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

struct _AwScenario {
  GObject     parent_instance;

  char       *id;
  char       *title;
  guint       part;
  char       *part_title;
  char       *summary;
  char       *narration;
  char       *csharp;
  char       *c_code;
  char       *expected_text;
  JsonObject *expected;
  char       *source;
  GPtrArray  *variants;
  GPtrArray  *checks;    /* CheckSource: "expected"."checks", as written */
};

G_DEFINE_FINAL_TYPE (AwScenario, aw_scenario, G_TYPE_OBJECT)
G_DEFINE_QUARK (aw-scenario-error-quark, aw_scenario_error)

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

static void
check_source_free (gpointer data)
{
  CheckSource *check = data;

  g_clear_pointer (&check->object, json_object_unref);
  g_hash_table_unref (check->members);
  g_free (check);
}

typedef struct {
  const char *name;      /* file name for messages */
  const char *data;
  gsize       length;
  GArray     *stack;     /* Pos of open objects */
  GHashTable *objects;   /* JsonObject* -> Pos* */
  GHashTable *members;   /* "%p/name" -> Pos* */
  JsonParser *parser;
} ParseContext;


/* The fields each node type accepts, beyond "type" and "name". */
static const char *node_fields[AW_NODE_LAST] = {
  [AW_NODE_DELAY] = "ms",
  [AW_NODE_IO] = "ms",
  [AW_NODE_CPU] = "ms cooperative check_ms blocking",
  [AW_NODE_FAIL] = "ms message",
  [AW_NODE_CACHED] = "ms hit_ratio value_task",
  [AW_NODE_SEQUENCE] = "children",
  [AW_NODE_WHEN_ALL] = "children errors",
  [AW_NODE_WHEN_ANY] = "children cancel_rest",
  [AW_NODE_TIMEOUT] = "ms child",
  [AW_NODE_REPEAT] = "count child",
  [AW_NODE_PARALLEL] = "count child",
  [AW_NODE_FIRE_AND_FORGET] = "child",
  [AW_NODE_BLOCK_UI] = "ms",
  [AW_NODE_WAIT_BLOCKING] = "child deadline_ms continue_on",
};

/* The types as glib-mkenums registered them: their nicks are the words of
 * the scenario language. */
static GEnumClass *
node_types (void)
{
  static GEnumClass *klass;

  if (g_once_init_enter (&klass))
    g_once_init_leave (&klass, g_type_class_ref (AW_TYPE_NODE_TYPE));
  return klass;
}

/**
 * aw_node_type_to_string:
 * @type: a node type
 *
 * Returns: (transfer none): the type's "type" in scenario files, such as
 *   "when_all", or "unknown"
 */
const char *
aw_node_type_to_string (AwNodeType type)
{
  GEnumValue *value = g_enum_get_value (node_types (), type);

  return value != NULL ? value->value_nick : "unknown";
}

static void
aw_node_free (AwNode *node)
{
  if (node == NULL)
    return;
  for (guint i = 0; i < node->n_children; i++)
    aw_node_free (node->children[i]);
  g_free (node->children);
  g_free (node->name);
  g_free (node->message);
  g_free (node);
}

static void
aw_variant_free (AwVariant *variant)
{
  g_free (variant->name);
  g_free (variant->title);
  g_free (variant->description);
  aw_node_free (variant->program);
  g_free (variant);
}

static void
aw_scenario_finalize (GObject *object)
{
  AwScenario *self = (AwScenario *) object;

  g_free (self->id);
  g_free (self->title);
  g_free (self->part_title);
  g_free (self->summary);
  g_free (self->narration);
  g_free (self->csharp);
  g_free (self->c_code);
  g_free (self->expected_text);
  g_clear_pointer (&self->expected, json_object_unref);
  g_free (self->source);
  g_clear_pointer (&self->variants, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);

  G_OBJECT_CLASS (aw_scenario_parent_class)->finalize (object);
}

static void
aw_scenario_class_init (AwScenarioClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aw_scenario_finalize;
}

static void
aw_scenario_init (AwScenario *self)
{
  self->variants = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_variant_free);
  self->checks = g_ptr_array_new_with_free_func (check_source_free);
}

/* Positions --------------------------------------------------------------- */

static void
on_object_start (JsonParser   *parser,
                 ParseContext *ctx)
{
  Pos pos = { json_parser_get_current_line (parser), json_parser_get_current_pos (parser) };

  g_array_append_val (ctx->stack, pos);
}

static void
on_object_end (JsonParser   *parser,
               JsonObject   *object,
               ParseContext *ctx)
{
  if (ctx->stack->len > 0)
    {
      Pos *pos = g_new (Pos, 1);

      *pos = g_array_index (ctx->stack, Pos, ctx->stack->len - 1);
      g_array_set_size (ctx->stack, ctx->stack->len - 1);
      g_hash_table_insert (ctx->objects, object, pos);
    }
}

/* The column of "name" on @line, so messages point at the key itself. */
static guint
find_key_column (ParseContext *ctx,
                 guint         line,
                 const char   *name,
                 guint         fallback)
{
  const char *p = ctx->data;
  const char *end = ctx->data + ctx->length;
  const char *line_end;
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", name);
  const char *found;

  for (guint l = 1; l < line && p < end; l++)
    {
      const char *nl = memchr (p, '\n', end - p);
      if (nl == NULL)
        return fallback;
      p = nl + 1;
    }
  line_end = memchr (p, '\n', end - p);
  if (line_end == NULL)
    line_end = end;

  found = g_strstr_len (p, line_end - p, quoted);
  if (found == NULL)
    return fallback;

  return g_utf8_strlen (p, found - p) + 1;
}

static void
on_object_member (JsonParser   *parser,
                  JsonObject   *object,
                  const char   *name,
                  ParseContext *ctx)
{
  Pos *pos = g_new (Pos, 1);

  pos->line = json_parser_get_current_line (parser);
  pos->column = find_key_column (ctx, pos->line, name, json_parser_get_current_pos (parser));
  g_hash_table_insert (ctx->members, g_strdup_printf ("%p/%s", (gpointer) object, name), pos);
}

static Pos
position_of (ParseContext *ctx,
             JsonObject   *object,
             const char   *member)
{
  Pos none = { 0, 0 };
  Pos *pos = NULL;

  if (member != NULL)
    {
      g_autofree char *key = g_strdup_printf ("%p/%s", (gpointer) object, member);
      pos = g_hash_table_lookup (ctx->members, key);
    }
  if (pos == NULL && object != NULL)
    pos = g_hash_table_lookup (ctx->objects, object);

  return pos ? *pos : none;
}

static gboolean G_GNUC_PRINTF (6, 7)
fail_at (ParseContext *ctx,
         GError      **error,
         gint          code,
         JsonObject   *object,
         const char   *member,
         const char   *format,
         ...)
{
  g_autofree char *message = NULL;
  Pos pos = position_of (ctx, object, member);
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (pos.line > 0)
    g_set_error (error, AW_SCENARIO_ERROR, code, "%s:%u:%u: %s",
                 ctx->name, pos.line, MAX (pos.column, 1), message);
  else
    g_set_error (error, AW_SCENARIO_ERROR, code, "%s: %s", ctx->name, message);

  return FALSE;
}

/* Fields ---------------------------------------------------------------- */

static gboolean
get_text (ParseContext *ctx,
          JsonObject   *object,
          const char   *member,
          gboolean      required,
          const char   *what,
          char        **out,
          GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);
  GString *joined;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                        "%s needs \"%s\"", what, member);
      return TRUE;
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);

      if (strlen (s) > AW_SCENARIO_MAX_TEXT)
        return fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, member,
                        "\"%s\" is longer than %d bytes", member, AW_SCENARIO_MAX_TEXT);
      *out = g_strdup (s);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                    "\"%s\" must be text (a string, or an array of lines)", member);

  /* An array of strings is read as lines: code stays readable in JSON. */
  joined = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (node), i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_string_free (joined, TRUE);
          return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                          "line %u of \"%s\" is not a string", i + 1, member);
        }
      if (i > 0)
        g_string_append_c (joined, '\n');
      g_string_append (joined, json_node_get_string (item));
      if (joined->len > AW_SCENARIO_MAX_TEXT)
        {
          g_string_free (joined, TRUE);
          return fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, member,
                          "\"%s\" is longer than %d bytes", member, AW_SCENARIO_MAX_TEXT);
        }
    }
  *out = g_string_free (joined, FALSE);

  return TRUE;
}

static gboolean
get_uint (ParseContext *ctx,
          JsonObject   *object,
          const char   *member,
          gboolean      required,
          guint         min,
          guint         max,
          const char   *what,
          const char   *unit,
          guint        *out,
          GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);
  double value;

  if (node == NULL)
    {
      if (required)
        return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                        "%s needs \"%s\"%s%s", what, member, unit ? " in " : "", unit ? unit : "");
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                    "\"%s\" must be a number", member);

  value = json_node_get_double (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    value = (double) json_node_get_int (node);

  if (value < 0)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                    "\"%s\" is negative (%g); it must be between %u and %u%s%s",
                    member, value, min, max, unit ? " " : "", unit ? unit : "");
  /* No cast before the range check: 1e300 does not fit any integer. */
  if (value != floor (value))
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                    "\"%s\" must be a whole number, not %g", member, value);
  if (value < min || value > max)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, member,
                    "\"%s\" is %.15g; it must be between %u and %u%s%s",
                    member, value, min, max, unit ? " " : "", unit ? unit : "");

  *out = (guint) value;
  return TRUE;
}

static gboolean
get_bool (ParseContext *ctx,
          JsonObject   *object,
          const char   *member,
          gboolean     *out,
          GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                    "\"%s\" must be true or false", member);
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
check_known_members (ParseContext *ctx,
                     JsonObject   *object,
                     const char   *known,
                     const char   *what,
                     GError      **error)
{
  g_auto(GStrv) words = g_strsplit (known, " ", -1);
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *member = l->data;

      if (!g_strv_contains ((const char * const *) words, member))
        {
          g_autofree char *list = g_strjoinv (", ", words);
          return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                          "unknown field \"%s\" in %s (known fields: %s)", member, what, list);
        }
    }

  return TRUE;
}

static gboolean
check_id (ParseContext *ctx,
          JsonObject   *object,
          const char   *member,
          const char   *value,
          GError      **error)
{
  if (*value == '\0' || strlen (value) > 64)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                    "\"%s\" must be 1 to 64 characters", member);
  for (const char *p = value; *p; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-'))
      return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                      "\"%s\" may only use lower-case letters, digits and '-' (got \"%s\")",
                      member, value);
  return TRUE;
}

/* Program nodes -------------------------------------------------------------- */

static guint64
saturating_add (guint64 a,
                guint64 b)
{
  return (a + b < a) ? G_MAXUINT64 : a + b;
}

static guint64
saturating_mul (guint64 a,
                guint64 b)
{
  if (a != 0 && b > G_MAXUINT64 / a)
    return G_MAXUINT64;
  return a * b;
}

static AwNode *parse_node (ParseContext *ctx,
                           JsonNode     *json,
                           JsonObject   *holder,
                           const char   *member,
                           guint         depth,
                           guint64      *n_tasks,
                           GError      **error);

static gboolean
parse_child (ParseContext *ctx,
             JsonObject   *object,
             const char   *what,
             guint         depth,
             AwNode       *node,
             guint64      *n_tasks,
             GError      **error)
{
  JsonNode *child = json_object_get_member (object, "child");

  if (child == NULL)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                    "%s needs \"child\": the node it runs", what);

  node->children = g_new0 (AwNode *, 1);
  node->children[0] = parse_node (ctx, child, object, "child", depth + 1, n_tasks, error);
  if (node->children[0] == NULL)
    return FALSE;
  node->n_children = 1;

  return TRUE;
}

static gboolean
parse_children (ParseContext *ctx,
                JsonObject   *object,
                const char   *what,
                guint         depth,
                AwNode       *node,
                guint64      *n_tasks,
                GError      **error)
{
  JsonNode *children = json_object_get_member (object, "children");
  JsonArray *array;
  guint n;

  if (children == NULL)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                    "%s needs \"children\": an array of nodes", what);
  if (!JSON_NODE_HOLDS_ARRAY (children))
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "children",
                    "\"children\" must be an array of nodes");

  array = json_node_get_array (children);
  n = json_array_get_length (array);
  if (n == 0)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "children",
                    "%s has no children; give it at least one node", what);
  if (n > AW_SCENARIO_MAX_CHILDREN)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, "children",
                    "%s has %u children; at most %d are allowed (use \"repeat\" or \"parallel\" for more)",
                    what, n, AW_SCENARIO_MAX_CHILDREN);

  node->children = g_new0 (AwNode *, n);
  for (guint i = 0; i < n; i++)
    {
      node->children[i] = parse_node (ctx, json_array_get_element (array, i), object,
                                      "children", depth + 1, n_tasks, error);
      if (node->children[i] == NULL)
        return FALSE;
      node->n_children = i + 1;
    }

  return TRUE;
}

static char *
default_name (AwNode *node)
{
  switch (node->type)
    {
    case AW_NODE_DELAY:
    case AW_NODE_IO:
    case AW_NODE_CPU:
    case AW_NODE_FAIL:
    case AW_NODE_CACHED:
    case AW_NODE_BLOCK_UI:
      return g_strdup_printf ("%s %u ms", aw_node_type_to_string (node->type), node->ms);
    case AW_NODE_SEQUENCE: return g_strdup ("one by one");
    case AW_NODE_WHEN_ALL: return g_strdup ("WhenAll");
    case AW_NODE_WHEN_ANY: return g_strdup ("WhenAny");
    case AW_NODE_TIMEOUT: return g_strdup_printf ("timeout %u ms", node->ms);
    case AW_NODE_REPEAT: return g_strdup_printf ("repeat x%u", node->count);
    case AW_NODE_PARALLEL: return g_strdup_printf ("parallel x%u", node->count);
    case AW_NODE_FIRE_AND_FORGET: return g_strdup ("fire and forget");
    case AW_NODE_WAIT_BLOCKING: return g_strdup (".Result");
    case AW_NODE_LAST:
    default:
      return g_strdup ("task");
    }
}

static AwNode *
parse_node (ParseContext *ctx,
            JsonNode     *json,
            JsonObject   *holder,
            const char   *member,
            guint         depth,
            guint64      *n_tasks,
            GError      **error)
{
  g_autoptr(GString) known = NULL;
  g_autofree char *what = NULL;
  g_autofree char *type_name = NULL;
  JsonObject *object;
  AwNode *node;
  Pos pos;
  guint64 child_tasks = 0;
  gboolean ok = TRUE;
  int type = -1;

  if (!JSON_NODE_HOLDS_OBJECT (json))
    {
      fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, holder, member,
               "a program node must be an object like {\"type\": \"delay\", \"ms\": 500}");
      return NULL;
    }
  object = json_node_get_object (json);

  if (depth > AW_SCENARIO_MAX_DEPTH)
    {
      fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, NULL,
               "nesting too deep: program nodes may nest at most %d levels", AW_SCENARIO_MAX_DEPTH);
      return NULL;
    }

  if (!get_text (ctx, object, "type", TRUE, "a program node", &type_name, error))
    return NULL;
  {
    GEnumValue *value = g_enum_get_value_by_nick (node_types (), type_name);

    if (value != NULL)
      type = value->value;
  }
  if (type < 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint i = 0; i < AW_NODE_LAST; i++)
        g_string_append_printf (list, "%s%s", i ? ", " : "", aw_node_type_to_string (i));
      fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "type",
               "unknown node type \"%s\" (known types: %s)", type_name, list->str);
      return NULL;
    }

  what = g_strdup_printf ("a %s node", aw_node_type_to_string (type));
  known = g_string_new ("type name csharp_line c_line ");
  g_string_append (known, node_fields[type]);
  if (!check_known_members (ctx, object, known->str, what, error))
    return NULL;

  pos = position_of (ctx, object, NULL);
  node = g_new0 (AwNode, 1);
  node->type = type;
  node->line = pos.line;
  node->column = pos.column;
  node->cooperative = TRUE;
  node->check_ms = 10;
  node->cancel_rest = TRUE;
  node->value_task = TRUE;

  switch (node->type)
    {
    case AW_NODE_DELAY:
    case AW_NODE_IO:
    case AW_NODE_BLOCK_UI:
      ok = get_uint (ctx, object, "ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS, what, "ms", &node->ms, error);
      break;

    case AW_NODE_CPU:
      ok = get_uint (ctx, object, "ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS, what, "ms", &node->ms, error) &&
           get_bool (ctx, object, "cooperative", &node->cooperative, error) &&
           get_uint (ctx, object, "check_ms", FALSE, 1, 10000, what, "ms", &node->check_ms, error) &&
           get_bool (ctx, object, "blocking", &node->blocking, error);
      break;

    case AW_NODE_FAIL:
      ok = get_uint (ctx, object, "ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS, what, "ms", &node->ms, error) &&
           get_text (ctx, object, "message", FALSE, what, &node->message, error);
      if (ok && node->message == NULL)
        node->message = g_strdup ("the operation failed");
      break;

    case AW_NODE_CACHED:
      ok = get_uint (ctx, object, "ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS, what, "ms", &node->ms, error);
      if (ok)
        {
          JsonNode *ratio = json_object_get_member (object, "hit_ratio");

          node->hit_ratio = 1.0;
          ok = get_bool (ctx, object, "value_task", &node->value_task, error);
          if (ok && ratio != NULL)
            {
              if (!JSON_NODE_HOLDS_VALUE (ratio) ||
                  (json_node_get_value_type (ratio) != G_TYPE_DOUBLE &&
                   json_node_get_value_type (ratio) != G_TYPE_INT64))
                ok = fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "hit_ratio",
                              "\"hit_ratio\" must be a number between 0 and 1");
              else
                {
                  node->hit_ratio = json_node_get_double (ratio);
                  if (json_node_get_value_type (ratio) == G_TYPE_INT64)
                    node->hit_ratio = json_node_get_int (ratio);
                  if (!(node->hit_ratio >= 0 && node->hit_ratio <= 1))
                    ok = fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "hit_ratio",
                                  "\"hit_ratio\" is %g; it must be between 0 and 1", node->hit_ratio);
                }
            }
        }
      break;

    case AW_NODE_SEQUENCE:
      ok = parse_children (ctx, object, what, depth, node, &child_tasks, error);
      break;

    case AW_NODE_WHEN_ALL:
      {
        g_autofree char *errors = NULL;

        ok = get_text (ctx, object, "errors", FALSE, what, &errors, error);
        if (ok && errors != NULL)
          {
            if (g_str_equal (errors, "first"))
              node->first_error_only = TRUE;
            else if (!g_str_equal (errors, "all"))
              ok = fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "errors",
                            "\"errors\" must be \"all\" (the aggregate) or \"first\" (what await rethrows), not \"%s\"",
                            errors);
          }
        if (ok)
          ok = parse_children (ctx, object, what, depth, node, &child_tasks, error);
      }
      break;

    case AW_NODE_WHEN_ANY:
      ok = get_bool (ctx, object, "cancel_rest", &node->cancel_rest, error) &&
           parse_children (ctx, object, what, depth, node, &child_tasks, error);
      break;

    case AW_NODE_TIMEOUT:
      ok = get_uint (ctx, object, "ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS, what, "ms", &node->ms, error) &&
           parse_child (ctx, object, what, depth, node, &child_tasks, error);
      break;

    case AW_NODE_REPEAT:
    case AW_NODE_PARALLEL:
      ok = get_uint (ctx, object, "count", TRUE, 1, AW_SCENARIO_MAX_COUNT, what, NULL, &node->count, error) &&
           parse_child (ctx, object, what, depth, node, &child_tasks, error);
      child_tasks = saturating_mul (child_tasks, node->count);
      break;

    case AW_NODE_FIRE_AND_FORGET:
      ok = parse_child (ctx, object, what, depth, node, &child_tasks, error);
      break;

    case AW_NODE_WAIT_BLOCKING:
      {
        g_autofree char *continue_on = NULL;

        node->ms = AW_WAIT_DEFAULT_DEADLINE_MS;
        ok = get_uint (ctx, object, "deadline_ms", FALSE, 1, AW_WAIT_MAX_DEADLINE_MS, what, "ms", &node->ms, error) &&
             get_text (ctx, object, "continue_on", FALSE, what, &continue_on, error);
        if (ok && continue_on != NULL)
          {
            if (g_str_equal (continue_on, "worker"))
              node->continue_on_worker = TRUE;
            else if (!g_str_equal (continue_on, "main"))
              ok = fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "continue_on",
                            "\"continue_on\" must be \"main\" or \"worker\", not \"%s\"", continue_on);
          }
        if (ok)
          ok = parse_child (ctx, object, what, depth, node, &child_tasks, error);
      }
      break;

    case AW_NODE_LAST:
    default:
      g_assert_not_reached ();
    }

  if (ok)
    ok = get_text (ctx, object, "name", FALSE, what, &node->name, error) &&
         get_uint (ctx, object, "csharp_line", FALSE, 1, 10000, what, NULL, &node->csharp_line, error) &&
         get_uint (ctx, object, "c_line", FALSE, 1, 10000, what, NULL, &node->c_line, error);
  if (ok && node->name != NULL && g_utf8_strlen (node->name, -1) > AW_SCENARIO_MAX_NAME)
    ok = fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, "name",
                  "\"name\" is longer than %d characters", AW_SCENARIO_MAX_NAME);

  if (!ok)
    {
      aw_node_free (node);
      return NULL;
    }

  if (node->name == NULL)
    node->name = default_name (node);

  *n_tasks = saturating_add (*n_tasks, saturating_add (child_tasks, 1));
  if (*n_tasks > AW_SCENARIO_MAX_TASKS)
    {
      fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, NULL,
               "too many tasks: this program would start more than %d tasks in one run",
               AW_SCENARIO_MAX_TASKS);
      aw_node_free (node);
      return NULL;
    }

  return node;
}

/* Scenario ----------------------------------------------------------------- */

static gboolean
parse_variant (ParseContext *ctx,
               AwScenario   *self,
               JsonNode     *json,
               JsonObject   *holder,
               GError      **error)
{
  AwVariant *variant;
  JsonObject *object;
  JsonNode *program;

  if (!JSON_NODE_HOLDS_OBJECT (json))
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, holder, "variants",
                    "each variant must be an object with \"name\", \"title\" and \"program\"");
  object = json_node_get_object (json);

  if (!check_known_members (ctx, object, "name title description cancel_after_ms program", "a variant", error))
    return FALSE;

  variant = g_new0 (AwVariant, 1);
  variant->cancel_after_ms = -1;
  g_ptr_array_add (self->variants, variant);

  if (!get_text (ctx, object, "name", TRUE, "a variant", &variant->name, error) ||
      !check_id (ctx, object, "name", variant->name, error) ||
      !get_text (ctx, object, "title", TRUE, "a variant", &variant->title, error) ||
      !get_text (ctx, object, "description", FALSE, "a variant", &variant->description, error))
    return FALSE;
  if (json_object_has_member (object, "cancel_after_ms"))
    {
      guint ms = 0;

      if (!get_uint (ctx, object, "cancel_after_ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS,
                     "a variant", "ms", &ms, error))
        return FALSE;
      variant->cancel_after_ms = (gint) ms;
    }

  for (guint i = 0; i + 1 < self->variants->len; i++)
    {
      AwVariant *other = g_ptr_array_index (self->variants, i);
      if (g_str_equal (other->name, variant->name))
        return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "name",
                        "two variants are named \"%s\"; names must differ", variant->name);
    }

  program = json_object_get_member (object, "program");
  if (program == NULL)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                    "variant \"%s\" needs \"program\": the node tree it runs", variant->name);

  variant->program = parse_node (ctx, program, object, "program", 1, &variant->n_tasks, error);
  return variant->program != NULL;
}

/* "expected": a text, and checks on the figures of a run, kept as written
 * with their positions (aw-verdict.c validates and reads them). */
static gboolean
parse_expected_checks (ParseContext *ctx,
                       AwScenario   *self,
                       GError      **error)
{
  JsonNode *checks;
  JsonArray *array;

  if (self->expected == NULL)
    return TRUE;
  if (!check_known_members (ctx, self->expected, "text checks", "\"expected\"", error))
    return FALSE;
  checks = json_object_get_member (self->expected, "checks");
  if (checks == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (checks))
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, self->expected, "checks",
                    "\"checks\" must be an array of checks such as "
                    "{\"metric\": \"wall_ms\", \"variant\": \"when-all\", \"at_most\": 1200}");

  array = json_node_get_array (checks);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autoptr(GList) members = NULL;
      JsonObject *object;
      CheckSource *check;

      check = g_new0 (CheckSource, 1);
      check->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_ptr_array_add (self->checks, check);
      /* Not an object: the validation says so, at "checks", in its turn. */
      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          check->pos = position_of (ctx, self->expected, "checks");
          continue;
        }
      object = json_node_get_object (item);
      members = json_object_get_members (object);
      check->object = json_object_ref (object);
      check->pos = position_of (ctx, object, NULL);
      for (const GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *key = g_strdup_printf ("%p/%s", (gpointer) object, (const char *) l->data);
          Pos *pos = g_hash_table_lookup (ctx->members, key);

          if (pos != NULL)
            g_hash_table_insert (check->members, g_strdup (l->data), g_memdup2 (pos, sizeof *pos));
        }
    }

  return TRUE;
}

static gboolean
parse_scenario (ParseContext *ctx,
                AwScenario   *self,
                JsonNode     *root,
                GError      **error)
{
  JsonObject *object;
  JsonNode *variants;
  JsonNode *expected;
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_INVALID,
                   "%s:1:1: a scenario must be a JSON object ({ ... })", ctx->name);
      return FALSE;
    }
  object = json_node_get_object (root);

  if (!check_known_members (ctx, object,
                            "id title part part_title summary narration csharp c expected variants comment",
                            "a scenario", error))
    return FALSE;

  if (!get_text (ctx, object, "id", TRUE, "a scenario", &self->id, error) ||
      !check_id (ctx, object, "id", self->id, error) ||
      !get_text (ctx, object, "title", TRUE, "a scenario", &self->title, error) ||
      !get_uint (ctx, object, "part", TRUE, 1, 4, "a scenario", NULL, &self->part, error) ||
      !get_text (ctx, object, "part_title", FALSE, "a scenario", &self->part_title, error) ||
      !get_text (ctx, object, "summary", FALSE, "a scenario", &self->summary, error) ||
      !get_text (ctx, object, "narration", TRUE, "a scenario", &self->narration, error) ||
      !get_text (ctx, object, "csharp", TRUE, "a scenario", &self->csharp, error) ||
      !get_text (ctx, object, "c", TRUE, "a scenario", &self->c_code, error))
    return FALSE;

  expected = json_object_get_member (object, "expected");
  if (expected != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (expected))
        return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "expected",
                        "\"expected\" must be an object with at least \"text\"");
      self->expected = json_object_ref (json_node_get_object (expected));
      if (!get_text (ctx, self->expected, "text", TRUE, "\"expected\"", &self->expected_text, error))
        return FALSE;
    }

  variants = json_object_get_member (object, "variants");
  if (variants == NULL)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                    "a scenario needs \"variants\": an array of at least one variant");
  if (!JSON_NODE_HOLDS_ARRAY (variants) || json_array_get_length (json_node_get_array (variants)) == 0)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "variants",
                    "\"variants\" must be an array of at least one variant");
  array = json_node_get_array (variants);
  if (json_array_get_length (array) > AW_SCENARIO_MAX_VARIANTS)
    return fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, "variants",
                    "%u variants; a scenario may have at most %d",
                    json_array_get_length (array), AW_SCENARIO_MAX_VARIANTS);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!parse_variant (ctx, self, json_array_get_element (array, i), object, error))
      return FALSE;

  return parse_expected_checks (ctx, self, error);
}

/**
 * aw_scenario_new_from_data:
 * @data: the JSON text
 * @length: its length, or -1 if nul-terminated
 * @display_name: the name to use in messages (a file name)
 * @error: return location for an error naming line, column and problem
 *
 * Returns: (transfer full) (nullable): the scenario, or %NULL with @error set
 */
AwScenario *
aw_scenario_new_from_data (const char  *data,
                           gssize       length,
                           const char  *display_name,
                           GError     **error)
{
  g_autoptr(AwScenario) self = NULL;
  g_autoptr(GError) local_error = NULL;
  ParseContext ctx = { 0 };
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  ctx.name = display_name ? display_name : "<scenario>";
  ctx.data = data ? data : "";
  ctx.length = length < 0 ? strlen (data) : (gsize) length;

  if (ctx.length == 0)
    {
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_SYNTAX,
                   "%s: the file is empty; a scenario is a JSON object", ctx.name);
      return NULL;
    }
  if (!aw_json_precheck (ctx.data, ctx.length, ctx.name, AW_SCENARIO_MAX_FILE_SIZE, AW_SCENARIO_MAX_JSON_DEPTH,
                         AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_SYNTAX, AW_SCENARIO_ERROR_LIMIT, error))
    return NULL;

  ctx.stack = g_array_new (FALSE, FALSE, sizeof (Pos));
  ctx.objects = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  ctx.members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx.parser = json_parser_new_immutable ();
  g_signal_connect (ctx.parser, "object-start", G_CALLBACK (on_object_start), &ctx);
  g_signal_connect (ctx.parser, "object-end", G_CALLBACK (on_object_end), &ctx);
  g_signal_connect (ctx.parser, "object-member", G_CALLBACK (on_object_member), &ctx);

  if (!json_parser_load_from_data (ctx.parser, ctx.data, ctx.length, &local_error))
    {
      /* json-glib quotes the bad token cut to a number of bytes, which
       * may split a character: keep the message UTF-8. */
      g_autofree char *valid = g_utf8_make_valid (local_error->message, -1);
      const char *msg = valid;

      /* json-glib says "<data>:LINE:COL: Parse error: ..."; name the file instead. */
      if (g_str_has_prefix (msg, "<data>:"))
        msg += strlen ("<data>:");
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_SYNTAX,
                   "%s:%s", ctx.name, msg);
      ok = FALSE;
    }
  else
    {
      self = g_object_new (AW_TYPE_SCENARIO, NULL);
      self->source = g_strdup (ctx.name);
      ok = parse_scenario (&ctx, self, json_parser_get_root (ctx.parser), error);
    }

  g_array_unref (ctx.stack);
  g_hash_table_unref (ctx.objects);
  g_hash_table_unref (ctx.members);
  g_object_unref (ctx.parser);

  return ok ? g_steal_pointer (&self) : NULL;
}

/**
 * aw_scenario_new_from_file:
 * @path: a scenario file
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the scenario
 */
AwScenario *
aw_scenario_new_from_file (const char  *path,
                           GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_IO,
                   "%s: not a regular file", path);
      return NULL;
    }
  if (g_stat (path, &st) == 0 && st.st_size > AW_SCENARIO_MAX_FILE_SIZE)
    {
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_LIMIT,
                   "%s: the file is %" G_GINT64_FORMAT " bytes; scenario files may be at most %d bytes",
                   path, (gint64) st.st_size, AW_SCENARIO_MAX_FILE_SIZE);
      return NULL;
    }

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_IO,
                   "%s: cannot read the file: %s", path,
                   local_error->message);
      return NULL;
    }

  return aw_scenario_new_from_data (g_mapped_file_get_contents (mapped),
                                    g_mapped_file_get_length (mapped), path, error);
}

/**
 * aw_scenario_new_from_resource:
 * @resource_path: a GResource path
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the scenario
 */
AwScenario *
aw_scenario_new_from_resource (const char  *resource_path,
                               GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize size;
  const char *data;

  bytes = g_resources_lookup_data (resource_path, 0, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_NOT_FOUND,
                   "%s: %s", resource_path, local_error->message);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &size);

  return aw_scenario_new_from_data (data, size, resource_path, error);
}

/* The getters: strings owned by the scenario, valid as long as it (see
 * AwScenario in aw-scenario.h). The summary, the expected text and the
 * expected object are %NULL when the file has none; the part title falls
 * back to the lesson's, and is %NULL only for a part with no default. */
const char *aw_scenario_get_id (AwScenario *self) { return self->id; }
const char *aw_scenario_get_title (AwScenario *self) { return self->title; }
guint aw_scenario_get_part (AwScenario *self) { return self->part; }
const char *aw_scenario_get_summary (AwScenario *self) { return self->summary; }
const char *aw_scenario_get_narration (AwScenario *self) { return self->narration; }
const char *aw_scenario_get_csharp (AwScenario *self) { return self->csharp; }
const char *aw_scenario_get_c_code (AwScenario *self) { return self->c_code; }
const char *aw_scenario_get_expected_text (AwScenario *self) { return self->expected_text; }
JsonObject *aw_scenario_get_expected (AwScenario *self) { return self->expected; }
const char *aw_scenario_get_source (AwScenario *self) { return self->source; }
guint aw_scenario_get_n_variants (AwScenario *self) { return self->variants->len; }

/**
 * aw_scenario_get_n_checks:
 * @self: a scenario
 *
 * Returns: how many items "expected"."checks" holds
 */
guint
aw_scenario_get_n_checks (AwScenario *self)
{
  g_return_val_if_fail (AW_IS_SCENARIO (self), 0);

  return self->checks->len;
}

/**
 * aw_scenario_get_check:
 * @self: a scenario
 * @index: a check's index, in file order
 *
 * The check as written, not validated: the analysis layer knows the
 * metrics and validates it (see aw_verdict_validate_scenario()).
 *
 * Returns: (transfer none) (nullable): the check's object, valid as long
 *   as @self, or %NULL if the item is not a JSON object
 */
JsonObject *
aw_scenario_get_check (AwScenario *self,
                       guint       index)
{
  g_return_val_if_fail (AW_IS_SCENARIO (self), NULL);
  g_return_val_if_fail (index < self->checks->len, NULL);

  return ((CheckSource *) g_ptr_array_index (self->checks, index))->object;
}

/**
 * aw_scenario_set_check_error:
 * @self: a scenario
 * @index: the check at fault
 * @member: (nullable): its member at fault, or %NULL for the whole check
 * @error: return location for the error
 * @format: what is wrong, printf-style
 * @...: its arguments
 *
 * Sets @error to %AW_SCENARIO_ERROR_INVALID with the message the parser
 * gives for any mistake: "FILE:LINE:COLUMN: what is wrong", pointing at
 * @member if the check has it, else at the check.
 */
void
aw_scenario_set_check_error (AwScenario  *self,
                             guint        index,
                             const char  *member,
                             GError     **error,
                             const char  *format,
                             ...)
{
  g_autofree char *message = NULL;
  const CheckSource *check;
  const Pos *pos = NULL;
  va_list args;

  g_return_if_fail (AW_IS_SCENARIO (self));
  g_return_if_fail (index < self->checks->len);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  check = g_ptr_array_index (self->checks, index);
  if (member != NULL)
    pos = g_hash_table_lookup (check->members, member);
  if (pos == NULL)
    pos = &check->pos;

  if (pos->line > 0)
    g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_INVALID, "%s:%u:%u: %s",
                 self->source, pos->line, MAX (pos->column, 1), message);
  else
    g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_INVALID, "%s: %s", self->source, message);
}

const char *
aw_scenario_get_part_title (AwScenario *self)
{
  static const char *defaults[] = {
    NULL,
    "Part 1: async and await",
    "Part 2: running work concurrently",
    "Part 3: cancellation and timeouts",
    "Part 4: common mistakes",
  };

  if (self->part_title != NULL)
    return self->part_title;
  return self->part < G_N_ELEMENTS (defaults) ? defaults[self->part] : NULL;
}

/**
 * aw_scenario_get_variant:
 * @self: a scenario
 * @index: a variant's index, below aw_scenario_get_n_variants()
 *
 * Returns: (transfer none): the variant, valid as long as @self
 */
const AwVariant *
aw_scenario_get_variant (AwScenario *self,
                         guint       index)
{
  g_return_val_if_fail (index < self->variants->len, NULL);
  return g_ptr_array_index (self->variants, index);
}

/**
 * aw_scenario_find_variant:
 * @self: a scenario
 * @name: a variant name
 * @index: (out) (optional): its index
 *
 * Returns: (transfer none) (nullable): the variant named @name, valid as
 *   long as @self
 */
const AwVariant *
aw_scenario_find_variant (AwScenario *self,
                          const char *name,
                          guint      *index)
{
  for (guint i = 0; i < self->variants->len; i++)
    {
      const AwVariant *v = g_ptr_array_index (self->variants, i);
      if (g_strcmp0 (v->name, name) == 0)
        {
          if (index)
            *index = i;
          return v;
        }
    }
  return NULL;
}
