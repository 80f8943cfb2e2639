#include <algorithm>

#include "tag_source.h"

namespace liverec::publish {

Result<std::optional<FlvTag>> LoopingSource::Next() {
  while (true) {
    auto tag = inner_->Next();
    if (!tag) return tag;
    if (!tag->has_value()) {
      if (--loops_left_ <= 0) return std::nullopt;
      LIVEREC_RETURN_IF_ERROR(inner_->Rewind());
      first_pass_ = false;
      offset_ms_ = max_ms_ + gap_ms_;
      pass_start_ms_ = -1;
      continue;
    }
    FlvTag& value = **tag;
    if (!first_pass_ && value.type == FlvTagType::kScriptData) continue;
    if (pass_start_ms_ < 0) pass_start_ms_ = value.timestamp_ms;
    if (!first_pass_) value.timestamp_ms = offset_ms_ + (value.timestamp_ms - pass_start_ms_);
    max_ms_ = std::max(max_ms_, value.timestamp_ms);
    return tag;
  }
}

Status LoopingSource::Rewind() {
  first_pass_ = true;
  offset_ms_ = 0;
  pass_start_ms_ = -1;
  max_ms_ = 0;
  return inner_->Rewind();
}

}  // namespace liverec::publish
