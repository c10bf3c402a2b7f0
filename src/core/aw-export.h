/* aw-export.h: pictures of runs written to files, whole or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aw-file-util.h"
#include "aw-render-enums.h"
#include "aw-render.h"

G_BEGIN_DECLS

#define AW_EXPORT_MAX_SIDE 8192   /* pixels (or points) per side */
#define AW_EXPORT_MIN_SIDE 200

typedef enum {
  AW_IMAGE_PNG,
  AW_IMAGE_SVG,
  AW_IMAGE_PDF,
} AwImageFormat;

gboolean aw_image_format_from_path (const char             *path,
                                    AwImageFormat          *format,
                                    GError                **error);
gboolean aw_parse_size             (const char             *text,
                                    int                    *width,
                                    int                    *height,
                                    GError                **error);
gboolean aw_parse_picture_size     (const char             *text,
                                    int                    *width,
                                    int                    *height,
                                    GError                **error);
GBytes  *aw_render_to_bytes        (const AwRenderRequest  *request,
                                    AwImageFormat           format,
                                    double                  scale,
                                    GError                **error);
gboolean aw_export_image           (const AwRenderRequest  *request,
                                    const char             *path,
                                    double                  scale,
                                    GError                **error);

G_END_DECLS
