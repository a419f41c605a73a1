/* errclass.h - what a failed statement is: the facts the statement runner
 * records, and one classifier that weighs them against rules kept as data.
 *
 * A rule matches on SQLSTATE (exact 5 characters, or a 2-character class
 * prefix such as "22") and/or a message substring, under conditions (DDL
 * runs, the connection was lost, this run interrupted the statement, a
 * fault window is open...), and says what the error is. Rules are looked
 * up in order: the action's own, then the profile's, then the built-in
 * table; the first match wins. No match: unexpected. */
#ifndef MELEE_ERRCLASS_H
#define MELEE_ERRCLASS_H

#include <stdbool.h>
#include <stdint.h>

/* Classes, in rising order of severity (front-ends show a group by its
 * worst class). */
typedef enum err_class {
    EC_NONE = 0,     /* not an error, or not an outcome (our own stop) */
    EC_IGNORED,      /* expected under concurrency */
    EC_FAULT,        /* explained by an injected fault: counted apart, never a finding */
    EC_UNEXPECTED,   /* a finding: XX000, syntax errors from our generator, ... */
    EC_CRASH,        /* the server went away without an injected fault */
    EC_HANG,         /* a statement ran past the hang limit */
    EC_CLASS_COUNT
} err_class;

/* Rule conditions: a rule applies only when every condition of its mask
 * holds. The classifier's caller says which hold for the statement. */
enum {
    WHEN_ALWAYS = 0,
    WHEN_DDL = 1u << 0,         /* DDL threads run (objects change under us) */
    WHEN_CANCELS = 1u << 1,     /* cancel/terminate actions can be drawn */
    WHEN_INTERRUPTED = 1u << 2, /* this run cancelled or terminated the statement's backend */
    WHEN_FAULT = 1u << 3,       /* inside an injected fault's window or grace period */
    WHEN_LOST = 1u << 4,        /* the connection went away: rules with it are about lost
                                   connections, rules without it about errors on a live one */
};

typedef struct error_rule {
    const char *sqlstate;  /* "40001" exact, "22" class prefix, NULL any */
    const char *message;   /* substring of the primary message, NULL any */
    err_class cls;         /* what a matching error is; EC_NONE ends a table */
    unsigned when;         /* WHEN_* mask; 0 always */
} error_rule;

/* Terminates rule arrays. */
#define ERROR_RULES_END {NULL, NULL, EC_NONE, 0}

/* What the statement runner records about a failed statement: facts only,
 * no judgement. Strings are owned by whoever holds the facts. */
typedef struct err_facts {
    char sqlstate[6];      /* "" when the server sent none */
    char *message;         /* primary message, one line; NULL: no error recorded */
    char *detail, *hint;
    char *sql;             /* the statement, with its parameter values as a comment */
    bool conn_lost;        /* the connection went away */
    bool hang;             /* it ran past the hang limit (reported when seen) */
    bool stopped;          /* interrupted by our own stop */
    int pid;               /* the backend it ran on, 0 when not connected */
    uint64_t at_us;        /* when the error was seen (now_us clock) */
} err_facts;

/* Frees the strings of f and clears it. */
void err_facts_clear(err_facts *f);

/* Returns the class of the failure f, given the WHEN_* conditions that
 * hold (the caller's context; WHEN_LOST is taken from f itself). A hang is
 * EC_HANG; our own stop is not an outcome (EC_NONE); otherwise the
 * action's rules (may be NULL), the profile's (may be NULL) and the
 * built-in table decide. XX-class states are unexpected whatever the
 * rules say, unless the connection went away with them. */
err_class errclass_classify(const err_facts *f, const error_rule *action_rules,
                            const error_rule *profile_rules, unsigned holds);

/* Returns true when rule r matches sqlstate/message with the conditions
 * holds. A rule without SQLSTATE, message or condition matches nothing. */
bool error_rule_matches(const error_rule *r, const char *sqlstate, const char *message,
                        unsigned holds);

/* Returns the class's report name: "ok", "ignored", "fault", "unexpected",
 * "crash", "hang". */
const char *err_class_name(err_class c);

/* Returns the built-in rule table (terminated by ERROR_RULES_END). */
const error_rule *errclass_builtin(void);

/* Returns the key errors are grouped by besides their SQLSTATE, in a new
 * string the caller frees: the message with quoted names folded to "?" and
 * numbers to N, so "relation \"melee_s1.t5\" does not exist" and the same
 * about t9 fall together. Used by the report and the console alike. */
char *err_message_key(const char *message);

#endif
