#!/usr/bin/env bash
# Freezing from the console: z holds the selected thread inside its open
# transaction (its backend stays `idle in transaction` in pg_stat_activity,
# the same transaction, with its row lock: the other workers wait for it),
# the row shows `frozen` and for how long; z again lets it go on in the
# same transaction, which then commits or rolls back normally. The server
# ending a frozen session (idle_in_transaction_session_timeout) is an
# event, not a finding. P and quit work while a thread is frozen. A bank
# thread frozen inside a transfer goes on and the checker finds the history
# valid. A thread whose actions all run in autocommit is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

# backend ID COLUMNS: those columns of worker ID's row of pg_stat_activity.
backend() {
    con_psql "SELECT $2 FROM pg_stat_activity WHERE application_name = 'melee-w$1'"
}

# blocked_by PID: how many worker backends wait for a lock PID holds.
blocked_by() {
    con_psql "SELECT count(*) FROM pg_stat_activity
              WHERE application_name LIKE 'melee-w%' AND $1 = ANY (pg_blocking_pids(pid))"
}

# unexpected_of ID: thread ID's UNX count.
unexpected_of() { con_cell "$1" UNX; }

con_start 140 40 -p "$ROOT/tests/profiles/hot-row.yaml" -t 3 -s 21
for id in 0 1 2; do
    con_wait_ok_above $id 0 30 || { con_dump; fail "thread $id does nothing"; }
done

note "z freezes the selected thread inside its transaction"
con_keys Home
con_expect 'z Freeze' 5 "the footer offers Freeze"
con_keys z
con_expect 'freezing thread 0' 5 "z says what it does"
con_wait_state 0 '^frozen [0-9.]+s$' 20
con_expect 'z Unfreeze' 5 "the footer offers Unfreeze for a frozen thread"
pid=$(backend 0 pid)
xact=$(backend 0 xact_start)
[ "$(backend 0 state)" = "idle in transaction" ] ||
    { con_dump; fail "frozen backend $pid is '$(backend 0 state)', not idle in transaction"; }
note "the others wait for its lock"
for id in 1 2; do con_wait_state $id '^waiting$' 20; done
# The first waiter waits for the frozen transaction, the next one queues
# behind the first for the row.
[ "$(blocked_by "$pid")" -ge 1 ] || fail "no worker waits for the frozen backend $pid"
con_expect 'frozen inside its transaction' 10 "an event says it froze"
held=$(con_ok 1)
sleep 3
[ "$(backend 0 state)" = "idle in transaction" ] || fail "the frozen backend left its transaction"
[ "$(backend 0 xact_start)" = "$xact" ] || fail "the frozen backend is in another transaction"
[ "$(con_ok 1)" -eq "$held" ] || fail "thread 1 went on past the frozen thread's lock"
con_wait_state 0 '^frozen ([3-9]\.[0-9]|[1-9][0-9])s$' 5

note "z again lets it go on in the same transaction, which then ends normally"
n_before=$(con_psql "SELECT n FROM melee_hot WHERE id = 1")
con_keys z
con_expect 'letting thread 0 go on' 5 "z again says what it does"
con_expect 'let go after [0-9.]+ s frozen, goes on in the same transaction' 10 "an event says it goes on"
for ((i = 0; i < 200; i++)); do
    [ "$(backend 0 xact_start)" != "$xact" ] && break
    sleep 0.1
done
[ "$(backend 0 xact_start)" != "$xact" ] || fail "the frozen transaction never ended"
[ "$(backend 0 pid)" = "$pid" ] || fail "thread 0's session did not survive the freeze"
for id in 0 1 2; do
    con_wait_ok_above $id "$(con_ok $id)" 30 || { con_dump; fail "thread $id does not go on"; }
done
n_after=$(con_psql "SELECT n FROM melee_hot WHERE id = 1")
[ "$n_after" -gt "$n_before" ] || fail "no transaction committed after the freeze ($n_before -> $n_after)"
for id in 0 1 2; do
    [ "$(unexpected_of $id)" = 0 ] || { con_dump; fail "thread $id has unexpected errors"; }
done

note "the server ending a frozen session is an event, not a finding"
con_psql "ALTER SYSTEM SET idle_in_transaction_session_timeout = '2s'" >/dev/null
con_psql "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
con_keys z
con_wait_state 0 '^frozen ' 20
# 25P03: idle_in_transaction_session_timeout, the server's own word.
con_expect '25P03 +the server ended the frozen session after [0-9.]+ s: terminating' 20 \
    "an event says the server ended it"
con_psql "ALTER SYSTEM RESET idle_in_transaction_session_timeout" >/dev/null
con_psql "SELECT pg_reload_conf()" >/dev/null
con_wait_ok_above 0 "$(con_ok 0)" 30 || { con_dump; fail "thread 0 does not reconnect and go on"; }
[ "$(backend 0 pid)" != "$pid" ] || fail "thread 0 still has its old session"
for id in 0 1 2; do
    [ "$(unexpected_of $id)" = 0 ] || { con_dump; fail "thread $id has unexpected errors"; }
done

note "P pauses every thread while one is frozen (it lets go and ends its transaction)"
con_keys z
con_wait_state 0 '^frozen ' 20
pid=$(backend 0 pid)
con_keys P
con_expect 'pausing every thread' 5 "P pauses everyone"
for id in 0 1 2; do con_wait_state $id '^paused$' 20; done
[ "$(backend 0 state)" = "idle" ] || fail "paused thread 0's backend is '$(backend 0 state)', not idle"
con_keys P
con_expect 'resuming every thread' 5 "P resumes everyone"
for id in 0 1 2; do
    con_wait_ok_above $id "$(con_ok $id)" 30 || { con_dump; fail "thread $id does not go on after P"; }
done

note "quit while a thread is frozen"
con_keys Home z
con_wait_state 0 '^frozen ' 20
con_quit_expect 0

note "a bank transfer frozen mid-transaction goes on and the history stays valid"
CON_T=con2   # a new session: the old one keeps the tmux server up meanwhile
con_start 140 40 -w bank -t 2 -s 21
con_wait_ok_above 0 3 30 || { con_dump; fail "bank thread 0 does nothing"; }
con_keys Home z
con_expect 'freezing thread 0' 5 "z freezes a workload thread that opens its own transactions"
con_wait_state 0 '^frozen ' 20
[ "$(backend 0 state)" = "idle in transaction" ] ||
    { con_dump; fail "the frozen bank backend is '$(backend 0 state)', not idle in transaction"; }
sleep 2
con_keys z
con_expect 'let go after [0-9.]+ s frozen' 10 "the bank thread is let go"
con_wait_ok_above 0 "$(con_ok 0)" 30 || { con_dump; fail "bank thread 0 does not go on"; }
con_quit_expect 0   # 1 would mean a finding: the checker refuted the history

note "a thread whose actions all run in autocommit cannot be frozen"
CON_T=con3
con_start 140 40 -p "$ROOT/profiles/point-select.yaml" -t 2 -s 21
con_wait_ok_above 0 0 30 || { con_dump; fail "thread 0 does nothing"; }
con_keys Home z
con_expect 'thread 0 runs its actions in autocommit: nothing to freeze \(pause it instead\)' 5 \
    "z is refused"
sleep 1
[[ "$(con_cell 0 STATE)" =~ ^(running|idle|waiting)$ ]] || { con_dump; fail "thread 0 changed state"; }
con_quit_expect 0
note ok
