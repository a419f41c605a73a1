# Helpers for the console tests (sourced after lib.sh). Each test runs the
# real binary in a detached tmux session on a private tmux server, types
# with send-keys and asserts on what capture-pane shows. Everything waits
# by polling the screen with a timeout, never by a fixed sleep, so a slow
# or busy machine only makes a test slower.
command -v tmux >/dev/null || { echo "skip: tmux is not installed"; exit 77; }

CON_SOCK="melee-test-$$"
CON_T="con"
# tmux itself runs in UTF-8; each melee gets CON_LANG (default C.UTF-8).
export LANG=C.UTF-8
unset LC_ALL LC_CTYPE NO_COLOR

con_tmux() { tmux -L "$CON_SOCK" -f /dev/null "$@"; }

# con_cleanup: stops the tmux server (and melee with it, if still running).
con_cleanup() {
    local pid
    pid=$(cat "$TMP/con.pid" 2>/dev/null)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    fi
    con_tmux kill-server 2>/dev/null
    rm -rf "$TMP"
}
trap con_cleanup EXIT

# con_start COLS LINES ARGS...: starts melee ARGS in a COLSxLINES terminal
# (a new tmux window; TERM is CON_TERM, default tmux-256color, LANG is
# CON_LANG, and CON_ENV is put before the command, e.g. NO_COLOR=1).
# Its stderr goes to $TMP/err, its exit status to $TMP/rc, and its pid to
# $TMP/con.pid. Waits for the thread table, and sets SERVER_DIR and
# SERVER_PORT from the target line melee prints before the console opens.
con_start() {
    local cols=$1 lines=$2; shift 2
    rm -f "$TMP/rc" "$TMP/err" "$TMP/con.pid"
    local q="" a
    for a in "$MELEE" "$@"; do q+=" $(printf '%q' "$a")"; done
    cat >"$TMP/run.sh" <<EOF
cd $(printf '%q' "$TMP")
echo \$\$ >con.pid
exec 2>err
export LANG=${CON_LANG:-C.UTF-8}
${CON_ENV:-} exec$q
EOF
    # The wrapper replaces itself with melee, so con.pid is melee's pid; a
    # second shell waits for it, records its status and keeps the pane
    # alive, so that the terminal state melee left can be looked at.
    cat >"$TMP/wrap.sh" <<EOF
bash $(printf '%q' "$TMP/run.sh")
echo \$? >$(printf '%q' "$TMP/rc")
exec sleep 3600
EOF
    con_tmux kill-session -t "$CON_T" 2>/dev/null
    # Killing the last session ends the tmux server; a new session asked of
    # it while it exits fails ("server exited unexpectedly"): ask again.
    local try
    for try in 1 2 3 4 5; do
        con_tmux new-session -d -s "$CON_T" -x "$cols" -y "$lines" \
            "TERM=${CON_TERM:-tmux-256color} bash $(printf '%q' "$TMP/wrap.sh")" && break
        sleep 0.2
    done
    con_tmux set-option -t "$CON_T" remain-on-exit on >/dev/null
    con_tmux set-option -t "$CON_T" history-limit 5000 >/dev/null
    con_wait ' ID ' 60 || { con_dump; fail "the thread table did not appear"; }
    local s
    s=$(server_from_stderr "$TMP/err") || fail "melee printed no target line"
    read -r SERVER_DIR SERVER_PORT <<<"$s"
    note "melee $(cat "$TMP/con.pid"), server $SERVER_DIR port $SERVER_PORT"
}

# con_screen: prints the visible screen.
con_screen() { con_tmux capture-pane -t "$CON_T" -p; }

# con_dump: prints the screen and melee's stderr (for failures).
con_dump() {
    echo "----- screen -----"
    con_screen
    echo "----- stderr -----"
    cat "$TMP/err" 2>/dev/null
    echo "------------------"
}

# con_keys KEY...: types keys (tmux key names: Enter, Escape, F1, Space...).
con_keys() { con_tmux send-keys -t "$CON_T" "$@"; }

# con_text TEXT: types TEXT literally.
con_text() { con_tmux send-keys -t "$CON_T" -l "$1"; }

# con_wait REGEX SECONDS: waits until the screen matches (grep -E).
con_wait() {
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        con_screen | grep -Eq -- "$1" && return 0
        sleep 0.05
    done
    return 1
}

# con_wait_gone REGEX SECONDS: waits until the screen no longer matches.
con_wait_gone() {
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        con_screen | grep -Eq -- "$1" || return 0
        sleep 0.05
    done
    return 1
}

# con_expect REGEX SECONDS WHAT: con_wait or fail with the screen.
con_expect() {
    con_wait "$1" "$2" || { con_dump; fail "$3: no '$1' on screen"; }
}

# con_expect_gone REGEX SECONDS WHAT
con_expect_gone() {
    con_wait_gone "$1" "$2" || { con_dump; fail "$3: '$1' still on screen"; }
}

# con_resize COLS LINES
con_resize() { con_tmux resize-window -t "$CON_T" -x "$1" -y "$2"; }

# con_alive: melee still runs.
con_alive() { [ ! -e "$TMP/rc" ] && kill -0 "$(cat "$TMP/con.pid")" 2>/dev/null; }

