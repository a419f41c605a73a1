/* report_build.c - a run directory or a history file into index.html. */
#include <errno.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "page.h"
#include "report.h"
#include "../util.h"

/* Reads DIR/NAME as a JSON object: NULL when the file is absent; sets
 * *err when it is there but unreadable or not an object. */
static json_object *optional_json(const char *dir, const char *name, char **err)
{
    char *path = xasprintf("%s/%s", dir, name);
    json_object *o = NULL;
    if (access(path, F_OK) == 0) {
        o = json_object_from_file(path);
        if (!o || !json_object_is_type(o, json_type_object)) {
            *err = xasprintf("%s: not a JSON object (%s)", path, json_util_get_last_err()
                                                                     ? json_util_get_last_err()
                                                                     : "wrong type");
            json_object_put(o);
            o = NULL;
        }
    }
    free(path);
    return o;
}

int report_build(const char *source, const char *out_dir, char **err, char **warn)
{
    *err = *warn = NULL;
    struct stat st;
    if (stat(source, &st) != 0) {
        *err = xasprintf("%s: %s", source, strerror(errno));
        return -1;
    }
    bool is_dir = S_ISDIR(st.st_mode);
    if (!is_dir && !out_dir) {
        *err = xasprintf("%s is a history file: say where the page goes with --out DIR", source);
        return -1;
    }
    series s;
    page_input in = {.source = source, .s = &s};
    char *meta = NULL;
    if (is_dir) {
        char *metrics = xasprintf("%s/metrics.jsonl", source);
        if (access(metrics, F_OK) != 0) {
            *err = xasprintf("%s has no metrics.jsonl: not a directory written by --report "
                             "(a history file needs --out DIR)", source);
            free(metrics);
            return -1;
        }
        int rc = series_from_metrics(metrics, &s, err);
        free(metrics);
        if (rc != 0)
            return -1;
        in.summary = optional_json(source, "summary.json", err);
        if (!*err)
            in.run = optional_json(source, "run.json", err);
        if (*err) {
            json_object_put(in.summary);
            series_free(&s);
            return -1;
        }
        /* The summary's fault list is complete (the rows show at most a
         * few per second). */
        json_object *faults = NULL;
        json_object_object_get_ex(in.summary, "faults", &faults);
        for (size_t i = 0; faults && json_object_is_type(faults, json_type_array) &&
                           i < json_object_array_length(faults); i++) {
            json_object *f = json_object_array_get_idx(faults, i), *k, *t, *a, *b;
            if (json_object_object_get_ex(f, "kind", &k) && json_object_object_get_ex(f, "start_s", &a))
                series_add_fault(&s, json_object_get_string(k),
                                 json_object_object_get_ex(f, "target", &t) ? json_object_get_string(t) : "",
                                 json_object_get_double(a),
                                 json_object_object_get_ex(f, "end_s", &b) && b ? json_object_get_double(b) : -1);
        }
    } else if (series_from_history(source, &s, &meta, err) != 0) {
        return -1;
    }
    in.history_meta = meta;
    const char *dir = out_dir ? out_dir : source;
    int rc = 0;
    figure *figs = NULL;
    char *perr = NULL;
    long nfigs = -1;
    if (mkdir_p(dir) != 0) {
        *err = xasprintf("cannot create %s: %s", dir, strerror(errno));
        rc = -1;
    } else {
        nfigs = plots_draw(&s, &figs, &perr);
        in.figs = figs;
        in.nfigs = nfigs > 0 ? (size_t)nfigs : 0;
        in.plot_error = perr;
        char *page = xasprintf("%s/index.html", dir);
        rc = page_write(page, &in, err);
        free(page);
        *warn = perr;
    }
    if (nfigs > 0)
        figures_free(figs, (size_t)nfigs);
    json_object_put(in.summary);
    json_object_put(in.run);
    free(meta);
    series_free(&s);
    return rc;
}
