/* bgjobs.h - control calls that talk to the server (SHOW a flag, ALTER
 * SYSTEM, applying a profile's flags) run on one helper thread, so a slow
 * or hung server never freezes the console. The console submits jobs and
 * collects the finished ones on its own thread; the helper never touches
 * curses or the console's state. */
#ifndef MELEE_TUI_BGJOBS_H
#define MELEE_TUI_BGJOBS_H

#include <pthread.h>
#include <stdbool.h>

#include "../core/engine/engine.h"

typedef enum bg_kind {
    BG_SHOW,          /* read flag `name` (run_show_flag) */
    BG_SET,           /* set flag `name` to `value` (run_set_flag) */
    BG_RESET,         /* reset flag `name` (run_set_flag with NULL) */
    BG_APPLY_FLAGS,   /* apply the flags of `cfg` (run_apply_config) */
} bg_kind;

typedef struct bg_job {
    bg_kind kind;
    int index;              /* the flag's row, for the caller */
    char *name, *value;     /* owned */
    run_config *cfg;        /* owned (BG_APPLY_FLAGS) */
    /* Filled in by the helper: */
    bool ok;
    char *result;           /* SHOW: the value (owned) */
    char *msg;              /* the outcome or the server's error (owned) */
    int applied;            /* BG_APPLY_FLAGS: settings applied */
    struct bg_job *next;
} bg_job;

typedef struct bgjobs {
    run *r;
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bg_job *todo, *todo_tail;
    bg_job *done, *done_tail;
    int pending;            /* submitted and not yet collected */
    bool stop;
} bgjobs;

/* Prepares the queue for run r; the thread starts with the first job. */
void bg_init(bgjobs *q, run *r);

/* Returns a new job of a kind for flag row index (name and value are
 * copied; either may be NULL). */
bg_job *bg_job_new(bg_kind kind, int index, const char *name, const char *value);

/* Queues j (the queue owns it until bg_collect hands it back). Returns
 * false when the helper thread cannot be started (j is freed). */
bool bg_submit(bgjobs *q, bg_job *j);

/* Returns one finished job (oldest first) or NULL; the caller frees it
 * with bg_job_free. Never blocks. */
bg_job *bg_collect(bgjobs *q);

/* Returns how many jobs are submitted and not collected yet. */
int bg_pending(bgjobs *q);

void bg_job_free(bg_job *j);

/* Lets the current job finish, drops the others, joins the thread. */
void bg_stop(bgjobs *q);

#endif
