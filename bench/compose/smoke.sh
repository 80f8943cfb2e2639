#!/usr/bin/env bash
# Smoke test of compose_bench: a 4 s FLV made with ffmpeg, cut into slices and composed once.
set -euo pipefail
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine=sample_rate=44100 \
  -t 4 -c:v libx264 -g 25 -c:a aac -f flv "$dir/in.flv"
out=$("$bin" --input "$dir/in.flv" --repeat 3 --slice-s 2 --work "$dir/work" --mp4-writer both)
echo "$out"
grep -q "liverec/ffmpeg CPU, round 1, own writer" <<<"$out"
grep -q "liverec/ffmpeg CPU, round 1, libavformat writer" <<<"$out"
