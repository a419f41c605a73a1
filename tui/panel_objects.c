/* panel_objects.c - each tracked object kind: how many exist against its
 * limit, as a bar that turns yellow then red near the limit. A run whose
 * workload has tables of its own shows those in this place instead
 * (panel_tables.c). */
#include <stdio.h>

#include "panels.h"

#define WARN_AT 0.75
#define BAD_AT 0.95

static role fill_role(int count, int limit)
{
    if (limit <= 0)
        return R_BAR_OK;
    double f = (double)count / limit;
    return f >= BAD_AT ? R_BAR_BAD : f >= WARN_AT ? R_BAR_WARN : R_BAR_OK;
}

/* Names that fit a narrow cell. */
static const char *const SHORT_NAME[OBJ_KIND_COUNT] = {
    [OBJ_SCHEMA] = "schemas", [OBJ_TABLE] = "tables",  [OBJ_VIEW] = "views",
    [OBJ_MATVIEW] = "matviews", [OBJ_INDEX] = "indexes", [OBJ_SEQUENCE] = "seqs",
    [OBJ_ROLE] = "roles",
};

/* Returns the width of the widest "count/limit". */
static int count_width(const run_snapshot *s)
{
    int w = 3;
    for (int k = 0; k < OBJ_KIND_COUNT; k++) {
        char n[24];
        int len = snprintf(n, sizeof n, "%d/%d", s->counts[k], s->limits[k]);
        if (len > w)
            w = len;
    }
    return w;
}

/* One kind in w columns: "tables    12/30 ######....". */
static void draw_kind(const console *c, int k, int y, int x, int w, bool wide)
{
    int count = c->snap->counts[k], limit = c->snap->limits[k];
    char n[24];
    snprintf(n, sizeof n, "%d/%d", count, limit);
    role r = fill_role(count, limit);
    const char *name = wide ? obj_kind_name((obj_kind)k) : SHORT_NAME[k];
    int name_w = wide ? 9 : 8, cw = count_width(c->snap);
    draw_text(y, x, name_w, count ? R_NORMAL : R_DIM, name, false);
    int nx = x + name_w + 1;
    draw_right(y, nx, cw, r == R_BAR_OK ? R_NORMAL : r, n);
    int bx = nx + cw + 1, bw = x + w - bx - 1;
    if (bw >= 2)
        draw_bar(y, bx, bw, limit > 0 ? (double)count / limit : 0, r);
}

void objects_draw(console *c, rect a)
{
    if (a.h <= 0 || a.w <= 0)
        return;
    if (c->snap->tables_watched) {
        tables_draw(c, a);
        return;
    }
    if (c->lay.side) {
        int y = a.y;
        draw_rule(y++, a.x, a.w, R_TITLE, "Objects / limit");
        for (int k = 0; k < OBJ_KIND_COUNT && y < a.y + a.h; k++)
            draw_kind(c, k, y++, a.x, a.w, true);
        return;
    }
    int cell_w;
    int per = layout_object_cells(a.w, &cell_w);
    for (int k = 0; k < OBJ_KIND_COUNT; k++) {
        int row = k / per, col = k % per;
        if (row >= a.h)
            break;
        draw_kind(c, k, a.y + row, a.x + col * cell_w, cell_w, cell_w >= 26);
    }
}
