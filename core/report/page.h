/* page.h - the self-contained HTML run report (styles, script and the
 * plots' images inline: it opens from the file system, no network). */
#ifndef MELEE_PAGE_H
#define MELEE_PAGE_H

#include <json-c/json.h>
#include <stdio.h>

#include "plot.h"
#include "series.h"

typedef struct page_input {
    const char *source;          /* the run directory or the history file */
    json_object *summary;        /* DIR/summary.json, or NULL */
    json_object *run;            /* DIR/run.json (command, profile), or NULL */
    const char *history_meta;    /* a history's meta record, or NULL */
    const series *s;
    const figure *figs;
    size_t nfigs;
    const char *plot_error;      /* why there are no plots, or NULL */
} page_input;

/* Writes the page to path. Returns 0, or -1 with *err set (caller frees). */
int page_write(const char *path, const page_input *in, char **err);

/* page_sections.c: the sections drawn from summary.json and run.json.
 * Each writes nothing when its data is absent. */
void page_settings(FILE *f, const page_input *in);
void page_totals(FILE *f, const page_input *in);
void page_actions(FILE *f, const page_input *in);
void page_checker(FILE *f, const page_input *in);
void page_findings(FILE *f, const page_input *in);

/* Writes s with &, <, >, " escaped (NULL writes nothing). */
void html_text(FILE *f, const char *s);

#endif
