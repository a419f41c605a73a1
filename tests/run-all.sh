#!/usr/bin/env bash
# Runs melee's tests and prints one closing line "N passed, N failed".
#   tests/run-all.sh BUILD [unit|integration|all]
# Unit tests: every build/tests/test_* binary (cmocka), one after another.
# Integration and console tests: every tests/integration/*.sh, run with
# MELEE=<binary> and BUILD=<dir>; exit 0 passes, 77 skips, anything else
# fails. Most of them wait on fixed-length runs, so MELEE_TEST_JOBS of them
# (default 2) run at once; each has its own server, directory and tmux.
set -u
build=${1:-build}
what=${2:-all}
jobs=${MELEE_TEST_JOBS:-2}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export MELEE="$root/$build/melee" BUILD="$root/$build" MELEE_ROOT="$root"
logdir="$root/$build/test-logs"
mkdir -p "$logdir"
passed=0 failed=0 skipped=0 failures=()

# log_of NAME: where a test's output goes.
log_of() { echo "$logdir/${1//\//-}.log"; }

# start_one NAME COMMAND...: runs a test in the background; its exit
# status and duration land in LOG.rc.
start_one() {
    local name=$1 log
    shift
    log=$(log_of "$name")
    (
        start=$SECONDS
        "$@" >"$log" 2>&1
        echo "$? $((SECONDS - start))" >"$log.rc"
    ) &
    running[$!]=$name
}

# report NAME: prints the outcome of a finished test and counts it.
report() {
    local name=$1 log rc took
    log=$(log_of "$name")
    read -r rc took <"$log.rc" || { rc=1 took=0; }
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1)); printf 'PASS  %-40s %4ss\n' "$name" "$took"
    elif [ "$rc" -eq 77 ]; then
        skipped=$((skipped + 1)); printf 'SKIP  %-40s %4ss  %s\n' "$name" "$took" "$(tail -n 1 "$log")"
    else
        failed=$((failed + 1)); failures+=("$name")
        printf 'FAIL  %-40s %4ss  (exit %d)\n' "$name" "$took" "$rc"
        sed 's/^/      | /' "$log" | tail -n 40
    fi
}

declare -A running=()

# wait_one: waits for any running test and reports it.
wait_one() {
    local pid
    wait -n -p pid
    report "${running[$pid]}"
    unset "running[$pid]"
}

# run_tests LIMIT NAME COMMAND [NAME COMMAND]...: runs the tests, LIMIT at a time.
run_tests() {
    local limit=$1 name
    shift
    while [ $# -gt 0 ]; do
        name=$1 cmd=$2
        shift 2
        while [ ${#running[@]} -ge "$limit" ]; do wait_one; done
        start_one "$name" $cmd
    done
    while [ ${#running[@]} -gt 0 ]; do wait_one; done
}

if [ "$what" = all ] || [ "$what" = unit ]; then
    list=()
    for t in "$root/$build"/tests/test_*; do
        [ -x "$t" ] && list+=("unit/$(basename "$t")" "$t")
    done
    run_tests 1 "${list[@]}"
fi
if [ "$what" = all ] || [ "$what" = integration ]; then
    list=()
    for t in "$root"/tests/integration/[0-9]*.sh; do
        [ -f "$t" ] && list+=("integration/$(basename "$t" .sh)" "bash $t")
    done
    run_tests "$jobs" "${list[@]}"
fi
[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[*]}"
if [ $skipped -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
