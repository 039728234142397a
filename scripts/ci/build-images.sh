#!/usr/bin/env bash
# Builds the local images rqc's tests use, from Debian packages only (no registry pulls here).
#   rqc-busybox:test              a static busybox, for small test containers
#   rqc-standin-base:ci           one Debian root filesystem (debootstrap --variant=minbase) with
#                                 PostgreSQL, Redis and the runner's tools, made into an image
#                                 with `docker import`; the three below are small layers on it
#   rqc-standin-timescaledb:ci    PostgreSQL standing in for timescale/timescaledb
#   rqc-standin-redis:ci          Redis standing in for redis:7-alpine
#   rqc-standin-runner:ci         compose/benchmark-runner/Dockerfile built FROM the base
# compose/docker-compose.ci.yml points the stack at them.
# The Debian mirror and suite are read from this machine's apt sources at run time
# (override with RQC_STANDIN_MIRROR / RQC_STANDIN_SUITE); no host is written in the repo.
# Safe to run twice: each image carries a hash of its inputs and is rebuilt only when they change.
set -euo pipefail
log() { printf '[images] %s\n' "$*" >&2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if ! docker image inspect rqc-busybox:test >/dev/null 2>&1; then
  log "building rqc-busybox:test"
  dir=$(mktemp -d)
  mkdir -p "$dir/bin" "$dir/tmp" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/etc"
  cp /bin/busybox "$dir/bin/busybox"
  for app in $(/bin/busybox --list); do
    [ -e "$dir/bin/$app" ] || ln -s busybox "$dir/bin/$app"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
  tar -C "$dir" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - rqc-busybox:test >/dev/null
  rm -rf "$dir"
fi
log "rqc-busybox:test ready"

# --- Stand-ins for the compose stack ----------------------------------------------------------
# Packages of the shared base: PostgreSQL for timescaledb, Redis for redis, the runner's tools
# (keep in step with PACKAGES in compose/benchmark-runner/Dockerfile).
standin_packages=(postgresql-15 redis-server hyperfine linux-perf procps time ca-certificates)

# The first deb822 or one-line source of this machine whose suite is the release itself.
read_apt_source() {
  local suite=$1 file
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -r "$file" ] || continue
    awk -v suite="$suite" '
      BEGIN { RS=""; FS="\n" }
      {
        uris=""; suites=""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { uris=$i; sub(/^URIs:[ \t]*/, "", uris) }
          if ($i ~ /^Suites:/) { suites=" " $i " "; sub(/^ Suites:/, " ", suites) }
        }
        if (uris != "" && index(suites, " " suite " ") > 0) { split(uris, u, /[ \t]+/); print u[1]; exit }
      }' "$file"
  done | head -n 1
  if [ -r /etc/apt/sources.list ]; then
    awk -v suite="$suite" '$1 == "deb" && $0 !~ /\[/ && $3 == suite { print $2; exit }
                           $1 == "deb" && $0 ~ /\]/ { sub(/.*\][ \t]*/, ""); if ($2 == suite) { print $1; exit } }' /etc/apt/sources.list
  fi
}

suite=${RQC_STANDIN_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}
[ -n "$suite" ] || { log "cannot tell the Debian suite: set RQC_STANDIN_SUITE"; exit 1; }

# Removes a debootstrap tree, never through a mount: debootstrap mounts /proc and /sys (and may
# bind /dev) inside it, and an interrupted run can leave them mounted.
remove_rootfs() {
  local dir=$1
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
  if awk -v d="$dir" '$2 == d || index($2, d "/") == 1' /proc/mounts | grep -q .; then
    log "mounts are left under $dir: not removing it"
    return 0
  fi
  rm -rf --one-file-system "$dir" "$dir.log"
}

# Hash of everything an image is made from; an image whose label matches is kept.
inputs_hash() { cat "$@" | sha256sum | cut -c1-16; }
image_hash() { docker image inspect -f '{{ index .Config.Labels "rqc.standin.hash" }}' "$1" 2>/dev/null || true; }

base_hash=$( { echo "$suite ${standin_packages[*]}"; } | sha256sum | cut -c1-16)
if [ "$(image_hash rqc-standin-base:ci)" != "$base_hash" ]; then
  mirror=${RQC_STANDIN_MIRROR:-$(read_apt_source "$suite" | head -n 1)}
  [ -n "$mirror" ] || { log "no apt source for $suite found: set RQC_STANDIN_MIRROR"; exit 1; }
  command -v debootstrap >/dev/null || { log "debootstrap is missing: apt-get install debootstrap"; exit 1; }
  rootfs=$(mktemp -d /var/tmp/rqc-standin-rootfs.XXXXXX)
  trap 'remove_rootfs "$rootfs"' EXIT
  log "debootstrap $suite (minbase + ${standin_packages[*]})"
  start=$(date +%s)
  include=$(IFS=,; echo "${standin_packages[*]}")
  debootstrap --variant=minbase --include="$include" "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
    log "debootstrap failed; its log:"; tail -n 30 "$rootfs.log" >&2; exit 1; }
  rm -f "$rootfs.log"
  # Slim the tree: no package lists, caches, docs or the cluster the postgresql package made.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/* "$rootfs"/var/lib/postgresql/15/main \
    "$rootfs"/etc/postgresql/15/main
  log "debootstrap took $(( $(date +%s) - start ))s; importing"
  tar -C "$rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV LANG=C.UTF-8' \
    -c "LABEL rqc.standin.hash=$base_hash" \
    -c 'CMD ["bash"]' - rqc-standin-base:ci >/dev/null
  remove_rootfs "$rootfs"
  trap - EXIT
fi
log "rqc-standin-base:ci ready"

# Small layers on the base: legacy `docker build` uses the local base and needs no network.
build_layer() {
  local tag=$1 context=$2; shift 2
  local hash
  hash=$( { echo "$base_hash"; find "$context" -type f | sort | xargs cat; } | sha256sum | cut -c1-16)
  if [ "$(image_hash "$tag")" != "$hash" ]; then
    log "building $tag"
    DOCKER_BUILDKIT=0 docker build -q --build-arg BASE_IMAGE=rqc-standin-base:ci \
      --label "rqc.standin.hash=$hash" -t "$tag" "$@" "$context" >/dev/null
  fi
  log "$tag ready"
}
build_layer rqc-standin-timescaledb:ci "$here/standins/timescaledb"
build_layer rqc-standin-redis:ci "$here/standins/redis"
build_layer rqc-standin-runner:ci "$root/compose/benchmark-runner"
