/* yaml_text.c - YAML text that libyaml reads back to the same values. */
#include "yaml_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

#define WRAP_COLUMN 100

void yt_quoted(sqlbuf *b, const char *s)
{
    sb_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': sb_add(b, "\\\""); break;
        case '\\': sb_add(b, "\\\\"); break;
        case '\n': sb_add(b, "\\n"); break;
        case '\t': sb_add(b, "\\t"); break;
        case '\r': sb_add(b, "\\r"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                sb_printf(b, "\\x%02x", *p);
            else
                sb_addc(b, (char)*p);
        }
    }
    sb_addc(b, '"');
}

static bool is_simple_name(const char *s)
{
    if (!s || !*s || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
                       (s[0] >= '0' && s[0] <= '9')))
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
           strlen(s);
}

void yt_name(sqlbuf *b, const char *s)
{
    if (is_simple_name(s))
        sb_add(b, s);
    else
        yt_quoted(b, s);
}

void yt_number(sqlbuf *b, double v)
{
    char buf[64];
    if (v == floor(v) && fabs(v) < 1e15) {
        sb_printf(b, "%.0f", v);
        return;
    }
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    sb_add(b, buf);
}

void yt_key(sqlbuf *b, int indent, const char *key)
{
    sb_printf(b, "%*s", indent, "");
    yt_name(b, key);
    sb_addc(b, ':');
}

/* The column the text after the last newline ends at. */
static int column(const sqlbuf *b)
{
    const char *s = sb_str(b);
    const char *nl = strrchr(s, '\n');
    return (int)(b->len - (size_t)(nl ? nl + 1 - s : 0));
}

void yt_comment(sqlbuf *b, int indent, const char *text)
{
    const char *line;
    int n;
    while ((line = wrap_next(&text, 80 - indent - 2, &n)) != NULL)
        sb_printf(b, "%*s# %.*s\n", indent, "", n, line);
}

yt_flow yt_flow_start(sqlbuf *b, bool map, int cont)
{
    sb_add(b, map ? " {" : " [");
    return (yt_flow){.b = b, .cont = cont, .map = map};
}

void yt_flow_add(yt_flow *f, const char *key, const char *value)
{
    sqlbuf item = SQLBUF_INIT;
    if (key) {
        yt_name(&item, key);
        sb_add(&item, ": ");
    }
    sb_add(&item, value);
    if (f->n)
        sb_addc(f->b, ',');
    if (f->n && column(f->b) + 1 + (int)item.len + 1 > WRAP_COLUMN)
        sb_printf(f->b, "\n%*s", f->cont, "");
    else if (f->n)
        sb_addc(f->b, ' ');
    sb_add(f->b, sb_str(&item));
    sb_free(&item);
    f->n++;
}

void yt_flow_end(yt_flow *f)
{
    sb_add(f->b, f->map ? "}\n" : "]\n");
}

/* True when s reads back unchanged from a literal block: several lines,
 * no control characters but newlines, no line starting with a space
 * first, and at most one newline at the end. */
static bool fits_literal_block(const char *s)
{
    size_t n = strlen(s);
    if (!strchr(s, '\n') || s[0] == ' ' || s[0] == '\n' || (n >= 2 && s[n - 1] == '\n' && s[n - 2] == '\n'))
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f || (*p == ' ' && (p[1] == '\n' || !p[1])))
            return false;
    return true;
}

void yt_text(sqlbuf *b, int indent, const char *s)
{
    if (!s || !fits_literal_block(s)) {
        sb_addc(b, ' ');
        yt_quoted(b, s);
        sb_addc(b, '\n');
        return;
    }
    size_t n = strlen(s);
    bool newline_at_end = s[n - 1] == '\n';
    sb_add(b, newline_at_end ? " |\n" : " |-\n");
    for (const char *p = s; *p;) {
        size_t len = strcspn(p, "\n");
        if (len)
            sb_printf(b, "%*s%.*s", indent + 2, "", (int)len, p);
        sb_addc(b, '\n');
        p += len;
        if (*p)
            p++;
    }
}
