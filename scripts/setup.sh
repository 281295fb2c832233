# Shared set-up for scripts/run.sh and scripts/test.sh (sourced, not run).
#
# Installs what Parley needs on a Debian-like machine: the system libraries
# Qt and QtWebEngine load, a math font, and a virtual environment in .venv
# with the project installed. Every step checks first, so a second run only
# costs a few dpkg and hash look-ups.
#
# Usage (from another script):  PARLEY_EXTRAS=test source scripts/setup.sh

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${PARLEY_VENV:-$ROOT/.venv}"
PARLEY_EXTRAS="${PARLEY_EXTRAS:-}"

# Libraries the PySide6 wheels (QtGui xcb platform plugin, QtWebEngine) load,
# and fonts: DejaVu for text, a font with an OpenType MATH table for MathML.
RUNTIME_DEBS=(
    libgl1 libegl1 libopengl0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
    libxkbcommon0 libxkbcommon-x11-0 libx11-6 libx11-xcb1 libxext6 libxrender1 libxi6
    libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0
    libxcb-shm0 libxcb-sync1 libxcb-glx0
    libnss3 libnspr4 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1
    libxshmfence1 libgbm1 libdrm2 libasound2 libcups2 libexpat1
    fonts-dejavu-core fonts-dejavu-extra
    xdg-utils
)
# Only the test command needs these: a virtual display, a D-Bus session with a
# real Secret Service, keyboard automation, and the .desktop validator.
TEST_DEBS=(xvfb xauth dbus dbus-x11 gnome-keyring xdotool desktop-file-utils procps)

log() { printf '\033[1m[parley]\033[0m %s\n' "$*" >&2; }

missing_debs() {
    local pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            # On newer Debian some libraries carry a t64 suffix; accept either.
            if ! dpkg-query -W -f='${Status}' "${pkg}t64" 2>/dev/null | grep -q "install ok installed"; then
                printf '%s\n' "$pkg"
            fi
        fi
    done
}

