// RecordingPlan: what a recording task needs from its config, frozen when the stream starts
// (config changes apply to streams published later). Stored as JSON with each spool
// slice and each cycle, so recovery after a restart needs nothing else.
//
// JSON compatibility: plans written before MP4/FLV recording have no "formats" list; they read
// as m3u8 only, from playlist_template and cycle_duration_s. New plans write "formats" and keep
// the old m3u8 fields (empty playlist_template when m3u8 is not configured).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "metadata/rows.h"

namespace liverec::recorder {

// One configured recording format: its own file template and cycle length.
struct PlanFormat {
  std::string format;           // m3u8 | mp4 | flv
  std::string object_template;  // OssObjectPrefix
  int64_t cycle_duration_s = 21600;
  friend bool operator==(const PlanFormat&, const PlanFormat&) = default;
};

struct RecordingPlan {
  std::string account_id;
  std::string stream_id;
  std::string config_id;
  std::string domain;
  std::string app;
  std::string stream;
  std::string endpoint;
  std::string bucket;
  std::string playlist_template;  // m3u8 OssObjectPrefix
  std::string slice_template;     // SliceOssObjectPrefix
  int64_t cycle_duration_s = 21600;
  int64_t slice_duration_s = 30;
  int64_t delay_time_s = 180;
  int time_zone_minutes = 0;        // object-name times: UTC + this
  std::vector<PlanFormat> formats;  // every configured format; slices are shared by all
  // The publish's callback_* arguments, echoed as push_args in file_created.
  std::map<std::string, std::string> push_args;

  const PlanFormat* Find(std::string_view format) const;
  bool Has(std::string_view format) const { return Find(format) != nullptr; }
  // Whether an MP4 or FLV cycle uses the slices (they are then held in the spool).
  bool ComposesFiles() const { return Has("mp4") || Has("flv"); }
};

nlohmann::json ToJson(const RecordingPlan& plan);
Result<RecordingPlan> PlanFromJson(const nlohmann::json& json);
// The plan a cycle was opened with (its config snapshot, `record_cycles.config_json`).
Result<RecordingPlan> PlanOfCycleRow(const metadata::RecordCycleRow& cycle);

// Why this publish's app and stream names cannot give valid object keys with the plan's
// templates (e.g. a long stream name makes a key of 256 bytes or more), or nullopt. Checks the
// slice template and every format's template with the widest times, sequence numbers, the
// `_p9999` of an MP4/FLV cycle's later part and the `_99` a key takes when its name is taken.
std::optional<std::string> CheckPlanKeys(const RecordingPlan& plan);

// A slice in the spool: described by a sidecar `<id>.json` next to `<id>.ts.part` (being written)
// or `<id>.ts` (closed).
struct SpoolSlice {
  RecordingPlan plan;
  std::string id;
  int64_t start_ms = 0;  // UTC
  int64_t end_ms = 0;    // UTC; 0 while open
  int64_t first_dts_ms = 0;
  std::string video_codec;
  std::string audio_codec;
  int width = 0;
  int height = 0;
  bool discontinuity = false;
  bool publish_start = false;  // the first slice of a publish (a republish resumes a cycle)
  bool torn = false;           // cut short by a crash, made whole by recovery
  bool closed = false;
  // The {Sequence} of the slice's object, once taken (-1: not yet). Kept in the sidecar, so
  // retries and recovery store the slice under the number it was given first.
  int64_t sequence = -1;
  // Not kept in the sidecar: the sequence was taken as the slice closed (with its closed sidecar,
  // one write for both) and no attempt to store the slice was made since.
  bool sequence_at_close = false;
};

nlohmann::json ToJson(const SpoolSlice& slice);
Result<SpoolSlice> SpoolSliceFromJson(const nlohmann::json& json);

}  // namespace liverec::recorder
