#!/usr/bin/env bash
# make soak: a night with every fault on at a few percent (random mode: every request draws),
# ttsarchive run SIGKILLed at random instants and restarted, for SOAK_MINUTES (default 20).
# The world is archived over and over in cycles: each cycle starts from an empty archive, is
# killed and resumed until a run finishes on its own (the final, uninterrupted run), then
#   - `ttsarchive verify` must be clean and archive/tmp empty;
#   - the archive's objects and the manifest's jobs, artifacts and failures must equal those of a
#     reference run over the same world with no transient faults and no kills (the world-shaping
#     faults — bad_record, hostile_job_id — and the per-object persistent ones — foreign_host,
#     redirect_file, absurd_length — are properties of the world, so the reference has them too);
#   - no object the run journal recorded as stored before a start was downloaded again by that
#     start (the simulator's per-object counters, reset before each start).
# Prints kills, faults by kind, retries and re-lists; exits 1 on any loss.
# usage: soak.sh BIN_DIR   (env: SOAK_MINUTES, SOAK_JOBS, SOAK_SEED, SOAK_MAX_DELAY_MS, SOAK_WORK)
set -euo pipefail
bin=$(cd "${1:-.build/release}" && pwd)
scripts=$(cd "$(dirname "$0")" && pwd)
minutes=${SOAK_MINUTES:-20}
jobs=${SOAK_JOBS:-300}
seed=${SOAK_SEED:-7}
min_delay=${SOAK_MIN_DELAY_MS:-200} max_delay=${SOAK_MAX_DELAY_MS:-4000}
work=$(mktemp -d "${SOAK_WORK:-/tmp}/ttsarchive-soak.XXXXXX")
since=2025-06-09T00:00:00Z until=2025-06-10T00:00:00Z
export HUAWEICLOUD_SDK_AK=SIMULATORAK000000001 HUAWEICLOUD_SDK_SK=simulator-secret-key-not-a-real-secret-0001
export HUAWEICLOUD_SDK_PROJECT_ID=0f1e2d3c4b5a69788796a5b4c3d2e1f0
world_faults=(--fault bad_record=0.02 --fault hostile_job_id=0.01 --fault foreign_host=0.01
  --fault redirect_file=0.01 --fault absurd_length=0.01)
# Listing requests are few (a page is 100 jobs), so their faults get a higher rate to be drawn at all.
transient_faults=(--fault list_5xx=0.05 --fault list_429=0.05 --fault malformed_json=0.05
  --fault download_5xx=0.03 --fault download_429=0.02 --fault reset=0.02 --fault truncate=0.02
  --fault flip=0.02 --fault trickle=0.01)
