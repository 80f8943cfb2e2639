// AvioByteSink: an AVIOContext (libavformat's output abstraction) whose writes go to a
// liverec ByteSink, so a libavformat muxer writes into whatever the recorder chose (a spool
// file, memory in tests). The first failed ByteSink::Write is kept: it is the Status to report
// when the muxer then fails with AVERROR(EIO). Thread-safety: none.
#pragma once

#include <memory>

#include "base/status.h"
#include "media/byte_sink.h"

struct AVIOContext;

namespace liverec::media::ts {

class AvioByteSink {
 public:
  // The sink must outlive this object. kMuxerFailure when libavformat cannot allocate.
  static Result<std::unique_ptr<AvioByteSink>> Create(ByteSink& sink);
  ~AvioByteSink();
  AvioByteSink(const AvioByteSink&) = delete;
  AvioByteSink& operator=(const AvioByteSink&) = delete;

  // Owned by this object; valid for its lifetime.
  AVIOContext* context() const { return context_; }
  // Writes buffered bytes through to the sink; the sink's failure, if any.
  Status Flush();
  // Ok, or the first failure of the sink.
  const Status& sink_status() const { return sink_status_; }

 private:
  explicit AvioByteSink(ByteSink& sink) : sink_(sink) {}
  static int WritePacket(void* opaque, const uint8_t* data, int size);

  ByteSink& sink_;
  AVIOContext* context_ = nullptr;
  Status sink_status_;
};

}  // namespace liverec::media::ts
