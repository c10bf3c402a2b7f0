/* aw-scenario-program.c: the program nodes of the scenario language
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A variant's program is a tree of nodes, and each node type has its own
 * fields, defaults and limits. They are all here, with the words the
 * language uses for the types (the enum's nicks), so that what a node
 * type accepts is written in one place. Limits are checked while parsing,
 * including how many tasks a program would start, counted with
 * saturating arithmetic so that no count can overflow.
 */

#include "config.h"

#include "aw-i18n.h"

#include "aw-scenario-private.h"
#include "aw-recorded-text.h"

/* The fields each node type accepts, beyond "type" and "name". */
static const char *node_fields[AW_NODE_LAST] = {
  [AW_NODE_DELAY] = "ms",
  [AW_NODE_IO] = "ms",
  [AW_NODE_CPU] = "ms cooperative check_ms blocking progress_ms",
  [AW_NODE_FAIL] = "ms message",
  [AW_NODE_CACHED] = "ms hit_ratio value_task",
  [AW_NODE_SEQUENCE] = "children catch",
  [AW_NODE_WHEN_ALL] = "children errors",
  [AW_NODE_WHEN_ANY] = "children cancel_rest",
  [AW_NODE_TIMEOUT] = "ms child",
  [AW_NODE_REPEAT] = "count child",
  [AW_NODE_PARALLEL] = "count child limit",
  [AW_NODE_FIRE_AND_FORGET] = "child async_void",
  [AW_NODE_BLOCK_UI] = "ms progress_ms",
  [AW_NODE_WAIT_BLOCKING] = "child deadline_ms continue_on aggregate",
  [AW_NODE_COMPLETION_SOURCE] = "ms work_ms run_async",
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

void
_aw_node_free (AwNode *node)
{
  if (node == NULL)
    return;
  for (guint i = 0; i < node->n_children; i++)
    _aw_node_free (node->children[i]);
  g_free (node->children);
  g_free (node->name);
  g_free (node->message);
  g_free (node);
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
    /* Translators: %s is the node ("a timeout node"); "child" stays as it is. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                                 _("%s needs \"child\": the node it runs"), what);

  node->children = g_new0 (AwNode *, 1);
  node->children[0] = _aw_scenario_parse_node (ctx, child, object, "child", depth + 1, n_tasks, error);
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
    /* Translators: %s is the node ("a when_all node"); "children" stays as it is. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, NULL,
                                 _("%s needs \"children\": an array of nodes"), what);
  if (!JSON_NODE_HOLDS_ARRAY (children))
    /* Translators: "children" is the scenario language and stays as it is. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "children",
                                 _("\"children\" must be an array of nodes"));

  array = json_node_get_array (children);
  n = json_array_get_length (array);
  if (n == 0)
    /* Translators: %s is the node ("a when_all node"). */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "children",
                                 _("%s has no children; give it at least one node"), what);
  if (n > AW_SCENARIO_MAX_CHILDREN)
    /* Translators: %s is the node ("a when_all node"), %u how many children it has, %d the most
     * allowed; the quoted words stay as they are. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, "children",
                                 _("%s has %u children; at most %d are allowed (use \"repeat\" or \"parallel\" for more)"),
                                 what, n, AW_SCENARIO_MAX_CHILDREN);

  node->children = g_new0 (AwNode *, n);
  for (guint i = 0; i < n; i++)
    {
      node->children[i] = _aw_scenario_parse_node (ctx, json_array_get_element (array, i), object,
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
    case AW_NODE_COMPLETION_SOURCE: return g_strdup ("await tcs.Task");
    case AW_NODE_LAST:
    default:
      return g_strdup ("task");
    }
}

/* "progress_ms": a report (IProgress<T>.Report) every so much work, posted
 * to the context the work was started from; at most AW_SCENARIO_MAX_REPORTS
 * of them. */
static gboolean
parse_progress (ParseContext *ctx,
                JsonObject   *object,
                const char   *what,
                AwNode       *node,
                GError      **error)
{
  if (!_aw_scenario_get_uint (ctx, object, "progress_ms", FALSE, 10, AW_SCENARIO_MAX_DURATION_MS,
                              what, "ms", &node->progress_ms, error))
    return FALSE;
  if (node->progress_ms > 0 && node->ms / node->progress_ms > AW_SCENARIO_MAX_REPORTS)
    /* Translators: "progress_ms" stays as it is; the numbers are the interval, how many reports
     * that makes, the node's duration and the most reports allowed. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, "progress_ms",
                                 _("\"progress_ms\" of %u ms makes %u reports in %u ms; at most %d"),
                                 node->progress_ms, node->ms / node->progress_ms, node->ms,
                                 AW_SCENARIO_MAX_REPORTS);
  return TRUE;
}

AwNode *
_aw_scenario_parse_node (ParseContext *ctx,
                         JsonNode     *json,
                         JsonObject   *holder,
                         const char   *member,
                         guint         depth,
                         guint64      *n_tasks,
                         GError      **error)
{
  g_autoptr(GString) known = NULL;
  g_autofree char *what = NULL;
  g_autofree char *where = NULL;
  g_autofree char *type_name = NULL;
  JsonObject *object;
  AwNode *node;
  Pos pos;
  guint64 child_tasks = 0;
  gboolean ok = TRUE;
  int type = -1;

  if (!JSON_NODE_HOLDS_OBJECT (json))
    {
      /* Translators: the JSON is the scenario language and stays as it is. */
      _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, holder, member,
                            _("a program node must be an object like {\"type\": \"delay\", \"ms\": 500}"));
      return NULL;
    }
  object = json_node_get_object (json);

  if (depth > AW_SCENARIO_MAX_DEPTH)
    {
      _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, NULL,
                            _("nesting too deep: program nodes may nest at most %d levels"),
                            AW_SCENARIO_MAX_DEPTH);
      return NULL;
    }

  /* Translators: the subject of "a program node needs \"type\"". */
  if (!_aw_scenario_get_text (ctx, object, "type", TRUE, _("a program node"), &type_name, error))
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
      /* Translators: the first %s is what the file names, the second the list of the language's
       * node types. */
      _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "type",
                            _("unknown node type \"%s\" (known types: %s)"), type_name, list->str);
      return NULL;
    }

  /* Translators: %s is a node type of the scenario language, such as
   * when_all, and stays as it is; the subject of messages such as "a delay
   * node needs \"ms\"". */
  what = g_strdup_printf (_("a %s node"), aw_node_type_to_string (type));
  /* Translators: %s is a node type of the scenario language, such as
   * when_all; where an unknown field is, as in "unknown field \"x\" in a
   * delay node". */
  where = g_strdup_printf (C_("unknown field in", "a %s node"), aw_node_type_to_string (type));
  known = g_string_new ("type name csharp_line c_line ");
  g_string_append (known, node_fields[type]);
  if (!_aw_scenario_check_known_members (ctx, object, known->str, where, error))
    return NULL;

  pos = _aw_scenario_position_of (ctx, object, NULL);
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
      ok = _aw_scenario_get_uint (ctx, object, "ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS,
                                  what, "ms", &node->ms, error) &&
           parse_progress (ctx, object, what, node, error);
      /* Reports count against the limit on a run's tasks. */
      child_tasks = node->progress_ms > 0 ? node->ms / node->progress_ms : 0;
      break;

    case AW_NODE_CPU:
      ok = _aw_scenario_get_uint (ctx, object, "ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS,
                                  what, "ms", &node->ms, error) &&
           _aw_scenario_get_bool (ctx, object, "cooperative", &node->cooperative, error) &&
           _aw_scenario_get_uint (ctx, object, "check_ms", FALSE, 1, 10000,
                                  what, "ms", &node->check_ms, error) &&
           _aw_scenario_get_bool (ctx, object, "blocking", &node->blocking, error) &&
           parse_progress (ctx, object, what, node, error);
      child_tasks = node->progress_ms > 0 ? node->ms / node->progress_ms : 0;
      break;

    case AW_NODE_FAIL:
      ok = _aw_scenario_get_uint (ctx, object, "ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS,
                                  what, "ms", &node->ms, error) &&
           _aw_scenario_get_text (ctx, object, "message", FALSE, what, &node->message, error);
      if (ok && node->message == NULL)
        node->message = g_strdup (AW_TEXT_FAILED);
      break;

    case AW_NODE_CACHED:
      ok = _aw_scenario_get_uint (ctx, object, "ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS,
                                  what, "ms", &node->ms, error);
      if (ok)
        {
          JsonNode *ratio = json_object_get_member (object, "hit_ratio");

          node->hit_ratio = 1.0;
          ok = _aw_scenario_get_bool (ctx, object, "value_task", &node->value_task, error);
          if (ok && ratio != NULL)
            {
              if (!JSON_NODE_HOLDS_VALUE (ratio) ||
                  (json_node_get_value_type (ratio) != G_TYPE_DOUBLE &&
                   json_node_get_value_type (ratio) != G_TYPE_INT64))
                /* Translators: "hit_ratio" stays as it is. */
                ok = _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "hit_ratio",
                                           _("\"hit_ratio\" must be a number between 0 and 1"));
              else
                {
                  node->hit_ratio = json_node_get_double (ratio);
                  if (json_node_get_value_type (ratio) == G_TYPE_INT64)
                    node->hit_ratio = json_node_get_int (ratio);
                  if (!(node->hit_ratio >= 0 && node->hit_ratio <= 1))
                    /* Translators: "hit_ratio" stays as it is; %g is the number it holds. */
                    ok = _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "hit_ratio",
                                               _("\"hit_ratio\" is %g; it must be between 0 and 1"),
                                               node->hit_ratio);
                }
            }
        }
      break;

    case AW_NODE_SEQUENCE:
      ok = _aw_scenario_get_bool (ctx, object, "catch", &node->catches, error) &&
           parse_children (ctx, object, what, depth, node, &child_tasks, error);
      break;

    case AW_NODE_WHEN_ALL:
      {
        g_autofree char *errors = NULL;

        ok = _aw_scenario_get_text (ctx, object, "errors", FALSE, what, &errors, error);
        if (ok && errors != NULL)
          {
            if (g_str_equal (errors, "first"))
              node->first_error_only = TRUE;
            else if (!g_str_equal (errors, "all"))
              /* Translators: the quoted words except the last, which is what the file names, are
               * the scenario language and stay as they are; await stays as it is. */
              ok = _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "errors",
                                         _("\"errors\" must be \"all\" (the aggregate) or \"first\" (what await rethrows), not \"%s\""),
                                         errors);
          }
        if (ok)
          ok = parse_children (ctx, object, what, depth, node, &child_tasks, error);
      }
      break;

    case AW_NODE_WHEN_ANY:
      ok = _aw_scenario_get_bool (ctx, object, "cancel_rest", &node->cancel_rest, error) &&
           parse_children (ctx, object, what, depth, node, &child_tasks, error);
      break;

    case AW_NODE_TIMEOUT:
      ok = _aw_scenario_get_uint (ctx, object, "ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS,
                                  what, "ms", &node->ms, error) &&
           parse_child (ctx, object, what, depth, node, &child_tasks, error);
      break;

    case AW_NODE_REPEAT:
    case AW_NODE_PARALLEL:
      ok = _aw_scenario_get_uint (ctx, object, "count", TRUE, 1, AW_SCENARIO_MAX_COUNT,
                                  what, NULL, &node->count, error) &&
           (node->type != AW_NODE_PARALLEL ||
            _aw_scenario_get_uint (ctx, object, "limit", FALSE, 1, AW_SCENARIO_MAX_COUNT,
                                   what, NULL, &node->limit, error)) &&
           parse_child (ctx, object, what, depth, node, &child_tasks, error);
      child_tasks = saturating_mul (child_tasks, node->count);
      break;

    case AW_NODE_FIRE_AND_FORGET:
      ok = _aw_scenario_get_bool (ctx, object, "async_void", &node->async_void, error) &&
           parse_child (ctx, object, what, depth, node, &child_tasks, error);
      break;

    case AW_NODE_WAIT_BLOCKING:
      {
        g_autofree char *continue_on = NULL;

        node->ms = AW_WAIT_DEFAULT_DEADLINE_MS;
        ok = _aw_scenario_get_uint (ctx, object, "deadline_ms", FALSE, 1, AW_WAIT_MAX_DEADLINE_MS,
                                    what, "ms", &node->ms, error) &&
             _aw_scenario_get_bool (ctx, object, "aggregate", &node->aggregate, error) &&
             _aw_scenario_get_text (ctx, object, "continue_on", FALSE, what, &continue_on, error);
        if (ok && continue_on != NULL)
          {
            if (g_str_equal (continue_on, "worker"))
              node->continue_on_worker = TRUE;
            else if (!g_str_equal (continue_on, "main"))
              /* Translators: the quoted words except the last, which is what the file names, are
               * the scenario language and stay as they are. */
              ok = _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_INVALID, object, "continue_on",
                                         _("\"continue_on\" must be \"main\" or \"worker\", not \"%s\""),
                                         continue_on);
          }
        if (ok)
          ok = parse_child (ctx, object, what, depth, node, &child_tasks, error);
      }
      break;

    case AW_NODE_COMPLETION_SOURCE:
      /* The callback API calls back after "ms"; the code after the await
       * then does "work_ms" of CPU work where the continuation runs. */
      ok = _aw_scenario_get_uint (ctx, object, "ms", TRUE, 0, AW_SCENARIO_MAX_DURATION_MS,
                                  what, "ms", &node->ms, error) &&
           _aw_scenario_get_uint (ctx, object, "work_ms", FALSE, 0, AW_SCENARIO_MAX_DURATION_MS,
                                  what, "ms", &node->work_ms, error) &&
           _aw_scenario_get_bool (ctx, object, "run_async", &node->run_async, error);
      break;

    case AW_NODE_LAST:
    default:
      g_assert_not_reached ();
    }

  if (ok)
    ok = _aw_scenario_get_text (ctx, object, "name", FALSE, what, &node->name, error) &&
         _aw_scenario_get_uint (ctx, object, "csharp_line", FALSE, 1, 10000,
                                what, NULL, &node->csharp_line, error) &&
         _aw_scenario_get_uint (ctx, object, "c_line", FALSE, 1, 10000, what, NULL, &node->c_line, error);
  if (ok && node->name != NULL && g_utf8_strlen (node->name, -1) > AW_SCENARIO_MAX_NAME)
    /* Translators: "name" stays as it is. */
    ok = _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, "name",
                               _("\"name\" is longer than %d characters"), AW_SCENARIO_MAX_NAME);

  if (!ok)
    {
      _aw_node_free (node);
      return NULL;
    }

  if (node->name == NULL)
    node->name = default_name (node);

  *n_tasks = saturating_add (*n_tasks, saturating_add (child_tasks, 1));
  if (*n_tasks > AW_SCENARIO_MAX_TASKS)
    {
      _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, object, NULL,
                            _("too many tasks: this program would start more than %d tasks in one run"),
                            AW_SCENARIO_MAX_TASKS);
      _aw_node_free (node);
      return NULL;
    }

  return node;
}

