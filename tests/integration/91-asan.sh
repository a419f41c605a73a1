#!/usr/bin/env bash
# The AddressSanitizer/UBSan build runs a short headless run clean.
. "$(dirname "$0")/lib.sh"
ASAN_BIN="$ROOT/build/asan/melee"
[ -x "$ASAN_BIN" ] || fail "$ASAN_BIN is not built (make asan)"
export ASAN_OPTIONS="detect_leaks=1 exitcode=66" UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1"
"$ASAN_BIN" --headless -t 6 -c ddl -D 8 -s 12 >"$TMP/out" 2>"$TMP/err"
rc=$?
if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TMP/err"; then
    grep -A 30 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TMP/err" | head -n 60
    fail "a sanitizer reported a problem"
fi
[ $rc -eq 0 ] || { tail -n 30 "$TMP/out" "$TMP/err"; fail "ASan run exited $rc"; }
