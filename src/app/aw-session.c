/* aw-session.c: what a window shows, as properties its widgets bind to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Like Sysprof's SysprofSession, a session is the state of one window
 * without its widgets: the runs it shows (a scenario's or a saved trace's),
 * whether a run is in progress, where the replay's playhead is, which span
 * of time the timeline shows, and the looks (theme, text size) and run
 * speed the user chose. Widgets bind to these properties, or watch them,
 * instead of being set by hand from everywhere; the window's code changes
 * the session. Runs are kept with their own copies of their names, so they
 * stay valid however they were loaded.
 */

#include "config.h"

#include "aw-session.h"

#include "aw-runner.h"
#include "aw-theme.h"
#include "aw-trace-model.h"

struct _AwSession {
  GObject       parent_instance;

  AwScenario   *scenario;        /* NULL for a trace loaded from a file */
  char         *title;
  GArray       *runs;            /* AwNamedRun; names, titles and models owned */
  gboolean      running;

  GArray       *steps;           /* gint64: times of the events, since the run's start */
  gint64        replay_end_ns;
  gint64        replay_pos_ns;   /* -1: the whole run */

  AwTimeSpan   *view;            /* NULL: fitted to the runs */

  char         *theme;
  double        text_scale;
  double        speed;
};

G_DEFINE_FINAL_TYPE (AwSession, aw_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_SCENARIO,
  PROP_N_RUNS,
  PROP_RUNNING,
  PROP_CAN_REPLAY,
  PROP_REPLAY_END,
  PROP_REPLAY_POSITION,
  PROP_VIEW,
  PROP_THEME,
  PROP_TEXT_SCALE,
  PROP_SPEED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

AwSession *
aw_session_new (void)
{
  return g_object_new (AW_TYPE_SESSION, NULL);
}

/* The runs ---------------------------------------------------------------- */

static void
clear_run (AwNamedRun *run)
{
  g_free ((char *) run->name);
  g_free ((char *) run->title);
  g_clear_pointer (&run->model, aw_trace_model_unref);
}

/* Notifies what a change of the runs or of running may have changed. */
static void
runs_changed (AwSession *self,
              gboolean   could_replay,
              guint      n_runs_before)
{
  if (self->runs->len != n_runs_before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNS]);
  if (aw_session_get_can_replay (self) != could_replay)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REPLAY]);
}

const char *
aw_session_get_title (AwSession *self)
{
  g_return_val_if_fail (AW_IS_SESSION (self), NULL);

  return self->title;
}

/**
 * aw_session_get_scenario:
 *
 * Returns: (transfer none) (nullable): the scenario the runs are of, or
 *   %NULL for runs loaded from a trace (or none)
 */
AwScenario *
aw_session_get_scenario (AwSession *self)
{
  g_return_val_if_fail (AW_IS_SESSION (self), NULL);

  return self->scenario;
}

/**
 * aw_session_set_source:
 * @scenario: (nullable): the scenario the next runs are of
 * @title: (nullable): what the runs are called
 *
 * Drops the runs and says where the next ones come from.
 */
void
aw_session_set_source (AwSession  *self,
                       AwScenario *scenario,
                       const char *title)
{
  g_return_if_fail (AW_IS_SESSION (self));
  g_return_if_fail (scenario == NULL || AW_IS_SCENARIO (scenario));

  aw_session_clear_runs (self);
  if (g_set_object (&self->scenario, scenario))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCENARIO]);
  if (g_strcmp0 (self->title, title) != 0)
    {
      g_free (self->title);
      self->title = g_strdup (title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

/**
 * aw_session_get_runs:
 * @n_runs: (out): how many
 *
 * Returns: (array length=n_runs): the runs, valid until they change
 */
const AwNamedRun *
aw_session_get_runs (AwSession *self,
                     guint     *n_runs)
{
  g_return_val_if_fail (AW_IS_SESSION (self), NULL);

  *n_runs = self->runs->len;
  return (const AwNamedRun *) (gpointer) self->runs->data;
}

guint
aw_session_get_n_runs (AwSession *self)
{
  g_return_val_if_fail (AW_IS_SESSION (self), 0);

  return self->runs->len;
}

/**
 * aw_session_add_run:
 * @name: the run's variant name
 * @title: (nullable): how it is shown; %NULL for @name
 * @model: the run's model, referenced
 */
void
aw_session_add_run (AwSession    *self,
                    const char   *name,
                    const char   *title,
                    AwTraceModel *model)
{
  gboolean could_replay;
  guint n_before;
  AwNamedRun run;

  g_return_if_fail (AW_IS_SESSION (self));
  g_return_if_fail (name != NULL && model != NULL);

  could_replay = aw_session_get_can_replay (self);
  n_before = self->runs->len;
  run.name = g_strdup (name);
  run.title = g_strdup (title ? title : name);
  run.model = aw_trace_model_ref (model);
  g_array_append_val (self->runs, run);
  runs_changed (self, could_replay, n_before);
}

void
aw_session_clear_runs (AwSession *self)
{
  gboolean could_replay;
  guint n_before;

  g_return_if_fail (AW_IS_SESSION (self));

  could_replay = aw_session_get_can_replay (self);
  n_before = self->runs->len;
  g_array_set_size (self->runs, 0);
  /* Nothing left to replay: no steps, no length, no playhead. */
  g_array_set_size (self->steps, 0);
  if (self->replay_end_ns != 0)
    {
      self->replay_end_ns = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLAY_END]);
    }
  aw_session_set_replay_position (self, -1);
  runs_changed (self, could_replay, n_before);
}

