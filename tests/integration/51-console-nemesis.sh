#!/usr/bin/env bash
# The console's nemesis: n opens the dialog with every fault kind; Enter
# fires the selected one (pause: the server's processes are stopped, the
# fault panel shows it active), H heals it at once; s suspends the
# schedule; q leaves no server behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

con_start 140 44 -w bank -t 2 -s 5 --nemesis kill --nemesis-interval 600 --nemesis-quiet 600
con_wait_ok_above 0 0 30 || { con_dump; fail "thread 0 does nothing"; }

note "n opens the dialog"
con_keys n
con_expect 'Nemesis' 5 "n opens the nemesis dialog"
con_expect 'pause +SIGSTOP every server process' 5 "the dialog lists the kinds"
con_expect 'next: kill at' 5 "the dialog shows the next scheduled fault"

note "Enter fires pause"
con_keys Down Enter
con_expect 'fault pause fired' 5 "Enter says what it fired"
pm=$(head -n 1 "$SERVER_DIR/data/postmaster.pid")
for _ in $(seq 50); do [[ $(ps -o stat= -p "$pm") == T* ]] && break; sleep 0.1; done
[[ $(ps -o stat= -p "$pm") == T* ]] || { con_dump; fail "postmaster $pm not stopped"; }
con_expect 'active: pause' 5 "the dialog shows the active fault"

note "H heals"
con_keys H
con_expect 'healing every fault' 5 "H says it heals"
for _ in $(seq 50); do [[ $(ps -o stat= -p "$pm") != T* ]] && break; sleep 0.1; done
[[ $(ps -o stat= -p "$pm") != T* ]] || { con_dump; fail "postmaster $pm still stopped"; }
con_expect 'no fault active' 5 "the dialog shows the heal"

note "s suspends the schedule"
con_keys s
con_expect 'schedule suspended' 5 "s suspends"
con_keys Escape
con_expect_gone 'SIGSTOP every server' 5 "Esc closes the dialog"
con_expect 'pause +postmaster' 5 "the fault panel lists the pause"
con_expect 'schedule suspended' 5 "the fault panel says the schedule is suspended"
[ "$(con_psql 'SELECT 1')" = 1 ] || fail "the server does not answer after the heal"
con_quit_expect 0

# The chaos workload's cancel and terminate actions are the fault kinds'
# rows fired from a worker's session: the event tail names the kind, the
# issuing worker and its victim (one line each; the history-only stop
# adds none), the summary lists them with their targets, and the
# statement log shows the kinds' statement aimed at one backend.
note "chaos cancels and terminates as fault kinds"
con_start 140 44 -p "$ROOT/profiles/cancel-storm.yaml" -s 5 \
    --summary-json "$TMP/storm.json" --log "$TMP/storm.log"
con_expect ' w[0-9]+ .*start-(cancel|terminate): worker [0-9]+ \(pid [0-9]+\)' 30 \
    "the event tail shows a worker's cancel or terminate"
con_screen | grep -q 'stop-cancel: done' && { con_dump; fail "an instant fault's stop in the tail"; }
con_quit_expect 0
python3 - "$TMP/storm.json" <<'PY' || fail "the summary's faults"
import json, re, sys
faults = json.load(open(sys.argv[1]))["faults"]
kinds = {f["kind"] for f in faults}
assert kinds == {"cancel", "terminate"}, kinds
assert all(re.fullmatch(r"worker \d+ \(pid \d+\)", f["target"]) for f in faults), faults[:5]
assert all(f["end_s"] >= f["start_s"] for f in faults), faults[:5]
print(len(faults), "faults")
PY
grep -Eq 'WITH w AS \(SELECT [0-9]+ AS pid\) .*pg_terminate_backend\(pid\)' "$TMP/storm.log" ||
    fail "no terminate statement of the fault kinds in the statement log"
