#!/usr/bin/env bash
# Renders the hicolor PNG sizes from the scalable SVG app icon. The PNGs are
# committed, so a package build needs no SVG renderer; run this after
# changing the SVG (needs rsvg-convert: apt-get install librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
icons=resources/icons/hicolor
for size in 16 22 24 32 48 64 128 256 512; do
    mkdir -p "$icons/${size}x${size}/apps"
    rsvg-convert -w "$size" -h "$size" "$icons/scalable/apps/dtr-desktop.svg" \
        -o "$icons/${size}x${size}/apps/dtr-desktop.png"
done
