/* needless-async.c: the C twin of data/scenarios/needless-async.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 10,000 prices formatted into labels: by a plain function, or each by a
 * GTask that is complete when it is made. GLib delivers a GTask returned in
 * the iteration that made it on a later iteration, so each label costs a
 * main-loop turn (in C#, awaiting a completed Task continues at once: there
 * the wrapper costs an allocation). The lesson regions are the GLib C the
 * app shows.
 */

#include "lab.h"

#define N_PRICES 10000

typedef struct
{
  const double *prices;
  guint         n;
  GPtrArray    *labels;
} Fill;

/* <lesson> */
/* Needless: a GTask that is complete at once, finished a loop turn later */
static void
format_price_async (double price, GAsyncReadyCallback callback, gpointer data)
{
  GTask *task = g_task_new (NULL, NULL, callback, data);

  g_task_return_pointer (task, g_strdup_printf ("%.2f", price), g_free);
  g_object_unref (task);
}

static void
on_price_formatted (GObject *source, GAsyncResult *result, gpointer data)
{
  Fill *fill = data;
  GPtrArray *labels = fill->labels;

  g_ptr_array_add (labels, g_task_propagate_pointer (G_TASK (result), NULL));
  if (labels->len < fill->n)          /* the next one, a loop turn later */
    format_price_async (fill->prices[labels->len], on_price_formatted, fill);
}

/* Plain: return the value */
static char *
format_price (double price)
{
  return g_strdup_printf ("%.2f", price);
}

static void
fill_labels (const double *prices, guint n, GPtrArray *labels)
{
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (labels, format_price (prices[i]));
}
/* </lesson> */

int
main (void)
{
  g_autofree double *prices = g_new (double, N_PRICES);
  g_autoptr(GPtrArray) plain = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) wrapped = g_ptr_array_new_with_free_func (g_free);
  Fill fill = { prices, N_PRICES, wrapped };
  guint turns = 0;

  for (guint i = 0; i < N_PRICES; i++)
    prices[i] = 9.99 + i;

  lab_begin ("needless-async", "direct");
  fill_labels (prices, N_PRICES, plain);
  lab_note ("%u labels in %" G_GINT64_FORMAT " ms", plain->len, lab_elapsed_ms ());

  lab_begin ("needless-async", "async-wrapper");
  format_price_async (prices[0], on_price_formatted, &fill);
  while (wrapped->len < N_PRICES)
    {
      g_main_context_iteration (NULL, TRUE);
      turns++;
    }
  lab_note ("%u labels in %" G_GINT64_FORMAT " ms, %u main-loop turns", wrapped->len,
            lab_elapsed_ms (), turns);

  lab_check (turns >= N_PRICES, "%u labels in only %u main-loop turns", wrapped->len, turns);
  for (guint i = 0; i < N_PRICES; i++)
    lab_check (g_str_equal (plain->pdata[i], wrapped->pdata[i]), "label %u differs: %s, %s",
               i, (char *) plain->pdata[i], (char *) wrapped->pdata[i]);
  return 0;
}
