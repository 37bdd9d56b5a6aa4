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
# Faults of the machine, not the server, between starts:
#   - torn_tail: the journal ends in half a record (a writer killed mid-write, power lost);
#   - disk_full: the archive is a small tmpfs, filled up to a few KiB before a start; that run
#     must exit 4 with its window open, and the next (space freed) go on (needs root to mount;
#     SOAK_DISK_FULL=0 turns it off);
#   - damaged_object: after a cycle, bytes of stored objects are flipped or cut; `verify
#     --read-data` must name exactly those, `verify --repair` quarantines them, and the next run
#     must fetch exactly their artifacts again, nothing else, and verify clean;
#   - killed_s3_holder (with SeaweedFS, SOAK_S3_CYCLES cycles, default 2): the run holding an S3
#     archive's lock is SIGKILLed; the next start waits for the lease (SOAK_S3_LOCK_TTL s) to
#     lapse by the store's clock, takes it over and goes on.
# Prints kills, faults by kind, retries and re-lists; exits 1 on any loss.
# usage: soak.sh BIN_DIR [WEED]  (env: SOAK_MINUTES, SOAK_JOBS, SOAK_SEED, SOAK_MAX_DELAY_MS, SOAK_WORK,
#                                 SOAK_DISK_FULL, SOAK_S3_CYCLES, SOAK_S3_LOCK_TTL)
set -euo pipefail
bin=$(cd "${1:-.build/release}" && pwd)
scripts=$(cd "$(dirname "$0")" && pwd)
weed=${2:-}
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
sim_pid="" run_pid="" weed_pid="" disk=""
cleanup() {
  [ -n "$run_pid" ] && kill -KILL "$run_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  [ -n "$weed_pid" ] && kill "$weed_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "$disk" ] && umount "$disk" 2>/dev/null || true
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

# The machine's faults. disk_full needs a filesystem of its own to fill: a tmpfs (root only)
# about twice the reference archive, holding each cycle's archive, state and manifests.
ref_bytes=$(du -sb "$work/ref" | cut -f1)
root_dir=$work
if [ "${SOAK_DISK_FULL:-1}" = 1 ]; then
  mkdir -p "$work/disk"
  if mount -t tmpfs -o size=$(( ref_bytes * 2 + 64 * 1024 * 1024 )) ttsarchive-soak "$work/disk" 2>/dev/null; then
    disk=$work/disk root_dir=$disk
  else
    echo "soak: note: no tmpfs could be mounted (not root?): disk_full is not injected"
  fi
fi
declare -A machine=([torn_tail]=0 [disk_full]=0 [damaged_object]=0 [killed_s3_holder]=0)

# After a start: adds the simulator's counters to the totals and counts, as a loss, every object
# the journal recorded as stored before the start that it downloaded again (but those in ALLOWED).
settle_start() { # WHAT [ALLOWED]
  local snapshot again keys
  snapshot=$(curl -s "$endpoint/__stats")
  python3 "$scripts/soak_check.py" accumulate "$totals" "$snapshot"
  read -r again keys < <(python3 "$scripts/soak_check.py" refetched "$work/stored" "$snapshot" ${2:+"$2"})
  if [ "$again" != 0 ]; then
    echo "soak: LOSS: $1 downloaded $again stored objects again (e.g. $keys)"; refetches=$((refetches + again)); losses=$((losses + 1))
  fi
}

# torn_tail: half of the journal's last record, no newline, as a writer killed mid-write leaves it.
tear_journal() { # JOURNAL
  [ -s "$1" ] || return 1
  python3 "$scripts/soak_check.py" tear "$1"
}

