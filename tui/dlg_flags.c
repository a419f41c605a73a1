/* dlg_flags.c - the profile's server flags with their current values
 * (SHOW) and candidate values. Left/Right pick a candidate, Enter sets
 * it (ALTER SYSTEM + reload), r resets, e types a value. The outcome or
 * the server's error goes to the status line. Every statement runs on
 * the helper thread (bgjobs.h): the dialog opens at once and fills in as
 * the values come. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "bgjobs.h"
#include "dialogs.h"

#define DLG_W 96
#define REREAD_DELAY_US 400000  /* the reload reaches the server a little later */
#define NAME_W 32
#define VALUE_W 18
#define CANDIDATES_MIN 16

static const run_config *cfg_of(const console *c)
{
    return run_get_config(c->r);
}

/* Asks the helper thread to read flag i; the value shows when it comes. */
static void read_one(console *c, size_t i)
{
    c->fd.reading[i] = true;
    bg_submit(&c->bg, bg_job_new(BG_SHOW, (int)i, cfg_of(c)->flags[i].name, NULL));
}

/* Picks the candidate equal to the current value, else the first. */
static void pick_current(console *c, size_t i)
{
    const flag_setting *f = &cfg_of(c)->flags[i];
    c->fd.choice[i] = 0;
    for (size_t k = 0; k < f->nvalues; k++)
        if (!c->fd.failed[i] && c->fd.current[i] && strcmp(f->values[k], c->fd.current[i]) == 0)
            c->fd.choice[i] = (int)k;
}

static void read_all(console *c)
{
    for (size_t i = 0; i < c->fd.n; i++)
        read_one(c, i);
}

void flags_open(console *c, int key)
{
    (void)key;
    flags_dlg *d = &c->fd;
    size_t n = cfg_of(c)->nflags;
    if (!n) {
        ui_status(c, true, "the profile names no server flags");
        return;
    }
    if (n != d->n) {
        flags_free(d);
        d->n = n;
        d->current = xcalloc(n, sizeof *d->current);
        d->failed = xcalloc(n, sizeof *d->failed);
        d->choice = xcalloc(n, sizeof *d->choice);
        d->picked = xcalloc(n, sizeof *d->picked);
        d->reading = xcalloc(n, sizeof *d->reading);
    }
    d->edit.active = false;
    d->reread = -1;
    for (size_t i = 0; i < n; i++)
        d->picked[i] = false;
    read_all(c);
    ui_push(c, M_FLAGS);
}

void flags_on_show(console *c, bg_job *j)
{
    flags_dlg *d = &c->fd;
    if (j->index < 0 || (size_t)j->index >= d->n)
        return;
    size_t i = (size_t)j->index;
    free(d->current[i]);
    d->current[i] = j->ok ? j->result : j->msg ? j->msg : xstrdup("?");
    if (j->ok)
        j->result = NULL;
    else
        j->msg = NULL;
    d->failed[i] = !j->ok;
    d->reading[i] = false;
    if (!d->picked[i])
        pick_current(c, i);
}

void flags_on_set(console *c, bg_job *j)
{
    flags_dlg *d = &c->fd;
    ui_status(c, !j->ok, "%s", j->msg ? j->msg : j->ok ? "applied" : "failed");
    if (j->index < 0 || (size_t)j->index >= d->n)
        return;
    d->picked[j->index] = false;
    /* The reload reaches the server a little later: read it again soon. */
    read_one(c, (size_t)j->index);
    d->reread = j->index;
    d->reread_at_us = now_us() + REREAD_DELAY_US;
}

void flags_move(console *c, int delta)
{
    flags_dlg *d = &c->fd;
    long s = delta == INT_MIN ? 0 : delta == INT_MAX ? (long)d->n - 1 : (long)d->sel + delta;
    d->sel = s < 0 ? 0 : s >= (long)d->n ? (int)d->n - 1 : (int)s;
}

void flags_choose(console *c, int key)
{
    flags_dlg *d = &c->fd;
    int nv = (int)cfg_of(c)->flags[d->sel].nvalues;
    if (nv <= 0)
        return;
    int step = key == KEY_LEFT ? nv - 1 : 1;
    d->choice[d->sel] = (d->choice[d->sel] + step) % nv;
    d->picked[d->sel] = true;
}

/* Sets (value) or resets (NULL) the selected flag on the helper thread;
 * the outcome comes back to flags_on_set. */
static void set_flag(console *c, const char *value)
{
    flags_dlg *d = &c->fd;
    const char *name = cfg_of(c)->flags[d->sel].name;
    bg_submit(&c->bg, bg_job_new(value ? BG_SET : BG_RESET, d->sel, name, value));
    if (value)
        ui_status(c, false, "setting %s = %s ...", name, value);
    else
        ui_status(c, false, "resetting %s ...", name);
}

void flags_apply(console *c, int key)
{
    (void)key;
    flags_dlg *d = &c->fd;
    const flag_setting *f = &cfg_of(c)->flags[d->sel];
    if (!f->nvalues) {
        ui_status(c, true, "%s has no candidate values; e types one", f->name);
        return;
    }
    set_flag(c, f->values[d->choice[d->sel]]);
}

void flags_reset(console *c, int key)
{
    (void)key;
    set_flag(c, NULL);
}

void flags_type(console *c, int key)
{
    (void)key;
    flags_dlg *d = &c->fd;
    const char *now = d->current[d->sel];
    le_start(&d->edit, d->failed[d->sel] || !now ? "" : now, false);
}