# con_wait_exit SECONDS: waits for melee to exit; prints its status.
con_wait_exit() {
    local i
    for ((i = 0; i < $1 * 10; i++)); do
        [ -s "$TMP/rc" ] && { cat "$TMP/rc"; return 0; }
        sleep 0.1
    done
    return 1
}

# con_history: the whole pane, scrollback included (the report melee
# prints after the console closes).
con_history() { con_tmux capture-pane -t "$CON_T" -p -J -S - -E -; }

# con_cell ID COLUMN: the text of COLUMN (a header title: OK, STATE...) in
# the thread table row of worker ID, from the screen as it is now. Column
# positions come from the header line; right-aligned columns end where
# their title ends, left-aligned ones start where it starts.
con_cell() {
    local id=$1 col=$2 screen hdr row line start end
    screen=$(con_screen)
    hdr=$(grep -m1 -E '^ +ID ' <<<"$screen") || return 1
    while IFS= read -r line; do
        [[ "${line:1}" =~ ^\ *([0-9]+)\  ]] || continue
        [ "${BASH_REMATCH[1]}" = "$id" ] && { row=$line; break; }
    done < <(sed -n '/^ *ID /,/^─/p' <<<"$screen")
    [ -n "${row:-}" ] || return 1
    local pre=${hdr%%" $col "*}
    [ "$pre" != "$hdr" ] || pre=${hdr%%" $col"}
    start=$((${#pre} + 1))
    end=$((start + ${#col}))
    case $col in
        ID | TIME | OK | IGN | UNX | LAT)   # right-aligned: scan left from the end
            local s=$((end - 1))
            while [ $s -gt 0 ] && [ "${row:s-1:1}" != " " ]; do s=$((s - 1)); done
            echo "${row:s:end-s}" ;;
        *)  local rest=${row:start}
            echo "${rest%%  *}" ;;
    esac
}

# con_ok ID: the OK count of worker ID as an integer (fails on "1.2k").
con_ok() {
    local v
    v=$(con_cell "$1" OK) || return 1
    [[ "$v" =~ ^[0-9]+$ ]] || return 1
    echo "$v"
}

# con_wait_ok_above ID N SECONDS: waits until worker ID's OK count > N.
con_wait_ok_above() {
    local i v
    for ((i = 0; i < $3 * 10; i++)); do
        v=$(con_ok "$1") && [ "$v" -gt "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# con_wait_state ID REGEX SECONDS: waits until worker ID's STATE matches
# REGEX, or fails with the screen.
con_wait_state() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        [[ "$(con_cell "$1" STATE)" =~ $2 ]] && return 0
        sleep 0.1
    done
    con_dump
    fail "thread $1 never got to state '$2'"
}

# con_wrow LIST ACTION: "WEIGHT OK" of ACTION's row of LIST in the weights
# dialog (an FSM workload's transitions are rows of dml_nontrans).
con_wrow() {
    con_screen | sed -n 's/^[^│]*│//p' |
        awk -v l="$1" -v a="$2" '$1 == l && $2 == a { print $3, $4; exit }'
}

# con_wok LIST ACTION: the OK count of that row (an integer), or fail.
con_wok() {
    local r
    r=$(con_wrow "$1" "$2")
    [[ "${r#* }" =~ ^[0-9]+$ ]] || { con_dump; fail "cannot read the OK count of $2 ('$r')"; }
    echo "${r#* }"
}

# con_wait_wok_above LIST ACTION N SECONDS: waits until that row's OK
# count is above N, or fails with the screen.
con_wait_wok_above() {
    local i r
    for ((i = 0; i < $4 * 10; i++)); do
        r=$(con_wrow "$1" "$2")
        [[ "${r#* }" =~ ^[0-9]+$ ]] && [ "${r#* }" -gt "$3" ] && return 0
        sleep 0.1
    done
    con_dump
    fail "$2's OK count stays at or below $3"
}

# postgres_left DIR: how many processes still run from the server DIR.
postgres_left() { ps -eo args= | grep -F -- "$1" | grep -v grep | grep -c postgres; }

# con_expect_server_gone WHEN: waits up to 10 s for the run's server to
# stop; fails when some of its processes or its directory are left.
con_expect_server_gone() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(postgres_left "$SERVER_DIR")" -eq 0 ] && break
        sleep 0.1
    done
    [ "$(postgres_left "$SERVER_DIR")" -eq 0 ] || fail "postgres processes of $SERVER_DIR left $1"
    [ ! -e "$SERVER_DIR" ] || fail "the server directory $SERVER_DIR is still there $1"
}

# con_psql SQL: runs SQL on the run's server over a separate connection.
con_psql() {
    psql -X -A -t -h "$SERVER_DIR" -p "$SERVER_PORT" -U postgres -d postgres -c "$1"
}

# con_quit_expect STATUS: q, confirm, wait for exit; checks the status,
# the report and that the server is gone.
con_quit_expect() {
    con_keys q
    con_expect 'print the report and quit' 10 "quit asks"
    con_keys y
    local rc
    rc=$(con_wait_exit 60) || { con_dump; fail "melee did not exit after q y"; }
    [ "$rc" -eq "$1" ] || { con_history | tail -n 30; fail "exit status $rc, expected $1"; }
    con_history | grep -q '^seed: [0-9]' || { con_history | tail -n 30; fail "no report after quit"; }
    con_history | grep -q '^reproduce: ' || fail "the report lacks the reproduce line"
    con_expect_server_gone "after quit"
}
