/* check.c - the checker table, verdicts and results shared by every
 * checker. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "feed.h"

#include "../util.h"

/* The fed interface of a checker that takes records one at a time. */
typedef struct feeder {
    void *(*make)(const check_opts *o);
    void (*feed)(void *state, const hist_op *op);
    void (*result)(const void *state, check_result *out);
    void (*release)(void *state);
} feeder;

/* Checks a whole history with a fed checker: every record, then the
 * result. */
static int feed_whole(const feeder *f, const history *h, const check_opts *o,
                      check_result *out)
{
    void *s = f->make(o);
    for (size_t i = 0; i < h->n; i++)
        f->feed(s, &h->ops[i]);
    f->result(s, out);
    f->release(s);
    return 0;
}

/* Typed fed checkers seen through the untyped feeder interface, and their
 * whole-history check_<name> (check.h). */
#define FEEDER(name, type)                                                                  \
    static void *name##_make(const check_opts *o) { return name##_new(o); }                \
    static void name##_feed_any(void *s, const hist_op *op) { name##_feed((type *)s, op); } \
    static void name##_result_any(const void *s, check_result *out)                         \
    {                                                                                       \
        name##_result((const type *)s, out);                                                \
    }                                                                                       \
    static void name##_release(void *s) { name##_free((type *)s); }                         \
    static const feeder name##_feeder = {name##_make, name##_feed_any, name##_result_any,   \
                                         name##_release};                                   \
    int check_##name(const history *h, const check_opts *o, check_result *out)              \
    {                                                                                       \
        return feed_whole(&name##_feeder, h, o, out);                                       \
    }

FEEDER(bank, bank_state)
FEEDER(counter, counter_state)
FEEDER(set, set_state)
FEEDER(long_fork, long_fork_state)

typedef struct checker_row {
    const char *workload;
    int (*check)(const history *h, const check_opts *o, check_result *out);
    const feeder *fed; /* NULL: the checker needs the whole history */
} checker_row;

static const checker_row CHECKERS[] = {
    {"bank", check_bank, &bank_feeder},
    {"counter", check_counter, &counter_feeder},
    {"set", check_set, &set_feeder},
    {"long-fork", check_long_fork, &long_fork_feeder},
    {"register", check_register, NULL},
    {"multi-register", check_register, NULL},
    {"append", check_append, NULL},
    {"default-value", check_default_value, NULL},
};

struct check_stream {
    const feeder *fed;
    void *state;
};

static const checker_row *checker_of(const char *workload)
{
    for (size_t i = 0; workload && i < ARRAY_LEN(CHECKERS); i++)
        if (strcmp(CHECKERS[i].workload, workload) == 0)
            return &CHECKERS[i];
    return NULL;
}

static const char *const VERDICT_NAMES[] = {"valid", "invalid", "unknown"};

const char *verdict_name(verdict v)
{
    return (unsigned)v < ARRAY_LEN(VERDICT_NAMES) ? VERDICT_NAMES[v] : "unknown";
}

check_opts check_opts_default(isolation iso)
{
    check_opts o = {.isolation = iso, .time_budget_s = 1.0, .threads = 2};
    return o;
}

const char *check_workload_names(void)
{
    return "bank, counter, set, long-fork, register, multi-register, append, default-value";
}

bool check_workload_known(const char *workload)
{
    return checker_of(workload) != NULL;
}

/* o with the defaults filled in. */
static check_opts opts_or_defaults(const check_opts *o)
{
    check_opts d = *o;
    if (d.time_budget_s <= 0)
        d.time_budget_s = 1.0;
    if (d.threads <= 0)
        d.threads = 2;
    return d;
}

int check_history(const history *h, const char *workload, const check_opts *o,
                  check_result *out, char **err)
{
    memset(out, 0, sizeof *out);
    const checker_row *row = checker_of(workload);
    if (!row) {
        *err = xasprintf("no checker for workload '%s' (there are: %s)", workload,
                         check_workload_names());
        return -1;
    }
    check_opts d = opts_or_defaults(o);
    return row->check(h, &d, out);
}

check_stream *check_stream_new(const char *workload, const check_opts *o)
{
    const checker_row *row = checker_of(workload);
    if (!row || !row->fed)
        return NULL;
    check_opts d = opts_or_defaults(o);
    check_stream *s = xcalloc(1, sizeof *s);
    s->fed = row->fed;
    s->state = row->fed->make(&d);
    return s;
}

void check_stream_feed(check_stream *s, const hist_op *op)
{
    s->fed->feed(s->state, op);
}

void check_stream_result(const check_stream *s, check_result *out)
{
    s->fed->result(s->state, out);
}

void check_stream_free(check_stream *s)
{
    if (!s)
        return;
    s->fed->release(s->state);
    free(s);
}

void check_result_add(check_result *r, const char *type, const char *example)
{
    for (size_t i = 0; i < r->nanomalies; i++) {
        if (strcmp(r->anomalies[i].type, type) == 0) {
            r->anomalies[i].count++;
            return;
        }
    }
    r->anomalies = xrealloc(r->anomalies, (r->nanomalies + 1) * sizeof *r->anomalies);
    anomaly *a = &r->anomalies[r->nanomalies++];
    a->type = xstrdup(type);
    a->count = 1;
    a->example = xstrdup(example ? example : "");
}

void check_result_set_example(check_result *r, const char *type, const char *example)
{
    for (size_t i = 0; i < r->nanomalies; i++) {
        if (strcmp(r->anomalies[i].type, type) == 0) {
            free(r->anomalies[i].example);
            r->anomalies[i].example = xstrdup(example ? example : "");
            return;
        }
    }
}

size_t check_json_len(json_object *o)
{
    return json_object_is_type(o, json_type_array) ? json_object_array_length(o) : 0;
}

json_object *check_json_at(json_object *o, size_t i)
{
    return i < check_json_len(o) ? json_object_array_get_idx(o, i) : NULL;
}

const char *check_json_str(json_object *o)
{
    return json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

/* Prints text with every line after the first indented by pad. */
static void print_indented(const char *text, const char *pad, FILE *out)
{
    for (const char *p = text; *p; p++) {
        fputc(*p, out);
        if (*p == '\n' && p[1])
            fputs(pad, out);
    }
    fputc('\n', out);
}

void check_result_print(const check_result *r, const char *workload, FILE *out)
{
    fprintf(out, "checker %s: %s\n", workload, verdict_name(r->verdict));
    if (r->stats && *r->stats)
        fprintf(out, "  checked: %s\n", r->stats);
    if (r->reason && *r->reason) {
        fprintf(out, "  %s: ", r->verdict == VERDICT_VALID ? "note" : "why");
        print_indented(r->reason, "    ", out);
    }
    for (size_t i = 0; i < r->nanomalies; i++) {
        const anomaly *a = &r->anomalies[i];
        fprintf(out, "  anomaly %s x%zu\n    ", a->type, a->count);
        print_indented(a->example && *a->example ? a->example : "(no example)", "    ", out);
    }
}

void check_result_free(check_result *r)
{
    for (size_t i = 0; i < r->nanomalies; i++) {
        free(r->anomalies[i].type);
        free(r->anomalies[i].example);
    }
    free(r->anomalies);
    free(r->reason);
    free(r->stats);
    memset(r, 0, sizeof *r);
}