/**
 * aw_session_dup_traces:
 *
 * Returns: (transfer container) (element-type AwTrace): the trace of each
 *   run
 */
GPtrArray *
aw_session_dup_traces (AwSession *self)
{
  GPtrArray *ret = g_ptr_array_new_with_free_func ((GDestroyNotify) aw_trace_unref);

  g_return_val_if_fail (AW_IS_SESSION (self), ret);

  for (guint i = 0; i < self->runs->len; i++)
    g_ptr_array_add (ret, aw_trace_ref (aw_trace_model_get_trace (g_array_index (self->runs, AwNamedRun, i).model)));
  return ret;
}

gboolean
aw_session_get_running (AwSession *self)
{
  g_return_val_if_fail (AW_IS_SESSION (self), FALSE);

  return self->running;
}

void
aw_session_set_running (AwSession *self,
                        gboolean   running)
{
  gboolean could_replay;

  g_return_if_fail (AW_IS_SESSION (self));

  running = !!running;
  if (self->running == running)
    return;
  could_replay = aw_session_get_can_replay (self);
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  runs_changed (self, could_replay, self->runs->len);
}

/* A recording can be replayed once it is complete. */
gboolean
aw_session_get_can_replay (AwSession *self)
{
  g_return_val_if_fail (AW_IS_SESSION (self), FALSE);

  return !self->running && self->runs->len > 0;
}

/* Replay ------------------------------------------------------------------ */

static gint64
model_length_ns (AwTraceModel *model)
{
  guint n;
  const AwEvent *events = aw_trace_get_events (aw_trace_model_get_trace (model), &n);

  return n > 0 ? events[n - 1].time_ns - events[0].time_ns : 0;
}

static gint
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/**
 * aw_session_collect_steps:
 *
 * Finds the instants a replay step can land on: every recorded event of
 * the runs but heartbeats, each instant once (aw_session_get_step() makes
 * moments of them). Call it when the runs are complete.
 */
void
aw_session_collect_steps (AwSession *self)
{
  gint64 end_before;

  g_return_if_fail (AW_IS_SESSION (self));

  end_before = self->replay_end_ns;
  g_array_set_size (self->steps, 0);
  self->replay_end_ns = 0;

  for (guint i = 0; i < self->runs->len; i++)
    {
      AwTraceModel *model = g_array_index (self->runs, AwNamedRun, i).model;
      guint n;
      const AwEvent *events = aw_trace_get_events (aw_trace_model_get_trace (model), &n);

      for (guint e = 0; e < n; e++)
        if (events[e].kind != AW_EVENT_FRAME)
          {
            gint64 t = events[e].time_ns - events[0].time_ns;
            g_array_append_val (self->steps, t);
          }
      self->replay_end_ns = MAX (self->replay_end_ns, model_length_ns (model));
    }

  g_array_sort (self->steps, compare_gint64);
  /* Keep each instant once. */
  for (guint i = 1; i < self->steps->len; )
    if (g_array_index (self->steps, gint64, i) == g_array_index (self->steps, gint64, i - 1))
      g_array_remove_index (self->steps, i);
    else
      i++;

  if (self->replay_end_ns != end_before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLAY_END]);
}

/* How long the longest run is, in ns, as of aw_session_collect_steps(). */
gint64
aw_session_get_replay_end (AwSession *self)
{
  g_return_val_if_fail (AW_IS_SESSION (self), 0);

  return self->replay_end_ns;
}

/* The playhead, in ns since the runs' start; -1 for the whole run. */
gint64
aw_session_get_replay_position (AwSession *self)
{
  g_return_val_if_fail (AW_IS_SESSION (self), -1);

  return self->replay_pos_ns;
}

void
aw_session_set_replay_position (AwSession *self,
                                gint64     position)
{
  g_return_if_fail (AW_IS_SESSION (self));

  position = MAX (position, -1);
  if (self->replay_pos_ns == position)
    return;
  self->replay_pos_ns = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLAY_POSITION]);
}

