/* aw-wait-source.h: one GSource for every wait of a main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AwWaitSource AwWaitSource;
typedef struct _AwWaitEntry  AwWaitEntry;

typedef void (*AwWaitFunc) (AwWaitEntry *entry);

/* A wait, embedded in whatever waits. Private to the source while added. */
struct _AwWaitEntry {
  gpointer     list;
  AwWaitEntry *prev;
  AwWaitEntry *next;
  gint64       deadline;   /* monotonic microseconds */
  guint64      seq;
  AwWaitFunc   func;
};

AwWaitSource *aw_wait_source_new        (GMainContext *context);
void          aw_wait_source_free       (AwWaitSource *source);
void          aw_wait_source_add        (AwWaitSource *source,
                                         AwWaitEntry  *entry,
                                         gint64        start,
                                         gint64        us,
                                         AwWaitFunc    func);
void          aw_wait_source_remove     (AwWaitEntry  *entry);
gint64        aw_wait_source_get_armed  (AwWaitSource *source);

static inline gboolean
aw_wait_entry_is_added (const AwWaitEntry *entry)
{
  return entry->list != NULL;
}

G_END_DECLS
