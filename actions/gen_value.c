/* gen_value.c - random values of every sql_type, in the type's text input
 * format, edge values included; literals are that text quoted and cast. */
#include "gen_value.h"

#include <stdio.h>
#include <string.h>

#include "../core/util.h"

/* Chance of drawing from a type's edge table instead of an ordinary value. */
#define EDGE_CHANCE 0.2
#define NULL_CHANCE 0.1

/* Edge values in text input format, one table per type; NULL-terminated. */
static const char *const EDGE_SMALLINT[] = {"-32768", "32767", "0", "1", "-1", NULL};
static const char *const EDGE_INTEGER[] = {"-2147483648", "2147483647", "0", "1", "-1", NULL};
static const char *const EDGE_BIGINT[] = {"-9223372036854775808", "9223372036854775807", "0",
                                          "1", "-1", "4294967296", NULL};
static const char *const EDGE_NUMERIC[] = {
    "NaN", "Infinity", "-Infinity", "0", "-0.0001", "0.000000000000000000001",
    "123456789012345678901234567890.123456789", "-99999999999999999999", "1e100", NULL};
static const char *const EDGE_REAL[] = {"NaN", "Infinity", "-Infinity", "0", "-0",
                                        "3.4028235e38", "1.17549435e-38", "-1.5", NULL};
static const char *const EDGE_DOUBLE[] = {
    "NaN", "Infinity", "-Infinity", "0", "-0", "1.7976931348623157e308",
    "2.2250738585072014e-308", "0.1", "-1e-300", NULL};
static const char *const EDGE_BOOLEAN[] = {"true", "false", "t", "f", "yes", "no", "on", "off",
                                           "1", "0", NULL};
static const char *const EDGE_TEXT[] = {
    "", " ", "a", "O'Reilly", "back\\slash", "dq\"uote", "tab\there", "new\nline",
    "h\xc3\xa9llo w\xc3\xb6rld", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xf0\x9f\x98\x80",
    "%_", "NULL", "null", "{a,b}", "[1]", "  padded  ", "Ab", "aB", NULL};
static const char *const EDGE_DATE[] = {"infinity", "-infinity", "4713-01-01 BC",
                                        "5874897-12-31", "2000-02-29", "1970-01-01",
                                        "0001-01-01", "1999-12-31", NULL};
static const char *const EDGE_TIMESTAMP[] = {
    "infinity", "-infinity", "4713-01-01 00:00:00 BC", "294276-12-31 23:59:59.999999",
    "2000-01-01 00:00:00", "1970-01-01 00:00:00", "2000-02-29 12:34:56.789012",
    "2024-03-10 02:30:00", NULL};
static const char *const EDGE_TIMESTAMPTZ[] = {
    "infinity", "-infinity", "4713-01-01 00:00:00+00 BC", "294276-12-30 23:59:59.999999+00",
    "2000-01-01 00:00:00+00", "1970-01-01 00:00:00+00", "2024-03-10 02:30:00-05",
    "2000-06-30 23:59:59.999999+05:30", NULL};
static const char *const EDGE_INTERVAL[] = {
    "0", "1 day", "-1 year -2 mons", "1 day -1 second", "178000000 years", "-178000000 years",
    "00:00:00.000001", "1 mon -30 days", "P1Y2M3DT4H5M6S", "@ 1 hour ago", "24:00:00", NULL};
static const char *const EDGE_JSONB[] = {
    "{}", "[]", "null", "true", "false", "0", "-1.5e300", "\"\"", "\"str\"",
    "{\"a\": 1, \"b\": [1, 2, null]}", "{\"a\": {\"b\": {\"c\": [true]}}}", "[[], {}, \"\"]",
    "\"\\u00e9\"", "{\"a\": null}", "[1, \"1\", 1.0]", "123456789012345678901234567890", NULL};
static const char *const EDGE_INT_ARRAY[] = {
    "{}", "{NULL}", "{1,2,3}", "{NULL,1}", "{-2147483648,2147483647}", "{{1,2},{3,4}}",
    "{0}", "[0:1]={5,6}", NULL};
static const char *const EDGE_TEXT_ARRAY[] = {
    "{}", "{NULL}", "{a,b}", "{\"\",NULL}", "{\"NULL\"}", "{\"with space\",\"q\\\"uote\"}",
    "{\"back\\\\slash\",\"comma,inside\"}", "{{a,b},{c,d}}", NULL};
static const char *const EDGE_UUID[] = {
    "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11",
    "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", NULL};
static const char *const EDGE_BYTEA[] = {"\\x", "\\x00", "\\xff", "\\xdeadbeef", "abc",
                                         "\\x0001020304", NULL};

