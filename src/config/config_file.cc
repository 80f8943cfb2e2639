#include "config/config_file.h"

#include <fmt/format.h>

#include "config/bucket_keys.h"
#include "config/toml_reader.h"
#include "config/unknown_keys.h"

namespace liverec::config {
namespace {

void ReadTopLevel(const TomlView& view, Config& config, TomlReader& in) {
  in.Read(view["data_dir"], config.data_dir, "data_dir");
  in.Read(view["threads"], config.threads, "threads");
  in.Read(view["log_level"], config.log_level, "log_level");
  in.Read(view["shutdown"]["timeout_s"], config.shutdown_timeout_s, "shutdown.timeout_s");
  in.Read(view["log"]["level"], config.log_level, "log.level");
  in.Read(view["log"]["format"], config.log_format, "log.format");
  in.Read(view["metrics"]["enabled"], config.metrics.enabled, "metrics.enabled");
  in.Read(view["http"]["listen"], config.http_listen, "http.listen");
  in.Read(view["http"]["public_url"], config.public_url, "http.public_url");
  in.Read(view["http"]["max_connections"], config.http_max_connections, "http.max_connections");
  in.Read(view["database"]["path"], config.database.path, "database.path");
  in.Read(view["database"]["url"], config.database.url, "database.url");
  in.Read(view["database"]["pool_size"], config.database.pool_size, "database.pool_size");
}

void ReadApi(const TomlView& node, ApiConfig& a, TomlReader& in) {
  in.Read(node["max_index_slices"], a.max_index_slices, "api.max_index_slices");
  in.Read(node["timestamp_window_s"], a.timestamp_window_s, "api.timestamp_window_s");
  in.Read(node["nonce_capacity"], a.nonce_capacity, "api.nonce_capacity");
  in.Read(node["error_docs_url"], a.error_docs_url, "api.error_docs_url");
  if (node["operator_accounts"]) a.operator_accounts.clear();  // replaces the default
  in.ReadStrings(node["operator_accounts"], a.operator_accounts, "api.operator_accounts");
}

void ReadRtmp(const TomlView& node, Config& config, TomlReader& in) {
  RtmpConfig& r = config.rtmp;
  in.Read(node["listen"], config.rtmp_listen, "rtmp.listen");
  in.Read(node["handshake_timeout_s"], r.handshake_timeout_s, "rtmp.handshake_timeout_s");
  in.Read(node["idle_timeout_s"], r.idle_timeout_s, "rtmp.idle_timeout_s");
  in.Read(node["max_connections"], r.max_connections, "rtmp.max_connections");
  in.Read(node["max_chunk_size"], r.max_chunk_size, "rtmp.max_chunk_size");
  in.Read(node["max_message_size"], r.max_message_size, "rtmp.max_message_size");
  in.Read(node["read_interval_ms"], r.read_interval_ms, "rtmp.read_interval_ms");
}

void ReadRecording(const TomlView& node, RecordingConfig& r, TomlReader& in) {
  in.Read(node["slice_retention_days"], r.slice_retention_days, "recording.slice_retention_days");
  in.Read(node["index_retention_days"], r.index_retention_days, "recording.index_retention_days");
  in.Read(node["publish_history_days"], r.publish_history_days, "recording.publish_history_days");
  in.Read(node["spool_dir"], r.spool_dir, "recording.spool_dir");
  in.Read(node["time_zone"], r.time_zone, "recording.time_zone");
  in.Read(node["spool_max_mb"], r.spool_max_mb, "recording.spool_max_mb");
  in.Read(node["spool_warn_percent"], r.spool_warn_percent, "recording.spool_warn_percent");
  in.Read(node["upload_retry_max_s"], r.upload_retry_max_s, "recording.upload_retry_max_s");
  in.Read(node["upload_threads"], r.upload_threads, "recording.upload_threads");
  in.Read(node["ts_muxer"], r.ts_muxer, "recording.ts_muxer");
  in.Read(node["mp4_writer"], r.mp4_writer, "recording.mp4_writer");
}

void ReadTesting(const TomlView& node, TestingConfig& t, TomlReader& in) {
  in.Read(node["enabled"], t.enabled, "testing.enabled");
  in.Read(node["min_delay_time_s"], t.min_delay_time_s, "testing.min_delay_time_s");
  in.Read(node["min_cycle_duration_s"], t.min_cycle_duration_s, "testing.min_cycle_duration_s");
  in.Read(node["min_slice_duration_s"], t.min_slice_duration_s, "testing.min_slice_duration_s");
  in.Read(node["min_retry_interval_s"], t.min_retry_interval_s, "testing.min_retry_interval_s");
  in.Read(node["http_idle_timeout_s"], t.http_idle_timeout_s, "testing.http_idle_timeout_s");
  in.ReadStrings(node["public_addresses"], t.public_addresses, "testing.public_addresses");
  in.Read(node["min_lease_seconds"], t.min_lease_seconds, "testing.min_lease_seconds");
  in.Read(node["min_snapshot_interval_s"], t.min_snapshot_interval_s,
          "testing.min_snapshot_interval_s");
  in.Read(node["usage_sample_ms"], t.usage_sample_ms, "testing.usage_sample_ms");
}

void ReadCluster(const TomlView& node, ClusterConfig& c, TomlReader& in) {
  in.Read(node["node_id"], c.node_id, "cluster.node_id");
  in.Read(node["lease_seconds"], c.lease_seconds, "cluster.lease_seconds");
  in.Read(node["advertise_http"], c.advertise_http, "cluster.advertise_http");
  in.Read(node["advertise_rtmp"], c.advertise_rtmp, "cluster.advertise_rtmp");
  in.Read(node["command_timeout_ms"], c.command_timeout_ms, "cluster.command_timeout_ms");
}

void ReadCallbacks(const TomlView& node, CallbacksConfig& c, TomlReader& in) {
  in.Read(node["allow_private_addresses"], c.allow_private_addresses,
          "callbacks.allow_private_addresses");
  in.Read(node["initial_backoff_ms"], c.initial_backoff_ms, "callbacks.initial_backoff_ms");
  in.Read(node["max_backoff_ms"], c.max_backoff_ms, "callbacks.max_backoff_ms");
  in.Read(node["min_attempts"], c.min_attempts, "callbacks.min_attempts");
  in.Read(node["horizon_s"], c.horizon_s, "callbacks.horizon_s");
  in.Read(node["timeout_ms"], c.timeout_ms, "callbacks.timeout_ms");
  in.Read(node["on_demand_timeout_ms"], c.on_demand_timeout_ms, "callbacks.on_demand_timeout_ms");
  in.Read(node["poll_interval_ms"], c.poll_interval_ms, "callbacks.poll_interval_ms");
  in.Read(node["history_retention_days"], c.history_retention_days,
          "callbacks.history_retention_days");
}

void ReadRelay(const TomlView& node, RelayConfig& r, TomlReader& in) {
  in.Read(node["max_tasks"], r.max_tasks, "relay.max_tasks");
  in.Read(node["media_root"], r.media_root, "relay.media_root");
  in.Read(node["allow_private_addresses"], r.allow_private_addresses,
          "relay.allow_private_addresses");
  in.Read(node["exited_retention_s"], r.exited_retention_s, "relay.exited_retention_s");
  in.Read(node["max_tasks_per_node"], r.max_tasks_per_node, "relay.max_tasks_per_node");
  in.Read(node["max_tasks_per_cluster"], r.max_tasks_per_cluster, "relay.max_tasks_per_cluster");
  in.Read(node["rtmp_client"], r.rtmp_client, "relay.rtmp_client");
}

void ReadSnapshots(const TomlView& node, SnapshotsConfig& s, TomlReader& in) {
  in.Read(node["workers"], s.workers, "snapshots.workers");
  in.Read(node["queue"], s.queue, "snapshots.queue");
  in.Read(node["history_days"], s.history_days, "snapshots.history_days");
}

// The tables of the array `name` ([[name]]), or none, with a problem when it is something else.
const toml::array* TablesOf(const TomlView& node, const std::string& name, TomlReader& in) {
  in.Know(name);
  if (!node) return nullptr;
  const auto* array = node.as_array();
  if (!array || (!array->empty() && !array->is_array_of_tables())) {
    in.problems().push_back(fmt::format("{}: must be tables, written [[{}]]", name, name));
    return nullptr;
  }
  return array;
}

void ReadAccounts(const TomlView& root, Config& config, TomlReader& in) {
  const auto* accounts = TablesOf(root["accounts"], "accounts", in);
  for (size_t i = 0; accounts && i < accounts->size(); ++i) {
    std::string where = fmt::format("accounts[{}]", i);
    TomlView a{(*accounts)[i]};
    AccountConfig account;
    in.Read(a["name"], account.name, where + ".name");
    const auto* keys = TablesOf(a["access_keys"], where + ".access_keys", in);
    for (size_t k = 0; keys && k < keys->size(); ++k) {
      std::string kw = fmt::format("{}.access_keys[{}]", where, k);
      TomlView key_view{(*keys)[k]};
      AccessKeyConfig key;
      in.Read(key_view["id"], key.id, kw + ".id");
      in.Read(key_view["secret"], key.secret, kw + ".secret");
      in.Read(key_view["enabled"], key.enabled, kw + ".enabled");
      account.access_keys.push_back(std::move(key));
    }
    config.accounts.push_back(std::move(account));
  }
}

void ReadBuckets(const TomlView& root, Config& config, TomlReader& in) {
  const auto* buckets = TablesOf(root["buckets"], "buckets", in);
  for (size_t i = 0; buckets && i < buckets->size(); ++i) {
    std::string where = fmt::format("buckets[{}]", i);
    TomlView b{(*buckets)[i]};
    BucketConfig bucket;
    in.Read(b["account"], bucket.account, where + ".account");
    in.Read(b["endpoint"], bucket.endpoint, where + ".endpoint");
    in.Read(b["name"], bucket.name, where + ".name");
    in.Read(b["backend"], bucket.backend, where + ".backend");
    in.Read(b["path"], bucket.path, where + ".path");
    ReadS3BucketKeys(b, where, bucket, in);
    ReadBucketAccessKeys(b, where, bucket, in);
    config.buckets.push_back(std::move(bucket));
  }
}

void ReadDomains(const TomlView& root, Config& config, TomlReader& in) {
  const auto* domains = TablesOf(root["domains"], "domains", in);
  for (size_t i = 0; domains && i < domains->size(); ++i) {
    std::string where = fmt::format("domains[{}]", i);
    TomlView d{(*domains)[i]};
    DomainConfig domain;
    in.Read(d["account"], domain.account, where + ".account");
    in.Read(d["name"], domain.name, where + ".name");
    in.ReadStrings(d["aliases"], domain.aliases, where + ".aliases");
    in.Know(where + ".auth");
    if (d["auth"] && !d["auth"].is_table()) {
      in.problems().push_back(where + ".auth: must be a table, written [domains.auth]");
    } else if (d["auth"]) {
      IngestAuthConfig auth;
      in.Read(d["auth"]["primary_key"], auth.primary_key, where + ".auth.primary_key");
      in.Read(d["auth"]["secondary_key"], auth.secondary_key, where + ".auth.secondary_key");
      in.Read(d["auth"]["validity_s"], auth.validity_s, where + ".auth.validity_s");
      domain.auth = auth;
    }
    config.domains.push_back(std::move(domain));
  }
}

void ReadConfigTable(const toml::table& root, Config& config, std::vector<std::string>& problems) {
  const TomlView view{root};
  TomlReader in;
  ReadTopLevel(view, config, in);
  ReadApi(view["api"], config.api, in);
  ReadRtmp(view["rtmp"], config, in);
  ReadRecording(view["recording"], config.recording, in);
  ReadTesting(view["testing"], config.testing, in);
  ReadCallbacks(view["callbacks"], config.callbacks, in);
  ReadRelay(view["relay"], config.relay, in);
  ReadSnapshots(view["snapshots"], config.snapshots, in);
  ReadCluster(view["cluster"], config.cluster, in);
  ReadAccounts(view, config, in);
  ReadBuckets(view, config, in);
  ReadDomains(view, config, in);
  ReportUnknownKeys(root, in.known(), in.problems());
  problems.insert(problems.end(), in.problems().begin(), in.problems().end());
}

// Parses with `parse` (a syntax error is one problem, with its line), then reads the keys.
template <typename ParseFn>
void ReadParsed(const std::string& name, ParseFn parse, Config& config,
                std::vector<std::string>& problems) {
  toml::table root;
  try {
    root = parse();
  } catch (const toml::parse_error& e) {
    problems.push_back(
        fmt::format("{}: {} (line {})", name, e.description(), e.source().begin.line));
    return;
  }
  ReadConfigTable(root, config, problems);
}

}  // namespace

void ReadConfigFile(const std::string& path, Config& config, std::vector<std::string>& problems) {
  ReadParsed(
      path, [&] { return toml::parse_file(path); }, config, problems);
}

void ReadConfigText(std::string_view text, const std::string& name, Config& config,
                    std::vector<std::string>& problems) {
  ReadParsed(
      name, [&] { return toml::parse(text, name); }, config, problems);
}

}  // namespace liverec::config
