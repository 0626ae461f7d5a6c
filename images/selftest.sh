#!/usr/bin/env bash
# images/selftest.sh — check sacp/sim-agent:latest for real against the Docker engine.
# Runs every container hardened the way the control plane runs agents
# (--memory 64m --pids-limit 64 --cap-drop ALL --security-opt no-new-privileges
# --user 1000), labels them sacp.test=images and removes exactly those at the end.
# Build the images first: scripts/build-images.sh. Prints one JSON line per check;
# exits non-zero if any check failed.
set -uo pipefail

IMAGE=${SACP_SIM_IMAGE:-sacp/sim-agent:latest}
LABEL=sacp.test=images
OPTS=(--label "$LABEL" --memory 64m --pids-limit 64 --cap-drop ALL
  --security-opt no-new-privileges --user 1000)
FAILED=0

now_ms() { date +%s%3N; }
ok() { printf '{"level":"info","component":"images-selftest","check":"%s","ok":true%s}\n' "$1" "${2:+,$2}"; }
bad() { printf '{"level":"error","component":"images-selftest","check":"%s","ok":false%s}\n' "$1" "${2:+,$2}"; FAILED=1; }
cleanup() {
  local ids
  ids=$(docker ps -aq --filter "label=$LABEL")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
}
trap cleanup EXIT
run() { docker run -d "${OPTS[@]}" "$@" "$IMAGE"; }
wait_for() { # wait_for SECONDS CMD... : poll every 50 ms until CMD succeeds
  local end=$(( $(now_ms) + $1 * 1000 )); shift
  until "$@" >/dev/null 2>&1; do [ "$(now_ms)" -lt "$end" ] || return 1; sleep 0.05; done
}
logs_have() { docker logs "$1" 2>&1 | grep -q "$2"; }
state_is() { [ "$(docker inspect --format "$2" "$1")" = "$3" ]; }
health_is() { state_is "$1" '{{.State.Health.Status}}' "$2"; }
exited() { state_is "$1" '{{.State.Status}}' exited; }
cpu_ticks() { docker exec "$1" cat /proc/1/stat | awk '{print $14 + $15}'; }

# --- start time and heartbeats
t0=$(now_ms)
c=$(run -e SACP_AGENT_NAME=selftest -e SIM_HEARTBEAT_MS=200 -p 127.0.0.1::8080)
t_run=$(( $(now_ms) - t0 ))
wait_for 5 logs_have "$c" '"msg":"started"'; t_log=$(( $(now_ms) - t0 ))
ok start "\"dockerRunMs\":$t_run,\"firstLogMs\":$t_log"
if wait_for 3 logs_have "$c" '"msg":"heartbeat","agent":"selftest","n":3'; then ok heartbeat; else bad heartbeat; fi

# --- HTTP health through a published loopback port
port=$(docker port "$c" 8080/tcp | head -n1)
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$port/health")
[ "$code" = 200 ] && ok http-health "\"status\":$code" || bad http-health "\"status\":\"$code\""

# --- unhealthy / healthy via sim-ctl and Docker's HEALTHCHECK
wait_for 5 health_is "$c" healthy && ok docker-healthy || bad docker-healthy
t0=$(now_ms); docker exec "$c" sim-ctl unhealthy >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$port/health")
[ "$code" = 503 ] && ok http-unhealthy || bad http-unhealthy "\"status\":\"$code\""
if wait_for 10 health_is "$c" unhealthy; then ok docker-unhealthy "\"ms\":$(( $(now_ms) - t0 ))"; else bad docker-unhealthy; fi
t0=$(now_ms); docker exec "$c" sim-ctl healthy >/dev/null
if wait_for 10 health_is "$c" healthy; then ok docker-healthy-again "\"ms\":$(( $(now_ms) - t0 ))"; else bad docker-healthy-again; fi

