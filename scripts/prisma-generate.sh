#!/usr/bin/env bash
# Generates the Prisma client into lib/db/generated.
# `prisma generate` does not need Prisma's native schema engine, but the CLI tries to
# download it first; where that download is impossible (no route to Prisma's host) pointing
# PRISMA_SCHEMA_ENGINE_BINARY at any existing executable skips it. Where the variable is
# already set, or the engine is already cached, nothing changes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/bin/true}"
export PRISMA_HIDE_UPDATE_MESSAGE=1
exec npx --no-install prisma generate --no-hints "$@"
