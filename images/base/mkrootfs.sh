#!/usr/bin/env bash
# mkrootfs.sh DIR — lay out the sacp/base root filesystem in DIR, offline.
#
# Contents: Debian's static busybox (every applet as a symlink in /bin), the host's
# node binary (/usr/local/bin/node) plus every shared library `ldd` says it needs
# (kept at the same paths, dynamic loader included), /etc/passwd and /etc/group
# with root and a non-root user `agent` (uid/gid 1000, home /home/agent), and /tmp
# with mode 1777. Called by scripts/build-images.sh, which tars DIR into
# `docker import`. Any change to this file changes the base image's input hash.
set -euo pipefail

ROOT=${1:?usage: mkrootfs.sh DIR}
BUSYBOX=${BUSYBOX:-/bin/busybox}
NODE_BIN=${NODE_BIN:-$(command -v node)}
NODE_BIN=$(readlink -f "$NODE_BIN")

mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,dev,proc,sys,run,var/tmp,root,home/agent,tmp}
chmod 1777 "$ROOT/tmp" "$ROOT/var/tmp"
chmod 0700 "$ROOT/root"

# busybox + one symlink per applet (all in /bin; /usr/bin etc. stay on PATH too)
install -m 0755 "$BUSYBOX" "$ROOT/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [ "$applet" = busybox ] && continue
  ln -sf busybox "$ROOT/bin/$applet"
done

# node and its shared libraries (ldd lists the loader as an absolute path too)
install -m 0755 "$NODE_BIN" "$ROOT/usr/local/bin/node"
ldd "$NODE_BIN" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u |
while read -r lib; do
  mkdir -p "$ROOT$(dirname "$lib")"
  cp -L "$lib" "$ROOT$lib"
done

cat >"$ROOT/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
agent:x:1000:1000:agent:/home/agent:/bin/sh
PASSWD
cat >"$ROOT/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
agent:x:1000:
GROUP
printf 'hosts: files dns\n' >"$ROOT/etc/nsswitch.conf"
: >"$ROOT/etc/hosts"
: >"$ROOT/etc/resolv.conf"
chown 1000:1000 "$ROOT/home/agent"
chmod 0755 "$ROOT/home/agent"
