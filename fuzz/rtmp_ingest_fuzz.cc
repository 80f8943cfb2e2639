// The ingest chain as the server runs it for one RTMP connection: RtmpConnection (ingest/) over
// the RTMP session, publish admission (stream identity from tcUrl/app/stream name and their
// queries, name rules, auth_key for a domain that requires it, the live-stream registry), the
// FLV tag parser (media/flv/) and the TS slice writer (media/ts/) that records what is parsed.
// Input: 2 bytes choosing the split into reads, then the client's bytes (a capture of
// `ffmpeg -re ... -f flv rtmp://127.0.0.1/live/...` is the seed).
// Properties: no crash, leak or undefined behaviour; the registry is left empty at the close;
// every slice written is whole TS packets (TsChain).
#include <cstddef>
#include <cstdint>

#include "base/clock.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/ts_chain.h"
#include "ingest/rtmp_connection.h"

using namespace liverec;

namespace {

constexpr int64_t kNowMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

class Recording final : public ingest::StreamObserver {
 public:
  void OnMedia(const media::MediaPacket& packet, const std::optional<media::CodecConfig>& video,
               const std::optional<media::CodecConfig>& audio) override {
    FUZZ_CHECK(!ended_);
    chain_.Write(packet, video, audio);
  }
  void OnEnd() override {
    FUZZ_CHECK(!ended_);
    ended_ = true;
    chain_.Finish();
  }

 private:
  fuzz::TsChain chain_;
  bool ended_ = false;
};

class Listener final : public ingest::PublishListener {
 public:
  std::unique_ptr<ingest::StreamObserver> OnPublish(const ingest::PublishInfo&) override {
    return std::make_unique<Recording>();
  }
};

ingest::IngestPolicy Policy() {
  ingest::IngestPolicy policy;
  policy.aliases["push.example.com"] = "live.example.com";
  policy.auth["auth.example.com"] = config::IngestAuthConfig{"primarykey", "secondarykey", 1800};
  policy.domain_accounts["live.example.com"] = "account-a";
  policy.default_account_id = "default";
  return policy;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietLogs();
  fuzz::QuietLibav();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint32_t seed = data[0] | (data[1] << 8);
  static const ingest::IngestPolicy policy = Policy();
  ingest::StreamRegistry registry;
  Listener listener;
  FakeClock clock(kNowMs);
  {
    ingest::RtmpConnection connection("127.0.0.1:50000", policy, registry, listener, clock, {});
    std::vector<uint8_t> out;
    Status status;
    for (auto piece : fuzz::SplitPieces(std::span(data + 2, size - 2), seed, 1500)) {
      clock.AdvanceMs(40);
      status = connection.OnData(piece, out);
      if (!status.ok()) break;
    }
    connection.OnClose(status.ok() ? "end of input" : status.Message());
  }
  FUZZ_CHECK(registry.LiveKeys().empty());
  return 0;
}
