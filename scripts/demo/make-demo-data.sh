#!/usr/bin/env bash
# Makes rqc's demo data set (fixtures/demo/): real hyperfine measurements, made on this machine, of
# three releases of a tiny program (fixtures/demo/src/tinyapp.c: v1.1.0 makes `checksum` faster,
# v1.2.0 makes `sort` slower), and a real docker-vs-bare-metal calibration measured the same way.
#
# Bare metal: hyperfine -N on the host. Docker: the same hyperfine binary run INSIDE one container
# of rqc-busybox:test with --cpus 1 --memory 256m --memory-swap 256m (the host's /usr and its
# libraries mounted read-only so hyperfine runs there), so both sides time the same static binary
# the same way, and the ratio of their medians is the container's overhead for each case.
# Many short rounds interleave every side, so drift and other load on this shared machine spread
# over all of them; the load average at each measurement is recorded with it.
#
# Needs: gcc with static glibc (libc6-dev), hyperfine, a running Docker engine with rqc-busybox:test
# (scripts/ci/build-images.sh), node. Takes about a minute. `rqc demo` loads the result.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/fixtures/demo"
rounds=${RQC_DEMO_ROUNDS:-10}
runs=${RQC_DEMO_RUNS:-3}
image=rqc-busybox:test
cpus=1
memory=256m
log() { printf '[demo] %s\n' "$*" >&2; }

work=$(mktemp -d)
container="rqc-demo-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cleanup() { docker rm -f "$container" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

releases=(v1.0.0 v1.1.0 v1.2.0)
for i in 0 1 2; do
  gcc -O2 -static -DRELEASE="$i" "$out/src/tinyapp.c" -o "$work/tinyapp-${releases[$i]}"
done
for r in "${releases[@]}"; do # Every release gives the same answers: only speed changes.
  [ "$("$work/tinyapp-$r" sort)$("$work/tinyapp-$r" checksum)$("$work/tinyapp-$r" parse)" = \
    "$("$work/tinyapp-v1.0.0" sort)$("$work/tinyapp-v1.0.0" checksum)$("$work/tinyapp-v1.0.0" parse)" ] ||
    { log "release $r gives different output"; exit 1; }
done

mkdir -p "$work/out"
chmod 777 "$work/out"
docker run -d --name "$container" --cpus "$cpus" --memory "$memory" --memory-swap "$memory" \
  -v /usr:/usr:ro -v /usr/lib:/lib:ro -v /usr/lib64:/lib64:ro -v "$work:/app" \
  --entrypoint /bin/sleep "$image" 3600 >/dev/null

rm -rf "$out/runs" "$out/calibration"
mkdir -p "$out/runs" "$out/calibration"
entries="$work/entries.tsv"
: >"$entries"
now() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

# measure KIND RELEASE MODE FILE: one hyperfine run of the three cases of one release.
measure() {
  local kind=$1 release=$2 mode=$3 file=$4 start end load_start load_end prefix=()
  local bin="$work/tinyapp-$release" target="$out/$file"
  if [ "$mode" = docker ]; then bin="/app/tinyapp-$release"; prefix=(docker exec "$container"); target="/app/out/result.json"; fi
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  start=$(now)
  "${prefix[@]}" /usr/bin/hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$target" \
    -n sort "$bin sort" -n checksum "$bin checksum" -n parse "$bin parse" >/dev/null
  end=$(now)
  load_end=$(cut -d' ' -f1-3 /proc/loadavg)
  if [ "$mode" = docker ]; then cp "$work/out/result.json" "$out/$file"; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$release" "$mode" "$file" "$start" "$end" "$load_start" "$load_end" >>"$entries"
  log "$kind $release $mode → $file"
}

for round in $(seq 1 "$rounds"); do
  measure calibration v1.0.0 bare_metal "calibration/bare-metal-$round.json"
  measure calibration v1.0.0 docker "calibration/docker-$round.json"
  measure release v1.2.0 docker "runs/v1.2.0-docker-$round.json"
  for r in "${releases[@]}"; do measure release "$r" bare_metal "runs/$r-bare-metal-$round.json"; done
  log "round $round of $rounds done (load average $(cut -d' ' -f1-3 /proc/loadavg))"
done

engine=$(docker version --format '{{.Server.Version}}')
image_id=$(docker image inspect "$image" --format '{{.Id}}')
ENTRIES="$entries" ENGINE="$engine" IMAGE="$image" IMAGE_ID="$image_id" CPUS="$cpus" \
HYPERFINE="$(hyperfine --version | awk '{print $2}')" GCC="$(gcc -dumpfullversion)" node --input-type=module -e '
import {readFileSync, writeFileSync} from "node:fs";
import os from "node:os";
const env = process.env;
const entries = readFileSync(env.ENTRIES, "utf8").trim().split("\n").map((line) => {
  const [kind, release, mode, file, startedAt, endedAt, loadStart, loadEnd] = line.split("\t");
  const load = (text) => text.split(" ").map(Number);
  return {kind, release, mode, file, startedAt, endedAt, loadAvgStart: load(loadStart), loadAvgEnd: load(loadEnd)};
});
const memoryBytes = 256 * 1024 * 1024;
const manifest = {
  description: "rqc demo data: real hyperfine measurements of three releases of fixtures/demo/src/tinyapp.c on one machine; v1.1.0 makes checksum faster, v1.2.0 makes sort slower (the one true regression)",
  generatedBy: "scripts/demo/make-demo-data.sh",
  suite: "tinyapp",
  tools: {hyperfine: env.HYPERFINE, gcc: env.GCC, docker: env.ENGINE},
  // The same facts rqc reads for its host fingerprint (source/bench/environment.ts).
  host: {hostname: os.hostname(), cpuModel: os.cpus()[0].model.trim(), cores: os.cpus().length, memoryBytes: os.totalmem(), kernel: os.release()},
  docker: {image: env.IMAGE, imageId: env.IMAGE_ID, engineVersion: env.ENGINE, limits: {cpus: Number(env.CPUS), memoryBytes, memorySwapBytes: memoryBytes},
    how: "hyperfine -N run inside the container (host /usr and libraries mounted read-only), timing the same static binary as on the host"},
  releases: ["v1.0.0", "v1.1.0", "v1.2.0"].map((name) => ({name: `demo-${name}`, tinyappRelease: name})),
  runs: entries.filter((e) => e.kind === "release").map(({kind, ...e}) => ({...e, release: `demo-${e.release}`})),
  calibration: {
    tinyappRelease: "v1.0.0",
    bareMetal: entries.filter((e) => e.kind === "calibration" && e.mode === "bare_metal").map((e) => e.file),
    docker: entries.filter((e) => e.kind === "calibration" && e.mode === "docker").map((e) => e.file),
    measuredAt: entries.filter((e) => e.kind === "calibration").at(-1).endedAt,
  },
};
writeFileSync(process.argv[1], JSON.stringify(manifest, null, 2) + "\n");
' "$out/manifest.json"
log "written to $out (manifest.json, runs/, calibration/)"
