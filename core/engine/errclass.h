/* errclass.h - classifying a failed statement: the rules are data.
 *
 * A rule matches on SQLSTATE (exact 5 characters, or a 2-character class
 * prefix such as "22") and/or a message substring, and says what the error
 * is. Rules are looked up in order: the action's own, then the profile's,
 * then the built-in table; the first match wins. No match: unexpected. */
#ifndef MELEE_ERRCLASS_H
#define MELEE_ERRCLASS_H

#include <stdbool.h>

typedef enum err_class {
    EC_NONE = 0,     /* not an error */
    EC_IGNORED,      /* expected under concurrency */
    EC_UNEXPECTED,   /* a finding: XX000, syntax errors from our generator, ... */
    EC_CRASH,        /* the server went away without an injected fault */
    EC_HANG,         /* a statement ran past the hang limit */
    EC_CLASS_COUNT
} err_class;

/* When a rule applies. */
enum {
    WHEN_ALWAYS = 0,
    WHEN_DDL = 1u << 0,        /* only when DDL threads run (objects change under us) */
    WHEN_CANCELS = 1u << 1,    /* only when cancel/terminate actions are enabled */
};

typedef struct error_rule {
    const char *sqlstate;  /* "40001" exact, "22" class prefix, NULL any */
    const char *message;   /* substring of the primary message, NULL any */
    err_class cls;         /* EC_IGNORED or EC_UNEXPECTED */
    unsigned when;         /* WHEN_* mask; 0 always */
} error_rule;

/* Terminates rule arrays. */
#define ERROR_RULES_END {NULL, NULL, EC_NONE, 0}

/* The context a classification is made in. */
typedef struct err_context {
    bool ddl_running;
    bool cancels_enabled;
} err_context;

/* Returns the class for an error with the given SQLSTATE and message, using
 * the action's rules (may be NULL), the profile's rules (may be NULL) and
 * the built-in table, in that order. XX-class states are always
 * unexpected, whatever the rules say. */
err_class errclass_classify(const char *sqlstate, const char *message,
                            const error_rule *action_rules, const error_rule *profile_rules,
                            const err_context *ctx);

/* Returns true when the rule matches sqlstate/message in ctx. */
bool error_rule_matches(const error_rule *r, const char *sqlstate, const char *message,
                        const err_context *ctx);

/* Returns the class's report name: "ok", "ignored", "unexpected", "crash", "hang". */
const char *err_class_name(err_class c);

/* Returns the built-in rule table (terminated by ERROR_RULES_END). */
const error_rule *errclass_builtin(void);

#endif
