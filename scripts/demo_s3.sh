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
cat > "$work/s3.json" <<JSON
{"identities":[{"name":"demo","credentials":[{"accessKey":"$AWS_ACCESS_KEY_ID","secretKey":"$AWS_SECRET_ACCESS_KEY"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
base=$((20000 + RANDOM % 20000))
mkdir -p "$work/data"
"$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$work/data" -master.port=$base -volume.port=$((base + 1)) \
  -filer.port=$((base + 2)) -s3 -s3.port=$((base + 3)) -s3.config="$work/s3.json" -s3.port.iceberg=0 -s3.port.lance=0 \
  -master.telemetry=false -volume.max=20 -master.volumeSizeLimitMB=256 > "$work/weed.log" 2>&1 &
weed_pid=$!
s3="http://127.0.0.1:$((base + 3))"
# curl signs the bucket creation itself (SigV4); ttsarchive creates no buckets.
for _ in $(seq 300); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$s3/ttsarchive-demo" || true)
  [ "$code" = 200 ] || [ "$code" = 409 ] && break
  sleep 0.3
done
[ "$code" = 200 ] || [ "$code" = 409 ] || { echo "demo-s3: SeaweedFS did not come up:"; tail -5 "$work/weed.log"; exit 1; }
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
