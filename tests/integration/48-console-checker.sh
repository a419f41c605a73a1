#!/usr/bin/env bash
# An invariant workload in the console: the checker panel shows the live
# verdict; with the test-only client fault the register checker finds
# anomalies, Tab focuses the panel, Enter shows an anomaly's example, and
# quitting exits 1. The objects panel shows the workload's own table. Also the odd keys: = for faster refresh, Enter closing
# a detail view, help opened from a dialog, the other answers to a question.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

con_start 120 40 -w register --param client_fault=1 -t 3 -s 19
con_expect '─ Checker register' 10 "the checker panel"
con_expect 'INVALID|invalid' 60 "the checker finds the planted anomaly"
con_expect 'nonlinearizable +x[0-9]+' 10 "the anomaly row"
con_expect '─ Tables: rows, writes' 5 "the workload's tables in place of the chaos objects"
con_expect '│registers +[1-9][0-9]* +[1-9][0-9]*' 10 "the register table's rows and writes"
con_expect_gone 'schemas +[0-9]+/[0-9]+' 2 "no chaos object limits"

note "the checker panel: Tab, Enter"
con_keys Tab
con_expect 'i Hide ignored' 5 "Tab focuses the events"
con_keys Tab
con_expect_gone 'i Hide ignored|Space Tag' 5 "Tab focuses the checker panel"
con_keys Down Up Enter
con_expect '^ Anomaly ' 5 "Enter opens the anomaly"
con_expect '^nonlinearizable, seen [0-9]+ time' 5 "the anomaly's name and count"
con_expect '^checker: +register, verdict ' 5 "the verdict"
con_expect '^reproduce: .*-s 19' 5 "how to reproduce"
con_expect '^example:' 5 "the example"
con_keys Enter
con_expect '─ Checker register' 5 "Enter closes the detail view"
con_keys Tab
con_expect 'Space Tag' 5 "Tab wraps round to the threads"

note "odd keys"
con_keys =
con_expect 'refresh 11 per second' 5 "= refreshes faster"
con_keys w
con_expect 'Action weights' 5 "weights dialog"
con_keys '?'
con_expect '^Weights dialog' 5 "help from the dialog starts with the dialog's keys"
con_keys q
con_expect 'Action weights' 5 "closing the help goes back to the dialog"
con_keys Escape
con_expect_gone 'Action weights' 5 "dialog closed"
con_keys q
con_expect 'print the report and quit' 5 "q asks"
con_keys N
con_expect_gone 'print the report and quit' 5 "N answers no"
con_keys q
con_keys q
con_expect_gone 'print the report and quit' 5 "q answers no"
con_keys q
con_expect 'the checker found' 5 "the question says what was found"
con_keys Enter
rc=$(con_wait_exit 60) || { con_dump; fail "Enter did not answer yes"; }
[ "$rc" -eq 1 ] || fail "exit status $rc with an anomaly, expected 1"
con_history | grep -q 'nonlinearizable' || fail "the report lacks the anomaly"
con_expect_server_gone "after quit"
note ok
