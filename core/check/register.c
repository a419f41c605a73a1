/* register.c - the register checker: per-key linearizability of reads,
 * writes and compare-and-sets (checkers-spec.md §6.5).
 *
 * Operations are split by key (locality: the history is linearizable iff
 * every key's is) and the keys are searched in parallel, each with its own
 * time budget. Values are [key, v] as actions/wl_register.c records them. */
#include <stdatomic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "register_internal.h"

#include "../sqlbuf.h"
#include "../util.h"

#define DEFAULT_BUDGET_S 10.0
#define LISTED_KEYS 5

typedef struct reg_counts {
    size_t reads, writes, cas, refused, unknown, known, failed, malformed;
} reg_counts;

typedef struct key_job {
    const reg_op *ops; /* the key's operations, sorted by call */
    size_t n;
    wgl_outcome outcome;
    char *explanation; /* owned; set when illegal */
} key_job;

typedef struct pool {
    key_job *jobs;
    size_t njobs;
    atomic_size_t next;
    double budget_s;
} pool;

/* Reads a [key, x] value. Returns false when v is not one. */
static bool keyed(json_object *v, int64_t *key, json_object **x)
{
    if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) != 2 ||
        !check_json_int(json_object_array_get_idx(v, 0), key))
        return false;
    *x = json_object_array_get_idx(v, 1);
    return true;
}

/* Fills op's arguments from the invoke value (and a read's result).
 * Returns false when the values are not the documented shape. */
static bool parse_args(reg_op *op, const hist_op *inv, const hist_op *done)
{
    json_object *x, *got;
    int64_t k;
    if (!keyed(inv->value, &op->key, &x))
        return false;
    switch (op->f) {
    case REG_READ:
        return done && keyed(done->value, &k, &got) && k == op->key &&
               check_json_int(got, &op->a);
    case REG_WRITE:
        return check_json_int(x, &op->a);
    case REG_CAS:
        return json_object_is_type(x, json_type_array) && json_object_array_length(x) == 2 &&
               check_json_int(json_object_array_get_idx(x, 0), &op->a) &&
               check_json_int(json_object_array_get_idx(x, 1), &op->b);
    }
    return false;
}

static int f_from_name(const char *f)
{
    static const char *const names[] = {"read", "write", "cas"};
    for (int i = 0; i < 3; i++)
        if (strcmp(f, names[i]) == 0)
            return i;
    return -1;
}

static void count_op(reg_counts *c, const reg_op *op)
{
    size_t *by_f[] = {&c->reads, &c->writes, &c->cas};
    (*by_f[op->f])++;
    (*(op->known ? &c->known : &c->unknown))++;
}

/* True when a cas's fail completion is [key, false]: the register refused
 * it (it did not hold the expected value), as opposed to an error. */
static bool refused_cas(const hist_op *done)
{
    int64_t k;
    json_object *x;
    return keyed(done->value, &k, &x) && json_object_is_type(x, json_type_boolean) &&
           !json_object_get_boolean(x);
}

/* Turns the invoke at position i into *op. Returns false when it is not
 * checked: not a register op, failed with an error (never happened), a
 * read with an unknown result (no effect), or malformed. A refused cas is
 * kept: it observed the register. */
static bool op_from_invoke(const history *h, const int64_t *pair, size_t i, reg_op *op,
                           reg_counts *c)
{
    const hist_op *inv = &h->ops[i];
    int f = f_from_name(inv->f);
    if (inv->type != H_INVOKE || f < 0)
        return false;
    const hist_op *done = pair[i] >= 0 ? &h->ops[pair[i]] : NULL;
    bool refused = done && done->type == H_FAIL && f == REG_CAS && refused_cas(done);
    if (done && done->type == H_FAIL && !refused) {
        c->failed++;
        return false;
    }
    memset(op, 0, sizeof *op);
    op->f = (reg_f)f;
    op->known = done && (done->type == H_OK || refused);
    op->refused = refused;
    c->refused += refused;
    if (!op->known && op->f == REG_READ)
        return false;
    if (!parse_args(op, inv, op->known ? done : NULL)) {
        c->malformed++;
        return false;
    }
    op->call = (int64_t)i;
    op->ret = op->known ? pair[i] : INT64_MAX;
    op->index = done ? done->index : inv->index;
    op->process = inv->process;
    count_op(c, op);
    return true;
}

static int cmp_key_call(const void *pa, const void *pb)
{
    const reg_op *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return (a->call > b->call) - (a->call < b->call);
}

/* Returns the checked ops sorted by (key, call) (caller frees). */
static reg_op *collect_ops(const history *h, size_t *n, reg_counts *c)
{
    int64_t *pair = check_pair_ops(h);
    reg_op *ops = xmalloc((h->n ? h->n : 1) * sizeof *ops);
    *n = 0;
    for (size_t i = 0; i < h->n; i++)
        if (op_from_invoke(h, pair, i, &ops[*n], c))
            (*n)++;
    free(pair);
    qsort(ops, *n, sizeof *ops, cmp_key_call);
    return ops;
}

