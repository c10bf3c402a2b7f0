/* aw-theme.c: colours, fonts and sizes of the timeline, with no GTK in sight
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every theme draws task states with the Okabe-Ito palette, which stays
 * distinguishable for the common forms of colour blindness. The renderer
 * never relies on colour alone: waiting, queued and running differ in shape
 * and fill, and outcomes carry a glyph. Text, muted text included, keeps
 * WCAG's 4.5:1 against every background it is drawn on: the window's
 * muted text takes its colour from here too (aw-window-actions.c).
 */

#include "config.h"

#include "aw-theme.h"

#include <math.h>

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, \
                   ((hex) & 0xff) / 255.0, 1.0 }

/* Okabe-Ito */
#define OI_ORANGE     RGB (0xE69F00)
#define OI_SKY_BLUE   RGB (0x56B4E9)
#define OI_GREEN      RGB (0x009E73)
#define OI_YELLOW     RGB (0xF0E442)
#define OI_BLUE       RGB (0x0072B2)
#define OI_VERMILLION RGB (0xD55E00)
#define OI_PURPLE     RGB (0xCC79A7)

#define OI_STATES                 \
  .waiting = OI_SKY_BLUE,         \
  .queued = OI_ORANGE,            \
  .running = OI_BLUE,             \
  .completed = OI_GREEN,          \
  .faulted = OI_VERMILLION,       \
  .cancelled = OI_PURPLE,         \
  .blocked = OI_YELLOW

static const AwTheme themes[] = {
  {
    .name = "light",
    .background = RGB (0xFFFFFF),
    .surface = RGB (0xECEFF3),
    .foreground = RGB (0x1C1D21),
    .muted = RGB (0x5C616B),
    .grid = RGB (0xDCDFE4),
    OI_STATES,
    .frame = RGB (0x6E7580),
    .accent = RGB (0x000000),
    .font_family = "DejaVu Sans",
    .font_size = 14.0,
    .row_height = 22.0,
    .line_width = 1.5,
  },
  {
    .name = "dark",
    .background = RGB (0x1B1D22),
    .surface = RGB (0x282C34),
    .foreground = RGB (0xF0F1F3),
    .muted = RGB (0xA6ADB8),
    .grid = RGB (0x363B45),
    OI_STATES,
    .frame = RGB (0x9AA2AE),
    .accent = RGB (0xFFFFFF),
    .font_family = "DejaVu Sans",
    .font_size = 14.0,
    .row_height = 22.0,
    .line_width = 1.5,
  },
  {
    .name = "high-contrast",
    .background = RGB (0xFFFFFF),
    .surface = RGB (0xE2E2E2),
    .foreground = RGB (0x000000),
    .muted = RGB (0x1A1A1A),
    .grid = RGB (0xA0A0A0),
    OI_STATES,
    .frame = RGB (0x000000),
    .accent = RGB (0x000000),
    .font_family = "DejaVu Sans",
    .font_size = 15.0,
    .row_height = 24.0,
    .line_width = 2.5,
  },
  {
    .name = "projector",
    .background = RGB (0xFFFFFF),
    .surface = RGB (0xE6EAF0),
    .foreground = RGB (0x000000),
    .muted = RGB (0x2E3238),
    .grid = RGB (0xBFC4CC),
    OI_STATES,
    .frame = RGB (0x2E3238),
    .accent = RGB (0x000000),
    .font_family = "DejaVu Sans",
    .font_size = 14.0 * 1.6,
    .row_height = 32.0,
    .line_width = 3.0,
  },
};

static const char *theme_names[] = {
  "light",
  "dark",
  "high-contrast",
  "projector",
  NULL
};

G_STATIC_ASSERT (G_N_ELEMENTS (themes) + 1 == G_N_ELEMENTS (theme_names));

/**
 * aw_theme_lookup:
 * @name: (nullable): a theme name, such as "light"
 *
 * Finds a built-in theme.
 *
 * Returns: (nullable) (transfer none): the theme, or %NULL if @name is
 *   %NULL or names no theme
 */
const AwTheme *
aw_theme_lookup (const char *name)
{
  if (name == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (themes); i++)
    {
      if (g_str_equal (themes[i].name, name))
        return &themes[i];
    }

  return NULL;
}

/**
 * aw_theme_list_names:
 *
 * Returns: (transfer none) (array zero-terminated=1): the names of the
 *   built-in themes, the default first
 */
const char **
aw_theme_list_names (void)
{
  return theme_names;
}

static double
linear (double channel)
{
  return channel <= 0.04045 ? channel / 12.92 : pow ((channel + 0.055) / 1.055, 2.4);
}

/**
 * aw_color_luminance:
 * @color: an opaque colour
 *
 * Returns: its relative luminance as WCAG 2 defines it, 0 (black) to 1 (white)
 */
double
aw_color_luminance (const AwColor *color)
{
  g_return_val_if_fail (color != NULL, 0);

  return 0.2126 * linear (color->red) + 0.7152 * linear (color->green) + 0.0722 * linear (color->blue);
}

/**
 * aw_color_contrast:
 * @a: an opaque colour
 * @b: another
 *
 * Returns: the WCAG 2 contrast ratio of @a and @b, 1 (none) to 21
 */
double
aw_color_contrast (const AwColor *a,
                   const AwColor *b)
{
  double la, lb;

  g_return_val_if_fail (a != NULL && b != NULL, 1);

  la = aw_color_luminance (a);
  lb = aw_color_luminance (b);
  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

/**
 * aw_color_to_css:
 * @color: an opaque colour
 *
 * Returns: (transfer full): @color as "#rrggbb"
 */
char *
aw_color_to_css (const AwColor *color)
{
  g_return_val_if_fail (color != NULL, NULL);

  return g_strdup_printf ("#%02x%02x%02x",
                          (guint) lround (CLAMP (color->red, 0, 1) * 255),
                          (guint) lround (CLAMP (color->green, 0, 1) * 255),
                          (guint) lround (CLAMP (color->blue, 0, 1) * 255));
}
