/* panel_check.c - the checker's latest verdict on the recorded history
 * and the anomalies it found; Enter shows an anomaly's example. When the
 * run checks no invariant workload, the panel lists the workload's
 * assertions instead (panel_asserts.c), if it makes any. */
#include <limits.h>
#include <stdio.h>

#include "../core/check/check.h"
#include "panels.h"

static role verdict_role(int v)
{
    return v == VERDICT_VALID ? R_GOOD : v == VERDICT_INVALID ? R_BAD : R_WARN;
}

int check_panel_rows(const run_snapshot *s)
{
    if (s->check.enabled)
        return (int)s->check.nanomalies;
    return s->nasserts ? (int)s->nasserts : -1;
}

void check_draw(console *c, rect a)
{
    const check_snap *k = &c->snap->check;
    if (a.h <= 0 || a.w <= 0 || check_panel_rows(c->snap) < 0)
        return;
    if (!k->enabled) {
        asserts_draw(c, a);
        return;
    }
    check_view *v = &c->ckv;
    int y = a.y, end = a.y + a.h;
    char t[96];
    snprintf(t, sizeof t, "Checker %s", k->checker);
    draw_rule(y++, a.x, a.w, c->focus == F_CHECK ? R_FOCUS : R_TITLE, t);
    if (y >= end)
        return;
    int x = a.x, xe = a.x + a.w;
    char ago[24];
    if (k->verdict < 0) {
        x += draw_text(y, x, xe - x, R_DIM, "not checked yet", false);
    } else {
        x += draw_text(y, x, xe - x, verdict_role(k->verdict), verdict_name((verdict)k->verdict), false);
        x += draw_fmt(y, x, xe - x, R_DIM, "  %s ago  ",
                      fmt_secs(ago, sizeof ago, c->snap->elapsed_s - k->checked_at_s));
    }
    x += draw_fmt(y, x, xe - x, R_NORMAL, "%llu ops recorded  ", (unsigned long long)k->history_ops);
    draw_text(y, x, xe - x, R_NORMAL, k->reason[0] ? k->reason : k->stats, true);
    y++;
    int rows = end - y;
    v->page = rows;
    if (v->sel >= (int)k->nanomalies)
        v->sel = (int)k->nanomalies - 1;
    if (v->sel < 0)
        v->sel = 0;
    v->top = scroll_top(v->top, v->sel, rows, (int)k->nanomalies);
    if (!k->nanomalies && rows > 0 && k->stats[0] && k->reason[0])
        draw_text(y, a.x, a.w, R_DIM, k->stats, true);
    for (int i = 0; i < rows && (size_t)(v->top + i) < k->nanomalies; i++) {
        const check_anomaly_snap *an = &k->anomalies[v->top + i];
        bool selected = c->focus == F_CHECK && v->top + i == v->sel;
        role r = selected ? R_SELECTED : R_BAD;
        if (selected)
            draw_fill(y + i, a.x, a.w, R_SELECTED);
        int ax = a.x + draw_fmt(y + i, a.x, a.w, r, "%-16s x%zu  ", an->type, an->count);
        draw_text(y + i, ax, a.x + a.w - ax, selected ? r : R_NORMAL, an->example, true);
    }
}

void check_move(console *c, int delta)
{
    int n = check_panel_rows(c->snap);
    long s = delta == INT_MIN ? 0 : delta == INT_MAX ? n - 1 : (long)c->ckv.sel + delta;
    c->ckv.sel = s < 0 ? 0 : s >= n ? (n ? n - 1 : 0) : (int)s;
}

void check_detail_fill(console *c)
{
    const check_snap *k = &c->snap->check;
    textview *t = &c->text;
    tv_reset(t, "Anomaly");
    if ((size_t)c->detail_id >= k->nanomalies) {
        tv_add(t, R_DIM, "%s", "the anomaly is no longer reported");
        return;
    }
    const check_anomaly_snap *an = &k->anomalies[c->detail_id];
    tv_add(t, R_BAD, "%s, seen %zu time%s", an->type, an->count, an->count == 1 ? "" : "s");
    tv_add(t, R_NORMAL, "checker:   %s, verdict %s", k->checker,
           k->verdict < 0 ? "not yet" : verdict_name((verdict)k->verdict));
    tv_add(t, R_NORMAL, "seed:      %llu", (unsigned long long)c->snap->seed);
    tv_add(t, R_NORMAL, "reproduce: %s", c->repro);
    tv_add(t, R_NORMAL, "%s", "");
    tv_add(t, R_TITLE, "%s", "example:");
    tv_add_text(t, R_NORMAL, an->example);
}

void check_open(console *c, int key)
{
    (void)key;
    if (!c->snap->check.enabled) {
        asserts_open(c);
        return;
    }
    if (!c->snap->check.nanomalies)
        return;
    c->detail = D_ANOMALY;
    c->detail_id = c->ckv.sel;
    check_detail_fill(c);
    ui_push(c, M_TEXT);
}
