#!/usr/bin/env bash
# `npm test`: every test of the project, in order, stopping at the first stage that fails:
# lint, types, import cycles, unit and integration tests (real PostgreSQL and Redis), the
# production build, a short soak under kills, and browser tests in Debian's Chromium. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# npm's update check and prompts have no place in an unattended run.
export NPM_CONFIG_UPDATE_NOTIFIER=false

STAGES=(services chromium prometheus "fault tools" dependencies lint typecheck "import cycles" "unit and integration tests" build "soak (short)" "browser tests")
passed=0
started=$SECONDS

stage() {
  local name=$1 start=$SECONDS
  shift
  echo
  echo "=== [$((passed + 1))/${#STAGES[@]}] $name"
  if ! "$@" </dev/null; then
    echo
    echo "FAILED at stage: $name (command: $*)"
    echo "stages: $passed passed, 1 failed"
    exit 1
  fi
  passed=$((passed + 1))
  echo "--- $name: ok ($((SECONDS - start)) s)"
}

stage "services" bash scripts/ensure-services.sh
stage "chromium" bash scripts/ensure-chromium.sh
stage "prometheus" bash scripts/ensure-prometheus.sh
stage "fault tools" bash scripts/ensure-fault-tools.sh
stage "dependencies" bash scripts/ensure-deps.sh
stage "lint" npx --no-install eslint . --max-warnings=0
stage "typecheck" npx --no-install tsc --noEmit
stage "import cycles" npx --no-install madge --circular --no-spinner --extensions ts,tsx \
  --ts-config tsconfig.json --exclude 'generated/' app lib workers prisma
stage "unit and integration tests" npx --no-install vitest run
stage "build" npx --no-install next build
# A short soak (scripts/soak.ts): its own PostgreSQL and Redis on 41xxx ports, two sandbox
# shards, three workers and two web processes, killed one after the other under load.
stage "soak (short)" env SOAK_DURATION_S=90 SOAK_BASELINE_S=20 SOAK_KILL_EVERY_S=15 SOAK_SETTLE_S=120 \
  nice -n 10 npx --no-install tsx scripts/soak.ts
stage "browser tests" npx --no-install playwright test

echo
echo "All ${#STAGES[@]} test stages passed in $((SECONDS - started)) s."
echo "stages: $passed passed, 0 failed"
