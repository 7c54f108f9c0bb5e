#!/usr/bin/env bash
# Builds dist/dtr-desktop_<version>_<arch>.deb: a PyInstaller one-folder
# build under /opt/dtr-desktop, the two commands linked into /usr/bin, the
# .desktop file, the hicolor icons and the AppStream metainfo.
#   packaging/build-deb.sh            (VENV=.venv by default)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
python="$venv/bin/python"
metainfo=io.github.dtr_desktop.DtrDesktop.metainfo.xml

version=$("$python" -c 'import dtr_desktop; print(dtr_desktop.__version__)')
arch=$(dpkg --print-architecture)
package="dtr-desktop_${version}_${arch}"
started=$(date +%s)

"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath build/pyinstaller/dist --workpath build/pyinstaller/work \
    packaging/dtr-desktop.spec
built=$(date +%s)

stage="build/deb/$package"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" \
    "$stage/usr/share/applications" "$stage/usr/share/metainfo" \
    "$stage/usr/share/doc/dtr-desktop"
cp -a build/pyinstaller/dist/dtr-desktop "$stage/opt/dtr-desktop"
for program in dtr-desktop docker-credential-dtr-desktop; do
    if [ -x "$stage/opt/dtr-desktop/$program" ]; then
        ln -s "/opt/dtr-desktop/$program" "$stage/usr/bin/$program"
    else
        echo "build-deb: warning: $program was not built" >&2
    fi
done
install -m 644 resources/dtr-desktop.desktop "$stage/usr/share/applications/"
install -m 644 "resources/$metainfo" "$stage/usr/share/metainfo/"
install -m 644 packaging/debian/copyright "$stage/usr/share/doc/dtr-desktop/"
(cd resources/icons && find hicolor -type f \( -name '*.png' -o -name '*.svg' \)) |
    while read -r icon; do
        install -D -m 644 "resources/icons/$icon" "$stage/usr/share/icons/$icon"
    done
chmod -R u+rwX,go+rX,go-w "$stage"

# Depends: the Debian packages of the system libraries that the bundled
# binaries link to but PyInstaller left out (libc, GL, EGL, xcb...).
shared_library_packages() {
    local dir=$1 bundled
    bundled=$(find "$dir" -name '*.so*' -printf '%f\n' | sort -u)
    find "$dir" -type f \( -name '*.so*' -o -perm -u+x \) -print0 |
        xargs -0 objdump -p 2>/dev/null | awk '/NEEDED/ {print $2}' | sort -u |
        grep -vxF "$bundled" | while read -r lib; do
            path=$(ldconfig -p | awk -v lib="$lib" '$1 == lib {print $NF; exit}')
            [ -n "$path" ] || continue
            dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -n 1 | cut -d: -f1
        done | sort -u | grep -vx libc6 || true
}
glibc=$(dpkg-query -W -f='${Version}' libc6 | cut -d- -f1)
depends="libc6 (>= $glibc)"
for name in $(shared_library_packages "$stage/opt/dtr-desktop"); do
    depends="$depends, $name"
done

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
    -e "s/@DEPENDS@/$depends/" packaging/debian/control.in >"$stage/DEBIAN/control"

mkdir -p dist
# xz -z2 packs in ~30 s on 2 cores; -z6 saves ~5 MB for ~80 s more.
compression=${DEB_COMPRESSION:--Zxz -z2}
# shellcheck disable=SC2086
dpkg-deb --root-owner-group $compression --build "$stage" "dist/$package.deb" >/dev/null
finished=$(date +%s)
echo "built dist/$package.deb: $(du -h "dist/$package.deb" | cut -f1)," \
    "installed $((size / 1024)) MB; PyInstaller $((built - started)) s," \
    "packing $((finished - built)) s"
