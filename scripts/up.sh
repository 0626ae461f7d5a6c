#!/usr/bin/env bash
# up.sh — bring the whole control plane up on this machine (Debian 12, as root):
#
#   1. npm ci                   only when node_modules is missing or older than the lock
#   2. npm run build            everything into dist/
#   3. scripts/services.sh      installs/starts Postgres 15, Docker, and NATS with JetStream
#                               and authorization: "sacp bus init" (built in step 2) writes
#                               $SACP_STATE_DIR/nats/nats-server.conf and one credential per
#                               service in $SACP_STATE_DIR/nats/credentials (mode 600);
#                               Postgres roles and their URLs in $SACP_STATE_DIR/postgres/
#   4. scripts/build-images.sh  sacp/base:local and sacp/sim-agent:latest, offline
#   4b. migrations              node dist/apps/orchestrator/migrate.js as the database's owner;
#                               the only step that gets the owner's URL
#   5. a secret key, once       $SACP_STATE_DIR/secret.key (base64 of 32 bytes, mode 600),
#                               unless SACP_SECRET_KEY is set
#   5b. the first admin        SACP_ADMIN_USER (admin) with a password made once in
#                               $SACP_STATE_DIR/api/admin-password (mode 600), unless
#                               SACP_ADMIN_PASSWORD_FILE is set: the api adds that admin
#                               when no user exists yet (then the file is no longer read)
#   6. the four services        orchestrator, monitor, discord-gateway, api under a
#                               supervisor that starts again one that dies
#                               (scripts/supervise.sh): systemd units where systemd is
#                               PID 1, otherwise a supervisord of its own (Debian's
#                               `supervisor` package) with its config, socket and pid in
#                               $SACP_STATE_DIR; logs in $SACP_STATE_DIR/logs/<service>.log
#   7. waits until every GET /health/ready answers 200, then prints where things are.
#
# Idempotent: running services are left alone (one whose environment changed is
# restarted); run it again after a reboot and it starts what is missing.
# Stop with scripts/down.sh.
#
# Environment (all optional):
#   SACP_STATE_DIR         /var/lib/sacp
#   DATABASE_URL           the services' role (sacp_app): DATABASE_URL= in $SACP_STATE_DIR/postgres/app.env
#   DATABASE_MIGRATION_URL the owner (sacp_owner), for the migration step only:
#                          DATABASE_MIGRATION_URL= in $SACP_STATE_DIR/postgres/owner.env
#   NATS_URL               nats://127.0.0.1:4222
#   SACP_SECRET_KEY        base64 of 32 bytes; otherwise read from (or created in) the key file
#   ORCHESTRATOR_HTTP_PORT 3101   MONITOR_HTTP_PORT 3102
#   DISCORD_GATEWAY_HTTP_PORT 3103   API_HTTP_PORT 3100   API_HOST 127.0.0.1
#   SACP_UP_TIMEOUT        seconds to wait for every /health/ready (60)
#   SACP_UP_SKIP_BUILD     1: skip steps 1, 2 and 4 (dependencies, build, images) when dist/ and the
#                          images are known to be current (the tests that run this script)
#   SACP_UP_SKIP_SERVICES  1: skip step 3 (Postgres, NATS and Docker are up, and DATABASE_URL and
#                          DATABASE_MIGRATION_URL are given): scripts/services.sh (re)sets the roles'
#                          passwords from $SACP_STATE_DIR, so a second state directory must not run it
#   SACP_NATS_CREDENTIALS_DIR  where each service's NATS credential <service>.json is
#                          ($SACP_STATE_DIR/nats/credentials, written by step 3)
#   SACP_NATS_DIR          the orchestrator's NATS directory (server config, pid file, credentials/),
#                          where it adds each agent's own credential (the parent of the credentials dir)
#   SACP_SUPERVISOR        systemd | supervisord: override the choice made from PID 1
#   SACP_DISCORD_ENV       $SACP_STATE_DIR/discord.env: KEY=value lines for the Discord bot only
#                          (DISCORD_TOKEN_FILE, DISCORD_TOKEN_KEY_FILE, DISCORD_ROLES, DISCORD_ALERT_CHANNEL_ID, ...);
#                          without a token the discord-gateway runs with the bot off
#   any other key a service's config.ts reads (SACP_INSTANCE, LOG_LEVEL, ...) passes through.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${SACP_STATE_DIR:-/var/lib/sacp}
LOG_DIR=$STATE_DIR/logs
RUN_DIR=$STATE_DIR/run
KEY_FILE=$STATE_DIR/secret.key
DISCORD_ENV=${SACP_DISCORD_ENV:-$STATE_DIR/discord.env}
TIMEOUT=${SACP_UP_TIMEOUT:-60}
SERVICES=(orchestrator monitor discord-gateway api)

