// `[[buckets]] backend = "s3"`: its keys, defaults, secrets from the environment, and every
// problem reported at once.
#include "config/bucket_keys.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

namespace liverec::config {
namespace {

std::string WriteConfig(const std::string& text) {
  char path[] = "/tmp/liverec-bucket-config-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}

Result<Config> Load(const std::string& toml, std::map<std::string, std::string> env = {}) {
  std::string file = WriteConfig(toml);
  auto config = LoadConfig({file, std::move(env), {}});
  std::remove(file.c_str());
  return config;
}

const BucketConfig* Find(const Config& config, const std::string& name) {
  for (const auto& b : config.buckets) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

TEST(S3BucketConfigTest, ReadsEveryKeyOfAnS3Bucket) {
  auto config = Load(R"(
[[buckets]]
endpoint = "s3.eu-west-1.amazonaws.com"
name = "rec"
backend = "s3"
url = "https://s3.eu-west-1.amazonaws.com/"
region = "eu-west-1"
access_key_id = "AKIAEXAMPLE"
secret_access_key = "example-secret"
path_style = false
remote_bucket = "my.recordings"
public_url = "https://cdn.example.com/rec/"
part_size_mb = 16
timeout_ms = 5000
)");
  ASSERT_TRUE(config) << config.error().ToString();
  const BucketConfig* b = Find(*config, "rec");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->backend, "s3");
  EXPECT_EQ(b->s3.url, "https://s3.eu-west-1.amazonaws.com/");
  EXPECT_EQ(b->s3.region, "eu-west-1");
  EXPECT_EQ(b->s3.access_key_id, "AKIAEXAMPLE");
  EXPECT_EQ(b->s3.secret_access_key, "example-secret");
  EXPECT_FALSE(b->s3.path_style);
  EXPECT_EQ(b->s3.remote_bucket, "my.recordings");
  EXPECT_EQ(b->s3.public_url, "https://cdn.example.com/rec");
  EXPECT_EQ(b->s3.part_size_mb, 16);
  EXPECT_EQ(b->s3.timeout_ms, 5000);
  EXPECT_EQ(b->path, "") << "an S3 bucket has no directory";
  ASSERT_TRUE(Find(*config, "records")) << "the default local bucket still exists";
}

TEST(S3BucketConfigTest, DefaultsAndSecretsFromTheEnvironment) {
  auto config = Load(R"(
[[buckets]]
endpoint = "minio"
name = "rec"
backend = "s3"
url = "http://127.0.0.1:9000"
access_key_id_env = "MY_S3_KEY"
secret_access_key_env = "MY_S3_SECRET"
)",
                     {{"MY_S3_KEY", "minioadmin"}, {"MY_S3_SECRET", "minio-secret"}});
  ASSERT_TRUE(config) << config.error().ToString();
  const BucketConfig* b = Find(*config, "rec");
  EXPECT_EQ(b->s3.access_key_id, "minioadmin");
  EXPECT_EQ(b->s3.secret_access_key, "minio-secret");
  EXPECT_EQ(b->s3.region, "us-east-1");
  EXPECT_TRUE(b->s3.path_style);
  EXPECT_EQ(b->s3.remote_bucket, "rec");
  EXPECT_EQ(b->s3.public_url, "") << "filled by the server from the store's URL";
  EXPECT_EQ(b->s3.part_size_mb, 64);
  EXPECT_EQ(b->s3.timeout_ms, 30000);
}

TEST(S3BucketConfigTest, ReportsEveryProblemAtOnce) {
  auto config = Load(R"(
[[buckets]]
name = "bad-s3"
backend = "s3"
url = "http://127.0.0.1:9000/some/path"
region = "EU West"
secret_access_key = "x"
secret_access_key_env = "ALSO_SET"
path = "/srv/x"
remote_bucket = "A_B"
public_url = "ftp://x"
part_size_mb = 4
timeout_ms = 10
[[buckets]]
name = "no-url"
backend = "s3"
access_key_id_env = "UNSET_VARIABLE"
secret_access_key = "s"
[[buckets]]
name = "local-with-url"
url = "http://127.0.0.1:9000"
[[buckets]]
name = "vhost-ip"
backend = "s3"
url = "http://127.0.0.1:9000"
path_style = false
access_key_id = "k"
secret_access_key = "s"
[[buckets]]
name = "gcs"
backend = "gcs"
)",
                     {{"ALSO_SET", "y"}});
  ASSERT_FALSE(config);
  const std::string& detail = config.error().detail();
  for (const char* expected :
       {"buckets 'bad-s3': url must be http(s)://host[:port] without a path",
        "buckets 'bad-s3': region must be like",
        "buckets 'bad-s3': access_key_id (or access_key_id_env) is required",
        "buckets 'bad-s3': give secret_access_key or secret_access_key_env, not both",
        "buckets 'bad-s3': path is only for backend \"local\"",
        "buckets 'bad-s3': remote_bucket must be", "buckets 'bad-s3': public_url must start with",
        "buckets 'bad-s3': part_size_mb must be 5-5120",
        "buckets 'bad-s3': timeout_ms must be 1000-600000",
        "buckets 'no-url': url (the S3 endpoint, http(s)://host[:port]) is required",
        "buckets 'no-url': access_key_id_env names UNSET_VARIABLE, which is not set",
        "buckets 'local-with-url': url, credentials, remote_bucket and public_url are only for",
        "buckets 'vhost-ip': path_style = false needs a host name",
        "buckets 'gcs': backend must be \"local\" or \"s3\""}) {
    EXPECT_NE(detail.find(expected), std::string::npos) << expected << "\nin:" << detail;
  }
}

TEST(S3BucketConfigTest, ReservedNamesOnlyConcernLocalBucketsServedByLiverec) {
  auto config = Load(R"(
[[buckets]]
name = "metrics"
backend = "s3"
url = "http://127.0.0.1:9000"
access_key_id = "k"
secret_access_key = "s"
)");
  EXPECT_TRUE(config) << config.error().ToString();
}

}  // namespace
}  // namespace liverec::config

