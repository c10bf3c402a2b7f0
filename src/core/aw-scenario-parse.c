/* aw-scenario-parse.c: the parser of scenario files
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
 *
 * This file parses the document (its fields, variants and expected
 * outcome) and keeps where every object and member starts, from
 * json-glib's signals; it also holds the field readers and the error
 * reporting that the program parser (aw-scenario-program.c) shares.
 */

#include "config.h"

#include "aw-i18n.h"

#include "aw-scenario-private.h"
#include "aw-json.h"

#include <math.h>
#include <string.h>

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

Pos
_aw_scenario_position_of (ParseContext *ctx,
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

gboolean
_aw_scenario_fail_at (ParseContext *ctx,
                      GError      **error,
                      gint          code,
                      JsonObject   *object,
                      const char   *member,
                      const char   *format,
                      ...)
{
  g_autofree char *message = NULL;
  Pos pos = _aw_scenario_position_of (ctx, object, member);
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

/* Texts reach labels, pictures and terminals: a control character (an
 * escape sequence that clears the screen or retitles the terminal, a bell,
 * a carriage return that overwrites the line) has no place in them. Line
 * breaks and tabs are text. Frees *@text when it refuses it. */
static gboolean
check_no_controls (ParseContext *ctx,
                   JsonObject   *object,
                   const char   *member,
                   char        **text,
                   GError      **error)
{
  for (const char *p = *text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f))
        {
          g_clear_pointer (text, g_free);
          /* Translators: %s is a field's name, U+%04X a character's code. */
          return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                       _("\"%s\" holds a control character (U+%04X); texts may hold "
                                         "line breaks and tabs, but no other control characters"),
                                       member, c);
        }
    }
  return TRUE;
}

gboolean
_aw_scenario_get_text (ParseContext *ctx,
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
        /* Translators: the first %s is what needs the field ("a variant",
         * "a delay node"), the second the field's name. */
        return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                                     _("%s needs \"%s\""), what, member);
      return TRUE;
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);

      if (strlen (s) > AW_SCENARIO_MAX_TEXT)
        return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, member,
                                     _("\"%s\" is longer than %d bytes"), member, AW_SCENARIO_MAX_TEXT);
      *out = g_strdup (s);
      return check_no_controls (ctx, object, member, out, error);
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    /* Translators: %s is a field's name. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                 _("\"%s\" must be text (a string, or an array of lines)"), member);

  /* An array of strings is read as lines: code stays readable in JSON. */
  joined = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (node), i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_string_free (joined, TRUE);
          /* Translators: %u is a line number, %s a field's name. */
          return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                       _("line %u of \"%s\" is not a string"), i + 1, member);
        }
      if (i > 0)
        g_string_append_c (joined, '\n');
      g_string_append (joined, json_node_get_string (item));
      if (joined->len > AW_SCENARIO_MAX_TEXT)
        {
          g_string_free (joined, TRUE);
          return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, member,
                                       _("\"%s\" is longer than %d bytes"), member, AW_SCENARIO_MAX_TEXT);
        }
    }
  *out = g_string_free (joined, FALSE);

  return check_no_controls (ctx, object, member, out, error);
}

/* The number @member of @object holds as written in the file. json-glib
 * wraps an integer too large for 64 bits around (18446744073709551616
 * reads as -1), so a negative integer is read again from the text, where
 * the value follows its key. Returns @parsed when the text is not found. */
static double
number_as_written (ParseContext *ctx,
                   JsonObject   *object,
                   const char   *member,
                   double        parsed)
{
  Pos pos = _aw_scenario_position_of (ctx, object, member);
  const char *p = ctx->data;
  const char *end = ctx->data + ctx->length;
  char *number_end = NULL;
  double value;

  if (pos.line == 0 || pos.column == 0)
    return parsed;
  for (guint l = 1; l < pos.line; l++)
    {
      const char *nl = memchr (p, '\n', end - p);
      if (nl == NULL)
        return parsed;
      p = nl + 1;
    }
  for (guint c = 1; c < pos.column && p < end; c++)
    {
      const char *next = g_utf8_find_next_char (p, end);
      p = next != NULL ? next : end;
    }
  /* The key, quoted, then a colon. */
  if (end - p < (gssize) strlen (member) + 2 || *p != '"' ||
      strncmp (p + 1, member, strlen (member)) != 0)
    return parsed;
  p += strlen (member) + 2;
  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p >= end || *p != ':')
    return parsed;
  p++;
  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p >= end || !(g_ascii_isdigit (*p) || *p == '-'))
    return parsed;
  {
    /* The file's text is not NUL-terminated here: copy the number. */
    const char *q = p;
    g_autofree char *digits = NULL;

    while (q < end && (g_ascii_isdigit (*q) || *q == '-' || *q == '+' || *q == '.' || *q == 'e' || *q == 'E'))
      q++;
    digits = g_strndup (p, q - p);
    value = g_ascii_strtod (digits, &number_end);
    if (number_end == digits)
      return parsed;
  }
  return value;
}

