#!/usr/bin/env bash
# The ThreadSanitizer build runs a short 8-thread headless run clean.
. "$(dirname "$0")/lib.sh"
TSAN_BIN="$ROOT/build/tsan/melee"
[ -x "$TSAN_BIN" ] || fail "$TSAN_BIN is not built (make tsan)"
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1"
"$TSAN_BIN" --headless -t 8 -c ddl -D 10 -s 11 >"$TMP/out" 2>"$TMP/err"
rc=$?
if grep -q 'WARNING: ThreadSanitizer' "$TMP/err"; then
    grep -A 30 'WARNING: ThreadSanitizer' "$TMP/err" | head -n 60
    fail "ThreadSanitizer reported a problem"
fi
[ $rc -eq 0 ] || { tail -n 30 "$TMP/out"; fail "TSan run exited $rc"; }
grep -q '^ops: ' "$TMP/out" || fail "no report"
