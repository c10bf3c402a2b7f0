/* aw-window-private.h: what the files of the window share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window is one class split by concern, as GNOME Text Editor splits
 * its window: aw-window.c (construction, the catalogue, presentation
 * mode), aw-window-run.c (running the variants and following them
 * live), aw-window-replay.c (the playhead over a recorded run),
 * aw-window-outcome.c (the outcome card and the class's predictions),
 * aw-window-files.c (scenario files, traces, images),
 * aw-window-actions.c (actions, keys, looks) and aw-window-focus.c
 * (where the keys go: the focus after menus and popovers, the search). The struct and the helpers
 * they call in each other live here. What the window shows (the runs, the
 * playhead, the view, the looks) is its AwSession's, a template object the
 * widgets bind to. Tests include this header for the getters that only
 * they need.
 */

#pragma once

#include "aw-window.h"

#include "aw-code-view.h"
#include "aw-runner.h"
#include "aw-session.h"

G_BEGIN_DECLS

/* The catalogue's part for files the user opened. */
#define USER_FILES_PART 99

/* The window's default watchdog deadline for blocking waits: under the 5 s
 * after which GNOME's window manager offers to force quit a window that
 * does not answer its ping, so a class never sees that dialog. */
#define AW_WINDOW_WATCHDOG_MS 4000

/* Presentation mode's smallest task label, as a share of the screen's
 * height: 27 px on a 1024x768 projector, 38 px at 1080p. */
#define PRESENTATION_LABEL_SHARE 0.035
/* Out of presentation mode: 11 px at 800 px, so that crowded comparisons
 * keep a row per task and scroll, rather than merge rows out of sight. */
#define WINDOW_LABEL_SHARE 0.014

/* Presentation mode's body text, as a share of the screen's height: 16 px
 * on a 1024x768 projector, 23 px at 1080p. */
#define PRESENTATION_BASE_SHARE 0.021

/* Presentation mode's text size, over the chosen one. */
#define PRESENTATION_TEXT_SCALE 1.25

struct _AwWindow {
  GtkApplicationWindow  parent_instance;

  /* Template children */
  AwSession            *session;
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkWidget            *sidebar_button;
  GtkWidget            *run_button;
  GtkWidget            *cancel_button;
  GtkDropDown          *speed_dropdown;
  GtkDropDown          *variant_dropdown;
  GtkWidget            *quiz_button;
  GtkWidget            *bar_compare_button;
  GtkWidget            *bar_quiz_button;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  GtkRevealer          *notice_revealer;
  GtkLabel             *notice_label;
  GtkWidget            *presentation_header;
  GtkLabel             *presentation_title;
  GtkLabel             *presentation_question;
  GtkRevealer          *toast_revealer;
  GtkLabel             *toast_label;
  GtkLabel             *announcer;
  GtkRevealer          *presentation_bar;
  GtkPaned             *main_paned;
  GtkWidget            *sidebar;
  GtkSearchEntry       *search_entry;
  GtkListBox           *scenario_list;
  GtkBox               *lesson_box;
  GtkWidget            *replay_bar;
  GtkAdjustment        *replay_adjustment;
  GtkWidget            *replay_scale;
  GtkLabel             *replay_label;
  GtkDropDown          *replay_speed_dropdown;
  GtkStack             *view_stack;
  GtkWidget            *view_switcher;
  GtkPaned             *content_paned;
  GtkScrolledWindow    *timeline_scroller;
  AwTimelineView       *timeline;
  GtkWidget            *legend_help_button;
  AwTaskTable          *table;
  GtkStackPage         *code_page;
  AwCodeView           *code_view;
  GtkLabel             *code_path_label;
  AwLessonPanel        *lesson;
  GtkMenuButton        *menu_button;
  GMenuModel           *primary_menu;
  GMenu                *csharp_section;

  int                   saved_paned_position;
  GtkCssProvider       *text_css;
  char                 *text_css_data;   /* what text_css holds */
  GSettings            *settings;

  GPtrArray            *scenarios;
  AwScenario           *scenario;
  guint                 wait_deadline_ms;
  char                 *error;
  char                 *status;
  guint                 status_timeout;

  /* The run in progress (its runs so far are the session's) */
  guint                 generation;
  AwRunner             *runner;
  GArray               *queue;           /* guint: indices of the variants still to run */
  guint                 tick_id;
  GdkFrameClock        *live_clock;      /* whose after-paint tells what a live frame took */
  gulong                after_paint_id;
  gint64                live_redraw_at;  /* when this frame's live redraw was asked for, or 0 */
  gint64                live_redrawn_at; /* the last live redraw */
  gint64                live_paint_us;   /* what a frame with a live redraw takes, smoothed */
  guint                 start_delay_id;
  guint                 start_tick_id;   /* a variant waiting for the window to be drawn */
  guint                 start_ticks;
  gboolean              cancelled;

