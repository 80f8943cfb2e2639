// The RTMP chunk decoder (media/rtmp/chunk_decoder.h) with the server's default limits: the
// first layer every byte a publisher sends after the handshake goes through.
// Input: 2 bytes that choose how the rest is split into reads, then the chunk stream.
// Properties: no crash; the split does not matter (the decoder's contract: "any split"): the
// same messages come out whether the bytes arrive at once or piece by piece, and an error comes
// for both or for neither; after an error every Feed fails.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "media/rtmp/chunk_decoder.h"

using liverec::media::rtmp::ChunkDecoder;
using liverec::media::rtmp::RtmpMessage;

namespace {

bool Same(const RtmpMessage& a, const RtmpMessage& b) {
  return a.chunk_stream_id == b.chunk_stream_id && a.type == b.type && a.stream_id == b.stream_id &&
         a.timestamp == b.timestamp && a.payload == b.payload;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  liverec::fuzz::QuietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint32_t seed = data[0] | (data[1] << 8);
  std::span<const uint8_t> stream(data + 2, size - 2);

  ChunkDecoder whole;
  auto all = whole.Feed(stream);

  ChunkDecoder pieces;
  std::vector<RtmpMessage> messages;
  bool failed = false;
  for (auto piece : liverec::fuzz::SplitPieces(stream, seed, 300)) {
    auto some = pieces.Feed(piece);
    if (!some) {
      failed = true;
      FUZZ_CHECK(!pieces.Feed(piece).has_value());  // errors are final
      break;
    }
    for (auto& m : *some) messages.push_back(std::move(m));
  }
  FUZZ_CHECK(failed == !all.has_value());
  if (failed) return 0;
  FUZZ_CHECK(messages.size() == all->size());
  for (size_t i = 0; i < messages.size(); ++i) FUZZ_CHECK(Same(messages[i], (*all)[i]));
  FUZZ_CHECK(pieces.buffered_bytes() == whole.buffered_bytes());
  return 0;
}
