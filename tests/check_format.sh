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
# One clang-format process for every file (one per file took over a minute on a busy 2-core
# machine, past the check's timeout); the names of the files that differ come from its reports.
files=()
while IFS= read -r -d '' file; do
  [[ -f $file ]] && files+=("$file")
done < <(git ls-files -z -- '*.cc' '*.h' '*.cpp' '*.hpp')
bad=()
if ((${#files[@]})) && ! report=$("$formatter" --style=file --dry-run -Werror "${files[@]}" 2>&1); then
  mapfile -t bad < <(sed -n 's/^\(.*\):[0-9]*:[0-9]*: error: .*-Wclang-format-violations.*$/\1/p' <<< "$report" | sort -u)
  if ((${#bad[@]} == 0)); then
    echo "check_format: $formatter failed:" >&2
    echo "$report" >&2
    exit 1
  fi
fi
if ((${#bad[@]})); then
  echo "check_format: ${#bad[@]} file(s) differ from .clang-format (fix with: make format):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "check_format: all C++ files are formatted"
