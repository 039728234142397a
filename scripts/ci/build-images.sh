#!/usr/bin/env bash
# Builds the local images rqc's tests use, from Debian packages only (no registry pulls here).
#   rqc-busybox:test  a static busybox, for small test containers
# Safe to run twice: an image that exists is kept.
set -euo pipefail
log() { printf '[images] %s\n' "$*" >&2; }

if ! docker image inspect rqc-busybox:test >/dev/null 2>&1; then
  log "building rqc-busybox:test"
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  mkdir -p "$dir/bin" "$dir/tmp" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/etc"
  cp /bin/busybox "$dir/bin/busybox"
  for app in $(/bin/busybox --list); do
    [ -e "$dir/bin/$app" ] || ln -s busybox "$dir/bin/$app"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
  tar -C "$dir" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - rqc-busybox:test >/dev/null
fi
log "rqc-busybox:test ready"
