#!/usr/bin/env bash
# Makes sure the PostgreSQL and Redis that DATABASE_URL and REDIS_URL name answer (defaults:
# 127.0.0.1:5432 and 127.0.0.1:6379). Uses running ones; starts installed local ones; installs
# Debian's packages when they are missing. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# A setting from the environment, else from .env.local (written by `npm run up`), else the default.
setting() {
  local name=$1 default=$2 value="${!1:-}"
  if [ -z "$value" ] && [ -f .env.local ]; then
    value=$(sed -n "s/^${name}=//p" .env.local | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/")
  fi
  printf '%s' "${value:-$default}"
}
# Prints "host port" of a URL.
host_port() { node -e 'const u = new URL(process.argv[1]); console.log(u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1", u.port || process.argv[2])' "$1" "$2"; }
is_local() { case "$1" in 127.0.0.1 | localhost | ::1) return 0 ;; *) return 1 ;; esac; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

apt_updated=0
apt_install() {
  [ "$(id -u)" = 0 ] || die "$* is not installed and this is not root: install it (apt-get install $*) and run again"
  command -v apt-get >/dev/null 2>&1 || die "$* is not installed and there is no apt-get: install it and run again"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    # A failed refresh (a mirror away) leaves the package lists already there: try with those.
    apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null || log "apt-get update failed; trying the package lists already on this machine"
    apt_updated=1
  fi
  log "installing $* from Debian's packages"
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$@" >/dev/null
}

read -r PG_HOST PG_PORT < <(host_port "$(setting DATABASE_URL postgresql://postgres@127.0.0.1:5432/pystol)" 5432)
read -r REDIS_HOST REDIS_PORT < <(host_port "$(setting REDIS_URL redis://127.0.0.1:6379)" 6379)

pg_up() {
  if command -v pg_isready >/dev/null 2>&1; then pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; else port_open "$PG_HOST" "$PG_PORT"; fi
}
redis_up() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
  else port_open "$REDIS_HOST" "$REDIS_PORT"; fi
}
wait_for() { for _ in $(seq 1 60); do "$1" && return 0; sleep 1; done; return 1; }

# The local cluster trusts connections from this machine (as on this project's machines), so
# the password-less DATABASE_URL default works. Prints "changed" when it edited the file.
trust_local() {
  local hba=$1
  grep -q '^host all all 127.0.0.1/32 trust' "$hba" && return 0
  sed -i '1i local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  echo changed
}

ensure_postgres() {
  if pg_up; then log "PostgreSQL answers on $PG_HOST:$PG_PORT"; return; fi
  is_local "$PG_HOST" || die "PostgreSQL at $PG_HOST:$PG_PORT (DATABASE_URL) does not answer; start it or change DATABASE_URL"
  [ "$PG_PORT" = 5432 ] || die "PostgreSQL on local port $PG_PORT does not answer; start it or use the default port 5432"
  command -v pg_ctlcluster >/dev/null 2>&1 && [ -n "$(ls /etc/postgresql 2>/dev/null)" ] || apt_install postgresql
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  [ -d "/etc/postgresql/$version/main" ] || die "PostgreSQL $version has no cluster 'main' (pg_createcluster $version main)"
  [ "$(id -u)" = 0 ] || die "PostgreSQL $version is installed but stopped: start it (pg_ctlcluster $version main start)"
  local changed
  changed=$(trust_local "/etc/postgresql/$version/main/pg_hba.conf")
  if pg_ctlcluster --skip-systemctl-redirect "$version" main status >/dev/null 2>&1; then
    # Running but not answering on TCP yet (just installed): reload to pick up the trust rules.
    [ -z "$changed" ] || pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  else
    log "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  wait_for pg_up || die "PostgreSQL $version did not start (see /var/log/postgresql/)"
  log "PostgreSQL $version is up on $PG_HOST:$PG_PORT"
}

ensure_redis() {
  if ! redis_up; then
    is_local "$REDIS_HOST" || die "Redis at $REDIS_HOST:$REDIS_PORT (REDIS_URL) does not answer; start it or change REDIS_URL"
    command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  fi
  # The package's own service may have started it during the install.
  if ! redis_up; then
    log "starting Redis on port $REDIS_PORT"
    # Nothing kept on disk, as on this project's machines; noeviction because BullMQ must
    # never lose a queued job to memory pressure.
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --maxmemory-policy noeviction --dir /tmp >/dev/null
    wait_for redis_up || die "Redis did not start"
  fi
  log "Redis answers on $REDIS_HOST:$REDIS_PORT"
  if command -v redis-cli >/dev/null 2>&1; then
    local policy
    policy=$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" config get maxmemory-policy 2>/dev/null | tail -n 1 || true)
    [ -z "$policy" ] || [ "$policy" = noeviction ] ||
      log "warning: Redis maxmemory-policy is '$policy'; queues need 'noeviction' (redis-cli config set maxmemory-policy noeviction)"
  fi
}

ensure_postgres
ensure_redis