/* Returns one job per key over ops (sorted by key). */
static key_job *split_keys(const reg_op *ops, size_t n, size_t *njobs)
{
    key_job *jobs = xcalloc(n ? n : 1, sizeof *jobs);
    *njobs = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || ops[i].key != ops[i - 1].key)
            jobs[(*njobs)++].ops = &ops[i];
        jobs[*njobs - 1].n++;
    }
    return jobs;
}

static void *worker(void *arg)
{
    pool *p = arg;
    for (size_t j; (j = atomic_fetch_add(&p->next, 1)) < p->njobs;) {
        key_job *job = &p->jobs[j];
        wgl_report rep;
        job->outcome = wgl_check(job->ops, job->n, p->budget_s, &rep);
        if (job->outcome == WGL_ILLEGAL) {
            job->explanation = reg_explain_illegal(job->ops, job->n, &rep);
            wgl_report_free(&rep);
        }
    }
    return NULL;
}

static size_t thread_count(const check_opts *o, size_t njobs)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t t = o && o->threads > 0 ? (size_t)o->threads : cpus > 0 ? (size_t)cpus : 1;
    return MAX(MIN(t, njobs), 1);
}

static double budget_of(const check_opts *o)
{
    return o && o->time_budget_s > 0 ? o->time_budget_s : DEFAULT_BUDGET_S;
}

static void run_jobs(key_job *jobs, size_t njobs, const check_opts *o)
{
    pool p = {jobs, njobs, 0, budget_of(o)};
    size_t nt = thread_count(o, njobs);
    pthread_t *t = xmalloc(nt * sizeof *t);
    size_t started = 0;
    for (; started + 1 < nt; started++)
        if (pthread_create(&t[started], NULL, worker, &p) != 0)
            break;
    worker(&p);
    for (size_t i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    free(t);
}

/* Adds "key 3, key 7 ... are not linearizable" (or ran out of time),
 * naming the first few jobs with outcome w. Returns how many there are. */
static size_t add_keys(sqlbuf *b, const key_job *jobs, size_t njobs, wgl_outcome w,
                       double budget_s)
{
    size_t found = 0;
    for (size_t j = 0; j < njobs; j++) {
        if (jobs[j].outcome != w)
            continue;
        if (found < LISTED_KEYS) {
            sb_printf(b, "%skey %lld", found ? ", " : "", (long long)jobs[j].ops[0].key);
            if (w == WGL_TIMEOUT)
                sb_printf(b, " (%zu operations)", jobs[j].n);
        }
        found++;
    }
    if (found > LISTED_KEYS)
        sb_printf(b, " and %zu more", found - LISTED_KEYS);
    if (found && w == WGL_TIMEOUT)
        sb_printf(b, " ran past the %g s search budget, so %s not decided", budget_s,
                  found == 1 ? "it was" : "they were");
    if (found && w == WGL_ILLEGAL)
        sb_printf(b, " %s not linearizable", found == 1 ? "is" : "are");
    return found;
}

static void judge(check_result *out, const key_job *jobs, size_t njobs, const reg_counts *c,
                  double budget_s)
{
    sqlbuf b = SQLBUF_INIT;
    size_t illegal = add_keys(&b, jobs, njobs, WGL_ILLEGAL, budget_s);
    sqlbuf t = SQLBUF_INIT;
    size_t timeouts = add_keys(&t, jobs, njobs, WGL_TIMEOUT, budget_s);
    if (illegal && timeouts)
        sb_add(&b, "; ");
    sb_add(&b, sb_str(&t));
    sb_free(&t);
    for (size_t j = 0; j < njobs; j++)
        if (jobs[j].outcome == WGL_ILLEGAL)
            check_result_add(out, "nonlinearizable", jobs[j].explanation);
    if (illegal) {
        out->verdict = VERDICT_INVALID;
    } else if (timeouts) {
        out->verdict = VERDICT_UNKNOWN;
    } else if (c->known == 0) {
        out->verdict = VERDICT_UNKNOWN;
        sb_add(&b, "no register operation completed ok, so there was nothing to check");
    } else {
        out->verdict = VERDICT_VALID;
    }
    out->reason = b.len ? sb_steal(&b) : NULL;
    sb_free(&b);
}

static char *stats_line(const reg_counts *c, size_t nkeys)
{
    return xasprintf("%zu operations on %zu keys (%zu reads, %zu writes, %zu cas of which %zu "
                     "refused; %zu with unknown outcome); %zu failed and %zu malformed not used",
                     c->known + c->unknown, nkeys, c->reads, c->writes, c->cas, c->refused,
                     c->unknown, c->failed, c->malformed);
}

int check_register(const history *h, const check_opts *o, check_result *out)
{
    memset(out, 0, sizeof *out);
    reg_counts c = {0};
    size_t n, njobs;
    reg_op *ops = collect_ops(h, &n, &c);
    key_job *jobs = split_keys(ops, n, &njobs);
    if (njobs)
        run_jobs(jobs, njobs, o);
    judge(out, jobs, njobs, &c, budget_of(o));
    out->stats = stats_line(&c, njobs);
    for (size_t j = 0; j < njobs; j++)
        free(jobs[j].explanation);
    free(jobs);
    free(ops);
    return 0;
}
