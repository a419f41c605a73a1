/* jsonl.h - reading JSON Lines files (histories, metrics rows): one JSON
 * value per line, blank lines skipped, every complaint named PATH:LINE. */
#ifndef MELEE_JSONL_H
#define MELEE_JSONL_H

#include <stddef.h>

#include <json-c/json.h>

/* Called with each line's value (borrowed: take a reference to keep it;
 * NULL for a JSON null) and its line number. Returns NULL when the record is taken, "" to pass
 * it over, or what is wrong with it (a static string). */
typedef const char *(*jsonl_record_fn)(json_object *rec, size_t lineno, void *ctx);

/* Reads path line by line (CRLF ends a line too) and hands each non-blank
 * line, parsed as exactly one JSON value, to each. A last line without
 * its newline that is not a good record (a writer killed mid-line) is
 * passed over with a note on stderr when a record came before it.
 * Returns the number of records taken (0 is no error: the caller says
 * whether an empty file will do), or -1 with *err set (caller frees):
 * "PATH: why" when the file cannot be read, "PATH:LINE: why" for the
 * first bad line. */
long jsonl_read(const char *path, jsonl_record_fn each, void *ctx, char **err);

#endif
