#!/usr/bin/env bash
# The run report: --report DIR writes a metrics row per second and a
# self-contained index.html that headless Chromium loads with every plot
# drawn and no script error; `melee report` rebuilds it offline, from the
# directory or from a history file alone (nemesis records become fault
# windows); a run stopped with SIGINT still writes its page; a missing or
# malformed source is refused with exit 2.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/chromium.sh"
command -v gnuplot >/dev/null || fail "gnuplot is not installed (make deps installs gnuplot-nox)"

# check_page HTML: Chromium loads it; every image has a size, no error.
check_page() {
    chromium_dom "$1" "$TMP/dom" || fail "chromium could not load $1"
    local check images
    check=$(grep -o '<div id="page-check"[^>]*>' "$TMP/dom")
    echo "$check" | grep -q 'data-ready="yes"' || fail "$1: the page's load script did not run: $check"
    echo "$check" | grep -q 'data-errors=""' || fail "$1: the page has errors: $check"
    images=$(echo "$check" | sed -n 's/.*data-images="\([^"]*\)".*/\1/p')
    for plot in throughput latency-1 threads; do
        echo "$images" | grep -Eq "plot-$plot [1-9][0-9]*x[1-9][0-9]*" ||
            fail "$1: plot $plot missing or empty: $images"
    done
    echo "$images" | grep -Eq ' 0x0' && fail "$1: an image did not load: $images"
    return 0
}

note "a run with faults (workers cancel and terminate each other)"
run="$TMP/run"
"$MELEE" --headless -p "$ROOT/profiles/cancel-storm.yaml" -D 5 -s 7 --report "$run" \
    >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -le 1 ] || { tail -n 20 "$TMP/err"; fail "the run exited $rc"; }
[ -s "$run/metrics.jsonl" ] || fail "no metrics.jsonl"
rows=$(grep -c '^{"t":' "$run/metrics.jsonl")
[ "$rows" -ge 5 ] || fail "$rows metrics rows for a 5 s run"
[ "$rows" -le 7 ] || fail "$rows metrics rows for a 5 s run (one a second expected)"
grep -q '"states":{[^}]*"running":' "$run/metrics.jsonl" || fail "no thread states in the rows"
grep -q '"p99_us":[0-9]' "$run/metrics.jsonl" || fail "no latency quantiles in the rows"
grep -Eq '"faults":\[\{"kind":"(cancel|terminate)"' "$run/metrics.jsonl" || fail "no fault in any row"
[ -s "$run/index.html" ] || fail "no index.html after the run"
grep -q 'run report in .*index.html' "$TMP/err" || fail "the run did not say where the page is"
grep -q 'http' "$run/index.html" && fail "the page refers to the network"
grep -q -- '-s 7 --report' "$run/index.html" || fail "the page lacks the command that reproduces the run"
grep -Eq '<td>(cancel|terminate)</td>' "$run/index.html" || fail "the page lists no fault window"
if chromium_ready; then
    check_page "$run/index.html"
else
    echo "skip: chromium cannot be installed here"; exit 77
fi

note "a run under a kill fault: the page's totals count the errors it explains"
# Point selects (no cancel or terminate action of their own to explain a
# lost connection): the workers' broken statements are the fault's.
"$MELEE" --headless -p "$ROOT/profiles/point-select.yaml" -t 4 -D 5 -s 7 --nemesis kill \
    --nemesis-quiet 1 --nemesis-interval 1 --nemesis-duration 1 --nemesis-recovery 1 \
    --report "$TMP/killed" >"$TMP/k.out" 2>"$TMP/k.err"
expect_status 0 $? "point selects under kill"
faulted=$(json_int "$TMP/killed/summary.json" faulted)
[ "$faulted" -gt 0 ] || fail "no error explained by the kill: $(grep '^ops' "$TMP/k.out")"
grep -q "(faulted $faulted)" "$TMP/k.out" || fail "the text report lacks faulted $faulted: $(grep '^ops' "$TMP/k.out")"
grep -q "<tr><th>faulted [^<]*</th><td class=\"n\">$faulted</td></tr>" "$TMP/killed/index.html" ||
    fail "the page's totals lack faulted $faulted: $(grep -A12 'id="totals"' "$TMP/killed/index.html")"
grep -q '<td>kill</td>' "$TMP/killed/index.html" || fail "the page lists no kill window"

note "melee report DIR rebuilds the page; --out puts it elsewhere"
rm "$run/index.html"
"$MELEE" report "$run" >/dev/null || fail "melee report DIR failed"
[ -s "$run/index.html" ] || fail "melee report DIR wrote no page"
"$MELEE" report "$run" --out "$TMP/elsewhere" >/dev/null || fail "melee report --out failed"
[ -s "$TMP/elsewhere/index.html" ] || fail "--out wrote no page"
cmp -s <(sed 's/From the run in [^ ]*//' "$run/index.html") \
    <(sed 's/From the run in [^ ]*//' "$TMP/elsewhere/index.html") || fail "the two pages differ"

