#!/usr/bin/env bash
# Installs (from Debian's archive) and starts what the control plane needs on this
# machine: Postgres 15, NATS with JetStream and the Docker engine. Idempotent: a
# service that already answers is left alone. Run as root.
set -euo pipefail

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

# --- NATS with JetStream ---
if ! (exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT) 2>/dev/null; then
  log "starting nats-server with JetStream on 127.0.0.1:$NATS_PORT"
  mkdir -p "$STATE_DIR/nats"
  nohup nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$STATE_DIR/nats" >"$STATE_DIR/nats.log" 2>&1 &
  echo $! >"$STATE_DIR/nats.pid"
  for _ in $(seq 1 40); do (exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT) 2>/dev/null && break; sleep 0.25; done
  (exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT) 2>/dev/null || fail "nats-server did not come up; see $STATE_DIR/nats.log"
fi
log "nats ready"
