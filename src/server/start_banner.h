// StartBanner: what `liverec serve` prints on stdout once it serves — the addresses, the data
// directory, where each bucket's recordings go and where they can be fetched, the AccessKey and
// a ready-to-paste `liverec call` line. Tests and scripts read the "HTTP API listening on" and
// "RTMP ingest listening on" lines.
// Each bucket line tells the truth for its kind: a local bucket's directory and, when liverec
// serves it (OssEndpoint "local"), its URL; an S3 bucket's service, remote bucket and the base of
// its RecordUrls (liverec does not serve S3 buckets).
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"
#include "server/server.h"

namespace liverec::server {

// One "Bucket: ..." line, without the newline. `http_base` is "http://<bound address>/".
std::string BucketBannerLine(const config::BucketConfig& bucket, const StartInfo& info,
                             const std::string& http_base);

// The whole banner, lines ending in "\n". `program` is argv[0] and `config_file` the --config
// given, for the `url` and `call` lines.
std::string StartBanner(const config::Config& config, const StartInfo& info,
                        const std::string& program,
                        const std::optional<std::string>& config_file = std::nullopt);

}  // namespace liverec::server
