/* when-all-failures.c: the C twin of data/scenarios/when-all-failures.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three checkout steps run together and two fail: "card declined" (the first
 * argument, at 300 ms) and "out of stock" (at 500 ms). The join keeps each
 * step's error in the step's own slot, so argument order, not time order,
 * decides which is first: await rethrows that one only; reading the
 * aggregate sees both. The lesson regions are the GLib C the app shows.
 */

#include "lab.h"

typedef struct _Join Join;

typedef struct
{
  Join   *join;
  GError *error;            /* this step's error, kept */
} Step;

struct _Join
{
  Step     steps[3];        /* in argument order */
  guint    pending;
  gboolean read_aggregate;  /* all.Exception.InnerExceptions, not just await */
};

static GPtrArray *logged;
static guint charge_ms = 300, stock_ms = 500;

static void
log_error (const GError *error)
{
  g_ptr_array_add (logged, g_strdup (error->message));
}

static void
charge_card_async (GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  lab_io_async (charge_card_async, charge_ms, "card declined", NULL, NULL,
                cancellable, callback, user_data);
}

static void
reserve_stock_async (GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  lab_io_async (reserve_stock_async, stock_ms, "out of stock", NULL, NULL,
                cancellable, callback, user_data);
}

static void
send_receipt_async (GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  lab_io_async (send_receipt_async, 700, NULL, NULL, NULL, cancellable, callback, user_data);
}

/* <lesson> */
/* A join that keeps each step's error, in argument order */
static void
on_step_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Step *step = user_data;                     /* &join->steps[i] */
  Join *join = step->join;

  g_task_propagate_boolean (G_TASK (result), &step->error);
  if (--join->pending > 0)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (join->steps); i++)
    if (join->steps[i].error != NULL)
      {
        log_error (join->steps[i].error);   /* "card declined", ... */
        if (!join->read_aggregate)
          break;                            /* await: the first only */
      }
}

static void
checkout (Join *join)
{
  join->pending = 3;
  charge_card_async (NULL, on_step_done, &join->steps[0]);
  reserve_stock_async (NULL, on_step_done, &join->steps[1]);
  send_receipt_async (NULL, on_step_done, &join->steps[2]);
}
/* </lesson> */

static char *
run (const char *variant,
     gboolean    read_aggregate)
{
  Join join = { .read_aggregate = read_aggregate };
  char *what;

  for (guint i = 0; i < G_N_ELEMENTS (join.steps); i++)
    join.steps[i].join = &join;
  logged = g_ptr_array_new_with_free_func (g_free);
  lab_begin ("when-all-failures", variant);
  checkout (&join);
  while (join.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (join.steps); i++)
    g_clear_error (&join.steps[i].error);

  g_ptr_array_add (logged, NULL);
  what = g_strjoinv (", ", (char **) logged->pdata);
  g_ptr_array_unref (logged);
  lab_note ("logged: %s, after %" G_GINT64_FORMAT " ms", what, lab_elapsed_ms ());
  return what;
}

int
main (void)
{
  g_autofree char *first = run ("await", FALSE);
  g_autofree char *all = run ("aggregate", TRUE);

  lab_check (g_str_equal (first, "card declined"), "await logged '%s'", first);
  lab_check (g_str_equal (all, "card declined, out of stock"), "the aggregate logged '%s'", all);

  /* The probe of the csharp suite (when-all-order): the second argument
   * fails first, yet await rethrows the first argument's error. */
  charge_ms = 500;
  stock_ms = 200;
  g_free (first);
  first = run ("second-fails-first", FALSE);
  lab_check (g_str_equal (first, "card declined"), "await logged '%s'", first);
  return 0;
}
