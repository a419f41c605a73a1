/* history.c - reading and writing JSON Lines operation histories, and
 * pairing invocations with completions as records arrive. */
#include "history.h"
#include "feed.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../jsonl.h"
#include "../util.h"

static const char *const TYPE_NAMES[] = {"invoke", "ok", "fail", "info"};

const char *hist_type_name(hist_type t)
{
    return (unsigned)t < ARRAY_LEN(TYPE_NAMES) ? TYPE_NAMES[t] : "?";
}

int hist_type_from_name(const char *s)
{
    for (size_t i = 0; s && i < ARRAY_LEN(TYPE_NAMES); i++)
        if (strcmp(s, TYPE_NAMES[i]) == 0)
            return (int)i;
    return -1;
}

void history_append(history *h, const hist_op *op)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 256;
        h->ops = xrealloc(h->ops, h->cap * sizeof *h->ops);
    }
    h->ops[h->n++] = *op;
}

void history_free(history *h)
{
    for (size_t i = 0; i < h->n; i++)
        json_object_put(h->ops[i].value);
    free(h->ops);
    memset(h, 0, sizeof *h);
}

/* Fills *op from one parsed record. Returns NULL, or what is wrong. */
static const char *op_from_json(json_object *rec, size_t position, hist_op *op)
{
    json_object *v;
    memset(op, 0, sizeof *op);
    if (!json_object_is_type(rec, json_type_object))
        return "not a JSON object";
    op->index = json_object_object_get_ex(rec, "index", &v) ? json_object_get_int64(v)
                                                             : (int64_t)position;
    if (json_object_object_get_ex(rec, "process", &v) && json_object_is_type(v, json_type_string) &&
        strcmp(json_object_get_string(v), "nemesis") == 0)
        op->process = HIST_NEMESIS;
    else if (!json_object_is_type(v, json_type_int))
        return "no integer \"process\" (nor \"nemesis\")";
    else
        op->process = json_object_get_int64(v);
    if (!json_object_object_get_ex(rec, "type", &v) ||
        hist_type_from_name(json_object_get_string(v)) < 0)
        return "\"type\" is not invoke, ok, fail or info";
    op->type = (hist_type)hist_type_from_name(json_object_get_string(v));
    if (!json_object_object_get_ex(rec, "f", &v) || !json_object_is_type(v, json_type_string))
        return "no string \"f\"";
    if (strlen(json_object_get_string(v)) >= sizeof op->f)
        return "\"f\" is too long";
    snprintf(op->f, sizeof op->f, "%s", json_object_get_string(v));
    if (json_object_object_get_ex(rec, "time", &v))
        op->time = json_object_get_int64(v);
    if (json_object_object_get_ex(rec, "value", &v))
        op->value = json_object_get(v);
    return NULL;
}

/* Copies rec's string field key into buf (left empty when absent).
 * Returns false when the field is there but not a string that fits. */
static bool meta_string(json_object *rec, const char *key, char *buf, size_t size)
{
    json_object *v;
    buf[0] = '\0';
    if (!json_object_object_get_ex(rec, key, &v))
        return true;
    if (!json_object_is_type(v, json_type_string) || strlen(json_object_get_string(v)) >= size)
        return false;
    snprintf(buf, size, "%s", json_object_get_string(v));
    return true;
}

/* Fills *m from a meta record. Returns NULL, or what is wrong. */
static const char *meta_from_json(json_object *rec, hist_meta *m)
{
    memset(m, 0, sizeof *m);
    m->present = true;
    if (!meta_string(rec, "workload", m->workload, sizeof m->workload))
        return "meta \"workload\" is not a short string";
    if (!meta_string(rec, "isolation", m->isolation, sizeof m->isolation))
        return "meta \"isolation\" is not a short string";
    if (!meta_string(rec, "version", m->version, sizeof m->version))
        return "meta \"version\" is not a short string";
    json_object *v;
    if (json_object_object_get_ex(rec, "seed", &v)) {
        if (!json_object_is_type(v, json_type_int))
            return "meta \"seed\" is not an integer";
        m->has_seed = true;
        m->seed = json_object_get_uint64(v);
    }
    return NULL;
}

