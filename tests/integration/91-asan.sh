#!/usr/bin/env bash
# The AddressSanitizer/UBSan build runs short headless runs clean: chaos,
# and checked workloads (a fed checker, a whole-history one) with a
# history file, the run report written at the end and rebuilt offline
# from the run's directory and from the history alone; bank under the
# nemesis; and FSM workloads run in serial and composed mode.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sanitizer_lib.sh"
export ASAN_OPTIONS="detect_leaks=1 exitcode=66" UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1"
san_init asan 'ERROR: (Address|Leak)Sanitizer|runtime error:'

san_run chaos -t 6 -c ddl -D 8 -s 12
san_valid counter counter -t 4 -D 4 -s 12 --history "$TMP/counter.jsonl" \
    --report "$TMP/counter-report"
[ -s "$TMP/counter-report/index.html" ] || fail "counter: no run report"
for source in "$TMP/counter-report" "$TMP/counter.jsonl"; do
    "$SAN_BIN" report "$source" --out "$TMP/rebuilt" >/dev/null 2>"$TMP/report.err" ||
        { cat "$TMP/report.err"; fail "melee report $source failed"; }
    san_clean "melee report $source" "$TMP/report.err"
done
san_valid register register -t 4 -D 4 -s 12
san_nemesis
san_fsm
