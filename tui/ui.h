/* ui.h - the console's state, shared by the files of tui/. Only the
 * console thread touches it. */
#ifndef MELEE_TUI_UI_H
#define MELEE_TUI_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/engine/engine.h"
#include "bgjobs.h"
#include "draw.h"
#include "evlog.h"
#include "layout.h"
#include "lineedit.h"
#include "rate.h"
#include "textview.h"

typedef struct console console;

/* What has the keyboard: the main screen or an overlay on top of it. */
typedef enum ui_mode {
    M_MAIN,
    M_HELP,
    M_TEXT,      /* a detail view (thread, event, anomaly) */
    M_WEIGHTS,
    M_FLAGS,
    M_PROMPT,    /* asks for a name or a path */
    M_CONFIRM,   /* asks yes or no */
    M_NEMESIS,   /* fire or heal faults, suspend the schedule */
    M_COUNT
} ui_mode;

/* The panel of the main screen that lists and Enter act on. */
typedef enum focus {
    F_THREADS,
    F_EVENTS,
    F_CHECK,
    F_COUNT
} focus;

/* Key contexts: a key table entry names the contexts it works in. */
enum {
    X_MAIN = 1u << 0,     /* the main screen, whatever has the focus */
    X_THREADS = 1u << 1,  /* the main screen with the threads panel focused */
    X_EVENTS = 1u << 2,
    X_CHECK = 1u << 3,
    X_HELP = 1u << 4,
    X_TEXT = 1u << 5,
    X_WEIGHTS = 1u << 6,
    X_FLAGS = 1u << 7,
    X_CONFIRM = 1u << 8,
    X_EDIT = 1u << 9,     /* typing into a field */
    X_NEMESIS = 1u << 10,
};

typedef struct threads_view {
    int sel_id;                  /* selected worker id, -1 none */
    int top;                     /* first row shown */
    int page;                    /* rows shown at the last draw */
    int sort_col;                /* index into the column table */
    unsigned shown;              /* columns on screen at the last draw (bits) */
    bool sort_desc;
    bool *tagged;                /* by worker id */
    int tagged_cap;
    thread_snap **order;         /* the rows in display order */
    int norder, order_cap;
} threads_view;

typedef struct events_view {
    bool hide_ignored;
    bool grouped;
    uint64_t sel_seq;            /* selected event; 0 follows the newest */
    int sel_group;               /* selected row of the grouped view */
    int top, page;
    size_t group_order[EVLOG_GROUPS];
    size_t ngroups;
} events_view;

typedef struct check_view {
    int sel;                     /* selected anomaly */
    int top, page;
} check_view;

typedef struct weights_dlg {
    int sel, top, page;          /* sel: a row of the filtered list */
    lineedit edit;               /* a weight being typed */
    lineedit filter_edit;        /* the filter being typed */
    char filter[64];
    size_t *rows;                /* action indices passing the filter */
    size_t nrows, rows_cap;
} weights_dlg;

typedef struct flags_dlg {
    size_t n;                    /* flags of the run's config */
    char **current;              /* SHOW value or the error, owned */
    bool *failed;                /* current holds an error */
    int *choice;                 /* candidate picked per flag */
    bool *picked;                /* the operator moved the pick since the last read */
    bool *reading;               /* a SHOW is on its way */
    int sel, top, page;
    lineedit edit;               /* a value being typed */
    int reread;                  /* flag to read again shortly, -1 none */
    uint64_t reread_at_us;
} flags_dlg;

typedef void (*prompt_fn)(console *c, const char *text);
typedef void (*confirm_fn)(console *c, bool yes);

typedef struct prompt_dlg {
    char title[64];
    char question[200];
    lineedit edit;
    prompt_fn done;
} prompt_dlg;

typedef struct confirm_dlg {
    char title[64];
    char question[300];
    confirm_fn done;
} confirm_dlg;

typedef struct nemesis_dlg {
    int sel;                     /* the selected fault kind */
} nemesis_dlg;

typedef struct profile_dlg {
    char path[1024];             /* the file being saved or loaded */
    run_config loaded;           /* a loaded profile waiting for a flags answer */
    bool has_loaded;
} profile_dlg;

/* What the detail view shows, so it can be refreshed. */
typedef enum detail_kind {
    D_NONE,
    D_THREAD,
    D_EVENT,
    D_ANOMALY,
    D_ASSERTION
} detail_kind;

struct console {
    run *r;
    run_snapshot *snap;          /* the latest snapshot (owned) */
    int hz;                      /* snapshots per second */
    uint64_t next_snap_us;
    bool dirty;                  /* the screen must be drawn again */
    bool quit;
    ui_mode modes[8];            /* the mode stack; modes[depth - 1] has the keys */
    int depth;
    focus focus;
    char status[240];
    bool status_bad;
    uint64_t status_until_us;
    layout lay;
    rate_hist rate;
    evlog ev;
    threads_view tv;
    events_view evv;
    check_view ckv;
    weights_dlg wd;
    flags_dlg fd;
    prompt_dlg pd;
    confirm_dlg cd;
    profile_dlg pf;
    nemesis_dlg nd;
    textview text;               /* the detail view */
    detail_kind detail;
    int detail_id;               /* worker id or anomaly index */
    char detail_key[400];        /* the assertion shown: where, a newline, its name */
    uint64_t detail_refresh_us;
    textview help;
    char *repro;                 /* the command line that reproduces the run (owned) */
    bgjobs bg;                   /* control calls that wait on the server */
};

/* Returns the mode that has the keys. */
ui_mode ui_mode_top(const console *c);

/* Opens an overlay mode on top of the current one / closes the top one. */
void ui_push(console *c, ui_mode m);
void ui_pop(console *c);

/* Returns the key contexts active now (X_* bits). */
unsigned ui_context(const console *c);

/* Shows a transient message in the footer for a few seconds. */
void ui_status(console *c, bool bad, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Asks a yes/no question; done gets the answer. */
void ui_confirm(console *c, const char *title, const char *question, confirm_fn done);

/* Asks for a line of text, starting from init; done gets it on Enter. */
void ui_prompt(console *c, const char *title, const char *question, const char *init,
               prompt_fn done);

/* Returns the snapshot's action name for index a, or "-". */
const char *ui_action_name(const console *c, int a);

/* Returns name ("list.action") without its list when every action of the
 * run is in one list (the invariant and FSM workloads), where the list
 * says nothing; else name. Points into name. */
const char *ui_action_short(const console *c, const char *name);

#endif
