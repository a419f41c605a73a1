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
