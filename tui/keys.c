/* keys.c - THE key table, and what is generated from it: dispatch, the
 * footer, the help screen, the README's key table. */
#include "keys.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dialogs.h"
#include "panels.h"

#define K_ESC 27
#define K_TAB '\t'
#define K_CTRL_L 12
#define K_CTRL_U 21
#define K_CTRL_W 23
#define K_TEXT (-2)      /* any printable byte */
#define K_DIGIT (-3)     /* '0'..'9' */
#define K_ENTERS '\r', '\n', KEY_ENTER
#define K_STEPS KEY_UP, KEY_DOWN, 'k', 'j'
#define K_PAGES KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END

#define HELP_KEY_W 20    /* the key column of the help screen */

typedef void (*key_fn)(console *c, int key);
typedef const char *(*label_fn)(const console *c);

typedef struct key_entry {
    int keys[10];           /* the keys, 0-terminated */
    const char *shown;      /* how the keys are written in the help: "q F10";
                               the words Up Down Left Right become arrows */
    unsigned ctx;           /* X_* contexts the entry works in */
    const char *fkey;       /* the key in the footer; NULL: shown's first word */
    const char *label;      /* footer label; NULL: help only */
    label_fn dyn;           /* a label that follows the state, or NULL */
    int prio;               /* footer: 1 stays longest, 4 goes first */
    const char *help;       /* one line for the help screen */
    key_fn fn;
} key_entry;

/* Labels that say what the key will do now. */
static const char *label_pause(const console *c)
{
    return threads_pause_would_pause(c) ? "Pause" : "Resume";
}

static const char *label_freeze(const console *c)
{
    return threads_freeze_would_freeze(c) ? "Freeze" : "Unfreeze";
}

static const char *label_pause_all(const console *c)
{
    for (int i = 0; c->snap && i < c->snap->nthreads; i++)
        if (!c->snap->threads[i].paused)
            return "Pause all";
    return "Resume all";
}

static const char *label_ignored(const console *c)
{
    return c->evv.hide_ignored ? "Show ignored" : "Hide ignored";
}

static const char *label_group(const console *c)
{
    return c->evv.grouped ? "Ungroup" : "Group";
}

#define VIEWS (X_MAIN | X_HELP | X_TEXT | X_WEIGHTS | X_FLAGS | X_NEMESIS)

