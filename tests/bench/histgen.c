/* histgen.c - writes a random, valid history as JSON Lines to stdout, for
 * timing the checkers.
 *
 *   histgen append   [-n TXNS] [-k KEYS] [-w MAX_WRITES_PER_KEY] [-p PROCESSES] [-s SEED]
 *   histgen register [-n OPS]  [-k KEYS] [-p PROCESSES] [-s SEED]
 *
 * Operations are invoked and completed by randomly interleaved processes
 * and take effect atomically at their completion, so the history is
 * strictly serializable (append) / linearizable (register). Some end fail
 * (no effect) or info (effect or not; the process then gets a new
 * number). Values follow actions/wl_append.c and actions/wl_register.c. */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MOPS 4

typedef struct opts {
    long n, keys, max_writes, procs;
    uint64_t seed;
} opts;

static uint64_t rng_state;

static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static long below(long n)
{
    return (long)(next_u64() % (uint64_t)n);
}

static bool chance(double p)
{
    return (double)(next_u64() >> 11) / 9007199254740992.0 < p;
}

static long index_ = 0, time_ = 0;

static void record(long process, const char *type, const char *f)
{
    printf("{\"index\":%ld,\"process\":%ld,\"type\":\"%s\",\"f\":\"%s\",\"value\":", index_++,
           process, type, f);
}

static void end_record(void)
{
    time_ += 1000 + below(1000);
    printf(",\"time\":%ld}\n", time_);
}

/* ---- append ---- */

typedef struct list {
    long *v;
    size_t n, cap;
} list;

typedef struct mop {
    bool append;
    long key, elem;
} mop;

typedef struct txn {
    bool pending;
    long process;
    int n;
    mop m[MAX_MOPS];
} txn;

typedef struct append_world {
    list *lists; /* per key */
    long nlists, *slot_key, *slot_appends, next_key, next_elem;
} append_world;

static list *key_list(append_world *w, long k)
{
    if (k >= w->nlists) {
        long n = k * 2 + 16;
        w->lists = realloc(w->lists, (size_t)n * sizeof *w->lists);
        memset(w->lists + w->nlists, 0, (size_t)(n - w->nlists) * sizeof *w->lists);
        w->nlists = n;
    }
    return &w->lists[k];
}

static long pick_slot(long keys)
{
    long i = 0;
    while (i + 1 < keys && chance(0.5))
        i++;
    return i;
}

static void new_txn(append_world *w, const opts *o, txn *t)
{
    t->n = 1 + (int)below(MAX_MOPS);
    for (int i = 0; i < t->n; i++) {
        long s = pick_slot(o->keys);
        mop *m = &t->m[i];
        m->append = chance(0.5);
        m->key = w->slot_key[s];
        if (m->append) {
            m->elem = w->next_elem++;
            if (++w->slot_appends[s] >= o->max_writes)
                w->slot_key[s] = w->next_key++, w->slot_appends[s] = 0;
        }
    }
}

static void print_txn(const append_world *w, const txn *t, bool with_reads)
{
    putchar('[');
    for (int i = 0; i < t->n; i++) {
        const mop *m = &t->m[i];
        if (m->append) {
            printf("%s[\"append\",%ld,%ld]", i ? "," : "", m->key, m->elem);
            continue;
        }
        printf("%s[\"r\",%ld,", i ? "," : "", m->key);
        if (!with_reads) {
            printf("null]");
            continue;
        }
        const list *l = m->key < w->nlists ? &w->lists[m->key] : NULL;
        putchar('[');
        for (size_t j = 0; l && j < l->n; j++)
            printf("%s%ld", j ? "," : "", l->v[j]);
        printf("]]");
    }
    putchar(']');
}

/* Applies t atomically, printing reads as they see the state. */
static void apply_txn(append_world *w, const txn *t, bool print)
{
    if (print)
        putchar('[');
    for (int i = 0; i < t->n; i++) {
        const mop *m = &t->m[i];
        list *l = key_list(w, m->key);
        if (m->append) {
            if (l->n == l->cap)
                l->v = realloc(l->v, (l->cap = l->cap ? l->cap * 2 : 8) * sizeof *l->v);
            l->v[l->n++] = m->elem;
            if (print)
                printf("%s[\"append\",%ld,%ld]", i ? "," : "", m->key, m->elem);
        } else if (print) {
            printf("%s[\"r\",%ld,[", i ? "," : "", m->key);
            for (size_t j = 0; j < l->n; j++)
                printf("%s%ld", j ? "," : "", l->v[j]);
            printf("]]");
        }
    }
    if (print)
        putchar(']');
}

