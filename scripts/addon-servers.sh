#!/usr/bin/env bash
# Managed servers for add-ons, separate from the control plane's trust-auth ones:
#   - a PostgreSQL cluster "addons" on port 5433 where every TCP login needs a
#     scram-sha-256 password and a role may only open the database of its own name;
#   - a Redis on port 6380 with the default user disabled, so every client logs in
#     as an ACL user (one per add-on, created by packages/addons).
# Idempotent: creates what is missing, starts what is stopped, keeps passwords.
# Prints the admin URLs as env lines: ADDONS_POSTGRES_ADMIN_URL, ADDONS_REDIS_ADMIN_URL.
# Env: ADDONS_STATE_DIR (/var/lib/slipway/addons), ADDONS_PG_PORT (5433),
#      ADDONS_REDIS_PORT (6380), ADDONS_PUBLIC_HOST (the address app containers reach
#      the servers on: they listen there and on loopback only; remembered across runs),
#      ADDONS_LISTEN (overrides both: addresses, or * for every interface),
#      ADDONS_REDIS_MAXMEMORY (512mb: room for 20 add-ons of the shared plan at its
#      25 MB quota, packages/addons/src/catalog.ts; the broker enforces each quota).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE="${ADDONS_STATE_DIR:-/var/lib/slipway/addons}"
PG_PORT="${ADDONS_PG_PORT:-5433}"
REDIS_PORT="${ADDONS_REDIS_PORT:-6380}"
REDIS_MAXMEMORY="${ADDONS_REDIS_MAXMEMORY:-512mb}"
PG_CLUSTER=addons
PG_ADMIN=slipway_admin
REDIS_ADMIN=slipway-admin

is_root || die "scripts/addon-servers.sh manages system services: run it as root"
mkdir -p "$STATE"
chmod 0700 "$STATE"
# Concurrent runs (parallel test files) would race on cluster creation.
exec 9>"$STATE/.lock"
flock 9  # servers started below get 9>&- so they do not hold the lock

# Where the servers listen: loopback and where app networks reach them, never every interface.
LISTEN_FILE="$STATE/listen"
LISTEN="${ADDONS_LISTEN:-${ADDONS_PUBLIC_HOST:+127.0.0.1 $ADDONS_PUBLIC_HOST}}"
[ -n "$LISTEN" ] || LISTEN="$(cat "$LISTEN_FILE" 2>/dev/null || echo 127.0.0.1)"
LISTEN="$(tr ', ' '\n\n' <<<"$LISTEN" | awk 'NF && !seen[$0]++' | paste -sd' ')"
echo "$LISTEN" >"$LISTEN_FILE"
# A running server listens where it did when it started: nowhere but LISTEN, and on every LISTEN
# address this host has now (one missing, say a bridge not made yet, causes no restart).
listens_as_configured() {
  local have a
  have="$(ss -ltnH "sport = :$1" | awk '{print $4}' | sed -E 's/:[0-9]+$//; s/^\[(.*)\]$/\1/' | sort -u)"
  if [ "$LISTEN" = '*' ]; then [ "$(paste -sd' ' <<<"$have")" = '0.0.0.0 ::' ]; return; fi
  for a in $have; do [[ " $LISTEN " == *" $a "* ]] || return 1; done
  for a in $LISTEN; do
    ip -o addr show | awk '{print $4}' | cut -d/ -f1 | grep -qxF "$a" && ! grep -qxF "$a" <<<"$have" && return 1
  done
  return 0
}

# A password file is made once and reused, so reruns keep working credentials.
secret_file() {
  local file="$STATE/$1"
  if [ ! -s "$file" ]; then
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '/+=\n' >"$file")
  fi
  chmod 0600 "$file"
  cat "$file"
}

# ---------------------------------------------------------------- PostgreSQL
have pg_createcluster || apt_install postgresql
PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -1)"
[ -n "$PG_VERSION" ] || die "no PostgreSQL server found under /usr/lib/postgresql"
PG_CONF="/etc/postgresql/$PG_VERSION/$PG_CLUSTER"

if [ ! -d "$PG_CONF" ]; then
  say "creating PostgreSQL $PG_VERSION cluster '$PG_CLUSTER' on port $PG_PORT"
  pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -p "$PG_PORT" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi

