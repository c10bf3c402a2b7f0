/* aw-trace.c: the append-only, thread-safe event log of a run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every thread that records gets a buffer of its own: a chain of fixed-size
 * chunks that only that thread writes. Appending is a clock read, a store
 * and one release-store of the published count; no lock is taken. The thread
 * that merges (the main thread) walks each buffer up to its published count,
 * hands the chunks it has consumed back to a small pool the writers take
 * new chunks from, and merges the new events into one array sorted by time.
 * Readers of that array therefore always see a consistent, sorted prefix of
 * the run. A merge that had to put late events before earlier ones is
 * logged, so that views derived from the log can tell when the part they
 * have seen changed (aw-trace-private.h).
 */

#include "config.h"

#include "aw-trace.h"
#include "aw-trace-private.h"

#include <string.h>
#include <time.h>

#define CHUNK_EVENTS 1024
#define POOL_CHUNKS  64     /* chunks kept for reuse: 1.5 MiB */

typedef struct _Chunk Chunk;
struct _Chunk {
  Chunk   *next;
  AwEvent  events[CHUNK_EVENTS];
};

#define CACHE_LINE 64

/* Writer and reader fields sit on cache lines of their own, and buffers
 * are allocated aligned, so that threads recording at once never share a
 * line. */
typedef struct {
  GThread *owner;
  guint    lane;

  /* Writer side: only the owner thread touches these. */
  Chunk   *tail;
  guint    tail_fill;

  /* Shared: total events published, written with release semantics. */
  gsize    published;

  char     pad[CACHE_LINE];

  /* Reader side: only the merging thread touches these. */
  Chunk   *read_chunk;
  guint    read_pos;
  gsize    consumed;
} Buffer;

struct _AwTrace {
  gatomicrefcount ref_count;
  guint64     serial;
  gint64      start_ns;

  GMutex      buffers_lock;     /* buffers and lane names */
  GPtrArray  *buffers;
  GPtrArray  *lane_names;
  guint       n_workers;        /* lanes given a worker's default name so far */

  /* Chunks the merge has consumed, for writers to fill again: a live run
   * then records into memory that is already there, page faults and all. */
  GMutex      pool_lock;
  Chunk      *pool;
  guint       pool_len;

  GMutex      merge_lock;
  GArray     *events;           /* merged, sorted by time */
  GArray     *loaded;           /* events appended whole, e.g. by the loader */
  guint64     merge_serial;     /* merges that added events */
  GArray     *reorders;         /* Reorder: merges that inserted before the end */

  GMutex      strings_lock;
  GPtrArray  *strings;          /* id -> text; id 0 is NULL */
  GHashTable *string_ids;       /* text -> id */

  GHashTable *metadata;
};

/* A merge that put events before ones merged earlier, at @index. */
typedef struct {
  guint64 serial;
  guint   index;
} Reorder;

G_DEFINE_BOXED_TYPE (AwTrace, aw_trace, aw_trace_ref, aw_trace_unref)

static guint64 next_serial = 1;

static __thread struct {
  guint64  serial;
  Buffer  *buffer;
} tls_cache;

static Buffer *get_buffer (AwTrace *self);

static inline gint64
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/**
 * aw_trace_new:
 *
 * Creates an empty trace whose clock starts now. The calling thread becomes
 * lane 0, the main thread.
 *
 * Returns: (transfer full): a new trace
 */
AwTrace *
aw_trace_new (void)
{
  AwTrace *self = g_new0 (AwTrace, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->serial = __atomic_fetch_add (&next_serial, 1, __ATOMIC_RELAXED);
  self->start_ns = monotonic_ns ();
  g_mutex_init (&self->buffers_lock);
  g_mutex_init (&self->merge_lock);
  g_mutex_init (&self->strings_lock);
  g_mutex_init (&self->pool_lock);
  self->buffers = g_ptr_array_new ();
  self->lane_names = g_ptr_array_new_with_free_func (g_free);
  self->events = g_array_new (FALSE, FALSE, sizeof (AwEvent));
  self->loaded = g_array_new (FALSE, FALSE, sizeof (AwEvent));
  self->reorders = g_array_new (FALSE, FALSE, sizeof (Reorder));
  self->strings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->strings, NULL);
  self->string_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* Register the creating thread first so that it is lane 0. */
  get_buffer (self);

  return self;
}

