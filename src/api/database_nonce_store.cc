#include "api/database_nonce_store.h"

#include "base/crypto.h"

namespace liverec::api {

bool DatabaseNonceStore::SeenHere(uint64_t hash, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  local_.Expire(now_ms, window_ms_);
  return local_.Contains(hash);
}

Status DatabaseNonceStore::CheckAndRemember(std::string_view access_key_id, std::string_view nonce,
                                            int64_t request_ms, int64_t now_ms) {
  std::string digest = NonceDigest(access_key_id, nonce);
  uint64_t hash = NonceHash(digest);
  if (SeenHere(hash, now_ms)) return Status(ErrorCode::kSignatureNonceUsed);
  // 128 bits of the digest as the key: no raw nonce in the database.
  auto verdict = nonces_.Remember(HexEncode(digest.substr(0, 16)), request_ms, now_ms);
  if (!verdict) return verdict.error().WithContext("replay protection");
  switch (*verdict) {
    case metadata::NonceVerdict::kReplayed:
      return Status(ErrorCode::kSignatureNonceUsed);
    case metadata::NonceVerdict::kBeforeFloor:
      return BeforeNonceFloor();
    case metadata::NonceVerdict::kNew:
      break;
  }
  // Only what the database accepted: its row has this request's minute, so the local entry
  // expires with it.
  std::lock_guard lock(mutex_);
  local_.Insert(hash, request_ms);
  (void)local_.Trim(local_capacity_);
  return Status::Ok();
}

size_t DatabaseNonceStore::LocalSizeForTest() const {
  std::lock_guard lock(mutex_);
  return local_.size();
}

}  // namespace liverec::api
