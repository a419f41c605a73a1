#!/usr/bin/env bash
# The same seed with one thread gives the same statement sequence.
. "$(dirname "$0")/lib.sh"
for i in 1 2; do
    "$MELEE" --headless -t 1 -c ddl -s 4242 -D 10 --log "$TMP/log$i" >/dev/null 2>"$TMP/err$i" ||
        fail "run $i failed: $(tail -n 3 "$TMP/err$i")"
    # time, thread, outcome, latency [, sqlstate] are run-specific: keep the SQL.
    awk '{ if ($3 == "ok") { $1=$2=$3=$4=""; } else if ($3 == "error") { $1=$2=$3=$4=$5=""; } else next; print }' \
        "$TMP/log$i" | head -n 300 >"$TMP/sql$i"
done
# A loaded machine runs fewer statements in the same time: the sequence is
# the same, only cut shorter, so compare the prefix both runs reached.
n1=$(wc -l <"$TMP/sql1") n2=$(wc -l <"$TMP/sql2")
n=$((n1 < n2 ? n1 : n2))
[ "$n" -ge 60 ] || fail "only $n statements logged (runs: $n1, $n2)"
head -n "$n" "$TMP/sql1" >"$TMP/pre1"
head -n "$n" "$TMP/sql2" >"$TMP/pre2"
cmp -s "$TMP/pre1" "$TMP/pre2" || { diff "$TMP/pre1" "$TMP/pre2" | head -n 20; fail "sequences differ"; }
"$MELEE" --headless -t 1 -c ddl -s 4243 -D 3 --log "$TMP/log3" >/dev/null 2>&1
awk '$3 == "ok" || $3 == "error"' "$TMP/log3" | head -n 300 >"$TMP/raw3"
! cmp -s "$TMP/sql1" "$TMP/raw3" || fail "another seed gave the same sequence"
echo "first $n statements identical"
