/* dlg_ask.c - the small boxes that ask: a line of text, or yes/no. */
#include <string.h>

#include "dialogs.h"

#define ASK_W 68

/* A box width for the screen: w, or the screen less a margin. */
static int box_width(int w)
{
    return w < COLS - 2 ? w : COLS - 2 > 20 ? COLS - 2 : COLS;
}

void prompt_draw(console *c)
{
    prompt_dlg *p = &c->pd;
    int w = box_width(ASK_W);
    /* Frame, question, blank, field, blank, keys, frame. */
    int qh = wrap_rows(p->question, w - 4);
    rect b = rect_centered(w, qh + 6);
    draw_box(b, p->title);
    rect q = {b.y + 1, b.x + 2, b.h - 6 > 1 ? b.h - 6 : 1, b.w - 4};
    int used = draw_wrap(q, R_NORMAL, p->question);
    int fy = b.y + 1 + used + 1;
    if (fy > b.y + b.h - 3)
        fy = b.y + b.h - 3;
    le_draw(&p->edit, fy, b.x + 2, b.w - 4);
    int x = b.x + 2, y = b.y + b.h - 2, end = b.x + b.w - 2;
    x += draw_text(y, x, end - x, R_KEY, "Enter", false);
    x += draw_text(y, x, end - x, R_NORMAL, " OK   ", false);
    x += draw_text(y, x, end - x, R_KEY, "Esc", false);
    draw_text(y, x, end - x, R_NORMAL, " cancel", false);
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
    int w = box_width(ASK_W - 8);
    /* Frame, question, blank, answers, frame. */
    int qh = wrap_rows(d->question, w - 4);
    rect b = rect_centered(w, qh + 4);
    draw_box(b, d->title);
    rect q = {b.y + 1, b.x + 2, b.h - 4 > 1 ? b.h - 4 : 1, b.w - 4};
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