# disk_full: fills the tmpfs to a few KiB, runs one start to its end, frees the space. The start
# must exit 4 (or finish, when what is left fits), never claim a window it did not archive.
full_disk_start() { # DIR
  local dir=$1 avail keep status=0
  avail=$(df --output=avail -B1 "$disk" | tail -1)
  keep=$(( (RANDOM % 64) * 4096 ))
  [ "$avail" -gt "$keep" ] || keep=0
  fallocate -l $(( avail - keep )) "$disk/filler" 2>/dev/null || head -c $(( avail - keep )) /dev/zero > "$disk/filler" 2>/dev/null || true
  curl -s -X POST "$endpoint/__reset_stats" > /dev/null
  python3 "$scripts/soak_check.py" stored "$dir/archive/state/active.journal" "$work/stored"
  mapfile -t args < <(run_args "$dir")
  (cd "$dir" && "$bin/ttsarchive" "${args[@]}" > "$dir/full.out" 2> "$dir/full.err") || status=$?
  rm -f "$disk/filler"
  machine[disk_full]=$(( machine[disk_full] + 1 ))
  settle_start "a start on a full disk"
  case $status in
    4) if [ -e "$dir/archive/state/last-complete.json" ]; then
         echo "soak: LOSS: a run stopped by a full disk closed its window"; losses=$((losses + 1))
       fi
       grep -q "free" "$dir/full.err" || { echo "soak: LOSS: exit 4 on a full disk without naming the free space:"; tail -2 "$dir/full.err"; losses=$((losses + 1)); }
       full_exits=$((full_exits + 1)) ;;
    0|1) ;;
    *) echo "soak: LOSS: a start on a full disk exited $status"; tail -3 "$dir/full.err"; losses=$((losses + 1)) ;;
  esac
}

# damaged_object: flips or cuts 1–3 stored objects; verify must name each, --repair quarantine
# them, and the next run fetch exactly their artifacts again.
damage_and_repair() { # DIR
  local dir=$1 status=0 n damaged
  n=$(( 1 + RANDOM % 3 ))
  damaged=$(python3 "$scripts/soak_check.py" damage "$dir/archive" "$n" "$RANDOM")
  machine[damaged_object]=$(( machine[damaged_object] + n ))
  "$bin/ttsarchive" verify --read-data --archive "$dir/archive" --manifests "$dir/manifests" > "$dir/damage.verify" 2>&1 || status=$?
  if [ "$status" != 5 ]; then echo "soak: LOSS: verify --read-data exited $status on damaged objects"; losses=$((losses + 1)); fi
  for hex in $damaged; do
    grep -q "$hex" "$dir/damage.verify" || { echo "soak: LOSS: verify did not name the damaged object $hex"; losses=$((losses + 1)); }
  done
  status=0
  "$bin/ttsarchive" verify --read-data --repair --archive "$dir/archive" --manifests "$dir/manifests" > "$dir/repair.out" 2>&1 || status=$?
  [ "$(grep -c '^repaired ' "$dir/repair.out")" = "$n" ] \
    || { echo "soak: LOSS: verify --repair (exit $status) did not repair the $n damaged objects:"; head -3 "$dir/repair.out"; losses=$((losses + 1)); }
  # What the repair run may fetch: the artifacts of the damaged objects, and nothing else stored.
  python3 "$scripts/soak_check.py" stored "$dir/archive/state/previous.journal" "$work/stored"
  python3 "$scripts/soak_check.py" keys-of "$dir/archive/state/previous.journal" "$work/damaged-keys" $damaged
  curl -s -X POST "$endpoint/__reset_stats" > /dev/null
  status=0
  (cd "$dir" && "$bin/ttsarchive" run --endpoint "$endpoint" --archive "$dir/archive" --manifests "$dir/manifests" \
    --concurrency 8 > "$dir/repair-run.out" 2> "$dir/repair-run.err") || status=$?
  settle_start "the repair run (beyond the damaged objects' artifacts)" "$work/damaged-keys"
  if [ "$status" -gt 1 ]; then echo "soak: LOSS: the repair run exited $status"; tail -3 "$dir/repair-run.err"; losses=$((losses + 1)); fi
  if ! "$bin/ttsarchive" verify --read-data --archive "$dir/archive" --manifests "$dir/manifests" > "$dir/verify.out" 2>&1; then
    echo "soak: LOSS: after the repair run, verify is not clean:"; head -3 "$dir/verify.out"; losses=$((losses + 1))
  fi
  python3 "$scripts/soak_check.py" objects-equal "$work/ref" "$dir" || losses=$((losses + 1))
}