gboolean
_aw_scenario_get_uint (ParseContext *ctx,
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
        {
          if (unit != NULL)
            /* Translators: the first %s is what needs the field ("a variant",
             * "a delay node"), the second the field's name, the third a unit
             * such as ms. */
            return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                                         _("%s needs \"%s\" in %s"), what, member, unit);
          /* Translators: the first %s is what needs the field ("a variant",
           * "a delay node"), the second the field's name. */
          return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                                       _("%s needs \"%s\""), what, member);
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    /* Translators: %s is a field's name. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                 _("\"%s\" must be a number"), member);

  value = json_node_get_double (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    value = (double) json_node_get_int (node);
  if (value < 0 && json_node_get_value_type (node) == G_TYPE_INT64)
    value = number_as_written (ctx, object, member, value);

  if (value < 0 && unit != NULL)
    /* Translators: the first %s is a field's name, %g the number it holds,
     * the last %s a unit such as ms. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                 _("\"%s\" is negative (%g); it must be between %u and %u %s"),
                                 member, value, min, max, unit);
  if (value < 0)
    /* Translators: %s is a field's name, %g the number it holds. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                 _("\"%s\" is negative (%g); it must be between %u and %u"),
                                 member, value, min, max);
  /* No cast before the range check: 1e300 does not fit any integer. */
  if (value != floor (value))
    /* Translators: %s is a field's name, %g the number it holds. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                 _("\"%s\" must be a whole number, not %g"), member, value);
  if ((value < min || value > max) && unit != NULL)
    /* Translators: the first %s is a field's name, %.15g the number it
     * holds, the last %s a unit such as ms. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, member,
                                 _("\"%s\" is %.15g; it must be between %u and %u %s"),
                                 member, value, min, max, unit);
  if (value < min || value > max)
    /* Translators: %s is a field's name, %.15g the number it holds. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, member,
                                 _("\"%s\" is %.15g; it must be between %u and %u"),
                                 member, value, min, max);

  *out = (guint) value;
  return TRUE;
}

gboolean
_aw_scenario_get_bool (ParseContext *ctx,
                       JsonObject   *object,
                       const char   *member,
                       gboolean     *out,
                       GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    /* Translators: %s is a field's name; true and false are JSON and stay as they are. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                 _("\"%s\" must be true or false"), member);
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
_aw_scenario_check_known_members (ParseContext *ctx,
                                  JsonObject   *object,
                                  const char   *known,
                                  const char   *where,
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
          return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                       _("unknown field \"%s\" in %s (known fields: %s)"), member, where, list);
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
    /* Translators: %s is a field's name. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                 _("\"%s\" must be 1 to 64 characters"), member);
  for (const char *p = value; *p; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-'))
      /* Translators: the first %s is a field's name, the second what it holds. */
      return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                   _("\"%s\" may only use lower-case letters, digits and '-' (got \"%s\")"),
                                   member, value);
  return TRUE;
}

/* The worker pool ------------------------------------------------------------ */

/* The kinds as glib-mkenums registered them: their nicks are the words of
 * the scenario language and of `run --pool`. */
static GEnumClass *
pool_kinds (void)
{
  static GEnumClass *klass;

  if (g_once_init_enter (&klass))
    g_once_init_leave (&klass, g_type_class_ref (AW_TYPE_POOL_KIND));
  return klass;
}

/**
 * aw_pool_kind_to_string:
 * @kind: a pool kind
 *
 * Returns: (transfer none): the kind's "pool" in scenario files, such as
 *   "dotnet", or "scenario" for %AW_POOL_AS_SCENARIO
 */
const char *
aw_pool_kind_to_string (AwPoolKind kind)
{
  GEnumValue *value = g_enum_get_value (pool_kinds (), kind);

  return value != NULL ? value->value_nick : "scenario";
}

/**
 * aw_pool_kind_from_string:
 * @name: a pool's name, such as "fixed"
 * @kind: (out): the kind
 *
 * Returns: whether @name names a pool
 */
gboolean
aw_pool_kind_from_string (const char *name,
                          AwPoolKind *kind)
{
  GEnumValue *value = name ? g_enum_get_value_by_nick (pool_kinds (), name) : NULL;

  if (value == NULL)
    return FALSE;
  *kind = value->value;
  return TRUE;
}

