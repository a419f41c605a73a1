#!/usr/bin/env bash
# bench-check.sh - times the offline checkers on generated histories:
# `melee check FILE --workload append` for list-append histories of 10k,
# 100k and 1M transactions, and `--workload register` for 100k register
# operations, printing wall time and peak RSS (from /usr/bin/time -v).
#
#   tests/bench/bench-check.sh            (after make; MELEE=path overrides)
#   SIZES="10000 100000" tests/bench/bench-check.sh
#
# Histories come from tests/bench/histgen.c, built here: valid histories
# (every operation takes effect at its completion), append with 10 keys
# retired after 32 appends each, 10 processes, about 2% unknown and 5%
# failed transactions; register with 50 processes over 10 keys (about five
# concurrent operations per key) and over 1000 keys. Exit status 77 when
# melee is not built.
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
MELEE=${MELEE:-$BUILD/melee}
SIZES=${SIZES:-"10000 100000 1000000"}
REGISTER_OPS=${REGISTER_OPS:-100000}

if [ ! -x "$MELEE" ]; then
    echo "bench-check: $MELEE is not built; run make first" >&2
    exit 77
fi
if [ ! -x /usr/bin/time ]; then
    echo "bench-check: /usr/bin/time is missing (apt-get install time)" >&2
    exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$BUILD"
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o "$BUILD/histgen" tests/bench/histgen.c

# run LABEL FILE WORKLOAD: times one check and prints a line of results.
run() {
    local label=$1 file=$2 workload=$3 status=0
    /usr/bin/time -v -o "$work/time" "$MELEE" check "$file" --workload "$workload" \
        >"$work/out" 2>&1 || status=$?
    local secs kb verdict
    secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time")
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time")
    verdict=$(sed -n 's/^checker [^:]*: //p' "$work/out" | head -n 1)
    printf '%-24s %10s  %8d MB peak  %-8s (exit %d, history %d MB)\n' "$label" "$secs" \
        $((kb / 1024)) "$verdict" "$status" $(($(stat -c %s "$file") / 1048576))
}

for n in $SIZES; do
    "$BUILD/histgen" append -n "$n" -k 10 -w 32 -p 10 -s 1 >"$work/append.jsonl"
    run "append $n txns" "$work/append.jsonl" append
    rm -f "$work/append.jsonl"
done
for k in 10 1000; do
    "$BUILD/histgen" register -n "$REGISTER_OPS" -k "$k" -p 50 -s 1 >"$work/register.jsonl"
    run "register $REGISTER_OPS ops, $k keys" "$work/register.jsonl" register
done
