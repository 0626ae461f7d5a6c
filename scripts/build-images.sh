#!/usr/bin/env bash
# build-images.sh — build the container images the control plane's tests and demos
# use, fully offline (no registry is reachable here, `docker pull` fails).
#
#   sacp/base:local        root filesystem made on this machine: Debian's static
#                          busybox (/bin/busybox from busybox-static, every applet
#                          linked in /bin), the host's node binary at
#                          /usr/local/bin/node with the shared libraries ldd lists
#                          (dynamic loader included), /etc/passwd + /etc/group with
#                          root and user `agent` (uid/gid 1000), /tmp mode 1777.
#                          Laid out by images/base/mkrootfs.sh, tarred into
#                          `docker import`. Runs as root by default; CMD /bin/sh.
#   sacp/sim-agent:latest  `docker build` of images/sim-agent/ FROM sacp/base:local:
#                          the sim agent (plain JavaScript) plus `sim-ctl`, running as
#                          uid 1000 (agent), HEALTHCHECK `sim-ctl health` every 2 s, and
#                          agent-protocol.js: libs/agent-protocol with zod and the NATS
#                          client bundled into one file (rolldown from node_modules, offline).
#                          Verbs and env vars: images/sim-agent/README.md.
#
# Usage: scripts/build-images.sh [--force]
#   --force (or SACP_IMAGES_FORCE=1)  rebuild even if the images are up to date.
#   SACP_BASE_IMAGE / SACP_SIM_IMAGE  override the image names.
#
# Idempotent and fast when nothing changed: every image carries the label
# sacp.inputs.hash, a sha256 over everything it is made from (for the base: busybox,
# node, its libraries, mkrootfs.sh and the import settings; for the sim agent: the
# files in images/sim-agent/ but *.md, the bundled agent-protocol.js, and the base image's id). An image whose label matches
# is left alone (about a second for both). A fresh build is checked by running it;
# a build that fails the check is removed again. Concurrent runs serialise on a lock.
# Progress goes to stdout as one-line JSON: {"level":"info","component":"images",...}.
# Needs root (the rootfs must hold files owned by uid 1000) and a running dockerd.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGES_DIR="$REPO/images"
BASE_IMAGE=${SACP_BASE_IMAGE:-sacp/base:local}
SIM_IMAGE=${SACP_SIM_IMAGE:-sacp/sim-agent:latest}
FORCE=${SACP_IMAGES_FORCE:-0}
HASH_LABEL=sacp.inputs.hash
BASE_RECIPE=1 # bump to force a base rebuild when nothing else changed
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export DOCKER_BUILDKIT=0 # no buildx plugin here; the classic builder is enough

for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

