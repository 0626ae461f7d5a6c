#!/usr/bin/env bash
# down.sh — stop the services scripts/up.sh started: exactly the pids in
# $SACP_STATE_DIR/run/<service>.pid (SIGTERM, then wait for the graceful shutdown).
# A pid that no longer runs that service (stale file, pid reused) is not signalled.
# Postgres, NATS and Docker stay up; agent containers are left as they are.
#
#   SACP_STATE_DIR     /var/lib/sacp
#   SACP_DOWN_TIMEOUT  seconds to wait for each service before SIGKILL (20)
set -euo pipefail

STATE_DIR=${SACP_STATE_DIR:-/var/lib/sacp}
RUN_DIR=$STATE_DIR/run
TIMEOUT=${SACP_DOWN_TIMEOUT:-20}
# front doors first, the orchestrator last, so nothing sends it work while it drains
SERVICES=(api discord-gateway monitor orchestrator)

log() { printf '{"level":"%s","component":"down","msg":"%s"}\n' "$1" "$2"; }

is_ours() {
  local pid=$1 service=$2
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "dist/apps/$service/main.js"
}

for s in "${SERVICES[@]}"; do
  file=$RUN_DIR/$s.pid
  [ -f "$file" ] || continue
  pid=$(cat "$file")
  if ! is_ours "$pid" "$s"; then
    log info "$s was not running (stale pid file)"
    rm -f "$file"
    continue
  fi
  kill -TERM "$pid"
  log info "sent SIGTERM to $s (pid $pid)"
  for _ in $(seq 1 $((TIMEOUT * 4))); do
    is_ours "$pid" "$s" || break
    sleep 0.25
  done
  if is_ours "$pid" "$s"; then
    log warn "$s (pid $pid) did not stop within ${TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
  log info "$s stopped"
done
