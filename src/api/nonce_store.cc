#include "api/nonce_store.h"

#include <cstring>

#include "base/crypto.h"

namespace liverec::api {
namespace {

constexpr int64_t kMinuteMs = 60'000;

int64_t MinuteOf(int64_t ms) { return ms >= 0 ? ms / kMinuteMs : (ms - kMinuteMs + 1) / kMinuteMs; }

// 64 bits of SHA-256: a collision would only make one caller's own request look replayed.
uint64_t NonceHash(std::string_view access_key_id, std::string_view nonce) {
  std::string material(access_key_id);
  material += '\n';
  material += nonce;
  std::string digest = Sha256(material);
  uint64_t value;
  std::memcpy(&value, digest.data(), sizeof(value));
  return value;
}

}  // namespace

NonceStore::NonceStore(size_t capacity, int64_t window_ms)
    : capacity_(capacity == 0 ? 1 : capacity), window_ms_(window_ms) {}

void NonceStore::ExpireLocked(int64_t now_ms) {
  // A request stamped before now - window fails the timestamp check anyway.
  int64_t oldest_useful = MinuteOf(now_ms - window_ms_);
  while (!minutes_.empty() && minutes_.begin()->first < oldest_useful) {
    size_ -= minutes_.begin()->second.size();
    minutes_.erase(minutes_.begin());
  }
}

Status NonceStore::CheckAndRemember(std::string_view access_key_id, std::string_view nonce,
                                    int64_t request_ms, int64_t now_ms) {
  uint64_t hash = NonceHash(access_key_id, nonce);
  std::lock_guard lock(mutex_);
  ExpireLocked(now_ms);
  if (request_ms < floor_ms_) {
    return Status(ErrorCode::kIllegalTimestamp, "",
                  "The server is under load; send requests with a current Timestamp.");
  }
  for (const auto& [minute, hashes] : minutes_) {
    if (hashes.contains(hash)) return Status(ErrorCode::kSignatureNonceUsed);
  }
  minutes_[MinuteOf(request_ms)].insert(hash);
  ++size_;
  while (size_ > capacity_ && minutes_.size() > 1) {
    auto oldest = minutes_.begin();
    floor_ms_ = (oldest->first + 1) * kMinuteMs;
    size_ -= oldest->second.size();
    minutes_.erase(oldest);
  }
  return Status::Ok();
}

size_t NonceStore::SizeForTest() const {
  std::lock_guard lock(mutex_);
  return size_;
}

int64_t NonceStore::FloorMsForTest() const {
  std::lock_guard lock(mutex_);
  return floor_ms_;
}

}  // namespace liverec::api
