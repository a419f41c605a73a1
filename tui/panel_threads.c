/* panel_threads.c - one row per worker thread: what it does, for how
 * long, how it fares. Columns are a table; narrow screens drop the least
 * important ones first. Space tags, p pauses, z freezes, Enter opens a
 * thread. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "panels.h"

#define SQL_MIN 12

typedef struct tcol {
    const char *title;
    int width;        /* 0: takes the rest of the line */
    int keep;         /* lower stays longer on narrow screens */
    bool right;
    int (*cmp)(const thread_snap *a, const thread_snap *b);
    /* Writes the cell's text; may change its role. */
    void (*cell)(const console *c, const thread_snap *t, char *buf, size_t n, int w, role *r);
} tcol;

/* States in at most 9 columns. */
static const char *const SHORT_STATE[WS_COUNT] = {
    [WS_STARTING] = "starting", [WS_CONNECTING] = "connect", [WS_IDLE] = "idle",
    [WS_RUNNING] = "running",   [WS_IDLE_IN_TXN] = "idle txn", [WS_WAITING] = "waiting",
    [WS_PAUSED] = "paused",     [WS_FROZEN] = "frozen",     [WS_RECONNECTING] = "reconnect",
    [WS_HUNG] = "HUNG",
    [WS_STOPPED] = "stopped",
};

#define CMP(x, y) ((x) < (y) ? -1 : (x) > (y))
static int cmp_id(const thread_snap *a, const thread_snap *b) { return CMP(a->id, b->id); }
static int cmp_label(const thread_snap *a, const thread_snap *b) { return strcmp(a->label, b->label); }
static int cmp_state(const thread_snap *a, const thread_snap *b) { return CMP(a->state, b->state); }
static int cmp_action(const thread_snap *a, const thread_snap *b) { return CMP(a->action, b->action); }
static int cmp_time(const thread_snap *a, const thread_snap *b) { return CMP(a->action_s, b->action_s); }
static int cmp_ok(const thread_snap *a, const thread_snap *b) { return CMP(a->ok, b->ok); }
static int cmp_ign(const thread_snap *a, const thread_snap *b) { return CMP(a->ignored, b->ignored); }
static int cmp_unx(const thread_snap *a, const thread_snap *b) { return CMP(a->unexpected, b->unexpected); }
static int cmp_lat(const thread_snap *a, const thread_snap *b) { return CMP(a->last_latency_us, b->last_latency_us); }

static void cell_id(const console *c, const thread_snap *t, char *b, size_t n, int w, role *r)
{
    (void)c, (void)w, (void)r;
    snprintf(b, n, "%d", t->id);
}

/* The workload's label: the chaos list, the FSM state... */
static void cell_label(const console *c, const thread_snap *t, char *b, size_t n, int w, role *r)
{
    (void)c, (void)w, (void)r;
    snprintf(b, n, "%s", t->label);
}

static void cell_state(const console *c, const thread_snap *t, char *b, size_t n, int w, role *r)
{
    (void)c, (void)r;
    const char *s = (unsigned)t->state < WS_COUNT ? SHORT_STATE[t->state] : "?";
    if (w >= 14)
        s = worker_state_name(t->state);
    if (t->state == WS_FROZEN) {
        char took[24];
        snprintf(b, n, "frozen %s", fmt_secs(took, sizeof took, t->frozen_s));
        return;
    }
    if (t->freeze && t->state != WS_PAUSED && !t->paused)
        s = "freezing";
    else if (t->paused && t->state != WS_PAUSED)
        s = "pausing";
    else if (!t->paused && t->state == WS_PAUSED)
        s = "resuming";
    snprintf(b, n, "%s", s);
}

static void cell_action(const console *c, const thread_snap *t, char *b, size_t n, int w, role *r)
{
    (void)w, (void)r;
    const char *name = ui_action_name(c, t->action);
    const char *dot = strchr(name, '.');
    snprintf(b, n, "%s", dot ? dot + 1 : name);
}

static void cell_time(const console *c, const thread_snap *t, char *b, size_t n, int w, role *r)
{
    (void)c, (void)w;
    if (t->action < 0) {
        snprintf(b, n, "-");
        return;
    }
    fmt_secs(b, n, t->action_s);
    if (t->action_s >= 5)
        *r = R_WARN;
}

static void cell_ok(const console *c, const thread_snap *t, char *b, size_t n, int w, role *r)
{
    (void)c, (void)r;
    fmt_count(b, n, t->ok, w);
}

