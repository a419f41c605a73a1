/* panels.h - the panels of the main screen: each draws itself into a
 * rectangle from the console's latest snapshot, and owns the keys that
 * act on it. Key handlers take the console and the key pressed. */
#ifndef MELEE_TUI_PANELS_H
#define MELEE_TUI_PANELS_H

#include "ui.h"

/* Header: target, server, profile, seed, workload, time, rate, totals. */
void header_draw(console *c, rect a);

/* Threads: one row per worker. threads_prepare orders the rows of a new
 * snapshot (call after each snapshot and after a sort change). */
void threads_prepare(console *c);
void threads_draw(console *c, rect a);
void threads_move(console *c, int delta);
void threads_tag(console *c, int key);
void threads_untag_all(console *c, int key);
void threads_sort_next(console *c, int key);
void threads_sort_reverse(console *c, int key);
void threads_pause(console *c, int key);
/* Returns true when p would pause (some of the threads it acts on run),
 * false when it would resume them. */
bool threads_pause_would_pause(const console *c);
/* z: freezes the tagged threads, else the selected one, inside their open
 * transaction, or lets them go on when each is already frozen. */
void threads_freeze(console *c, int key);
/* Returns true when z would freeze (some of its threads are not frozen). */
bool threads_freeze_would_freeze(const console *c);
void threads_open(console *c, int key);
/* Refills the thread detail view (c->detail == D_THREAD). */
void threads_detail_fill(console *c);
/* Frees what the threads view allocated. */
void threads_free(threads_view *tv);

/* Events: the newest events, or groups by SQLSTATE + message. */
void events_draw(console *c, rect a);
void events_move(console *c, int delta);
void events_toggle_ignored(console *c, int key);
void events_toggle_grouped(console *c, int key);
void events_open(console *c, int key);

/* Objects against their limits; for a workload that has its own
 * tables (not chaos), those tables instead (tables_draw). */
void objects_draw(console *c, rect a);
void tables_draw(console *c, rect a);

/* Faults: active, recent, what comes next. */
void faults_draw(console *c, rect a);

/* The checker panel: the checker's verdict and anomalies when the run
 * checks an invariant workload, else the workload's assertions when it
 * makes any. check_panel_rows returns the rows it would like below its
 * two first lines, or -1 when it has nothing to show. */
int check_panel_rows(const run_snapshot *s);
void check_draw(console *c, rect a);
void check_move(console *c, int delta);
void check_open(console *c, int key);
/* Refills the anomaly detail view (c->detail == D_ANOMALY). */
void check_detail_fill(console *c);

/* The assertions in the checker panel (panel_asserts.c). */
void asserts_draw(console *c, rect a);
void asserts_open(console *c);
/* Refills the assertion detail view (c->detail == D_ASSERTION). */
void asserts_detail_fill(console *c);

#endif
