/* profile_save.c - writing a run_config as a YAML profile (libyaml's
 * emitter), complete enough to load back to the same config. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "profile.h"
#include "../util.h"

typedef struct emitter {
    yaml_emitter_t e;
    bool ok;
} emitter;

static void emit(emitter *em, yaml_event_t *ev)
{
    if (em->ok && !yaml_emitter_emit(&em->e, ev))
        em->ok = false;
}

static void str(emitter *em, const char *s)
{
    yaml_event_t ev;
    const char *v = s ? s : "";
    /* Quote what a plain scalar could mistake for another type. */
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)v, (int)strlen(v), 1, 1, style);
    emit(em, &ev);
}

static void quoted(emitter *em, const char *s)
{
    yaml_event_t ev;
    const char *v = s ? s : "";
    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)v, (int)strlen(v), 0, 1,
                                 YAML_DOUBLE_QUOTED_SCALAR_STYLE);
    emit(em, &ev);
}

static void num(emitter *em, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    str(em, buf);
}

static void dbl(emitter *em, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v);
    str(em, buf);
}

static void map_start(emitter *em, bool flow)
{
    yaml_event_t ev;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                        flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
    emit(em, &ev);
}

static void map_end(emitter *em)
{
    yaml_event_t ev;
    yaml_mapping_end_event_initialize(&ev);
    emit(em, &ev);
}

static void seq_start(emitter *em, bool flow)
{
    yaml_event_t ev;
    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                         flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
    emit(em, &ev);
}

static void seq_end(emitter *em)
{
    yaml_event_t ev;
    yaml_sequence_end_event_initialize(&ev);
    emit(em, &ev);
}

static void emit_run(emitter *em, const run_config *c)
{
    str(em, "target");
    map_start(em, false);
    str(em, "dsn");
    quoted(em, c->dsn);
    map_end(em);
    str(em, "run");
    map_start(em, false);
    str(em, "threads"), num(em, c->threads);
    str(em, "complexity"), str(em, complexity_name(c->complexity));
    str(em, "workload"), str(em, c->workload ? c->workload : "chaos");
    if (c->seed_set)
        str(em, "seed"), num(em, (long long)c->seed);
    str(em, "duration"), dbl(em, c->duration_s);
    str(em, "isolation"), str(em, isolation_name(c->isolation));
    str(em, "hang_limit"), dbl(em, c->hang_limit_s);
    map_end(em);
    str(em, "limits");
    map_start(em, true);
    for (int k = 0; k < OBJ_KIND_COUNT; k++)
        str(em, obj_kind_name((obj_kind)k)), num(em, c->limits[k]);
    map_end(em);
    str(em, "lists");
    map_start(em, false);
    for (int x = 0; x < CX_COUNT; x++) {
        str(em, complexity_name((complexity)x));
        map_start(em, true);
        for (int l = 0; l < LIST_COUNT; l++)
            str(em, action_list_name((action_list)l)), num(em, c->list_weights[x][l]);
        map_end(em);
    }
    map_end(em);
}

static void emit_weights_flags(emitter *em, const run_config *c)
{
    str(em, "weights");
    map_start(em, false);
    for (int l = 0; l < LIST_COUNT; l++) {
        bool any = false;
        for (size_t i = 0; i < c->nweights; i++)
            any |= c->weights[i].list == (action_list)l;
        if (!any)
            continue;
        str(em, action_list_name((action_list)l));
        map_start(em, true);
        for (size_t i = 0; i < c->nweights; i++)
            if (c->weights[i].list == (action_list)l)
                str(em, c->weights[i].action), num(em, c->weights[i].weight);
        map_end(em);
    }
    map_end(em);
    str(em, "flags");
    map_start(em, false);
    for (size_t i = 0; i < c->nflags; i++) {
        str(em, c->flags[i].name);
        seq_start(em, true);
        for (size_t k = 0; k < c->flags[i].nvalues; k++)
            quoted(em, c->flags[i].values[k]);
        seq_end(em);
    }
    map_end(em);
    str(em, "params");
    map_start(em, true);
    for (size_t i = 0; i < c->nparams; i++)
        str(em, c->params[i].name), num(em, c->params[i].value);
    map_end(em);
}

