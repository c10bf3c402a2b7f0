/* glib-tsan.c: tells ThreadSanitizer what GLib's locks and hand-offs order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preloaded (LD_PRELOAD) only by the tsan test setup (tests/meson.build), which scripts/check-tsan uses. Debian's GLib is not
 * built with ThreadSanitizer, and its GMutex and GCond sit on futexes that
 * ThreadSanitizer cannot see, so every access our code makes under a GMutex
 * would look like a race. Each wrapper below calls GLib's own function and
 * adds the happens-before edge it implies: unlocking a mutex releases it,
 * locking acquires it; pushing to a thread pool, invoking in a main context,
 * setting a source's callback and returning a GTask release what they hand
 * over, and the receiving side acquires it. Nothing else changes: the races that remain are ours.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>

#include <gio/gio.h>
#include <sanitizer/tsan_interface.h>

/* GLib's own function, looked up once (any thread may be first). */
#define REAL(name) \
  static __typeof__ (&name) real_##name##_cache; \
  __typeof__ (&name) real_##name = __atomic_load_n (&real_##name##_cache, __ATOMIC_ACQUIRE); \
  if (G_UNLIKELY (real_##name == NULL)) \
    { \
      real_##name = (__typeof__ (&name)) dlsym (RTLD_NEXT, #name); \
      __atomic_store_n (&real_##name##_cache, real_##name, __ATOMIC_RELEASE); \
    }

/* Locks -------------------------------------------------------------------- */

void
g_mutex_lock (GMutex *mutex)
{
  REAL (g_mutex_lock);
  real_g_mutex_lock (mutex);
  __tsan_acquire (mutex);
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  REAL (g_mutex_trylock);
  if (!real_g_mutex_trylock (mutex))
    return FALSE;
  __tsan_acquire (mutex);
  return TRUE;
}

void
g_mutex_unlock (GMutex *mutex)
{
  REAL (g_mutex_unlock);
  __tsan_release (mutex);
  real_g_mutex_unlock (mutex);
}

void
g_rec_mutex_lock (GRecMutex *mutex)
{
  REAL (g_rec_mutex_lock);
  real_g_rec_mutex_lock (mutex);
  __tsan_acquire (mutex);
}

void
g_rec_mutex_unlock (GRecMutex *mutex)
{
  REAL (g_rec_mutex_unlock);
  __tsan_release (mutex);
  real_g_rec_mutex_unlock (mutex);
}

void
g_cond_wait (GCond  *cond,
             GMutex *mutex)
{
  REAL (g_cond_wait);
  __tsan_release (mutex);
  real_g_cond_wait (cond, mutex);
  __tsan_acquire (mutex);
}

gboolean
g_cond_wait_until (GCond  *cond,
                   GMutex *mutex,
                   gint64  end_time)
{
  gboolean ret;

  REAL (g_cond_wait_until);
  __tsan_release (mutex);
  ret = real_g_cond_wait_until (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return ret;
}

/* Thread pools: push releases the item, the worker acquires it ------------------ */

typedef struct {
  GFunc    func;
  gpointer user_data;
} PoolFunc;

static void
pool_trampoline (gpointer data,
                 gpointer user_data)
{
  PoolFunc *pf = user_data;

  __tsan_acquire (data);
  pf->func (data, pf->user_data);
  /* What the worker did is seen by whoever frees the pool. */
  __tsan_release (pf);
}

GThreadPool *
g_thread_pool_new (GFunc     func,
                   gpointer  user_data,
                   gint      max_threads,
                   gboolean  exclusive,
                   GError  **error)
{
  PoolFunc *pf = g_new (PoolFunc, 1);
  GThreadPool *pool;

  REAL (g_thread_pool_new);
  pf->func = func;
  pf->user_data = user_data;
  pool = real_g_thread_pool_new (pool_trampoline, pf, max_threads, exclusive, error);
  if (pool == NULL)
    g_free (pf);
  return pool;
}

gboolean
g_thread_pool_push (GThreadPool  *pool,
                    gpointer      data,
                    GError      **error)
{
  REAL (g_thread_pool_push);
  __tsan_release (data);
  return real_g_thread_pool_push (pool, data, error);
}

void
g_thread_pool_free (GThreadPool *pool,
                    gboolean     immediate,
                    gboolean     wait_)
{
  PoolFunc *pf = pool->user_data;

  REAL (g_thread_pool_free);
  real_g_thread_pool_free (pool, immediate, wait_);
  if (wait_)
    __tsan_acquire (pf);
  if (wait_ || immediate)
    g_free (pf);
}

/* Main contexts: invoking releases, the callback acquires ----------------------- */

typedef struct {
  GSourceFunc    func;
  gpointer       data;
  GDestroyNotify notify;
} Invoke;

static gboolean
invoke_trampoline (gpointer data)
{
  Invoke *inv = data;

  __tsan_acquire (inv);
  return inv->func (inv->data);
}

static void
invoke_free (gpointer data)
{
  Invoke *inv = data;

  __tsan_acquire (inv);
  if (inv->notify != NULL)
    inv->notify (inv->data);
  g_free (inv);
}

/* What the calling thread wrote so far goes with the callback. */
static Invoke *
invoke_hand_over (GSourceFunc    func,
                  gpointer       data,
                  GDestroyNotify notify)
{
  Invoke *inv = g_new (Invoke, 1);

  inv->func = func;
  inv->data = data;
  inv->notify = notify;
  __tsan_release (inv);
  return inv;
}

void
g_main_context_invoke_full (GMainContext   *context,
                            gint            priority,
                            GSourceFunc     function,
                            gpointer        data,
                            GDestroyNotify  notify)
{
  REAL (g_main_context_invoke_full);
  real_g_main_context_invoke_full (context, priority, invoke_trampoline,
                                   invoke_hand_over (function, data, notify), invoke_free);
}

/* A source made by hand (an idle attached to another thread's context):
 * what was written before its callback was set is handed over with it. */
void
g_source_set_callback (GSource        *source,
                       GSourceFunc     func,
                       gpointer        data,
                       GDestroyNotify  notify)
{
  REAL (g_source_set_callback);
  real_g_source_set_callback (source, invoke_trampoline, invoke_hand_over (func, data, notify), invoke_free);
}

void
g_main_context_invoke (GMainContext *context,
                       GSourceFunc   function,
                       gpointer      data)
{
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, function, data, NULL);
}

/* GTask: returning releases the task, propagating acquires it -------------------- */

void
g_task_return_boolean (GTask    *task,
                       gboolean  result)
{
  REAL (g_task_return_boolean);
  __tsan_release (task);
  real_g_task_return_boolean (task, result);
}

void
g_task_return_pointer (GTask          *task,
                       gpointer        result,
                       GDestroyNotify  result_destroy)
{
  REAL (g_task_return_pointer);
  __tsan_release (task);
  real_g_task_return_pointer (task, result, result_destroy);
}

void
g_task_return_error (GTask  *task,
                     GError *error)
{
  REAL (g_task_return_error);
  __tsan_release (task);
  real_g_task_return_error (task, error);
}

void
g_task_return_new_error (GTask       *task,
                         GQuark       domain,
                         gint         code,
                         const char  *format,
                         ...)
{
  GError *error;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (domain, code, format, args);
  va_end (args);
  g_task_return_error (task, error);
}

gboolean
g_task_propagate_boolean (GTask   *task,
                          GError **error)
{
  REAL (g_task_propagate_boolean);
  __tsan_acquire (task);
  return real_g_task_propagate_boolean (task, error);
}

gpointer
g_task_propagate_pointer (GTask   *task,
                          GError **error)
{
  REAL (g_task_propagate_pointer);
  __tsan_acquire (task);
  return real_g_task_propagate_pointer (task, error);
}

/* References: dropping one is an atomic read-modify-write with acquire and
 * release order, so whoever drops the last sees every earlier holder's
 * writes before dispose and finalize run. */
void
g_object_unref (gpointer object)
{
  REAL (g_object_unref);
  __tsan_acquire (object);
  __tsan_release (object);
  real_g_object_unref (object);
}
