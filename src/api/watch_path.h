// The watch playlist's URL path (docs/api/watch.md): a live EVENT playlist of a stream's slices
// stored in one bucket, from a start time for at most kWatchWindowMs, served by liverec at
//   /_watch/<OssEndpoint>/<OssBucket>/<DomainName>/<AppName>/<StreamName>/<start, unix s>.m3u8
// and signed with that bucket's URL key, so the token names the stream, the bucket and the start
// and reaches nothing else. "_watch" is never a bucket name (bucket names are a-z 0-9 -).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace liverec::api {

inline constexpr std::string_view kWatchPathPrefix = "/_watch/";
// How long a watch playlist runs from its start: then it ends (#EXT-X-ENDLIST).
inline constexpr int64_t kWatchWindowMs = 6LL * 3600'000;

struct WatchTarget {
  std::string endpoint;
  std::string bucket;
  std::string domain;
  std::string app;
  std::string stream;
  int64_t start_s = 0;
};

// The decoded path of `target`.
std::string WatchPath(const WatchTarget& target);
// The same with each segment percent-encoded, for a URL.
std::string EncodedWatchPath(const WatchTarget& target);
// The target of a decoded path, or nullopt when it is not a watch path. The AppName is what lies
// between the domain and the last two segments (it may hold '/').
std::optional<WatchTarget> ParseWatchPath(std::string_view path);

}  // namespace liverec::api
