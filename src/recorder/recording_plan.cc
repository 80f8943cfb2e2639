#include "recorder/recording_plan.h"

#include <stdexcept>
#include <utility>

#include "storage/object_key_template.h"

namespace liverec::recorder {
namespace {

// The integer `j[key]` as a T: a JSON integer within T's range, else an exception (caught as
// "malformed" below). nlohmann would convert a float too, and converting one beyond T's range
// (1e300) is undefined behaviour.
template <typename T>
T IntegerAt(const nlohmann::json& j, const char* key) {
  const nlohmann::json& v = j.at(key);
  if (v.is_number_unsigned() && std::in_range<T>(v.get<uint64_t>())) return v.get<T>();
  if (v.is_number_integer() && !v.is_number_unsigned() && std::in_range<T>(v.get<int64_t>())) {
    return v.get<T>();
  }
  throw std::invalid_argument(std::string(key) + " is not an integer in range");
}

template <typename T>
T IntegerOr(const nlohmann::json& j, const char* key, T fallback) {
  return j.contains(key) ? IntegerAt<T>(j, key) : fallback;
}

}  // namespace

std::optional<std::string> CheckPlanKeys(const RecordingPlan& plan) {
  if (plan.Has("m3u8")) {
    if (auto problem =
            storage::CheckRenderedKey(plan.slice_template, plan.app, plan.stream, "_99.ts")) {
      return "slice names (SliceOssObjectPrefix): " + *problem;
    }
  }
  for (const auto& f : plan.formats) {
    // MP4/FLV: a cycle's later parts add `_p<part>` (see PartSuffix); 4 digits are checked.
    std::string widest_tail = (f.format == "m3u8" ? "" : "_p9999") + std::string("_99.");
    if (auto problem = storage::CheckRenderedKey(f.object_template, plan.app, plan.stream,
                                                 widest_tail + f.format)) {
      return f.format + " file names (OssObjectPrefix): " + *problem;
    }
  }
  return std::nullopt;
}

Result<RecordingPlan> PlanOfCycleRow(const metadata::RecordCycleRow& cycle) {
  return PlanFromJson(nlohmann::json::parse(cycle.config_json, nullptr, false));
}

const PlanFormat* RecordingPlan::Find(std::string_view format) const {
  for (const auto& f : formats) {
    if (f.format == format) return &f;
  }
  return nullptr;
}

nlohmann::json ToJson(const RecordingPlan& p) {
  nlohmann::json formats = nlohmann::json::array();
  for (const auto& f : p.formats) {
    formats.push_back({{"format", f.format},
                       {"object_template", f.object_template},
                       {"cycle_duration_s", f.cycle_duration_s}});
  }
  return {{"formats", std::move(formats)},
          {"push_args", p.push_args},
          {"account_id", p.account_id},
          {"stream_id", p.stream_id},
          {"config_id", p.config_id},
          {"domain", p.domain},
          {"app", p.app},
          {"stream", p.stream},
          {"endpoint", p.endpoint},
          {"bucket", p.bucket},
          {"playlist_template", p.playlist_template},
          {"slice_template", p.slice_template},
          {"cycle_duration_s", p.cycle_duration_s},
          {"slice_duration_s", p.slice_duration_s},
          {"delay_time_s", p.delay_time_s},
          {"time_zone_minutes", p.time_zone_minutes}};
}

Result<RecordingPlan> PlanFromJson(const nlohmann::json& j) {
  try {
    RecordingPlan p;
    p.account_id = j.at("account_id").get<std::string>();
    p.stream_id = j.at("stream_id").get<std::string>();
    p.config_id = j.at("config_id").get<std::string>();
    p.domain = j.at("domain").get<std::string>();
    p.app = j.at("app").get<std::string>();
    p.stream = j.at("stream").get<std::string>();
    p.endpoint = j.at("endpoint").get<std::string>();
    p.bucket = j.at("bucket").get<std::string>();
    p.playlist_template = j.at("playlist_template").get<std::string>();
    p.slice_template = j.at("slice_template").get<std::string>();
    p.cycle_duration_s = IntegerAt<int64_t>(j, "cycle_duration_s");
    p.slice_duration_s = IntegerAt<int64_t>(j, "slice_duration_s");
    p.delay_time_s = IntegerAt<int64_t>(j, "delay_time_s");
    p.time_zone_minutes = IntegerOr<int>(j, "time_zone_minutes", 0);
    if (j.contains("push_args")) {
      p.push_args = j.at("push_args").get<std::map<std::string, std::string>>();
    }
    if (!j.contains("formats")) {  // written before MP4/FLV: m3u8 only
      p.formats.push_back({"m3u8", p.playlist_template, p.cycle_duration_s});
      return p;
    }
    for (const auto& f : j.at("formats")) {
      p.formats.push_back({f.at("format").get<std::string>(),
                           f.at("object_template").get<std::string>(),
                           IntegerAt<int64_t>(f, "cycle_duration_s")});
    }
    return p;
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternalError, "",
                 std::string("malformed recording plan: ") + e.what());
  }
}

nlohmann::json ToJson(const SpoolSlice& s) {
  return {{"plan", ToJson(s.plan)},
          {"id", s.id},
          {"start_ms", s.start_ms},
          {"end_ms", s.end_ms},
          {"first_dts_ms", s.first_dts_ms},
          {"video_codec", s.video_codec},
          {"audio_codec", s.audio_codec},
          {"width", s.width},
          {"height", s.height},
          {"discontinuity", s.discontinuity},
          {"publish_start", s.publish_start},
          {"torn", s.torn},
          {"closed", s.closed},
          {"sequence", s.sequence}};
}

Result<SpoolSlice> SpoolSliceFromJson(const nlohmann::json& j) {
  try {
    SpoolSlice s;
    auto plan = PlanFromJson(j.at("plan"));
    if (!plan) return Error(plan.error());
    s.plan = std::move(*plan);
    s.id = j.at("id").get<std::string>();
    s.start_ms = IntegerAt<int64_t>(j, "start_ms");
    s.end_ms = IntegerAt<int64_t>(j, "end_ms");
    s.first_dts_ms = IntegerAt<int64_t>(j, "first_dts_ms");
    s.video_codec = j.at("video_codec").get<std::string>();
    s.audio_codec = j.at("audio_codec").get<std::string>();
    s.width = IntegerAt<int>(j, "width");
    s.height = IntegerAt<int>(j, "height");
    s.discontinuity = j.at("discontinuity").get<bool>();
    s.publish_start = j.value("publish_start", false);
    s.torn = j.value("torn", false);
    s.closed = j.at("closed").get<bool>();
    s.sequence = IntegerOr<int64_t>(j, "sequence", -1);
    return s;
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternalError, "",
                 std::string("malformed spool sidecar: ") + e.what());
  }
}

}  // namespace liverec::recorder