apt_install() {
    local missing
    mapfile -t missing < <(missing_debs "$@")
    ((${#missing[@]})) || return 0
    if ! command -v apt-get >/dev/null; then
        log "Not a Debian-like system: please install the equivalents of: ${missing[*]}"
        return 0
    fi
    local sudo=""
    if [[ $EUID -ne 0 ]]; then
        if command -v sudo >/dev/null; then
            sudo="sudo"
        else
            log "Missing system packages (run as root or install sudo): ${missing[*]}"
            return 0
        fi
    fi
    # Resolve t64 renames (Debian 13) so apt gets names it knows.
    local resolved=() pkg
    for pkg in "${missing[@]}"; do
        if apt-cache show "$pkg" >/dev/null 2>&1; then
            resolved+=("$pkg")
        elif apt-cache show "${pkg}t64" >/dev/null 2>&1; then
            resolved+=("${pkg}t64")
        else
            resolved+=("$pkg")
        fi
    done
    log "Installing system packages: ${resolved[*]}"
    if [[ ! -d /var/lib/apt/lists || -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]] \
        || ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${resolved[@]}" >/dev/null; then
        $sudo apt-get update -qq
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${resolved[@]}" >/dev/null
    fi
}

# Interpreters to try, newest first: $PYTHON alone when it is set; otherwise every
# python3.N on PATH and in pyenv's versions folder (pyenv's shim for a version that
# is installed but not selected fails, so the versions' own binaries are listed),
# then plain python3 (on a fresh Debian the only one).
python_candidates() {
    if [[ -n "${PYTHON:-}" ]]; then
        printf '%s\n' "$PYTHON"
        return 0
    fi
    local dir path name
    {
        local IFS=:
        for dir in $PATH; do
            for path in "$dir"/python3.*; do
                name="${path##*/}"
                [[ "$name" =~ ^python3\.([0-9]+)$ ]] && printf '%s\t%s\n' "${BASH_REMATCH[1]}" "$path"
            done
        done
        for path in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*/bin/python3; do
            name="${path%/bin/python3}"
            name="${name##*/}"
            [[ "$name" =~ ^3\.([0-9]+)\.[0-9]+$ ]] && printf '%s\t%s\n' "${BASH_REMATCH[1]}" "$path"
        done
    } | sort -t$'\t' -k1,1nr -s | cut -f2
    printf '%s\n' python3
}

# The newest CPython >= 3.11 that runs and has what Parley needs (ssl for HTTPS,
# sqlite3 for the history, ctypes), as an absolute path.
find_python() {
    local candidate
    while IFS= read -r candidate; do
        if "$candidate" -c 'import sys, ssl, sqlite3, ctypes; sys.exit(sys.version_info < (3, 11))' \
            >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done < <(python_candidates)
    return 1
}

python_version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }

ensure_venv() {
    local py
    py="$(find_python)" || { apt_install python3 python3-venv; py="$(find_python)"; }
    # A venv of another Python (an older one, or one that no longer runs) is made
    # again, so the app always runs on the interpreter chosen above.
    if [[ -f "$VENV/pyvenv.cfg" ]]; then
        local have want
        have="$(python_version "$VENV/bin/python")" || true
        want="$(python_version "$py")"
        if [[ "$have" != "$want" ]]; then
            log "Rebuilding $VENV with Python $want (it was made with ${have:-a Python that no longer runs})"
            rm -rf "$VENV"
        fi
    fi
    if [[ ! -x "$VENV/bin/python" ]]; then
        log "Creating virtual environment in $VENV"
        if ! "$py" -m venv "$VENV" 2>/dev/null; then
            apt_install python3-venv
            rm -rf "$VENV"
            "$py" -m venv "$VENV"
        fi
    fi
    # Re-install only when the dependency declaration changed or an extra is missing.
    local stamp="$VENV/.parley-installed" hash installed="" extra missing=0
    hash="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [[ -f "$stamp" ]] && [[ "$(head -n1 "$stamp")" == "$hash" ]]; then
        installed="$(sed -n 2p "$stamp")"
    else
        missing=1
    fi
    local wanted=() all=()
    IFS=',' read -r -a wanted <<<"$PARLEY_EXTRAS"
    for extra in "${wanted[@]}"; do
        [[ -z "$extra" ]] && continue
        [[ ",$installed," == *",$extra,"* ]] || missing=1
    done
    if ((missing)); then
        IFS=',' read -r -a all <<<"$installed,$PARLEY_EXTRAS"
        local extras
        extras="$(printf '%s\n' "${all[@]}" | sed '/^$/d' | sort -u | paste -sd, -)"
        local spec="$ROOT"
        [[ -n "$extras" ]] && spec="$ROOT[$extras]"
        log "Installing Parley and its Python dependencies${extras:+ (extras: $extras)}"
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$spec"
        printf '%s\n%s\n' "$hash" "$extras" >"$stamp"
    fi
}

apt_install "${RUNTIME_DEBS[@]}"
if [[ ",$PARLEY_EXTRAS," == *",test,"* ]]; then
    apt_install "${TEST_DEBS[@]}"
fi
ensure_venv
# Byte-compile the app's own modules (the installed packages already are). Python
# does this by itself on first import unless PYTHONDONTWRITEBYTECODE is set, as it
# is on some machines; compiling the ~100 modules again at every start costs
# ~0.3 s of the start-up budget. Files that are already up to date are skipped.
"$VENV/bin/python" -m compileall -q -j 0 "$ROOT/desktop" >/dev/null
# PySide6 keeps its own start-up modules (shibokensupport) as source inside
# libshiboken and compiles them at every start (~30 ms). SBK_EMBED=0 is PySide's
# switch to write them out as files (shiboken6/files.dir, rewritten each time, so
# an upgraded PySide6 gets its own), which can then be byte-compiled.
sbk_dir="$(SBK_EMBED=0 "$VENV/bin/python" -c \
    'import os, shiboken6; print(os.path.dirname(shiboken6.__file__))')"
"$VENV/bin/python" -m compileall -q -j 0 "$sbk_dir/files.dir" >/dev/null || true
