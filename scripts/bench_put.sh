#!/usr/bin/env bash
# The store alone (issue 2): `ttsarchive put` of one 2 GiB file and of 10,000 small files, with
# MB/s, files/s and peak RSS from /usr/bin/time -v. Appends its rows to bench/results.md (called
# by scripts/bench.sh, or alone: scripts/bench_put.sh .build/release).
set -euo pipefail
bin=${1:-.build/release}
big_mib=${BENCH_BIG_MIB:-2048}
small=${BENCH_SMALL_FILES:-10000}
work=${BENCH_WORK:-bench/work}/put
rm -rf "$work"; mkdir -p "$work" bench
out=${BENCH_OUT:-bench/results.md}
timed() { # command... -> "seconds peak_kib"
  /usr/bin/time -v -o "$work/time.txt" "$@" > "$work/out.txt" 2> "$work/err.txt" || { cat "$work/err.txt" >&2; return 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  echo "$wall $rss"
}
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" | tee -a "$out"; }
{
  echo
  echo "## The store alone: \`ttsarchive put\`"
  echo
  echo "| what | throughput | peak RSS | notes |"
  echo "|---|---|---|---|"
} | tee -a "$out"

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

rm -rf "$work"
