/* dialogs.h - overlays: weights, server flags, profile save/load, and the
 * generic prompt and confirmation boxes. Each draws itself over the main
 * screen and owns its keys. */
#ifndef MELEE_TUI_DIALOGS_H
#define MELEE_TUI_DIALOGS_H

#include "ui.h"

/* Weights of every action (run_set_weight). */
void weights_open(console *c, int key);
void weights_draw(console *c);
void weights_move(console *c, int delta);
void weights_adjust(console *c, int key);     /* + - Left Right */
void weights_type(console *c, int key);       /* a digit starts typing a weight */
void weights_filter(console *c, int key);     /* / */
void weights_edit_key(console *c, int key);   /* keys while a field is active */
void weights_free(weights_dlg *d);

/* Server flags of the profile (run_show_flag, run_set_flag). */
void flags_open(console *c, int key);
void flags_draw(console *c);
void flags_move(console *c, int delta);
void flags_choose(console *c, int key);       /* Left Right: pick a candidate */
void flags_apply(console *c, int key);        /* Enter: set the picked value */
void flags_reset(console *c, int key);        /* r: ALTER SYSTEM RESET */
void flags_type(console *c, int key);         /* e: type a value */
void flags_reread(console *c, int key);       /* u: SHOW every flag again */
void flags_edit_key(console *c, int key);
/* Reads a flag again shortly after it was set (the reload is asynchronous). */
void flags_tick(console *c);
/* Takes in a finished SHOW / SET or RESET job of the helper thread. */
void flags_on_show(console *c, bg_job *j);
void flags_on_set(console *c, bg_job *j);
void flags_free(flags_dlg *d);

/* Profiles: save the live settings, load a file onto the run. */
void profile_save_start(console *c, int key);
void profile_load_start(console *c, int key);
void profile_free(profile_dlg *d);
/* Takes in a finished BG_APPLY_FLAGS job. */
void profile_on_applied(console *c, bg_job *j);

/* The nemesis (core/fault/nemesis.h): fire a kind now, heal, suspend. */
void nemesis_open(console *c, int key);
void nemesis_draw(console *c);
void nemesis_move(console *c, int delta);
#define FK_ROWS_PAGE 9                             /* every kind fits on one page */
void nemesis_fire_selected(console *c, int key);   /* Enter */
void nemesis_heal_now(console *c, int key);        /* H */
void nemesis_toggle_schedule(console *c, int key); /* s */

/* Prompt and confirmation boxes (opened with ui_prompt / ui_confirm). */
void prompt_draw(console *c);
void prompt_edit_key(console *c, int key);
void confirm_draw(console *c);
void confirm_yes(console *c, int key);
void confirm_no(console *c, int key);

#endif