static const key_entry KEYS[] = {
    /* Typing into a field comes first: it takes printable keys. */
    {{K_ENTERS}, "Enter", X_EDIT, NULL, "OK", NULL, 1, "accept what was typed", cmd_edit},
    {{K_ESC}, "Esc", X_EDIT, NULL, "Cancel", NULL, 1, "cancel typing", cmd_edit},
    {{KEY_BACKSPACE, 127, 8}, "Backspace", X_EDIT, "Bksp", "Delete", NULL, 2,
     "delete the last character", cmd_edit},
    {{K_CTRL_U, K_CTRL_W}, "Ctrl-U Ctrl-W", X_EDIT, NULL, NULL, NULL, 0,
     "delete everything / the last word", cmd_edit},
    {{K_TEXT}, "any text", X_EDIT, NULL, NULL, NULL, 0, "type a name, a path or a number",
     cmd_edit},

    {{'y', 'Y', K_ENTERS}, "y Enter", X_CONFIRM, NULL, "Yes", NULL, 1, "answer yes",
     confirm_yes},
    {{'n', 'N', K_ESC, 'q'}, "n Esc", X_CONFIRM, NULL, "No", NULL, 1, "answer no", confirm_no},

    {{'?', KEY_F(1), 'h'}, "F1 ? h", VIEWS, NULL, "Help", NULL, 1, "show or close this help",
     cmd_help},

    /* The focused panel's own keys. */
    {{K_ENTERS}, "Enter", X_THREADS, NULL, "Detail", NULL, 2,
     "the selected thread: its full current SQL and last statements", cmd_open},
    {{K_ENTERS}, "Enter", X_EVENTS, NULL, "Detail", NULL, 2,
     "the selected event in full: SQL, detail, hint, how to reproduce", cmd_open},
    {{K_ENTERS}, "Enter", X_CHECK, NULL, "Detail", NULL, 2,
     "the selected anomaly's example; for an FSM workload, the selected assertion: its counts, "
     "its last failure's expected and got, the failing thread's story and last statements",
     cmd_open},
    {{' '}, "Space", X_THREADS, NULL, "Tag", NULL, 3,
     "tag or untag the selected thread (p and z then act on the tagged ones)", threads_tag},
    {{'U'}, "U", X_THREADS, NULL, NULL, NULL, 0, "untag every thread", threads_untag_all},
    {{'s'}, "s", X_THREADS, NULL, "Sort", NULL, 4, "sort by the next column", threads_sort_next},
    {{'r'}, "r", X_THREADS, NULL, NULL, NULL, 0, "reverse the sort order", threads_sort_reverse},
    {{'i'}, "i", X_EVENTS, NULL, "Ignored", label_ignored, 2,
     "hide or show ignored errors (findings stay)", events_toggle_ignored},
    {{'g'}, "g", X_EVENTS, NULL, "Group", label_group, 3,
     "group events by SQLSTATE and message, with counts", events_toggle_grouped},

    /* The main screen, whatever has the focus. */
    {{'p'}, "p", X_MAIN, NULL, "Pause", label_pause, 1,
     "pause or resume the tagged threads, else the selected one", threads_pause},
    {{'z'}, "z", X_MAIN, NULL, "Freeze", label_freeze, 3,
     "freeze the tagged threads, else the selected one, inside their open transaction "
     "(locks and snapshot kept) after their next statement; again: let them go on",
     threads_freeze},
    {{'P'}, "P", X_MAIN, NULL, "Pause all", label_pause_all, 3, "pause or resume every thread",
     cmd_pause_all},
    {{'>', '<'}, "> <", X_MAIN, "><", "Threads", NULL, 3, "one worker thread more / less",
     cmd_threads},
    {{'w', KEY_F(2)}, "w F2", X_MAIN, NULL, "Weights", NULL, 1,
     "action weights (0 disables an action)", weights_open},
    {{'f', KEY_F(3)}, "f F3", X_MAIN, NULL, "Flags", NULL, 1, "server flags: show, set, reset",
     flags_open},
    {{'n', KEY_F(6)}, "n F6", X_MAIN, NULL, "Nemesis", NULL, 2,
     "faults: fire any kind now, heal everything, suspend or resume the schedule",
     nemesis_open},
    {{'S', KEY_F(4)}, "S F4", X_MAIN, NULL, "Save", NULL, 4,
     "save the live settings as a YAML profile", profile_save_start},
    {{'L', KEY_F(5)}, "L F5", X_MAIN, NULL, "Load", NULL, 4,
     "load a profile's weights, limits and threads onto the run", profile_load_start},
    {{K_TAB, KEY_BTAB}, "Tab", X_MAIN, NULL, "Panel", NULL, 2,
     "focus the next panel (Shift-Tab: the previous one)", cmd_focus},
    {{'+', '=', '-'}, "+ -", X_MAIN, NULL, NULL, NULL, 0,
     "refresh faster / slower (1 to 30 times a second)", cmd_rate},
    {{K_CTRL_L}, "Ctrl-L", X_MAIN, NULL, NULL, NULL, 0, "redraw the whole screen", cmd_redraw},

    /* The weights dialog. */
    {{'+', '=', '-', KEY_LEFT, KEY_RIGHT}, "+ - Left Right", X_WEIGHTS, "+/-", "Weight", NULL, 1,
     "raise / lower the selected weight by one", weights_adjust},
    {{K_DIGIT}, "0-9", X_WEIGHTS, NULL, "Type", NULL, 2,
     "type a weight, Enter sets it (0 disables the action)", weights_type},
    {{'/'}, "/", X_WEIGHTS, NULL, "Filter", NULL, 3, "show only actions whose name contains a text",
     weights_filter},

    /* The flags dialog. */
    {{KEY_LEFT, KEY_RIGHT}, "Left Right", X_FLAGS, "Left/Right", "Pick", NULL, 1,
     "pick one of the candidate values", flags_choose},
    {{K_ENTERS}, "Enter", X_FLAGS, NULL, "Set", NULL, 1,
     "set the picked value (ALTER SYSTEM SET, then reload)", flags_apply},
    {{'e', '='}, "e", X_FLAGS, NULL, "Type", NULL, 2, "type a value for the flag", flags_type},
    {{'r'}, "r", X_FLAGS, NULL, "Reset", NULL, 2,
     "reset the flag to the server default (ALTER SYSTEM RESET)", flags_reset},
    {{'u'}, "u", X_FLAGS, NULL, "Reread", NULL, 4, "read every value from the server again",
     flags_reread},

    /* The nemesis dialog. */
    {{K_ENTERS}, "Enter", X_NEMESIS, NULL, "Fire", NULL, 1,
     "fire the selected fault kind now, with the configured parameters and duration",
     nemesis_fire_selected},
    {{'H'}, "H", X_NEMESIS, NULL, "Heal", NULL, 1, "heal the active fault now", nemesis_heal_now},
    {{'s'}, "s", X_NEMESIS, NULL, "Schedule", NULL, 2, "suspend or resume the schedule",
     nemesis_toggle_schedule},

    /* Moving: every list and text view. */
    {{K_STEPS}, "Up Down j k", VIEWS, "Up/Down", NULL, NULL, 0,
     "move the selection or scroll by one line", cmd_move},
    {{K_PAGES}, "PgUp PgDn Home End", VIEWS, NULL, NULL, NULL, 0,
     "by a page / to the first or the last", cmd_move},

    {{K_ESC, 'q', K_ENTERS}, "Esc q", X_HELP | X_TEXT, NULL, "Close", NULL, 1, "close this view",
     cmd_close},
    {{K_ESC, 'q', KEY_F(10)}, "Esc q", X_WEIGHTS | X_FLAGS | X_NEMESIS, NULL, "Close", NULL, 1,
     "close the dialog", cmd_close},
    {{'q', KEY_F(10)}, "q F10", X_MAIN, NULL, "Quit", NULL, 1,
     "quit: stop the run, print the report (asks first)", cmd_quit},
};

