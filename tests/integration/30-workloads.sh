#!/usr/bin/env bash
# Every invariant workload runs headless against the embedded server at
# serializable isolation: it must exit 0, record a history with at least
# MIN_OK ok operations and every invocation completed, and be judged valid
# both by the live checker (summary) and by `melee check` on the file,
# which takes the workload and level from the file's meta record (and
# guesses the workload from the operations of a file without one).
# Then bank with overdrafts refused must stay valid, read skew at read
# committed must not be called a finding, and known anomalies at read
# committed (lost updates) must be found.
. "$(dirname "$0")/lib.sh"
MIN_OK=200

# count FILE PATTERN: lines of FILE matching PATTERN.
count() { grep -c -- "$2" "$1" || true; }

# run_workload NAME EXTRA_ARGS...: runs NAME for 8 s; leaves $TMP/NAME.*.
run_workload() {
    local w=$1
    shift
    "$MELEE" --headless --workload "$w" --isolation serializable --duration 8 --threads 4 \
        --seed 7 --history "$TMP/$w.jsonl" --summary-json "$TMP/$w.json" "$@" \
        >"$TMP/$w.out" 2>"$TMP/$w.err"
}

for w in bank counter set long-fork register multi-register append default-value; do
    note "workload $w"
    run_workload "$w"
    rc=$?
    if [ $rc -ne 0 ]; then
        tail -n 30 "$TMP/$w.out"; tail -n 5 "$TMP/$w.err"
        fail "$w exited $rc"
    fi
    grep -q '^  "valid":true' "$TMP/$w.json" ||
        fail "$w: live verdict not valid: $(grep -E '"(verdict|verdict_reason)"' "$TMP/$w.json")"
    oks=$(count "$TMP/$w.jsonl" '"type":"ok"')
    invokes=$(count "$TMP/$w.jsonl" '"type":"invoke"')
    done_ops=$(count "$TMP/$w.jsonl" '"type":"\(ok\|fail\|info\)"')
    [ "$oks" -ge $MIN_OK ] || fail "$w: only $oks ok operations in the history"
    [ "$invokes" -eq "$done_ops" ] || fail "$w: $invokes invocations but $done_ops completions"
    head -n 1 "$TMP/$w.jsonl" |
        grep -qx "{\"type\":\"meta\",\"workload\":\"$w\",\"isolation\":\"serializable\",\"seed\":7,\"version\":\"[0-9.]*\"}" ||
        fail "$w: the first line is not the meta record: $(head -n 1 "$TMP/$w.jsonl")"
    "$MELEE" check "$TMP/$w.jsonl" >"$TMP/$w.check" 2>&1 ||
        { cat "$TMP/$w.check"; fail "$w: melee check exited $?"; }
    grep -qx "checker $w: valid" "$TMP/$w.check" ||
        { cat "$TMP/$w.check"; fail "$w: melee check did not say valid"; }
    grep -qx "workload $w (meta record), judged at isolation serializable (meta record)" \
        "$TMP/$w.check" || { cat "$TMP/$w.check"; fail "$w: melee check did not use the meta record"; }
    tail -n +2 "$TMP/$w.jsonl" >"$TMP/$w.old.jsonl"
    "$MELEE" check "$TMP/$w.old.jsonl" >"$TMP/$w.old.check" 2>&1 ||
        { cat "$TMP/$w.old.check"; fail "$w: melee check of a file without meta exited $?"; }
    guess=$w
    [ "$w" = multi-register ] && guess=register # the same operations: only meta tells them apart
    grep -q "^workload $guess (guessed from the operations), judged at isolation serializable (default" \
        "$TMP/$w.old.check" || { cat "$TMP/$w.old.check"; fail "$w: no guess without meta"; }
    echo "$w: $oks ok of $invokes operations, valid"
done

# Workload-specific promises of the history.
first_read=$(head -n 3 "$TMP/bank.jsonl" | grep '"type":"ok","f":"read"')
[ -n "$first_read" ] || fail "bank: the history does not start with the setup's read"
sum=$(echo "$first_read" | grep -o '"value":{[^}]*}' | grep -o ':[-0-9]*' | tr -d : |
      awk '{ s += $1 } END { print s }')
[ "$sum" = 100 ] || fail "bank: the setup's read sums to $sum, not 100"
tail -n 1 "$TMP/set.jsonl" | grep -q '"type":"ok","f":"read"' ||
    fail "set: the history does not end with the final read"
[ "$(grep '"type":"ok","f":"txn"' "$TMP/append.jsonl" | grep '\["append",' | count - '\["r",')" -gt 0 ] ||
    fail "append: no committed transaction both appended and read"