static const char *const *const EDGES[T_TYPE_COUNT] = {
    [T_SMALLINT] = EDGE_SMALLINT,   [T_INTEGER] = EDGE_INTEGER,
    [T_BIGINT] = EDGE_BIGINT,       [T_NUMERIC] = EDGE_NUMERIC,
    [T_REAL] = EDGE_REAL,           [T_DOUBLE] = EDGE_DOUBLE,
    [T_BOOLEAN] = EDGE_BOOLEAN,     [T_TEXT] = EDGE_TEXT,
    [T_VARCHAR] = EDGE_TEXT,        [T_DATE] = EDGE_DATE,
    [T_TIMESTAMP] = EDGE_TIMESTAMP, [T_TIMESTAMPTZ] = EDGE_TIMESTAMPTZ,
    [T_INTERVAL] = EDGE_INTERVAL,   [T_JSONB] = EDGE_JSONB,
    [T_INT_ARRAY] = EDGE_INT_ARRAY, [T_TEXT_ARRAY] = EDGE_TEXT_ARRAY,
    [T_UUID] = EDGE_UUID,           [T_BYTEA] = EDGE_BYTEA,
};

/* Words for ordinary strings and jsonb keys: few, so that values repeat and
 * comparisons and joins find matches. */
static const char *const WORDS[] = {"a", "b", "c", "id", "x", "key", "foo", "bar", "baz",
                                    "alpha", "beta", "gamma", "Delta", "zeta"};
static const char *const ZONES[] = {"+00", "-05", "+05:30", "+09", "-08", "+14"};

static const char *pick_edge(rng_t *r, sql_type t)
{
    const char *const *e = EDGES[t];
    size_t n = 0;
    while (e[n])
        n++;
    return e[rng_pick(r, n)];
}

static const char *word(rng_t *r)
{
    return WORDS[rng_pick(r, ARRAY_LEN(WORDS))];
}

/* Integers cluster near zero so that equality joins and IN lists match. */
static int64_t small_int(rng_t *r)
{
    return rng_chance(r, 0.8) ? rng_range(r, -5, 100) : rng_range(r, -30000, 30000);
}

static void add_string(sqlbuf *b, rng_t *r, int max_chars)
{
    int n = (int)rng_range(r, 1, 3);
    for (int i = 0; i < n; i++) {
        const char *w = word(r);
        if ((int)(b->len + strlen(w) + 1) > max_chars)
            break;
        if (i)
            sb_addc(b, rng_chance(r, 0.8) ? ' ' : '_');
        sb_add(b, w);
    }
    if (rng_chance(r, 0.3) && (int)b->len + 4 <= max_chars)
        sb_printf(b, "%d", (int)rng_below(r, 1000));
}

static void add_date(sqlbuf *b, rng_t *r)
{
    sb_printf(b, "%04d-%02d-%02d", (int)rng_range(r, 1990, 2030), (int)rng_range(r, 1, 12),
              (int)rng_range(r, 1, 28));
}

static void add_time(sqlbuf *b, rng_t *r)
{
    sb_printf(b, " %02d:%02d:%02d", (int)rng_below(r, 24), (int)rng_below(r, 60),
              (int)rng_below(r, 60));
    if (rng_chance(r, 0.3))
        sb_printf(b, ".%06d", (int)rng_below(r, 1000000));
}

static void add_interval(sqlbuf *b, rng_t *r)
{
    static const char *const UNITS[] = {"years", "mons", "days", "hours", "minutes", "seconds"};
    /* Each unit at most once, in order, or the input function refuses. */
    bool any = false;
    for (size_t i = 0; i < ARRAY_LEN(UNITS); i++) {
        if (!rng_chance(r, 0.35) && (any || i + 1 < ARRAY_LEN(UNITS)))
            continue;
        sb_printf(b, "%s%d %s", any ? " " : "", (int)rng_range(r, -30, 100), UNITS[i]);
        any = true;
    }
}

static void add_json_scalar(sqlbuf *b, rng_t *r)
{
    switch (rng_below(r, 5)) {
    case 0: sb_printf(b, "%lld", (long long)small_int(r)); break;
    case 1: sb_printf(b, "\"%s\"", word(r)); break;
    case 2: sb_add(b, rng_chance(r, 0.5) ? "true" : "false"); break;
    case 3: sb_add(b, "null"); break;
    default: sb_printf(b, "%d.%d", (int)rng_range(r, -50, 50), (int)rng_below(r, 100)); break;
    }
}

static void add_json(sqlbuf *b, rng_t *r, int depth)
{
    int kind = depth >= 2 ? 0 : (int)rng_below(r, 3);
    if (kind == 0) {
        add_json_scalar(b, r);
        return;
    }
    int n = (int)rng_below(r, 4);
    sb_addc(b, kind == 1 ? '{' : '[');
    for (int i = 0; i < n; i++) {
        if (i)
            sb_add(b, ", ");
        if (kind == 1)
            sb_printf(b, "\"%s\": ", word(r));
        add_json(b, r, depth + 1);
    }
    sb_addc(b, kind == 1 ? '}' : ']');
}

/* Appends an array element of a text[] in array input syntax: quoted, with
 * backslash escapes, or NULL. */
