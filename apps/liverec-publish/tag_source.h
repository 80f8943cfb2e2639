// TagSource: where liverec-publish gets the FLV tags it sends, in send order: an FLV file as it
// is (FlvFileTagSource) or tags built from a file libavformat demuxes (AvTagSource); and
// LoopingSource, which replays a source N times with continuing timestamps.
// Thread-safety: none.
#pragma once

#include <memory>
#include <optional>

#include "base/status.h"
#include "media/flv/flv_file_reader.h"

namespace liverec::publish {

using media::flv::FlvTag;
using media::flv::FlvTagType;

class TagSource {
 public:
  virtual ~TagSource() = default;
  // The next tag; nullopt at the end of the input.
  virtual Result<std::optional<FlvTag>> Next() = 0;
  // Starts again from the beginning.
  virtual Status Rewind() = 0;
};

// Plays `inner` `loops` times. Each pass after the first is shifted to start where the previous
// ended (its last timestamp plus `gap_ms`) and skips script tags (metadata is sent once).
class LoopingSource final : public TagSource {
 public:
  LoopingSource(std::unique_ptr<TagSource> inner, int loops, int64_t gap_ms = 40)
      : inner_(std::move(inner)), loops_left_(loops), gap_ms_(gap_ms) {}

  Result<std::optional<FlvTag>> Next() override;
  Status Rewind() override;

 private:
  std::unique_ptr<TagSource> inner_;
  int loops_left_;
  int64_t gap_ms_;
  bool first_pass_ = true;
  int64_t offset_ms_ = 0;
  int64_t pass_start_ms_ = -1;  // first timestamp of the current pass
  int64_t max_ms_ = 0;          // largest shifted timestamp so far
};

}  // namespace liverec::publish
