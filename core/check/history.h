/* history.h - Jepsen-shaped operation histories (JSON Lines, design.md).
 *
 * One object per line: {"index","process","type","f","value","time"},
 * after a first {"type":"meta",...} record saying what recorded the file.
 * Writing: each record is written and flushed as it happens, so a killed
 * run keeps what it recorded; files are created 0600. Reading: the whole
 * file becomes an array of hist_op in file order. Values stay json-c
 * objects (each checker interprets its own workload's values). */
#ifndef MELEE_HISTORY_H
#define MELEE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

typedef enum hist_type {
    H_INVOKE,
    H_OK,    /* definitely happened */
    H_FAIL,  /* definitely did not happen */
    H_INFO   /* unknown */
} hist_type;

/* The process of fault records: written as "process":"nemesis" (Jepsen's
 * convention), info records "start-KIND" and "stop-KIND" whose value says
 * what was done to whom. history_read leaves them out: they are not
 * operations for the checkers. */
#define HIST_NEMESIS INT64_MIN

typedef struct hist_op {
    int64_t index;
    int64_t process;
    hist_type type;
    char f[16];             /* "txn", "read", "write", "cas", "add", "transfer" */
    json_object *value;     /* owned by the history; may be NULL (json null) */
    int64_t time;           /* monotonic ns */
} hist_op;

/* The first record of a file: what recorded it. Files without one load
 * too (present false); fields it does not name stay empty. */
typedef struct hist_meta {
    bool present;
    char workload[32];      /* the checker's workload name, "" when absent */
    char isolation[32];     /* the level the run used ("serializable"), "" when absent */
    bool has_seed;
    uint64_t seed;
    char version[32];       /* the melee version that wrote it, "" when absent */
} hist_meta;

typedef struct history {
    hist_op *ops;
    size_t n;
    size_t cap;
    hist_meta meta;
} history;

/* Reads a JSON Lines history file into *h (a meta record, allowed only as
 * the first line, fills h->meta). Returns 0, or -1 with *err set (caller
 * frees) naming the file and line of the first bad record. */
int history_read(const char *path, history *h, char **err);

/* Appends a copy of op (its value reference is taken over). */
void history_append(history *h, const hist_op *op);

/* Frees everything the history owns. */
void history_free(history *h);

/* Returns "invoke", "ok", "fail", "info"; and the reverse (-1 unknown). */
const char *hist_type_name(hist_type t);
int hist_type_from_name(const char *s);

/* A thread-safe recorder for live runs. */
typedef struct hist_writer hist_writer;

/* Creates path (mode 0600, truncated) and writes meta (borrowed; may be
 * NULL: no meta record) as its first line. Returns NULL with *err set on
 * failure. */
hist_writer *hist_writer_open(const char *path, const hist_meta *meta, char **err);

/* Writes op as one record and flushes it (op is not consumed). Safe to
 * call from many threads; callers that number records keep the file in
 * index order by calling it under their own lock. */
void hist_writer_add(hist_writer *w, const hist_op *op);

/* Closes the file and frees the writer. */
void hist_writer_close(hist_writer *w);

#endif
