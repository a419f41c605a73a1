#!/usr/bin/env bash
# --print-profile: the effective settings (defaults, then the profile,
# then the flags) as a profile; loading what it printed and printing again
# gives the same text, for every shipped profile and a sample of flag
# mixes. It connects to nothing. Profile errors name file:line:column and
# the allowed range or names, exit 2.
. "$(dirname "$0")/lib.sh"

MIXES=(
    ""
    "-t 3"
    "-s 42 -D 2.5 -i serializable"
    "-c ddl-only --hang-limit 0.25 -t 1024"
    "-w bank --param accounts=12 --param total=50 -i repeatable-read"
    "-d host=127.0.0.1,port=1 --log $TMP/log,file --history $TMP/h.jsonl --summary-json $TMP/s.json"
    "-s 0 -w append -c read -D 0.001 --headless --keep-server"
)
profiles=("" "$ROOT"/profiles/*.yaml)
[ ${#profiles[@]} -ge 6 ] || fail "no shipped profiles under $ROOT/profiles"

n=0
for p in "${profiles[@]}"; do
    for mix in "${MIXES[@]}"; do
        # Commas stand for spaces inside one argument.
        args=()
        for a in $mix; do args+=("${a//,/ }"); done
        [ -n "$p" ] && args=(-p "$p" "${args[@]}")
        what="${p:-built-in} ${mix:-(no flags)}"
        "$MELEE" "${args[@]}" --print-profile >"$TMP/a.yaml" 2>"$TMP/e"
        expect_status 0 $? "$what"
        [ -s "$TMP/e" ] && fail "$what: wrote to stderr: $(cat "$TMP/e")"
        "$MELEE" -p "$TMP/a.yaml" --print-profile >"$TMP/b.yaml" 2>"$TMP/e"
        expect_status 0 $? "$what, printed again: $(cat "$TMP/e")"
        cmp -s "$TMP/a.yaml" "$TMP/b.yaml" ||
            { diff "$TMP/a.yaml" "$TMP/b.yaml"; fail "$what: printing what it printed differs"; }
        n=$((n + 1))
    done
done
note "$n profile and flag mixes print the same text again"

# The flags override the profile, which overrides the defaults.
"$MELEE" -p "$ROOT/profiles/bank.yaml" -t 3 -s 7 --print-profile >"$TMP/p.yaml" || fail "bank -t 3"
grep -q '^  threads: 3$' "$TMP/p.yaml" || fail "-t 3 is not in: $(grep threads "$TMP/p.yaml")"
grep -q '^  workload: bank$' "$TMP/p.yaml" || fail "the profile's workload is lost"
grep -q '^  seed: 7$' "$TMP/p.yaml" || fail "-s 7 is not printed"
grep -q '^params: {accounts: 8, ' "$TMP/p.yaml" || fail "the profile's params are lost"
"$MELEE" --print-profile >"$TMP/d.yaml" || fail "built-in defaults"
grep -q '^  threads: 4$' "$TMP/d.yaml" || fail "default threads"
grep -q '^  # seed: ' "$TMP/d.yaml" || fail "an unset seed is not left commented out"

# Nothing is started or connected: a DSN nobody listens on still prints.
"$MELEE" -d "host=127.0.0.1 port=1 connect_timeout=1" --headless --print-profile >/dev/null
expect_status 0 $? "--print-profile with an unreachable server"
grep -q '^  dsn: "host=127.0.0.1 port=1 connect_timeout=1"' < <("$MELEE" \
    -d "host=127.0.0.1 port=1 connect_timeout=1" --print-profile) || fail "dsn not printed"

# Errors: a key out of range, an unknown key, a bad name; file:line:col, exit 2.
printf 'name: x\nrun:\n  threads: 5000\n' >"$TMP/range.yaml"
"$MELEE" -p "$TMP/range.yaml" --print-profile >"$TMP/out" 2>"$TMP/e"
expect_status 2 $? "threads out of range"
grep -q "range.yaml:3:12: run.threads must be between 1 and 1024, not 5000" "$TMP/e" ||
    fail "out of range: $(cat "$TMP/e")"
[ -s "$TMP/out" ] && fail "a refused profile was printed"
printf 'run:\n  threads: 4\n  colour: blue\n' >"$TMP/unknown.yaml"
"$MELEE" -p "$TMP/unknown.yaml" --print-profile 2>"$TMP/e" >/dev/null
expect_status 2 $? "unknown key"
grep -q "unknown.yaml:3:3: unknown key 'colour' in run (it has: workload, threads," "$TMP/e" ||
    fail "unknown key: $(cat "$TMP/e")"
printf 'run: {isolation: snapshot}\n' >"$TMP/name.yaml"
"$MELEE" -p "$TMP/name.yaml" --headless 2>"$TMP/e" >/dev/null
expect_status 2 $? "unknown isolation"
grep -q "name.yaml:1:18: run.isolation must be one of read-committed | repeatable-read | serializable, not 'snapshot'" "$TMP/e" ||
    fail "bad name: $(cat "$TMP/e")"
"$MELEE" -t 2000 --print-profile 2>"$TMP/e" >/dev/null
expect_status 2 $? "--threads 2000"
grep -q "invalid thread count: --threads must be between 1 and 1024, not 2000" "$TMP/e" ||
    fail "flag out of range: $(cat "$TMP/e")"
echo "ok"
