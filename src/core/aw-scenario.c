/* aw-scenario.c: the scenario language: small asynchronous programs as JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * AwScenario is what a scenario file becomes once parsed: read-only, so any
 * thread may read it, and everything it hands out lives as long as it
 * does. This file holds the object, its constructors from a file or a
 * resource (both hand the whole text to the parser) and its getters; the
 * parser itself is in aw-scenario-parse.c and aw-scenario-program.c
 * (aw-scenario-private.h says which part does what).
 */

#include "config.h"

#include "aw-i18n.h"

#include "aw-scenario.h"
#include "aw-scenario-private.h"
#include "aw-file-util.h"

#include <inttypes.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

G_DEFINE_FINAL_TYPE (AwScenario, aw_scenario, G_TYPE_OBJECT)
G_DEFINE_QUARK (aw-scenario-error-quark, aw_scenario_error)

static void
check_source_free (gpointer data)
{
  CheckSource *check = data;

  g_clear_pointer (&check->object, json_object_unref);
  g_hash_table_unref (check->members);
  g_free (check);
}

static void
aw_variant_free (AwVariant *variant)
{
  g_free (variant->name);
  g_free (variant->title);
  g_free (variant->description);
  _aw_node_free (variant->program);
  g_free (variant);
}

static void
aw_scenario_finalize (GObject *object)
{
  AwScenario *self = (AwScenario *) object;

  g_free (self->id);
  g_free (self->title);
  g_free (self->part_title);
  g_free (self->question);
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
  self->pool.kind = AW_POOL_FIXED;
  self->pool.interval_ms = AW_POOL_DEFAULT_INTERVAL_MS;
  self->pool.max_threads = AW_POOL_DEFAULT_MAX_THREADS;
  self->variants = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_variant_free);
  self->checks = g_ptr_array_new_with_free_func (check_source_free);
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
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean too_large = FALSE;
  const char *data;
  gsize length;
  GStatBuf st;

  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      /* Translators: %s is a file name. */
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_IO,
                   _("%s: not a regular file"), path);
      return NULL;
    }
  if (g_stat (path, &st) == 0 && st.st_size > AW_SCENARIO_MAX_FILE_SIZE)
    {
      /* Translators: %s is a file name, then its size and the largest size allowed, in bytes. */
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_LIMIT,
                   _("%s: the file is %" PRId64 " bytes; scenario files may be at most %d bytes"),
                   path, (gint64) st.st_size, AW_SCENARIO_MAX_FILE_SIZE);
      return NULL;
    }

  contents = aw_read_file_bounded (path, AW_SCENARIO_MAX_FILE_SIZE, &too_large, &local_error);
  if (too_large)
    {
      /* Translators: %s is a file name, then the largest size allowed twice, in bytes. */
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_LIMIT,
                   _("%s: the file holds more than %d bytes; scenario files may be at most %d bytes"),
                   path, AW_SCENARIO_MAX_FILE_SIZE, AW_SCENARIO_MAX_FILE_SIZE);
      return NULL;
    }
  if (contents == NULL)
    {
      /* Translators: the first %s is a file name, the second the system's reason. */
      g_set_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_IO,
                   _("%s: cannot read the file: %s"), path,
                   local_error->message);
      return NULL;
    }

  data = g_bytes_get_data (contents, &length);
  return aw_scenario_new_from_data (data != NULL ? data : "", length, path, error);
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
 * AwScenario in aw-scenario.h). The question, the summary, the expected
 * text and the expected object are %NULL when the file has none; the part title falls
 * back to the lesson's, and is %NULL only for a part with no default. */
const char *aw_scenario_get_id (AwScenario *self) { return self->id; }
const char *aw_scenario_get_title (AwScenario *self) { return self->title; }
guint aw_scenario_get_part (AwScenario *self) { return self->part; }
const char *aw_scenario_get_question (AwScenario *self) { return self->question; }
const char *aw_scenario_get_summary (AwScenario *self) { return self->summary; }
const char *aw_scenario_get_narration (AwScenario *self) { return self->narration; }
const char *aw_scenario_get_csharp (AwScenario *self) { return self->csharp; }
const char *aw_scenario_get_c_code (AwScenario *self) { return self->c_code; }
const char *aw_scenario_get_expected_text (AwScenario *self) { return self->expected_text; }
JsonObject *aw_scenario_get_expected (AwScenario *self) { return self->expected; }
const char *aw_scenario_get_source (AwScenario *self) { return self->source; }
guint aw_scenario_get_n_variants (AwScenario *self) { return self->variants->len; }

/**
 * aw_scenario_get_pool:
 * @self: a scenario
 *
 * Returns: (transfer none): the worker pool the scenario's runs use, as
 *   long as the scenario lives
 */
const AwPool *
aw_scenario_get_pool (AwScenario *self)
{
  return &self->pool;
}

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
    N_("Part 1: async and await"),
    N_("Part 2: running work concurrently"),
    N_("Part 3: cancellation and timeouts"),
    N_("Part 4: common mistakes"),
  };

  if (self->part_title != NULL)
    return self->part_title;
  return self->part < G_N_ELEMENTS (defaults) && defaults[self->part] != NULL ? _(defaults[self->part]) : NULL;
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
