# Shared helpers for integration tests (sourced). Each test runs the real
# binary against a real PostgreSQL (the embedded one unless told otherwise).
set -u
MELEE=${MELEE:-$(pwd)/build/melee}
ROOT=${MELEE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
[ -x "$MELEE" ] || { echo "skip: $MELEE is not built"; exit 77; }
TMP=$(mktemp -d /tmp/melee-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "--- $*"; }

# json_int FILE KEY: the integer value of a top-level key of a summary.
json_int() { grep -o "^  \"$2\":[-0-9]*" "$1" | head -n 1 | sed 's/.*://'; }

# expect_status WANT GOT WHAT
expect_status() { [ "$2" -eq "$1" ] || fail "$3: exit status $2, expected $1"; }

# server_from_stderr FILE: prints "DIR PORT" of the target line melee prints.
server_from_stderr() {
    local line
    line=$(grep -o 'target host=[^ ]* port=[0-9]*' "$1" | head -n 1)
    [ -n "$line" ] || return 1
    echo "$line" | sed 's/target host=\([^ ]*\) port=\([0-9]*\)/\1 \2/'
}

# wait_for_file_text FILE PATTERN SECONDS
wait_for_text() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
