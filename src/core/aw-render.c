/* aw-render.c: draws recorded runs into any cairo_t
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawing happens in two steps. aw_render_layout_new() decides where
 * everything goes (title, comparison line, one block per variant with its
 * lanes and task rows, the shared time axis, the legend), measuring text
 * with the same Pango setup the drawing uses. aw_render_with_layout() then
 * draws from the recorded model only, so the CLI, the tests and the widget
 * see the same picture and can map between times and x.
 *
 * Speed comes from three habits: spans outside the view are culled with a
 * binary search (task spans and lane busy spans are sorted by start); a row
 * with more visible spans than it has pixels is rasterised into a coverage
 * array, one entry per pixel column, so neighbouring sub-pixel spans become
 * one rectangle; and rectangles of one style are batched into one path and
 * filled once.
 */

#include "config.h"

#include "aw-render.h"

#include <math.h>
#include <string.h>

#include <pango/pangocairo.h>

#define MIN_ROW_HEIGHT      3.0   /* below this, tasks share rows */
#define MAX_MEASURED_LABELS 256   /* label column width is taken from these */
#define MAX_LANE_WALK_BACK  64

typedef enum {
  BATCH_WAITING,
  BATCH_QUEUED,
  BATCH_RUNNING,
  N_BATCHES
} Batch;

typedef struct {
  double x;
  double y;
  double w;
  double h;
} Rect;

typedef enum {
  LEGEND_RUNNING,
  LEGEND_WAITING,
  LEGEND_QUEUED,
  LEGEND_COMPLETED,
  LEGEND_FAULTED,
  LEGEND_CANCELLED,
  LEGEND_SYNC,
  LEGEND_HEARTBEAT,
  LEGEND_FROZEN,
  LEGEND_CANCEL_REQUEST,
  LEGEND_WATCHDOG,
  LEGEND_UNOBSERVED,
  N_LEGEND
} LegendItem;

static const char *legend_labels[N_LEGEND] = {
  [LEGEND_RUNNING] = "running on a thread",
  [LEGEND_WAITING] = "waiting (holds no thread)",
  [LEGEND_QUEUED] = "queued for a thread",
  [LEGEND_COMPLETED] = "completed",
  [LEGEND_FAULTED] = "faulted",
  [LEGEND_CANCELLED] = "cancelled",
  [LEGEND_SYNC] = "completed synchronously",
  [LEGEND_HEARTBEAT] = "heartbeat (UI responsive)",
  [LEGEND_FROZEN] = "UI frozen",
  [LEGEND_CANCEL_REQUEST] = "cancel requested",
  [LEGEND_WATCHDOG] = "watchdog fired",
  [LEGEND_UNOBSERVED] = "unobserved error",
};

/* Title, comparison, headers, legend and caption: the "chrome" around the
 * chart. When the chart is short of room, the layout takes a more compact
 * level before it squeezes rows. */
typedef struct {
  double   title;
  double   compare;
  double   header;
  double   legend;
  gboolean caption_one_line;
  gboolean no_caption;
} Chrome;

static const Chrome chrome_levels[] = {
  { 1.9, 1.3, 1.15, 0.95, FALSE, FALSE },
  { 1.6, 1.15, 1.05, 0.82, TRUE, FALSE },
  { 1.45, 1.05, 1.0, 0.75, TRUE, TRUE },
};

/* Rows and lanes shrink together down to this share of their natural
 * height; below it, lanes and variants with few tasks keep their natural
 * height and the crowded variants split the rest, sharing rows if they
 * must. When there is room to spare, everything grows up to MAX_GROW. */
#define MIN_UNIFORM_SCALE 0.4
#define MAX_GROW          1.45

typedef struct {
  cairo_t               *cr;
  cairo_surface_t       *scratch;
  const AwRenderRequest *request;
  const AwTheme         *theme;
  const AwRenderLayout  *layout;
  AwRenderCache         *cache;    /* the request's, or one for this drawing */
  gboolean               own_cache;
  GString               *key;
  PangoLayout           *pl;       /* the text set last, owned by the cache */
  const double          *pl_size;  /* its logical width and height */
  PangoFontDescription  *font;
  double                 s;        /* text scale */
  double                 f;        /* body font size */
  double                 lw;       /* outline width */
  double                 pad;      /* outer margin */
  double                 clip_top;
  double                 clip_bottom;
  const Chrome          *chrome;
  gboolean               legend_has[N_LEGEND];
  GArray                *taken;    /* x ranges of labels in the main lane */
  double                 label_limit;
  gint64                *cover;    /* per pixel column of the plot: see cover_add() */
  guint                  n_cover;
  guint                  cover_lo; /* the columns touched since the last reset */
  guint                  cover_hi;
  GArray                *batch[N_BATCHES];
} Ctx;

/* Shaped text, kept between drawings by the same cache: a live timeline
 * draws the same labels every frame, and shaping them is most of the cost
 * of drawing text. */
struct _AwRenderCache {
  PangoContext   *pango;
  gulong          target;      /* what the layouts were made for: font options */
  cairo_matrix_t  matrix;      /* and the transformation, at the last drawing */
  GHashTable     *texts;       /* key -> CachedText */
  guint64         drawings;    /* drawings that used the cache */
};

typedef struct {
  PangoLayout *layout;
  double       size[2];      /* logical width and height */
  guint64      used;         /* the drawing that last used it */
} CachedText;

#define CACHE_KEEP 256       /* texts kept beyond those the last drawing used */

static void
cached_text_free (gpointer data)
{
  CachedText *t = data;

  g_object_unref (t->layout);
  g_free (t);
}

/**
 * aw_render_cache_new:
 *
 * A cache of shaped text for drawings that repeat, such as the frames of a
 * live timeline. Pass it in [struct@Aw.RenderRequest]'s @cache; it adapts
 * itself when the target's font options or transformation change.
 *
 * Returns: (transfer full): a new cache
 */
AwRenderCache *
aw_render_cache_new (void)
{
  AwRenderCache *cache = g_new0 (AwRenderCache, 1);

  cache->texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cached_text_free);
  return cache;
}

void
aw_render_cache_free (AwRenderCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->texts);
  g_clear_object (&cache->pango);
  g_free (cache);
}

/* Makes the cache's context match @cr; shaped text made for another
 * target's font options or another transformation is dropped. */
static void
cache_prepare (AwRenderCache *cache,
               cairo_t       *cr)
{
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_matrix_t matrix;
  gulong target;

  cairo_surface_get_font_options (cairo_get_target (cr), options);
  target = cairo_font_options_hash (options);
  cairo_font_options_destroy (options);
  cairo_get_matrix (cr, &matrix);
  matrix.x0 = matrix.y0 = 0;

  if (cache->pango == NULL)
    {
      /* Metrics without hinting: the layout measured here is then the same
       * on image, SVG and PDF surfaces. */
      cache->pango = pango_cairo_create_context (cr);
      options = cairo_font_options_create ();
      cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
      pango_cairo_context_set_font_options (cache->pango, options);
      cairo_font_options_destroy (options);
    }
  else if (target != cache->target || memcmp (&matrix, &cache->matrix, sizeof matrix) != 0)
    {
      pango_cairo_update_context (cr, cache->pango);
      g_hash_table_remove_all (cache->texts);
    }
  cache->target = target;
  cache->matrix = matrix;
  cache->drawings++;
}

/* Drops what neither this drawing nor recent ones used, once there is a
 * fair amount of it (the header of a live run changes every frame). */
static void
cache_trim (AwRenderCache *cache)
{
  GHashTableIter iter;
  CachedText *t;
  guint used = 0;

  g_hash_table_iter_init (&iter, cache->texts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    used += t->used == cache->drawings;
  if (g_hash_table_size (cache->texts) <= used + CACHE_KEEP)
    return;

  g_hash_table_iter_init (&iter, cache->texts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    if (t->used + 1 < cache->drawings)
      g_hash_table_iter_remove (&iter);
}

/* Font sizes, as multiples of the body size. */
#define LABEL_SIZE   0.95
#define LANE_SIZE    0.9
#define SMALL_SIZE   0.82


static const AwColor caution_stripe = { 0.08, 0.08, 0.08, 0.8 };
static const AwColor white = { 1.0, 1.0, 1.0, 1.0 };

/* Helpers: numbers and text {{{ */

static void
format_number (char       *buf,
               gsize       len,
               int         decimals,
               double      value)
{
  char fmt[16];

  g_snprintf (fmt, sizeof fmt, "%%.%df", CLAMP (decimals, 0, 9));
  g_ascii_formatd (buf, len, fmt, value);
}

/**
 * aw_render_format_duration:
 * @ms: a duration in milliseconds
 *
 * Formats a duration the way the timeline shows it: "2.41 s" from one
 * second up, "640 ms" below, with a fixed decimal point whatever the locale.
 *
 * Returns: (transfer full): the text
 */
char *
aw_render_format_duration (double ms)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (ms) || ms < 0)
    return g_strdup ("–");

  if (ms >= 999.5)
    {
      double sec = ms / 1000.0;

      format_number (num, sizeof num, sec < 9.995 ? 2 : sec < 99.95 ? 1 : 0, sec);
      return g_strdup_printf ("%s s", num);
    }

  format_number (num, sizeof num, ms >= 9.95 ? 0 : ms >= 0.995 ? 1 : 2, ms);
  return g_strdup_printf ("%s ms", num);
}

/* 10000 -> "10,000" */
static void
format_count (char  *buf,
              gsize  len,
              guint  count)
{
  char digits[16];
  guint n, o = 0;

  g_snprintf (digits, sizeof digits, "%u", count);
  n = strlen (digits);
  for (guint i = 0; i < n && o + 2 < len; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        buf[o++] = ',';
      buf[o++] = digits[i];
    }
  buf[o] = '\0';
}

static const char *
variant_title (const AwRenderVariant *variant,
               guint                  index,
               char                  *buf,
               gsize                  len)
{
  if (variant->title != NULL && variant->title[0] != '\0')
    return variant->title;
  if (variant->name != NULL && variant->name[0] != '\0')
    return variant->name;
  g_snprintf (buf, len, "Variant %u", index + 1);
  return buf;
}

static gboolean
outcome_is_completed (AwTraceModel *model)
{
  const AwMetrics *m = aw_trace_model_get_metrics (model);

  if (!aw_trace_model_is_finished (model))
    return FALSE;
  return m->outcome == NULL || g_str_has_prefix (m->outcome, "completed");
}

/* "WhenAll 1.00 s", or "Timeout 511 ms (cancelled)" for a run that did not
 * complete. */
static char *
describe_run (const AwRenderVariant *variant,
              guint                  index)
{
  const AwMetrics *m = aw_trace_model_get_metrics (variant->model);
  g_autofree char *duration = aw_render_format_duration (m->wall_ms);
  char buf[32];

  if (outcome_is_completed (variant->model))
    return g_strdup_printf ("%s %s", variant_title (variant, index, buf, sizeof buf), duration);
  else if (!aw_trace_model_is_finished (variant->model))
    return g_strdup_printf ("%s %s (running)", variant_title (variant, index, buf, sizeof buf),
                            duration);
  else
    {
      g_autofree char *outcome = g_strdup (m->outcome);
      char *colon = strchr (outcome, ':');

      if (colon != NULL)
        *colon = '\0';
      return g_strdup_printf ("%s %s (%s)", variant_title (variant, index, buf, sizeof buf),
                              duration, outcome);
    }
}

/**
 * aw_render_compare_text:
 * @variants: (array length=n_variants): the variants
 * @n_variants: how many
 *
 * Compares the fastest variant with the slowest by wall time, for example
 * "WhenAll 1.00 s vs One by one 2.41 s: 2.4x faster". When at least two runs
 * completed, only completed runs take part. A run that stopped early on an
 * error or a cancel is never called faster: the text then names its
 * outcome, as in "Timeout 511 ms (cancelled) vs No deadline 2.00 s".
 *
 * Returns: (transfer full) (nullable): the text, or %NULL with fewer than
 *   two runs to compare
 */
