/* aw-catalog.h: the bundled lesson scenarios, and scenario files checked whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aw-scenario.h"

G_BEGIN_DECLS

#define AW_CATALOG_RESOURCE_PATH "/org/awaitscope/Awaitscope/scenarios/"
#define AW_CATALOG_DEFAULT_ID    "when-all"

void        aw_catalog_init         (void);
void        aw_catalog_preload      (void);
void        aw_catalog_preload_drop (void);
GPtrArray  *aw_catalog_load_all     (GError     **error);
AwScenario *aw_catalog_lookup       (const char  *id_or_path,
                                     GError     **error);
AwScenario *aw_catalog_load_file    (const char  *path,
                                     GError     **error);
AwScenario *aw_catalog_load_data    (const char  *data,
                                     gssize       length,
                                     const char  *display_name,
                                     GError     **error);

G_END_DECLS
