// NonceStore: remembers the signature nonces of accepted requests so a replay is refused.
//
// Nonces are kept per (AccessKeyId, nonce) for as long as a request carrying them could still
// pass the timestamp check (the window either side of now), grouped by the minute of the
// request's timestamp. Memory is bounded by `capacity` nonces: when the store is full, the oldest
// minute is dropped and the store raises its floor to the end of that minute; requests stamped
// before the floor are refused as stale from then on, so a dropped nonce can never be replayed.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>
#include <unordered_set>

#include "base/status.h"

namespace liverec::api {

class NonceStore {
 public:
  NonceStore(size_t capacity, int64_t window_ms);

  // OK and remembered if the nonce is new; SignatureNonceUsed if it was seen; IllegalTimestamp
  // if `request_ms` is before the floor. `now_ms` lets old minutes expire.
  Status CheckAndRemember(std::string_view access_key_id, std::string_view nonce,
                          int64_t request_ms, int64_t now_ms);

  size_t SizeForTest() const;
  int64_t FloorMsForTest() const;

 private:
  void ExpireLocked(int64_t now_ms);

  const size_t capacity_;
  const int64_t window_ms_;
  mutable std::mutex mutex_;
  std::map<int64_t, std::unordered_set<uint64_t>> minutes_;  // minute -> nonce hashes
  size_t size_ = 0;
  int64_t floor_ms_ = INT64_MIN;
};

}  // namespace liverec::api
