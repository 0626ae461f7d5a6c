#!/usr/bin/env bash
# Installs (from Debian's archive) and starts what the control plane needs on this
# machine: Postgres 15, NATS with JetStream and the Docker engine. Idempotent: a
# service that already answers is left alone. Run as root.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${SACP_STATE_DIR:-/var/lib/sacp}
NATS_PORT=${SACP_NATS_PORT:-4222}

log() { printf '{"level":"info","component":"services","msg":"%s"}\n' "$*"; }
fail() { printf '{"level":"error","component":"services","msg":"%s"}\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root: it installs Debian packages and starts dockerd"

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v pg_ctlcluster >/dev/null && [ -d /usr/lib/postgresql/15 ] || need+=(postgresql)
command -v nats-server >/dev/null || need+=(nats-server)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx wget || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} from Debian's archive"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || fail "apt-get update failed: check the Debian mirror in /etc/apt/sources.list*"
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null || fail "apt-get install ${need[*]} failed"
fi
mkdir -p "$STATE_DIR"

# --- Docker ---
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  nohup dockerd >"$STATE_DIR/dockerd.log" 2>&1 &
  echo $! >"$STATE_DIR/dockerd.pid"
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || fail "dockerd did not come up; see $STATE_DIR/dockerd.log"
fi
log "docker ready"

# --- Postgres ---
# the cluster, the roles (owner, services, no superuser) and the database: see scripts/postgres.sh
bash "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"

# --- NATS with JetStream, authorization on ---
# Its config and every credential are written by "sacp bus init" (the built CLI) under
# $STATE_DIR/nats; nats-server runs only with that config. A server found running
# without authorization (as older versions of this script started it) is replaced.
NATS_DIR=$STATE_DIR/nats
NATS_CONF=$NATS_DIR/nats-server.conf
NATS_PID_FILE=$NATS_DIR/nats-server.pid
# does the server on NATS_PORT ask for credentials? (its INFO line says so)
nats_requires_auth() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && IFS= read -r line <&3 && printf "%s\n" "$line"' _ "$NATS_PORT" 2>/dev/null | grep -q '"auth_required":true'
}
nats_up() { (exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT) 2>/dev/null; }
start_nats() {
  if [ ! -f "$REPO/dist/cli/src/main.js" ]; then
    log "nats-server not started yet: its config is written by the built CLI (npm run build); scripts/up.sh starts it after the build"
    return 0
  fi
  node "$REPO/bin/sacp.js" bus init --state-dir "$STATE_DIR" --port "$NATS_PORT" | sed 's/^/  /'
  if nats_up && ! nats_requires_auth; then
    old=$(cat "$STATE_DIR/nats.pid" "$NATS_PID_FILE" 2>/dev/null | head -n 1 || true)
    if [ -n "$old" ] && tr '\0' ' ' <"/proc/$old/cmdline" 2>/dev/null | grep -q nats-server; then
      log "nats-server (pid $old) runs without authorization: restarting it with $NATS_CONF"
      kill "$old"
      for _ in $(seq 1 40); do nats_up || break; sleep 0.25; done
    else
      fail "a NATS server without authorization answers on port $NATS_PORT and was not started by this script: stop it, or set SACP_NATS_PORT"
    fi
  fi
  if ! nats_up; then
    log "starting nats-server with JetStream and authorization on 127.0.0.1:$NATS_PORT ($NATS_CONF)"
    nohup nats-server -c "$NATS_CONF" >"$STATE_DIR/nats.log" 2>&1 &
    echo $! >"$STATE_DIR/nats.pid"
    for _ in $(seq 1 40); do nats_up && break; sleep 0.25; done
    nats_up || fail "nats-server did not come up; see $STATE_DIR/nats.log"
  fi
  nats_requires_auth || fail "nats-server on port $NATS_PORT does not require credentials; see $NATS_CONF"
  log "nats ready (credentials in $NATS_DIR/credentials, mode 600)"
}
start_nats