/**
 * aw_trace_ref:
 * @self: a trace
 *
 * Takes a reference; any thread may hold one.
 *
 * Returns: (transfer full): @self
 */
AwTrace *
aw_trace_ref (AwTrace *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
buffer_free (Buffer *buffer)
{
  Chunk *chunk = buffer->read_chunk;

  while (chunk != NULL)
    {
      Chunk *next = chunk->next;
      g_free (chunk);
      chunk = next;
    }
  g_aligned_free (buffer);
}

/**
 * aw_trace_unref:
 * @self: a trace
 *
 * Drops a reference; the last one frees the log, its strings and its
 * metadata, so every pointer the trace handed out goes with it.
 */
void
aw_trace_unref (AwTrace *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint i = 0; i < self->buffers->len; i++)
    buffer_free (g_ptr_array_index (self->buffers, i));
  g_ptr_array_unref (self->buffers);
  g_ptr_array_unref (self->lane_names);
  g_array_unref (self->events);
  g_array_unref (self->loaded);
  g_array_unref (self->reorders);
  g_hash_table_unref (self->string_ids);
  g_ptr_array_unref (self->strings);
  g_hash_table_unref (self->metadata);
  while (self->pool != NULL)
    {
      Chunk *next = self->pool->next;
      g_free (self->pool);
      self->pool = next;
    }
  g_mutex_clear (&self->pool_lock);
  g_mutex_clear (&self->buffers_lock);
  g_mutex_clear (&self->merge_lock);
  g_mutex_clear (&self->strings_lock);
  g_free (self);
}

/**
 * aw_trace_now:
 * @self: a trace
 *
 * Returns: nanoseconds since the trace started, from CLOCK_MONOTONIC
 */
gint64
aw_trace_now (AwTrace *self)
{
  return monotonic_ns () - self->start_ns;
}

/**
 * aw_trace_get_origin_ns:
 * @self: a trace
 *
 * Returns: the CLOCK_MONOTONIC reading, in nanoseconds, that is time zero
 *   of the trace: add it to a trace time to compare with the system clock
 */
gint64
aw_trace_get_origin_ns (AwTrace *self)
{
  return self->start_ns;
}

/* The name of a thread that was given none: the first to record is the
 * main thread, the others are workers, counted apart from the lanes that
 * have names of their own (the callback thread's). Under buffers_lock. */
static char *
default_lane_name (AwTrace *self,
                   guint    lane)
{
  return lane == 0 ? g_strdup ("UI thread") : g_strdup_printf ("worker %u", ++self->n_workers);
}

static Chunk *
chunk_new (AwTrace *self)
{
  Chunk *chunk;

  g_mutex_lock (&self->pool_lock);
  chunk = self->pool;
  if (chunk != NULL)
    {
      self->pool = chunk->next;
      self->pool_len--;
    }
  g_mutex_unlock (&self->pool_lock);

  if (chunk == NULL)
    chunk = g_new (Chunk, 1);
  chunk->next = NULL;
  return chunk;
}

static void
chunk_release (AwTrace *self,
               Chunk   *chunk)
{
  g_mutex_lock (&self->pool_lock);
  if (self->pool_len < POOL_CHUNKS)
    {
      chunk->next = self->pool;
      self->pool = chunk;
      self->pool_len++;
      chunk = NULL;
    }
  g_mutex_unlock (&self->pool_lock);
  g_free (chunk);
}

static Buffer *
get_buffer_slow (AwTrace    *self,
                 const char *name)
{
  GThread *thread = g_thread_self ();
  Buffer *buffer = NULL;

  g_mutex_lock (&self->buffers_lock);
  for (guint i = 0; i < self->buffers->len; i++)
    {
      Buffer *b = g_ptr_array_index (self->buffers, i);
      if (b->owner == thread)
        {
          buffer = b;
          break;
        }
    }
  if (buffer == NULL)
    {
      buffer = g_aligned_alloc0 (1, sizeof (Buffer), CACHE_LINE);
      buffer->owner = thread;
      buffer->lane = self->buffers->len;
      buffer->tail = chunk_new (self);
      buffer->read_chunk = buffer->tail;
      g_ptr_array_add (self->buffers, buffer);
      while (self->lane_names->len <= buffer->lane)
        g_ptr_array_add (self->lane_names, NULL);
      if (g_ptr_array_index (self->lane_names, buffer->lane) == NULL)
        g_ptr_array_index (self->lane_names, buffer->lane) =
          name != NULL ? g_strdup (name) : default_lane_name (self, buffer->lane);
    }
  g_mutex_unlock (&self->buffers_lock);

  tls_cache.serial = self->serial;
  tls_cache.buffer = buffer;

  return buffer;
}

