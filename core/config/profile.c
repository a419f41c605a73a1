/* profile.c - loading YAML profiles (libyaml) onto a run_config with
 * file:line:column errors. The settings table says which keys a section
 * has; list-shaped sections have their own parsers (profile_sections.h). */
#include "profile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "profile_loader.h"
#include "profile_sections.h"
#include "settings.h"
#include "../sqlbuf.h"
#include "../util.h"

/* ---- readers lent to the section parsers ---- */

int ld_fail(loader *l, const yaml_node_t *n, const char *fmt, ...)
{
    if (l->err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    l->err = xasprintf("%s:%zu:%zu: %s", l->path, n ? n->start_mark.line + 1 : 1,
                       n ? n->start_mark.column + 1 : 1, msg);
    free(msg);
    return -1;
}

yaml_node_t *ld_node(loader *l, int id)
{
    return yaml_document_get_node(&l->doc, id);
}

const char *ld_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int ld_want(loader *l, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
    static const char *const NAMES[] = {"nothing", "a value", "a list", "a mapping"};
    if (n->type == t)
        return 0;
    return ld_fail(l, n, "%s must be %s", what, NAMES[t]);
}

int ld_int(loader *l, const yaml_node_t *n, const char *what, long long min, long long max,
           long long *out)
{
    const char *s = ld_scalar(n);
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || errno || *end)
        return ld_fail(l, n, "%s must be an integer, not '%s'", what, s ? s : "a structure");
    if (v < min || v > max)
        return ld_fail(l, n, "%s must be between %lld and %lld, not %lld", what, min, max, v);
    *out = v;
    return 0;
}

int ld_str(loader *l, const yaml_node_t *n, const char *what, char **out)
{
    const char *s = ld_scalar(n);
    if (!s)
        return ld_fail(l, n, "%s must be a string", what);
    free(*out);
    *out = xstrdup(s);
    return 0;
}

int ld_enum(loader *l, const yaml_node_t *n, const char *what, const char *(*name_at)(size_t),
            int *out)
{
    const char *s = ld_scalar(n), *name;
    for (size_t i = 0; s && (name = name_at(i)) != NULL; i++)
        if (strcmp(name, s) == 0) {
            *out = (int)i;
            return 0;
        }
    sqlbuf names = SQLBUF_INIT;
    for (size_t i = 0; (name = name_at(i)) != NULL; i++)
        sb_printf(&names, "%s%s", i ? ", " : "", name);
    ld_fail(l, n, "unknown %s '%s' (one of: %s)", what, s ? s : "(structure)", sb_str(&names));
    sb_free(&names);
    return -1;
}

int ld_strv(loader *l, yaml_node_t *v, const char *what, char ***out, size_t *n)
{
    if (ld_want(l, v, YAML_SEQUENCE_NODE, what))
        return -1;
    size_t cnt = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    char **vals = xcalloc(cnt ? cnt : 1, sizeof *vals);
    for (size_t i = 0; i < cnt; i++) {
        const yaml_node_t *item = ld_node(l, v->data.sequence.items.start[i]);
        if (!ld_scalar(item)) {
            for (size_t k = 0; k < i; k++)
                free(vals[k]);
            free(vals);
            return ld_fail(l, item, "%s must be plain values", what);
        }
        vals[i] = xstrdup(ld_scalar(item));
    }
    *out = vals;
    *n = cnt;
    return 0;
}

int ld_each_pair(loader *l, yaml_node_t *map, const char *what, ld_pair_fn fn, run_config *c,
                 void *arg)
{
    if (ld_want(l, map, YAML_MAPPING_NODE, what))
        return -1;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ld_node(l, p->key), *v = ld_node(l, p->value);
        if (!ld_scalar(k))
            return ld_fail(l, k, "keys of %s must be plain names", what);
        if (fn(l, k, v, c, arg))
            return -1;
    }
    return 0;
}

/* Passes one pair to the row of its key. */
typedef struct keyed {
    const char *what;
    const ld_key *keys;
    size_t nkeys;
    void *arg;
} keyed;

static int on_keyed(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    const keyed *kd = arg;
    for (size_t i = 0; i < kd->nkeys; i++)
        if (strcmp(kd->keys[i].key, ld_scalar(k)) == 0)
            return kd->keys[i].fn(l, k, v, c, kd->arg);
    sqlbuf known = SQLBUF_INIT;
    for (size_t i = 0; i < kd->nkeys; i++)
        sb_printf(&known, "%s%s", i ? ", " : "", kd->keys[i].key);
    ld_fail(l, k, "unknown key '%s' in %s (it has: %s)", ld_scalar(k), kd->what, sb_str(&known));
    sb_free(&known);
    return -1;
}

