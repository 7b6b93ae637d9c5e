#!/usr/bin/env bash
# The PKCS#11 signer's tests run a real SoftHSM2 token: install Debian's package when it is missing.
set -euo pipefail
MODULE=/usr/lib/softhsm/libsofthsm2.so
if command -v softhsm2-util >/dev/null 2>&1 && [ -e "$MODULE" ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get install -y -qq softhsm2 >/dev/null 2>&1 || { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq softhsm2 >/dev/null; }
command -v softhsm2-util >/dev/null 2>&1 && [ -e "$MODULE" ] || { echo "softhsm2 could not be installed" >&2; exit 1; }