export NATS_URL=${NATS_URL:-nats://127.0.0.1:4222}
export SACP_CONFIG_DIR=${SACP_CONFIG_DIR:-$REPO/configs}

log() { printf '{"level":"info","component":"up","msg":"%s"}\n' "$*"; }
fail() {
  printf '{"level":"error","component":"up","msg":"%s"}\n' "$1" >&2
  [ -n "${2:-}" ] && [ -f "$2" ] && { echo "--- last lines of $2:" >&2; tail -n 15 "$2" >&2; }
  exit 1
}

port_of() {
  case $1 in
    orchestrator) echo "${ORCHESTRATOR_HTTP_PORT:-3101}" ;;
    monitor) echo "${MONITOR_HTTP_PORT:-3102}" ;;
    discord-gateway) echo "${DISCORD_GATEWAY_HTTP_PORT:-3103}" ;;
    api) echo "${API_HTTP_PORT:-3100}" ;;
  esac
}
# the address to probe: the api may listen on API_HOST, the others on loopback only
host_of() {
  local h=127.0.0.1
  [ "$1" = api ] && h=${API_HOST:-127.0.0.1}
  case $h in 0.0.0.0 | :: | '[::]') h=127.0.0.1 ;; esac
  echo "$h"
}

# HTTP status of GET http://HOST:PORT/PATH, or 000 when nothing answers (no curl needed)
http_status() {
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$3" "$1" >&3
    IFS=" " read -r _ code _ <&3 && echo "$code"
  ' _ "$1" "$2" "$3" 2>/dev/null || echo 000
}
port_open() { timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null; }

[ "$(id -u)" = 0 ] || fail "run as root: it installs Debian packages, starts dockerd and writes $STATE_DIR"
mkdir -p "$LOG_DIR" "$RUN_DIR"
cd "$REPO"

if [ "${SACP_UP_SKIP_BUILD:-}" != 1 ]; then
# 1. dependencies: npm keeps its own copy of the lock in node_modules/.package-lock.json
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
  [ package.json -nt node_modules/.package-lock.json ]; then
  log "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund >"$LOG_DIR/npm-ci.log" 2>&1 || fail "npm ci failed" "$LOG_DIR/npm-ci.log"
fi

# 2. build
log "building (npm run build)"
npm run build >"$LOG_DIR/build.log" 2>&1 || fail "npm run build failed" "$LOG_DIR/build.log"
for s in "${SERVICES[@]}"; do
  [ -f "dist/apps/$s/main.js" ] || fail "dist/apps/$s/main.js is missing after the build" "$LOG_DIR/build.log"
done

fi

# 3. Postgres, Docker, and NATS with its generated config and credentials (the CLI writes them, so after the build)
[ "${SACP_UP_SKIP_SERVICES:-}" = 1 ] || bash "$REPO/scripts/services.sh"
# the services connect as sacp_app; the owner's URL goes to the migration step alone (4b)
env_value() { sed -n "s/^$1=//p" "$STATE_DIR/postgres/$2" 2>/dev/null; }
DATABASE_URL=${DATABASE_URL:-$(env_value DATABASE_URL app.env)}
DATABASE_MIGRATION_URL=${DATABASE_MIGRATION_URL:-$(env_value DATABASE_MIGRATION_URL owner.env)}
[ -n "$DATABASE_URL" ] && [ -n "$DATABASE_MIGRATION_URL" ] ||
  fail "no database URLs in $STATE_DIR/postgres (app.env, owner.env): scripts/services.sh writes them, or set DATABASE_URL and DATABASE_MIGRATION_URL"
export DATABASE_URL
export -n DATABASE_MIGRATION_URL
# each service's own NATS credential, written by "sacp bus init" (step 3)
NATS_CREDENTIALS_DIR=${SACP_NATS_CREDENTIALS_DIR:-$STATE_DIR/nats/credentials}
for s in "${SERVICES[@]}"; do
  [ -f "$NATS_CREDENTIALS_DIR/$s.json" ] || fail "no NATS credential for $s in $NATS_CREDENTIALS_DIR: scripts/services.sh writes them (sacp bus init), or set SACP_NATS_CREDENTIALS_DIR"
