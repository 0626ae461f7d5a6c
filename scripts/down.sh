#!/usr/bin/env bash
# down.sh — stop the services scripts/up.sh started, through their supervisor
# (scripts/supervise.sh): `supervisorctl stop` for each (SIGTERM, then up to 20 s for
# the graceful shutdown before SIGKILL), then that supervisord itself; or
# `systemctl stop sacp@<service>` where up.sh installed the systemd units.
# Services an older up.sh started with pid files ($SACP_STATE_DIR/run/<service>.pid) are
# stopped too: exactly those pids, and only while they still run that service.
# Postgres, NATS and Docker stay up; agent containers are left as they are.
#
#   SACP_STATE_DIR     /var/lib/sacp
#   SACP_DOWN_TIMEOUT  seconds to wait for a service from an older up.sh before SIGKILL (20)
#   SACP_SUPERVISOR    systemd | supervisord, as for up.sh
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${SACP_STATE_DIR:-/var/lib/sacp}
LOG_DIR=$STATE_DIR/logs
RUN_DIR=$STATE_DIR/run
TIMEOUT=${SACP_DOWN_TIMEOUT:-20}
# front doors first, the orchestrator last, so nothing sends it work while it drains
SERVICES=(api discord-gateway monitor orchestrator)

log() { printf '{"level":"%s","component":"down","msg":"%s"}\n' "$1" "$2"; }
fail() { log error "$1" >&2; exit 1; }

# shellcheck source=scripts/supervise.sh
. "$REPO/scripts/supervise.sh"
SUPERVISOR=$(supervisor_kind)
svc_down

# --- services of an older up.sh (nohup and pid files) ---
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
    rm -f "$file"
    continue
  fi
  kill -TERM "$pid"
  log info "sent SIGTERM to $s (pid $pid, started without a supervisor)"
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
