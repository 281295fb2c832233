# Runs inside `dbus-run-session` (see scripts/test.sh): starts gnome-keyring's
# Secret Service with an unlocked login keyring and an Xvfb display, both
# private to this run, then pytest. Not meant to be started by hand.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${PARLEY_VENV:-$ROOT/.venv}"
RUN_DIR="$(mktemp -d -t parley-test-XXXXXX)"

cleanup() {
    [[ -n "${XVFB_PID:-}" ]] && kill "$XVFB_PID" 2>/dev/null
    [[ -n "${KEYRING_PID:-}" ]] && kill "$KEYRING_PID" 2>/dev/null
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT

# The keyring daemon keeps its files under XDG_DATA_HOME: give it a throwaway one.
# A non-empty password makes it create (and unlock) a login keyring to store into.
mkdir -p "$RUN_DIR/keyring-data" "$RUN_DIR/runtime"
chmod 700 "$RUN_DIR/runtime"
export XDG_RUNTIME_DIR="$RUN_DIR/runtime"
eval "$(printf 'parley-test' | XDG_DATA_HOME="$RUN_DIR/keyring-data" \
    gnome-keyring-daemon --unlock --components=secrets --daemonize)"
export GNOME_KEYRING_CONTROL
KEYRING_PID="${GNOME_KEYRING_PID:-}"

# A virtual display at 24-bit depth; -displayfd picks a free display number.
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp \
    3>"$RUN_DIR/display" >"$RUN_DIR/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 150); do
    [[ -s "$RUN_DIR/display" ]] && break
    sleep 0.1
done
DISPLAY_NUM="$(tr -dc '0-9' <"$RUN_DIR/display")"
[[ -n "$DISPLAY_NUM" ]] || { echo "Xvfb did not start" >&2; cat "$RUN_DIR/xvfb.log" >&2; exit 1; }
export DISPLAY=":$DISPLAY_NUM"
export QT_QPA_PLATFORM=xcb
export QTWEBENGINE_CHROMIUM_FLAGS="${QTWEBENGINE_CHROMIUM_FLAGS:---no-sandbox --disable-gpu}"
export PARLEY_TEST_SESSION=1

status=0
"$VENV/bin/python" -m pytest "$@" || status=$?
exit "$status"
