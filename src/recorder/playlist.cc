#include "recorder/playlist.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "base/percent_encoding.h"

namespace liverec::recorder {
namespace {

// The '/'-separated parts of `path`.
std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    auto slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

}  // namespace

std::string BuildPlaylist(const std::vector<PlaylistSegment>& segments, int64_t media_sequence,
                          bool ended) {
  int64_t target = 1;
  size_t uri_bytes = 0;
  for (const auto& s : segments) {
    target = std::max(target, (s.duration_ms + 999) / 1000);
    uri_bytes += s.uri.size();
  }
  std::string out;
  out.reserve(160 + uri_bytes + segments.size() * 24);
  auto sink = std::back_inserter(out);
  fmt::format_to(sink,
                 "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{}\n#EXT-X-MEDIA-SEQUENCE:{}\n"
                 "#EXT-X-PLAYLIST-TYPE:{}\n",
                 target, media_sequence, ended ? "VOD" : "EVENT");
  for (const auto& s : segments) {
    if (s.discontinuity) out += "#EXT-X-DISCONTINUITY\n";
    fmt::format_to(sink, "#EXTINF:{:.3f},\n", static_cast<double>(s.duration_ms) / 1000.0);
    out += s.uri;
    out += '\n';
  }
  if (ended) out += "#EXT-X-ENDLIST\n";
  return out;
}

std::string RelativeUri(const std::string& from_key, const std::string& target_key) {
  return RelativeUriMaker(from_key).Make(target_key);
}

RelativeUriMaker::RelativeUriMaker(std::string_view from_key) {
  auto parts = Split(from_key);
  parts.pop_back();  // the playlist's own name
  from_dirs_.assign(parts.begin(), parts.end());
}

std::string RelativeUriMaker::Make(std::string_view target_key) {
  size_t slash = target_key.rfind('/');
  std::string_view dir =
      slash == std::string_view::npos ? std::string_view() : target_key.substr(0, slash + 1);
  std::string_view name = target_key.substr(dir.size());
  if (!has_last_ || dir != last_dir_) {
    auto target_dirs = dir.empty() ? std::vector<std::string_view>() : Split(dir.substr(0, slash));
    size_t common = 0;
    while (common < from_dirs_.size() && common < target_dirs.size() &&
           from_dirs_[common] == target_dirs[common]) {
      ++common;
    }
    last_prefix_.clear();
    for (size_t i = common; i < from_dirs_.size(); ++i) last_prefix_ += "../";
    for (size_t i = common; i < target_dirs.size(); ++i) {
      last_prefix_ += PopEncode(target_dirs[i]);
      last_prefix_ += '/';
    }
    last_dir_.assign(dir);
    has_last_ = true;
  }
  return last_prefix_ + PopEncode(name);
}

}  // namespace liverec::recorder
