#!/usr/bin/env bash
# The weights dialog: / filters the actions; a weight typed as 0 stops the
# action from being drawn (its OK count stops while another action's goes
# on); + - Left Right change a weight by one; a typed weight brings the
# action back; Esc, q and F10 close the dialog.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

cat >"$TMP/p.yaml" <<'EOF'
name: weights-test
run:
  threads: 3
  complexity: read
lists:
  read: {read: 100, fetch: 0}
weights:
  read: {select: 40, select_one: 200, cancel: 0, terminate: 0}
EOF

# wait_weight ACTION WEIGHT: waits until the row shows WEIGHT.
wait_weight() {
    local i
    for ((i = 0; i < 50; i++)); do
        [ "$(con_wrow read "$1" | cut -d' ' -f1)" = "$2" ] && return 0
        sleep 0.1
    done
    con_dump
    fail "$1's row does not show weight $2"
}
# filter TEXT: sets the dialog's filter.
filter() {
    con_keys /
    con_expect 'filter: ' 5 "/ starts the filter"
    con_keys C-u
    con_text "$1"
    con_keys Enter
    con_expect "filter: $1 " 5 "the filter is set"
}

con_start 120 40 -p "$TMP/p.yaml" -s 13
con_keys w
con_expect 'Action weights \([0-9]+\)' 5 "w opens the weights dialog"
con_expect 'LIST +ACTION +WEIGHT +OK +IGN +UNX' 5 "the dialog's columns"
con_expect '^F1 Help \+/- Weight 0-9 Type / Filter Esc Close' 5 "the dialog's footer"

filter select
con_wait_wok_above read select_one 5 30
con_wait_wok_above read select 2 30
wait_weight select_one 200

note "select_one's weight typed as 0"
filter select_one
con_keys 0
con_keys Enter
con_expect 'weight read.select_one = 0 \(disabled\)' 5 "typing 0 disables the action"
wait_weight select_one 0
filter select
# A statement drawn before the change may still finish: let it settle.
con_wait_wok_above read select $(($(con_wok read select) + 2)) 30
stopped=$(con_wok read select_one)
con_wait_wok_above read select $(($(con_wok read select) + 15)) 30
[ "$(con_wok read select_one)" -eq "$stopped" ] ||
    { con_dump; fail "select_one was still drawn at weight 0 ($stopped -> $(con_wok read select_one))"; }

note "+ - Left Right, and a typed weight"
filter select_one
con_keys +
con_expect 'weight read.select_one = 1( |$)' 5 "+ raises by one"
con_keys =
con_expect 'weight read.select_one = 2( |$)' 5 "= raises by one"
con_keys -
con_expect 'weight read.select_one = 1( |$)' 5 "- lowers by one"
con_keys Right
con_expect 'weight read.select_one = 2( |$)' 5 "Right raises by one"
con_keys Left
con_expect 'weight read.select_one = 1( |$)' 5 "Left lowers by one"
con_keys 3 0
con_keys BSpace
con_keys 0 0
con_keys Enter
con_expect 'weight read.select_one = 300' 5 "a typed weight (Backspace edits it)"
con_keys 9
con_keys Escape
con_expect_gone 'weight read.select_one = 9' 2 "Esc cancels a typed weight"
wait_weight select_one 300
con_wait_wok_above read select_one "$stopped" 30

note "closing the dialog"
con_keys /
con_keys Escape
con_expect_gone 'filter: ' 5 "Esc in the filter clears it"
con_keys Escape
con_expect_gone 'Action weights' 5 "Esc closes the dialog"
con_keys F2
con_expect 'Action weights' 5 "F2 opens the dialog"
con_keys q
con_expect_gone 'Action weights' 5 "q closes the dialog"
con_keys w
con_expect 'Action weights' 5 "w opens the dialog"
con_keys F10
con_expect_gone 'Action weights' 5 "F10 closes the dialog"
con_quit_expect 0
note ok
