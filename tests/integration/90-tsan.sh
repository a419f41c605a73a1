#!/usr/bin/env bash
# The ThreadSanitizer build runs short headless runs clean: the chaos
# workload with 8 threads, then checked workloads whose recorder feeds a
# checker as records arrive (bank) or re-checks the whole history (append);
# the chaos and bank runs write the run report (its metrics thread samples
# the workers and the recorder once a second); bank under the nemesis
# (kill, pause, partition, latency); and FSM workloads run in serial and
# composed mode.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sanitizer_lib.sh"
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1"
san_init tsan 'WARNING: ThreadSanitizer'

san_run chaos -t 8 -c ddl -D 10 -s 11 --report "$TMP/chaos-report"
san_valid bank bank -t 4 -D 4 -s 11 --history "$TMP/bank.jsonl" --report "$TMP/bank-report"
san_valid append append -t 4 -D 6 -s 11
san_nemesis
san_fsm
