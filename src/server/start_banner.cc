#include "server/start_banner.h"

#include <fmt/format.h>

#include "base/build_info.h"
#include "metadata/open_database.h"

namespace liverec::server {

std::string BucketBannerLine(const config::BucketConfig& bucket, const StartInfo& info,
                             const std::string& http_base) {
  std::string line =
      fmt::format("Bucket: OssEndpoint={} OssBucket={} -> ", bucket.endpoint, bucket.name);
  if (bucket.backend == "s3") {
    const auto& s3 = bucket.s3;
    auto url = info.bucket_urls.find({bucket.endpoint, bucket.name});
    std::string record_base = url == info.bucket_urls.end() ? s3.public_url : url->second;
    if (bucket.IsPrivate()) {
      return line + fmt::format(
                        "S3 bucket {} at {} ({}), private: RecordUrls presigned at the service "
                        "(not served by liverec)",
                        s3.remote_bucket, s3.url, s3.path_style ? "path-style" : "virtual-hosted");
    }
    return line + fmt::format(
                      "S3 bucket {} at {} ({}), public-read: RecordUrl {}/<key> (not served by "
                      "liverec)",
                      s3.remote_bucket, s3.url, s3.path_style ? "path-style" : "virtual-hosted",
                      record_base);
  }
  if (bucket.endpoint != "local") {
    return line + bucket.path + " (not served over HTTP: only OssEndpoint=local buckets are)";
  }
  return line +
         fmt::format("{}, served at {}{}/<key>, {}", bucket.path, http_base, bucket.name,
                     bucket.IsPrivate() ? "private: signed URLs only" : "public-read: plain URLs");
}

std::string StartBanner(const config::Config& config, const StartInfo& info,
                        const std::string& program, const std::optional<std::string>& config_file) {
  std::string url = "http://" + info.http_address + "/";
  std::string out = fmt::format(
      "liverec {} is running\nHTTP API listening on {}\nData dir: {} ({})\n", BuildVersion(), url,
      config.data_dir, metadata::DescribeDatabase(config.database));
  for (const auto& bucket : config.buckets) out += BucketBannerLine(bucket, info, url) + "\n";
  out += fmt::format("RTMP ingest listening on rtmp://{}/<app>/<stream>?vhost=<domain>\n",
                     info.rtmp_address);
  out += fmt::format("Console: {}console/ (sign in with the AccessKey below)\n", url);
  out += fmt::format("AccessKeyId: {}\n", info.credentials.access_key_id);
  if (info.credentials.created) {
    out += fmt::format("AccessKeySecret: {}\n", info.credentials.access_key_secret);
  } else {
    out += fmt::format("AccessKeySecret: (see {})\n", CredentialsPath(config.data_dir));
  }
  bool any_private = false;
  for (const auto& bucket : config.buckets) any_private |= bucket.IsPrivate();
  if (any_private) {
    out += fmt::format(
        "Play a recording: the API's RecordUrl, or {} url{} --data-dir {} --public-url {} "
        "--key <key> [--bucket <name>]\n",
        program, config_file ? " --config " + *config_file : "", config.data_dir,
        url.substr(0, url.size() - 1));
  }
  out += fmt::format(
      "Try: {} call --data-dir {} --endpoint {} DescribeLiveRecordConfig "
      "DomainName=example.com\n",
      program, config.data_dir, url);
  return out;
}

}  // namespace liverec::server
