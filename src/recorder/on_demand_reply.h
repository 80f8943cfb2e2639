// OnDemandReply: the answer of a domain's OnDemandUrl and how it shapes a recording
// (docs/recording.md, On-demand recording).
// Pure functions, no I/O. Thread-safety: all thread-safe.
//
//   {"ApiVersion": "1.0", "NeedRecord": true, "Interval": {"Mp4": 300, "M3U8": 180},
//    "Format": ["mp4", "flv"]}
//
// Parsing rules (docs/recording.md, "On-demand recording"):
//  * the body must be a JSON object of at most kMaxOnDemandReplyBytes bytes (the cloud truncates
//    longer replies, which then fail to parse; liverec refuses them outright);
//  * `NeedRecord` is required and must be a JSON boolean;
//  * `Interval`, when present, is an object of format -> seconds; keys match case-insensitively
//    (`Mp4`, `MP4`, `mp4`), unknown keys are ignored, each value must be a number and is clamped
//    into 5-21600 s;
//  * `Format`, when present, is an array of strings, matched case-insensitively; unknown names
//    are ignored;
//  * `ApiVersion` and any other field are ignored.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "metadata/rows.h"

namespace liverec::recorder {

inline constexpr size_t kMaxOnDemandReplyBytes = 2048;
inline constexpr int kMinOnDemandIntervalS = 5;
inline constexpr int kMaxOnDemandIntervalS = 21600;

struct OnDemandReply {
  bool need_record = false;
  std::map<std::string, int> interval_s;            // lower-case format -> cycle seconds
  std::optional<std::vector<std::string>> formats;  // lower-case; nullopt: every configured one
};

// A malformed reply is InvalidParameter with the reason as its message.
Result<OnDemandReply> ParseOnDemandReply(std::string_view body);

// The config's formats that the reply keeps (`Format` intersected with them, in the config's
// order), each with its CycleDuration replaced by the reply's `Interval` when given. Empty when
// no configured format is left: the stream is then not recorded.
std::vector<metadata::RecordFormat> ApplyOnDemandReply(
    const std::vector<metadata::RecordFormat>& configured, const OnDemandReply& reply);

}  // namespace liverec::recorder
