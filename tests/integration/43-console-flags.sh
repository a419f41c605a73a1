#!/usr/bin/env bash
# The flags dialog: it shows the server's current values; a candidate
# picked with Right/Left and set with Enter, a value typed after e, and a
# reset with r all reach the server (checked with psql over a separate
# connection); a value the server refuses shows its error; u reads every
# value again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
command -v psql >/dev/null || { echo "skip: psql is not installed"; exit 77; }

# No worker flips flags here, so what psql sees is what the console did.
cat >"$TMP/p.yaml" <<'EOF'
name: flags-test
run:
  threads: 2
  complexity: read
weights:
  read: {flip_flag: 0}
  fetch: {flip_flag: 0}
flags:
  work_mem: ["4MB", "64MB", "8MB"]
  enable_seqscan: ["on", "off"]
  lock_timeout: ["0", "50ms", "1s"]
EOF

# show NAME: the server's value, read over a new connection.
show() { con_psql "SHOW $1" 2>&1; }
# wait_show NAME VALUE SECONDS
wait_show() {
    local i v
    for ((i = 0; i < $3 * 10; i++)); do
        v=$(show "$1")
        [ "$v" = "$2" ] && return 0
        sleep 0.1
    done
    fail "the server says $1 = '$v', expected '$2'"
}
# frow NAME: the flag's row in the dialog, box frame removed.
frow() { con_screen | sed -n 's/^[^│]*│//p' | awk -v f="$1" '$1 == f { print; exit }'; }
# frow_wait NAME REGEX WHAT: waits until the flag's row matches.
frow_wait() {
    local i
    for ((i = 0; i < 50; i++)); do
        frow "$1" | grep -Eq -- "$2" && return 0
        sleep 0.1
    done
    con_dump
    fail "$3: the $1 row is '$(frow "$1")'"
}

con_start 120 40 -p "$TMP/p.yaml" -s 14
[ "$(show work_mem)" = 4MB ] || fail "work_mem does not start at 4MB"
con_keys f
con_expect 'Server flags' 5 "f opens the flags dialog"
con_expect 'FLAG +NOW +CANDIDATES' 5 "the dialog's columns"
con_expect_gone 'reading\.\.\.' 10 "the current values arrive"
frow_wait work_mem '^ *work_mem +4MB +\[4MB\] +64MB +8MB' "the work_mem row"
frow_wait enable_seqscan 'enable_seqscan +on +\[on\] +off' "the enable_seqscan row"

note "Right picks the next candidate, Enter sets it"
con_keys Home Right
frow_wait work_mem '\[64MB\]' "Right picks 64MB"
con_keys Enter
con_expect 'flag work_mem = 64MB applied' 10 "Enter sets the flag"
wait_show work_mem 64MB 10
con_wait 'work_mem +64MB' 5 || { con_dump; fail "the dialog does not show the new value"; }
con_keys Left Left
frow_wait work_mem '\[8MB\]' "Left Left wraps round to 8MB"
con_keys Enter
con_expect 'flag work_mem = 8MB applied' 10 "Enter sets the wrapped-round pick"
wait_show work_mem 8MB 10

note "e types a value, r resets"
con_keys Down
con_keys e
con_keys C-u
con_text off
con_keys Enter
con_expect 'flag enable_seqscan = off applied' 10 "a typed value"
wait_show enable_seqscan off 10
con_keys r
con_expect 'flag enable_seqscan reset' 10 "r resets"
wait_show enable_seqscan on 10

note "the server's error for a bad value; u reads again"
con_keys Down
con_keys =
con_keys C-u
con_text banana
con_keys Enter
con_expect 'flag lock_timeout: .*invalid value' 10 "the server's error is shown"
[ "$(show lock_timeout)" = 0 ] || fail "a refused value changed lock_timeout"
con_keys e
con_keys Escape
con_expect 'lock_timeout +0' 5 "Esc cancels typing"
con_keys u
con_expect 'reading every flag again' 5 "u reads again"
con_expect_gone 'reading\.\.\.' 10 "the values arrive again"
con_keys End
con_keys Right
con_keys Enter
con_expect 'flag lock_timeout = 50ms applied' 10 "End, Right, Enter"
wait_show lock_timeout 50ms 10

con_keys Escape
con_expect_gone 'Server flags' 5 "Esc closes the dialog"
con_keys F3
con_expect 'Server flags' 5 "F3 opens the dialog"
con_keys q
con_expect_gone 'Server flags' 5 "q closes the dialog"
con_quit_expect 0
note ok
