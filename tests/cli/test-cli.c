/* test-cli.c: the headless commands, run as a user runs them, with no display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

typedef struct {
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static char *tmpdir;
static const char *cli_locale;  /* LC_ALL for the next commands, if set */
static const char *cli_language;  /* LANGUAGE for the next commands, if set */

static void
run_cli (Result     *r,
         const char *first,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("AWAITSCOPE"));
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* No display at all: a CLI command must never need one. */
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", tmpdir, TRUE);
  if (cli_locale != NULL)
    g_subprocess_launcher_setenv (launcher, "LC_ALL", cli_locale, TRUE);
  if (cli_language != NULL)
    g_subprocess_launcher_setenv (launcher, "LANGUAGE", cli_language, TRUE);

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  r->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", r->status, r->out, r->err);
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
assert_no_temp_files (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)))
    g_assert_false (g_str_has_prefix (name, ".awaitscope-"));
}

static void
test_list (void)
{
  g_auto(Result) r = { 0 };

  run_cli (&r, "list", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "when-all"));
  g_assert_nonnull (strstr (r.out, "cancel"));
  g_assert_nonnull (strstr (r.out, "Part 2"));
}

static void
test_run_json (void)
{
  g_auto(Result) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *seq, *all;
  JsonArray *variants;

  run_cli (&r, "run", "when-all", "--json", "--speed", "4", NULL);
  g_assert_cmpint (r.status, ==, 0);
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  variants = json_object_get_array_member (root, "variants");
  g_assert_cmpuint (json_array_get_length (variants), ==, 2);
  seq = json_array_get_object_element (variants, 0);
  all = json_array_get_object_element (variants, 1);
  g_assert_cmpstr (json_object_get_string_member (seq, "name"), ==, "one-by-one");
  g_assert_cmpstr (json_object_get_string_member (all, "name"), ==, "when-all");

  for (guint i = 0; i < 2; i++)
    {
      JsonObject *v = json_array_get_object_element (variants, i);
      const char *fields[] = { "wall_ms", "tasks", "completed", "failed", "cancelled",
                               "threads_used", "gtasks_created", "errors_unobserved" };

      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        g_assert_true (json_object_has_member (v, fields[f]));
      g_assert_cmpint (json_object_get_int_member (v, "tasks"), ==, 4);
      g_assert_cmpint (json_object_get_int_member (v, "completed"), ==, 4);
    }

  /* WhenAll at least twice as fast as one by one. */
  g_assert_cmpfloat (json_object_get_double_member (seq, "wall_ms"), >=,
                     2.0 * json_object_get_double_member (all, "wall_ms"));
}

/* The names between two markers of the README, each in backquotes. */
static GPtrArray *
readme_names (const char *text,
              const char *from,
              const char *to)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *start = strstr (text, from);
  const char *end = start ? strstr (start, to) : NULL;

  g_assert_nonnull (start);
  g_assert_nonnull (end);
  for (const char *p = strchr (start + strlen (from), '`'); p != NULL && p < end; )
    {
      const char *close = strchr (p + 1, '`');

      g_assert_nonnull (close);
      g_ptr_array_add (names, g_strndup (p + 1, close - p - 1));
      p = strchr (close + 1, '`');
    }
  return names;
}

static void
assert_same_names (GPtrArray  *documented,
                   JsonObject *object,
                   const char *what)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (guint i = 0; i < documented->len; i++)
    if (!json_object_has_member (object, g_ptr_array_index (documented, i)))
      g_error ("README lists %s field \"%s\", which `run --json` does not print",
               what, (const char *) g_ptr_array_index (documented, i));
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_ptr_array_find_with_equal_func (documented, l->data, g_str_equal, NULL))
      g_error ("`run --json` prints %s field \"%s\", which the README does not list",
               what, (const char *) l->data);
}

/* The README's list of `run --json` fields is the output's. */
static void
test_run_json_readme (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("AW_SOURCE_ROOT"), "README.md", NULL);
  g_autofree char *readme = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) top = NULL;
  g_autoptr(GPtrArray) variant = NULL;
  JsonObject *root;
  Result r;

  g_assert_true (g_file_get_contents (path, &readme, NULL, &error));
  g_strdelimit (readme, "\n", ' ');
  top = readme_names (readme, "`run --json` gives one object with the run's", ", and per variant");
  variant = readme_names (readme, "per variant (in `variants`):", " computed from the trace");
  /* The scenario's own: its expected text and verdict, and the variants. */
  g_ptr_array_add (top, g_strdup ("expected"));
  g_ptr_array_add (top, g_strdup ("verdict"));
  g_ptr_array_add (top, g_strdup ("variants"));

  run_cli (&r, "run", "when-all", "--json", "--virtual-clock", NULL);
  g_assert_cmpint (r.status, ==, 0);
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  assert_same_names (top, root, "a top-level");
  assert_same_names (variant, json_array_get_object_element (json_object_get_array_member (root, "variants"), 0),
                     "a variant's");
  result_clear (&r);
}

