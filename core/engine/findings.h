/* findings.h - what a run found, for the report and the summary JSON:
 * ignored errors grouped by SQLSTATE and err_message_key, unexpected
 * errors kept in full (up to a cap, the rest counted). Thread-safe. */
#ifndef MELEE_FINDINGS_H
#define MELEE_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "errclass.h"

typedef struct ignored_group {
    char sqlstate[6];
    char *message;      /* err_message_key of the messages */
    uint64_t count;
} ignored_group;

typedef struct finding {
    err_class cls;      /* EC_UNEXPECTED, EC_CRASH or EC_HANG */
    int thread;
    char *action;
    char sqlstate[6];
    char *message;
    char *detail;
    char *hint;
    char *sql;
    double time_s;      /* since the run started */
} finding;

typedef struct findings findings;

findings *findings_new(size_t max_kept);
void findings_free(findings *f);

/* Counts an ignored error (message normalised and copied). */
void findings_add_ignored(findings *f, const char *sqlstate, const char *message);

/* Keeps a copy of a finding (strings copied) while under the cap. */
void findings_add(findings *f, const finding *x);

/* Copies the groups sorted by count, descending (caller frees with
 * findings_free_groups). */
size_t findings_groups(findings *f, ignored_group **out);
void findings_free_groups(ignored_group *g, size_t n);

/* Copies the kept findings in order (caller frees with
 * findings_free_list); *total gets how many there were in all. */
size_t findings_list(findings *f, finding **out, uint64_t *total);
void findings_free_list(finding *x, size_t n);

#endif