static void cell_ign(const console *c, const thread_snap *t, char *b, size_t n, int w, role *r)
{
    (void)c;
    fmt_count(b, n, t->ignored, w);
    if (!t->ignored)
        *r = R_DIM;
}

static void cell_unx(const console *c, const thread_snap *t, char *b, size_t n, int w, role *r)
{
    (void)c;
    fmt_count(b, n, t->unexpected, w);
    *r = t->unexpected ? R_BAD : R_DIM;
}

static void cell_lat(const console *c, const thread_snap *t, char *b, size_t n, int w, role *r)
{
    (void)c, (void)w, (void)r;
    if (t->last_latency_us)
        fmt_us(b, n, t->last_latency_us);
    else
        snprintf(b, n, "-");
}

static void cell_sql(const console *c, const thread_snap *t, char *b, size_t n, int w, role *r)
{
    (void)c, (void)w;
    snprintf(b, n, "%s", t->sql);
    if (t->state != WS_RUNNING && t->state != WS_HUNG && t->state != WS_WAITING)
        *r = R_DIM;
}

static const tcol COLS_TABLE[] = {
    {"ID", 3, 0, true, cmp_id, cell_id},
    {"LIST", 12, 7, false, cmp_label, cell_label},
    {"STATE", 12, 1, false, cmp_state, cell_state},
    {"ACTION", 16, 2, false, cmp_action, cell_action},
    {"TIME", 6, 4, true, cmp_time, cell_time},
    {"OK", 6, 3, true, cmp_ok, cell_ok},
    {"IGN", 5, 6, true, cmp_ign, cell_ign},
    {"UNX", 4, 3, true, cmp_unx, cell_unx},
    {"LAT", 7, 5, true, cmp_lat, cell_lat},
    {"SQL", 0, 8, false, NULL, cell_sql},
};
#define NCOLS ((int)ARRAY_LEN(COLS_TABLE))

static int sort_cmp(const void *x, const void *y, void *arg)
{
    const threads_view *tv = arg;
    const thread_snap *a = *(thread_snap *const *)x, *b = *(thread_snap *const *)y;
    int d = COLS_TABLE[tv->sort_col].cmp(a, b);
    if (tv->sort_desc)
        d = -d;
    return d ? d : cmp_id(a, b);
}

static int find_row(const threads_view *tv, int id)
{
    for (int i = 0; i < tv->norder; i++)
        if (tv->order[i]->id == id)
            return i;
    return -1;
}

void threads_prepare(console *c)
{
    threads_view *tv = &c->tv;
    run_snapshot *s = c->snap;
    int old_row = find_row(tv, tv->sel_id);
    if (s->nthreads > tv->order_cap) {
        tv->order_cap = s->nthreads * 2;
        tv->order = xrealloc(tv->order, (size_t)tv->order_cap * sizeof *tv->order);
    }
    tv->norder = s->nthreads;
    for (int i = 0; i < s->nthreads; i++)
        tv->order[i] = &s->threads[i];
    qsort_r(tv->order, (size_t)tv->norder, sizeof *tv->order, sort_cmp, tv);
    if (tv->norder && find_row(tv, tv->sel_id) < 0) {
        int row = old_row < 0 ? 0 : old_row < tv->norder ? old_row : tv->norder - 1;
        tv->sel_id = tv->order[row]->id;
    }
}

static bool is_tagged(const threads_view *tv, int id)
{
    return id >= 0 && id < tv->tagged_cap && tv->tagged[id];
}

static int count_tagged(const console *c)
{
    int n = 0;
    for (int i = 0; i < c->tv.norder; i++)
        n += is_tagged(&c->tv, c->tv.order[i]->id);
    return n;
}

/* Returns column i's title: the label column's is the workload's. */
static const char *col_title(const console *c, int i)
{
    if (COLS_TABLE[i].cell == cell_label && c->snap && c->snap->label_title[0])
        return c->snap->label_title;
    return COLS_TABLE[i].title;
}

/* Returns how long column i stays on narrow screens (lower: longer). A
 * workload that titles its labels (an FSM's states) keeps them in place
 * of the action (the transition into that state). */
static int col_keep(const console *c, int i)
{
    bool own_labels = c->snap && c->snap->label_title[0];
    if (own_labels && COLS_TABLE[i].cell == cell_label)
        return COLS_TABLE[i].keep < 2 ? COLS_TABLE[i].keep : 2;
    if (own_labels && COLS_TABLE[i].cell == cell_action) {
        for (int k = 0; k < NCOLS; k++)
            if (COLS_TABLE[k].cell == cell_label)
                return COLS_TABLE[k].keep;
    }
    return COLS_TABLE[i].keep;
}

