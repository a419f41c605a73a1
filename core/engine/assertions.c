/* assertions.c - the tally of a run's assertions (assertions.h). */
#include "assertions.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

struct assert_table {
    pthread_mutex_t mu;
    assertion_row rows[ASSERT_ROWS_MAX];
    size_t n;
    uint64_t passed, failed;  /* every assertion, the rows' and the rest */
};

assert_table *assert_table_new(void)
{
    assert_table *t = xcalloc(1, sizeof *t);
    pthread_mutex_init(&t->mu, NULL);
    return t;
}

static void row_clear(assertion_row *r)
{
    free(r->name);
    free(r->where);
    free(r->expected);
    free(r->got);
    free(r->detail);
}

void assert_table_free(assert_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        row_clear(&t->rows[i]);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

/* Returns the row of (name, where), made when there is room, or NULL. */
static assertion_row *row_of(assert_table *t, const char *name, const char *where)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].name, name) == 0 && strcmp(t->rows[i].where, where) == 0)
            return &t->rows[i];
    if (t->n == ASSERT_ROWS_MAX)
        return NULL;
    assertion_row *r = &t->rows[t->n++];
    *r = (assertion_row){.name = xstrdup(name), .where = xstrdup(where), .thread = -1};
    return r;
}

void assert_table_count(assert_table *t, const assertion *x, int thread, double time_s)
{
    pthread_mutex_lock(&t->mu);
    assertion_row *r = row_of(t, x->name ? x->name : "", x->where ? x->where : "");
    if (x->passed) {
        t->passed++;
        if (r)
            r->passed++;
    } else {
        t->failed++;
        if (r) {
            r->failed++;
            free(r->expected);
            free(r->got);
            free(r->detail);
            r->expected = xstrdup(x->expected ? x->expected : "");
            r->got = xstrdup(x->got ? x->got : "");
            r->detail = xstrdup(x->detail);
            r->thread = thread;
            r->time_s = time_s;
        }
    }
    pthread_mutex_unlock(&t->mu);
}

void assert_table_totals(assert_table *t, uint64_t *passed, uint64_t *failed)
{
    pthread_mutex_lock(&t->mu);
    *passed = t->passed;
    *failed = t->failed;
    pthread_mutex_unlock(&t->mu);
}

/* Whether row a goes after row b: it failed less often. */
static bool goes_after(const assertion_row *a, const assertion_row *b)
{
    return a->failed < b->failed;
}

size_t assert_table_rows(assert_table *t, assertion_row **out)
{
    pthread_mutex_lock(&t->mu);
    size_t n = t->n;
    assertion_row *v = xcalloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const assertion_row *r = &t->rows[i];
        v[i] = *r;
        v[i].name = xstrdup(r->name);
        v[i].where = xstrdup(r->where);
        v[i].expected = xstrdup(r->expected);
        v[i].got = xstrdup(r->got);
        v[i].detail = xstrdup(r->detail);
    }
    pthread_mutex_unlock(&t->mu);
    /* most failures first; an insertion sort keeps equals in first-seen order */
    for (size_t i = 1; i < n; i++) {
        assertion_row x = v[i];
        size_t k = i;
        while (k > 0 && goes_after(&v[k - 1], &x)) {
            v[k] = v[k - 1];
            k--;
        }
        v[k] = x;
    }
    *out = v;
    return n;
}

void assertion_rows_free(assertion_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++)
        row_clear(&rows[i]);
    free(rows);
}
