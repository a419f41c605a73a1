#!/usr/bin/env bash
# The statement log writes the values of $n parameters beside the SQL, one
# line per statement, so that a logged statement can be run again by hand:
# a profile's custom actions insert generated values (quotes, backslashes,
# newlines, tabs) sent as parameters and as a prepared statement, and one
# action's SQL spans lines with a -- comment and constants holding line
# breaks and "--"; every logged insert is run again through psql as
# PREPARE and EXECUTE of the logged values into a second table, and both
# tables must hold the same rows.
. "$(dirname "$0")/lib.sh"
command -v psql >/dev/null || { echo "skip: psql is not installed"; exit 77; }

cat >"$TMP/echo.yaml" <<'YAML'
name: echo
run:
  threads: 2
  complexity: dml
lists:
  dml: {read: 0, fetch: 0, write: 0, dml_nontrans: 100, ddl: 0}
weights:
  dml_nontrans: {update: 0, delete: 0, insert_returning: 0, upsert: 0, sequence_call: 0,
                 flip_flag: 0, set_session_var: 0, reconnect: 0, cancel: 0, terminate: 0}
custom_actions:
  - name: echo_params
    list: dml_nontrans
    weight: 10
    setup: |
      DROP TABLE IF EXISTS melee_echo;
      CREATE TABLE melee_echo (t text, n bigint, b boolean, c text)
    sql: "INSERT INTO melee_echo (t, n, b, c) VALUES ({{t}}, {{n}}, {{b}}, {{c}})"
    params:
      t: {type: text, min: 0, max: 12}
      n: {type: int, min: -5, max: 5}
      b: {type: bool}
      c: {type: choice, choices: ["plain", "back\\slash", "two\nlines", "tab\there", "it's"]}
  - name: echo_prepared
    list: dml_nontrans
    weight: 10
    send: prepared
    sql: "INSERT INTO melee_echo (c, t) VALUES ({{c}}, {{t}})"
    params:
      t: {type: text, min: 0, max: 5}
      c: {type: choice, choices: ["a\\nb", "cr\rhere"]}
  - name: echo_commented
    list: dml_nontrans
    weight: 10
    sql: |
      INSERT INTO melee_echo (t, c) -- a comment: it's here, with */ and ; in it
      VALUES ({{t}}::text || ' --not a comment', $$two
      lines -- not a comment either$$)
    params:
      t: {type: text, min: 0, max: 5}
YAML

"$MELEE" --headless -p "$TMP/echo.yaml" -D 1 --log "$TMP/log" --keep-server \
    >"$TMP/out" 2>"$TMP/err"
rc=$?
stop=$(sed -n 's/^  stop: *//p' "$TMP/err")
connect=$(sed -n 's/^  connect: *//p' "$TMP/err")
[ -n "$stop" ] && trap 'bash -c "$stop" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
expect_status 0 $rc "the echo run"
[ -n "$connect" ] || { tail -n 5 "$TMP/err"; fail "the kept server's psql line is missing"; }

grep ' ok .*INSERT INTO melee_echo ' "$TMP/log" >"$TMP/echo" || fail "no insert logged"
n=$(wc -l <"$TMP/echo")
[ "$n" -ge 200 ] || fail "only $n inserts logged"
[ "$(grep -vc -- ' -- with \$1 = ' "$TMP/echo")" -eq 0 ] ||
    fail "inserts logged without their values: $(grep -v -- ' -- with ' "$TMP/echo" | head -n 3)"
grep -q "melee_echo (t, c) /\* a comment: .* VALUES (.*E'two\\\\nlines -- not a comment either')" \
    "$TMP/echo" || fail "no commented insert logged on one line: $(grep -m 1 'melee_echo (t, c)' "$TMP/echo")"
for want in "E'two\\nlines'" "E'tab\\there'" "E'back\\\\slash'" "'it''s'" "E'cr\\rhere'"; do
    grep -qF -- "$want" "$TMP/echo" || fail "no value logged as $want"
done

# PREPARE r AS <the SQL into melee_replay>; EXECUTE r(<the values>); DEALLOCATE r;
sed 's/^[^ ]* w[0-9]* ok [^ ]*ms INSERT INTO melee_echo \(.*\) -- with \(.*\)$/PREPARE r AS INSERT INTO melee_replay \1;\nEXECUTE r(\2);\nDEALLOCATE r;/' \
    "$TMP/echo" | sed '/^EXECUTE/ s/\$[0-9]* = //g' >"$TMP/replay.sql"
{ echo "CREATE TABLE melee_replay (LIKE melee_echo);"; cat "$TMP/replay.sql"; } |
    $connect -XAtq -v ON_ERROR_STOP=1 >"$TMP/psql.out" 2>&1 ||
    { tail -n 5 "$TMP/psql.out"; fail "a logged statement did not run again by hand"; }
diff=$($connect -XAt -c "SELECT (SELECT count(*) FROM melee_replay), count(*) FROM
    ((TABLE melee_echo EXCEPT ALL TABLE melee_replay) UNION ALL
     (TABLE melee_replay EXCEPT ALL TABLE melee_echo)) d")
[ "$diff" = "$n|0" ] || fail "replayed rows|rows that differ: $diff, expected $n|0"
echo "$n logged inserts run again by hand give the same rows"
