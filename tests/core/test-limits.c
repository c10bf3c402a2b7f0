/* test-limits.c: every documented limit holds, with a clear message, and
 * hostile inputs and unwritable outputs get an answer, not a crash
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "aw-export.h"
#include "aw-file-util.h"
#include "aw-scenario.h"
#include "aw-trace-io.h"

static char *tmpdir;

/* A whole scenario around @program, with @extra members in the scenario. */
static char *
scenario_text (const char *program,
               const char *extra)
{
  return g_strdup_printf (
    "{ \"id\": \"limits\", \"title\": \"t\", \"part\": 1, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",%s\n"
    "  \"variants\": [ { \"name\": \"v\", \"title\": \"V\", \"program\": %s } ] }\n",
    extra ? extra : "", program);
}

static AwScenario *
parse (const char  *text,
       gssize       length,
       GError     **error)
{
  return aw_scenario_new_from_data (text, length, "limits.json", error);
}

static void
assert_refused (const char *text,
                gssize      length,
                gint        code,
                const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = parse (text, length, &error);

  g_assert_null (s);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (error->domain == AW_SCENARIO_ERROR);
  if (code >= 0)
    g_assert_cmpint (error->code, ==, code);
  g_assert_true (g_str_has_prefix (error->message, "limits.json"));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("\"%s\" does not say \"%s\"", error->message, words);
}

static void
assert_program_refused (const char *program,
                        gint        code,
                        const char *words)
{
  g_autofree char *text = scenario_text (program, NULL);
  assert_refused (text, -1, code, words);
}