static Buffer *
get_buffer (AwTrace *self)
{
  if G_LIKELY (tls_cache.serial == self->serial)
    return tls_cache.buffer;
  return get_buffer_slow (self, NULL);
}

static inline void
buffer_append (AwTrace       *self,
               Buffer        *buffer,
               const AwEvent *event)
{
  if G_UNLIKELY (buffer->tail_fill == CHUNK_EVENTS)
    {
      Chunk *chunk = chunk_new (self);

      /* Published together with the first event of the chunk below. */
      buffer->tail->next = chunk;
      buffer->tail = chunk;
      buffer->tail_fill = 0;
    }

  buffer->tail->events[buffer->tail_fill++] = *event;
  __atomic_store_n (&buffer->published, buffer->published + 1, __ATOMIC_RELEASE);
}

/**
 * aw_trace_record_at:
 * @self: a trace
 * @time_ns: the event's time since the trace started
 * @kind: what happened
 * @task: the task id, or 0
 * @parent: the parent task id, or 0
 * @str: an interned string id from aw_trace_intern(), or 0
 *
 * Appends an event to the calling thread's buffer. Safe from any thread;
 * takes no lock after the first event of a thread.
 */
void
aw_trace_record_at (AwTrace     *self,
                    gint64       time_ns,
                    AwEventKind  kind,
                    guint32      task,
                    guint32      parent,
                    guint32      str)
{
  Buffer *buffer = get_buffer (self);
  AwEvent event = {
    .time_ns = time_ns,
    .task = task,
    .parent = parent,
    .str = str,
    .kind = kind,
    .lane = (guint16) MIN (buffer->lane, G_MAXUINT16),
  };

  buffer_append (self, buffer, &event);
}

/**
 * aw_trace_record:
 * @self: a trace
 * @kind: what happened
 * @task: the task id, or 0
 * @parent: the parent task id, or 0
 * @str: an interned string id, or 0
 *
 * Records an event stamped with the current time on the calling thread's lane.
 */
void
aw_trace_record (AwTrace     *self,
                 AwEventKind  kind,
                 guint32      task,
                 guint32      parent,
                 guint32      str)
{
  aw_trace_record_at (self, aw_trace_now (self), kind, task, parent, str);
}

/**
 * aw_trace_append_event:
 * @self: a trace
 * @event: an event with its own time and lane
 *
 * Adds an event as it is, lane included. Used to load saved traces; the
 * event becomes visible at the next aw_trace_merge().
 */
void
aw_trace_append_event (AwTrace       *self,
                       const AwEvent *event)
{
  g_mutex_lock (&self->merge_lock);
  g_array_append_val (self->loaded, *event);
  g_mutex_unlock (&self->merge_lock);

  g_mutex_lock (&self->buffers_lock);
  while (self->lane_names->len <= event->lane)
    g_ptr_array_add (self->lane_names, NULL);
  if (g_ptr_array_index (self->lane_names, event->lane) == NULL)
    g_ptr_array_index (self->lane_names, event->lane) =
      default_lane_name (self, event->lane);
  g_mutex_unlock (&self->buffers_lock);
}

/**
 * aw_trace_intern:
 * @self: a trace
 * @text: (nullable): a string
 *
 * Copies @text into the trace's string table once; any thread may call it.
 *
 * Returns: the id of @text in the trace's string table, 0 for %NULL
 */
