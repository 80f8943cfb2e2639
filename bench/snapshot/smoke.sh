#!/usr/bin/env bash
# Smoke test of snapshot_bench: 320x240 H.264 and HEVC, two snapshots of each, one ffmpeg round.
set -euo pipefail
bin=$1
out=$("$bin" --size 320x240 --snapshots 2 --peer-runs 1)
echo "$out"
grep -q "h264 .*ratio" <<<"$out"
grep -q "hevc .*ratio" <<<"$out"
