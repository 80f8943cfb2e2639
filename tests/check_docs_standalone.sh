#!/usr/bin/env bash
# docs/ and README.md stand alone: they do not send the reader to files outside the repository
# (the design notes and API notes under `shared/` are not part of the project), neither by path
# nor by "spec §N", and every relative Markdown link points at a file of the repository.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
files=(README.md)
while IFS= read -r f; do files+=("$f"); done < <(find docs -name '*.md' | sort)
bad=0

# A reference to the outside notes, also when "spec" and "§" are split by a line break.
if grep -nE 'shared/|spec[[:space:]]*§' "${files[@]}"; then
  echo "^ docs refer to notes outside the repository: write what the reader needs instead"
  bad=1
fi
for f in "${files[@]}"; do
  if tr '\n' ' ' < "$f" | grep -qE 'spec[[:space:]]+§'; then
    echo "$f: \"spec §\" across a line break"; bad=1
  fi
done

# Relative links ([text](path) or [text](path#anchor)) must name a file inside the repository.
for f in "${files[@]}"; do
  dir=$(dirname "$f")
  while IFS= read -r target; do
    path=${target%%#*}
    [ -z "$path" ] && continue
    case "$path" in http://* | https://* | mailto:*) continue ;; esac
    resolved=$(realpath -m "$dir/$path")
    case "$resolved" in
      "$root"/*) [ -e "$resolved" ] || { echo "$f: link to a missing file: $target"; bad=1; } ;;
      *) echo "$f: link outside the repository: $target"; bad=1 ;;
    esac
  done < <(grep -oP '\]\(\K[^)\s]+(?=\))' "$f" || true)
done

[ "$bad" = 0 ] && echo "docs/ and README.md stand alone (${#files[@]} files)"
exit $bad
