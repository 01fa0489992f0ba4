#!/usr/bin/env bash
# The fault runner's namespace tests drive Debian's nftables (nft) and stress-ng, the tools its
# image ships. Installs them when missing (as root); elsewhere those tests say why they skip.
set -euo pipefail
missing=()
command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || missing+=(nftables)
command -v stress-ng >/dev/null 2>&1 || missing+=(stress-ng)
if [ ${#missing[@]} -eq 0 ]; then echo "[fault tools] $(/usr/sbin/nft --version 2>&1), $(stress-ng --version 2>&1 | head -1)"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "[fault tools] not root: the fault runner's namespace tests will be skipped (they need root, nftables and stress-ng)"; exit 0; fi
export DEBIAN_FRONTEND=noninteractive
echo "[fault tools] installing Debian's ${missing[*]}"
apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
echo "[fault tools] $(/usr/sbin/nft --version 2>&1), $(stress-ng --version 2>&1 | head -1)"
