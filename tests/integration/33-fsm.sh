#!/usr/bin/env bash
# FSM workloads (workload fsm): every shipped profiles/fsm-*.yaml passes
# on the private server with assertions checked, except fsm-lost-update,
# which must fail its named assertion with the finding's whole story;
# serial, parallel and composed runs of the shipped workloads each run
# and report per workload; a malformed file is refused before any
# connection with FILE:LINE:COL; an error is judged by the expected
# errors of its own step, not by the other steps' of its state; one
# thread and one seed give the same statements twice.
. "$(dirname "$0")/lib.sh"

# passed_of / failed_of FILE: the counts of the summary's assertions object.
passed_of() { tr -d ' \n' <"$1" | grep -o '"assertions":{"passed":[0-9]*' | grep -o '[0-9]*$'; }
failed_of() { tr -d ' \n' <"$1" | grep -o '"assertions":{"passed":[0-9]*,"failed":[0-9]*' | grep -o '[0-9]*$'; }

# run_profile NAME PROFILE ARGS...: one headless run; leaves $TMP/NAME.*.
run_profile() {
    local name=$1 profile=$2
    shift 2
    "$MELEE" --headless -p "$profile" -D 60 --summary-json "$TMP/$name.json" "$@" \
        >"$TMP/$name.out" 2>"$TMP/$name.err"
}

n=0
for p in "$ROOT"/profiles/fsm-*.yaml; do
    name=$(basename "$p" .yaml)
    [ "$name" = fsm-lost-update ] && continue
    note "profile $name"
    run_profile "$name" "$p"
    rc=$?
    [ $rc -eq 0 ] || { tail -n 40 "$TMP/$name.out"; tail -n 5 "$TMP/$name.err"; fail "$name exited $rc"; }
    passed=$(passed_of "$TMP/$name.json")
    [ "${passed:-0}" -ge 100 ] || fail "$name: only ${passed:-0} assertions passed"
    [ "$(failed_of "$TMP/$name.json")" = 0 ] || fail "$name: failed assertions"
    [ "$(json_int "$TMP/$name.json" unexpected)" = 0 ] || fail "$name: unexpected errors"
    grep -q '^result: nothing found' "$TMP/$name.out" || fail "$name: the report found something"
    echo "$name: $passed assertions passed"
    n=$((n + 1))
done
[ $n -ge 4 ] || fail "only $n passing FSM profiles"

note "fsm-lost-update must fail its assertion"
run_profile lost "$ROOT/profiles/fsm-lost-update.yaml" -s 5
rc=$?
[ $rc -eq 1 ] || { tail -n 40 "$TMP/lost.out"; fail "fsm-lost-update exited $rc, not 1"; }
failed=$(failed_of "$TMP/lost.json")
[ "${failed:-0}" -ge 1 ] || fail "fsm-lost-update: no failed assertion in the summary"
tr -d '\n' <"$TMP/lost.json" | grep -q '"examples":\[ *"assertion failed: \\"no lost update\\" in rmw.check' ||
    fail "fsm-lost-update: the summary's examples do not name the assertion"
grep -q 'message:  assertion failed: "no lost update" in rmw.check step 1: expected column n = [0-9]*, got column n = [0-9]*' \
    "$TMP/lost.out" || fail "fsm-lost-update: the report lacks the failed assertion"
grep -q 'detail:   thread [0-9]* (tid [0-9]* of rmw, iteration [0-9]*), state check, step 1 (.*fsm-lost-update.yaml:[0-9]*)' \
    "$TMP/lost.out" || fail "fsm-lost-update: the finding lacks thread, state and step"
grep -q '^ *last statements, oldest first:' "$TMP/lost.out" || fail "fsm-lost-update: no last statements"
grep -q '^ *UPDATE melee_fsm_rmw.t SET n = \$1 + 1 WHERE id = 1 -- with \$1 = ' "$TMP/lost.out" ||
    fail "fsm-lost-update: the last statements lack their parameters"
grep -q '^seed: 5$' "$TMP/lost.out" || fail "fsm-lost-update: no seed"
grep -q '^reproduce: .*fsm-lost-update.yaml.* -s 5' "$TMP/lost.out" || fail "fsm-lost-update: no reproduce line"
echo "fsm-lost-update: $failed failed assertions"

# The modes, over the shipped workloads at repeatable read (the indexed
# insert's whole-table counts need one snapshot per transaction).
for mode in serial parallel composed; do
    note "mode $mode"
    cat >"$TMP/$mode.yaml" <<EOF
run: {workload: fsm, threads: 4, isolation: repeatable-read}
fsm:
  mode: $mode
  mix: 0.2
  workloads:
    - include: $ROOT/profiles/fsm-update-inc.yaml
    - include: $ROOT/profiles/fsm-indexed-insert.yaml
    - include: $ROOT/profiles/fsm-rename-chain.yaml
    - include: $ROOT/profiles/fsm-rmw-serializable.yaml
