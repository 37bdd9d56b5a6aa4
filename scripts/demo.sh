#!/usr/bin/env bash
# make demo: starts the built-in MetaStudio and inventory simulators on loopback, runs a real
# nightly archive with its inventory snapshot into ./archive and ./manifests, verifies the
# archive, and prints where the manifest and the rendered report (archive/report.html) are.
set -euo pipefail
bin=${1:-.build/debug}
jobs=${DEMO_JOBS:-300}
work=$(mktemp -d /tmp/ttsarchive-demo.XXXXXX)
trap 'kill "$sim_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# A new seed per demo, so each demo is a new night of jobs (identical files still de-duplicate).
seed=$(date +%s)
since=$(date -u -d '24 hours ago' +%Y-%m-%dT%H:%M:%SZ)
until=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$bin/ttsarchive-sim" --port 0 --port-file "$work/port" --inventory-port-file "$work/inventory-port" --seed "$seed" --jobs "$jobs" \
  --window-start "$since" --window-end "$until" > "$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && [ -s "$work/inventory-port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "demo: the simulator did not start:"; cat "$work/sim.log"; exit 1; }
endpoint="http://127.0.0.1:$(cat "$work/port")"
echo "demo: simulator on $endpoint ($jobs jobs, seed $seed)"

# The simulator's documented test credentials (see ttsarchive-sim --help); never real ones.
export HUAWEICLOUD_SDK_AK=SIMULATORAK000000001
export HUAWEICLOUD_SDK_SK=simulator-secret-key-not-a-real-secret-0001
export HUAWEICLOUD_SDK_PROJECT_ID=0f1e2d3c4b5a69788796a5b4c3d2e1f0

# The night, then, under the same lock, inventory snapshots of the three clouds (Huawei quotas,
# Alibaba ICE, Volcengine VMS; the simulator's test keys): their voices are the jobs' assets,
# so the cross-reference prints matches, unknowns and orphans.
inv="http://127.0.0.1:$(cat "$work/inventory-port")"
echo "demo: ttsarchive run --inventory --endpoint $endpoint --since $since --until $until"
status=0
ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tSimulatorKey0001 ALIBABA_CLOUD_ACCESS_KEY_SECRET=sim-alibaba-secret-0001 \
VOLC_ACCESSKEY=AKLTsimulator0001 VOLC_SECRETKEY=sim-volcengine-secret-0001 \
  "$bin/ttsarchive" run --endpoint "$endpoint" --since "$since" --until "$until" \
  --inventory --alibaba-endpoint "$inv" --volcengine-endpoint "$inv" || status=$?
echo
echo "demo: ttsarchive verify"
"$bin/ttsarchive" verify
# Any gzip reader opens the store: `gunzip -t` on a sample of 50 objects (ISA-L and zlib written).
sample=$(find archive/sha256 -name '*.gz' | shuf -n 50 --random-source=<(yes))
[ -z "$sample" ] || { echo "$sample" | xargs gunzip -t && echo "demo: gunzip -t: $(echo "$sample" | wc -l) sampled objects OK"; }
echo
echo "demo: manifest: manifests/$(sed -n 's/.*"file":"\([^"]*\)".*/\1/p' manifests/HEAD.json)  (head: manifests/HEAD.json)"
"$bin/ttsarchive" report --out archive/report.html > /dev/null
echo "demo: report: $(pwd)/archive/report.html"
exit $status
