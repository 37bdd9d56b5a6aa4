#!/usr/bin/env bash
# The sharded-night row of `make bench`: the same audio night archived by 2 shards at once
# (as 2 machines would, each with its own state folder), into the local store and into a real
# SeaweedFS bucket (S3 gateway on loopback, signatures checked). Appends a section to
# bench/results.md. SeaweedFS runs on the same 2 cores: its CPU is not counted in the rows but
# slows the S3 rows, as a co-located object store would.
# usage: bench_shards.sh BIN_DIR WEED   (env: BENCH_REPS, BENCH_SHARD_JOBS, BENCH_WORK)
set -euo pipefail
bin=$(cd "${1:-.build/release}" && pwd)
weed=$(cd "$(dirname "${2:-.venv-tools/bin/weed}")" && pwd)/$(basename "${2:-.venv-tools/bin/weed}")
reps=${BENCH_REPS:-3}
jobs=${BENCH_SHARD_JOBS:-300}
shards=2
work=$(mktemp -d "${BENCH_WORK:-/tmp}/ttsarchive-bench-shards.XXXXXX")
since=2025-06-09T00:00:00Z until=2025-06-10T00:00:00Z
export HUAWEICLOUD_SDK_AK=SIMULATORAK000000001 HUAWEICLOUD_SDK_SK=simulator-secret-key-not-a-real-secret-0001
export HUAWEICLOUD_SDK_PROJECT_ID=0f1e2d3c4b5a69788796a5b4c3d2e1f0
export AWS_ACCESS_KEY_ID=BENCHACCESSKEY000001 AWS_SECRET_ACCESS_KEY=bench-secret-key-not-a-real-secret-01
pids=""
trap 'kill $pids 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

source "$(dirname "$0")/seaweedfs.sh"
start_seaweedfs "$weed" "$work" ttsarchive-bench
pids="$pids $weed_pid"
"$bin/ttsarchive-sim" --port 0 --port-file "$work/port" --seed 42 --jobs "$jobs" --audio-min-bytes 500000 --audio-max-bytes 5000000 \
  --window-start "$since" --window-end "$until" > "$work/sim.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 600); do [ -s "$work/port" ] && break; sleep 0.1; done
endpoint="http://127.0.0.1:$(cat "$work/port")"

# night BACKEND REP: both shards at once; prints "wall cpu rss_mib mb files"
night() {
  local backend=$1 rep=$2 dir="$work/$1-$2" where=()
  mkdir -p "$dir"
  if [ "$backend" = s3 ]; then
    where=(--s3-endpoint "$s3" --archive "s3://ttsarchive-bench/$rep/archive" --manifests "s3://ttsarchive-bench/$rep/manifests")
  else
    where=(--archive "$dir/archive" --manifests "$dir/manifests")
  fi
  local start end k spids=()
  start=$(date +%s.%N)
  for k in $(seq 0 $((shards - 1))); do
    XDG_STATE_HOME="$dir/host$k" /usr/bin/time -f '%e %U %S %M' -o "$dir/time$k" "$bin/ttsarchive" run --endpoint "$endpoint" \
      --since "$since" --until "$until" --shard "$k/$shards" --run-group "bench-$rep" --state "$dir/host$k/state" --json \
      "${where[@]}" > "$dir/out$k.json" 2> "$dir/err$k.txt" &
    spids+=($!)
  done
  for k in "${!spids[@]}"; do wait "${spids[$k]}" || { echo "bench-shards: shard $k of $backend failed:" >&2; tail -3 "$dir/err$k.txt" >&2; exit 1; }; done
  end=$(date +%s.%N)
  python3 - "$dir" "$shards" "$start" "$end" <<'PY'
import json, sys
d, n, start, end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
cpu = rss = 0.0; mb = files = 0
for k in range(n):
    e, u, s, m = open(f"{d}/time{k}").read().split()[-4:]
    cpu += float(u) + float(s); rss = max(rss, int(m) / 1024)
    out = json.loads(open(f"{d}/out{k}.json").read())
    mb += out["bytes"] / 1e6; files += out["artifacts_stored"]
print(f"{end - start:.2f} {cpu:.1f} {rss:.0f} {mb:.1f} {files}")
PY
}

rows=""
for backend in local s3; do
  for rep in $(seq "$reps"); do
    rows="$rows$backend $(night "$backend" "$rep")"$'\n'
  done
done
python3 - "$reps" "$jobs" "$rows" <<'PY' >> bench/results.md
import statistics as st, sys
reps, jobs, rows = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
data = {}
for line in rows.strip().splitlines():
    b, wall, cpu, rss, mb, files = line.split()
    data.setdefault(b, []).append((float(wall), float(cpu), float(rss), float(mb), int(files)))
print(f"\n## 5. Sharded night: 2 shards at once, local store vs SeaweedFS (S3)\n")
print(f"{jobs} jobs of the audio night's kind (WAV 0.5–5 MB + text files), `--shard 0/2` and `1/2` started together, "
      f"each with its own state folder; the last merges the night. {reps} repetitions, median [min–max] wall time of the pair. "
      "CPU and peak RSS are the two ttsarchive processes' (SeaweedFS's own CPU, on the same 2 cores, is not counted).\n")
print("| store | wall s | MB/s | files/s | CPU s (both shards) | peak RSS MiB (largest shard) | time vs local |")
print("|---|---|---|---|---|---|---|")
local = st.median([r[0] for r in data["local"]])
for b, label in [("local", "local disk, one archive folder"), ("s3", "SeaweedFS bucket over S3 (SigV4, conditional PUT, ETag+HEAD check)")]:
    rs = data[b]; wall = st.median([r[0] for r in rs])
    mb, files = rs[0][3], rs[0][4]
    print(f"| {label} | {wall:.2f} [{min(r[0] for r in rs):.2f}–{max(r[0] for r in rs):.2f}] | {mb / wall:.1f} | {files / wall:.0f} | "
          f"{st.median([r[1] for r in rs]):.1f} | {max(r[2] for r in rs):.0f} | {wall / local:.2f}× |")
PY
echo "bench-shards: appended the sharded-night rows to bench/results.md"