/* Totals over a program --------------------------------------------------------- */

/* What a program asks of the machine when everything runs: its CPU work
 * (cpu nodes, and the code after a completion_source's await) and how
 * long it may block the UI thread (block_ui, and blocking waits up to
 * their deadlines), copies counted, in ms, saturating. */
static void
program_totals (const AwNode *node,
                guint64      *work_ms,
                guint64      *blocked_ms)
{
  guint64 child_work = 0, child_blocked = 0;
  guint64 copies = node->type == AW_NODE_REPEAT || node->type == AW_NODE_PARALLEL ? node->count : 1;

  for (guint i = 0; i < node->n_children; i++)
    program_totals (node->children[i], &child_work, &child_blocked);
  *work_ms = saturating_add (*work_ms, saturating_mul (child_work, copies));
  *blocked_ms = saturating_add (*blocked_ms, saturating_mul (child_blocked, copies));

  if (node->type == AW_NODE_CPU)
    *work_ms = saturating_add (*work_ms, node->ms);
  else if (node->type == AW_NODE_COMPLETION_SOURCE)
    *work_ms = saturating_add (*work_ms, node->work_ms);
  else if (node->type == AW_NODE_BLOCK_UI)
    *blocked_ms = saturating_add (*blocked_ms, node->ms);
  else if (node->type == AW_NODE_WAIT_BLOCKING)
    /* With ConfigureAwait(false) too: the UI thread waits for the child,
     * up to the deadline, even though the child does not need it. */
    *blocked_ms = saturating_add (*blocked_ms, node->ms);
}

