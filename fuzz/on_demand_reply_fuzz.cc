// The answer of a domain's OnDemandUrl (recorder/on_demand_reply.h): JSON from a server the
// customer runs, which decides whether and how a publish is recorded.
// Input: the reply body.
// Properties: no crash, leak or undefined behaviour; bodies over kMaxOnDemandReplyBytes are
// refused; what parses keeps its intervals within 5-21600 s and its names in lower case; the
// formats applied are configured ones, in the config's order, with the reply's interval.
#include <cctype>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "recorder/on_demand_reply.h"

using namespace liverec;
using namespace liverec::recorder;

namespace {

bool IsLower(const std::string& text) {
  for (unsigned char c : text) {
    if (std::isupper(c)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto reply = ParseOnDemandReply(body);
  if (!reply) return 0;
  FUZZ_CHECK(body.size() <= kMaxOnDemandReplyBytes);
  for (const auto& [format, seconds] : reply->interval_s) {
    FUZZ_CHECK(IsLower(format));
    FUZZ_CHECK(seconds >= kMinOnDemandIntervalS && seconds <= kMaxOnDemandIntervalS);
  }
  if (reply->formats) {
    for (const auto& format : *reply->formats) FUZZ_CHECK(IsLower(format));
  }
  const std::vector<metadata::RecordFormat> configured = {
      {"m3u8", "record/{AppName}/{StreamName}/{EscapedStartTime}", "{UnixTimestamp}_{Sequence}",
       3600, 30},
      {"mp4", "record/{AppName}/{StreamName}/{EscapedStartTime}", "", 1800, 0},
      {"flv", "record/{AppName}/{StreamName}/{EscapedStartTime}", "", 900, 0}};
  auto applied = ApplyOnDemandReply(configured, *reply);
  size_t at = 0;
  for (const auto& format : applied) {
    while (at < configured.size() && configured[at].format != format.format) ++at;
    FUZZ_CHECK(at < configured.size());  // a configured format, in the config's order
    if (auto it = reply->interval_s.find(format.format); it != reply->interval_s.end()) {
      FUZZ_CHECK(format.cycle_duration_s == it->second);
    } else {
      FUZZ_CHECK(format.cycle_duration_s == configured[at].cycle_duration_s);
    }
    ++at;
  }
  return 0;
}