# Rewritten on every run so a hand edit cannot silently weaken authentication.
cat >"$PG_CONF/conf.d/slipway-addons.conf" <<EOF
# Written by scripts/addon-servers.sh
listen_addresses = '${LISTEN// /,}'
port = $PG_PORT
password_encryption = scram-sha-256
log_statement = 'none'
EOF
# 'sameuser': an add-on role can only open the database named like itself, on top
# of CONNECT being revoked from PUBLIC; only the platform's admin reaches others.
cat >"$PG_CONF/pg_hba.conf" <<EOF
# Written by scripts/addon-servers.sh
# TYPE  DATABASE  USER         ADDRESS       METHOD
local   all       postgres                   peer
host    all       $PG_ADMIN    127.0.0.1/32  scram-sha-256
host    all       $PG_ADMIN    ::1/128       scram-sha-256
host    sameuser  all          0.0.0.0/0     scram-sha-256
host    sameuser  all          ::/0          scram-sha-256
EOF
chown postgres:postgres "$PG_CONF/pg_hba.conf" "$PG_CONF/conf.d/slipway-addons.conf"

pg_addons_up() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }
if pg_addons_up && ! listens_as_configured "$PG_PORT"; then
  say "restarting PostgreSQL cluster '$PG_CLUSTER' to listen on: $LISTEN"
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" restart 9>&-
  for _ in $(seq 1 30); do pg_addons_up && break; sleep 1; done
elif pg_addons_up; then
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" reload
else
  say "starting PostgreSQL cluster '$PG_CLUSTER'"
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" start 9>&-
  for _ in $(seq 1 30); do pg_addons_up && break; sleep 1; done
  pg_addons_up || die "PostgreSQL '$PG_CLUSTER' is not answering on port $PG_PORT; see /var/log/postgresql/"
fi

PG_PASS="$(secret_file postgres-admin.password)"
# The admin creates databases and roles and may signal their backends, but is not
# a superuser. The password is passed as a psql variable, never on a command line.
runuser -u postgres -- psql -q -X -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres -v pass="$PG_PASS" -v admin="$PG_ADMIN" <<'SQL' >/dev/null
SET client_min_messages = warning;
SELECT format('CREATE ROLE %I', :'admin') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'admin') \gexec
ALTER ROLE :"admin" WITH LOGIN NOSUPERUSER CREATEDB CREATEROLE PASSWORD :'pass';
GRANT pg_signal_backend TO :"admin";
REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;
GRANT CONNECT ON DATABASE postgres TO :"admin";
SQL

# Catalog privileges are per database and only a superuser may change them, so
# this runs here: in template1 (which every new add-on database is copied from)
# and in every existing add-on database. It takes away what shows other tenants'
# activity: their sessions, locks, per-database statistics and role memberships.
# pg_roles, pg_database, pg_shdescription and pg_db_role_setting stay readable:
# pg_dump (the add-on's backups, and its users' own pg_dump) reads them, and
# `oid::regrole` names any role anyway. Add-on names are random (addon_<id>) and
# say nothing of their team; a role can open only its own database.
PG_HIDE_OTHERS="$(cat <<'SQL'
SET client_min_messages = warning;
REVOKE SELECT ON pg_catalog.pg_stat_activity, pg_catalog.pg_stat_ssl, pg_catalog.pg_stat_gssapi,
  pg_catalog.pg_locks, pg_catalog.pg_stat_database, pg_catalog.pg_stat_database_conflicts,
  pg_catalog.pg_auth_members, pg_catalog.pg_prepared_xacts FROM PUBLIC;
SELECT format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', p.oid::regprocedure)
  FROM pg_proc p
 WHERE p.pronamespace = 'pg_catalog'::regnamespace
   AND (p.proname LIKE 'pg\_stat\_get\_db\_%' OR p.proname LIKE 'pg\_stat\_get\_backend\_%'
        OR p.proname IN ('pg_stat_get_activity', 'pg_stat_get_progress_info', 'pg_lock_status', 'pg_blocking_pids', 'pg_safe_snapshot_blocking_pids'))
