/* page.c - the run report's HTML: skeleton, plots and fault windows. */
#include "page.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "colours.h"
#include "../util.h"

/* Fault windows listed one by one at most; past it, counts per kind. */
#define FAULT_ROWS_MAX 50

static const char STYLE[] =
    "body{font-family:'DejaVu Sans',sans-serif;margin:1.5em auto;max-width:1140px;color:#222}"
    "h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;"
    "border-bottom:1px solid #ccc}table{border-collapse:collapse;font-size:.9em}"
    "td,th{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap;font-size:.85em}"
    "figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}"
    "figcaption{font-weight:bold;margin-bottom:.3em}"
    ".verdict{display:inline-block;padding:.2em .6em;border-radius:.3em;color:#fff}"
    ".good{background:#2ca02c}.bad{background:#d62728}.unknown{background:#888}"
    ".swatch{display:inline-block;width:1em;height:1em;vertical-align:middle;"
    "margin-right:.3em;opacity:.6}.finding{border-left:4px solid #d62728;padding-left:.8em;"
    "margin:1em 0}.note{color:#666}";

/* Records script errors and, once loaded, each image's size into the page
 * itself (the browser test reads them back from the DOM). */
static const char SCRIPT_HEAD[] =
    "var melee_errors=[];window.addEventListener('error',function(e){"
    "melee_errors.push(String(e.message||e.type));},true);";
static const char SCRIPT_LOAD[] =
    "window.addEventListener('load',function(){var out=[];"
    "for(var i=0;i<document.images.length;i++){var m=document.images[i];"
    "out.push(m.id+' '+(m.complete?m.naturalWidth:0)+'x'+(m.complete?m.naturalHeight:0));}"
    "var c=document.getElementById('page-check');c.setAttribute('data-images',out.join(';'));"
    "c.setAttribute('data-errors',melee_errors.join(';'));c.setAttribute('data-ready','yes');});";

void html_text(FILE *f, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

static void plots(FILE *f, const page_input *in)
{
    fputs("<h2 id=\"plots\">Over time</h2>\n", f);
    if (in->plot_error) {
        fputs("<p class=\"note\">No plots: ", f);
        html_text(f, in->plot_error);
        fputs("</p>\n", f);
        return;
    }
    if (in->s->nfaults)
        fputs("<p class=\"note\">Shaded bands: the fault windows, in each kind's colour; "
              "instant faults, such as a cancel, as thin dashed lines (short ticks along the top "
              "when a kind has many).</p>\n", f);
    for (size_t i = 0; i < in->nfigs; i++) {
        fprintf(f, "<figure><figcaption>");
        html_text(f, in->figs[i].title);
        fprintf(f, "</figcaption><img id=\"plot-%s\" alt=\"", in->figs[i].id);
        html_text(f, in->figs[i].title);
        fprintf(f, "\" src=\"data:image/png;base64,%s\"></figure>\n", in->figs[i].png_base64);
    }
}

static void faults(FILE *f, const series *s)
{
    fputs("<h2 id=\"faults\">Faults</h2>\n", f);
    if (!s->nfaults) {
        fputs("<p>No fault was injected.</p>\n", f);
        return;
    }
    names kinds = {0};
    for (size_t i = 0; i < s->nfaults; i++)
        names_add(&kinds, s->faults[i].kind);
    fputs("<table><tr><th>kind</th><th>windows</th></tr>\n", f);
    for (size_t k = 0; k < kinds.n; k++) {
        size_t n = 0;
        for (size_t i = 0; i < s->nfaults; i++)
            n += strcmp(s->faults[i].kind, kinds.v[k]) == 0;
        fprintf(f, "<tr><td><span class=\"swatch\" style=\"background:%s\"></span>",
                fault_colour(kinds.v[k]));
        html_text(f, kinds.v[k]);
        fprintf(f, "</td><td class=\"n\">%zu</td></tr>\n", n);
    }
    fputs("</table>\n", f);
    names_free(&kinds);
    if (s->nfaults > FAULT_ROWS_MAX)
        fprintf(f, "<p class=\"note\">The first %d of %zu windows:</p>\n", FAULT_ROWS_MAX,
                s->nfaults);
    fputs("<table><tr><th>kind</th><th>target</th><th>start (s)</th><th>end (s)</th></tr>\n", f);
    for (size_t i = 0; i < s->nfaults && i < FAULT_ROWS_MAX; i++) {
        fputs("<tr><td>", f);
        html_text(f, s->faults[i].kind);
        fputs("</td><td>", f);
        html_text(f, s->faults[i].target);
        fprintf(f, "</td><td class=\"n\">%.3f</td><td class=\"n\">", s->faults[i].start_s);
        if (s->faults[i].end_s >= 0)
            fprintf(f, "%.3f", s->faults[i].end_s);
        else
            fputs("(not healed)", f);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void header(FILE *f, const page_input *in)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<title>melee run report</title>\n<style>",
          f);
    fputs(STYLE, f);
    fprintf(f, "</style>\n<script>%s</script>\n</head><body>\n", SCRIPT_HEAD);
    fputs("<h1>melee run report</h1>\n<p class=\"note\">", f);
    html_text(f, in->history_meta || !in->summary ? "From the history file " : "From the run in ");
    html_text(f, in->source);
    fprintf(f, " (melee %s).</p>\n", MELEE_VERSION);
    fputs("<p><a href=\"#settings\">settings</a> · <a href=\"#totals\">totals</a> · "
          "<a href=\"#plots\">plots</a> · <a href=\"#faults\">faults</a> · "
          "<a href=\"#checker\">checker</a> · <a href=\"#findings\">findings</a> · "
          "<a href=\"#actions\">per action</a></p>\n",
          f);
}

int page_write(const char *path, const page_input *in, char **err)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        *err = xasprintf("cannot write %s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    header(f, in);
    if (in->history_meta) {
        fputs("<h2 id=\"settings\">History</h2>\n<pre>", f);
        html_text(f, in->history_meta);
        fputs("</pre>\n", f);
    }
    page_settings(f, in);
    page_totals(f, in);
    plots(f, in);
    faults(f, in->s);
    page_checker(f, in);
    page_findings(f, in);
    page_actions(f, in);
    fprintf(f, "<div id=\"page-check\" hidden></div>\n<script>%s</script>\n</body></html>\n",
            SCRIPT_LOAD);
    bool ok = !ferror(f);
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        *err = xasprintf("cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}
