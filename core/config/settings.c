/* settings.c - the table of run settings and the one engine that reads,
 * writes, defaults and checks them. */
#include "settings.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "profile_sections.h"
#include "yaml_text.h"
#include "../util.h"
#include "../engine/workload.h"

_Static_assert(sizeof(complexity) == sizeof(int) && sizeof(isolation) == sizeof(int) &&
                   sizeof(schedule_order) == sizeof(int) && sizeof(fault_target) == sizeof(int) &&
                   sizeof(fault_stream) == sizeof(int),
               "choices are stored as int");

/* The installed workloads (chaos first). */
static const char *workload_at(size_t i)
{
    size_t n;
    const workload_def *const *all = workloads_all(&n);
    return i < n ? all[i]->name : NULL;
}

#define FIELD(f) .offset = offsetof(run_config, f), .size = sizeof(((run_config *)0)->f)

static const setting SETTINGS[] = {
    {.section = "", .key = "name", .what = "profile name", .type = SET_TEXT,
     FIELD(profile_name), .help = "the profile's name, shown in the console's header"},
    {.section = "target", .key = "dsn", .flag = "dsn", .short_flag = 'd', .arg = "CONNINFO",
     .what = "connection string", .type = SET_TEXT, FIELD(dsn),
     .help = "libpq conninfo or URI; PG* variables are honoured; neither given: "
             "a private PostgreSQL is started"},
    {.section = "run", .key = "workload", .flag = "workload", .short_flag = 'w', .arg = "NAME",
     .what = "workload", .type = SET_NAME, .name_at = workload_at, FIELD(workload),
     .def = "chaos", .help = "what the threads run: chaos (the action lists), an invariant "
                             "workload with a checker, or fsm (the profile's fsm: section)"},
    {.section = "run", .key = "threads", .flag = "threads", .short_flag = 't', .arg = "N",
     .what = "thread count", .type = SET_INT, .lo = 1, .hi = MAX_THREADS, FIELD(threads),
     .def = "4", .help = "worker threads, one connection each"},
    {.section = "run", .key = "complexity", .flag = "complexity", .short_flag = 'c', .arg = "C",
     .what = "complexity", .type = SET_CHOICE, .name_at = complexity_at, FIELD(complexity),
     .def = "ddl", .help = "which action lists chaos threads get"},
    {.section = "run", .key = "isolation", .flag = "isolation", .short_flag = 'i', .arg = "L",
     .what = "isolation level", .type = SET_CHOICE, .name_at = isolation_at, FIELD(isolation),
     .def = "read-committed", .help = "transaction isolation level"},
    {.section = "run", .key = "duration", .flag = "duration", .short_flag = 'D', .arg = "SECONDS",
     .what = "duration", .type = SET_NUMBER, .min = 0, .max = HUGE_VAL, FIELD(duration_s),
     .def = "0", .help = "seconds the run lasts; 0 = until stopped"},
    {.section = "run", .key = "hang_limit", .flag = "hang-limit", .arg = "S", .what = "hang limit",
     .type = SET_NUMBER, .min = 0.1, .max = HUGE_VAL, FIELD(hang_limit_s), .def = "60",
     .help = "a statement running longer (seconds) is a hang"},
    {.section = "run", .key = "seed", .flag = "seed", .short_flag = 's', .arg = "N",
     .what = "seed", .type = SET_INT, .lo = 0, .hi = INT64_MAX, FIELD(seed),
     .set_offset = offsetof(run_config, seed_set),
     .help = "the run seed; drawn and printed when absent"},
    {.section = "output", .key = "log", .flag = "log", .arg = "FILE", .what = "log file",
     .type = SET_TEXT, FIELD(log_path),
     .help = "statement log: time, thread, outcome, SQL, $n values"},
    {.section = "output", .key = "history", .flag = "history", .arg = "FILE",
     .what = "history file", .type = SET_TEXT, FIELD(history_path),
     .help = "record every operation (JSON Lines)"},
    {.section = "output", .key = "summary", .flag = "summary-json", .arg = "FILE",
     .what = "summary file", .type = SET_TEXT, FIELD(summary_path),
     .help = "write the final report as JSON"},
    {.section = "output", .key = "report", .flag = "report", .arg = "DIR",
     .what = "report directory", .type = SET_TEXT, FIELD(report_dir),
     .help = "per-second metrics and an HTML report with plots in DIR"},
    {.section = "nemesis", .key = "faults", .flag = "nemesis", .arg = "LIST",
     .what = "fault kinds", .type = SET_NAMES, .name_at = fault_kind_at, FIELD(nemesis.faults),
     .help = "faults the nemesis starts on a schedule (none: no schedule; the console's n "
             "fires them by hand)"},
    {.section = "nemesis", .key = "order", .what = "fault order", .type = SET_CHOICE,
     .name_at = schedule_order_at, FIELD(nemesis.cfg.schedule.order), .def = "random",
     .help = "the kinds drawn at random or taken in turn"},
    {.section = "nemesis", .key = "interval", .flag = "nemesis-interval", .arg = "S",
     .what = "fault interval", .type = SET_NUMBER, .min = 0.1, .max = 86400,
     FIELD(nemesis.cfg.schedule.interval_s), .def = "10",
     .help = "mean seconds from one heal to the next fault (drawn 0.5 to 1.5 times it)"},
    {.section = "nemesis", .key = "duration", .flag = "nemesis-duration", .arg = "S",
     .what = "fault duration", .type = SET_NUMBER, .min = 0.1, .max = 86400,
     FIELD(nemesis.cfg.schedule.duration_s), .def = "5",
     .help = "mean seconds a fault lasts before it heals"},
    {.section = "nemesis", .key = "quiet", .flag = "nemesis-quiet", .arg = "S",
     .what = "quiet start", .type = SET_NUMBER, .min = 0, .max = 86400,
     FIELD(nemesis.cfg.schedule.quiet_s), .def = "5", .help = "no fault in the run's first seconds"},
    {.section = "nemesis", .key = "recovery", .flag = "nemesis-recovery", .arg = "S",
     .what = "recovery window", .type = SET_NUMBER, .min = 0, .max = 86400,
     FIELD(nemesis.cfg.schedule.recovery_s), .def = "10",
     .help = "no fault in the run's last seconds; after the final heal, this long before "
             "the final reads"},
    {.section = "nemesis", .key = "target", .what = "fault target", .type = SET_CHOICE,
     .name_at = fault_target_at, FIELD(nemesis.cfg.params.target), .def = "one",
     .help = "terminate and cancel: one, some (half) or all worker backends"},
    {.section = "nemesis", .key = "toxicity", .what = "toxicity", .type = SET_NUMBER, .min = 0,
     .max = 1, FIELD(nemesis.cfg.params.toxicity), .def = "1",
     .help = "network faults: the share of connections affected"},
    {.section = "nemesis", .key = "command_timeout", .what = "node command timeout",
     .type = SET_NUMBER, .min = 1, .max = 3600, FIELD(nemesis.command_timeout_s), .def = "30",
     .help = "a node command still running after this many seconds is killed"},
    {.section = "nemesis.latency", .key = "ms", .what = "latency", .type = SET_INT, .lo = 0,
     .hi = 60000, FIELD(nemesis.cfg.params.latency_ms), .def = "200",
     .help = "latency: milliseconds added to the data passed"},
    {.section = "nemesis.latency", .key = "jitter_ms", .what = "jitter", .type = SET_INT, .lo = 0,
     .hi = 60000, FIELD(nemesis.cfg.params.jitter_ms), .def = "50",
     .help = "latency: plus or minus this much, drawn for each chunk"},
    {.section = "nemesis.latency", .key = "direction", .what = "stream", .type = SET_CHOICE,
     .name_at = fault_stream_at, FIELD(nemesis.cfg.params.stream), .def = "both",
     .help = "latency and bandwidth: upstream (to the server), downstream or both"},
    {.section = "nemesis.bandwidth", .key = "rate", .what = "bandwidth", .type = SET_INT, .lo = 1,
     .hi = 1000000, FIELD(nemesis.cfg.params.rate_kbps), .def = "64",
     .help = "bandwidth: KB/s per connection and stream"},
    {.section = "nemesis.clock", .key = "offset_s", .what = "clock offset", .type = SET_NUMBER,
     .min = -1e8, .max = 1e8, FIELD(nemesis.cfg.params.clock_offset_s), .def = "300",
     .help = "clock: seconds the private server's clock moves (libfaketime)"},
    {.flag = "headless", .what = "headless", .type = SET_SWITCH, FIELD(headless),
     .help = "no console: progress on stderr, report on stdout"},
    {.flag = "keep-server", .what = "keep-server", .type = SET_SWITCH, FIELD(keep_server),
     .help = "keep the private server at exit and say how to connect"},
};

