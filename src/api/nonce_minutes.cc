#include "api/nonce_minutes.h"

#include <cstring>

#include "base/crypto.h"

namespace liverec::api {
namespace {

constexpr int64_t kMinuteMs = 60'000;

int64_t MinuteOf(int64_t ms) { return ms >= 0 ? ms / kMinuteMs : (ms - kMinuteMs + 1) / kMinuteMs; }

}  // namespace

std::string NonceDigest(std::string_view access_key_id, std::string_view nonce) {
  std::string material(access_key_id);
  material += '\n';
  material += nonce;
  return Sha256(material);
}

uint64_t NonceHash(std::string_view digest) {
  uint64_t value = 0;
  std::memcpy(&value, digest.data(), std::min(sizeof(value), digest.size()));
  return value;
}

bool NonceMinutes::Contains(uint64_t hash) const {
  for (const auto& [minute, hashes] : minutes_) {
    if (hashes.contains(hash)) return true;
  }
  return false;
}

void NonceMinutes::Insert(uint64_t hash, int64_t request_ms) {
  if (minutes_[MinuteOf(request_ms)].insert(hash).second) ++size_;
}

void NonceMinutes::Expire(int64_t now_ms, int64_t window_ms) {
  int64_t oldest_useful = MinuteOf(now_ms - window_ms);
  while (!minutes_.empty() && minutes_.begin()->first < oldest_useful) {
    size_ -= minutes_.begin()->second.size();
    minutes_.erase(minutes_.begin());
  }
}

std::optional<int64_t> NonceMinutes::Trim(size_t capacity) {
  std::optional<int64_t> dropped_until;
  while (size_ > capacity && minutes_.size() > 1) {
    auto oldest = minutes_.begin();
    dropped_until = (oldest->first + 1) * kMinuteMs;
    size_ -= oldest->second.size();
    minutes_.erase(oldest);
  }
  return dropped_until;
}

}  // namespace liverec::api
