/* catalog.h - the tracked catalog: what objects exist, against MAX limits.
 *
 * Thin locking, after parallel-workload: pick an object under a brief global
 * lock (catalog_pick), then take that object's own lock (catalog_lock) for
 * the statement, which re-checks that it still exists, and skip rather than
 * fail when it was dropped meanwhile.
 *
 * All mutable metadata (names, columns, row estimates) is guarded by the
 * global lock; actions read it through cat_desc copies and write it back
 * with catalog_update().  Objects are reference counted: a pointer returned
 * by catalog_pick/catalog_add stays valid until catalog_release(). */
#ifndef MELEE_CATALOG_H
#define MELEE_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "../rng.h"
#include "../sqltype.h"

typedef enum obj_kind {
    OBJ_SCHEMA,
    OBJ_TABLE,
    OBJ_VIEW,
    OBJ_MATVIEW,
    OBJ_INDEX,
    OBJ_SEQUENCE,
    OBJ_ROLE,
    OBJ_KIND_COUNT
} obj_kind;

#define OBJ_MASK(k) (1u << (k))
#define OBJ_RELATIONS (OBJ_MASK(OBJ_TABLE) | OBJ_MASK(OBJ_VIEW) | OBJ_MASK(OBJ_MATVIEW))

#define CAT_NAME_LEN 64
#define CAT_QNAME_LEN (2 * CAT_NAME_LEN + 8)
#define CAT_MAX_COLUMNS 48
#define CAT_MAX_DEPS 4
#define CAT_MAX_GRANTS 16

typedef struct cat_column {
    char name[CAT_NAME_LEN];
    sql_type type;
    bool not_null;
    bool has_default;
} cat_column;

/* A consistent copy of one object's metadata, taken under the global lock.
 * A plain value: no pointers, no ownership. */
typedef struct cat_desc {
    obj_kind kind;
    uint64_t id;
    char name[CAT_NAME_LEN];     /* unqualified, unquoted */
    char schema[CAT_NAME_LEN];   /* schema name, "" for schemas and roles, "pg_temp" for temp */
    char qname[CAT_QNAME_LEN];   /* quoted and schema-qualified, ready for SQL */
    bool temp;
    int owner;                   /* worker id that owns a temp object, -1 if shared */
    int64_t rows;                /* row estimate (tables, matviews) */
    bool has_unique_index;       /* matviews: REFRESH ... CONCURRENTLY possible */
    uint64_t base_id;            /* indexes: id of the indexed relation */
    int ncols;
    cat_column cols[CAT_MAX_COLUMNS];
} cat_desc;

typedef struct cat_obj cat_obj;
typedef struct catalog catalog;

/* Returns a new empty catalog with the given per-kind limits and minimums
 * (copied). Free it with catalog_free() once no worker uses it. */
catalog *catalog_new(const int limits[OBJ_KIND_COUNT], const int minimums[OBJ_KIND_COUNT]);
void catalog_free(catalog *c);

/* Returns a fresh id for naming new objects (unique within the run). */
uint64_t catalog_next_id(catalog *c);

/* Picks a random live object whose kind is in kind_mask and that the worker
 * may see (shared, or temp owned by it). With for_drop, objects are only
 * picked while their kind is above its minimum (temp ones always may go).
 * Returns a reference (release it) and fills *out when out is not NULL;
 * returns NULL when there is nothing to pick. */
cat_obj *catalog_pick(catalog *c, rng_t *r, unsigned kind_mask, int worker, bool for_drop,
                      cat_desc *out);

/* Returns a referenced live object by id, or NULL. */
cat_obj *catalog_find(catalog *c, uint64_t id);

/* Returns a referenced handle to the schema that contains o (release it),
 * or NULL for schemas, roles, temp objects and objects without one. */
cat_obj *catalog_schema_of(catalog *c, cat_obj *o);

/* Drops a reference taken by catalog_pick/catalog_find/catalog_add. */
void catalog_release(catalog *c, cat_obj *o);

/* Takes the object's own lock, exclusive (to change or drop the object)
 * or shared (to act on something it contains: a table of a schema, or to
 * build on it: the bases of a new view). Returns true when it is still
 * alive; returns false, with the lock not held, when it was dropped
 * meanwhile. A thread holds an object's lock once at most. */
