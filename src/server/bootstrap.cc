#include "server/bootstrap.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "base/ids.h"

namespace liverec::server {
namespace {

Status WriteCredentials(const std::string& data_dir, const DefaultCredentials& credentials) {
  std::string path = CredentialsPath(data_dir);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Status(ErrorCode::kInternalError, "", "cannot write " + tmp);
    ::chmod(tmp.c_str(), 0600);
    out << nlohmann::json{{"AccessKeyId", credentials.access_key_id},
                          {"AccessKeySecret", credentials.access_key_secret}}
               .dump(2)
        << "\n";
    if (!out.flush()) return Status(ErrorCode::kInternalError, "", "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return Status(ErrorCode::kInternalError, "", "cannot rename " + tmp + ": " + ec.message());
  return Status::Ok();
}

Result<DefaultCredentials> EnsureDefaultKey(const config::Config& config,
                                            metadata::TenantRepository& tenants,
                                            const std::string& account_id, const Clock& clock,
                                            RandomSource& random) {
  DefaultCredentials credentials;
  if (config.default_access_key) {
    credentials.access_key_id = config.default_access_key->id;
    credentials.access_key_secret = config.default_access_key->secret;
  } else {
    auto stored = ReadCredentials(config.data_dir);
    auto keys = tenants.ListAccessKeys(account_id);
    if (!keys) return Error(keys.error());
    if (stored) {
      credentials = *stored;
    } else if (!keys->empty()) {
      credentials.access_key_id = keys->front().access_key_id;
      credentials.access_key_secret = keys->front().secret;
    } else {
      // The shape of Alibaba AccessKeys: "LTAI" + 20 characters, a 30-character secret.
      credentials.access_key_id = "LTAI" + RandomAlphanumeric(random, 20);
      credentials.access_key_secret = RandomAlphanumeric(random, 30);
      credentials.created = true;
    }
  }
  LIVEREC_RETURN_IF_ERROR(tenants.UpsertAccessKey(
      {credentials.access_key_id, account_id, credentials.access_key_secret, true, clock.NowMs()}));
  LIVEREC_RETURN_IF_ERROR(WriteCredentials(config.data_dir, credentials));
  return credentials;
}

}  // namespace

std::string CredentialsPath(const std::string& data_dir) { return data_dir + "/credentials.json"; }

Result<DefaultCredentials> ReadCredentials(const std::string& data_dir) {
  std::ifstream in(CredentialsPath(data_dir));
  if (!in) return Error(ErrorCode::kInternalError, "", "no " + CredentialsPath(data_dir));
  auto json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("AccessKeyId") ||
      !json.contains("AccessKeySecret") || !json["AccessKeyId"].is_string() ||
      !json["AccessKeySecret"].is_string()) {
    return Error(ErrorCode::kInternalError, "", CredentialsPath(data_dir) + " is malformed");
  }
  return DefaultCredentials{json["AccessKeyId"].get<std::string>(),
                            json["AccessKeySecret"].get<std::string>(), false};
}

Result<DefaultCredentials> Bootstrap(const config::Config& config,
                                     metadata::TenantRepository& tenants, const Clock& clock,
                                     RandomSource& random) {
  std::map<std::string, std::string> account_ids;
  auto default_account = tenants.EnsureAccount(std::string(config::kDefaultAccount));
  if (!default_account) return Error(default_account.error());
  account_ids[default_account->name] = default_account->id;
  for (const auto& account : config.accounts) {
    auto row = tenants.EnsureAccount(account.name);
    if (!row) return Error(row.error());
    account_ids[account.name] = row->id;
    for (const auto& key : account.access_keys) {
      LIVEREC_RETURN_IF_ERROR(
          tenants.UpsertAccessKey({key.id, row->id, key.secret, key.enabled, clock.NowMs()}));
    }
  }
  std::vector<metadata::DomainRow> domains;
  for (const auto& d : config.domains) {
    domains.push_back({account_ids.at(d.account), d.name, d.aliases});
  }
  LIVEREC_RETURN_IF_ERROR(tenants.ReplaceDomains(domains));
  std::vector<metadata::BucketRow> buckets;
  for (const auto& b : config.buckets) {
    if (b.backend == "s3") {  // nothing to create: the bucket is at the service
      buckets.push_back({account_ids.at(b.account), b.endpoint, b.name, b.backend, b.s3.url});
      continue;
    }
    std::error_code ec;
    std::filesystem::create_directories(b.path, ec);
    if (ec) {
      return Error(ErrorCode::kInvalidConfiguration, "",
                   "bucket " + b.name + ": cannot create " + b.path + ": " + ec.message());
    }
    buckets.push_back({account_ids.at(b.account), b.endpoint, b.name, b.backend, b.path});
  }
  LIVEREC_RETURN_IF_ERROR(tenants.ReplaceBuckets(buckets));
  return EnsureDefaultKey(config, tenants, default_account->id, clock, random);
}

}  // namespace liverec::server
