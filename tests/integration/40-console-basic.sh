#!/usr/bin/env bash
# The console on the embedded server: thread rows appear and their
# counters move; the help screen, panel focus, sorting, thread and event
# detail views, refresh rate, redraw and adding or removing threads all do
# what the footer and help say; q asks first, then stops the run with the
# report and exit status 0, leaving no server behind; the report and the
# summary give the threads at the end, at the start and the most at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

con_start 120 40 -t 3 -c read -s 11 --summary-json "$TMP/sum.json"
con_expect '^melee  seed 11 ' 5 "header identity line"
con_expect "target host=$SERVER_DIR port=$SERVER_PORT" 5 "header target"
con_expect 'PostgreSQL [0-9]' 5 "header server version"
con_expect 'chaos/read  read-committed' 5 "header workload and isolation"
con_expect 'Objects / limit' 5 "objects panel"
con_expect 'Faults [0-9]' 5 "faults panel"
con_expect '^F1 Help .*q Quit' 5 "footer"
for id in 0 1 2; do
    con_cell $id ID >/dev/null || { con_dump; fail "no row for thread $id"; }
done
con_wait_ok_above 0 0 20 || { con_dump; fail "thread 0 does nothing"; }
ok0=$(con_ok 0)
con_wait_ok_above 0 "$ok0" 20 || { con_dump; fail "thread 0's OK count does not move"; }
con_expect '^ok [1-9]' 5 "the header's ok total"

note "help: ? F1 h open it, PgDn scrolls, q Esc close it"
con_keys '?'
con_expect '^ Help: every key' 5 "? opens the help"
con_expect 'Threads panel' 5 "help sections"
con_expect 'p +pause or resume the tagged threads' 5 "help lists p"
con_keys NPage
con_expect '^Questions' 5 "PgDn in the help"
con_keys q
con_expect ' ID ' 5 "q closes the help"
con_keys F1
con_expect '^ Help: every key' 5 "F1 opens the help"
con_keys Escape
con_expect ' ID ' 5 "Esc closes the help"
con_keys h
con_expect '^ Help: every key' 5 "h opens the help"
con_keys '?'
con_expect ' ID ' 5 "? closes the help"

note "sorting: s moves to the next column, r reverses"
con_expect 'Threads 3  sort ID ▲' 5 "sorted by ID"
con_keys s
con_expect 'sort LIST|sort STATE' 5 "s sorts by the next column"
con_keys r
con_expect 'sort (LIST|STATE) ▼' 5 "r reverses"
for _ in 1 2 3 4 5 6 7 8; do
    con_screen | grep -q 'sort ID' && break
    con_keys s
    sleep 0.1
done
con_expect 'sort ID ▲' 5 "s comes back to ID"

note "thread detail: Enter, moving, Esc"
con_keys Home Down
con_keys Enter
con_expect '^ Thread 1 ' 5 "Enter opens the selected thread (Down moved to 1)"
con_expect 'current statement:' 5 "thread detail"
con_expect 'last statements, oldest first' 5 "thread detail history"
con_keys End Home PPage NPage Up Down j k
con_keys Escape
con_expect ' ID ' 5 "Esc closes the thread detail"
con_keys k Enter
con_expect '^ Thread 0 ' 5 "k moved up to thread 0"
con_keys q
con_expect ' ID ' 5 "q closes the thread detail"

note "the events panel: Tab focuses it; i, g, Enter"
con_keys Tab
con_expect 'i Hide ignored' 5 "Tab focuses the events panel"
con_keys i
con_expect 'Events.*\(ignored hidden\)' 5 "i hides ignored errors"
con_keys i
con_expect_gone 'ignored hidden' 5 "i shows them again"
con_keys g
con_expect 'Events by SQLSTATE \+ message' 5 "g groups"
con_keys g
con_expect_gone 'Events by SQLSTATE' 5 "g ungroups"
con_expect ' ignored +[0-9A-Z]{5} ' 20 "an ignored error in the tail"
con_keys Enter
con_expect '^ Event: ' 5 "Enter opens the newest event"
con_expect 'reproduce: .*--seed 11|reproduce: .*-s 11' 5 "the event's reproduce line"
con_keys Escape
con_expect 'Events' 5 "Esc closes the event"
con_keys BTab
con_expect 'Space Tag' 5 "Shift-Tab goes back to the threads panel"

note "refresh rate, redraw"
con_keys +
con_expect 'refresh 11 per second' 5 "+ refreshes faster"
con_keys -
con_expect 'refresh 10 per second' 5 "- refreshes slower"
con_keys C-l
con_expect ' ID ' 5 "Ctrl-L redraws"

note "threads: > adds one, < removes one"
con_keys '>'
con_expect 'worker threads: 4' 10 "> adds a thread"
con_expect 'Threads 4 ' 10 "the table has 4 rows"
con_cell 3 ID >/dev/null || { con_dump; fail "no row for the new thread 3"; }
con_wait_ok_above 3 0 20 || { con_dump; fail "the new thread does nothing"; }
con_keys '<'
con_expect 'worker threads: 3' 10 "< removes a thread"
con_expect 'Threads 3 ' 10 "the table has 3 rows again"
con_keys '<'
con_expect 'worker threads: 2' 10 "< removes another"

note "quit: n and Esc keep running, q y stops"
con_keys q
con_expect 'print the report and quit' 5 "q asks"
con_keys n
con_expect_gone 'print the report and quit' 5 "n keeps running"
con_keys F10
con_expect 'print the report and quit' 5 "F10 asks"
con_keys Escape
con_expect_gone 'print the report and quit' 5 "Esc keeps running"
con_alive || fail "melee stopped without a yes"
con_quit_expect 0
con_history | grep -q '^result: nothing found' || fail "the report does not say nothing was found"
con_history | grep -q ', 2 threads (started with 3, at most 4), ' ||
    { con_history | grep '^melee '; fail "the report does not give the threads at the end, start and most"; }
threads="$(json_int "$TMP/sum.json" threads) $(json_int "$TMP/sum.json" threads_start) $(json_int "$TMP/sum.json" threads_max)"
[ "$threads" = "2 3 4" ] || fail "summary threads, threads_start, threads_max are $threads, not 2 3 4"
note ok
