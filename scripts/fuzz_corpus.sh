#!/usr/bin/env bash
# make fuzz-corpus: regenerates the fuzz seed corpus (Fuzz/corpus/<fuzz target>/) from the simulator.
# Starts ttsarchive-sim with small audio, saves listing pages (clean and with bad records),
# archives the night with ttsarchive, then sorts the stored objects by content into WAV, MP3 and
# SRT seeds, keeps small .gz objects as gzip seeds and the manifest as a manifest seed.
# Usage: scripts/fuzz_corpus.sh BIN_DIR [OUT_DIR]   (BIN_DIR holds ttsarchive and ttsarchive-sim)
set -euo pipefail
bin=${1:?usage: fuzz_corpus.sh BIN_DIR [OUT_DIR]}
out=${2:-Fuzz/corpus}
# Caps keep the committed corpus at a few hundred KB: seeds need to be varied, not many.
per_target=${FUZZ_SEEDS_PER_TARGET:-8}
max_seed_bytes=${FUZZ_MAX_SEED_BYTES:-8192}
work=$(mktemp -d /tmp/ttsarchive-fuzz-corpus.XXXXXX)
sim_pid=""
stop_sim() { if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; sim_pid=""; fi; }
trap 'stop_sim; rm -rf "$work"' EXIT

since=2025-06-09T00:00:00Z until=2025-06-10T00:00:00Z
# The simulator's documented test credentials (ttsarchive-sim --help); never real ones.
export TTSARCHIVE_AUTH_TOKEN=simulator-token-not-a-real-token-0001
export HUAWEICLOUD_SDK_PROJECT_ID=0f1e2d3c4b5a69788796a5b4c3d2e1f0
project=$HUAWEICLOUD_SDK_PROJECT_ID

# start_sim ARGS...: a fresh simulator over the window; sets $endpoint.
start_sim() {
  stop_sim
  rm -f "$work/port"
  "$bin/ttsarchive-sim" --port 0 --port-file "$work/port" --seed 7 \
    --audio-min-bytes 512 --audio-max-bytes 6000 --window-start "$since" --window-end "$until" "$@" \
    > "$work/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 300); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { echo "fuzz-corpus: the simulator did not start:"; cat "$work/sim.log"; exit 1; }
  endpoint="http://127.0.0.1:$(cat "$work/port")"
}

# save_pages PREFIX: four listing pages of 10 jobs.
save_pages() {
  for offset in 0 10 20 30; do
    curl -s -H "X-Auth-Token: $TTSARCHIVE_AUTH_TOKEN" \
      "$endpoint/v1/$project/ttsc/tts-jobs?limit=10&offset=$offset&create_since=$since&create_until=$until" \
      > "$out/FuzzPageDecoder/$1-$offset.json"
  done
}

rm -rf "$out"
mkdir -p "$out"/{FuzzPageDecoder,FuzzSRT,FuzzWAV,FuzzMP3,FuzzGzip,FuzzManifest}

# archive DIR: archives the simulator's night into DIR/a and DIR/m.
archive() {
  "$bin/ttsarchive" run --endpoint "$endpoint" --archive "$1/a" --manifests "$1/m" \
    --since "$since" --until "$until" > "$work/run.log" 2>&1 || { echo "fuzz-corpus: the run failed:"; tail -20 "$work/run.log"; exit 1; }
}

start_sim --jobs 40 --fault bad_record=0.3 --fault hostile_job_id=0.2
save_pages faulty
start_sim --jobs 40
save_pages clean
archive "$work"
# The manifest seed comes from a night of a few jobs: a 40-job manifest is past FUZZ_MAX_LEN.
start_sim --jobs 4
archive "$work/small"
stop_sim

# keep DIR FILE NAME: copies FILE into DIR unless DIR is full; a file over the size cap is cut
# (a WAV or MP3 seed needs its headers, not minutes of samples).
keep() {
  local dir=$1 file=$2 name=$3
  [ "$(find "$dir" -type f | wc -l)" -lt "$per_target" ] || return 0
  head -c "$max_seed_bytes" "$file" > "$dir/$name"
}
for gz in $(find "$work/a/sha256" -name '*.gz' | sort); do
  name=$(basename "$gz" .gz | cut -c1-16)
  gunzip -c "$gz" > "$work/object"
  magic=$(head -c 4 "$work/object" | od -An -tx1 | tr -d ' \n')
  case "$magic" in
    52494646*) keep "$out/FuzzWAV" "$work/object" "$name.wav" ;;
    494433*|ffe*|fff*) keep "$out/FuzzMP3" "$work/object" "$name.mp3" ;;
    3[0-9]*|efbbbf*) keep "$out/FuzzSRT" "$work/object" "$name.srt" ;;
  esac
  [ "$(stat -c %s "$gz")" -gt "$max_seed_bytes" ] || keep "$out/FuzzGzip" "$gz" "$name.gz"
done
for manifest in "$work/small/m"/*.json; do
  [ "$(basename "$manifest")" = HEAD.json ] || cp "$manifest" "$out/FuzzManifest/"
done
for dir in "$out"/*; do printf 'fuzz-corpus: %-16s %2d seeds\n' "$(basename "$dir")" "$(find "$dir" -type f | wc -l)"; done
du -sh "$out"
