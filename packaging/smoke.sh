#!/usr/bin/env bash
# Installs the built .deb on this machine, checks the installed app and
# credential helper against the real keyring, then removes the package and
# checks nothing is left in /opt. Needs root (dpkg) and the Debian packages
# of `make deps` (Qt's libraries, dbus, gnome-keyring, xvfb).
#   packaging/smoke.sh [dist/dtr-desktop_<version>_<arch>.deb]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

deb=${1:-$(ls -t dist/dtr-desktop_*.deb 2>/dev/null | head -n 1)}
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
    echo "smoke: no package; build it with: make package" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "smoke: run as root (it installs $deb with dpkg)" >&2
    exit 1
fi
metainfo=/usr/share/metainfo/io.github.dtr_desktop.DtrDesktop.metainfo.xml

step() { printf '\n== %s\n' "$*"; }
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

step "install $deb ($(du -h "$deb" | cut -f1))"
if dpkg-query -W -f='${Status}' dtr-desktop 2>/dev/null | grep -q "install ok"; then
    dpkg -r dtr-desktop >/dev/null
fi
dpkg -i "$deb"
trap 'dpkg -r dtr-desktop >/dev/null 2>&1 || true' EXIT

step "installed files"
for path in /usr/bin/dtr-desktop /usr/bin/docker-credential-dtr-desktop \
    /opt/dtr-desktop/dtr-desktop /usr/share/applications/dtr-desktop.desktop \
    "$metainfo" /usr/share/icons/hicolor/scalable/apps/dtr-desktop.svg \
    /usr/share/icons/hicolor/48x48/apps/dtr-desktop.png; do
    [ -e "$path" ] || fail "$path is missing"
    echo "ok $path"
done
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate /usr/share/applications/dtr-desktop.desktop
fi
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$metainfo"
fi

# Run the installed copy from an empty folder with a clean environment, so
# nothing of the source tree or its virtual environment can stand in for it.
SMOKE_DIR=$(mktemp -d /tmp/dtr-smoke.XXXXXX)
trap 'rm -rf "$SMOKE_DIR"; dpkg -r dtr-desktop >/dev/null 2>&1 || true' EXIT
cd "$SMOKE_DIR"
# A script rather than a function: xvfb-run (a sh script) drops exported
# bash functions from the environment.
cat >"$SMOKE_DIR/run-clean" <<INNER
#!/bin/sh
exec env -i PATH=/usr/bin:/bin HOME="\$HOME" LANG=C.UTF-8 \\
    DBUS_SESSION_BUS_ADDRESS="\${DBUS_SESSION_BUS_ADDRESS:-}" \\
    XDG_RUNTIME_DIR="\${XDG_RUNTIME_DIR:-}" XDG_DATA_HOME="\${XDG_DATA_HOME:-}" \\
    DISPLAY="\${DISPLAY:-}" XAUTHORITY="\${XAUTHORITY:-}" \\
    DTR_DESKTOP_DATA_DIR="$SMOKE_DIR/data" DTR_DESKTOP_POLICY="$SMOKE_DIR/none.toml" \\
    "\$@"
INNER
chmod +x "$SMOKE_DIR/run-clean"
run_clean() { "$SMOKE_DIR/run-clean" "$@"; }
export SMOKE_DIR

step "version"
run_clean dtr-desktop --version

step "selftest offscreen, and the credential helper, in a private keyring"
"$root/scripts/with-keyring" bash -euo pipefail -c '
    cd "$SMOKE_DIR"
    run_clean() { "$SMOKE_DIR/run-clean" "$@"; }
    run_clean env QT_QPA_PLATFORM=offscreen dtr-desktop selftest
    printf "helper-secret\n" | run_clean dtr-desktop integrations add \
        --type registry --name Smoke --url https://127.0.0.1:5999 \
        --username smoke --password-stdin
    listed=$(run_clean docker-credential-dtr-desktop list)
    echo "list: $listed"
    case "$listed" in *"127.0.0.1:5999"*smoke*) ;; *) exit 1 ;; esac
    # The first get asks keyring (through dtr-desktop, which holds it) and
    # records its choice; the second reads the Secret Service directly.
    for round in keyring quick; do
        got=$(printf "https://127.0.0.1:5999" | run_clean docker-credential-dtr-desktop get)
        case "$got" in *helper-secret*) echo "get ($round): the stored secret came back" ;;
            *) echo "get ($round): unexpected answer" >&2; exit 1 ;; esac
    done
    printf "{\"ServerURL\":\"127.0.0.1:5997\",\"Username\":\"cli\",\"Secret\":\"stored-by-docker\"}" |
        run_clean docker-credential-dtr-desktop store
    got=$(printf "127.0.0.1:5997" | run_clean docker-credential-dtr-desktop get)
    case "$got" in *stored-by-docker*) echo "store: docker login reached the app" ;;
        *) echo "store: unexpected answer to get" >&2; exit 1 ;; esac
    printf "127.0.0.1:5997" | run_clean docker-credential-dtr-desktop erase
    if printf "127.0.0.1:5997" | run_clean docker-credential-dtr-desktop get; then
        echo "erase: the login is still there" >&2; exit 1
    fi
    echo "erase: docker logout removed the login"
    printf "[[integrations]]\nid = \"corp\"\nname = \"Corp\"\ntype = \"registry\"\nurl = \"https://127.0.0.1:5998\"\n" \
        >"$SMOKE_DIR/policy.toml"
    run_clean env DTR_DESKTOP_POLICY="$SMOKE_DIR/policy.toml" dtr-desktop policy apply
    if run_clean env DTR_DESKTOP_POLICY="$SMOKE_DIR/policy.toml" dtr-desktop \
        integrations delete Corp --yes; then
        echo "policy: a locked integration was deleted" >&2; exit 1
    fi
    echo "policy: applied, and the locked integration was kept"
' || fail "selftest, credential helper or policy"

if command -v xvfb-run >/dev/null; then
    step "selftest on a real X server (xcb)"
    "$root/scripts/with-keyring" xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
        "$SMOKE_DIR/run-clean" env QT_QPA_PLATFORM=xcb dtr-desktop selftest ||
        fail "selftest under Xvfb"
fi

step "remove"
cd "$root"
dpkg -r dtr-desktop
trap 'rm -rf "$SMOKE_DIR"' EXIT
for path in /opt/dtr-desktop /usr/bin/dtr-desktop /usr/bin/docker-credential-dtr-desktop \
    /usr/share/applications/dtr-desktop.desktop "$metainfo"; do
    if [ -e "$path" ] || [ -L "$path" ]; then
        fail "$path is still there after dpkg -r"
    fi
done
echo "ok: nothing left in /opt"
echo "smoke: passed"
