#!/usr/bin/env bash
# Every #include in src/ points down the layer order written in docs/architecture.md ("Layer
# order"): a file of a layer may include its own layer's headers and those of the layers before
# it, never a later one. The order is read from the doc, so the doc and the check cannot differ.
# The last layer, `testing`, is test support: test files of any layer (a name with `_test` in
# it) may include it, and no other file may.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python3 - "$root" <<'PY'
import os, re, sys
root = sys.argv[1]
doc = open(os.path.join(root, "docs", "architecture.md"), encoding="utf-8").read()
m = re.search(r"^Layer order[^\n]*\n+((?:`\w+`(?: → )?)+)\s*$", doc, re.M)
if not m:
    sys.exit("docs/architecture.md has no 'Layer order' line of the form `a` → `b` → ...")
order = re.findall(r"`(\w+)`", m.group(1))
if order[-1] != "testing":
    sys.exit("docs/architecture.md: the layer order must end with `testing` (test support)")
rank = {layer: i for i, layer in enumerate(order)}
src = os.path.join(root, "src")
missing = sorted(d for d in os.listdir(src)
                 if os.path.isdir(os.path.join(src, d)) and d not in rank)
if missing:
    sys.exit(f"folders of src/ missing from the layer order in docs/architecture.md: {missing}")
bad = []
include = re.compile(r'^\s*#\s*include\s+"(\w+)/')
for layer in order:
    for dirpath, _, files in os.walk(os.path.join(src, layer)):
        for name in files:
            if not name.endswith((".h", ".cc", ".def")):
                continue
            path = os.path.join(dirpath, name)
            is_test = "_test" in name
            for n, line in enumerate(open(path, encoding="utf-8", errors="replace"), 1):
                hit = include.match(line)
                if hit and hit.group(1) == "testing" and is_test:
                    continue
                if hit and hit.group(1) in rank and rank[hit.group(1)] > rank[layer]:
                    bad.append(f"{os.path.relpath(path, root)}:{n}: {layer} includes "
                               f"{hit.group(1)}/ (a later layer)")
for b in bad:
    print(b)
if bad:
    sys.exit(f"{len(bad)} include(s) against the layer order " + " -> ".join(order))
print("every include in src/ follows the layer order " + " -> ".join(order))
PY
