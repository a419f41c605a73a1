/* plot.h - the report's plots, drawn by gnuplot (pngcairo) from a series:
 * throughput stacked by outcome, latency quantiles of the heaviest
 * actions on a log scale, thread states stacked; each with the fault
 * windows shaded in their kind's colour. */
#ifndef MELEE_PLOT_H
#define MELEE_PLOT_H

#include <stddef.h>

#include "series.h"

/* Latency plots drawn, one per action, heaviest first. */
#define PLOT_HEAVIEST 4

typedef struct figure {
    char *id;          /* "throughput", "latency-1", "threads" */
    char *title;       /* a heading for the page */
    char *png_base64;  /* the image, base64 */
} figure;

/* Draws every plot of s. Returns the number of figures in *out (caller
 * frees with figures_free), or -1 with *err set (caller frees) when
 * gnuplot is missing or fails. */
long plots_draw(const series *s, figure **out, char **err);
void figures_free(figure *f, size_t n);

#endif
