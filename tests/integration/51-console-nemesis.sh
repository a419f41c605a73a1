#!/usr/bin/env bash
# The console's nemesis: n opens the dialog with every fault kind, those
# that cannot act here saying why and what to start melee with; Enter
# fires the selected one (pause: the server's processes are stopped, the
# fault panel shows it active), H heals it at once; s suspends the
# schedule; q leaves no server behind. With a network kind the panel
# counts the connections direct and through the proxy.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

# dialog_text: the nemesis dialog's text, its lines joined by spaces.
dialog_text() {
    con_screen | python3 -c '
import sys
lines = sys.stdin.read().split("\n")
top = next((i for i, l in enumerate(lines) if "┌─ Nemesis" in l), None)
if top is not None:
    x0, x1 = lines[top].index("┌"), lines[top].index("┐")
    rows = []
    for l in lines[top + 1:]:
        if l[x0:x0 + 1] == "└":
            break
        rows.append(l[x0 + 1:x1].strip())
    print(" ".join(r for r in rows if r))'
}

# dlg_expect REGEX WHAT: waits until the dialog's text matches.
dlg_expect() {
    local i
    for ((i = 0; i < 100; i++)); do
        dialog_text | grep -Eq -- "$1" && return 0
        sleep 0.05
    done
    con_dump
    fail "$2: no '$1' in the dialog"
}

con_start 140 44 -w bank -t 2 -s 5 --nemesis kill --nemesis-interval 600 --nemesis-quiet 600
con_wait_ok_above 0 0 30 || { con_dump; fail "thread 0 does nothing"; }

note "n opens the dialog"
con_keys n
con_expect 'Nemesis' 5 "n opens the nemesis dialog"
con_expect 'pause +SIGSTOP every server process' 5 "the dialog lists the kinds"
con_expect 'next: kill at' 5 "the dialog shows the next scheduled fault"

note "unavailable kinds say why and what to start melee with"
con_expect 'partition +unavailable: no fault proxy in this run' 5 "the dialog says why partition is out"
con_keys End
if [ -n "$(ls /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 2>/dev/null)" ]; then
    why='clock is unavailable: the server was not started under libfaketime; .* start melee with clock in --nemesis or nemesis.faults'
    con_expect 'clock +unavailable: the server was not started under libfaketime' 5 "clock's row"
else
    why='clock is unavailable: libfaketime is not installed; install .* faketime'
fi
dlg_expect "$why" "the selected kind's reason in full, with what to start melee with"
con_keys Enter
con_expect 'clock is unavailable here: why is in the dialog' 5 "Enter on clock says it cannot"
# The smallest supported terminal: the reason and the keys are whole.
con_resize 80 24
dlg_expect "$why" "the reason at 80x24"
con_expect 'Enter fire now +H heal all +s suspend/resume schedule +Esc close' 5 "the keys at 80x24"
con_resize 140 44
con_keys Home
con_expect 'kill: SIGKILL every server process; heal starts it again \(crash recovery\)' 5 \
    "the selected kind in full"

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

# Through the fault proxy: the fault panel counts the workers' connections
# that talk to the server directly and those the proxy carries; a
# partition fired by hand takes every one through the proxy, the heal
# lets them go straight again.
note "the proxy's connections in the fault panel"
con_start 140 44 -w bank -t 2 -s 5 --nemesis partition --nemesis-interval 600 --nemesis-quiet 600
con_wait_ok_above 0 0 30 || { con_dump; fail "thread 0 does nothing through the proxy"; }
con_expect 'proxy: 2 direct, 0 through it' 10 "both connections direct with no fault"
con_keys n
con_expect 'partition +the proxy passes nothing' 5 "partition is available with the proxy"
con_keys Home Down Down Down Down Enter
con_expect 'fault partition fired' 5 "Enter fires the partition"
con_keys Escape
con_expect 'proxy: 0 direct, 2 through it' 10 "the partition takes both through the proxy"
con_keys n H Escape
con_expect 'proxy: 2 direct, 0 through it' 10 "after the heal both go direct again"
con_quit_expect 0

# The chaos workload's cancel and terminate actions are the fault kinds'
# rows fired from a worker's session: the event tail names the kind, the
# issuing worker and its victim (one line each; the history-only stop
# adds none; i hides them with the ignored errors), the summary lists them with their targets, and the
# statement log shows the kinds' statement aimed at one backend.
note "chaos cancels and terminates as fault kinds"
con_start 140 44 -p "$ROOT/profiles/cancel-storm.yaml" -s 5 \
    --summary-json "$TMP/storm.json" --log "$TMP/storm.log"
con_expect ' w[0-9]+ .*start-(cancel|terminate): worker [0-9]+ \(pid [0-9]+\)' 30 \
    "the event tail shows a worker's cancel or terminate"
con_screen | grep -q 'stop-cancel: done' && { con_dump; fail "an instant fault's stop in the tail"; }
# Routine, like ignored errors: i hides them, so they cannot bury a finding.
con_keys Tab i   # the events panel
con_expect 'ignored hidden' 5 "i hides ignored errors"
con_expect_gone 'start-(cancel|terminate): worker' 5 "i hides the workers' own cancels"
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
