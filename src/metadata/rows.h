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
  std::string endpoint;  // "local" or an S3 endpoint
  std::string bucket_name;
  std::string backend;   // "local" | "s3"
  std::string location;  // local: directory; s3: endpoint URL
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

struct StreamRow {
  std::string account_id;
  std::string id;
  std::string domain_name;
  std::string app_name;
  std::string stream_name;
  int64_t first_seen_ms = 0;
  int64_t last_publish_ms = 0;
};

// kOpen: slices join it. kClosing: no slice joins it any more (its CycleDuration was reached, its
// DelayTime passed, or it was closed on command) and its files are being written; a crash leaves it
// to be closed at the next start. kClosed: its files are stored.
enum class CycleState { kOpen, kClosing, kClosed };

// One recording file being built (m3u8 now; mp4/flv later) for one stream and config.
struct RecordCycleRow {
  std::string account_id;
  std::string id;
  std::string stream_id;
  std::string config_id;
  std::string format;
  int64_t sequence = 0;     // {Sequence} of this file
  std::string config_json;  // snapshot of the config (bucket, templates, durations, delay)
  CycleState state = CycleState::kOpen;
  bool live = false;                // a publisher is feeding it now
  std::optional<int64_t> start_ms;  // UTC start of its first slice
  std::optional<int64_t> end_ms;    // UTC end of its last slice
  int64_t last_activity_ms = 0;     // when it last got a slice or lost its publisher
  std::string object_key;           // set when closed
  std::optional<int64_t> closed_at_ms;
};

// One stored TS slice: the slice index.
struct SliceRow {
  std::string account_id;
  std::string stream_id;
  int64_t start_ms = 0;  // UTC
  int64_t end_ms = 0;
  int64_t duration_ms = 0;
  int64_t bytes = 0;
  std::string endpoint;
  std::string bucket;
  std::string object_key;
  std::string video_codec;  // "" when the stream has no video
  std::string audio_codec;
  int width = 0;
  int height = 0;
  int64_t sequence = 0;
  std::string cycle_id;        // "" when not part of an m3u8 cycle
  bool discontinuity = false;  // a gap or a codec change precedes it
};

// An M3U8 index file: made by CreateLiveStreamRecordIndexFiles ("index") or a closed record
// cycle ("cycle").
struct IndexFileRow {
  std::string account_id;
  std::string id;  // RecordId
  std::string stream_id;
  std::string source;
  std::string endpoint;
  std::string bucket;
  std::string object_key;
  std::string format = "m3u8";
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t duration_ms = 0;
  int width = 0;
  int height = 0;
  int64_t created_at_ms = 0;
  // Whether its file_created event is in the callback outbox (or nobody is to be told). A cycle's
  // playlist is written false and marked after the enqueue; index files made by the API are true.
  bool announced = true;
};

}  // namespace liverec::metadata