sim_pid="" run_pid=""
cleanup() {
  [ -n "$run_pid" ] && kill -KILL "$run_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ "${SOAK_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

start_sim() { # LOG ARGS...
  local log=$1; shift
  rm -f "$work/port"
  "$bin/ttsarchive-sim" --port 0 --port-file "$work/port" --seed "$seed" --jobs "$jobs" \
    --window-start "$since" --window-end "$until" "$@" > "$log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 300); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { echo "soak: the simulator did not start:"; cat "$log"; exit 1; }
  endpoint="http://127.0.0.1:$(cat "$work/port")"
}
stop_sim() { kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; sim_pid=""; }
run_args() { # DIR [window]
  local args=(run --endpoint "$endpoint" --archive "$1/archive" --manifests "$1/manifests" --concurrency 8)
  [ "${2:-}" = window ] && args+=(--since "$since" --until "$until")
  printf '%s\n' "${args[@]}"
}

# The reference: the same world, no transient faults, no kills.
start_sim "$work/ref-sim.log" "${world_faults[@]}"
mapfile -t args < <(run_args "$work/ref" window)
status=0; (cd "$work" && "$bin/ttsarchive" "${args[@]}" > "$work/ref.out" 2> "$work/ref.err") || status=$?
[ "$status" -le 1 ] || { echo "soak: the reference run failed (exit $status)"; tail -5 "$work/ref.err"; exit 1; }
stop_sim
# If the reference itself does not verify, a cycle's unclean verify is not the kills' doing.
"$bin/ttsarchive" verify --archive "$work/ref/archive" --manifests "$work/ref/manifests" > "$work/ref.verify" 2>&1 \
  || { echo "soak: note: the reference run does not verify clean either:"; head -3 "$work/ref.verify"; }
echo "soak: reference: $(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); c=m["counts"]; print(c["artifacts_stored"], "artifacts,", len(m["failures"]), "persistent failures, complete:", m["complete"])' \
  "$work/ref/manifests/$(sed -n 's/.*"file" *: *"\([^"]*\)".*/\1/p' "$work/ref/manifests/HEAD.json")")"

# Links live SOAK_LINK_TTL seconds (default 30), so slow (trickled) transfers meet expiry too.
start_sim "$work/sim.log" "${world_faults[@]}" "${transient_faults[@]}" --fault-mode random --link-ttl "${SOAK_LINK_TTL:-30}"
echo "soak: $minutes min against $endpoint, $jobs jobs (seed $seed), kills at ${min_delay}–${max_delay} ms"
deadline=$(( $(date +%s) + minutes * 60 ))
kills=0 cycles=0 losses=0 refetches=0 runs=0
totals=$work/totals.json
while :; do
  dir=$work/cycle; rm -rf "$dir"; mkdir -p "$dir"
  first=window
  while :; do
    python3 "$scripts/soak_check.py" stored "$dir/archive/state/active.journal" "$work/stored"
    curl -s -X POST "$endpoint/__reset_stats" > /dev/null
    mapfile -t args < <(run_args "$dir" "$first"); first=""
    (cd "$dir" && exec "$bin/ttsarchive" "${args[@]}" > "$dir/run.out" 2> "$dir/run.err") &
    run_pid=$!; runs=$((runs + 1))
    killed=0
    if [ "$(date +%s)" -lt "$deadline" ]; then
      delay=$(( min_delay + (RANDOM * 32768 + RANDOM) % (max_delay - min_delay + 1) ))
      sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
      if kill -KILL "$run_pid" 2>/dev/null; then killed=1; kills=$((kills + 1)); fi
    fi
    status=0; wait "$run_pid" 2>/dev/null || status=$?; run_pid=""
    snapshot=$(curl -s "$endpoint/__stats")
    python3 "$scripts/soak_check.py" accumulate "$totals" "$snapshot"
    read -r again keys < <(python3 "$scripts/soak_check.py" refetched "$work/stored" "$snapshot")
    if [ "$again" != 0 ]; then
      echo "soak: LOSS: $again stored objects downloaded again (e.g. $keys)"; refetches=$((refetches + again)); losses=$((losses + 1))
    fi
    # A SIGKILL can land just as the run ends on its own: then it finished, uninterrupted.
    # It can also land after the run closed its window (manifest, HEAD and last-complete.json
    # written) but before it exited: the window is done too, and another start would open the
    # next window instead (an empty manifest, wrongly counted as a loss).
    if [ "$killed" = 1 ] && [ "$status" = 137 ]; then
      [ -e "$dir/archive/state/last-complete.json" ] || continue
      status=0
    fi
    break
  done
  cycles=$((cycles + 1))
  if [ "$status" -gt 1 ]; then
    echo "soak: LOSS: cycle $cycles: the final run exited $status"; tail -5 "$dir/run.err"; losses=$((losses + 1))
  fi
  if ! "$bin/ttsarchive" verify --archive "$dir/archive" --manifests "$dir/manifests" > "$dir/verify.out" 2>&1; then
    echo "soak: LOSS: cycle $cycles: verify is not clean:"; head -5 "$dir/verify.out"; losses=$((losses + 1))
  fi
  if ! python3 "$scripts/soak_check.py" compare "$work/ref" "$dir" > "$dir/compare.out"; then
    losses=$((losses + 1))
  fi
  echo "soak: cycle $cycles: $(tail -1 "$dir/compare.out") (kills so far $kills)"
  grep LOSS "$dir/compare.out" || true
  python3 "$scripts/soak_check.py" counts "$totals" "$dir" 2>/dev/null || true
  [ "$(date +%s)" -lt "$deadline" ] || break
done
stop_sim

echo
echo "soak: $kills kills (SIGKILL), $runs runs, $cycles cycles archived end to end, $refetches re-downloads of stored objects"
python3 "$scripts/soak_check.py" summary "$totals"
never=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["faults"]; print(" ".join(k for k in sys.argv[2:] if not t.get(k)))' "$totals" \
  list_5xx list_429 malformed_json bad_record hostile_job_id download_5xx download_429 reset truncate flip trickle \
  foreign_host redirect_file absurd_length)
[ -z "$never" ] || echo "soak: note: fault kinds never injected (a longer soak or more jobs draws them): $never"
if [ "$minutes" -ge 20 ] && { [ "$kills" -lt 50 ] || [ -n "$never" ]; }; then
  echo "soak: FAILED: a full soak needs at least 50 kills and every fault kind"; losses=$((losses + 1))
fi
if [ "$losses" -gt 0 ]; then echo "soak: FAILED: $losses losses"; exit 1; fi
echo "soak: passed: every cycle verified clean and equal to the reference"
