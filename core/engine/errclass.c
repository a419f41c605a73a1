/* errclass.c - the built-in error rules, the classifier and the
 * grouping key of error messages. */
#include "errclass.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../sqlbuf.h"
#include "../util.h"

/* Errors that are expected when random SQL runs concurrently. Order
 * matters only between rules that overlap; the first match wins. */
static const error_rule BUILTIN[] = {
    /* Concurrency: the database refused an interleaving, as it may. */
    {"40001", NULL, EC_IGNORED, WHEN_ALWAYS},  /* serialization_failure */
    {"40P01", NULL, EC_IGNORED, WHEN_ALWAYS},  /* deadlock_detected */
    {"55P03", NULL, EC_IGNORED, WHEN_ALWAYS},  /* lock_not_available (lock_timeout) */
    {"57014", NULL, EC_IGNORED, WHEN_ALWAYS},  /* query_canceled: statement_timeout, cancel */
    {"25P02", NULL, EC_IGNORED, WHEN_ALWAYS},  /* in_failed_sql_transaction */
    /* Data: generated expressions and values may overflow or divide by 0. */
    {"22", NULL, EC_IGNORED, WHEN_ALWAYS},     /* data_exception class */
    {"23", NULL, EC_IGNORED, WHEN_ALWAYS},     /* integrity_constraint_violation class */
    {"54", NULL, EC_IGNORED, WHEN_ALWAYS},     /* program_limit_exceeded (too many columns...) */
    {"53", NULL, EC_IGNORED, WHEN_ALWAYS},     /* insufficient_resources (e.g. temp space) */
    {"42501", NULL, EC_IGNORED, WHEN_ALWAYS},  /* insufficient_privilege */
    /* Objects changed under us by concurrent DDL. */
    {"42P01", NULL, EC_IGNORED, WHEN_DDL},     /* undefined_table */
    {"42703", NULL, EC_IGNORED, WHEN_DDL},     /* undefined_column */
    {"3F000", NULL, EC_IGNORED, WHEN_DDL},     /* invalid_schema_name */
    {"42704", NULL, EC_IGNORED, WHEN_DDL},     /* undefined_object */
    {"42883", NULL, EC_IGNORED, WHEN_DDL},     /* undefined_function: a column's type changed */
    {"42804", NULL, EC_IGNORED, WHEN_DDL},     /* datatype_mismatch: a column's type changed */
    {"42846", NULL, EC_IGNORED, WHEN_DDL},     /* cannot_coerce */
    {"42725", NULL, EC_IGNORED, WHEN_DDL},     /* ambiguous_function after a type change */
    {"42P07", NULL, EC_IGNORED, WHEN_DDL},     /* duplicate_table */
    {"42710", NULL, EC_IGNORED, WHEN_DDL},     /* duplicate_object */
    {"42P06", NULL, EC_IGNORED, WHEN_DDL},     /* duplicate_schema */
    {"42701", NULL, EC_IGNORED, WHEN_DDL},     /* duplicate_column */
    {"42P16", NULL, EC_IGNORED, WHEN_DDL},     /* invalid_table_definition (view column changes) */
    {"42P10", NULL, EC_IGNORED, WHEN_DDL},     /* invalid_column_reference */
    {"42809", NULL, EC_IGNORED, WHEN_DDL},     /* wrong_object_type */
    {"2BP01", NULL, EC_IGNORED, WHEN_DDL},     /* dependent_objects_still_exist */
    {"55006", NULL, EC_IGNORED, WHEN_DDL},     /* object_in_use */
    {"55000", NULL, EC_IGNORED, WHEN_DDL},     /* object_not_in_prerequisite_state */
    {"0A000", NULL, EC_IGNORED, WHEN_DDL},     /* feature_not_supported (on changed objects) */
    {"0A000", "cached plan must not change result type", EC_IGNORED, WHEN_ALWAYS},
    /* Our own interruptions of other workers. */
    {"57P01", NULL, EC_IGNORED, WHEN_CANCELS}, /* admin_shutdown: pg_terminate_backend */
    /* Whatever else goes wrong inside an injected fault's window. */
    {NULL, NULL, EC_FAULT, WHEN_FAULT},
    /* Lost connections: an injected fault's (a kill, say, even when this
     * run had also just cancelled the backend), ours to lose, or a crash. */
    {NULL, NULL, EC_FAULT, WHEN_LOST | WHEN_FAULT},
    {NULL, NULL, EC_IGNORED, WHEN_LOST | WHEN_INTERRUPTED},
    {NULL, NULL, EC_CRASH, WHEN_LOST},
    ERROR_RULES_END,
};

