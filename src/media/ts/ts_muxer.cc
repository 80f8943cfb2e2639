#include "media/ts/ts_muxer.h"

#include <algorithm>
#include <string>

namespace liverec::media::ts {
namespace {

constexpr int64_t kTicksPerMs = 90;
// ISO/IEC 13818-1 §2.7.2 allows 100 ms between PCRs; libavformat's muxer was run with 40.
constexpr int64_t kMaxPcrGap = 40 * kTicksPerMs;
constexpr uint8_t kVideoStreamId = 0xe0;
constexpr uint8_t kAudioStreamId = 0xc0;
constexpr int kMpeg2AudioBelowRate = 32000;  // MPEG-2 half rates (16–24 kHz)

bool IsVideo(CodecId codec) { return codec == CodecId::kH264 || codec == CodecId::kHevc; }

uint8_t StreamType(const CodecConfig& config) {
  switch (config.codec) {
    case CodecId::kH264:
      return kStreamTypeH264;
    case CodecId::kHevc:
      return kStreamTypeHevc;
    case CodecId::kAac:
      return kStreamTypeAdtsAac;
    default:  // MP3, as libavformat types it
      return config.sample_rate > 0 && config.sample_rate < kMpeg2AudioBelowRate
                 ? kStreamTypeMpeg2Audio
                 : kStreamTypeMpeg1Audio;
  }
}

}  // namespace

Result<std::unique_ptr<TsMuxer>> TsMuxer::Create(const std::optional<CodecConfig>& video,
                                                 const std::optional<CodecConfig>& audio) {
  if (!video && !audio) {
    return Error(ErrorCode::kMediaUnsupported, {}, "a TS slice needs a video or audio track");
  }
  if ((video && !IsVideo(video->codec)) ||
      (audio && audio->codec != CodecId::kAac && audio->codec != CodecId::kMp3)) {
    return Error(ErrorCode::kMediaUnsupported, {}, "TS slice track codec");
  }
  std::vector<ElementaryStream> streams;
  std::optional<Track> video_track;
  std::optional<Track> audio_track;
  if (video) {
    auto annexb = AnnexbFraming::Create(*video);
    if (!annexb) return Error(annexb.error());
    video_track = Track{video->codec, kVideoPid, kVideoStreamId, {}, std::move(*annexb), {}};
    streams.push_back({kVideoPid, StreamType(*video)});
  }
  if (audio) {
    audio_track = Track{audio->codec, kAudioPid, kAudioStreamId, {}, {}, {}};
    if (audio->codec == CodecId::kAac) {
      auto adts = AdtsFraming::Create(audio->extradata);
      if (!adts) return Error(adts.error());
      audio_track->adts = *adts;
    }
    streams.push_back({kAudioPid, StreamType(*audio)});
  }
  auto muxer = std::unique_ptr<TsMuxer>(
      new TsMuxer(TsPacketWriter(std::move(streams), video ? kVideoPid : kAudioPid)));
  muxer->video_ = std::move(video_track);
  muxer->audio_ = std::move(audio_track);
  return muxer;
}

void TsMuxer::WriteTables(UninitBytes& out) { writer_.WriteTables(out); }

// The payload of one PES packet into pieces_.
Status TsMuxer::Pieces(const Track& track, const MediaPacket& packet) {
  if (track.annexb) return track.annexb->Frame(packet.data, packet.keyframe, pieces_);
  pieces_.clear();
  if (track.adts) {
    if (packet.data.size() > AdtsFraming::kMaxFrameSize - AdtsFraming::kHeaderSize) {
      return Status(ErrorCode::kMediaMalformed, {}, "AAC frame too long for ADTS");
    }
    adts_header_ = track.adts->Header(packet.data.size());
    pieces_.emplace_back(adts_header_);
  }
  pieces_.emplace_back(packet.data);
  return Status::Ok();
}

// The PCR for a PES packet of `track` at `dts`: on the PCR PID every PES carries one; on the
// other PID a PCR-only packet goes out first when the last PCR is kMaxPcrGap old or older (so
// PCRs are at most 40 ms plus one audio frame apart when video is sparse).
// PCRs never go backwards.
std::optional<int64_t> TsMuxer::PcrFor(const Track& track, int64_t dts, UninitBytes& out) {
  const int64_t pcr = last_pcr_ ? std::max(*last_pcr_, dts) : dts;
  if (track.pid == writer_.pcr_pid()) {
    last_pcr_ = pcr;
    return pcr;
  }
  if (last_pcr_ && dts - *last_pcr_ >= kMaxPcrGap) {
    writer_.WritePcrOnly(pcr, out);
    last_pcr_ = pcr;
  }
  return std::nullopt;
}

Status TsMuxer::Write(const MediaPacket& packet, UninitBytes& out) {
  std::optional<Track>& track = packet.kind == TrackKind::kVideo ? video_ : audio_;
  if (!track || track->codec != packet.codec) {
    return Status(ErrorCode::kMediaUnsupported, {},
                  std::string("packet of a track the TS slice was not created with: ") +
                      std::string(CodecName(packet.codec)));
  }
  if (packet.data.empty()) {
    return Status(ErrorCode::kMediaMalformed, {}, "empty media packet");
  }
  LIVEREC_RETURN_IF_ERROR(Pieces(*track, packet));
  int64_t dts = packet.dts_ms * kTicksPerMs;
  if (track->last_dts && dts <= *track->last_dts) dts = *track->last_dts + 1;
  track->last_dts = dts;
  const int64_t pts = std::max(packet.pts_ms * kTicksPerMs, dts);
  const bool video = packet.kind == TrackKind::kVideo;
  if (video && packet.keyframe && wrote_media_) writer_.WriteTables(out);
  wrote_media_ = true;
  PesPacket pes;
  pes.pid = track->pid;
  pes.stream_id = track->stream_id;
  pes.pts = pts;
  pes.dts = dts;
  pes.bounded = !video;
  pes.random_access = !video || packet.keyframe;
  pes.pcr = PcrFor(*track, dts, out);
  pes.payload = pieces_;
  writer_.WritePes(pes, out);
  return Status::Ok();
}

}  // namespace liverec::media::ts