static const profile_section SECTIONS[] = {
    {.path = "target"},
    {.path = "run"},
    {.path = "limits", .comment = "The most objects of each kind alive at once.",
     .load = section_limits_load, .save = section_limits_save},
    {.path = "lists", .comment = "Per complexity: how likely a thread is to get each action list.",
     .load = section_lists_load, .save = section_lists_save},
    {.path = "weights",
     .comment = "Action weights per list; actions not named keep their built-in weight, "
                "0 disables one.",
     .load = section_weights_load, .save = section_weights_save},
    {.path = "flags",
     .comment = "Server flags flip_flag sets (ALTER SYSTEM SET ... + pg_reload_conf()) and the "
                "console's flags dialog offers, each with its candidate values.",
     .load = section_flags_load, .save = section_flags_save},
    {.path = "params",
     .comment = "Workload parameters (integers) of the invariant workloads: accounts, keys, ... "
                "(see README).",
     .load = section_params_load, .save = section_params_save},
    {.path = "expected_errors",
     .comment = "Extra error rules, checked before the built-in table: a SQLSTATE and/or a "
                "message substring, and whether it is ignored or unexpected.",
     .load = section_expected_load, .save = section_expected_save},
    {.path = "custom_actions",
     .comment = "Actions added without recompiling: SQL with typed {{placeholders}} (int, text, "
                "choice, bool, table); send: params, prepared or literals.",
     .load = section_custom_load, .save = section_custom_save},
    {.path = "nemesis",
     .comment = "Faults on a schedule: kill, pause, terminate, cancel, partition, latency, "
                "bandwidth, reset, clock (see README)."},
    {.path = "nemesis.latency"},
    {.path = "nemesis.bandwidth"},
    {.path = "nemesis.clock"},
    {.path = "nemesis.nodes",
     .comment = "Remote nodes: argv command templates (kill, start, pause, resume, partition, "
                "heal) run without a shell; {name} and {host} are replaced.",
     .load = section_nodes_load, .save = section_nodes_save},
    {.path = "server"},
    {.path = "server.settings",
     .comment = "The private server's settings, passed as postgres -c NAME=VALUE.",
     .load = section_server_settings_load, .save = section_server_settings_save},
    {.path = "fsm",
     .comment = "FSM workloads (workload fsm): states, steps and weighted transitions, or the "
                "file they are in ({include: FILE}); {}: none. See README.",
     .load = section_fsm_load, .save = section_fsm_save},
    {.path = "output"},
};

