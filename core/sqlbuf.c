/* sqlbuf.c - growable string builder. */
#include "sqlbuf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void sb_init(sqlbuf *b)
{
    b->s = NULL;
    b->len = b->cap = 0;
}

void sb_free(sqlbuf *b)
{
    free(b->s);
    sb_init(b);
}

void sb_reset(sqlbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

char *sb_steal(sqlbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    sb_init(b);
    return s;
}

const char *sb_str(const sqlbuf *b)
{
    return b->s ? b->s : "";
}

static void grow(sqlbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 128;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
}

void sb_addn(sqlbuf *b, const char *s, size_t n)
{
    grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sb_add(sqlbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

void sb_addc(sqlbuf *b, char c)
{
    sb_addn(b, &c, 1);
}

void sb_printf(sqlbuf *b, const char *fmt, ...)
{
    /* Short output (the common case) is formatted once, into the stack. */
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    if ((size_t)n < sizeof small) {
        sb_addn(b, small, (size_t)n);
        return;
    }
    grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sb_ident(sqlbuf *b, const char *s)
{
    sb_addc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            sb_addc(b, '"');
        sb_addc(b, *s);
    }
    sb_addc(b, '"');
}

void sb_literal(sqlbuf *b, const char *s)
{
    if (strchr(s, '\\'))
        sb_addc(b, 'E');
    sb_addc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\')
            sb_addc(b, *s);
        sb_addc(b, *s);
    }
    sb_addc(b, '\'');
}

/* Appends s as an E'' literal with its control characters escaped. */
static void literal_escaped(sqlbuf *b, const char *s)
{
    sb_add(b, "E'");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\'' || c == '\\')
            sb_addc(b, (char)c);
        if (c == '\n')
            sb_add(b, "\\n");
        else if (c == '\r')
            sb_add(b, "\\r");
        else if (c == '\t')
            sb_add(b, "\\t");
        else if (c < 0x20)
            sb_printf(b, "\\x%02x", c);
        else
            sb_addc(b, (char)c);
    }
    sb_addc(b, '\'');
}

void sb_literal_one_line(sqlbuf *b, const char *s)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20) {
            literal_escaped(b, s);
            return;
        }
    sb_literal(b, s);
}

void sb_param_values(sqlbuf *b, int n, const char *const *values)
{
    for (int i = 0; i < n; i++) {
        sb_printf(b, "%s$%d = ", i ? ", " : "", i + 1);
        if (values[i])
            sb_literal_one_line(b, values[i]);
        else
            sb_add(b, "NULL");
    }
}
