#include "api/memory_nonce_store.h"

namespace liverec::api {

MemoryNonceStore::MemoryNonceStore(size_t capacity, int64_t window_ms)
    : capacity_(capacity == 0 ? 1 : capacity), window_ms_(window_ms) {}

Status MemoryNonceStore::CheckAndRemember(std::string_view access_key_id, std::string_view nonce,
                                          int64_t request_ms, int64_t now_ms) {
  uint64_t hash = NonceHash(NonceDigest(access_key_id, nonce));
  std::lock_guard lock(mutex_);
  // A request stamped before now - window fails the timestamp check anyway.
  minutes_.Expire(now_ms, window_ms_);
  if (request_ms < floor_ms_) return BeforeNonceFloor();
  if (minutes_.Contains(hash)) return Status(ErrorCode::kSignatureNonceUsed);
  minutes_.Insert(hash, request_ms);
  if (auto dropped_until = minutes_.Trim(capacity_)) floor_ms_ = *dropped_until;
  return Status::Ok();
}

size_t MemoryNonceStore::SizeForTest() const {
  std::lock_guard lock(mutex_);
  return minutes_.size();
}

int64_t MemoryNonceStore::FloorMsForTest() const {
  std::lock_guard lock(mutex_);
  return floor_ms_;
}

}  // namespace liverec::api
