/* fsm_expr.c - {{variables}} in FSM workloads: SQL templates whose
 * variables become $n parameters, and the integer expressions of set: and
 * expect: (fsm.h). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sqlbuf.h"
#include "../core/util.h"
#include "fsm.h"

#define INLINE_FILTER "inline"

static int parse_fail(fsm_parse_error *e, size_t offset, char *msg)
{
    e->msg = msg;
    e->offset = offset;
    return -1;
}

/* Reads "{{ name }}" or "{{ name|inline }}" at text + *pos (which points
 * at "{{"). Sets *var and *inline_; advances *pos past "}}". */
static int read_var(const char *text, size_t *pos, fsm_lookup_fn lookup, void *arg, int *var,
                    bool *inline_, fsm_parse_error *e)
{
    size_t start = *pos;
    const char *close = strstr(text + start + 2, "}}");
    if (!close)
        return parse_fail(e, start, xstrdup("unclosed {{"));
    size_t p = start + 2, end = (size_t)(close - text);
    while (p < end && isspace((unsigned char)text[p]))
        p++;
    size_t name_at = p;
    while (p < end && (isalnum((unsigned char)text[p]) || text[p] == '_'))
        p++;
    size_t name_len = p - name_at;
    while (p < end && isspace((unsigned char)text[p]))
        p++;
    *inline_ = false;
    if (p < end && text[p] == '|') {
        p++;
        while (p < end && isspace((unsigned char)text[p]))
            p++;
        size_t f = p;
        while (p < end && isalpha((unsigned char)text[p]))
            p++;
        if (p - f != strlen(INLINE_FILTER) || strncmp(text + f, INLINE_FILTER, p - f) != 0)
            return parse_fail(e, f, xasprintf("unknown filter '%.*s' (there is: " INLINE_FILTER ")",
                                              (int)(p - f), text + f));
        *inline_ = true;
        while (p < end && isspace((unsigned char)text[p]))
            p++;
    }
    if (name_len == 0 || p != end)
        return parse_fail(e, start, xasprintf("'%.*s' is not a variable name",
                                              (int)(end - start - 2), text + start + 2));
    *var = lookup(arg, text + name_at, name_len);
    if (*var < 0)
        return parse_fail(e, name_at, xasprintf("undefined variable '%.*s'", (int)name_len,
                                                text + name_at));
    *pos = end + 2;
    return 0;
}

static void add_piece(fsm_template *t, fsm_piece p)
{
    t->pieces = xrealloc(t->pieces, (t->npieces + 1) * sizeof *t->pieces);
    t->pieces[t->npieces++] = p;
}

/* Compiles text; paste_all pastes every variable (strings, not SQL). */
static int compile(const char *text, fsm_lookup_fn lookup, void *arg, bool paste_all,
                   fsm_template *t, fsm_parse_error *e)
{
    memset(t, 0, sizeof *t);
    size_t pos = 0, lit = 0, n = strlen(text);
    while (pos <= n) {
        const char *open = strstr(text + pos, "{{");
        size_t at = open ? (size_t)(open - text) : n;
        if (at > lit)
            add_piece(t, (fsm_piece){.text = xstrndup(text + lit, at - lit)});
        if (!open)
            break;
        pos = at;
        int var;
        bool inline_;
        if (read_var(text, &pos, lookup, arg, &var, &inline_, e)) {
            fsm_template_free(t);
            return -1;
        }
        fsm_piece p = {.var = var};
        if (!paste_all && !inline_ && var != FSM_VAR_TABLE && var != FSM_VAR_SCHEMA) {
            for (int i = 0; i < t->nparams && !p.param; i++)
                if (t->params[i] == var)
                    p.param = i + 1;
            if (!p.param) {
                t->params = xrealloc(t->params, (size_t)(t->nparams + 1) * sizeof *t->params);
                t->params[t->nparams++] = var;
                p.param = t->nparams;
            }
        }
        add_piece(t, p);
        lit = pos;
    }
    return 0;
}

int fsm_template_compile(const char *text, fsm_lookup_fn lookup, void *arg, fsm_template *t,
                         fsm_parse_error *e)
{
    return compile(text, lookup, arg, false, t, e);
}

void fsm_template_free(fsm_template *t)
{
    for (size_t i = 0; i < t->npieces; i++)
        free(t->pieces[i].text);
    free(t->pieces);
    free(t->params);
    memset(t, 0, sizeof *t);
}

