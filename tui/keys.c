/* keys.c - THE key table, and what is generated from it. */
#include "keys.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dialogs.h"
#include "panels.h"

#define K_ESC 27
#define K_TAB '\t'
#define K_CTRL_L 12
#define K_TEXT (-2)      /* any printable byte */
#define K_DIGIT (-3)     /* '0'..'9' */
#define K_ENTERS '\r', '\n', KEY_ENTER
#define K_MOVES KEY_UP, KEY_DOWN, KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END, 'k', 'j'

typedef void (*key_fn)(console *c, int key);

typedef struct key_entry {
    int keys[10];           /* the keys, 0-terminated */
    const char *shown;      /* how the keys are written: "q F10" */
    unsigned ctx;           /* X_* contexts the entry works in */
    const char *label;      /* footer label; NULL: help only */
    const char *help;       /* one line for the help screen */
    key_fn fn;
} key_entry;

#define LISTS (X_MAIN | X_HELP | X_TEXT | X_WEIGHTS | X_FLAGS)

static const key_entry KEYS[] = {
    /* Typing into a field comes first: it takes printable keys. */
    {{K_ENTERS}, "Enter", X_EDIT, "OK", "accept what was typed", cmd_edit},
    {{K_ESC}, "Esc", X_EDIT, "Cancel", "cancel typing", cmd_edit},
    {{KEY_BACKSPACE, 127, 8}, "Bksp", X_EDIT, "Delete", "delete a character (Ctrl-U: all)", cmd_edit},
    {{K_TEXT, 21, 23}, "text", X_EDIT, NULL, "type a name, a path or a number", cmd_edit},

    {{'y', 'Y', K_ENTERS}, "y Enter", X_CONFIRM, "Yes", "answer yes", confirm_yes},
    {{'n', 'N', K_ESC, 'q'}, "n Esc", X_CONFIRM, "No", "answer no", confirm_no},

    {{'?', KEY_F(1), 'h'}, "F1 ?", X_MAIN | X_WEIGHTS | X_FLAGS | X_TEXT | X_HELP, "Help",
     "show or close this help", cmd_help},
    {{'q', KEY_F(10)}, "q F10", X_MAIN, "Quit", "quit (asks while the run is going)", cmd_quit},
    {{K_TAB, KEY_BTAB}, "Tab", X_MAIN, "Panel", "focus the next panel (Shift-Tab: previous)",
     cmd_focus},
    {{K_MOVES}, "Up Down PgUp PgDn Home End", LISTS, NULL, "move the selection / scroll",
     cmd_move},
    {{K_ENTERS}, "Enter", X_THREADS, "Detail",
     "the selected thread: full current SQL and its last statements", cmd_open},
    {{K_ENTERS}, "Enter", X_EVENTS, "Detail",
     "the selected event in full: SQL, detail, hint, how to reproduce", cmd_open},
    {{K_ENTERS}, "Enter", X_CHECK, "Detail", "the selected anomaly's example", cmd_open},
    {{' '}, "Space", X_THREADS, "Tag", "tag or untag the selected thread", threads_tag},
    {{'U'}, "U", X_THREADS, NULL, "untag every thread", threads_untag_all},
    {{'s'}, "s", X_THREADS, "Sort", "sort by the next column", threads_sort_next},
    {{'r'}, "r", X_THREADS, NULL, "reverse the sort order", threads_sort_reverse},
    {{'i'}, "i", X_EVENTS, "Ignored", "hide or show ignored errors", events_toggle_ignored},
    {{'g'}, "g", X_EVENTS, "Group", "group events by SQLSTATE + message, with counts",
     events_toggle_grouped},
    {{'p'}, "p", X_MAIN, "Pause", "pause or resume the tagged threads, else the selected one",
     threads_pause},
    {{'P'}, "P", X_MAIN, NULL, "pause or resume every thread", cmd_pause_all},
    {{'>', '<'}, "> <", X_MAIN, "Threads", "one worker thread more / less", cmd_threads},
    {{'w', KEY_F(2)}, "w F2", X_MAIN, "Weights", "action weights (0 disables an action)",
     weights_open},
    {{'f', KEY_F(3)}, "f F3", X_MAIN, "Flags", "server flags: show, set, reset", flags_open},
    {{'S', KEY_F(4)}, "S F4", X_MAIN, "Save", "save the live settings as a profile",
     profile_save_start},
    {{'L', KEY_F(5)}, "L F5", X_MAIN, "Load", "load a profile onto the run", profile_load_start},
    {{'+', '=', '-'}, "+ -", X_MAIN, NULL, "refresh faster / slower (1 to 30 per second)",
     cmd_rate},
    {{K_CTRL_L}, "Ctrl-L", X_MAIN, NULL, "redraw the screen", cmd_redraw},

    {{'+', '=', '-', KEY_LEFT, KEY_RIGHT}, "+ - Left Right", X_WEIGHTS, "+/-1",
     "raise / lower the selected weight by one", weights_adjust},
    {{K_DIGIT}, "0-9", X_WEIGHTS, "Type", "type a weight, Enter sets it (0 disables)",
     weights_type},
    {{'/'}, "/", X_WEIGHTS, "Filter", "show only actions whose name contains a text",
     weights_filter},

    {{KEY_LEFT, KEY_RIGHT}, "Left Right", X_FLAGS, "Pick", "pick one of the candidate values",
     flags_choose},
    {{K_ENTERS}, "Enter", X_FLAGS, "Set", "set the picked value (ALTER SYSTEM, reload)",
     flags_apply},
    {{'e', '='}, "e", X_FLAGS, "Type", "type a value for the flag", flags_type},
    {{'r'}, "r", X_FLAGS, "Reset", "reset the flag to the server default", flags_reset},
    {{'u'}, "u", X_FLAGS, NULL, "read every value from the server again", flags_reread},

    {{K_ESC, 'q', K_ENTERS}, "Esc q", X_HELP | X_TEXT, "Close", "close this view", cmd_close},
    {{K_ESC, 'q', KEY_F(10)}, "Esc q", X_WEIGHTS | X_FLAGS, "Close", "close the dialog",
     cmd_close},
};

