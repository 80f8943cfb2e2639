// M3U8 playlists (RFC 8216) for recorded cycles: a VOD playlist over stored slices, with
// relative, percent-encoded segment URIs. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace liverec::recorder {

struct PlaylistSegment {
  std::string uri;
  int64_t duration_ms = 0;
  bool discontinuity = false;  // #EXT-X-DISCONTINUITY before it
};

// #EXTM3U, VERSION 3, TARGETDURATION (max rounded up), MEDIA-SEQUENCE, PLAYLIST-TYPE:VOD, the
// segments, and #EXT-X-ENDLIST when `ended`.
std::string BuildPlaylist(const std::vector<PlaylistSegment>& segments, int64_t media_sequence,
                          bool ended);

// The URI of `target_key` relative to the object `from_key` (both keys of one bucket), each
// path segment percent-encoded (RFC 3986), e.g. ("r/a/p.m3u8", "r/b/1.ts") -> "../b/1.ts".
std::string RelativeUri(const std::string& from_key, const std::string& target_key);

// RelativeUri from one playlist to many slices: splits `from_key` once and, while consecutive
// targets share a directory, reuses that directory's encoded part (a cycle's slices usually do).
class RelativeUriMaker {
 public:
  explicit RelativeUriMaker(std::string_view from_key);
  std::string Make(std::string_view target_key);

 private:
  std::vector<std::string> from_dirs_;  // the playlist's directories, outermost first
  std::string last_dir_;                // the directory part of the previous target ("a/b/")
  std::string last_prefix_;             // its relative, encoded form
  bool has_last_ = false;
};

}  // namespace liverec::recorder
