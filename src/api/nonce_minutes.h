// NonceMinutes: nonce hashes grouped by the minute of their request's timestamp — the bookkeeping
// of MemoryNonceStore and of DatabaseNonceStore's local layer — and the digest both derive from
// (AccessKeyId, nonce). Thread-safety: NonceMinutes is not thread-safe (its owner locks).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace liverec::api {

// SHA-256 of "<access_key_id>\n<nonce>" (32 bytes).
std::string NonceDigest(std::string_view access_key_id, std::string_view nonce);
// Its first 64 bits: a collision would only make one caller's own request look replayed.
uint64_t NonceHash(std::string_view digest);

class NonceMinutes {
 public:
  bool Contains(uint64_t hash) const;
  void Insert(uint64_t hash, int64_t request_ms);
  // Forgets the minutes a replay could no longer pass the timestamp check in: those before the
  // minute of `now_ms - window_ms`.
  void Expire(int64_t now_ms, int64_t window_ms);
  // Drops the oldest minutes while more than `capacity` hashes are held in more than one minute;
  // returns the end of the last minute dropped (nullopt if none was).
  std::optional<int64_t> Trim(size_t capacity);
  size_t size() const { return size_; }

 private:
  std::map<int64_t, std::unordered_set<uint64_t>> minutes_;  // minute -> hashes
  size_t size_ = 0;
};

}  // namespace liverec::api
