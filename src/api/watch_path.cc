#include "api/watch_path.h"

#include <vector>

#include "base/percent_encoding.h"

namespace liverec::api {
namespace {

constexpr std::string_view kSuffix = ".m3u8";

std::vector<std::string_view> Split(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return parts;
    start = slash + 1;
  }
}

std::optional<int64_t> Seconds(std::string_view digits) {
  if (digits.empty() || digits.size() > 11) return std::nullopt;
  int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string WatchPath(const WatchTarget& t) {
  return std::string(kWatchPathPrefix) + t.endpoint + "/" + t.bucket + "/" + t.domain + "/" +
         t.app + "/" + t.stream + "/" + std::to_string(t.start_s) + std::string(kSuffix);
}

std::string EncodedWatchPath(const WatchTarget& t) {
  std::string app;
  for (std::string_view part : Split(t.app)) {
    if (!app.empty()) app += '/';
    app += PopEncode(part);
  }
  return std::string(kWatchPathPrefix) + PopEncode(t.endpoint) + "/" + PopEncode(t.bucket) + "/" +
         PopEncode(t.domain) + "/" + app + "/" + PopEncode(t.stream) + "/" +
         std::to_string(t.start_s) + std::string(kSuffix);
}

std::optional<WatchTarget> ParseWatchPath(std::string_view path) {
  if (!path.starts_with(kWatchPathPrefix)) return std::nullopt;
  std::vector<std::string_view> parts = Split(path.substr(kWatchPathPrefix.size()));
  if (parts.size() < 6) return std::nullopt;
  for (std::string_view part : parts) {
    if (part.empty()) return std::nullopt;
  }
  std::string_view last = parts.back();
  if (!last.ends_with(kSuffix)) return std::nullopt;
  auto start = Seconds(last.substr(0, last.size() - kSuffix.size()));
  if (!start) return std::nullopt;
  WatchTarget target{std::string(parts[0]),
                     std::string(parts[1]),
                     std::string(parts[2]),
                     "",
                     std::string(parts[parts.size() - 2]),
                     *start};
  for (size_t i = 3; i + 2 < parts.size(); ++i) {
    if (!target.app.empty()) target.app += '/';
    target.app += parts[i];
  }
  return target;
}

}  // namespace liverec::api
