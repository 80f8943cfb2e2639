#include "recorder/playlist.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "base/percent_encoding.h"

namespace liverec::recorder {
namespace {

std::vector<std::string> Split(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    auto slash = key.find('/', start);
    parts.push_back(key.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

}  // namespace

std::string BuildPlaylist(const std::vector<PlaylistSegment>& segments, int64_t media_sequence,
                          bool ended) {
  int64_t target = 1;
  for (const auto& s : segments) target = std::max(target, (s.duration_ms + 999) / 1000);
  std::string out = fmt::format(
      "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{}\n#EXT-X-MEDIA-SEQUENCE:{}\n"
      "#EXT-X-PLAYLIST-TYPE:{}\n",
      target, media_sequence, ended ? "VOD" : "EVENT");
  for (const auto& s : segments) {
    if (s.discontinuity) out += "#EXT-X-DISCONTINUITY\n";
    out += fmt::format("#EXTINF:{:.3f},\n{}\n", static_cast<double>(s.duration_ms) / 1000.0, s.uri);
  }
  if (ended) out += "#EXT-X-ENDLIST\n";
  return out;
}

std::string RelativeUri(const std::string& from_key, const std::string& target_key) {
  auto from = Split(from_key);
  auto target = Split(target_key);
  from.pop_back();  // the playlist's own name
  size_t common = 0;
  while (common < from.size() && common + 1 < target.size() && from[common] == target[common]) {
    ++common;
  }
  std::string uri;
  for (size_t i = common; i < from.size(); ++i) uri += "../";
  for (size_t i = common; i < target.size(); ++i) {
    uri += PopEncode(target[i]);
    if (i + 1 < target.size()) uri += '/';
  }
  return uri;
}

}  // namespace liverec::recorder
