/* aw-render-labels.c: the words of the timeline's lane and row labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row per task is labelled with the task's name. Rows too small for a
 * label each (many tasks, or tasks sharing rows) are labelled by stretch:
 * a run of tasks of one name gets one label that says what it merges,
 * "GetPriceAsync × 1,000: 900 completed synchronously, 100 waited", and
 * runs too short for a label of their own join the next one, "3 tasks: A,
 * B and C", so that every row is named and no label repeats. Lane names
 * recorded in a trace are shown translated where the engine gave them.
 */

#include "config.h"

#include "aw-i18n.h"

#include <stdio.h>

#include "aw-render-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LABEL_LINES     4     /* a stretch's label wraps to at most this many lines */
#define MAX_LISTED_NAMES    3     /* a mixed stretch's label names this many */
#define MIN_STRETCH_SIZE    0.7   /* of the body size: the smallest a stretch's label gets */

double
_aw_render_label_indent (Ctx   *c,
                         guint  depth)
{
  return MIN (depth, 6) * 0.9 * c->f;
}

/* The size of a label per row, or 0 when rows are too small for one each
 * and are labelled by stretch. */
double
_aw_render_row_label_size (Ctx    *c,
                           double  row_height)
{
  double size = MIN (row_height * (c->request->min_label_px > 0 ? READABLE_LABEL_SHARE : 0.8), LABEL_SIZE * c->f);

  return size < 8.0 * c->s ? 0 : size;
}

/* Row labels ------------------------------------------------------------ */

/* What a task did, as a stretch's label counts it. */
typedef enum {
  DID_SYNC,
  DID_AT_ONCE,
  DID_WAIT,
  DID_RUN,
  DID_NOT_START,
  N_DIDS
} Did;

/* What the tasks of a stretch did, beyond the Did kinds: the words of a
 * breakdown's items. */
typedef enum {
  WORDS_QUEUED_RAN = N_DIDS,
  WORDS_QUEUED_FIRST,
  WORDS_FAULTED,
  WORDS_CANCELLED,
  WORDS_DEADLOCKED,
  WORDS_NOT_FINISHED,
} Words;

/* "all waited": every task of the stretch did the same. */
static const char *
words_all (guint words)
{
  /* Translators: the breakdown of a row label that stands for many tasks,
   * "Fetch × 100: all waited" */
  switch (words)
    {
    case DID_SYNC: return C_("tasks", "all completed synchronously");
    case DID_AT_ONCE: return C_("tasks", "all completed at once");
    case DID_WAIT: return C_("tasks", "all waited");
    case DID_RUN: return C_("tasks", "all ran on a thread");
    case DID_NOT_START: return C_("tasks", "all not started");
    case WORDS_QUEUED_RAN:
    default: return C_("tasks", "all queued, then ran on a thread");
    }
}

/* "900 completed synchronously": @num is @count as the label writes it. */
static void
append_count (GString    *text,
              guint       count,
              guint       words)
{
  char num[32];

  _aw_render_format_count (num, sizeof num, count);
  /* Translators: the items of a row label's breakdown, "Fetch × 1,000: 900
   * completed synchronously, 100 waited, 3 faulted"; %s is a count */
  switch (words)
    {
    case DID_SYNC:
      g_string_append_printf (text, NG_("%s completed synchronously", "%s completed synchronously", count), num);
      break;
    case DID_AT_ONCE:
      g_string_append_printf (text, NG_("%s completed at once", "%s completed at once", count), num);
      break;
    case DID_WAIT:
      g_string_append_printf (text, NG_("%s waited", "%s waited", count), num);
      break;
    case DID_RUN:
      g_string_append_printf (text, NG_("%s ran on a thread", "%s ran on a thread", count), num);
      break;
    case DID_NOT_START:
      g_string_append_printf (text, NG_("%s not started", "%s not started", count), num);
      break;
    case WORDS_QUEUED_RAN:
      g_string_append_printf (text, NG_("%s queued, then ran on a thread", "%s queued, then ran on a thread",
                                        count), num);
      break;
    case WORDS_QUEUED_FIRST:
      g_string_append_printf (text, NG_("%s queued first", "%s queued first", count), num);
      break;
    case WORDS_FAULTED:
      g_string_append_printf (text, NG_("%s faulted", "%s faulted", count), num);
      break;
    case WORDS_CANCELLED:
      g_string_append_printf (text, NG_("%s cancelled", "%s cancelled", count), num);
      break;
    case WORDS_DEADLOCKED:
      g_string_append_printf (text, NG_("%s deadlocked", "%s deadlocked", count), num);
      break;
    case WORDS_NOT_FINISHED:
    default:
      g_string_append_printf (text, NG_("%s not finished", "%s not finished", count), num);
      break;
    }
}