done

# 4. images the orchestrator runs agents from
[ "${SACP_UP_SKIP_BUILD:-}" = 1 ] || bash "$REPO/scripts/build-images.sh"
for s in "${SERVICES[@]}"; do
  [ -f "dist/apps/$s/main.js" ] || fail "dist/apps/$s/main.js is missing: run npm run build"
done

# 4b. the event store's schema, migrated as the database's owner
log "migrating the event store"
DATABASE_MIGRATION_URL=$DATABASE_MIGRATION_URL node dist/apps/orchestrator/migrate.js >>"$LOG_DIR/migrate.log" 2>&1 ||
  fail "migrating the event store failed" "$LOG_DIR/migrate.log"

# 5. the key that encrypts secret values at rest
if [ -z "${SACP_SECRET_KEY:-}" ]; then
  if [ ! -s "$KEY_FILE" ]; then
    log "generating the secret key in $KEY_FILE"
    (umask 077 && head -c 32 /dev/urandom | base64 >"$KEY_FILE.tmp" && mv "$KEY_FILE.tmp" "$KEY_FILE")
  fi
  chmod 600 "$KEY_FILE"
  SACP_SECRET_KEY=$(tr -d '\n' <"$KEY_FILE")
fi

# 5b. the dashboard's first admin: used by the api only while no user exists
export SACP_ADMIN_USER=${SACP_ADMIN_USER:-admin}
if [ -z "${SACP_ADMIN_PASSWORD_FILE:-}" ]; then
  SACP_ADMIN_PASSWORD_FILE=$STATE_DIR/api/admin-password
  if [ ! -s "$SACP_ADMIN_PASSWORD_FILE" ]; then
    log "generating the first admin's password in $SACP_ADMIN_PASSWORD_FILE"
    (umask 077 && mkdir -p "$STATE_DIR/api" && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$SACP_ADMIN_PASSWORD_FILE.tmp" && mv "$SACP_ADMIN_PASSWORD_FILE.tmp" "$SACP_ADMIN_PASSWORD_FILE")
  fi
  chmod 600 "$SACP_ADMIN_PASSWORD_FILE"
fi
export SACP_ADMIN_PASSWORD_FILE

# 6. the services, under a supervisor that starts again whichever dies (scripts/supervise.sh)
# Each service's environment is what its function below prints (KEY=value lines, any value
# but one with a newline): add a key for one service in its function, for all in env_common.
# pass_env PREFIX...: this shell's exported variables whose names start with a PREFIX
pass_env() {
  local k p
  for k in $(compgen -e); do
    for p in "$@"; do [[ $k == "$p"* ]] && echo "$k=${!k}" && break; done
  done
  return 0
}
env_common() {
  local k
  echo "PATH=$PATH"
  # each service connects to NATS with its own credential, and may use only its own subjects
  echo "NATS_CREDENTIALS_FILE=$NATS_CREDENTIALS_DIR/$1.json"
  echo "NATS_URL=$NATS_URL"
  echo "SACP_CONFIG_DIR=$SACP_CONFIG_DIR"
  # settings a service's config.ts reads, passed through from this shell (not the secret key, not the bot's)
  for k in $(compgen -e); do
    case $k in
      SACP_SECRET_KEY | SACP_STATE_DIR | SACP_UP_* | SACP_NATS_CREDENTIALS_DIR | SACP_NATS_DIR | SACP_DISCORD_ENV | SACP_SUPERVISOR | SACP_CONFIG_DIR) ;;
      SACP_* | LOG_* | DOCKER_* | NODE_OPTIONS | NODE_ENV | TZ) echo "$k=${!k}" ;;
    esac
  done
}
# the services' database role (never the owner's URL: that one is for step 4b alone)
env_database() { echo "DATABASE_URL=$DATABASE_URL"; }
env_orchestrator() {
  env_common orchestrator
  env_database
  pass_env ORCHESTRATOR_
  echo "ORCHESTRATOR_HTTP_PORT=$(port_of orchestrator)"
  # only the orchestrator reads the secret key
  echo "SACP_SECRET_KEY=$SACP_SECRET_KEY"
  # the agent protocol: it adds each agent's NATS credential next to the services' and reloads nats-server
  echo "SACP_NATS_DIR=${SACP_NATS_DIR:-$(dirname "$NATS_CREDENTIALS_DIR")}"
}
env_monitor() {
  env_common monitor
  env_database
  pass_env MONITOR_
  echo "MONITOR_HTTP_PORT=$(port_of monitor)"
}
# the gateway talks only to the bus: no database credentials in its environment
env_discord_gateway() {
  env_common discord-gateway
  echo "DISCORD_GATEWAY_HTTP_PORT=$(port_of discord-gateway)"
  pass_env DISCORD_
  # the bot's settings (DISCORD_TOKEN_FILE, DISCORD_TOKEN_KEY_FILE, DISCORD_ROLES, ...) for this process only
  # shellcheck disable=SC2016
  [ -f "$DISCORD_ENV" ] && env -i bash -c 'set -a && . "$1" && set +a && for k in $(compgen -e); do case $k in PWD | SHLVL | _ | OLDPWD) ;; *) echo "$k=${!k}" ;; esac; done' _ "$DISCORD_ENV"
  return 0
}
env_api() {
  env_common api
  env_database
  pass_env API_
  echo "API_HTTP_PORT=$(port_of api)"
  echo "API_HOST=${API_HOST:-127.0.0.1}"
}

