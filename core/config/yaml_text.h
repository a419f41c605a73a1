/* yaml_text.h - pieces of YAML text for the profile writer: scalars that
 * load back as the same string or number, keys, wrapped flow mappings
 * and comments. Everything is appended to a sqlbuf. */
#ifndef MELEE_YAML_TEXT_H
#define MELEE_YAML_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "../sqlbuf.h"

/* Appends s (NULL as "") as a double-quoted scalar with escapes. */
void yt_quoted(sqlbuf *b, const char *s);

/* Appends a string value after "key:" and ends the line: a literal
 * block (|) at indent + 2 for text of several lines, else " \"quoted\"". */
void yt_text(sqlbuf *b, int indent, const char *s);

/* Appends s plain when it is a simple name ([A-Za-z0-9_] first, then
 * also '.', '-'), else double-quoted: for keys and names. */
void yt_name(sqlbuf *b, const char *s);

/* Appends v in the fewest digits that read back as exactly v. */
void yt_number(sqlbuf *b, double v);

/* Appends "<indent spaces>key:" on a new line (b must end with "\n"). */
void yt_key(sqlbuf *b, int indent, const char *key);

/* Appends text as "# " comment lines at indent, wrapped at 80 columns. */
void yt_comment(sqlbuf *b, int indent, const char *text);

/* A flow mapping or sequence written on one line, wrapped onto lines
 * indented by cont when it grows past 100 columns. */
typedef struct yt_flow {
    sqlbuf *b;
    int cont;
    int n;
    bool map;
} yt_flow;

/* Appends " {" (map) or " [" and returns the flow. */
yt_flow yt_flow_start(sqlbuf *b, bool map, int cont);
/* Adds an entry: "key: value" for maps (key a name), "value" for
 * sequences (key NULL). value is already YAML text. */
void yt_flow_add(yt_flow *f, const char *key, const char *value);
/* Appends "}" or "]" and a newline. */
void yt_flow_end(yt_flow *f);

#endif
