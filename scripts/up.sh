#!/usr/bin/env bash
# `npm run up`: from a fresh clone to a running Pystol. Makes sure PostgreSQL and Redis run,
# installs dependencies, writes .env.local with generated secrets (never overwriting one),
# applies migrations, builds the web app when needed, then runs the sandbox cluster (when the
# project has it), the worker and the web app until Ctrl-C or SIGTERM stops them all.
#   PORT (3000) and WORKER_HEALTH_PORT (9464) choose the ports; WEB_CONCURRENCY the number of
#   web processes (default: one per CPU); SANDBOX_SHARD_COUNT (1) the number of sandbox
#   processes (shards), on consecutive ports from SANDBOX_PORT/SANDBOX_ADMIN_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 NPM_CONFIG_UPDATE_NOTIFIER=false

say() { printf '[up] %s\n' "$*"; }
die() { printf '[up] ERROR: %s\n' "$*" >&2; exit 1; }

# --- Node.js
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  die "Node.js >= 20.19 is needed (found $(node --version 2>/dev/null || echo none))"

# --- PostgreSQL and Redis, dependencies
bash scripts/ensure-services.sh
bash scripts/ensure-deps.sh

# --- .env.local: secrets generated once per checkout, never overwritten
random_b64() { node -e 'process.stdout.write(require("node:crypto").randomBytes(Number(process.argv[1])).toString("base64"))' "$1"; }
random_hex() { node -e 'process.stdout.write(require("node:crypto").randomBytes(Number(process.argv[1])).toString("hex"))' "$1"; }
has_var() { [ -f .env.local ] && grep -q "^$1=" .env.local; }
add_var() {
  if ! has_var "$1"; then
    [ -f .env.local ] || { printf '# Local settings of this checkout, written by `npm run up`. Not committed.\n' >.env.local; chmod 600 .env.local; }
    printf '%s=%s\n' "$1" "$2" >>.env.local
    say "wrote $1 to .env.local"
  fi
}
add_var NEXTAUTH_SECRET "$(random_b64 32)"
if ! has_var PYSTOL_ENCRYPTION_KEYS; then
  add_var PYSTOL_ENCRYPTION_KEYS "k1:$(random_b64 32)"
  add_var PYSTOL_ENCRYPTION_KEY_ID k1
fi
add_var SANDBOX_ADMIN_TOKEN "$(random_hex 32)"

