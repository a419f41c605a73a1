/* commands.c - handlers of keys that belong to no single panel. */
#include "commands.h"

#include <limits.h>

#include "../core/check/check.h"
#include "../core/util.h"
#include "dialogs.h"
#include "keys.h"
#include "panels.h"

#define HZ_MIN 1
#define HZ_MAX 30

static void on_quit_answer(console *c, bool yes)
{
    if (yes)
        c->quit = true;
}

void cmd_quit(console *c, int key)
{
    (void)key;
    char q[200], el[24] = "00:00", found[64] = "nothing found yet";
    if (c->snap) {
        const run_totals *t = &c->snap->totals;
        uint64_t n = t->unexpected + t->crashes + t->hangs + t->asserts_failed;
        fmt_clock(el, sizeof el, c->snap->elapsed_s);
        if (n)
            snprintf(found, sizeof found, "%llu finding%s", (unsigned long long)n, n == 1 ? "" : "s");
        if (c->snap->check.verdict == VERDICT_INVALID)
            snprintf(found, sizeof found, "%s", "the checker found anomalies");
    }
    snprintf(q, sizeof q, "The run is still going (%s, %s). Stop it, print the report and quit?",
             el, found);
    ui_confirm(c, "Quit", q, on_quit_answer);
}

void cmd_help(console *c, int key)
{
    (void)key;
    if (ui_mode_top(c) == M_HELP) {
        ui_pop(c);
        return;
    }
    keys_help(c);
    ui_push(c, M_HELP);
}

void cmd_close(console *c, int key)
{
    (void)key;
    if (ui_mode_top(c) == M_TEXT)
        c->detail = D_NONE;
    ui_pop(c);
}

/* Returns the movement a key asks for: rows, or INT_MIN/INT_MAX for the
 * first/last row. page is the number of rows visible. */
static int key_delta(int key, int page)
{
    page = page > 1 ? page - 1 : 1;
    switch (key) {
    case KEY_UP:
    case 'k': return -1;
    case KEY_DOWN:
    case 'j': return 1;
    case KEY_PPAGE: return -page;
    case KEY_NPAGE: return page;
    case KEY_HOME: return INT_MIN;
    case KEY_END: return INT_MAX;
    default: return 0;
    }
}

void cmd_move(console *c, int key)
{
    switch (ui_mode_top(c)) {
    case M_MAIN:
        if (c->focus == F_THREADS)
            threads_move(c, key_delta(key, c->tv.page));
        else if (c->focus == F_EVENTS)
            events_move(c, key_delta(key, c->evv.page));
        else
            check_move(c, key_delta(key, c->ckv.page));
        break;
    case M_HELP: tv_scroll(&c->help, key_delta(key, c->help.page)); break;
    case M_TEXT: tv_scroll(&c->text, key_delta(key, c->text.page)); break;
    case M_WEIGHTS: weights_move(c, key_delta(key, c->wd.page)); break;
    case M_FLAGS: flags_move(c, key_delta(key, c->fd.page)); break;
    case M_NEMESIS: nemesis_move(c, key_delta(key, FK_ROWS_PAGE)); break;
    default: break;
    }
}

/* Returns true when the panel f is on screen and can take the focus. */
static bool focusable(const console *c, focus f)
{
    switch (f) {
    case F_THREADS: return c->lay.threads.h > 0;
    case F_EVENTS: return c->lay.events.h > 0;
    case F_CHECK: return c->lay.check.h > 0 && c->snap && check_panel_rows(c->snap) >= 0;
    default: return false;
    }
}

void cmd_focus(console *c, int key)
{
    int step = key == KEY_BTAB ? F_COUNT - 1 : 1;
    focus f = c->focus;
    for (int i = 0; i < F_COUNT; i++) {
        f = (focus)((f + step) % F_COUNT);
        if (focusable(c, f))
            break;
    }
    c->focus = f;
}

void cmd_open(console *c, int key)
{
    if (c->focus == F_THREADS)
        threads_open(c, key);
    else if (c->focus == F_EVENTS)
        events_open(c, key);
    else
        check_open(c, key);
}

void cmd_rate(console *c, int key)
{
    int hz = c->hz + (key == '-' ? -1 : 1);
    hz = hz < HZ_MIN ? HZ_MIN : hz > HZ_MAX ? HZ_MAX : hz;
    c->hz = hz;
    c->next_snap_us = now_us() + 1000000ULL / (unsigned)hz;
    ui_status(c, false, "refresh %d per second", hz);
}

void cmd_threads(console *c, int key)
{
    int now = c->snap ? c->snap->nthreads : 0;
    int want = now + (key == '<' ? -1 : 1);
    if (want < 1) {
        ui_status(c, true, "at least one worker thread runs");
        return;
    }
    int got = run_set_threads(c->r, want);
    ui_status(c, got != want, "worker threads: %d", got);
    c->next_snap_us = 0; /* show the change at once */
}

void cmd_pause_all(console *c, int key)
{
    (void)key;
    bool any_running = false;
    for (int i = 0; c->snap && i < c->snap->nthreads; i++)
        any_running |= !c->snap->threads[i].paused;
    run_pause(c->r, -1, any_running);
    ui_status(c, false, any_running ? "pausing every thread" : "resuming every thread");
    c->next_snap_us = 0;
}

void cmd_redraw(console *c, int key)
{
    (void)key;
    clearok(curscr, TRUE);
    c->dirty = true;
}

void cmd_edit(console *c, int key)
{
    switch (ui_mode_top(c)) {
    case M_WEIGHTS: weights_edit_key(c, key); break;
    case M_FLAGS: flags_edit_key(c, key); break;
    case M_PROMPT: prompt_edit_key(c, key); break;
    default: break;
    }
}
