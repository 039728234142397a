#!/usr/bin/env bash
# Installs and starts every service rqc's tests need on a fresh Debian machine:
# the Docker engine (docker.io + dockerd), Debian's docker-compose, PostgreSQL 15 and Redis 7.
# Safe to run twice: every step checks before it acts.
# Prints `export NAME=value` lines for the service URLs on stdout; progress goes to stderr.
set -euo pipefail

log() { printf '[provision] %s\n' "$*" >&2; }

STATE_DIR=${RQC_CI_STATE:-/var/lib/rqc-ci}
mkdir -p "$STATE_DIR"

packages=(docker.io docker-compose postgresql redis-server debootstrap hyperfine busybox-static
  iptables ca-certificates procps tmux gcc libc6-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# --- Docker engine -------------------------------------------------------------------------
if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  log "starting dockerd"
  nohup dockerd --host=unix:///var/run/docker.sock >"$STATE_DIR/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || {
    log "dockerd did not start; its log:"; tail -n 30 "$STATE_DIR/dockerd.log" >&2; exit 1; }
fi
log "docker engine $(docker version --format '{{.Server.Version}}')"

# --- PostgreSQL ----------------------------------------------------------------------------
pg_version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$pg_version main"; then
  pg_createcluster "$pg_version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "starting PostgreSQL $pg_version"
  pg_ctlcluster "$pg_version" main start >&2
fi
pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1==v && $2=="main" {print $3}')
# The test role's password is made here, per machine; it is never committed.
pw_file="$STATE_DIR/pg-password"
[ -s "$pw_file" ] || head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$pw_file"
chmod 600 "$pw_file"
pw=$(cat "$pw_file")
su postgres -c "psql -q -p $pg_port -v ON_ERROR_STOP=1" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rqc') THEN
    CREATE ROLE rqc LOGIN CREATEDB PASSWORD '$pw';
  ELSE
    ALTER ROLE rqc WITH LOGIN CREATEDB PASSWORD '$pw';
  END IF;
END \$\$;
SQL
su postgres -c "psql -p $pg_port -tAc \"SELECT 1 FROM pg_database WHERE datname='rqc_test'\"" | grep -q 1 ||
  su postgres -c "createdb -p $pg_port -O rqc rqc_test" >&2
log "postgresql $pg_version on 127.0.0.1:$pg_port"

# --- Redis ---------------------------------------------------------------------------------
redis_port=6379
if ! redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; then
  log "starting redis"
  redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes \
    --save '' --appendonly no --logfile "$STATE_DIR/redis.log" --dir "$STATE_DIR" >&2
  for _ in $(seq 1 40); do redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break; sleep 0.25; done
fi
log "redis $(redis-server --version | awk '{print $3}') on 127.0.0.1:$redis_port"

# --- Local images (no registry here) -------------------------------------------------------
"$(dirname "$0")/build-images.sh" >&2

echo "export RQC_TEST_DATABASE_URL=postgres://rqc:$pw@127.0.0.1:$pg_port/rqc_test"
echo "export RQC_TEST_REDIS_URL=redis://127.0.0.1:$redis_port"
echo "export RQC_TEST_PG_CLUSTER='$pg_version main'"
echo "export RQC_TEST_REDIS_PORT=$redis_port"
