#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (Playwright's own browser download is not reachable
# from this project's machines). Installs it when /usr/bin/chromium is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then echo "[chromium] $(/usr/bin/chromium --version 2>/dev/null || echo present)"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "[chromium] ERROR: install Debian's chromium package (apt-get install chromium) and run again" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
echo "[chromium] installing Debian's chromium"
apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null
apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium >/dev/null
echo "[chromium] $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
