// The start banner says, for each kind of bucket, what is true: where its recordings go and
// where they can be fetched.
#include "server/start_banner.h"

#include <gtest/gtest.h>

namespace liverec::server {
namespace {

config::BucketConfig LocalBucket() {
  return config::BucketConfig{.name = "recs", .path = "/srv/recs"};
}

config::BucketConfig S3Bucket() {
  config::BucketConfig bucket{.endpoint = "s3.example.com", .name = "cloud", .backend = "s3"};
  bucket.s3.url = "http://127.0.0.1:9000";
  bucket.s3.remote_bucket = "acme-cloud";
  return bucket;
}

StartInfo Info() {
  StartInfo info{"127.0.0.1:28080", "127.0.0.1:1935", {"LTAIexample", "secret", true}, {}};
  info.bucket_urls[{"s3.example.com", "cloud"}] = "http://127.0.0.1:9000/acme-cloud";
  return info;
}

TEST(StartBannerTest, ALocalBucketShowsItsDirectoryAndTheUrlItIsServedAt) {
  EXPECT_EQ(BucketBannerLine(LocalBucket(), Info(), "http://127.0.0.1:28080/"),
            "Bucket: OssEndpoint=local OssBucket=recs -> /srv/recs, served at "
            "http://127.0.0.1:28080/recs/<key>, private: signed URLs only");
  config::BucketConfig open = LocalBucket();
  open.access = "public-read";
  EXPECT_EQ(BucketBannerLine(open, Info(), "http://127.0.0.1:28080/"),
            "Bucket: OssEndpoint=local OssBucket=recs -> /srv/recs, served at "
            "http://127.0.0.1:28080/recs/<key>, public-read: plain URLs");
}

TEST(StartBannerTest, AnS3BucketShowsItsServiceAndRecordUrlsAndNoLocalPathOrUrl) {
  config::BucketConfig open = S3Bucket();
  open.access = "public-read";
  std::string line = BucketBannerLine(open, Info(), "http://127.0.0.1:28080/");
  EXPECT_EQ(line,
            "Bucket: OssEndpoint=s3.example.com OssBucket=cloud -> S3 bucket acme-cloud at "
            "http://127.0.0.1:9000 (path-style), public-read: RecordUrl "
            "http://127.0.0.1:9000/acme-cloud/<key> (not served by liverec)");
  EXPECT_EQ(BucketBannerLine(S3Bucket(), Info(), "http://127.0.0.1:28080/"),
            "Bucket: OssEndpoint=s3.example.com OssBucket=cloud -> S3 bucket acme-cloud at "
            "http://127.0.0.1:9000 (path-style), private: RecordUrls presigned at the service "
            "(not served by liverec)");
  EXPECT_EQ(line.find("28080"), std::string::npos) << "no URL of liverec: it would be a 404";
  EXPECT_EQ(line.find("-> ,"), std::string::npos) << "no empty path";
}

TEST(StartBannerTest, ALocalBucketUnderAnotherEndpointIsSaidNotToBeServed) {
  config::BucketConfig bucket = LocalBucket();
  bucket.endpoint = "archive";
  std::string line = BucketBannerLine(bucket, Info(), "http://127.0.0.1:28080/");
  EXPECT_EQ(line,
            "Bucket: OssEndpoint=archive OssBucket=recs -> /srv/recs (not served over "
            "HTTP: only OssEndpoint=local buckets are)");
}

TEST(StartBannerTest, TheBannerHasTheLinesScriptsReadAndEveryBucket) {
  config::Config config;
  config.data_dir = "/srv/data";
  config.database.path = "/srv/data/liverec.db";
  config.buckets = {LocalBucket(), S3Bucket()};
  std::string banner = StartBanner(config, Info(), "liverec");
  EXPECT_NE(banner.find("\nHTTP API listening on http://127.0.0.1:28080/\n"), std::string::npos)
      << banner;
  EXPECT_NE(banner.find("\nRTMP ingest listening on rtmp://127.0.0.1:1935/"), std::string::npos);
  EXPECT_NE(banner.find("OssBucket=recs -> /srv/recs,"), std::string::npos) << banner;
  EXPECT_NE(banner.find("OssBucket=cloud -> S3 bucket acme-cloud"), std::string::npos) << banner;
  EXPECT_NE(banner.find("AccessKeySecret: secret\n"), std::string::npos) << "shown when made now";
  EXPECT_NE(banner.find("\nConsole: http://127.0.0.1:28080/console/ (sign in with the AccessKey "
                        "below)\n"),
            std::string::npos)
      << banner;
  EXPECT_NE(banner.find("\nPlay a recording: the API's RecordUrl, or liverec url --data-dir "
                        "/srv/data --public-url http://127.0.0.1:28080 --key <key>"),
            std::string::npos)
      << banner;
  EXPECT_NE(StartBanner(config, Info(), "liverec", "/etc/liverec.toml")
                .find("liverec url --config /etc/liverec.toml --data-dir"),
            std::string::npos);
  EXPECT_TRUE(
      banner.ends_with("--endpoint http://127.0.0.1:28080/ DescribeLiveRecordConfig "
                       "DomainName=example.com\n"))
      << banner;
}

TEST(StartBannerTest, TheDatabaseIsNamedWithThePasswordMasked) {
  config::Config config;
  config.data_dir = "/srv/data";
  config.database.path = "/srv/data/liverec.db";
  EXPECT_NE(StartBanner(config, Info(), "liverec")
                .find("Data dir: /srv/data (SQLite "
                      "/srv/data/liverec.db)\n"),
            std::string::npos);
  config.database.url = "postgresql://rec:s3cret@db.internal:5432/liverec?sslmode=require";
  std::string banner = StartBanner(config, Info(), "liverec");
  EXPECT_NE(
      banner.find("(PostgreSQL postgresql://rec:***@db.internal:5432/liverec?sslmode=require)"),
      std::string::npos)
      << banner;
  EXPECT_EQ(banner.find("s3cret"), std::string::npos) << banner;
}

}  // namespace
}  // namespace liverec::server
