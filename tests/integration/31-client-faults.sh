#!/usr/bin/env bash
# A lying client must be caught: every invariant workload runs briefly
# with --param client_fault=1 (the workload misreports some operations on
# purpose, as its header says) and must end with exit status 1, an invalid
# verdict naming the expected anomaly in the summary JSON and the report,
# and the same verdict from `melee check` on the recorded history.
. "$(dirname "$0")/lib.sh"
SECS=${FAULT_SECONDS:-3}

# case NAME WORKLOAD ANOMALY [PARAM...]: one faulty run and its checks.
case_run() {
    local name=$1 w=$2 anomaly=$3
    shift 3
    local params=(--param client_fault=1)
    for p in "$@"; do params+=(--param "$p"); done
    note "$name: client_fault=1 $* must give $anomaly"
    "$MELEE" --headless --workload "$w" --isolation serializable --duration "$SECS" \
        --threads 3 --seed 11 "${params[@]}" --history "$TMP/$name.jsonl" \
        --summary-json "$TMP/$name.json" >"$TMP/$name.out" 2>"$TMP/$name.err"
    local rc=$?
    [ $rc -eq 1 ] || { tail -n 20 "$TMP/$name.out" "$TMP/$name.err"; fail "$name exited $rc, not 1"; }
    grep -q '^  "valid":false' "$TMP/$name.json" ||
        fail "$name: summary not invalid: $(grep -E '"verdict(_reason)?"' "$TMP/$name.json")"
    grep -q "\"type\":\"$anomaly\"" "$TMP/$name.json" ||
        fail "$name: summary does not name $anomaly: $(grep -o '"type":"[^"]*"' "$TMP/$name.json" | tr '\n' ' ')"
    grep -qx "checker $w: invalid" "$TMP/$name.out" || fail "$name: report verdict not invalid"
    grep -q "^  anomaly $anomaly x" "$TMP/$name.out" || fail "$name: report does not list $anomaly"
    "$MELEE" check "$TMP/$name.jsonl" --workload "$w" --isolation serializable \
        >"$TMP/$name.check" 2>&1
    rc=$?
    [ $rc -eq 1 ] || { cat "$TMP/$name.check"; fail "$name: melee check exited $rc, not 1"; }
    grep -qx "checker $w: invalid" "$TMP/$name.check" ||
        { cat "$TMP/$name.check"; fail "$name: melee check verdict not invalid"; }
    grep -q "^  anomaly $anomaly x" "$TMP/$name.check" ||
        { cat "$TMP/$name.check"; fail "$name: melee check does not list $anomaly"; }
    echo "$name: $(grep -o "^  anomaly $anomaly x[0-9]*" "$TMP/$name.check" | sed 's/^ *//')"
}

case_run bank bank wrong-total
case_run bank-no-overdraft bank negative-value bank_allow_negative=0
case_run counter counter read-below-lower-bound
case_run set set lost
case_run long-fork long-fork long-fork
case_run register register nonlinearizable
case_run multi-register multi-register nonlinearizable
case_run append append duplicate-elements
case_run default-value default-value null-default
