/* panel_tables.c - in place of the chaos objects, the tables of a
 * workload that is not chaos (its own schema or schemas): how many rows
 * each holds and how many it has had written, from the server's
 * statistics, which lag by about a second. */
#include <stdio.h>
#include <string.h>

#include "panels.h"

/* Returns how many leading bytes the schemas of s share, cut after an
 * underscore ("melee_fsm_"), so that several workloads' tables show as
 * "rmw.t" rather than "melee_fsm_rmw.t"; 0 with one schema only. */
static size_t common_prefix(const run_snapshot *s)
{
    if (!s->ntables)
        return 0;
    const char *first = s->tables[0].schema;
    size_t n = strlen(first);
    bool several = false;
    for (size_t i = 1; i < s->ntables; i++) {
        const char *o = s->tables[i].schema;
        size_t k = 0;
        while (k < n && first[k] == o[k])
            k++;
        several |= strcmp(first, o) != 0;
        n = k;
    }
    if (!several)
        return 0;
    while (n > 0 && first[n - 1] != '_')
        n--;
    return n;
}

/* The name a table is shown by: its own with one schema, else its
 * schema's distinct part and its own. */
static void shown_name(const run_snapshot *s, const table_snap *t, size_t prefix, char *buf,
                       size_t n)
{
    if (prefix || (s->ntables > 1 && strcmp(s->tables[0].schema, t->schema) != 0))
        snprintf(buf, n, "%s.%s", t->schema + prefix, t->name);
    else
        snprintf(buf, n, "%s", t->name);
}

/* Side column: a titled list, one table a line. */
static void draw_list(const run_snapshot *s, rect a, size_t prefix)
{
    int y = a.y, end = a.y + a.h;
    draw_rule(y++, a.x, a.w, R_TITLE, "Tables: rows, writes");
    if (!s->ntables && y < end) {
        draw_text(y, a.x, a.w, R_DIM, s->tables_note, true);
        return;
    }
    int count_w = 8, name_w = a.w - 2 * (count_w + 1);
    for (size_t i = 0; i < s->ntables && y < end; i++, y++) {
        if (y == end - 1 && i + 1 < s->ntables) {
            draw_fmt(y, a.x, a.w, R_DIM, "+%zu more", s->ntables - i);
            break;
        }
        const table_snap *t = &s->tables[i];
        char name[160], rows[24], writes[24];
        shown_name(s, t, prefix, name, sizeof name);
        draw_text(y, a.x, name_w, t->rows ? R_NORMAL : R_DIM, name, true);
        draw_right(y, a.x + name_w + 1, count_w, R_BOLD,
                   fmt_count(rows, sizeof rows, (uint64_t)t->rows, count_w));
        draw_right(y, a.x + name_w + count_w + 2, count_w, R_DIM,
                   fmt_count(writes, sizeof writes, (uint64_t)t->writes, count_w));
    }
}

/* Compact: "tables  t 1  t_log 5234 ..." flowing over the lines. */
static void draw_flow(const run_snapshot *s, rect a, size_t prefix)
{
    int y = a.y, x = a.x, xe = a.x + a.w;
    x += draw_text(y, x, xe - x, R_TITLE, "Tables (rows) ", false);
    if (!s->ntables) {
        draw_text(y, x, xe - x, R_DIM, s->tables_note, true);
        return;
    }
    for (size_t i = 0; i < s->ntables; i++) {
        char name[160], rows[24], more[24];
        shown_name(s, &s->tables[i], prefix, name, sizeof name);
        fmt_count(rows, sizeof rows, (uint64_t)s->tables[i].rows, 8);
        int w = text_width(name) + 1 + text_width(rows) + 2;
        int more_w = snprintf(more, sizeof more, "+%zu more", s->ntables - i);
        bool last = i + 1 == s->ntables;
        if (x + w + (last ? 0 : more_w) > xe && x > a.x) {
            if (y + 1 < a.y + a.h) {
                y++;
                x = a.x;
            } else {
                draw_text(y, x, xe - x, R_DIM, more, false);
                return;
            }
        }
        x += draw_text(y, x, xe - x, R_NORMAL, name, true) + 1;
        x += draw_text(y, x, xe - x, R_BOLD, rows, false) + 2;
    }
}

void tables_draw(console *c, rect a)
{
    if (a.h <= 0 || a.w <= 0)
        return;
    size_t prefix = common_prefix(c->snap);
    if (c->lay.side)
        draw_list(c->snap, a, prefix);
    else
        draw_flow(c->snap, a, prefix);
}
