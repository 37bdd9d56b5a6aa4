#!/usr/bin/env bash
# make demo-s3: a sharded night into a real object store. Starts SeaweedFS (master, volume, filer
# and S3 gateway, with an S3 identity so signatures are checked) and the MetaStudio simulator on
# loopback, runs 3 shards of one night at once into one bucket (the last to finish merges the
# night into the manifest chain), then verifies the bucket from a fresh state folder.
# usage: demo_s3.sh BIN_DIR WEED   (env: DEMO_JOBS, DEMO_SHARDS)
set -euo pipefail
bin=${1:-.build/debug}
weed=${2:-.venv-tools/bin/weed}
jobs=${DEMO_JOBS:-300}
shards=${DEMO_SHARDS:-3}
work=$(mktemp -d /tmp/ttsarchive-demo-s3.XXXXXX)
sim_pid="" weed_pid=""
trap 'kill $sim_pid $weed_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

# Test credentials for the demo's own SeaweedFS; never real ones.
export AWS_ACCESS_KEY_ID=DEMOACCESSKEY0000001 AWS_SECRET_ACCESS_KEY=demo-secret-key-not-a-real-secret-01
source "$(dirname "$0")/seaweedfs.sh"
start_seaweedfs "$weed" "$work" ttsarchive-demo
echo "demo-s3: SeaweedFS S3 gateway on $s3, bucket ttsarchive-demo"

seed=$(date +%s)
since=$(date -u -d '24 hours ago' +%Y-%m-%dT%H:%M:%SZ)
until=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$bin/ttsarchive-sim" --port 0 --port-file "$work/port" --seed "$seed" --jobs "$jobs" \
  --window-start "$since" --window-end "$until" > "$work/sim.log" 2>&1 &
sim_pid="$sim_pid $!"
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
endpoint="http://127.0.0.1:$(cat "$work/port")"
echo "demo-s3: simulator on $endpoint ($jobs jobs, seed $seed)"
export HUAWEICLOUD_SDK_AK=SIMULATORAK000000001 HUAWEICLOUD_SDK_SK=simulator-secret-key-not-a-real-secret-0001
export HUAWEICLOUD_SDK_PROJECT_ID=0f1e2d3c4b5a69788796a5b4c3d2e1f0

where=(--s3-endpoint "$s3" --archive s3://ttsarchive-demo/archive --manifests s3://ttsarchive-demo/manifests)
group="night-$(date -u +%Y%m%d)-$seed"
echo "demo-s3: $shards shards of run group $group, at once (each with its own state folder, as on $shards machines)"
pids=()
for k in $(seq 0 $((shards - 1))); do
  XDG_STATE_HOME="$work/host$k" "$bin/ttsarchive" run --endpoint "$endpoint" --since "$since" --until "$until" \
    --shard "$k/$shards" --run-group "$group" "${where[@]}" > "$work/shard$k.out" 2>&1 &
  pids+=($!)
done
status=0
for k in "${!pids[@]}"; do
  wait "${pids[$k]}" || status=$?
  echo "--- shard $k/$shards:"; tail -4 "$work/shard$k.out"
done
echo
echo "demo-s3: ttsarchive verify (a fresh host: manifests and objects read from the bucket)"
XDG_STATE_HOME="$work/auditor" "$bin/ttsarchive" verify "${where[@]}" || status=$?
exit $status
