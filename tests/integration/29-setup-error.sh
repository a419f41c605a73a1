#!/usr/bin/env bash
# A server error while the catalog is set up is classified like any other
# statement's: a planted XX000 there is a finding (exit 1, the summary
# written, the error listed with its SQL), not a bad profile (exit 2).
. "$(dirname "$0")/lib.sh"
"$MELEE" --headless -p "$ROOT/tests/profiles/plant-setup-xx000.yaml" -D 5 -s 3 \
    --summary-json "$TMP/s.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/err" "$TMP/out"; }
expect_status 1 $rc "setup error run"
grep -q '\[unexpected\] .*action setup' "$TMP/out" || fail "report does not list the setup error"
grep -q 'SQLSTATE: XX000' "$TMP/out" || fail "report lacks the XX000 finding"
grep -q 'planted internal error in setup' "$TMP/out" || fail "report lacks the message"
grep -q 'SQL: .*CREATE TABLE melee_planted_probe' "$TMP/out" || fail "report lacks the SQL"
[ -s "$TMP/s.json" ] || fail "no summary written"
grep -q '"sqlstate":"XX000"' "$TMP/s.json" || fail "summary lacks the error"
grep -q '"exit_code":1' "$TMP/s.json" || fail "summary exit_code is not 1"