/* The deadlock reproduced headless: the main loop stops until the watchdog. */
static void
test_run_deadlock (void)
{
  g_auto(Result) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *variants;
  JsonObject *result, *configure, *awaited;

  run_cli (&r, "run", "deadlock", "--json", "--deadline", "1000", NULL);
  g_assert_cmpint (r.status, ==, 0);
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  variants = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "variants");
  result = json_array_get_object_element (variants, 0);
  configure = json_array_get_object_element (variants, 1);
  awaited = json_array_get_object_element (variants, 2);

  g_assert_true (json_object_get_boolean_member (result, "watchdog_fired"));
  g_assert_cmpfloat (json_object_get_double_member (result, "max_main_loop_gap_ms"), >=, 800);
  g_assert_cmpfloat (json_object_get_double_member (result, "max_main_loop_gap_ms"), <=, 1200);
  g_assert_false (json_object_get_boolean_member (configure, "watchdog_fired"));
  g_assert_cmpfloat (json_object_get_double_member (configure, "max_main_loop_gap_ms"), >=, 400);
  g_assert_cmpfloat (json_object_get_double_member (configure, "max_main_loop_gap_ms"), <=, 700);
  g_assert_false (json_object_get_boolean_member (awaited, "watchdog_fired"));
  g_assert_cmpfloat (json_object_get_double_member (awaited, "max_main_loop_gap_ms"), <, 100);
}

static void
test_run_table (void)
{
  g_auto(Result) r = { 0 };

  run_cli (&r, "run", "cancel", "--variant", "cancel-after", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "cancel-after"));
  g_assert_nonnull (strstr (r.out, "cancellation took effect"));
  /* Only the variant asked for ran: no table row for the other one. */
  g_assert_null (strstr (r.out, "\nno-deadline "));
}

static void
check_png (const char *path,
           int         width,
           int         height)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);
  unsigned char *data;
  int stride;
  guint32 first;
  gboolean varied = FALSE;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, width);
  /* A height of 0: as tall as the drawing, at most 16:9 of the width. */
  if (height > 0)
    g_assert_cmpint (cairo_image_surface_get_height (surface), ==, height);
  else
    {
      g_assert_cmpint (cairo_image_surface_get_height (surface), >, width / 8);
      g_assert_cmpint (cairo_image_surface_get_height (surface), <=, width * 9 / 16 + 1);
    }
  height = cairo_image_surface_get_height (surface);

  /* Not blank: the picture has more than one colour. */
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  first = *(guint32 *) data;
  for (int y = 0; y < height && !varied; y += 7)
    for (int x = 0; x < width && !varied; x += 7)
      varied = *(guint32 *) (data + y * stride + x * 4) != first;
  g_assert_true (varied);
  cairo_surface_destroy (surface);
}

