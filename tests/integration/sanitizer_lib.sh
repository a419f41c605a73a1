# The shared part of the sanitizer tests (90-tsan.sh, 91-asan.sh), sourced
# after lib.sh. san_init names the sanitized build and the pattern of its
# reports; every run after it must exit 0 and print no such report.

# san_init DIR REPORT_REGEX: the binary build/DIR/melee (which must be
# built: make DIR) and what its sanitizer's reports start with.
san_init() {
    SAN_BIN="$ROOT/build/$1/melee" SAN_REPORT=$2
    [ -x "$SAN_BIN" ] || fail "$SAN_BIN is not built (make $1)"
}

# san_clean NAME FILE: fails, showing the report, when FILE holds one.
san_clean() {
    grep -qE "$SAN_REPORT" "$2" || return 0
    grep -A 30 -E "$SAN_REPORT" "$2" | head -n 60
    fail "$1: the sanitizer reported a problem"
}

# san_run NAME ARGS...: one headless run that must exit 0 with the final
# report and no sanitizer's (output in $TMP/NAME.out and .err).
san_run() {
    local name=$1
    shift
    "$SAN_BIN" --headless "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    local rc=$?
    san_clean "$name" "$TMP/$name.err"
    [ $rc -eq 0 ] || { tail -n 30 "$TMP/$name.out" "$TMP/$name.err"; fail "$name: exited $rc"; }
    grep -q '^ops: ' "$TMP/$name.out" || fail "$name: no report"
}

# san_valid NAME WORKLOAD ARGS...: san_run of an invariant workload whose
# checker must find its history valid.
san_valid() {
    local name=$1 workload=$2
    shift 2
    san_run "$name" --workload "$workload" "$@"
    grep -qx "checker $workload: valid" "$TMP/$name.out" || fail "$name: verdict not valid"
}

# san_nemesis: bank stays valid under kill, pause, partition and latency.
san_nemesis() {
    san_valid faults bank -t 4 -D 12 -s 11 --nemesis kill,pause,partition,latency \
        --nemesis-interval 1 --nemesis-duration 1 --nemesis-quiet 1 --nemesis-recovery 3
}

# san_fsm: FSM workloads in serial mode (the phase switch under its lock),
# then in composed mode (every thread runs every workload's states); every
# assertion must hold.
san_fsm() {
    local mode
    for mode in serial composed; do
        cat >"$TMP/fsm-$mode.yaml" <<YAML
run: {workload: fsm, isolation: repeatable-read}
fsm:
  mode: $mode
  workloads:
    - include: $ROOT/profiles/fsm-update-inc.yaml
    - include: $ROOT/profiles/fsm-rmw-serializable.yaml
YAML
        san_run "fsm-$mode" -p "$TMP/fsm-$mode.yaml" -t 3 -D 8 -s 11
        grep -q '^assertions: [1-9][0-9]* passed, 0 failed' "$TMP/fsm-$mode.out" ||
            fail "fsm $mode: $(grep '^assertions' "$TMP/fsm-$mode.out")"
    done
}
