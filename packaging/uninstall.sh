#!/usr/bin/env bash
# Removes what install.sh put under ~/.local (or PREFIX). Your conversations and settings
# (~/.local/share/parley, ~/.config/parley) are kept; delete those folders yourself if wanted.
set -euo pipefail

PREFIX="${PREFIX:-$HOME/.local}"
APPDIR="$PREFIX/lib/parley"
BIN="$PREFIX/bin/parley"
APPS="$PREFIX/share/applications"
ICONS="$PREFIX/share/icons/hicolor"

if [[ -L "$BIN" && "$(readlink "$BIN")" == "$APPDIR/parley" ]]; then
    rm -f "$BIN"
fi
rm -f "$APPS/parley.desktop"
rm -f "$ICONS/scalable/apps/parley.svg" "$ICONS"/*/apps/parley.png
rm -rf "$APPDIR"
if command -v update-desktop-database >/dev/null && [[ -d "$APPS" ]]; then
    update-desktop-database -q "$APPS" 2>/dev/null || echo "(could not refresh the menu cache)"
fi
echo "Parley removed from $PREFIX (your data in ~/.local/share/parley is kept)."
