/* aw-wait-source.c: one GSource for every wait of a main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every wait of a run is a timer, and a run may wait on a hundred thousand
 * at once. One GSource per wait would make the main loop walk all of them
 * at every iteration; instead the waits of one context share one source
 * whose ready time is the earliest deadline. Waits of one duration that
 * start in order end in order, so each duration keeps a list in deadline
 * order and the earliest deadline is at the head of one of them. A wait's
 * deadline is what a timeout source of the same duration would have: now
 * plus the duration in whole milliseconds. Where the system has timerfd, the
 * source wakes the loop at the deadline itself: a main loop's own timeouts
 * are whole milliseconds, up to one late.
 *
 * Waits that come due together fire in deadline order, then in the order
 * they were added; the virtual clock models the same order.
 */

#include "config.h"

#include "aw-wait-source.h"

#include <errno.h>
#include <unistd.h>

#ifdef __linux__
# include <sys/timerfd.h>
#endif

typedef struct {
  gint64       interval_us;
  AwWaitEntry *head;
  AwWaitEntry *tail;
} WaitList;

struct _AwWaitSource {
  GSource     source;
  GPtrArray  *lists;          /* WaitList, one per duration */
  guint64     next_seq;
  gint64      armed;          /* the deadline the source waits for, or -1 */
  int         fd;             /* a timerfd, or -1 */
};

static AwWaitEntry *
earliest (AwWaitSource *self)
{
  AwWaitEntry *first = NULL;

  for (guint i = 0; i < self->lists->len; i++)
    {
      AwWaitEntry *head = ((WaitList *) g_ptr_array_index (self->lists, i))->head;

      if (head != NULL && (first == NULL || head->deadline < first->deadline ||
                           (head->deadline == first->deadline && head->seq < first->seq)))
        first = head;
    }
  return first;
}

/* Wakes the loop at @deadline (monotonic microseconds), or never for -1. */
static void
arm (AwWaitSource *self,
     gint64        deadline)
{
  self->armed = deadline;
#ifdef __linux__
  if (self->fd >= 0)
    {
      struct itimerspec at = { { 0, 0 }, { 0, 0 } };

      /* Zero disarms: a deadline at time zero is already past anyway. */
      if (deadline >= 0)
        {
          at.it_value.tv_sec = deadline / G_USEC_PER_SEC;
          at.it_value.tv_nsec = (deadline % G_USEC_PER_SEC) * 1000 + (deadline == 0);
        }
      if (timerfd_settime (self->fd, TFD_TIMER_ABSTIME, &at, NULL) == 0)
        return;
    }
#endif
  g_source_set_ready_time (&self->source, deadline);
}

static void
update (AwWaitSource *self)
{
  AwWaitEntry *first = earliest (self);

  arm (self, first != NULL ? first->deadline : -1);
}

/**
 * aw_wait_source_remove:
 * @entry: an added wait
 *
 * The source may wake up for it anyway, and find nothing due.
 */
void
aw_wait_source_remove (AwWaitEntry *entry)
{
  WaitList *list = entry->list;

  if (entry->prev != NULL)
    entry->prev->next = entry->next;
  else
    list->head = entry->next;
  if (entry->next != NULL)
    entry->next->prev = entry->prev;
  else
    list->tail = entry->prev;
  entry->prev = entry->next = NULL;
  entry->list = NULL;
}

/* Fires the waits that are due, in deadline order. Waits started meanwhile
 * wait for the next iteration, as a new timeout source would. "Due" is by
 * the clock now, not by the time cached when this loop iteration began:
 * thousands of waits started a microsecond apart come due a microsecond
 * apart, and a loop iteration (poll, timerfd, every source checked) per
 * handful of them would make the last ones late. One dispatch fires for at
 * most BUDGET_US, so other sources still get their turn. */
#define BUDGET_US 4000

