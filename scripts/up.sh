#!/usr/bin/env bash
# up.sh — bring the whole control plane up on this machine (Debian 12, as root):
#
#   1. npm ci                   only when node_modules is missing or older than the lock
#   2. npm run build            everything into dist/
#   3. scripts/services.sh      installs/starts Postgres 15, Docker, and NATS with JetStream
#                               and authorization: "sacp bus init" (built in step 2) writes
#                               $SACP_STATE_DIR/nats/nats-server.conf and one credential per
#                               service in $SACP_STATE_DIR/nats/credentials (mode 600)
#   4. scripts/build-images.sh  sacp/base:local and sacp/sim-agent:latest, offline
#   5. a secret key, once       $SACP_STATE_DIR/secret.key (base64 of 32 bytes, mode 600),
#                               unless SACP_SECRET_KEY is set
#   6. the four services        orchestrator, monitor, discord-gateway, api as background
#                               processes; logs in $SACP_STATE_DIR/logs/<service>.log,
#                               pids in $SACP_STATE_DIR/run/<service>.pid
#   7. waits until every GET /health/ready answers 200, then prints where things are.
#
# Idempotent: a service whose pid file names a live process of that service is left
# alone; run it again after a crash or a reboot and it starts what is missing.
# Stop with scripts/down.sh.
#
# Environment (all optional):
#   SACP_STATE_DIR         /var/lib/sacp
#   DATABASE_URL           postgres://sacp:sacp@127.0.0.1:5432/sacp
#   NATS_URL               nats://127.0.0.1:4222
#   SACP_SECRET_KEY        base64 of 32 bytes; otherwise read from (or created in) the key file
#   ORCHESTRATOR_HTTP_PORT 3101   MONITOR_HTTP_PORT 3102
#   DISCORD_GATEWAY_HTTP_PORT 3103   API_HTTP_PORT 3100   API_HOST 127.0.0.1
#   SACP_UP_TIMEOUT        seconds to wait for every /health/ready (60)
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

export DATABASE_URL=${DATABASE_URL:-postgres://sacp:sacp@127.0.0.1:5432/sacp}
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

# is PID a live process running this repo's dist/apps/SERVICE/main.js? (guards against pid reuse)
is_ours() {
  local pid=$1 service=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "dist/apps/$service/main.js"
}
pid_of() { cat "$RUN_DIR/$1.pid" 2>/dev/null || true; }

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

# 3. Postgres, Docker, and NATS with its generated config and credentials (the CLI writes them, so after the build)
bash "$REPO/scripts/services.sh"

# 4. images the orchestrator runs agents from
bash "$REPO/scripts/build-images.sh"

# 5. the key that encrypts secret values at rest
if [ -z "${SACP_SECRET_KEY:-}" ]; then
  if [ ! -s "$KEY_FILE" ]; then
    log "generating the secret key in $KEY_FILE"
    (umask 077 && head -c 32 /dev/urandom | base64 >"$KEY_FILE.tmp" && mv "$KEY_FILE.tmp" "$KEY_FILE")
  fi
  chmod 600 "$KEY_FILE"
  SACP_SECRET_KEY=$(tr -d '\n' <"$KEY_FILE")
fi

# 6. the services
for s in "${SERVICES[@]}"; do
  pid=$(pid_of "$s")
  if is_ours "$pid" "$s"; then
    log "$s already running (pid $pid)"
    continue
  fi
  port=$(port_of "$s")
  if [ "$port" != 0 ] && port_open "$(host_of "$s")" "$port"; then
    fail "$s cannot start: port $port is already in use by a process up.sh did not start. Stop it, or pick another port (see the environment list at the top of scripts/up.sh)"
  fi
  printf '{"level":"info","component":"up","msg":"starting %s","at":"%s"}\n' "$s" "$(date -Is)" >>"$LOG_DIR/$s.log"
  # each service connects to NATS with its own credential, and may use only its own subjects
  export NATS_CREDENTIALS_FILE=$STATE_DIR/nats/credentials/$s.json
  # Only the orchestrator reads the secret key; the others do not get it in their environment.
  if [ "$s" = orchestrator ]; then
    SACP_SECRET_KEY=$SACP_SECRET_KEY setsid node "dist/apps/$s/main.js" >>"$LOG_DIR/$s.log" 2>&1 </dev/null &
  elif [ "$s" = discord-gateway ] && [ -f "$DISCORD_ENV" ]; then
    # the bot's settings (DISCORD_TOKEN_FILE, DISCORD_TOKEN_KEY_FILE, DISCORD_ROLES, ...) for this process only
    (set -a && . "$DISCORD_ENV" && set +a && exec env -u SACP_SECRET_KEY setsid node "dist/apps/$s/main.js") >>"$LOG_DIR/$s.log" 2>&1 </dev/null &
  else
    env -u SACP_SECRET_KEY setsid node "dist/apps/$s/main.js" >>"$LOG_DIR/$s.log" 2>&1 </dev/null &
  fi
  echo $! >"$RUN_DIR/$s.pid"
  log "started $s (pid $!, log $LOG_DIR/$s.log)"
done

# 7. wait for readiness
deadline=$((SECONDS + TIMEOUT))
for s in "${SERVICES[@]}"; do
  pid=$(pid_of "$s")
  url="http://$(host_of "$s"):$(port_of "$s")/health/ready"
  while :; do
    if ! is_ours "$pid" "$s"; then
      rm -f "$RUN_DIR/$s.pid"
      fail "$s exited during start-up; see $LOG_DIR/$s.log" "$LOG_DIR/$s.log"
    fi
    code=$(http_status "$(host_of "$s")" "$(port_of "$s")" /health/ready)
    [ "$code" = 200 ] && break
    if [ $SECONDS -ge $deadline ]; then
      fail "$s is not ready after ${TIMEOUT}s ($url answered ${code/#000/nothing}); see $LOG_DIR/$s.log" "$LOG_DIR/$s.log"
    fi
    sleep 0.5
  done
  log "$s ready ($url)"
done

api="http://$(host_of api):$(port_of api)"
cat <<EOF

SuperAgent Control Plane is up.
  api              $api/api/status     (health: $api/health/ready)
  orchestrator     http://127.0.0.1:$(port_of orchestrator)/health/ready
  monitor          http://127.0.0.1:$(port_of monitor)/health/ready
  discord-gateway  http://127.0.0.1:$(port_of discord-gateway)/health/ready
  Postgres         $(sed -E 's#//([^:@/]+):[^@/]*@#//\1:***@#' <<<"$DATABASE_URL")
  NATS             $NATS_URL   (events on JetStream stream SACP_EVENTS)
  logs             $LOG_DIR/<service>.log
  pids             $RUN_DIR/<service>.pid

  bus credentials  $STATE_DIR/nats/credentials/<service>.json   (add one for a tool: npx sacp bus add-reader <name>)

Try:   NATS_URL=$NATS_URL SACP_NATS_CREDENTIALS=$STATE_DIR/nats/credentials/cli.json npx sacp status      or   curl $api/api/status
Stop:  bash scripts/down.sh
EOF
