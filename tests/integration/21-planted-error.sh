#!/usr/bin/env bash
# A planted XX000 error is reported as unexpected, with its SQL, and the
# run exits 1.
. "$(dirname "$0")/lib.sh"
"$MELEE" --headless -p "$ROOT/tests/profiles/plant-xx000.yaml" -D 6 -s 7 \
    --summary-json "$TMP/s.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
expect_status 1 $rc "planted error run"
grep -q 'SQLSTATE: XX000' "$TMP/out" || fail "report lacks the XX000 finding"
grep -q 'planted internal error' "$TMP/out" || fail "report lacks the message"
grep -q 'SQL: .*melee_planted_bug' "$TMP/out" || fail "report lacks the SQL"
[ "$(json_int "$TMP/s.json" unexpected)" -gt 0 ] || fail "summary counts no unexpected error"
grep -q '"sqlstate":"XX000"' "$TMP/s.json" || fail "summary lacks errors_unexpected"
grep -q '"exit_code":1' "$TMP/s.json" || fail "summary exit_code is not 1"
