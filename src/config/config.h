// Config: everything `liverec serve` can be told, with the embedded defaults.
//
// Sources, later ones winning: built-in defaults < TOML file (--config / LIVEREC_CONFIG) <
// environment (LIVEREC_*) < command-line flags. docs/configuration.md is the reference; keep it
// in step. LoadConfig validates and reports every problem at once.
// Thread-safety: a plain value, built once at start and then only read.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/cluster_config.h"
#include "config/s3_bucket_config.h"

namespace liverec::config {

inline constexpr std::string_view kDefaultAccount = "default";
// The longest lifetime of a signed URL: 7 days, also the limit of S3's presigned URLs.
inline constexpr int64_t kMaxUrlExpiryS = 7 * 24 * 3600;

struct AccessKeyConfig {
  std::string id;
  std::string secret;
  bool enabled = true;
};

struct AccountConfig {
  std::string name;
  std::vector<AccessKeyConfig> access_keys;
};

struct BucketConfig {
  std::string account = std::string(kDefaultAccount);
  std::string endpoint = "local";  // the OssEndpoint API callers name
  std::string name;                // the OssBucket API callers name
  std::string backend = "local";   // "local" or "s3"
  std::string path;                // local: directory; default <data_dir>/buckets/<name>
  S3BucketConfig s3;               // s3: the service, credentials, URL style, public URL
  // Who may read the bucket's objects through the URLs liverec hands out (docs/configuration.md
  // "Bucket access"): "private" (signed URLs only) or "public-read" (plain URLs).
  std::string access = "private";
  // Lifetime of the signed URLs liverec hands out for a private bucket (RecordUrl): 1-604800.
  int64_t url_expiry_s = 3600;
  // The key signing this bucket's URL tokens (16-128 letters and digits); "" = a random key that
  // liverec keeps in the database (shared by the nodes of a cluster). url_key_env names a
  // variable holding it instead.
  std::string url_key;
  std::string url_key_env;

