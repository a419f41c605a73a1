# Headless Chromium for the tests and the screenshots (sourced).
#   chromium_ready          0 when the browser is there (installs Debian's
#                           chromium as root when apt-get can), else 1
#   chromium_dom PAGE OUT   the page's DOM after its load event, into OUT
#   chromium_shot PAGE PNG WIDTH HEIGHT   a screenshot of the page
# Every call gets a fresh profile directory and no network of its own.

chromium_ready() {
    command -v chromium >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
            >/dev/null 2>&1
    fi
    command -v chromium >/dev/null
}

# chromium_run ARGS...: the browser with the flags a machine without
# network and without a display needs; a fresh profile each time.
chromium_run() {
    local profile
    profile=$(mktemp -d /tmp/melee-chromium.XXXXXX)
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" "$@"
    local rc=$?
    rm -rf "$profile"
    return $rc
}

chromium_dom() {
    chromium_run --virtual-time-budget=10000 --dump-dom "file://$1" >"$2" 2>/dev/null
}

chromium_shot() {
    chromium_run --window-size="$3,$4" --screenshot="$2" "file://$1" >/dev/null 2>&1
}
