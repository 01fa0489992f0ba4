#!/usr/bin/env bash
# Installs npm dependencies exactly as locked when node_modules is missing or older than
# package-lock.json; otherwise only regenerates the Prisma client (cheap, and catches a
# schema changed since the last install).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "[deps] node_modules is up to date; generating the Prisma client"
  bash scripts/prisma-generate.sh >/dev/null
fi
