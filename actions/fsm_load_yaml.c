/* fsm_load_yaml.c - reading the nodes of an FSM workload file, with
 * FILE:LINE:COL errors, and its table of variables
 * (fsm_load_internal.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "fsm_load_internal.h"

int fl_fail(loader *l, const yaml_node_t *n, const char *fmt, ...)
{
    if (*l->err)
        return -1;
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    *l->err = xasprintf("%s:%zu:%zu: %s", l->path, n ? n->start_mark.line + 1 : 1,
                        n ? n->start_mark.column + 1 : 1, msg ? msg : "error");
    free(msg);
    return -1;
}

/* Reports a template or expression error at its place inside scalar n. */
int fl_fail_inside(loader *l, const yaml_node_t *n, fsm_parse_error *e, const char *what)
{
    const char *text = (const char *)n->data.scalar.value;
    size_t line = n->start_mark.line, col = n->start_mark.column, nl = 0, last = 0;
    for (size_t i = 0; i < e->offset && text[i]; i++)
        if (text[i] == '\n') {
            nl++;
            last = i + 1;
        }
    yaml_scalar_style_t st = n->data.scalar.style;
    if (st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE) {
        line += 1 + nl;
        col += 2 + (e->offset - last);
    } else if (nl == 0) {
        col += e->offset + (st == YAML_PLAIN_SCALAR_STYLE ? 0 : 1);
    } else {
        line += nl;
        col = e->offset - last;
    }
    if (!*l->err)
        *l->err = xasprintf("%s:%zu:%zu: %s: %s", l->path, line + 1, col + 1, what, e->msg);
    free(e->msg);
    e->msg = NULL;
    return -1;
}

int fl_want(loader *l, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
    static const char *const NAMES[] = {"nothing", "a value", "a list", "a mapping"};
    return n->type == t ? 0 : fl_fail(l, n, "%s must be %s", what, NAMES[t]);
}

/* Returns the value of key in mapping m, or NULL; *key_node gets the key. */
yaml_node_t *fl_lookup(loader *l, yaml_node_t *m, const char *key, yaml_node_t **key_node)
{
    if (m->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = fl_scalar(fl_node(l, p->key));
        if (k && strcmp(k, key) == 0) {
            if (key_node)
                *key_node = fl_node(l, p->key);
            return fl_node(l, p->value);
        }
    }
    return NULL;
}

/* Fails on a key of m that is not in keys (NULL-terminated). */
int fl_only_keys(loader *l, yaml_node_t *m, const char *what, const char *const *keys)
{
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = fl_node(l, p->key);
        const char *name = fl_scalar(k);
        if (!name)
            return fl_fail(l, k, "keys of %s must be plain names", what);
        bool known = false;
        for (const char *const *q = keys; *q && !known; q++)
            known = strcmp(*q, name) == 0;
        if (!known)
            return fl_fail(l, k, "unknown key '%s' in %s", name, what);
    }
    return 0;
}

int fl_int(loader *l, yaml_node_t *n, const char *what, long long min, long long max,
                   long long *out)
{
    const char *s = fl_scalar(n);
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || errno || *end)
        return fl_fail(l, n, "%s must be an integer, not '%s'", what, s ? s : "a structure");
    if (v < min || v > max)
        return fl_fail(l, n, "%s must be between %lld and %lld", what, min, max);
    *out = v;
    return 0;
}

int fl_number(loader *l, yaml_node_t *n, const char *what, double *out)
{
    const char *s = fl_scalar(n);
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (!s || !*s || errno || *end || !isfinite(v))
        return fl_fail(l, n, "%s must be a number, not '%s'", what, s ? s : "a structure");
    if (v < 0)
        return fl_fail(l, n, "%s must not be negative", what);
    *out = v;
    return 0;
}

int fl_bool(loader *l, yaml_node_t *n, const char *what, bool *out)
{
    const char *s = fl_scalar(n);
    if (s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)) {
        *out = s[0] == 't';
        return 0;
    }
    return fl_fail(l, n, "%s must be true or false", what);
}

/* ---- variables ---- */

int fl_var_index(const vars *v, const char *name, size_t len)
{
    for (size_t i = 0; i < v->n; i++)
        if (strlen(v->names[i]) == len && strncmp(v->names[i], name, len) == 0)
            return (int)i;
    return -1;
}

int fl_lookup_var(void *arg, const char *name, size_t len)
{
    return fl_var_index(arg, name, len);
}

int fl_add_var(vars *v, const char *name, const char *init)
{
    int i = fl_var_index(v, name, strlen(name));
    if (i >= 0)
        return i;
    v->names = xrealloc(v->names, (v->n + 1) * sizeof *v->names);
    v->init = xrealloc(v->init, (v->n + 1) * sizeof *v->init);
    v->names[v->n] = xstrdup(name);
    v->init[v->n] = xstrdup(init);
    return (int)v->n++;
}

bool fl_plain_name(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}