  GtkNativeDialog      *chooser;
  GCancellable         *csharp_cancellable;  /* a C# program compiling or running */
  GtkWindow            *save_prompt;         /* asks whether to save the C# file's edits */
  gboolean              closing;             /* the prompt answered: close without asking again */
  gboolean              csharp_beside;       /* after a lesson's GLib runs, its C# twin's */
  gboolean              csharp_pairs;        /* the runs are C# and GLib pairs, in that order */

  gboolean              presentation;
  int                   looks_height;    /* the window height the presentation type was sized for */
  guint                 looks_idle;
  guint                 toast_timeout;
  guint                 bar_timeout;     /* hides the presentation bar after the mouse rests */
  gboolean              bar_hovered;
  gboolean              bar_keys;        /* the bar was opened with F6: it stays while focused */
  double                pointer_x;       /* where the pointer last was, to tell motion from none */
  double                pointer_y;
  guint                 staged_variant;
  gboolean              choosing_scenario; /* a new lesson resets the variant chooser */  /* 1 + the variant whose freeze was announced, 0 for none */

  /* Replay: the playhead is the session's */
  guint                 replay_tick_id;
  gint64                replay_last_frame;
  gboolean              updating_scale;

  /* Predict, then reveal */
  gboolean              quiz;
  gboolean              revealed;        /* a run of this scenario has ended since it was chosen */
  GArray               *predictions;     /* double seconds per variant index, < 0 none */
  GtkWindow            *quiz_dialog;
  GtkWindow            *help_overlay;

  /* Focus */
  GWeakRef              last_focus;      /* the last focused widget that takes keys, outside popovers */
  guint                 focus_idle_id;
  gboolean              popover_closed;
  GtkWindow            *how_to_read;

  /* The catalogue: moving selects, Enter or a pause opens */
  guint                 open_timeout_id;

  /* Input that waited out a freeze of the main loop is dropped */
  guint                 freeze_watch_id;
  gint64                freeze_watch_at;  /* monotonic µs: the watch's last tick */
  gint64                freeze_ended_at;  /* monotonic µs: the end of the last freeze, or 0 */
  gint64                event_lag_ms;     /* the least (monotonic ms - event time) seen, or G_MAXINT64 */
};

typedef gboolean (*AwChooserDone) (AwWindow   *self,
                                   const char *path);

/* aw-window-files.c */
void            _aw_window_run_chooser               (AwWindow             *self,
                                                      const char           *title,
                                                      GtkFileChooserAction  action,
                                                      const char           *current_name,
                                                      const char           *extension,
                                                      AwChooserDone         done,
                                                      ...) G_GNUC_NULL_TERMINATED;
void            _aw_window_show_traces               (AwWindow      *self,
                                                      GPtrArray     *traces,
                                                      const char    *fallback_title,
                                                      const char    *subtitle);

/* aw-window-csharp.c */
void            _aw_window_choose_csharp             (AwWindow      *self);
void            _aw_window_csharp_abandon            (AwWindow      *self);
void            _aw_window_csharp_cancel             (AwWindow      *self);
gboolean        _aw_window_csharp_running            (AwWindow      *self);
void            _aw_window_csharp_init               (AwWindow      *self);
gboolean        _aw_window_csharp_start_twin         (AwWindow      *self);
gboolean        _aw_window_csharp_is_open            (AwWindow      *self);
void            _aw_window_csharp_run                (AwWindow      *self);
gboolean        _aw_window_csharp_save               (AwWindow      *self);
gboolean        _aw_window_csharp_leave              (AwWindow      *self,
                                                      AwScenario    *then_scenario);
void            _aw_window_open_example              (AwWindow      *self,
                                                      const char    *name);
void            _aw_window_revert_example            (AwWindow      *self);
gboolean        _aw_window_csharp_is_example         (AwWindow      *self);
char           *_aw_window_find_example              (const char    *name,
                                                      GError       **error);

/* aw-window.c */
void            _aw_window_update_actions            (AwWindow      *self);
void            _aw_window_show_error                (AwWindow      *self,
                                                      const char    *message);
void            _aw_window_show_error_markup         (AwWindow      *self,
                                                      const char    *message,
                                                      const char    *markup);
void            _aw_window_show_status               (AwWindow      *self,
                                                      const char    *text);
void            _aw_window_toast                     (AwWindow      *self,
                                                      const char    *text);
void            _aw_window_announce                  (AwWindow      *self,
                                                      const char    *text);
