// Row structs of the metadata store: plain values, one per table or aggregate.
// Times are int64 UTC milliseconds; durations are seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace liverec::metadata {

struct AccountRow {
  std::string id;
  std::string name;
  int64_t created_at_ms = 0;
};

struct AccessKeyRow {
  std::string access_key_id;
  std::string account_id;
  std::string secret;
  bool enabled = true;
  int64_t created_at_ms = 0;
};

struct DomainRow {
  std::string account_id;
  std::string domain_name;
  std::vector<std::string> aliases;  // ingest domains that publish into this domain
};

struct BucketRow {
  std::string account_id;
  std::string endpoint;     // "local" or an S3 endpoint
  std::string bucket_name;
  std::string backend;      // "local" | "s3"
  std::string location;     // local: directory; s3: endpoint URL
};

struct RecordFormat {
  std::string format;  // m3u8 | mp4 | flv
  std::string oss_object_prefix;
  std::string slice_oss_object_prefix;  // "" unless m3u8
  int cycle_duration_s = 0;
  int slice_duration_s = 0;
};

struct RecordConfig {
  std::string account_id;
  std::string id;
  std::string domain_name;
  std::string app_name;
  std::string stream_name;  // "" = app-level, "*" = any stream
  std::string oss_endpoint;
  std::string oss_bucket;
  int on_demand = 0;
  int delay_time_s = 180;
  std::optional<int64_t> start_time_ms;
  std::optional<int64_t> end_time_ms;
  std::vector<RecordFormat> formats;
  std::vector<RecordFormat> transcode_formats;
  std::vector<std::string> transcode_templates;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

}  // namespace liverec::metadata
