// The RTMP handshake (media/rtmp/handshake.h), both sides: the server reading C0/C1/C2 from a
// publisher (plain or digest variant, media/rtmp/handshake_digest.h) and the client reading
// S0/S1/S2 from a server (liverec-publish and the tests push with it).
// Input: 2 bytes choosing the split into reads, then the peer's bytes.
// Properties: no crash; Feed never claims more bytes than it was given; the split does not
// change the answer (the same S0+S1+S2 for the same random source) nor where the chunk stream
// begins; a server answers exactly 1 + 2 x 1536 bytes.
#include <cstddef>
#include <cstdint>

#include "base/random.h"
#include "fuzz/fuzz_support.h"
#include "media/rtmp/handshake.h"

using namespace liverec;
using namespace liverec::media::rtmp;

namespace {

struct Outcome {
  bool failed = false;
  bool done = false;
  size_t used = 0;  // bytes the handshake consumed (the rest belongs to the chunk stream)
  std::vector<uint8_t> output;
};

template <typename Handshake>
Outcome Run(Handshake& handshake, const std::vector<std::span<const uint8_t>>& pieces) {
  Outcome outcome;
  for (auto piece : pieces) {
    auto used = handshake.Feed(piece);
    if (!used) {
      outcome.failed = true;
      FUZZ_CHECK(!handshake.Feed(piece).has_value());  // errors are final
      break;
    }
    FUZZ_CHECK(*used <= piece.size());
    outcome.used += *used;
    auto out = handshake.TakeOutput();
    outcome.output.insert(outcome.output.end(), out.begin(), out.end());
    if (handshake.done()) {
      break;
    }
    FUZZ_CHECK(*used == piece.size());  // not done: it wants everything it was given
  }
  outcome.done = handshake.done();
  return outcome;
}

void Compare(const Outcome& a, const Outcome& b) {
  FUZZ_CHECK(a.failed == b.failed);
  if (a.failed) return;
  FUZZ_CHECK(a.done == b.done);
  FUZZ_CHECK(a.output == b.output);
  if (a.done) FUZZ_CHECK(a.used == b.used);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint32_t seed = data[0] | (data[1] << 8);
  std::span<const uint8_t> peer(data + 2, size - 2);
  std::vector<std::span<const uint8_t>> whole;
  if (!peer.empty()) whole.push_back(peer);
  auto pieces = fuzz::SplitPieces(peer, seed, 2000);

  SeededRandom random_a(1), random_b(1);
  ServerHandshake server_a(random_a), server_b(random_b);
  Outcome server_whole = Run(server_a, whole);
  Outcome server_pieces = Run(server_b, pieces);
  Compare(server_whole, server_pieces);
  if (server_whole.done || server_whole.output.size() > 0) {
    FUZZ_CHECK(server_whole.output.size() == 1 + 2 * 1536);
  }

  for (auto variant : {HandshakeVariant::kPlain, HandshakeVariant::kDigest}) {
    SeededRandom random_c(2), random_d(2);
    ClientHandshake client_c(random_c, variant), client_d(random_d, variant);
    FUZZ_CHECK(client_c.Start() == client_d.Start());
    Outcome client_whole = Run(client_c, whole);
    Outcome client_pieces = Run(client_d, pieces);
    Compare(client_whole, client_pieces);
    if (client_whole.done) FUZZ_CHECK(client_whole.output.size() == 1536);
  }
  return 0;
}
