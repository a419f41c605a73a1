#!/usr/bin/env bash
# Pausing from the console: p pauses the selected thread (its OK count
# stops while the others go on) and resumes it; Space tags threads and p
# pauses the tagged ones; U untags; P pauses and resumes every thread.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

# ok_of ID: thread ID's OK count, or fail.
ok_of() { con_ok "$1" || { con_dump; fail "cannot read thread $1's OK count"; }; }

# others_move PAUSED_IDS... -- RUNNING_IDS...: the running threads' OK
# counts go up by a few while those of the paused ones stay.
others_move() {
    local paused=() running=() a
    while [ $# -gt 0 ] && [ "$1" != -- ]; do paused+=("$1"); shift; done
    shift
    running=("$@")
    declare -A before
    for a in "${paused[@]}" "${running[@]}"; do before[$a]=$(ok_of "$a"); done
    for a in "${running[@]}"; do
        con_wait_ok_above "$a" $((before[$a] + 2)) 30 || { con_dump; fail "running thread $a does not go on"; }
    done
    for a in "${paused[@]}"; do
        [ "$(ok_of "$a")" -eq "${before[$a]}" ] ||
            { con_dump; fail "paused thread $a went on: ${before[$a]} -> $(ok_of "$a")"; }
    done
}

con_start 120 40 -t 4 -c read -s 12
for id in 0 1 2 3; do
    con_wait_ok_above $id 0 30 || { con_dump; fail "thread $id does nothing"; }
done

note "p pauses the selected thread"
con_keys Home Down
con_expect 'p Pause' 5 "the footer offers Pause"
con_keys p
con_expect 'pausing thread 1' 5 "p says what it does"
con_wait_state 1 '^paused$' 20
con_expect 'threads 4 \(1 paused\)' 5 "the header counts paused threads"
con_expect 'p Resume' 5 "the footer offers Resume for a paused thread"
others_move 1 -- 0 2 3
con_keys p
con_expect 'resuming thread 1' 5 "p again resumes"
con_wait_state 1 '^(running|idle|idle txn|waiting)$' 20
con_wait_ok_above 1 "$(ok_of 1)" 30 || { con_dump; fail "thread 1 does not go on after resuming"; }

note "Space tags, p pauses the tagged threads, U untags"
con_keys Home Down Down
con_keys Space Space
con_expect 'Threads 4 .* 2 tagged' 5 "Space tags two threads"
con_keys p
con_expect 'pausing 2 tagged threads' 5 "p pauses the tagged threads"
con_wait_state 2 '^paused$' 20
con_wait_state 3 '^paused$' 20
others_move 2 3 -- 0 1
con_keys p
con_expect 'resuming 2 tagged threads' 5 "p resumes the tagged threads"
con_wait_state 2 '^(running|idle|idle txn|waiting)$' 20
con_wait_state 3 '^(running|idle|idle txn|waiting)$' 20
con_keys U
con_expect_gone 'tagged' 5 "U untags every thread"

note "P pauses and resumes every thread"
con_expect 'P Pause all' 5 "the footer offers Pause all"
con_keys P
con_expect 'pausing every thread' 5 "P pauses everyone"
for id in 0 1 2 3; do con_wait_state $id '^paused$' 20; done
con_expect 'threads 4 \(4 paused\)' 5 "the header says all are paused"
con_expect 'P Resume all' 5 "the footer offers Resume all"
declare -A held
for id in 0 1 2 3; do held[$id]=$(ok_of $id); done
sleep 1.5
for id in 0 1 2 3; do
    [ "$(ok_of $id)" -eq "${held[$id]}" ] || { con_dump; fail "thread $id went on while all were paused"; }
done
con_keys P
con_expect 'resuming every thread' 5 "P resumes everyone"
for id in 0 1 2 3; do
    con_wait_ok_above $id "${held[$id]}" 30 || { con_dump; fail "thread $id does not go on after P"; }
done
con_quit_expect 0
note ok
