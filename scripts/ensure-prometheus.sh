#!/usr/bin/env bash
# Tests of the sandbox's metrics check them with Debian's promtool and scrape them with a real
# Prometheus server (Debian's prometheus package, 2.42 on bookworm). Installs it when missing.
set -euo pipefail
if [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; then echo "[prometheus] $(/usr/bin/prometheus --version 2>&1 | head -1)"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "[prometheus] ERROR: install Debian's prometheus package (apt-get install prometheus) and run again" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
echo "[prometheus] installing Debian's prometheus"
apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 prometheus >/dev/null
echo "[prometheus] $(/usr/bin/prometheus --version 2>&1 | head -1)"
