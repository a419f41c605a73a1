#!/usr/bin/env bash
# Invariant workloads under faults on the private server: bank under kill
# and partition, set under partition. Each run keeps a valid verdict with
# real work acknowledged across at least two faults; every fault is in the
# summary and the history as nemesis start/stop records; errors the faults
# explain are not findings.
. "$(dirname "$0")/lib.sh"

# check_run NAME WORKLOAD FAULTS: one seeded headless run.
check_run() {
    local name=$1 workload=$2 faults=$3
    note "$name: $workload under $faults"
    "$MELEE" --headless -w "$workload" -t 4 -D 24 --seed 7 --nemesis "$faults" \
        --nemesis-interval 2.5 --nemesis-duration 1.5 --nemesis-quiet 2 --nemesis-recovery 5 \
        --history "$TMP/$name.jsonl" --summary-json "$TMP/$name.json" \
        >"$TMP/$name.out" 2>"$TMP/$name.err"
    local rc=$?
    [ $rc -eq 0 ] || { tail -n 40 "$TMP/$name.out" "$TMP/$name.err"; fail "$name: exit $rc"; }
    grep -q "checker $workload: valid" "$TMP/$name.out" || fail "$name: verdict not valid"
    [ "$(json_int "$TMP/$name.json" crashes)" -eq 0 ] || fail "$name: crashes counted"
    note "$name: $(json_int "$TMP/$name.json" faulted) errors explained by faults"
    local starts stops
    starts=$(grep -c '"process":"nemesis","type":"info","f":"start-' "$TMP/$name.jsonl")
    stops=$(grep -c '"process":"nemesis","type":"info","f":"stop-' "$TMP/$name.jsonl")
    [ "$starts" -ge 2 ] || fail "$name: $starts faults started, expected at least 2"
    [ "$starts" -eq "$stops" ] || fail "$name: $starts starts but $stops heals"
    python3 - "$TMP/$name.json" "$TMP/$name.jsonl" "$faults" <<'PY' || fail "$name: summary or history"
import json, sys
summary = json.load(open(sys.argv[1]))
faults = summary["faults"]
kinds = {f["kind"] for f in faults}
assert kinds == set(sys.argv[3].split(",")), kinds
assert all(f["end_s"] is not None and f["end_s"] >= f["start_s"] for f in faults), faults
# Under kill the private server runs with synchronous_commit on.
if "kill" in kinds:
    assert summary["server_settings"].get("synchronous_commit") == "on", summary["server_settings"]
# Acknowledged operations before, between and after the first two faults.
recs = [json.loads(l) for l in open(sys.argv[2])]
starts = [r["time"] for r in recs if r.get("process") == "nemesis" and r["f"].startswith("start-")]
ok = [r["time"] for r in recs if r.get("type") == "ok"]
assert len([t for t in ok if t < starts[0]]) > 50, "no work before the first fault"
assert len([t for t in ok if starts[0] < t < starts[1]]) > 50, "no work between the faults"
assert len([t for t in ok if t > starts[1]]) > 50, "no work after the second fault"
print("faults", len(faults), "ok operations", len(ok))
PY
}

check_run bank-kill bank kill,partition
check_run set-partition set partition

# Stopped by SIGINT right after a kill: the kill heals (the server starts
# again), the recovery window passes after that heal, and only then does
# the final read run: it succeeds and the verdict is valid, not unknown.
note "bank: SIGINT right after a kill"
RECOVERY=3
"$MELEE" --headless -w bank -t 4 -D 120 --seed 7 --nemesis kill --nemesis-quiet 2 \
    --nemesis-duration 60 --nemesis-interval 60 --nemesis-recovery $RECOVERY \
    --history "$TMP/sigint.jsonl" >"$TMP/sigint.out" 2>"$TMP/sigint.err" &
run=$!
wait_for_text "$TMP/sigint.err" 'nemesis: start-kill' 60 || { kill $run; fail "sigint: no kill"; }
kill -INT $run
wait $run
rc=$?
[ $rc -eq 0 ] || { tail -n 30 "$TMP/sigint.out" "$TMP/sigint.err"; fail "sigint: exit $rc"; }
grep -q 'nemesis: stop-kill: restarted' "$TMP/sigint.err" || fail "sigint: the kill did not heal"
grep -q 'waiting .* before the final reads' "$TMP/sigint.err" || fail "sigint: no recovery wait said"
grep -q 'checker bank: valid' "$TMP/sigint.out" || { cat "$TMP/sigint.out"; fail "sigint: verdict not valid"; }
python3 - "$TMP/sigint.jsonl" "$RECOVERY" <<'PY' || fail "sigint: the final read"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
stop = [r["time"] for r in recs if r.get("process") == "nemesis" and r["f"] == "stop-kill"]
assert len(stop) == 1, stop
# The final read: the last invocation, a read completed ok.
inv = [r for r in recs if r.get("type") == "invoke"][-1]
done = [r for r in recs if r.get("process") == inv["process"] and r["index"] > inv["index"]]
assert inv["f"] == "read" and done and done[0]["type"] == "ok", (inv, done)
waited = (inv["time"] - stop[0]) / 1e9
print("final read %.2f s after the heal" % waited)
assert waited >= float(sys.argv[2]) - 0.1, waited
PY