bool catalog_lock(catalog *c, cat_obj *o);
bool catalog_lock_shared(catalog *c, cat_obj *o);
void catalog_unlock(cat_obj *o);

/* Refreshes *out from the object. Returns false when it is no longer alive. */
bool catalog_describe(catalog *c, cat_obj *o, cat_desc *out);

/* Reserves room for one more object of kind k. Returns false when the kind
 * is at its limit; on true the caller must later call catalog_add() or
 * catalog_unreserve(). */
bool catalog_reserve(catalog *c, obj_kind k);
void catalog_unreserve(catalog *c, obj_kind k);

/* Adds a created object (consuming a reservation). d gives its metadata;
 * schema (may be NULL) is the containing schema; deps lists up to
 * CAT_MAX_DEPS objects it depends on (views on their bases, indexes on their
 * relation). Returns a referenced handle to the new object. */
cat_obj *catalog_add(catalog *c, const cat_desc *d, cat_obj *schema, cat_obj *const *deps,
                     int ndeps);

/* Replaces the mutable metadata (name, columns, rows, has_unique_index) of
 * a live object from d. Returns false when it is no longer alive. */
bool catalog_update(catalog *c, cat_obj *o, const cat_desc *d);

/* Privileges granted to a role, tracked so that dropping the role can
 * revoke them under the objects' locks (PostgreSQL's GRANT, REVOKE and
 * DROP OWNED update catalog rows without locking the objects, so they
 * must not race other DDL on the same object).
 *
 * catalog_add_grant records that role holds privileges on obj_id; it
 * returns false when the role's list is full. catalog_grant_room says
 * whether it would succeed. catalog_grants copies the list and returns its
 * length; catalog_forget_grant removes one entry. */
bool catalog_add_grant(catalog *c, cat_obj *role, uint64_t obj_id);
bool catalog_grant_room(catalog *c, cat_obj *role, uint64_t obj_id);
int catalog_grants(catalog *c, cat_obj *role, uint64_t ids[CAT_MAX_GRANTS]);
void catalog_forget_grant(catalog *c, cat_obj *role, uint64_t obj_id);

/* Adds delta to a relation's row estimate (clamped at 0). */
void catalog_add_rows(catalog *c, cat_obj *o, int64_t delta);

/* Claims the drop of o, which the caller has locked: succeeds only while
 * its kind, and every kind of what a CASCADE on it would take, stays at or
 * above its minimum counting the drops other workers have claimed (the
 * check at catalog_pick time alone lets two workers drop the last two
 * droppable tables at once). Returns false when the drop must not happen.
 * A claim ends when o is dropped, or with catalog_unclaim_drop. */
bool catalog_claim_drop(catalog *c, cat_obj *o);

/* Gives up a claim of catalog_claim_drop (no-op when there is none or o
 * was dropped). */
void catalog_unclaim_drop(catalog *c, cat_obj *o);

/* Marks o dropped and untracks what the server drops with it: schema
 * members, indexes of a dropped relation, and (with cascade) everything
 * that depends on it, transitively. Returns how many objects went. */
int catalog_drop(catalog *c, cat_obj *o, bool cascade);

/* Fills out[] with referenced handles (release each) of the live objects
 * that DROP ... CASCADE of o would take with it, o itself and the members
 * of a schema o left out (DDL on a member holds its schema's lock).
 * Returns how many, or -1, holding nothing, when there are more than max. */
int catalog_cascade_of(catalog *c, cat_obj *o, cat_obj **out, int max);

/* Untracks every temp object owned by worker (its session ended). */
void catalog_drop_temp(catalog *c, int worker);

/* Copies the live count (temp included) and the limit of every kind. */
void catalog_counts(catalog *c, int counts[OBJ_KIND_COUNT], int limits[OBJ_KIND_COUNT]);

/* Sets the limit of kind k (live change from the console). */
void catalog_set_limit(catalog *c, obj_kind k, int limit);

/* Returns the kind's name for reports and profiles: "schemas", "tables", ... */
const char *obj_kind_name(obj_kind k);

/* Returns the kind for a name from obj_kind_name(), or -1. */
int obj_kind_from_name(const char *name);

#endif