#define NKEYS (sizeof KEYS / sizeof KEYS[0])

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
    for (size_t i = 0; i < NKEYS; i++) {
        const key_entry *e = &KEYS[i];
        if ((e->ctx & ctx) && entry_has(e, key)) {
            e->fn(c, key);
            return true;
        }
    }
    return false;
}

/* Writes s into out with the words Up, Down, Left and Right (between
 * spaces or slashes) as arrows when the glyph set has them. */
static void pretty_keys(const char *s, char *out, size_t n)
{
    const glyphs *g = theme_glyphs();
    static const char *const WORDS[] = {"Up", "Down", "Left", "Right"};
    const char *arrows[] = {g->up, g->down, g->left, g->right};
    size_t k = 0;
    out[0] = '\0';
    while (*s && k + 1 < n) {
        size_t len = strcspn(s, " /");
        const char *put = NULL;
        for (size_t w = 0; w < 4 && g->utf8; w++)
            if (len == strlen(WORDS[w]) && strncmp(s, WORDS[w], len) == 0)
                put = arrows[w];
        int wrote = put ? snprintf(out + k, n - k, "%s", put)
                        : snprintf(out + k, n - k, "%.*s", (int)len, s);
        k += wrote > 0 ? (size_t)wrote : 0;
        if (k >= n)
            k = n - 1;
        s += len;
        if (*s && k + 1 < n)
            out[k++] = *s++;
        out[k] = '\0';
    }
}

/* The key as the footer writes it. */
static void footer_key(const key_entry *e, char *out, size_t n)
{
    char first[32];
    const char *src = e->fkey;
    if (!src) {
        size_t k = strcspn(e->shown, " ");
        if (k >= sizeof first)
            k = sizeof first - 1;
        memcpy(first, e->shown, k);
        first[k] = '\0';
        src = first;
    }
    pretty_keys(src, out, n);
}

#define FOOT_MAX 24
#define STATUS_KEYS_MIN 24   /* keys keep at least this much next to a status */

