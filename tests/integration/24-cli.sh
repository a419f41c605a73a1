#!/usr/bin/env bash
# The command line: help, version, usage errors, a malformed profile, an
# unreachable server (all exit 2 with a clear message); `melee check` of
# hand-written histories judged by their meta record, flags overriding it,
# and meta records it cannot use.
. "$(dirname "$0")/lib.sh"
"$MELEE" --help >"$TMP/help" || fail "--help failed"
grep -q -- '--headless' "$TMP/help" || fail "--help does not list --headless"
"$MELEE" --version | grep -q '^melee ' || fail "--version"
"$MELEE" --threads 0 2>"$TMP/e"; expect_status 2 $? "--threads 0"
grep -q 'invalid thread count' "$TMP/e" || fail "bad thread count message"
"$MELEE" --bogus 2>/dev/null; expect_status 2 $? "unknown option"
"$MELEE" --workload nope 2>"$TMP/e"; expect_status 2 $? "unknown workload"
printf 'run:\n  threads: 4\n  colour: blue\n' >"$TMP/bad.yaml"
"$MELEE" --headless -p "$TMP/bad.yaml" 2>"$TMP/e"; expect_status 2 $? "unknown profile key"
grep -q "bad.yaml:3:[0-9]*:" "$TMP/e" || fail "no file:line:column in: $(cat "$TMP/e")"
printf 'run:\n  threads: many\n' >"$TMP/bad2.yaml"
"$MELEE" --headless -p "$TMP/bad2.yaml" 2>"$TMP/e"; expect_status 2 $? "profile type error"
grep -q "bad2.yaml:2:[0-9]*:" "$TMP/e" || fail "no position for a type error: $(cat "$TMP/e")"
"$MELEE" --headless -p "$TMP/missing.yaml" 2>"$TMP/e"; expect_status 2 $? "missing profile"
"$MELEE" --headless -d "host=127.0.0.1 port=1 connect_timeout=2" -D 2 2>"$TMP/e"
expect_status 2 $? "unreachable server"
grep -q 'cannot connect' "$TMP/e" || fail "unreachable server message: $(cat "$TMP/e")"

note "melee check and the meta record"
ops='{"index":0,"process":0,"type":"invoke","f":"add","value":1}
{"index":1,"process":0,"type":"ok","f":"add","value":1}
{"index":2,"process":1,"type":"invoke","f":"read","value":null}
{"index":3,"process":1,"type":"ok","f":"read","value":1}'
# history NAME META_LINE: writes $TMP/NAME.jsonl, the meta line (if any) first.
history() { { [ -n "$2" ] && echo "$2"; echo "$ops"; } >"$TMP/$1.jsonl"; }
history meta '{"type":"meta","workload":"counter","isolation":"repeatable-read","seed":3,"version":"0.1.0"}'
"$MELEE" check "$TMP/meta.jsonl" >"$TMP/o" 2>&1 || { cat "$TMP/o"; fail "check with meta exited $?"; }
grep -qx "$TMP/meta.jsonl: 4 records, recorded by melee 0.1.0 with seed 3" "$TMP/o" ||
    { cat "$TMP/o"; fail "check does not say what recorded the file"; }
grep -qx "workload counter (meta record), judged at isolation repeatable-read (meta record)" "$TMP/o" ||
    { cat "$TMP/o"; fail "check did not take workload and level from the meta record"; }
grep -qx "checker counter: valid" "$TMP/o" || { cat "$TMP/o"; fail "check verdict"; }
"$MELEE" check "$TMP/meta.jsonl" -i read-committed >"$TMP/o" 2>&1 || fail "check -i exited $?"
grep -qx "workload counter (meta record), judged at isolation read-committed (--isolation; the run used repeatable-read)" \
    "$TMP/o" || { cat "$TMP/o"; fail "--isolation does not override the meta record"; }
history old ''
"$MELEE" check "$TMP/old.jsonl" >"$TMP/o" 2>&1 || fail "check without meta exited $?"
grep -qx "$TMP/old.jsonl: 4 records" "$TMP/o" || { cat "$TMP/o"; fail "check of a file without meta"; }
grep -qx "workload counter (guessed from the operations), judged at isolation serializable (default, the file does not name one)" \
    "$TMP/o" || { cat "$TMP/o"; fail "check without meta: no guess or default"; }
history badiso '{"type":"meta","workload":"counter","isolation":"snapshot"}'
"$MELEE" check "$TMP/badiso.jsonl" 2>"$TMP/e" >/dev/null; expect_status 2 $? "meta with an unknown level"
grep -q "meta record names an unknown isolation level 'snapshot'" "$TMP/e" || fail "unknown level message: $(cat "$TMP/e")"
"$MELEE" check "$TMP/badiso.jsonl" -i serializable >/dev/null 2>&1 || fail "-i does not override a meta level it cannot use"
history badwl '{"type":"meta","workload":"queue"}'
"$MELEE" check "$TMP/badwl.jsonl" 2>"$TMP/e" >/dev/null; expect_status 2 $? "meta with an unknown workload"
grep -q "no checker for workload 'queue' (meta record" "$TMP/e" || fail "unknown workload message: $(cat "$TMP/e")"
"$MELEE" check "$TMP/badwl.jsonl" -w counter >"$TMP/o" 2>&1 || fail "-w does not override a meta workload it cannot use"
grep -q "^workload counter (--workload; the meta record says queue)" "$TMP/o" || { cat "$TMP/o"; fail "-w over meta"; }
{ echo "$ops" | head -n 1; echo '{"type":"meta","workload":"counter"}'; } >"$TMP/late.jsonl"
"$MELEE" check "$TMP/late.jsonl" 2>"$TMP/e" >/dev/null; expect_status 2 $? "meta not first"
grep -q "late.jsonl:2: a meta record may only be the first line" "$TMP/e" || fail "late meta message: $(cat "$TMP/e")"
