/* catalog.c - the tracked catalog (see catalog.h for the locking rules). */
#include "catalog.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sqlbuf.h"
#include "../util.h"

struct cat_obj {
    pthread_rwlock_t lock;      /* held by the actions working on the object */
    atomic_int refs;            /* the catalog's own while alive, plus handles */
    bool alive;                 /* guarded by catalog.mu */
    cat_desc d;                 /* guarded by catalog.mu (qname/schema derived) */
    cat_obj *schema;            /* referenced */
    cat_obj *deps[CAT_MAX_DEPS];/* referenced */
    int ndeps;
    uint64_t grants[CAT_MAX_GRANTS]; /* roles: ids of objects granted to them (catalog.mu) */
    int ngrants;
    bool drop_claimed;          /* a worker is about to drop it (catalog.mu) */
};

typedef struct obj_array {
    cat_obj **v;
    int n, cap;
} obj_array;

struct catalog {
    pthread_mutex_t mu;
    obj_array objs[OBJ_KIND_COUNT];
    int ntemp[OBJ_KIND_COUNT];
    int reserved[OBJ_KIND_COUNT];
    int claimed[OBJ_KIND_COUNT];   /* live non-temp objects claimed for a drop */
    int limits[OBJ_KIND_COUNT];
    int minimums[OBJ_KIND_COUNT];
    atomic_uint_fast64_t next_id;
};

static const char *const KIND_NAMES[OBJ_KIND_COUNT] = {
    [OBJ_SCHEMA] = "schemas",   [OBJ_TABLE] = "tables",     [OBJ_VIEW] = "views",
    [OBJ_MATVIEW] = "matviews", [OBJ_INDEX] = "indexes",    [OBJ_SEQUENCE] = "sequences",
    [OBJ_ROLE] = "roles",
};

const char *obj_kind_name(obj_kind k)
{
    return (unsigned)k < OBJ_KIND_COUNT ? KIND_NAMES[k] : "?";
}

int obj_kind_from_name(const char *name)
{
    for (int k = 0; k < OBJ_KIND_COUNT; k++)
        if (name && strcmp(name, KIND_NAMES[k]) == 0)
            return k;
    return -1;
}

catalog *catalog_new(const int limits[OBJ_KIND_COUNT], const int minimums[OBJ_KIND_COUNT])
{
    catalog *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    for (int k = 0; k < OBJ_KIND_COUNT; k++) {
        c->limits[k] = limits ? limits[k] : 100;
        c->minimums[k] = minimums ? minimums[k] : 0;
    }
    atomic_init(&c->next_id, 1);
    return c;
}

static void obj_free(cat_obj *o);

void catalog_release(catalog *c, cat_obj *o)
{
    (void)c;
    if (o && atomic_fetch_sub(&o->refs, 1) == 1)
        obj_free(o);
}

static void obj_free(cat_obj *o)
{
    catalog_release(NULL, o->schema);
    for (int i = 0; i < o->ndeps; i++)
        catalog_release(NULL, o->deps[i]);
    pthread_rwlock_destroy(&o->lock);
    free(o);
}

void catalog_free(catalog *c)
{
    if (!c)
        return;
    for (int k = 0; k < OBJ_KIND_COUNT; k++) {
        for (int i = 0; i < c->objs[k].n; i++)
            catalog_release(c, c->objs[k].v[i]);
        free(c->objs[k].v);
    }
    pthread_mutex_destroy(&c->mu);
    free(c);
}

cat_obj *catalog_schema_of(catalog *c, cat_obj *o)
{
    pthread_mutex_lock(&c->mu);
    cat_obj *s = o->schema;
    if (s)
        atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&c->mu);
    return s;
}

uint64_t catalog_next_id(catalog *c)
{
    return atomic_fetch_add(&c->next_id, 1);
}

/* Fills the derived fields (schema, qname) of o's desc into *out. Caller
 * holds c->mu. */
static void describe_locked(const cat_obj *o, cat_desc *out)
{
    *out = o->d;
    sqlbuf b = SQLBUF_INIT;
    if (o->d.temp) {
        snprintf(out->schema, sizeof out->schema, "pg_temp");
    } else if (o->schema) {
        snprintf(out->schema, sizeof out->schema, "%s", o->schema->d.name);
    } else {
        out->schema[0] = '\0';
    }
    if (out->schema[0] && o->d.kind != OBJ_SCHEMA && o->d.kind != OBJ_ROLE) {
        sb_ident(&b, out->schema);
        sb_addc(&b, '.');
    }
    sb_ident(&b, o->d.name);
    snprintf(out->qname, sizeof out->qname, "%s", sb_str(&b));
    sb_free(&b);
}

