#include "media/ts/avio_byte_sink.h"

#include <cerrno>
#include <span>

extern "C" {
#include <libavformat/avio.h>
#include <libavformat/version.h>
#include <libavutil/mem.h>
}

#include "media/ts/av_error.h"

namespace liverec::media::ts {
namespace {

// What a crash may take from the newest media of a slice being written (~0.5 s at 0.5 Mbit/s),
// and the size of each write to the sink.
constexpr int kBufferSize = 32 * 1024;

// The write callback's buffer became const in libavformat 61 (FFmpeg 7).
#if LIBAVFORMAT_VERSION_MAJOR >= 61
using WriteBuffer = const uint8_t*;
#else
using WriteBuffer = uint8_t*;
#endif

}  // namespace

Result<std::unique_ptr<AvioByteSink>> AvioByteSink::Create(ByteSink& sink) {
  std::unique_ptr<AvioByteSink> self(new AvioByteSink(sink));
  auto* buffer = static_cast<unsigned char*>(av_malloc(kBufferSize));
  if (buffer == nullptr) {
    return Error(AvError(AVERROR(ENOMEM), "av_malloc"));
  }
  // A lambda, inside the class's scope, adapts the callback type of this libavformat version.
  auto write = [](void* opaque, WriteBuffer data, int size) {
    return WritePacket(opaque, data, size);
  };
  self->context_ = avio_alloc_context(buffer, kBufferSize, /*write_flag=*/1, self.get(), nullptr,
                                      write, nullptr);
  if (self->context_ == nullptr) {
    av_free(buffer);
    return Error(AvError(AVERROR(ENOMEM), "avio_alloc_context"));
  }
  return self;
}

AvioByteSink::~AvioByteSink() {
  if (context_ != nullptr) {
    av_freep(&context_->buffer);
    avio_context_free(&context_);
  }
}

Status AvioByteSink::Flush() {
  avio_flush(context_);
  if (!sink_status_.ok()) {
    return sink_status_;
  }
  if (context_->error < 0) {
    return AvError(context_->error, "avio_flush");
  }
  return Status::Ok();
}

int AvioByteSink::WritePacket(void* opaque, const uint8_t* data, int size) {
  auto* self = static_cast<AvioByteSink*>(opaque);
  if (!self->sink_status_.ok()) {
    return AVERROR(EIO);
  }
  self->sink_status_ = self->sink_.Write(std::span<const uint8_t>(data, static_cast<size_t>(size)));
  return self->sink_status_.ok() ? size : AVERROR(EIO);
}

}  // namespace liverec::media::ts
