#!/usr/bin/env bash
# An unexpected error (the planted XX000 of tests/profiles/plant-xx000.yaml)
# shows in the header, in the error tail and in its detail view (message,
# SQL, seed, how to reproduce); with ignored errors hidden only findings
# are left; grouped, it has its own group; quitting exits 1 with the
# finding in the report.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

con_start 120 40 -p "$ROOT/tests/profiles/plant-xx000.yaml" -s 16
con_expect 'unexpected [1-9]' 30 "the header counts the unexpected error"
con_expect 'UNEXPECTED +XX000 .*planted internal error' 10 "the error tail shows it"
con_expect 'Events +[0-9]+ findings?' 5 "the events title counts findings"
con_expect ' ID .* UNX ' 5 "thread table"

note "the tail with ignored errors hidden, and the detail view"
con_keys Tab
con_keys i
con_expect 'ignored hidden' 5 "i hides ignored errors"
con_wait_gone ' ignored +[0-9A-Z]{5} ' 5 || { con_dump; fail "ignored errors still in the tail"; }
con_keys End
con_keys Enter
con_expect '^ Event: UNEXPECTED XX000 in read\.planted' 5 "Enter opens the finding"
con_expect '^class: +unexpected' 5 "its class"
con_expect '^message: +planted internal error [0-9]+' 5 "its message"
con_expect '^seed: +16$' 5 "the seed"
con_expect '^reproduce: .*plant-xx000\.yaml.*-s 16' 5 "how to reproduce it"
con_expect '^SELECT melee_planted_bug\(\$1\)' 5 "its SQL"
con_keys Down Up End Home
con_keys Escape
con_expect 'ignored hidden' 5 "Esc goes back"
con_keys Up Up Enter
con_expect '^ Event: UNEXPECTED XX000' 5 "an older finding opens too"
con_keys q

note "grouped by SQLSTATE and message"
con_keys g
con_expect 'Events by SQLSTATE \+ message' 5 "g groups"
con_expect '^ +[0-9]+ UNEXPECTED +XX000 planted internal error N' 5 "the finding's group"
con_keys Home Enter
con_expect '^ Event group: UNEXPECTED XX000' 5 "Enter opens the group"
con_expect '^count: +[0-9]+ \(first at' 5 "the group's count"
con_keys Escape
con_keys g i

note "the thread with the error"
con_keys Tab
for _ in 1 2 3 4 5 6 7 8 9; do
    con_screen | grep -q 'sort UNX' && break
    con_keys s
    sleep 0.1
done
con_expect 'sort UNX ▼' 5 "sorted by unexpected errors, largest first"
con_keys Home Enter
con_expect '^ Thread [0-9]+ ' 5 "thread detail"
con_expect 'unexpected [1-9]' 5 "the thread's unexpected count"
con_keys Escape

con_quit_expect 1
con_history | grep -q 'planted internal error' || fail "the report lacks the finding"
con_history | grep -q 'SQLSTATE: XX000' || fail "the report lacks the SQLSTATE"
note ok
