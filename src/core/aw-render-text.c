/* aw-render-text.c: shaped text for the renderer, kept between drawings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shaping text is most of the cost of drawing it, and a live timeline
 * draws the same labels every frame: AwRenderCache keeps each text shaped
 * for its font, size, weight and width, and drops what recent drawings did
 * not use.
 */

#include "config.h"

#include "aw-render-private.h"

#include <math.h>
#include <string.h>

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

/**
 * aw_render_cache_free:
 * @cache: (nullable): a cache
 *
 * Frees the cache and the text it shaped. A request that named it must not
 * be drawn again.
 */
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
void
_aw_render_cache_prepare (AwRenderCache *cache,
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
void
_aw_render_cache_trim (AwRenderCache *cache)
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

/* 10000 -> "10,000", with the locale's separator ("10.000" in German). */
void
_aw_render_format_count (char  *buf,
                         gsize  len,
                         guint  count)
{
  const char *sep = aw_format_thousands_separator ();
  gsize sep_len = strlen (sep);
  char digits[16];
  guint n, o = 0;

  g_snprintf (digits, sizeof digits, "%u", count);
  n = strlen (digits);
  for (guint i = 0; i < n && o + sep_len + 2 < len; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        {
          memcpy (buf + o, sep, sep_len);
          o += sep_len;
        }
      buf[o++] = digits[i];
    }
  buf[o] = '\0';
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

/* Sets the text that _aw_render_text_size() and _aw_render_text_draw()
 * work on: shaped once per cache for its font, size, weight and width. With @wrap_width > 0 the text
 * wraps at that width, and with @max_lines > 0 it is ellipsized at the end
 * of that many lines; else with @max_width > 0 it is ellipsized there, on
 * its last line when it may take up to @max_lines lines (> 1). */
static void
text_set_full (Ctx        *c,
               const char *text,
               double      size,
               gboolean    bold,
               double      max_width,
               double      wrap_width,
               guint       max_lines)
{
  int abs_size = (int) (MAX (size, 1.0) * PANGO_SCALE);
  int width = wrap_width > 0 ? (int) (MAX (wrap_width, 1.0) * PANGO_SCALE)
            : max_width > 0 ? (int) (max_width * PANGO_SCALE) : -1;
  gboolean ellipsize = (wrap_width <= 0 && max_width > 0) || (wrap_width > 0 && max_lines > 0);
  int height = ellipsize && max_lines > 1 ? -(int) max_lines
             : wrap_width > 0 && max_lines > 0 ? -(int) max_lines : -1;
  CachedText *t;

  g_string_truncate (c->key, 0);
  key_append_int (c->key, abs_size);
  key_append_int (c->key, bold);
  key_append_int (c->key, width);
  key_append_int (c->key, ellipsize);
  key_append_int (c->key, height);
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
      pango_layout_set_height (t->layout, height);
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

void
_aw_render_text_set (Ctx        *c,
                     const char *text,
                     double      size,
                     gboolean    bold,
                     double      max_width)
{
  text_set_full (c, text, size, bold, max_width, -1, 1);
}

/* Wraps at @max_width onto at most @lines lines, the last one ellipsized. */
void
_aw_render_text_set_lines (Ctx        *c,
                           const char *text,
                           double      size,
                           gboolean    bold,
                           double      max_width,
                           int         lines)
{
  text_set_full (c, text, size, bold, max_width, -1, (guint) MAX (lines, 1));
}

/* Wraps instead of ellipsizing. */
void
_aw_render_text_set_wrapped (Ctx        *c,
                             const char *text,
                             double      size,
                             double      width)
{
  text_set_full (c, text, size, FALSE, -1, width, 0);
}

/* The comparison line under the title: bold, wrapped to the picture's
 * width rather than cut, after its coloured bar. */
void
_aw_render_headline_set (Ctx        *c,
                         const char *text)
{
  _aw_render_text_set_lines (c, text, c->chrome->compare * c->f, TRUE,
                             MAX (c->request->width, 1.0) - 2 * c->pad - 1.2 * c->f,
                             c->request->min_label_px > 0 ? AW_RENDER_HEADLINE_LINES_READABLE : AW_RENDER_HEADLINE_LINES);
}

/* Wraps at @width, in at most @max_lines lines, the last ellipsized. */
void
_aw_render_text_set_wrapped_lines (Ctx        *c,
                                   const char *text,
                                   double      size,
                                   double      width,
                                   guint       max_lines)
{
  text_set_full (c, text, size, FALSE, -1, width, MAX (max_lines, 1));
}

void
_aw_render_caption_set (Ctx        *c,
                        const char *caption,
                        double      width)
{
  if (c->chrome->caption_one_line)
    _aw_render_text_set (c, caption, c->chrome->legend * c->f, FALSE, width);
  else
    _aw_render_text_set_wrapped (c, caption, c->chrome->legend * c->f, width);
}



double
_aw_render_line_height (Ctx      *c,
                        double    size,
                        gboolean  bold)
{
  double h;

  _aw_render_text_set (c, "Ag", size, bold, -1);
  _aw_render_text_size (c, NULL, &h);
  return h;
}

void
_aw_render_text_run_clear (gpointer data)
{
  AwRenderTextRun *run = data;

  g_clear_pointer (&run->text, g_free);
}

/* A copy of @run cut to the columns [@x0, @x1) by its clip. */
static AwRenderTextRun
text_run_cut (const AwRenderTextRun *run,
              double                 x0,
              double                 x1)
{
  AwRenderTextRun cut = *run;
  double top = run->y - 2 * run->size, bottom = run->y + run->size;

  if (run->clip[2] >= 0)
    {
      x0 = MAX (x0, run->clip[0]);
      x1 = MIN (x1, run->clip[0] + run->clip[2]);
      top = MAX (top, run->clip[1]);
      bottom = MIN (bottom, run->clip[1] + run->clip[3]);
    }
  cut.text = g_strdup (run->text);
  cut.clip[0] = x0;
  cut.clip[1] = top;
  cut.clip[2] = MAX (x1 - x0, 0);
  cut.clip[3] = MAX (bottom - top, 0);
  return cut;
}

/**
 * _aw_render_veil_texts:
 * @texts: (element-type AwRenderTextRun): the text recorded so far
 * @x0, @y0, @x1, @y1: the veil, in device units
 * @color: the veil's colour, with its opacity
 *
 * A vector picture keeps its text apart and puts it over the whole
 * drawing (aw-export.c), so a veil drawn over text would leave that text
 * as it was. Here the text recorded before the veil takes the colour the
 * veil gives it in a PNG; a line whose start or end the veil covers is
 * cut at the veil's edge, its part under the veil in the veiled colour.
 */
void
_aw_render_veil_texts (GArray        *texts,
                       double         x0,
                       double         y0,
                       double         x1,
                       double         y1,
                       const AwColor *color)
{
  guint n = texts->len;

  for (guint i = 0; i < n; i++)
    {
      AwRenderTextRun *run = &g_array_index (texts, AwRenderTextRun, i);
      double middle = run->y - 0.35 * run->size;
      double left = run->x, right = run->x + run->width;
      AwRenderTextRun pieces[2];
      guint n_pieces = 0;
      double alpha;

      if (middle < y0 || middle > y1 || right <= x0 || left >= x1)
        continue;
      if (run->clip[2] >= 0 &&
          (run->clip[0] >= x1 || run->clip[0] + run->clip[2] <= x0))
        continue;

      /* The parts outside the veil, as they were. */
      if (left < x0)
        pieces[n_pieces++] = text_run_cut (run, left - run->size, x0);
      if (right > x1)
        pieces[n_pieces++] = text_run_cut (run, x1, right + run->size);
      if (n_pieces > 0)
        {
          AwRenderTextRun veiled = text_run_cut (run, x0, x1);

          _aw_render_text_run_clear (run);
          *run = veiled;
        }
      /* The veil over the text's colour, as cairo composites it. */
      alpha = run->color.alpha;
      aw_color_mix (&run->color, color, color->alpha, &run->color);
      run->color.alpha = alpha;
      /* The pieces come right after, drawn where the line was. */
      g_array_insert_vals (texts, i + 1, pieces, n_pieces);
      i += n_pieces;
      n += n_pieces;
    }
}

/* A line as it is shown: an ellipsized line's runs hold the text they
 * show, and the ellipsis run stands for the text it cut. */
static char *
line_text (PangoLayoutLine *line,
           const char      *text)
{
  GString *shown = g_string_new (NULL);

  for (GSList *l = line->runs; l != NULL; l = l->next)
    {
      const PangoGlyphItem *run = l->data;

      if (run->item->analysis.flags & PANGO_ANALYSIS_FLAG_IS_ELLIPSIS)
        g_string_append (shown, "\u2026");
      else
        g_string_append_len (shown, text + run->item->offset, run->item->length);
    }
  /* The space or newline a line was wrapped at is not shown. */
  while (shown->len > 0 && g_ascii_isspace (shown->str[shown->len - 1]))
    g_string_truncate (shown, shown->len - 1);
  return g_string_free (shown, FALSE);
}

/* Keeps the text set last as text runs, one per line, where
 * _aw_render_text_draw() would draw it. Returns %FALSE when the target is
 * rotated or skewed, for which glyphs are drawn instead. */
static gboolean
text_record (Ctx           *c,
             double         x,
             double         y,
             const AwColor *color)
{
  const PangoFontDescription *font = pango_layout_get_font_description (c->pl);
  const char *text = pango_layout_get_text (c->pl);
  double scale, clip[4] = { 0, 0, -1, 0 }, x1, y1, x2, y2;
  PangoLayoutIter *iter;
  cairo_matrix_t m;

  cairo_get_matrix (c->cr, &m);
  if (m.xy != 0 || m.yx != 0 || m.xx <= 0 || fabs (m.xx - m.yy) > 1e-9 * m.xx)
    return FALSE;
  scale = m.xx;

  /* Text the chart's clip cuts is cut the same way; the clips are
   * rectangles. */
  cairo_clip_extents (c->cr, &x1, &y1, &x2, &y2);
  if (x >= x1 && y >= y1 && x + c->pl_size[0] <= x2 && y + c->pl_size[1] <= y2)
    clip[2] = -1;
  else
    {
      cairo_user_to_device (c->cr, &x1, &y1);
      cairo_user_to_device (c->cr, &x2, &y2);
      clip[0] = x1;
      clip[1] = y1;
      clip[2] = x2 - x1;
      clip[3] = y2 - y1;
    }

  iter = pango_layout_get_iter (c->pl);
  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      AwRenderTextRun run = { 0 };

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      run.text = line_text (line, text);
      if (run.text[0] == '\0')
        {
          g_free (run.text);
          continue;
        }
      run.x = x + (double) logical.x / PANGO_SCALE;
      run.y = y + (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      run.width = scale * logical.width / PANGO_SCALE;
      cairo_user_to_device (c->cr, &run.x, &run.y);
      run.size = scale * pango_font_description_get_size (font) / PANGO_SCALE;
      run.bold = pango_font_description_get_weight (font) >= PANGO_WEIGHT_SEMIBOLD;
      run.color = *color;
      memcpy (run.clip, clip, sizeof clip);
      g_array_append_val (c->texts, run);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);

  return TRUE;
}

void
_aw_render_text_draw (Ctx           *c,
                      double         x,
                      double         y,
                      const AwColor *color)
{
  if (c->texts != NULL && text_record (c, x, y, color))
    return;

  cairo_set_source_rgba (c->cr, color->red, color->green, color->blue, color->alpha);
  cairo_move_to (c->cr, x, y);
  pango_cairo_show_layout (c->cr, c->pl);
}

/* Text in a state colour, pulled towards the text colour so that it
 * reads on the background (Okabe-Ito purple on white is too faint). */
void
_aw_render_text_draw_tinted (Ctx           *c,
                             double         x,
                             double         y,
                             const AwColor *color)
{
  AwColor mixed;

  aw_color_mix (color, &c->theme->foreground, 0.3, &mixed);
  _aw_render_text_draw (c, x, y, &mixed);
}
