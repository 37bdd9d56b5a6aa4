#!/usr/bin/env bash
# make bench: ttsarchive against the tools a user would reach for (curl, aria2c, wget2, pigz,
# sha256sum), side by side on the same simulated nights, in one run; writes bench/results.md.
# Every measurement is /usr/bin/time (wall, user+sys CPU of the process tree, peak RSS of its
# largest process). Each row is repeated BENCH_REPS times; the table shows median and range.
# usage: bench.sh BIN_DIR   (env: BENCH_REPS, BENCH_AUDIO_JOBS, BENCH_SMALL_JOBS, BENCH_LIST_JOBS,
#        BENCH_GIANT_BYTES, BENCH_MEM_REPS, BENCH_WORK, BENCH_SECTIONS: a subset of
#        "audio small static memory expiry put", e.g. BENCH_SECTIONS="audio small" BENCH_REPS=1;
#        "static" repeats both nights with the files served by nginx instead of the simulator)
set -euo pipefail
bin=$(cd "${1:-.build/release}" && pwd)
scripts=$(cd "$(dirname "$0")" && pwd)
reps=${BENCH_REPS:-3}
mem_reps=${BENCH_MEM_REPS:-1}
limit=${BENCH_TIMEOUT:-240}  # seconds one measurement may take before it counts as hung
audio_jobs=${BENCH_AUDIO_JOBS:-1000}
small_jobs=${BENCH_SMALL_JOBS:-10000}
list_jobs=${BENCH_LIST_JOBS:-100000}
sections=" ${BENCH_SECTIONS:-audio small static memory expiry put} "
wanted() { [[ "$sections" == *" $1 "* ]]; }
giant=${BENCH_GIANT_BYTES:-2147483648}
mkdir -p bench
work=$(mkdir -p "${BENCH_WORK:-/tmp/ttsarchive-bench}" && cd "${BENCH_WORK:-/tmp/ttsarchive-bench}" && pwd)
rm -rf "${work:?}"/*
results=$work/results.tsv
: > "$results"
# The compression limit runs the product's deflate settings in C (ISA-L igzip + zlib, as linked).
cc -O2 -o "$work/bench_compress" "$scripts/bench_compress.c" -lisal -lz
since=2025-06-09T00:00:00Z until=2025-06-10T00:00:00Z
export HUAWEICLOUD_SDK_AK=SIMULATORAK000000001 HUAWEICLOUD_SDK_SK=simulator-secret-key-not-a-real-secret-0001
export HUAWEICLOUD_SDK_PROJECT_ID=0f1e2d3c4b5a69788796a5b4c3d2e1f0
export TTSARCHIVE_AUTH_TOKEN=simulator-token-not-a-real-token-0001
project=$HUAWEICLOUD_SDK_PROJECT_ID
sim_pid="" allow_static=""
stop_sim() { if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; sim_pid=""; fi; }
nginx_pid=""
stop_static() { if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=""; fi; }
trap 'stop_sim; stop_static' EXIT
began=$(date +%s)

# start_sim ARGS...: a fresh simulator over the bench window; sets $endpoint.
start_sim() {
  stop_sim
  rm -f "$work/port"
  "$bin/ttsarchive-sim" --port 0 --port-file "$work/port" --seed 42 --window-start "$since" --window-end "$until" "$@" \
    > "$work/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 600); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { echo "bench: the simulator did not start:"; cat "$work/sim.log"; exit 1; }
  endpoint="http://127.0.0.1:$(cat "$work/port")"
}
stats() { curl -s "$endpoint/__stats"; }

# start_static ROOT: nginx on a free loopback port serving ROOT as plain static files, one
# worker (the other core is the client's), no access log, sendfile; sets $static_url. The
# "static" nights list links with the simulator (--link-base) but fetch every byte from here, so
# their figures do not depend on the simulator's own speed.
start_static() {
  local root=$1 conf=$work/nginx port
  stop_static
  rm -rf "$conf"; mkdir -p "$conf/tmp"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  { [ "$(id -u)" = 0 ] && echo "user root;"  # workers must read $root, which is not world-readable
    cat <<NGINX
worker_processes 1;
daemon off;
pid $conf/nginx.pid;
error_log $conf/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  default_type application/octet-stream;
  client_body_temp_path $conf/tmp;
  proxy_temp_path $conf/tmp;
  server { listen 127.0.0.1:$port; root $root; }
}
NGINX
  } > "$conf/nginx.conf"
  "${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}" -c "$conf/nginx.conf" -p "$conf" > "$conf/out.log" 2>&1 &
  nginx_pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  curl -s -o /dev/null "http://127.0.0.1:$port/" || { echo "bench: nginx did not start:"; cat "$conf/out.log" "$conf/error.log"; exit 1; }
  static_url="http://127.0.0.1:$port"
}

# Between rows, folders are moved aside, not deleted: on ext4 without a journal (this machine)
# creating a file scans past every inode freed in the last 60 s (300 s while its inode-table
# block is dirty), so deleting one row's 25,000 files right before the next row would charge
# that row for the previous one's cleanup. The trash is emptied between sections, followed by
# a sync and a pause that outlasts the window.
discard() { local d; for d in "$@"; do [ -e "$d" ] && mv "$d" "$work/trash/$(date +%s%N)"; done; return 0; }
empty_trash() {
  [ -n "$(ls -A "$work/trash" 2>/dev/null)" ] || return 0
  rm -rf "${work:?}/trash"; mkdir -p "$work/trash"; sync
  sleep "${BENCH_SETTLE:-65}"
}
mkdir -p "$work/trash"

# measure SECTION LABEL REP BYTES FILES -- COMMAND...: times COMMAND (cwd $work) and appends a row.
# BYTES/FILES may be "-" to be filled by a later `fill` (from the run's own JSON summary).
measure() {
  local section=$1 label=$2 rep=$3 bytes=$4 files=$5; shift 6
  local load0 load1
  # Every row starts with no dirty pages of an earlier one: otherwise the kernel writes back
  # the previous row's files (or the 2 GB copied for nginx) during this one, and the first
  # row of each night paid for it (curl's audio row moved between 4.2 and 7.6 s on that alone).
  sync
  load0=$(cut -d' ' -f1 /proc/loadavg)
  timed_out=0
  local code=0
  (cd "$work" && exec timeout -s KILL "$limit" /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" > "$work/out.txt" 2> "$work/err.txt") || code=$?
  if [ "$code" = 137 ]; then
    # A hang (seen: ttsarchive stalls with transfers paused) must not stall the whole bench.
    timed_out=1
    printf '%s\t%s\t%s\thung>%s\t-\t-\t-\t-\t%s\t%s\n' "$section" "$label" "$rep" "$limit" "$load0" "$(cut -d' ' -f1 /proc/loadavg)" >> "$results"
    echo "  $label rep $rep: no progress, killed after ${limit}s"
    return 0
  fi
  if [ "$code" != 0 ]; then
    # ttsarchive exits 1 when some item failed; the run still counts, and the table says so.
    if ! grep -q '"complete"' "$work/out.txt" 2>/dev/null; then
      echo "bench: $label failed (exit $code):" >&2; tail -20 "$work/err.txt" >&2; tail -3 "$work/time.txt" >&2; exit 1
    fi
  fi
  load1=$(cut -d' ' -f1 /proc/loadavg)
  read -r wall user sys rss < <(tail -1 "$work/time.txt")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "$label" "$rep" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" "$rss" "$bytes" "$files" "$load0" "$load1" >> "$results"
  printf '  %-44s rep %s: %6.2fs  cpu %6.2fs  rss %5d MiB  load %s→%s\n' "$label" "$rep" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" $((rss / 1024)) "$load0" "$load1"
}
# The bytes and files a ttsarchive run archived, from its --json summary.
summary() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); c=s.get("counts",s); print(c[sys.argv[2]])' "$work/out.txt" "$1"; }
fix_last() { # replace BYTES and FILES of the last row
  python3 - "$results" "$1" "$2" <<'PY'
import sys
path, b, f = sys.argv[1:4]
lines = open(path).read().splitlines()
cols = lines[-1].split("\t"); cols[6], cols[7] = b, f; lines[-1] = "\t".join(cols)
open(path, "w").write("\n".join(lines) + "\n")
PY
}
dir_bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

run_tts() { # SECTION LABEL REP [extra run flags...]
  local section=$1 label=$2 rep=$3; shift 3
  discard "$work/a" "$work/m"
  measure "$section" "$label" "$rep" - - -- "$bin/ttsarchive" run --endpoint "$endpoint" --archive "$work/a" --manifests "$work/m" \
    --since "$since" --until "$until" --json ${allow_static:+--allow-host "$allow_static"} "$@"
  [ "$timed_out" = 1 ] || fix_last "$(summary bytes)" "$(summary artifacts_stored)"
}

# One night (audio-heavy or small files): every tool on the same world and the same links.
# night SECTION [--static] SIMULATOR-ARGS...: with --static, the world's files are first copied
# (curl) into a folder nginx serves, and the simulator lists links to nginx; aria2c and the
# pigz pipeline are left out there (both are far behind on the simulator's nights already).
night() {
  local section=$1 served=simulator; shift
  if [ "$1" = --static ]; then served=nginx; shift; fi
  start_sim "$@"
  echo "== $section ($*, files served by $served)"
  read -r nlinks njobs < <(python3 "$scripts/bench_links.py" "$endpoint" "$project" "$since" "$until" "$work/links")
  if [ "$served" = nginx ]; then
    discard "$work/www"; mkdir -p "$work/www"
    # (curl's --parallel progress meter ignores --silent in 7.88: its stderr is kept for failures only)
    (cd "$work/www" && curl --parallel --parallel-max 8 --fail --silent --show-error --create-dirs -K "$work/links/mirror.cfg") \
      2> "$work/mirror.err" || { echo "bench: copying the world for nginx failed:"; tail -5 "$work/mirror.err"; exit 1; }
    start_static "$work/www"
    start_sim --link-base "$static_url" "$@"
    read -r nlinks njobs < <(python3 "$scripts/bench_links.py" "$endpoint" "$project" "$since" "$until" "$work/links")
    allow_static=${static_url#http://}
    echo "  nginx at $static_url serves $(dir_bytes "$work/www") bytes"
  fi
  echo "  $njobs SUCCEED jobs, $nlinks links"
  for rep in $(seq "$reps"); do
    run_tts "$section" "ttsarchive run --concurrency 8" "$rep" --concurrency 8
    [ "$rep" = 1 ] && cp "$work/m"/*.json "$work/$section-manifest.json" 2>/dev/null || true
    discard "$work/dl"; mkdir -p "$work/dl"
    measure "$section" "curl --parallel --parallel-max 8" "$rep" - "$nlinks" -- \
      sh -c "cd dl && curl --parallel --parallel-max 8 --fail --silent --show-error -K '$work/links/curl.cfg'"
    [ "$timed_out" = 1 ] || fix_last "$(dir_bytes "$work/dl")" "$nlinks"
    if [ "$served" = simulator ]; then
      discard "$work/dl"; mkdir -p "$work/dl"
      measure "$section" "aria2c -j8" "$rep" - "$nlinks" -- \
        aria2c -j8 -q --allow-overwrite=true --auto-file-renaming=false -d "$work/dl" -i "$work/links/aria2.txt"
      [ "$timed_out" = 1 ] || fix_last "$(dir_bytes "$work/dl")" "$nlinks"
    fi
    if command -v wget2 > /dev/null; then
      discard "$work/w2"; mkdir -p "$work/w2"
      measure "$section" "wget2 --max-threads=8" "$rep" - "$nlinks" -- \
        wget2 -q --max-threads=8 --no-robots -x -nH -P "$work/w2" -i "$work/links/urls.txt"
      [ "$timed_out" = 1 ] || fix_last "$(dir_bytes "$work/w2")" "$nlinks"
      discard "$work/w2"
    fi
    if [ "$served" = simulator ]; then
      measure "$section" "shell: curl + sha256sum + pigz -p2 -n -6 + mv" "$rep" - "$nlinks" -- \
        bash "$scripts/bench_shell.sh" "$work/links/curl.cfg" "$work/sh"
      [ "$timed_out" = 1 ] || fix_last "$(dir_bytes "$work/dl")" "$nlinks"
      discard "$work/sh"
    fi
    if command -v igzip > /dev/null; then
      measure "$section" "shell: curl + sha256sum + igzip -2 (2 at once) + mv" "$rep" - "$nlinks" -- \
        bash "$scripts/bench_shell.sh" "$work/links/curl.cfg" "$work/sh" igzip
      [ "$timed_out" = 1 ] || fix_last "$(dir_bytes "$work/dl")" "$nlinks"
      discard "$work/sh"
    fi
    # The compression limit, on the bytes curl downloaded (in memory, both cores), with the
    # product's deflate and settings (scripts/bench_compress.c).
    "$work/bench_compress" "$work/dl" 2 > "$work/compress.txt"
    read -r csecs cbytes cfiles cout < "$work/compress.txt"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "compression limit: ttsarchive's deflate in memory, 2 processes" "$rep" \
      "$csecs" "-" "-" "$cbytes" "$cfiles" "$(cut -d' ' -f1 /proc/loadavg)" "$(cut -d' ' -f1 /proc/loadavg)" >> "$results"
    echo "  compression limit rep $rep: ${csecs}s for $cbytes bytes (stored ratio $(awk -v o="$cout" -v i="$cbytes" 'BEGIN { printf "%.3f", o / i }'))"
  done
  discard "$work/dl" "$work/a" "$work/m" "$work/www"
  stop_sim
  stop_static
  allow_static=""
  empty_trash
}

audio_world=(--jobs "$audio_jobs" --audio-min-bytes 500000 --audio-max-bytes 5000000)
small_world=(--jobs "$small_jobs" --audio-min-bytes 1000 --audio-max-bytes 4000)
wanted audio && night audio "${audio_world[@]}"
wanted small && night small "${small_world[@]}"
wanted static && night audio-nginx --static "${audio_world[@]}"
wanted static && night small-nginx --static "${small_world[@]}"

if wanted memory; then
echo "== memory"
start_sim --jobs 3 --giant-audio-bytes "$giant"
for rep in $(seq "$mem_reps"); do
  run_tts memory "ttsarchive run, one $((giant / 1048576)) MiB WAV (+2 small jobs)" "$rep" --concurrency 8
done
rm -rf "$work/a" "$work/m"
start_sim --jobs "$list_jobs"
for rep in $(seq "$mem_reps"); do
  measure memory "ttsarchive list --json, $list_jobs jobs" "$rep" - - -- \
    sh -c "'$bin/ttsarchive' list --endpoint '$endpoint' --since $since --until $until --state all --json > /dev/null"
  [ "$timed_out" = 1 ] || fix_last - "$list_jobs"
  run_tts memory "ttsarchive run --dry-run, $list_jobs jobs" "$rep" --dry-run
done
stop_sim
fi

if wanted expiry; then
echo "== expiry"
ttl=${BENCH_EXPIRY_TTL:-10} bw=${BENCH_EXPIRY_BANDWIDTH:-10000000}
for rep in $(seq "$mem_reps"); do
  start_sim --jobs "${BENCH_EXPIRY_JOBS:-300}" --link-ttl "$ttl" --bandwidth "$bw"
  run_tts expiry "ttsarchive run, link TTL ${ttl}s, ${bw} B/s cap" "$rep" --concurrency 8
  [ "$timed_out" = 1 ] || python3 - "$work/m" "$(stats)" "$ttl" "$results" <<'PY'
import glob, json, sys
mdir, stats, ttl, results = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
m = json.load(open([p for p in glob.glob(mdir + "/*.json") if not p.endswith("HEAD.json")][0]))
c = m["counts"]
jobs = sum(1 for j in m["jobs"] if j["artifacts"])
with open(results, "a") as f:
    f.write("expiry-extra\t%d\t%d\t%d\t%d\t%d\t%s\t%d\t%s\t%d\n" % (
        jobs, c["relists"], stats.get("links_expired", 0), stats.get("links_minted", 0),
        len(m["failures"]), m["complete"], c["retries"], ttl, c["artifacts_stored"]))
print("  jobs archived %d, relists %d, links expired at the server %d, failures %d" % (
    jobs, c["relists"], stats.get("links_expired", 0), len(m["failures"])))
PY
done
stop_sim
fi
rm -rf "$work/a" "$work/m" "$work/links"

elapsed=$(( $(date +%s) - began ))
report=${BENCH_REPORT:-bench/results.md}  # a subset run may write elsewhere
python3 "$scripts/bench_report.py" "$results" "$elapsed" "$reps" "$bin" > "$report"
cp "$results" "${report%.md}.tsv"  # the raw measurements behind the table
# Issue 2's store rows (put of a 2 GiB file and of 10,000 small files), appended to the table.
if [ -f "$scripts/bench_put.sh" ] && [ "${BENCH_PUT:-1}" = 1 ] && wanted put; then
  BENCH_WORK="$work" BENCH_OUT="$report" bash "$scripts/bench_put.sh" "$bin"
fi
[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "${work:?}"
echo
cat "$report"
echo
echo "bench: written to $report in ${elapsed}s"
