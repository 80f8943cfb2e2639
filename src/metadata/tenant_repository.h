// TenantRepository: accounts, their access keys, domains (with ingest aliases) and buckets.
//
// Domains and buckets are declared in the server config and synchronised into the store at
// start (ReplaceDomains / ReplaceBuckets), so every node of a cluster sees the same answer.
// Thread-safety: any thread (the SqlDatabase serializes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "metadata/rows.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

struct AccountDomain {
  std::string name;
  std::string type;        // "liveVideo" (a streaming domain) or "liveEdge" (an ingest alias)
  int64_t created_ms = 0;  // declared, or first named by a config or a publish
};

class TenantRepository {
 public:
  TenantRepository(SqlDatabase& db, const Clock& clock, RandomSource& random)
      : db_(db), clock_(clock), random_(random) {}

  // The account named `name`, created if it does not exist.
  Result<AccountRow> EnsureAccount(const std::string& name);
  Result<std::optional<AccountRow>> FindAccountByName(const std::string& name);

  // Inserts the key, or updates its account, secret and enabled flag.
  Status UpsertAccessKey(const AccessKeyRow& key);
  Result<std::optional<AccessKeyRow>> FindAccessKey(const std::string& access_key_id);
  Result<std::vector<AccessKeyRow>> ListAccessKeys(const std::string& account_id);

  // Replaces every domain (and alias) of every account with `domains`, in one transaction.
  Status ReplaceDomains(const std::vector<DomainRow>& domains);
  // The account that declared `domain_name`, if any.
  Result<std::optional<std::string>> FindDomainOwner(const std::string& domain_name);
  // The account that declared `alias` as an ingest alias of one of its domains, if any.
  Result<std::optional<std::string>> FindAliasOwner(const std::string& alias);
  Result<int64_t> CountDomains(const std::string& account_id);
  // The domains `account_id` declared, by name.
  Result<std::vector<std::string>> ListDomainNames(const std::string& account_id);

  // Every domain `account_id` has (DescribeLiveUserDomains; docs/api/domains.md), by name:
  // its declared domains and those its record configs or publishes named ("liveVideo"), and
  // the ingest aliases of its declared domains ("liveEdge"), each with when it first appeared.
  Result<std::vector<AccountDomain>> ListAccountDomains(const std::string& account_id);

  // Replaces every bucket of every account with `buckets`, in one transaction.
  Status ReplaceBuckets(const std::vector<BucketRow>& buckets);
  // The bucket (of whichever account) named (endpoint, bucket_name).
  Result<std::optional<BucketRow>> FindBucket(const std::string& endpoint,
                                              const std::string& bucket_name);

 private:
  SqlDatabase& db_;
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace liverec::metadata
