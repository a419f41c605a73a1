/* profile_fsm.c - the fsm: section of a profile. Its shape belongs to the
 * workload that reads it (workload_def.section: the fsm workload checks
 * it and keeps in the settings the file it comes from); the writer refers
 * to that file, so a written profile loads back the same workloads. An
 * empty section ({}) means none. */
#include <stdlib.h>

#include "profile_loader.h"
#include "profile_sections.h"
#include "yaml_text.h"
#include "../engine/workload.h"

#define FSM_SECTION "fsm"

int section_fsm_load(loader *l, yaml_node_t *v, run_config *c)
{
    const workload_def *reader = workload_for_section(FSM_SECTION);
    if (!reader)
        return ld_fail(l, v, "no workload reads an " FSM_SECTION ": section");
    char *err = NULL;
    if (reader->load_section(&l->doc, v, l->path, c, &err))
        return 0;
    if (!l->err)
        l->err = err;
    else
        free(err);
    return -1;
}

void section_fsm_save(sqlbuf *out, int indent, const run_config *c)
{
    (void)indent;
    if (!c->fsm_source) {
        sb_add(out, " {}\n");
        return;
    }
    sb_add(out, " {include: ");
    yt_quoted(out, c->fsm_source);
    sb_add(out, "}\n");
}