# services started by an older up.sh (nohup and a pid file) are stopped by down.sh first
for s in "${SERVICES[@]}"; do
  pid=$(cat "$RUN_DIR/$s.pid" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "dist/apps/$s/main.js"; then
    fail "$s runs unsupervised (pid $pid, started by an older scripts/up.sh): run scripts/down.sh, then this again"
  fi
  rm -f "$RUN_DIR/$s.pid"
done

NODE_BIN=$(command -v node) || fail "node is not on PATH"
# shellcheck source=scripts/supervise.sh
. "$REPO/scripts/supervise.sh"
SUPERVISOR=$(supervisor_kind)
svc_up

# 7. wait for readiness
deadline=$((SECONDS + TIMEOUT))
for s in "${SERVICES[@]}"; do
  url="http://$(host_of "$s"):$(port_of "$s")/health/ready"
  while :; do
    if [ "$(svc_state "$s")" = failed ]; then
      fail "$s keeps exiting during start-up, $SUPERVISOR gave up on it; see $LOG_DIR/$s.log" "$LOG_DIR/$s.log"
    fi
    code=$(http_status "$(host_of "$s")" "$(port_of "$s")" /health/ready)
    # ready, and counted as started by its supervisor (which watches a start for a few
    # seconds first), so the status a user looks at next says RUNNING
    [ "$code" = 200 ] && [ "$(svc_state "$s")" = running ] && break
    if [ $SECONDS -ge $deadline ]; then
      fail "$s is not ready after ${TIMEOUT}s ($url answered ${code/#000/nothing}); see $LOG_DIR/$s.log" "$LOG_DIR/$s.log"
    fi
    sleep 0.5
  done
  log "$s ready ($url, pid $(svc_pid "$s"))"
done

api="http://$(host_of api):$(port_of api)"
cat <<EOF

SuperAgent Control Plane is up.
  dashboard        $api/     (sign in as $SACP_ADMIN_USER: password in $SACP_ADMIN_PASSWORD_FILE, until you add users)
  api              $api/api/v1     (OpenAPI: $api/api/docs, health: $api/health/ready)
  orchestrator     http://127.0.0.1:$(port_of orchestrator)/health/ready
  monitor          http://127.0.0.1:$(port_of monitor)/health/ready
  discord-gateway  http://127.0.0.1:$(port_of discord-gateway)/health/ready
  Postgres         $(sed -E 's#//([^:@/]+):[^@/]*@#//\1:***@#' <<<"$DATABASE_URL")
  NATS             $NATS_URL   (events on JetStream stream SACP_EVENTS)
  logs             $LOG_DIR/<service>.log
  supervisor       $SUPERVISOR: $(svc_where)   (restarts a service that dies)

  bus credentials  $NATS_CREDENTIALS_DIR/<service>.json   (add one for a tool: npx sacp bus add-reader <name>)

Try:   NATS_URL=$NATS_URL SACP_NATS_CREDENTIALS=$NATS_CREDENTIALS_DIR/cli.json npx sacp status      or   open $api/
Stop:  bash scripts/down.sh
EOF