const error_rule *errclass_builtin(void)
{
    return BUILTIN;
}

void err_facts_clear(err_facts *f)
{
    free(f->message);
    free(f->detail);
    free(f->hint);
    free(f->sql);
    memset(f, 0, sizeof *f);
}

bool error_rule_matches(const error_rule *r, const char *sqlstate, const char *message,
                        unsigned holds)
{
    /* Rules about lost connections and rules about errors on a live one
     * never stand in for each other. */
    if ((r->when & WHEN_LOST) != (holds & WHEN_LOST))
        return false;
    if ((r->when & holds) != r->when)
        return false;
    if (r->sqlstate) {
        size_t n = strlen(r->sqlstate);
        if (!sqlstate || strncmp(sqlstate, r->sqlstate, n) != 0)
            return false;
    }
    if (r->message && !(message && strstr(message, r->message)))
        return false;
    return r->sqlstate || r->message || r->when;
}

static err_class first_match(const error_rule *rules, const char *sqlstate, const char *message,
                             unsigned holds)
{
    for (const error_rule *r = rules; r && r->cls != EC_NONE; r++)
        if (error_rule_matches(r, sqlstate, message, holds))
            return r->cls;
    return EC_NONE;
}

err_class errclass_classify(const err_facts *f, const error_rule *action_rules,
                            const error_rule *profile_rules, unsigned holds)
{
    if (f->hang)
        return EC_HANG; /* recorded when seen, even if a stop came after */
    if (f->stopped)
        return EC_NONE;
    holds = f->conn_lost ? holds | WHEN_LOST : holds & ~(unsigned)WHEN_LOST;
    /* Internal errors are findings, whatever any rule says. */
    if (!f->conn_lost && strncmp(f->sqlstate, "XX", 2) == 0)
        return EC_UNEXPECTED;
    const error_rule *tables[] = {action_rules, profile_rules, BUILTIN};
    for (size_t i = 0; i < ARRAY_LEN(tables); i++) {
        err_class c = first_match(tables[i], f->sqlstate, f->message, holds);
        if (c != EC_NONE)
            return c;
    }
    return EC_UNEXPECTED;
}

const char *err_class_name(err_class c)
{
    static const char *const NAMES[EC_CLASS_COUNT] = {
        [EC_NONE] = "ok", [EC_IGNORED] = "ignored", [EC_FAULT] = "fault",
        [EC_UNEXPECTED] = "unexpected", [EC_CRASH] = "crash", [EC_HANG] = "hang",
    };
    return (unsigned)c < EC_CLASS_COUNT ? NAMES[c] : "?";
}

char *err_message_key(const char *message)
{
    sqlbuf b = SQLBUF_INIT;
    const char *p = message ? message : "";
    while (*p) {
        if (*p == '"') {
            const char *end = strchr(p + 1, '"');
            if (end) {
                sb_add(&b, "\"?\"");
                p = end + 1;
                continue;
            }
        }
        if (isdigit((unsigned char)*p) && (p == message || !isalpha((unsigned char)p[-1]))) {
            sb_addc(&b, 'N');
            while (isdigit((unsigned char)*p))
                p++;
            continue;
        }
        sb_addc(&b, *p++);
    }
    return sb_steal(&b);
}
