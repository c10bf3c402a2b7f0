/* no-cancellation.c: the C twin of data/scenarios/no-cancellation.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A report page starts 2 s of work on the worker pool; the user leaves after
 * 0.3 s, dropping the page. With a token the page owns a GCancellable, the
 * task holds that and not the page, so dropping the page runs its dispose,
 * which cancels: the work stops at its next check. Without a token nothing
 * stops the work, and a task made with the page as its source object even
 * keeps the page (and its dispose) alive until the work is over. The lesson
 * regions are the GLib C the app shows.
 */

#include "lab.h"

#define REPORT_TYPE_PAGE (report_page_get_type ())
G_DECLARE_FINAL_TYPE (ReportPage, report_page, REPORT, PAGE, GObject)

typedef struct
{
  char *text;
} Report;

struct _ReportPage
{
  GObject       parent_instance;
  GCancellable *cancellable;     /* the page's token, given to its work */
  Report       *report;
};

G_DEFINE_FINAL_TYPE (ReportPage, report_page, G_TYPE_OBJECT)

static void on_report_built (GObject *source, GAsyncResult *result, gpointer user_data);

static GThreadPool *workers;
static gboolean work_stopped, work_ended;

static gboolean
unref_task (gpointer task)
{
  g_object_unref (task);
  g_atomic_int_set (&work_ended, TRUE);
  return G_SOURCE_REMOVE;
}

/* Task.Run(() => BuildReport(token)): checks the task's token, if it has
 * one, every 10 ms. The worker's reference goes back to the main thread:
 * a task whose source object is the page may hold its last reference, and
 * a page is finalized on the main thread. */
static void
build_report_worker (gpointer data,
                     gpointer pool_data)
{
  GTask *task = data;
  GSource *idle;

  if (!lab_work_checking (2000, 10, g_task_get_cancellable (task)))
    g_atomic_int_set (&work_stopped, TRUE);
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, g_new0 (Report, 1), g_free);
  idle = g_idle_source_new ();
  g_source_set_callback (idle, unref_task, task, NULL);
  g_source_attach (idle, g_task_get_context (task));
  g_source_unref (idle);
}

/* <lesson> */
/* With a token: the task holds the page's cancellable, not the page, so
 * leaving the page runs its dispose, which stops the work. (Without one,
 * g_task_new (self, NULL, ...): nothing stops the work, and the task's ref
 * keeps the page, undisposed, until the work is over.) */
static void
report_page_load (ReportPage *self)
{
  GTask *task = g_task_new (NULL, self->cancellable, on_report_built, self);

  g_thread_pool_push (workers, task, NULL);   /* build_report checks it */
}

static void
on_report_built (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  Report *report = g_task_propagate_pointer (G_TASK (result), &error);

  if (report != NULL)               /* else cancelled: the page is gone */
    REPORT_PAGE (user_data)->report = report;
}

static void
report_page_dispose (GObject *object)
{
  ReportPage *self = REPORT_PAGE (object);

  g_cancellable_cancel (self->cancellable);   /* the user left */
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (report_page_parent_class)->dispose (object);
}
/* </lesson> */

/* Without a token: the task holds the page, and nothing can stop the work. */
static void
report_page_load_without_token (ReportPage *self)
{
  GTask *task = g_task_new (self, NULL, on_report_built, self);

  g_thread_pool_push (workers, task, NULL);
}

static void
report_page_finalize (GObject *object)
{
  ReportPage *self = REPORT_PAGE (object);

  g_clear_pointer (&self->report, g_free);
  G_OBJECT_CLASS (report_page_parent_class)->finalize (object);
}

static void
report_page_class_init (ReportPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = report_page_dispose;
  object_class->finalize = report_page_finalize;
}

static void
report_page_init (ReportPage *self)
{
  self->cancellable = g_cancellable_new ();
}

static ReportPage *watched;       /* the open page; NULL once finalized */
static gboolean alive_after_leaving;

static gboolean
leave (gpointer data)
{
  g_object_unref (watched);
  alive_after_leaving = watched != NULL;
  return G_SOURCE_REMOVE;
}

/* Opens a page, loads its report and leaves the page (drops the only
 * reference the code has) at 300 ms. Returns whether the page was gone
 * right after the user left. */
static gboolean
run (const char  *variant,
     void       (*load) (ReportPage *))
{
  watched = g_object_new (REPORT_TYPE_PAGE, NULL);
  g_object_add_weak_pointer (G_OBJECT (watched), (gpointer *) &watched);
  work_stopped = work_ended = FALSE;
  lab_begin ("no-cancellation", variant);
  load (watched);
  g_timeout_add (MS (300), leave, NULL);
  lab_run_until (&work_ended);
  lab_check (watched == NULL, "the page is still alive after its work ended");
  lab_note ("the page %s after the user left; the work %s after %" G_GINT64_FORMAT " ms",
            alive_after_leaving ? "stayed alive" : "was disposed",
            work_stopped ? "stopped" : "ran to its end", lab_elapsed_ms ());
  return !alive_after_leaving;
}

int
main (void)
{
  workers = lab_pool_new (build_report_worker);

  lab_check (!run ("no-token", report_page_load_without_token), "the page was disposed");
  lab_check (!work_stopped, "the work stopped");

  lab_check (run ("with-token", report_page_load), "the page was still alive");
  lab_check (work_stopped, "the work was not stopped");

  g_thread_pool_free (workers, FALSE, TRUE);
  return 0;
}
