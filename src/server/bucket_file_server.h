// BucketFileServer: answers `GET`/`HEAD /<bucket>/<key>` from the directories of local buckets,
// so recording URLs play (docs/object-keys.md). It resolves the file and the byte range; the
// net layer streams the files (or file slices) named by HttpResponse::file_path.
//
// Byte ranges (RFC 9110 §14): every answer says `Accept-Ranges: bytes`. A GET with one range
// (`bytes=a-b`, `bytes=a-`, `bytes=-n`) gets 206 with `Content-Range: bytes a-b/size` and the
// bytes in the body when the range is at most kMaxRangeBodyBytes; a larger range names the
// slice of file_path (file_offset, file_length) for the net layer to stream.
// Answered with the whole file: several ranges, an unknown unit or bad syntax, a HEAD, a
// request with If-Range (we send no validators), an empty file. A range starting at or past the
// end: 416 with `Content-Range: bytes */size`.
// Unknown bucket, invalid key (storage::CheckObjectKey), missing file or a folder: 404. No
// symbolic link is followed: a key that is a link, or runs through a linked folder, is 404 too
// (storage::OpenBeneath), so a link planted in a bucket cannot serve files from outside it. The
// file is sent from the descriptor checked here (HttpResponse::file_descriptor). Other
// methods: 405 with `Allow: GET, HEAD`. Playlists (.m3u8) carry `Cache-Control: no-cache`.
//
// Thread-safety: Serve may be called from many worker threads at once; it blocks on disk.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_message.h"

namespace liverec::server {

// Largest range read into the response body. TODO(lead): once the net layer can stream a slice
// of a file, serve every range that way and drop this limit.
inline constexpr uint64_t kMaxRangeBodyBytes = uint64_t{8} * 1024 * 1024;

// Largest playlist rewritten as it is served (a day of 1 s slices is ~6 MB); a larger one is
// refused with 500 rather than served without its tokens.
inline constexpr uint64_t kMaxRewrittenPlaylistBytes = uint64_t{64} * 1024 * 1024;

// An inclusive byte range [first, last] of a representation.
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t Length() const { return last - first + 1; }
  bool operator==(const ByteRange&) const = default;
};

// What a Range header asks of a representation of `size` bytes.
struct RangeSelection {
  enum class Kind {
    kWhole,          // no usable single range: send everything (200)
    kRange,          // send `range` (206)
    kUnsatisfiable,  // 416
  };
  Kind kind = Kind::kWhole;
  ByteRange range;
};

// Interprets the value of a Range header (RFC 9110 §14.1.1, §14.2) for `size` bytes. A last-pos
// past the end is clamped to size - 1; a suffix longer than the file selects the whole file.
RangeSelection SelectRange(std::string_view header, uint64_t size);

// Decodes %XX escapes of a URL path. Unlike form decoding, '+' stays '+'. A malformed escape is
// kept literally.
std::string PercentDecodePath(std::string_view path);

// The Content-Type served for `key`, by extension (case-insensitive).
std::string ContentTypeForKey(std::string_view key);

class BucketFileServer {
 public:
  // `buckets` maps a bucket name to its directory.
  explicit BucketFileServer(std::map<std::string, std::string> buckets);

  // Whether `bucket` is one of the buckets served.
  bool Serves(const std::string& bucket) const { return buckets_.contains(bucket); }

  // Rewrites a playlist's text as it is served (BucketAccess::SignPlaylist).
  using PlaylistRewrite = std::function<std::string(std::string_view text)>;

  // Answers `request` for `path`, the decoded URL path `/<bucket>/<key>` without the query.
  // With `rewrite`, a playlist (.m3u8, at most kMaxRewrittenPlaylistBytes) is read whole and
  // answered as `rewrite` returns it: 200 with the whole text, Range ignored; Cache-Control
  // `private, no-cache`, as its tokens are for this client.
  net::HttpResponse Serve(const net::HttpRequest& request, const std::string& path,
                          const PlaylistRewrite* rewrite = nullptr) const;

 private:
  struct Location {
    std::string dir;  // the bucket's directory
    std::string key;  // a valid object key (storage::CheckObjectKey)
  };
  std::optional<Location> Locate(const std::string& path) const;

  std::map<std::string, std::string> buckets_;
};

}  // namespace liverec::server
