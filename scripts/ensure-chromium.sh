#!/usr/bin/env bash
# The browser tests drive a real headless Chromium (playwright-core, executablePath /usr/bin/chromium): install Debian's package when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq chromium >/dev/null; }
[ -x /usr/bin/chromium ] || { echo "chromium could not be installed" >&2; exit 1; }
