#include "config/bucket_keys.h"

#include <algorithm>

#include <fmt/format.h>

namespace liverec::config {
namespace {

using Problems = std::vector<std::string>;

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == ':' || c == '[' || c == ']';
}

// The host[:port] of "http(s)://host[:port][/]", or "" when the URL is not of that shape.
std::string AuthorityOf(std::string url) {
  for (std::string scheme : {"http://", "https://"}) {
    if (!url.starts_with(scheme)) continue;
    std::string rest = url.substr(scheme.size());
    if (rest.ends_with('/')) rest.pop_back();
    if (rest.empty()) return "";
    for (char c : rest) {
      if (!IsHostChar(c)) return "";
    }
    return rest;
  }
  return "";
}

bool IsIpv4Literal(const std::string& authority) {
  std::string host = authority.substr(0, authority.find(':'));
  return !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos;
}

// S3 bucket naming: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit.
bool IsValidS3BucketName(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  for (char c : name) {
    if (!alnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

void ValidateS3(BucketConfig& bucket, const std::string& where, Problems& problems) {
  S3BucketConfig& s3 = bucket.s3;
  std::string authority = AuthorityOf(s3.url);
  if (s3.url.empty()) {
    problems.push_back(where + ": url (the S3 endpoint, http(s)://host[:port]) is required");
  } else if (authority.empty()) {
    problems.push_back(where + ": url must be http(s)://host[:port] without a path");
  } else if (!s3.path_style && IsIpv4Literal(authority)) {
    problems.push_back(where + ": path_style = false needs a host name in url, not an address");
  }
  if (s3.region.empty() ||
      s3.region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    problems.push_back(where + ": region must be like \"us-east-1\"");
  }
  if (s3.access_key_id.empty() && s3.access_key_id_env.empty()) {
    problems.push_back(where + ": access_key_id (or access_key_id_env) is required");
  }
  if (s3.secret_access_key.empty() && s3.secret_access_key_env.empty()) {
    problems.push_back(where + ": secret_access_key (or secret_access_key_env) is required");
  }
  if (!bucket.path.empty()) problems.push_back(where + ": path is only for backend \"local\"");
  if (s3.remote_bucket.empty()) s3.remote_bucket = bucket.name;
  if (!IsValidS3BucketName(s3.remote_bucket)) {
    problems.push_back(where + ": remote_bucket must be 3-63 of a-z 0-9 . -");
  }
  while (s3.public_url.ends_with('/')) s3.public_url.pop_back();
  if (!s3.public_url.empty() && !s3.public_url.starts_with("http://") &&
      !s3.public_url.starts_with("https://")) {
    problems.push_back(where + ": public_url must start with http:// or https://");
  }
  if (s3.part_size_mb < 5 || s3.part_size_mb > 5120) {
    problems.push_back(where + ": part_size_mb must be 5-5120");
  }
  if (s3.timeout_ms < 1000 || s3.timeout_ms > 600'000) {
    problems.push_back(where + ": timeout_ms must be 1000-600000");
  }
}

}  // namespace

void ReadS3BucketKeys(const TomlView& b, const std::string& where, BucketConfig& bucket,
                      TomlReader& in) {
  S3BucketConfig& s3 = bucket.s3;
  in.Read(b["url"], s3.url, where + ".url");
  in.Read(b["region"], s3.region, where + ".region");
  in.Read(b["access_key_id"], s3.access_key_id, where + ".access_key_id");
  in.Read(b["access_key_id_env"], s3.access_key_id_env, where + ".access_key_id_env");
  in.Read(b["secret_access_key"], s3.secret_access_key, where + ".secret_access_key");
  in.Read(b["secret_access_key_env"], s3.secret_access_key_env, where + ".secret_access_key_env");
  in.Read(b["path_style"], s3.path_style, where + ".path_style");
  in.Read(b["remote_bucket"], s3.remote_bucket, where + ".remote_bucket");
  in.Read(b["public_url"], s3.public_url, where + ".public_url");
  in.Read(b["part_size_mb"], s3.part_size_mb, where + ".part_size_mb");
  in.Read(b["timeout_ms"], s3.timeout_ms, where + ".timeout_ms");
}

void ReadBucketAccessKeys(const TomlView& b, const std::string& where, BucketConfig& bucket,
                          TomlReader& in) {
  in.Read(b["access"], bucket.access, where + ".access");
  in.Read(b["url_expiry_s"], bucket.url_expiry_s, where + ".url_expiry_s");
  in.Read(b["url_key"], bucket.url_key, where + ".url_key");
  in.Read(b["url_key_env"], bucket.url_key_env, where + ".url_key_env");
}

void ValidateBucketAccess(const BucketConfig& bucket, const std::string& where,
                          Problems& problems) {
  if (bucket.access != "private" && bucket.access != "public-read") {
    problems.push_back(where + ": access must be \"private\" or \"public-read\"");
  }
  if (bucket.url_expiry_s < 1 || bucket.url_expiry_s > kMaxUrlExpiryS) {
    problems.push_back(fmt::format("{}: url_expiry_s must be 1-{}", where, kMaxUrlExpiryS));
  }
  const std::string& key = bucket.url_key;
  bool alnum = std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
  if (!key.empty() && (key.size() < 16 || key.size() > 128 || !alnum)) {
    problems.push_back(where + ": url_key must be 16-128 letters and digits");
  }
}

void ResolveBucketSecrets(std::vector<BucketConfig>& buckets,
                          const std::map<std::string, std::string>& env, Problems& problems) {
  for (auto& bucket : buckets) {
    auto resolve = [&](const std::string& variable, std::string& value, const char* key) {
      if (variable.empty()) return;
      std::string where = fmt::format("buckets '{}'", bucket.name);
      if (!value.empty()) {
        problems.push_back(fmt::format("{}: give {} or {}_env, not both", where, key, key));
        return;
      }
      auto it = env.find(variable);
      if (it == env.end() || it->second.empty()) {
        problems.push_back(
            fmt::format("{}: {}_env names {}, which is not set", where, key, variable));
        return;
      }
      value = it->second;
    };
    resolve(bucket.s3.access_key_id_env, bucket.s3.access_key_id, "access_key_id");
    resolve(bucket.s3.secret_access_key_env, bucket.s3.secret_access_key, "secret_access_key");
    resolve(bucket.url_key_env, bucket.url_key, "url_key");
  }
}

void ValidateBucketBackend(BucketConfig& bucket, const std::string& where,
                           const std::string& data_dir, Problems& problems) {
  if (bucket.backend == "s3") return ValidateS3(bucket, where, problems);
  if (bucket.backend != "local") {
    problems.push_back(where + ": backend must be \"local\" or \"s3\"");
    return;
  }
  const S3BucketConfig& s3 = bucket.s3;
  if (!s3.url.empty() || !s3.access_key_id.empty() || !s3.secret_access_key.empty() ||
      !s3.access_key_id_env.empty() || !s3.secret_access_key_env.empty() ||
      !s3.remote_bucket.empty() || !s3.public_url.empty()) {
    problems.push_back(where +
                       ": url, credentials, remote_bucket and public_url are only for "
                       "backend \"s3\"");
  }
  if (bucket.path.empty()) bucket.path = data_dir + "/buckets/" + bucket.name;
}

}  // namespace liverec::config
