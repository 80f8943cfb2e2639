// LoadDriver: liverec-loadpub's event loop. Opens N LoadStreams on one io_context (one thread),
// connection i at start + i × stagger, drives them all from one timer tick, stops them on
// SIGINT/SIGTERM or after the duration, waits a grace period for clean unpublishes, and
// reports per-stream and process totals (including its own CPU from /proc/self/stat) as JSON.
// Progress lines go to stderr; "all N streams publishing" is printed once they are.
// Thread-safety: Run is called once, from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "memory_flv.h"

namespace liverec::loadpub {

struct LoadOptions {
  std::string url;    // rtmp://host:port/app/stream{i}[?query]; {i} becomes the index
  std::string input;  // FLV file
  int streams = 1;
  int first_index = 0;
  int tick_ms = 20;
  int stagger_ms = 20;
  double duration_s = 0;  // 0: until SIGINT/SIGTERM
  int grace_ms = 5000;    // at exit, how long unpublishing may take
  uint32_t chunk_size = 4096;
  bool plain_handshake = false;
  bool per_stream = true;  // per-stream rows in the summary
};

// The RTMP URL of stream `index`: `{i}` replaced, or the index appended to the stream name
// (before any query) when the template has no `{i}`.
std::string StreamUrl(const std::string& url_template, int index);

// Runs the whole load; the summary is returned even when streams failed. Errors only for bad
// options or an unusable input.
Result<nlohmann::json> RunLoad(const LoadOptions& options);

}  // namespace liverec::loadpub
