// RecordingPlan: what a recording task needs from its config, frozen when the stream starts
// (config changes apply to streams published later, spec §4). Stored as JSON with each spool
// slice and each cycle, so recovery after a restart needs nothing else.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "metadata/rows.h"

namespace liverec::recorder {

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
  int time_zone_minutes = 0;  // object-name times: UTC + this
};

nlohmann::json ToJson(const RecordingPlan& plan);
Result<RecordingPlan> PlanFromJson(const nlohmann::json& json);

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
  bool closed = false;
};

nlohmann::json ToJson(const SpoolSlice& slice);
Result<SpoolSlice> SpoolSliceFromJson(const nlohmann::json& json);

}  // namespace liverec::recorder
