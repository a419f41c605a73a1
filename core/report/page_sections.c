/* page_sections.c - the report's sections drawn from summary.json (the
 * design's summary keys) and run.json (command line and profile). */
#include <stdbool.h>
#include <string.h>

#include "page.h"
#include "../util.h"

/* The totals shown, in this order, when the summary has them. */
static const struct {
    const char *key;
    const char *label;
} TOTALS[] = {
    {"ops", "operations"}, {"ok", "ok"}, {"ignored", "ignored errors"},
    {"faulted", "faulted (ignored errors a fault explains)"}, {"unexpected", "unexpected errors"},
    {"crashes", "crashes"}, {"hangs", "hangs"}, {"skipped", "skipped (precondition)"},
    {"statements", "statements sent"},
};

/* The settings shown from the summary, in this order. */
static const struct {
    const char *key;
    const char *label;
} SETTINGS[] = {
    {"seed", "seed"}, {"workload", "workload"}, {"complexity", "complexity"},
    {"isolation", "isolation"}, {"threads", "threads"}, {"duration_s", "duration (s)"},
    {"target", "target"}, {"server_version", "server version"},
};

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* Returns the member as text (numbers with fractions to 3 places), or
 * NULL when absent or null. The text lives until the next call. */
static const char *str(json_object *o, const char *key)
{
    static char num[64];
    json_object *v = get(o, key);
    if (!v || json_object_is_type(v, json_type_null))
        return NULL;
    if (json_object_is_type(v, json_type_double)) {
        snprintf(num, sizeof num, "%.3f", json_object_get_double(v));
        return num;
    }
    return json_object_get_string(v);
}

static void row(FILE *f, const char *label, const char *value, bool number)
{
    fputs("<tr><th>", f);
    html_text(f, label);
    fputs(number ? "</th><td class=\"n\">" : "</th><td>", f);
    html_text(f, value);
    fputs("</td></tr>\n", f);
}

static void pre(FILE *f, const char *heading, const char *text)
{
    if (!text || !*text)
        return;
    fputs("<p>", f);
    html_text(f, heading);
    fputs("</p>\n<pre>", f);
    html_text(f, text);
    fputs("</pre>\n", f);
}

/* A long text folded away under its heading. */
static void folded(FILE *f, const char *heading, const char *text)
{
    if (!text || !*text)
        return;
    fputs("<details><summary>", f);
    html_text(f, heading);
    fputs("</summary>\n<pre>", f);
    html_text(f, text);
    fputs("</pre></details>\n", f);
}

void page_settings(FILE *f, const page_input *in)
{
    if (!in->summary && !in->run)
        return;
    fputs("<h2 id=\"settings\">Settings</h2>\n<table>\n", f);
    for (size_t i = 0; i < ARRAY_LEN(SETTINGS); i++) {
        const char *v = str(in->summary, SETTINGS[i].key);
        if (v)
            row(f, SETTINGS[i].label, v, false);
    }
    fputs("</table>\n", f);
    pre(f, "The command that reproduces the run (same seed, same statements with one thread):",
        str(in->run, "reproduce"));
    folded(f, "The command as given", str(in->run, "command"));
    folded(f, "The effective settings, as a profile (profile.yaml here; melee -p FILE loads it)",
           str(in->run, "profile"));
}