# Links live SOAK_LINK_TTL seconds (default 30), so slow (trickled) transfers meet expiry too.
start_sim "$work/sim.log" "${world_faults[@]}" "${transient_faults[@]}" --fault-mode random --link-ttl "${SOAK_LINK_TTL:-30}"
echo "soak: $minutes min against $endpoint, $jobs jobs (seed $seed), kills at ${min_delay}–${max_delay} ms"
deadline=$(( $(date +%s) + minutes * 60 ))
kills=0 cycles=0 losses=0 refetches=0 runs=0 full_exits=0
totals=$work/totals.json
while :; do
  dir=$root_dir/cycle; rm -rf "$dir"; mkdir -p "$dir"
  first=window
  while :; do
    # Between a kill and the next start, now and then, the machine's own faults.
    if [ -z "$first" ]; then
      draw=$(( RANDOM % 100 ))
      if [ "$draw" -lt 20 ] && tear_journal "$dir/archive/state/active.journal"; then
        machine[torn_tail]=$(( machine[torn_tail] + 1 ))
      elif [ "$draw" -lt 35 ] && [ -n "$disk" ]; then
        full_disk_start "$dir"
        [ -e "$dir/archive/state/last-complete.json" ] && { status=0; break; }
      fi
    fi
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
    settle_start "a start"
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
  damage_and_repair "$dir"
  [ "$(date +%s)" -lt "$deadline" ] || break
done

# killed_s3_holder: the same world into an S3 archive (SeaweedFS); each start's holder is killed
# and the next start must wait out its lease, by the store's clock, before taking over.
s3_cycles=${SOAK_S3_CYCLES:-2}
if [ "$s3_cycles" -gt 0 ] && [ -n "$weed" ] && [ -x "$weed" ]; then
  export AWS_ACCESS_KEY_ID=SOAKACCESSKEY0000001 AWS_SECRET_ACCESS_KEY=soak-secret-key-not-a-real-secret-001
  mkdir -p "$work/weed"
  source "$scripts/seaweedfs.sh"
  start_seaweedfs "$weed" "$work/weed" ttsarchive-soak
  ttl=${SOAK_S3_LOCK_TTL:-4}
  echo "soak: S3: $s3_cycles cycles into SeaweedFS at $s3, lock lease ${ttl} s, the holder killed at each start"
  for c in $(seq "$s3_cycles"); do
    dir=$work/s3-$c; mkdir -p "$dir"
    where=(--s3-endpoint "$s3" --archive "s3://ttsarchive-soak/c$c/archive" --manifests "s3://ttsarchive-soak/c$c/manifests" --state "$dir/state")
    first=(--since "$since" --until "$until") holder_kills=0
    while :; do
      python3 "$scripts/soak_check.py" stored "$dir/state/active.journal" "$work/stored"
      curl -s -X POST "$endpoint/__reset_stats" > /dev/null
      (cd "$dir" && TTSARCHIVE_S3_LOCK_TTL=$ttl exec "$bin/ttsarchive" run --endpoint "$endpoint" "${first[@]}" "${where[@]}" \
        --concurrency 8 --wait-lock 120s > "$dir/run.out" 2> "$dir/run.err") &
      run_pid=$!; runs=$((runs + 1)); first=()
      killed=0
      if [ "$holder_kills" -lt 3 ]; then
        # Kill it once it holds the lock and has stored something.
        sleep "$(awk -v d=$(( 1500 + RANDOM % 3000 )) 'BEGIN { printf "%.3f", d / 1000 }')"
        if kill -KILL "$run_pid" 2>/dev/null; then killed=1; kills=$((kills + 1)); holder_kills=$((holder_kills + 1)); fi
      fi
      status=0; wait "$run_pid" 2>/dev/null || status=$?; run_pid=""
      settle_start "an S3 start"
      if [ "$killed" = 1 ] && [ "$status" = 137 ]; then
        machine[killed_s3_holder]=$(( machine[killed_s3_holder] + 1 ))
        [ -e "$dir/state/last-complete.json" ] || continue
        status=0
      fi
      break
    done
    # Every start after a kill found a live lease and took it over once it lapsed.
    taken=$(grep -c "took over the archive lock" "$dir"/run.err 2>/dev/null || true)
    if [ "$holder_kills" -gt 0 ] && [ "$taken" -lt 1 ]; then
      echo "soak: LOSS: S3 cycle $c: the final start did not take over the killed holder's lock"; tail -3 "$dir/run.err"; losses=$((losses + 1))
    fi
    if [ "$status" -gt 1 ]; then echo "soak: LOSS: S3 cycle $c: the final run exited $status"; tail -5 "$dir/run.err"; losses=$((losses + 1)); fi
    # An auditor on a fresh host: manifests and objects read back from the bucket.
    if ! XDG_STATE_HOME="$dir/auditor" "$bin/ttsarchive" verify --read-data --s3-endpoint "$s3" --archive "s3://ttsarchive-soak/c$c/archive" \
        --manifests "s3://ttsarchive-soak/c$c/manifests" > "$dir/verify.out" 2>&1; then
      echo "soak: LOSS: S3 cycle $c: verify is not clean:"; head -5 "$dir/verify.out"; losses=$((losses + 1))
    fi
    python3 "$scripts/soak_check.py" compare-manifests "$work/ref/manifests" "$dir/state/manifests" > "$dir/compare.out" || losses=$((losses + 1))
    echo "soak: S3 cycle $c: $holder_kills holders killed, $(tail -1 "$dir/compare.out")"
    grep LOSS "$dir/compare.out" || true
  done
