/* dlg_profile.c - saving the live settings as a YAML profile, and
 * loading a profile onto the running run. A bare name means
 * profiles/NAME.yaml; anything with a slash or a .yaml ending is a path. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/config/profile.h"
#include "../core/util.h"
#include "dialogs.h"

#define PROFILE_DIR "profiles"

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && strcmp(s + n - k, suf) == 0;
}

/* Trims spaces at both ends, in place. Returns s. */
static char *trim(char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
    return s;
}

static bool is_path(const char *s)
{
    return strchr(s, '/') || has_suffix(s, ".yaml") || has_suffix(s, ".yml");
}

/* Writes where a name or path points into out. */
static void resolve(const char *text, char *out, size_t n)
{
    if (is_path(text))
        snprintf(out, n, "%s", text);
    else
        snprintf(out, n, "%s/%s.yaml", PROFILE_DIR, text);
}

/* Returns the profile name a path suggests: its file name without the
 * extension (static buffer). */
static const char *name_of(const char *path)
{
    static char name[128];
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strnlen(b, sizeof name - 1);
    memcpy(name, b, n);
    name[n] = '\0';
    char *dot = strrchr(name, '.');
    if (dot && dot != name)
        *dot = '\0';
    return name;
}

static void do_save(console *c)
{
    const char *path = c->pf.path;
    if (!is_path(path) || strncmp(path, PROFILE_DIR "/", sizeof PROFILE_DIR) == 0)
        mkdir(PROFILE_DIR, 0755); /* the default folder; an error shows on save */
    run_config live;
    run_live_config(c->r, &live);
    free(live.profile_name);
    live.profile_name = xstrdup(name_of(path));
    char *err = NULL;
    if (profile_save(path, &live, &err) == 0)
        ui_status(c, false, "profile saved to %s", path);
    else
        ui_status(c, true, "cannot save %s: %s", path, err ? err : "error");
    free(err);
    config_free(&live);
}

static void on_overwrite(console *c, bool yes)
{
    if (yes)
        do_save(c);
    else
        ui_status(c, false, "not saved");
}

static void on_save_name(console *c, const char *text)
{
    char buf[LE_MAX];
    snprintf(buf, sizeof buf, "%s", text);
    char *t = trim(buf);
    if (!*t) {
        ui_status(c, true, "no name given: not saved");
        return;
    }
    resolve(t, c->pf.path, sizeof c->pf.path);
    if (access(c->pf.path, F_OK) == 0) {
        char q[1200];
        snprintf(q, sizeof q, "%s exists. Overwrite it?", c->pf.path);
        ui_confirm(c, "Save profile", q, on_overwrite);
        return;
    }
    do_save(c);
}

void profile_save_start(console *c, int key)
{
    (void)key;
    const char *name = run_get_config(c->r)->profile_name;
    ui_prompt(c, "Save profile",
              "Save the live settings (weights, limits, threads, flags) as a name for "
              "profiles/NAME.yaml, or a path:",
              name && *name ? name : "session", on_save_name);
}

/* True when the loaded profile brings its own flag table. */
static bool has_own_flags(const run_config *loaded)
{
    run_config def;
    config_defaults(&def);
    bool same = def.nflags == loaded->nflags;
    for (size_t i = 0; same && i < def.nflags; i++)
        same = strcmp(def.flags[i].name, loaded->flags[i].name) == 0;
    config_free(&def);
    return !same && loaded->nflags > 0;
}

static void on_flags_answer(console *c, bool yes)
{
    profile_dlg *p = &c->pf;
    if (!p->has_loaded)
        return;
    if (yes) {
        /* ALTER SYSTEM for each flag: on the helper thread. */
        bg_job *j = bg_job_new(BG_APPLY_FLAGS, -1, NULL, NULL);
        j->cfg = xcalloc(1, sizeof *j->cfg);
        *j->cfg = p->loaded;   /* the job takes the loaded config */
        p->has_loaded = false;
        size_t n = j->cfg->nflags;
        if (bg_submit(&c->bg, j))
            ui_status(c, false, "setting the profile's %zu flags ...", n);
        else
            ui_status(c, true, "cannot start the thread that sets flags");
        return;
    }
    config_free(&p->loaded);
    p->has_loaded = false;
}

static void on_load_name(console *c, const char *text)
{
    char buf[LE_MAX];
    snprintf(buf, sizeof buf, "%s", text);
    char *t = trim(buf);
    if (!*t) {
        ui_status(c, true, "no profile given");
        return;
    }
    resolve(t, c->pf.path, sizeof c->pf.path);
    if (access(c->pf.path, R_OK) != 0 && access(t, R_OK) == 0)
        snprintf(c->pf.path, sizeof c->pf.path, "%s", t);
    profile_dlg *p = &c->pf;
    if (p->has_loaded)
        config_free(&p->loaded);
    config_defaults(&p->loaded);
    char *err = NULL;
    if (profile_load(p->path, &p->loaded, &err) != 0) {
        ui_status(c, true, "%s", err ? err : "cannot load the profile");
        free(err);
        config_free(&p->loaded);
        p->has_loaded = false;
        return;
    }
    p->has_loaded = true;
    int n = run_apply_config(c->r, &p->loaded, false);
    int threads = run_set_threads(c->r, p->loaded.threads);
    c->next_snap_us = 0;
    ui_status(c, false, "%s loaded: %d weights/limits changed, %d threads", p->path, n, threads);
    if (has_own_flags(&p->loaded)) {
        char q[200];
        snprintf(q, sizeof q, "The profile lists %zu server flags. Set each to its first value now?",
                 p->loaded.nflags);
        ui_confirm(c, "Load profile", q, on_flags_answer);
        return;
    }
    config_free(&p->loaded);
    p->has_loaded = false;
}

void profile_load_start(console *c, int key)
{
    (void)key;
    ui_prompt(c, "Load profile",
              "Profile to load onto the run (weights, limits, threads; workload and "
              "isolation stay): a name in profiles/ or a path:",
              "", on_load_name);
}

void profile_on_applied(console *c, bg_job *j)
{
    ui_status(c, false, "profile applied: %d settings changed, flags included", j->applied);
}

void profile_free(profile_dlg *d)
{
    if (d->has_loaded)
        config_free(&d->loaded);
    d->has_loaded = false;
}
