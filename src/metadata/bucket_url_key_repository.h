// BucketUrlKeyRepository: the key that signs each bucket's URL tokens (storage/url_token.h;
// docs/configuration.md "Bucket access") when the config gives none. One random key per
// (account, endpoint, bucket), made by whichever node asks first and kept, so that a URL signed
// by one node of a cluster is good on every node and across restarts. A bucket moved to another
// account gets a new key (its old URLs stop working). Thread-safety: any thread (the SqlDatabase
// serializes).
#pragma once

#include <cstdint>
#include <string>

#include "metadata/sql_database.h"

namespace liverec::metadata {

class BucketUrlKeyRepository {
 public:
  explicit BucketUrlKeyRepository(SqlDatabase& db) : db_(db) {}

  // The bucket's stored key; when it has none, stores `candidate` and returns it. Two callers
  // racing get the same key (the first insert wins; the other reads it).
  Result<std::string> GetOrCreate(const std::string& account_id, const std::string& endpoint,
                                  const std::string& bucket, const std::string& candidate,
                                  int64_t now_ms);

  // Forgets the bucket's key, so the next GetOrCreate makes a new one: every URL signed with the
  // old key stops working. Whether a key was there.
  Result<bool> Delete(const std::string& account_id, const std::string& endpoint,
                      const std::string& bucket);

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
