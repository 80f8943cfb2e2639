// liverec: the one binary. `serve` runs the server, `check-config` validates its configuration,
// `call` signs and sends one API request, `db copy` moves the metadata from SQLite to PostgreSQL,
// `cluster nodes` lists the nodes of a cluster (docs/cluster.md), `url` prints a signed URL of
// a bucket's object (docs/configuration.md),
// `version` (or `--version`, `-V`) prints the version and commit. See docs/configuration.md,
// docs/operations.md and docs/api/.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "base/build_info.h"
#include "commands.h"

namespace {

// "liverec 0.1.0 (abcdef012345)", or without the commit when built outside a checkout.
std::string VersionLine() {
  std::string line = "liverec " + std::string(liverec::BuildVersion());
  if (!liverec::BuildCommit().empty()) line += " (" + std::string(liverec::BuildCommit()) + ")";
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace liverec::apps;
  CLI::App app{"liverec: live-stream recording and relay server"};
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", VersionLine(), "print the version (as `liverec version`)");

  ServeOptions serve;
  std::string data_dir, http_listen, rtmp_listen, log_level, log_format;
  auto* serve_cmd = app.add_subcommand("serve", "run the server");
  auto* check_cmd = app.add_subcommand(
      "check-config",
      "load and validate the configuration as `serve` would, reach the database and report "
      "its schema version; start nothing");
  for (auto* cmd : {serve_cmd, check_cmd}) {
    cmd->add_option("--config", serve.config_file, "TOML config file (or LIVEREC_CONFIG)");
    cmd->add_option("--data-dir", data_dir, "data directory (default ./data)");
    cmd->add_option("--http-listen", http_listen, "HTTP API address (default 127.0.0.1:8080)");
    cmd->add_option("--rtmp-listen", rtmp_listen, "RTMP ingest address (default 127.0.0.1:1935)");
    cmd->add_option("--log-level", log_level, "trace|debug|info|warn|error|off");
    cmd->add_option("--log-format", log_format, "text|json (JSON Lines)");
  }

  CallOptions call;
  auto* call_cmd = app.add_subcommand("call", "sign (V1) and send one API request, print the JSON");
  call_cmd->add_option("--config", call.config_file,
                       "TOML config file (for the data dir and address)");
  call_cmd->add_option("--data-dir", call.data_dir, "data directory holding credentials.json");
  call_cmd->add_option("--endpoint", call.endpoint, "API URL (default http://<http.listen>)");
  call_cmd->add_option("--access-key-id", call.access_key_id,
                       "AccessKeyId (default: the data dir's)");
  call_cmd->add_option("--access-key-secret", call.access_key_secret, "AccessKeySecret");
  call_cmd->add_option("--method", call.method, "GET or POST (form body)")
      ->check(CLI::IsMember({"GET", "POST"}));
  call_cmd->add_option("action", call.action, "the Action, e.g. DescribeLiveRecordConfig")
      ->required();
  call_cmd->add_option("params", call.params, "parameters as Key=Value");

  DbCopyOptions db_copy;
  auto* db_cmd = app.add_subcommand("db", "metadata database maintenance");
  db_cmd->require_subcommand(1);
  auto* copy_cmd = db_cmd->add_subcommand(
      "copy",
      "copy a stopped node's SQLite metadata into an empty PostgreSQL database, verify the row "
      "counts; run it again after an interruption and it continues");
  copy_cmd->add_option("--from", db_copy.from, "the SQLite file, or the data directory")
      ->required();
  copy_cmd->add_option("--to", db_copy.to, "postgresql://user:password@host:port/dbname")
      ->required();
  copy_cmd->add_option("--batch-rows", db_copy.batch_rows, "rows per transaction (default 1000)")
      ->check(CLI::Range(int64_t{1}, int64_t{100000}));

  ClusterNodesOptions cluster_nodes;
  auto* cluster_cmd = app.add_subcommand("cluster", "the nodes of a cluster on PostgreSQL");
  cluster_cmd->require_subcommand(1);
  auto* nodes_cmd = cluster_cmd->add_subcommand(
      "nodes", "list the nodes: live or dead by their lease, addresses, version, load");
  nodes_cmd->add_option("--config", cluster_nodes.config_file,
                        "TOML config file (or LIVEREC_CONFIG), for [database]");
  nodes_cmd->add_flag("--json", cluster_nodes.json, "print JSON instead of a table");

  UrlOptions url;
  auto* url_cmd = app.add_subcommand(
      "url",
      "print a URL that reads an object (--key) or every object under a prefix (--prefix) of a "
      "bucket for --expires seconds: signed for a private bucket, plain for a public-read one");
  url_cmd->add_option("--config", url.config_file, "TOML config file (or LIVEREC_CONFIG)");
  url_cmd->add_option("--data-dir", url.data_dir, "data directory (default ./data)");
  url_cmd->add_option("--public-url", url.public_url,
                      "where the server is reached (default http.public_url, else "
                      "http://<http.listen>)");
  url_cmd->add_option("--oss-endpoint", url.oss_endpoint, "the bucket's OssEndpoint (local)");
  url_cmd->add_option("--bucket", url.bucket, "the OssBucket (records)");
  url_cmd->add_option("--key", url.key, "the object's key");
  url_cmd->add_option("--prefix", url.prefix,
                      "a key prefix, e.g. record/live/s1/ (\"\": the whole bucket)");
  url_cmd
      ->add_option("--expires", url.expires_s,
                   "seconds the URL is good for (default: the bucket's url_expiry_s)")
      ->check(CLI::Range(int64_t{1}, int64_t{604800}));

  auto* version_cmd = app.add_subcommand("version", "print the version");

  CLI11_PARSE(app, argc, argv);
  if (*url_cmd) {
    url.has_prefix = url_cmd->count("--prefix") > 0;
    return RunUrl(url);
  }
  if (*version_cmd) {
    std::cout << VersionLine() << "\n";
    return 0;
  }
  if (*serve_cmd || *check_cmd) {
    if (!data_dir.empty()) serve.flags["data_dir"] = data_dir;
    if (!http_listen.empty()) serve.flags["http_listen"] = http_listen;
    if (!rtmp_listen.empty()) serve.flags["rtmp_listen"] = rtmp_listen;
    if (!log_level.empty()) serve.flags["log_level"] = log_level;
    if (!log_format.empty()) serve.flags["log_format"] = log_format;
    serve.program = argv[0];
    return *serve_cmd ? RunServe(serve) : RunCheckConfig(serve);
  }
  if (*copy_cmd) return RunDbCopy(db_copy);
  if (*nodes_cmd) return RunClusterNodes(cluster_nodes);
  return RunCall(call);
}
