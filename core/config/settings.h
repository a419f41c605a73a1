/* settings.h - every run setting described once.
 *
 * A setting is one row of SETTINGS (settings.c): where it sits in a
 * profile (section path and key), its command-line flag, its type and
 * allowed range or names, its default and one line of help. The rows
 * drive the command line and --help (cli.c), the profile loader
 * (profile.c), the profile writer (profile_save.c), the built-in defaults
 * and the config checks. Adding a setting is adding a row (and its
 * run_config field).
 *
 * Sections that are lists or maps of user-chosen names (weights, flags,
 * custom actions, ...) are rows of SECTIONS instead: each names the
 * small parser and writer of its own keys (profile_sections.h). A
 * section with neither is a mapping of setting rows and sub-sections:
 * "nemesis" holds rows whose section is "nemesis", "nemesis.latency"
 * is a mapping inside it. */
#ifndef MELEE_SETTINGS_H
#define MELEE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "config.h"
#include "../sqlbuf.h"

typedef enum setting_type {
    SET_INT,     /* an integer in [lo, hi]; stored as int or 64-bit integer */
    SET_NUMBER,  /* a number in [min, max]; stored as double */
    SET_CHOICE,  /* one of name_at's names; stored as its index (an enum) */
    SET_NAME,    /* one of name_at's names; stored as an owned string */
    SET_TEXT,    /* any text; stored as an owned string, "" stored as NULL */
    SET_SWITCH,  /* true or false; a flag without argument sets it */
    SET_NAMES,   /* some of name_at's names: a profile's list or "a,b"; stored as owned
                  * text, the names joined by commas */
} setting_type;

typedef struct setting {
    const char *section;  /* dotted section path, "" top level; NULL: command line only */
    const char *key;      /* key in the section; NULL: command line only */
    const char *flag;     /* long option without "--"; NULL: profile only */
    char short_flag;      /* 0: none */
    const char *arg;      /* the option argument's name in --help ("N", "FILE") */
    const char *what;     /* a noun for messages ("thread count") */
    setting_type type;
    int64_t lo, hi;       /* SET_INT */
    double min, max;      /* SET_NUMBER */
    const char *(*name_at)(size_t i); /* SET_CHOICE, SET_NAME: the i-th name, NULL past the end */
    size_t offset, size;  /* the run_config field */
    size_t set_offset;    /* non-zero: a bool field saying the value was given (no default) */
    const char *def;      /* the default, written as in a profile; NULL: not set */
    const char *help;     /* one line */
} setting;

/* A section of a profile. load and save are both set (a list-shaped
 * section with its own parser) or both NULL (a mapping of rows). */
struct loader;  /* profile_loader.h */
typedef struct profile_section {
    const char *path;     /* "run", "limits", "nemesis.latency" */
    const char *comment;  /* written above it; may be NULL */
    /* Reads the section's value node; returns 0 or -1 (the loader's error set). */
    int (*load)(struct loader *l, yaml_node_t *value, run_config *c);
    /* Appends the section's value after "key:" at the given indent: " inline\n",
     * or "\n" and lines indented by indent + 2. */
    void (*save)(sqlbuf *out, int indent, const run_config *c);
} profile_section;

/* The rows and sections, in the order profiles list them; sets *n. */
const setting *settings_all(size_t *n);
const profile_section *sections_all(size_t *n);

/* Returns the row at section/key, or NULL. */
const setting *setting_find(const char *section, const char *key);

/* Returns the section at path, or NULL. */
const profile_section *section_find(const char *path);

/* Parses text as s's value and stores it in *c. Returns 0, or -1 with
 * *err (caller frees) saying "LABEL must be ..." with the allowed range
 * or names; label names the setting where it was given ("run.threads",
 * "--threads"). */
int setting_parse(const setting *s, const char *text, const char *label, run_config *c,
                  char **err);

/* Appends s's value in *c as profile text (a plain or double-quoted
 * scalar). Returns false when the value is not set (optional settings). */
bool setting_format(const setting *s, const run_config *c, sqlbuf *out);

/* Appends what s allows: "1-1024", "read | dml | ddl", "" when anything. */
void setting_allowed(const setting *s, sqlbuf *out);

/* Stores every row's default in *c (strings owned by *c). */
void settings_defaults(run_config *c);

/* Checks every row's value in *c. Returns 0, or -1 with *err (caller
 * frees) naming the first setting out of its range or names. */
int settings_check(const run_config *c, char **err);

#endif