EOF
    run_profile "$mode" "$TMP/$mode.yaml"
    rc=$?
    [ $rc -eq 0 ] || { tail -n 40 "$TMP/$mode.out"; fail "mode $mode exited $rc"; }
    grep -q "^melee .*: fsm/$mode: update_inc, indexed_insert, rename_chain, rmw workload" \
        "$TMP/$mode.out" || fail "$mode: the report does not name the workloads"
    for w in update_inc indexed_insert rename_chain rmw; do
        grep -qE "^dml_nontrans\.$w\.[a-z_*]+>[a-z_]+ +[1-9]" "$TMP/$mode.out" ||
            fail "$mode: no transitions of $w in the report"
    done
    [ "$(failed_of "$TMP/$mode.json")" = 0 ] || fail "$mode: failed assertions"
    echo "$mode: $(passed_of "$TMP/$mode.json") assertions passed"
done
grep -qE '^dml_nontrans\.next-workload +4 ' "$TMP/serial.out" ||
    fail "serial: not one teardown (and next setup) after each of the four workloads"
grep -qE '^dml_nontrans\.[a-z_]+\.\*>[a-z_]+ +[1-9]' "$TMP/composed.out" ||
    fail "composed: no thread jumped into another workload"

note "expected errors are per step: an error only another step expects is a finding"
cat >"$TMP/steps.yaml" <<'EOF'
run: {workload: fsm, threads: 1}
fsm:
  name: steps
  iterations: 20
  states:
    own:
      - sql: "DO $$BEGIN RAISE EXCEPTION 'raised where expected' USING ERRCODE = 'P0001'; END$$"
        expected_errors: ["P0001"]
    other:
      - sql: "DO $$BEGIN RAISE EXCEPTION 'raised by the step before' USING ERRCODE = 'P0001'; END$$"
      - sql: "SELECT 1"
        expected_errors: ["P0001"]
  start: own
  transitions:
    own: {own: 1, other: 1}
    other: {own: 1, other: 1}
EOF
run_profile steps "$TMP/steps.yaml" -s 3
rc=$?
[ $rc -eq 1 ] || { tail -n 30 "$TMP/steps.out"; fail "an error no rule of its step expects: exit $rc, not 1"; }
[ "$(json_int "$TMP/steps.json" ignored)" -ge 1 ] || fail "the error its own step expects was not ignored"
[ "$(json_int "$TMP/steps.json" unexpected)" -ge 1 ] || fail "the error of the step before was not a finding"
grep -q 'raised by the step before' "$TMP/steps.out" || fail "the report lacks the unexpected error"
! grep -q 'message:  raised where expected' "$TMP/steps.out" || fail "the expected error was reported as a finding"
echo "per-step rules: $(json_int "$TMP/steps.json" ignored) ignored, $(json_int "$TMP/steps.json" unexpected) unexpected"

note "a malformed workload is refused before any connection"
sed 's/inc: {inc: 3, check: 1}/inc: {inc: 3, chek: 1}/' "$ROOT/profiles/fsm-update-inc.yaml" >"$TMP/bad.yaml"
"$MELEE" --headless -p "$TMP/bad.yaml" >"$TMP/bad.out" 2>"$TMP/bad.err"
expect_status 2 $? "a malformed FSM workload"
grep -q "bad.yaml:[0-9]*:[0-9]*: transition from 'inc' to unknown state 'chek'" "$TMP/bad.err" ||
    { cat "$TMP/bad.err"; fail "no FILE:LINE:COL error"; }
! grep -q 'starting a private PostgreSQL' "$TMP/bad.err" || fail "a server was started first"
"$MELEE" --headless -w fsm -D 1 >"$TMP/nofsm.out" 2>"$TMP/nofsm.err"
expect_status 2 $? "workload fsm without an fsm: section"
grep -q 'fsm: section' "$TMP/nofsm.err" || { cat "$TMP/nofsm.err"; fail "no reason given"; }

note "one thread, one seed: the same statements"
for i in 1 2 3; do
    seed=$([ $i -le 2 ] && echo 77 || echo 78)
    "$MELEE" --headless -p "$ROOT/profiles/fsm-update-inc.yaml" -t 1 -s $seed --log "$TMP/log$i" \
        >/dev/null 2>"$TMP/seed$i.err" || fail "seed run $i failed: $(tail -n 3 "$TMP/seed$i.err")"
    awk '$3 == "ok" { $1=$2=$3=$4=""; print }' "$TMP/log$i" >"$TMP/sql$i"
done
[ "$(wc -l <"$TMP/sql1")" -ge 300 ] || fail "only $(wc -l <"$TMP/sql1") statements logged"
cmp -s "$TMP/sql1" "$TMP/sql2" || { diff "$TMP/sql1" "$TMP/sql2" | head; fail "the same seed gave other statements"; }
! cmp -s "$TMP/sql1" "$TMP/sql3" || fail "another seed gave the same statements"
echo "same seed, same $(wc -l <"$TMP/sql1") statements"
