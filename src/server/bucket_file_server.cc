#include "server/bucket_file_server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <memory>

#include <fmt/format.h>

#include "storage/local/open_beneath.h"
#include "storage/local/posix_io.h"
#include "storage/object_key_template.h"

namespace liverec::server {
namespace {

constexpr std::string_view kWhitespace = " \t";

std::string_view Trim(std::string_view text) {
  auto begin = text.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kWhitespace) - begin + 1);
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return Lower(x) == Lower(y); });
}

bool EndsWithIgnoringCase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         EqualsIgnoringCase(text.substr(text.size() - suffix.size()), suffix);
}

// 1*DIGIT; a value beyond uint64 saturates (it is past the end of any file either way).
std::optional<uint64_t> ParseDigits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
  }
  return value;
}

// The one non-empty element of a range-set (the #list syntax of RFC 9110 §5.6.1 allows empty
// elements), or nullopt when there are none or several.
std::optional<std::string_view> SingleRangeSpec(std::string_view range_set) {
  std::optional<std::string_view> spec;
  while (true) {
    auto comma = range_set.find(',');
    std::string_view element = Trim(range_set.substr(0, comma));
    if (!element.empty()) {
      if (spec) return std::nullopt;
      spec = element;
    }
    if (comma == std::string_view::npos) return spec;
    range_set.remove_prefix(comma + 1);
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = Lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

net::HttpResponse Text(int status, std::string body) {
  return net::HttpResponse{status, "text/plain; charset=utf-8", std::move(body), "", {}};
}

// Reads exactly `range` of the open file into a string.
std::optional<std::string> ReadRange(int fd, ByteRange range) {
  std::string bytes(range.Length(), '\0');
  size_t used = 0;
  while (used < bytes.size()) {
    ssize_t n = ::pread(fd, bytes.data() + used, bytes.size() - used,
                        static_cast<off_t>(range.first + used));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;  // an error, or the file shrank under us
    used += static_cast<size_t>(n);
  }
  return bytes;
}

// The range a request selects. Range is defined for GET only (RFC 9110 §14.2). An If-Range
// could only name validators we never send, so such a request gets the whole file.
RangeSelection RequestedRange(const net::HttpRequest& request, uint64_t size) {
  auto range = request.headers.find("range");
  if (request.method != "GET" || range == request.headers.end() ||
      request.headers.contains("if-range")) {
    return {};
  }
  return SelectRange(range->second, size);
}

// The answer for `selection` of the open `file` (`fd`) of `size` bytes: 416, 206 with the bytes,
// or 200 with the whole file to stream.
net::HttpResponse Answer(int fd, const std::string& file, const RangeSelection& selection,
                         uint64_t size) {
  if (selection.kind == RangeSelection::Kind::kUnsatisfiable) {
    net::HttpResponse response = Text(416, "range not satisfiable\n");
    response.headers.emplace_back("Content-Range", fmt::format("bytes */{}", size));
    return response;
  }
  if (selection.kind == RangeSelection::Kind::kWhole) {
    return net::HttpResponse{200, ContentTypeForKey(file), "", file, {}};
  }
  if (selection.range.Length() > kMaxRangeBodyBytes) {
    // Large ranges are streamed from the file by the net layer.
    net::HttpResponse response{206, ContentTypeForKey(file), "", file, {}};
    response.file_offset = selection.range.first;
    response.file_length = selection.range.Length();
    response.headers.emplace_back(
        "Content-Range",
        fmt::format("bytes {}-{}/{}", selection.range.first, selection.range.last, size));
    return response;
  }
  auto bytes = ReadRange(fd, selection.range);
  if (!bytes) return Text(500, "read failed\n");
  net::HttpResponse response{206, ContentTypeForKey(file), std::move(*bytes), "", {}};
  response.headers.emplace_back(
      "Content-Range",
      fmt::format("bytes {}-{}/{}", selection.range.first, selection.range.last, size));
  return response;
}

}  // namespace

RangeSelection SelectRange(std::string_view header, uint64_t size) {
  const RangeSelection whole;
  const RangeSelection unsatisfiable{RangeSelection::Kind::kUnsatisfiable, {}};
  auto equals = header.find('=');
  if (equals == std::string_view::npos) return whole;
  if (!EqualsIgnoringCase(Trim(header.substr(0, equals)), "bytes")) return whole;
  auto spec = SingleRangeSpec(header.substr(equals + 1));
  if (!spec || size == 0) return whole;
  auto dash = spec->find('-');
  if (dash == std::string_view::npos) return whole;
  std::string_view first_text = spec->substr(0, dash);
  std::string_view last_text = spec->substr(dash + 1);
  if (first_text.empty()) {  // suffix-range: the last n bytes
    auto suffix = ParseDigits(last_text);
    if (!suffix) return whole;
    if (*suffix == 0) return unsatisfiable;
    return {RangeSelection::Kind::kRange, {size - std::min(*suffix, size), size - 1}};
  }
  auto first = ParseDigits(first_text);
  if (!first) return whole;
  uint64_t last = size - 1;
  if (!last_text.empty()) {
    auto parsed = ParseDigits(last_text);
    if (!parsed || *parsed < *first) return whole;  // invalid: the header is ignored
    last = std::min(*parsed, size - 1);
  }
  if (*first >= size) return unsatisfiable;
  return {RangeSelection::Kind::kRange, {*first, last}};
}

std::string PercentDecodePath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && HexValue(path[i + 1]) >= 0 &&
        HexValue(path[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(path[i + 1]) * 16 + HexValue(path[i + 2])));
      i += 2;
    } else {
      out.push_back(path[i]);
    }
  }
  return out;
}