#define LABEL_W_MAX 24

/* Returns column i's width (0: the rest of the line). A workload's own
 * labels (FSM states, "workload.state" with several) get the room the
 * longest of them needs, up to LABEL_W_MAX. */
static int col_width(const console *c, int i)
{
    int w = COLS_TABLE[i].width;
    if (COLS_TABLE[i].cell != cell_label || !c->snap || !c->snap->label_title[0])
        return w;
    for (int k = 0; k < c->snap->nthreads; k++) {
        int lw = text_width(c->snap->threads[k].label);
        w = lw > w ? lw : w;
    }
    return w < LABEL_W_MAX ? w : LABEL_W_MAX;
}

/* Decides which columns fit in width w: sets show[] and returns the
 * width left for the SQL column. */
static int fit_columns(const console *c, int w, bool show[NCOLS])
{
    int used = 1; /* the tag marker */
    for (int i = 0; i < NCOLS; i++) {
        show[i] = true;
        used += col_width(c, i) + 1;
    }
    while (used + SQL_MIN > w) {
        int drop = -1;
        for (int i = 0; i < NCOLS; i++)
            if (show[i] && col_width(c, i) && (drop < 0 || col_keep(c, i) > col_keep(c, drop)))
                drop = i;
        if (drop <= 0)
            break;
        show[drop] = false;
        used -= col_width(c, drop) + 1;
    }
    return w - used > 0 ? w - used : 0;
}

static void draw_title(console *c, rect a)
{
    const threads_view *tv = &c->tv;
    char t[160];
    int tagged = count_tagged(c);
    int n = snprintf(t, sizeof t, "Threads %d  sort %s %s", tv->norder,
                     col_title(c, tv->sort_col),
                     tv->sort_desc ? theme_glyphs()->sort_down : theme_glyphs()->sort_up);
    if (tagged && n > 0 && (size_t)n < sizeof t)
        snprintf(t + n, sizeof t - (size_t)n, "  %d tagged", tagged);
    draw_rule(a.y, a.x, a.w, c->focus == F_THREADS ? R_FOCUS : R_TITLE, t);
}

static void draw_column_header(const console *c, int y, rect a, const bool show[NCOLS], int sql_w)
{
    draw_fill(y, a.x, a.w, R_HEADER);
    int x = a.x + 1;
    for (int i = 0; i < NCOLS; i++) {
        if (!show[i])
            continue;
        const tcol *col = &COLS_TABLE[i];
        int w = col->width ? col_width(c, i) : sql_w;
        if (w <= 0)
            continue;
        role r = i == c->tv.sort_col ? R_SORTED : R_HEADER;
        if (i == c->tv.sort_col)
            draw_fill(y, x, w, r);
        if (col->right)
            draw_right(y, x, w, r, col_title(c, i));
        else
            draw_text(y, x, w, r, col_title(c, i), false);
        x += w + 1;
    }
}

static void draw_row(const console *c, int y, rect a, const thread_snap *t, const bool show[NCOLS],
                     int sql_w)
{
    bool selected = t->id == c->tv.sel_id && c->focus == F_THREADS;
    role base = R_NORMAL;
    if (t->state == WS_HUNG)
        base = R_BAD;
    else if (t->paused || t->state == WS_PAUSED || t->state == WS_FROZEN ||
             t->state == WS_RECONNECTING)
        base = R_WARN;
    if (selected) {
        base = R_SELECTED;
        draw_fill(y, a.x, a.w, R_SELECTED);
    }
    if (is_tagged(&c->tv, t->id))
        draw_text(y, a.x, 1, selected ? R_SELECTED : R_TAG, theme_glyphs()->tag, false);
    int x = a.x + 1;
    for (int i = 0; i < NCOLS; i++) {
        if (!show[i])
            continue;
        const tcol *col = &COLS_TABLE[i];
        int w = col->width ? col_width(c, i) : sql_w;
        if (w <= 0)
            continue;
        char buf[SNAP_SQL_LEN + 8];
        role r = base;
        col->cell(c, t, buf, sizeof buf, w, &r);
        if (selected || base == R_BAD)
            r = base;
        if (col->right)
            draw_right(y, x, w, r, buf);
        else
            draw_text(y, x, w, r, buf, col->width == 0 || col->cell == cell_label);
        x += w + 1;
    }
}

