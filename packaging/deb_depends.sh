#!/usr/bin/env bash
# Prints the Debian packages a PyInstaller bundle needs from the system, comma-separated:
# every library its ELF files link to that the bundle does not carry, resolved as the
# bootloader resolves them (_internal first) and mapped to its package with `dpkg -S`.
#
# Usage: packaging/deb_depends.sh dist/parley
set -euo pipefail

BUNDLE="$(cd "$1" && pwd)"
INTERNAL="$BUNDLE/_internal"
declare -A paths=()
missing=()

is_elf() { [[ "$(head -c4 "$1" | od -An -c | tr -d ' ')" == '177ELF' ]]; }

while IFS= read -r -d '' file; do
    is_elf "$file" || continue
    while IFS= read -r line; do
        if [[ "$line" == *"=> not found"* ]]; then
            missing+=("${line%% =>*} (needed by ${file#"$BUNDLE"/})")
        elif [[ "$line" =~ =\>\ (/[^ ]+) ]]; then
            lib="${BASH_REMATCH[1]}"
            [[ "$(realpath "$lib")" == "$BUNDLE"/* ]] || paths["$lib"]=1
        fi
    done < <(LD_LIBRARY_PATH="$INTERNAL" ldd "$file" 2>/dev/null | sed 's/^[[:space:]]*//')
done < <(find "$BUNDLE" -type f \( -name '*.so*' -o -perm -u+x \) -print0)

if ((${#missing[@]})); then
    printf 'deb_depends: libraries not found on this machine:\n' >&2
    printf '  %s\n' "${missing[@]}" | sort -u >&2
    exit 1
fi

owner() {
    # Debian's merged /usr means a library may be registered under /lib or /usr/lib.
    local path="$1" real candidate
    real="$(realpath "$path")"
    for candidate in "$path" "$real" "/usr${path#/usr}" "${path#/usr}" "/usr${real#/usr}" "${real#/usr}"; do
        if out="$(dpkg -S "$candidate" 2>/dev/null)"; then
            printf '%s\n' "${out%%:*}" | head -n1
            return 0
        fi
    done
    printf 'deb_depends: no package owns %s\n' "$path" >&2
    return 1
}

declare -A packages=()
for lib in "${!paths[@]}"; do
    pkg="$(owner "$lib")"
    packages["${pkg%%,*}"]=1
done
printf '%s\n' "${!packages[@]}" | sort | paste -sd, | sed 's/,/, /g'
