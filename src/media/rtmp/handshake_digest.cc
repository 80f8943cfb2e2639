#include "media/rtmp/handshake_digest.h"

#include <algorithm>

#include "base/crypto.h"
#include "media/rtmp/byte_io.h"

namespace liverec::media::rtmp {
namespace {

constexpr size_t kBlockSize = 764;
constexpr size_t kOffsetModulo = 728;  // 764 - 4 (offset bytes) - 32 (digest)

constexpr char kGenuineConstant[] =
    "\xF0\xEE\xC2\x4A\x80\x68\xBE\xE8\x2E\x00\xD0\xD1\x02\x9E\x7E\x57"
    "\x6E\xEC\x5D\x2D\x29\x80\x6F\xAB\x93\xB8\xE6\x36\xCF\xEB\x31\xAE";

const std::string& PlayerKey() {
  static const std::string key =
      std::string("Genuine Adobe Flash Player 001") + std::string(kGenuineConstant, 32);
  return key;
}

const std::string& ServerKey() {
  static const std::string key =
      std::string("Genuine Adobe Flash Media Server 001") + std::string(kGenuineConstant, 32);
  return key;
}

std::string DigestWithout(std::span<const uint8_t> packet, size_t offset, std::string_view key) {
  std::string message(AsStringView(packet.first(offset)));
  message += AsStringView(packet.subspan(offset + kDigestSize));
  return HmacSha256(key, message);
}

}  // namespace

std::string_view FlashPlayerKey(bool full) {
  return std::string_view(PlayerKey()).substr(0, full ? 62 : 30);
}

std::string_view FlashMediaServerKey(bool full) {
  return std::string_view(ServerKey()).substr(0, full ? 68 : 36);
}

size_t DigestOffset(std::span<const uint8_t> packet, DigestSchema schema) {
  size_t block = schema == DigestSchema::kDigestFirst ? 8 : 8 + kBlockSize;
  size_t sum = 0;
  for (size_t i = 0; i < 4; ++i) sum += packet[block + i];
  return block + 4 + sum % kOffsetModulo;
}

std::optional<DigestLocation> FindDigest(std::span<const uint8_t> packet, std::string_view key) {
  if (packet.size() != kHandshakeSize) return std::nullopt;
  for (DigestSchema schema : {DigestSchema::kDigestFirst, DigestSchema::kKeyFirst}) {
    size_t offset = DigestOffset(packet, schema);
    std::string expected = DigestWithout(packet, offset, key);
    if (ConstantTimeEquals(expected, AsStringView(packet.subspan(offset, kDigestSize)))) {
      return DigestLocation{schema, offset};
    }
  }
  return std::nullopt;
}

void ImprintDigest(std::span<uint8_t> packet, DigestSchema schema, std::string_view key) {
  size_t offset = DigestOffset(packet, schema);
  std::string digest = DigestWithout(packet, offset, key);
  std::copy(digest.begin(), digest.end(), packet.begin() + static_cast<ptrdiff_t>(offset));
}

std::string ResponseSignature(std::span<const uint8_t> packet, std::string_view full_key,
                              std::span<const uint8_t> peer_digest) {
  std::string key = HmacSha256(full_key, AsStringView(peer_digest));
  return HmacSha256(key, AsStringView(packet.first(kHandshakeSize - kDigestSize)));
}

}  // namespace liverec::media::rtmp