# Loads .env.local into this shell; variables already set in the environment win, as in
# Next.js and in the worker.
while IFS= read -r line; do
  [[ $line =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
  name=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
  [ -n "${!name+x}" ] && continue
  value=${value#\"} value=${value%\"}
  export "$name=$value"
done <.env.local

export PORT="${PORT:-3000}" WORKER_HEALTH_PORT="${WORKER_HEALTH_PORT:-9464}"
# WEB_CONCURRENCY, when set, goes to server.mjs, which otherwise runs one web process per CPU:
# even beside PostgreSQL, the worker and the sandbox, a burst of 200 trials on 2 cores opened
# faster with two web processes than with one (BENCHMARKS.md).
# A running installation keeps a few ready trial clusters, as a hosted one should (README). The
# setting's own default stays 0 for the tests, which share one database between sandboxes; the
# worker drops pool clusters a restarted sandbox has forgotten before it refills.
export TRIAL_POOL_SIZE="${TRIAL_POOL_SIZE:-10}"
export NEXTAUTH_URL="${NEXTAUTH_URL:-http://localhost:$PORT}"
# The web app and the worker find the sandbox's admin interface on the port it was given.
export SANDBOX_ADMIN_URL="${SANDBOX_ADMIN_URL:-http://127.0.0.1:${SANDBOX_ADMIN_PORT:-6444}}"
# Sandbox shards: shard i listens on SANDBOX_PORT + 2i (API) and SANDBOX_ADMIN_PORT + 2i
# (admin), keeps its data in .data/sandbox-<i> (shard 0: SANDBOX_DATA_DIR, .data/sandbox), and
# is named "default" (0) or "shard-<i>", the names cluster rows record. The web app and the
# worker get the list as SANDBOX_SHARDS.
shard_count="${SANDBOX_SHARD_COUNT:-1}"
[[ $shard_count =~ ^[1-9][0-9]?$ ]] && [ "$shard_count" -le 16 ] || die "SANDBOX_SHARD_COUNT must be a number from 1 to 16 (found \"$shard_count\")"
unset SANDBOX_SHARD_COUNT SANDBOX_SHARD_URL_PATTERN
sandbox_port=${SANDBOX_PORT:-6443} sandbox_admin_port=${SANDBOX_ADMIN_PORT:-6444}
if [ "$shard_count" -gt 1 ]; then
  shards=""
  for i in $(seq 0 $((shard_count - 1))); do
    name=default
    [ "$i" = 0 ] || name="shard-$i"
    shards+="${shards:+,}$name=http://127.0.0.1:$((sandbox_admin_port + 2 * i))"
  done
  export SANDBOX_SHARDS="$shards"
fi

# --- database schema
say "applying migrations"
npm run --silent db:migrate

# --- production build, when missing or older than any source
stale=""
if [ ! -f .next/BUILD_ID ]; then
  stale="no build yet"
# lib/db/generated is rewritten by every `prisma generate`; the schema it comes from is checked instead.
elif [ -n "$(find app lib public proxy.ts next.config.mjs postcss.config.mjs tsconfig.json package-lock.json prisma/schema.prisma \
  -path lib/db/generated -prune -o -newer .next/BUILD_ID -type f -print -quit 2>/dev/null)" ]; then
  stale="sources changed since the last build"
fi
if [ -n "$stale" ]; then
  say "building the web app ($stale)"
  npx --no-install next build
fi

# --- run everything
mkdir -p .data
pids=()
names=()
start() { # name command...: runs in its own process group, output prefixed with [name]
  local name=$1
  shift
  setsid "$@" > >(sed -u "s/^/[$name] /" | tee ".data/$name.log") 2>&1 </dev/null &
  pids+=("$!")
  names+=("$name")
}
stopping=0
stop_all() {
  [ "$stopping" = 1 ] && return
  stopping=1
  say "stopping"
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  # The worker may take its grace period to finish running jobs.
  for _ in $(seq 1 40); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop_all; exit 0' INT TERM
trap 'stop_all' EXIT

if [ "$(npm pkg get scripts.sandbox)" != "{}" ]; then
  start sandbox npm run --silent sandbox
  for i in $(seq 1 $((shard_count - 1))); do
    start "sandbox-$i" env -u SANDBOX_PUBLIC_URL SANDBOX_PORT=$((sandbox_port + 2 * i)) SANDBOX_ADMIN_PORT=$((sandbox_admin_port + 2 * i)) \
      SANDBOX_DATA_DIR=".data/sandbox-$i" npm run --silent sandbox
  done
fi
start worker node --import tsx workers/worker.ts
start web node server.mjs -p "$PORT"

url_ok() { curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null || node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }
ready=0
for _ in $(seq 1 120); do
  for i in "${!pids[@]}"; do
    kill -0 "${pids[$i]}" 2>/dev/null || die "${names[$i]} exited early; see its lines above (.data/${names[$i]}.log)"
  done
  if url_ok "http://127.0.0.1:$PORT/api/health" && url_ok "http://127.0.0.1:$WORKER_HEALTH_PORT/healthz"; then ready=1; break; fi
  sleep 1
done
[ "$ready" = 1 ] || die "the web app or the worker did not become healthy"

echo
say "Pystol is running. Open $NEXTAUTH_URL"
if [[ " ${names[*]} " == *" sandbox "* ]]; then
  # The sandbox prints how to point kubectl at its demo cluster once it listens.
  for _ in $(seq 1 30); do grep -q '^\[sandbox\] *kubectl ' .data/sandbox.log 2>/dev/null && break; sleep 1; done
  kubectl_line=$(sed -n 's/^\[sandbox\] *\(kubectl .*\)$/\1/p' .data/sandbox.log | head -n 1)
  [ -z "$kubectl_line" ] || say "Sandbox cluster: $kubectl_line"
fi
say "Worker health: http://127.0.0.1:$WORKER_HEALTH_PORT/healthz  (metrics: /metrics). Ctrl-C stops everything."
echo

# Runs until Ctrl-C / SIGTERM, until one of the processes exits, or until the parent that
# started this script (npm, which does not pass SIGTERM on) goes away.
parent=$PPID
while :; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      say "${names[$i]} exited; stopping the others"
      stop_all
      exit 1
    fi
  done
  if ! kill -0 "$parent" 2>/dev/null; then stop_all; exit 0; fi
  sleep 1 &
  wait $! || true
done