static void complete_txn(append_world *w, const opts *o, txn *t)
{
    double roll = (double)(next_u64() >> 11) / 9007199254740992.0;
    if (roll < 0.93) {
        record(t->process, "ok", "txn");
        apply_txn(w, t, true);
    } else if (roll < 0.98) {
        record(t->process, "fail", "txn");
        print_txn(w, t, false);
    } else {
        if (chance(0.5))
            apply_txn(w, t, false);
        record(t->process, "info", "txn");
        print_txn(w, t, false);
        end_record();
        t->process += o->procs;
        t->pending = false;
        return;
    }
    end_record();
    t->pending = false;
}

static void gen_append(const opts *o)
{
    append_world w = {0};
    w.slot_key = calloc((size_t)o->keys, sizeof *w.slot_key);
    w.slot_appends = calloc((size_t)o->keys, sizeof *w.slot_appends);
    for (long s = 0; s < o->keys; s++)
        w.slot_key[s] = s;
    w.next_key = o->keys;
    w.next_elem = 1;
    txn *procs = calloc((size_t)o->procs, sizeof *procs);
    for (long p = 0; p < o->procs; p++)
        procs[p].process = p;
    long invoked = 0, busy = 0;
    while (invoked < o->n || busy) {
        txn *t = &procs[below(o->procs)];
        if (t->pending) {
            complete_txn(&w, o, t);
            busy--;
        } else if (invoked < o->n) {
            new_txn(&w, o, t);
            record(t->process, "invoke", "txn");
            print_txn(&w, t, false);
            end_record();
            t->pending = true;
            invoked++, busy++;
        }
    }
}

/* ---- register ---- */

typedef struct reg_call {
    bool pending;
    long process, key, f, a, b; /* f: 0 read, 1 write, 2 cas */
} reg_call;

static void invoke_register(const opts *o, reg_call *c)
{
    static const long mix[] = {0, 1, 2, 2}; /* read : write : cas = 1 : 1 : 2 */
    c->key = below(o->keys);
    c->f = mix[below(4)];
    c->a = below(5), c->b = below(5);
    static const char *const names[] = {"read", "write", "cas"};
    record(c->process, "invoke", names[c->f]);
    if (c->f == 0)
        printf("[%ld,null]", c->key);
    else if (c->f == 1)
        printf("[%ld,%ld]", c->key, c->a);
    else
        printf("[%ld,[%ld,%ld]]", c->key, c->a, c->b);
    end_record();
    c->pending = true;
}

static void complete_register(const opts *o, long *state, reg_call *c)
{
    static const char *const names[] = {"read", "write", "cas"};
    long *s = &state[c->key];
    const char *type = "ok";
    bool info = c->f != 0 && chance(0.01);
    if (c->f == 2 && *s != c->a && !info)
        type = "fail";
    else if (info)
        type = "info";
    if ((!info || chance(0.5)) && strcmp(type, "fail") != 0) {
        if (c->f == 1)
            *s = c->a;
        else if (c->f == 2 && *s == c->a)
            *s = c->b;
    }
    record(c->process, type, names[c->f]);
    if (c->f == 0)
        printf("[%ld,%ld]", c->key, *s);
    else if (c->f == 1)
        printf("[%ld,%ld]", c->key, c->a);
    else if (strcmp(type, "fail") == 0)
        printf("[%ld,false]", c->key); /* refused: the register held another value */
    else
        printf("[%ld,[%ld,%ld]]", c->key, c->a, c->b);
    end_record();
    if (info)
        c->process += o->procs;
    c->pending = false;
}

static void gen_register(const opts *o)
{
    long *state = calloc((size_t)o->keys, sizeof *state);
    reg_call *procs = calloc((size_t)o->procs, sizeof *procs);
    for (long p = 0; p < o->procs; p++)
        procs[p].process = p;
    long invoked = 0, busy = 0;
    while (invoked < o->n || busy) {
        reg_call *c = &procs[below(o->procs)];
        if (c->pending) {
            complete_register(o, state, c);
            busy--;
        } else if (invoked < o->n) {
            invoke_register(o, c);
            invoked++, busy++;
        }
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: histgen append|register [-n N] [-k KEYS] [-w MAX_WRITES] "
                    "[-p PROCESSES] [-s SEED]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    opts o = {10000, 10, 256, 10, 1};
    const char *what = argv[1];
    optind = 2;
    for (int c; (c = getopt(argc, argv, "n:k:w:p:s:")) != -1;) {
        long v = strtol(optarg ? optarg : "0", NULL, 10);
        if (c == 'n')
            o.n = v;
        else if (c == 'k')
            o.keys = v;
        else if (c == 'w')
            o.max_writes = v;
        else if (c == 'p')
            o.procs = v;
        else if (c == 's')
            o.seed = (uint64_t)v;
        else
            usage();
    }
    if (o.n < 0 || o.keys < 1 || o.max_writes < 1 || o.procs < 1)
        usage();
    rng_state = o.seed;
    if (strcmp(what, "append") == 0)
        gen_append(&o);
    else if (strcmp(what, "register") == 0)
        gen_register(&o);
    else
        usage();
    return 0;
}
