#!/usr/bin/env bash
# Usage: fail_on_report.sh COMMAND [ARGS...]
# Runs COMMAND (a Node test file, in the sanitizer build: tests/CMakeLists.txt) with the reports of
# every sanitized process it starts (the servers, the CLI, liverec-publish) written to files in a
# fresh directory instead of their stderr, and fails when any was written, printing them. So a
# report fails the file even when its test passed: a leak found at a server's exit after SIGTERM,
# or a crash in a server that a test expected to go away.
set -u
dir=$(mktemp -d "${TMPDIR:-/tmp}/liverec-sanitizer-XXXXXX")
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$dir/report"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$dir/report"
"$@"
rc=$?
found=0
for report in "$dir"/*; do
  [ -e "$report" ] || continue
  found=1
  echo "=== sanitizer report: $(basename "$report") (the file fails)"
  cat "$report"
done
rm -rf "$dir"
if ((found)); then exit 1; fi
exit "$rc"
