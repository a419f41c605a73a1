/* dlg_ask.c - the small boxes that ask: a line of text, or yes/no. */
#include <string.h>

#include "dialogs.h"

#define ASK_W 68

static int question_rows(const char *q, int w)
{
    int tw = text_width(q);
    return w > 0 ? (tw + w - 1) / w + 1 : 1;
}

void prompt_draw(console *c)
{
    prompt_dlg *p = &c->pd;
    int w = ASK_W;
    int qh = question_rows(p->question, w - 4);
    rect b = rect_centered(w, qh + 5);
    draw_box(b, p->title);
    rect q = {b.y + 1, b.x + 2, b.h - 4 > 0 ? b.h - 4 : 0, b.w - 4};
    int used = draw_wrap(q, R_NORMAL, p->question);
    le_draw(&p->edit, b.y + 1 + used + (used < q.h ? 1 : 0), b.x + 2, b.w - 4);
    draw_text(b.y + b.h - 2, b.x + 2, b.w - 4, R_DIM, "Enter: OK   Esc: cancel", false);
}

void prompt_edit_key(console *c, int key)
{
    le_result res = le_key(&c->pd.edit, key);
    if (res == LE_MORE)
        return;
    ui_pop(c);
    if (res == LE_DONE && c->pd.done)
        c->pd.done(c, c->pd.edit.buf);
}

void confirm_draw(console *c)
{
    confirm_dlg *d = &c->cd;
    int w = ASK_W - 8;
    int qh = question_rows(d->question, w - 4);
    rect b = rect_centered(w, qh + 4);
    draw_box(b, d->title);
    rect q = {b.y + 1, b.x + 2, b.h - 3 > 0 ? b.h - 3 : 0, b.w - 4};
    draw_wrap(q, R_NORMAL, d->question);
    int x = b.x + 2, y = b.y + b.h - 2;
    x += draw_text(y, x, b.x + b.w - 2 - x, R_KEY, "y", false);
    x += draw_text(y, x, b.x + b.w - 2 - x, R_NORMAL, " yes   ", false);
    x += draw_text(y, x, b.x + b.w - 2 - x, R_KEY, "n", false);
    draw_text(y, x, b.x + b.w - 2 - x, R_NORMAL, " no", false);
}

static void answer(console *c, bool yes)
{
    confirm_fn done = c->cd.done;
    ui_pop(c);
    if (done)
        done(c, yes);
}

void confirm_yes(console *c, int key)
{
    (void)key;
    answer(c, true);
}

void confirm_no(console *c, int key)
{
    (void)key;
    answer(c, false);
}