void threads_draw(console *c, rect a)
{
    threads_view *tv = &c->tv;
    if (a.h <= 0 || a.w <= 0)
        return;
    int y = a.y, rows = a.h;
    if (rows >= 3) {
        draw_title(c, a);
        y++, rows--;
    }
    bool show[NCOLS];
    int sql_w = fit_columns(c, a.w, show);
    tv->shown = 0;
    for (int i = 0; i < NCOLS; i++)
        tv->shown |= show[i] ? 1u << i : 0;
    if (rows >= 2) {
        draw_column_header(c, y, a, show, sql_w);
        y++, rows--;
    }
    tv->page = rows;
    int sel = find_row(tv, tv->sel_id);
    tv->top = scroll_top(tv->top, sel, rows, tv->norder);
    for (int i = 0; i < rows && tv->top + i < tv->norder; i++)
        draw_row(c, y + i, a, tv->order[tv->top + i], show, sql_w);
    if (tv->norder == 0 && rows > 0)
        draw_text(y, a.x + 1, a.w - 1, R_DIM, "no worker threads", false);
}

void threads_move(console *c, int delta)
{
    threads_view *tv = &c->tv;
    if (!tv->norder)
        return;
    int row = find_row(tv, tv->sel_id);
    long next = delta == INT_MIN ? 0 : delta == INT_MAX ? tv->norder - 1 : (long)row + delta;
    if (next < 0)
        next = 0;
    if (next >= tv->norder)
        next = tv->norder - 1;
    tv->sel_id = tv->order[next]->id;
}

void threads_tag(console *c, int key)
{
    (void)key;
    threads_view *tv = &c->tv;
    int id = tv->sel_id;
    if (id < 0)
        return;
    if (id >= tv->tagged_cap) {
        int cap = id + 64;
        tv->tagged = xrealloc(tv->tagged, (size_t)cap * sizeof *tv->tagged);
        memset(tv->tagged + tv->tagged_cap, 0, (size_t)(cap - tv->tagged_cap) * sizeof *tv->tagged);
        tv->tagged_cap = cap;
    }
    tv->tagged[id] = !tv->tagged[id];
    threads_move(c, 1);
}

void threads_untag_all(console *c, int key)
{
    (void)key;
    if (c->tv.tagged)
        memset(c->tv.tagged, 0, (size_t)c->tv.tagged_cap * sizeof *c->tv.tagged);
}

void threads_sort_next(console *c, int key)
{
    (void)key;
    threads_view *tv = &c->tv;
    /* The next column on screen that can be sorted by. */
    for (int n = 0; n < NCOLS; n++) {
        tv->sort_col = (tv->sort_col + 1) % NCOLS;
        bool visible = !tv->shown || (tv->shown & (1u << tv->sort_col));
        if (COLS_TABLE[tv->sort_col].cmp && visible)
            break;
    }
    /* Counters and times read best largest first. */
    tv->sort_desc = COLS_TABLE[tv->sort_col].right && tv->sort_col != 0;
    threads_prepare(c);
}

void threads_sort_reverse(console *c, int key)
{
    (void)key;
    c->tv.sort_desc = !c->tv.sort_desc;
    threads_prepare(c);
}

/* Returns true when t is one of the threads p and z act on: the tagged
 * ones when there are (tagged is their number), else the selected one. */
static bool is_target(const threads_view *tv, int tagged, const thread_snap *t)
{
    return tagged ? is_tagged(tv, t->id) : t->id == tv->sel_id;
}

/* Whether one of the threads p and z act on is not yet paused (frozen:
 * not yet frozen); true when there are no threads. */
static bool any_target_not(const console *c, bool frozen)
{
    const threads_view *tv = &c->tv;
    int tagged = count_tagged(c);
    for (int i = 0; i < tv->norder; i++)
        if (is_target(tv, tagged, tv->order[i]) &&
            !(frozen ? tv->order[i]->freeze : tv->order[i]->paused))
            return true;
    return !tv->norder;
}

bool threads_pause_would_pause(const console *c)
{
    return any_target_not(c, false);
}

void threads_pause(console *c, int key)
{
    (void)key;
    threads_view *tv = &c->tv;
    int tagged = count_tagged(c);
    bool any_running = threads_pause_would_pause(c);
    for (int i = 0; i < tv->norder; i++)
        if (is_target(tv, tagged, tv->order[i]))
            run_pause(c->r, tv->order[i]->id, any_running);
    const char *verb = any_running ? "pausing" : "resuming";
    if (tagged)
        ui_status(c, false, "%s %d tagged thread%s", verb, tagged, tagged == 1 ? "" : "s");
    else if (tv->sel_id >= 0)
        ui_status(c, false, "%s thread %d", verb, tv->sel_id);
    c->next_snap_us = 0;
}