json_str() { # JSON-quote $1
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/}
  printf '"%s"' "$s"
}
# log LEVEL MSG [key=value ...]; values that look like integers stay numbers
log() {
  local level=$1 msg=$2 kv k v line
  shift 2
  line="{\"level\":$(json_str "$level"),\"component\":\"images\",\"msg\":$(json_str "$msg")"
  for kv in "$@"; do
    k=${kv%%=*}
    v=${kv#*=}
    if [[ $v =~ ^-?[0-9]{1,15}$ ]]; then line+=",$(json_str "$k"):$v"; else line+=",$(json_str "$k"):$(json_str "$v")"; fi
  done
  printf '%s}\n' "$line"
}
fail() { log error "$@" >&2; exit 1; }
now_ms() { date +%s%3N; }
since() { echo $(( $(now_ms) - $1 )); }

T0=$(now_ms)
[ "$(id -u)" = 0 ] || fail "run as root: the base rootfs holds files owned by uid 1000"
command -v docker >/dev/null || fail "docker CLI not found"
docker info >/dev/null 2>&1 || fail "docker engine not reachable (start it with scripts/services.sh)"
[ -x /bin/busybox ] || fail "/bin/busybox missing: apt-get install busybox-static"
NODE_BIN=$(command -v node) || fail "node not found on PATH"
NODE_BIN=$(readlink -f "$NODE_BIN")

# One build at a time on this machine (parallel test runs may all call this).
LOCK_FILE=${SACP_IMAGES_LOCK:-/tmp/sacp-build-images.lock}
exec 9>"$LOCK_FILE"
if ! flock -n 9; then
  log info "another build-images.sh is running; waiting for it" lock="$LOCK_FILE"
  flock 9
fi

WORK=$(mktemp -d /tmp/sacp-images.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

label_of() { # label_of IMAGE -> the hash label, or empty if the image is missing
  docker image inspect --format "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$1" 2>/dev/null || true
}
id_of() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# ------------------------------------------------------------------ base image
IMPORT_CHANGES=(
  --change "ENV PATH=$BASE_PATH"
  --change 'WORKDIR /'
  --change 'CMD ["/bin/sh"]'
)
node_libs() { ldd "$NODE_BIN" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u; }

base_hash() {
  {
    echo "recipe $BASE_RECIPE"
    printf '%s\n' "${IMPORT_CHANGES[@]}"
    sha256sum "$IMAGES_DIR/base/mkrootfs.sh" /bin/busybox "$NODE_BIN" | awk '{print $1}'
    node_libs | while read -r lib; do echo "$lib $(sha256sum <"$lib" | awk '{print $1}')"; done
  } | sha256sum | awk '{print substr($1, 1, 32)}'
}

t=$(now_ms)
BASE_HASH=$(base_hash)
OLD_BASE_ID=$(id_of "$BASE_IMAGE")
if [ "$FORCE" != 1 ] && [ -n "$OLD_BASE_ID" ] && [ "$(label_of "$BASE_IMAGE")" = "$BASE_HASH" ]; then
  log info "base image up to date" image="$BASE_IMAGE" hash="$BASE_HASH" ms="$(since "$t")"
else
  log info "building base image" image="$BASE_IMAGE" hash="$BASE_HASH" node="$("$NODE_BIN" --version)"
  bash "$IMAGES_DIR/base/mkrootfs.sh" "$WORK/rootfs" >"$WORK/mkrootfs.log" 2>&1 ||
    fail "mkrootfs.sh failed" output="$(tail -n 20 "$WORK/mkrootfs.log")"
  tar --numeric-owner -C "$WORK/rootfs" -cf - . |
    docker import "${IMPORT_CHANGES[@]}" --change "LABEL $HASH_LABEL=$BASE_HASH" - "$BASE_IMAGE" >"$WORK/import.log" 2>&1 ||
    fail "docker import failed" output="$(tail -n 20 "$WORK/import.log")"
  out=$(docker run --rm --network none --user 1000 "$BASE_IMAGE" node -e 'console.log(1)' 2>&1) || true
  if [ "$out" != 1 ]; then
    docker rmi -f "$BASE_IMAGE" >/dev/null 2>&1 || true
    fail "base image check failed: node does not run in it" output="$out"
  fi
  log info "built base image" image="$BASE_IMAGE" hash="$BASE_HASH" \
    size="$(docker image inspect --format '{{.Size}}' "$BASE_IMAGE")" ms="$(since "$t")"
fi
BASE_ID=$(id_of "$BASE_IMAGE")

# ------------------------------------------------------------------ sim agent
# the build context: images/sim-agent/ plus the protocol client bundled from its sources
# (deterministic output, so the hash below changes only when the lib or its packages do)
SIM_DIR="$WORK/sim-agent"
cp -a "$IMAGES_DIR/sim-agent" "$SIM_DIR"
ROLLDOWN="$REPO/node_modules/.bin/rolldown"
[ -x "$ROLLDOWN" ] || fail "node_modules/.bin/rolldown missing: run npm ci (it bundles libs/agent-protocol into the sim agent)"
"$ROLLDOWN" "$REPO/libs/agent-protocol/src/index.ts" --format cjs --platform node --minify \
  --file "$SIM_DIR/agent-protocol.js" >"$WORK/bundle.log" 2>&1 ||
  fail "bundling libs/agent-protocol failed" output="$(tail -n 20 "$WORK/bundle.log")"
sim_hash() {
  {
    echo "base $BASE_ID"
    # *.md is in .dockerignore: docs do not change the image
    (cd "$SIM_DIR" && find . -type f ! -name '*.md' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    (cd "$SIM_DIR" && find . -type f ! -name '*.md' -perm -u+x | LC_ALL=C sort) # the executable bit is copied too
  } | sha256sum | awk '{print substr($1, 1, 32)}'
}

t=$(now_ms)
SIM_HASH=$(sim_hash)
OLD_SIM_ID=$(id_of "$SIM_IMAGE")
if [ "$FORCE" != 1 ] && [ -n "$OLD_SIM_ID" ] && [ "$(label_of "$SIM_IMAGE")" = "$SIM_HASH" ]; then
  log info "sim-agent image up to date" image="$SIM_IMAGE" hash="$SIM_HASH" ms="$(since "$t")"
else
  log info "building sim-agent image" image="$SIM_IMAGE" hash="$SIM_HASH"
  docker build --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "$HASH_LABEL=$SIM_HASH" \
    -t "$SIM_IMAGE" "$SIM_DIR" >"$WORK/build.log" 2>&1 ||
    fail "docker build failed" output="$(tail -n 20 "$WORK/build.log")"
  out=$(docker run --rm --network none "$SIM_IMAGE" sh -c \
    'node --check /opt/sim-agent/agent.js && node --check /opt/sim-agent/protocol.js && node -e "require(\"/opt/sim-agent/agent-protocol.js\").AgentClient.connect" && command -v sim-ctl && id -un' 2>&1) || true
  if [ "$out" != $'/usr/local/bin/sim-ctl\nagent' ]; then
    docker rmi -f "$SIM_IMAGE" >/dev/null 2>&1 || true
    fail "sim-agent image check failed" output="$out"
  fi
  log info "built sim-agent image" image="$SIM_IMAGE" hash="$SIM_HASH" ms="$(since "$t")"
fi

# Drop the images a rebuild replaced (kept if a container still uses them).
for old in "$OLD_SIM_ID" "$OLD_BASE_ID"; do
  if [ -n "$old" ] && [ "$old" != "$(id_of "$SIM_IMAGE")" ] && [ "$old" != "$BASE_ID" ]; then
    docker rmi "$old" >/dev/null 2>&1 && log info "removed replaced image" id="${old#sha256:}" || true
  fi
done

log info "images ready" base="$BASE_IMAGE" sim="$SIM_IMAGE" ms="$(since "$T0")"
