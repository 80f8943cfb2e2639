// The RTMP handshake (RTMP specification 1.0 §5.2), both sides, sans I/O.
//
// ServerHandshake reads C0 (version 3; anything else is an error) and C1, answers S0+S1+S2 at
// once, then reads C2. When C1 carries a valid Flash Player digest (handshake_digest.h) the
// answer is the digest variant: S1 with a Media Server digest in the same schema and S2 signed
// from the C1 digest. Otherwise it is the plain variant: S1 random, S2 echoes C1. C2 is read and
// not checked (clients differ).
//
// ClientHandshake sends C0+C1 (digest or plain), reads S0+S1+S2, verifies the server's digests
// when S1 claims a version (the digest variant), and answers C2.
// Both consume only their own bytes: Feed returns how many it used, the rest belong to the
// chunk stream. Errors are final. Thread-safety: none.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/random.h"
#include "base/status.h"
#include "media/rtmp/handshake_digest.h"

namespace liverec::media::rtmp {

class ServerHandshake {
 public:
  // `random` fills S1 and S2; it must outlive the handshake.
  explicit ServerHandshake(RandomSource& random) : random_(random) {}

  Result<size_t> Feed(std::span<const uint8_t> bytes);
  std::vector<uint8_t> TakeOutput();

  bool done() const { return state_ == State::kDone; }
  // Whether C1 carried a digest and the digest variant was answered.
  bool digest_variant() const { return digest_variant_; }

 private:
  enum class State { kWaitC0C1, kWaitC2, kDone };
  void Answer(std::span<const uint8_t> c1);

  RandomSource& random_;
  State state_ = State::kWaitC0C1;
  std::vector<uint8_t> pending_;
  std::vector<uint8_t> output_;
  bool digest_variant_ = false;
  Status failed_;
};

enum class HandshakeVariant { kPlain, kDigest };

class ClientHandshake {
 public:
  ClientHandshake(RandomSource& random, HandshakeVariant variant = HandshakeVariant::kDigest);

  // C0 + C1, to send first.
  std::vector<uint8_t> Start();
  // Reads S0 + S1 + S2; once complete, C2 is in TakeOutput and done() is true.
  Result<size_t> Feed(std::span<const uint8_t> bytes);
  std::vector<uint8_t> TakeOutput();

  bool done() const { return done_; }
  // True when the server answered the digest variant and both its digests were verified.
  bool server_digest_verified() const { return server_digest_verified_; }

 private:
  Status Finish(std::span<const uint8_t> s0s1s2);

  RandomSource& random_;
  HandshakeVariant variant_;
  std::vector<uint8_t> c1_;
  std::vector<uint8_t> pending_;
  std::vector<uint8_t> output_;
  bool done_ = false;
  bool server_digest_verified_ = false;
  Status failed_;
};

}  // namespace liverec::media::rtmp