# --- idle: no output, (almost) no CPU; busy: CPU and output
docker exec "$c" sim-ctl idle >/dev/null; sleep 0.3
n0=$(docker logs "$c" 2>&1 | wc -l); c0=$(cpu_ticks "$c"); sleep 2
n1=$(docker logs "$c" 2>&1 | wc -l); c1=$(cpu_ticks "$c")
[ "$n0" = "$n1" ] && [ $(( c1 - c0 )) -le 5 ] && ok idle "\"cpuTicks2s\":$(( c1 - c0 ))" || bad idle "\"newLines\":$(( n1 - n0 )),\"cpuTicks2s\":$(( c1 - c0 ))"
docker exec "$c" sim-ctl status | grep -q '"mode":"idle"' && ok status || bad status
docker exec "$c" sim-ctl busy >/dev/null; c0=$(cpu_ticks "$c"); sleep 2; c1=$(cpu_ticks "$c")
n2=$(docker logs "$c" 2>&1 | wc -l)
[ $(( c1 - c0 )) -ge 50 ] && [ "$n2" -gt "$n1" ] && ok busy "\"cpuTicks2s\":$(( c1 - c0 ))" || bad busy "\"cpuTicks2s\":$(( c1 - c0 ))"

# --- docker stop is fast and clean
t0=$(now_ms); docker stop "$c" >/dev/null; ms=$(( $(now_ms) - t0 ))
code=$(docker inspect --format '{{.State.ExitCode}}' "$c")
[ "$ms" -lt 2000 ] && [ "$code" = 0 ] && logs_have "$c" '"msg":"stopping"' && ok stop "\"ms\":$ms" || bad stop "\"ms\":$ms,\"exitCode\":$code"

# --- sim-ctl exit 3
c=$(run); wait_for 5 logs_have "$c" started
docker exec "$c" sim-ctl exit 3 >/dev/null
wait_for 5 exited "$c"
code=$(docker inspect --format '{{.State.ExitCode}}' "$c")
[ "$code" = 3 ] && ok exit-verb || bad exit-verb "\"exitCode\":$code"

# --- sim-ctl alloc 200 under 64m: OOM kill
c=$(run); wait_for 5 logs_have "$c" started
docker exec "$c" sim-ctl alloc 200 >/dev/null
wait_for 10 exited "$c"
r=$(docker inspect --format '{{.State.OOMKilled}} {{.State.ExitCode}}' "$c")
[ "$r" = "true 137" ] && ok oom-verb || bad oom-verb "\"state\":\"$r\""

# --- sim-ctl alloc that fits, then free
c=$(run); wait_for 5 logs_have "$c" started
docker exec "$c" sim-ctl alloc 8 >/dev/null
wait_for 5 logs_have "$c" '"msg":"allocated memory"' && docker exec "$c" sim-ctl free >/dev/null &&
  docker exec "$c" sim-ctl status | grep -q '"allocatedMb":0' && ok alloc-free || bad alloc-free
docker rm -f "$c" >/dev/null

# --- the same behaviours from the environment
c=$(run -e SIM_EXIT_AFTER_MS=300 -e SIM_EXIT_CODE=7)
wait_for 5 exited "$c"; code=$(docker inspect --format '{{.State.ExitCode}}' "$c")
[ "$code" = 7 ] && ok env-exit || bad env-exit "\"exitCode\":$code"
c=$(run -e SIM_MEMORY_MB=200)
wait_for 10 exited "$c"; r=$(docker inspect --format '{{.State.OOMKilled}} {{.State.ExitCode}}' "$c")
[ "$r" = "true 137" ] && ok env-oom || bad env-oom "\"state\":\"$r\""
c=$(run -e SIM_UNHEALTHY_AFTER_MS=500)
wait_for 10 health_is "$c" unhealthy && ok env-unhealthy || bad env-unhealthy
docker rm -f "$c" >/dev/null
c=$(run -e SIM_IDLE=1); sleep 1.5
n=$(docker logs "$c" 2>&1 | grep -c "\"msg\":\"heartbeat\"")
[ "$n" = 0 ] && ok env-idle || bad env-idle "\"heartbeats\":$n"
docker rm -f "$c" >/dev/null
c=$(run -e SIM_BUSY=1 -e SIM_BUSY_PCT=80); sleep 0.5; c0=$(cpu_ticks "$c"); sleep 1; c1=$(cpu_ticks "$c")
[ $(( c1 - c0 )) -ge 50 ] && ok env-busy "\"cpuTicks1s\":$(( c1 - c0 ))" || bad env-busy "\"cpuTicks1s\":$(( c1 - c0 ))"

exit $FAILED
