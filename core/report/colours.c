/* colours.c - the report's colour tables. */
#include "colours.h"

#include <string.h>

#include "../fault/kinds.h"
#include "../util.h"

typedef struct colour_row {
    const char *name;
    const char *colour;
    int always;              /* states: shown even when always zero */
} colour_row;

/* Throughput layers, bottom to top. */
static const colour_row OUTCOMES[] = {
    {"ok", "#2ca02c", 0},        {"ignored", "#6baed6", 0}, {"fault", "#ff7f0e", 0},
    {"unexpected", "#d62728", 0}, {"fail", "#9467bd", 0},   {"info", "#e6ab02", 0},
};

/* Thread-state layers, bottom to top. */
static const colour_row STATES[] = {
    {"running", "#2ca02c", 1},    {"waiting", "#ff7f0e", 1},     {"idle in txn", "#e6ab02", 1},
    {"paused", "#9467bd", 1},     {"reconnecting", "#d62728", 1}, {"frozen", "#17becf", 0},
    {"idle", "#c7c7c7", 0},       {"connecting", "#8c564b", 0},  {"hung", "#7f0000", 0},
    {"starting", "#e7e7e7", 0},   {"stopped", "#7f7f7f", 0},
};

/* Fault marks of kinds that are not rows of the fault kinds table
 * (core/fault/kinds.c holds each kind's colour). */
static const colour_row OTHER_FAULTS[] = {
    {"server-crash", "#000000", 0},
};

static const char *const SPARE[] = {"#1b9e77", "#d95f02", "#66a61e", "#a6761d",
                                    "#666666", "#8dd3c7", "#bebada", "#fb8072"};

static const colour_row *find(const colour_row *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}

static const char *spare(const char *name)
{
    unsigned h = 5381;
    for (const char *p = name; *p; p++)
        h = h * 33 + (unsigned char)*p;
    return SPARE[h % ARRAY_LEN(SPARE)];
}

static const char *colour(const colour_row *t, size_t n, const char *name)
{
    const colour_row *r = find(t, n, name);
    return r ? r->colour : spare(name);
}

static int rank(const colour_row *t, size_t n, const char *name)
{
    const colour_row *r = find(t, n, name);
    return r ? (int)(r - t) : (int)n;
}

const char *outcome_colour(const char *o) { return colour(OUTCOMES, ARRAY_LEN(OUTCOMES), o); }
const char *state_colour(const char *s) { return colour(STATES, ARRAY_LEN(STATES), s); }
const char *fault_colour(const char *k)
{
    int kind = fault_kind_find(k);
    return kind >= 0 ? fault_kind_get((fault_kind)kind)->colour
                     : colour(OTHER_FAULTS, ARRAY_LEN(OTHER_FAULTS), k);
}

int outcome_rank(const char *o) { return rank(OUTCOMES, ARRAY_LEN(OUTCOMES), o); }
int state_rank(const char *s) { return rank(STATES, ARRAY_LEN(STATES), s); }

int state_always_shown(const char *s)
{
    const colour_row *r = find(STATES, ARRAY_LEN(STATES), s);
    return r && r->always;
}
