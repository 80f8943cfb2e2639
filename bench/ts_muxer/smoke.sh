#!/usr/bin/env bash
# Smoke test of ts_muxer_bench: a 2 s FLV made with ffmpeg, muxed once by each muxer.
set -euo pipefail
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine=sample_rate=44100 \
  -t 2 -c:v libx264 -g 25 -c:a aac -f flv "$dir/in.flv"
out=$("$bin" --input "$dir/in.flv" --repeat 2 --rounds 1)
echo "$out"
grep -q "own/libavformat" <<<"$out"
