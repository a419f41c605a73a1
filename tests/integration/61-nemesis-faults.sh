#!/usr/bin/env bash
# Each fault kind fires and heals, observed from outside the run: a kill
# changes the postmaster's pid; a pause leaves the server's processes in
# state T, and SIGINT in the middle of it leaves nothing stopped or
# running; a separate connection through the proxy is blocked during a
# partition and slowed by latency; the server's clock moves under the
# clock fault and comes back; a backend killed outside any fault is still
# a crash.
. "$(dirname "$0")/lib.sh"
command -v psql >/dev/null || { echo "skip: psql is not installed"; exit 77; }

# start_run NAME ARGS...: a headless run in the background (pid in $run).
start_run() {
    local name=$1
    shift
    "$MELEE" --headless -w bank -t 2 --seed 3 "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    run=$!
    wait_for_text "$TMP/$name.err" 'target host=' 60 || { kill $run; fail "$name: no start"; }
    read -r dir port < <(server_from_stderr "$TMP/$name.err")
}

# stage NAME TEXT: waits for a nemesis line on the run's stderr.
stage() { wait_for_text "$TMP/$1.err" "$2" 60 || { kill $run; fail "$1: no '$2'"; }; }

postmaster_pid() { head -n 1 "$dir/data/postmaster.pid" 2>/dev/null; }

# ---- kill: the postmaster's pid changes, the run goes on ----
note "kill"
start_run kill -D 14 --nemesis kill --nemesis-quiet 2 --nemesis-duration 1 \
    --nemesis-interval 30 --nemesis-recovery 2
before=$(postmaster_pid)
stage kill 'nemesis: start-kill'
kill -0 "$before" 2>/dev/null && fail "kill: postmaster $before still alive"
stage kill 'nemesis: stop-kill: restarted'
after=$(postmaster_pid)
[ -n "$after" ] && [ "$after" != "$before" ] || fail "kill: postmaster pid $before -> '$after'"
psql -XAtq -h "$dir" -p "$port" -U postgres -d postgres -c 'SELECT 1' >/dev/null ||
    fail "kill: the restarted server does not answer"
wait $run
grep -q 'checker bank: valid' "$TMP/kill.out" || fail "kill: verdict"

# ---- pause, then SIGINT while paused: healed, stopped, removed ----
note "pause and SIGINT"
start_run pause -D 60 --nemesis pause --nemesis-quiet 1 --nemesis-duration 40 \
    --nemesis-interval 30 --nemesis-recovery 1
stage pause 'nemesis: start-pause'
pm=$(postmaster_pid)
state=$(ps -o stat= -p "$pm")
[[ $state == T* ]] || fail "pause: postmaster $pm in state '$state', not T"
stopped=$(ps -eo stat=,args= | grep -F "$dir" | grep -c '^T') || true
[ "$stopped" -ge 1 ] || fail "pause: no stopped process"
kill -INT $run
wait $run
rc=$?
grep -q 'nemesis: stop-pause' "$TMP/pause.err" || fail "pause: no heal before the exit"
for _ in $(seq 50); do kill -0 "$pm" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pm" 2>/dev/null && fail "pause: postmaster $pm left behind (state $(ps -o stat= -p "$pm"))"
[ -d "$dir" ] && fail "pause: $dir left behind"
[ $rc -le 1 ] || fail "pause: exit $rc after SIGINT"

# ---- partition and latency through the proxy ----
note "partition and latency"
cat >"$TMP/net.yaml" <<'YAML'
nemesis:
  faults: [partition, latency]
  order: cycle
  quiet: 2
  interval: 3
  duration: 4
  recovery: 2
  latency: {ms: 400, jitter_ms: 0, direction: both}
YAML
start_run net -p "$TMP/net.yaml" -D 30 --history "$TMP/net.jsonl"
proxy=$(grep -o 'fault proxy on 127.0.0.1:[0-9]*' "$TMP/net.err" | sed 's/.*://')
[ -n "$proxy" ] || fail "net: no proxy port"
# With no fault active the workers talk to the server directly: the
# proxy's own sockets carried their session start-up, and no more.
if command -v ss >/dev/null; then
    sleep 1
    carried=$(ss -tni "( sport = :$proxy )" | grep -o 'bytes_received:[0-9]*' | cut -d: -f2 |
        sort -n | tail -n 1)
    note "most a worker sent through the proxy before any fault: ${carried:-0} bytes"
    [ -n "$carried" ] && [ "$carried" -lt 2000 ] || fail "net: the proxy carried the workers' statements"
