#include "relay/worker/rtmp_endpoint.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace liverec::relay::worker {
namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

bool EndsWithNoCase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         EqualsNoCase(text.substr(text.size() - suffix.size()), suffix);
}

// host[:port] of an authority without user info; false when it does not parse.
bool SplitAuthority(std::string_view authority, RtmpEndpoint& out) {
  std::string_view port;
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(":")) return false;
    if (!after.empty()) port = after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return false;
  if (port.empty()) return true;
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit)) return false;
  const int value = std::stoi(std::string(port));
  if (value <= 0 || value > 65535) return false;
  out.port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace

std::optional<RtmpEndpoint> RtmpEndpointOf(const egress::ConnectPlan& plan) {
  std::string_view url = plan.url;
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos || !EqualsNoCase(url.substr(0, sep), "rtmp")) {
    return std::nullopt;
  }
  std::string_view after = url.substr(sep + 3);
  const size_t path_at = after.find('/');
  if (path_at == std::string_view::npos) return std::nullopt;
  std::string_view authority = after.substr(0, path_at);
  if (authority.find_first_of("@?#") != std::string_view::npos) return std::nullopt;
  RtmpEndpoint endpoint;
  if (!SplitAuthority(authority, endpoint)) return std::nullopt;
  std::string_view path = after.substr(path_at + 1);  // app/stream[?query]
  if (path.find('#') != std::string_view::npos) return std::nullopt;
  const size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::string_view app = path.substr(0, slash);
  std::string_view stream = path.substr(slash + 1);
  const std::string_view name = stream.substr(0, stream.find('?'));
  if (app.find('?') != std::string_view::npos || name.empty() ||
      name.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  for (std::string_view suffix : {".flv", ".mp4", ".f4v", ".mov", ".m4v", ".m4a"}) {
    if (EndsWithNoCase(name, suffix)) return std::nullopt;
  }
  if (name.find(':') != std::string_view::npos) return std::nullopt;  // "mp4:name" and the like
  endpoint.app = std::string(app);
  endpoint.stream = std::string(stream);
  endpoint.tc_url = egress::RtmpTcUrl(plan.url);
  for (const auto& [key, value] : plan.options) {
    if (key == "rtmp_tcurl") endpoint.tc_url = value;
  }
  return endpoint;
}

}  // namespace liverec::relay::worker
