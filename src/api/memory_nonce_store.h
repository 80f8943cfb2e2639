// MemoryNonceStore: the NonceStore of a single node (SQLite installations), in this process's
// memory: no database write per request.
//
// Memory is bounded by `capacity` nonces: when the store is full, the oldest minute is dropped
// and the store raises its floor to the end of that minute; requests stamped before the floor are
// refused as stale (IllegalTimestamp) from then on, so a dropped nonce can never be replayed.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>

#include "api/nonce_minutes.h"
#include "api/nonce_store.h"

namespace liverec::api {

class MemoryNonceStore final : public NonceStore {
 public:
  MemoryNonceStore(size_t capacity, int64_t window_ms);

  Status CheckAndRemember(std::string_view access_key_id, std::string_view nonce,
                          int64_t request_ms, int64_t now_ms) override;

  size_t SizeForTest() const;
  int64_t FloorMsForTest() const;

 private:
  const size_t capacity_;
  const int64_t window_ms_;
  mutable std::mutex mutex_;
  NonceMinutes minutes_;
  int64_t floor_ms_ = INT64_MIN;
};

}  // namespace liverec::api
