#include "publisher.h"

#include "media/rtmp/amf0.h"

namespace liverec::publish {
namespace {

// A script tag worth sending: it starts with the AMF0 string "onMetaData".
bool IsOnMetaData(std::span<const uint8_t> body) {
  media::rtmp::ByteReader reader(body);
  auto name = media::rtmp::DecodeAmf0Value(reader);
  return name && name->IsString() && name->string == "onMetaData";
}

}  // namespace

Publisher::Publisher(RandomSource& random, media::rtmp::PublishClientOptions client_options,
                     TagSource& source, PublisherOptions options)
    : client_(random, std::move(client_options)), source_(source), options_(options) {}

void Publisher::Start() { client_.Start(); }

Status Publisher::OnReceived(std::span<const uint8_t> bytes) { return client_.Feed(bytes); }

Result<std::optional<int64_t>> Publisher::Pump(int64_t now_ms) {
  if (finished_ || !client_.publishing()) return std::nullopt;
  while (client_.output_size() < options_.max_output_bytes) {
    if (!next_) {
      auto tag = source_.Next();
      if (!tag) return tl::unexpected(tag.error());
      if (!tag->has_value()) {
        client_.Unpublish();
        finished_ = true;
        return std::nullopt;
      }
      next_ = std::move(**tag);
    }
    if (options_.realtime) {
      if (clock_start_ms_ < 0) {
        clock_start_ms_ = now_ms;
        first_timestamp_ms_ = next_->timestamp_ms;
      }
      int64_t due = clock_start_ms_ + (next_->timestamp_ms - first_timestamp_ms_);
      if (due > now_ms) return due;
    }
    Send(*next_);
    next_.reset();
  }
  return now_ms;
}

void Publisher::Send(const FlvTag& tag) {
  switch (tag.type) {
    case FlvTagType::kScriptData:
      if (!IsOnMetaData(tag.body)) return;
      client_.SendMetadata(tag.body, tag.timestamp_ms);
      stats_.metadata.tags++;
      stats_.metadata.bytes += tag.body.size();
      return;
    case FlvTagType::kAudio:
      client_.SendAudio(tag.body, tag.timestamp_ms);
      stats_.audio.tags++;
      stats_.audio.bytes += tag.body.size();
      return;
    case FlvTagType::kVideo:
      client_.SendVideo(tag.body, tag.timestamp_ms);
      stats_.video.tags++;
      stats_.video.bytes += tag.body.size();
      return;
  }
}

}  // namespace liverec::publish
