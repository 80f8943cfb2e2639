#!/usr/bin/env bash
# Every C++ file in git (src/, apps/, bench/, fuzz/, tests/) is as the project's .clang-format
# makes it. The formatter is pinned to clang-format-14 (Debian 12's, installed by
# scripts/install-deps.sh): other versions break some lines differently. To fix what this
# reports: `make format`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
formatter=${CLANG_FORMAT:-clang-format-14}
if ! command -v "$formatter" >/dev/null; then
  echo "check_format: $formatter is missing (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check_format: $root is not a git checkout; the files to check are the ones git tracks" >&2
  exit 1
fi
# Batches of files per clang-format run, two runs at a time (one process per file took over 30 s
# on a busy 2-core machine). With --dry-run -Werror each differing file yields
# "<file>:<line>:<col>: error: code should be clang-formatted".
report=$(git ls-files -z -- '*.cc' '*.h' '*.cpp' '*.hpp' |
  xargs -0 -n 64 -P 2 "$formatter" --style=file --dry-run -Werror --ferror-limit=1 2>&1 >/dev/null ||
  true)
mapfile -t bad < <(grep -oE '^[^:]+:[0-9]+:[0-9]+: error: code should be clang-formatted' \
  <<<"$report" | cut -d: -f1 | sort -u)
if ((${#bad[@]})); then
  echo "check_format: ${#bad[@]} file(s) differ from .clang-format (fix with: make format):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
if grep -q 'error' <<<"$report"; then
  echo "check_format: $formatter failed:" >&2
  echo "$report" >&2
  exit 1
fi
echo "check_format: all C++ files are formatted"
