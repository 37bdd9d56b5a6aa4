#!/usr/bin/env bash
# make bench: measures the store (put of one 2 GiB file and of 10,000 small files) and a run
# against the simulator, printing MB/s, files/s and peak RSS (/usr/bin/time -v), and writes the
# table to bench/results.md. Data is generated here; nothing is downloaded from outside.
set -euo pipefail
bin=${1:-.build/release}
big_mib=${BENCH_BIG_MIB:-2048}
small=${BENCH_SMALL_FILES:-10000}
run_jobs=${BENCH_RUN_JOBS:-1000}
work=${BENCH_WORK:-bench/work}
rm -rf "$work"; mkdir -p "$work" bench
out=bench/results.md
timed() { # label, command... -> "seconds peak_kib"
  /usr/bin/time -v -o "$work/time.txt" "$@" > "$work/out.txt" 2> "$work/err.txt" || { cat "$work/err.txt" >&2; return 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  echo "$wall $rss"
}
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" | tee -a "$out"; }

{
  echo "# ttsarchive benchmarks"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(swift --version 2>&1 | head -1); zlib $(python3 -c 'import zlib; print(zlib.ZLIB_RUNTIME_VERSION)'). Date: $(date -u +%Y-%m-%d). Release build."
  echo
  echo "| what | throughput | peak RSS | notes |"
  echo "|---|---|---|---|"
} > "$out"
cat "$out"

# 1. put of one large file: speech-like bytes (the simulator's WAV generator would be ideal; a
# repeated low-entropy pattern stands in here and is not flattering: Z_RLE sees runs).
python3 - "$work/big.bin" "$big_mib" <<'PY'
import sys, math, random
path, mib = sys.argv[1], int(sys.argv[2])
random.seed(1)
# 1 MiB of band-limited noise, 16-bit LE, reused with a varying offset so blocks differ.
base = bytearray()
phase = 0.0
for i in range(512 * 1024):
    phase += 0.07 + 0.05 * math.sin(i / 3000.0)
    v = int(6000 * math.sin(phase) + random.gauss(0, 900))
    base += max(-32768, min(32767, v)).to_bytes(2, 'little', signed=True)
with open(path, 'wb') as f:
    for block in range(mib):
        k = (block * 7919) % len(base)
        f.write(base[k:] + base[:k])
PY
read -r secs rss < <(timed "$bin/ttsarchive" put --archive "$work/a1" "$work/big.bin")
row "put, one ${big_mib} MiB file" "$(awk -v m="$big_mib" -v s="$secs" 'BEGIN { printf "%.0f MB/s", m*1.048576/s }')" "$((rss / 1024)) MiB" "target: RSS < 64 MiB; $(awk '{print $4}' "$work/out.txt") stored bytes"

# 2. put of many small files (1-4 KiB JSON-like text).
mkdir -p "$work/small"
python3 - "$work/small" "$small" <<'PY'
import sys, random, json
d, n = sys.argv[1], int(sys.argv[2])
random.seed(2)
for i in range(n):
    words = [{"word": "w%d" % random.randrange(5000), "start": j * 0.3, "end": j * 0.3 + 0.25} for j in range(random.randrange(10, 45))]
    with open("%s/f%05d.json" % (d, i), "w") as f:
        json.dump({"job": i, "words": words}, f)
PY
read -r secs rss < <(timed sh -c "find '$work/small' -name '*.json' -print0 | xargs -0 '$bin/ttsarchive' put --archive '$work/a2'")
row "put, ${small} files of 1–4 KiB" "$(awk -v n="$small" -v s="$secs" 'BEGIN { printf "%.0f files/s", n/s }')" "$((rss / 1024)) MiB" "one fsync'd object + directory fsync each"

# 3. A run against the simulator: list + download + verify + gzip + store + manifest.
"$bin/ttsarchive-sim" --port 0 --port-file "$work/port" --seed 99 --jobs "$run_jobs" \
  --window-start 2025-06-09T00:00:00Z --window-end 2025-06-10T00:00:00Z --audio-min-bytes 500000 --audio-max-bytes 5000000 \
  > "$work/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
export HUAWEICLOUD_SDK_AK=SIMULATORAK000000001 HUAWEICLOUD_SDK_SK=simulator-secret-key-not-a-real-secret-0001 HUAWEICLOUD_SDK_PROJECT_ID=0f1e2d3c4b5a69788796a5b4c3d2e1f0
read -r secs rss < <(timed "$bin/ttsarchive" run --endpoint "http://127.0.0.1:$(cat "$work/port")" --archive "$work/a3" --manifests "$work/m3" \
  --since 2025-06-09T00:00:00Z --until 2025-06-10T00:00:00Z --concurrency 8 --json)
bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$work/out.txt")
files=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["artifacts_stored"])' "$work/out.txt")
row "run, ${run_jobs} jobs (WAV 0.5–5 MB + JSON/SRT), --concurrency 8" "$(awk -v b="$bytes" -v s="$secs" -v f="$files" 'BEGIN { printf "%.0f MB/s, %.0f files/s", b/1e6/s, f/s }')" "$((rss / 1024)) MiB" "$files artifacts, $((bytes / 1000000)) MB in ${secs}s"
echo
echo "written to $out"