static void action_table(FILE *f, json_object *actions)
{
    static const char *const COLS[] = {"ok", "ignored", "unexpected", "skipped"};
    fputs("<table><tr><th>action</th>", f);
    for (size_t c = 0; c < ARRAY_LEN(COLS); c++)
        fprintf(f, "<th>%s</th>", COLS[c]);
    fputs("<th>p50 ms</th><th>p99 ms</th><th>max ms</th></tr>\n", f);
    json_object_object_foreach(actions, name, a) {
        int64_t any = 0;
        for (size_t c = 0; c < ARRAY_LEN(COLS); c++)
            any += get(a, COLS[c]) ? json_object_get_int64(get(a, COLS[c])) : 0;
        if (!any)
            continue;
        fputs("<tr><td>", f);
        html_text(f, name);
        fputs("</td>", f);
        for (size_t c = 0; c < ARRAY_LEN(COLS); c++)
            fprintf(f, "<td class=\"n\">%lld</td>",
                    get(a, COLS[c]) ? (long long)json_object_get_int64(get(a, COLS[c])) : 0LL);
        static const char *const LAT[] = {"p50_us", "p99_us", "max_us"};
        for (size_t q = 0; q < ARRAY_LEN(LAT); q++)
            fprintf(f, "<td class=\"n\">%.2f</td>",
                    get(a, LAT[q]) ? json_object_get_double(get(a, LAT[q])) / 1000.0 : 0.0);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

void page_totals(FILE *f, const page_input *in)
{
    fputs("<h2 id=\"totals\">Totals</h2>\n", f);
    if (!in->summary) {
        /* A history alone: what the series counted. */
        fputs("<table>\n", f);
        for (size_t k = 0; k < in->s->outcomes.n; k++) {
            double n = 0;
            for (size_t r = 0; r < in->s->nrows; r++)
                n += in->s->count[r * in->s->outcomes.n + k];
            char *v = xasprintf("%.0f", n);
            row(f, in->s->outcomes.v[k], v, true);
            free(v);
        }
        fputs("</table>\n", f);
        return;
    }
    json_object *code = get(in->summary, "exit_code");
    bool found = code && json_object_get_int(code) != 0;
    fprintf(f, "<p>Result: <span class=\"verdict %s\">%s</span></p>\n<table>\n",
            found ? "bad" : "good", found ? "found something (exit 1)" : "nothing found");
    for (size_t i = 0; i < ARRAY_LEN(TOTALS); i++) {
        const char *v = str(in->summary, TOTALS[i].key);
        if (v)
            row(f, TOTALS[i].label, v, true);
    }
    fputs("</table>\n", f);
}

void page_actions(FILE *f, const page_input *in)
{
    json_object *actions = get(in->summary, "actions");
    if (!actions || !json_object_is_type(actions, json_type_object))
        return;
    fputs("<h2 id=\"actions\">Per action</h2>\n", f);
    action_table(f, actions);
}

void page_checker(FILE *f, const page_input *in)
{
    fputs("<h2 id=\"checker\">Checker</h2>\n", f);
    const char *checker = str(in->summary, "checker");
    if (!checker) {
        fputs(in->summary ? "<p>No checker ran (the chaos workload records no history).</p>\n"
                          : "<p>Not run here: <code>melee check HISTORY</code> gives the verdict "
                            "of a history file.</p>\n",
              f);
        return;
    }
    const char *verdict = str(in->summary, "verdict");
    verdict = verdict ? verdict : "unknown";
    fputs("<p>", f);
    html_text(f, checker);
    fprintf(f, ": <span class=\"verdict %s\">%s</span></p>\n",
            strcmp(verdict, "valid") == 0 ? "good" : strcmp(verdict, "invalid") == 0 ? "bad" : "unknown",
            verdict);
    pre(f, "Checked:", str(in->summary, "checked"));
    pre(f, "Why:", str(in->summary, "verdict_reason"));
    json_object *an = get(in->summary, "anomalies");
    for (size_t i = 0; an && json_object_is_type(an, json_type_array) &&
                       i < json_object_array_length(an); i++) {
        json_object *a = json_object_array_get_idx(an, i);
        fputs("<div class=\"finding\"><p><b>", f);
        html_text(f, str(a, "type"));
        fputs("</b> × ", f);
        html_text(f, str(a, "count"));
        fputs("</p><pre>", f);
        html_text(f, str(a, "example") ? str(a, "example") : "(no example)");
        fputs("</pre></div>\n", f);
    }
}

static void finding(FILE *f, json_object *x)
{
    static const char *const FIELDS[] = {"sqlstate", "message", "detail", "hint", "sql"};
    fputs("<div class=\"finding\"><p><b>", f);
    html_text(f, str(x, "class") ? str(x, "class") : "unexpected");
    fputs("</b> at ", f);
    html_text(f, str(x, "time"));
    fputs(" s, thread ", f);
    html_text(f, str(x, "thread"));
    fputs(", action ", f);
    html_text(f, str(x, "action"));
    fputs("</p><table>\n", f);
    for (size_t i = 0; i < ARRAY_LEN(FIELDS); i++) {
        const char *v = str(x, FIELDS[i]);
        if (!v || !*v)
            continue;
        fputs("<tr><th>", f);
        html_text(f, FIELDS[i]);
        fputs("</th><td><pre>", f);
        html_text(f, v);
        fputs("</pre></td></tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

void page_findings(FILE *f, const page_input *in)
{
    fputs("<h2 id=\"findings\">Findings</h2>\n", f);
    json_object *un = get(in->summary, "errors_unexpected");
    size_t n = un && json_object_is_type(un, json_type_array) ? json_object_array_length(un) : 0;
    if (!in->summary)
        fputs("<p>A history file holds no error details.</p>\n", f);
    else if (!n)
        fputs("<p>None: no unexpected error, crash or hang.</p>\n", f);
    for (size_t i = 0; i < n; i++)
        finding(f, json_object_array_get_idx(un, i));
    json_object *ig = get(in->summary, "errors_ignored");
    size_t ni = ig && json_object_is_type(ig, json_type_array) ? json_object_array_length(ig) : 0;
    if (!ni)
        return;
    fputs("<h2 id=\"ignored\">Ignored errors</h2>\n<p>Expected under concurrency, by SQLSTATE "
          "and message:</p>\n<table><tr><th>count</th><th>SQLSTATE</th><th>message</th></tr>\n",
          f);
    for (size_t i = 0; i < ni; i++) {
        json_object *g = json_object_array_get_idx(ig, i);
        fputs("<tr><td class=\"n\">", f);
        html_text(f, str(g, "count"));
        fputs("</td><td>", f);
        html_text(f, str(g, "sqlstate"));
        fputs("</td><td>", f);
        html_text(f, str(g, "message"));
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}
