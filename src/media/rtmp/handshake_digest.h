// The digest ("complex", Flash Player 9+) variant of the RTMP handshake. Not in the published
// RTMP specification 1.0 (§5.2 describes the plain one); the layout below is the one Flash
// Player, FMS, librtmp, ffmpeg and OBS agree on.
//
// C1/S1 (1536 bytes) = time (4) + version (4) + two 764-byte blocks. A digest block holds a
// 4-byte offset base, then random bytes with the 32-byte digest at (sum of those 4 bytes) % 728
// from after them. Schema 0 puts the key block first (digest block at byte 772), schema 1 the
// digest block first (at byte 8). The digest is HMAC-SHA256 over the packet without the digest,
// keyed with the first 30 bytes of the Flash Player key (C1) or 36 of the Media Server key (S1).
// S2/C2 end with HMAC-SHA256(HMAC-SHA256(full key, peer's digest), first 1504 bytes).
// Pure functions. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace liverec::media::rtmp {

inline constexpr size_t kHandshakeSize = 1536;
inline constexpr size_t kDigestSize = 32;
inline constexpr uint8_t kRtmpVersion = 3;

enum class DigestSchema { kKeyFirst = 0, kDigestFirst = 1 };

// "Genuine Adobe Flash Player 001" (30 bytes), or with the 32 constant bytes (62) when `full`.
std::string_view FlashPlayerKey(bool full);
// "Genuine Adobe Flash Media Server 001" (36 bytes), or with the 32 constant bytes (68).
std::string_view FlashMediaServerKey(bool full);

// Offset of the digest in a 1536-byte C1/S1 laid out with `schema`.
size_t DigestOffset(std::span<const uint8_t> packet, DigestSchema schema);

struct DigestLocation {
  DigestSchema schema = DigestSchema::kDigestFirst;
  size_t offset = 0;
};
// Finds a valid digest keyed with `key` in a 1536-byte C1/S1 (schema 1 tried first).
std::optional<DigestLocation> FindDigest(std::span<const uint8_t> packet, std::string_view key);

// Writes the digest of `packet` (1536 bytes) for `schema` keyed with `key`.
void ImprintDigest(std::span<uint8_t> packet, DigestSchema schema, std::string_view key);

// The 32-byte signature that ends S2/C2: HMAC(HMAC(full_key, peer_digest), packet[0:1504]).
std::string ResponseSignature(std::span<const uint8_t> packet, std::string_view full_key,
                              std::span<const uint8_t> peer_digest);

}  // namespace liverec::media::rtmp
