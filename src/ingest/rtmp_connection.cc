#include "ingest/rtmp_connection.h"

#include <spdlog/spdlog.h>

#include "base/names.h"
#include "ingest/ingest_auth.h"

namespace liverec::ingest {
namespace {

// The answer to `play` (docs/recording.md, "RTMP: publish only").
constexpr const char* kPlayRefused = "liverec records streams and does not serve RTMP playback";

// "ip:port" -> "ip" (IPv6 addresses come without brackets).
std::string PeerIp(const std::string& peer) {
  auto colon = peer.rfind(':');
  return colon == std::string::npos ? peer : peer.substr(0, colon);
}

}  // namespace

RtmpConnection::RtmpConnection(std::string peer, const IngestPolicy& policy,
                               StreamRegistry& registry, PublishListener& listener,
                               const Clock& clock, media::rtmp::RtmpSessionLimits limits,
                               metrics::Counter* received_bytes)
    : peer_(std::move(peer)),
      policy_(policy),
      registry_(registry),
      listener_(listener),
      clock_(clock),
      received_bytes_(received_bytes),
      session_(limits) {}

RtmpConnection::~RtmpConnection() { EndPublish("connection destroyed"); }

Status RtmpConnection::OnData(std::span<const uint8_t> in, std::vector<uint8_t>& out) {
  if (received_bytes_) received_bytes_->Add(in.size());
  if (revocation_ && revocation_->revoked()) {
    Status why = revocation_->why();
    EndPublish("ended from outside: " + why.ToString());
    return why;
  }
  auto events = session_.Feed(in);
  // Publish is answered while its event is handled; messages read behind it are then fed on.
  while (events) {
    HandleEvents(*events);
    if (!session_.HasMessagesToResume()) break;
    events = session_.Feed({});
  }
  auto bytes = session_.TakeOutput();
  out.insert(out.end(), bytes.begin(), bytes.end());
  if (!events) return events.error();
  if (play_refused_) {
    // The refusal is sent first; then the connection closes.
    return Status(ErrorCode::kMediaUnsupported, "", std::string("RTMP play: ") + kPlayRefused);
  }
  return Status::Ok();
}

void RtmpConnection::HandleEvents(const std::vector<media::rtmp::SessionEvent>& events) {
  for (const auto& event : events) {
    if (const auto* connect = std::get_if<media::rtmp::ConnectEvent>(&event)) {
      connect_ = *connect;
    } else if (const auto* publish = std::get_if<media::rtmp::PublishEvent>(&event)) {
      HandlePublish(*publish);
    } else if (const auto* play = std::get_if<media::rtmp::PlayEvent>(&event)) {
      HandlePlay(*play);
    } else if (const auto* media = std::get_if<media::rtmp::MediaEvent>(&event)) {
      HandleMedia(*media);
    } else if (const auto* unpublish = std::get_if<media::rtmp::UnpublishEvent>(&event)) {
      if (stream_id_ && *stream_id_ == unpublish->stream_id) EndPublish("unpublished");
    }
  }
}

void RtmpConnection::HandlePublish(const media::rtmp::PublishEvent& event) {
  if (stream_id_) {
    session_.RejectPublish(event.stream_id, "NetStream.Publish.BadName",
                           "this connection already publishes a stream");
    return;
  }
  StreamIdentity id = ResolveIdentity(connect_.tc_url, connect_.app, connect_.app_query,
                                      event.stream_name, event.query, policy_.aliases);
  std::string key = id.Key();
  // The same name rules as the API (docs/api/record-configs.md): names become object keys.
  if (!IsValidDomainName(id.domain) || !IsValidAppName(id.app) || !IsValidAppName(id.stream)) {
    spdlog::warn("rtmp: {}: publish refused: invalid domain, app or stream name in '{}' / '{}'",
                 peer_, connect_.tc_url, event.stream_name);
    session_.RejectPublish(event.stream_id, "NetStream.Publish.BadName", "invalid stream name");
    return;
  }
  if (auto auth = policy_.auth.find(id.domain); auth != policy_.auth.end()) {
    auto token = id.args.find("auth_key");
    Status verified = VerifyAuthKey(
        auth->second, id.uri(), token == id.args.end() ? "" : token->second, clock_.NowMs() / 1000);
    if (!verified.ok()) {
      spdlog::warn("rtmp: {}: publish of {} refused: {}", peer_, key, verified.detail());
      session_.RejectPublish(event.stream_id, "NetStream.Publish.Denied", verified.detail());
      return;
    }
  }
  if (policy_.forbidden) {
    auto refusal = policy_.forbidden(policy_.AccountOf(id.domain), id.domain, id.app, id.stream);
    if (!refusal) {
      spdlog::warn(
          "rtmp: {}: publish of {}: the block list cannot be read, publish let through: {}", peer_,
          key, refusal.error().ToString());
    } else if (*refusal) {
      spdlog::warn("rtmp: {}: publish of {} refused: {}", peer_, key, **refusal);
      session_.RejectPublish(event.stream_id, "NetStream.Publish.Denied", **refusal);
      return;
    }
  }
  LiveStream live{.account_id = policy_.AccountOf(id.domain),
                  .domain = id.domain,
                  .app = id.app,
                  .stream = id.stream,
                  .ingest_domain = id.ingest_domain,
                  .client_ip = PeerIp(peer_),
                  .server_ip = policy_.server_ip,
                  .publish_time_ms = clock_.NowMs()};
  std::string refusal;
  if (!registry_.TryAcquire(live, &refusal)) {
    spdlog::warn("rtmp: {}: publish of {} refused: {}", peer_, key, refusal);
    session_.RejectPublish(event.stream_id, "NetStream.Publish.BadName", refusal);
    return;
  }
  stream_id_ = event.stream_id;
  stream_key_ = key;
  revocation_ = registry_.RevocationOf(key);
  meter_ = StreamMeter(live.publish_time_ms);
  stats_ = {};
  session_.AcceptPublish(event.stream_id);
  spdlog::info("rtmp: {}: publishing {}", peer_, key);
  observer_ =
      listener_.OnPublish(PublishInfo{id, policy_.AccountOf(id.domain), peer_, revocation_});
}

void RtmpConnection::HandlePlay(const media::rtmp::PlayEvent& event) {
  StreamIdentity id = ResolveIdentity(connect_.tc_url, connect_.app, connect_.app_query,
                                      event.stream_name, event.query, policy_.aliases);
  spdlog::warn("rtmp: {}: play of {} refused: {}", peer_, id.Key(), kPlayRefused);
  session_.RejectPlay(event.stream_id, "NetStream.Play.Failed", kPlayRefused);
  play_refused_ = true;
}

void RtmpConnection::HandleMedia(const media::rtmp::MediaEvent& event) {
  if (!stream_id_ || event.stream_id != *stream_id_) return;
  if (event.kind == media::rtmp::DataKind::kMetadata) return;
  bool video = event.kind == media::rtmp::DataKind::kVideo;
  auto parsed = video ? parser_.ParseVideo(event.payload, event.timestamp_ms)
                      : parser_.ParseAudio(event.payload, event.timestamp_ms);
  MeasureMedia(event, video && parsed && parsed->packet);
  if (!parsed) {
    if (media_errors_++ < 5) {
      spdlog::warn("rtmp: {}: {}: media tag dropped: {}", peer_, stream_key_,
                   parsed.error().ToString());
    }
    return;
  }
  if (parsed->packet && observer_) {
    observer_->OnMedia(*parsed->packet, parser_.video_config(), parser_.audio_config());
  }
}

void RtmpConnection::MeasureMedia(const media::rtmp::MediaEvent& event, bool frame) {
  bool video = event.kind == media::rtmp::DataKind::kVideo;
  meter_.Count(video ? media::TrackKind::kVideo : media::TrackKind::kAudio, event.payload.size(),
               frame);
  if (!meter_.Roll(clock_.NowMs(), stats_)) return;
  if (const auto& v = parser_.video_config()) {
    stats_.video_codec = v->codec;
    stats_.width = v->width;
    stats_.height = v->height;
  }
  if (const auto& a = parser_.audio_config()) stats_.audio_codec = a->codec;
  registry_.UpdateStats(stream_key_, stats_);
}

void RtmpConnection::EndPublish(const std::string& why) {
  if (!stream_id_) return;
  if (observer_) observer_->OnEnd();
  observer_.reset();
  registry_.Release(stream_key_);
  revocation_.reset();
  spdlog::info("rtmp: {}: {} ended ({})", peer_, stream_key_, why);
  stream_id_.reset();
}

void RtmpConnection::OnClose(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  EndPublish(reason.empty() ? "disconnected" : reason);
}

}  // namespace liverec::ingest
