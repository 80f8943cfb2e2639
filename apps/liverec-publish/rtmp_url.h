// Splits an RTMP URL into what RTMP sends: rtmp://host[:port]/app/stream[?query] →
// host, port (default 1935), tcUrl "rtmp://host[:port]/app", app "app", stream "stream[?query]"
// (the query travels with the stream name, as ffmpeg and OBS send it). A path deeper than two
// segments keeps the rest in the stream name. Pure function.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace liverec::publish {

struct RtmpUrl {
  std::string host;
  uint16_t port = 1935;
  std::string tc_url;
  std::string app;
  std::string stream;
};

Result<RtmpUrl> ParseRtmpUrl(const std::string& url);

}  // namespace liverec::publish