static AwScenario *
assert_program_accepted (const char *program)
{
  g_autofree char *text = scenario_text (program, NULL);
  g_autoptr(GError) error = NULL;
  AwScenario *s = parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

/* Scenario files --------------------------------------------------------------- */

static void
test_scenario_file_size (void)
{
  g_autofree char *base = scenario_text ("{ \"type\": \"delay\", \"ms\": 1 }", NULL);
  gsize size = AW_SCENARIO_MAX_FILE_SIZE;
  g_autofree char *text = g_malloc (size + 1);
  g_autofree char *path = g_build_filename (tmpdir, "big.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AwScenario) s = NULL;

  /* Exactly at the limit: accepted. */
  memset (text, ' ', size + 1);
  memcpy (text, base, strlen (base));
  s = parse (text, size, &error);
  g_assert_no_error (error);
  g_clear_object (&s);

  /* One byte more: refused, before parsing, naming the limit. */
  assert_refused (text, size + 1, AW_SCENARIO_ERROR_LIMIT, "1048576");

  /* A file far over the limit is refused from its size alone. */
  {
    int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (ftruncate (fd, (off_t) 4 << 30), ==, 0);   /* 4 GiB, sparse */
    close (fd);
  }
  s = aw_scenario_new_from_file (path, &error);
  g_assert_null (s);
  g_assert_error (error, AW_SCENARIO_ERROR, AW_SCENARIO_ERROR_LIMIT);
  g_test_message ("%s", error->message);
  g_unlink (path);
}

/* @levels program nodes, each the child of the one above. */
static char *
nested_program (guint levels)
{
  GString *s = g_string_new (NULL);

  for (guint i = 1; i < levels; i++)
    g_string_append (s, "{ \"type\": \"repeat\", \"count\": 1, \"child\": ");
  g_string_append (s, "{ \"type\": \"delay\", \"ms\": 1 }");
  for (guint i = 1; i < levels; i++)
    g_string_append (s, " }");
  return g_string_free (s, FALSE);
}

static void
test_scenario_depth (void)
{
  g_autofree char *ok = nested_program (AW_SCENARIO_MAX_DEPTH);
  g_autofree char *deep = nested_program (AW_SCENARIO_MAX_DEPTH + 1);
  g_autoptr(AwScenario) s = assert_program_accepted (ok);
  g_autofree char *brackets = NULL;

  g_assert_cmpuint (aw_scenario_get_variant (s, 0)->n_tasks, ==, AW_SCENARIO_MAX_DEPTH);
  assert_program_refused (deep, AW_SCENARIO_ERROR_LIMIT, "at most 64 levels");

  /* Brackets nested past 128 are refused before json-glib recurses. */
  brackets = g_strnfill (AW_SCENARIO_MAX_JSON_DEPTH + 1, '[');
  assert_refused (brackets, -1, AW_SCENARIO_ERROR_LIMIT, "nesting too deep");
}

static void
test_scenario_tasks (void)
{
  g_autoptr(AwScenario) s = assert_program_accepted (
    "{ \"type\": \"parallel\", \"count\": 999999, \"child\": { \"type\": \"delay\", \"ms\": 1 } }");

  g_assert_cmpuint (aw_scenario_get_variant (s, 0)->n_tasks, ==, AW_SCENARIO_MAX_TASKS);
  assert_program_refused ("{ \"type\": \"parallel\", \"count\": 1000000, \"child\": { \"type\": \"delay\", \"ms\": 1 } }",
                          AW_SCENARIO_ERROR_LIMIT, "too many tasks");
  /* Counts multiply, and the product saturates instead of wrapping. */
  assert_program_refused ("{ \"type\": \"repeat\", \"count\": 1000000, \"child\":"
                          " { \"type\": \"parallel\", \"count\": 1000000, \"child\":"
                          " { \"type\": \"repeat\", \"count\": 1000000, \"child\":"
                          " { \"type\": \"parallel\", \"count\": 1000000, \"child\": { \"type\": \"io\", \"ms\": 1 } } } } }",
                          AW_SCENARIO_ERROR_LIMIT, "too many tasks");
  assert_program_refused ("{ \"type\": \"repeat\", \"count\": 1000001, \"child\": { \"type\": \"delay\", \"ms\": 1 } }",
                          AW_SCENARIO_ERROR_LIMIT, "between 1 and 1000000");
}

static void
test_scenario_durations (void)
{
  g_autoptr(AwScenario) s = assert_program_accepted ("{ \"type\": \"delay\", \"ms\": 600000 }");
  g_autofree char *cancel = NULL;

  g_assert_cmpuint (aw_scenario_get_variant (s, 0)->program->ms, ==, AW_SCENARIO_MAX_DURATION_MS);
  assert_program_refused ("{ \"type\": \"delay\", \"ms\": 600001 }", AW_SCENARIO_ERROR_LIMIT,
                          "between 0 and 600000 ms");
  assert_program_refused ("{ \"type\": \"cpu\", \"ms\": 1e300 }", AW_SCENARIO_ERROR_LIMIT, "between 0 and 600000");
  assert_program_refused ("{ \"type\": \"block_ui\", \"ms\": 1e999 }", AW_SCENARIO_ERROR_LIMIT, "between 0 and 600000");
  assert_program_refused ("{ \"type\": \"io\", \"ms\": -1 }", AW_SCENARIO_ERROR_INVALID, "negative");
  assert_program_refused ("{ \"type\": \"io\", \"ms\": 1.5 }", AW_SCENARIO_ERROR_INVALID, "whole number");
  /* json-glib wraps integers past 64 bits: refused either way. */
  assert_program_refused ("{ \"type\": \"io\", \"ms\": 18446744073709551616 }", -1, NULL);
  assert_program_refused ("{ \"type\": \"timeout\", \"ms\": 600001, \"child\": { \"type\": \"io\", \"ms\": 1 } }",
                          AW_SCENARIO_ERROR_LIMIT, "600000");
  assert_program_refused ("{ \"type\": \"wait_blocking\", \"deadline_ms\": 30001, \"child\": { \"type\": \"io\", \"ms\": 1 } }",
                          AW_SCENARIO_ERROR_LIMIT, "30000");

  cancel = g_strdup ("{ \"id\": \"limits\", \"title\": \"t\", \"part\": 1, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
                     "  \"variants\": [ { \"name\": \"v\", \"title\": \"V\", \"cancel_after_ms\": 600001,\n"
                     "                  \"program\": { \"type\": \"io\", \"ms\": 1 } } ] }");
  assert_refused (cancel, -1, AW_SCENARIO_ERROR_LIMIT, "600000");
}

/* The dotnet pool's interval and maximum, on both sides of each line. */
static void
test_scenario_pool (void)
{
  const struct { const char *pool; gint code; const char *words; } cases[] = {
    { "{ \"type\": \"dotnet\", \"interval_ms\": 10, \"max_threads\": 1 }", 0, NULL },
    { "{ \"type\": \"dotnet\", \"interval_ms\": 600000, \"max_threads\": 256 }", 0, NULL },
    { "{ \"type\": \"dotnet\", \"interval_ms\": 9 }", AW_SCENARIO_ERROR_LIMIT, "between 10 and 600000 ms" },
    { "{ \"type\": \"dotnet\", \"interval_ms\": 600001 }", AW_SCENARIO_ERROR_LIMIT, "between 10 and 600000 ms" },
    { "{ \"type\": \"dotnet\", \"max_threads\": 0 }", AW_SCENARIO_ERROR_LIMIT, "between 1 and 256" },
    { "{ \"type\": \"dotnet\", \"max_threads\": 257 }", AW_SCENARIO_ERROR_LIMIT, "between 1 and 256" },
    { "{ \"type\": \"dotnet\", \"max_threads\": 1e300 }", AW_SCENARIO_ERROR_LIMIT, "between 1 and 256" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *extra = g_strdup_printf (" \"pool\": %s,", cases[i].pool);
      g_autofree char *text = scenario_text ("{ \"type\": \"cpu\", \"ms\": 1 }", extra);

      if (cases[i].words == NULL)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(AwScenario) s = parse (text, -1, &error);

          g_assert_no_error (error);
        }
      else
        assert_refused (text, -1, cases[i].code, cases[i].words);
    }
}

/* A scenario describes a program; it cannot name a file, a command or an
 * address for Awaitscope to use: there is no such field, at any level. */
static void
test_scenario_data_only (void)
{
  const char *fields[] = { "path", "file", "command", "exec", "shell", "url", "host", "include",
                           "import", "$ref", "env", "script", "plugin", "output" };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *top = g_strdup_printf (" \"%s\": \"/etc/passwd\",", fields[i]);
      g_autofree char *in_top = scenario_text ("{ \"type\": \"io\", \"ms\": 1 }", top);
      g_autofree char *node = g_strdup_printf ("{ \"type\": \"io\", \"ms\": 1, \"%s\": \"rm -rf /\" }", fields[i]);
      g_autofree char *variant = g_strdup_printf (
        "{ \"id\": \"limits\", \"title\": \"t\", \"part\": 1, \"narration\": \"n\", \"csharp\": \"c\", \"c\": \"c\",\n"
        "  \"variants\": [ { \"name\": \"v\", \"title\": \"V\", \"%s\": \"http://example.com/\",\n"
        "                  \"program\": { \"type\": \"io\", \"ms\": 1 } } ] }", fields[i]);
      g_autofree char *words = g_strdup_printf ("unknown field \"%s\"", fields[i]);

      assert_refused (in_top, -1, AW_SCENARIO_ERROR_INVALID, words);
      assert_program_refused (node, AW_SCENARIO_ERROR_INVALID, words);
      assert_refused (variant, -1, AW_SCENARIO_ERROR_INVALID, words);
    }
  /* Nor a node type that would run something. */
  assert_program_refused ("{ \"type\": \"exec\", \"ms\": 1 }", AW_SCENARIO_ERROR_INVALID, "unknown node type");
}

static void
test_scenario_sizes (void)
{
  g_autofree char *long_text = g_strnfill (AW_SCENARIO_MAX_TEXT + 1, 'x');
  g_autofree char *extra = g_strdup_printf (" \"summary\": \"%s\",", long_text);
  g_autofree char *too_long = scenario_text ("{ \"type\": \"io\", \"ms\": 1 }", extra);
  g_autofree char *name = g_strnfill (AW_SCENARIO_MAX_NAME + 1, 'n');
  g_autofree char *named = g_strdup_printf ("{ \"type\": \"io\", \"ms\": 1, \"name\": \"%s\" }", name);
  GString *children = g_string_new ("{ \"type\": \"when_all\", \"children\": [");
  GString *variants = g_string_new ("{ \"id\": \"limits\", \"title\": \"t\", \"part\": 1, \"narration\": \"n\", "
                                    "\"csharp\": \"c\", \"c\": \"c\", \"variants\": [");

  assert_refused (too_long, -1, AW_SCENARIO_ERROR_LIMIT, "longer than 65536 bytes");
  assert_program_refused (named, AW_SCENARIO_ERROR_LIMIT, "longer than 120 characters");

  for (guint i = 0; i <= AW_SCENARIO_MAX_CHILDREN; i++)
    g_string_append_printf (children, "%s{ \"type\": \"io\", \"ms\": 1 }", i ? ", " : "");
  g_string_append (children, "] }");
  assert_program_refused (children->str, AW_SCENARIO_ERROR_LIMIT, "at most 1000");
  g_string_free (children, TRUE);

  for (guint i = 0; i <= AW_SCENARIO_MAX_VARIANTS; i++)
    g_string_append_printf (variants, "%s{ \"name\": \"v%u\", \"title\": \"V\", \"program\": { \"type\": \"io\", \"ms\": 1 } }",
                            i ? ", " : "", i);
  g_string_append (variants, "] }");
  assert_refused (variants->str, -1, AW_SCENARIO_ERROR_LIMIT, "at most 8");
  g_string_free (variants, TRUE);
}

typedef struct {
  const char *name;
  const char *text;
  gssize      length;
  gint        code;
  const char *words;
} Hostile;

/* Inputs that once reached json-glib in a form it read differently from the
 * pre-check, or that it decodes into text that is not UTF-8. */
static const Hostile hostile[] = {
  { "empty", "", 0, AW_SCENARIO_ERROR_SYNTAX, "empty" },
  { "spaces", "   \n\t  ", -1, AW_SCENARIO_ERROR_INVALID, "must be a JSON object" },
  { "nul", "{\0}", 3, AW_SCENARIO_ERROR_SYNTAX, "not UTF-8" },
  { "binary", "\x7f" "ELF\x02\x01\x01\xff\xfe", 9, AW_SCENARIO_ERROR_SYNTAX, "not UTF-8" },
  { "half-surrogate", "{ \"id\": \"\\ud800x\" }", -1, AW_SCENARIO_ERROR_SYNTAX, "escape is not JSON" },
  { "short-escape", "{ \"id\": \"\\ud80s\" }", -1, AW_SCENARIO_ERROR_SYNTAX, "escape is not JSON" },
  { "octal-escape", "{ \"id\": \"\\377\" }", -1, AW_SCENARIO_ERROR_SYNTAX, "escape is not JSON" },
  { "escaped-newline", "[\"\\\n\", [[[[]]]]]", -1, AW_SCENARIO_ERROR_SYNTAX, "escape is not JSON" },
  { "comment", "[/* \" */ [[[[]]]]]", -1, AW_SCENARIO_ERROR_SYNTAX, "comments are not JSON" },
  { "line-comment", "{ // \"\n }", -1, AW_SCENARIO_ERROR_SYNTAX, "comments are not JSON" },
  { "single-quotes", "['\"', [[[[]]]]]", -1, AW_SCENARIO_ERROR_SYNTAX, "single-quoted" },
  { "truncated", "{ \"id\": \"a", -1, AW_SCENARIO_ERROR_SYNTAX, NULL },
  /* json-glib quotes the bad token cut short, in the middle of a character. */
  { "token-cut-in-a-character",
    "{\n  \"id\": \"f-----------------@,\xef\xbb\xbf\xd9\x9c" "at\xef\xbb\xbfiv\xdb\x9c\"\xef\xbb\xbf\". "
    "T]ariants\": [\n  ]\n}\n", -1, AW_SCENARIO_ERROR_SYNTAX, "Parse error" },
  { "array", "[1, 2, 3]", -1, AW_SCENARIO_ERROR_INVALID, "must be a JSON object" },
};

static void
test_scenario_hostile (void)
{
  gsize deep_size = 512 * 1024;
  g_autofree char *deep = g_strnfill (deep_size, '[');
  g_autofree char *huge = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_test_message ("%s", hostile[i].name);
      assert_refused (hostile[i].text, hostile[i].length, hostile[i].code, hostile[i].words);
    }

  /* Half a million open brackets: refused at the 129th, no recursion. */
  assert_refused (deep, deep_size, AW_SCENARIO_ERROR_LIMIT, "nesting too deep");
  /* The same hidden behind each trick json-glib reads differently. */
  {
    const char *tricks[] = { "[\"\\\n\", ", "[/* \" */ ", "['\"', " };

    for (guint i = 0; i < G_N_ELEMENTS (tricks); i++)
      {
        g_autofree char *hidden = g_strconcat (tricks[i], deep, NULL);
        assert_refused (hidden, -1, AW_SCENARIO_ERROR_SYNTAX, NULL);
      }
  }
  /* 64 MiB: refused from its length. */
  huge = g_malloc (64 * 1024 * 1024);
  memset (huge, '[', 64 * 1024 * 1024);
  assert_refused (huge, 64 * 1024 * 1024, AW_SCENARIO_ERROR_LIMIT, "bytes");
}