const setting *settings_all(size_t *n)
{
    *n = ARRAY_LEN(SETTINGS);
    return SETTINGS;
}

const profile_section *sections_all(size_t *n)
{
    *n = ARRAY_LEN(SECTIONS);
    return SECTIONS;
}

const setting *setting_find(const char *section, const char *key)
{
    for (size_t i = 0; i < ARRAY_LEN(SETTINGS); i++)
        if (SETTINGS[i].key && strcmp(SETTINGS[i].section, section) == 0 &&
            strcmp(SETTINGS[i].key, key) == 0)
            return &SETTINGS[i];
    return NULL;
}

const profile_section *section_find(const char *path)
{
    for (size_t i = 0; i < ARRAY_LEN(SECTIONS); i++)
        if (strcmp(SECTIONS[i].path, path) == 0)
            return &SECTIONS[i];
    return NULL;
}

/* ---- values in a run_config ---- */

static void *field(const setting *s, const run_config *c)
{
    return (char *)c + s->offset;
}

static int64_t get_int(const setting *s, const run_config *c)
{
    if (s->size == sizeof(int))
        return *(const int *)field(s, c);
    int64_t v;
    memcpy(&v, field(s, c), sizeof v);
    return v;
}

static void put_int(const setting *s, run_config *c, int64_t v)
{
    if (s->size == sizeof(int))
        *(int *)field(s, c) = (int)v;
    else
        memcpy(field(s, c), &v, sizeof v);
}

