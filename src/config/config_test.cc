#include "config/config.h"

#include <cstdio>
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

namespace liverec::config {
namespace {

std::string WriteTemp(const std::string& text) {
  char path[] = "/tmp/liverec-config-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigTest, EmbeddedDefaultsNeedNoFile) {
  auto config = LoadConfig({});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->data_dir, "./data");
  EXPECT_EQ(config->http_listen, "127.0.0.1:8080");
  EXPECT_EQ(config->rtmp_listen, "127.0.0.1:1935");
  EXPECT_EQ(config->database.path, "./data/liverec.db");
  ASSERT_EQ(config->buckets.size(), 1u);
  EXPECT_EQ(config->buckets[0].endpoint, "local");
  EXPECT_EQ(config->buckets[0].name, "records");
  EXPECT_EQ(config->buckets[0].account, "default");
  EXPECT_EQ(config->buckets[0].path, "./data/buckets/records");
}

TEST(ConfigTest, FileThenEnvironmentThenFlagsWin) {
  std::string file = WriteTemp(
      "data_dir = \"/srv/a\"\n[http]\nlisten = \"127.0.0.1:9000\"\n[rtmp]\nlisten = "
      "\"127.0.0.1:1936\"\n");
  ConfigSources sources;
  sources.file = file;
  sources.env = {{"LIVEREC_HTTP_LISTEN", "127.0.0.1:9001"}, {"LIVEREC_DATA_DIR", "/srv/b"}};
  sources.flags = {{"data_dir", "/srv/c"}};
  auto config = LoadConfig(sources);
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->data_dir, "/srv/c");
  EXPECT_EQ(config->http_listen, "127.0.0.1:9001");
  EXPECT_EQ(config->rtmp_listen, "127.0.0.1:1936");
  EXPECT_EQ(config->database.path, "/srv/c/liverec.db");
  std::remove(file.c_str());
}

TEST(ConfigTest, AccountsBucketsAndDomainsAreRead) {
  std::string file = WriteTemp(R"(
[[accounts]]
name = "tenant-b"
[[accounts.access_keys]]
id = "TenantBKeyId000000000001"
secret = "TenantBSecret0000000000000000001"
enabled = false

[[buckets]]
account = "tenant-b"
name = "records-b"

[[domains]]
account = "tenant-b"
name = "b.example.com"
aliases = ["push.b.example.com"]
)");
  auto config = LoadConfig({.file = file});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  ASSERT_EQ(config->accounts.size(), 1u);
  EXPECT_FALSE(config->accounts[0].access_keys.at(0).enabled);
  ASSERT_EQ(config->buckets.size(), 2u);  // the default bucket stays
  EXPECT_EQ(config->buckets[1].account, "tenant-b");
  EXPECT_EQ(config->domains.at(0).aliases.at(0), "push.b.example.com");
  std::remove(file.c_str());
}

TEST(ConfigTest, WithoutADatabaseUrlTheEmbeddedSqliteStays) {
  auto config = LoadConfig({});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->database.url, "");
  EXPECT_EQ(config->database.pool_size, 8);
}

TEST(ConfigTest, DatabaseUrlAndPoolComeFromTheFileAndTheEnvironmentWins) {
  std::string file =
      WriteTemp("[database]\nurl = \"postgresql://a:pw@db1:5432/liverec\"\npool_size = 16\n");
  auto from_file = LoadConfig({.file = file});
  ASSERT_TRUE(from_file.has_value()) << from_file.error().ToString();
  EXPECT_EQ(from_file->database.url, "postgresql://a:pw@db1:5432/liverec");
  EXPECT_EQ(from_file->database.pool_size, 16);
  auto from_env =
      LoadConfig({.file = file,
                  .env = {{"LIVEREC_DATABASE_URL", "postgres://b@db2/liverec?sslmode=require"}}});
  ASSERT_TRUE(from_env.has_value()) << from_env.error().ToString();
  EXPECT_EQ(from_env->database.url, "postgres://b@db2/liverec?sslmode=require");
  std::remove(file.c_str());
}

TEST(ConfigTest, ADatabaseUrlThatIsNotPostgresIsRefusedWithoutRepeatingIt) {
  auto config = LoadConfig({.env = {{"LIVEREC_DATABASE_URL", "mysql://u:hunter2@h/db"}}});
  ASSERT_FALSE(config.has_value());
  std::string message = config.error().Message();
  EXPECT_NE(message.find("database.url: must be a postgresql:// URL"), std::string::npos)
      << message;
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  std::string file = WriteTemp("[database]\npool_size = 0\n");
  auto pool = LoadConfig({.file = file});
  ASSERT_FALSE(pool.has_value());
  EXPECT_NE(pool.error().Message().find("database.pool_size: must be 1-1000"), std::string::npos);
  std::remove(file.c_str());
}

