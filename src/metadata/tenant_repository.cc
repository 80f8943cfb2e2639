#include "metadata/tenant_repository.h"

#include <algorithm>
#include <map>

#include "base/ids.h"

namespace liverec::metadata {
namespace {

AccessKeyRow ToAccessKey(const SqlRow& row) {
  return AccessKeyRow{AsText(row[0]), AsText(row[1]), AsText(row[2]), AsInt(row[3]) != 0,
                      AsInt(row[4])};
}

constexpr std::string_view kAccessKeyColumns =
    "access_key_id, account_id, secret, enabled, created_at_ms";

}  // namespace

Result<std::optional<AccountRow>> TenantRepository::FindAccountByName(const std::string& name) {
  auto rows = db_.Query("SELECT id, name, created_at_ms FROM accounts WHERE name = ?", {name});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<AccountRow>();
  const auto& row = rows->front();
  return std::optional<AccountRow>(AccountRow{AsText(row[0]), AsText(row[1]), AsInt(row[2])});
}

Result<AccountRow> TenantRepository::EnsureAccount(const std::string& name) {
  auto found = FindAccountByName(name);
  if (!found) return Error(found.error());
  if (*found) return **found;
  AccountRow account{NewId(clock_, random_), name, clock_.NowMs()};
  auto inserted = db_.Execute("INSERT INTO accounts (id, name, created_at_ms) VALUES (?, ?, ?)",
                              {account.id, account.name, account.created_at_ms});
  if (!inserted) return Error(inserted.error());
  return account;
}

Status TenantRepository::UpsertAccessKey(const AccessKeyRow& key) {
  auto done = db_.Execute(
      "INSERT INTO access_keys (access_key_id, account_id, secret, enabled, created_at_ms) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (access_key_id) DO UPDATE SET "
      "account_id = excluded.account_id, secret = excluded.secret, enabled = excluded.enabled",
      {key.access_key_id, key.account_id, key.secret, int64_t{key.enabled ? 1 : 0},
       key.created_at_ms ? key.created_at_ms : clock_.NowMs()});
  return done ? Status::Ok() : done.error();
}

Result<std::optional<AccessKeyRow>> TenantRepository::FindAccessKey(
    const std::string& access_key_id) {
  auto rows = db_.Query(std::string("SELECT ") + std::string(kAccessKeyColumns) +
                            " FROM access_keys WHERE access_key_id = ?",
                        {access_key_id});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<AccessKeyRow>();
  return std::optional<AccessKeyRow>(ToAccessKey(rows->front()));
}

Result<std::vector<AccessKeyRow>> TenantRepository::ListAccessKeys(const std::string& account_id) {
  auto rows = db_.Query(std::string("SELECT ") + std::string(kAccessKeyColumns) +
                            " FROM access_keys WHERE account_id = ? ORDER BY created_at_ms",
                        {account_id});
  if (!rows) return Error(rows.error());
  std::vector<AccessKeyRow> keys;
  for (const auto& row : *rows) keys.push_back(ToAccessKey(row));
  return keys;
}

Status TenantRepository::ReplaceDomains(const std::vector<DomainRow>& domains) {
  int64_t now = clock_.NowMs();
  return db_.InTransaction([&](SqlSession& session) -> Status {
    if (auto r = session.Execute("DELETE FROM domain_aliases"); !r) return r.error();
    if (auto r = session.Execute("DELETE FROM domains"); !r) return r.error();
    for (const auto& domain : domains) {
      auto r = session.Execute(
          "INSERT INTO domains (account_id, domain_name, created_at_ms) VALUES (?, ?, ?)",
          {domain.account_id, domain.domain_name, now});
      if (!r) return r.error().WithContext("domain " + domain.domain_name);
      for (const auto& alias : domain.aliases) {
        auto a = session.Execute(
            "INSERT INTO domain_aliases (account_id, alias, domain_name) VALUES (?, ?, ?)",
            {domain.account_id, alias, domain.domain_name});
        if (!a) return a.error().WithContext("domain alias " + alias);
      }
    }
    return Status::Ok();
  });
}

Result<std::optional<std::string>> TenantRepository::FindDomainOwner(
    const std::string& domain_name) {
  auto rows = db_.Query("SELECT account_id FROM domains WHERE domain_name = ?", {domain_name});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(AsText(rows->front()[0]));
}

Result<std::optional<std::string>> TenantRepository::FindAliasOwner(const std::string& alias) {
  auto rows = db_.Query("SELECT account_id FROM domain_aliases WHERE alias = ?", {alias});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(AsText(rows->front()[0]));
}

Result<int64_t> TenantRepository::CountDomains(const std::string& account_id) {
  auto rows = db_.Query("SELECT COUNT(*) FROM domains WHERE account_id = ?", {account_id});
  if (!rows) return Error(rows.error());
  return AsInt(rows->front()[0]);
}

Result<std::vector<std::string>> TenantRepository::ListDomainNames(const std::string& account_id) {
  auto rows = db_.Query("SELECT domain_name FROM domains WHERE account_id = ? ORDER BY domain_name",
                        {account_id});
  if (!rows) return Error(rows.error());
  std::vector<std::string> names;
  for (const auto& r : *rows) names.push_back(AsText(r[0]));
  return names;
}

Result<std::vector<AccountDomain>> TenantRepository::ListAccountDomains(
    const std::string& account_id) {
  std::map<std::string, AccountDomain> found;
  auto add = [&](const std::string& name, const std::string& type, int64_t created_ms) {
    auto [it, inserted] = found.try_emplace(name, AccountDomain{name, type, created_ms});
    if (!inserted && it->second.type == type) {
      it->second.created_ms = std::min(it->second.created_ms, created_ms);
    }
  };
  const std::pair<const char*, const char*> kQueries[] = {
      {"SELECT domain_name, created_at_ms FROM domains WHERE account_id = ?", "liveVideo"},
      {"SELECT a.alias, d.created_at_ms FROM domain_aliases a JOIN domains d ON "
       "d.account_id = a.account_id AND d.domain_name = a.domain_name WHERE a.account_id = ?",
       "liveEdge"},
      {"SELECT domain_name, MIN(created_at_ms) FROM record_configs WHERE account_id = ? GROUP BY "
       "domain_name",
       "liveVideo"},
      {"SELECT domain_name, MIN(first_seen_ms) FROM streams WHERE account_id = ? GROUP BY "
       "domain_name",
       "liveVideo"},
      {"SELECT domain_name, MIN(publish_ms) FROM publish_sessions WHERE account_id = ? GROUP BY "
       "domain_name",
       "liveVideo"},
  };
  for (const auto& [sql, type] : kQueries) {
    auto rows = db_.Query(sql, {account_id});
    if (!rows) return Error(rows.error());
    for (const auto& r : *rows) add(AsText(r[0]), type, AsInt(r[1]));
  }
  std::vector<AccountDomain> domains;
  for (auto& [name, domain] : found) domains.push_back(std::move(domain));
  return domains;
}

Status TenantRepository::ReplaceBuckets(const std::vector<BucketRow>& buckets) {
  int64_t now = clock_.NowMs();
  return db_.InTransaction([&](SqlSession& session) -> Status {
    if (auto r = session.Execute("DELETE FROM buckets"); !r) return r.error();
    for (const auto& bucket : buckets) {
      auto r = session.Execute(
          "INSERT INTO buckets (account_id, endpoint, bucket_name, backend, location, "
          "created_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
          {bucket.account_id, bucket.endpoint, bucket.bucket_name, bucket.backend, bucket.location,
           now});
      if (!r) return r.error().WithContext("bucket " + bucket.endpoint + "/" + bucket.bucket_name);
    }
    return Status::Ok();
  });
}

Result<std::optional<BucketRow>> TenantRepository::FindBucket(const std::string& endpoint,
                                                              const std::string& bucket_name) {
  auto rows = db_.Query(
      "SELECT account_id, endpoint, bucket_name, backend, location FROM buckets "
      "WHERE endpoint = ? AND bucket_name = ?",
      {endpoint, bucket_name});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<BucketRow>();
  const auto& row = rows->front();
  return std::optional<BucketRow>(
      BucketRow{AsText(row[0]), AsText(row[1]), AsText(row[2]), AsText(row[3]), AsText(row[4])});
}

}  // namespace liverec::metadata
