/* aw-theme.h: colours, fonts and sizes of the timeline, with no GTK in sight
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  double red;
  double green;
  double blue;
  double alpha;
} AwColor;

/**
 * AwTheme:
 *
 * Everything the renderer needs to know about looks. Themes are static
 * data; get one with aw_theme_lookup().
 */
typedef struct {
  const char *name;
  AwColor background;
  AwColor surface;       /* lane background band */
  AwColor foreground;    /* text */
  AwColor muted;         /* secondary text, axis */
  AwColor grid;
  AwColor waiting;       /* awaiting: holds no thread */
  AwColor queued;        /* ready, no thread free yet */
  AwColor running;       /* code running on a thread */
  AwColor completed;
  AwColor faulted;
  AwColor cancelled;
  AwColor frame;         /* heartbeat ticks */
  AwColor blocked;       /* frozen main loop band */
  AwColor accent;        /* markers: cancel, watchdog */
  const char *font_family;
  double font_size;      /* px, body text */
  double row_height;     /* px, one task row */
  double line_width;     /* px, outlines */
} AwTheme;

/* WCAG 2 asks at least this contrast of text against its background. */
#define AW_MIN_TEXT_CONTRAST 4.5

const AwTheme *aw_theme_lookup       (const char *name);
const char   **aw_theme_list_names   (void);
double         aw_color_luminance    (const AwColor *color);
double         aw_color_contrast     (const AwColor *a,
                                      const AwColor *b);
char          *aw_color_to_css       (const AwColor *color);

/* @out = @a + (@b - @a) × @t, channel by channel (alpha too). */
static inline void
aw_color_mix (const AwColor *a,
              const AwColor *b,
              double         t,
              AwColor       *out)
{
  out->red = a->red + (b->red - a->red) * t;
  out->green = a->green + (b->green - a->green) * t;
  out->blue = a->blue + (b->blue - a->blue) * t;
  out->alpha = a->alpha + (b->alpha - a->alpha) * t;
}

G_END_DECLS