fi
through() { timeout "$1" psql -XAtq -h 127.0.0.1 -p "$proxy" -U postgres -d postgres -c 'SELECT 1'; }
through 5 >/dev/null || fail "net: no answer through the proxy before the faults"
stage net 'nemesis: start-partition'
through 2 >/dev/null && fail "net: a connection passed the partition"
stage net 'nemesis: stop-partition'
through 5 >/dev/null || fail "net: no answer after the partition healed"
stage net 'nemesis: start-latency'
t0=$(date +%s%N)
through 10 >/dev/null || fail "net: no answer under latency"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
note "psql through 400 ms of latency each way: $ms ms"
[ "$ms" -ge 1600 ] || fail "net: psql took $ms ms under latency"
wait $run
grep -q 'checker bank: valid' "$TMP/net.out" || fail "net: verdict"
# The workers' own statements felt the faults: none completed while the
# partition held, and every one begun under latency took both delays.
python3 - "$TMP/net.jsonl" <<'PY' || fail "net: the workers' operations did not feel the faults"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ops = [r for r in recs if r.get("type") != "meta" and r.get("process") != "nemesis"]
def window(kind):
    start = next(r["time"] for r in recs if r.get("f") == "start-" + kind)
    stop = next(r["time"] for r in recs if r.get("f") == "stop-" + kind and r["time"] > start)
    return start, stop
ms = 1000000
p0, p1 = window("partition")
done = [r for r in ops if r["type"] == "ok" and p0 + 100 * ms < r["time"] < p1]
print("operations completed inside the partition:", len(done))
l0, l1 = window("latency")
invoked = {}
slow = []
for r in ops:
    key = r["process"]
    if r["type"] == "invoke":
        invoked[key] = r["time"]
    elif key in invoked and l0 + 50 * ms < invoked[key] < l1 - 1000 * ms:
        slow.append((r["time"] - invoked[key]) / ms)
print("operations begun under latency:", len(slow), "shortest %.0f ms" % min(slow) if slow else "")
sys.exit(0 if not done and slow and min(slow) >= 800 else 1)
PY

# ---- open files: 64 workers through the proxy need about 420 ----
note "open files"
if [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 1000 ]; then
    (ulimit -Sn 200; "$MELEE" --headless -w bank -t 64 -D 2 --seed 3 --nemesis latency \
        --nemesis-quiet 86400 >"$TMP/fds.out" 2>"$TMP/fds.err") || fail "fds: exit status $?"
    grep -q 'open files are limited' "$TMP/fds.err" && fail "fds: the soft limit was not raised"
fi
(ulimit -Sn 200 -Hn 200; "$MELEE" --headless -w bank -t 64 -D 2 --seed 3 --nemesis latency \
    --nemesis-quiet 86400 >"$TMP/fds2.out" 2>"$TMP/fds2.err") || fail "fds2: exit status $?"
grep -q 'open files are limited to 200, and 64 workers through the fault proxy need' "$TMP/fds2.err" ||
    fail "fds2: no word on the open files limit: $(head -n 5 "$TMP/fds2.err")"

# ---- clock ----
if [ -z "$(ls /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 2>/dev/null)" ]; then
    note "clock: libfaketime is not installed: the kind must say so"
    "$MELEE" --headless -D 2 --nemesis clock >"$TMP/clock.out" 2>"$TMP/clock.err"
    grep -q 'clock: libfaketime is not installed' "$TMP/clock.err" || fail "clock: not reported unavailable"
    exit 0
fi
note "clock"
start_run clock -D 16 --nemesis clock --nemesis-quiet 2 --nemesis-duration 5 \
    --nemesis-interval 30 --nemesis-recovery 2
skew() {
    echo $(( $(psql -XAtq -h "$dir" -p "$port" -U postgres -d postgres \
        -c 'SELECT extract(epoch FROM clock_timestamp())::bigint') - $(date +%s) ))
}
s=$(skew)
[ "$s" -ge -2 ] && [ "$s" -le 2 ] || fail "clock: skew $s s before the fault"
stage clock 'nemesis: start-clock'
sleep 2.5
s=$(skew)
note "clock skew during the fault: $s s"
[ "$s" -ge 290 ] && [ "$s" -le 310 ] || fail "clock: skew $s s during the fault"
stage clock 'nemesis: stop-clock'
sleep 2.5
s=$(skew)
[ "$s" -ge -2 ] && [ "$s" -le 2 ] || fail "clock: skew $s s after the heal"
wait $run

# ---- a backend killed outside any fault window is still a crash ----
note "kill outside a fault"
start_run outside -D 8 --nemesis pause --nemesis-quiet 600 --summary-json "$TMP/outside.json"
sleep 2
victim=$(psql -XAt -h "$dir" -p "$port" -U postgres -d postgres \
    -c "SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'melee-w%' LIMIT 1")
[ -n "$victim" ] || { kill $run; fail "outside: no worker backend"; }
kill -9 "$victim"
wait $run
rc=$?
expect_status 1 $rc "a backend killed outside a fault"
[ "$(json_int "$TMP/outside.json" crashes)" -ge 1 ] || fail "outside: no crash counted"