void flags_reread(console *c, int key)
{
    (void)key;
    read_all(c);
    ui_status(c, false, "reading every flag again");
}

void flags_edit_key(console *c, int key)
{
    flags_dlg *d = &c->fd;
    if (le_key(&d->edit, key) != LE_DONE)
        return;
    if (!d->edit.buf[0]) {
        ui_status(c, true, "no value typed; r resets a flag");
        return;
    }
    set_flag(c, d->edit.buf);
}

void flags_tick(console *c)
{
    flags_dlg *d = &c->fd;
    if (d->reread < 0 || now_us() < d->reread_at_us)
        return;
    read_one(c, (size_t)d->reread);
    d->reread = -1;
}

static void draw_row(console *c, int y, rect in, size_t i, bool selected, int name_w)
{
    flags_dlg *d = &c->fd;
    const flag_setting *f = &cfg_of(c)->flags[i];
    if (selected)
        draw_fill(y, in.x, in.w, R_SELECTED);
    role base = selected ? R_SELECTED : R_NORMAL;
    int x = in.x, end = in.x + in.w;
    draw_text(y, x, name_w, base, f->name, true);
    x += name_w + 1;
    if (selected && d->edit.active) {
        le_draw(&d->edit, y, x, VALUE_W);
    } else if (!d->current[i]) {
        draw_text(y, x, VALUE_W, selected ? base : R_DIM, "reading...", false);
    } else {
        role vr = selected ? base : d->failed[i] ? R_BAD : R_ACCENT;
        draw_text(y, x, d->failed[i] ? end - x : VALUE_W, vr, d->current[i], true);
        if (d->failed[i])
            return;
    }
    x += VALUE_W + 1;
    for (size_t k = 0; k < f->nvalues && x < end; k++) {
        bool picked = (int)k == d->choice[i];
        char v[80];
        snprintf(v, sizeof v, picked ? "[%s]" : " %s ", f->values[k]);
        role r = selected ? (picked ? R_STATUS : base) : picked ? R_BOLD : R_DIM;
        x += draw_text(y, x, end - x, r, v, false) + 1;
    }
}

/* The width of the FLAG column: the longest name, less on narrow screens
 * so that candidates keep some room. */
static int name_width(const console *c, int inner)
{
    int w = 4;
    for (size_t i = 0; i < c->fd.n; i++) {
        int n = text_width(cfg_of(c)->flags[i].name);
        w = n > w ? n : w;
    }
    w = w > NAME_W ? NAME_W : w;
    int most = inner - VALUE_W - 2 - CANDIDATES_MIN;
    if (w > most)
        w = most > 12 ? most : 12;
    return w;
}

/* The line under the list: what Enter would do to the selected flag. */
static void draw_hint(console *c, int y, rect in)
{
    const flags_dlg *d = &c->fd;
    const flag_setting *f = &cfg_of(c)->flags[d->sel];
    char line[300];
    if (d->edit.active)
        snprintf(line, sizeof line, "Enter sets %s to what is typed, Esc cancels", f->name);
    else if (f->nvalues)
        snprintf(line, sizeof line, "Enter: ALTER SYSTEM SET %s = '%s', then pg_reload_conf()", f->name,
                 f->values[d->choice[d->sel]]);
    else
        snprintf(line, sizeof line, "%s has no candidates: e types a value", f->name);
    draw_text(y, in.x, in.w, R_DIM, line, true);
}

void flags_draw(console *c)
{
    flags_dlg *d = &c->fd;
    /* Frame, help line, column header, the flags, hint line, frame. */
    int h = (int)d->n + 5;
    rect b = rect_centered(DLG_W, h < LINES - 2 ? h : LINES - 2 > 6 ? LINES - 2 : LINES);
    draw_box(b, "Server flags");
    rect in = {b.y + 1, b.x + 2, b.h - 2, b.w - 4};
    if (in.h <= 0 || in.w <= 0)
        return;
    int y = in.y, end = in.y + in.h;
    int name_w = name_width(c, in.w);
    draw_text(y, in.x, in.w, R_DIM,
              "Left/Right pick, Enter sets it (ALTER SYSTEM + reload), r resets, e types a value",
              true);
    if (++y >= end)
        return;
    draw_fill(y, in.x, in.w, R_HEADER);
    char hdr[160];
    snprintf(hdr, sizeof hdr, "%-*s %-*s %s", name_w, "FLAG", VALUE_W, "NOW", "CANDIDATES");
    draw_text(y, in.x, in.w, R_HEADER, hdr, false);
    y++;
    if (end - y >= 3) {
        end--;
        draw_hint(c, end, in);
    }
    int rows = end - y;
    d->page = rows;
    d->top = scroll_top(d->top, d->sel, rows, (int)d->n);
    for (int i = 0; i < rows && (size_t)(d->top + i) < d->n; i++)
        draw_row(c, y + i, in, (size_t)(d->top + i), d->top + i == d->sel, name_w);
}

void flags_free(flags_dlg *d)
{
    for (size_t i = 0; i < d->n && d->current; i++)
        free(d->current[i]);
    free(d->current);
    free(d->failed);
    free(d->choice);
    free(d->picked);
    free(d->reading);
    d->picked = d->reading = NULL;
    d->current = NULL;
    d->failed = NULL;
    d->choice = NULL;
    d->n = 0;
}