/* Returns true when rec is a meta record. */
static bool is_meta(json_object *rec)
{
    json_object *v;
    return json_object_is_type(rec, json_type_object) &&
           json_object_object_get_ex(rec, "type", &v) &&
           json_object_is_type(v, json_type_string) &&
           strcmp(json_object_get_string(v), "meta") == 0;
}

/* Takes one record of a history file into the history (a jsonl_read
 * callback; ctx is the history). Returns NULL, "" for a meta record or a
 * fault record (not operations), or what is wrong with the record. */
static const char *take_record(json_object *rec, size_t lineno, void *ctx)
{
    (void)lineno;
    history *h = ctx;
    if (is_meta(rec)) {
        /* Only the first record may say what recorded the file. */
        if (h->n > 0 || h->meta.present)
            return "a meta record may only be the first line";
        const char *why = meta_from_json(rec, &h->meta);
        return why ? why : "";
    }
    hist_op op;
    const char *why = op_from_json(rec, h->n, &op);
    if (why || op.process == HIST_NEMESIS) {
        json_object_put(op.value);   /* a fault is not an operation */
        return why ? why : "";
    }
    history_append(h, &op);
    return NULL;
}

int history_read(const char *path, history *h, char **err)
{
    memset(h, 0, sizeof *h);
    if (jsonl_read(path, take_record, h, err) >= 0)
        return 0;
    history_free(h);
    return -1;
}

struct hist_writer {
    pthread_mutex_t mu;
    FILE *f;
};

/* Writes m as one meta record line. */
static void write_meta(FILE *f, const hist_meta *m)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "type", json_object_new_string("meta"));
    if (m->workload[0])
        json_object_object_add(o, "workload", json_object_new_string(m->workload));
    if (m->isolation[0])
        json_object_object_add(o, "isolation", json_object_new_string(m->isolation));
    if (m->has_seed)
        json_object_object_add(o, "seed", json_object_new_uint64(m->seed));
    if (m->version[0])
        json_object_object_add(o, "version", json_object_new_string(m->version));
    fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    fflush(f);
}