static void
test_render_formats (void)
{
  g_autofree char *png = tmp_path ("when-all.png");
  g_autofree char *svg = tmp_path ("when-all.svg");
  g_autofree char *pdf = tmp_path ("when-all.pdf");
  g_autofree char *small = tmp_path ("small.png");
  g_autofree char *contents = NULL;
  gsize length;

  {
    g_auto(Result) r = { 0 };
    run_cli (&r, "render", "when-all", "-o", png, "--speed", "4", NULL);
    g_assert_cmpint (r.status, ==, 0);
    check_png (png, 1280, 0);
  }
  {
    g_auto(Result) r = { 0 };
    run_cli (&r, "render", "when-all", "-o", svg, "--speed", "4", "--theme", "dark", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_file_get_contents (svg, &contents, &length, NULL));
    g_assert_nonnull (strstr (contents, "<svg"));
    g_assert_nonnull (strstr (contents, "</svg>"));
    g_clear_pointer (&contents, g_free);
  }
  {
    g_auto(Result) r = { 0 };
    run_cli (&r, "render", "cancel", "-o", pdf, "--speed", "4", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
    g_assert_true (g_str_has_prefix (contents, "%PDF"));
    g_assert_nonnull (memmem (contents + length - MIN (length, 64), MIN (length, 64), "%%EOF", 5));
  }
  {
    g_auto(Result) r = { 0 };
    run_cli (&r, "render", "when-all", "-o", small, "--size", "800x600", "--speed", "4",
             "--variant", "when-all", NULL);
    g_assert_cmpint (r.status, ==, 0);
    check_png (small, 800, 600);
  }
  assert_no_temp_files ();
}

/* The height follows the drawing: one short variant makes a short
 * picture whose last rows are its caption, not an empty band; a size
 * asked for is kept. */
static void
test_render_fits_content (void)
{
  g_autofree char *png = tmp_path ("await.png");
  g_autofree char *fixed = tmp_path ("await-720.png");
  cairo_surface_t *surface;
  const guint8 *data;
  guint32 background;
  int height, stride, bottom_ink = -1;

  {
    g_auto(Result) r = { 0 };
    run_cli (&r, "render", "await-vs-block", "--variant", "await", "--virtual-clock", "-o", png, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 1280);
  height = cairo_image_surface_get_height (surface);
  /* The drawing used to end at 307 of 720 px. */
  g_assert_cmpint (height, <, 500);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  background = *(const guint32 *) (gconstpointer) data;
  for (int y = height - 1; y >= 0 && bottom_ink < 0; y--)
    for (int x = 0; x < 1280; x++)
      if (*(const guint32 *) (gconstpointer) (data + y * stride + x * 4) != background)
        {
          bottom_ink = y;
          break;
        }
  cairo_surface_destroy (surface);
  /* The last thing drawn ends within a margin of the bottom edge. */
  g_assert_cmpint (bottom_ink, >, height - 30);

  {
    g_auto(Result) r = { 0 };
    run_cli (&r, "render", "await-vs-block", "--variant", "await", "--virtual-clock",
             "--size", "1280x720", "-o", fixed, NULL);
    g_assert_cmpint (r.status, ==, 0);
    check_png (fixed, 1280, 720);
  }
  {
    g_auto(Result) r = { 0 };
    run_cli (&r, "render", "await-vs-block", "--variant", "await", "--virtual-clock",
             "--size", "1280x0", "-o", fixed, NULL);
    g_assert_cmpint (r.status, ==, 0);
    surface = cairo_image_surface_create_from_png (fixed);
    g_assert_cmpint (cairo_image_surface_get_height (surface), ==, height);
    cairo_surface_destroy (surface);
  }
}

/* Without a command and without a display, the app renders the default
 * scenario and says where the picture is. */
static void
test_no_command (void)
{
  g_auto(Result) r = { 0 };
  g_autofree char *expected = g_build_filename (tmpdir, "awaitscope", "when-all.png", NULL);

  run_cli (&r, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, expected));
  check_png (expected, 1280, 0);
}

typedef struct {
  const char *name;
  const char *args[8];
  const char *words;   /* in stderr */
} BadInput;

static const BadInput bad_inputs[] = {
  { "unknown-command", { "frobnicate", NULL }, "unknown command" },
  { "unknown-option", { "run", "when-all", "--frobnicate", NULL }, "Unknown option" },
  { "unknown-scenario", { "run", "no-such-thing", NULL }, "no scenario named" },
  { "escape-in-argument", { "run", "no\033]0;owned\007such\r", NULL }, "no\\x1b]0;owned\\x07such\\x0d" },
  { "control-in-scenario", { "run", "@SRC@/fixtures/bad/control-in-title.json", NULL }, "holds a control character (U+001B)" },
  { "nul-in-scenario", { "check", "@SRC@/fixtures/bad/nul-in-name.json", NULL }, "\\u0000" },
  { "unknown-variant", { "run", "when-all", "--variant", "nope", NULL }, "has no variant" },
  { "bad-speed", { "run", "when-all", "--speed", "0", NULL }, "--speed" },
  { "bad-speed-text", { "run", "when-all", "--speed", "fast", NULL }, "--speed" },
  { "bad-deadline", { "run", "deadlock", "--deadline", "99999", NULL }, "--deadline" },
  { "bad-pool", { "run", "scale", "--pool", "java", NULL }, "give fixed" },
  { "bad-pool-interval", { "run", "scale", "--pool-interval", "5", NULL }, "--pool-interval" },
  { "bad-pool-max", { "run", "scale", "--pool-max", "1000", NULL }, "--pool-max" },
  { "render-no-output", { "render", "when-all", NULL }, "-o FILE" },
  { "render-bad-format", { "render", "when-all", "-o", "@TMP@/out.gif", NULL }, ".png, .svg or .pdf" },
  { "render-missing-folder", { "render", "when-all", "-o", "@TMP@/no/such/dir/out.png", NULL }, "does not exist" },
  { "render-bad-size", { "render", "when-all", "-o", "@TMP@/out.png", "--size", "10x10", NULL }, "out of range" },
  { "render-absurd-size", { "render", "when-all", "-o", "@TMP@/out.png", "--size", "100000x100000", NULL }, "out of range" },
  { "render-size-text", { "render", "when-all", "-o", "@TMP@/out.png", "--size", "big", NULL }, "WIDTHxHEIGHT" },
  { "render-bad-theme", { "render", "when-all", "-o", "@TMP@/out.png", "--theme", "neon", NULL }, "unknown theme" },
  { "render-read-only", { "render", "when-all", "-o", "/proc/awaitscope.png", "--speed", "8", NULL }, "/proc/awaitscope.png" },
  { "check-none", { "check", NULL }, "give one or more" },
  { "replay-missing", { "replay", "/nonexistent/trace.json", "-o", "@TMP@/out.png", NULL }, "cannot read" },
  { "replay-not-a-trace", { "replay", "@SRC@/fixtures/traces/not-events.json", "-o", "@TMP@/out.png", NULL }, "not a trace" },
  { "trace-missing-folder", { "run", "when-all", "--trace", "/nonexistent/dir/t.json", NULL }, "does not exist" },
};

static void
test_bad_input (gconstpointer data)
{
  const BadInput *c = data;
  g_auto(Result) r = { 0 };
  g_autofree char *out = tmp_path ("out.png");
  const char *args[9] = { NULL };

  for (guint i = 0; c->args[i] != NULL; i++)
    args[i] = g_str_has_prefix (c->args[i], "@TMP@") ? g_strconcat (tmpdir, c->args[i] + 5, NULL)
            : g_str_has_prefix (c->args[i], "@SRC@") ? g_strconcat (g_test_get_dir (G_TEST_DIST), c->args[i] + 5, NULL)
            : c->args[i];

  run_cli (&r, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_cmpstr (r.out, ==, "");
  if (c->words != NULL)
    g_assert_nonnull (strstr (r.err, c->words));
  g_assert_cmpuint (strlen (r.err), >, 0);
  /* Whatever the user gave is quoted with its control characters escaped:
   * none reaches the terminal raw. */
  for (const char *p = r.err; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 || *p == '\n' || *p == '\t');
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  assert_no_temp_files ();

  for (guint i = 0; c->args[i] != NULL; i++)
    if (g_str_has_prefix (c->args[i], "@TMP@") || g_str_has_prefix (c->args[i], "@SRC@"))
      g_free ((char *) args[i]);
}

static void
test_output_not_clobbered (void)
{
  g_autofree char *keep = tmp_path ("keep.png");
  g_autofree char *contents = NULL;
  g_auto(Result) r = { 0 };

  g_assert_true (g_file_set_contents (keep, "keep me", -1, NULL));
  run_cli (&r, "render", "when-all", "-o", keep, "--variant", "missing", NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_true (g_file_get_contents (keep, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  g_unlink (keep);
}

static void
test_dev_full (void)
{
  g_auto(Result) r = { 0 };
  GStatBuf st;

  if (g_stat ("/dev/full", &st) != 0)
    {
      g_test_skip ("no /dev/full");
      return;
    }
  /* A device is never replaced by a picture. */
  run_cli (&r, "render", "when-all", "-o", "/dev/full", "--speed", "8", NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "/dev/full"));
  g_assert_cmpint (g_stat ("/dev/full", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
}

static void
test_trace_and_replay (void)
{
  g_autofree char *trace = tmp_path ("runs.json");
  g_autofree char *picture = tmp_path ("replayed.png");
  g_autofree char *foreign = g_test_build_filename (G_TEST_DIST, "fixtures", "traces", "foreign.json", NULL);
  g_autofree char *foreign_png = tmp_path ("foreign.png");
  g_autofree char *contents = NULL;

  {
    g_auto(Result) r = { 0 };
    run_cli (&r, "run", "when-all", "--speed", "8", "--trace", trace, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_file_get_contents (trace, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "\"traceEvents\""));
  }
  {
    g_auto(Result) r = { 0 };
    run_cli (&r, "replay", trace, "-o", picture, NULL);
    g_assert_cmpint (r.status, ==, 0);
    check_png (picture, 1280, 0);
  }
  {
    g_auto(Result) r = { 0 };
    run_cli (&r, "replay", foreign, "-o", foreign_png, "--size", "800x400", NULL);
    g_assert_cmpint (r.status, ==, 0);
    check_png (foreign_png, 800, 400);
  }
  {
    /* What another tool's file had that is not drawn is said, by reason. */
    g_autofree char *ignored = g_test_build_filename (G_TEST_DIST, "fixtures", "traces", "ignored.json", NULL);
    g_auto(Result) r = { 0 };

    run_cli (&r, "replay", ignored, "-o", foreign_png, "--size", "800x400", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.err, "5 events ignored: 3 sample events, 1 counter event, 1 unmatched end"));
  }
  {
    /* A file with nothing to draw is an error, not an empty picture. */
    g_autofree char *nothing = g_test_build_filename (G_TEST_DIST, "fixtures", "traces", "nothing-usable.json", NULL);
    g_autofree char *empty_png = tmp_path ("nothing.png");
    g_auto(Result) r = { 0 };

    run_cli (&r, "replay", nothing, "-o", empty_png, NULL);
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, "nothing Awaitscope can show"));
    g_assert_false (g_file_test (empty_png, G_FILE_TEST_EXISTS));
  }
  assert_no_temp_files ();
}

/* Real traces of other tools (tests/fixtures/traces/foreign) replay into
 * a picture: a Chrome recording (gzipped, its names at ts 0) and Node's
 * --trace-event-categories output. Their axis is checked in
 * test-trace-io (/aw/trace-io/foreign/real-axis). */
static void
test_replay_foreign (void)
{
  const char *files[] = { "chrome-animation-events.json.gz", "node-trace-events.json" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *trace = g_test_build_filename (G_TEST_DIST, "fixtures", "traces", "foreign", files[i], NULL);
      g_autofree char *picture = tmp_path ("foreign.png");
      g_auto(Result) r = { 0 };

      run_cli (&r, "replay", trace, "-o", picture, NULL);
      if (r.status != 0)
        g_test_message ("%s: %s", files[i], r.err);
      g_assert_cmpint (r.status, ==, 0);
      check_png (picture, 1280, 720);
      g_assert_cmpint (g_unlink (picture), ==, 0);
    }
  assert_no_temp_files ();
}

static void
test_check (void)
{
  g_autofree char *bad = g_test_build_filename (G_TEST_DIST, "fixtures", "bad", "negative-ms.json", NULL);
  g_autofree char *good = g_test_build_filename (G_TEST_DIST, "fixtures", "good", "minimal.json", NULL);
  g_autofree char *expected = g_strdup_printf ("%s:13:25:", bad);
  g_auto(Result) r1 = { 0 };
  g_auto(Result) r2 = { 0 };

  run_cli (&r1, "check", bad, NULL);
  g_assert_cmpint (r1.status, ==, 1);
  g_assert_nonnull (strstr (r1.err, expected));
  g_assert_nonnull (strstr (r1.err, "negative"));

  run_cli (&r2, "check", good, NULL);
  g_assert_cmpint (r2.status, ==, 0);
  g_assert_nonnull (strstr (r2.out, "ok"));
  /* What it will run on: a fixed pool unless the file says. */
  g_assert_nonnull (strstr (r2.out, "pool: fixed"));
}

/* --pool overrides the scenario's pool; the JSON and the header say which
 * pool ran. Sixteen 1 s waits that block a thread, on two workers: 8 s on
 * the fixed pool; the dotnet pool, at most three threads here, adds one at
 * 0.5 s (nothing finished before it), and they take 6 s. */
static void
test_run_pool (void)
{
  g_auto(Result) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *pool, *variant;

  run_cli (&r, "run", "scale", "--variant", "thread-bound", "--virtual-clock", "--workers", "2",
           "--pool", "dotnet", "--pool-max", "3", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  pool = json_object_get_object_member (root, "pool");
  g_assert_cmpstr (json_object_get_string_member (pool, "type"), ==, "dotnet");
  g_assert_cmpfloat (json_object_get_double_member (pool, "interval_ms"), ==, 500);
  g_assert_cmpint (json_object_get_int_member (pool, "max_threads"), ==, 3);
  variant = json_array_get_object_element (json_object_get_array_member (root, "variants"), 0);
  g_assert_cmpfloat (json_object_get_double_member (variant, "wall_ms"), ==, 6000);
  g_assert_cmpint (json_object_get_int_member (variant, "threads_used"), ==, 4);
  result_clear (&r);

  run_cli (&r, "run", "scale", "--variant", "thread-bound", "--virtual-clock", "--workers", "2",
           "--pool", "fixed", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "2 worker threads)"));
  g_assert_nonnull (strstr (r.out, "8.00 s"));
  result_clear (&r);

  /* The interval is real time: at speed 4 as at speed 1. */
  run_cli (&r, "run", "scale", "--variant", "thread-bound", "--virtual-clock", "--workers", "2",
           "--pool", "dotnet", "--speed", "4", "--pool-interval", "500", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, ".NET's thread pool from 2 threads, one more every 500 ms"));
  /* A wait ends every 250 ms: the pool never starves, and never grows. */
  g_assert_nonnull (strstr (r.out, "2.00 s"));
}

/* The line under "Usage:", e.g. "awaitscope run [OPTION…] ID|FILE". */
static char *
usage_line (const char *help)
{
  const char *start = strstr (help, "Usage:\n");
  const char *end;

  g_assert_nonnull (start);
  start += strlen ("Usage:\n");
  end = strchr (start, '\n');
  g_assert_nonnull (end);
  return g_strstrip (g_strndup (start, end - start));
}

static void
test_help (void)
{
  const char *cmds[] = { "list", "run", "render", "check", "replay", "gallery" };

  for (guint i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      g_auto(Result) r = { 0 };
      g_autofree char *usage = NULL;
      g_autofree char *prefix = g_strdup_printf ("awaitscope %s [OPTION", cmds[i]);
      g_autofree char *twice = g_strdup_printf ("] %s", cmds[i]);
      const char *after;

      run_cli (&r, cmds[i], "--help", NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "Usage:"));
      g_assert_nonnull (strstr (r.out, cmds[i]));

      /* The usage line names the command once, so it can be typed as shown. */
      usage = usage_line (r.out);
      g_assert_true (g_str_has_prefix (usage, prefix));
      after = strchr (usage, ']');
      g_assert_nonnull (after);
      g_assert_false (g_str_has_prefix (after, twice));
      g_assert_null (strstr (after, cmds[i]));
    }
  {
    g_auto(Result) r = { 0 };
    run_cli (&r, "--help", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "render"));
    for (guint i = 0; i < G_N_ELEMENTS (cmds); i++)
      {
        g_autofree char *row = g_strdup_printf ("\n  %s ", cmds[i]);
        g_assert_nonnull (strstr (r.out, row));
      }
#ifdef AW_HAVE_GTK
    /* Listed like every other command, though main.c runs it. */
    g_assert_nonnull (strstr (r.out, "\n  screenshot "));
#endif
  }
}

