#!/bin/sh
# sacp-healthcheck [PATH] — exits 0 when this container's service answers 200 on
# PATH (default /health/ready), 1 otherwise. Used as the compose HEALTHCHECK.
#
# The port is not assumed: under network_mode host every replica listens on a port
# of its own (0 = any free one), so it is found from the node process's own
# listening sockets (its socket inodes in /proc/<pid>/fd, matched against the
# LISTEN entries of /proc/net/tcp and tcp6).
path=${1:-/health/ready}
pid=$(pidof node | awk '{ print $1 }')
[ -n "$pid" ] || { echo "no node process in this container" >&2; exit 1; }
inodes=" $(ls -l "/proc/$pid/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p' | tr '\n' ' ') "
hexport=$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
  awk -v inodes="$inodes" '$4 == "0A" && index(inodes, " " $10 " ") { split($2, a, ":"); print a[2]; exit }')
[ -n "$hexport" ] || { echo "node (pid $pid) listens on no TCP port yet" >&2; exit 1; }
port=$((0x$hexport))
# the api may listen on API_HOST; the other services listen on loopback
host=${API_HOST:-127.0.0.1}
case $host in 0.0.0.0 | :: | "[::]") host=127.0.0.1 ;; esac
case $host in *:*) host="[$host]" ;; esac
# no -T: it crashes (SIGSEGV) in Debian's static busybox 1.35; the HEALTHCHECK timeout bounds it
exec wget -q -O /dev/null "http://$host:$port$path"
