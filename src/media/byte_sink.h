// ByteSink: where a muxer writes its bytes (a spool file, memory in tests). Sans-I/O code
// writes to a ByteSink and never opens files itself.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"

namespace liverec::media {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::span<const uint8_t> bytes) = 0;
};

class MemorySink final : public ByteSink {
 public:
  Status Write(std::span<const uint8_t> bytes) override {
    data_.insert(data_.end(), bytes.begin(), bytes.end());
    return Status::Ok();
  }
  const std::vector<uint8_t>& data() const { return data_; }

 private:
  std::vector<uint8_t> data_;
};

}  // namespace liverec::media