static gboolean
pool_kind_or_fail (ParseContext *ctx,
                   JsonObject   *object,
                   const char   *member,
                   JsonNode     *json,
                   AwPoolKind   *kind,
                   GError      **error)
{
  const char *name = json_node_get_string (json);

  if (!aw_pool_kind_from_string (name, kind))
    /* Translators: %s is what the file names; fixed and dotnet are words of the scenario language. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                 _("unknown pool \"%s\" (known pools: fixed, dotnet)"), name);
  return TRUE;
}

/* "pool": "fixed", "dotnet", or { "type": "dotnet", "interval_ms": 500, "max_threads": 32 }. */
static gboolean
parse_pool (ParseContext *ctx,
            AwScenario   *self,
            JsonObject   *holder,
            GError      **error)
{
  JsonNode *json = json_object_get_member (holder, "pool");
  JsonObject *object;
  JsonNode *type;

  if (json == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (json) && json_node_get_value_type (json) == G_TYPE_STRING)
    return pool_kind_or_fail (ctx, holder, "pool", json, &self->pool.kind, error);
  if (!JSON_NODE_HOLDS_OBJECT (json))
    /* Translators: the quoted words and the JSON are the scenario language and stay as they are. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, holder, "pool",
                                 _("\"pool\" must be \"fixed\", \"dotnet\" or an object such as "
                                   "{\"type\": \"dotnet\", \"interval_ms\": 500, \"max_threads\": 32}"));

  object = json_node_get_object (json);
  if (!_aw_scenario_check_known_members (ctx, object, "type interval_ms max_threads", "\"pool\"", error))
    return FALSE;
  type = json_object_get_member (object, "type");
  if (type == NULL)
    /* Translators: the quoted words are the scenario language and stay as they are. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                                 _("\"pool\" needs \"type\": \"fixed\" or \"dotnet\""));
  if (!JSON_NODE_HOLDS_VALUE (type) || json_node_get_value_type (type) != G_TYPE_STRING)
    /* Translators: the quoted words are the scenario language and stay as they are. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "type",
                                 _("\"type\" must be \"fixed\" or \"dotnet\""));
  if (!pool_kind_or_fail (ctx, object, "type", type, &self->pool.kind, error))
    return FALSE;

  if (self->pool.kind == AW_POOL_FIXED)
    {
      const char *member = json_object_has_member (object, "interval_ms") ? "interval_ms"
                         : json_object_has_member (object, "max_threads") ? "max_threads" : NULL;

      if (member != NULL)
        /* Translators: %s is a field's name (interval_ms or max_threads). */
        return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, member,
                                     _("\"%s\" is for the dotnet pool, which grows; "
                                       "a fixed pool never changes its number of threads"), member);
      return TRUE;
    }

  return _aw_scenario_get_uint (ctx, object, "interval_ms", FALSE, AW_POOL_MIN_INTERVAL_MS,
                                AW_SCENARIO_MAX_DURATION_MS, "\"pool\"", "ms",
                                &self->pool.interval_ms, error) &&
         _aw_scenario_get_uint (ctx, object, "max_threads", FALSE, 1, AW_POOL_MAX_THREADS,
                                "\"pool\"", NULL, &self->pool.max_threads, error);
}

/* Scenario ----------------------------------------------------------------- */

