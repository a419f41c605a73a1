/* ddl_util.h - what the DDL, write and setup families share: holding and
 * locking tracked objects, random column definitions, object names and
 * multi-row INSERT text.
 *
 * Locking discipline (after parallel-workload, adapted to a server with
 * table locks): only autocommit actions take object locks, and an action
 * that needs several takes them all at once, in id order, before it sends
 * anything. Transactional actions never wait on an object lock, so a
 * worker that holds server locks inside a transaction can never wait for
 * a worker that waits for the server. */
#ifndef MELEE_DDL_UTIL_H
#define MELEE_DDL_UTIL_H

#include <stdbool.h>

#include "../core/engine/actx.h"
#include "action.h"

/* A picked object: a reference and a copy of its metadata. */
typedef struct held {
    cat_obj *o;
    cat_desc d;
    bool shared;   /* held_lock takes its lock shared: it is only built on or into */
    bool claimed;  /* its drop is claimed (catalog_claim_drop); held_release gives it up */
} held;

/* Picks an object whose kind is in mask. shared_only leaves temp objects
 * out (views and matviews cannot sit on them). Returns false when there is
 * nothing to pick; on true release it with held_release(). */
bool held_pick(actx *a, unsigned mask, bool for_drop, bool shared_only, held *h);

/* Locks n held objects in id order and refreshes their metadata: shared
 * for entries marked shared, else exclusive. An object held by several
 * entries is locked once (exclusive if any entry wants that). Returns
 * false, holding no lock, when one of them was dropped meanwhile. */
bool held_lock(actx *a, held *h, int n);
void held_unlock(held *h, int n);

/* Drops the references of n held objects (NULL entries are skipped) and
 * gives up the drop claims of those not dropped. */
void held_release(actx *a, held *h, int n);

/* Picks an object of kind k and locks it together with its schema (h[0]
 * the object, h[1] the schema or nothing). Returns false, holding
 * nothing, when there is none or it went meanwhile. */
bool held_lock_with_schema(actx *a, obj_kind k, bool for_drop, held h[2]);

/* The most objects one action locks at once. */
#define HELD_MAX 8

/* Like held_lock_with_schema, and with dependents also locks (exclusive)
 * every object outside the picked one's subtree that a CASCADE on it
 * would take with it (views on a table, views on those, ...), so that no
 * other action works on them while the server drops them. Sets *n to the
 * entries used in h (release with held_unlock_release(a, h, *n)). Returns
 * false, holding nothing, when there is nothing to pick, it went
 * meanwhile, or what would fall with it changed or is more than one
 * action may lock. */
bool held_lock_with_dependents(actx *a, obj_kind k, bool for_drop, bool dependents,
                               held h[HELD_MAX], int *n);

/* Unlocks and releases what held_lock_with_schema (or held_lock on n
 * picked entries) holds. */
void held_unlock_release(actx *a, held *h, int n);

/* Sends the DROP statement built in a->sql for h[0] (outside any
 * transaction when outside_txn); when the server dropped it the catalog
 * does too (with cascade, what fell with it). Unlocks and releases the n
 * entries of h. */
act_result ddl_drop(actx *a, held *h, int n, bool cascade, bool outside_txn);

/* Renames h[0] (held with its schema by held_lock_with_schema) to
 * prefix<next id> with "ALTER what <name> RENAME TO"; when the server
 * renamed it the catalog does too. Unlocks and releases h. */
act_result ddl_rename(actx *a, held h[2], const char *what, const char *prefix);

/* The schema that contains h's object, picked for locking (shared)
 * together with it (h->o == NULL when there is none: temp objects). */
void held_schema_of(actx *a, const held *obj, held *schema);

/* Sets d->schema to schema and d->qname to "schema"."name" (d->name
 * set), for statements sent before the object is in the catalog. */
void ddl_qualify(cat_desc *d, const char *schema);

/* Fills col with a fresh random column: name c<id>, a type, and sometimes
 * NOT NULL (with allow_not_null) and a DEFAULT (always when NOT NULL is set
 * and need_default). */
void ddl_random_column(actx *a, cat_column *col, bool allow_not_null, bool need_default);

/* Appends "name type [NOT NULL] [DEFAULT literal]" for col. */
void ddl_column_def(sqlbuf *b, rng_t *r, const cat_column *col);

/* Fills d's columns: an identity primary key "id" first, then 2..max_cols
 * random ones. */
void ddl_random_table_columns(actx *a, cat_desc *d, int max_cols);

/* Appends CREATE [TEMP] TABLE for d (named by qname, or bare name when
 * temp) with its columns. */
void ddl_create_table_sql(sqlbuf *b, rng_t *r, const cat_desc *d);

/* Appends "INSERT INTO qname (cols) VALUES (...), ..." with rows rows of
 * random values (NULLs where allowed, edge values now and then). Columns
 * that must be given are always listed. With first_key >= 0, "id" is
 * listed with first_key, first_key + 1, ...; otherwise it is listed now and
 * then with random values, so that key conflicts happen. */
void ddl_insert_sql(sqlbuf *b, rng_t *r, const cat_desc *t, int rows, int64_t first_key);

/* Returns ACT_OK or ACT_FAIL for a statement's success. */
static inline act_result act_of(bool ok)
{
    return ok ? ACT_OK : ACT_FAIL;
}

#endif