/* *@queued: whether it queued for a thread before it ran */
static Did
task_did (const AwTaskInfo *task,
          const AwSpan     *spans,
          gboolean         *queued)
{
  gboolean waited = FALSE;

  *queued = FALSE;
  if (task->sync)
    return DID_SYNC;
  for (guint k = 0; k < task->n_spans; k++)
    {
      if (spans[task->first_span + k].phase == AW_PHASE_RUNNING)
        return DID_RUN;
      *queued |= spans[task->first_span + k].phase == AW_PHASE_QUEUED &&
                 aw_span_duration (&spans[task->first_span + k]) > 0;
      waited = TRUE;
    }
  if (waited)
    return DID_WAIT;
  return task->outcome == AW_OUTCOME_PENDING ? DID_NOT_START : DID_AT_ONCE;
}

/* ": 900 completed synchronously, 100 waited, 3 faulted" for tasks
 * [@first, @first + @n); "all waited" when they all did the same; "all
 * queued, then ran on a thread", or "14 queued first", for those that ran
 * after waiting for a thread. */
static void
append_breakdown (GString          *text,
                  const AwTaskInfo *tasks,
                  const AwSpan     *spans,
                  guint             first,
                  guint             n)
{
  guint did[N_DIDS] = { 0 };
  guint faulted = 0, cancelled = 0, deadlocked = 0, pending = 0, queued_first = 0;
  gboolean any = FALSE;

  for (guint i = first; i < first + n; i++)
    {
      const AwTaskInfo *task = &tasks[i];
      gboolean queued;
      Did d = task_did (task, spans, &queued);

      did[d]++;
      queued_first += queued && d == DID_RUN;
      faulted += task->outcome == AW_OUTCOME_FAULTED;
      cancelled += task->outcome == AW_OUTCOME_CANCELLED;
      deadlocked += task->outcome == AW_OUTCOME_DEADLOCKED;
      pending += task->outcome == AW_OUTCOME_PENDING && d != DID_NOT_START;
    }

  g_string_append (text, ": ");
  for (guint d = 0; d < N_DIDS; d++)
    {
      /* Pale orange before the dark bar: they waited for a free thread. */
      guint words = d == DID_RUN && queued_first == did[d] ? WORDS_QUEUED_RAN : d;

      if (did[d] == 0)
        continue;
      if (did[d] == n)
        {
          g_string_append (text, words_all (words));
          any = TRUE;
          break;
        }
      if (any)
        g_string_append (text, C_("list", ", "));
      append_count (text, did[d], words);
      any = TRUE;
    }
  if (queued_first > 0 && queued_first < did[DID_RUN])
    {
      g_string_append (text, C_("list", ", "));
      append_count (text, queued_first, WORDS_QUEUED_FIRST);
    }
  if (faulted > 0)
    {
      g_string_append (text, C_("list", ", "));
      append_count (text, faulted, WORDS_FAULTED);
    }
  if (cancelled > 0)
    {
      g_string_append (text, C_("list", ", "));
      append_count (text, cancelled, WORDS_CANCELLED);
    }
  if (deadlocked > 0)
    {
      g_string_append (text, C_("list", ", "));
      append_count (text, deadlocked, WORDS_DEADLOCKED);
    }
  if (pending > 0)
    {
      g_string_append (text, C_("list", ", "));
      append_count (text, pending, WORDS_NOT_FINISHED);
    }
}

/* Names come from the trace's string table: equal names are usually the
 * same pointer. */
static inline gboolean
same_name (const char *a,
           const char *b)
{
  return a == b || g_strcmp0 (a, b) == 0;
}

static const char *
task_name (const AwTaskInfo *task)
{
  return task->name != NULL ? task->name : _("(unnamed task)");
}

