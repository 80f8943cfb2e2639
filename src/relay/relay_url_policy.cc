#include "relay/relay_url_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <vector>

namespace liverec::relay {
namespace {

using callbacks::UrlCheck;
using callbacks::UrlVerdict;

UrlCheck Malformed(std::string detail) { return {UrlVerdict::kMalformed, std::move(detail)}; }
UrlCheck Unsafe(std::string detail) { return {UrlVerdict::kUnsafe, std::move(detail)}; }

std::string SchemeOf(std::string_view url) {
  auto colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return "";
  std::string scheme(url.substr(0, colon));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return scheme;
}

std::vector<std::string_view> AllowedSchemes(std::string_view type, std::string_view protocol) {
  if (type == "url") return {"http", "https", "file"};
  if (type != "live") return {};
  if (protocol == "rtmp") return {"rtmp", "rtmps"};
  if (protocol == "srt") return {"srt"};
  if (protocol == "rtsp") return {"rtsp"};  // not rtsps: see CheckSourceUrl
  if (protocol == "http-flv" || protocol == "flv" || protocol == "hls") return {"http", "https"};
  return {};
}

// Length and characters, common to every URL.
UrlCheck CheckText(std::string_view url) {
  if (url.empty()) return Malformed("the URL is empty");
  if (url.size() > kMaxRelayUrlLength) return Malformed("the URL is longer than 2000 characters");
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7F)
      return Malformed("the URL contains whitespace or control characters");
  }
  return {};
}

// The 16 bytes of a numeric address (IPv4 as ::ffff:a.b.c.d), or nullopt.
std::optional<std::array<uint8_t, 16>> AddressBytes(std::string_view address) {
  std::string text(address);
  std::array<uint8_t, 16> bytes{};
  std::array<uint8_t, 4> v4{};
  if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) {
    bytes[10] = bytes[11] = 0xFF;
    std::copy(v4.begin(), v4.end(), bytes.begin() + 12);
    return bytes;
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) return bytes;
  return std::nullopt;
}

bool IsLocalhostName(const std::string& host) {
  return host == "localhost" || host == "localhost." || host.ends_with(".localhost") ||
         host.ends_with(".localhost.");
}

// scheme://host[:port][/path...]: the host judged by CheckHost.
UrlCheck CheckNetworkUrl(std::string_view url, const std::string& scheme, const UrlPolicy& policy) {
  if (url.substr(scheme.size(), 3) != "://")
    return Malformed("the URL must start with " + scheme + "://");
  std::string_view rest = url.substr(scheme.size() + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty()) return Malformed("the URL has no host");
  auto parsed = callbacks::ParseHttpUrl("http://" + std::string(authority) + "/");
  if (!parsed) return Malformed(parsed.error().detail());
  UrlCheck check = CheckHost(parsed->host, policy);
  if (check.verdict != UrlVerdict::kOk) return check;
  if (scheme == "rtmp" || scheme == "rtmps") {
    // rtmp://host/app/stream: an application and a stream name.
    std::string_view path = rest.substr(authority.size());
    path = path.substr(0, path.find_first_of("?#"));
    auto slash = path.find('/', 1);
    if (path.size() < 2 || slash == std::string_view::npos || slash + 1 >= path.size() ||
        slash == 1) {
      return Malformed("an RTMP URL needs an application and a stream: rtmp://host/app/stream");
    }
  }
  return {};
}

