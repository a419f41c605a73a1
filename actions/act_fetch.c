/* act_fetch.c - the fetch action: DECLARE a cursor over a generated
 * query, FETCH / MOVE through it in steps until a coin flip or the rows
 * run out, CLOSE it. Cursors live in the transaction the engine ends. */
#include <stdio.h>

#include "../core/util.h"
#include "act_read.h"
#include "action.h"

#define MAX_STEPS 8
#define STOP_CHANCE 0.2

/* One cursor step: its SQL (a %d slot for a count where "count" is set)
 * and whether it needs a SCROLL cursor. */
typedef struct fetch_step {
    const char *sql;
    bool count;
    bool backward;
    unsigned weight;
} fetch_step;

static const fetch_step STEPS[] = {
    {"FETCH %d FROM %s", true, false, 6},
    {"FETCH NEXT FROM %s", false, false, 4},
    {"FETCH FORWARD %d FROM %s", true, false, 2},
    {"FETCH ALL FROM %s", false, false, 1},
    {"MOVE %d IN %s", true, false, 2},
    {"MOVE FORWARD ALL IN %s", false, false, 1},
    {"FETCH PRIOR FROM %s", false, true, 2},
    {"FETCH FIRST FROM %s", false, true, 1},
    {"FETCH LAST FROM %s", false, true, 1},
    {"FETCH ABSOLUTE %d FROM %s", true, true, 1},
    {"FETCH RELATIVE -%d FROM %s", true, true, 1},
    {"FETCH BACKWARD %d FROM %s", true, true, 1},
    {"MOVE BACKWARD ALL IN %s", false, true, 1},
};

static const fetch_step *pick_step(rng_t *r, bool scroll)
{
    unsigned w[ARRAY_LEN(STEPS)];
    for (size_t i = 0; i < ARRAY_LEN(STEPS); i++)
        w[i] = (!STEPS[i].backward || scroll) ? STEPS[i].weight : 0;
    return &STEPS[rng_weighted(r, w, ARRAY_LEN(STEPS))];
}

static act_result fetch(actx *a)
{
    rng_t *r = a->rng;
    bool scroll = rng_chance(r, 0.3);
    gen_query_opts o = gen_query_all();
    o.allow_for_update = !scroll;   /* FOR UPDATE cursors cannot scroll */
    char name[16];
    snprintf(name, sizeof name, "c%d", (int)rng_below(r, 10));

    sqlbuf *b = &a->sql;
    const char *binary = rng_chance(r, 0.1) ? "BINARY " : "";
    const char *scrolling = scroll ? "SCROLL " : (rng_chance(r, 0.5) ? "NO SCROLL " : "");
    sb_printf(b, "DECLARE %s %s%sCURSOR WITHOUT HOLD FOR ", name, binary, scrolling);
    if (!read_gen_select(a, b, &o, NULL))
        return ACT_SKIP;
    if (!ax_begin(a) || !ax_exec(a, sb_str(b)))
        return ACT_FAIL;

    int steps = (int)rng_range(r, 1, MAX_STEPS);
    for (int i = 0; i < steps; i++) {
        const fetch_step *s = pick_step(r, scroll);
        sb_reset(b);
        if (s->count)
            sb_printf(b, s->sql, (int)rng_range(r, 1, 20), name);
        else
            sb_printf(b, s->sql, name);
        if (!ax_exec(a, sb_str(b)))
            return ACT_FAIL;
        bool is_fetch = s->sql[0] == 'F';
        if ((is_fetch && !s->backward && ax_ntuples(a) == 0) || rng_chance(r, STOP_CHANCE))
            break;
    }
    sb_reset(b);
    sb_printf(b, "CLOSE %s", rng_chance(r, 0.1) ? "ALL" : name);
    return ax_exec(a, sb_str(b)) ? ACT_OK : ACT_FAIL;
}

const action_def fetch_actions[] = {
    {"fetch", LIST_FETCH, 30, fetch, NULL, ACTF_NONE, NULL},
};
const size_t fetch_actions_count = ARRAY_LEN(fetch_actions);