/* In a locale with a decimal comma a reader gets commas, everywhere alike:
 * the table, the notes under it, the comparison and the checks. What a
 * program reads does not change with the locale: `run --json` is the same
 * text as in the C locale, and valid JSON; a picture's metadata says
 * "0.5x" while its caption, for the reader, says "0,5x". The words stay
 * English (LANGUAGE=en, a language with no catalogue: the program's own),
 * as for a reader who set only the numbers' locale; the next tests
 * check the words in German and Spanish. */
static void
test_german_locale (void)
{
  g_auto(Result) r = { 0 };
  g_auto(Result) c = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  g_autofree char *svg_path = tmp_path ("german.svg");
  g_autofree char *svg = NULL;
  gboolean have = setlocale (LC_ALL, "de_DE.UTF-8") != NULL;

  setlocale (LC_ALL, saved);
  if (!have)
    {
      g_test_skip ("no de_DE.UTF-8 locale on this system (scripts/test makes one)");
      return;
    }

  /* German numbers with English words: LC_ALL=de_DE alone would also
   * choose the German messages, and this test is about the numbers. */
  cli_language = "en";
  cli_locale = "de_DE.UTF-8";
  run_cli (&r, "run", "cancel", "--virtual-clock", "--speed", "0.5", NULL);
  cli_locale = NULL;
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "speed 0,5x"));
  g_assert_nonnull (strstr (r.out, "   1,00 s "));
  g_assert_nonnull (strstr (r.out, "cancellation took effect within 0,00 ms"));
  g_assert_nonnull (strstr (r.out, "cancellation latency 0,00 ms"));
  g_assert_nonnull (strstr (r.out, "0,25x that of no-deadline (2,00 s)"));
  g_assert_null (strstr (r.out, "0.25x"));
  g_assert_null (strstr (r.out, "1.00 s"));
  result_clear (&r);

  /* The checks read the run's speed back from its trace: at half speed,
   * WhenAll's 2 s are 1 s of the scenario's, within its 1.5 s. */
  cli_locale = "de_DE.UTF-8";
  run_cli (&r, "run", "when-all", "--virtual-clock", "--speed", "0.5", NULL);
  cli_locale = NULL;
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Expected outcome met (3 of 3 checks)"));
  result_clear (&r);

  /* `run --json`: valid JSON, and not a byte different from the C locale's. */
  cli_locale = "de_DE.UTF-8";
  run_cli (&r, "run", "when-all", "--virtual-clock", "--speed", "0.5", "--json", NULL);
  cli_locale = "C";
  run_cli (&c, "run", "when-all", "--virtual-clock", "--speed", "0.5", "--json", NULL);
  cli_locale = NULL;
  g_assert_cmpint (r.status, ==, 0);
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r.out, ==, c.out);
  g_assert_null (strstr (r.out, "1,00 s"));
  result_clear (&r);

  /* A picture: the caption as the reader writes numbers, the metadata as
   * a program reads them. */
  cli_locale = "de_DE.UTF-8";
  run_cli (&r, "render", "when-all", "--virtual-clock", "--speed", "0.5", "-o", svg_path, NULL);
  cli_locale = NULL;
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
  g_assert_nonnull (strstr (svg, "<desc>Awaitscope: simulated timing (virtual clock), speed 0.5x,"));
  g_assert_nonnull (strstr (svg, "speed 0,5x"));
  g_assert_nonnull (strstr (svg, ">2,0 s</text>"));
  g_assert_null (strstr (svg, "opacity=\"0,"));
  cli_language = NULL;
}