/* Trace files ------------------------------------------------------------------- */

static void
assert_trace_refused (const char *text,
                      gsize       length,
                      gint        code,
                      const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = aw_traces_load_from_data (text, length, "limits-trace.json", &error);

  g_assert_null (traces);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_error (error, AW_TRACE_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, "limits-trace.json"));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("\"%s\" does not say \"%s\"", error->message, words);
}

static void
test_trace_file_size (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "big-trace.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) traces = NULL;
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, AW_TRACE_MAX_FILE_SIZE + 1), ==, 0);   /* sparse */
  close (fd);
  traces = aw_traces_load_from_file (path, &error);
  g_assert_null (traces);
  g_assert_error (error, AW_TRACE_ERROR, AW_TRACE_ERROR_LIMIT);
  g_test_message ("%s", error->message);
  g_unlink (path);
}

static void
test_trace_events (void)
{
  GString *own = g_string_new ("{ \"traceEvents\": [], \"otherData\": { \"awaitscope\": { \"format\": 1, \"traces\": [\n"
                               "  { \"lanes\": [\"main\"], \"strings\": [], \"events\": [");
  GString *foreign = g_string_new ("[");

  /* The smallest events there are: the count is refused before any is read. */
  for (guint i = 0; i <= AW_TRACE_MAX_EVENTS; i++)
    {
      g_string_append (own, i ? ",0" : "0");
      g_string_append (foreign, i ? ",0" : "0");
    }
  g_string_append (own, "] } ] } } }");
  g_string_append (foreign, "]");
  assert_trace_refused (own->str, own->len, AW_TRACE_ERROR_LIMIT, "more than 2000000 events");
  assert_trace_refused (foreign->str, foreign->len, AW_TRACE_ERROR_LIMIT, "more than 2000000 events");
  g_string_free (own, TRUE);
  g_string_free (foreign, TRUE);
}

