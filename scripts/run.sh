#!/usr/bin/env bash
# Set up everything Parley needs (first time only) and start the app.
# Arguments are passed to `parley`, e.g. `scripts/run.sh ask "Hello"`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec "$VENV/bin/parley" "$@"