bool threads_freeze_would_freeze(const console *c)
{
    return any_target_not(c, true);
}

void threads_freeze(console *c, int key)
{
    (void)key;
    threads_view *tv = &c->tv;
    int tagged = count_tagged(c);
    bool freeze = threads_freeze_would_freeze(c);
    int done = 0, refused = 0;
    for (int i = 0; i < tv->norder; i++)
        if (is_target(tv, tagged, tv->order[i])) {
            if (run_freeze(c->r, tv->order[i]->id, freeze))
                done++;
            else
                refused++;
        }
    if (!done && !refused)
        return;
    char who[48];
    if (tagged)
        snprintf(who, sizeof who, "%d tagged thread%s", done, done == 1 ? "" : "s");
    else
        snprintf(who, sizeof who, "thread %d", tv->sel_id);
    if (!freeze)
        ui_status(c, false, "letting %s go on", who);
    else if (!refused)
        ui_status(c, false, "freezing %s", who);
    else if (!tagged)
        ui_status(c, true, "thread %d runs its actions in autocommit: nothing to freeze "
                           "(pause it instead)", tv->sel_id);
    else
        ui_status(c, true, "freezing %d; %d tagged run their actions in autocommit "
                           "(pause those instead)", done, refused);
    c->next_snap_us = 0;
}

static const thread_snap *find_thread(const console *c, int id)
{
    for (int i = 0; i < c->snap->nthreads; i++)
        if (c->snap->threads[i].id == id)
            return &c->snap->threads[i];
    return NULL;
}

void threads_detail_fill(console *c)
{
    textview *t = &c->text;
    int id = c->detail_id;
    char title[64];
    snprintf(title, sizeof title, "Thread %d", id);
    int top = t->top;
    tv_reset(t, title);
    t->top = top;
    const thread_snap *s = find_thread(c, id);
    thread_detail d;
    if (!s || !run_thread_detail(c->r, id, &d)) {
        tv_add(t, R_DIM, "thread %d is gone", id);
        return;
    }
    char took[24], lat[24];
    tv_add(t, R_BOLD, "thread %d, %s, %s%s%s, backend pid %d", id, s->label,
           worker_state_name(s->state), s->paused ? " (pause requested)" : "",
           s->freeze && s->state != WS_FROZEN ? " (freeze requested)" : "", s->pid);
    if (s->state == WS_FROZEN)
        tv_add(t, R_WARN, "frozen inside its transaction for %s (z lets it go on)",
               fmt_secs(took, sizeof took, s->frozen_s));
    if (s->action >= 0)
        tv_add(t, R_NORMAL, "action %s for %s", ui_action_name(c, s->action),
               fmt_secs(took, sizeof took, s->action_s));
    tv_add(t, R_NORMAL, "ok %llu  ignored %llu  unexpected %llu  skipped %llu  last latency %s",
           (unsigned long long)s->ok, (unsigned long long)s->ignored,
           (unsigned long long)s->unexpected, (unsigned long long)s->skipped,
           fmt_us(lat, sizeof lat, s->last_latency_us));
    tv_add(t, R_NORMAL, "%s", "");
    tv_add(t, R_TITLE, "%s", "current statement:");
    tv_add_text(t, R_NORMAL, d.current_sql && *d.current_sql ? d.current_sql : "(none)");
    tv_add(t, R_NORMAL, "%s", "");
    tv_add(t, R_TITLE, "last statements, oldest first (%d):", d.nhistory);
    for (int k = 0; k < d.nhistory; k++) {
        role r = d.history[k].cls == EC_NONE      ? R_GOOD
                 : d.history[k].cls == EC_IGNORED ? R_DIM
                                                  : R_BAD;
        tv_add(t, r, "-- %s%s%s, %s", d.history[k].cls == EC_NONE ? "ok" : err_class_name(d.history[k].cls),
               d.history[k].sqlstate[0] ? " " : "", d.history[k].sqlstate,
               fmt_us(lat, sizeof lat, d.history[k].latency_us));
        tv_add_text(t, R_NORMAL, d.history[k].sql);
    }
    thread_detail_free(&d);
}

void threads_open(console *c, int key)
{
    (void)key;
    if (c->tv.sel_id < 0)
        return;
    c->detail = D_THREAD;
    c->detail_id = c->tv.sel_id;
    c->detail_refresh_us = now_us() + 1000000;
    c->text.top = 0;
    threads_detail_fill(c);
    ui_push(c, M_TEXT);
}

void threads_free(threads_view *tv)
{
    free(tv->order);
    free(tv->tagged);
    memset(tv, 0, sizeof *tv);
}