  bool IsPrivate() const { return access != "public-read"; }
};

// Ingest URL signing, type A (docs/recording.md): auth_key = "{timestamp}-{rand}-{uid}-{md5hex}".
struct IngestAuthConfig {
  std::string primary_key;
  std::string secondary_key;  // optional; either key is accepted
  int64_t validity_s = 1800;  // a token is valid until timestamp + validity_s
};

struct DomainConfig {
  std::string account = std::string(kDefaultAccount);
  std::string name;                      // streaming domain (DomainName)
  std::vector<std::string> aliases;      // ingest domains mapped to it
  std::optional<IngestAuthConfig> auth;  // none: any publisher is accepted
};

struct RtmpConfig {
  int64_t handshake_timeout_s = 10;
  int64_t idle_timeout_s = 30;  // no bytes from a connection for this long: closed
  int64_t max_connections = 5000;
  int64_t max_chunk_size = 65536;
  int64_t max_message_size = 8 * 1024 * 1024;
  // A publishing connection that received little is read next at the next multiple of this
  // (0, the default: as soon as bytes arrive); docs/configuration.md.
  int64_t read_interval_ms = 0;
};

struct RecordingConfig {
  std::string spool_dir;               // default <data_dir>/spool
  std::string time_zone = "UTC";       // object-name times: "UTC" or a fixed offset like "+08:00"
  int64_t slice_retention_days = 90;   // slice-index rows older than this are purged
  int64_t index_retention_days = 180;  // index-file records older than this are purged
  // Publish sessions (DescribeLiveStreamsPublishList) that ended longer ago are purged, and the
  // oldest StartTime that action accepts.
  int64_t publish_history_days = 30;
  // The spool's bound (docs/recording.md "Outages"): a warning from spool_warn_percent; at the
  // bound, new recordings into an unreachable bucket are refused (record_error).
  int64_t spool_max_mb = 16384;
  int64_t spool_warn_percent = 80;
  // Slices that cannot be stored are retried after 1 s, doubling up to this.
  int64_t upload_retry_max_s = 30;
  // Threads that store and index slices (each stream's in order), apart from the worker pool
  // that answers the API: an upload that hangs holds one of these, never an API worker.
  int64_t upload_threads = 8;
  // What writes TS slices: "own" (liverec's MPEG-TS muxer) or "libavformat" (its mpegts muxer,
  // the path before the own one; a fallback, docs/recording.md "Slices").
  std::string ts_muxer = "own";
  // What writes MP4 cycle files: "own" (liverec's writer, memory independent of the cycle's
  // length) or "libavformat" (its mov muxer, the path before; docs/recording.md).
  std::string mp4_writer = "own";
};

// Lowers the API's minimums for tests only. Ignored unless enabled = true; never in production.
struct TestingConfig {
  bool enabled = false;
  int64_t min_delay_time_s = 15;
  int64_t min_cycle_duration_s = 900;
  int64_t min_slice_duration_s = 5;
  int64_t min_retry_interval_s = 60;  // RetryInterval of pull-to-push tasks
  // The HTTP server's idle timeout (no request, or no piece of an answer sent, for this long).
  int64_t http_idle_timeout_s = 60;
  // Numeric IP addresses that the relay URL policy treats as public although they are not (e.g.
  // 127.0.0.2), so that tests can show a private address refused without leaving 127.0.0.0/8.
  std::vector<std::string> public_addresses;
  // The lowest [cluster] lease_seconds allowed (production: kMinLeaseSeconds).
  int64_t min_lease_seconds = kMinLeaseSeconds;
  // The lowest TimeInterval of a snapshot config (production: 5).
  int64_t min_snapshot_interval_s = 5;
  // How often each node writes its recording usage (DescribeLiveDomainRecordUsageData); production:
  // a minute.
  int64_t usage_sample_ms = 60'000;
};

// Pull-to-push relay tasks (docs/api/relay.md).
struct RelayConfig {
  int64_t max_tasks = 100;  // per account: tasks that have not exited (CodeNotEnoughResource)
  // file: sources only inside this absolute directory; "" = file: sources refused.
  std::string media_root;
  // Accept source and destination hosts that are (or resolve to) loopback, private or
  // link-local addresses. Off by default, as for callbacks.
  bool allow_private_addresses = false;
  int64_t exited_retention_s = 86'400;  // an exited task stays answerable this long
  // Cluster mode: tasks one node holds (runs) at most; 0 = no cap (docs/cluster.md).
  int64_t max_tasks_per_node = 0;
  // Tasks that have not exited, all accounts together, at most (CodeNotEnoughResource); 0 = none.
  int64_t max_tasks_per_cluster = 0;
  // What relays live rtmp:// sources to rtmp:// destinations: "own" (liverec's RTMP client) or
  // "libavformat" (the path before; every other source and destination uses it anyway).
  std::string rtmp_client = "own";
};

// Snapshots (docs/api/snapshots.md): the worker pool JPEGs are made on, and how long the list of
// snapshots taken is kept.
struct SnapshotsConfig {
  int64_t workers = 1;  // threads decoding and encoding snapshots
  int64_t queue = 16;   // snapshots waiting or running at most; more are skipped (and counted)
  int64_t history_days = 180;  // DescribeLiveStreamSnapshotInfo rows are purged after this
};

// Recording callbacks (docs/callbacks.md): URL policy and the delivery schedule.
struct CallbacksConfig {
  // Accept NotifyUrl/OnDemandUrl hosts that are (or resolve to) loopback, private or link-local
  // addresses. Off by default: liverec must not become a way into its own network.
  bool allow_private_addresses = false;
  int64_t initial_backoff_ms = 1000;  // wait after the first failed attempt; doubles each time
  int64_t max_backoff_ms = 600'000;   // longest wait between attempts
  int64_t min_attempts = 5;           // never give up before this many attempts
  int64_t horizon_s = 86'400;         // then give up once the next attempt would be later
  int64_t timeout_ms = 5000;          // per attempt
  // The on-demand call to OnDemandUrl: no complete answer by then = not recorded.
  int64_t on_demand_timeout_ms = 3000;
  int64_t poll_interval_ms = 1000;     // how often due events are looked for
  int64_t history_retention_days = 7;  // delivered/failed events are purged after this
};

struct ApiConfig {
  int64_t timestamp_window_s = 900;  // Timestamp / x-acs-date skew allowed either way
  int64_t nonce_capacity = 1'000'000;
  int64_t max_index_slices = 100'000;  // RecordContentExceed above this many slices
  // Base of every error's Recommend: <error_docs_url>#<Code>. "" = <public URL>/docs/errors,
  // the error catalogue liverec serves itself.
  std::string error_docs_url;
  // Accounts that may call the operator actions (DescribeLiveClusterNodes) and see the console's
  // Cluster screen: names of declared accounts.
  std::vector<std::string> operator_accounts{std::string(kDefaultAccount)};
};

// /metrics on the HTTP listener (docs/operations.md). Not for the public internet: bind
// http.listen to a private address or keep /metrics from the outside at the proxy.
struct MetricsConfig {
  bool enabled = true;
};

// [database] (docs/configuration.md): the embedded SQLite file, or a shared PostgreSQL.
struct DatabaseConfig {
  std::string path;  // SQLite file; default <data_dir>/liverec.db; unused when url is set
  // postgresql://user:password@host:port/dbname?sslmode=...; "" = SQLite at `path`. Never
  // logged as is: the password is masked wherever the URL is shown.
  std::string url;
  int64_t pool_size = 8;  // PostgreSQL connections this node opens at most
};

struct Config {
  std::string data_dir = "./data";
  std::string http_listen = "127.0.0.1:8080";
  std::string
      public_url;  // base of RecordUrl and absolute segment URLs; default http://<http_listen>
  // [http] max_connections: open HTTP connections; at the cap the longest idle one is closed to
  // make room. Also at most half of (RLIMIT_NOFILE - 64) (docs/operations.md "Limits").
  int64_t http_max_connections = 4096;
  std::string rtmp_listen = "127.0.0.1:1935";
  int threads = 0;  // I/O threads; 0 = number of cores
  // [shutdown] timeout_s: after SIGTERM/SIGINT, seconds allowed to finish the work in hand before
  // exiting anyway (what is left stays in the spool and the callback outbox for the next start).
  int64_t shutdown_timeout_s = 20;
  DatabaseConfig database;
  std::string log_level = "info";   // [log] level (or the older top-level log_level)
  std::string log_format = "text";  // [log] format: "text" | "json" (JSON Lines on stderr)
  MetricsConfig metrics;
  ApiConfig api;
  RtmpConfig rtmp;
  RecordingConfig recording;
  TestingConfig testing;
  CallbacksConfig callbacks;
  RelayConfig relay;
  SnapshotsConfig snapshots;
  ClusterConfig cluster;                // [cluster]: used on PostgreSQL only
  std::vector<AccountConfig> accounts;  // other than "default", which always exists
  std::vector<BucketConfig> buckets;    // besides the default local bucket "records"
  std::vector<DomainConfig> domains;
  // The default account's key from LIVEREC_ACCESS_KEY_ID / LIVEREC_ACCESS_KEY_SECRET.
  std::optional<AccessKeyConfig> default_access_key;
};

struct ConfigSources {
  std::optional<std::string> file;         // --config
  std::map<std::string, std::string> env;  // the process environment (LIVEREC_* used)
  std::map<std::string, std::string>
      flags;  // data_dir, http_listen, rtmp_listen, log_level, log_format
  // The file's text, read instead of `file` (which then only names it in problems): for tests
  // and fuzzing (fuzz/config_fuzz.cc).
  std::optional<std::string> file_text;
};

// Builds the config from its sources, fills derived defaults (paths under data_dir, the default
// bucket) and validates. InvalidConfiguration lists every problem found.
Result<Config> LoadConfig(const ConfigSources& sources);

// Bucket names the HTTP server uses for itself; a local bucket may not take them.
bool IsReservedBucketName(std::string_view name);

// "UTC" -> 0, "+08:00" -> 480, "-05:30" -> -330; nullopt when malformed.
std::optional<int> ParseTimeZoneOffsetMinutes(std::string_view zone);

// "host:port" with a numeric port (0 allowed: pick a free one).
bool IsValidListenAddress(std::string_view address);

}  // namespace liverec::config