static gboolean
parse_variant (ParseContext *ctx,
               AwScenario   *self,
               JsonNode     *json,
               JsonObject   *holder,
               GError      **error)
{
  /* Translators: the subject of messages such as "a variant needs \"title\"". */
  const char *what = _("a variant");
  AwVariant *variant;
  JsonObject *object;
  JsonNode *program;

  if (!JSON_NODE_HOLDS_OBJECT (json))
    /* Translators: the quoted words are the scenario language and stay as they are. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, holder, "variants",
                                 _("each variant must be an object with \"name\", \"title\" and \"program\""));
  object = json_node_get_object (json);

  if (!_aw_scenario_check_known_members (ctx, object, "name title description cancel_after_ms program",
                                         /* Translators: where an unknown field is, as in
                                          * "unknown field \"x\" in a variant". */
                                         C_("unknown field in", "a variant"), error))
    return FALSE;

  variant = g_new0 (AwVariant, 1);
  variant->cancel_after_ms = -1;
  g_ptr_array_add (self->variants, variant);

  if (!_aw_scenario_get_text (ctx, object, "name", TRUE, what, &variant->name, error) ||
      !check_id (ctx, object, "name", variant->name, error) ||
      !_aw_scenario_get_text (ctx, object, "title", TRUE, what, &variant->title, error) ||
      !_aw_scenario_get_text (ctx, object, "description", FALSE, what, &variant->description, error))
    return FALSE;
  if (json_object_has_member (object, "cancel_after_ms"))
    {
      guint ms = 0;

      if (!_aw_scenario_get_uint (ctx, object, "cancel_after_ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS,
                                  what, "ms", &ms, error))
        return FALSE;
      variant->cancel_after_ms = (gint) ms;
    }

  for (guint i = 0; i + 1 < self->variants->len; i++)
    {
      AwVariant *other = g_ptr_array_index (self->variants, i);
      if (g_str_equal (other->name, variant->name))
        /* Translators: %s is a variant's name. */
        return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "name",
                                     _("two variants are named \"%s\"; names must differ"), variant->name);
    }

  program = json_object_get_member (object, "program");
  if (program == NULL)
    /* Translators: %s is a variant's name; "program" stays as it is. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                                 _("variant \"%s\" needs \"program\": the node tree it runs"), variant->name);

  variant->program = _aw_scenario_parse_node (ctx, program, object, "program", 1, &variant->n_tasks, error);
  return variant->program != NULL &&
         _aw_scenario_check_program_totals (ctx, object, variant->program, error);
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
  if (!_aw_scenario_check_known_members (ctx, self->expected, "text checks", "\"expected\"", error))
    return FALSE;
  checks = json_object_get_member (self->expected, "checks");
  if (checks == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (checks))
    /* Translators: the quoted words and the JSON are the scenario language and stay as they are. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, self->expected, "checks",
                                 _("\"checks\" must be an array of checks such as "
                                   "{\"metric\": \"wall_ms\", \"variant\": \"when-all\", \"at_most\": 1200}"));

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
          check->pos = _aw_scenario_position_of (ctx, self->expected, "checks");
          continue;
        }
      object = json_node_get_object (item);
      members = json_object_get_members (object);
      check->object = json_object_ref (object);
      check->pos = _aw_scenario_position_of (ctx, object, NULL);
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
  /* Translators: the subject of messages such as "a scenario needs \"title\"". */
  const char *what = _("a scenario");
  JsonObject *object;
  JsonNode *variants;
  JsonNode *expected;
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_INVALID,
                   "%s:1:1: %s", ctx->name, _("a scenario must be a JSON object ({ ... })"));
      return FALSE;
    }
  object = json_node_get_object (root);

  if (!_aw_scenario_check_known_members (ctx, object,
                                         "id title part part_title question summary narration csharp c pool expected variants comment",
                                         /* Translators: where an unknown field is, as in
                                          * "unknown field \"x\" in a scenario". */
                                         C_("unknown field in", "a scenario"), error))
    return FALSE;

  if (!_aw_scenario_get_text (ctx, object, "id", TRUE, what, &self->id, error) ||
      !check_id (ctx, object, "id", self->id, error) ||
      !_aw_scenario_get_text (ctx, object, "title", TRUE, what, &self->title, error) ||
      !_aw_scenario_get_uint (ctx, object, "part", TRUE, 1, 4, what, NULL, &self->part, error) ||
      !_aw_scenario_get_text (ctx, object, "part_title", FALSE, what, &self->part_title, error) ||
      !_aw_scenario_get_text (ctx, object, "question", FALSE, what, &self->question, error) ||
      !_aw_scenario_get_text (ctx, object, "summary", FALSE, what, &self->summary, error) ||
      !_aw_scenario_get_text (ctx, object, "narration", TRUE, what, &self->narration, error) ||
      !_aw_scenario_get_text (ctx, object, "csharp", TRUE, what, &self->csharp, error) ||
      !_aw_scenario_get_text (ctx, object, "c", TRUE, what, &self->c_code, error) ||
      !parse_pool (ctx, self, object, error))
    return FALSE;

  expected = json_object_get_member (object, "expected");
  if (expected != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (expected))
        /* Translators: the quoted words are the scenario language and stay as they are. */
        return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "expected",
                                     _("\"expected\" must be an object with at least \"text\""));
      self->expected = json_object_ref (json_node_get_object (expected));
      if (!_aw_scenario_get_text (ctx, self->expected, "text", TRUE, "\"expected\"",
                                  &self->expected_text, error))
        return FALSE;
    }

  variants = json_object_get_member (object, "variants");
  if (variants == NULL)
    /* Translators: "variants" is the scenario language and stays as it is. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                                 _("a scenario needs \"variants\": an array of at least one variant"));
  if (!JSON_NODE_HOLDS_ARRAY (variants) || json_array_get_length (json_node_get_array (variants)) == 0)
    /* Translators: "variants" is the scenario language and stays as it is. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "variants",
                                 _("\"variants\" must be an array of at least one variant"));
  array = json_node_get_array (variants);
  if (json_array_get_length (array) > AW_SCENARIO_MAX_VARIANTS)
    /* Translators: %u is how many variants the file has, %d the most allowed. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, "variants",
                                 _("%u variants; a scenario may have at most %d"),
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
      /* Translators: %s is a file name. */
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_SYNTAX,
                   _("%s: the file is empty; a scenario is a JSON object"), ctx.name);
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
