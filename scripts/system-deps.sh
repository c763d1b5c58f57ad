#!/usr/bin/env bash
# Installs the system packages the test suite uses, when they are missing:
#   LibreOffice (soffice) to build PDF and .doc versions of the seed reports and to read .doc files,
#   Debian's chromium for the web app's end-to-end tests (driven by Playwright, never its own browser download),
#   a CJK font so that those PDFs have Chinese glyphs, and poppler-utils (pdftotext, pdftoppm).
#   (nianbao's own PDF output needs no system font: its font comes from pip, see nianbao.render.pdf_font.)
# Needs root and apt-get; elsewhere it says what is missing and the tests that need it are skipped.
set -u
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
fc-list 2>/dev/null | grep -qi "noto.*cjk\|wqy\|droid.*fallback" || need+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || echo "warning: could not install ${need[*]}; tests that need them will be skipped" >&2
else
  echo "warning: missing ${need[*]} (install them with your package manager); tests that need them will be skipped" >&2
fi
exit 0
