/* act_write.c - the write actions, inside the engine's transactions:
 * multi-row INSERT with random values (NULLs and edge values included),
 * COPY FROM STDIN through libpq's COPY API, and INSERT ... SELECT from the
 * table itself. They take no object locks (see ddl_util.h). */
#include <stdlib.h>

#include "../core/util.h"
#include "action.h"
#include "ddl_util.h"
#include "gen_value.h"

/* Tables stop growing past this row estimate; deletes and truncates
 * bring them back. */
#define MAX_TABLE_ROWS 20000
#define MAX_INSERT_ROWS 20
#define MAX_COPY_ROWS 200

/* Picks a table that may still grow. Returns false when there is none. */
static bool pick_growable(actx *a, held *t)
{
    if (!held_pick(a, OBJ_MASK(OBJ_TABLE), false, false, t))
        return false;
    if (t->d.rows < MAX_TABLE_ROWS)
        return true;
    held_release(a, t, 1);
    return false;
}

static act_result insert(actx *a)
{
    held t;
    if (!pick_growable(a, &t))
        return ACT_SKIP;
    int rows = (int)rng_range(a->rng, 1, MAX_INSERT_ROWS);
    ddl_insert_sql(&a->sql, a->rng, &t.d, rows, -1);
    bool ok = ax_exec_any(a, sb_str(&a->sql), 0, NULL);
    if (ok)
        catalog_add_rows(a->cat, t.o, ax_affected(a));
    held_release(a, &t, 1);
    return act_of(ok);
}

/* Appends rows of COPY text data for the columns of t other than "id". */
static void copy_data(sqlbuf *data, rng_t *r, const cat_desc *t, int rows)
{
    for (int row = 0; row < rows; row++) {
        for (int i = 1; i < t->ncols; i++) {
            const cat_column *c = &t->cols[i];
            char *v = gen_param_text(r, c->type, !c->not_null);
            if (i > 1)
                sb_addc(data, '\t');
            gen_copy_field(data, v);
            free(v);
        }
        sb_addc(data, '\n');
    }
}

static act_result copy_from_stdin(actx *a)
{
    held t;
    if (!pick_growable(a, &t))
        return ACT_SKIP;
    if (t.d.ncols < 2) {
        held_release(a, &t, 1);
        return ACT_SKIP;
    }
    sqlbuf *b = &a->sql;
    sb_printf(b, "COPY %s (", t.d.qname);
    for (int i = 1; i < t.d.ncols; i++) {
        if (i > 1)
            sb_add(b, ", ");
        sb_ident(b, t.d.cols[i].name);
    }
    sb_add(b, ") FROM STDIN");
    int rows = (int)rng_range(a->rng, 1, MAX_COPY_ROWS);
    sqlbuf data = SQLBUF_INIT;
    copy_data(&data, a->rng, &t.d, rows);
    bool ok = ax_copy_in(a, sb_str(b), data.s ? data.s : "", data.len);
    if (ok)
        catalog_add_rows(a->cat, t.o, rows);
    sb_free(&data);
    held_release(a, &t, 1);
    return act_of(ok);
}

/* INSERT INTO t (cols) SELECT cols FROM t LIMIT n: doubles rows with
 * values the table already holds (and key conflicts when id is listed). */
static act_result insert_select(actx *a)
{
    held t;
    if (!pick_growable(a, &t))
        return ACT_SKIP;
    sqlbuf cols = SQLBUF_INIT;
    bool with_id = rng_chance(a->rng, 0.1);
    for (int i = with_id ? 0 : 1; i < t.d.ncols; i++) {
        if (cols.len)
            sb_add(&cols, ", ");
        sb_ident(&cols, t.d.cols[i].name);
    }
    if (cols.len == 0) {
        sb_free(&cols);
        held_release(a, &t, 1);
        return ACT_SKIP;
    }
    sb_printf(&a->sql, "INSERT INTO %s (%s) SELECT %s FROM %s LIMIT %d", t.d.qname,
              sb_str(&cols), sb_str(&cols), t.d.qname, (int)rng_range(a->rng, 1, 100));
    bool ok = ax_exec_any(a, sb_str(&a->sql), 0, NULL);
    if (ok)
        catalog_add_rows(a->cat, t.o, ax_affected(a));
    sb_free(&cols);
    held_release(a, &t, 1);
    return act_of(ok);
}

const action_def write_actions[] = {
    {"insert", LIST_WRITE, 100, insert, NULL, ACTF_NONE, NULL},
    {"copy_from_stdin", LIST_WRITE, 20, copy_from_stdin, NULL, ACTF_NONE, NULL},
    {"insert_select", LIST_WRITE, 10, insert_select, NULL, ACTF_NONE, NULL},
};
const size_t write_actions_count = ARRAY_LEN(write_actions);
