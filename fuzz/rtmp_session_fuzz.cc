// The RTMP server session (media/rtmp/rtmp_server_session.h) with the server's default limits:
// handshake, chunks, AMF0 commands, the publish/play decisions and the messages held behind a
// publish until it is answered.
// Input: 2 bytes choosing the split into reads and the answers to publishes, then the client's
// bytes (C0, C1, C2 and the chunk stream, as a capture of `ffmpeg -f flv rtmp://...` holds).
// Properties: no crash or leak; an error is final; no event before the handshake is done; a
// media event names a stream that was published and accepted.
#include <cstddef>
#include <cstdint>
#include <set>

#include "fuzz/fuzz_support.h"
#include "media/rtmp/rtmp_server_session.h"

using namespace liverec::media::rtmp;

namespace {

class Publisher {
 public:
  explicit Publisher(uint32_t seed) : decisions_(seed) {}

  // Answers what needs an answer; checks the others.
  void Handle(RtmpServerSession& session, const std::vector<SessionEvent>& events) {
    for (const auto& event : events) {
      FUZZ_CHECK(session.handshake_done());
      if (const auto* publish = std::get_if<PublishEvent>(&event)) {
        if (Decide()) {
          session.AcceptPublish(publish->stream_id);
          accepted_.insert(publish->stream_id);
        } else {
          session.RejectPublish(publish->stream_id, "NetStream.Publish.BadName", "taken");
        }
      } else if (const auto* play = std::get_if<PlayEvent>(&event)) {
        session.RejectPlay(play->stream_id, "NetStream.Play.Failed", "no playback");
      } else if (const auto* media = std::get_if<MediaEvent>(&event)) {
        FUZZ_CHECK(accepted_.contains(media->stream_id));
      } else if (const auto* end = std::get_if<UnpublishEvent>(&event)) {
        accepted_.erase(end->stream_id);
      }
    }
  }

 private:
  bool Decide() {
    bool accept = (decisions_ & 3) != 0;  // mostly accepted, as a server would
    decisions_ = (decisions_ >> 2) | (decisions_ << 30);
    return accept;
  }
  uint32_t decisions_;
  std::set<uint32_t> accepted_;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  liverec::fuzz::QuietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint32_t seed = data[0] | (data[1] << 8);
  std::span<const uint8_t> client(data + 2, size - 2);
  RtmpServerSession session;
  Publisher publisher(seed * 2654435761u);
  for (auto piece : liverec::fuzz::SplitPieces(client, seed, 1500)) {
    auto events = session.Feed(piece);
    if (!events) {
      FUZZ_CHECK(!session.Feed({}).has_value());  // errors are final
      return 0;
    }
    publisher.Handle(session, *events);
    for (int resumes = 0; session.HasMessagesToResume(); ++resumes) {
      FUZZ_CHECK(resumes < 1000);
      auto held = session.Feed({});
      if (!held) return 0;
      publisher.Handle(session, *held);
    }
    (void)session.TakeOutput();
  }
  return 0;
}