TEST(ConfigTest, ReportsEveryProblemAtOnce) {
  std::string file = WriteTemp(R"(
[http]
listen = "nowhere"
[[buckets]]
name = "metrics"
[[buckets]]
name = "x"
account = "ghost"
[[domains]]
name = "bad_domain"
)");
  auto config = LoadConfig({.file = file});
  ASSERT_FALSE(config.has_value());
  std::string message = config.error().Message();
  EXPECT_NE(message.find("http.listen"), std::string::npos) << message;
  EXPECT_NE(message.find("reserved"), std::string::npos) << message;
  EXPECT_NE(message.find("'ghost' is not declared"), std::string::npos) << message;
  EXPECT_NE(message.find("3-63"), std::string::npos) << message;
  EXPECT_NE(message.find("bad_domain"), std::string::npos) << message;
  std::remove(file.c_str());
}

TEST(ConfigTest, SyntaxErrorNamesFileAndLine) {
  std::string file = WriteTemp("data_dir = \n");
  auto config = LoadConfig({.file = file});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().Message().find("line 1"), std::string::npos);
  std::remove(file.c_str());
}

TEST(ConfigTest, AccessKeyFromEnvironmentMustBeComplete) {
  auto config = LoadConfig({.env = {{"LIVEREC_ACCESS_KEY_ID", "abcdefgh12345678"}}});
  ASSERT_FALSE(config.has_value());
  config = LoadConfig({.env = {{"LIVEREC_ACCESS_KEY_ID", "abcdefgh12345678"},
                               {"LIVEREC_ACCESS_KEY_SECRET", "0123456789abcdef0123"}}});
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->default_access_key->id, "abcdefgh12345678");
}

TEST(ConfigTest, DomainAuthRtmpAndTestingSectionsAreRead) {
  std::string file = WriteTemp(R"(
[rtmp]
idle_timeout_s = 5
[recording]
time_zone = "+08:00"
[testing]
enabled = true
min_delay_time_s = 2
[[domains]]
name = "a.example.com"
[domains.auth]
primary_key = "primary123"
secondary_key = "secondary123"
validity_s = 60
)");
  auto config = LoadConfig({.file = file});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->rtmp.idle_timeout_s, 5);
  EXPECT_EQ(config->recording.spool_dir, "./data/spool");
  EXPECT_TRUE(config->testing.enabled);
  EXPECT_EQ(config->testing.min_delay_time_s, 2);
  ASSERT_TRUE(config->domains.at(0).auth.has_value());
  EXPECT_EQ(config->domains[0].auth->secondary_key, "secondary123");
  EXPECT_EQ(config->domains[0].auth->validity_s, 60);
  std::remove(file.c_str());
}

TEST(ConfigTest, HttpConnectionCapAndTestingIdleTimeoutAreReadAndValidated) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->http_max_connections, 4096);
  EXPECT_EQ(defaults->testing.http_idle_timeout_s, 60);
  std::string file = WriteTemp(R"(
[http]
max_connections = 100
[testing]
enabled = true
http_idle_timeout_s = 2
)");
  auto config = LoadConfig({.file = file});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->http_max_connections, 100);
  EXPECT_EQ(config->testing.http_idle_timeout_s, 2);
  std::remove(file.c_str());
  file = WriteTemp(
      "[http]\nmax_connections = 0\n[testing]\nenabled = true\nhttp_idle_timeout_s = 0\n");
  config = LoadConfig({.file = file});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().Message().find("http.max_connections"), std::string::npos);
  EXPECT_NE(config.error().Message().find("testing.http_idle_timeout_s"), std::string::npos);
  std::remove(file.c_str());
}

TEST(ConfigTest, TheUsageSamplePeriodIsAMinuteUnlessTheTestingSectionShortensIt) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->testing.usage_sample_ms, 60'000);
  std::string file = WriteTemp("[testing]\nenabled = true\nusage_sample_ms = 200\n");
  auto config = LoadConfig({.file = file});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->testing.usage_sample_ms, 200);
  std::remove(file.c_str());
  file = WriteTemp("[testing]\nenabled = true\nusage_sample_ms = 10\n");
  config = LoadConfig({.file = file});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().Message().find("testing.usage_sample_ms"), std::string::npos);
  std::remove(file.c_str());
}

