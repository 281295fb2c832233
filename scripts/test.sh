#!/usr/bin/env bash
# Set up everything (first time only), then lint, type-check and run the whole
# test suite inside a private D-Bus session with an unlocked gnome-keyring and
# a virtual X display. Arguments are passed to pytest.
set -euo pipefail
PARLEY_EXTRAS=test
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

log "ruff check"
"$VENV/bin/ruff" check desktop tests packaging
log "ruff format --check"
"$VENV/bin/ruff" format --check desktop tests packaging
log "mypy (api, render, store)"
"$VENV/bin/mypy"

exec dbus-run-session -- bash "$ROOT/scripts/test-session.sh" "$@"
