/* check.c - the checker table, verdicts and results shared by every
 * checker. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"

typedef struct checker_row {
    const char *workload;
    int (*check)(const history *h, const check_opts *o, check_result *out);
} checker_row;

static const checker_row CHECKERS[] = {
    {"bank", check_bank},
    {"counter", check_counter},
    {"set", check_set},
    {"long-fork", check_long_fork},
    {"register", check_register},
    {"append", check_append},
    {"default-value", check_default_value},
};

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
    return "bank, counter, set, long-fork, register, append, default-value";
}

bool check_workload_known(const char *workload)
{
    for (size_t i = 0; workload && i < ARRAY_LEN(CHECKERS); i++)
        if (strcmp(CHECKERS[i].workload, workload) == 0)
            return true;
    return false;
}

int check_history(const history *h, const char *workload, const check_opts *o,
                  check_result *out, char **err)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < ARRAY_LEN(CHECKERS); i++) {
        if (strcmp(CHECKERS[i].workload, workload) != 0)
            continue;
        check_opts d = *o;
        if (d.time_budget_s <= 0)
            d.time_budget_s = 1.0;
        if (d.threads <= 0)
            d.threads = 2;
        return CHECKERS[i].check(h, &d, out);
    }
    *err = xasprintf("no checker for workload '%s' (there are: %s)", workload,
                     check_workload_names());
    return -1;
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
