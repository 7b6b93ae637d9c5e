#!/usr/bin/env bash
# The tests run a real nats-server with JetStream on loopback: install Debian's package when it is missing.
set -euo pipefail
if command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get install -y -qq nats-server >/dev/null 2>&1 || { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq nats-server >/dev/null; }
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || { echo "nats-server could not be installed" >&2; exit 1; }