static bool is_set(const setting *s, const run_config *c)
{
    return !s->set_offset || *(const bool *)((const char *)c + s->set_offset);
}

static int name_index(const setting *s, const char *text)
{
    const char *name;
    for (size_t i = 0; (name = s->name_at(i)) != NULL; i++)
        if (strcmp(name, text) == 0)
            return (int)i;
    return -1;
}

void setting_allowed(const setting *s, sqlbuf *out)
{
    switch (s->type) {
    case SET_INT:
        if (s->hi == INT64_MAX)
            sb_printf(out, "%lld or more", (long long)s->lo);
        else
            sb_printf(out, "%lld-%lld", (long long)s->lo, (long long)s->hi);
        break;
    case SET_NUMBER:
        if (isinf(s->max))
            sb_printf(out, "%g or more", s->min);
        else
            sb_printf(out, "%g-%g", s->min, s->max);
        break;
    case SET_CHOICE:
    case SET_NAME: {
        const char *name;
        for (size_t i = 0; (name = s->name_at(i)) != NULL; i++)
            sb_printf(out, "%s%s", i ? " | " : "", name);
        break;
    }
    case SET_NAMES: {
        const char *name;
        sb_add(out, "a list of ");
        for (size_t i = 0; (name = s->name_at(i)) != NULL; i++)
            sb_printf(out, "%s%s", i ? " | " : "", name);
        break;
    }
    case SET_SWITCH: sb_add(out, "true | false"); break;
    case SET_TEXT: break;
    }
}

static int refuse(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Checks each name of text (separated by commas or spaces) and stores
 * them joined by commas; "" stores NULL. Returns 0, or -1 with *err. */
static int parse_names(const setting *s, const char *text, const char *label, run_config *c,
                       char **err)
{
    sqlbuf joined = SQLBUF_INIT;
    char *copy = xstrdup(text), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (name_index(s, tok) < 0) {
            sqlbuf a = SQLBUF_INIT;
            setting_allowed(s, &a);
            rc = refuse(err, "%s must be %s, not '%s'", label, sb_str(&a), tok);
            sb_free(&a);
            break;
        }
        sb_printf(&joined, "%s%s", joined.len ? "," : "", tok);
    }
    free(copy);
    if (rc == 0) {
        char **p = field(s, c);
        free(*p);
        *p = joined.len ? xstrdup(sb_str(&joined)) : NULL;
    }
    sb_free(&joined);
    return rc;
}


static int refuse(char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *err = xvasprintf(fmt, ap);
    va_end(ap);
    return -1;
}

int setting_parse(const setting *s, const char *text, const char *label, run_config *c,
                  char **err)
{
    char *end;
    errno = 0;
    switch (s->type) {
    case SET_INT: {
        long long v = strtoll(text, &end, 10);
        if (!*text || end == text || *end)
            return refuse(err, "%s must be an integer, not '%s'", label, text);
        if (errno == ERANGE || v < s->lo || v > s->hi) {
            if (s->hi == INT64_MAX)
                return refuse(err, "%s must be %lld or more, not %s", label, (long long)s->lo, text);
            return refuse(err, "%s must be between %lld and %lld, not %s", label,
                          (long long)s->lo, (long long)s->hi, text);
        }
        put_int(s, c, v);
        break;
    }
    case SET_NUMBER: {
        double v = strtod(text, &end);
        if (!*text || end == text || *end || !isfinite(v))
            return refuse(err, "%s must be a number, not '%s'", label, text);
        if (v < s->min || v > s->max) {
            if (isinf(s->max))
                return refuse(err, "%s must be at least %g, not %s", label, s->min, text);
            return refuse(err, "%s must be between %g and %g, not %s", label, s->min, s->max, text);
        }
        *(double *)field(s, c) = v;
        break;
    }
    case SET_CHOICE:
    case SET_NAME: {
        int i = name_index(s, text);
        if (i < 0) {
            sqlbuf a = SQLBUF_INIT;
            setting_allowed(s, &a);
            refuse(err, "%s must be one of %s, not '%s'", label, sb_str(&a), text);
            sb_free(&a);
            return -1;
        }
        if (s->type == SET_CHOICE) {
            *(int *)field(s, c) = i;
        } else {
            char **p = field(s, c);
            free(*p);
            *p = xstrdup(text);
        }
        break;
    }
    case SET_TEXT: {
        char **p = field(s, c);
        free(*p);
        *p = *text ? xstrdup(text) : NULL;
        break;
    }
    case SET_NAMES:
        if (parse_names(s, text, label, c, err) != 0)
            return -1;
        break;
    case SET_SWITCH:
        if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
            return refuse(err, "%s must be true or false, not '%s'", label, text);
        *(bool *)field(s, c) = text[0] == 't';
        break;
    }
    if (s->set_offset)
        *(bool *)((char *)c + s->set_offset) = true;
    return 0;
}