\gexec
SQL
)"
pg_hide_others() { runuser -u postgres -- psql -q -X -v ON_ERROR_STOP=1 -p "$PG_PORT" -d "$1" <<<"$PG_HIDE_OTHERS" >/dev/null; }
# Once only for template1: CREATE DATABASE fails while anyone is connected to it.
TEMPLATE_MARK="$STATE/.pg-template1-hides-others-v1"
if [ ! -e "$TEMPLATE_MARK" ]; then pg_hide_others template1 && touch "$TEMPLATE_MARK"; fi
for db in $(runuser -u postgres -- psql -X -At -p "$PG_PORT" -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'addon\_%'"); do
  pg_hide_others "$db" || say "warning: could not apply the catalog privileges to $db (destroyed meanwhile?)"
done

# ---------------------------------------------------------------------- Redis
have redis-server || apt_install redis-server
REDIS_DIR="$STATE/redis"
mkdir -p "$REDIS_DIR"
chmod 0700 "$REDIS_DIR"
REDIS_PASS="$(secret_file redis-admin.password)"
REDIS_HASH="$(printf '%s' "$REDIS_PASS" | sha256sum | cut -d' ' -f1)"
# '-': an address missing at start is skipped rather than fatal.
BIND="* -::*"
[ "$LISTEN" = '*' ] || BIND="$(for a in $LISTEN; do [ "$a" = 127.0.0.1 ] && echo "$a" || echo "-$a"; done | paste -sd' ')"

cat >"$REDIS_DIR/redis.conf" <<EOF
# Written by scripts/addon-servers.sh
port $REDIS_PORT
bind $BIND
protected-mode no
daemonize yes
pidfile $REDIS_DIR/redis.pid
logfile $REDIS_DIR/redis.log
dir $REDIS_DIR
appendonly yes
save ""
aclfile $REDIS_DIR/users.acl
maxmemory $REDIS_MAXMEMORY
maxmemory-policy noeviction
proto-max-bulk-len 25mb
client-query-buffer-limit 32mb
client-output-buffer-limit normal 64mb 32mb 60
maxmemory-clients 10%
EOF
# Add-on users live in the ACL file (rewritten by ACL SAVE); only the two
# platform lines are forced here, so reruns keep every add-on's user.
touch "$REDIS_DIR/users.acl"
chmod 0600 "$REDIS_DIR/users.acl" "$REDIS_DIR/redis.conf"
grep -v -E "^user (default|$REDIS_ADMIN) " "$REDIS_DIR/users.acl" >"$REDIS_DIR/users.acl.new" || true
{
  echo "user default off resetpass nocommands resetkeys resetchannels"
  echo "user $REDIS_ADMIN on #$REDIS_HASH ~* &* +@all"
  cat "$REDIS_DIR/users.acl.new"
} >"$REDIS_DIR/users.acl.tmp"
mv "$REDIS_DIR/users.acl.tmp" "$REDIS_DIR/users.acl"
rm -f "$REDIS_DIR/users.acl.new"

redis_addons() { REDISCLI_AUTH="$REDIS_PASS" redis-cli --no-auth-warning -h 127.0.0.1 -p "$REDIS_PORT" --user "$REDIS_ADMIN" "$@"; }
redis_addons_up() { [ "$(redis_addons ping 2>/dev/null)" = PONG ]; }
if redis_addons_up; then
  redis_addons acl load >/dev/null
  listens_as_configured "$REDIS_PORT" || redis_addons config set bind "$BIND" >/dev/null ||
    say "warning: Redis for add-ons could not listen on: $BIND"
elif redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  die "port $REDIS_PORT answers but not to the add-on admin: stop that server or set ADDONS_REDIS_PORT"
else
  say "starting Redis for add-ons on port $REDIS_PORT"
  redis-server "$REDIS_DIR/redis.conf" 9>&-
  for _ in $(seq 1 30); do redis_addons_up && break; sleep 1; done
  redis_addons_up || die "Redis for add-ons is not answering on port $REDIS_PORT; see $REDIS_DIR/redis.log"
fi

# Limits on every tenant at once, also applied to a server already running; each
# add-on's own quota is enforced by the broker (packages/addons/src/usage-watch.ts).
#  - maxmemory bounds the whole server. noeviction: evicting would let one tenant's
#    writes delete another's keys (and BullMQ requires it); writes are refused instead.
#  - proto-max-bulk-len: no single value above the shared plan's 25 MB quota, so one
#    SET cannot fill the server before the broker's next usage check.
#  - query and output buffers (outside the keys the broker measures) are capped per
#    client, and all clients together at 10% of maxmemory (the largest are dropped).
redis_addons config set maxmemory "$REDIS_MAXMEMORY" maxmemory-policy noeviction proto-max-bulk-len 25mb \
  client-query-buffer-limit 32mb client-output-buffer-limit "normal 64mb 32mb 60" maxmemory-clients 10% >/dev/null

ENV_FILE="$STATE/addons.env"
(umask 077 && cat >"$ENV_FILE" <<EOF
ADDONS_POSTGRES_ADMIN_URL=postgresql://$PG_ADMIN:$PG_PASS@127.0.0.1:$PG_PORT/postgres
ADDONS_REDIS_ADMIN_URL=redis://$REDIS_ADMIN:$REDIS_PASS@127.0.0.1:$REDIS_PORT
EOF
)
say "add-on servers ready (also written to $ENV_FILE)"
cat "$ENV_FILE"