static void emit_rules(emitter *em, const owned_rule *r, size_t n)
{
    seq_start(em, false);
    for (size_t i = 0; i < n; i++) {
        map_start(em, true);
        if (r[i].sqlstate)
            str(em, "sqlstate"), quoted(em, r[i].sqlstate);
        if (r[i].message)
            str(em, "message"), quoted(em, r[i].message);
        str(em, "class"), str(em, err_class_name(r[i].cls));
        map_end(em);
    }
    seq_end(em);
}

static void emit_custom(emitter *em, const run_config *c)
{
    str(em, "custom_actions");
    seq_start(em, false);
    for (size_t i = 0; i < c->ncustom; i++) {
        const custom_action *a = &c->custom[i];
        map_start(em, false);
        str(em, "name"), str(em, a->name);
        str(em, "list"), str(em, action_list_name(a->list));
        str(em, "weight"), num(em, a->weight);
        if (a->send != SEND_AS_PARAMS)
            str(em, "send"), str(em, custom_send_name(a->send));
        if (a->setup_sql)
            str(em, "setup"), quoted(em, a->setup_sql);
        str(em, "sql"), quoted(em, a->sql);
        str(em, "params");
        map_start(em, false);
        for (size_t k = 0; k < a->nplaceholders; k++) {
            const placeholder *p = &a->placeholders[k];
            str(em, p->name);
            map_start(em, true);
            str(em, "type"), str(em, placeholder_kind_name(p->kind));
            str(em, "min"), num(em, p->min);
            str(em, "max"), num(em, p->max);
            if (p->nchoices) {
                str(em, "choices");
                seq_start(em, true);
                for (size_t j = 0; j < p->nchoices; j++)
                    quoted(em, p->choices[j]);
                seq_end(em);
            }
            map_end(em);
        }
        map_end(em);
        str(em, "expected_errors");
        emit_rules(em, a->expected, a->nexpected);
        map_end(em);
    }
    seq_end(em);
}

int profile_save(const char *path, const run_config *c, char **err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        *err = xasprintf("cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "# melee profile, saved from a run. Load it with: melee -p %s\n", path);
    emitter em = {.ok = true};
    yaml_emitter_initialize(&em.e);
    yaml_emitter_set_output_file(&em.e, f);
    yaml_emitter_set_unicode(&em.e, 1);
    yaml_emitter_set_width(&em.e, 100);
    yaml_event_t ev;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    emit(&em, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    emit(&em, &ev);
    map_start(&em, false);
    str(&em, "name"), str(&em, c->profile_name ? c->profile_name : "saved");
    emit_run(&em, c);
    emit_weights_flags(&em, c);
    str(&em, "expected_errors");
    emit_rules(&em, c->expected, c->nexpected);
    emit_custom(&em, c);
    str(&em, "output");
    map_start(&em, false);
    str(&em, "log"), quoted(&em, c->log_path);
    str(&em, "history"), quoted(&em, c->history_path);
    str(&em, "summary"), quoted(&em, c->summary_path);
    map_end(&em);
    map_end(&em);
    yaml_document_end_event_initialize(&ev, 1);
    emit(&em, &ev);
    yaml_stream_end_event_initialize(&ev);
    emit(&em, &ev);
    bool ok = em.ok && yaml_emitter_flush(&em.e);
    if (!ok)
        *err = xasprintf("cannot write %s: %s", path, em.e.problem ? em.e.problem : "emitter error");
    yaml_emitter_delete(&em.e);
    if (fclose(f) != 0 && ok) {
        *err = xasprintf("cannot write %s: %s", path, strerror(errno));
        ok = false;
    }
    return ok ? 0 : -1;
}