TEST(ConfigTest, TheTsMuxerIsTheOwnByDefaultLibavformatOnRequestAndNothingElse) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->recording.ts_muxer, "own");
  std::string file = WriteTemp("[recording]\nts_muxer = \"libavformat\"\n");
  auto config = LoadConfig({.file = file});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->recording.ts_muxer, "libavformat");
  std::remove(file.c_str());
  file = WriteTemp("[recording]\nts_muxer = \"ffmpeg\"\n");
  config = LoadConfig({.file = file});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().Message().find("recording.ts_muxer"), std::string::npos);
  std::remove(file.c_str());
}

TEST(ConfigTest, TheMp4WriterIsTheOwnByDefaultLibavformatOnRequestAndNothingElse) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->recording.mp4_writer, "own");
  std::string file = WriteTemp("[recording]\nmp4_writer = \"libavformat\"\n");
  auto config = LoadConfig({.file = file});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->recording.mp4_writer, "libavformat");
  std::remove(file.c_str());
  file = WriteTemp("[recording]\nmp4_writer = \"mov\"\n");
  config = LoadConfig({.file = file});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().Message().find("recording.mp4_writer"), std::string::npos);
  std::remove(file.c_str());
}

TEST(ConfigTest, TheRelayRtmpClientIsTheOwnByDefaultLibavformatOnRequestAndNothingElse) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->relay.rtmp_client, "own");
  std::string file = WriteTemp("[relay]\nrtmp_client = \"libavformat\"\n");
  auto config = LoadConfig({.file = file});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->relay.rtmp_client, "libavformat");
  std::remove(file.c_str());
  file = WriteTemp("[relay]\nrtmp_client = \"ffmpeg\"\n");
  config = LoadConfig({.file = file});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().Message().find("relay.rtmp_client"), std::string::npos);
  std::remove(file.c_str());
}

TEST(ConfigTest, TheRtmpReadIntervalIsOffByDefaultAndAtMost200) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->rtmp.read_interval_ms, 0);
  for (const auto& [text, ok] : std::vector<std::pair<std::string, bool>>{
           {"0", true}, {"200", true}, {"201", false}, {"-1", false}}) {
    std::string file = WriteTemp("[rtmp]\nread_interval_ms = " + text + "\n");
    auto config = LoadConfig({.file = file});
    std::remove(file.c_str());
    ASSERT_EQ(config.has_value(), ok) << text;
    if (ok) {
      EXPECT_EQ(config->rtmp.read_interval_ms, std::stoll(text));
    } else {
      EXPECT_NE(config.error().Message().find("rtmp.read_interval_ms"), std::string::npos);
    }
  }
}

TEST(ConfigTest, TestingPublicAddressesAreReadAndMustBeNumeric) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_TRUE(defaults->testing.public_addresses.empty());
  std::string file =
      WriteTemp("[testing]\nenabled = true\npublic_addresses = [\"127.0.0.2\", \"::2\"]\n");
  auto config = LoadConfig({.file = file});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->testing.public_addresses, (std::vector<std::string>{"127.0.0.2", "::2"}));
  std::remove(file.c_str());
  file = WriteTemp("[testing]\nenabled = true\npublic_addresses = [\"localhost\"]\n");
  config = LoadConfig({.file = file});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().Message().find("testing.public_addresses"), std::string::npos);
  std::remove(file.c_str());
}

TEST(ConfigTest, CallbacksSectionDefaultsReadsAndValidates) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_FALSE(defaults->callbacks.allow_private_addresses);
  EXPECT_EQ(defaults->callbacks.min_attempts, 5);
  EXPECT_EQ(defaults->callbacks.horizon_s, 86'400);
  EXPECT_EQ(defaults->callbacks.on_demand_timeout_ms, 3000);
  std::string file = WriteTemp(R"(
[callbacks]
allow_private_addresses = true
initial_backoff_ms = 200
max_backoff_ms = 800
horizon_s = 60
on_demand_timeout_ms = 700
)");
  auto config = LoadConfig({.file = file});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_TRUE(config->callbacks.allow_private_addresses);
  EXPECT_EQ(config->callbacks.initial_backoff_ms, 200);
  EXPECT_EQ(config->callbacks.max_backoff_ms, 800);
  EXPECT_EQ(config->callbacks.horizon_s, 60);
  EXPECT_EQ(config->callbacks.on_demand_timeout_ms, 700);
  std::remove(file.c_str());
  file = WriteTemp("[callbacks]\nmin_attempts = 2\nmax_backoff_ms = 5\non_demand_timeout_ms = 5\n");
  config = LoadConfig({.file = file});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().Message().find("callbacks.min_attempts"), std::string::npos);
  EXPECT_NE(config.error().Message().find("callbacks.max_backoff_ms"), std::string::npos);
  EXPECT_NE(config.error().Message().find("callbacks.on_demand_timeout_ms"), std::string::npos);
  std::remove(file.c_str());
}