# bank with overdrafts refused, both transfer forms and per-account reads:
# refused transfers fail, and the checker judges negatives too.
note "bank with bank_allow_negative=0, bank_variant=2, bank_per_account_reads=1"
run_workload bank --param bank_allow_negative=0 --param bank_variant=2 \
    --param bank_per_account_reads=1 ||
    { tail -n 30 "$TMP/bank.out"; fail "bank without overdrafts exited $?"; }
grep -q '^  "valid":true' "$TMP/bank.json" || fail "bank without overdrafts: not valid"
grep -q '"checked":"[^"]*overdrafts refused' "$TMP/bank.json" ||
    fail "bank without overdrafts: the checker did not see the policy"
refused=$(count "$TMP/bank.jsonl" '"type":"fail","f":"transfer".*"refused":"negative"')
[ "$refused" -gt 0 ] || fail "bank without overdrafts: no transfer was refused"
"$MELEE" check "$TMP/bank.jsonl" --workload bank --isolation serializable >"$TMP/bank.check" 2>&1 &&
    grep -qx "checker bank: valid" "$TMP/bank.check" ||
    { cat "$TMP/bank.check"; fail "bank without overdrafts: melee check did not say valid"; }
echo "bank without overdrafts: $refused transfers refused, valid"

# Read skew is allowed at read committed: per-account reads there may see
# a wrong total mid-transfer; the checker lists it and stays valid.
note "bank with bank_per_account_reads=1 at read committed: read skew allowed"
"$MELEE" --headless --workload bank --isolation read-committed --param bank_per_account_reads=1 \
    --duration 8 --threads 4 --seed 7 --history "$TMP/rc-skew.jsonl" \
    --summary-json "$TMP/rc-skew.json" >"$TMP/rc-skew.out" 2>"$TMP/rc-skew.err" ||
    { tail -n 30 "$TMP/rc-skew.out"; fail "bank with read skew exited $?"; }
grep -q '^  "valid":true' "$TMP/rc-skew.json" || fail "bank with read skew: not valid"
skew=$(grep -o 'anomaly read-skew x[0-9]*' "$TMP/rc-skew.out") ||
    fail "bank at read committed: per-account reads never skewed, so nothing was shown"
echo "bank at read committed: $skew, valid"
# melee check judges it at the level of the meta record; --isolation and a
# file without meta judge it at serializable, where the skew is invalid.
"$MELEE" check "$TMP/rc-skew.jsonl" >"$TMP/rc-skew.check" 2>&1 ||
    { cat "$TMP/rc-skew.check"; fail "melee check of the read skew at read committed exited $?"; }
grep -q 'judged at isolation read-committed (meta record)' "$TMP/rc-skew.check" ||
    { cat "$TMP/rc-skew.check"; fail "melee check did not take read committed from the meta record"; }
"$MELEE" check "$TMP/rc-skew.jsonl" --isolation serializable >"$TMP/rc-skew.check" 2>&1
expect_status 1 $? "melee check --isolation serializable of read skew"
grep -q 'judged at isolation serializable (--isolation; the run used read-committed)' \
    "$TMP/rc-skew.check" || { cat "$TMP/rc-skew.check"; fail "--isolation did not override the meta record"; }
tail -n +2 "$TMP/rc-skew.jsonl" >"$TMP/rc-skew.old.jsonl"
"$MELEE" check "$TMP/rc-skew.old.jsonl" >/dev/null 2>&1
expect_status 1 $? "melee check of read skew without meta (serializable by default)"
"$MELEE" check "$TMP/rc-skew.old.jsonl" --isolation read-committed --workload bank >/dev/null 2>&1 ||
    fail "melee check --isolation read-committed of read skew without meta exited $?"
echo "melee check: read committed from the meta record, serializable when told or without it"

# Known anomalies at read committed: read-then-write increments and
# transfers lose updates; the checkers must say so, live and offline.
for case in "counter counter_rmw=1" "bank bank_variant=1"; do
    set -- $case
    note "$1 with $2 at read committed: lost updates"
    "$MELEE" --headless --workload "$1" --isolation read-committed --param "$2" \
        --duration 8 --threads 4 --seed 7 --history "$TMP/rc-$1.jsonl" \
        --summary-json "$TMP/rc-$1.json" >"$TMP/rc-$1.out" 2>"$TMP/rc-$1.err"
    expect_status 1 $? "$1 losing updates"
    grep -q '^  "valid":false' "$TMP/rc-$1.json" || fail "$1: lost updates not reported invalid"
    "$MELEE" check "$TMP/rc-$1.jsonl" >"$TMP/rc-$1.check" 2>&1
    expect_status 1 $? "melee check on the $1 history with lost updates"
    echo "$1: lost updates found"
done