/* What a stretch of tasks [@first, @first + @n) says: the name of one; the
 * name, count and breakdown of several of one name; for several names (if
 * @mixed) the count, the names (the most frequent first) and the breakdown. */
static char *
stretch_label (const AwTaskInfo *tasks,
               const AwSpan     *spans,
               guint             first,
               guint             n,
               gboolean          mixed)
{
  GString *text = g_string_new (NULL);
  const char *names[MAX_LISTED_NAMES + 1];
  guint counts[MAX_LISTED_NAMES + 1];
  guint n_names = 0;
  g_autoptr(GHashTable) others = NULL;
  char num[32];

  if (n == 1)
    {
      g_string_append (text, task_name (&tasks[first]));
      return g_string_free (text, FALSE);
    }

  if (!mixed)
    {
      names[0] = task_name (&tasks[first]);
      counts[0] = n;
      n_names = 1;
    }
  for (guint i = first; mixed && i < first + n; i++)
    {
      const char *name = task_name (&tasks[i]);
      guint k;

      for (k = 0; k < n_names; k++)
        if (same_name (names[k], name))
          break;
      if (k < n_names)
        counts[k]++;
      else if (n_names <= MAX_LISTED_NAMES)
        {
          names[n_names] = name;
          counts[n_names++] = 1;
        }
      else
        {
          if (others == NULL)
            others = g_hash_table_new (g_str_hash, g_str_equal);
          g_hash_table_add (others, (gpointer) name);
        }
    }

  _aw_render_format_count (num, sizeof num, n);
  if (n_names == 1)
    g_string_append_printf (text, "%s \u00d7 %s", names[0], num);
  else
    {
      guint listed = MIN (n_names, MAX_LISTED_NAMES);
      guint more = n_names - listed + (others != NULL ? g_hash_table_size (others) : 0);

      /* The most frequent names first, stably. */
      for (guint a = 1; a < n_names; a++)
        for (guint b = a; b > 0 && counts[b] > counts[b - 1]; b--)
          {
            const char *tn = names[b];
            guint tc = counts[b];

            names[b] = names[b - 1];
            counts[b] = counts[b - 1];
            names[b - 1] = tn;
            counts[b - 1] = tc;
          }

      /* Translators: the start of a row label for many tasks of several
       * names, "1,000 tasks: Fetch × 900, Parse × 100"; %s is a count */
      g_string_append_printf (text, NG_("%s tasks: ", "%s tasks: ", n), num);
      for (guint k = 0; k < listed; k++)
        {
          if (k > 0)
            g_string_append (text, k + 1 == listed && more == 0 ? C_("list, no comma", " and ") : C_("list", ", "));
          g_string_append (text, names[k]);
          if (counts[k] > 1)
            {
              _aw_render_format_count (num, sizeof num, counts[k]);
              g_string_append_printf (text, " \u00d7 %s", num);
            }
        }
      if (more == 1 && n_names > listed)
        /* Translators: ends a list of task names; %s is the last name */
        g_string_append_printf (text, _(" and 1 more: %s"), names[listed]);
      else if (more > 0)
        /* Translators: ends a list of task names; %u is how many more names there are (2 or more) */
        g_string_append_printf (text, NG_(" and %u other names", " and %u other names", more), more);
    }
  append_breakdown (text, tasks, spans, first, n);
  return g_string_free (text, FALSE);
}

/* The type of labels by stretch: the rows' usual size, smaller where all
 * the variant's rows together are not as tall as a line of it. */
static double
stretch_label_size (Ctx                         *c,
                    const AwRenderVariantLayout *vl)
{
  double size = LABEL_SIZE * c->f;

  if (_aw_render_line_height (c, size, FALSE) > vl->n_rows * vl->row_height)
    size = MIN_STRETCH_SIZE * c->f;
  return size;
}

/* Sets the text of @label as the layout shaped it, for drawing. */
void
_aw_render_row_label_set (Ctx                    *c,
                          const AwRenderRowLabel *label)
{
  double line_h = _aw_render_line_height (c, label->text_size, FALSE);

  _aw_render_text_set_wrapped_lines (c, label->text, label->text_size, MAX (c->layout->label_width - 0.4 * c->f, c->f),
                             (guint) MAX (1.0, round (label->text_height / line_h)));
}