static bool visible(const cat_obj *o, int worker)
{
    return !o->d.temp || o->d.owner == worker;
}

static bool droppable(const catalog *c, const cat_obj *o)
{
    obj_kind k = o->d.kind;
    if (o->d.temp)
        return true;
    return c->objs[k].n - c->ntemp[k] - c->claimed[k] > c->minimums[k];
}

cat_obj *catalog_pick(catalog *c, rng_t *r, unsigned kind_mask, int worker, bool for_drop,
                      cat_desc *out)
{
    pthread_mutex_lock(&c->mu);
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t want = pass ? rng_below(r, total) : 0;
        size_t seen = 0;
        for (int k = 0; k < OBJ_KIND_COUNT; k++) {
            if (!(kind_mask & OBJ_MASK(k)))
                continue;
            for (int i = 0; i < c->objs[k].n; i++) {
                cat_obj *o = c->objs[k].v[i];
                if (!visible(o, worker) || (for_drop && !droppable(c, o)))
                    continue;
                if (pass && seen == want) {
                    atomic_fetch_add(&o->refs, 1);
                    if (out)
                        describe_locked(o, out);
                    pthread_mutex_unlock(&c->mu);
                    return o;
                }
                seen++;
            }
        }
        total = seen;
        if (total == 0)
            break;
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

cat_obj *catalog_find(catalog *c, uint64_t id)
{
    pthread_mutex_lock(&c->mu);
    for (int k = 0; k < OBJ_KIND_COUNT; k++)
        for (int i = 0; i < c->objs[k].n; i++)
            if (c->objs[k].v[i]->d.id == id) {
                cat_obj *o = c->objs[k].v[i];
                atomic_fetch_add(&o->refs, 1);
                pthread_mutex_unlock(&c->mu);
                return o;
            }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

static bool is_alive(catalog *c, cat_obj *o)
{
    pthread_mutex_lock(&c->mu);
    bool alive = o->alive;
    pthread_mutex_unlock(&c->mu);
    return alive;
}

bool catalog_lock(catalog *c, cat_obj *o)
{
    pthread_rwlock_wrlock(&o->lock);
    if (is_alive(c, o))
        return true;
    pthread_rwlock_unlock(&o->lock);
    return false;
}

bool catalog_lock_shared(catalog *c, cat_obj *o)
{
    pthread_rwlock_rdlock(&o->lock);
    if (is_alive(c, o))
        return true;
    pthread_rwlock_unlock(&o->lock);
    return false;
}

void catalog_unlock(cat_obj *o)
{
    pthread_rwlock_unlock(&o->lock);
}

bool catalog_describe(catalog *c, cat_obj *o, cat_desc *out)
{
    pthread_mutex_lock(&c->mu);
    bool alive = o->alive;
    if (alive)
        describe_locked(o, out);
    pthread_mutex_unlock(&c->mu);
    return alive;
}

bool catalog_reserve(catalog *c, obj_kind k)
{
    pthread_mutex_lock(&c->mu);
    bool ok = c->objs[k].n + c->reserved[k] < c->limits[k];
    if (ok)
        c->reserved[k]++;
    pthread_mutex_unlock(&c->mu);
    return ok;
}

void catalog_unreserve(catalog *c, obj_kind k)
{
    pthread_mutex_lock(&c->mu);
    if (c->reserved[k] > 0)
        c->reserved[k]--;
    pthread_mutex_unlock(&c->mu);
}

cat_obj *catalog_add(catalog *c, const cat_desc *d, cat_obj *schema, cat_obj *const *deps,
                     int ndeps)
{
    cat_obj *o = xcalloc(1, sizeof *o);
    /* Writers first: a DROP SCHEMA must not wait forever behind a stream
     * of actions on the schema's members. */
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&o->lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    atomic_init(&o->refs, 2); /* the catalog's and the caller's */
    o->d = *d;
    o->alive = true;
    if (schema) {
        atomic_fetch_add(&schema->refs, 1);
        o->schema = schema;
    }
    for (int i = 0; i < ndeps && i < CAT_MAX_DEPS; i++) {
        if (!deps[i])
            continue;
        atomic_fetch_add(&deps[i]->refs, 1);
        o->deps[o->ndeps++] = deps[i];
    }
    obj_kind k = d->kind;
    pthread_mutex_lock(&c->mu);
    if (c->reserved[k] > 0)
        c->reserved[k]--;
    obj_array *a = &c->objs[k];
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = xrealloc(a->v, (size_t)a->cap * sizeof *a->v);
    }
    a->v[a->n++] = o;
    if (d->temp)
        c->ntemp[k]++;
    pthread_mutex_unlock(&c->mu);
    return o;
}

bool catalog_update(catalog *c, cat_obj *o, const cat_desc *d)
{
    pthread_mutex_lock(&c->mu);
    bool alive = o->alive;
    if (alive) {
        snprintf(o->d.name, sizeof o->d.name, "%s", d->name);
        o->d.rows = d->rows;
        o->d.has_unique_index = d->has_unique_index;
        o->d.ncols = d->ncols < CAT_MAX_COLUMNS ? d->ncols : CAT_MAX_COLUMNS;
        memcpy(o->d.cols, d->cols, (size_t)o->d.ncols * sizeof o->d.cols[0]);
    }
    pthread_mutex_unlock(&c->mu);
    return alive;
}

bool catalog_add_grant(catalog *c, cat_obj *role, uint64_t obj_id)
{
    pthread_mutex_lock(&c->mu);
    bool ok = true;
    int i = 0;
    while (i < role->ngrants && role->grants[i] != obj_id)
        i++;
    if (i == role->ngrants) {
        ok = role->ngrants < CAT_MAX_GRANTS;
        if (ok)
            role->grants[role->ngrants++] = obj_id;
    }
    pthread_mutex_unlock(&c->mu);
    return ok;
}

bool catalog_grant_room(catalog *c, cat_obj *role, uint64_t obj_id)
{
    pthread_mutex_lock(&c->mu);
    bool room = role->ngrants < CAT_MAX_GRANTS;
    for (int i = 0; !room && i < role->ngrants; i++)
        room = role->grants[i] == obj_id;
    pthread_mutex_unlock(&c->mu);
    return room;
}

int catalog_grants(catalog *c, cat_obj *role, uint64_t ids[CAT_MAX_GRANTS])
{
    pthread_mutex_lock(&c->mu);
    int n = role->ngrants;
    memcpy(ids, role->grants, (size_t)n * sizeof *ids);
    pthread_mutex_unlock(&c->mu);
    return n;
}

void catalog_forget_grant(catalog *c, cat_obj *role, uint64_t obj_id)
{
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < role->ngrants; i++)
        if (role->grants[i] == obj_id) {
            role->grants[i] = role->grants[--role->ngrants];
            break;
        }
    pthread_mutex_unlock(&c->mu);
}

