#!/usr/bin/env bash
# Installs Parley from this unpacked archive for the current user, under ~/.local:
#   ~/.local/lib/parley/            the application (replaced on every run)
#   ~/.local/bin/parley             a symlink to start it
#   ~/.local/share/applications/parley.desktop and ~/.local/share/icons/hicolor/*/apps/parley.*
# Set PREFIX to install somewhere else. Remove it again with ./uninstall.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX="${PREFIX:-$HOME/.local}"
APPDIR="$PREFIX/lib/parley"
BIN="$PREFIX/bin/parley"
APPS="$PREFIX/share/applications"
ICONS="$PREFIX/share/icons/hicolor"

[[ -x "$HERE/parley/parley" ]] || { echo "install.sh: run it from the unpacked archive" >&2; exit 1; }

echo "Installing Parley into $APPDIR"
mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$APPS" "$ICONS/scalable/apps"
rm -rf "$APPDIR.new"
cp -a "$HERE/parley" "$APPDIR.new"
install -m 0755 "$HERE/uninstall.sh" "$APPDIR.new/uninstall.sh"
rm -rf "$APPDIR"
mv "$APPDIR.new" "$APPDIR"
ln -sfn "$APPDIR/parley" "$BIN"

# The menu entry starts the absolute path: ~/.local/bin is not always on a session's PATH.
sed -e "s|^Exec=parley|Exec=$BIN|" -e "s|^TryExec=parley|TryExec=$BIN|" \
    "$HERE/parley.desktop" >"$APPS/parley.desktop"
chmod 0644 "$APPS/parley.desktop"
install -m 0644 "$HERE/icons/parley.svg" "$ICONS/scalable/apps/parley.svg"
for png in "$HERE"/icons/parley-*.png; do
    size="${png##*/parley-}"
    size="${size%.png}"
    mkdir -p "$ICONS/${size}x${size}/apps"
    install -m 0644 "$png" "$ICONS/${size}x${size}/apps/parley.png"
done
if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$APPS" 2>/dev/null || echo "(could not refresh the menu cache)"
fi
if command -v gtk-update-icon-cache >/dev/null && [[ -f "$ICONS/index.theme" ]]; then
    gtk-update-icon-cache -q -t "$ICONS" 2>/dev/null || echo "(could not refresh the icon cache)"
fi

# Tell the person what the system still lacks; the app itself is installed either way.
missing="$(for f in "$APPDIR/_internal/PySide6/Qt/libexec/QtWebEngineProcess" \
    "$APPDIR/_internal/PySide6/Qt/plugins/platforms/libqxcb.so" \
    "$APPDIR"/_internal/PySide6/QtWebEngineWidgets*.so; do
    LD_LIBRARY_PATH="$APPDIR/_internal" ldd "$f" 2>/dev/null | awk '/not found/ {print $1}'
done | sort -u | tr '\n' ' ')"
if [[ -n "$missing" ]]; then
    echo "WARNING: these system libraries are missing: $missing"
    if [[ -f "$HERE/DEPENDS" ]]; then
        echo "  On Debian/Ubuntu: sudo apt install $(tr -d ',' <"$HERE/DEPENDS")"
    fi
fi
if command -v fc-list >/dev/null && ! fc-list 2>/dev/null | grep -q "DejaVu Math TeX Gyre"; then
    echo "NOTE: the math font 'DejaVu Math TeX Gyre' is not installed; formulas will use a"
    echo "  fallback font. Install it with: sudo apt install fonts-dejavu-extra"
    echo "  (or your distribution's DejaVu fonts package)."
fi
case ":$PATH:" in
    *":$PREFIX/bin:"*) ;;
    *) echo "NOTE: $PREFIX/bin is not on your PATH; start Parley from the menu or as $BIN" ;;
esac
echo "Done. Check it with: $BIN --self-test"
