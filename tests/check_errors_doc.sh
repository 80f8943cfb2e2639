#!/usr/bin/env bash
# docs/errors.md must list every public code of src/base/error_codes.def.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
missing=0
while read -r code; do
  if ! grep -qF "\`$code\`" "$root/docs/errors.md"; then
    echo "docs/errors.md lacks $code"; missing=1
  fi
done < <(grep -oP '^LIVEREC_ERROR\(\w+,\s*"\K[^"]+' "$root/src/base/error_codes.def")
[ "$missing" = 0 ] && echo "docs/errors.md lists every catalogue code"
exit $missing
