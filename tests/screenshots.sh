#!/usr/bin/env bash
# Screenshots of the real console: melee runs in a tmux session that an
# xterm on a virtual X display (Xvfb) shows; tmux types the keys and tells
# when the screen is ready, ImageMagick's import grabs the xterm window.
#   tests/screenshots.sh MELEE "PACKAGES"      (make screenshots)
# Writes screenshots/main.png, weights.png, flags.png, error-detail.png,
# small-80x24.png and faults.png (the nemesis dialog during a pause); then
# report.png, the run report of a minute of DML with cancels and
# terminations, as headless Chromium shows it.
set -u
melee=${1:-build/melee}
packages=${2:-xvfb xterm imagemagick fonts-dejavu-core chromium}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/screenshots"
case $melee in /*) ;; *) melee="$PWD/$melee" ;; esac
[ -x "$melee" ] || { echo "screenshots: $melee is not built" >&2; exit 1; }

# ---- the packages: install the missing ones as root, else say how ----
missing=""
for p in $packages tmux; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "screenshots: missing Debian packages:$missing"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; } ||
            { echo "screenshots: apt-get failed; install them with: apt-get install$missing" >&2; exit 1; }
    else
        echo "screenshots: install them with: sudo apt-get install$missing" >&2
        exit 1
    fi
fi

work=$(mktemp -d /tmp/melee-shots.XXXXXX)
sock="melee-shots-$$"
xpid=""
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
    local pid
    for f in "$work"/*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        kill -TERM "$pid" 2>/dev/null
    done
    sleep 1
    tm kill-server 2>/dev/null
    [ -n "$xpid" ] && kill "$xpid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# ---- a virtual display ----
display=""
for n in $(seq 90 120); do
    [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] && continue
    Xvfb ":$n" -screen 0 2400x1500x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
    xpid=$!
    for _ in $(seq 50); do
        [ -e "/tmp/.X11-unix/X$n" ] && break
        sleep 0.1
    done
    if kill -0 "$xpid" 2>/dev/null && [ -e "/tmp/.X11-unix/X$n" ]; then
        display=":$n"
        break
    fi
done
[ -n "$display" ] || { echo "screenshots: Xvfb did not start" >&2; cat "$work/xvfb.log" >&2; exit 1; }
export DISPLAY=$display

# A demo profile: the default mixed DDL run, plus a planted internal error
# now and then, so the error tail has a finding to show.
cat >"$work/demo.yaml" <<'EOF'
name: demo
run:
  threads: 10
  complexity: ddl
lists:
  ddl: {read: 60, fetch: 30, write: 30, dml_nontrans: 30, ddl: 50}
weights:
  ddl: {drop_schema: 1}
custom_actions:
  - name: planted
    list: read
    weight: 20
    setup: |
      CREATE OR REPLACE FUNCTION melee_planted_bug(n int) RETURNS int LANGUAGE plpgsql AS $$
      BEGIN
        IF n % 9 = 0 THEN
          RAISE EXCEPTION 'planted internal error %', n USING ERRCODE = 'XX000',
            DETAIL = 'the function melee_planted_bug raises it for multiples of 9',
            HINT = 'a planted bug: melee must report it as unexpected';
        END IF;
        RETURN n;
      END $$
    sql: "SELECT melee_planted_bug({{n}})"
    params:
      n: {type: int, min: 1, max: 1000}
EOF

# wait_for SESSION REGEX SECONDS: waits until the session's screen matches.
wait_for() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        tm capture-pane -t "$1" -p | grep -Eq -- "$2" && return 0
        sleep 0.1
    done
    echo "screenshots: '$2' did not appear in $1; the screen was:" >&2
    tm capture-pane -t "$1" -p >&2
    return 1
}

# wait_gone SESSION REGEX SECONDS: waits until the screen no longer matches.
wait_gone() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        tm capture-pane -t "$1" -p | grep -Eq -- "$2" || return 0
        sleep 0.1
    done
    echo "screenshots: '$2' stayed in $1" >&2
    return 1
}

# open SESSION COLS LINES FONTSIZE ARGS...: melee ARGS in tmux, shown by an
# xterm of COLSxLINES cells; sets WID to the xterm's window id.
open() {
    local s=$1 cols=$2 lines=$3 fs=$4; shift 4
    local q="" a
    for a in "$melee" "$@"; do q+=" $(printf '%q' "$a")"; done
    cat >"$work/$s.sh" <<EOF
cd $(printf '%q' "$work")
echo \$\$ >$s.pid
exec 2>$s.err
exec$q
EOF
    tm new-session -d -s "$s" -x "$cols" -y "$lines" "LANG=C.UTF-8 TERM=tmux-256color bash $work/$s.sh"
    tm set-option -t "$s" status off >/dev/null
    tm set-option -t "$s" remain-on-exit on >/dev/null
    # The xterm writes its window id, then attaches to the session.
    xterm -geometry "${cols}x${lines}+0+0" -fa 'DejaVu Sans Mono' -fs "$fs" \
        -bg '#1b1d23' -fg '#d8dce4' -cr '#1b1d23' -bc +sb -b 6 -bw 0 \
        -xrm 'XTerm*termName: xterm-256color' -xrm 'XTerm*locale: true' \
        -xrm 'XTerm*color0: #1b1d23' -xrm 'XTerm*color8: #6b7280' \
        -xrm 'XTerm*color1: #ef5f5f' -xrm 'XTerm*color9: #ff7b7b' \
        -xrm 'XTerm*color2: #7ccf7a' -xrm 'XTerm*color10: #98e095' \
        -xrm 'XTerm*color3: #e5c06b' -xrm 'XTerm*color11: #f2d38a' \
        -xrm 'XTerm*color4: #6fa8f5' -xrm 'XTerm*color12: #8fbcff' \
        -xrm 'XTerm*color5: #c792ea' -xrm 'XTerm*color13: #d6a8f5' \
        -xrm 'XTerm*color6: #5fc7d3' -xrm 'XTerm*color14: #7fdbe6' \
        -xrm 'XTerm*color7: #c8ccd4' -xrm 'XTerm*color15: #ffffff' \
        -e bash -c "echo \$WINDOWID >$work/$s.wid; LANG=C.UTF-8 exec tmux -L $sock -f /dev/null attach -t $s" \
        >"$work/$s.xterm.log" 2>&1 &
    echo $! >"$work/$s.xterm.pid"
    local i
    for ((i = 0; i < 100; i++)); do
        [ -s "$work/$s.wid" ] && break
        sleep 0.1
    done
    WID=$(cat "$work/$s.wid" 2>/dev/null)
    [ -n "$WID" ] || { echo "screenshots: xterm did not start" >&2; cat "$work/$s.xterm.log" >&2; exit 1; }
    # tmux sizes the window to the attached client: keep it as asked.
    tm resize-window -t "$s" -x "$cols" -y "$lines" 2>/dev/null
}

# shot SESSION FILE: waits a moment for the terminal to paint, then grabs.
shot() {
    sleep 0.6
    import -window "$(cat "$work/$1.wid")" "$out/$2" || { echo "screenshots: import failed" >&2; exit 1; }
    echo "screenshots: $out/$2"
}

# finish SESSION: q, yes, and wait for melee to end.
finish() {
    tm send-keys -t "$1" q
    wait_for "$1" 'print the report and quit' 10 && tm send-keys -t "$1" y
    local pid i
    pid=$(cat "$work/$1.pid")
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$(cat "$work/$1.xterm.pid")" 2>/dev/null
}

mkdir -p "$out"

# ---- the main screen, the dialogs and an error in full ----
open big 170 48 11 -p "$work/demo.yaml" -s 4242
wait_for big ' ID ' 60 || exit 1
wait_for big 'UNEXPECTED' 90 || exit 1
sleep 25   # some seconds of the ops/s sparkline
# DDL storms stall the run now and then: shoot while it moves.
wait_for big 'ops/s ([3-9][0-9]|[0-9]{3,}) ' 60 || exit 1
shot big main.png

tm send-keys -t big w
wait_for big 'Action weights' 5 || exit 1
tm send-keys -t big Down Down Down Down
shot big weights.png
tm send-keys -t big Escape

tm send-keys -t big f
wait_for big 'Server flags' 5 || exit 1
wait_gone big 'reading\.\.\.' 30 || exit 1
tm send-keys -t big Down Down Down Down Down Right
shot big flags.png
tm send-keys -t big Escape

tm send-keys -t big Tab i
wait_for big 'ignored hidden' 5 || exit 1
tm send-keys -t big Enter
wait_for big 'reproduce:' 5 || exit 1
shot big error-detail.png
tm send-keys -t big Escape
finish big

# ---- the console at 80x24 ----
open small 80 24 12 -p "$work/demo.yaml" -s 4243 -t 6
wait_for small ' ID ' 60 || exit 1
sleep 10
wait_for small 'ops/s ([3-9][0-9]|[0-9]{3,}) ' 60 || exit 1
shot small small-80x24.png
finish small

# ---- faults: bank under the nemesis, shot while a pause is active ----
cat >"$work/faults.yaml" <<'EOF'
run:
  workload: bank
  threads: 6
nemesis:
  faults: [kill, partition, pause]
  order: cycle
  quiet: 3
  interval: 4
  duration: 6
EOF
open faults 150 44 11 -p "$work/faults.yaml" -s 4244
wait_for faults ' ID ' 60 || exit 1
wait_for faults 'pause +postmaster' 120 || exit 1
tm send-keys -t faults n
wait_for faults 'active: pause' 5 || exit 1
tm send-keys -t faults Down Down Down Down
shot faults faults.png
tm send-keys -t faults Escape
finish faults

# ---- the run report: a minute of DML with a few cancels and terminations ----
. "$root/tests/chromium.sh"
cat >"$work/report.yaml" <<'EOF'
name: report-demo
run:
  threads: 8
  complexity: dml
weights:
  read: {cancel: 1, terminate: 1}
  write: {cancel: 1, terminate: 1}
EOF
"$melee" --headless -p "$work/report.yaml" -s 4244 -D "${REPORT_SECONDS:-60}" \
    --report "$work/report" >"$work/report.out" 2>&1
[ -s "$work/report/index.html" ] || { echo "screenshots: no run report" >&2; tail "$work/report.out" >&2; exit 1; }
chromium_shot "$work/report/index.html" "$out/report.png" 1200 2300 ||
    { echo "screenshots: chromium failed" >&2; exit 1; }
echo "screenshots: $out/report.png"
