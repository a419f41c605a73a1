#!/usr/bin/env bash
# A statement running past the hang limit is reported as a hang, is
# cancelled, and the run exits 1 (parallel-workload exits 0 here; we do not).
. "$(dirname "$0")/lib.sh"
"$MELEE" --headless -p "$ROOT/tests/profiles/plant-hang.yaml" -D 6 \
    --summary-json "$TMP/s.json" >"$TMP/out" 2>"$TMP/err"
expect_status 1 $? "run with a planted hang"
[ "$(json_int "$TMP/s.json" hangs)" -ge 1 ] || fail "no hang counted"
grep -q '\[hang\]' "$TMP/out" || fail "report shows no hang"
grep -q 'SQL: .*pg_sleep' "$TMP/out" || { cat "$TMP/out"; fail "the hung statement is not shown"; }
