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
bad=()
while IFS= read -r -d '' file; do
  [[ -f $file ]] || continue
  if ! "$formatter" --style=file --dry-run -Werror "$file" >/dev/null 2>&1; then
    bad+=("$file")
  fi
done < <(git ls-files -z -- '*.cc' '*.h' '*.cpp' '*.hpp')
if ((${#bad[@]})); then
  echo "check_format: ${#bad[@]} file(s) differ from .clang-format (fix with: make format):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "check_format: all C++ files are formatted"