typedef struct {
  Ctx                   *c;
  AwRenderVariantLayout *vl;
  const AwTaskInfo      *tasks;
  const AwSpan          *spans;
  GArray                *labels;
  double                 size;
  double                 line_h;
  double                 width;
  double                 limit;
  double                 last_bottom;
  gboolean               last_mixed;  /* the last label names several names */
} Stretches;

static double
stretch_top (const AwRenderVariantLayout *vl,
             guint                        first)
{
  return vl->rows_y + (first / MAX (vl->tasks_per_row, 1)) * vl->row_height;
}

static double
stretch_bottom (const AwRenderVariantLayout *vl,
                guint                        end)
{
  return vl->rows_y + ((end - 1) / MAX (vl->tasks_per_row, 1) + 1) * vl->row_height;
}

/* Words and measures the label of tasks [@first, @end) with its text at
 * @text_y, in as many lines as its rows give it (at least one). */
static void
set_stretch (Stretches        *st,
             AwRenderRowLabel *label,
             guint             first,
             guint             end,
             gboolean          mixed,
             double            text_y)
{
  double bottom = stretch_bottom (st->vl, end);
  double th;

  g_free (label->text);
  label->text = stretch_label (st->tasks, st->spans, first, end - first, mixed);
  label->first_task = first;
  label->n_tasks = end - first;
  label->y = stretch_top (st->vl, first);
  label->height = bottom - label->y;
  label->text_y = text_y;

  /* As many lines as its rows give it, at least one; a label that does not
   * fit in them tries a smaller size before it loses its end. */
  for (double size = st->size; ; size = MAX (size * 0.85, MIN_STRETCH_SIZE * st->c->f))
    {
      double line_h = _aw_render_line_height (st->c, size, FALSE);
      double room = MIN (MAX (bottom, text_y + line_h), st->limit) - text_y;
      guint lines = (guint) CLAMP (floor (room / line_h + 0.01), 1, MAX_LABEL_LINES);

      _aw_render_text_set_wrapped_lines (st->c, label->text, size, st->width, lines);
      label->text_size = size;
      if (!pango_layout_is_ellipsized (st->c->pl) || size <= MIN_STRETCH_SIZE * st->c->f + 1e-6)
        break;
    }
  _aw_render_text_size (st->c, NULL, &th);
  label->text_height = th;
}

/* Tasks [@first, @end) are one name's run, or (@mixed) a run of runs too
 * short for labels of their own: labels them if the label can start
 * beside them. Runs of several names next to each other (names that
 * alternate), and short runs after them, make one label, not the same
 * list again and again. */
static gboolean
place_stretch (Stretches *st,
               guint      first,
               guint      end,
               gboolean   mixed)
{
  AwRenderRowLabel label = { 0 };
  double top = MAX (stretch_top (st->vl, first), st->last_bottom);

  if (st->labels->len > 0 && st->last_mixed)
    {
      AwRenderRowLabel *last = &g_array_index (st->labels, AwRenderRowLabel, st->labels->len - 1);
      gboolean short_run = stretch_bottom (st->vl, end) - stretch_top (st->vl, first) < st->line_h;

      if (short_run || mixed)
        {
          set_stretch (st, last, last->first_task, end, TRUE, last->text_y);
          st->last_bottom = last->text_y + last->text_height;
          return TRUE;
        }
    }

  if (top >= stretch_bottom (st->vl, end) || top + st->line_h > st->limit + 0.5)
    return FALSE;
  set_stretch (st, &label, first, end, mixed, top);
  st->last_bottom = label.text_y + label.text_height;
  st->last_mixed = mixed;
  g_array_append_val (st->labels, label);
  return TRUE;
}

static void
clear_labels (GArray *labels)
{
  for (guint i = 0; i < labels->len; i++)
    g_free (g_array_index (labels, AwRenderRowLabel, i).text);
  g_array_unref (labels);
}

/* Labels tasks [0, @n_tasks) by stretch, in type of @size; *@n_runs gets
 * the number of runs of one name. */
