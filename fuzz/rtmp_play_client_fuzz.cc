// The RTMP play client (media/rtmp/rtmp_play_client.h), as a relay uses it against its source,
// a server on another machine: after a valid handshake (made here: the handshake has its own
// target), the input is the server's chunk stream: replies to connect/createStream/play,
// onStatus, user control events, aggregates, media.
// Input: 2 bytes choosing the split into reads, then the server's bytes after S0+S1+S2.
// Properties: no crash or leak; an error is final; media is handed out only while playing (or
// after the stream ended) and is audio, video or data; once ended, the client stays ended.
#include <cstddef>
#include <cstdint>

#include "base/random.h"
#include "fuzz/fuzz_support.h"
#include "media/rtmp/handshake.h"
#include "media/rtmp/rtmp_play_client.h"

using namespace liverec::media::rtmp;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  liverec::fuzz::QuietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  liverec::SeededRandom random(7);
  RtmpPlayClient client(random, PlayClientOptions{"rtmp://127.0.0.1:1935/live", "live", "s1"});
  client.Start();
  ServerHandshake server(random);
  auto used = server.Feed(client.TakeOutput());  // C0 + C1
  FUZZ_CHECK(used.has_value());
  FUZZ_CHECK(client.Feed(server.TakeOutput()).ok());  // S0 + S1 + S2; the client sends C2
  const uint32_t seed = (uint32_t{data[0]} << 8) | data[1];
  bool failed = false;
  bool ended = false;
  for (auto piece : liverec::fuzz::SplitPieces({data + 2, size - 2}, seed)) {
    const bool was_playing = client.playing() || client.ended();
    const bool ok = client.Feed(piece).ok();
    FUZZ_CHECK(!(failed && ok));  // an error is final
    failed = failed || !ok;
    if (ended) FUZZ_CHECK(failed || client.ended());
    ended = ended || client.ended();
    for (const RtmpMessage& m : client.TakeMedia()) {
      FUZZ_CHECK(was_playing || client.playing() || client.ended() || failed);
      FUZZ_CHECK(m.type == MessageType::kAudio || m.type == MessageType::kVideo ||
                 m.type == MessageType::kDataAmf0 || m.type == MessageType::kDataAmf3);
    }
    client.TakeOutput();
  }
  return 0;
}
