#!/usr/bin/env bash
# Builds the packages people install, from a fresh clone:
#   dist/parley/                               one-folder bundle, started by dist/parley/parley
#   dist/parley-<version>-linux-<arch>.tar.xz  that bundle + icon + .desktop + install.sh/uninstall.sh
#   dist/parley_<version>_<debarch>.deb        /opt/parley, /usr/bin/parley, menu entry, icons
#
# Usage: packaging/build.sh            (PARLEY_XZ_LEVEL=9 for the smallest, slower archives)
# Re-running rebuilds everything; PyInstaller's work files stay in build/pyinstaller.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE/.."
PARLEY_EXTRAS=package source scripts/setup.sh
# `strip` (binutils) for PyInstaller, dpkg-deb and xz for the packages.
command -v strip >/dev/null || apt_install binutils
command -v xz >/dev/null || apt_install xz-utils

PY="$VENV/bin/python"
XZ_LEVEL="${PARLEY_XZ_LEVEL:-6}"
VERSION="$("$PY" -c 'import desktop; print(desktop.__version__)')"
PYPROJECT_VERSION="$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
if [[ "$VERSION" != "$PYPROJECT_VERSION" ]]; then
    log "Version mismatch: desktop.__version__ is $VERSION but pyproject.toml says $PYPROJECT_VERSION"
    exit 1
fi
ARCH="$(uname -m)"
DEBARCH="$(dpkg --print-architecture 2>/dev/null || echo "$ARCH")"
DIST="$ROOT/dist"
WORK="$ROOT/build"
BUNDLE="$DIST/parley"
TARNAME="parley-$VERSION-linux-$ARCH"
DEBNAME="parley_${VERSION}_$DEBARCH"
ICON_SIZES=(16 22 24 32 48 64 128 256 512)

# --------------------------------------------------------------------------- bundle
log "PyInstaller: building $BUNDLE (Parley $VERSION, Python $("$PY" -c 'import platform; print(platform.python_version())'))"
rm -rf "$BUNDLE"
"$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --workpath "$WORK/pyinstaller" --distpath "$DIST" "$HERE/parley.spec"
[[ -x "$BUNDLE/parley" ]] || { log "PyInstaller produced no $BUNDLE/parley"; exit 1; }
# QtWebEngine creates this (empty) folder on first start when it can; shipping it means the
# installed tree doesn't change at run time and dpkg removes it with the package.
mkdir -p "$BUNDLE/_internal/PySide6/Qt/resources/locales"

# Depends: the packages owning every system library the bundle links to and does not carry
# (resolved the way the bootloader does, with _internal first on the library path). The math
# font is a dependency too: Chromium finds fonts through fontconfig, i.e. installed fonts.
log "Computing the system packages the bundle needs"
DEPENDS="$("$HERE/deb_depends.sh" "$BUNDLE"), fonts-dejavu-extra"

# ------------------------------------------------------------------------- archive
log "Archive: $DIST/$TARNAME.tar.xz"
STAGE="$WORK/stage/$TARNAME"
rm -rf "$WORK/stage"
mkdir -p "$STAGE/icons"
cp -a "$BUNDLE" "$STAGE/parley"
cp "$HERE/parley.desktop" "$STAGE/parley.desktop"
cp resources/icons/parley.svg "$STAGE/icons/parley.svg"
for size in "${ICON_SIZES[@]}"; do
    cp "resources/icons/parley-$size.png" "$STAGE/icons/parley-$size.png"
done
install -m 0755 "$HERE/install.sh" "$STAGE/install.sh"
install -m 0755 "$HERE/uninstall.sh" "$STAGE/uninstall.sh"
printf '%s\n' "$DEPENDS" >"$STAGE/DEPENDS"
rm -f "$DIST/$TARNAME.tar.xz"
tar -C "$WORK/stage" --owner=0 --group=0 --numeric-owner -cf - "$TARNAME" \
    | xz -T0 "-$XZ_LEVEL" >"$DIST/$TARNAME.tar.xz"

# ----------------------------------------------------------------------------- deb
log "Debian package: $DIST/$DEBNAME.deb"
DEBROOT="$WORK/deb/$DEBNAME"
rm -rf "$WORK/deb"
mkdir -p "$DEBROOT/DEBIAN" "$DEBROOT/opt" "$DEBROOT/usr/bin" \
    "$DEBROOT/usr/share/applications" "$DEBROOT/usr/share/doc/parley" \
    "$DEBROOT/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$DEBROOT/opt/parley"
ln -s /opt/parley/parley "$DEBROOT/usr/bin/parley"
install -m 0644 "$HERE/parley.desktop" "$DEBROOT/usr/share/applications/parley.desktop"
install -m 0644 resources/icons/parley.svg "$DEBROOT/usr/share/icons/hicolor/scalable/apps/parley.svg"
for size in "${ICON_SIZES[@]}"; do
    dir="$DEBROOT/usr/share/icons/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    install -m 0644 "resources/icons/parley-$size.png" "$dir/parley.png"
done
install -m 0644 "$HERE/copyright" "$DEBROOT/usr/share/doc/parley/copyright"

INSTALLED_KB="$(du -sk --apparent-size "$DEBROOT" | cut -f1)"
cat >"$DEBROOT/DEBIAN/control" <<EOF
Package: parley
Version: $VERSION
Architecture: $DEBARCH
Maintainer: Parley developers <parley@users.noreply.github.com>
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS
Recommends: xdg-utils, gnome-keyring | kwalletmanager | keepassxc
Section: net
Priority: optional
Description: desktop chat client for the Responses API
 Parley talks to Cloudflare Workers AI, OpenAI and local servers that speak
 the Responses API. Answers stream in with rendered Markdown, code and math.
 .
 This package carries its own Python and Qt (QtWebEngine) under /opt/parley.
EOF
cat >"$DEBROOT/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
# Whatever QtWebEngine wrote under /opt/parley at run time goes with the package.
set -e
case "$1" in
    remove | purge) rm -rf /opt/parley ;;
esac
POSTRM
chmod -R u+rwX,go+rX,go-w "$DEBROOT"
chmod 0755 "$DEBROOT/DEBIAN/postrm"
rm -f "$DIST/$DEBNAME.deb"
dpkg-deb --root-owner-group -Zxz "-z$XZ_LEVEL" --build "$DEBROOT" "$DIST/$DEBNAME.deb" >/dev/null

size() { du -sh --apparent-size "$1" | cut -f1; }
log "Done: $BUNDLE ($(size "$BUNDLE")), $TARNAME.tar.xz ($(size "$DIST/$TARNAME.tar.xz")), $DEBNAME.deb ($(size "$DIST/$DEBNAME.deb"))"
