// The two things liverec-publish does: publish a source to an RTMP URL, or write its tags to an
// FLV file. Both print a per-track report and return the process exit code.
#pragma once

#include <string>

#include "av_tag_source.h"

namespace liverec::publish {

struct PublishCommandOptions {
  std::string input;
  std::string url;         // rtmp://host[:port]/app/stream[?query]
  std::string output_flv;  // instead of publishing
  HevcMode hevc_mode = HevcMode::kEnhanced;
  bool realtime = false;
  int loops = 1;
  bool plain_handshake = false;
  uint32_t chunk_size = 4096;
  int server_timeout_ms = 10000;
};

int RunPublish(const PublishCommandOptions& options);
int RunWriteFlv(const PublishCommandOptions& options);

}  // namespace liverec::publish