void catalog_add_rows(catalog *c, cat_obj *o, int64_t delta)
{
    pthread_mutex_lock(&c->mu);
    o->d.rows += delta;
    if (o->d.rows < 0)
        o->d.rows = 0;
    pthread_mutex_unlock(&c->mu);
}

/* Removes dead objects from the arrays and drops the catalog's references.
 * Caller holds c->mu. Returns how many went. */
static int sweep_dead(catalog *c)
{
    int gone = 0;
    for (int k = 0; k < OBJ_KIND_COUNT; k++) {
        obj_array *a = &c->objs[k];
        int w = 0;
        for (int i = 0; i < a->n; i++) {
            cat_obj *o = a->v[i];
            if (o->alive) {
                a->v[w++] = o;
                continue;
            }
            if (o->d.temp)
                c->ntemp[k]--;
            if (o->drop_claimed) {
                o->drop_claimed = false;
                c->claimed[k]--;
            }
            gone++;
            catalog_release(c, o);
        }
        a->n = w;
    }
    return gone;
}

/* Whether o goes when `dead` goes: members of a dropped schema, indexes of
 * a dropped relation always, other dependents only with cascade. */
static bool falls_with(const cat_obj *o, bool cascade)
{
    if (o->schema && !o->schema->alive)
        return true;
    for (int i = 0; i < o->ndeps; i++)
        if (!o->deps[i]->alive && (cascade || o->d.kind == OBJ_INDEX))
            return true;
    return false;
}

static void mark_dependents(catalog *c, bool cascade)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (int k = 0; k < OBJ_KIND_COUNT; k++)
            for (int i = 0; i < c->objs[k].n; i++) {
                cat_obj *o = c->objs[k].v[i];
                if (o->alive && falls_with(o, cascade)) {
                    o->alive = false;
                    changed = true;
                }
            }
    }
}

/* True when o would fall once the ngone objects in gone[] go with a
 * cascade. */
static bool falls_with_marked(const cat_obj *o, const cat_obj *const *gone, int ngone)
{
    for (int g = 0; g < ngone; g++) {
        if (o->schema == gone[g])
            return true;
        for (int i = 0; i < o->ndeps; i++)
            if (o->deps[i] == gone[g])
                return true;
    }
    return false;
}

static bool listed(const cat_obj *o, const cat_obj *const *v, int n)
{
    for (int i = 0; i < n; i++)
        if (v[i] == o)
            return true;
    return false;
}

