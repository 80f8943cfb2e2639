#!/usr/bin/env bash
# Runs liverec's libFuzzer targets (docs/fuzzing.md), one after the other, each for SECONDS
# seconds on its seed corpus (fuzz/corpus/<name>/, read only) plus a working corpus that grows
# across runs (<build>/fuzz-corpus/<name>/). Prints, per target, the executions, executions per
# second, corpus size and findings, then a table of all; exits 1 when any target found a crash,
# a leak, a timeout or ran out of memory (the input is kept in <build>/fuzz-findings/).
#
#   scripts/fuzz.sh [--build DIR] [--seconds N] [--only NAME[,NAME...]] [--nice N]
#
# A target may have libFuzzer flags of its own in fuzz/<name>_fuzz.options (one or more per line,
# '#' starts a comment). The targets must be built (make fuzz builds them). A finding is
# reproduced with
#   <build>/fuzz/<name>_fuzz <build>/fuzz-findings/<name>/crash-...
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=build-fuzz
SECONDS_PER_TARGET=60
ONLY=""
NICE=10
while (($#)); do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --seconds) SECONDS_PER_TARGET=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --nice) NICE=$2; shift 2 ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

targets=()
for f in fuzz/*_fuzz.cc; do
  name=$(basename "$f" _fuzz.cc)
  if [ -n "$ONLY" ] && [[ ",$ONLY," != *",$name,"* ]]; then continue; fi
  targets+=("$name")
done
if ((${#targets[@]} == 0)); then echo "fuzz.sh: no target selected" >&2; exit 2; fi

rows=()
failed=0
for name in "${targets[@]}"; do
  bin="$BUILD/fuzz/${name}_fuzz"
  if [ ! -x "$bin" ]; then echo "fuzz.sh: $bin is not built (make fuzz)" >&2; exit 2; fi
  work="$BUILD/fuzz-corpus/$name"
  findings="$BUILD/fuzz-findings/$name"
  log="$BUILD/fuzz-logs/$name.log"
  mkdir -p "$work" "$findings" "$(dirname "$log")"
  started="$findings/.started"  # findings of earlier runs stay, but count for those runs only
  touch "$started"
  seeds=()
  [ -d "fuzz/corpus/$name" ] && seeds=("fuzz/corpus/$name")
  options=()
  if [ -f "fuzz/${name}_fuzz.options" ]; then
    read -r -a options <<<"$(sed 's/#.*//' "fuzz/${name}_fuzz.options" | tr '\n' ' ')"
  fi
  echo "=== $name: ${SECONDS_PER_TARGET} s"
  # -timeout: one input taking over 10 s is a finding (a hang); -rss_limit_mb: so is 2 GiB.
  nice -n "$NICE" "$bin" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$findings/" "${options[@]}" "$work" "${seeds[@]}" \
    >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  files=$(find "$work" -type f | wc -l)
  bytes=$(du -sk "$work" | cut -f1)
  found=$(find "$findings" -type f -newer "$started" | wc -l)
  verdict=ok
  if ((status != 0)) || ((found > 0)); then
    verdict=FINDING
    failed=1
    grep -m3 -E "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|FUZZ_CHECK|SUMMARY" "$log"
    echo "    log: $log; inputs: $findings/"
  fi
  row=$(printf '%-20s %12s %9s %7s files %7s KiB %6s MB  %s' "$name" "${runs:-?}" "${speed:-?}/s" \
        "$files" "$bytes" "${rss:-?}" "$verdict")
  echo "$row"
  rows+=("$row")
done

echo "=== fuzzing: ${SECONDS_PER_TARGET} s per target"
printf '%-20s %12s %11s %13s %11s %9s  %s\n' target executions speed corpus "" "peak RSS" result
printf '%s\n' "${rows[@]}"
exit $failed
