#!/usr/bin/env bash
# bench-idle.sh - what paused workers cost: the real console in a tmux
# window (the embedded server, IDLE_THREADS worker threads, default 256),
# P pauses every thread, and once no worker's backend is busy any more
# (and two seconds later, for the last ones to reach their pause) the melee
# process's CPU time (user + system, from /proc/PID/stat, every thread of
# it: workers, console, lock watcher) is read over IDLE_SECONDS (default
# 20) and printed as a percentage of one core. The server's processes are
# not counted. Not a test: it measures. Exit status 77 when melee is not
# built or tmux is missing.
#
#   tests/bench/bench-idle.sh            (after make; MELEE=path overrides)
#   IDLE_THREADS=64 IDLE_SECONDS=20 tests/bench/bench-idle.sh
cd "$(dirname "$0")/../.." || exit 1
MELEE=${MELEE:-build/melee}
[ -x "$MELEE" ] || { echo "bench-idle: $MELEE is not built; run make first" >&2; exit 77; }
export MELEE=$(realpath "$MELEE")   # melee starts in a temporary directory
THREADS=${IDLE_THREADS:-256}
SECS=${IDLE_SECONDS:-20}
# The console test helpers: con_start, con_keys, con_quit_expect... (they
# expect errexit off, as in the tests).
. tests/integration/lib.sh
. tests/integration/console_lib.sh

# cpu_ticks PID: user + system clock ticks of the process, all threads.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# busy_backends: worker backends that are not idle (a statement or a
# transaction still open); none once every worker holds in its pause.
busy_backends() {
    con_psql "SELECT count(*) FROM pg_stat_activity
              WHERE application_name LIKE 'melee-w%' AND state <> 'idle'"
}

con_start 160 50 -t "$THREADS" -c read -s 7
con_wait "threads $THREADS " 120 || { con_dump; fail "the $THREADS threads did not start"; }
con_keys P
con_expect "threads $THREADS \\($THREADS paused\\)" 10 "P pauses every thread"
for ((i = 0; i < 600 && $(busy_backends) > 0; i++)); do sleep 0.1; done
[ "$(busy_backends)" -eq 0 ] || { con_dump; fail "workers still busy after P"; }
sleep 2   # let the last workers reach their pause and the screen settle
pid=$(cat "$TMP/con.pid")
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks "$pid")
s0=$(date +%s.%N)
sleep "$SECS"
t1=$(cpu_ticks "$pid")
s1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v hz="$hz" -v x="$s0" -v y="$s1" -v n="$THREADS" 'BEGIN {
    printf "idle: %d paused threads, console open: melee used %.2f%% of a core over %.1f s\n",
        n, 100 * (b - a) / hz / (y - x), y - x }'
con_quit_expect 0
