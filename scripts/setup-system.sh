#!/usr/bin/env bash
# System packages the test suite needs beyond npm and PyPI: Debian's chromium, which the report
# test drives headless through playwright-core. Installs only when missing (warm machines do nothing).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
else
  echo "setup-system: /usr/bin/chromium is missing and this user cannot install it (run as root: apt-get install chromium)" >&2
  exit 1
fi