/* A value that may be pasted into SQL: an integer or a plain name. */
static bool pasteable(const char *v)
{
    if (!v || !*v)
        return false;
    const char *p = v + (*v == '-');
    bool digits = *p != '\0', name = isalpha((unsigned char)*v) || *v == '_';
    for (; *p; p++) {
        digits &= isdigit((unsigned char)*p) != 0;
        name &= isalnum((unsigned char)*p) || *p == '_' || *p == '.';
    }
    return digits || name;
}

static char *render(const fsm_template *t, char *const *vals, const char **params, bool check,
                    char **err)
{
    sqlbuf b = SQLBUF_INIT;
    for (size_t i = 0; i < t->npieces; i++) {
        const fsm_piece *p = &t->pieces[i];
        const char *v = p->text ? NULL : vals[p->var];
        if (p->text) {
            sb_add(&b, p->text);
        } else if (p->param) {
            sb_printf(&b, "$%d", p->param);
        } else if (check && !pasteable(v)) {
            *err = xasprintf("a pasted variable must be a number or a plain name, not %s%s%s",
                             v ? "'" : "", v ? v : "NULL", v ? "'" : "");
            sb_free(&b);
            return NULL;
        } else {
            sb_add(&b, v ? v : "");
        }
    }
    for (int i = 0; params && i < t->nparams; i++)
        params[i] = vals[t->params[i]];
    return sb_steal(&b);
}

char *fsm_template_render(const fsm_template *t, char *const *vals, const char **params,
                          char **err)
{
    return render(t, vals, params, true, err);
}

/* ---- expressions ---- */

typedef struct parser {
    const char *text;
    size_t pos;
    fsm_lookup_fn lookup;
    void *arg;
    fsm_tok *toks;
    size_t ntoks;
    fsm_parse_error *e;
    bool failed;
} parser;

static void skip_space(parser *p)
{
    while (isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

static void emit(parser *p, fsm_tok t)
{
    p->toks = xrealloc(p->toks, (p->ntoks + 1) * sizeof *p->toks);
    p->toks[p->ntoks++] = t;
}

static void fail(parser *p, char *msg)
{
    if (!p->failed)
        parse_fail(p->e, p->pos, msg);
    else
        free(msg);
    p->failed = true;
}

static void parse_sum(parser *p);

static void parse_primary(parser *p)
{
    skip_space(p);
    const char *s = p->text + p->pos;
    if (isdigit((unsigned char)*s)) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno)
            return fail(p, xstrdup("number out of range"));
        p->pos += (size_t)(end - s);
        emit(p, (fsm_tok){.kind = FSM_T_NUM, .num = v});
    } else if (strncmp(s, "{{", 2) == 0) {
        int var;
        bool inline_;
        if (read_var(p->text, &p->pos, p->lookup, p->arg, &var, &inline_, p->e)) {
            p->failed = true;
            return;
        }
        emit(p, (fsm_tok){.kind = FSM_T_VAR, .var = var});
    } else if (strncmp(s, "random", 6) == 0) {
        p->pos += 6;
        skip_space(p);
        if (p->text[p->pos] != '(')
            return fail(p, xstrdup("random needs (lo, hi)"));
        p->pos++;
        parse_sum(p);
        skip_space(p);
        if (p->text[p->pos] != ',')
            return fail(p, xstrdup("random needs (lo, hi)"));
        p->pos++;
        parse_sum(p);
        skip_space(p);
        if (p->text[p->pos] != ')')
            return fail(p, xstrdup("expected ) after random's arguments"));
        p->pos++;
        emit(p, (fsm_tok){.kind = FSM_T_RANDOM});
    } else if (*s == '(') {
        p->pos++;
        parse_sum(p);
        skip_space(p);
        if (p->text[p->pos] != ')')
            return fail(p, xstrdup("expected )"));
        p->pos++;
    } else {
        fail(p, xasprintf("expected a number, a {{variable}}, random(lo, hi) or (, not '%.10s'",
                          *s ? s : "the end"));
    }
}

static void parse_unary(parser *p)
{
    skip_space(p);
    if (p->text[p->pos] == '-') {
        p->pos++;
        parse_unary(p);
        emit(p, (fsm_tok){.kind = FSM_T_NEG});
        return;
    }
    parse_primary(p);
}

static void parse_product(parser *p)
{
    parse_unary(p);
    for (skip_space(p); !p->failed && strchr("*/%", p->text[p->pos]) && p->text[p->pos];
         skip_space(p)) {
        char op = p->text[p->pos++];
        parse_unary(p);
        emit(p, (fsm_tok){.kind = FSM_T_OP, .op = op});
    }
}

