// Rewriting the URIs of an HLS playlist as it is served through a signed URL (docs/object-keys.md
// "Private buckets and signed URLs"): each segment line is handed to a callback that may return a
// replacement (the same URI with a token appended, or a presigned URL). The stored playlist is
// never changed. Pure functions; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace liverec::server {

// `text` with every URI line (RFC 8216 §4.1: a line that is neither empty nor starts with '#')
// replaced by `rewrite(line)` when that returns a value. Tags are kept as they are (liverec's
// playlists name their media on URI lines only). Line ends are kept ("\n" or "\r\n").
std::string RewritePlaylistUris(
    std::string_view text,
    const std::function<std::optional<std::string>(std::string_view uri)>& rewrite);

// The decoded path that a relative reference (RFC 3986 §5.2) `uri` of a playlist served at the
// decoded path `base_path` names: "/records/a/b.m3u8" + "../c/d%20e.ts" -> "/records/a/../c/d e.ts"
// merged and with dot segments removed -> "/records/c/d e.ts". An absolute path ("/x/y") stands
// alone. The query and fragment of `uri` are dropped. nullopt for a URI with a scheme or an
// authority ("http://...", "//host/...").
std::optional<std::string> ResolveRelativePath(std::string_view base_path, std::string_view uri);

// "?" or "&", whichever appends a parameter to `uri`.
std::string_view QuerySeparator(std::string_view uri);

}  // namespace liverec::server