char *
aw_render_compare_text (const AwRenderVariant *variants,
                        guint                  n_variants)
{
  g_autofree char *fast_text = NULL;
  g_autofree char *slow_text = NULL;
  gint fast = -1, slow = -1;
  guint n_completed = 0, n_runs = 0;
  gboolean only_completed;
  double fast_ms, slow_ms, ratio;

  g_return_val_if_fail (variants != NULL || n_variants == 0, NULL);

  for (guint i = 0; i < n_variants; i++)
    {
      if (variants[i].model == NULL)
        continue;
      n_runs++;
      if (outcome_is_completed (variants[i].model))
        n_completed++;
    }
  if (n_runs < 2)
    return NULL;
  only_completed = n_completed >= 2;

  /* When a run froze the main loop, how long it froze is the comparison
   * that matters, not how long it took. */
  {
    gboolean froze = FALSE;

    for (guint i = 0; i < n_variants; i++)
      if (variants[i].model != NULL &&
          aw_trace_model_get_metrics (variants[i].model)->max_main_loop_gap_ms >= 100)
        froze = TRUE;

    if (froze)
      {
        GString *s = g_string_new ("Main loop frozen: ");

        for (guint i = 0, k = 0; i < n_variants; i++)
          {
            const AwMetrics *m;

            if (variants[i].model == NULL)
              continue;
            m = aw_trace_model_get_metrics (variants[i].model);
            g_string_append_printf (s, "%s%s ", k++ ? ", " : "", variants[i].title);
            if (m->max_main_loop_gap_ms >= 100)
              {
                g_autofree char *gap = aw_render_format_duration (m->max_main_loop_gap_ms);
                g_string_append (s, gap);
                if (m->watchdog_fired)
                  g_string_append (s, " (deadlock)");
              }
            else
              g_string_append (s, "never");
          }
        return g_string_free (s, FALSE);
      }
  }

  for (guint i = 0; i < n_variants; i++)
    {
      double ms;

      if (variants[i].model == NULL)
        continue;
      if (only_completed && !outcome_is_completed (variants[i].model))
        continue;

      ms = aw_trace_model_get_metrics (variants[i].model)->wall_ms;
      if (fast < 0 || ms < aw_trace_model_get_metrics (variants[fast].model)->wall_ms)
        fast = i;
      if (slow < 0 || ms > aw_trace_model_get_metrics (variants[slow].model)->wall_ms)
        slow = i;
    }

  if (fast == slow)
    {
      /* All equal: compare with another one in order. */
      fast = -1;
      for (guint i = 0; i < n_variants && fast < 0; i++)
        {
          if (variants[i].model == NULL || (gint) i == slow)
            continue;
          if (only_completed && !outcome_is_completed (variants[i].model))
            continue;
          fast = i;
        }
      if (fast < 0)
        return NULL;
    }

  fast_ms = aw_trace_model_get_metrics (variants[fast].model)->wall_ms;
  slow_ms = aw_trace_model_get_metrics (variants[slow].model)->wall_ms;
  fast_text = describe_run (&variants[fast], fast);
  slow_text = describe_run (&variants[slow], slow);
  ratio = fast_ms > 0 ? slow_ms / fast_ms : 0;

  /* A run that stopped early on an error or a cancel is not "faster". */
  if (!outcome_is_completed (variants[fast].model) || !outcome_is_completed (variants[slow].model)
      || fast_ms <= 0)
    return g_strdup_printf ("%s vs %s", fast_text, slow_text);
  else if (ratio < 1.05)
    return g_strdup_printf ("%s vs %s: about the same", fast_text, slow_text);
  else
    {
      char num[G_ASCII_DTOSTR_BUF_SIZE];

      format_number (num, sizeof num, ratio < 9.95 ? 1 : 0, ratio);
      return g_strdup_printf ("%s vs %s: %sx faster", fast_text, slow_text, num);
    }
}

/* Cheaper than printf: text keys are made for every text drawn. */
static void
key_append_int (GString *key,
                int      value)
{
  char digits[16];
  guint n = 0, v = value < 0 ? -(guint) value : (guint) value;

  do
    digits[n++] = '0' + v % 10;
  while ((v /= 10) > 0);
  if (value < 0)
    g_string_append_c (key, '-');
  while (n > 0)
    g_string_append_c (key, digits[--n]);
  g_string_append_c (key, '|');
}

/* Sets the text that text_size() and text_draw() work on: shaped once per
 * cache for its font, size, weight and width. With @wrap_width > 0 the text
 * wraps at that width; else with @max_width > 0 it is ellipsized there. */