guint32
aw_trace_intern (AwTrace    *self,
                 const char *text)
{
  gpointer id;
  guint32 ret;

  if (text == NULL)
    return 0;

  g_mutex_lock (&self->strings_lock);
  if (g_hash_table_lookup_extended (self->string_ids, text, NULL, &id))
    {
      ret = GPOINTER_TO_UINT (id);
    }
  else
    {
      char *copy = g_strdup (text);

      ret = self->strings->len;
      g_ptr_array_add (self->strings, copy);
      g_hash_table_insert (self->string_ids, copy, GUINT_TO_POINTER (ret));
    }
  g_mutex_unlock (&self->strings_lock);

  return ret;
}

/**
 * aw_trace_get_string:
 * @self: a trace
 * @str: a string id
 *
 * Returns: (transfer none) (nullable): the text, owned by the trace and
 *   valid as long as the trace lives (interned strings are never freed
 *   before it)
 */
const char *
aw_trace_get_string (AwTrace *self,
                     guint32  str)
{
  const char *ret = NULL;

  g_mutex_lock (&self->strings_lock);
  if (str < self->strings->len)
    ret = g_ptr_array_index (self->strings, str);
  g_mutex_unlock (&self->strings_lock);

  return ret;
}

/**
 * aw_trace_get_n_strings:
 * @self: a trace
 *
 * Returns: the size of the string table; ids below it are valid
 */
guint
aw_trace_get_n_strings (AwTrace *self)
{
  guint ret;

  g_mutex_lock (&self->strings_lock);
  ret = self->strings->len;
  g_mutex_unlock (&self->strings_lock);

  return ret;
}

static gint
compare_events (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const AwEvent *ea = a;
  const AwEvent *eb = b;

  if (ea->time_ns < eb->time_ns)
    return -1;
  if (ea->time_ns > eb->time_ns)
    return 1;
  return 0;
}

static gboolean
events_sorted (const AwEvent *ev,
               guint          n)
{
  for (guint i = 1; i < n; i++)
    if (ev[i].time_ns < ev[i - 1].time_ns)
      return FALSE;
  return TRUE;
}

static void
buffer_drain (AwTrace *self,
              Buffer  *buffer,
              GArray  *into)
{
  gsize published = __atomic_load_n (&buffer->published, __ATOMIC_ACQUIRE);

  while (buffer->consumed < published)
    {
      guint n;

      if (buffer->read_pos == CHUNK_EVENTS)
        {
          /* The writer has moved on: this chunk is ours to free. */
          Chunk *done = buffer->read_chunk;

          buffer->read_chunk = done->next;
          buffer->read_pos = 0;
          chunk_release (self, done);
        }

      n = MIN (CHUNK_EVENTS - buffer->read_pos, published - buffer->consumed);
      g_array_append_vals (into, &buffer->read_chunk->events[buffer->read_pos], n);
      buffer->read_pos += n;
      buffer->consumed += n;
    }
}

/**
 * aw_trace_merge:
 * @self: a trace
 *
 * Moves every event published so far by any thread into the sorted log.
 * Call it from one thread (the main thread); events recorded concurrently
 * appear at a later merge.
 *
 * Returns: how many events were added
 */
guint
aw_trace_merge (AwTrace *self)
{
  guint n, added;

  g_mutex_lock (&self->merge_lock);

  /* The new events go straight to the end of the log, then into place:
   * no second copy of a big merge is ever held. */
  n = self->events->len;
  g_mutex_lock (&self->buffers_lock);
  for (guint i = 0; i < self->buffers->len; i++)
    buffer_drain (self, g_ptr_array_index (self->buffers, i), self->events);
  g_mutex_unlock (&self->buffers_lock);

  if (self->loaded->len > 0)
    {
      g_array_append_vals (self->events, self->loaded->data, self->loaded->len);
      g_array_unref (self->loaded);
      self->loaded = g_array_new (FALSE, FALSE, sizeof (AwEvent));
    }

  added = self->events->len - n;
  if (added > 0)
    {
      AwEvent *ev = (AwEvent *) (gpointer) self->events->data;
      AwEvent *add = ev + n;
      guint k = n;

      /* Stable: events of one thread at the same instant keep their order. */
      if (!events_sorted (add, added))
        g_qsort_with_data (add, added, sizeof (AwEvent), compare_events, NULL);

      self->merge_serial++;
      while (k > 0 && ev[k - 1].time_ns > add[0].time_ns)
        k--;

      if (k < n)
        {
          /* Merge the overlapping tail of the log with the new events, in
           * place: the write position never passes the next new event. */
          guint tail_len = n - k;
          AwEvent *tail = g_memdup2 (&ev[k], tail_len * sizeof (AwEvent));
          Reorder reorder = { self->merge_serial, k };
          guint i = 0, j = 0, o = k;

          while (i < tail_len && j < added)
            ev[o++] = (add[j].time_ns < tail[i].time_ns) ? add[j++] : tail[i++];
          while (i < tail_len)
            ev[o++] = tail[i++];
          g_free (tail);
          g_array_append_val (self->reorders, reorder);
        }
    }

  g_mutex_unlock (&self->merge_lock);

  return added;
}

