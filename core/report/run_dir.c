/* run_dir.c - what a run with --report DIR leaves in DIR besides the
 * metrics: the summary, the command and settings, and the page. */
#include <errno.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "../config/profile.h"
#include "../sqlbuf.h"
#include "../util.h"

/* Returns the file's text (caller frees), or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    sqlbuf b = SQLBUF_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf - 1, f)) > 0) {
        buf[n] = '\0';
        sb_printf(&b, "%s", buf);
    }
    fclose(f);
    char *s = xstrdup(sb_str(&b));
    sb_free(&b);
    return s;
}

/* Writes DIR/profile.yaml and DIR/run.json. Returns false on failure. */
static bool write_run_json(run *r, const char *dir, int argc, char **argv)
{
    run_config live;
    run_live_config(r, &live);
    char *profile = xasprintf("%s/profile.yaml", dir), *err = NULL;
    char *yaml = NULL;
    if (profile_save(profile, &live, &err) == 0)
        yaml = slurp(profile);
    else
        free(err);
    config_free(&live);
    sqlbuf cmd = SQLBUF_INIT;
    for (int i = 0; i < argc; i++)
        sb_printf(&cmd, "%s%s", i ? " " : "", argv[i]);
    char *repro = run_repro_command(r, argc, argv);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "version", json_object_new_string(MELEE_VERSION));
    json_object_object_add(o, "command", json_object_new_string(sb_str(&cmd)));
    json_object_object_add(o, "reproduce", json_object_new_string(repro));
    json_object_object_add(o, "profile", yaml ? json_object_new_string(yaml) : NULL);
    char *path = xasprintf("%s/run.json", dir);
    bool ok = json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE) == 0;
    json_object_put(o);
    free(path);
    free(repro);
    sb_free(&cmd);
    free(yaml);
    free(profile);
    return ok;
}

void report_after_run(run *r, const char *dir, int argc, char **argv)
{
    char *summary = xasprintf("%s/summary.json", dir);
    if (run_write_summary(r, summary) != 0 || !write_run_json(r, dir, argc, argv))
        fprintf(stderr, "melee: cannot write the report files in %s: %s\n", dir, strerror(errno));
    free(summary);
    char *err = NULL, *warn = NULL;
    if (report_build(dir, NULL, &err, &warn) != 0) {
        fprintf(stderr, "melee: cannot write the run report: %s\n", err);
        free(err);
        return;
    }
    if (warn)
        fprintf(stderr, "melee: the run report has no plots: %s\n", warn);
    free(warn);
    fprintf(stderr, "melee: run report in %s/index.html\n", dir);
}
