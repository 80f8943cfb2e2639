#include "media/rtmp/handshake.h"

#include <algorithm>
#include <string>
#include <utility>

#include "base/crypto.h"
#include "media/rtmp/byte_io.h"

namespace liverec::media::rtmp {
namespace {

// S1 version bytes of the digest variant (clients check the first is >= 3); FMS 4.5.0.1 style.
constexpr uint8_t kServerVersion[4] = {4, 5, 0, 1};
// C1 version bytes of the digest variant, Flash Player 9.0.124.2 as ffmpeg sends.
constexpr uint8_t kClientVersion[4] = {9, 0, 124, 2};

// A 1536-byte packet: zero time, the given version, random bytes.
std::vector<uint8_t> RandomPacket(RandomSource& random, const uint8_t* version) {
  std::vector<uint8_t> packet(kHandshakeSize);
  random.Fill(std::span<uint8_t>(packet).subspan(8));
  std::fill(packet.begin(), packet.begin() + 8, 0);
  if (version != nullptr) std::copy(version, version + 4, packet.begin() + 4);
  return packet;
}

// Copies into `pending` what is missing of `target` bytes; returns the bytes taken.
size_t Gather(std::vector<uint8_t>& pending, size_t target, std::span<const uint8_t> bytes) {
  size_t take = std::min(target - pending.size(), bytes.size());
  pending.insert(pending.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(take));
  return take;
}

tl::unexpected<Status> VersionError(uint8_t version) {
  return Error(ErrorCode::kProtocolError, "",
               "RTMP handshake: version " + std::to_string(version) + " (only 3 is supported)");
}

}  // namespace

Result<size_t> ServerHandshake::Feed(std::span<const uint8_t> bytes) {
  if (!failed_.ok()) return Error(failed_);
  size_t used = 0;
  while (used < bytes.size() && state_ != State::kDone) {
    size_t target = state_ == State::kWaitC0C1 ? 1 + kHandshakeSize : kHandshakeSize;
    used += Gather(pending_, target, bytes.subspan(used));
    if (state_ == State::kWaitC0C1 && pending_[0] != kRtmpVersion) {
      failed_ = VersionError(pending_[0]).value();
      return Error(failed_);
    }
    if (pending_.size() < target) break;
    if (state_ == State::kWaitC0C1) {
      Answer(std::span<const uint8_t>(pending_).subspan(1));
      state_ = State::kWaitC2;
    } else {
      state_ = State::kDone;
    }
    pending_.clear();
  }
  return used;
}

void ServerHandshake::Answer(std::span<const uint8_t> c1) {
  output_.push_back(kRtmpVersion);  // S0
  auto c1_digest = FindDigest(c1, FlashPlayerKey(false));
  digest_variant_ = c1_digest.has_value();
  if (!digest_variant_) {  // plain: S1 random, S2 echoes C1 (§5.2.3, §5.2.4)
    std::vector<uint8_t> s1 = RandomPacket(random_, nullptr);
    AppendBytes(output_, s1);
    AppendBytes(output_, c1);
    return;
  }
  std::vector<uint8_t> s1 = RandomPacket(random_, kServerVersion);
  ImprintDigest(s1, c1_digest->schema, FlashMediaServerKey(false));
  std::vector<uint8_t> s2 = RandomPacket(random_, nullptr);
  std::string signature =
      ResponseSignature(s2, FlashMediaServerKey(true), c1.subspan(c1_digest->offset, kDigestSize));
  std::copy(signature.begin(), signature.end(), s2.end() - kDigestSize);
  AppendBytes(output_, s1);
  AppendBytes(output_, s2);
}

std::vector<uint8_t> ServerHandshake::TakeOutput() { return std::exchange(output_, {}); }

ClientHandshake::ClientHandshake(RandomSource& random, HandshakeVariant variant)
    : random_(random), variant_(variant) {}

std::vector<uint8_t> ClientHandshake::Start() {
  bool digest = variant_ == HandshakeVariant::kDigest;
  c1_ = RandomPacket(random_, digest ? kClientVersion : nullptr);
  if (digest) ImprintDigest(c1_, DigestSchema::kDigestFirst, FlashPlayerKey(false));
  std::vector<uint8_t> out{kRtmpVersion};
  AppendBytes(out, c1_);
  return out;
}

Result<size_t> ClientHandshake::Feed(std::span<const uint8_t> bytes) {
  if (!failed_.ok()) return Error(failed_);
  if (done_) return 0;
  size_t used = Gather(pending_, 1 + 2 * kHandshakeSize, bytes);
  if (!pending_.empty() && pending_[0] != kRtmpVersion) {
    failed_ = VersionError(pending_[0]).value();
    return Error(failed_);
  }
  if (pending_.size() == 1 + 2 * kHandshakeSize) {
    failed_ = Finish(pending_);
    if (!failed_.ok()) return Error(failed_);
    pending_.clear();
    done_ = true;
  }
  return used;
}

Status ClientHandshake::Finish(std::span<const uint8_t> s0s1s2) {
  auto s1 = s0s1s2.subspan(1, kHandshakeSize);
  auto s2 = s0s1s2.subspan(1 + kHandshakeSize, kHandshakeSize);
  if (variant_ == HandshakeVariant::kPlain || s1[4] == 0) {  // plain: C2 echoes S1
    AppendBytes(output_, s1);
    return Status::Ok();
  }
  auto s1_digest = FindDigest(s1, FlashMediaServerKey(false));
  if (!s1_digest) return Status(ErrorCode::kProtocolError, "", "RTMP handshake: bad S1 digest");
  auto c1_offset = DigestOffset(c1_, DigestSchema::kDigestFirst);
  std::string expected = ResponseSignature(
      s2, FlashMediaServerKey(true), std::span<const uint8_t>(c1_).subspan(c1_offset, kDigestSize));
  if (!ConstantTimeEquals(expected, AsStringView(s2.last(kDigestSize)))) {
    return Status(ErrorCode::kProtocolError, "", "RTMP handshake: bad S2 signature");
  }
  server_digest_verified_ = true;
  std::vector<uint8_t> c2 = RandomPacket(random_, nullptr);
  std::string signature =
      ResponseSignature(c2, FlashPlayerKey(true), s1.subspan(s1_digest->offset, kDigestSize));
  std::copy(signature.begin(), signature.end(), c2.end() - kDigestSize);
  AppendBytes(output_, c2);
  return Status::Ok();
}

std::vector<uint8_t> ClientHandshake::TakeOutput() { return std::exchange(output_, {}); }

}  // namespace liverec::media::rtmp
