// The subcommands of the liverec binary. Each returns the process exit code.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace liverec::apps {

struct ServeOptions {
  std::string program;  // argv[0], for the ready-to-paste `call` line
  std::optional<std::string> config_file;
  // data_dir, http_listen, rtmp_listen, log_level, log_format
  std::map<std::string, std::string> flags;
};
int RunServe(const ServeOptions& options);
// Loads and validates the config as `serve` would (file, environment, flags), reaches the
// database and reports its schema version, starts nothing and changes nothing: 0 and a summary
// when `serve` could use both, 2 and every problem when the config is invalid, 1 when the
// database cannot be reached or is newer than this binary.
int RunCheckConfig(const ServeOptions& options);

struct CallOptions {
  std::optional<std::string> config_file;
  std::string data_dir;  // empty: from config/env/default
  std::string endpoint;  // empty: http://<http.listen>
  std::string access_key_id;
  std::string access_key_secret;
  std::string method = "GET";
  std::string action;
  std::vector<std::string> params;  // Key=Value
};
int RunCall(const CallOptions& options);

struct DbCopyOptions {
  std::string from;  // the SQLite file, or the data directory holding liverec.db
  std::string to;    // postgresql:// URL of an empty database
  int64_t batch_rows = 1000;
};
// Copies a single node's SQLite metadata into an empty PostgreSQL database (or finishes an
// interrupted copy), verifies the row counts and prints them: 0 when they all match, 1 when the
// copy was refused, failed or the counts differ, 2 for bad arguments. docs/operations.md.
int RunDbCopy(const DbCopyOptions& options);

struct ClusterNodesOptions {
  std::optional<std::string> config_file;  // for [database] (or LIVEREC_DATABASE_URL)
  bool json = false;
};
// Lists the cluster's nodes from the database: 0 and the list, 1 when the database cannot be
// read, 2 for a bad config or one on SQLite (no cluster). docs/cluster.md.
int RunClusterNodes(const ClusterNodesOptions& options);

struct UrlOptions {
  std::optional<std::string> config_file;
  std::string data_dir;    // empty: from config/env/default
  std::string public_url;  // empty: http.public_url, else http://<http.listen>
  std::string oss_endpoint = "local";
  std::string bucket = "records";
  std::string key;     // one object, or
  std::string prefix;  // with has_prefix: every key starting with it ("": the whole bucket)
  bool has_prefix = false;
  int64_t expires_s = 0;  // 0: the bucket's url_expiry_s
};
// Prints a URL reading `key` (or every key under `prefix`) of the bucket for expires_s seconds:
// signed (private local bucket), presigned (private S3 bucket) or plain (public-read). 0 and the
// URL; 1 when the database cannot be read; 2 for bad arguments or config. docs/configuration.md.
int RunUrl(const UrlOptions& options);

// The process environment as a map (LIVEREC_* are read from it).
std::map<std::string, std::string> Environment();

}  // namespace liverec::apps