static GArray *
label_stretches (Ctx                   *c,
                 AwRenderLayout        *lay,
                 AwRenderVariantLayout *vl,
                 const AwTaskInfo      *tasks,
                 const AwSpan          *spans,
                 guint                  n_tasks,
                 double                 size,
                 guint                 *n_runs)
{
  GArray *labels = g_array_new (FALSE, TRUE, sizeof (AwRenderRowLabel));
  Stretches st = {
    .c = c,
    .vl = vl,
    .tasks = tasks,
    .spans = spans,
    .labels = labels,
    .size = size,
    .line_h = _aw_render_line_height (c, size, FALSE),
    .width = MAX (lay->label_width - 0.4 * c->f, c->f),
    .limit = vl->rows_y + vl->n_rows * vl->row_height,
    .last_bottom = -G_MAXDOUBLE,
  };
  guint pending = 0;

  *n_runs = 0;
  for (guint i = 0; i < n_tasks; )
    {
      guint end = i + 1;

      while (end < n_tasks && same_name (tasks[end].name, tasks[i].name))
        end++;
      (*n_runs)++;
      if (place_stretch (&st, pending, end, pending < i))
        pending = end;
      i = end;
    }
  /* What never found room joins the last label. */
  if (pending < n_tasks && labels->len > 0)
    {
      AwRenderRowLabel *last = &g_array_index (labels, AwRenderRowLabel, labels->len - 1);

      set_stretch (&st, last, last->first_task, n_tasks, TRUE, last->text_y);
    }
  return labels;
}

void
_aw_render_make_row_labels (Ctx                   *c,
                 AwRenderLayout        *lay,
                 AwRenderVariantLayout *vl,
                 AwTraceModel          *model)
{
  const AwTaskInfo *tasks;
  const AwSpan *spans;
  GArray *labels;
  guint n_tasks, n_spans;

  if (model == NULL)
    return;
  tasks = aw_trace_model_get_tasks (model, &n_tasks);
  spans = aw_trace_model_get_spans (model, &n_spans);
  n_tasks = MIN (n_tasks, vl->n_rows * MAX (vl->tasks_per_row, 1));
  if (n_tasks == 0)
    return;
  labels = g_array_new (FALSE, TRUE, sizeof (AwRenderRowLabel));

  if (vl->tasks_per_row <= 1 && _aw_render_row_label_size (c, vl->row_height) > 0)
    {
      /* A label per row: the task's name. A name too long for the column
       * tries type up to 15% smaller before it loses its end, so that
       * on a projector a long name stays whole at about 3% of the screen. */
      double row_size = _aw_render_row_label_size (c, vl->row_height);
      double width = MAX (lay->label_width - 0.4 * c->f, c->f);

      for (guint i = 0; i < n_tasks; i++)
        {
          double size = row_size;
          AwRenderRowLabel label = {
            .text = g_strdup (task_name (&tasks[i])),
            .first_task = i,
            .n_tasks = 1,
            .y = vl->rows_y + i * vl->row_height,
            .height = vl->row_height,
            .text_y = vl->rows_y + i * vl->row_height,
            .text_height = vl->row_height,
          };

          if (i < MAX_MEASURED_LABELS)
            for (;;)
              {
                _aw_render_text_set (c, label.text, size, FALSE, -1);
                if (_aw_render_label_indent (c, tasks[i].depth) + _aw_render_text_width (c) <= width
                    || size <= 0.85 * row_size + 1e-6)
                  break;
                size = MAX (size * 0.95, 0.85 * row_size);
              }
          label.text_size = size;
          g_array_append_val (labels, label);
        }
    }
  else
    {
      /* The largest type that names as many stretches as any: smaller
       * type merges fewer names into one label. */
      double sizes[3] = { stretch_label_size (c, vl), 0.82 * c->f, MIN_STRETCH_SIZE * c->f };

      for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
        {
          GArray *tried;
          guint n_runs;

          if (k > 0 && sizes[k] >= sizes[k - 1] - 0.01)
            continue;
          tried = label_stretches (c, lay, vl, tasks, spans, n_tasks, sizes[k], &n_runs);
          if (tried->len > labels->len)
            {
              clear_labels (labels);
              labels = tried;
            }
          else
            clear_labels (tried);
          /* Every run has a label of its own: smaller type cannot do better. */
          if (labels->len >= n_runs)
            break;
        }
      vl->row_labels_grouped = TRUE;
    }

  vl->n_row_labels = labels->len;
  vl->row_labels = (AwRenderRowLabel *) (gpointer) g_array_free (labels, FALSE);
}
