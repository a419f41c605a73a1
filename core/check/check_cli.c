/* check_cli.c - `melee check HISTORY`: checks a recorded history offline
 * and prints the same verdict block as a live run's report. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#include "../util.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: melee check HISTORY [options]\n"
            "  -w, --workload NAME     the workload that recorded it (%s);\n"
            "                          default: the file's meta record, else guessed from\n"
            "                          the operations\n"
            "  -i, --isolation L       the level it ran at: read-committed | repeatable-read |\n"
            "                          serializable; the verdict is judged against it\n"
            "                          (default: the file's meta record, else serializable)\n"
            "      --time-budget S     search budget per cycle component / register key (1)\n"
            "      --check-threads N   threads for per-key checking (2)\n"
            "      --strict            exit 1 on an unknown verdict too\n"
            "exit status: 0 valid (or unknown without --strict), 1 invalid, 2 usage or\n"
            "unreadable history\n",
            check_workload_names());
}

/* Returns the workload whose operations h holds, or NULL. */
static const char *guess_workload(const history *h)
{
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        if (strcmp(op->f, "transfer") == 0 || strcmp(op->f, "insert-account") == 0)
            return "bank";
        if (strcmp(op->f, "cas") == 0 || strcmp(op->f, "write") == 0)
            return "register";
        if (strcmp(op->f, "add-column") == 0 || strcmp(op->f, "create-table") == 0)
            return "default-value";
        if (strcmp(op->f, "txn") == 0 && json_object_is_type(op->value, json_type_array)) {
            const char *f = check_json_str(check_json_at(check_json_at(op->value, 0), 0));
            if (!f)
                continue;
            if (strcmp(f, "append") == 0)
                return "append";
            if (strcmp(f, "w") == 0)
                return "long-fork";
        }
        if (strcmp(op->f, "add") == 0 && op->type == H_INVOKE) {
            /* counter adds are all 1; set adds are distinct elements */
            for (size_t j = i; j < h->n; j++)
                if (strcmp(h->ops[j].f, "read") == 0 && h->ops[j].type == H_OK)
                    return json_object_is_type(h->ops[j].value, json_type_array) ? "set"
                                                                                  : "counter";
        }
    }
    return NULL;
}

/* Picks the workload: the flag, else the meta record, else a guess. Sets
 * *from to where it came from. Returns NULL after printing why not. */
static const char *choose_workload(const char *flag, const history *h, const char *path,
                                   const char **from)
{
    const char *w = flag;
    *from = "--workload";
    if (!w && h->meta.workload[0]) {
        w = h->meta.workload;
        *from = "meta record";
    }
    if (!w && (w = guess_workload(h)))
        *from = "guessed from the operations";
    if (!w) {
        fprintf(stderr, "melee check: cannot tell which workload recorded %s; name it with "
                        "--workload\n", path);
        return NULL;
    }
    if (!check_workload_known(w)) {
        fprintf(stderr, "melee check: no checker for workload '%s' (%s; there are: %s)\n", w,
                *from, check_workload_names());
        return NULL;
    }
    return w;
}

/* Picks the level to judge at: the flag (flag_set), else the meta record,
 * else serializable. Sets *from. Returns -1 after printing why not. */
static int choose_isolation(bool flag_set, isolation flag, const history *h, const char **from)
{
    if (flag_set) {
        *from = "--isolation";
        return (int)flag;
    }
    if (!h->meta.isolation[0]) {
        *from = "default, the file does not name one";
        return ISO_SERIALIZABLE;
    }
    *from = "meta record";
    int e = isolation_from_name(h->meta.isolation);
    if (e < 0)
        fprintf(stderr, "melee check: the meta record names an unknown isolation level '%s'; "
                        "give one with --isolation\n", h->meta.isolation);
    return e;
}

/* Prints what the file says about itself and what it is judged as. */
static void print_header(const char *path, const history *h, const char *workload,
                         const char *workload_from, isolation iso, const char *iso_from)
{
    const hist_meta *m = &h->meta;
    printf("%s: %zu records", path, h->n);
    if (m->version[0])
        printf(", recorded by melee %s", m->version);
    if (m->has_seed)
        printf(" with seed %llu", (unsigned long long)m->seed);
    printf("\nworkload %s (%s", workload, workload_from);
    if (m->workload[0] && strcmp(m->workload, workload) != 0)
        printf("; the meta record says %s", m->workload);
    printf("), judged at isolation %s (%s", isolation_name(iso), iso_from);
    if (m->isolation[0] && strcmp(m->isolation, isolation_name(iso)) != 0)
        printf("; the run used %s", m->isolation);
    printf(")\n");
}

enum { OPT_BUDGET = 1000, OPT_THREADS, OPT_STRICT };

int check_command(int argc, char **argv)
{
    static const struct option LONG[] = {
        {"workload", required_argument, NULL, 'w'},
        {"isolation", required_argument, NULL, 'i'},
        {"time-budget", required_argument, NULL, OPT_BUDGET},
        {"check-threads", required_argument, NULL, OPT_THREADS},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *workload = NULL;
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    bool strict = false, iso_set = false;
    int c, e;
    optind = 1;
    while ((c = getopt_long(argc, argv, "w:i:h", LONG, NULL)) != -1) {
        switch (c) {
        case 'w':
            workload = optarg;
            break;
        case 'i':
            if ((e = isolation_from_name(optarg)) < 0) {
                fprintf(stderr, "melee check: unknown isolation level '%s'\n", optarg);
                return 2;
            }
            o.isolation = (isolation)e;
            iso_set = true;
            break;
        case OPT_BUDGET:
            o.time_budget_s = atof(optarg);
            break;
        case OPT_THREADS:
            o.threads = atoi(optarg);
            break;
        case OPT_STRICT:
            strict = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    history h;
    char *err = NULL;
    if (history_read(argv[optind], &h, &err) != 0) {
        fprintf(stderr, "melee check: %s\n", err);
        free(err);
        return 2;
    }
    const char *workload_from, *iso_from;
    workload = choose_workload(workload, &h, argv[optind], &workload_from);
    int iso = workload ? choose_isolation(iso_set, o.isolation, &h, &iso_from) : -1;
    if (iso < 0) {
        history_free(&h);
        return 2;
    }
    o.isolation = (isolation)iso;
    check_result r;
    if (check_history(&h, workload, &o, &r, &err) != 0) {
        fprintf(stderr, "melee check: %s\n", err);
        free(err);
        history_free(&h);
        return 2;
    }
    print_header(argv[optind], &h, workload, workload_from, o.isolation, iso_from);
    check_result_print(&r, workload, stdout);
    int status = r.verdict == VERDICT_INVALID ? 1 : 0;
    if (r.verdict == VERDICT_UNKNOWN) {
        fprintf(stderr, "melee check: the verdict is unknown%s\n",
                strict ? " (--strict: exit 1)" : "");
        status = strict ? 1 : 0;
    }
    check_result_free(&r);
    history_free(&h);
    return status;
}