static void
test_trace_hostile (void)
{
  g_autofree char *deep = g_strnfill (AW_TRACE_MAX_JSON_DEPTH + 1, '[');
  g_autofree char *hidden = g_strconcat ("[/* \" */ ", deep, NULL);

  assert_trace_refused ("", 0, AW_TRACE_ERROR_SYNTAX, "empty");
  assert_trace_refused ("\x89PNG\r\n\x1a\n\xff", 9, AW_TRACE_ERROR_SYNTAX, "not UTF-8");
  assert_trace_refused (deep, strlen (deep), AW_TRACE_ERROR_LIMIT, "nesting too deep");
  assert_trace_refused (hidden, strlen (hidden), AW_TRACE_ERROR_SYNTAX, "comments are not JSON");
  assert_trace_refused ("[{\"name\": \"\\ud800x\", \"ph\": \"X\", \"ts\": 1}]", strlen ("[{\"name\": \"\\ud800x\", \"ph\": \"X\", \"ts\": 1}]"),
                        AW_TRACE_ERROR_SYNTAX, "escape is not JSON");
  assert_trace_refused ("{\"a\": 1}", 8, AW_TRACE_ERROR_INVALID, "not a trace");
  /* Times no clock reaches are ignored, not overflowed. */
  {
    const char *far = "[{\"ph\": \"X\", \"ts\": 9223372036854775807, \"dur\": 1e300}, {\"ph\": \"i\", \"ts\": -1e300}]";
    assert_trace_refused (far, strlen (far), AW_TRACE_ERROR_INVALID, "nothing Awaitscope can show");
  }
}

