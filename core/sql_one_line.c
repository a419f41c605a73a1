/* sql_one_line.c - a statement's SQL on one line that the server reads as
 * it read the original: the form the statement log writes. A small scan of
 * PostgreSQL's lexical rules (comments, string constants, quoted
 * identifiers, dollar quotes) decides what a line break was part of. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sqlbuf.h"
#include "util.h"

/* Whether c continues an identifier or key word, so that a quote or $
 * right after it belongs to that token. */
static bool ident_char(char c)
{
    unsigned char u = (unsigned char)c;
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
           u == '_' || u == '$' || u >= 0x80;
}

static bool line_break(char c)
{
    return c == '\n' || c == '\r';
}

static bool has_line_break(const char *s, const char *end)
{
    for (; s < end; s++)
        if (line_break(*s))
            return true;
    return false;
}

/* Adds s..end with line breaks and tabs made spaces. */
static void add_flat(sqlbuf *b, const char *s, const char *end)
{
    for (; s < end; s++)
        sb_addc(b, line_break(*s) || *s == '\t' ? ' ' : *s);
}

/* "-- text" to the end of its line, written as a block comment around
 * the text, in which every star-slash and slash-star is split by a space
 * (so that it neither ends the comment early nor opens a nested one).
 * Returns where the line ends (its line break, or the end of the text). */
static const char *line_comment(sqlbuf *b, const char *p)
{
    sb_add(b, "/*");
    for (p += 2; *p && !line_break(*p); p++) {
        sb_addc(b, *p == '\t' ? ' ' : *p);
        if ((p[0] == '*' && p[1] == '/') || (p[0] == '/' && p[1] == '*'))
            sb_addc(b, ' ');
    }
    sb_add(b, " */");
    return p;
}

/* A block comment (they nest) with its line breaks made spaces; returns
 * what follows it. */
static const char *block_comment(sqlbuf *b, const char *p)
{
    const char *s = p;
    int depth = 0;
    do {
        if (p[0] == '/' && p[1] == '*') {
            depth++;
            p += 2;
        } else if (p[0] == '*' && p[1] == '/') {
            depth--;
            p += 2;
        } else {
            p++;
        }
    } while (*p && depth > 0);
    add_flat(b, s, p);
    return p;
}

/* Where the constant or quoted identifier opening with the quote at q
 * ends: after its closing quote (a doubled quote stands for one; with
 * escapes a backslash escapes the next character), or at the end. */
static const char *quoted_end(const char *q, bool escapes)
{
    const char *p = q + 1;
    while (*p) {
        if (escapes && *p == '\\' && p[1])
            p += 2;
        else if (*p == *q && p[1] == *q)
            p += 2;
        else if (*p == *q)
            return p + 1;
        else
            p++;
    }
    return p;
}

/* Adds the value v as a one-line E'' literal and frees it. */
static void add_value(sqlbuf *b, char *v)
{
    sb_literal_one_line(b, v);
    free(v);
}

/* A '' string constant from its quote q (sql is the whole text). One
 * without a line break is copied. One with: a plain '' constant becomes
 * an E'' literal of the same value, an E'' constant gets \n and \r for its
 * line breaks; prefixed ones (N'', B'', X'', U&'', type'') keep spaces.
 * Returns what follows the constant. */
static const char *string_constant(sqlbuf *b, const char *sql, const char *q)
{
    bool after_ident = q > sql && (ident_char(q[-1]) || q[-1] == '&');
    bool escaped = q > sql && (q[-1] == 'E' || q[-1] == 'e') &&
                   (q - 1 == sql || !ident_char(q[-2]));
    const char *end = quoted_end(q, escaped);
    bool closed = end > q + 1 && end[-1] == '\'';
    if (!has_line_break(q, end)) {
        sb_addn(b, q, (size_t)(end - q));
    } else if (escaped) {
        for (const char *p = q; p < end; p++) {
            if (*p == '\\' && p + 1 < end) {
                sb_addc(b, *p++);
                sb_addc(b, *p == '\n' ? 'n' : *p == '\r' ? 'r' : *p);
            } else if (line_break(*p)) {
                sb_add(b, *p == '\n' ? "\\n" : "\\r");
            } else {
                sb_addc(b, *p);
            }
        }
    } else if (after_ident || !closed) {
        add_flat(b, q, end);
    } else {
        char *v = xmalloc((size_t)(end - q));
        size_t n = 0;
        for (const char *p = q + 1; p < end - 1; p++) {
            v[n++] = *p;
            if (*p == '\'')
                p++; /* the second quote of a doubled one */
        }
        v[n] = '\0';
        add_value(b, v);
    }
    return end;
}

/* Length of the dollar-quote tag ("$$", "$body$") opening at p, or 0. */
static size_t dollar_tag(const char *p)
{
    size_t n = 1;
    if (ident_char(p[1]) && !(p[1] >= '0' && p[1] <= '9') && p[1] != '$')
        while (ident_char(p[n]) && p[n] != '$')
            n++;
    return p[n] == '$' ? n + 1 : 0;
}

/* A dollar-quoted constant opening with a tag of len bytes at p: copied
 * when it has no line break, else written as an E'' literal of the same
 * value. Returns what follows it. */
static const char *dollar_constant(sqlbuf *b, const char *p, size_t len)
{
    const char *body = p + len, *close = body;
    while (*close && strncmp(close, p, len) != 0)
        close++;
    if (!*close) {
        add_flat(b, p, close);
        return close;
    }
    if (has_line_break(body, close))
        add_value(b, xstrndup(body, (size_t)(close - body)));
    else
        sb_addn(b, p, (size_t)(close + len - p));
    return close + len;
}

void sb_sql_one_line(sqlbuf *b, const char *sql)
{
    const char *p = sql;
    size_t tag;
    while (*p) {
        if (p[0] == '-' && p[1] == '-') {
            p = line_comment(b, p);
        } else if (p[0] == '/' && p[1] == '*') {
            p = block_comment(b, p);
        } else if (*p == '\'') {
            p = string_constant(b, sql, p);
        } else if (*p == '"') {
            const char *end = quoted_end(p, false);
            add_flat(b, p, end);
            p = end;
        } else if (*p == '$' && (p == sql || !ident_char(p[-1])) && (tag = dollar_tag(p)) > 0) {
            p = dollar_constant(b, p, tag);
        } else {
            add_flat(b, p, p + 1);
            p++;
        }
    }
}

void sb_statement_line(sqlbuf *b, const char *sql, int n, const char *const *values)
{
    sb_sql_one_line(b, sql);
    if (n > 0) {
        sb_add(b, " -- with ");
        sb_param_values(b, n, values);
    }
}