/* Fills gone[] with o and every live object a DROP ... CASCADE of o would
 * take (schema members included), in the order found. Caller holds c->mu.
 * Returns how many, or -1 when there are more than max. */
static int fall_set(catalog *c, cat_obj *o, cat_obj **gone, int max)
{
    int ngone = 0;
    gone[ngone++] = o;
    bool changed = true;
    while (changed) {
        changed = false;
        for (int k = 0; k < OBJ_KIND_COUNT; k++)
            for (int i = 0; i < c->objs[k].n; i++) {
                cat_obj *x = c->objs[k].v[i];
                if (!x->alive || listed(x, (const cat_obj *const *)gone, ngone) ||
                    !falls_with_marked(x, (const cat_obj *const *)gone, ngone))
                    continue;
                if (ngone == max)
                    return -1;
                gone[ngone++] = x;
                changed = true;
            }
    }
    return ngone;
}

enum { MAX_FALLING = 256 };

int catalog_cascade_of(catalog *c, cat_obj *o, cat_obj **out, int max)
{
    cat_obj *gone[MAX_FALLING];
    int n = 0;
    pthread_mutex_lock(&c->mu);
    int ngone = fall_set(c, o, gone, MAX_FALLING);
    for (int i = 1; i < ngone && n >= 0; i++) {
        if (gone[i]->schema == o)
            continue; /* a member of the dropped schema */
        if (n == max)
            n = -1;
        else
            out[n++] = gone[i];
    }
    if (ngone < 0 || n < 0) {
        pthread_mutex_unlock(&c->mu);
        return -1;
    }
    for (int i = 0; i < n; i++)
        atomic_fetch_add(&out[i]->refs, 1);
    pthread_mutex_unlock(&c->mu);
    return n;
}

bool catalog_claim_drop(catalog *c, cat_obj *o)
{
    cat_obj *gone[MAX_FALLING];
    int falling[OBJ_KIND_COUNT] = {0};
    pthread_mutex_lock(&c->mu);
    int ngone = o->alive && !o->drop_claimed ? fall_set(c, o, gone, MAX_FALLING) : -1;
    for (int i = 0; i < ngone; i++)
        if (!gone[i]->d.temp && !gone[i]->drop_claimed)
            falling[gone[i]->d.kind]++;
    bool ok = ngone > 0;
    for (int k = 0; ok && k < OBJ_KIND_COUNT; k++)
        ok = falling[k] == 0 ||
             c->objs[k].n - c->ntemp[k] - c->claimed[k] - falling[k] >= c->minimums[k];
    if (ok && !o->d.temp) {
        o->drop_claimed = true;
        c->claimed[o->d.kind]++;
    }
    pthread_mutex_unlock(&c->mu);
    return ok;
}

void catalog_unclaim_drop(catalog *c, cat_obj *o)
{
    pthread_mutex_lock(&c->mu);
    if (o->drop_claimed) {
        o->drop_claimed = false;
        c->claimed[o->d.kind]--;
    }
    pthread_mutex_unlock(&c->mu);
}

int catalog_drop(catalog *c, cat_obj *o, bool cascade)
{
    pthread_mutex_lock(&c->mu);
    int gone = 0;
    if (o->alive) {
        o->alive = false;
        mark_dependents(c, cascade);
        gone = sweep_dead(c);
    }
    pthread_mutex_unlock(&c->mu);
    return gone;
}

void catalog_drop_temp(catalog *c, int worker)
{
    pthread_mutex_lock(&c->mu);
    for (int k = 0; k < OBJ_KIND_COUNT; k++)
        for (int i = 0; i < c->objs[k].n; i++) {
            cat_obj *o = c->objs[k].v[i];
            if (o->d.temp && o->d.owner == worker)
                o->alive = false;
        }
    mark_dependents(c, true);
    sweep_dead(c);
    pthread_mutex_unlock(&c->mu);
}

void catalog_counts(catalog *c, int counts[OBJ_KIND_COUNT], int limits[OBJ_KIND_COUNT])
{
    pthread_mutex_lock(&c->mu);
    for (int k = 0; k < OBJ_KIND_COUNT; k++) {
        if (counts)
            counts[k] = c->objs[k].n;
        if (limits)
            limits[k] = c->limits[k];
    }
    pthread_mutex_unlock(&c->mu);
}

void catalog_set_limit(catalog *c, obj_kind k, int limit)
{
    if ((unsigned)k >= OBJ_KIND_COUNT)
        return;
    pthread_mutex_lock(&c->mu);
    c->limits[k] = limit < 0 ? 0 : limit;
    pthread_mutex_unlock(&c->mu);
}