std::string ContentTypeForKey(std::string_view key) {
  if (EndsWithIgnoringCase(key, ".m3u8")) return "application/vnd.apple.mpegurl";
  if (EndsWithIgnoringCase(key, ".ts")) return "video/mp2t";
  if (EndsWithIgnoringCase(key, ".mp4")) return "video/mp4";
  if (EndsWithIgnoringCase(key, ".flv")) return "video/x-flv";
  if (EndsWithIgnoringCase(key, ".json")) return "application/json";
  // Snapshots (docs/api/snapshots.md): a browser's <img> reads them through ImageUrl.
  if (EndsWithIgnoringCase(key, ".jpg") || EndsWithIgnoringCase(key, ".jpeg")) return "image/jpeg";
  return "application/octet-stream";
}

BucketFileServer::BucketFileServer(std::map<std::string, std::string> buckets)
    : buckets_(std::move(buckets)) {}

std::optional<BucketFileServer::Location> BucketFileServer::Locate(const std::string& path) const {
  if (path.empty() || path.front() != '/') return std::nullopt;
  auto slash = path.find('/', 1);
  if (slash == std::string::npos) return std::nullopt;
  auto bucket = buckets_.find(path.substr(1, slash - 1));
  if (bucket == buckets_.end()) return std::nullopt;
  std::string key = path.substr(slash + 1);
  // The key rules forbid '..' segments and a leading '/'; OpenBeneath also refuses links.
  if (storage::CheckObjectKey(key)) return std::nullopt;
  return Location{bucket->second, std::move(key)};
}

net::HttpResponse BucketFileServer::Serve(const net::HttpRequest& request, const std::string& path,
                                          const PlaylistRewrite* rewrite) const {
  if (request.method != "GET" && request.method != "HEAD") {
    net::HttpResponse response = Text(405, "method not allowed\n");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  auto location = Locate(path);
  if (!location) return Text(404, "not found\n");
  // No symbolic link is followed, in the key or its folders (a link answers 404 like a missing
  // file); O_NONBLOCK so a planted FIFO cannot hold the thread (it is then refused as not regular).
  storage::UniqueFd fd =
      storage::OpenBeneath(location->dir, location->key, O_RDONLY | O_NONBLOCK | O_NOCTTY);
  struct stat st {};
  if (!fd.Valid() || ::fstat(fd.Get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Text(404, "not found\n");
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  const std::string file = location->dir + "/" + location->key;
  if (rewrite && EndsWithIgnoringCase(file, ".m3u8")) {
    if (size > kMaxRewrittenPlaylistBytes) return Text(500, "playlist too large to sign\n");
    auto text = size == 0 ? std::optional<std::string>("") : ReadRange(fd.Get(), {0, size - 1});
    if (!text) return Text(500, "read failed\n");
    net::HttpResponse response{200, ContentTypeForKey(file), (*rewrite)(*text), "", {}};
    response.headers.emplace_back("Cache-Control", "private, no-cache");
    response.headers.emplace_back("Access-Control-Allow-Origin", "*");
    return response;
  }
  net::HttpResponse response = Answer(fd.Get(), file, RequestedRange(request, size), size);
  if (!response.file_path.empty()) {
    response.file_descriptor = std::shared_ptr<const int>(new int(fd.Release()), [](const int* p) {
      ::close(*p);
      delete p;
    });
  }
  response.headers.emplace_back("Accept-Ranges", "bytes");
  if (EndsWithIgnoringCase(file, ".m3u8")) {
    response.headers.emplace_back("Cache-Control", "no-cache");
  }
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return response;
}

}  // namespace liverec::server
