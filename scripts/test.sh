#!/usr/bin/env bash
# Set up everything (first time only), then lint, type-check and run the whole
# test suite inside a private D-Bus session with an unlocked gnome-keyring and
# a virtual X display. Arguments are passed to pytest.
#
# The packaging tests (PyInstaller bundle, .tar.xz, .deb installed with apt) take
# several minutes: they run in CI (CI=true) or with PARLEY_TEST_PACKAGE=1.
set -euo pipefail
if [[ "${CI:-}" == "true" || "${PARLEY_TEST_PACKAGE:-}" == "1" ]]; then
    PARLEY_EXTRAS=test,package
    export PARLEY_TEST_PACKAGE=1
else
    PARLEY_EXTRAS=test
fi
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

log "ruff check"
"$VENV/bin/ruff" check desktop tests packaging scripts
log "ruff format --check"
"$VENV/bin/ruff" format --check desktop tests packaging scripts
log "mypy (desktop)"
"$VENV/bin/mypy"

exec dbus-run-session -- bash "$ROOT/scripts/test-session.sh" "$@"
