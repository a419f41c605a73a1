#!/usr/bin/env bash
# Profiles from the console: S saves the live settings (a weight changed
# in the dialog, a thread added, a limit) to a YAML file that loads back to
# the same settings, asks before overwriting, and Esc cancels; L loads a
# profile onto the running run: its weights and thread count at once, its
# server flags after a yes (checked with psql over a separate connection).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
command -v psql >/dev/null || { echo "skip: psql is not installed"; exit 77; }

cat >"$TMP/start.yaml" <<'EOF'
name: start
run:
  threads: 2
  complexity: read
weights:
  read: {flip_flag: 0}
  fetch: {flip_flag: 0}
EOF
cat >"$TMP/other.yaml" <<'EOF'
name: other
run:
  threads: 3
  complexity: read
weights:
  read: {select: 3, flip_flag: 0}
  fetch: {flip_flag: 0}
flags:
  work_mem: ["8MB", "64MB"]
EOF

# yaml_weight FILE LIST ACTION: the weight a profile gives an action.
yaml_weight() {
    awk -v l="$2" -v a="$3" '
        /^weights:/ { in_w = 1; next }
        /^[^ #]/ { in_w = 0 }
        in_w && $0 ~ "^ +" l ":" { cur = 1 }
        in_w && cur { s = s $0 }
        in_w && cur && /}/ { cur = 0 }
        END {
            if (match(s, "[{ ,]" a ": *[0-9]+")) {
                v = substr(s, RSTART, RLENGTH); sub(/.*: */, "", v); print v
            }
        }' "$1"
}

con_start 120 40 -p "$TMP/start.yaml" -s 15

note "change the run: select's weight 7, one more thread"
con_keys w
con_expect 'Action weights' 5 "weights dialog"
con_keys /
con_text select
con_keys Enter
con_expect 'filter: select ' 5 "filter"
con_keys Home
con_keys 7
con_keys Enter
con_expect 'weight read.select = 7( |$)' 5 "select's weight set"
con_keys Escape
con_expect_gone 'Action weights' 5 "dialog closed"
con_keys '>'
con_expect 'worker threads: 3' 10 "a thread added"

note "S saves, Esc cancels, an existing file needs a yes"
con_keys S
con_expect 'Save profile' 5 "S asks for a name"
con_keys Escape
con_expect_gone 'Save profile' 5 "Esc cancels saving"
con_keys F4
con_expect 'Save profile' 5 "F4 asks for a name"
con_expect 'Enter OK +Esc cancel' 5 "the prompt's keys"
con_keys C-u
con_text "$TMP/saved.yaml"
con_keys Enter
con_expect "profile saved to $TMP/saved.yaml" 5 "saved"
[ -s "$TMP/saved.yaml" ] || fail "no file was written"
con_keys S
con_keys C-u
con_text "$TMP/saved.yaml"
con_keys Enter
con_expect 'exists\. Overwrite it\?' 5 "asks before overwriting"
con_keys n
con_expect 'not saved' 5 "n keeps the file"
con_keys S
con_keys C-w
con_expect_gone "$TMP/saved.yaml" 5 "Ctrl-W deletes the last word"
con_keys C-u
con_text "$TMP/saved.yaml"
con_keys Enter
con_expect 'Overwrite it' 5 "asks again"
con_keys Y
con_expect "profile saved to $TMP/saved.yaml" 5 "Y overwrites"

note "the saved file holds the live settings and loads back"
grep -Eq '^ +threads: 3$' "$TMP/saved.yaml" || { cat "$TMP/saved.yaml"; fail "saved threads is not 3"; }
grep -Eq '^ +complexity: read$' "$TMP/saved.yaml" || { cat "$TMP/saved.yaml"; fail "saved complexity"; }
[ "$(yaml_weight "$TMP/saved.yaml" read select)" = 7 ] || { cat "$TMP/saved.yaml"; fail "saved select weight is not 7"; }
[ "$(yaml_weight "$TMP/saved.yaml" read flip_flag)" = 0 ] || { cat "$TMP/saved.yaml"; fail "saved flip_flag weight is not 0"; }
"$MELEE" --headless -p "$TMP/saved.yaml" -D 1 --summary-json "$TMP/s.json" >"$TMP/h.out" 2>"$TMP/h.err"
rc=$?
[ $rc -eq 0 ] || { sed -n '/^FINDINGS/,$p' "$TMP/h.out" | head -n 30; tail -n 5 "$TMP/h.err"; }
expect_status 0 $rc "a headless run of the saved profile"
grep -q ', 3 threads,' "$TMP/h.err" || { cat "$TMP/h.err"; fail "the saved profile does not run 3 threads"; }
[ "$(json_int "$TMP/s.json" threads)" = 3 ] || fail "the summary of the saved profile says $(json_int "$TMP/s.json" threads) threads"
grep -q '"workload":"chaos"' "$TMP/s.json" || grep -q '"workload": *"chaos"' "$TMP/s.json" || fail "the saved workload"

note "L loads a profile onto the run"
con_keys L
con_expect 'Load profile' 5 "L asks for a profile"
con_text "$TMP/other.yaml"
con_keys Enter
con_expect 'Set each to its first' 10 "asks about the profile's flags"
con_expect "other.yaml loaded: [0-9]+ weights/limits changed, 3 threads|threads 3" 5 "weights and threads loaded"
con_keys y
con_expect 'profile applied' 10 "the flags are set"
for ((i = 0; i < 100; i++)); do
    [ "$(con_psql 'SHOW work_mem')" = 8MB ] && break
    sleep 0.1
done
[ "$(con_psql 'SHOW work_mem')" = 8MB ] || fail "the loaded profile's flag did not reach the server"
con_keys w
con_expect 'filter: select ' 5 "the dialog keeps its filter"
con_keys /
con_keys C-u
con_text select
con_keys Enter
con_expect 'filter: select ' 5 "filter"
for ((i = 0; i < 50; i++)); do
    [ "$(con_wrow read select | cut -d' ' -f1)" = 3 ] && break
    sleep 0.1
done
[ "$(con_wrow read select | cut -d' ' -f1)" = 3 ] ||
    { con_dump; fail "the loaded weight of select is not 3"; }
con_keys Escape
con_keys F5
con_expect 'Load profile' 5 "F5 asks for a profile"
con_text "$TMP/missing.yaml"
con_keys Enter
con_expect 'missing.yaml' 5 "a missing profile is reported"
con_quit_expect 0
note ok