void keys_footer(const console *c, rect a)
{
    if (a.h <= 0 || a.w <= 0)
        return;
    draw_fill(a.y, a.x, a.w, R_NORMAL);
    int end = a.x + a.w;
    /* The status message sits at the right end; keys take what is left. */
    if (c->status[0]) {
        role sr = c->status_bad ? R_STATUS_BAD : R_STATUS;
        int sw = text_width(c->status) + 2;
        int room = a.w - STATUS_KEYS_MIN;
        if (room < a.w / 2)
            room = a.w;   /* a narrow screen: the message has the line */
        if (sw > room)
            sw = room;
        int sx = end - sw;
        draw_fill(a.y, sx, sw, sr);
        draw_text(a.y, sx + 1, sw - 2, sr, c->status, true);
        end = sx - 1;
    }
    unsigned ctx = ui_context(c);
    const key_entry *items[NKEYS];
    int widths[NKEYS];
    char keytext[NKEYS][FOOT_MAX];
    size_t n = 0;
    int total = 0;
    for (size_t i = 0; i < NKEYS; i++) {
        const key_entry *e = &KEYS[i];
        if (!(e->ctx & ctx) || !e->label)
            continue;
        footer_key(e, keytext[n], sizeof keytext[n]);
        const char *label = e->dyn ? e->dyn(c) : e->label;
        items[n] = e;
        widths[n] = text_width(keytext[n]) + 1 + text_width(label) + 1;
        total += widths[n];
        n++;
    }
    /* Too long: leave out the least important, the later ones first. */
    bool keep[NKEYS];
    for (size_t i = 0; i < n; i++)
        keep[i] = true;
    int room = end - a.x;
    for (int prio = 4; prio >= 1 && total > room; prio--)
        for (size_t i = n; i-- > 0 && total > room;)
            if (keep[i] && items[i]->prio == prio) {
                keep[i] = false;
                total -= widths[i];
            }
    int x = a.x;
    for (size_t i = 0; i < n; i++) {
        if (!keep[i] || x + widths[i] - 1 > end)
            continue;
        const key_entry *e = items[i];
        x += draw_text(a.y, x, end - x, R_KEY, keytext[i], false);
        x += 1;
        x += draw_text(a.y, x, end - x, R_NORMAL, e->dyn ? e->dyn(c) : e->label, false);
        x += 1;
    }
}

typedef struct help_section {
    unsigned ctx;
    const char *title;
} help_section;

static const help_section SECTIONS[] = {
    {X_MAIN, "Main screen"},
    {X_THREADS, "Threads panel (Tab until its title is highlighted)"},
    {X_EVENTS, "Events panel"},
    {X_CHECK, "Checker panel (invariant and FSM workloads)"},
    {X_WEIGHTS, "Weights dialog"},
    {X_FLAGS, "Flags dialog"},
    {X_NEMESIS, "Nemesis dialog"},
    {X_TEXT, "Detail views"},
    {X_CONFIRM, "Questions"},
    {X_EDIT, "Typing a name, a path or a number"},
};

static void help_section_add(textview *t, const help_section *s)
{
    tv_set_hang(t, 0);
    tv_add(t, R_TITLE, "%s", s->title);
    tv_set_hang(t, HELP_KEY_W + 3);
    for (size_t i = 0; i < NKEYS; i++) {
        const key_entry *e = &KEYS[i];
        if (!(e->ctx & s->ctx))
            continue;
        char k[64];
        pretty_keys(e->shown, k, sizeof k);
        int pad = HELP_KEY_W - text_width(k);
        tv_add(t, R_NORMAL, "  %s%*s %s", k, pad > 0 ? pad : 0, "", e->help);
    }
    tv_add(t, R_NORMAL, "%s", "");
}

void keys_help(console *c)
{
    textview *t = &c->help;
    tv_reset(t, "Help: every key, those of the current view first");
    unsigned ctx = ui_context(c);
    /* The context the help was opened from first, then the rest. */
    for (size_t i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++)
        if (SECTIONS[i].ctx & ctx)
            help_section_add(t, &SECTIONS[i]);
    for (size_t i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++)
        if (!(SECTIONS[i].ctx & ctx))
            help_section_add(t, &SECTIONS[i]);
    tv_set_hang(t, 0);
    tv_add(t, R_DIM, "%s", "Ctrl-C stops the run at once (no question), as SIGTERM does.");
    tv_add(t, R_DIM, "%s", "Colours follow NO_COLOR and the terminal; bars and sparklines are");
    tv_add(t, R_DIM, "%s", "plain ASCII when the locale is not UTF-8.");
}

void keys_markdown(FILE *out)
{
    for (size_t s = 0; s < sizeof SECTIONS / sizeof SECTIONS[0]; s++) {
        fprintf(out, "%s**%s**\n\n| key | what it does |\n|---|---|\n", s ? "\n" : "",
                SECTIONS[s].title);
        for (size_t i = 0; i < NKEYS; i++) {
            const key_entry *e = &KEYS[i];
            if (!(e->ctx & SECTIONS[s].ctx))
                continue;
            fputs("| ", out);
            /* Each key in backquotes: `q` `F10`. */
            for (const char *p = e->shown; *p;) {
                size_t len = strcspn(p, " ");
                if (strncmp(p, "any text", 8) == 0)
                    len = 8;
                fprintf(out, "`%.*s`", (int)len, p);
                p += len;
                while (*p == ' ')
                    p++;
                if (*p)
                    fputc(' ', out);
            }
            fprintf(out, " | %s |\n", e->help);
        }
    }
}