namespace liverec::config {
namespace {

TEST(BucketAccessConfigTest, EveryBucketIsPrivateByDefaultTheEmbeddedOneIncluded) {
  auto config = Load(R"(
[[buckets]]
name = "more"
)");
  ASSERT_TRUE(config) << config.error().ToString();
  for (const char* name : {"records", "more"}) {
    ASSERT_TRUE(Find(*config, name)) << name;
    EXPECT_EQ(Find(*config, name)->access, "private") << name;
    EXPECT_TRUE(Find(*config, name)->IsPrivate()) << name;
    EXPECT_EQ(Find(*config, name)->url_expiry_s, 3600) << name;
    EXPECT_EQ(Find(*config, name)->url_key, "") << name;
  }
}

TEST(BucketAccessConfigTest, ReadsAccessExpiryAndAKeyFromTheFileOrTheEnvironment) {
  auto config = Load(R"(
[[buckets]]
name = "records"
access = "public-read"

[[buckets]]
name = "signed"
url_expiry_s = 600
url_key_env = "SIGNED_URL_KEY"
)",
                     {{"SIGNED_URL_KEY", "abcdefghijklmnop0123"}});
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_FALSE(Find(*config, "records")->IsPrivate());
  const BucketConfig* signed_bucket = Find(*config, "signed");
  EXPECT_TRUE(signed_bucket->IsPrivate());
  EXPECT_EQ(signed_bucket->url_expiry_s, 600);
  EXPECT_EQ(signed_bucket->url_key, "abcdefghijklmnop0123");
}

TEST(BucketAccessConfigTest, ReportsBadAccessExpiryAndKeys) {
  auto config = Load(R"(
[[buckets]]
name = "one"
access = "public"
url_expiry_s = 0

[[buckets]]
name = "two"
url_expiry_s = 604801
url_key = "short"

[[buckets]]
name = "three"
url_key = "has-a-dash-and-is-long-enough"
url_key_env = "UNSET_URL_KEY"
)");
  ASSERT_FALSE(config);
  std::string text = config.error().ToString();
  for (const char* problem : {"buckets 'one': access must be \"private\" or \"public-read\"",
                              "buckets 'one': url_expiry_s must be 1-604800",
                              "buckets 'two': url_expiry_s must be 1-604800",
                              "buckets 'two': url_key must be 16-128 letters and digits",
                              "buckets 'three': give url_key or url_key_env, not both"}) {
    EXPECT_NE(text.find(problem), std::string::npos) << problem << "\nin: " << text;
  }
}

}  // namespace
}  // namespace liverec::config
