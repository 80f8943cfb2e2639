#include "api/online_streams.h"

namespace liverec::api {
namespace {

std::string CodecText(media::CodecId codec) {
  return codec == media::CodecId::kUnknown ? "" : std::string(media::CodecName(codec));
}

media::CodecId CodecOf(std::string_view text) {
  for (auto codec :
       {media::CodecId::kH264, media::CodecId::kHevc, media::CodecId::kAac, media::CodecId::kMp3}) {
    if (media::CodecName(codec) == text) return codec;
  }
  return media::CodecId::kUnknown;
}

}  // namespace

metadata::OnlineStreamRow OnlineRowOf(const ingest::LiveStream& s) {
  metadata::OnlineStreamRow row;
  row.account_id = s.account_id;
  row.domain_name = s.domain;
  row.app_name = s.app;
  row.stream_name = s.stream;
  row.ingest_domain = s.ingest_domain;
  row.client_ip = s.client_ip;
  row.server_ip = s.server_ip;
  row.publish_time_ms = s.publish_time_ms;
  row.video_codec = CodecText(s.stats.video_codec);
  row.audio_codec = CodecText(s.stats.audio_codec);
  row.width = s.stats.width;
  row.height = s.stats.height;
  row.frame_rate = s.stats.frame_rate;
  row.video_kbps = s.stats.video_kbps;
  row.audio_kbps = s.stats.audio_kbps;
  return row;
}

ingest::LiveStream LiveStreamOf(const metadata::OnlineStreamRow& row) {
  ingest::LiveStream s;
  s.account_id = row.account_id;
  s.domain = row.domain_name;
  s.app = row.app_name;
  s.stream = row.stream_name;
  s.ingest_domain = row.ingest_domain;
  s.client_ip = row.client_ip;
  s.server_ip = row.server_ip;
  s.publish_time_ms = row.publish_time_ms;
  s.stats.video_codec = CodecOf(row.video_codec);
  s.stats.audio_codec = CodecOf(row.audio_codec);
  s.stats.width = static_cast<int>(row.width);
  s.stats.height = static_cast<int>(row.height);
  s.stats.frame_rate = static_cast<int>(row.frame_rate);
  s.stats.video_kbps = static_cast<int>(row.video_kbps);
  s.stats.audio_kbps = static_cast<int>(row.audio_kbps);
  return s;
}

std::string RecordStatusOf(const recorder::LiveControls* controls, const ingest::LiveStream& s) {
  if (!controls) return "";
  auto state = controls->StateOf(s.account_id, s.domain, s.app, s.stream);
  return std::string(recorder::TaskStateName(state.value_or(recorder::TaskState::kIdle)));
}

void HandleRemoteRecordCommands(cluster::CommandChannel& channel,
                                recorder::LiveControls& controls) {
  channel.Handle(std::string(kRecordCommandKind),
                 [&controls](const cluster::CommandTarget& t,
                             const std::string& payload) -> Result<std::string> {
                   auto command = recorder::ParseRecordCommand(payload);
                   if (!command) return Error(ErrorCode::kInvalidCommandMalformed);
                   LIVEREC_RETURN_IF_ERROR(
                       controls.Command(t.account_id, t.domain, t.app, t.stream, *command));
                   return std::string();
                 });
}

}  // namespace liverec::api
