# Sourced by demo_s3.sh and bench_shards.sh: start_seaweedfs WEED DIR BUCKET starts SeaweedFS
# (master, volume, filer, S3 gateway) on free-ish loopback ports with an S3 identity for
# $AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY (so signatures are checked), creates BUCKET (curl
# signs that request itself, SigV4), and sets $s3 (the gateway URL) and $weed_pid.
start_seaweedfs() {
  local weed=$1 dir=$2 bucket=$3 base code=""
  cat > "$dir/s3.json" <<JSON
{"identities":[{"name":"ttsarchive","credentials":[{"accessKey":"$AWS_ACCESS_KEY_ID","secretKey":"$AWS_SECRET_ACCESS_KEY"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
  base=$((20000 + RANDOM % 20000))
  mkdir -p "$dir/data"
  # The Iceberg and Lance listeners would take fixed default ports: off.
  "$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$dir/data" -master.port=$base -volume.port=$((base + 1)) \
    -filer.port=$((base + 2)) -s3 -s3.port=$((base + 3)) -s3.config="$dir/s3.json" -s3.port.iceberg=0 -s3.port.lance=0 \
    -master.telemetry=false -volume.max=50 -master.volumeSizeLimitMB=1024 > "$dir/weed.log" 2>&1 &
  weed_pid=$!
  s3="http://127.0.0.1:$((base + 3))"
  for _ in $(seq 300); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
      --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$s3/$bucket" || true)
    { [ "$code" = 200 ] || [ "$code" = 409 ]; } && return 0
    sleep 0.3
  done
  echo "SeaweedFS did not come up:" >&2
  tail -5 "$dir/weed.log" >&2
  return 1
}
