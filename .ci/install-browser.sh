#!/bin/sh
# Installs Debian's chromium for the admin dashboard browser test (playwright-core drives it).
# Idempotent: does nothing when /usr/bin/chromium already runs.
set -eu
if [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >/dev/null 2>&1; then
  /usr/bin/chromium --version
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
