// TsChain: the end of the ingest chain for the fuzz targets: media packets with their track
// configurations, muxed into MPEG-TS slices by the recorder's TsSliceWriter into memory, a new
// slice whenever a configuration changes (as StreamRecorder cuts one). Refusals are counted, as
// the recorder counts and drops them; only a crash or a broken promise is a finding.
// Test-only code; header-only. Thread-safety: none.
#pragma once

extern "C" {
#include <libavutil/log.h>
}

#include <memory>
#include <optional>

#include "fuzz/fuzz_support.h"
#include "media/byte_sink.h"
#include "media/media_packet.h"
#include "media/ts/ts_slice_writer.h"

namespace liverec::fuzz {

// libav logs every refusal too.
inline void QuietLibav() { av_log_set_level(AV_LOG_QUIET); }

class TsChain {
 public:
  ~TsChain() { Finish(); }

  void Write(const media::MediaPacket& packet, const std::optional<media::CodecConfig>& video,
             const std::optional<media::CodecConfig>& audio) {
    if (!writer_ || video != video_ || audio != audio_) {
      Finish();
      video_ = video;
      audio_ = audio;
      auto writer = media::ts::TsSliceWriter::Create(video_, audio_, sink_);
      if (!writer) {
        ++refused_;
        return;
      }
      writer_ = std::move(*writer);
    }
    if (!writer_->Write(packet).ok()) ++refused_;
  }

  // Ends the open slice. A slice is whole MPEG-TS packets (ISO/IEC 13818-1: 188 bytes each).
  void Finish() {
    if (!writer_) return;
    Status finished = writer_->Finish();
    writer_.reset();
    if (finished.ok()) {
      FUZZ_CHECK(sink_.data().size() % 188 == 0);
    } else {
      ++refused_;
    }
    sink_ = media::MemorySink();
  }

  int64_t refused() const { return refused_; }

 private:
  std::optional<media::CodecConfig> video_;
  std::optional<media::CodecConfig> audio_;
  media::MemorySink sink_;
  std::unique_ptr<media::ts::TsSliceWriter> writer_;
  int64_t refused_ = 0;
};

}  // namespace liverec::fuzz
