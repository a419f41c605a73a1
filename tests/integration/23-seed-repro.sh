#!/usr/bin/env bash
# The same seed with one thread gives the same statement sequence.
. "$(dirname "$0")/lib.sh"
for i in 1 2; do
    "$MELEE" --headless -t 1 -c ddl -s 4242 -D 4 --log "$TMP/log$i" >/dev/null 2>"$TMP/err$i" ||
        fail "run $i failed: $(tail -n 3 "$TMP/err$i")"
    # time, thread, outcome, latency [, sqlstate] are run-specific: keep the SQL.
    awk '{ if ($3 == "ok") { $1=$2=$3=$4=""; } else if ($3 == "error") { $1=$2=$3=$4=$5=""; } else next; print }' \
        "$TMP/log$i" | head -n 300 >"$TMP/sql$i"
done
n=$(wc -l <"$TMP/sql1")
[ "$n" -ge 100 ] || fail "only $n statements logged"
cmp -s "$TMP/sql1" "$TMP/sql2" || { diff "$TMP/sql1" "$TMP/sql2" | head -n 20; fail "sequences differ"; }
"$MELEE" --headless -t 1 -c ddl -s 4243 -D 3 --log "$TMP/log3" >/dev/null 2>&1
awk '$3 == "ok" || $3 == "error"' "$TMP/log3" | head -n 300 >"$TMP/raw3"
! cmp -s "$TMP/sql1" "$TMP/raw3" || fail "another seed gave the same sequence"
echo "first $n statements identical"
