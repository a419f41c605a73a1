/* console.c - the console's loop: take a snapshot at the refresh rate,
 * answer keys as they come, draw only when something changed. Only this
 * thread calls curses. */
#include "console.h"

#include <locale.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/util.h"
#include "commands.h"
#include "dialogs.h"
#include "keys.h"
#include "panels.h"
#include "repro.h"
#include "theme.h"
#include "ui.h"

#define DEFAULT_HZ 10
#define KEY_WAIT_MAX_MS 100   /* the loop looks at the quit flag this often */
#define KEYS_PER_DRAW 64      /* keys handled before drawing again */
#define DETAIL_REFRESH_US 1000000
#define BG_WAIT_MS 20         /* how often to look for helper results while some are due */

static atomic_int g_quit_requested;

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the quit flag must be lock-free");

void console_request_quit(void)
{
    atomic_store(&g_quit_requested, 1);
}

static void take_snapshot(console *c)
{
    /* Only the events since the newest one the console holds: each event
     * is copied out of the run once. */
    run_snapshot *s = run_snapshot_take(c->r, &c->ev.last_seq);
    evlog_absorb(&c->ev, s);
    rate_update(&c->rate, s->elapsed_s, s->totals.ops);
    /* The old snapshot goes after threads_prepare: the row order it
     * replaces points into it. */
    run_snapshot *old = c->snap;
    c->snap = s;
    threads_prepare(c);
    run_snapshot_free(old);
    c->dirty = true;
}

static void draw_main(console *c)
{
    const layout *L = &c->lay;
    header_draw(c, L->header);
    threads_draw(c, L->threads);
    events_draw(c, L->events);
    objects_draw(c, L->objects);
    faults_draw(c, L->faults);
    check_draw(c, L->check);
    if (L->side) {
        attr_t a = theme_attr(R_BOX);
        attron(a);
        mvvline(L->objects.y, L->objects.x - 1, ACS_VLINE, L->threads.h + L->events.h);
        attroff(a);
    }
}

/* A full-screen text view: a title bar, the text, the footer. */
static void draw_text_screen(textview *t)
{
    draw_fill(0, 0, COLS, R_HEADER);
    char pos[48];
    int rows = t->rows > 0 ? t->rows : 1;
    snprintf(pos, sizeof pos, " %d/%d ", t->top + 1 < rows ? t->top + 1 : rows, rows);
    int pw = text_width(pos);
    draw_text(0, 1, COLS - pw - 2, R_HEADER, t->title, true);
    if (COLS > pw + 10)
        draw_text(0, COLS - pw, pw, R_HEADER, pos, false);
    rect body = {1, 0, LINES - 2, COLS};
    for (int y = 1; y < LINES - 1; y++)
        draw_fill(y, 0, COLS, R_NORMAL);
    tv_draw(t, body);
}

static void draw_footer(console *c)
{
    keys_footer(c, c->lay.footer);
}

static void draw(console *c)
{
    erase();
    layout_need need = {
        .threads = c->snap->nthreads,
        .check = check_panel_rows(c->snap) >= 0,
        .anomalies = check_panel_rows(c->snap),
        .objects = c->snap->tables_watched ? (int)c->snap->ntables + 1 : 0,
    };
    layout_compute(LINES, COLS, &need, &c->lay);
    if (c->focus == F_CHECK && c->lay.check.h <= 0)
        c->focus = F_THREADS;
    if (c->focus == F_EVENTS && c->lay.events.h <= 0)
        c->focus = F_THREADS;
    for (int i = 0; i < c->depth; i++) {
        switch (c->modes[i]) {
        case M_MAIN: draw_main(c); break;
        case M_HELP: draw_text_screen(&c->help); break;
        case M_TEXT: draw_text_screen(&c->text); break;
        case M_WEIGHTS: weights_draw(c); break;
        case M_FLAGS: flags_draw(c); break;
        case M_NEMESIS: nemesis_draw(c); break;
        case M_PROMPT: prompt_draw(c); break;
        case M_CONFIRM: confirm_draw(c); break;
        default: break;
        }
    }
    draw_footer(c);
    wnoutrefresh(stdscr);
    doupdate();
}

/* Work that is due by the clock rather than by a key. */
static void tick(console *c, uint64_t now)
{
    if (c->status[0] && now >= c->status_until_us) {
        c->status[0] = '\0';
        c->dirty = true;
    }
    if (ui_mode_top(c) == M_TEXT && now >= c->detail_refresh_us) {
        c->detail_refresh_us = now + DETAIL_REFRESH_US;
        if (c->detail == D_THREAD) {
            threads_detail_fill(c);
            c->dirty = true;
        } else if (c->detail == D_ASSERTION) {
            asserts_detail_fill(c);
            c->dirty = true;
        }
    }
    flags_tick(c);
}