TEST(ConfigTest, RelaySectionDefaultsReadsAndValidates) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->relay.max_tasks, 100);
  EXPECT_EQ(defaults->relay.media_root, "");
  EXPECT_FALSE(defaults->relay.allow_private_addresses);
  EXPECT_EQ(defaults->relay.exited_retention_s, 86'400);
  EXPECT_EQ(defaults->relay.max_tasks_per_node, 0);
  EXPECT_EQ(defaults->relay.max_tasks_per_cluster, 0);
  EXPECT_EQ(defaults->testing.min_retry_interval_s, 60);
  std::string file = WriteTemp(R"(
[relay]
max_tasks = 3
media_root = "/srv/media"
allow_private_addresses = true
exited_retention_s = 5
max_tasks_per_node = 20
max_tasks_per_cluster = 50
[testing]
enabled = true
min_retry_interval_s = 1
)");
  auto config = LoadConfig({.file = file});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->relay.max_tasks, 3);
  EXPECT_EQ(config->relay.media_root, "/srv/media");
  EXPECT_TRUE(config->relay.allow_private_addresses);
  EXPECT_EQ(config->relay.exited_retention_s, 5);
  EXPECT_EQ(config->relay.max_tasks_per_node, 20);
  EXPECT_EQ(config->relay.max_tasks_per_cluster, 50);
  EXPECT_EQ(config->testing.min_retry_interval_s, 1);
  std::remove(file.c_str());
  file = WriteTemp(
      "[relay]\nmax_tasks = 0\nmedia_root = \"media\"\nexited_retention_s = 0\n"
      "max_tasks_per_node = -1\nmax_tasks_per_cluster = -1\n"
      "[testing]\nenabled = true\nmin_retry_interval_s = 0\n");
  config = LoadConfig({.file = file});
  ASSERT_FALSE(config.has_value());
  for (const char* key : {"relay.max_tasks", "relay.media_root", "relay.exited_retention_s",
                          "relay.max_tasks_per_node", "relay.max_tasks_per_cluster",
                          "testing.min_retry_interval_s"}) {
    EXPECT_NE(config.error().Message().find(key), std::string::npos) << key;
  }
  std::remove(file.c_str());
}

TEST(ConfigTest, TimeZoneOffsets) {
  EXPECT_EQ(ParseTimeZoneOffsetMinutes("UTC"), 0);
  EXPECT_EQ(ParseTimeZoneOffsetMinutes("+08:00"), 480);
  EXPECT_EQ(ParseTimeZoneOffsetMinutes("-05:30"), -330);
  EXPECT_FALSE(ParseTimeZoneOffsetMinutes("Asia/Shanghai"));
  EXPECT_FALSE(ParseTimeZoneOffsetMinutes("+15:00"));
}

}  // namespace
}  // namespace liverec::config

namespace liverec::config {
namespace {

TEST(ConfigTest, LogAndMetricsSectionsDefaultsAndSources) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->log_level, "info");
  EXPECT_EQ(defaults->log_format, "text");
  EXPECT_TRUE(defaults->metrics.enabled);

  std::string file = WriteTemp(
      "log_level = \"warn\"\n[log]\nlevel = \"debug\"\nformat = \"json\"\n[metrics]\nenabled = "
      "false\n");
  auto config = LoadConfig({file, {}, {}});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->log_level, "debug") << "[log] level wins over the older top-level key";
  EXPECT_EQ(config->log_format, "json");
  EXPECT_FALSE(config->metrics.enabled);

  auto from_env =
      LoadConfig({file, {{"LIVEREC_LOG_FORMAT", "text"}, {"LIVEREC_LOG_LEVEL", "error"}}, {}});
  ASSERT_TRUE(from_env.has_value());
  EXPECT_EQ(from_env->log_format, "text");
  EXPECT_EQ(from_env->log_level, "error");
  auto from_flags = LoadConfig({file, {{"LIVEREC_LOG_FORMAT", "text"}}, {{"log_format", "json"}}});
  ASSERT_TRUE(from_flags.has_value());
  EXPECT_EQ(from_flags->log_format, "json");
  std::remove(file.c_str());
}

