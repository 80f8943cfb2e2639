// UTC time stamps in the API's text form, `yyyy-MM-ddTHH:mm:ssZ` (ISO 8601), to and
// from int64 UTC milliseconds. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace liverec {

// "2026-01-01T00:00:00Z" (milliseconds are dropped).
std::string FormatIsoUtc(int64_t utc_ms);
// "2026-01-02-15:04:05" with `time_separator` ':' ({StartTime} in object names), or
// "2026-01-02-15-04-05" with '-' ({EscapedStartTime}).
std::string FormatObjectNameTime(int64_t utc_ms, char time_separator);
// Parses `yyyy-MM-ddTHH:mm:ssZ`, also with a fraction (`…:ss.123Z`). Anything else, or a field
// out of range (month 13, Feb 30), yields nullopt.
std::optional<int64_t> ParseIsoUtc(std::string_view text);

}  // namespace liverec
