// A misspelled key or section is an error naming the closest known name, reported with every
// other problem at once; every key liverec knows is still accepted.
#include "config/unknown_keys.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "config/config.h"

namespace liverec::config {
namespace {

Result<Config> Load(const std::string& toml) {
  char path[] = "/tmp/liverec-unknown-keys-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << toml;
  auto config = LoadConfig({.file = std::string(path)});
  std::remove(path);
  return config;
}

bool Mentions(const std::string& message, const std::string& text) {
  return message.find(text) != std::string::npos;
}

TEST(EditDistanceTest, CountsInsertionsDeletionsSubstitutionsAndTranspositions) {
  EXPECT_EQ(EditDistance("http", "http"), 0u);
  EXPECT_EQ(EditDistance("htpp", "http"), 1u) << "a substitution";
  EXPECT_EQ(EditDistance("allow_privat_addresses", "allow_private_addresses"), 1u)
      << "an insertion";
  EXPECT_EQ(EditDistance("recordingg", "recording"), 1u) << "a deletion";
  EXPECT_EQ(EditDistance("lsiten", "listen"), 1u) << "a transposition";
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

TEST(ClosestNameTest, SuggestsOnlyWhatIsCloseEnoughToBeAMisspelling) {
  std::set<std::string> names{"path", "path_style", "public_url", "url"};
  EXPECT_EQ(ClosestName("path-style", names), "path_style") << "'-' and '_' count as equal";
  EXPECT_EQ(ClosestName("Path_Style", names), "path_style") << "letter case counts as equal";
  EXPECT_EQ(ClosestName("pubic_url", names), "public_url");
  EXPECT_EQ(ClosestName("uri", names), "url");
  EXPECT_EQ(ClosestName("compression", names), "") << "nothing is close";
  EXPECT_EQ(ClosestName("x", {}), "");
}

TEST(UnknownKeysTest, TheMisspellingsOfIssue16AreErrorsWithSuggestions) {
  auto config = Load(R"(
[htpp]
listen = "127.0.0.1:9000"
[relay]
allow_privat_addresses = true
[[buckets]]
name = "cloud"
backend = "s3"
url = "http://127.0.0.1:9000"
access_key_id = "key"
secret_access_key = "secret"
path-style = true
)");
  ASSERT_FALSE(config.has_value()) << "a misspelled key must not be ignored";
  std::string message = config.error().Message();
  EXPECT_TRUE(Mentions(message, "[htpp]: unknown section; did you mean `http`?")) << message;
  EXPECT_TRUE(Mentions(
      message,
      "relay.allow_privat_addresses: unknown key; did you mean `allow_private_addresses`?"))
      << message;
  EXPECT_TRUE(Mentions(message, "buckets[0].path-style: unknown key; did you mean `path_style`?"))
      << message;
  EXPECT_FALSE(Mentions(message, "htpp.listen")) << "a section is reported once, not per key";
}

TEST(UnknownKeysTest, UnknownKeysAreReportedWithTheOtherProblemsAtOnce) {
  auto config = Load(R"(
data_dri = "/srv"
threads = 1000
[callbacks]
timeout_ms = 1
retries = 3
[[domains]]
name = "a.example.com"
[domains.auth]
primary_key = "primary123"
validty_s = 60
)");
  ASSERT_FALSE(config.has_value());
  std::string message = config.error().Message();
  EXPECT_TRUE(Mentions(message, "data_dri: unknown key; did you mean `data_dir`?")) << message;
  EXPECT_TRUE(Mentions(message, "callbacks.retries: unknown key")) << message;
  EXPECT_FALSE(Mentions(message, "callbacks.retries: unknown key; did")) << "nothing is close";
  EXPECT_TRUE(
      Mentions(message, "domains[0].auth.validty_s: unknown key; did you mean `validity_s`?"))
      << message;
  EXPECT_TRUE(Mentions(message, "threads: must be 0-256")) << message;
  EXPECT_TRUE(Mentions(message, "callbacks.timeout_ms: must be 100-60000")) << message;
}

TEST(UnknownKeysTest, ArraysOfTablesWrittenAsOneTableAreErrors) {
  auto config = Load("[buckets]\nname = \"records-b\"\n");
  ASSERT_FALSE(config.has_value()) << "[buckets] instead of [[buckets]] must not be ignored";
  EXPECT_TRUE(Mentions(config.error().Message(), "buckets: must be tables, written [[buckets]]"))
      << config.error().Message();
}

// Every key of docs/configuration.md, in one file: none of them is unknown.
TEST(UnknownKeysTest, EveryDocumentedKeyIsKnown) {
  auto config = Load(R"(
data_dir = "/tmp/liverec-every-key"
threads = 2
log_level = "info"
[shutdown]
timeout_s = 20
[log]
level = "info"
format = "json"
[metrics]
enabled = true
[http]
listen = "127.0.0.1:8080"
public_url = "https://rec.example.com"
[database]
path = "/tmp/liverec-every-key/liverec.db"
url = "postgresql://liverec:secret@127.0.0.1:5432/liverec?sslmode=disable"
pool_size = 8
[api]
max_index_slices = 100000
timestamp_window_s = 900
nonce_capacity = 1000000
error_docs_url = "https://docs.example.com/liverec/errors"
[rtmp]
listen = "127.0.0.1:1935"
handshake_timeout_s = 10
idle_timeout_s = 30
max_connections = 5000
max_chunk_size = 65536
max_message_size = 8388608
read_interval_ms = 100
[recording]
spool_dir = "/tmp/liverec-every-key/spool"
spool_max_mb = 16384
spool_warn_percent = 80
upload_retry_max_s = 30
upload_threads = 8
ts_muxer = "own"
mp4_writer = "own"
time_zone = "UTC"
slice_retention_days = 90
index_retention_days = 180
publish_history_days = 30
[testing]
enabled = true
min_delay_time_s = 1
min_cycle_duration_s = 60
min_slice_duration_s = 1
min_retry_interval_s = 1
usage_sample_ms = 1000
min_snapshot_interval_s = 1
[snapshots]
workers = 2
queue = 16
history_days = 180
[callbacks]
allow_private_addresses = false
initial_backoff_ms = 1000
max_backoff_ms = 600000
min_attempts = 5
horizon_s = 86400
timeout_ms = 5000
on_demand_timeout_ms = 3000
poll_interval_ms = 1000
history_retention_days = 7
[relay]
max_tasks = 100
media_root = "/srv/media"
allow_private_addresses = false
exited_retention_s = 86400
max_tasks_per_node = 200
max_tasks_per_cluster = 1000
rtmp_client = "own"
[[accounts]]
name = "tenant-b"
[[accounts.access_keys]]
id = "TenantBKeyId000000000001"
secret = "TenantBSecret0000000000000000001"
enabled = true
[[buckets]]
account = "tenant-b"
endpoint = "local"
name = "records-b"
backend = "local"
path = "/tmp/liverec-every-key/records-b"
[[buckets]]
endpoint = "s3.example.com"
name = "recordings"
backend = "s3"
url = "https://s3.example.com"
region = "eu-west-1"
access_key_id = "AKIAEXAMPLE"
secret_access_key = "secret"
path_style = false
remote_bucket = "acme-recordings"
public_url = "https://cdn.example.com/recordings"
part_size_mb = 64
timeout_ms = 30000
[[domains]]
account = "tenant-b"
name = "b.example.com"
aliases = ["push.b.example.com"]
[domains.auth]
primary_key = "a-long-secret"
secondary_key = "the-next-secret"
validity_s = 1800
)");
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->api.error_docs_url, "https://docs.example.com/liverec/errors");
}

}  // namespace
}  // namespace liverec::config
