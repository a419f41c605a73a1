/* sqlbuf.h - a growable string builder for SQL text.
 *
 * A sqlbuf owns its heap buffer; sb_free() releases it, sb_steal() hands it
 * to the caller. The text is always NUL-terminated. */
#ifndef MELEE_SQLBUF_H
#define MELEE_SQLBUF_H

#include <stddef.h>

typedef struct sqlbuf {
    char *s;
    size_t len;
    size_t cap;
} sqlbuf;

#define SQLBUF_INIT {NULL, 0, 0}

void sb_init(sqlbuf *b);
void sb_free(sqlbuf *b);
void sb_reset(sqlbuf *b);                     /* empties, keeps capacity */
char *sb_steal(sqlbuf *b);                    /* caller frees; b is reset */
const char *sb_str(const sqlbuf *b);          /* "" when empty */
void sb_add(sqlbuf *b, const char *s);
void sb_addn(sqlbuf *b, const char *s, size_t n);
void sb_addc(sqlbuf *b, char c);
void sb_printf(sqlbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a double-quoted SQL identifier. */
void sb_ident(sqlbuf *b, const char *s);
/* Appends s as a single-quoted SQL string literal (E'' when it has a backslash). */
void sb_literal(sqlbuf *b, const char *s);
/* Appends s as a string literal that stays on one line: sb_literal, or
 * E'' with \n, \r, \t or \xNN escapes when s holds a control character. */
void sb_literal_one_line(sqlbuf *b, const char *s);
/* Appends parameter values as "$1 = 'abc', $2 = NULL": each value a
 * literal by sb_literal_one_line, NULL for a NULL pointer. */
void sb_param_values(sqlbuf *b, int n, const char *const *values);
/* Appends sql on one line that the server reads as it reads sql (the
 * statement log's form; sql_one_line.c): line breaks and tabs between
 * tokens become spaces, "--" comments become block comments, and string
 * constants and dollar-quoted ones that span lines become E'' literals of
 * the same value. Quoted names and prefixed constants (N'', U&'', B'',
 * X'', type'') that span lines keep spaces for their line breaks. */
void sb_sql_one_line(sqlbuf *b, const char *sql);
/* Appends a statement as the statement log writes it: sql on one line
 * (sb_sql_one_line) and, with n > 0 parameters, " -- with " and their
 * values (sb_param_values). */
void sb_statement_line(sqlbuf *b, const char *sql, int n, const char *const *values);

#endif