/* The first line of @text that starts with @prefix, or NULL. */
static char *
line_starting (const char *text,
               const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i]);
  return NULL;
}

/* The CLI's own words in Spanish and German (the build tree's po/, through
 * AWAITSCOPE_LOCALEDIR): the command list and an option's help, an error,
 * the table of a run, whose columns stay aligned though the headings are
 * longer and have letters of more than one byte. What is typed or read
 * by a program stays as it is: command and option names, `list --ids`. */
static void
test_translated_cli (void)
{
  g_auto(Result) r = { 0 };
  g_auto(Result) c = { 0 };
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  g_autofree char *heading = NULL;
  g_autofree char *row = NULL;
  g_autofree char *catalogue = g_build_filename (g_getenv ("AWAITSCOPE_LOCALEDIR"), "es", "LC_MESSAGES",
                                                 "awaitscope.mo", NULL);
  gboolean have = setlocale (LC_ALL, "es_ES.UTF-8") != NULL && setlocale (LC_ALL, "de_DE.UTF-8") != NULL;

  setlocale (LC_ALL, saved);
  if (!have)
    {
      g_test_skip ("no es_ES.UTF-8 or de_DE.UTF-8 locale on this system (scripts/test makes them)");
      return;
    }
  if (g_getenv ("AWAITSCOPE_LOCALEDIR") == NULL || !g_file_test (catalogue, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the translations are not built (AWAITSCOPE_LOCALEDIR/es/LC_MESSAGES/awaitscope.mo)");
      return;
    }

  cli_locale = "es_ES.UTF-8";
  cli_language = "es";
  run_cli (&r, "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "Uso: awaitscope [ORDEN] [OPCIÓN...]\n"));
  g_assert_nonnull (strstr (r.out, "\n  run         Ejecutar un escenario de verdad y mostrar lo que pasó\n"));
  g_assert_null (strstr (r.out, "Run a scenario"));
  result_clear (&r);

  run_cli (&r, "run", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "awaitscope run [OPCIÓN"));
  g_assert_nonnull (strstr (r.out, "] ID|ARCHIVO\n"));
  g_assert_nonnull (strstr (r.out, "  --speed=X "));
  g_assert_nonnull (strstr (r.out, "Dividir cada duración entre X (por omisión 1)"));
  g_assert_nonnull (strstr (r.out, "  --trace=ARCHIVO "));
  result_clear (&r);

  run_cli (&r, "run", "when-all", "--workers", "99", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_cmpstr (r.err, ==, "awaitscope: --workers 99: indique un número entre 1 y 64\n");
  result_clear (&r);

  /* Shell completion reads the ids: the same in every language. */
  run_cli (&r, "list", "--ids", NULL);
  cli_locale = NULL;
  cli_language = NULL;
  run_cli (&c, "list", "--ids", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, c.out);
  result_clear (&r);

  cli_locale = "de_DE.UTF-8";
  cli_language = "de";
  run_cli (&r, "list", "--bogus", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "(siehe `awaitscope list --help`)\n"));
  result_clear (&r);

  run_cli (&r, "run", "deadlock", "--virtual-clock", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "(virtuelle Uhr: simulierte Zeiten, Geschwindigkeit 1x, 2 Worker-Threads)"));
  heading = line_starting (r.out, "Variante ");
  row = line_starting (r.out, "result ");
  g_assert_nonnull (heading);
  g_assert_nonnull (row);
  /* "max. Lücke" is wider than its column in English: the column widens,
   * counted in characters, so its figures still end under its heading. */
  g_assert_true (g_str_has_suffix (heading, " max. Lücke"));
  g_assert_cmpint (g_utf8_strlen (heading, -1), ==, g_utf8_strlen (row, -1));
  cli_locale = NULL;
  cli_language = NULL;
}