hist_writer *hist_writer_open(const char *path, const hist_meta *meta, char **err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        *err = xasprintf("cannot create the history file %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (meta)
        write_meta(f, meta);
    hist_writer *w = xcalloc(1, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    w->f = f;
    return w;
}

void hist_writer_add(hist_writer *w, const hist_op *op)
{
    pthread_mutex_lock(&w->mu);
    const char *v = op->value ? json_object_to_json_string_ext(op->value, JSON_C_TO_STRING_PLAIN)
                              : "null";
    char process[24];
    if (op->process == HIST_NEMESIS)
        snprintf(process, sizeof process, "\"nemesis\"");
    else
        snprintf(process, sizeof process, "%lld", (long long)op->process);
    fprintf(w->f, "{\"index\":%lld,\"process\":%s,\"type\":\"%s\",\"f\":\"%s\",\"value\":%s,"
                  "\"time\":%lld}\n",
            (long long)op->index, process, hist_type_name(op->type), op->f, v,
            (long long)op->time);
    fflush(w->f);
    pthread_mutex_unlock(&w->mu);
}

void hist_writer_close(hist_writer *w)
{
    if (!w)
        return;
    fclose(w->f);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

/* ---- records as they arrive: an int64 map and pairing (feed.h) ---- */

static size_t imap_slot(const imap *m, int64_t key)
{
    uint64_t x = (uint64_t)key + 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return (size_t)(x ^ (x >> 31)) & (m->cap - 1);
}

bool imap_get(const imap *m, int64_t key, int64_t *val)
{
    if (!m->n)
        return false;
    for (size_t i = imap_slot(m, key); m->used[i]; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key) {
            *val = m->vals[i];
            return true;
        }
    }
    return false;
}

static void imap_grow(imap *m)
{
    imap bigger = {0};
    bigger.cap = m->cap ? m->cap * 2 : 16;
    bigger.keys = xmalloc(bigger.cap * sizeof *bigger.keys);
    bigger.vals = xmalloc(bigger.cap * sizeof *bigger.vals);
    bigger.used = xcalloc(bigger.cap, 1);
    for (size_t i = 0; i < m->cap; i++)
        if (m->used[i])
            imap_put(&bigger, m->keys[i], m->vals[i]);
    imap_free(m);
    *m = bigger;
}

void imap_put(imap *m, int64_t key, int64_t val)
{
    if ((m->n + 1) * 4 > m->cap * 3)
        imap_grow(m);
    size_t i = imap_slot(m, key);
    for (; m->used[i]; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key) {
            m->vals[i] = val;
            return;
        }
    }
    m->used[i] = 1;
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
}

bool imap_del(imap *m, int64_t key)
{
    if (!m->n)
        return false;
    size_t mask = m->cap - 1, i = imap_slot(m, key);
    while (m->used[i] && m->keys[i] != key)
        i = (i + 1) & mask;
    if (!m->used[i])
        return false;
    /* Shifts back the entries after the hole that probed past it. */
    for (size_t j = (i + 1) & mask; m->used[j]; j = (j + 1) & mask) {
        size_t home = imap_slot(m, m->keys[j]);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            i = j;
        }
    }
    m->used[i] = 0;
    m->n--;
    return true;
}

void imap_free(imap *m)
{
    free(m->keys);
    free(m->vals);
    free(m->used);
    memset(m, 0, sizeof *m);
}

void *slot_take(slot_pool *p, void *items, size_t elem, int64_t *at)
{
    if (p->nfree) {
        *at = p->free_slots[--p->nfree];
        return items;
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        items = xrealloc(items, p->cap * elem);
        p->free_slots = xrealloc(p->free_slots, p->cap * sizeof *p->free_slots);
    }
    *at = (int64_t)p->n++;
    return items;
}

void slot_put(slot_pool *p, int64_t at)
{
    p->free_slots[p->nfree++] = at;
}

void slot_pool_free(slot_pool *p)
{
    free(p->free_slots);
    memset(p, 0, sizeof *p);
}

open_op *pairing_invoke(pairing *p, const hist_op *op, int64_t pos, open_op *dropped,
                        bool *had)
{
    *had = pairing_complete(p, op->process, dropped);
    int64_t at;
    p->slots = slot_take(&p->pool, p->slots, sizeof *p->slots, &at);
    open_op *o = &p->slots[at];
    *o = (open_op){.pos = pos, .index = op->index, .time = op->time};
    memcpy(o->f, op->f, sizeof o->f);
    imap_put(&p->slot_of, op->process, at);
    return o;
}

bool pairing_complete(pairing *p, int64_t process, open_op *inv)
{
    int64_t at;
    if (!imap_get(&p->slot_of, process, &at))
        return false;
    imap_del(&p->slot_of, process);
    *inv = p->slots[at];
    p->slots[at].value = NULL;
    slot_put(&p->pool, at);
    return true;
}

const open_op *pairing_open(const pairing *p, int64_t process)
{
    int64_t at;
    return imap_get(&p->slot_of, process, &at) ? &p->slots[at] : NULL;
}

void open_op_release(open_op *o)
{
    json_object_put(o->value);
    o->value = NULL;
}

void pairing_free(pairing *p)
{
    for (size_t i = 0; i < p->pool.n; i++)
        open_op_release(&p->slots[i]); /* free slots hold no value */
    imap_free(&p->slot_of);
    free(p->slots);
    slot_pool_free(&p->pool);
    memset(p, 0, sizeof *p);
}