// file:/abs/path or file:///abs/path (what libavformat's file protocol opens), inside the root.
UrlCheck CheckFileUrl(std::string_view url, const UrlPolicy& policy) {
  std::string_view path = url.substr(5);
  if (path.starts_with("//")) {
    path.remove_prefix(2);
    if (!path.starts_with("/")) return Malformed("a file URL must be file:///absolute/path");
  }
  if (!path.starts_with("/")) return Malformed("a file URL needs an absolute path");
  if (policy.media_root.empty()) {
    return Unsafe("file sources are not enabled on this server ([relay] media_root)");
  }
  std::filesystem::path requested(path);
  for (const auto& part : requested) {
    if (part == "..") return Unsafe("the path leaves the media root");
  }
  std::error_code ec;
  std::filesystem::path root = std::filesystem::weakly_canonical(policy.media_root, ec);
  if (ec) return Unsafe("the media root cannot be read");
  std::filesystem::path file = std::filesystem::weakly_canonical(requested, ec);
  if (ec) return Unsafe("the path cannot be read");
  auto [in_root, in_file] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (in_root != root.end() || in_file == file.end()) {
    return Unsafe("the file is not inside the media root");
  }
  return {};
}

}  // namespace

bool AddressRefused(const UrlPolicy& policy, std::string_view address) {
  if (policy.allow_private_addresses || !callbacks::IsNonPublicAddress(address)) return false;
  auto bytes = AddressBytes(address);
  return std::none_of(policy.public_addresses.begin(), policy.public_addresses.end(),
                      [&](const std::string& declared) { return AddressBytes(declared) == bytes; });
}

UrlCheck CheckHost(const std::string& host, const UrlPolicy& policy) {
  if (policy.allow_private_addresses) return {};
  if (IsLocalhostName(host)) return Unsafe("the host is localhost");
  if (AddressBytes(host)) {
    if (AddressRefused(policy, host)) {
      return Unsafe("the host is an address that is not publicly routable");
    }
    return {};
  }
  for (const auto& address : policy.resolve(host)) {
    if (AddressRefused(policy, address)) {
      return Unsafe("the host resolves to " + address + ", which is not publicly routable");
    }
  }
  return {};
}

tl::expected<std::vector<std::string>, std::string> ResolveAllowed(const std::string& host,
                                                                   const UrlPolicy& policy) {
  if (IsLocalhostName(host) && !policy.allow_private_addresses) {
    return tl::make_unexpected(host + ": localhost names are refused");
  }
  std::vector<std::string> addresses =
      AddressBytes(host) ? std::vector<std::string>{host} : policy.resolve(host);
  if (addresses.empty()) return tl::make_unexpected(host + " does not resolve");
  for (const auto& address : addresses) {
    if (AddressRefused(policy, address)) {
      return tl::make_unexpected(address == host ? address + " is not publicly routable"
                                                 : host + " resolves to " + address +
                                                       ", which is not publicly routable");
    }
  }
  return addresses;
}

UrlCheck CheckSourceUrl(std::string_view source_type, std::string_view source_protocol,
                        std::string_view url, const UrlPolicy& policy) {
  UrlCheck text = CheckText(url);
  if (text.verdict != UrlVerdict::kOk) return text;
  std::vector<std::string_view> allowed = AllowedSchemes(source_type, source_protocol);
  std::string scheme = SchemeOf(url);
  if (source_type == "live" && source_protocol == "rtsp" && scheme == "rtsps") {
    // libavformat would verify the certificate against the address the relay pins the
    // connection to, not the name (egress/connect_plan.h), so RTSP over TLS cannot be pinned.
    return Malformed("rtsps:// is not supported; use rtsp://");
  }
  if (std::find(allowed.begin(), allowed.end(), scheme) == allowed.end()) {
    std::string list;
    for (auto s : allowed) list += (list.empty() ? "" : ", ") + std::string(s);
    return Malformed("this source accepts only " + list + " URLs");
  }
  if (scheme == "file") return CheckFileUrl(url, policy);
  return CheckNetworkUrl(url, scheme, policy);
}

UrlCheck CheckDstUrl(std::string_view url, const UrlPolicy& policy) {
  UrlCheck text = CheckText(url);
  if (text.verdict != UrlVerdict::kOk) return text;
  if (SchemeOf(url) != "rtmp") return Malformed("the destination must be an rtmp:// URL");
  return CheckNetworkUrl(url, "rtmp", policy);
}

}  // namespace liverec::relay