/* Returns true when key is one of e's keys. */
static bool entry_has(const key_entry *e, int key)
{
    for (int i = 0; i < (int)(sizeof e->keys / sizeof e->keys[0]) && e->keys[i]; i++) {
        int k = e->keys[i];
        if (k == key)
            return true;
        if (k == K_TEXT && key >= 0x20 && key <= 0xff && key != 0x7f)
            return true;
        if (k == K_DIGIT && key >= '0' && key <= '9')
            return true;
    }
    return false;
}

bool keys_dispatch(console *c, int key)
{
    unsigned ctx = ui_context(c);
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++) {
        const key_entry *e = &KEYS[i];
        if ((e->ctx & ctx) && entry_has(e, key)) {
            e->fn(c, key);
            return true;
        }
    }
    return false;
}

/* The first word of "q F10": the key as written in the footer. */
static void first_key(const char *shown, char *out, size_t n)
{
    size_t k = strcspn(shown, " ");
    if (k >= n)
        k = n - 1;
    memcpy(out, shown, k);
    out[k] = '\0';
}

void keys_footer(const console *c, rect a)
{
    if (a.h <= 0 || a.w <= 0)
        return;
    unsigned ctx = ui_context(c);
    int x = a.x, end = a.x + a.w;
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++) {
        const key_entry *e = &KEYS[i];
        if (!(e->ctx & ctx) || !e->label)
            continue;
        char k[16];
        first_key(e->shown, k, sizeof k);
        int need = text_width(k) + 1 + text_width(e->label) + 1;
        if (x + need > end)
            break;
        x += draw_text(a.y, x, end - x, R_KEY, k, false);
        x += draw_text(a.y, x, end - x, R_NORMAL, " ", false);
        x += draw_text(a.y, x, end - x, R_NORMAL, e->label, false);
        x += draw_text(a.y, x, end - x, R_NORMAL, " ", false);
    }
}

typedef struct help_section {
    unsigned ctx;
    const char *title;
} help_section;

static const help_section SECTIONS[] = {
    {X_MAIN, "Main screen"},
    {X_THREADS, "Threads panel (Tab until it is highlighted)"},
    {X_EVENTS, "Events panel"},
    {X_CHECK, "Checker panel (invariant workloads)"},
    {X_WEIGHTS, "Weights dialog"},
    {X_FLAGS, "Flags dialog"},
    {X_TEXT, "Detail views"},
    {X_CONFIRM, "Questions"},
    {X_EDIT, "Typing a name, a path or a number"},
};

static void help_section_add(textview *t, const help_section *s)
{
    tv_add(t, R_TITLE, "%s", s->title);
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++) {
        const key_entry *e = &KEYS[i];
        if (e->ctx & s->ctx)
            tv_add(t, R_NORMAL, "  %-16s %s", e->shown, e->help);
    }
    tv_add(t, R_NORMAL, "%s", "");
}

void keys_help(console *c)
{
    textview *t = &c->help;
    tv_reset(t, "Help");
    unsigned ctx = ui_context(c);
    /* The context the help was opened from first, then the rest. */
    for (size_t i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++)
        if (SECTIONS[i].ctx & ctx)
            help_section_add(t, &SECTIONS[i]);
    for (size_t i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++)
        if (!(SECTIONS[i].ctx & ctx))
            help_section_add(t, &SECTIONS[i]);
    tv_add(t, R_DIM, "%s", "Ctrl-C quits at once. Colours follow NO_COLOR; bars and sparklines");
    tv_add(t, R_DIM, "%s", "use plain ASCII when the locale is not UTF-8.");
}
