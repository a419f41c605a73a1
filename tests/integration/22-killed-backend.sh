#!/usr/bin/env bash
# A backend killed from outside (SIGKILL: the server restarts every
# session) is reported as a crash and the run exits 1.
. "$(dirname "$0")/lib.sh"
"$MELEE" --headless -t 4 -c read -D 20 --summary-json "$TMP/s.json" >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for_text "$TMP/err" 'target host=' 30 || { kill $pid; fail "melee did not start"; }
read -r dir port < <(server_from_stderr "$TMP/err")
sleep 2
victim=$(psql -XAt -h "$dir" -p "$port" -U postgres -d postgres \
    -c "SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'melee-w%' LIMIT 1")
[ -n "$victim" ] || { kill $pid; fail "no worker backend found"; }
note "killing backend $victim"
kill -9 "$victim"
wait $pid
rc=$?
expect_status 1 $rc "run with a killed backend"
[ "$(json_int "$TMP/s.json" crashes)" -ge 1 ] || fail "no crash counted"
grep -q '\[crash\]' "$TMP/out" || fail "report shows no crash"
grep -q 'terminated by signal 9' "$TMP/out" || fail "the server log line was not surfaced"