/* The moments a step lands on, one after the other from the start: each is
 * the last event of a stretch of @step. The first one's stretch begins at
 * the start (with no event in it, the first moment is 0); each later one's
 * at the first event at least @step after the moment before. */
typedef struct {
  guint    next;      /* the first event not looked at */
  gboolean started;
  gint64   moment;
} Moments;

static gboolean
next_moment (AwSession *self,
             Moments   *m,
             gint64     step)
{
  const gint64 *steps = (const gint64 *) (gpointer) self->steps->data;
  guint n = self->steps->len;
  gint64 first;

  if (!m->started)
    {
      m->started = TRUE;
      m->moment = 0;
      for (; m->next < n && steps[m->next] < step; m->next++)
        m->moment = steps[m->next];
      return TRUE;
    }

  while (m->next < n && steps[m->next] < m->moment + step)
    m->next++;
  if (m->next == n)
    return FALSE;
  first = steps[m->next];
  while (m->next + 1 < n && steps[m->next + 1] < first + step)
    m->next++;
  m->moment = steps[m->next++];
  return TRUE;
}

/**
 * aw_session_get_start:
 * @min_step_ns: the shortest step, as for aw_session_get_step()
 *
 * Returns: where a replay starts: the last event of the run's first
 *   @min_step_ns (one pixel of the timeline), so the start shows what the
 *   run did at once; 0 when there are no events
 */
gint64
aw_session_get_start (AwSession *self,
                      gint64     min_step_ns)
{
  Moments m = { 0 };

  g_return_val_if_fail (AW_IS_SESSION (self), 0);

  next_moment (self, &m, MAX (min_step_ns, 1));
  return m.moment;
}

/**
 * aw_session_get_step:
 * @from: a playhead position, or -1 for the whole run
 * @direction: 1 forwards, -1 backwards
 * @min_step_ns: the shortest step: events closer together than this (one
 *   pixel of the timeline) make one moment, since the picture cannot tell
 *   them apart
 *
 * The moments a step lands on are laid out from the start: the first is
 * aw_session_get_start(); each later one is the last event of the first
 * stretch of @min_step_ns that begins at least @min_step_ns after the
 * moment before. So a step between moments moves the playhead by at least
 * @min_step_ns, and a step forward then back returns to where it was.
 *
 * Returns: where a step from @from lands: forwards, the first moment at
 *   least @min_step_ns after @from (or the start, from before it), else
 *   the end; backwards, the last moment at least @min_step_ns before
 *   @from, else the start (or 0, from the start or before)
 */
gint64
aw_session_get_step (AwSession *self,
                     gint64     from,
                     int        direction,
                     gint64     min_step_ns)
{
  Moments m = { 0 };
  gint64 pos, step, target;

  g_return_val_if_fail (AW_IS_SESSION (self), 0);

  pos = from < 0 ? self->replay_end_ns : from;
  step = MAX (min_step_ns, 1);
  target = direction > 0 ? self->replay_end_ns : 0;

  for (gboolean first = TRUE; next_moment (self, &m, step); first = FALSE)
    {
      if (direction > 0)
        {
          if (m.moment >= pos + step || (first && m.moment > pos))
            return m.moment;
        }
      else if (m.moment <= pos - step || (first && m.moment < pos))
        target = m.moment;
      else
        break;
    }
  return target;
}

/* The view ---------------------------------------------------------------- */

/**
 * aw_session_get_view:
 *
 * Returns: (nullable): the span of the runs the timeline shows, or %NULL
 *   when it fits the runs
 */
const AwTimeSpan *
aw_session_get_view (AwSession *self)
{
  g_return_val_if_fail (AW_IS_SESSION (self), NULL);

  return self->view;
}

void
aw_session_set_view (AwSession        *self,
                     const AwTimeSpan *view)
{
  g_return_if_fail (AW_IS_SESSION (self));

  if (aw_time_span_equal (self->view, view))
    return;
  g_clear_pointer (&self->view, aw_time_span_free);
  if (view != NULL)
    self->view = aw_time_span_copy (view);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

/* Looks and speed --------------------------------------------------------- */

const char *
aw_session_get_theme (AwSession *self)
{
  g_return_val_if_fail (AW_IS_SESSION (self), NULL);

  return self->theme;
}

/* A name that is no built-in theme changes nothing. */
void
aw_session_set_theme (AwSession  *self,
                      const char *theme)
{
  g_return_if_fail (AW_IS_SESSION (self));

  if (aw_theme_lookup (theme) == NULL || g_strcmp0 (self->theme, theme) == 0)
    return;
  g_free (self->theme);
  self->theme = g_strdup (theme);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THEME]);
}

double
aw_session_get_text_scale (AwSession *self)
{
  g_return_val_if_fail (AW_IS_SESSION (self), 1.0);

  return self->text_scale;
}

