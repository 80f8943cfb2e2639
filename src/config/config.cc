#include "config/config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "base/names.h"
#include "config/bucket_keys.h"
#include "config/config_file.h"

namespace liverec::config {
namespace {

using Problems = std::vector<std::string>;

void ValidateCallbacks(const CallbacksConfig& c, Problems& problems) {
  if (c.initial_backoff_ms < 10 || c.initial_backoff_ms > 3'600'000) {
    problems.push_back("callbacks.initial_backoff_ms: must be 10-3600000");
  }
  if (c.max_backoff_ms < c.initial_backoff_ms || c.max_backoff_ms > 86'400'000) {
    problems.push_back("callbacks.max_backoff_ms: must be initial_backoff_ms-86400000");
  }
  if (c.min_attempts < 5 || c.min_attempts > 1000) {
    problems.push_back("callbacks.min_attempts: must be 5-1000");
  }
  if (c.horizon_s < 1 || c.horizon_s > 30 * 86'400)
    problems.push_back("callbacks.horizon_s: must be 1-2592000");
  if (c.timeout_ms < 100 || c.timeout_ms > 60'000)
    problems.push_back("callbacks.timeout_ms: must be 100-60000");
  if (c.on_demand_timeout_ms < 100 || c.on_demand_timeout_ms > 60'000) {
    problems.push_back("callbacks.on_demand_timeout_ms: must be 100-60000");
  }
  if (c.poll_interval_ms < 10 || c.poll_interval_ms > 60'000) {
    problems.push_back("callbacks.poll_interval_ms: must be 10-60000");
  }
  if (c.history_retention_days < 1 || c.history_retention_days > 3650) {
    problems.push_back("callbacks.history_retention_days: must be 1-3650");
  }
}

void ValidateRelay(const RelayConfig& r, Problems& problems) {
  if (r.max_tasks < 1 || r.max_tasks > 100'000)
    problems.push_back("relay.max_tasks: must be 1-100000");
  if (!r.media_root.empty() && !r.media_root.starts_with("/")) {
    problems.push_back("relay.media_root: must be an absolute path");
  }
  if (r.exited_retention_s < 1 || r.exited_retention_s > 30 * 86'400) {
    problems.push_back("relay.exited_retention_s: must be 1-2592000");
  }
  if (r.max_tasks_per_node < 0 || r.max_tasks_per_node > 1'000'000)
    problems.push_back("relay.max_tasks_per_node: must be 0-1000000");
  if (r.max_tasks_per_cluster < 0 || r.max_tasks_per_cluster > 10'000'000)
    problems.push_back("relay.max_tasks_per_cluster: must be 0-10000000");
  if (r.rtmp_client != "own" && r.rtmp_client != "libavformat")
    problems.push_back("relay.rtmp_client: must be \"own\" or \"libavformat\"");
}

void ValidateDatabase(const DatabaseConfig& d, Problems& problems) {
  if (!d.url.empty() && !d.url.starts_with("postgresql://") && !d.url.starts_with("postgres://")) {
    // The value may hold a password: say what is wrong without repeating it.
    problems.push_back("database.url: must be a postgresql:// URL");
  }
  if (d.pool_size < 1 || d.pool_size > 1000)
    problems.push_back("database.pool_size: must be 1-1000");
}

void ApplyOverrides(const std::map<std::string, std::string>& values, Config& config) {
  auto set = [&](const char* key, std::string& out) {
    if (auto it = values.find(key); it != values.end() && !it->second.empty()) out = it->second;
  };
  set("data_dir", config.data_dir);
  set("http_listen", config.http_listen);
  set("rtmp_listen", config.rtmp_listen);
  set("log_level", config.log_level);
  set("log_format", config.log_format);
  set("database_path", config.database.path);
  set("database_url", config.database.url);
  set("node_id", config.cluster.node_id);
}

void Validate(Config& config, Problems& problems) {
  if (config.data_dir.empty()) problems.push_back("data_dir: must not be empty");
  if (!IsValidListenAddress(config.http_listen)) {
    problems.push_back(fmt::format("http.listen: '{}' is not host:port", config.http_listen));
  }
  if (!IsValidListenAddress(config.rtmp_listen)) {
    problems.push_back(fmt::format("rtmp.listen: '{}' is not host:port", config.rtmp_listen));
  }
  if (config.threads < 0 || config.threads > 256) problems.push_back("threads: must be 0-256");
  if (config.shutdown_timeout_s < 1 || config.shutdown_timeout_s > 3600) {
    problems.push_back("shutdown.timeout_s: must be 1-3600");
  }
  static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.contains(config.log_level)) {
    problems.push_back("log_level: one of trace, debug, info, warn, error, off");
  }
  if (config.log_format != "text" && config.log_format != "json") {
    problems.push_back("log.format: \"text\" or \"json\"");
  }
  if (config.api.timestamp_window_s < 60 || config.api.timestamp_window_s > 86400) {
    problems.push_back("api.timestamp_window_s: must be 60-86400");
  }
  if (config.api.nonce_capacity < 1000) problems.push_back("api.nonce_capacity: at least 1000");

  std::set<std::string> accounts{std::string(kDefaultAccount)};
  std::set<std::string> key_ids;
  for (const auto& account : config.accounts) {
    if (!IsValidAppName(account.name)) {
      problems.push_back(
          fmt::format("accounts: name '{}' must be letters, digits, - _ .", account.name));
    }
    if (!accounts.insert(account.name).second) {
      problems.push_back(fmt::format("accounts: '{}' declared twice", account.name));
    }
    for (const auto& key : account.access_keys) {
      if (key.id.size() < 8 || key.secret.size() < 16) {
        problems.push_back(fmt::format(
            "accounts '{}': access key ids need 8+ characters and secrets 16+", account.name));
      }
      if (!key_ids.insert(key.id).second) {
        problems.push_back(fmt::format("access key '{}' declared twice", key.id));
      }
    }
  }
  if (config.default_access_key) {
    if (config.default_access_key->id.size() < 8 || config.default_access_key->secret.size() < 16) {
      problems.push_back(
          "LIVEREC_ACCESS_KEY_ID needs 8+ characters and LIVEREC_ACCESS_KEY_SECRET 16+, both set");
    } else if (key_ids.contains(config.default_access_key->id)) {
      problems.push_back("LIVEREC_ACCESS_KEY_ID is also declared for another account");
    }
  }

  // The default local bucket always exists unless declared explicitly.
  bool has_default = false;
  for (const auto& b : config.buckets) has_default |= b.endpoint == "local" && b.name == "records";
  if (!has_default) config.buckets.insert(config.buckets.begin(), BucketConfig{.name = "records"});

  std::set<std::pair<std::string, std::string>> bucket_keys;
  for (auto& bucket : config.buckets) {
    std::string where = fmt::format("buckets '{}'", bucket.name);
    if (!IsValidBucketName(bucket.name)) {
      problems.push_back(where + ": name must be 3-63 of a-z 0-9 -, not starting or ending with -");
    }
    if (bucket.backend == "local" && IsReservedBucketName(bucket.name)) {
      problems.push_back(where + ": name is reserved for the server's own HTTP paths");
    }
    if (!IsValidEndpoint(bucket.endpoint)) problems.push_back(where + ": endpoint is invalid");
    if (!accounts.contains(bucket.account)) {
      problems.push_back(fmt::format("{}: account '{}' is not declared", where, bucket.account));
    }
    if (!bucket_keys.insert({bucket.endpoint, bucket.name}).second) {
      problems.push_back(where + ": declared twice at endpoint " + bucket.endpoint);
    }
    ValidateBucketBackend(bucket, where, config.data_dir, problems);
    ValidateBucketAccess(bucket, where, problems);
  }

  std::set<std::string> domain_names;
  for (const auto& domain : config.domains) {
    if (!IsValidDomainName(domain.name)) {
      problems.push_back(fmt::format("domains: '{}' is not a host name", domain.name));
    }
    if (!accounts.contains(domain.account)) {
      problems.push_back(
          fmt::format("domains '{}': account '{}' is not declared", domain.name, domain.account));
    }
    if (!domain_names.insert(domain.name).second) {
      problems.push_back(fmt::format("domains: '{}' declared twice", domain.name));
    }
    for (const auto& alias : domain.aliases) {
      if (!IsValidDomainName(alias)) {
        problems.push_back(
            fmt::format("domains '{}': alias '{}' is not a host name", domain.name, alias));
      }
      if (!domain_names.insert(alias).second) {
        problems.push_back(fmt::format("domains: '{}' declared twice (as an alias)", alias));
      }
    }
  }
  for (const auto& name : config.api.operator_accounts) {
    if (!accounts.contains(name)) {
      problems.push_back(fmt::format("api.operator_accounts: account '{}' is not declared", name));
    }
  }
  for (const auto& domain : config.domains) {
    if (!domain.auth) continue;
    if (domain.auth->primary_key.size() < 6 || domain.auth->primary_key.size() > 128) {
      problems.push_back(
          fmt::format("domains '{}': auth.primary_key needs 6-128 characters", domain.name));
    }
    if (domain.auth->validity_s < 0 || domain.auth->validity_s > 31'536'000) {
      problems.push_back(
          fmt::format("domains '{}': auth.validity_s must be 0-31536000", domain.name));
    }
  }
  const auto& r = config.rtmp;
  if (r.handshake_timeout_s < 1 || r.handshake_timeout_s > 300) {
    problems.push_back("rtmp.handshake_timeout_s: must be 1-300");
  }
  if (r.idle_timeout_s < 1 || r.idle_timeout_s > 3600)
    problems.push_back("rtmp.idle_timeout_s: must be 1-3600");
  if (r.max_connections < 1 || r.max_connections > 1'000'000) {
    problems.push_back("rtmp.max_connections: must be 1-1000000");
  }
  if (r.max_chunk_size < 128 || r.max_chunk_size > 16'777'215) {
    problems.push_back("rtmp.max_chunk_size: must be 128-16777215");
  }
  if (r.max_message_size < 65536 || r.max_message_size > 67'108'864) {
    problems.push_back("rtmp.max_message_size: must be 65536-67108864");
  }
  if (r.read_interval_ms < 0 || r.read_interval_ms > 200) {
    problems.push_back("rtmp.read_interval_ms: must be 0-200");
  }
  if (!ParseTimeZoneOffsetMinutes(config.recording.time_zone)) {
    problems.push_back("recording.time_zone: \"UTC\" or an offset like \"+08:00\"");
  }
  if (config.testing.enabled) {
    const auto& t = config.testing;
    if (t.min_delay_time_s < 1 || t.min_cycle_duration_s < 1 || t.min_slice_duration_s < 1) {
      problems.push_back("testing: minimums must be at least 1 second");
    }
  }
  if (config.api.max_index_slices < 1) problems.push_back("api.max_index_slices: at least 1");
  ValidateCallbacks(config.callbacks, problems);
  ValidateRelay(config.relay, problems);
  const auto& snapshots = config.snapshots;
  if (snapshots.workers < 1 || snapshots.workers > 64) {
    problems.push_back("snapshots.workers: must be 1-64");
  }
  if (snapshots.queue < 1 || snapshots.queue > 10'000) {
    problems.push_back("snapshots.queue: must be 1-10000");
  }
  if (snapshots.history_days < 1 || snapshots.history_days > 3650) {
    problems.push_back("snapshots.history_days: must be 1-3650");
  }
  if (config.testing.enabled &&
      (config.testing.min_snapshot_interval_s < 1 || config.testing.min_snapshot_interval_s > 5)) {
    problems.push_back("testing.min_snapshot_interval_s: must be 1-5");
  }
  if (config.testing.enabled &&
      (config.testing.min_retry_interval_s < 1 || config.testing.min_retry_interval_s > 60)) {
    problems.push_back("testing.min_retry_interval_s: must be 1-60");
  }
  if (config.testing.enabled &&
      (config.testing.http_idle_timeout_s < 1 || config.testing.http_idle_timeout_s > 3600)) {
    problems.push_back("testing.http_idle_timeout_s: must be 1-3600");
  }
  if (config.testing.enabled &&
      (config.testing.usage_sample_ms < 100 || config.testing.usage_sample_ms > 60'000)) {
    problems.push_back("testing.usage_sample_ms: must be 100-60000");
  }
  for (const auto& address : config.testing.public_addresses) {
    unsigned char bytes[16];
    if (inet_pton(AF_INET, address.c_str(), bytes) != 1 &&
        inet_pton(AF_INET6, address.c_str(), bytes) != 1) {
      problems.push_back("testing.public_addresses: \"" + address +
                         "\" is not a numeric IPv4 or IPv6 address");
    }
  }
  if (config.http_max_connections < 1 || config.http_max_connections > 1'000'000) {
    problems.push_back("http.max_connections: must be 1-1000000");
  }
  if (config.recording.slice_retention_days < 1 || config.recording.index_retention_days < 1) {
    problems.push_back("recording.*_retention_days: at least 1");
  }
  if (config.recording.publish_history_days < 1 || config.recording.publish_history_days > 3650) {
    problems.push_back("recording.publish_history_days: must be 1-3650");
  }
  if (config.recording.spool_max_mb < 1) problems.push_back("recording.spool_max_mb: at least 1");
  if (config.recording.spool_warn_percent < 1 || config.recording.spool_warn_percent > 100) {
    problems.push_back("recording.spool_warn_percent: must be 1-100");
  }
  if (config.recording.upload_retry_max_s < 1 || config.recording.upload_retry_max_s > 3600) {
    problems.push_back("recording.upload_retry_max_s: must be 1-3600");
  }
  if (config.recording.upload_threads < 1 || config.recording.upload_threads > 256) {
    problems.push_back("recording.upload_threads: must be 1-256");
  }
  if (config.recording.ts_muxer != "own" && config.recording.ts_muxer != "libavformat") {
    problems.push_back("recording.ts_muxer: must be \"own\" or \"libavformat\"");
  }
  if (config.recording.mp4_writer != "own" && config.recording.mp4_writer != "libavformat") {
    problems.push_back("recording.mp4_writer: must be \"own\" or \"libavformat\"");
  }
  if (!config.api.error_docs_url.empty() && !config.api.error_docs_url.starts_with("http://") &&
      !config.api.error_docs_url.starts_with("https://")) {
    problems.push_back("api.error_docs_url: must start with http:// or https://");
  }
  if (!config.public_url.empty() && !config.public_url.starts_with("http://") &&
      !config.public_url.starts_with("https://")) {
    problems.push_back("http.public_url: must start with http:// or https://");
  }
  while (config.public_url.ends_with("/")) config.public_url.pop_back();
  if (config.recording.spool_dir.empty()) config.recording.spool_dir = config.data_dir + "/spool";
  if (config.database.path.empty()) config.database.path = config.data_dir + "/liverec.db";
  ValidateDatabase(config.database, problems);
  if (config.testing.enabled && config.testing.min_lease_seconds < 1) {
    problems.push_back("testing.min_lease_seconds: at least 1");
  }
  ValidateCluster(config.cluster,
                  config.testing.enabled ? std::max<int64_t>(1, config.testing.min_lease_seconds)
                                         : kMinLeaseSeconds,
                  problems);
}

}  // namespace

std::optional<int> ParseTimeZoneOffsetMinutes(std::string_view zone) {
  if (zone == "UTC" || zone == "Z") return 0;
  // [+-]HH:MM
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
  auto digit = [&](size_t i) { return zone[i] >= '0' && zone[i] <= '9' ? zone[i] - '0' : -1; };
  int h1 = digit(1), h2 = digit(2), m1 = digit(4), m2 = digit(5);
  if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0) return std::nullopt;
  int hours = h1 * 10 + h2, minutes = m1 * 10 + m2;
  if (hours > 14 || minutes > 59) return std::nullopt;
  int total = hours * 60 + minutes;
  return zone[0] == '-' ? -total : total;
}

bool IsReservedBucketName(std::string_view name) {
  static const std::set<std::string_view> kReserved{
      "api", "console", "debug", "docs", "healthz", "metrics", "readyz", "static", "version"};
  return kReserved.contains(name);
}

bool IsValidListenAddress(std::string_view address) {
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == address.size()) return false;
  auto port = address.substr(colon + 1);
  if (port.size() > 5) return false;
  int value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value <= 65535;
}

Result<Config> LoadConfig(const ConfigSources& sources) {
  Config config;
  Problems problems;
  std::optional<std::string> file = sources.file;
  if (!file) {
    if (auto it = sources.env.find("LIVEREC_CONFIG");
        it != sources.env.end() && !it->second.empty()) {
      file = it->second;
    }
  }
  if (sources.file_text) {
    ReadConfigText(*sources.file_text, file.value_or("config"), config, problems);
  } else if (file) {
    ReadConfigFile(*file, config, problems);
  }

  std::map<std::string, std::string> env_values;
  auto env = [&](const char* name) -> std::string {
    auto it = sources.env.find(name);
    return it == sources.env.end() ? std::string() : it->second;
  };
  env_values["data_dir"] = env("LIVEREC_DATA_DIR");
  env_values["http_listen"] = env("LIVEREC_HTTP_LISTEN");
  env_values["rtmp_listen"] = env("LIVEREC_RTMP_LISTEN");
  env_values["log_level"] = env("LIVEREC_LOG_LEVEL");
  env_values["log_format"] = env("LIVEREC_LOG_FORMAT");
  env_values["database_path"] = env("LIVEREC_DATABASE_PATH");
  env_values["database_url"] = env("LIVEREC_DATABASE_URL");
  env_values["node_id"] = env("LIVEREC_NODE_ID");
  ApplyOverrides(env_values, config);
  ApplyOverrides(sources.flags, config);

  std::string key_id = env("LIVEREC_ACCESS_KEY_ID"), key_secret = env("LIVEREC_ACCESS_KEY_SECRET");
  if (!key_id.empty() || !key_secret.empty()) {
    config.default_access_key = AccessKeyConfig{key_id, key_secret, true};
  }

  ResolveBucketSecrets(config.buckets, sources.env, problems);
  Validate(config, problems);
  if (!problems.empty()) {
    std::string detail;
    for (const auto& p : problems) detail += "\n  - " + p;
    return Error(ErrorCode::kInvalidConfiguration, "", detail);
  }
  return config;
}

}  // namespace liverec::config