int ld_each_key(loader *l, yaml_node_t *map, const char *what, const ld_key *keys, size_t nkeys,
                run_config *c, void *arg)
{
    keyed kd = {what, keys, nkeys, arg};
    return ld_each_pair(l, map, what, on_keyed, c, &kd);
}

/* ---- sections of setting rows ---- */

/* Appends path.key (or key at the top). */
static char *child_path(const char *path, const char *key)
{
    return *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
}

/* The keys a section of rows may have: its rows, then its sub-sections. */
static void keys_of(const char *path, sqlbuf *out)
{
    size_t nrows, nsec;
    const setting *rows = settings_all(&nrows);
    const profile_section *secs = sections_all(&nsec);
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].key && strcmp(rows[i].section, path) == 0)
            sb_printf(out, "%s%s", out->len ? ", " : "", rows[i].key);
    size_t plen = strlen(path);
    for (size_t i = 0; i < nsec; i++) {
        const char *p = secs[i].path;
        if (plen && (strncmp(p, path, plen) != 0 || p[plen] != '.'))
            continue;
        const char *rest = plen ? p + plen + 1 : p;
        if (!strchr(rest, '.'))
            sb_printf(out, "%s%s", out->len ? ", " : "", rest);
    }
}

static int load_rows(loader *l, yaml_node_t *map, const char *path, run_config *c);

/* A sequence of scalars as one text, joined by commas (caller frees);
 * NULL when v is not such a sequence. */
static char *ld_joined(loader *l, yaml_node_t *v)
{
    if (!v || v->type != YAML_SEQUENCE_NODE)
        return NULL;
    sqlbuf out = SQLBUF_INIT;
    for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
        const char *item = ld_scalar(ld_node(l, *i));
        if (!item) {
            sb_free(&out);
            return NULL;
        }
        sb_printf(&out, "%s%s", out.len ? "," : "", item);
    }
    char *text = xstrdup(sb_str(&out));
    sb_free(&out);
    return text;
}

static int on_row_key(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    const char *path = arg, *key = ld_scalar(k);
    char *label = child_path(path, key);
    int rc = 0;
    const setting *s = setting_find(path, key);
    const profile_section *sec = section_find(label);
    if (s) {
        char *list = s->type == SET_NAMES ? ld_joined(l, v) : NULL;
        const char *text = list ? list : ld_scalar(v);
        char *err = NULL;
        if (!text)
            rc = ld_fail(l, v, "%s must be a value", label);
        else if (setting_parse(s, text, label, c, &err) != 0)
            rc = ld_fail(l, v, "%s", err ? err : label);
        free(err);
        free(list);
    } else if (sec && sec->load) {
        rc = sec->load(l, v, c);
    } else if (sec) {
        rc = load_rows(l, v, label, c);
    } else {
        sqlbuf known = SQLBUF_INIT;
        keys_of(path, &known);
        rc = ld_fail(l, k, "unknown key '%s' in %s (it has: %s)", key,
                     *path ? path : "the profile", sb_str(&known));
        sb_free(&known);
    }
    free(label);
    return rc;
}

/* Reads a mapping of setting rows and sub-sections. */
static int load_rows(loader *l, yaml_node_t *map, const char *path, run_config *c)
{
    return ld_each_pair(l, map, *path ? path : "the profile", on_row_key, c, (void *)path);
}

/* True when the root mapping has a top-level key. */
static bool has_top_key(loader *l, yaml_node_t *root, const char *key)
{
    if (!root || root->type != YAML_MAPPING_NODE)
        return false;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        const char *k = ld_scalar(ld_node(l, p->key));
        if (k && strcmp(k, key) == 0)
            return true;
    }
    return false;
}

int profile_load(const char *path, run_config *c, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    loader l = {.path = path};
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int rc = 0;
    if (!yaml_parser_load(&parser, &l.doc)) {
        *err = xasprintf("%s:%zu:%zu: %s%s%s", path, parser.problem_mark.line + 1,
                         parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error",
                         parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        fclose(f);
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&l.doc);
    if (root && !(root->type == YAML_SCALAR_NODE && !*ld_scalar(root)))
        rc = load_rows(&l, root, "", c);
    if (rc == 0)
        rc = weights_check_names(&l, c);
    free(l.marks);
    /* A profile without a name is called by its file's. */
    if (rc == 0 && !has_top_key(&l, root, "name")) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        free(c->profile_name);
        c->profile_name = xstrndup(base, strcspn(base, "."));
    }
    if (rc == 0) {
        free(c->profile_path);
        c->profile_path = xstrdup(path);
    }
    *err = l.err;
    yaml_document_delete(&l.doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}
