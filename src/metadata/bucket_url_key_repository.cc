#include "metadata/bucket_url_key_repository.h"

namespace liverec::metadata {

Result<std::string> BucketUrlKeyRepository::GetOrCreate(const std::string& account_id,
                                                        const std::string& endpoint,
                                                        const std::string& bucket,
                                                        const std::string& candidate,
                                                        int64_t now_ms) {
  auto inserted = db_.Execute(
      "INSERT INTO bucket_url_keys (account_id, endpoint, bucket_name, url_key, created_at_ms) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, endpoint, bucket_name) DO NOTHING",
      {account_id, endpoint, bucket, candidate, now_ms});
  if (!inserted) return Error(inserted.error());
  auto rows = db_.Query(
      "SELECT url_key FROM bucket_url_keys WHERE account_id = ? AND endpoint = ? AND "
      "bucket_name = ?",
      {account_id, endpoint, bucket});
  if (!rows) return Error(rows.error());
  if (rows->empty()) {
    return Error(ErrorCode::kInternalError, "", "the URL key of bucket " + bucket + " vanished");
  }
  return AsText(rows->front()[0]);
}

Result<bool> BucketUrlKeyRepository::Delete(const std::string& account_id,
                                            const std::string& endpoint,
                                            const std::string& bucket) {
  auto r = db_.Execute(
      "DELETE FROM bucket_url_keys WHERE account_id = ? AND endpoint = ? AND bucket_name = ?",
      {account_id, endpoint, bucket});
  if (!r) return Error(r.error());
  return *r > 0;
}

}  // namespace liverec::metadata
