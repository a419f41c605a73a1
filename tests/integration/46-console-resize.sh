#!/usr/bin/env bash
# Resizing: 200x50 with the side column, 80x24, 60x20 and smaller, and
# back, with the main screen and every overlay; each size keeps a sane
# layout (header, thread table, footer with its keys) and nothing
# crashes. Then SIGTERM: the terminal is restored (alternate screen off,
# cursor back), the report is printed and the server is stopped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

# sane COLS: the main screen fits COLS columns and has its parts.
sane() {
    local screen w
    con_wait ' ID ' 5 || { con_dump; fail "$1 columns: no thread table"; }
    con_wait '^F1 Help' 5 || { con_dump; fail "$1 columns: no footer"; }
    screen=$(con_screen)
    grep -q '^─ Threads [0-9]' <<<"$screen" || { con_dump; fail "$1 columns: no threads title"; }
    grep -Eq '^ +0 ' <<<"$screen" || { con_dump; fail "$1 columns: no row for thread 0"; }
    w=$(while IFS= read -r l; do echo "${#l}"; done <<<"$screen" | sort -n | tail -n 1)
    [ "$w" -le "$1" ] || { con_dump; fail "$1 columns: a line of $w columns"; }
}

# overlays: every overlay opens and closes at the current size.
overlays() {
    con_keys w
    con_expect 'Action weights' 5 "$1: weights"
    con_keys Escape
    con_expect_gone 'Action weights' 5 "$1: weights closed"
    con_keys f
    con_expect 'Server flags' 5 "$1: flags"
    con_keys Escape
    con_expect_gone 'Server flags' 5 "$1: flags closed"
    con_keys '?'
    con_expect 'Help: every key' 5 "$1: help"
    con_keys q
    con_keys Enter
    con_expect '^ Thread ' 5 "$1: thread detail"
    con_keys q
    con_keys S
    con_expect 'Save profile' 5 "$1: save prompt"
    con_keys Escape
    con_keys q
    con_expect 'print the report' 5 "$1: quit question"
    con_keys n
    con_expect ' ID ' 5 "$1: back to the main screen"
}

con_start 200 50 -t 3 -c dml -s 17
con_expect 'Objects / limit' 5 "the side column at 200x50"
con_expect '─ Faults [0-9]+ ' 5 "the faults panel at 200x50"
sane 200
con_expect '^F1 Help .*Weights.*Flags.*Save.*Load.*q Quit' 5 "the whole footer at 200 columns"

con_resize 80 24
con_expect_gone 'Objects / limit' 5 "no side column at 80x24"
sane 80
con_expect 'schemas +[0-9]+/[0-9]+' 5 "objects at 80x24"
con_expect '^Faults [0-9]+' 5 "faults at 80x24"
con_expect '^F1 Help .*w Weights f Flags.*q Quit' 5 "the main keys at 80x24"
overlays 80x24

con_resize 60 20
sane 60
con_expect '^F1 Help .*q Quit' 5 "the footer at 60x20"
overlays 60x20

for size in "40 12" "30 8" "20 5" "12 3" "4 2" "1 1" "120 40"; do
    read -r c l <<<"$size"
    con_resize "$c" "$l"
    con_keys w Escape '?' q
    con_alive || { con_dump; fail "melee died at ${c}x$l"; }
done
con_resize 200 50
con_expect 'Objects / limit' 5 "the side column is back at 200x50"
sane 200

note "SIGTERM restores the terminal and stops the server"
con_alive || fail "melee is not running"
[ "$(con_tmux display -p -t "$CON_T" '#{alternate_on}')" = 1 ] || fail "the console is not on the alternate screen"
kill -TERM "$(cat "$TMP/con.pid")"
rc=$(con_wait_exit 60) || { con_dump; fail "melee did not exit after SIGTERM"; }
note "exit status $rc"
[ "$rc" -eq 0 ] || fail "exit status $rc after SIGTERM with nothing found"
# pane_flag FORMAT VALUE: waits until tmux reports VALUE (it reads the
# pane's output a little after melee wrote it).
pane_flag() {
    local i
    for ((i = 0; i < 50; i++)); do
        [ "$(con_tmux display -p -t "$CON_T" "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
pane_flag '#{alternate_on}' 0 || fail "the alternate screen is still on"
pane_flag '#{cursor_flag}' 1 || fail "the cursor is still hidden"
pane_flag '#{keypad_flag}' 0 || fail "keypad mode is still on"
con_history | grep -q '^seed: 17' || { con_history | tail -n 20; fail "no report after SIGTERM"; }
con_expect_server_gone "after SIGTERM"
note ok