/*
 * _aw_trace_get_merge_serial:
 *
 * Counts the merges that added events. With
 * _aw_trace_first_change_since(), a reader that keeps what it derived from
 * the log can tell whether the part it has seen is still as it was.
 */
guint64
_aw_trace_get_merge_serial (AwTrace *self)
{
  guint64 serial;

  g_mutex_lock (&self->merge_lock);
  serial = self->merge_serial;
  g_mutex_unlock (&self->merge_lock);

  return serial;
}

/*
 * _aw_trace_first_change_since:
 * @serial: a value of _aw_trace_get_merge_serial()
 *
 * Returns: the lowest index of the log that merges after @serial changed,
 *   or %G_MAXUINT if they only appended
 */
guint
_aw_trace_first_change_since (AwTrace *self,
                              guint64  serial)
{
  const Reorder *r;
  guint first = G_MAXUINT;

  g_mutex_lock (&self->merge_lock);
  r = (const Reorder *) (gconstpointer) self->reorders->data;
  for (guint i = self->reorders->len; i > 0 && r[i - 1].serial > serial; i--)
    first = MIN (first, r[i - 1].index);
  g_mutex_unlock (&self->merge_lock);

  return first;
}

/**
 * aw_trace_get_events:
 * @self: a trace
 * @n_events: (out): the number of events
 *
 * The merged log, sorted by time, owned by the trace. The pointer is valid
 * until the next aw_trace_merge() (which aw_trace_model_update() calls): a
 * merge may move the array and reorder its tail. Use it on the merging
 * thread.
 *
 * Returns: (transfer none) (array length=n_events): the events
 */
const AwEvent *
aw_trace_get_events (AwTrace *self,
                     guint   *n_events)
{
  *n_events = self->events->len;
  return (const AwEvent *) (gconstpointer) self->events->data;
}

/**
 * aw_trace_get_n_lanes:
 * @self: a trace
 *
 * Returns: how many thread lanes the trace has registered or named; lane 0
 *   is the thread that made the trace
 */
guint
aw_trace_get_n_lanes (AwTrace *self)
{
  guint ret;

  g_mutex_lock (&self->buffers_lock);
  ret = self->lane_names->len;
  g_mutex_unlock (&self->buffers_lock);

  return ret;
}

/**
 * aw_trace_get_lane_name:
 * @self: a trace
 * @lane: a lane
 *
 * Returns: (transfer none) (nullable): the lane's name, owned by the trace:
 *   valid until the lane is named again or the trace is freed
 */
const char *
aw_trace_get_lane_name (AwTrace *self,
                        guint    lane)
{
  const char *ret = NULL;

  g_mutex_lock (&self->buffers_lock);
  if (lane < self->lane_names->len)
    ret = g_ptr_array_index (self->lane_names, lane);
  g_mutex_unlock (&self->buffers_lock);

  return ret;
}

/**
 * aw_trace_set_lane_name:
 * @self: a trace
 * @lane: a lane, registered or not
 * @name: (nullable): its name, copied
 *
 * Names a lane (a loaded trace names every lane it has). The lane's
 * previous name is freed.
 */
void
aw_trace_set_lane_name (AwTrace    *self,
                        guint       lane,
                        const char *name)
{
  g_mutex_lock (&self->buffers_lock);
  while (self->lane_names->len <= lane)
    g_ptr_array_add (self->lane_names, NULL);
  g_free (g_ptr_array_index (self->lane_names, lane));
  g_ptr_array_index (self->lane_names, lane) = g_strdup (name);
  g_mutex_unlock (&self->buffers_lock);
}

