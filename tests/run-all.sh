#!/usr/bin/env bash
# Runs melee's tests and prints one closing line "N passed, N failed".
#   tests/run-all.sh BUILD [unit|integration|all]
# Unit tests: every build/tests/test_* binary (cmocka).
# Integration and console tests: every tests/integration/*.sh, run with
# MELEE=<binary> and BUILD=<dir>; exit 0 passes, 77 skips, anything else fails.
set -u
build=${1:-build}
what=${2:-all}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export MELEE="$root/$build/melee" BUILD="$root/$build" MELEE_ROOT="$root"
logdir="$root/$build/test-logs"
mkdir -p "$logdir"
passed=0 failed=0 skipped=0 failures=()

run_one() {  # name, command...
    local name=$1; shift
    local log="$logdir/${name//\//-}.log" start=$SECONDS rc
    "$@" >"$log" 2>&1
    rc=$?
    local took=$((SECONDS - start))
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1)); printf 'PASS  %-40s %4ss\n' "$name" "$took"
    elif [ $rc -eq 77 ]; then
        skipped=$((skipped + 1)); printf 'SKIP  %-40s %4ss  %s\n' "$name" "$took" "$(tail -n 1 "$log")"
    else
        failed=$((failed + 1)); failures+=("$name")
        printf 'FAIL  %-40s %4ss  (exit %d)\n' "$name" "$took" "$rc"
        sed 's/^/      | /' "$log" | tail -n 40
    fi
}

if [ "$what" = all ] || [ "$what" = unit ]; then
    for t in "$root/$build"/tests/test_*; do
        [ -x "$t" ] || continue
        run_one "unit/$(basename "$t")" "$t"
    done
fi
if [ "$what" = all ] || [ "$what" = integration ]; then
    for t in "$root"/tests/integration/[0-9]*.sh; do
        [ -f "$t" ] || continue
        run_one "integration/$(basename "$t" .sh)" bash "$t"
    done
fi
[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[*]}"
if [ $skipped -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
