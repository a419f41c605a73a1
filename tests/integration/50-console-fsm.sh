#!/usr/bin/env bash
# An FSM workload in the console: the header names it, the thread panel
# shows the state each thread is in, the weights dialog lists its
# transitions with the file's weights, and a transition typed to weight 0
# is no longer taken (every thread ends up in the state it cannot leave
# that way). A failed assertion reaches the event tail, and quitting then
# exits 1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

sed 's/iterations: [0-9]*/iterations: 100000000/' "$ROOT/profiles/fsm-update-inc.yaml" >"$TMP/inc.yaml"
sed 's/iterations: [0-9]*/iterations: 100000000/' "$ROOT/profiles/fsm-lost-update.yaml" >"$TMP/lost.yaml"

# states: the LIST column (the thread's state) of every thread row.
states() { con_screen | awk '$1 ~ /^[0-9]+$/ && NF > 5 && $3 ~ /^(running|idle|waiting)/ { print $2 }'; }

con_start 140 40 -p "$TMP/inc.yaml" -s 5
con_expect '^fsm/update_inc ' 10 "the header names the FSM workload"
con_expect '^ +[0-9]+ (inc|check) +(running|idle|waiting)' 10 "the thread panel shows states"

note "the weights dialog lists the transitions"
con_keys w
con_expect 'Action weights \(5\)' 5 "five rows: the start state and four transitions"
[ "$(con_wrow dml_nontrans 'inc>inc' | cut -d' ' -f1)" = 3 ] ||
    { con_dump; fail "inc>inc does not show weight 3"; }
[ "$(con_wrow dml_nontrans 'inc>check' | cut -d' ' -f1)" = 1 ] ||
    { con_dump; fail "inc>check does not show weight 1"; }
con_wait_wok_above dml_nontrans 'inc>check' 5 30

note "inc>check typed as 0: no thread goes to check any more"
con_keys /
con_expect 'filter: ' 5 "/ starts the filter"
con_text 'inc>check'
con_keys Enter
con_keys 0
con_keys Enter
con_expect 'weight dml_nontrans.inc>check = 0 \(disabled\)' 5 "typing 0 disables the transition"
con_keys /
con_keys Escape
con_expect_gone 'filter: ' 5 "the filter is cleared"
con_wait_wok_above dml_nontrans 'inc>inc' $(($(con_wok dml_nontrans 'inc>inc') + 50)) 30
stopped=$(con_wok dml_nontrans 'inc>check')
con_wait_wok_above dml_nontrans 'inc>inc' $(($(con_wok dml_nontrans 'inc>inc') + 200)) 30
[ "$(con_wok dml_nontrans 'inc>check')" -eq "$stopped" ] ||
    { con_dump; fail "inc>check was still taken at weight 0 ($stopped -> $(con_wok dml_nontrans 'inc>check'))"; }
con_keys Escape
con_expect_gone 'Action weights' 5 "the dialog closes"
[ "$(states | sort -u)" = inc ] || { con_dump; fail "threads not all in inc: $(states | tr '\n' ' ')"; }
con_quit_expect 0

note "a failed assertion in the event tail"
con_start 140 40 -p "$TMP/lost.yaml" -s 5
con_expect '^fsm/rmw ' 10 "the header names the workload"
con_expect 'assertion failed: "no lost update" in rmw\.check' 60 "the event tail shows the assertion"
con_quit_expect 1
con_history | grep -q 'message:  assertion failed: "no lost update"' ||
    fail "the report after quitting lacks the assertion"
note ok
