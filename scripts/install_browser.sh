#!/usr/bin/env bash
# Headless Chromium for tests/test_browser.py, from Debian's packages (Playwright's own browser
# download cannot work on these machines; the test launches /usr/bin/chromium by path).
# fonts-wqy-microhei gives the screenshots Chinese glyphs (phones have their own CJK fonts).
# Idempotent: installs only what is missing; safe to run on every CI start.
set -euo pipefail

PACKAGES=(chromium chromium-driver fonts-wqy-microhei)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install_browser: already installed: ${PACKAGES[*]}"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "install_browser: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null | head -n 1 || { echo "install_browser: chromium not runnable" >&2; exit 1; }