void
aw_session_set_text_scale (AwSession *self,
                           double     text_scale)
{
  g_return_if_fail (AW_IS_SESSION (self));

  text_scale = CLAMP (text_scale, AW_SESSION_MIN_TEXT_SCALE, AW_SESSION_MAX_TEXT_SCALE);
  if (self->text_scale == text_scale)
    return;
  self->text_scale = text_scale;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT_SCALE]);
}

/* Every duration of a run is divided by this. */
double
aw_session_get_speed (AwSession *self)
{
  g_return_val_if_fail (AW_IS_SESSION (self), 1.0);

  return self->speed;
}

void
aw_session_set_speed (AwSession *self,
                      double     speed)
{
  g_return_if_fail (AW_IS_SESSION (self));

  speed = CLAMP (speed, AW_RUNNER_MIN_SPEED, AW_RUNNER_MAX_SPEED);
  if (self->speed == speed)
    return;
  self->speed = speed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

/* GObject ----------------------------------------------------------------- */

static void
aw_session_dispose (GObject *object)
{
  AwSession *self = AW_SESSION (object);

  if (self->runs != NULL)
    g_array_set_size (self->runs, 0);
  g_clear_object (&self->scenario);

  G_OBJECT_CLASS (aw_session_parent_class)->dispose (object);
}

static void
aw_session_finalize (GObject *object)
{
  AwSession *self = AW_SESSION (object);

  g_clear_pointer (&self->runs, g_array_unref);
  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_pointer (&self->view, aw_time_span_free);
  g_free (self->title);
  g_free (self->theme);

  G_OBJECT_CLASS (aw_session_parent_class)->finalize (object);
}

static void
aw_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AwSession *self = AW_SESSION (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_SCENARIO:
      g_value_set_object (value, self->scenario);
      break;

    case PROP_N_RUNS:
      g_value_set_uint (value, self->runs->len);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;

    case PROP_CAN_REPLAY:
      g_value_set_boolean (value, aw_session_get_can_replay (self));
      break;

    case PROP_REPLAY_END:
      g_value_set_int64 (value, self->replay_end_ns);
      break;

    case PROP_REPLAY_POSITION:
      g_value_set_int64 (value, self->replay_pos_ns);
      break;

    case PROP_VIEW:
      g_value_set_boxed (value, self->view);
      break;

    case PROP_THEME:
      g_value_set_string (value, self->theme);
      break;

    case PROP_TEXT_SCALE:
      g_value_set_double (value, self->text_scale);
      break;

    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aw_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  AwSession *self = AW_SESSION (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      aw_session_set_running (self, g_value_get_boolean (value));
      break;

    case PROP_REPLAY_POSITION:
      aw_session_set_replay_position (self, g_value_get_int64 (value));
      break;

    case PROP_VIEW:
      aw_session_set_view (self, g_value_get_boxed (value));
      break;

    case PROP_THEME:
      aw_session_set_theme (self, g_value_get_string (value));
      break;

    case PROP_TEXT_SCALE:
      aw_session_set_text_scale (self, g_value_get_double (value));
      break;

    case PROP_SPEED:
      aw_session_set_speed (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aw_session_class_init (AwSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aw_session_dispose;
  object_class->finalize = aw_session_finalize;
  object_class->get_property = aw_session_get_property;
  object_class->set_property = aw_session_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SCENARIO] =
    g_param_spec_object ("scenario", NULL, NULL,
                         AW_TYPE_SCENARIO,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_N_RUNS] =
    g_param_spec_uint ("n-runs", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CAN_REPLAY] =
    g_param_spec_boolean ("can-replay", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_REPLAY_END] =
    g_param_spec_int64 ("replay-end", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_REPLAY_POSITION] =
    g_param_spec_int64 ("replay-position", NULL, NULL,
                        -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_VIEW] =
    g_param_spec_boxed ("view", NULL, NULL,
                        AW_TYPE_TIME_SPAN,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_THEME] =
    g_param_spec_string ("theme", NULL, NULL,
                         "light",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_TEXT_SCALE] =
    g_param_spec_double ("text-scale", NULL, NULL,
                         AW_SESSION_MIN_TEXT_SCALE, AW_SESSION_MAX_TEXT_SCALE, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL,
                         AW_RUNNER_MIN_SPEED, AW_RUNNER_MAX_SPEED, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aw_session_init (AwSession *self)
{
  self->runs = g_array_new (FALSE, TRUE, sizeof (AwNamedRun));
  g_array_set_clear_func (self->runs, (GDestroyNotify) clear_run);
  self->steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->replay_pos_ns = -1;
  self->theme = g_strdup ("light");
  self->text_scale = 1.0;
  self->speed = 1.0;
}
