#include "relay/egress/connect_plan.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "callbacks/url_safety.h"

namespace liverec::relay::egress {
namespace {

// FFmpeg 5.1 rtmpproto.c / av_url_split buffer sizes (a string keeps one byte less).
constexpr size_t kRtmpPathMax = 1024 - 1;
constexpr size_t kRtmpAppMax = 1024 - 1;
constexpr size_t kRtmpTcUrlMax = 1024 - 1;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The parts of scheme://authority<rest>, as av_url_split cuts them.
struct UrlParts {
  std::string scheme;  // lower-case
  std::string_view authority;
  std::string_view rest;  // from the first of "/?#" after the authority
  size_t authority_at = 0;
};

std::optional<UrlParts> Split(std::string_view url) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  UrlParts parts;
  parts.scheme = Lower(url.substr(0, sep));
  parts.authority_at = sep + 3;
  std::string_view after = url.substr(parts.authority_at);
  parts.authority = after.substr(0, after.find_first_of("/?#"));
  parts.rest = after.substr(parts.authority.size());
  return parts;
}

// ":port" of an authority ("" when none).
std::string_view PortSuffix(std::string_view authority) {
  size_t from = authority.starts_with("[") ? authority.find(']') : 0;
  if (from == std::string_view::npos) return "";
  size_t colon = authority.find(':', from);
  return colon == std::string_view::npos ? "" : authority.substr(colon);
}

// The application of an RTMP path, as rtmp_open computes it (no rtmp_app given).
std::string RtmpApp(std::string_view path) {
  size_t qmark = path.find('?');
  if (qmark != std::string_view::npos && path.find("slist=", qmark) != std::string_view::npos) {
    return std::string(path.substr(std::min<size_t>(1, path.size())));
  }
  if (path.starts_with("/ondemand/")) return "ondemand";
  std::string_view next = path.empty() ? path : path.substr(1);
  size_t p = next.find('/');
  if (p == std::string_view::npos) return std::string(next);
  size_t colon = next.find(':', p + 1);
  size_t fname = next.find('/', p + 1);
  if (fname == std::string_view::npos || (colon != std::string_view::npos && colon < fname)) {
    return std::string(next.substr(0, p));
  }
  return std::string(next.substr(0, fname));
}

bool IsIpv6Literal(const std::string& host) { return host.find(':') != std::string::npos; }

// atoi of a port: the leading digits (0 when none).
int LeadingNumber(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || value > 100'000) break;
    value = value * 10 + (c - '0');
  }
  return value;
}

tl::expected<ConnectPlan, std::string> Pinned(const std::string& url, const UrlParts& parts,
                                              const UrlPolicy& policy) {
  auto parsed = callbacks::ParseHttpUrl("http://" + std::string(parts.authority) + "/");
  if (!parsed) return tl::make_unexpected("bad host: " + parsed.error().detail());
  auto addresses = ResolveAllowed(parsed->host, policy);
  if (!addresses) return tl::make_unexpected(addresses.error());
  ConnectPlan plan;
  plan.url = PinHost(url, addresses->front());
  if (parts.scheme == "rtmp") plan.options.emplace_back("rtmp_tcurl", RtmpTcUrl(url));
  plan.refuse_redirects = parts.scheme == "rtsp";
  return plan;
}

}  // namespace

tl::expected<ConnectPlan, std::string> PlanConnection(const std::string& url,
                                                      const UrlPolicy& policy,
                                                      const std::string& proxy_url,
                                                      std::string_view no_proxy) {
  if (url.starts_with("/") || Lower(url.substr(0, 5)) == "file:") return ConnectPlan{url, {}, {}};
  auto parts = Split(url);
  if (!parts) return tl::make_unexpected("not a URL this worker opens");
  const std::string& scheme = parts->scheme;
  if (scheme == "rtmp" || scheme == "srt" || scheme == "rtsp") return Pinned(url, *parts, policy);
  if (scheme != "http" && scheme != "https" && scheme != "rtmps") {
    return tl::make_unexpected("the " + scheme + " scheme is not relayed");
  }
  if (proxy_url.empty()) return tl::make_unexpected("the relay egress proxy is not running");
  if (!no_proxy.empty()) {
    return tl::make_unexpected(
        "the no_proxy environment variable is set, and libavformat would connect to the hosts "
        "it names without the checks of the relay egress proxy; unset it for liverec");
  }
  ConnectPlan plan;
  plan.url = url;
  plan.options.emplace_back("http_proxy", proxy_url);
  if (scheme != "rtmps") {
    plan.nested_proxy = proxy_url;
    // HLS: one request per connection, so every playlist and segment request is a new, checked
    // connection instead of a keep-alive reuse the proxy would close anyway (ignored elsewhere).
    plan.options.emplace_back("http_persistent", "0");
  }
  return plan;
}

std::string PinHost(const std::string& url, const std::string& address) {
  auto parts = Split(url);
  if (!parts) return url;
  std::string host = IsIpv6Literal(address) ? "[" + address + "]" : address;
  return url.substr(0, parts->authority_at) + host + std::string(PortSuffix(parts->authority)) +
         std::string(parts->rest);
}

std::string RtmpTcUrl(const std::string& url) {
  auto parts = Split(url);
  if (!parts) return "";
  std::string_view authority = parts->authority;
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string host;
  int port = -1;
  size_t close = authority.starts_with("[") ? authority.find(']') : std::string_view::npos;
  if (close != std::string_view::npos) {
    host = std::string(authority.substr(1, close - 1));
    if (authority.substr(close + 1).starts_with(":"))
      port = LeadingNumber(authority.substr(close + 2));
  } else {
    size_t colon = authority.find(':');
    host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = LeadingNumber(authority.substr(colon + 1));
  }
  if (port < 0) port = parts->scheme == "rtmps" ? 443 : 1935;
  std::string_view path = parts->rest.substr(0, std::min(parts->rest.size(), kRtmpPathMax));
  std::string app = RtmpApp(path).substr(0, kRtmpAppMax);
  std::string tcurl = parts->scheme + "://" + (IsIpv6Literal(host) ? "[" + host + "]" : host) +
                      ":" + std::to_string(port) + "/" + app;
  return tcurl.substr(0, kRtmpTcUrlMax);
}

bool NestedUrlAllowed(std::string_view url) {
  std::string lower = Lower(url.substr(0, std::min<size_t>(url.size(), 16)));
  for (std::string_view prefix : {"crypto+", "crypto:"}) {
    if (lower.starts_with(prefix)) {
      lower.erase(0, prefix.size());
      break;
    }
  }
  return lower.starts_with("http://") || lower.starts_with("https://");
}

}  // namespace liverec::relay::egress
