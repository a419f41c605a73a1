/* lineedit.c - a minimal line editor: type, Backspace, Ctrl-U, Enter, Esc. */
#include "lineedit.h"

#include <stdio.h>
#include <string.h>

#include "draw.h"

#define KEY_ESC 27
#define KEY_CTRL_U 21
#define KEY_CTRL_W 23

void le_start(lineedit *e, const char *init, bool digits_only)
{
    snprintf(e->buf, sizeof e->buf, "%s", init ? init : "");
    e->len = strlen(e->buf);
    e->active = true;
    e->digits_only = digits_only;
}

/* Removes the last character (a whole UTF-8 sequence). */
static void delete_back(lineedit *e)
{
    while (e->len > 0) {
        unsigned char c = (unsigned char)e->buf[--e->len];
        if ((c & 0xC0) != 0x80)
            break;
    }
    e->buf[e->len] = '\0';
}

le_result le_key(lineedit *e, int key)
{
    switch (key) {
    case '\n':
    case '\r':
    case KEY_ENTER:
        e->active = false;
        return LE_DONE;
    case KEY_ESC:
        e->active = false;
        return LE_CANCEL;
    case KEY_BACKSPACE:
    case 127:
    case 8:
        delete_back(e);
        return LE_MORE;
    case KEY_CTRL_U:
        e->len = 0;
        e->buf[0] = '\0';
        return LE_MORE;
    case KEY_CTRL_W:
        while (e->len > 0 && e->buf[e->len - 1] == ' ')
            e->len--;
        while (e->len > 0 && e->buf[e->len - 1] != ' ' && e->buf[e->len - 1] != '/')
            e->len--;
        e->buf[e->len] = '\0';
        return LE_MORE;
    default:
        break;
    }
    if (key < 0x20 || key > 0xff || key == 0x7f)
        return LE_MORE;
    if (e->digits_only && (key < '0' || key > '9'))
        return LE_MORE;
    if (e->len + 1 < sizeof e->buf) {
        e->buf[e->len++] = (char)key;
        e->buf[e->len] = '\0';
    }
    return LE_MORE;
}

void le_draw(const lineedit *e, int y, int x, int w)
{
    if (w < 2)
        return;
    draw_fill(y, x, w, R_SELECTED);
    /* Show the end of the text when it is longer than the field. */
    const char *s = e->buf;
    while (*s && text_width(s) > w - 1) {
        s++;
        while (((unsigned char)*s & 0xC0) == 0x80)
            s++;
    }
    int used = draw_text(y, x, w - 1, R_SELECTED, s, false);
    if (e->active)
        draw_text(y, x + used, 1, R_STATUS, " ", false);
}