/* Output files ------------------------------------------------------------------- */

static GBytes *
picture_bytes (gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 7);
  return g_bytes_new_take (data, size);
}

/* Nothing but @expected in @dir: no temporary file was left behind. */
static void
assert_dir_holds (const char *dir,
                  const char *expected)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (expected == NULL || !g_str_equal (name, expected))
        g_error ("%s holds %s, left by a failed write", dir, name);
      n++;
    }
  g_assert_cmpuint (n, ==, expected ? 1 : 0);
}

static char *
fresh_dir (const char *name)
{
  char *dir = g_build_filename (tmpdir, name, NULL);

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  return dir;
}

static void
test_output_missing_folder (void)
{
  g_autoptr(GBytes) bytes = picture_bytes (1000);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "no", "such", "folder", "out.png", NULL);

  g_assert_false (aw_write_file_atomic (path, bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_output_read_only_folder (void)
{
  g_autofree char *dir = fresh_dir ("read-only");
  g_autofree char *path = g_build_filename (dir, "out.png", NULL);
  g_autoptr(GBytes) bytes = picture_bytes (1000);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  /* Root writes anywhere: check as an ordinary user would be. */
  if (geteuid () == 0)
    {
      setfsgid (65534);
      setfsuid (65534);
      if ((uid_t) setfsuid (65534) != 65534)
        {
          g_chmod (dir, 0755);
          g_test_skip ("root cannot act as another user here (no CAP_SETUID)");
          return;
        }
    }
  ok = aw_write_file_atomic (path, bytes, &error);
  if (geteuid () == 0)
    {
      setfsuid (0);
      setfsgid (0);
    }
  g_chmod (dir, 0755);

  g_assert_false (ok);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_test_message ("%s", error->message);
  assert_dir_holds (dir, NULL);
  g_rmdir (dir);
}

static void
test_output_dev_full (void)
{
  g_autoptr(GBytes) bytes = picture_bytes (1000);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_false (aw_write_file_atomic ("/dev/full", bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_test_message ("%s", error->message);
  /* The device is still the device. */
  g_assert_cmpint (g_stat ("/dev/full", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
}

/* The disk fills up half-way through (a file size limit stands in for it):
 * the old file stays whole and no part of the new one is left. */
static void
test_output_write_fails_midway (void)
{
  g_autofree char *dir = fresh_dir ("full-disk");
  g_autofree char *path = g_build_filename (dir, "out.png", NULL);
  g_autoptr(GBytes) bytes = picture_bytes (256 * 1024);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  struct rlimit saved, small;
  void (*old_handler) (int);
  gboolean ok;

  g_assert_true (g_file_set_contents (path, "the previous picture", -1, NULL));

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = 64 * 1024;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  ok = aw_write_file_atomic (path, bytes, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_false (ok);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "the previous picture");
  assert_dir_holds (dir, "out.png");
  g_unlink (path);
  g_rmdir (dir);
}

/* A replaced file keeps its mode: a picture shared with the group stays
 * shared, a private trace stays private. A new file follows the umask. */
static void
test_output_keeps_mode (void)
{
  g_autofree char *dir = fresh_dir ("modes");
  g_autoptr(GBytes) bytes = picture_bytes (1000);
  const mode_t modes[] = { 0600, 0640, 0664, 0755 };
  GStatBuf st;
  mode_t mask;

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/out-%o.png", dir, modes[i]);
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_set_contents (path, "old", -1, NULL));
      g_assert_cmpint (g_chmod (path, modes[i]), ==, 0);
      g_assert_true (aw_write_file_atomic (path, bytes, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpuint (st.st_mode & 07777, ==, modes[i]);
      g_assert_cmpuint (st.st_size, ==, g_bytes_get_size (bytes));
    }

  {
    g_autofree char *path = g_build_filename (dir, "new.png", NULL);

    mask = umask (022);
    g_assert_true (aw_write_file_atomic (path, bytes, NULL));
    umask (mask);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpuint (st.st_mode & 07777, ==, 0644);
  }
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".awaitscope-"));
  }
}

/* A read-only file is refused, even for root, and stays as it was. */
static void
test_output_read_only_file (void)
{
  g_autofree char *dir = fresh_dir ("read-only-file");
  g_autofree char *path = g_build_filename (dir, "out.png", NULL);
  g_autoptr(GBytes) bytes = picture_bytes (1000);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (path, "keep me", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  g_assert_false (aw_write_file_atomic (path, bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  g_clear_error (&error);
  g_assert_false (aw_file_check_target (path, TRUE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY);
  g_chmod (path, 0644);
}

/* A file with another name (a hard link) is refused: replacing one name
 * would leave the other with the old contents. */
static void
test_output_hard_link (void)
{
  g_autofree char *dir = fresh_dir ("hard-link");
  g_autofree char *path = g_build_filename (dir, "out.png", NULL);
  g_autofree char *other = g_build_filename (dir, "other.png", NULL);
  g_autoptr(GBytes) bytes = picture_bytes (1000);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (path, "shared", -1, NULL));
  g_assert_cmpint (link (path, other), ==, 0);
  g_assert_false (aw_write_file_atomic (path, bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "2 hard links"));
  g_assert_true (g_file_get_contents (other, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "shared");
}

/* A folder where the file should go, and a folder path that is a file. */
static void
test_output_not_a_file (void)
{
  g_autofree char *dir = fresh_dir ("not-a-file");
  g_autofree char *sub = g_build_filename (dir, "out.png", NULL);
  g_autofree char *file = g_build_filename (dir, "plain", NULL);
  g_autofree char *inside = g_build_filename (file, "out.png", NULL);
  g_autoptr(GBytes) bytes = picture_bytes (1000);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_false (aw_write_file_atomic (sub, bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_assert_false (aw_write_file_atomic (inside, bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_rmdir (sub);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("awaitscope-limits-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  /* Reachable by the ordinary user the read-only check acts as. */
  g_chmod (tmpdir, 0755);

  g_test_add_func ("/aw/limits/scenario/file-size", test_scenario_file_size);
  g_test_add_func ("/aw/limits/scenario/depth", test_scenario_depth);
  g_test_add_func ("/aw/limits/scenario/tasks", test_scenario_tasks);
  g_test_add_func ("/aw/limits/scenario/durations", test_scenario_durations);
  g_test_add_func ("/aw/limits/scenario/pool", test_scenario_pool);
  g_test_add_func ("/aw/limits/scenario/data-only", test_scenario_data_only);
  g_test_add_func ("/aw/limits/scenario/sizes", test_scenario_sizes);
  g_test_add_func ("/aw/limits/scenario/hostile", test_scenario_hostile);
  g_test_add_func ("/aw/limits/trace/file-size", test_trace_file_size);
  g_test_add_func ("/aw/limits/trace/events", test_trace_events);
  g_test_add_func ("/aw/limits/trace/hostile", test_trace_hostile);
  g_test_add_func ("/aw/limits/output/missing-folder", test_output_missing_folder);
  g_test_add_func ("/aw/limits/output/read-only-folder", test_output_read_only_folder);
  g_test_add_func ("/aw/limits/output/dev-full", test_output_dev_full);
  g_test_add_func ("/aw/limits/output/write-fails-midway", test_output_write_fails_midway);
  g_test_add_func ("/aw/limits/output/keeps-mode", test_output_keeps_mode);
  g_test_add_func ("/aw/limits/output/read-only-file", test_output_read_only_file);
  g_test_add_func ("/aw/limits/output/hard-link", test_output_hard_link);
  g_test_add_func ("/aw/limits/output/not-a-file", test_output_not_a_file);

  ret = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return ret;
}