/* In Spanish the bundled lessons read translated, in the list, a run and
 * a picture (with the build tree's po/, AWAITSCOPE_LOCALEDIR); a user's
 * own copy of the same file stays as its author wrote it, and `run --json`
 * stays as bundled. */
static void
test_translated (void)
{
  g_auto(Result) r = { 0 };
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  g_autofree char *bundled = g_build_filename (g_getenv ("AW_SOURCE_ROOT"), "data", "scenarios", "when-all.json", NULL);
  g_autofree char *mine = tmp_path ("mine.json");
  g_autofree char *svg_path = tmp_path ("spanish.svg");
  g_autofree char *text = NULL;
  g_autofree char *svg = NULL;
  gboolean have = setlocale (LC_ALL, "es_ES.UTF-8") != NULL;

  setlocale (LC_ALL, saved);
  if (!have)
    {
      g_test_skip ("no es_ES.UTF-8 locale on this system (scripts/test makes one)");
      return;
    }
  g_assert_true (g_file_get_contents (bundled, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (mine, text, -1, NULL));

  cli_locale = "es_ES.UTF-8";
  cli_language = "es";
  run_cli (&r, "list", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "when-all             Uno a uno frente a Task.WhenAll"));
  g_assert_null (strstr (r.out, "One by one vs Task.WhenAll"));
  result_clear (&r);

  run_cli (&r, "render", "when-all", "--virtual-clock", "-o", svg_path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
  g_assert_nonnull (strstr (svg, ">Uno a uno frente a Task.WhenAll</text>"));
  g_assert_nonnull (strstr (svg, ">1,0 s</text>"));
  result_clear (&r);

  run_cli (&r, "run", mine, "--virtual-clock", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "One by one vs Task.WhenAll"));
  g_assert_null (strstr (r.out, "Uno a uno"));
  result_clear (&r);

  run_cli (&r, "run", "when-all", "--virtual-clock", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_null (strstr (r.out, "Uno a uno"));
  result_clear (&r);

  /* Why a run was cancelled is recorded in English (`run --json`, traces)
   * and drawn in the reader's language. */
  run_cli (&r, "render", "cancel", "--virtual-clock", "-o", svg_path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_clear_pointer (&svg, g_free);
  g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
  g_assert_nonnull (strstr (svg, "cancelada: Se agotó el tiempo tras 500 ms</text>"));
  g_assert_null (strstr (svg, "Timed out"));
  result_clear (&r);
  run_cli (&r, "run", "cancel", "--virtual-clock", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Timed out after 500 ms"));
  result_clear (&r);

  /* A gallery made in Spanish is a Spanish page. */
  {
    g_autofree char *dir = tmp_path ("galeria");
    g_autofree char *index = g_build_filename (dir, "index.html", NULL);
    g_autofree char *page = NULL;

    run_cli (&r, "gallery", dir, "when-all", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_file_get_contents (index, &page, NULL, NULL));
    g_assert_nonnull (strstr (page, "<html lang=\"es\">"));
    g_assert_nonnull (strstr (page, "<h1>Galería de Awaitscope</h1>"));
    g_assert_nonnull (strstr (page, "Todas las variantes en un mismo eje de tiempo"));
    g_assert_null (strstr (page, "Each lesson"));
  }
  cli_locale = NULL;
  cli_language = NULL;
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("AWAITSCOPE") == NULL)
    {
      g_print ("1..0 # SKIP AWAITSCOPE is not set (run through meson test)\n");
      return 0;
    }
  tmpdir = g_dir_make_tmp ("awaitscope-cli-XXXXXX", NULL);

  g_test_add_func ("/aw/cli/list", test_list);
  g_test_add_func ("/aw/cli/run-json", test_run_json);
  g_test_add_func ("/aw/cli/run-json-readme", test_run_json_readme);
  g_test_add_func ("/aw/cli/run-table", test_run_table);
  g_test_add_func ("/aw/cli/run-deadlock", test_run_deadlock);
  g_test_add_func ("/aw/cli/run-pool", test_run_pool);
  g_test_add_func ("/aw/cli/render-formats", test_render_formats);
  g_test_add_func ("/aw/cli/render-fits-content", test_render_fits_content);
  g_test_add_func ("/aw/cli/no-command", test_no_command);
  g_test_add_func ("/aw/cli/check", test_check);
  g_test_add_func ("/aw/cli/trace-and-replay", test_trace_and_replay);
  g_test_add_func ("/aw/cli/replay-foreign", test_replay_foreign);
  g_test_add_func ("/aw/cli/help", test_help);
  g_test_add_func ("/aw/cli/german-locale", test_german_locale);
  g_test_add_func ("/aw/cli/translated", test_translated);
  g_test_add_func ("/aw/cli/translated-cli", test_translated_cli);
  g_test_add_func ("/aw/cli/output-not-clobbered", test_output_not_clobbered);
  g_test_add_func ("/aw/cli/dev-full", test_dev_full);
  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/aw/cli/bad-input/%s", bad_inputs[i].name);
      g_test_add_data_func (path, &bad_inputs[i], test_bad_input);
    }

  ret = g_test_run ();

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("# could not remove %s\n", tmpdir);
  }
  g_free (tmpdir);

  return ret;
}
