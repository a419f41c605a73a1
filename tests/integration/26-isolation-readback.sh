#!/usr/bin/env bash
# Every session reads its isolation level back. A session where the level
# cannot be set (here a physical replication connection: the server
# refuses SQL there, so SET fails and SHOW reports the default, read
# committed) must stop the run with exit 2 and a message naming the level
# asked for and the one the server runs, instead of running at the
# server's default while the checker judges it at the claimed level. The
# same server over an ordinary connection must run fine.
. "$(dirname "$0")/lib.sh"
"$MELEE" --headless -t 1 -c read -D 60 >"$TMP/host.out" 2>"$TMP/host.err" &
host=$!
stop_host() { kill "$host" 2>/dev/null; wait "$host" 2>/dev/null; }
wait_for_text "$TMP/host.err" 'target host=' 30 || { stop_host; fail "melee did not start"; }
read -r dir port < <(server_from_stderr "$TMP/host.err")
dsn="host=$dir port=$port user=postgres dbname=postgres"

note "a session whose level cannot be set"
"$MELEE" --headless -w bank -i serializable -D 5 -d "$dsn replication=true" \
    --summary-json "$TMP/bad.json" >"$TMP/bad.out" 2>"$TMP/bad.err"
rc=$?
cat "$TMP/bad.err"
[ $rc -eq 2 ] || { stop_host; fail "exit status $rc, expected 2"; }
grep -q 'isolation level SERIALIZABLE' "$TMP/bad.err" || { stop_host; fail "the message does not name the level asked for"; }
grep -q 'read committed' "$TMP/bad.err" || { stop_host; fail "the message does not name the level the server runs"; }

note "the same server over an ordinary connection"
"$MELEE" --headless -w bank -i serializable -D 3 -d "$dsn" >"$TMP/good.out" 2>"$TMP/good.err"
rc=$?
[ $rc -eq 0 ] || { tail -n 20 "$TMP/good.out" "$TMP/good.err"; stop_host; fail "ordinary run exited $rc"; }
grep -q 'isolation serializable' "$TMP/good.out" || { stop_host; fail "the report does not show the level"; }
stop_host
echo ok