else
  echo "soak: note: no SeaweedFS (pass WEED, or SOAK_S3_CYCLES=0): killed_s3_holder is not injected"
fi
stop_sim

echo
echo "soak: $kills kills (SIGKILL), $runs runs, $cycles cycles archived end to end, $refetches re-downloads of stored objects"
python3 "$scripts/soak_check.py" summary "$totals"
echo "machine faults: torn_tail=${machine[torn_tail]} disk_full=${machine[disk_full]} (exit 4: $full_exits)" \
  "damaged_object=${machine[damaged_object]} killed_s3_holder=${machine[killed_s3_holder]}"
never=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["faults"]; print(" ".join(k for k in sys.argv[2:] if not t.get(k)))' "$totals" \
  list_5xx list_429 malformed_json bad_record hostile_job_id download_5xx download_429 reset truncate flip trickle \
  foreign_host redirect_file absurd_length)
for k in torn_tail damaged_object; do [ "${machine[$k]}" -gt 0 ] || never="$never $k"; done
[ -z "$disk" ] || [ "$full_exits" -gt 0 ] || never="$never disk_full"
[ "$s3_cycles" = 0 ] || [ -z "$weed" ] || [ "${machine[killed_s3_holder]}" -gt 0 ] || never="$never killed_s3_holder"
never=${never# }
[ -z "$never" ] || echo "soak: note: fault kinds never injected (a longer soak or more jobs draws them): $never"
if [ "$minutes" -ge 20 ] && { [ "$kills" -lt 50 ] || [ -n "$never" ]; }; then
  echo "soak: FAILED: a full soak needs at least 50 kills and every fault kind"; losses=$((losses + 1))
fi
if [ "$losses" -gt 0 ]; then echo "soak: FAILED: $losses losses"; exit 1; fi
echo "soak: passed: every cycle verified clean and equal to the reference"
