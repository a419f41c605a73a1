#!/usr/bin/env bash
# An FSM workload in the console: the header names it, the thread panel
# shows the state each thread is in, the weights dialog lists its
# transitions with the file's weights, and a transition typed to weight 0
# is no longer taken (every thread ends up in the state it cannot leave
# that way); the objects panel shows the workload's table and the checker
# panel its assertions. At 80x24 a failed assertion reaches the event
# tail, the header and the checker panel by name with what it expected and
# got (Enter shows it in full), the FSM states stay on screen, and
# quitting then exits 1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

sed 's/iterations: [0-9]*/iterations: 100000000/' "$ROOT/profiles/fsm-update-inc.yaml" >"$TMP/inc.yaml"
sed 's/iterations: [0-9]*/iterations: 100000000/' "$ROOT/profiles/fsm-lost-update.yaml" >"$TMP/lost.yaml"

# states: the LIST column (the thread's state) of every thread row.
states() { con_screen | awk '$1 ~ /^[0-9]+$/ && NF > 5 && $3 ~ /^(running|idle|waiting)/ { print $2 }'; }

con_start 140 40 -p "$TMP/inc.yaml" -s 5
con_expect '^fsm/update_inc ' 10 "the header names the FSM workload"
con_expect '^ +[0-9]+ (inc|check) +(running|idle|waiting)' 10 "the thread panel shows states"
con_expect '─ Tables: rows, writes' 5 "the side column shows the workload's tables"
con_expect '│t +[1-9][0-9]* +[1-9][0-9]*' 10 "its table's rows and writes"
con_expect '─ Assertions 3: [1-9][0-9]* held, 0 failed' 10 "the checker panel counts the assertions"
con_expect '│ok +"my row holds my count" in update_in' 30 "it lists a holding one by name"
con_expect '│ +[1-9][0-9]* held +0 failed' 5 "with its counts under it in the narrow side column"

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

note "a failed assertion at 80x24: event tail, header, checker panel, tables"
con_start 80 24 -p "$TMP/lost.yaml" -s 5
con_expect '^fsm/rmw ' 10 "the header names the workload"
con_expect '^ +ID FSM STATE +STATE ' 5 "the thread panel keeps the FSM state on a narrow screen"
con_expect '^ +[0-9]+ (init|increment|check) +(running|idle|waiting)' 10 "the threads' states"
con_expect 'assertion failed: "no lost update" in rmw\.check' 60 "the event tail shows the assertion"
con_expect 'failed asserts [1-9]' 5 "the header counts failed assertions"
con_expect '─ Assertions 3: [0-9]+ held, [1-9][0-9]* failed' 5 "the checker panel lists the assertions"
con_expect '^FAILED "no lost update" in rmw\.check step 1 +[0-9]+ held +[1-9][0-9]* failed' 5 \
    "the failed assertion by name, with its counts"
con_expect '^ok +rmw\.increment step 2 +[1-9][0-9]* held +0 failed' 5 "an unnamed one by its place"
con_expect '^last failed [0-9.]+s w[0-9]+ expected column n = [0-9]+, got column n = [0-9]+' 5 \
    "the last failure's expected and got"
con_expect '^Tables \(rows\) t 1 +t_log [1-9]' 10 "the workload's tables in place of the chaos objects"
con_expect_gone 'schemas +[0-9]+/[0-9]+' 2 "no chaos object limits"
con_keys Tab Tab
con_expect_gone 'i Hide ignored|Space Tag' 5 "Tab focuses the checker panel"
con_keys Home Enter
con_expect '^ Assertion ' 5 "Enter opens the assertion"
con_expect '^name: +no lost update' 5 "its name"
con_expect '^where: +rmw\.check step 1' 5 "its place"
con_expect '^expected: +column n = [0-9]+' 5 "what its last failure expected"
con_expect '^got: +column n = [0-9]+' 5 "and what came"
con_expect '^last statements, oldest first:' 5 "the thread's last statements"
con_keys Escape
con_expect '─ Assertions 3' 5 "Esc closes the detail view"
con_quit_expect 1
con_history | grep -q 'message:  assertion failed: "no lost update"' ||
    fail "the report after quitting lacks the assertion"
note ok