bool setting_format(const setting *s, const run_config *c, sqlbuf *out)
{
    if (!is_set(s, c))
        return false;
    switch (s->type) {
    case SET_INT: sb_printf(out, "%lld", (long long)get_int(s, c)); break;
    case SET_NUMBER: yt_number(out, *(const double *)field(s, c)); break;
    case SET_CHOICE: {
        const char *name = s->name_at((size_t)*(const int *)field(s, c));
        yt_name(out, name ? name : "?");
        break;
    }
    case SET_NAME: {
        const char *v = *(char *const *)field(s, c);
        yt_name(out, v ? v : s->def);
        break;
    }
    case SET_TEXT: yt_quoted(out, *(char *const *)field(s, c)); break;
    case SET_SWITCH: sb_add(out, *(const bool *)field(s, c) ? "true" : "false"); break;
    case SET_NAMES: {
        const char *v = *(char *const *)field(s, c);
        sb_addc(out, '[');
        for (const char *p = v ? v : ""; *p; p++)
            sb_add(out, *p == ',' ? ", " : (char[]){*p, 0});
        sb_addc(out, ']');
        break;
    }
    }
    return true;
}

void settings_defaults(run_config *c)
{
    for (size_t i = 0; i < ARRAY_LEN(SETTINGS); i++) {
        const setting *s = &SETTINGS[i];
        char *err = NULL;
        if (s->def && setting_parse(s, s->def, s->key ? s->key : s->flag, c, &err) != 0) {
            fprintf(stderr, "melee: bad built-in default: %s\n", err);
            abort();
        }
    }
}

/* Where a setting is named in messages: "run.threads", "name" or "--headless". */
static void label_of(const setting *s, char *buf, size_t n)
{
    if (!s->key)
        snprintf(buf, n, "--%s", s->flag);
    else if (!*s->section)
        snprintf(buf, n, "%s", s->key);
    else
        snprintf(buf, n, "%s.%s", s->section, s->key);
}

int settings_check(const run_config *c, char **err)
{
    for (size_t i = 0; i < ARRAY_LEN(SETTINGS); i++) {
        const setting *s = &SETTINGS[i];
        if (s->type == SET_TEXT || s->type == SET_SWITCH || !is_set(s, c))
            continue;
        if ((s->type == SET_NAME || s->type == SET_NAMES) && !*(char *const *)field(s, c))
            continue; /* not given: the default */
        /* The value as a profile would say it, read back by the one parser. */
        sqlbuf text = SQLBUF_INIT;
        if (s->type == SET_CHOICE && !s->name_at((size_t)*(const int *)field(s, c)))
            sb_printf(&text, "%d", *(const int *)field(s, c));
        else if (s->type == SET_NAME || s->type == SET_NAMES)
            sb_add(&text, *(char *const *)field(s, c));
        else
            setting_format(s, c, &text);
        char label[128];
        label_of(s, label, sizeof label);
        run_config scratch;
        memset(&scratch, 0, sizeof scratch);
        int rc = setting_parse(s, sb_str(&text), label, &scratch, err);
        config_free(&scratch);
        sb_free(&text);
        if (rc)
            return -1;
    }
    return 0;
}