static gboolean
dispatch (GSource     *source,
          GSourceFunc  callback,
          gpointer     user_data)
{
  AwWaitSource *self = (AwWaitSource *) source;
  gint64 now = g_get_monotonic_time ();
  gint64 stop = now + BUDGET_US;
  guint64 limit = self->next_seq;
  guint fired = 0;
  AwWaitEntry *entry;

#ifdef __linux__
  if (self->fd >= 0)
    {
      guint64 expirations;

      while (read (self->fd, &expirations, sizeof expirations) < 0 && errno == EINTR)
        ;
    }
#endif

  while ((entry = earliest (self)) != NULL && entry->seq < limit)
    {
      AwWaitFunc func = entry->func;

      /* The clock is read again when the cached reading says "not yet",
       * and every 64 waits, so the budget holds in a long burst too. */
      if (entry->deadline > now || ++fired % 64 == 0)
        {
          now = g_get_monotonic_time ();
          if (entry->deadline > now || now > stop)
            break;
        }
      aw_wait_source_remove (entry);
      func (entry);
    }
  update (self);

  return G_SOURCE_CONTINUE;
}

static void
finalize (GSource *source)
{
  AwWaitSource *self = (AwWaitSource *) source;

  g_ptr_array_unref (self->lists);
  if (self->fd >= 0)
    close (self->fd);
}

static GSourceFuncs wait_source_funcs = {
  .dispatch = dispatch,
  .finalize = finalize,
};

/**
 * aw_wait_source_new:
 * @context: where the waits fire
 *
 * Returns: (transfer full): a source attached to @context
 */
AwWaitSource *
aw_wait_source_new (GMainContext *context)
{
  AwWaitSource *self = (AwWaitSource *) g_source_new (&wait_source_funcs, sizeof (AwWaitSource));

  self->lists = g_ptr_array_new_with_free_func (g_free);
  self->armed = -1;
  self->fd = -1;
#ifdef __linux__
  self->fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (self->fd >= 0)
    g_source_add_unix_fd (&self->source, self->fd, G_IO_IN);
#endif
  g_source_set_priority (&self->source, G_PRIORITY_DEFAULT);
  g_source_set_name (&self->source, "[awaitscope] waits");
  g_source_attach (&self->source, context);

  return self;
}

void
aw_wait_source_free (AwWaitSource *self)
{
  g_source_destroy (&self->source);
  g_source_unref (&self->source);
}

/**
 * aw_wait_source_add:
 * @self: a source
 * @entry: a wait that is not added
 * @start: when the wait starts, monotonic microseconds
 * @us: its duration
 * @func: called with @entry on the source's context when it is due
 */
void
aw_wait_source_add (AwWaitSource *self,
                    AwWaitEntry  *entry,
                    gint64        start,
                    gint64        us,
                    AwWaitFunc    func)
{
  gint64 interval = MIN ((us + 500) / 1000, G_MAXUINT) * 1000;
  WaitList *list = NULL;

  for (guint i = 0; i < self->lists->len && list == NULL; i++)
    if (((WaitList *) g_ptr_array_index (self->lists, i))->interval_us == interval)
      list = g_ptr_array_index (self->lists, i);
  if (list == NULL)
    {
      list = g_new0 (WaitList, 1);
      list->interval_us = interval;
      g_ptr_array_add (self->lists, list);
    }

  g_assert (entry->list == NULL);
  entry->list = list;
  entry->func = func;
  entry->deadline = start + interval;
  entry->seq = self->next_seq++;

  /* The clock only goes forward: the list stays in deadline order. */
  g_assert (list->tail == NULL || list->tail->deadline <= entry->deadline);
  entry->prev = list->tail;
  entry->next = NULL;
  if (list->tail != NULL)
    list->tail->next = entry;
  else
    list->head = entry;
  list->tail = entry;

  if (self->armed < 0 || entry->deadline < self->armed)
    arm (self, entry->deadline);
}

/**
 * aw_wait_source_get_armed:
 *
 * Returns: the earliest deadline, monotonic microseconds, or -1 if none
 */
gint64
aw_wait_source_get_armed (AwWaitSource *self)
{
  return self->armed;
}
