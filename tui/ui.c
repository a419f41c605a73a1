/* ui.c - the mode stack, contexts, status messages, prompts. */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../core/util.h"

#define STATUS_SECONDS 4

ui_mode ui_mode_top(const console *c)
{
    return c->depth > 0 ? c->modes[c->depth - 1] : M_MAIN;
}

void ui_push(console *c, ui_mode m)
{
    if (c->depth < (int)ARRAY_LEN(c->modes))
        c->modes[c->depth++] = m;
    else
        c->modes[c->depth - 1] = m;
    c->dirty = true;
}

void ui_pop(console *c)
{
    if (c->depth > 1)
        c->depth--;
    c->dirty = true;
}

unsigned ui_context(const console *c)
{
    static const unsigned FOCUS_CTX[F_COUNT] = {X_THREADS, X_EVENTS, X_CHECK};
    switch (ui_mode_top(c)) {
    case M_MAIN: return X_MAIN | FOCUS_CTX[c->focus];
    case M_HELP: return X_HELP;
    case M_TEXT: return X_TEXT;
    case M_WEIGHTS:
        return c->wd.edit.active || c->wd.filter_edit.active ? X_EDIT : X_WEIGHTS;
    case M_FLAGS: return c->fd.edit.active ? X_EDIT : X_FLAGS;
    case M_PROMPT: return X_EDIT;
    case M_CONFIRM: return X_CONFIRM;
    case M_NEMESIS: return X_NEMESIS;
    default: return X_MAIN;
    }
}

void ui_status(console *c, bool bad, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->status, sizeof c->status, fmt, ap);
    va_end(ap);
    c->status_bad = bad;
    c->status_until_us = now_us() + STATUS_SECONDS * 1000000ULL;
    c->dirty = true;
}

void ui_confirm(console *c, const char *title, const char *question, confirm_fn done)
{
    snprintf(c->cd.title, sizeof c->cd.title, "%s", title);
    snprintf(c->cd.question, sizeof c->cd.question, "%s", question);
    c->cd.done = done;
    ui_push(c, M_CONFIRM);
}

void ui_prompt(console *c, const char *title, const char *question, const char *init,
               prompt_fn done)
{
    snprintf(c->pd.title, sizeof c->pd.title, "%s", title);
    snprintf(c->pd.question, sizeof c->pd.question, "%s", question);
    le_start(&c->pd.edit, init, false);
    c->pd.done = done;
    ui_push(c, M_PROMPT);
}

const char *ui_action_short(const console *c, const char *name)
{
    const run_snapshot *s = c->snap;
    for (size_t i = 1; s && i < s->nactions; i++)
        if (s->actions[i].list != s->actions[0].list)
            return name;
    const char *dot = strchr(name, '.');
    return s && s->nactions && dot ? dot + 1 : name;
}

const char *ui_action_name(const console *c, int a)
{
    if (!c->snap || a < 0 || (size_t)a >= c->snap->nactions)
        return "-";
    return c->snap->actions[a].name;
}