/* A run must end in reasonable time even when nothing can cancel it: CPU
 * work that ignores its token, and a UI thread blocked so long that
 * neither Cancel nor the watchdog gets a turn. */
gboolean
_aw_scenario_check_program_totals (ParseContext *ctx,
                                   JsonObject   *holder,
                                   const AwNode *program,
                                   GError      **error)
{
  guint64 work_ms = 0, blocked_ms = 0;

  program_totals (program, &work_ms, &blocked_ms);
  if (work_ms > AW_SCENARIO_MAX_TOTAL_WORK_MS)
    /* Translators: cpu, completion_source and work_ms are the scenario language and stay as they
     * are. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, holder, "program",
                                 _("this program asks for more than %d minutes of CPU work in one run, copies "
                                   "counted (cpu and completion_source work_ms); at most %d minutes are allowed"),
                                 AW_SCENARIO_MAX_TOTAL_WORK_MS / 60000, AW_SCENARIO_MAX_TOTAL_WORK_MS / 60000);
  if (blocked_ms > AW_SCENARIO_MAX_TOTAL_BLOCKED_MS)
    /* Translators: block_ui is the scenario language and stays as it is. */
    return _aw_scenario_fail_at (ctx, error, AW_SCENARIO_ERROR_LIMIT, holder, "program",
                                 _("this program may block the UI thread for more than %d minutes in one run, "
                                   "copies counted (block_ui, and blocking waits up to their deadlines); at most "
                                   "%d minutes are allowed"),
                                 AW_SCENARIO_MAX_TOTAL_BLOCKED_MS / 60000, AW_SCENARIO_MAX_TOTAL_BLOCKED_MS / 60000);
  return TRUE;
}