note "a checked run with anomalies: the verdict and each anomaly's example"
"$MELEE" --headless --workload counter --isolation read-committed --param counter_rmw=1 \
    -t 4 -D 5 -s 7 --history "$TMP/h.jsonl" --report "$TMP/checked" >"$TMP/c.out" 2>&1
expect_status 1 $? "a counter losing updates"
grep -q '"check":{"checker":"counter"' "$TMP/checked/metrics.jsonl" || fail "no checker in the rows"
grep -q 'class="verdict bad">invalid<' "$TMP/checked/index.html" || fail "the page lacks the invalid verdict"
grep -q '<div class="finding"><p><b>[a-z-]*</b> × [0-9]' "$TMP/checked/index.html" ||
    fail "the page lacks the anomalies"
grep -A3 '<div class="finding"><p><b>[a-z-]*</b> ×' "$TMP/checked/index.html" | grep -q '<pre>.' ||
    fail "an anomaly without its example"

note "a history file alone, with nemesis records as fault windows"
[ -s "$TMP/h.jsonl" ] || fail "no history recorded"
first=$(head -n 1 "$TMP/h.jsonl" | grep -o '"time":[0-9]*' | cut -d: -f2)
last=$(tail -n 1 "$TMP/h.jsonl" | grep -o '"time":[0-9]*' | cut -d: -f2)
mid=$(((first + last) / 2))
n=$(wc -l <"$TMP/h.jsonl")
printf '{"index":%d,"process":"nemesis","type":"info","f":"start-pause","value":"postmaster 1","time":%d}\n' \
    "$n" "$((mid - 500000000))" >>"$TMP/h.jsonl"
printf '{"index":%d,"process":"nemesis","type":"info","f":"stop-pause","value":"resumed","time":%d}\n' \
    "$((n + 1))" "$mid" >>"$TMP/h.jsonl"
"$MELEE" report "$TMP/h.jsonl" --out "$TMP/hist" >/dev/null || fail "melee report HISTORY failed"
grep -q '<td>pause</td>' "$TMP/hist/index.html" || fail "the nemesis window is not on the page"
[ "$(grep -o 'data:image/png;base64' "$TMP/hist/index.html" | wc -l)" -ge 3 ] ||
    fail "the history page lacks plots"
check_page "$TMP/hist/index.html"

note "a run stopped with SIGINT still writes its page"
"$MELEE" --headless -D 0 -t 2 --report "$TMP/int" >/dev/null 2>"$TMP/int.err" &
pid=$!
wait_for_text "$TMP/int/metrics.jsonl" '"t":3' 30 || { kill -9 $pid; fail "no metrics while running"; }
kill -INT $pid
wait $pid
[ -s "$TMP/int/index.html" ] || fail "no page after SIGINT: $(tail -n 5 "$TMP/int.err")"
grep -q 'data:image/png' "$TMP/int/index.html" || fail "no plots after SIGINT"

note "missing or malformed sources: exit 2 and what is wrong"
"$MELEE" report "$TMP/nowhere" 2>"$TMP/e"; expect_status 2 $? "a missing directory"
grep -q 'nowhere: No such file' "$TMP/e" || fail "missing: $(cat "$TMP/e")"
mkdir "$TMP/emptydir"
"$MELEE" report "$TMP/emptydir" 2>"$TMP/e"; expect_status 2 $? "a directory without metrics"
grep -q 'no metrics.jsonl' "$TMP/e" || fail "no metrics: $(cat "$TMP/e")"
mkdir "$TMP/bad" && echo '{"t":1,"actions":{}}' >"$TMP/bad/metrics.jsonl" && echo 'oops' >>"$TMP/bad/metrics.jsonl"
"$MELEE" report "$TMP/bad" 2>"$TMP/e"; expect_status 2 $? "a malformed metrics file"
grep -q 'metrics.jsonl:2:' "$TMP/e" || fail "malformed metrics: $(cat "$TMP/e")"
cp "$run/metrics.jsonl" "$TMP/emptydir/" && echo '[1,2' >"$TMP/emptydir/summary.json"
"$MELEE" report "$TMP/emptydir" 2>"$TMP/e"; expect_status 2 $? "a malformed summary"
grep -q 'summary.json' "$TMP/e" || fail "malformed summary: $(cat "$TMP/e")"
"$MELEE" report "$TMP/h.jsonl" 2>"$TMP/e"; expect_status 2 $? "a history without --out"
grep -q -- '--out' "$TMP/e" || fail "history without --out: $(cat "$TMP/e")"
echo '{"index":0,"type":"invoke"}' >"$TMP/bad.jsonl"
"$MELEE" report "$TMP/bad.jsonl" --out "$TMP/x" 2>"$TMP/e"; expect_status 2 $? "a malformed history"
grep -q 'bad.jsonl:1:' "$TMP/e" || fail "malformed history: $(cat "$TMP/e")"
"$MELEE" report 2>/dev/null; expect_status 2 $? "no source"
echo "ok"
