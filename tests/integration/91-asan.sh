#!/usr/bin/env bash
# The AddressSanitizer/UBSan build runs short headless runs clean: chaos,
# and checked workloads (a fed checker, a whole-history one) with a
# history file, the run report written at the end and rebuilt offline
# from the run's directory and from the history alone, and bank under the
# nemesis;
# and FSM workloads run in serial and composed mode.
. "$(dirname "$0")/lib.sh"
ASAN_BIN="$ROOT/build/asan/melee"
[ -x "$ASAN_BIN" ] || fail "$ASAN_BIN is not built (make asan)"
export ASAN_OPTIONS="detect_leaks=1 exitcode=66" UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1"
asan_run() { sanitized_run "$ASAN_BIN" 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$@"; }

asan_run chaos -t 6 -c ddl -D 8 -s 12
asan_run counter --workload counter -t 4 -D 4 -s 12 --history "$TMP/counter.jsonl" \
    --report "$TMP/counter-report"
grep -qx 'checker counter: valid' "$TMP/counter.out" || fail "counter: verdict not valid"
[ -s "$TMP/counter-report/index.html" ] || fail "counter: no run report"
for source in "$TMP/counter-report" "$TMP/counter.jsonl"; do
    "$ASAN_BIN" report "$source" --out "$TMP/rebuilt" >/dev/null 2>"$TMP/report.err" ||
        { cat "$TMP/report.err"; fail "melee report $source failed"; }
    if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TMP/report.err"; then
        head -n 60 "$TMP/report.err"
        fail "melee report $source: the sanitizer reported a problem"
    fi
done
asan_run register --workload register -t 4 -D 4 -s 12
grep -qx 'checker register: valid' "$TMP/register.out" || fail "register: verdict not valid"
asan_run faults --workload bank -t 4 -D 12 -s 11 --nemesis kill,pause,partition,latency \
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
    asan_run fsm-$mode -p "$TMP/fsm-$mode.yaml" -t 3 -D 8 -s 11
    grep -q '^assertions: [1-9][0-9]* passed, 0 failed' "$TMP/fsm-$mode.out" ||
        fail "fsm $mode: $(grep '^assertions' "$TMP/fsm-$mode.out")"
done