void            _aw_window_show_presentation_bar     (AwWindow      *self);
void            _aw_window_hide_presentation_bar     (AwWindow      *self);
void            _aw_window_update_presentation_header (AwWindow     *self);
void            _aw_window_feedback_init             (AwWindow      *self);
void            _aw_window_set_scenario              (AwWindow      *self,
                                                      AwScenario    *scenario);
GtkWidget      *_aw_window_make_row                  (AwScenario    *scenario,
                                                      gboolean       user_file);
void            _aw_window_move_scenario             (AwWindow      *self,
                                                      int            direction);
void            _aw_window_emit_run_finished         (AwWindow      *self);

/* aw-window-run.c */
void            _aw_window_clear_run                 (AwWindow      *self);
void            _aw_window_abandon_run               (AwWindow      *self);
void            _aw_window_start_run                 (AwWindow      *self);
void            _aw_window_start_run_now             (AwWindow      *self);
void            _aw_window_cancel_run                (AwWindow      *self);
void            _aw_window_finish_run                (AwWindow      *self);

/* aw-window-replay.c */
void            _aw_window_apply_replay              (AwWindow      *self);
void            _aw_window_update_replay_bar         (AwWindow      *self);
void            _aw_window_stop_replay               (AwWindow      *self);
void            _aw_window_update_replay_sensitivity (AwWindow      *self);
void            _aw_window_toggle_replay             (AwWindow      *self);
void            _aw_window_replay_to_start           (AwWindow      *self);
void            _aw_window_replay_to_end             (AwWindow      *self);
void            _aw_window_on_replay_scale_changed   (GtkAdjustment *adjustment,
                                                      AwWindow      *self);

/* aw-window-outcome.c */
void            _aw_window_show_outcome              (AwWindow      *self);
void            _aw_window_announce_outcome          (AwWindow      *self,
                                                      gboolean       cancelled,
                                                      gboolean       froze);
void            _aw_window_ask_predictions           (AwWindow      *self);
void            _aw_window_update_answers            (AwWindow      *self);

/* aw-window-files.c */
void            _aw_window_choose_scenario_file      (AwWindow      *self);
void            _aw_window_choose_trace              (AwWindow      *self);
void            _aw_window_choose_image_export       (AwWindow      *self);
void            _aw_window_choose_trace_export       (AwWindow      *self);

/* aw-window-actions.c */
void            _aw_window_class_actions_init        (GtkWidgetClass *widget_class);
void            _aw_window_actions_init              (AwWindow      *self);
void            _aw_window_actions_set_settings      (AwWindow      *self,
                                                      GSettings     *settings);
void            _aw_window_actions_dispose           (AwWindow      *self);
void            _aw_window_show_how_to_read          (AwWindow      *self);
void            _aw_window_apply_looks               (AwWindow      *self);
void            _aw_window_on_speed_selected         (GtkDropDown   *dropdown,
                                                      GParamSpec    *pspec,
                                                      AwWindow      *self);
void            _aw_window_on_variant_selected       (GtkDropDown   *dropdown,
                                                      GParamSpec    *pspec,
                                                      AwWindow      *self);

/* aw-window-focus.c */
void            _aw_window_focus_init                (AwWindow      *self);
void            _aw_window_focus_dispose             (AwWindow      *self);
void            _aw_window_focus_finalize            (AwWindow      *self);
void            _aw_window_focus_view                (AwWindow      *self);

/* For tests */
AwScenario     *_aw_window_get_scenario              (AwWindow      *self);
gboolean        _aw_window_is_running                (AwWindow      *self);
const char     *_aw_window_get_error                 (AwWindow      *self);
AwLessonPanel  *_aw_window_get_lesson_panel          (AwWindow      *self);
AwTaskTable    *_aw_window_get_task_table            (AwWindow      *self);
AwCodeView     *_aw_window_get_code_view             (AwWindow      *self);
GtkWidget      *_aw_window_get_run_button            (AwWindow      *self);
GtkWidget      *_aw_window_get_cancel_button         (AwWindow      *self);
GtkWidget      *_aw_window_get_legend_help_button    (AwWindow      *self);
GtkWindow      *_aw_window_get_how_to_read           (AwWindow      *self);
GtkWidget      *_aw_window_get_sidebar_button        (AwWindow      *self);
GtkWidget      *_aw_window_get_replay_scale          (AwWindow      *self);
const char     *_aw_window_get_announcement          (AwWindow      *self);
GPtrArray      *_aw_window_get_last_traces           (AwWindow      *self);
gint64          _aw_window_get_replay_position       (AwWindow      *self);
gboolean        _aw_window_get_presentation          (AwWindow      *self);
void            _aw_window_set_wait_deadline         (AwWindow      *self,
                                                      guint          ms);

G_END_DECLS
