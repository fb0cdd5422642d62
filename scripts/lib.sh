# Shared shell helpers for scripts/*.sh: each prerequisite is checked, then
# installed or started when this machine allows it, else named precisely.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  is_root || die "missing $*: run as root, or install the Debian packages: $*"
  have apt-get || die "missing $*: this script installs them with apt-get (Debian/Ubuntu); install them by hand"
  say "installing $*"
  if [ -z "${SLIPWAY_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    export SLIPWAY_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_node_deps() {
  have node || die "Node.js 20+ is required (https://nodejs.org or apt-get install nodejs npm)"
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js 20+ is required, found $(node --version)"
  if [ ! -d "$ROOT/node_modules/.bin" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    say "installing npm dependencies"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if [ ! -f "$ROOT/packages/db/src/generated/client.ts" ] || [ "$ROOT/prisma/schema.prisma" -nt "$ROOT/packages/db/src/generated/client.ts" ]; then
    say "generating Prisma client"
    (cd "$ROOT" && npm run --silent db:generate >/dev/null)
  fi
}

pg_up() { have pg_isready && pg_isready -q -h 127.0.0.1 -p 5432; }
ensure_postgres() {
  pg_up && return 0
  if ! have pg_ctlcluster; then apt_install postgresql; fi
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  for _ in $(seq 1 30); do pg_up && return 0; sleep 1; done
  die "PostgreSQL is not answering on 127.0.0.1:5432"
}

redis_up() { have redis-cli && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
ensure_redis() {
  redis_up && return 0
  have redis-server || apt_install redis-server
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/slipway.log
  for _ in $(seq 1 30); do redis_up && return 0; sleep 1; done
  die "Redis is not answering on 127.0.0.1:6379"
}

# The builder makes its stack image from this host's node binary and a static busybox (/bin/sh inside).
ensure_stack_tools() {
  have file || apt_install file
  file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || apt_install busybox-static
}

docker_up() { [ -S /var/run/docker.sock ] && /usr/bin/docker version >/dev/null 2>&1; }
ensure_docker() {
  docker_up && return 0
  [ -x /usr/sbin/dockerd ] || apt_install docker.io
  is_root || die "the Docker engine is not running and starting it needs root: sudo dockerd &"
  say "starting the Docker engine"
  mkdir -p /var/log/slipway
  # Its own session: stopping whatever started it (a test run, a shell) must not stop the engine.
  setsid nohup /usr/sbin/dockerd >/var/log/slipway/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker_up && return 0; sleep 1; done
  die "dockerd did not start; see /var/log/slipway/dockerd.log"
}
