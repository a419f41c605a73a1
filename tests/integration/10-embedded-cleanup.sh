#!/usr/bin/env bash
# The private server of a default run goes away with melee: after SIGINT
# and SIGTERM no postgres process of its directory is left and the
# directory is removed; after SIGKILL the server still stops.
. "$(dirname "$0")/lib.sh"

# postmaster_of PID: prints "PMPID DIR" of the server melee PID started.
postmaster_of() {
    ps -eo pid=,ppid=,args= | awk -v parent="$1" '
        $2 == parent && $3 ~ /\/postgres$/ {
            for (i = 4; i < NF; i++)
                if ($i == "-D" && $(i + 1) ~ /^\/tmp\/melee-pg-/) {
                    d = $(i + 1); sub(/\/data$/, "", d); print $1, d; exit
                }
        }'
}

# processes_in DIR: how many processes mention DIR on their command line.
processes_in() { ps -eo args= | grep -F -- "$1" | grep -vc grep; }

# gone PID SECONDS: true once PID has exited (a zombie counts as exited).
gone() {
    local i state
    for ((i = 0; i < $2 * 10; i++)); do
        state=$(ps -o state= -p "$1" 2>/dev/null) || return 0
        [ "$state" = Z ] && return 0
        sleep 0.1
    done
    return 1
}

# start_melee: starts a default embedded run; sets MELEE_PID, PM_PID, DIR.
start_melee() {
    "$MELEE" --headless --duration 30 >"$TMP/out" 2>"$TMP/err" &
    MELEE_PID=$!
    disown "$MELEE_PID"   # no job report when it is killed; `gone` watches it
    local i found=""
    for ((i = 0; i < 300; i++)); do
        found=$(postmaster_of "$MELEE_PID")
        [ -n "$found" ] && break
        kill -0 "$MELEE_PID" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$found" ] || { cat "$TMP/err"; kill -9 "$MELEE_PID" 2>/dev/null; fail "no private server appeared"; }
    read -r PM_PID DIR <<<"$found"
    note "melee $MELEE_PID, postmaster $PM_PID, directory $DIR"
}

# stop_melee SIGNAL: signals melee and waits for it to exit; BACKENDS
# lists the server's other processes as they were just before.
stop_melee() {
    BACKENDS=$(ps -o pid= --ppid "$PM_PID" | tr -d ' ' | tr '\n' ' ')
    kill -s "$1" "$MELEE_PID"
    gone "$MELEE_PID" 30 || { kill -9 "$MELEE_PID"; fail "melee did not exit after SIG$1"; }
}

# server_gone WHAT: the postmaster and every process it had are gone.
server_gone() {
    local p
    gone "$PM_PID" 10 || fail "$1: the postmaster $PM_PID still runs"
    for p in $BACKENDS; do
        gone "$p" 10 || fail "$1: server process $p still runs"
    done
}

expect_clean() {  # WHAT
    server_gone "$1"
    local left
    left=$(processes_in "$DIR")
    [ "$left" -eq 0 ] || fail "$1: $left processes of $DIR remain"
    [ ! -e "$DIR" ] || fail "$1: $DIR was not removed"
}

# SIGINT once the run is going.
start_melee
wait_for_text "$TMP/err" 'target host=' 30 || { cat "$TMP/err"; kill -9 "$MELEE_PID"; fail "the run did not start"; }
sleep 1
stop_melee INT
expect_clean "SIGINT during the run"

# SIGTERM as soon as the server exists, perhaps while it still starts.
start_melee
stop_melee TERM
expect_clean "SIGTERM during start-up"

# SIGKILL: no cleanup can run in melee, but the server must not outlive it.
start_melee
wait_for_text "$TMP/err" 'target host=' 30 || { kill -9 "$MELEE_PID"; fail "the run did not start"; }
stop_melee KILL
server_gone "SIGKILL"
rm -rf "$DIR"
note "clean after SIGINT, SIGTERM and SIGKILL"
