/* act_custom.c - actions a profile adds: SQL with typed {{placeholders}},
 * filled from the worker's own stream and sent as real $n parameters. */
#include "act_custom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sqlbuf.h"
#include "../core/util.h"

/* Finds the placeholder called name (len bytes) in a, or NULL. */
static const placeholder *find_placeholder(const custom_action *a, const char *name, size_t len)
{
    for (size_t i = 0; i < a->nplaceholders; i++)
        if (strlen(a->placeholders[i].name) == len && strncmp(a->placeholders[i].name, name, len) == 0)
            return &a->placeholders[i];
    return NULL;
}

static char *random_text(rng_t *r, int64_t min, int64_t max)
{
    static const char ALPHABET[] = "abcdefghijklmnopqrstuvwxyz0123456789 _-'";
    int64_t n = rng_range(r, min < 0 ? 0 : min, max < min ? min : max);
    char *s = xmalloc((size_t)n + 1);
    for (int64_t i = 0; i < n; i++)
        s[i] = ALPHABET[rng_below(r, sizeof ALPHABET - 1)];
    s[n] = '\0';
    return s;
}

/* Returns the text value of a parameter placeholder (caller frees). */
static char *placeholder_value(const placeholder *p, rng_t *r)
{
    switch (p->kind) {
    case PH_INT:
        return xasprintf("%lld", (long long)rng_range(r, p->min, p->max));
    case PH_TEXT:
        return random_text(r, p->min, p->max);
    case PH_CHOICE:
        return xstrdup(p->nchoices ? p->choices[rng_pick(r, p->nchoices)] : "");
    case PH_BOOL:
        return xstrdup(rng_chance(r, 0.5) ? "true" : "false");
    default:
        return xstrdup("");
    }
}

/* Appends a value as a SQL literal: numbers and booleans bare, text quoted. */
static void add_literal(sqlbuf *out, const placeholder *ph, const char *v)
{
    if (ph->kind == PH_INT || ph->kind == PH_BOOL)
        sb_add(out, v);
    else
        sb_literal(out, v);
}

/* Expands a's SQL: table placeholders are spliced in as names; the others
 * become $n (a placeholder used twice keeps its number), or with
 * SEND_AS_LITERALS are written in as literals. Fills values[] (caller
 * frees each) and returns the count, or -1 when a table was needed but
 * none is tracked. */
static int expand(actx *a, const custom_action *ca, sqlbuf *out, char **values)
{
    const placeholder *used[64];
    int n = 0;
    const char *p = ca->sql;
    while (*p) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!open || !close) {
            sb_add(out, p);
            break;
        }
        sb_addn(out, p, (size_t)(open - p));
        const placeholder *ph = find_placeholder(ca, open + 2, (size_t)(close - open - 2));
        p = close + 2;
        if (!ph)
            continue; /* the profile loader rejects undefined placeholders */
        if (ph->kind == PH_TABLE) {
            cat_desc d;
            cat_obj *t = catalog_pick(a->cat, a->rng, OBJ_MASK(OBJ_TABLE), a->worker_id, false, &d);
            if (!t)
                return -1;
            catalog_release(a->cat, t);
            sb_add(out, d.qname);
            continue;
        }
        int k = 0;
        while (k < n && used[k] != ph)
            k++;
        if (k == n) {
            if (n == (int)ARRAY_LEN(used))
                continue;
            used[n] = ph;
            values[n] = placeholder_value(ph, a->rng);
            n++;
        }
        if (ca->send == SEND_AS_LITERALS)
            add_literal(out, ph, values[k]);
        else
            sb_printf(out, "$%d", k + 1);
    }
    return n;
}

static act_result run_custom(actx *a)
{
    const custom_action *ca = a->action->data;
    char *values[64];
    sqlbuf sql = SQLBUF_INIT;
    int n = expand(a, ca, &sql, values);
    act_result res = ACT_SKIP;
    if (n >= 0) {
        const char *const *v = (const char *const *)values;
        bool ok;
        if (ca->send == SEND_AS_PREPARED) {
            char name[96];
            snprintf(name, sizeof name, "melee_%s_%s", action_list_name(ca->list), ca->name);
            ok = ax_exec_named(a, name, sb_str(&sql), n, v);
        } else if (ca->send == SEND_AS_LITERALS || n == 0) {
            ok = ax_exec(a, sb_str(&sql));
        } else {
            ok = ax_exec_params(a, sb_str(&sql), n, v);
        }
        res = ok ? ACT_OK : ACT_FAIL;
    }
    for (int i = 0; i < n; i++)
        free(values[i]);
    sb_free(&sql);
    return res;
}

action_def *custom_actions_build(const run_config *c, size_t *n)
{
    *n = c->ncustom;
    action_def *rows = xcalloc(c->ncustom ? c->ncustom : 1, sizeof *rows);
    for (size_t i = 0; i < c->ncustom; i++) {
        const custom_action *ca = &c->custom[i];
        error_rule *rules = xcalloc(ca->nexpected + 1, sizeof *rules);
        for (size_t k = 0; k < ca->nexpected; k++)
            rules[k] = (error_rule){ca->expected[k].sqlstate && *ca->expected[k].sqlstate
                                        ? ca->expected[k].sqlstate
                                        : NULL,
                                    ca->expected[k].message && *ca->expected[k].message
                                        ? ca->expected[k].message
                                        : NULL,
                                    ca->expected[k].cls, WHEN_ALWAYS};
        rows[i] = (action_def){ca->name, ca->list, ca->weight, run_custom, rules, ACTF_NONE, ca};
    }
    return rows;
}

void custom_actions_free(action_def *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++)
        free((void *)rows[i].expected);
    free(rows);
}

bool custom_actions_setup(actx *a, const run_config *c)
{
    for (size_t i = 0; i < c->ncustom; i++)
        if (c->custom[i].setup_sql && *c->custom[i].setup_sql &&
            !ax_exec(a, c->custom[i].setup_sql))
            return false;
    return true;
}
