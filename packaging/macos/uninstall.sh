#!/bin/sh
# Removes DTR Desktop installed from the .pkg (run with sudo). The user's
# data and keychain items are left in place.
set -e
rm -f /usr/local/bin/dtr-desktop /usr/local/bin/docker-credential-dtr-desktop
rm -rf "/Applications/DTR Desktop.app"
pkgutil --forget io.github.dtr_desktop.DtrDesktop >/dev/null 2>&1 || true