TEST(ConfigTest, UnknownLogFormatIsAProblem) {
  auto config = LoadConfig({std::nullopt, {{"LIVEREC_LOG_FORMAT", "xml"}}, {}});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().detail().find("log.format"), std::string::npos);
}

// docs/deploy/liverec.example.toml is a real config: it loads, with the settings it shows.
TEST(ConfigTest, TheDeploymentExampleLoads) {
  std::string path = std::string(LIVEREC_SOURCE_DIR) + "/docs/deploy/liverec.example.toml";
  ConfigSources sources{path,
                        {{"LIVEREC_ACCESS_KEY_ID", "ExampleKeyId0001"},
                         {"LIVEREC_ACCESS_KEY_SECRET", "ExampleSecret00000000000001"}},
                        {}};
  auto config = LoadConfig(sources);
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->data_dir, "/var/lib/liverec");
  EXPECT_EQ(config->log_format, "json");
  EXPECT_TRUE(config->metrics.enabled);
  EXPECT_FALSE(config->testing.enabled);
  EXPECT_FALSE(config->domains.empty());
}

// The text of a file (ConfigSources::file_text) reads as the file itself does, problems included.
TEST(ConfigTest, FileTextReadsLikeTheFileAndNamesItInProblems) {
  std::string path = std::string(LIVEREC_SOURCE_DIR) + "/docs/deploy/liverec.example.toml";
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::map<std::string, std::string> env{
      {"LIVEREC_ACCESS_KEY_ID", "ExampleKeyId0001"},
      {"LIVEREC_ACCESS_KEY_SECRET", "ExampleSecret00000000000001"}};
  auto from_file = LoadConfig({.file = path, .env = env});
  auto from_text = LoadConfig({.env = env, .file_text = text});
  ASSERT_TRUE(from_file.has_value()) << from_file.error().ToString();
  ASSERT_TRUE(from_text.has_value()) << from_text.error().ToString();
  EXPECT_EQ(from_text->data_dir, from_file->data_dir);
  EXPECT_EQ(from_text->domains.size(), from_file->domains.size());
  EXPECT_EQ(from_text->buckets.size(), from_file->buckets.size());

  auto broken = LoadConfig({.file = "my.toml", .file_text = "[rtmp]\nlisten = \n"});
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.error().Message().find("my.toml"), std::string::npos)
      << broken.error().Message();
  EXPECT_NE(broken.error().Message().find("line 2"), std::string::npos) << broken.error().Message();
  auto unknown = LoadConfig({.file_text = "[rtmp]\nlisen = \"127.0.0.1:1935\"\n"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().Message().find("rtmp.lisen"), std::string::npos)
      << unknown.error().Message();
}

TEST(ConfigTest, ErrorDocsUrlMustBeAnHttpUrl) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->api.error_docs_url, "") << "the default is the catalogue liverec serves";
  std::string file = WriteTemp("[api]\nerror_docs_url = \"docs/errors\"\n");
  auto config = LoadConfig({.file = file});
  std::remove(file.c_str());
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().Message().find("api.error_docs_url"), std::string::npos);
}

TEST(ConfigTest, OperatorAccountsAreTheDefaultAccountUnlessDeclaredAccountsAreNamed) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->api.operator_accounts, std::vector<std::string>{"default"});
  auto named = LoadConfig({.file_text = "[api]\noperator_accounts = [\"ops\"]\n"
                                        "[[accounts]]\nname = \"ops\"\n"});
  ASSERT_TRUE(named.has_value()) << named.error().Message();
  EXPECT_EQ(named->api.operator_accounts, std::vector<std::string>{"ops"});
  auto none = LoadConfig({.file_text = "[api]\noperator_accounts = []\n"});
  ASSERT_TRUE(none.has_value()) << none.error().Message();
  EXPECT_TRUE(none->api.operator_accounts.empty());
  auto unknown = LoadConfig({.file_text = "[api]\noperator_accounts = [\"nobody\"]\n"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().Message().find("api.operator_accounts: account 'nobody'"),
            std::string::npos)
      << unknown.error().Message();
}

}  // namespace
}  // namespace liverec::config
