/* act_read.h - helpers the read and fetch actions share (act_read.c). */
#ifndef MELEE_ACT_READ_H
#define MELEE_ACT_READ_H

#include <stdbool.h>

#include "../core/engine/actx.h"
#include "gen_query.h"

/* Picks 1..max visible relations (tables, views, matviews) and fills
 * objs[] and descs[] (room for max each). Returns how many were picked;
 * release them with read_release(). */
int read_pick_relations(actx *a, int max, cat_obj **objs, cat_desc *descs);
void read_release(actx *a, cat_obj **objs, int n);

/* Appends a generated SELECT over 1..3 picked relations to b, references
 * released again before it returns; *out (may be NULL) gets its output
 * columns. Returns false, appending nothing, when there is no relation. */
bool read_gen_select(actx *a, sqlbuf *b, const gen_query_opts *o, gen_output *out);

#endif
