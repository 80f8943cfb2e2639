// RtmpConnection: one RTMP connection's ingest logic, over the sans-I/O RtmpServerSession.
// On publish: resolves the stream identity, checks auth_key (docs/recording.md) before any media
// is accepted, refuses a second publisher of a live stream (NetStream.Publish.BadName), asks the
// PublishListener for an observer; then parses FLV tags into packets for it, and measures the
// stream for the registry (StreamMeter; the registry's lock about once a second). Bad media is
// logged and dropped, never fatal to other streams. liverec serves no RTMP playback: `play` is
// answered with an error status (NetStream.Play.Failed, level "error", saying why), logged, and
// the connection is closed. Every byte read is added to `received_bytes` (one relaxed atomic add
// per read; liverec_rtmp_received_bytes_total). A publish revoked from outside
// (StreamRegistry::Revoke) is ended at the next read, as a leave, and the connection closes.
// Thread-safety: none; the connection's coroutine (strand) owns it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/metrics.h"
#include "ingest/ingest_policy.h"
#include "ingest/stream_meter.h"
#include "ingest/stream_observer.h"
#include "ingest/stream_registry.h"
#include "media/flv/flv_tag_parser.h"
#include "media/rtmp/rtmp_server_session.h"
#include "net/tcp_server.h"

namespace liverec::ingest {

class RtmpConnection final : public net::ConnectionHandler {
 public:
  RtmpConnection(std::string peer, const IngestPolicy& policy, StreamRegistry& registry,
                 PublishListener& listener, const Clock& clock,
                 media::rtmp::RtmpSessionLimits limits, metrics::Counter* received_bytes = nullptr);
  ~RtmpConnection() override;

  Status OnData(std::span<const uint8_t> in, std::vector<uint8_t>& out) override;
  bool Established() const override { return session_.handshake_done(); }
  // A publisher's media may wait for the next read tick (rtmp.read_interval_ms).
  bool ReadsMayWait() const override { return stream_id_.has_value(); }
  void OnClose(const std::string& reason) override;

 private:
  void HandleEvents(const std::vector<media::rtmp::SessionEvent>& events);
  void HandlePublish(const media::rtmp::PublishEvent& event);
  void HandlePlay(const media::rtmp::PlayEvent& event);
  void HandleMedia(const media::rtmp::MediaEvent& event);
  void EndPublish(const std::string& why);
  void MeasureMedia(const media::rtmp::MediaEvent& event, bool frame);

  std::string peer_;
  const IngestPolicy& policy_;
  StreamRegistry& registry_;
  PublishListener& listener_;
  const Clock& clock_;
  metrics::Counter* received_bytes_;
  media::rtmp::RtmpServerSession session_;
  media::rtmp::ConnectEvent connect_;
  // The one publishing stream of this connection (ffmpeg and OBS publish one per connection).
  std::optional<uint32_t> stream_id_;
  std::string stream_key_;
  std::shared_ptr<const Revocation> revocation_;  // of the publish
  std::unique_ptr<StreamObserver> observer_;
  media::flv::FlvTagParser parser_;
  StreamMeter meter_;
  StreamStats stats_;
  int64_t media_errors_ = 0;
  bool play_refused_ = false;  // set by HandlePlay: OnData closes the connection
  bool closed_ = false;
};

}  // namespace liverec::ingest
