#include "server/playlist_tokens.h"

#include <vector>

#include "server/bucket_file_server.h"
#include "storage/s3/s3_url.h"

namespace liverec::server {
namespace {

bool HasScheme(std::string_view uri) {
  auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  auto stop = uri.find_first_of("/?#");
  return stop == std::string_view::npos || colon < stop;
}

}  // namespace

std::string RewritePlaylistUris(
    std::string_view text,
    const std::function<std::optional<std::string>(std::string_view uri)>& rewrite) {
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    size_t next = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line =
        text.substr(start, (end == std::string_view::npos ? text.size() : end) - start);
    std::string_view eol = text.substr(start + line.size(), next - start - line.size());
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
      eol = text.substr(start + line.size(), next - start - line.size());
    }
    std::optional<std::string> replaced;
    if (!line.empty() && line.front() != '#') replaced = rewrite(line);
    out += replaced ? std::string_view(*replaced) : line;
    out += eol;
    start = next;
  }
  return out;
}

std::optional<std::string> ResolveRelativePath(std::string_view base_path, std::string_view uri) {
  if (HasScheme(uri) || uri.starts_with("//")) return std::nullopt;
  uri = uri.substr(0, uri.find_first_of("?#"));
  std::string merged;
  if (uri.starts_with('/')) {
    merged = uri;
  } else {
    // The base is decoded: encoded again, so that the merged path is decoded exactly once.
    merged = storage::EncodeKeyPath(base_path.substr(0, base_path.rfind('/') + 1));
    merged += uri;
  }
  // RFC 3986 §5.2.4, on segments.
  std::vector<std::string_view> out;
  std::string_view rest = merged;
  rest.remove_prefix(1);  // the leading '/'
  while (true) {
    auto slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    bool last = slash == std::string_view::npos;
    if (segment == "..") {
      if (!out.empty()) out.pop_back();
      if (last) out.emplace_back("");
    } else if (segment == ".") {
      if (last) out.emplace_back("");
    } else {
      out.push_back(segment);
    }
    if (last) break;
    rest.remove_prefix(slash + 1);
  }
  std::string path;
  for (auto segment : out) {
    path += '/';
    path += segment;
  }
  return PercentDecodePath(path);
}

std::string_view QuerySeparator(std::string_view uri) {
  return uri.find('?') == std::string_view::npos ? "?" : "&";
}

}  // namespace liverec::server
