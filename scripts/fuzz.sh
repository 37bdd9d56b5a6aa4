#!/usr/bin/env bash
# make fuzz: runs every libFuzzer target of Fuzz/ for FUZZ_SECONDS (default 60) each, starting
# from the committed seeds in Fuzz/corpus/<target>/, and fails if any target finds a crash, a
# leak, a timeout or a broken property. New inputs go to a scratch corpus (never the committed
# seeds); findings are saved as FUZZ_WORK/findings/<target>-crash-… with the command to replay.
# Usage: scripts/fuzz.sh FUZZ_BIN_DIR [TARGET...]
set -uo pipefail
bin=${1:?usage: fuzz.sh FUZZ_BIN_DIR [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzPageDecoder FuzzSRT FuzzWAV FuzzMP3 FuzzGzip FuzzManifest FuzzConfig FuzzArguments)
seconds=${FUZZ_SECONDS:-60}
# 64 KiB reaches every header path; longer inputs only slow each run down.
max_len=${FUZZ_MAX_LEN:-65536}
work=${FUZZ_WORK:-Fuzz/.build/fuzz-work}
mkdir -p "$work/findings"
summary=$work/summary.tsv
printf 'target\tresult\truns\tseconds\texec/s\tcov\tft\tcorpus\n' > "$summary"
failed=0
# The Swift runtime's backtracer would catch the crash before libFuzzer and ASan report it
# (seen: it hangs reading ASan's shadow memory); libFuzzer's own report is the one we want.
export SWIFT_BACKTRACE=enable=no
for target in "${targets[@]}"; do
  corpus=$work/corpus/$target
  mkdir -p "$corpus"
  log=$work/$target.log
  echo "fuzz: $target for ${seconds}s"
  # The first corpus directory receives new inputs; the committed seeds are only read.
  "$bin/$target" "$corpus" "Fuzz/corpus/$target" -max_total_time="$seconds" -max_len="$max_len" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/findings/$target-" > "$log" 2>&1
  code=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$done_line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$done_line")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<< "$done_line")
  rate=$(awk -v r="${runs:-0}" -v s="${secs:-0}" 'BEGIN { if (s > 0) printf "%d", r / s; else print "-" }')
  result=ok
  if [ "$code" != 0 ]; then
    result="FAILED (exit $code)"
    failed=1
    echo "fuzz: $target failed; the end of $log:"
    tail -40 "$log"
    for finding in "$work/findings/$target-"*; do
      [ -e "$finding" ] && echo "fuzz: replay with: $bin/$target $finding"
    done
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$result" "${runs:--}" "${secs:--}" "$rate" "${cov:--}" "${ft:--}" "${corp:--}" >> "$summary"
done
column -t -s $'\t' "$summary"
exit $failed
