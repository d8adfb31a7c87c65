#!/usr/bin/env bash
# The Debian packages the test suite needs besides Python's (requirements-dev.txt):
# Chromium and its driver for the browser journeys (Playwright drives Debian's
# /usr/bin/chromium, never a downloaded browser), poppler-utils (pdftotext, pdftoppm),
# ffmpeg (the check-in journey plays badges as a camera video), the DejaVu fonts and
# Pango for WeasyPrint's PDFs, gettext for `makemessages`.
#
#   bash ops/system-packages.sh                    # everything `make test` needs
#   bash ops/system-packages.sh --without-browser  # what `make test-fast` needs
#
# Installs whatever is missing when it may (root, or sudo without a password);
# otherwise prints the exact command and fails. Used by `make test`, `make test-fast`
# and .ci/run.
set -euo pipefail

with_browser=1
[ "${1:-}" = "--without-browser" ] && with_browser=0

has_library() { ldconfig -p 2>/dev/null | grep -q "$1"; }

missing=()
if [ "$with_browser" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
fi
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
has_library 'libpango-1.0.so' || missing+=(libpango-1.0-0)
has_library 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)

[ ${#missing[@]} -eq 0 ] && exit 0

echo "Fehlende Debian-Pakete / missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" && exit 0
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n apt-get update -qq && sudo -n apt-get install -y -qq "${missing[@]}" && exit 0
  fi
fi
{
  echo "FEHLER / ERROR: the tests need these Debian packages. Install them with:"
  echo
  echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  echo
  if [ "$with_browser" = 1 ]; then
    echo "Without the browser journeys: make test-fast"
  fi
} >&2
exit 1
