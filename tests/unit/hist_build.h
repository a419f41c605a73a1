/* hist_build.h - building histories by hand for the checker unit tests
 * (included after cmocka.h). Records get consecutive indexes and a time of
 * index * 1000 ns, so history order is real-time order. */
#ifndef MELEE_TEST_HIST_BUILD_H
#define MELEE_TEST_HIST_BUILD_H

#include <stdio.h>
#include <string.h>

#include "core/check/check.h"

/* Adds one record; value is JSON text (NULL: json null). */
static inline void rec(history *h, int64_t process, hist_type type, const char *f,
                       const char *value)
{
    hist_op op = {0};
    op.index = (int64_t)h->n;
    op.process = process;
    op.type = type;
    snprintf(op.f, sizeof op.f, "%s", f);
    op.value = value ? json_tokener_parse(value) : NULL;
    if (value && strcmp(value, "null") != 0 && !op.value)
        fail_msg("bad JSON in a test history: %s", value);
    op.time = (int64_t)h->n * 1000;
    history_append(h, &op);
}

/* Adds an operation that completes before the next one starts; done NULL
 * repeats the invocation's value. */
static inline void op(history *h, int64_t process, hist_type type, const char *f,
                      const char *invoke, const char *done)
{
    rec(h, process, H_INVOKE, f, invoke);
    rec(h, process, type, f, done ? done : invoke);
}

static inline const anomaly *find_anomaly(const check_result *r, const char *type)
{
    for (size_t i = 0; i < r->nanomalies; i++)
        if (strcmp(r->anomalies[i].type, type) == 0)
            return &r->anomalies[i];
    return NULL;
}

static inline void assert_contains(const char *s, const char *fragment)
{
    if (!s || !strstr(s, fragment))
        fail_msg("\"%s\" lacks \"%s\"", s ? s : "(null)", fragment);
}

/* Asserts that r lists anomaly type count times, its example naming
 * fragment (NULL: anything). */
static inline void assert_anomaly(const check_result *r, const char *type, size_t count,
                                  const char *fragment)
{
    const anomaly *a = find_anomaly(r, type);
    if (!a) {
        fprintf(stderr, "anomalies:");
        for (size_t i = 0; i < r->nanomalies; i++)
            fprintf(stderr, " %s", r->anomalies[i].type);
        fail_msg("no %s anomaly (verdict %s, reason: %s)", type, verdict_name(r->verdict),
                 r->reason ? r->reason : "-");
    }
    if (a->count != count)
        fail_msg("%s counted %zu times, expected %zu", type, a->count, count);
    if (fragment)
        assert_contains(a->example, fragment);
}

/* Asserts the verdict, printing the result when it differs. */
static inline void assert_verdict(const check_result *r, verdict v)
{
    if (r->verdict != v) {
        check_result_print(r, "test", stderr);
        fail_msg("verdict %s, expected %s", verdict_name(r->verdict), verdict_name(v));
    }
}

#endif