/**
 * aw_trace_name_this_lane:
 * @self: a trace
 * @name: what to call the calling thread's lane
 *
 * Names the lane of the calling thread, registering it if needed.
 */
void
aw_trace_name_this_lane (AwTrace    *self,
                         const char *name)
{
  Buffer *buffer;

  /* A thread that registers with its name takes no worker's number. */
  if (tls_cache.serial == self->serial)
    buffer = tls_cache.buffer;
  else
    buffer = get_buffer_slow (self, name);
  aw_trace_set_lane_name (self, buffer->lane, name);
}

/**
 * aw_trace_get_memory_size:
 * @self: a trace
 *
 * Returns: bytes held for events: the merged log, unmerged chunks and
 *   chunks kept for reuse
 */
gsize
aw_trace_get_memory_size (AwTrace *self)
{
  gsize size;

  g_mutex_lock (&self->merge_lock);
  size = (gsize) self->events->len * sizeof (AwEvent);
  g_mutex_lock (&self->buffers_lock);
  for (guint i = 0; i < self->buffers->len; i++)
    {
      Buffer *b = g_ptr_array_index (self->buffers, i);

      for (Chunk *c = b->read_chunk; c != NULL; c = c->next)
        size += sizeof (Chunk);
    }
  g_mutex_unlock (&self->buffers_lock);
  g_mutex_lock (&self->pool_lock);
  size += (gsize) self->pool_len * sizeof (Chunk);
  g_mutex_unlock (&self->pool_lock);
  g_mutex_unlock (&self->merge_lock);

  return size;
}

/**
 * aw_trace_set_metadata:
 * @self: a trace
 * @key: a key such as "variant", "speed" or "clock"
 * @value: (nullable): its value, copied; %NULL removes the key
 *
 * Metadata is not locked: set it on one thread, before the trace is shared
 * with readers on others (the runner and the clock set it before a run).
 */
void
aw_trace_set_metadata (AwTrace    *self,
                       const char *key,
                       const char *value)
{
  g_return_if_fail (key != NULL);

  if (value == NULL)
    g_hash_table_remove (self->metadata, key);
  else
    g_hash_table_replace (self->metadata, g_strdup (key), g_strdup (value));
}

/**
 * aw_trace_get_metadata:
 * @self: a trace
 * @key: a key
 *
 * Returns: (transfer none) (nullable): the value, owned by the trace: valid
 *   until @key is set again or the trace is freed
 */
const char *
aw_trace_get_metadata (AwTrace    *self,
                       const char *key)
{
  return g_hash_table_lookup (self->metadata, key);
}

/**
 * aw_trace_get_all_metadata:
 * @self: a trace
 *
 * Returns: (transfer none) (element-type utf8 utf8): the key/value metadata
 *   (variant, speed, clock...), owned by the trace; do not change it
 */
GHashTable *
aw_trace_get_all_metadata (AwTrace *self)
{
  return self->metadata;
}

/* The kinds as glib-mkenums registered them: their nicks are the names
 * saved traces use. */
static GEnumClass *
event_kinds (void)
{
  static GEnumClass *klass;

  if (g_once_init_enter (&klass))
    g_once_init_leave (&klass, g_type_class_ref (AW_TYPE_EVENT_KIND));
  return klass;
}

/**
 * aw_event_kind_to_string:
 * @kind: a kind
 *
 * Returns: (transfer none): the kind's name in saved traces (its nick, such
 *   as "created" or "cancel-request"), or "unknown"
 */
const char *
aw_event_kind_to_string (AwEventKind kind)
{
  GEnumValue *value = g_enum_get_value (event_kinds (), kind);

  return value != NULL ? value->value_nick : "unknown";
}

/**
 * aw_event_kind_from_string:
 * @name: (nullable): a kind's name in a saved trace
 *
 * Returns: the kind, or 0 for an unknown name
 */
AwEventKind
aw_event_kind_from_string (const char *name)
{
  GEnumValue *value;

  if (name == NULL)
    return 0;
  value = g_enum_get_value_by_nick (event_kinds (), name);
  return value != NULL ? (AwEventKind) value->value : 0;
}
