#!/usr/bin/env bash
# Installs what liverec needs to build and test, only what is missing. Idempotent.
# Debian 12 packages (apt); the npm packages of the web console, which the build puts into the
# binary (console/, always); and the npm packages of the test peers (tests/conformance).
# Both from their committed package-lock.json.
#   --no-npm  no npm packages for the tests (make run)
#   --fuzz    also clang with its libFuzzer and sanitizer runtimes, and llvm-symbolizer for
#             readable reports (make fuzz; docs/fuzzing.md). -fsanitize=fuzzer links clang's
#             own libclang_rt.fuzzer from libclang-rt-14-dev: libfuzzer-14-dev is not needed.
set -euo pipefail
cd "$(dirname "$0")/.."

NPM=1
FUZZ=0
for arg in "$@"; do
  case "$arg" in
    --no-npm) NPM=0 ;;
    --fuzz) FUZZ=1 ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

APT_PACKAGES=(
  build-essential cmake pkg-config git
  libboost1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev sqlite3 libpq-dev libcurl4-openssl-dev libexpat1-dev
  # The throwaway test cluster (scripts/test-postgres.sh) and psql, with which the Node tests
  # make their databases and read them (tests/conformance/database.js; postgresql-client-15,
  # a dependency of postgresql).
  postgresql
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev libexpected-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev ffmpeg
  nginx libnginx-mod-rtmp
  # The example load balancer (docs/deploy/haproxy.cfg) and its cluster test
  # (tests/integration/cluster_lb.test.js runs it unprivileged in the foreground).
  haproxy
  awscli
  libgtest-dev libgmock-dev libbenchmark-dev
  # The sanitizer build (make sanitize): clang and its sanitizer runtimes (only recommended by
  # clang, and recommends are not installed here).
  clang libclang-rt-14-dev
  # The format check (tests/check_format.sh): pinned to Debian 12's version, whose output it is.
  clang-format-14
  nodejs npm curl ca-certificates openssl
)
if ((FUZZ)); then APT_PACKAGES+=(clang libclang-rt-14-dev llvm-14); fi
# The players of the playback tests, tests only: Chromium for hls.js
# (tests/integration/hls_playback.test.js: headless, through playwright-core, which never
# downloads a browser of its own) and VLC (tests/integration/vlc_playback.test.js: its command
# line and base plugins, HLS and MPEG-TS among them).
if ((NPM)); then APT_PACKAGES+=(chromium vlc-bin vlc-plugin-base); fi
# The RTSP server of the relay tests (tests/integration/rtsp_server.py, started by
# relay_rtsp.test.js): GStreamer's RTSP server through Debian's python3, serving an MP4 with
# qtdemux, rtph264pay and rtpmp4gpay (plugins-good).
if ((NPM)); then
  APT_PACKAGES+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base
    gstreamer1.0-plugins-good)
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # nodejs/npm may come from elsewhere than apt on some machines: accept working binaries.
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: apt installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: apt packages present"
fi

# npm ci in $1 unless its node_modules is already what its package-lock.json says.
npm_ci() {
  if [ ! -d "$1/node_modules" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
    echo "install-deps: npm ci ($1)"
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
  else
    echo "install-deps: npm packages present ($1)"
  fi
}

npm_ci console
if ((NPM)) && [ -f tests/conformance/package-lock.json ]; then
  if [ ! -d tests/conformance/node_modules ] || \
     [ tests/conformance/package-lock.json -nt tests/conformance/node_modules/.package-lock.json ]; then
    echo "install-deps: npm ci (tests/conformance)"
    (cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error)
  else
    echo "install-deps: npm packages present"
  fi
fi