/* Takes in what the helper thread finished. */
static void collect_jobs(console *c)
{
    bg_job *j;
    while ((j = bg_collect(&c->bg))) {
        switch (j->kind) {
        case BG_SHOW: flags_on_show(c, j); break;
        case BG_SET:
        case BG_RESET: flags_on_set(c, j); break;
        case BG_APPLY_FLAGS: profile_on_applied(c, j); break;
        }
        bg_job_free(j);
        c->dirty = true;
    }
}

static void handle_key(console *c, int key)
{
    if (key == KEY_RESIZE) {
        c->dirty = true;
        return;
    }
    if (c->status[0] && !c->status_bad)
        c->status[0] = '\0';
    keys_dispatch(c, key);
    c->dirty = true;
}

static void loop(console *c)
{
    take_snapshot(c);
    c->next_snap_us = now_us() + 1000000ULL / (unsigned)c->hz;
    while (!c->quit && !atomic_load(&g_quit_requested)) {
        uint64_t now = now_us();
        if (now >= c->next_snap_us) {
            take_snapshot(c);
            c->next_snap_us = now + 1000000ULL / (unsigned)c->hz;
        }
        if (c->snap->finished || run_should_stop(c->r))
            break;
        tick(c, now);
        collect_jobs(c);
        if (c->dirty) {
            draw(c);
            c->dirty = false;
        }
        now = now_us();
        int wait = c->next_snap_us > now ? (int)((c->next_snap_us - now) / 1000) : 0;
        int most = bg_pending(&c->bg) ? BG_WAIT_MS : KEY_WAIT_MAX_MS;
        timeout(wait < most ? wait : most);
        int key = getch();
        for (int n = 0; key != ERR && n < KEYS_PER_DRAW; n++) {
            handle_key(c, key);
            if (c->quit)
                break;
            timeout(0);
            key = getch();
        }
    }
}

static console *console_new(run *r)
{
    console *c = xcalloc(1, sizeof *c);
    c->r = r;
    c->hz = DEFAULT_HZ;
    c->modes[0] = M_MAIN;
    c->depth = 1;
    c->focus = F_THREADS;
    c->tv.sel_id = -1;
    c->fd.reread = -1;
    evlog_init(&c->ev);
    bg_init(&c->bg, r);
    c->repro = repro_command(run_get_config(r)->seed);
    return c;
}

static void console_free(console *c)
{
    bg_stop(&c->bg);
    run_snapshot_free(c->snap);
    evlog_free(&c->ev);
    threads_free(&c->tv);
    weights_free(&c->wd);
    flags_free(&c->fd);
    profile_free(&c->pf);
    tv_free(&c->text);
    tv_free(&c->help);
    free(c->repro);
    free(c);
}

/* Starts curses on the controlling terminal. Returns the screen, or NULL
 * with *err set. */
static SCREEN *screen_open(char **err)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        *err = xstrdup("standard input and output must be a terminal");
        return NULL;
    }
    const char *term = getenv("TERM");
    if (!term || !*term) {
        *err = xstrdup("TERM is not set");
        return NULL;
    }
    /* curses decides at newterm whether the terminal takes UTF-8, from
     * the process's locale; the workers get theirs back right after. */
    char *saved = xstrdup(setlocale(LC_CTYPE, NULL));
    setlocale(LC_CTYPE, "");
    SCREEN *s = newterm(NULL, stdout, stdin);
    setlocale(LC_CTYPE, saved);
    free(saved);
    if (!s) {
        *err = xasprintf("cannot use the terminal type '%s'", term);
        return NULL;
    }
    set_term(s);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    leaveok(stdscr, TRUE);
    theme_init();
    return s;
}

int console_run(run *r, char **err)
{
    /* The locale for wide characters, for this thread only: the workers
     * keep the process's locale. */
    locale_t loc = newlocale(LC_CTYPE_MASK, "", (locale_t)0);
    locale_t old = loc ? uselocale(loc) : (locale_t)0;
    SCREEN *s = screen_open(err);
    if (!s) {
        if (loc) {
            uselocale(old);
            freelocale(loc);
        }
        return -1;
    }
    run_watch_tables(r); /* a workload's own tables, in place of the chaos objects */
    console *c = console_new(r);
    loop(c);
    endwin();
    delscreen(s);
    console_free(c);
    if (loc) {
        uselocale(old);
        freelocale(loc);
    }
    return 0;
}
