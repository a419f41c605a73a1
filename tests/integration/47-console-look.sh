#!/usr/bin/env bash
# How the console looks outside a colour UTF-8 terminal, and its key
# documentation: with LANG=C it draws plain ASCII (bars, sparkline, sort
# arrow, footer arrows); NO_COLOR and a terminal without colours give no
# colour sequences at all (with colours there are some); the README's key
# table is the one generated from the key table in tui/keys.c.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"

# colour_codes: how many SGR sequences setting a colour the screen has
# (tmux writes 39 and 49, the default colours, everywhere: not counted).
colour_codes() {
    con_tmux capture-pane -t "$CON_T" -p -e |
        grep -Eo $'\e\\[([0-9]+;)*(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;5;[0-9]+|48;5;[0-9]+)(;[0-9]+)*m' | wc -l
}
# non_ascii: lines of the screen with a byte outside ASCII.
non_ascii() { con_screen | LC_ALL=C grep -c $'[\x80-\xff]'; }

note "colours and UTF-8 by default"
con_start 100 30 -t 2 -c read -s 18
con_expect '▲' 5 "the sort arrow in UTF-8"
[ "$(colour_codes)" -gt 0 ] || fail "no colours on a colour terminal"
con_keys q
con_keys y
con_wait_exit 60 >/dev/null || fail "melee did not exit"

note "LANG=C and NO_COLOR"
CON_LANG=C CON_ENV="NO_COLOR=1" con_start 100 30 -t 2 -c read -s 18
con_expect 'sort ID \^' 5 "the sort arrow in ASCII"
con_expect 'ops/s [0-9]+ +[_.,~=*#-]+' 10 "an ASCII sparkline"
con_keys f
con_expect 'Left/Right Pick' 5 "arrow keys spelt out in the footer"
con_expect_gone 'reading\.\.\.' 10 "flag values"
con_keys Escape
[ "$(non_ascii)" -eq 0 ] || { con_screen | LC_ALL=C grep $'[\x80-\xff]'; fail "non-ASCII text with LANG=C"; }
[ "$(colour_codes)" -eq 0 ] || fail "colours with NO_COLOR set"
con_tmux capture-pane -t "$CON_T" -p -e | grep -q $'\e\\[[0-9;]*7[;m]' || fail "no reverse video for the selection and keys without colours"
con_keys q
con_keys y
con_wait_exit 60 >/dev/null || fail "melee did not exit"

note "a terminal without colours"
CON_TERM=vt220 con_start 100 30 -t 2 -c read -s 18
[ "$(colour_codes)" -eq 0 ] || fail "colours on a vt220"
con_keys q
con_keys y
con_wait_exit 60 >/dev/null || fail "melee did not exit"

note "the README's key table is generated from tui/keys.c"
cat >"$TMP/keys.c" <<'EOF'
#include "tui/keys.h"
int main(void)
{
    keys_markdown(stdout);
    return 0;
}
EOF
pkgs="libpq yaml-0.1 ncursesw json-c"
${CC:-cc} -std=c11 -D_GNU_SOURCE -I"$ROOT" $(pkg-config --cflags $pkgs) -o "$TMP/keys" "$TMP/keys.c" \
    "$BUILD/libmelee.a" $(pkg-config --libs $pkgs) -lpthread -lm || fail "cannot build the key table printer"
"$TMP/keys" >"$TMP/keys.md"
sed -n '/^<!-- keys: generated/,/^<!-- end of keys -->/p' "$ROOT/README.md" | sed '1d;$d' >"$TMP/readme-keys.md"
[ -s "$TMP/readme-keys.md" ] || fail "README.md has no generated key table"
diff -u "$TMP/keys.md" "$TMP/readme-keys.md" ||
    fail "README.md's key table differs from tui/keys.c (regenerate it: see the comment above the table)"
note ok