static void
text_set_full (Ctx        *c,
               const char *text,
               double      size,
               gboolean    bold,
               double      max_width,
               double      wrap_width)
{
  int abs_size = (int) (MAX (size, 1.0) * PANGO_SCALE);
  int width = wrap_width > 0 ? (int) (MAX (wrap_width, 1.0) * PANGO_SCALE)
            : max_width > 0 ? (int) (max_width * PANGO_SCALE) : -1;
  gboolean ellipsize = wrap_width <= 0 && max_width > 0;
  CachedText *t;

  g_string_truncate (c->key, 0);
  key_append_int (c->key, abs_size);
  key_append_int (c->key, bold);
  key_append_int (c->key, width);
  key_append_int (c->key, ellipsize);
  g_string_append (c->key, pango_font_description_get_family (c->font));
  g_string_append_c (c->key, '|');
  g_string_append (c->key, text);
  t = g_hash_table_lookup (c->cache->texts, c->key->str);
  if (t == NULL)
    {
      PangoRectangle logical;

      t = g_new0 (CachedText, 1);
      t->layout = pango_layout_new (c->cache->pango);
      pango_font_description_set_absolute_size (c->font, abs_size);
      pango_font_description_set_weight (c->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
      pango_layout_set_font_description (t->layout, c->font);
      pango_layout_set_wrap (t->layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_height (t->layout, -1);
      pango_layout_set_width (t->layout, width);
      pango_layout_set_ellipsize (t->layout, ellipsize ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
      pango_layout_set_text (t->layout, text, -1);
      pango_layout_get_extents (t->layout, NULL, &logical);
      t->size[0] = (double) logical.width / PANGO_SCALE;
      t->size[1] = (double) logical.height / PANGO_SCALE;
      g_hash_table_insert (c->cache->texts, g_strdup (c->key->str), t);
    }
  t->used = c->cache->drawings;
  c->pl = t->layout;
  c->pl_size = t->size;
}

static void
text_set (Ctx        *c,
          const char *text,
          double      size,
          gboolean    bold,
          double      max_width)
{
  text_set_full (c, text, size, bold, max_width, -1);
}

/* Wraps instead of ellipsizing. */
static void
text_set_wrapped (Ctx        *c,
                  const char *text,
                  double      size,
                  double      width)
{
  text_set_full (c, text, size, FALSE, -1, width);
}

static void
caption_set (Ctx        *c,
             const char *caption,
             double      width)
{
  if (c->chrome->caption_one_line)
    text_set (c, caption, c->chrome->legend * c->f, FALSE, width);
  else
    text_set_wrapped (c, caption, c->chrome->legend * c->f, width);
}

static void
text_size (Ctx    *c,
           double *width,
           double *height)
{
  if (width != NULL)
    *width = c->pl_size[0];
  if (height != NULL)
    *height = c->pl_size[1];
}

static double
text_width (Ctx *c)
{
  double w;

  text_size (c, &w, NULL);
  return w;
}

static double
line_height (Ctx      *c,
             double    size,
             gboolean  bold)
{
  double h;

  text_set (c, "Ag", size, bold, -1);
  text_size (c, NULL, &h);
  return h;
}

static void
text_draw (Ctx           *c,
           double         x,
           double         y,
           const AwColor *color)
{
  cairo_set_source_rgba (c->cr, color->red, color->green, color->blue, color->alpha);
  cairo_move_to (c->cr, x, y);
  pango_cairo_show_layout (c->cr, c->pl);
}

/* Text in a state colour, pulled towards the text colour so that it
 * reads on the background (Okabe-Ito purple on white is too faint). */
static void
text_draw_tinted (Ctx           *c,
                  double         x,
                  double         y,
                  const AwColor *color)
{
  AwColor mixed;

  aw_color_mix (color, &c->theme->foreground, 0.3, &mixed);
  text_draw (c, x, y, &mixed);
}

/* }}} */

/* Context {{{ */

static void
ctx_init (Ctx                   *c,
          cairo_t               *cr,
          const AwRenderRequest *request)
{
  memset (c, 0, sizeof *c);

  if (cr == NULL)
    {
      c->scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
      c->cr = cairo_create (c->scratch);
    }
  else
    c->cr = cairo_reference (cr);

  c->request = request;
  c->theme = request->theme != NULL ? request->theme : aw_theme_lookup ("light");
  c->s = request->text_scale > 0 && isfinite (request->text_scale) ? request->text_scale : 1.0;
  c->f = c->theme->font_size * c->s;
  c->lw = MAX (c->theme->line_width * c->s, 0.5);
  c->pad = MAX (0.85 * c->f, 4.0);
  c->chrome = &chrome_levels[0];

  c->cache = request->cache;
  if (c->cache == NULL)
    {
      c->cache = aw_render_cache_new ();
      c->own_cache = TRUE;
    }
  cache_prepare (c->cache, c->cr);
  c->key = g_string_new (NULL);
  c->font = pango_font_description_new ();
  pango_font_description_set_family (c->font, c->theme->font_family != NULL
                                                ? c->theme->font_family : "DejaVu Sans");

  for (guint i = 0; i < N_BATCHES; i++)
    c->batch[i] = g_array_new (FALSE, FALSE, sizeof (Rect));
  c->taken = g_array_new (FALSE, FALSE, sizeof (double));

  /* Legend entries that only appear when the picture uses them. */
  for (guint i = 0; i < N_LEGEND; i++)
    c->legend_has[i] = i < LEGEND_SYNC || i == LEGEND_HEARTBEAT || i == LEGEND_FROZEN;
  for (guint v = 0; v < request->n_variants; v++)
    {
      AwTraceModel *model = request->variants[v].model;
      const AwMarker *markers;
      guint n_markers;

      if (model == NULL)
        continue;
      if (aw_trace_model_get_metrics (model)->sync_completed > 0)
        c->legend_has[LEGEND_SYNC] = TRUE;
      markers = aw_trace_model_get_markers (model, &n_markers);
      for (guint i = 0; i < n_markers; i++)
        {
          if (markers[i].kind == AW_EVENT_CANCEL_REQUEST)
            c->legend_has[LEGEND_CANCEL_REQUEST] = TRUE;
          else if (markers[i].kind == AW_EVENT_WATCHDOG)
            c->legend_has[LEGEND_WATCHDOG] = TRUE;
          else if (markers[i].kind == AW_EVENT_ERROR_UNOBSERVED)
            c->legend_has[LEGEND_UNOBSERVED] = TRUE;
        }
    }
}

static void
ctx_clear (Ctx *c)
{
  for (guint i = 0; i < N_BATCHES; i++)
    g_array_unref (c->batch[i]);
  g_array_unref (c->taken);
  g_free (c->cover);
  pango_font_description_free (c->font);
  g_string_free (c->key, TRUE);
  if (c->own_cache)
    aw_render_cache_free (c->cache);
  else
    cache_trim (c->cache);
  cairo_destroy (c->cr);
  if (c->scratch != NULL)
    cairo_surface_destroy (c->scratch);
}

/* }}} */

/* Colours and shapes shared by the chart and the legend {{{ */

static void
set_color (cairo_t       *cr,
           const AwColor *color)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

static void
set_color_mix (cairo_t       *cr,
               const AwColor *a,
               const AwColor *b,
               double         t)
{
  AwColor mixed;

  aw_color_mix (a, b, t, &mixed);
  set_color (cr, &mixed);
}

static gboolean
theme_is_dark (const AwTheme *theme)
{
  const AwColor *bg = &theme->background;

  return 0.2126 * bg->red + 0.7152 * bg->green + 0.0722 * bg->blue < 0.4;
}

static const AwColor *
outcome_color (const AwTheme *theme,
               AwOutcome      outcome)
{
  switch (outcome)
    {
    case AW_OUTCOME_FAULTED: return &theme->faulted;
    case AW_OUTCOME_CANCELLED: return &theme->cancelled;
    case AW_OUTCOME_COMPLETED: return &theme->completed;
    case AW_OUTCOME_PENDING:
    default: return &theme->muted;
    }
}

/* Where a span of @phase sits in a row: running fills the row, waiting and
 * queued are thinner bars centred in it. */
static void
phase_geometry (AwPhase  phase,
                double   y,
                double   h,
                double  *out_y,
                double  *out_h)
{
  double pad = h >= 8 ? MAX (1.0, h * 0.14) : h >= 4 ? 0.5 : 0.0;
  double inner = h - 2 * pad;

  if (phase == AW_PHASE_RUNNING || h < 8)
    {
      *out_y = y + pad;
      *out_h = inner;
    }
  else
    {
      *out_h = inner * 0.62;
      *out_y = y + (h - *out_h) / 2;
    }
}

static gboolean
batch_add (Ctx     *c,
           AwPhase  phase,
           double   x0,
           double   x1,
           double   y,
           double   h)
{
  Rect r;

  if (x1 - x0 < 1.0)
    {
      double mid = (x0 + x1) / 2;

      x0 = mid - 0.5;
      x1 = mid + 0.5;
    }
  phase_geometry (phase, y, h, &r.y, &r.h);
  r.x = x0;
  r.w = x1 - x0;
  g_array_append_val (c->batch[MIN (phase, AW_PHASE_RUNNING)], r);

  return TRUE;
}

static void
batch_path (Ctx   *c,
            Batch  batch)
{
  const Rect *rects = (const Rect *) (gconstpointer) c->batch[batch]->data;

  cairo_new_path (c->cr);
  for (guint i = 0; i < c->batch[batch]->len; i++)
    cairo_rectangle (c->cr, rects[i].x, rects[i].y, rects[i].w, rects[i].h);
}

static void
set_waiting_outline (Ctx *c)
{
  set_color_mix (c->cr, &c->theme->waiting, &c->theme->foreground, 0.3);
  cairo_set_line_width (c->cr, MAX (1.0, c->lw * 0.8));
  cairo_set_dash (c->cr, NULL, 0, 0);
}

static void
set_queued_outline (Ctx *c)
{
  double dots[2];

  dots[0] = 0.01;
  dots[1] = MAX (2.0, c->lw * 2.2);
  set_color_mix (c->cr, &c->theme->queued, &c->theme->foreground, 0.15);
  cairo_set_line_width (c->cr, MAX (1.5, c->lw * 1.3));
  cairo_set_line_cap (c->cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_dash (c->cr, dots, 2, 0);
}

/* Fills (and outlines, when rows are tall enough) every batched rectangle
 * with one path per style. */
static void
batch_flush (Ctx      *c,
             gboolean  outline)
{
  cairo_t *cr = c->cr;
  const AwTheme *t = c->theme;

  cairo_save (cr);

  if (c->batch[BATCH_WAITING]->len > 0)
    {
      batch_path (c, BATCH_WAITING);
      set_color_mix (cr, &t->background, &t->waiting, theme_is_dark (t) ? 0.65 : 0.5);
      if (outline)
        {
          cairo_fill_preserve (cr);
          set_waiting_outline (c);
          cairo_stroke (cr);
        }
      else
        cairo_fill (cr);
    }

  if (c->batch[BATCH_QUEUED]->len > 0)
    {
      batch_path (c, BATCH_QUEUED);
      set_color_mix (cr, &t->background, &t->queued, outline ? 0.15 : 0.6);
      if (outline)
        {
          cairo_fill_preserve (cr);
          set_queued_outline (c);
          cairo_stroke (cr);
        }
      else
        cairo_fill (cr);
    }

  if (c->batch[BATCH_RUNNING]->len > 0)
    {
      batch_path (c, BATCH_RUNNING);
      set_color (cr, &t->running);
      cairo_fill (cr);
    }

  cairo_restore (cr);

  for (guint i = 0; i < N_BATCHES; i++)
    g_array_set_size (c->batch[i], 0);
}

/* A round badge in the outcome's colour with a glyph that tells the
 * outcome apart without colour: a check, a cross, a slash. */
static void
draw_badge (Ctx       *c,
            AwOutcome  outcome,
            double     cx,
            double     cy,
            double     r)
{
  cairo_t *cr = c->cr;
  double gw = MAX (1.2, r * 0.34);

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
  set_color (cr, outcome_color (c->theme, outcome));
  cairo_fill_preserve (cr);
  set_color_mix (cr, outcome_color (c->theme, outcome), &c->theme->foreground, 0.45);
  cairo_set_line_width (cr, MAX (1.0, c->lw * 0.6));
  cairo_stroke (cr);

  set_color (cr, &white);
  cairo_set_line_width (cr, gw);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  switch (outcome)
    {
    case AW_OUTCOME_COMPLETED:
      cairo_move_to (cr, cx - 0.48 * r, cy + 0.02 * r);
      cairo_line_to (cr, cx - 0.13 * r, cy + 0.38 * r);
      cairo_line_to (cr, cx + 0.48 * r, cy - 0.36 * r);
      break;

    case AW_OUTCOME_FAULTED:
      cairo_move_to (cr, cx - 0.4 * r, cy - 0.4 * r);
      cairo_line_to (cr, cx + 0.4 * r, cy + 0.4 * r);
      cairo_move_to (cr, cx + 0.4 * r, cy - 0.4 * r);
      cairo_line_to (cr, cx - 0.4 * r, cy + 0.4 * r);
      break;

    case AW_OUTCOME_CANCELLED:
      cairo_move_to (cr, cx - 0.5 * r, cy + 0.5 * r);
      cairo_line_to (cr, cx + 0.5 * r, cy - 0.5 * r);
      break;

    case AW_OUTCOME_PENDING:
    default:
      break;
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_diamond (Ctx    *c,
              double  cx,
              double  cy,
              double  r)
{
  cairo_t *cr = c->cr;

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_move_to (cr, cx, cy - r);
  cairo_line_to (cr, cx + r, cy);
  cairo_line_to (cr, cx, cy + r);
  cairo_line_to (cr, cx - r, cy);
  cairo_close_path (cr);
  set_color (cr, &c->theme->completed);
  cairo_fill_preserve (cr);
  set_color (cr, &c->theme->foreground);
  cairo_set_line_width (cr, MAX (1.0, c->lw * 0.7));
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The frozen main loop: a caution-tape band. */
static void
draw_frozen_band (Ctx    *c,
                  double  x,
                  double  y,
                  double  w,
                  double  h)
{
  cairo_t *cr = c->cr;
  double step = MAX (6.0, 9.0 * c->s);

  if (w <= 0 || h <= 0)
    return;

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  set_color (cr, &c->theme->blocked);
  cairo_paint (cr);
  if (h >= 5)
    {
      set_color (cr, &caution_stripe);
      cairo_set_line_width (cr, step * 0.35);
      for (double sx = x - h - fmod (x, step); sx < x + w + step; sx += step)
        {
          cairo_move_to (cr, sx, y + h);
          cairo_line_to (cr, sx + h, y);
        }
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static const AwColor *
marker_color (const AwTheme *theme,
              guint          kind)
{
  switch (kind)
    {
    case AW_EVENT_CANCEL_REQUEST: return &theme->cancelled;
    case AW_EVENT_ERROR_UNOBSERVED: return &theme->faulted;
    case AW_EVENT_WATCHDOG:
    default: return &theme->accent;
    }
}

static const char *
marker_label (const AwMarker *marker)
{
  switch (marker->kind)
    {
    case AW_EVENT_CANCEL_REQUEST: return "cancel";
    case AW_EVENT_WATCHDOG: return "watchdog";
    case AW_EVENT_ERROR_UNOBSERVED: return "unobserved error";
    default: return marker->text;
    }
}

static void
draw_marker_head (Ctx           *c,
                  const AwColor *color,
                  double         x,
                  double         y,
                  double         size)
{
  cairo_t *cr = c->cr;

  cairo_new_path (cr);
  cairo_move_to (cr, x - size * 0.6, y);
  cairo_line_to (cr, x + size * 0.6, y);
  cairo_line_to (cr, x, y + size);
  cairo_close_path (cr);
  set_color (cr, color);
  cairo_fill (cr);
}

static void
set_marker_line (Ctx           *c,
                 const AwColor *color)
{
  double dash[2];

  dash[0] = 5.0 * c->s;
  dash[1] = 3.0 * c->s;
  set_color (c->cr, color);
  cairo_set_line_width (c->cr, MAX (1.0, c->lw));
  cairo_set_dash (c->cr, dash, 2, 0);
}

/* A rounded, nearly opaque plate under text drawn over the chart. */
static void
draw_plate (Ctx    *c,
            double  x,
            double  y,
            double  w,
            double  h)
{
  cairo_t *cr = c->cr;
  double r = MIN (h / 2, 4 * c->s);
  AwColor bg = c->theme->background;

  bg.alpha = 0.92;
  cairo_new_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  set_color (cr, &bg);
  cairo_fill (cr);
}

/* }}} */

/* Legend {{{ */

static void
draw_legend_swatch (Ctx        *c,
                    LegendItem  item,
                    double      x,
                    double      y,
                    double      w,
                    double      h)
{
  cairo_t *cr = c->cr;
  double r = MIN (MIN (h * 0.45, w / 2), 0.75 * c->f);

  switch (item)
    {
    case LEGEND_RUNNING:
      batch_add (c, AW_PHASE_RUNNING, x, x + w, y, h);
      batch_flush (c, TRUE);
      break;

    case LEGEND_WAITING:
      batch_add (c, AW_PHASE_WAITING, x, x + w, y, h);
      batch_flush (c, TRUE);
      break;

    case LEGEND_QUEUED:
      batch_add (c, AW_PHASE_QUEUED, x, x + w, y, h);
      batch_flush (c, TRUE);
      break;

    case LEGEND_COMPLETED:
      draw_badge (c, AW_OUTCOME_COMPLETED, x + w / 2, y + h / 2, r);
      break;

    case LEGEND_FAULTED:
      draw_badge (c, AW_OUTCOME_FAULTED, x + w / 2, y + h / 2, r);
      break;

    case LEGEND_CANCELLED:
      draw_badge (c, AW_OUTCOME_CANCELLED, x + w / 2, y + h / 2, r);
      break;

    case LEGEND_SYNC:
      draw_diamond (c, x + w / 2, y + h / 2, r);
      break;

    case LEGEND_HEARTBEAT:
      cairo_save (cr);
      cairo_new_path (cr);
      for (guint i = 0; i < 5; i++)
        {
          double tx = round (x + w * (0.1 + 0.2 * i)) + 0.5;

          cairo_move_to (cr, tx, y + h * 0.2);
          cairo_line_to (cr, tx, y + h * 0.8);
        }
      set_color (cr, &c->theme->frame);
      cairo_set_line_width (cr, MAX (1.0, c->lw * 0.8));
      cairo_stroke (cr);
      cairo_restore (cr);
      break;

    case LEGEND_FROZEN:
      draw_frozen_band (c, x, y + h * 0.1, w, h * 0.8);
      break;

    case LEGEND_CANCEL_REQUEST:
    case LEGEND_WATCHDOG:
    case LEGEND_UNOBSERVED:
      {
        guint kind = item == LEGEND_CANCEL_REQUEST ? AW_EVENT_CANCEL_REQUEST
                   : item == LEGEND_WATCHDOG ? AW_EVENT_WATCHDOG
                   : AW_EVENT_ERROR_UNOBSERVED;
        const AwColor *color = marker_color (c->theme, kind);

        cairo_save (cr);
        set_marker_line (c, color);
        cairo_move_to (cr, x + w / 2, y);
        cairo_line_to (cr, x + w / 2, y + h);
        cairo_stroke (cr);
        draw_marker_head (c, color, x + w / 2, y, h * 0.45);
        cairo_restore (cr);
      }
      break;

    case N_LEGEND:
    default:
      break;
    }
}

/* Lays the legend out in rows that wrap at @width; draws it when @draw.
 * Returns the height used. */
static double
legend_flow (Ctx      *c,
             double    x0,
             double    y0,
             double    width,
             gboolean  draw)
{
  double size = c->chrome->legend * c->f;
  double item_h = MAX (line_height (c, size, FALSE), 1.2 * c->f);
  double sw = 2.0 * c->f;
  double sh = MIN (item_h, c->theme->row_height * c->s);
  double gap = 0.45 * c->f;
  double spacing = 1.3 * c->f;
  double x = x0, y = y0;

  for (guint i = 0; i < N_LEGEND; i++)
    {
      double tw, th, iw;

      if (!c->legend_has[i])
        continue;

      text_set (c, legend_labels[i], size, FALSE, -1);
      text_size (c, &tw, &th);
      iw = sw + gap + tw;
      if (x > x0 && x + iw > x0 + width)
        {
          x = x0;
          y += item_h + 0.35 * c->f;
        }
      if (draw)
        {
          draw_legend_swatch (c, i, x, y + (item_h - sh) / 2, sw, sh);
          text_set (c, legend_labels[i], size, FALSE, -1);
          text_draw (c, x + sw + gap, y + (item_h - th) / 2, &c->theme->foreground);
        }
      x += iw + spacing;
    }

  return y + item_h - y0;
}

/* }}} */

/* Layout {{{ */

static gint64
layout_time_span (const AwRenderLayout *layout)
{
  return MAX (layout->view_end_ns - layout->view_start_ns, 1);
}

/**
 * aw_render_layout_time_to_x:
 * @layout: a layout
 * @time_ns: nanoseconds since a run's start
 *
 * Returns: the x of @time_ns; the same for every variant
 */
double
aw_render_layout_time_to_x (const AwRenderLayout *layout,
                            gint64                time_ns)
{
  g_return_val_if_fail (layout != NULL, 0);

  return layout->plot_x + (double) (time_ns - layout->view_start_ns)
                          * layout->plot_width / (double) layout_time_span (layout);
}

/**
 * aw_render_layout_x_to_time:
 * @layout: a layout
 * @x: an x in the request's units
 *
 * Returns: the time at @x, in nanoseconds since a run's start
 */
gint64
aw_render_layout_x_to_time (const AwRenderLayout *layout,
                            double                x)
{
  g_return_val_if_fail (layout != NULL, 0);

  return layout->view_start_ns
         + (gint64) llround ((x - layout->plot_x) * (double) layout_time_span (layout)
                             / MAX (layout->plot_width, 1.0));
}

/**
 * aw_render_layout_task_row:
 * @layout: a layout
 * @variant: the variant's index
 * @task_index: the task's index in aw_trace_model_get_tasks()
 * @y: (out) (optional): top of the task's row
 * @height: (out) (optional): its height
 *
 * Finds the row a task is drawn in. With bucketed rows several tasks share
 * one.
 *
 * Returns: %TRUE if the task has a row
 */
gboolean
aw_render_layout_task_row (const AwRenderLayout *layout,
                           guint                 variant,
                           guint                 task_index,
                           double               *y,
                           double               *height)
{
  const AwRenderVariantLayout *vl;
  guint row;

  g_return_val_if_fail (layout != NULL, FALSE);

  if (variant >= layout->n_variants)
    return FALSE;
  vl = &layout->variants[variant];
  row = task_index / MAX (vl->tasks_per_row, 1);
  if (row >= vl->n_rows)
    return FALSE;
  if (y != NULL)
    *y = vl->rows_y + row * vl->row_height;
  if (height != NULL)
    *height = vl->row_height;
  return TRUE;
}

/**
 * aw_render_layout_lane:
 * @layout: a layout
 * @variant: the variant's index
 * @lane: 0 for the main-thread lane, 1 and up for worker lanes
 * @y: (out) (optional): top of the lane
 * @height: (out) (optional): its height
 *
 * Returns: %TRUE if the lane is drawn
 */
gboolean
aw_render_layout_lane (const AwRenderLayout *layout,
                       guint                 variant,
                       guint                 lane,
                       double               *y,
                       double               *height)
{
  const AwRenderVariantLayout *vl;

  g_return_val_if_fail (layout != NULL, FALSE);

  if (variant >= layout->n_variants)
    return FALSE;
  vl = &layout->variants[variant];
  if (lane == 0)
    {
      if (y != NULL)
        *y = vl->main_y;
      if (height != NULL)
        *height = vl->main_height;
      return vl->main_height > 0;
    }
  if (lane > vl->n_worker_lanes)
    return FALSE;
  if (y != NULL)
    *y = vl->lanes_y + (lane - 1) * vl->lane_height;
  if (height != NULL)
    *height = vl->lane_height;
  return TRUE;
}

/**
 * aw_render_layout_pick:
 * @layout: a layout
 * @x: a point
 * @y: a point
 * @variant: (out) (optional): the variant under the point
 * @task_index: (out) (optional): the first task of the row under the point
 * @time_ns: (out) (optional): the time at @x
 *
 * Hit testing for tooltips: which task row is at a point.
 *
 * Returns: %TRUE if the point is on a task row
 */
gboolean
aw_render_layout_pick (const AwRenderLayout *layout,
                       double                x,
                       double                y,
                       guint                *variant,
                       guint                *task_index,
                       gint64               *time_ns)
{
  g_return_val_if_fail (layout != NULL, FALSE);

  for (guint v = 0; v < layout->n_variants; v++)
    {
      const AwRenderVariantLayout *vl = &layout->variants[v];
      guint row;

      if (y < vl->rows_y || y >= vl->rows_y + vl->n_rows * vl->row_height || vl->row_height <= 0)
        continue;
      row = (guint) ((y - vl->rows_y) / vl->row_height);
      if (row >= vl->n_rows)
        continue;
      if (variant != NULL)
        *variant = v;
      if (task_index != NULL)
        *task_index = row * MAX (vl->tasks_per_row, 1);
      if (time_ns != NULL)
        *time_ns = aw_render_layout_x_to_time (layout, x);
      return TRUE;
    }

  return FALSE;
}

static double
label_indent (Ctx   *c,
              guint  depth)
{
  return MIN (depth, 6) * 0.9 * c->f;
}

static double
measure_label_column (Ctx *c)
{
  const AwRenderRequest *request = c->request;
  double label_size = LABEL_SIZE * c->f;
  double widest = 0;

  text_set (c, "main thread", LANE_SIZE * c->f, TRUE, -1);
  widest = text_width (c);

  for (guint v = 0; v < request->n_variants; v++)
    {
      AwTraceModel *model = request->variants[v].model;
      const AwTaskInfo *tasks;
      guint n_tasks, n_lanes;

      if (model == NULL)
        continue;

      n_lanes = aw_trace_model_get_n_lanes (model);
      for (guint lane = 0; lane < n_lanes && lane < MAX_MEASURED_LABELS; lane++)
        {
          const char *name = aw_trace_get_lane_name (aw_trace_model_get_trace (model), lane);

          if (name == NULL)
            continue;
          text_set (c, name, LANE_SIZE * c->f, TRUE, -1);
          widest = MAX (widest, text_width (c));
        }

      tasks = aw_trace_model_get_tasks (model, &n_tasks);
      for (guint i = 0; i < n_tasks && i < MAX_MEASURED_LABELS; i++)
        {
          text_set (c, tasks[i].name, label_size, FALSE, -1);
          widest = MAX (widest, label_indent (c, tasks[i].depth) + text_width (c));
        }
    }

  return widest + 1.0 * c->f;
}

typedef struct {
  guint  n_tasks;
  guint  n_workers;
  guint  rows;
  double row_height;
  guint  index;
} VariantCount;

static gint
compare_counts (gconstpointer a,
                gconstpointer b)
{
  const VariantCount *ca = a, *cb = b;

  return (ca->n_tasks > cb->n_tasks) - (ca->n_tasks < cb->n_tasks);
}

/* Shares @task_space among variants too crowded for a row per task at
 * @rh: the variants with few tasks keep rows of @rh, the others split what
 * is left evenly, and a variant whose rows would fall under
 * MIN_ROW_HEIGHT puts several tasks in each row. */
static void
share_rows (VariantCount *counts,
            guint         n,
            double        task_space,
            double        rh)
{
  g_autofree VariantCount *sorted = g_memdup2 (counts, sizeof (VariantCount) * MAX (n, 1));
  double left = task_space;
  guint n_left = 0;

  for (guint v = 0; v < n; v++)
    if (counts[v].n_tasks > 0)
      n_left++;

  qsort (sorted, n, sizeof (VariantCount), compare_counts);
  for (guint i = 0; i < n; i++)
    {
      VariantCount *vc = &counts[sorted[i].index];
      double fair;

      if (vc->n_tasks == 0)
        continue;

      fair = left / MAX (n_left, 1);
      n_left--;

      if (vc->n_tasks * rh <= fair)
        {
          vc->rows = vc->n_tasks;
          vc->row_height = rh;
        }
      else if (fair / vc->n_tasks >= MIN_ROW_HEIGHT)
        {
          vc->rows = vc->n_tasks;
          vc->row_height = fair / vc->n_tasks;
        }
      else
        {
          guint max_rows = MAX ((guint) floor (fair / MIN_ROW_HEIGHT), 1);
          guint per_row = (vc->n_tasks + max_rows - 1) / max_rows;

          vc->rows = (vc->n_tasks + per_row - 1) / per_row;
          vc->row_height = MIN (rh, fair / vc->rows);
        }
      left = MAX (left - vc->rows * vc->row_height, 0.0);
    }
}

/* Lays out the picture with the chrome of @level. Returns how well the
 * chart fits: 1 or more when every row gets its natural height. */
static double
compute_layout_level (Ctx            *c,
                      AwRenderLayout *lay,
                      guint           level)
{
  const AwRenderRequest *request = c->request;
  const Chrome *chrome = &chrome_levels[level];
  guint n = request->n_variants;
  double W = lay->width, H = lay->height;
  double f = c->f, pad = c->pad;
  double R = MAX (c->theme->row_height * c->s, 4.0);
  double y, bottom, space, header_h, gap, extra_gap = 0, fixed, rows_space;
  double main_nat, lanes_nat = 0, nat, fit, lane_scale = 1.0;
  double legend_h = 0, caption_h = 0;
  guint total_tasks = 0;
  g_autofree VariantCount *counts = g_new0 (VariantCount, MAX (n, 1));

  c->chrome = chrome;
  lay->compact = level;
  lay->title_y = lay->title_height = 0;
  lay->compare_y = lay->compare_height = 0;
  lay->legend_y = lay->legend_height = 0;
  lay->caption_y = lay->caption_height = 0;

  /* Top: title and comparison line. */
  y = pad * 0.8;
  if (request->show_title && request->title != NULL && request->title[0] != '\0')
    {
      lay->title_y = y;
      lay->title_height = line_height (c, chrome->title * f, TRUE);
      y += lay->title_height + 0.25 * f;
    }
  if (n >= 2)
    {
      g_autofree char *compare = request->headline ? g_strdup (request->headline)
                                                   : aw_render_compare_text (request->variants, n);

      if (compare != NULL)
        {
          lay->compare_y = y;
          lay->compare_height = line_height (c, chrome->compare * f, TRUE) + 0.5 * f;
          y += lay->compare_height + 0.3 * f;
        }
    }
  y += 0.5 * f;

  /* Bottom: axis, legend and caption. */
  bottom = H - pad * 0.8;
  lay->axis_height = 0.4 * f + line_height (c, SMALL_SIZE * f, FALSE) + 0.2 * f;
  bottom -= lay->axis_height + 0.3 * f;
  if (request->show_legend)
    {
      legend_h = legend_flow (c, pad, 0, W - 2 * pad, FALSE);
      bottom -= legend_h + 0.9 * f;
      if (request->caption != NULL && request->caption[0] != '\0' && !chrome->no_caption)
        {
          caption_set (c, request->caption, W - 2 * pad);
          text_size (c, NULL, &caption_h);
          bottom -= caption_h + 0.4 * f;
        }
    }

  /* The variants share what is left. */
  space = MAX (bottom - y, 0.0);
  header_h = line_height (c, chrome->header * f, TRUE) + 0.35 * f;
  gap = 1.0 * f;
  fixed = n * header_h + (n > 0 ? n - 1 : 0) * gap;
  rows_space = MAX (space - fixed, 0.0);
  main_nat = 1.4 * R;

  for (guint v = 0; v < n; v++)
    {
      AwTraceModel *model = request->variants[v].model;
      guint n_lanes = 0;

      counts[v].index = v;
      if (model != NULL)
        {
          aw_trace_model_get_tasks (model, &counts[v].n_tasks);
          n_lanes = aw_trace_model_get_n_lanes (model);
          lanes_nat += main_nat;
        }
      counts[v].n_workers = n_lanes > 1 ? n_lanes - 1 : 0;
      counts[v].rows = counts[v].n_tasks;
      counts[v].row_height = R;
      total_tasks += counts[v].n_tasks;
      lanes_nat += counts[v].n_workers * R;
    }

  nat = lanes_nat + total_tasks * R;
  fit = nat > 0 ? rows_space / nat : 1.0;

  if (fit >= 1.0)
    {
      /* Room to spare: grow a little, then widen the gaps a little; the
       * rest stays empty at the bottom. */
      double grow = MIN (MAX_GROW, fit);

      lane_scale = grow;
      for (guint v = 0; v < n; v++)
        counts[v].row_height = R * grow;
      if (n > 1)
        extra_gap = MIN ((rows_space - nat * grow) / (n - 1), 1.0 * f);
    }
  else if (fit >= MIN_UNIFORM_SCALE)
    {
      lane_scale = fit;
      for (guint v = 0; v < n; v++)
        counts[v].row_height = R * fit;
    }
  else
    {
      /* Crowded: lanes keep their height unless they would take more
       * than 40%, variants with few tasks keep natural rows, the crowded
       * ones share the rest. */
      double lanes = MIN (lanes_nat, 0.4 * rows_space);

      if (total_tasks == 0)
        lanes = MIN (lanes_nat, rows_space);
      lane_scale = lanes_nat > 0 ? lanes / lanes_nat : 1.0;
      share_rows (counts, n, rows_space - lanes, R);
    }

  for (guint v = 0; v < n; v++)
    {
      AwRenderVariantLayout *vl = &lay->variants[v];
      gboolean has_model = request->variants[v].model != NULL;

      vl->y = y;
      vl->header_height = header_h;
      y += header_h;
      vl->main_y = y;
      vl->main_height = has_model ? main_nat * lane_scale : 0;
      y += vl->main_height;
      vl->rows_y = y;
      vl->row_height = counts[v].row_height;
      vl->n_rows = counts[v].rows;
      vl->tasks_per_row = counts[v].rows > 0
                          ? (counts[v].n_tasks + counts[v].rows - 1) / counts[v].rows : 1;
      y += vl->n_rows * vl->row_height;
      vl->lanes_y = y;
      vl->lane_height = R * lane_scale;
      vl->n_worker_lanes = counts[v].n_workers;
      y += vl->n_worker_lanes * vl->lane_height;
      vl->height = y - vl->y;
      y += gap + extra_gap;
    }
  if (n > 0)
    y -= gap + extra_gap;

  lay->axis_y = y + 0.3 * f;
  y = lay->axis_y + lay->axis_height;
  if (request->show_legend)
    {
      lay->legend_y = y + 0.9 * f;
      lay->legend_height = legend_h;
      y = lay->legend_y + legend_h;
      if (caption_h > 0)
        {
          lay->caption_y = y + 0.4 * f;
          lay->caption_height = caption_h;
        }
    }

  return fit;
}

static void
compute_layout (Ctx            *c,
                AwRenderLayout *lay)
{
  const AwRenderRequest *request = c->request;
  guint n = request->n_variants;
  double W = MAX (request->width, 1.0), H = MAX (request->height, 1.0);
  double f = c->f, pad = c->pad;
  double R = MAX (c->theme->row_height * c->s, 4.0);
  double label_w, reserve;

  lay->width = W;
  lay->height = H;
  lay->scale = c->s;
  lay->font_size = f;
  lay->n_variants = n;
  lay->variants = g_new0 (AwRenderVariantLayout, MAX (n, 1));

  /* Time window. */
  if (request->view_end_ns > request->view_start_ns)
    {
      lay->view_start_ns = request->view_start_ns;
      lay->view_end_ns = request->view_end_ns;
    }
  else
    {
      gint64 end = 0;

      for (guint v = 0; v < n; v++)
        {
          AwTraceModel *model = request->variants[v].model;

          if (model != NULL)
            end = MAX (end, aw_trace_model_get_end_ns (model)
                            - aw_trace_model_get_begin_ns (model));
        }
      lay->view_start_ns = 0;
      lay->view_end_ns = end > 0 ? end : G_GINT64_CONSTANT (1000000000);
    }

  /* Columns: labels on the left, then time; room on the right for the
   * outcome badge of a task that ends at the right edge. */
  label_w = measure_label_column (c);
  label_w = CLAMP (label_w, 6.5 * f, MAX (6.5 * f, 0.3 * W));
  lay->label_x = pad;
  lay->label_width = label_w;
  lay->plot_x = lay->label_x + label_w + 0.6 * f;
  reserve = R * 0.9 + pad;
  lay->plot_width = MAX (W - reserve - lay->plot_x, 10.0);

  /* The least compact chrome that leaves rows 75% of their height. If none
   * does, the least compact that avoids sharing rows; failing that, the
   * most compact if it buys a real gain in room (a small picture), else
   * none (ten thousand tasks share rows whatever the chrome). */
  {
    double fits[G_N_ELEMENTS (chrome_levels)];
    guint last = G_N_ELEMENTS (chrome_levels) - 1;
    guint best = 0;

    for (guint level = 0; level <= last; level++)
      {
        fits[level] = compute_layout_level (c, lay, level);
        if (fits[level] >= 0.75)
          return;
      }
    if (fits[last] >= MIN_UNIFORM_SCALE)
      {
        for (guint level = last + 1; level > 0; level--)
          if (fits[level - 1] >= MIN_UNIFORM_SCALE)
            best = level - 1;
      }
    else if (fits[last] > 1.25 * fits[0])
      best = last;
    if (best != last)
      compute_layout_level (c, lay, best);
  }
}

/**
 * aw_render_layout_new:
 * @cr: (nullable): the context that will be drawn into, for text metrics
 * @request: what to draw
 *
 * Computes where aw_render() puts everything for @request.
 *
 * Returns: (transfer full): the layout; free it with aw_render_layout_free()
 */
AwRenderLayout *
aw_render_layout_new (cairo_t               *cr,
                      const AwRenderRequest *request)
{
  AwRenderLayout *layout;
  Ctx c;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request->variants != NULL || request->n_variants == 0, NULL);

  layout = g_new0 (AwRenderLayout, 1);
  ctx_init (&c, cr, request);
  compute_layout (&c, layout);
  ctx_clear (&c);

  return layout;
}

void
aw_render_layout_free (AwRenderLayout *layout)
{
  if (layout == NULL)
    return;
  g_free (layout->variants);
  g_free (layout);
}

/* }}} */

/* Spans {{{ */

static inline double
time_to_x (Ctx    *c,
           gint64  rel_ns)
{
  return aw_render_layout_time_to_x (c->layout, rel_ns);
}

/* First span whose end is after @t; task spans are sorted and disjoint, so
 * their ends are sorted too. */
static guint
first_ending_after (const AwSpan *spans,
                    guint         n,
                    gint64        t)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (spans[mid].end_ns <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* First span starting after @t. */
static guint
first_starting_after (const AwSpan *spans,
                      guint         n,
                      gint64        t)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (spans[mid].start_ns <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The visible part of a lane's busy spans: sorted by start, and nearly
 * disjoint since a thread runs one thing at a time. */
static void
lane_visible_range (const AwSpan *spans,
                    guint         n,
                    gint64        from,
                    gint64        to,
                    guint        *first,
                    guint        *last)
{
  guint i = first_starting_after (spans, n, from);
  guint steps = 0;

  while (i > 0 && steps < MAX_LANE_WALK_BACK && spans[i - 1].end_ns > from)
    {
      i--;
      steps++;
    }
  *first = i;
  *last = MAX (i, first_starting_after (spans, n, to));
}

/* Coverage of a row: per pixel column, how many spans of each rank
 * (phase + 1) start there minus how many stop there, the three counts
 * packed in one integer (COVER_BITS each). A sweep over the columns adds
 * them up, and the highest rank with a count above zero is the rank of the
 * column; counts never go below zero, so the packed sums stay exact. A span
 * costs the same however many columns it covers, and only the touched
 * columns are cleared and scanned. */
#define COVER_BITS 21      /* more spans than a trace may hold */
G_STATIC_ASSERT (N_BATCHES * COVER_BITS < 64);

static void
cover_reset (Ctx *c)
{
  if (c->cover_lo <= c->cover_hi)
    memset (c->cover + c->cover_lo, 0, (c->cover_hi - c->cover_lo + 1) * sizeof (gint64));
  c->cover_lo = c->n_cover;
  c->cover_hi = 0;
}

static inline void
cover_add (Ctx   *c,
           guint  rank,
           gint   c0,
           gint   c1)
{
  gint64 one = (gint64) 1 << (COVER_BITS * (rank - 1));

  c->cover[c0] += one;
  c->cover[c1] -= one;
  c->cover_lo = MIN (c->cover_lo, (guint) c0);
  c->cover_hi = MAX (c->cover_hi, (guint) c1);
}

static void
cover_mark (Ctx          *c,
            const AwSpan *spans,
            guint         first,
            guint         last,
            gint64        begin,
            gboolean      as_running)
{
  const AwRenderLayout *lay = c->layout;
  double scale = lay->plot_width / (double) layout_time_span (lay);

  for (guint i = first; i < last; i++)
    {
      double x0 = (double) (spans[i].start_ns - begin - lay->view_start_ns) * scale;
      double x1 = (double) (spans[i].end_ns - begin - lay->view_start_ns) * scale;
      guint rank = as_running ? AW_PHASE_RUNNING + 1 : MIN (spans[i].phase, AW_PHASE_RUNNING) + 1;
      gint c0, c1;

      if (x1 < 0 || x0 > lay->plot_width)
        continue;
      /* Both within [0, plot width] here: truncation is floor, and
       * truncation plus one for a fraction is ceil, without a libm call. */
      x0 = MAX (x0, 0.0);
      x1 = MIN (x1, lay->plot_width);
      c0 = (gint) x0;
      c1 = (gint) x1;
      c1 += (double) c1 < x1;
      c0 = MIN (c0, (gint) c->n_cover - 1);
      c1 = CLAMP (c1, c0 + 1, (gint) c->n_cover);
      cover_add (c, rank, c0, c1);
    }
}

static void
cover_mark_point (Ctx    *c,
                  gint64  rel_ns)
{
  double x = time_to_x (c, rel_ns) - c->layout->plot_x;
  gint col = (gint) floor (x);

  if (col >= 0 && col < (gint) c->n_cover)
    cover_add (c, AW_PHASE_RUNNING + 1, col, col + 1);
}

/* Turns runs of equal coverage into batched rectangles. */
static void
cover_emit (Ctx    *c,
            double  y,
            double  h)
{
  const gint64 *cover = c->cover;
  double x0 = c->layout->plot_x;
  guint run_start = 0, run_rank = 0;
  gint64 sum = 0;

  for (guint col = c->cover_lo; col <= c->cover_hi; col++)
    {
      guint rank;

      sum += cover[col];
      rank = sum >= (gint64) 1 << (2 * COVER_BITS) ? 3
           : sum >= (gint64) 1 << COVER_BITS ? 2
           : sum > 0 ? 1 : 0;
      if (rank != run_rank)
        {
          if (run_rank > 0)
            batch_add (c, run_rank - 1, x0 + run_start, x0 + col, y, h);
          run_start = col;
          run_rank = rank;
        }
    }
}

/* Draws spans [first, last) into a row: exact rectangles when there are few,
 * pixel coverage when there are more than the row has pixels for. */
static void
add_spans (Ctx          *c,
           const AwSpan *spans,
           guint         first,
           guint         last,
           gint64        begin,
           double        y,
           double        h,
           gboolean      as_running)
{
  const AwRenderLayout *lay = c->layout;
  double right = lay->plot_x + lay->plot_width;

  if (last <= first)
    return;

  if ((double) (last - first) > lay->plot_width / 3.0)
    {
      cover_reset (c);
      cover_mark (c, spans, first, last, begin, as_running);
      cover_emit (c, y, h);
      return;
    }

  for (guint i = first; i < last; i++)
    {
      double x0 = time_to_x (c, spans[i].start_ns - begin);
      double x1 = time_to_x (c, spans[i].end_ns - begin);

      if (x1 < lay->plot_x || x0 > right)
        continue;
      x0 = MAX (x0, lay->plot_x);
      x1 = MIN (x1, right);
      batch_add (c, as_running ? AW_PHASE_RUNNING : spans[i].phase, x0, x1, y, h);
    }
}

static gboolean
block_within (const AwSpan *spans,
              guint         n,
              gint64        to)
{
  for (guint k = 0; k < n; k++)
    if (spans[k].end_ns > to)
      return FALSE;
  return TRUE;
}

/* A lane's busy spans. With more of them in view than the lane has pixels,
 * the model's summary of the lane at this scale covers the same columns at
 * a fraction of the cost. */
static void
add_lane_spans (Ctx          *c,
                AwTraceModel *model,
                guint         lane,
                gint64        begin,
                gint64        from,
                gint64        to,
                double        y,
                double        h)
{
  const AwRenderLayout *lay = c->layout;
  const AwSpan *spans;
  guint n, first, last;

  spans = aw_trace_model_get_lane_busy (model, lane, &n);
  lane_visible_range (spans, n, from, to, &first, &last);
  if ((double) (last - first) > lay->plot_width / 3.0)
    {
      double ns_per_px = (double) layout_time_span (lay) / MAX (lay->plot_width, 1.0);
      const AwSpan *busy = spans;
      guint busy_last = last;

      spans = aw_trace_model_get_lane_summary (model, lane, (gint64) (ns_per_px / 2), &n);
      lane_visible_range (spans, n, from, to, &first, &last);
      cover_reset (c);
      if (last > first && spans[last - 1].end_ns > to)
        {
          /* The last span may hold busy spans that start after the view:
           * they are not drawn, so it ends where those in view end. */
          AwSpan edge = spans[last - 1];
          gint64 end = G_MININT64;

          for (guint k = busy_last, steps = 0;
               k > 0 && busy[k - 1].start_ns >= edge.start_ns && steps < MAX_LANE_WALK_BACK && end < to;
               k--, steps++)
            end = MAX (end, busy[k - 1].end_ns);
          edge.end_ns = MIN (edge.end_ns, MAX (end, edge.start_ns));
          cover_mark (c, &edge, 0, 1, begin, TRUE);
          /* The last busy span in view, on its own: one starting right at
           * the view's end is drawn a column wide. */
          if (busy_last > 0)
            cover_mark (c, busy, busy_last - 1, busy_last, begin, TRUE);
          last--;
        }
      cover_mark (c, spans, first, last, begin, TRUE);
      cover_emit (c, y, h);
      return;
    }
  add_spans (c, spans, first, last, begin, y, h, TRUE);
}

/* }}} */

/* Drawing {{{ */

static void
compute_ticks (Ctx    *c,
               gint64 *first,
               gint64 *step,
               double *unit,
               const char **unit_name,
               int    *decimals)
{
  const AwRenderLayout *lay = c->layout;
  gint64 span = layout_time_span (lay);
  double max_ticks = MAX (lay->plot_width / (6.0 * c->f), 2.0);
  double raw = span / max_ticks;
  double mag = pow (10, floor (log10 (MAX (raw, 1.0))));
  double nice;

  if (raw <= mag)
    nice = mag;
  else if (raw <= 2 * mag)
    nice = 2 * mag;
  else if (raw <= 5 * mag)
    nice = 5 * mag;
  else
    nice = 10 * mag;
  *step = MAX ((gint64) llround (nice), 1);

  if (span >= G_GINT64_CONSTANT (2000000000) || *step >= G_GINT64_CONSTANT (1000000000))
    {
      *unit = 1e9;
      *unit_name = "s";
    }
  else if (span >= 2000000 || *step >= 1000000)
    {
      *unit = 1e6;
      *unit_name = "ms";
    }
  else
    {
      *unit = 1e3;
      *unit_name = "µs";
    }
  *decimals = (int) MAX (0.0, ceil (-log10 (*step / *unit) - 1e-9));

  /* First tick at or after the view start. */
  if (lay->view_start_ns >= 0)
    *first = ((lay->view_start_ns + *step - 1) / *step) * *step;
  else
    *first = -((-lay->view_start_ns) / *step) * *step;
}

static void
draw_grid (Ctx    *c,
           double  top,
           double  bottom)
{
  const AwRenderLayout *lay = c->layout;
  cairo_t *cr = c->cr;
  const char *unit_name;
  gint64 first, step;
  double unit;
  int decimals;

  compute_ticks (c, &first, &step, &unit, &unit_name, &decimals);

  cairo_save (cr);
  cairo_new_path (cr);
  for (gint64 t = first; t <= lay->view_end_ns; t += step)
    {
      double x = round (time_to_x (c, t)) + 0.5;

      cairo_move_to (cr, x, top);
      cairo_line_to (cr, x, bottom);
    }
  set_color (cr, &c->theme->grid);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_axis (Ctx *c)
{
  const AwRenderLayout *lay = c->layout;
  cairo_t *cr = c->cr;
  double size = SMALL_SIZE * c->f;
  double tick = 0.4 * c->f;
  double y = lay->axis_y;
  double right_limit = lay->width - c->pad * 0.3;
  double last_right = -G_MAXDOUBLE;
  const char *unit_name;
  gint64 first, step;
  double unit;
  int decimals;

  compute_ticks (c, &first, &step, &unit, &unit_name, &decimals);

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_move_to (cr, lay->plot_x, round (y) + 0.5);
  cairo_line_to (cr, lay->plot_x + lay->plot_width, round (y) + 0.5);
  for (gint64 t = first; t <= lay->view_end_ns; t += step)
    {
      double x = round (time_to_x (c, t)) + 0.5;

      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x, y + tick);
    }
  set_color (cr, &c->theme->muted);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  for (gint64 t = first; t <= lay->view_end_ns; t += step)
    {
      char num[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *label = NULL;
      double x = time_to_x (c, t), tw, lx;

      if (t == 0)
        label = g_strdup ("0");
      else
        {
          format_number (num, sizeof num, decimals, t / unit);
          label = g_strdup_printf ("%s %s", num, unit_name);
        }
      text_set (c, label, size, FALSE, -1);
      text_size (c, &tw, NULL);
      lx = MIN (x - tw / 2, right_limit - tw);
      if (lx < last_right + 0.5 * c->f)
        continue;
      text_draw (c, lx, y + tick + 0.1 * c->f, &c->theme->muted);
      last_right = lx + tw;
    }
  cairo_restore (cr);
}

static void
draw_header (Ctx                         *c,
             guint                        v,
             const AwRenderVariantLayout *vl)
{
  const AwRenderVariant *variant = &c->request->variants[v];
  const AwRenderLayout *lay = c->layout;
  const AwTheme *t = c->theme;
  double size = c->chrome->header * c->f;
  double x = lay->label_x, th, tw, right_w = 0;
  double max_x = lay->width - c->pad;
  g_autofree char *duration = NULL;
  g_autofree char *main_text = NULL;
  g_autofree char *status = NULL;
  g_autofree char *summary = NULL;
  const AwColor *status_color = &t->muted;
  char buf[32];

  if (variant->model != NULL)
    {
      const AwMetrics *m = aw_trace_model_get_metrics (variant->model);
      char count[32];

      duration = aw_render_format_duration (m->wall_ms);
      main_text = g_strdup_printf ("%s: %s", variant_title (variant, v, buf, sizeof buf), duration);

      if (!aw_trace_model_is_finished (variant->model))
        status = g_strdup ("running");
      else if (m->outcome != NULL && !g_str_has_prefix (m->outcome, "completed"))
        {
          status = g_strdup (m->outcome);
          status_color = g_str_has_prefix (m->outcome, "cancel") ? &t->cancelled : &t->faulted;
        }

      format_count (count, sizeof count, m->tasks);
      if (m->gtasks_created != m->tasks)
        {
          char gtasks[32];

          /* Tasks that needed no GTask (synchronous completions) are the point
           * of some lessons: say how many GTasks there really were. */
          format_count (gtasks, sizeof gtasks, m->gtasks_created);
          summary = g_strdup_printf ("%s task%s · %s GTask%s · %u thread%s",
                                     count, m->tasks == 1 ? "" : "s",
                                     gtasks, m->gtasks_created == 1 ? "" : "s",
                                     m->threads_used, m->threads_used == 1 ? "" : "s");
        }
      else
        summary = g_strdup_printf ("%s task%s · %u thread%s",
                                   count, m->tasks == 1 ? "" : "s",
                                   m->threads_used, m->threads_used == 1 ? "" : "s");
    }
  else
    main_text = g_strdup_printf ("%s: no run", variant_title (variant, v, buf, sizeof buf));

  /* Right: a muted summary, if the header leaves room for it. */
  if (summary != NULL)
    {
      text_set (c, summary, SMALL_SIZE * c->f, FALSE, -1);
      text_size (c, &right_w, NULL);
    }

  text_set (c, main_text, size, TRUE, max_x - x);
  text_size (c, &tw, &th);
  text_draw (c, x, vl->y + (vl->header_height - th) / 2 - 0.1 * c->f, &t->foreground);
  x += tw;

  if (status != NULL && x + 2 * c->f < max_x)
    {
      g_autofree char *text = g_strdup_printf ("  ·  %s", status);

      text_set (c, text, size, TRUE, max_x - x);
      text_size (c, &tw, &th);
      text_draw_tinted (c, x, vl->y + (vl->header_height - th) / 2 - 0.1 * c->f, status_color);
      x += tw;
    }

  if (summary != NULL && x + 2 * c->f + right_w <= max_x)
    {
      text_set (c, summary, SMALL_SIZE * c->f, FALSE, -1);
      text_size (c, NULL, &th);
      text_draw (c, max_x - right_w, vl->y + (vl->header_height - th) / 2 - 0.1 * c->f, &t->muted);
    }
}

static void
draw_row_label (Ctx           *c,
                const char    *text,
                double         x,
                double         y,
                double         h,
                double         size,
                gboolean       bold,
                const AwColor *color,
                double        *last_bottom)
{
  const AwRenderLayout *lay = c->layout;
  double max_w = lay->label_x + lay->label_width - x;
  double th;

  if (max_w < c->f)
    return;
  text_set (c, text, size, bold, max_w);
  text_size (c, NULL, &th);
  /* Never over the label above, nor below the variant. */
  if (y + (h - th) / 2 < *last_bottom || y + (h - th) / 2 + th > c->label_limit)
    return;
  text_draw (c, x, y + (h - th) / 2, color);
  *last_bottom = y + (h - th) / 2 + th;
}

static gboolean
is_taken (Ctx    *c,
          double  x0,
          double  x1)
{
  const double *r = (const double *) (gconstpointer) c->taken->data;

  for (guint i = 0; i + 1 < c->taken->len; i += 2)
    if (x0 < r[i + 1] && r[i] < x1)
      return TRUE;
  return FALSE;
}

static void
take (Ctx    *c,
      double  x0,
      double  x1)
{
  g_array_append_val (c->taken, x0);
  g_array_append_val (c->taken, x1);
}

static void
draw_main_lane (Ctx                         *c,
                AwTraceModel                *model,
                const AwRenderVariantLayout *vl,
                double                       bottom)
{
  const AwRenderLayout *lay = c->layout;
  const AwTheme *t = c->theme;
  cairo_t *cr = c->cr;
  gint64 begin = aw_trace_model_get_begin_ns (model);
  gint64 from = begin + lay->view_start_ns, to = begin + lay->view_end_ns;
  double right = lay->plot_x + lay->plot_width;
  double h = vl->main_height, y = vl->main_y;
  const gint64 *frames;
  const AwSpan *spans;
  guint n;

  if (h <= 0)
    return;

  /* Frozen main loop: a caution band in the lane and a faint wash over the
   * whole variant, because nothing in it could move on the UI thread. */
  spans = aw_trace_model_get_blocks (model, &n);
  for (guint i = 0; i < n; i++)
    {
      double x0 = MAX (time_to_x (c, spans[i].start_ns - begin), lay->plot_x);
      double x1 = MIN (time_to_x (c, spans[i].end_ns - begin), right);

      if (x1 <= x0)
        continue;
      x1 = MAX (x1, x0 + 1);
      cairo_save (cr);
      cairo_new_path (cr);
      cairo_rectangle (cr, x0, y + h, x1 - x0, bottom - (y + h));
      cairo_set_source_rgba (cr, t->blocked.red, t->blocked.green, t->blocked.blue,
                             theme_is_dark (t) ? 0.1 : 0.16);
      cairo_fill (cr);
      cairo_restore (cr);
      draw_frozen_band (c, x0, y + 1, x1 - x0, h - 2);
    }

  /* Code running on the main thread, in the lower part of the lane. */
  add_lane_spans (c, model, 0, begin, from, to, y + h * 0.45, h * 0.5);
  batch_flush (c, FALSE);

  /* Heartbeat ticks in the upper part, one per pixel column at most. */
  frames = aw_trace_model_get_frames (model, &n);
  if (n > 0)
    {
      guint lo = 0, hi = n;
      gint last_col = G_MININT;

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (frames[mid] < from)
            lo = mid + 1;
          else
            hi = mid;
        }

      cairo_save (cr);
      cairo_new_path (cr);
      for (guint i = lo; i < n && frames[i] <= to; i++)
        {
          double x = time_to_x (c, frames[i] - begin);
          gint col = (gint) floor (x);

          if (col == last_col)
            continue;
          last_col = col;
          cairo_move_to (cr, col + 0.5, y + h * 0.1);
          cairo_line_to (cr, col + 0.5, y + h * 0.4);
        }
      set_color (cr, &t->frame);
      cairo_set_line_width (cr, MAX (1.0, c->lw * 0.7));
      cairo_stroke (cr);
      cairo_restore (cr);
    }

}

/* "frozen" on each band wide enough for it, clear of marker labels. */
static void
draw_frozen_labels (Ctx                         *c,
                    AwTraceModel                *model,
                    const AwRenderVariantLayout *vl)
{
  const AwRenderLayout *lay = c->layout;
  gint64 begin = aw_trace_model_get_begin_ns (model);
  double right = lay->plot_x + lay->plot_width;
  double h = vl->main_height, y = vl->main_y;
  double size = MIN (SMALL_SIZE * c->f, h * 0.6);
  double margin = 0.3 * c->f;
  const AwSpan *spans;
  double tw, th;
  guint n;

  spans = aw_trace_model_get_blocks (model, &n);
  if (n == 0 || size < 6)
    return;

  text_set (c, "frozen", size, TRUE, -1);
  text_size (c, &tw, &th);
  if (th > h)
    return;

  for (guint i = 0; i < n; i++)
    {
      double x0 = MAX (time_to_x (c, spans[i].start_ns - begin), lay->plot_x);
      double x1 = MIN (time_to_x (c, spans[i].end_ns - begin), right);
      double candidates[3];

      if (x1 - x0 < tw + 4 * margin)
        continue;
      candidates[0] = (x0 + x1 - tw) / 2;
      candidates[1] = x0 + 2 * margin;
      candidates[2] = x1 - 2 * margin - tw;
      for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
        {
          double lx = candidates[k];

          if (is_taken (c, lx - margin, lx + tw + margin))
            continue;
          draw_plate (c, lx - margin, y + (h - th) / 2, tw + 2 * margin, th);
          text_set (c, "frozen", size, TRUE, -1);
          text_draw (c, lx, y + (h - th) / 2, &c->theme->foreground);
          take (c, lx - margin, lx + tw + margin);
          break;
        }
    }
}

static void
draw_markers (Ctx                         *c,
              AwTraceModel                *model,
              const AwRenderVariantLayout *vl)
{
  const AwRenderLayout *lay = c->layout;
  cairo_t *cr = c->cr;
  gint64 begin = aw_trace_model_get_begin_ns (model);
  double right = lay->plot_x + lay->plot_width;
  double top = vl->main_y, bottom = vl->y + vl->height;
  double head = MIN (vl->main_height * 0.4, 0.8 * c->f);
  double size = MIN (SMALL_SIZE * c->f, vl->main_height * 0.55);
  double last_label_right = -G_MAXDOUBLE;
  const AwMarker *markers;
  guint n;

  markers = aw_trace_model_get_markers (model, &n);

  cairo_save (cr);
  for (guint i = 0; i < n; i++)
    {
      gint64 rel = markers[i].time_ns - begin;
      double x = time_to_x (c, rel);

      if (rel < lay->view_start_ns || rel > lay->view_end_ns)
        continue;
      cairo_new_path (cr);
      set_marker_line (c, marker_color (c->theme, markers[i].kind));
      cairo_move_to (cr, x, top);
      cairo_line_to (cr, x, bottom);
      cairo_stroke (cr);
      draw_marker_head (c, marker_color (c->theme, markers[i].kind), x, top, head);
    }
  cairo_restore (cr);

  /* Labels where they fit, in time order. */
  for (guint i = 0; i < n; i++)
    {
      gint64 rel = markers[i].time_ns - begin;
      const char *label = marker_label (&markers[i]);
      double x = time_to_x (c, rel), tw, th, lx, ly;

      if (rel < lay->view_start_ns || rel > lay->view_end_ns || label == NULL || size < 6)
        continue;
      text_set (c, label, size, TRUE, -1);
      text_size (c, &tw, &th);
      lx = x + head * 0.6 + 0.3 * c->f;
      if (lx + tw > right + c->pad)
        lx = x - head * 0.6 - 0.3 * c->f - tw;
      if (lx < last_label_right + 0.3 * c->f || lx < lay->plot_x)
        continue;
      ly = vl->main_y + (vl->main_height - th) / 2;
      draw_plate (c, lx - 0.2 * c->f, ly, tw + 0.4 * c->f, th);
      text_draw_tinted (c, lx, ly, marker_color (c->theme, markers[i].kind));
      take (c, lx - 0.2 * c->f, lx + tw + 0.2 * c->f);
      last_label_right = lx + tw;
    }
}

/* Where a task's end decorations go, and whether the row has room. */
static void
draw_task_decorations (Ctx              *c,
                       AwTraceModel     *model,
                       const AwTaskInfo *task,
                       gint64            begin,
                       double            y,
                       double            h)
{
  const AwRenderLayout *lay = c->layout;
  const AwTheme *t = c->theme;
  cairo_t *cr = c->cr;
  double right = lay->plot_x + lay->plot_width;
  double r = MIN (h * 0.36, 0.75 * c->f);
  double cy = y + h / 2;
  gint64 end_rel, req_rel, from_ns;
  double ex, inner_y, inner_h;
  const AwTaskInfo *parent;

  if (task->sync)
    {
      gint64 at = task->created_ns - begin;

      if (at >= lay->view_start_ns && at <= lay->view_end_ns)
        draw_diamond (c, time_to_x (c, at), cy, MIN (h * 0.38, 0.8 * c->f));
      return;
    }
  if (task->end_ns < 0 || task->outcome == AW_OUTCOME_PENDING)
    return;

  end_rel = task->end_ns - begin;
  ex = time_to_x (c, end_rel);
  phase_geometry (AW_PHASE_RUNNING, y, h, &inner_y, &inner_h);

  /* Cancelled: outline the stretch from the request to the stop, the time
   * the work took to notice. Work on a worker that ignored its token, or
   * whose awaiting task had already finished, is outlined the same way from
   * the moment its caller gave up. */
  from_ns = -1;
  if (task->outcome == AW_OUTCOME_CANCELLED)
    from_ns = task->cancel_request_ns;
  else if (task->lane != 0)
    {
      parent = task->parent ? aw_trace_model_find_task (model, task->parent) : NULL;
      from_ns = task->cancel_request_ns;
      if (parent != NULL && parent->gtask && parent->end_ns >= 0 && parent->end_ns < task->end_ns)
        from_ns = from_ns < 0 ? parent->end_ns : MIN (from_ns, parent->end_ns);
    }
  if (from_ns >= 0 && from_ns < task->end_ns)
    {
      double dash[2];
      double x0, x1, step;

      req_rel = from_ns - begin;
      x0 = MAX (time_to_x (c, req_rel), lay->plot_x);
      if (ex - x0 >= 3 && end_rel >= lay->view_start_ns)
        {
          dash[0] = 4.0 * c->s;
          dash[1] = 3.0 * c->s;
          x1 = MIN (ex, right);
          step = MAX (5.0, 7.0 * c->s);
          cairo_save (cr);
          cairo_new_path (cr);
          cairo_rectangle (cr, x0, inner_y, x1 - x0, inner_h);
          cairo_clip_preserve (cr);
          set_color (cr, &t->cancelled);
          cairo_set_line_width (cr, MAX (1.0, c->lw));
          cairo_set_dash (cr, dash, 2, 0);
          cairo_stroke (cr);
          /* Stripes: the work went on after it was no longer wanted. */
          cairo_set_dash (cr, NULL, 0, 0);
          cairo_set_line_width (cr, step * 0.3);
          for (double sx = x0 - inner_h; sx < x1; sx += step)
            {
              cairo_move_to (cr, sx, inner_y + inner_h);
              cairo_line_to (cr, sx + inner_h, inner_y);
            }
          cairo_stroke (cr);
          cairo_restore (cr);
        }
    }

  if (end_rel < lay->view_start_ns || end_rel > lay->view_end_ns)
    return;

  /* End cap, then the badge just after it. */
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, ex - MAX (2.0, c->lw * 1.4), inner_y, MAX (2.0, c->lw * 1.4), inner_h);
  set_color (cr, outcome_color (t, task->outcome));
  cairo_fill (cr);
  cairo_restore (cr);

  if (h < 7)
    return;

  draw_badge (c, task->outcome, ex + r + 0.2 * c->f, cy, r);
}

static double
lane_label_size (Ctx    *c,
                 double  lane_height)
{
  double size = MIN (lane_height * 0.72, LANE_SIZE * c->f);

  return size < 8.0 * c->s ? 0.7 * c->f : size;
}

/* The message of a fault, after its badge. Drawn after the markers so that
 * their lines do not cross it. */
static void
draw_task_error (Ctx              *c,
                 const AwTaskInfo *task,
                 gint64            begin,
                 double            y,
                 double            h)
{
  const AwRenderLayout *lay = c->layout;
  double r = MIN (h * 0.36, 0.75 * c->f);
  double cy = y + h / 2;
  gint64 end_rel;
  double ex;

  if (task->outcome != AW_OUTCOME_FAULTED || task->error == NULL || task->end_ns < 0 || h < 7)
    return;
  end_rel = task->end_ns - begin;
  if (end_rel < lay->view_start_ns || end_rel > lay->view_end_ns)
    return;
  ex = time_to_x (c, end_rel);

  {
    double size = MIN (SMALL_SIZE * c->f, h * 0.62);
    double tx = ex + 2 * r + 0.5 * c->f;
    double avail = lay->width - c->pad * 0.5 - tx;
    double th;

    if (avail >= 3 * c->f && size >= 6)
      {
        text_set (c, task->error, size, FALSE, avail);
        text_size (c, NULL, &th);
        draw_plate (c, tx - 0.15 * c->f, cy - th / 2, MIN (text_width (c), avail) + 0.3 * c->f, th);
        text_draw_tinted (c, tx, cy - th / 2, &c->theme->faulted);
      }
  }
}

/* @same: whether all @count tasks have the name of the first */
static void
bucket_label (const AwTaskInfo *tasks,
              guint             first,
              guint             count,
              gboolean          same,
              char             *buf,
              gsize             len)
{
  if (count <= 1)
    g_snprintf (buf, len, "%s", tasks[first].name);
  else if (same)
    g_snprintf (buf, len, "%u × %s", count, tasks[first].name);
  else
    g_snprintf (buf, len, "%s (+%u)", tasks[first].name, count - 1);
}

static inline gboolean
same_name (const char *a,
           const char *b)
{
  return a == b || g_strcmp0 (a, b) == 0;
}

static void
draw_variant (Ctx   *c,
              guint  v)
{
  const AwRenderLayout *lay = c->layout;
  const AwRenderVariantLayout *vl = &lay->variants[v];
  AwTraceModel *model = c->request->variants[v].model;
  const AwTheme *t = c->theme;
  cairo_t *cr = c->cr;
  double band_right = lay->width - c->pad * 0.5;
  double bottom = vl->y + vl->height;
  double label_size, label_h, last_bottom;
  const AwTaskInfo *tasks;
  const AwSpan *spans;
  AwTrace *trace;
  gint64 begin, from, to;
  guint n_tasks, n_spans, first_row, last_row;
  guint tpr = MAX (vl->tasks_per_row, 1);
  g_autofree gboolean *row_same = NULL;
  double rh = vl->row_height;
  gint64 max_gap = (gint64) (layout_time_span (lay) / MAX (lay->plot_width, 1.0) / 2);

  if (vl->y > c->clip_bottom || bottom < c->clip_top)
    return;

  draw_header (c, v, vl);
  if (model == NULL)
    return;

  trace = aw_trace_model_get_trace (model);
  begin = aw_trace_model_get_begin_ns (model);
  from = begin + lay->view_start_ns;
  to = begin + lay->view_end_ns;
  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  spans = aw_trace_model_get_spans (model, &n_spans);

  /* Rows in the clip only. */
  first_row = 0;
  last_row = vl->n_rows;
  if (rh > 0)
    {
      if (c->clip_top > vl->rows_y)
        first_row = MIN ((guint) ((c->clip_top - vl->rows_y) / rh), vl->n_rows);
      if (c->clip_bottom < vl->rows_y + vl->n_rows * rh)
        last_row = MIN ((guint) ((c->clip_bottom - vl->rows_y) / rh) + 1, vl->n_rows);
    }

  /* Backgrounds: lane bands and zebra rows. */
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, lay->label_x, vl->main_y + 1,
                   band_right - lay->label_x, vl->main_height - 2);
  for (guint lane = 0; lane < vl->n_worker_lanes; lane++)
    {
      double gap = vl->lane_height > 6 ? 1 : 0;

      cairo_rectangle (cr, lay->label_x, vl->lanes_y + lane * vl->lane_height + gap,
                       band_right - lay->label_x, vl->lane_height - 2 * gap);
    }
  set_color (cr, &t->surface);
  cairo_fill (cr);
  if (rh >= 10)
    {
      cairo_new_path (cr);
      for (guint row = first_row | 1; row < last_row; row += 2)
        cairo_rectangle (cr, lay->label_x, vl->rows_y + row * rh, band_right - lay->label_x, rh);
      set_color_mix (cr, &t->background, &t->surface, 0.45);
      cairo_fill (cr);
    }
  cairo_restore (cr);

  draw_grid (c, vl->main_y, bottom);

  /* Chart content stays inside the plot, apart from end badges. */
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, lay->plot_x - 0.5 * c->f, vl->main_y,
                   band_right - lay->plot_x + 0.5 * c->f, bottom - vl->main_y);
  cairo_clip (cr);

  draw_main_lane (c, model, vl, bottom);

  /* Task rows. A shared row also finds out whether its tasks share a name,
   * for its label. */
  row_same = g_new0 (gboolean, MAX (last_row, first_row + 1) - first_row);
  for (guint row = first_row; row < last_row; row++)
    {
      double y = vl->rows_y + row * rh;
      guint t0 = row * tpr, t1 = MIN (t0 + tpr, n_tasks);
      gboolean same = TRUE;

      if (tpr == 1)
        {
          const AwTaskInfo *task = &tasks[t0];
          const AwSpan *ts = spans + task->first_span;
          guint i0 = first_ending_after (ts, task->n_spans, from);
          guint i1 = MAX (i0, first_starting_after (ts, task->n_spans, to));

          add_spans (c, ts, i0, i1, begin, y, rh, FALSE);
        }
      else
        {
          cover_reset (c);
          for (guint ti = t0; ti < t1; )
            {
              const AwTaskInfo *task;
              const AwSpan *ts;
              const gint64 *points;
              const char *name;
              guint i0, i1, n_points;

              /* A whole block of tasks at once: its spans merged where
               * less than half a pixel apart cover the same columns as its
               * spans one by one, unless one runs past the view's end (a
               * span starting right there is drawn a column wide). */
              if (ti % AW_TRACE_MODEL_BLOCK_TASKS == 0 && ti + AW_TRACE_MODEL_BLOCK_TASKS <= t1 &&
                  aw_trace_model_get_block (model, ti / AW_TRACE_MODEL_BLOCK_TASKS, max_gap,
                                            &ts, &i1, &points, &n_points, &name) &&
                  (i1 == 0 || block_within (ts, i1, to)))
                {
                  same = same && name != NULL && same_name (name, tasks[t0].name);
                  for (guint k = 0; k < i1; k++)
                    if (ts[k].end_ns > from && ts[k].start_ns <= to)
                      cover_mark (c, ts, k, k + 1, begin, FALSE);
                  for (guint k = 0; k < n_points; k++)
                    if (points[k] >= from && points[k] <= to)
                      cover_mark_point (c, points[k] - begin);
                  ti += AW_TRACE_MODEL_BLOCK_TASKS;
                  continue;
                }

              task = &tasks[ti];
              same = same && same_name (task->name, tasks[t0].name);
              ts = spans + task->first_span;
              i0 = first_ending_after (ts, task->n_spans, from);
              i1 = MAX (i0, first_starting_after (ts, task->n_spans, to));
              cover_mark (c, ts, i0, i1, begin, FALSE);
              /* Calls with no span (synchronous, or a GTask complete at once)
               * still show where they happened. */
              if ((task->sync || task->n_spans == 0) && task->end_ns >= 0 &&
                  task->created_ns >= from && task->created_ns <= to)
                cover_mark_point (c, task->created_ns - begin);
              ti++;
            }
          cover_emit (c, y, rh);
        }
      row_same[row - first_row] = same;
    }
  batch_flush (c, rh >= 10);

  if (tpr == 1 && rh >= 4)
    for (guint row = first_row; row < last_row; row++)
      draw_task_decorations (c, model, &tasks[row], begin, vl->rows_y + row * rh, rh);

  /* Worker lanes. */
  for (guint lane = 1; lane <= vl->n_worker_lanes; lane++)
    {
      double y = vl->lanes_y + (lane - 1) * vl->lane_height;

      add_lane_spans (c, model, lane, begin, from, to, y, vl->lane_height);
    }
  batch_flush (c, FALSE);

  g_array_set_size (c->taken, 0);
  draw_markers (c, model, vl);
  draw_frozen_labels (c, model, vl);
  if (tpr == 1)
    for (guint row = first_row; row < last_row; row++)
      draw_task_error (c, &tasks[row], begin, vl->rows_y + row * rh, rh);
  cairo_restore (cr);

  /* Labels. */
  last_bottom = vl->main_y - 0.15 * c->f;
  c->label_limit = bottom + 0.15 * c->f;
  draw_row_label (c, aw_trace_get_lane_name (trace, 0) != NULL ? aw_trace_get_lane_name (trace, 0)
                                                                : "main thread",
                  lay->label_x + 0.4 * c->f, vl->main_y, vl->main_height,
                  lane_label_size (c, vl->main_height), TRUE,
                  &t->foreground, &last_bottom);

  /* Labels shrink with rows down to a legible size; below it, only rows
   * with room above them get one. */
  label_size = MIN (rh * 0.8, LABEL_SIZE * c->f);
  if (label_size < 8.0 * c->s)
    label_size = 0.7 * c->f;
  label_h = line_height (c, label_size, FALSE);
  last_bottom = MAX (last_bottom, vl->rows_y - label_h * 0.2);
  for (guint row = first_row; row < last_row; row++)
    {
      guint t0 = row * tpr, t1 = MIN (t0 + tpr, n_tasks);
      char buf[256];
      double indent;

      if (t0 >= n_tasks)
        break;
      bucket_label (tasks, t0, t1 - t0, row_same[row - first_row], buf, sizeof buf);
      indent = tpr == 1 ? label_indent (c, tasks[t0].depth) : 0;
      draw_row_label (c, buf, lay->label_x + 0.4 * c->f + indent,
                      vl->rows_y + row * rh, rh, label_size, FALSE, &t->foreground, &last_bottom);
    }

  for (guint lane = 1; lane <= vl->n_worker_lanes; lane++)
    {
      const char *name = aw_trace_get_lane_name (trace, lane);
      char buf[32];

      if (name == NULL)
        {
          g_snprintf (buf, sizeof buf, "worker %u", lane);
          name = buf;
        }
      draw_row_label (c, name, lay->label_x + 0.4 * c->f,
                      vl->lanes_y + (lane - 1) * vl->lane_height, vl->lane_height,
                      lane_label_size (c, vl->lane_height), TRUE,
                      &t->muted, &last_bottom);
    }
}

/**
 * aw_render_with_layout:
 * @cr: where to draw, in units of the request's width and height
 * @request: what to draw
 * @layout: aw_render_layout_new() of @request
 *
 * Draws like aw_render() with a layout computed earlier, so a caller that
 * also hit-tests does not compute it twice.
 */
void
aw_render_with_layout (cairo_t               *cr,
                       const AwRenderRequest *request,
                       const AwRenderLayout  *layout)
{
  const AwTheme *t;
  double x1, y1, x2, y2;
  Ctx c;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (request != NULL);
  g_return_if_fail (layout != NULL);

  if (request->width <= 0 || request->height <= 0)
    return;

  ctx_init (&c, cr, request);
  c.layout = layout;
  c.chrome = &chrome_levels[MIN (layout->compact, G_N_ELEMENTS (chrome_levels) - 1)];
  t = c.theme;
  c.n_cover = (guint) ceil (MAX (layout->plot_width, 1.0)) + 1;
  c.cover = g_new0 (gint64, c.n_cover + 1);
  c.cover_lo = c.n_cover;

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, 0, 0, layout->width, layout->height);
  cairo_clip (cr);
  cairo_clip_extents (cr, &x1, &y1, &x2, &y2);
  c.clip_top = y1;
  c.clip_bottom = y2;

  if (!request->transparent)
    {
      set_color (cr, &t->background);
      cairo_paint (cr);
    }

  if (layout->title_height > 0)
    {
      text_set (&c, request->title, c.chrome->title * c.f, TRUE, layout->width - 2 * c.pad);
      text_draw (&c, layout->label_x, layout->title_y, &t->foreground);
    }

  if (layout->compare_height > 0)
    {
      g_autofree char *compare = request->headline ? g_strdup (request->headline)
                                                   : aw_render_compare_text (request->variants, request->n_variants);
      double tw, th;

      if (compare != NULL)
        {
          double bar = MAX (3.0, 4.0 * c.s);

          text_set (&c, compare, c.chrome->compare * c.f, TRUE,
                    layout->width - 2 * c.pad - 1.2 * c.f);
          text_size (&c, &tw, &th);
          cairo_save (cr);
          cairo_new_path (cr);
          cairo_rectangle (cr, layout->label_x, layout->compare_y, bar, layout->compare_height);
          set_color (cr, &t->completed);
          cairo_fill (cr);
          cairo_restore (cr);
          text_draw (&c, layout->label_x + bar + 0.6 * c.f,
                     layout->compare_y + (layout->compare_height - th) / 2, &t->foreground);
        }
    }

  for (guint v = 0; v < request->n_variants; v++)
    draw_variant (&c, v);

  if (request->n_variants > 0)
    draw_axis (&c);

  if (request->show_legend)
    {
      legend_flow (&c, c.pad, layout->legend_y, layout->width - 2 * c.pad, TRUE);
      if (layout->caption_height > 0)
        {
          caption_set (&c, request->caption, layout->width - 2 * c.pad);
          text_draw (&c, c.pad, layout->caption_y, &t->muted);
        }
    }

  cairo_restore (cr);
  ctx_clear (&c);
}

/* }}} */

/**
 * aw_render_request_init:
 * @request: a request to fill
 *
 * Fills @request with defaults: no variants, the light theme, 1280×720,
 * the whole run in view, title and legend on, text scale 1.
 */
void
aw_render_request_init (AwRenderRequest *request)
{
  g_return_if_fail (request != NULL);

  memset (request, 0, sizeof *request);
  request->theme = aw_theme_lookup ("light");
  request->width = 1280;
  request->height = 720;
  request->show_title = TRUE;
  request->show_legend = TRUE;
  request->text_scale = 1.0;
}

/**
 * aw_render:
 * @cr: where to draw, in units of @request's width and height
 * @request: what to draw
 *
 * Draws the timeline of every variant on one shared time axis, with title,
 * comparison, axis and legend as @request asks. Works on any cairo surface.
 */
void
aw_render (cairo_t               *cr,
           const AwRenderRequest *request)
{
  g_autoptr(AwRenderLayout) layout = NULL;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (request != NULL);

  if (request->width <= 0 || request->height <= 0)
    return;

  layout = aw_render_layout_new (cr, request);
  aw_render_with_layout (cr, request, layout);
}