static void parse_sum(parser *p)
{
    parse_product(p);
    for (skip_space(p); !p->failed && (p->text[p->pos] == '+' || p->text[p->pos] == '-');
         skip_space(p)) {
        char op = p->text[p->pos++];
        parse_product(p);
        emit(p, (fsm_tok){.kind = FSM_T_OP, .op = op});
    }
}

int fsm_expr_compile(const char *text, fsm_lookup_fn lookup, void *arg, bool allow_literal,
                     fsm_expr *x, fsm_parse_error *e)
{
    memset(x, 0, sizeof *x);
    x->lone_var = -1;
    parser p = {.text = text, .lookup = lookup, .arg = arg, .e = e};
    parse_sum(&p);
    skip_space(&p);
    if (!p.failed && text[p.pos])
        fail(&p, xasprintf("unexpected '%.10s' in an expression", text + p.pos));
    if (!p.failed) {
        x->toks = p.toks;
        x->ntoks = p.ntoks;
        if (p.ntoks == 1 && p.toks[0].kind == FSM_T_VAR)
            x->lone_var = p.toks[0].var;
        return 0;
    }
    free(p.toks);
    if (!allow_literal)
        return -1;
    /* Not an expression: a string, with variables pasted in. */
    free(e->msg);
    e->msg = NULL;
    x->is_literal = true;
    return compile(text, lookup, arg, true, &x->literal, e);
}

void fsm_expr_free(fsm_expr *x)
{
    free(x->toks);
    fsm_template_free(&x->literal);
    memset(x, 0, sizeof *x);
    x->lone_var = -1;
}

/* Parses v as an integer. */
static bool as_int(const char *v, int64_t *out)
{
    if (!v || !*v)
        return false;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || *end)
        return false;
    *out = n;
    return true;
}

static char *eval_rpn(const fsm_expr *x, char *const *vals, rng_t *r, bool *ok)
{
    int64_t stack[64];
    size_t sp = 0;
    for (size_t i = 0; i < x->ntoks; i++) {
        const fsm_tok *t = &x->toks[i];
        if (sp >= ARRAY_LEN(stack) - 1) {
            *ok = false;
            return xstrdup("the expression is too deep");
        }
        int64_t a, b, v = 0;
        switch (t->kind) {
        case FSM_T_NUM:
            stack[sp++] = t->num;
            break;
        case FSM_T_VAR:
            if (!as_int(vals[t->var], &v)) {
                *ok = false;
                return xasprintf("a variable in arithmetic is %s%s%s, not an integer",
                                 vals[t->var] ? "'" : "", vals[t->var] ? vals[t->var] : "NULL",
                                 vals[t->var] ? "'" : "");
            }
            stack[sp++] = v;
            break;
        case FSM_T_NEG:
            stack[sp - 1] = -stack[sp - 1];
            break;
        case FSM_T_RANDOM:
            b = stack[--sp];
            a = stack[--sp];
            if (b < a) {
                *ok = false;
                return xasprintf("random(%" PRId64 ", %" PRId64 "): hi is below lo", a, b);
            }
            stack[sp++] = rng_range(r, a, b);
            break;
        case FSM_T_OP:
            b = stack[--sp];
            a = stack[--sp];
            if ((t->op == '/' || t->op == '%') && b == 0) {
                *ok = false;
                return xstrdup("division by zero");
            }
            bool over = false;
            switch (t->op) {
            case '+': over = __builtin_add_overflow(a, b, &v); break;
            case '-': over = __builtin_sub_overflow(a, b, &v); break;
            case '*': over = __builtin_mul_overflow(a, b, &v); break;
            case '/': v = a / b; break;
            default: v = a % b; break;
            }
            if (over) {
                *ok = false;
                return xstrdup("integer overflow");
            }
            stack[sp++] = v;
            break;
        }
    }
    return xasprintf("%" PRId64, sp ? stack[sp - 1] : 0);
}

char *fsm_expr_eval(const fsm_expr *x, char *const *vals, rng_t *r, bool *ok)
{
    *ok = true;
    if (x->lone_var >= 0)
        return xstrdup(vals[x->lone_var]);
    if (x->is_literal)
        return render(&x->literal, vals, NULL, false, NULL);
    return eval_rpn(x, vals, r, ok);
}
