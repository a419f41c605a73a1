#!/usr/bin/env bash
# Every shipped profile runs headless against the embedded server for a
# short time with zero unexpected errors, crashes and hangs (but
# fsm-lost-update, which shows an anomaly on purpose: 33-fsm.sh). The
# seed is fixed, so that the tests do not fail on whatever a fresh random
# stream finds in the server one day: finding it is the users' runs' job
# (a server bug found that way, pg_get_viewdef's, is in the README).
. "$(dirname "$0")/lib.sh"
n=0
for p in "$ROOT"/profiles/*.yaml; do
    name=$(basename "$p" .yaml)
    [ "$name" = fsm-lost-update ] && continue
    note "profile $name"
    "$MELEE" --headless -p "$p" -D 8 -t 6 --seed 20 --summary-json "$TMP/$name.json" \
        >"$TMP/$name.out" 2>"$TMP/$name.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        tail -n 40 "$TMP/$name.out"; tail -n 5 "$TMP/$name.err"
        fail "profile $name exited $rc"
    fi
    ops=$(json_int "$TMP/$name.json" ops)
    [ "$(json_int "$TMP/$name.json" unexpected)" = 0 ] || fail "$name: unexpected errors"
    [ "$(json_int "$TMP/$name.json" crashes)" = 0 ] || fail "$name: crashes"
    [ "$(json_int "$TMP/$name.json" hangs)" = 0 ] || fail "$name: hangs"
    [ "${ops:-0}" -ge 100 ] || fail "$name: only ${ops:-0} operations in 8 s"
    grep -q '^progress: ' "$TMP/$name.err" || fail "$name: no progress lines on stderr"
    grep -q '^reproduce: ' "$TMP/$name.out" || fail "$name: no reproduce line in the report"
    echo "$name: $ops ops, 0 unexpected"
    n=$((n + 1))
done
[ $n -ge 5 ] || fail "only $n profiles found"
