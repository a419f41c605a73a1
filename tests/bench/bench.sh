#!/usr/bin/env bash
# make bench: melee's engine against pgbench on the same private server.
# A profile of point SELECTs by primary key (profiles/point-select.yaml)
# with 8 threads versus `pgbench -S -c 8 -j 2`, for the same duration,
# in BENCH_ROUNDS alternating rounds (so that a change in the machine's
# load hits both alike), once per protocol: pgbench's -M simple against the
# custom action's `send: literals`, -M extended against `send: params`
# (melee's default), -M prepared against `send: prepared`. Prints each
# round's rates and ratio, and the median ratio of each pair. Then the cost
# of --report DIR (the per-second metrics) and of the fault proxy with no
# fault active, below. Not a test: it measures. BENCH_SECONDS and
# BENCH_ROUNDS set the rounds of the pgbench comparisons,
# BENCH_STEADY_SECONDS and BENCH_STEADY_ROUNDS those of the --report and
# proxy costs (the defaults keep `make bench` near nine minutes on two
# cores).
set -euo pipefail
MELEE=${1:-build/melee}
SECS=${BENCH_SECONDS:-6}
ROUNDS=${BENCH_ROUNDS:-3}
STEADY_SECS=${BENCH_STEADY_SECONDS:-10}
STEADY_ROUNDS=${BENCH_STEADY_ROUNDS:-6}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(pg_config --bindir 2>/dev/null || true)
[ -x "$BIN/initdb" ] || BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
DIR=$(mktemp -d /tmp/melee-bench.XXXXXX)
PORT=$((20000 + RANDOM % 20000))
AS=()
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; AS=(runuser -u postgres --); fi
cleanup() { "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -N -U postgres >/dev/null
"${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o \
    "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off -c shared_buffers=256MB" start >/dev/null
CONN="host=$DIR port=$PORT user=postgres dbname=postgres"
"$BIN/pgbench" -h "$DIR" -p "$PORT" -U postgres -i -s 1 -q postgres >/dev/null 2>&1
# pgbench_tps MODE: one pgbench -S round; prints its tps.
pgbench_tps() {
    "$BIN/pgbench" -h "$DIR" -p "$PORT" -U postgres -S -M "$1" -c 8 -j 2 -T "$SECS" postgres \
        2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1
}

# melee_rate CONNINFO SEND [OPTION...]: one melee round on CONNINFO with
# the custom action sending that way (and the options given); prints its
# ok operations per second and the melee process's CPU microseconds (user
# + system) per ok operation.
melee_rate() {
    local conninfo=$1 send=$2
    shift 2
    sed "s/^    list: dml_nontrans$/&\n    send: $send/" "$ROOT/profiles/point-select.yaml" \
        >"$DIR/profile.yaml"
    /usr/bin/time -f '%U %S' -o "$DIR/time" "$MELEE" --headless -d "$conninfo" \
        -p "$DIR/profile.yaml" -t 8 -D "$SECS" "$@" --summary-json "$DIR/summary.json" \
        >"$DIR/report" 2>"$DIR/err" || { tail -n 20 "$DIR/report" "$DIR/err" >&2; exit 1; }
    local ops dur
    ops=$(grep -o '"ok":[0-9]*' "$DIR/summary.json" | head -n 1 | cut -d: -f2)
    dur=$(grep -o '"duration_s":[0-9.]*' "$DIR/summary.json" | head -n 1 | cut -d: -f2)
    awk -v o="$ops" -v d="$dur" '{ printf "%.1f %.1f", o / d, ($1 + $2) * 1e6 / o }' "$DIR/time"
}

# ratio A B: A / B to three places.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# median VALUE...: the middle value (the lower one of an even count).
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "pgbench -S -c 8 -j 2 against melee point-select with 8 threads, $ROUNDS rounds of $SECS s"
summary=()
for pair in "simple literals" "extended params" "prepared prepared"; do
    set -- $pair
    ratios=()
    for ((i = 1; i <= ROUNDS; i++)); do
        pgb=$(pgbench_tps "$1")
        mel=$(melee_rate "$CONN" "$2")
        mel=${mel%% *}
        ratio=$(ratio "$mel" "$pgb")
        ratios+=("$ratio")
        printf '%-9s round %d: pgbench %10.1f tps   melee (send: %s) %10.1f ops/s   ratio %s\n' \
            "$1" "$i" "$pgb" "$2" "$mel" "$ratio"
    done
    median=$(median "${ratios[@]}")
    summary+=("$(printf 'median ratio, pgbench -M %-8s vs melee send: %-8s  %s' "$1" "$2" "$median")")
done

# The cost of --report: point selects with and without it, in
# STEADY_ROUNDS pairs whose order alternates (without first, then with
# first) so that a drift of the machine's load hits both alike. Each run
# is measured in its steady state, from second 3 to the last whole second
# of its progress lines (connecting, preparing, the first seconds' warm-up
# and the end-of-run page left out): the rate of ok operations, which the goal is about (within
# 3%), and melee's own CPU time per operation over the same seconds (all
# its threads, from /proc/PID/task/*/schedstat), which says what --report
# costs the client even when the server's rate wanders.
STEADY_FIRST=3
STEADY_LAST=$((STEADY_SECS - 1))
[ "$STEADY_LAST" -gt "$STEADY_FIRST" ] || { echo "BENCH_STEADY_SECONDS must be 5 or more" >&2; exit 2; }
# cpu_ns PID: nanoseconds on a CPU, every thread of the process.
cpu_ns() {
    cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d", s }'
}
# steady_at PID SECOND: waits for the progress line of that second; prints
# its ok count and the process's CPU time then.
steady_at() {
    local line=""
    while kill -0 "$1" 2>/dev/null; do
        line=$(grep -m 1 "^progress: *$2\.[0-9] s" "$DIR/err" || true)
        [ -n "$line" ] && break
        sleep 0.01
    done
    [ -n "$line" ] || { tail -n 20 "$DIR/err" >&2; exit 1; }
    echo "$(echo "$line" | sed 's/.* ok \([0-9]*\),.*/\1/') $(cpu_ns "$1")"
}
# melee_steady CONNINFO [OPTION...]: one point-select run (send: params);
# prints its steady rate (ok/s) and melee's CPU microseconds per ok
# operation.
melee_steady() {
    local conninfo=$1
    shift
    sed "s/^    list: dml_nontrans$/&\n    send: params/" "$ROOT/profiles/point-select.yaml" \
        >"$DIR/profile.yaml"
    : >"$DIR/err"     # no progress line of the run before
    "$MELEE" --headless -d "$conninfo" -p "$DIR/profile.yaml" -t 8 -D "$STEADY_SECS" "$@" \
        >"$DIR/report" 2>"$DIR/err" &
    local pid=$! at1 at2 ok1 cpu1 ok2 cpu2
    at1=$(steady_at $pid "$STEADY_FIRST")
    at2=$(steady_at $pid "$STEADY_LAST")
    read -r ok1 cpu1 <<<"$at1"
    read -r ok2 cpu2 <<<"$at2"
    wait $pid || { tail -n 20 "$DIR/report" "$DIR/err" >&2; exit 1; }
    awk -v o=$((ok2 - ok1)) -v c=$((cpu2 - cpu1)) -v s=$((STEADY_LAST - STEADY_FIRST)) \
        'BEGIN { printf "%.1f %.2f", o / s, c / 1000 / o }'
}
# steady_pairs TAG A B CONNINFO OPTION...: STEADY_ROUNDS pairs of
# melee_steady runs on CONNINFO, A without OPTION... and B with them, the
# order alternating; prints each round, and sets pair_medians to the
# median B/A ratio of the rates and of melee's CPU per operation.
steady_pairs() {
    local tag=$1 a=$2 b=$3 conninfo=$4 i x y x_rate x_cpu y_rate y_cpu rate cpu
    shift 4
    local rates=() cpus=()
    for ((i = 1; i <= STEADY_ROUNDS; i++)); do
        rm -rf "$DIR/run-report"
        if ((i % 2)); then
            x=$(melee_steady "$conninfo")
            y=$(melee_steady "$conninfo" "$@")
        else
            y=$(melee_steady "$conninfo" "$@")
            x=$(melee_steady "$conninfo")
        fi
        read -r x_rate x_cpu <<<"$x"
        read -r y_rate y_cpu <<<"$y"
        rate=$(ratio "$y_rate" "$x_rate")
        cpu=$(ratio "$y_cpu" "$x_cpu")
        rates+=("$rate")
        cpus+=("$cpu")
        printf '%-8s round %d: %s %10.1f ops/s %6.2f us CPU/op   %s %10.1f ops/s %6.2f us CPU/op   rate ratio %s   CPU ratio %s\n' \
            "$tag" "$i" "$a" "$x_rate" "$x_cpu" "$b" "$y_rate" "$y_cpu" "$rate" "$cpu"
    done
    pair_medians="$(median "${rates[@]}") (melee CPU per operation: $(median "${cpus[@]}"))"
}
echo "point selects with and without --report, $STEADY_ROUNDS rounds of $STEADY_SECS s (steady seconds $STEADY_FIRST-$STEADY_LAST)"
steady_pairs report without "with --report" "$CONN" --report "$DIR/run-report"
summary+=("median ratio, point selects with --report vs without:       $pair_medians")
printf '%s\n' "${summary[@]}"

# The fault proxy's cost when no fault is active: the same point SELECTs
# over TCP straight to the server, and through the proxy of a run whose
# network fault never starts (quiet longer than the run), in pairs whose
# order alternates, over the steady seconds as above. Each worker adopts
# its connection once connected and, while no fault acts, talks to the
# server directly (README, "Faults"); the proxy carries the start-up only.
echo "point selects over TCP, straight vs through the fault proxy (no fault active), $STEADY_ROUNDS rounds of $STEADY_SECS s (steady seconds $STEADY_FIRST-$STEADY_LAST)"
TCP="host=127.0.0.1 port=$PORT user=postgres dbname=postgres"
steady_pairs proxy straight "through the proxy" "$TCP" --nemesis latency --nemesis-quiet 86400
echo "median ratio, point selects through the fault proxy vs straight: $pair_medians"
