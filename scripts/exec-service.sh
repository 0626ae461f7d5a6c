#!/usr/bin/env bash
# exec-service.sh ENV_FILE NODE MAIN_JS — what supervisord runs for each service
# (scripts/supervise.sh). Exports the KEY=value lines of ENV_FILE (written by up.sh,
# mode 600; a value is everything after the first '=', taken literally, so it may hold
# quotes, commas, % or $) and then replaces itself with `NODE MAIN_JS`: the pid
# supervisord watches is the service's own. Not a restart loop: it runs once.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 ENV_FILE NODE MAIN_JS" >&2; exit 64; }
while IFS= read -r line || [ -n "$line" ]; do
  [ -n "$line" ] || continue
  export "${line%%=*}=${line#*=}"
done <"$1"
exec "$2" "$3"
