#include "rtmp_url.h"

#include <charconv>

namespace liverec::publish {

Result<RtmpUrl> ParseRtmpUrl(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorCode::kInvalidParameter, "url", url + ": " + why);
  };
  const std::string scheme = "rtmp://";
  if (url.rfind(scheme, 0) != 0) return bad("only rtmp:// URLs are supported");
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  if (slash == std::string::npos) return bad("no application");
  std::string authority = rest.substr(0, slash);
  std::string path = rest.substr(slash + 1);

  RtmpUrl parsed;
  auto colon = authority.rfind(':');
  parsed.host = authority.substr(0, colon);
  if (colon != std::string::npos) {
    std::string port = authority.substr(colon + 1);
    unsigned value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return bad("bad port");
    }
    parsed.port = static_cast<uint16_t>(value);
  }
  if (parsed.host.empty()) return bad("no host");
  auto app_end = path.find('/');
  if (app_end == std::string::npos || app_end == 0 || app_end + 1 >= path.size()) {
    return bad("expected /app/stream");
  }
  parsed.app = path.substr(0, app_end);
  parsed.stream = path.substr(app_end + 1);
  parsed.tc_url = scheme + authority + "/" + parsed.app;
  return parsed;
}

}  // namespace liverec::publish
