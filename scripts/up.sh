#!/usr/bin/env bash
# Brings the whole platform up on this machine: installs and starts what it needs
# (Node dependencies, PostgreSQL, Redis, the Docker engine), creates secrets on the
# first run, applies migrations, then starts api, builder, scheduler, one local
# agent and the router under a supervisor in the background. Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node_deps
ensure_postgres
ensure_redis
ensure_docker
ensure_stack_tools

export SLIPWAY_HOME="${SLIPWAY_HOME:-$ROOT/.data}"
mkdir -p "$SLIPWAY_HOME/logs"
chmod 700 "$SLIPWAY_HOME"
ENV_FILE="$SLIPWAY_HOME/slipway.env"
if [ ! -f "$ENV_FILE" ]; then
  say "creating secrets in $ENV_FILE"
  umask 077
  {
    echo "SLIPWAY_SECRET_KEYS=$(openssl rand -base64 32)"
    echo "SLIPWAY_JOIN_TOKEN=$(openssl rand -hex 24)"
    echo "SLIPWAY_INTERNAL_SECRET=$(openssl rand -hex 32)"
  } > "$ENV_FILE"
fi
set -a
# shellcheck disable=SC1090
source "$ENV_FILE"
set +a
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/slipway}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export PORT="${PORT:-4000}"
# The one-machine install runs one worker node on this host, reached on loopback.
export SLIPWAY_API_URL="${SLIPWAY_API_URL:-http://127.0.0.1:$PORT}"
export NODE_NAME="${NODE_NAME:-local}"
export NODE_ADDRESS="${NODE_ADDRESS:-127.0.0.1}"
export AGENT_STATE_DIR="${AGENT_STATE_DIR:-$SLIPWAY_HOME/agent}"
export ROUTER_PORT="${ROUTER_PORT:-8080}"
export SLIPWAY_REPOS_DIR="${SLIPWAY_REPOS_DIR:-$SLIPWAY_HOME/repos}"

say "applying database migrations"
npm run --silent db:migrate

if [ -x "$ROOT/scripts/addon-servers.sh" ]; then
  # Apps run in containers on this host's engine: they reach the add-on servers through its
  # bridge, the only address besides loopback the servers listen on.
  : "${ADDONS_PUBLIC_HOST:=$(ip -4 -o addr show docker0 2>/dev/null | awk '{print $4}' | cut -d/ -f1)}"
  export ADDONS_PUBLIC_HOST
  say "starting the add-on servers"
  "$ROOT/scripts/addon-servers.sh" >> "$SLIPWAY_HOME/logs/addon-servers.log" 2>&1 ||
    say "warning: the add-on servers did not start, so addons:create will fail; see $SLIPWAY_HOME/logs/addon-servers.log"
  ADDONS_ENV="${ADDONS_STATE_DIR:-/var/lib/slipway/addons}/addons.env"
  if [ -r "$ADDONS_ENV" ]; then set -a; source "$ADDONS_ENV"; set +a; fi
fi

# A link left dangling by a checkout that moved or went (-e is false for it) is replaced.
if is_root && [ -d /usr/local/bin ] && [ ! -e /usr/local/bin/slipway ]; then
  ln -sfn "$ROOT/apps/cli/bin/slipway.js" /usr/local/bin/slipway || say "warning: could not link the slipway CLI into /usr/local/bin"
fi

PID_FILE="$SLIPWAY_HOME/supervisor.pid"
if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  say "Slipway is already running (pid $(cat "$PID_FILE")); stop it with: npm run down"
else
  say "starting Slipway (logs in $SLIPWAY_HOME/logs)"
  nohup node --import tsx "$ROOT/scripts/supervisor.ts" >> "$SLIPWAY_HOME/logs/supervisor.log" 2>&1 &
fi

API="http://127.0.0.1:$PORT"
for _ in $(seq 1 90); do
  curl -fsS "$API/healthz" >/dev/null 2>&1 && break
  sleep 1
done
# The administrator's password is printed once, on the very first start, then scrubbed from the log.
if grep -q 'password:' "$SLIPWAY_HOME/logs/supervisor.log" 2>/dev/null; then
  grep -E 'email:|password:' "$SLIPWAY_HOME/logs/supervisor.log"
  sed -i '/password:/d' "$SLIPWAY_HOME/logs/supervisor.log"
fi
curl -fsS "$API/healthz" >/dev/null 2>&1 || die "the API did not come up; see $SLIPWAY_HOME/logs/api.log"
cat <<EOM

Slipway is up.
  API and git:  $API
  Apps:         http://<app>.${SLIPWAY_DOMAIN:-slipway.localhost}:${ROUTER_PORT:-8080}/
  Next:         slipway login --api $API
  Stop:         npm run down
EOM
