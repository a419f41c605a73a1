#!/usr/bin/env bash
# The ThreadSanitizer build runs short headless runs clean: the chaos
# workload with 8 threads, then checked workloads whose recorder feeds a
# checker as records arrive (bank) or re-checks the whole history (append);
# the chaos and bank runs write the run report (its metrics thread samples
# the workers and the recorder once a second); and bank under the nemesis
# (kill, pause, partition, latency);
# and FSM workloads run in serial and composed mode.
. "$(dirname "$0")/lib.sh"
TSAN_BIN="$ROOT/build/tsan/melee"
[ -x "$TSAN_BIN" ] || fail "$TSAN_BIN is not built (make tsan)"
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1"
tsan_run() { sanitized_run "$TSAN_BIN" 'WARNING: ThreadSanitizer' "$@"; }

tsan_run chaos -t 8 -c ddl -D 10 -s 11 --report "$TMP/chaos-report"
tsan_run bank --workload bank -t 4 -D 4 -s 11 --history "$TMP/bank.jsonl" --report "$TMP/bank-report"
grep -qx 'checker bank: valid' "$TMP/bank.out" || fail "bank: verdict not valid"
tsan_run append --workload append -t 4 -D 6 -s 11
grep -qx 'checker append: valid' "$TMP/append.out" || fail "append: verdict not valid"
tsan_run faults --workload bank -t 4 -D 12 -s 11 --nemesis kill,pause,partition,latency \
    --nemesis-interval 1 --nemesis-duration 1 --nemesis-quiet 1 --nemesis-recovery 3
grep -qx 'checker bank: valid' "$TMP/faults.out" || fail "faults: verdict not valid"

# FSM workloads: serial mode (the phase switch under its lock), then
# composed mode (every thread runs every workload's states).
for mode in serial composed; do
    cat >"$TMP/fsm-$mode.yaml" <<EOF
run: {workload: fsm, isolation: repeatable-read}
fsm:
  mode: $mode
  workloads:
    - include: $ROOT/profiles/fsm-update-inc.yaml
    - include: $ROOT/profiles/fsm-rmw-serializable.yaml
EOF
    tsan_run fsm-$mode -p "$TMP/fsm-$mode.yaml" -t 3 -D 8 -s 11
    grep -q '^assertions: [1-9][0-9]* passed, 0 failed' "$TMP/fsm-$mode.out" ||
        fail "fsm $mode: $(grep '^assertions' "$TMP/fsm-$mode.out")"
done
