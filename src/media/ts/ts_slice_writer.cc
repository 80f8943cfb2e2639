#include "media/ts/ts_slice_writer.h"

#include <utility>
#include <vector>

#include "media/ts/libav_ts_writer.h"
#include "media/ts/ts_muxer.h"

namespace liverec::media::ts {
namespace {

// The buffer goes to the sink when it holds this much, and at least once per kMaxBufferedMediaMs
// of media, so a crash takes at most about that much of the newest media at any bitrate (400
// ms: with the ≤ 100 ms a publisher's bytes may wait unread for the next read tick,
// rtmp.read_interval_ms, a crash takes at most ~0.5 s; docs/recording.md).
constexpr size_t kFlushBytes = 32 * 1024;
constexpr int64_t kMaxBufferedMediaMs = 400;

class OwnTsSliceWriter final : public TsSliceWriter {
 public:
  OwnTsSliceWriter(std::unique_ptr<TsMuxer> muxer, ByteSink& sink)
      : muxer_(std::move(muxer)), sink_(sink) {
    buffer_.reserve(kFlushBytes + 16 * 1024);
    muxer_->WriteTables(buffer_);
  }

  Status Write(const MediaPacket& packet) override {
    if (finished_) return Status(ErrorCode::kMuxerFailure, {}, "TS slice written after Finish");
    LIVEREC_RETURN_IF_ERROR(muxer_->Write(packet, buffer_));
    if (!flushed_at_ms_) flushed_at_ms_ = packet.dts_ms;
    if (buffer_.size() >= kFlushBytes || packet.dts_ms - *flushed_at_ms_ >= kMaxBufferedMediaMs) {
      flushed_at_ms_ = packet.dts_ms;
      return Flush();
    }
    return Status::Ok();
  }

  Status Finish() override {
    if (finished_) return Status(ErrorCode::kMuxerFailure, {}, "TS slice finished twice");
    finished_ = true;
    return Flush();
  }

  TsMuxerKind kind() const override { return TsMuxerKind::kOwn; }

 private:
  Status Flush() {
    if (buffer_.empty()) return Status::Ok();
    Status status = sink_.Write(buffer_);
    buffer_.clear();
    return status;
  }

  std::unique_ptr<TsMuxer> muxer_;
  ByteSink& sink_;
  UninitBytes buffer_;  // grown by the packetizer before it writes: no zero fill
  std::optional<int64_t> flushed_at_ms_;
  bool finished_ = false;
};

class LibavTsSliceWriter final : public TsSliceWriter {
 public:
  explicit LibavTsSliceWriter(std::unique_ptr<LibavTsWriter> writer) : writer_(std::move(writer)) {}
  Status Write(const MediaPacket& packet) override { return writer_->Write(packet); }
  Status Finish() override { return writer_->Finish(); }
  TsMuxerKind kind() const override { return TsMuxerKind::kLibavformat; }

 private:
  std::unique_ptr<LibavTsWriter> writer_;
};

Result<std::unique_ptr<TsSliceWriter>> CreateLibav(const std::optional<CodecConfig>& video,
                                                   const std::optional<CodecConfig>& audio,
                                                   ByteSink& sink) {
  auto writer = LibavTsWriter::Create(video, audio, sink);
  if (!writer) return Error(writer.error());
  return std::unique_ptr<TsSliceWriter>(new LibavTsSliceWriter(std::move(*writer)));
}

bool AdtsCanCarry(const std::optional<CodecConfig>& audio) {
  if (!audio || audio->codec != CodecId::kAac) return true;
  auto adts = AdtsFraming::Create(audio->extradata);
  return adts || adts.error().code() != ErrorCode::kMediaUnsupported;
}

}  // namespace

Result<std::unique_ptr<TsSliceWriter>> TsSliceWriter::Create(
    const std::optional<CodecConfig>& video, const std::optional<CodecConfig>& audio,
    ByteSink& sink, TsMuxerKind kind) {
  // An AAC configuration ADTS cannot carry goes to libavformat's muxer, which writes some of
  // them (with a program_config_element) and refuses others, as before the own muxer.
  if (kind == TsMuxerKind::kLibavformat || !AdtsCanCarry(audio)) {
    return CreateLibav(video, audio, sink);
  }
  auto muxer = TsMuxer::Create(video, audio);
  if (!muxer) return Error(muxer.error());
  return std::unique_ptr<TsSliceWriter>(new OwnTsSliceWriter(std::move(*muxer), sink));
}

}  // namespace liverec::media::ts
