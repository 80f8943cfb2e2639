// FlvFileReader: demultiplexes an FLV file (Adobe FLV spec v10.1 §E.2 header, §E.3 body,
// §E.4.1 FLVTAG) into tags, sans I/O: feed it bytes as they arrive, then take tags with Next().
// Used by tests and tools that replay FLV files through FlvTagParser.
// Thread-safety: none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"

namespace liverec::media::flv {

enum class FlvTagType : uint8_t { kAudio = 8, kVideo = 9, kScriptData = 18 };

struct FlvTag {
  FlvTagType type = FlvTagType::kScriptData;
  int64_t timestamp_ms = 0;  // Timestamp | TimestampExtended << 24, as written (no unwrapping)
  std::vector<uint8_t> body;
};

class FlvFileReader {
 public:
  // Appends bytes of the file, in order.
  void Feed(std::span<const uint8_t> bytes);

  // The next complete tag. kMediaNeedMoreData until enough bytes are fed (also at the end of
  // a complete file); kMediaMalformed for a bad file header or tag header (sticky: the reader
  // cannot resynchronise); kMediaUnsupported for encrypted (Filter) tags. Tags of other types
  // than audio, video and script data are skipped.
  Result<FlvTag> Next();

 private:
  Status ReadFileHeader();
  std::span<const uint8_t> Available() const;

  std::vector<uint8_t> buffer_;
  size_t position_ = 0;  // read offset into buffer_
  bool header_read_ = false;
  Status failure_;
};

}  // namespace liverec::media::flv