static void add_array_text_elem(sqlbuf *b, rng_t *r)
{
    if (rng_chance(r, 0.1)) {
        sb_add(b, "NULL");
        return;
    }
    const char *s = rng_chance(r, 0.2) ? pick_edge(r, T_TEXT) : word(r);
    sb_addc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sb_addc(b, '\\');
        sb_addc(b, *s);
    }
    sb_addc(b, '"');
}

static void add_array(sqlbuf *b, rng_t *r, sql_type t)
{
    int n = (int)rng_below(r, 5);
    sb_addc(b, '{');
    for (int i = 0; i < n; i++) {
        if (i)
            sb_addc(b, ',');
        if (t == T_TEXT_ARRAY)
            add_array_text_elem(b, r);
        else if (rng_chance(r, 0.1))
            sb_add(b, "NULL");
        else
            sb_printf(b, "%lld", (long long)small_int(r));
    }
    sb_addc(b, '}');
}

static void add_uuid(sqlbuf *b, rng_t *r)
{
    /* Few distinct values so that joins on uuid columns match sometimes. */
    uint64_t hi = rng_chance(r, 0.7) ? rng_below(r, 8) : rng_next(r);
    uint64_t lo = rng_next(r);
    sb_printf(b, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(hi >> 32), (unsigned)(hi >> 16) & 0xffff,
              (unsigned)hi & 0xffff, (unsigned)(lo >> 48),
              (unsigned long long)(lo & 0xffffffffffffULL));
}

/* Appends an ordinary (non-edge) value of t in text input format. */
static void add_ordinary(sqlbuf *b, rng_t *r, sql_type t)
{
    switch (t) {
    case T_SMALLINT:
    case T_INTEGER:
    case T_BIGINT:
        sb_printf(b, "%lld", (long long)small_int(r));
        break;
    case T_NUMERIC:
    case T_DOUBLE:
    case T_REAL:
        sb_printf(b, "%lld.%02d", (long long)small_int(r), (int)rng_below(r, 100));
        break;
    case T_BOOLEAN:
        sb_add(b, rng_chance(r, 0.5) ? "true" : "false");
        break;
    case T_TEXT:
        add_string(b, r, 200);
        break;
    case T_VARCHAR:
        add_string(b, r, 64);
        break;
    case T_DATE:
        add_date(b, r);
        break;
    case T_TIMESTAMP:
        add_date(b, r);
        add_time(b, r);
        break;
    case T_TIMESTAMPTZ:
        add_date(b, r);
        add_time(b, r);
        sb_add(b, ZONES[rng_pick(r, ARRAY_LEN(ZONES))]);
        break;
    case T_INTERVAL:
        add_interval(b, r);
        break;
    case T_JSONB:
        add_json(b, r, 0);
        break;
    case T_INT_ARRAY:
    case T_TEXT_ARRAY:
        add_array(b, r, t);
        break;
    case T_UUID:
        add_uuid(b, r);
        break;
    case T_BYTEA: {
        int n = (int)rng_below(r, 9);
        sb_add(b, "\\x");
        for (int i = 0; i < n; i++)
            sb_printf(b, "%02x", (unsigned)rng_below(r, 256));
        break;
    }
    case T_TYPE_COUNT:
        sb_add(b, "0");
        break;
    }
}

/* Appends a non-NULL value of t in text input format. */
static void add_value_text(sqlbuf *b, rng_t *r, sql_type t)
{
    if ((unsigned)t >= T_TYPE_COUNT)
        t = T_TEXT;
    if (rng_chance(r, EDGE_CHANCE))
        sb_add(b, pick_edge(r, t));
    else
        add_ordinary(b, r, t);
}

void gen_literal(sqlbuf *b, rng_t *r, sql_type t, bool null_ok)
{
    const char *type_sql = sql_type_get(t)->sql;
    if (null_ok && rng_chance(r, NULL_CHANCE)) {
        sb_printf(b, "NULL::%s", type_sql);
        return;
    }
    sqlbuf v = SQLBUF_INIT;
    add_value_text(&v, r, t);
    sb_literal(b, sb_str(&v));
    sb_printf(b, "::%s", type_sql);
    sb_free(&v);
}

char *gen_param_text(rng_t *r, sql_type t, bool null_ok)
{
    if (null_ok && rng_chance(r, NULL_CHANCE))
        return NULL;
    sqlbuf v = SQLBUF_INIT;
    add_value_text(&v, r, t);
    return sb_steal(&v);
}

void gen_copy_field(sqlbuf *b, const char *v)
{
    if (!v) {
        sb_add(b, "\\N");
        return;
    }
    for (; *v; v++) {
        switch (*v) {
        case '\\': sb_add(b, "\\\\"); break;
        case '\t': sb_add(b, "\\t"); break;
        case '\n': sb_add(b, "\\n"); break;
        case '\r': sb_add(b, "\\r"); break;
        default: sb_addc(b, *v); break;
        }
    }
}
