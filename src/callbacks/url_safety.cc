#include "callbacks/url_safety.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

namespace liverec::callbacks {
namespace {

constexpr size_t kMaxUrlBytes = 2048;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  size_t label = 0;
  for (size_t i = 0; i < host.size(); ++i) {
    char c = host[i];
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label > 0 || host.size() > 1;  // a trailing dot is allowed after a label
}

bool V4NonPublic(const std::array<uint8_t, 4>& a) {
  auto in = [&](uint8_t first, uint8_t mask_bits_second, uint8_t second) {
    return a[0] == first && (a[1] & mask_bits_second) == second;
  };
  return a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224 ||  // this, private, loop, mcast+
         in(100, 0xC0, 64) ||                                      // 100.64/10 CGNAT
         in(169, 0xFF, 254) ||                                     // link-local
         in(172, 0xF0, 16) ||                                      // 172.16/12
         in(192, 0xFF, 168) ||                                     // 192.168/16
         (a[0] == 192 && a[1] == 0 && a[2] == 0) ||                // 192.0.0/24
         in(198, 0xFE, 18);                                        // 198.18/15 benchmarking
}

bool AllZero(const std::array<uint8_t, 16>& a, size_t from, size_t to) {
  return std::all_of(a.begin() + from, a.begin() + to, [](uint8_t b) { return b == 0; });
}

// The IPv4 address an IPv6 address carries in bytes [at, at + 4).
std::array<uint8_t, 4> EmbeddedV4(const std::array<uint8_t, 16>& a, size_t at) {
  return {a[at], a[at + 1], a[at + 2], a[at + 3]};
}

// An IPv6 address that reaches an IPv4 one is judged by the IPv4 rules: a translator or relay
// on the way would deliver it there (64:ff9b::7f00:1 is 127.0.0.1 behind NAT64).
bool V6NonPublic(const std::array<uint8_t, 16>& a) {
  if (AllZero(a, 0, 10) && a[10] == 0xFF && a[11] == 0xFF) {  // ::ffff:a.b.c.d (mapped)
    return V4NonPublic(EmbeddedV4(a, 12));
  }
  if (AllZero(a, 0, 8) && a[8] == 0xFF && a[9] == 0xFF && a[10] == 0 && a[11] == 0) {
    return V4NonPublic(EmbeddedV4(a, 12));  // ::ffff:0:a.b.c.d (SIIT, RFC 2765)
  }
  if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B) {
    if (AllZero(a, 4, 12)) return V4NonPublic(EmbeddedV4(a, 12));  // 64:ff9b::/96 (RFC 6052)
    if (a[4] == 0x00 && a[5] == 0x01) return true;  // 64:ff9b:1::/48, local-use NAT64 (RFC 8215)
  }
  if (a[0] == 0x20 && a[1] == 0x02) return V4NonPublic(EmbeddedV4(a, 2));  // 2002::/16 6to4
  // ::, ::1 and ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291 and never routed).
  if (AllZero(a, 0, 12)) return true;
  if (a[0] == 0x01 && a[1] == 0x00 && AllZero(a, 2, 8)) return true;  // 100::/64 discard
  return (a[0] & 0xFE) == 0xFC ||                                     // fc00::/7 unique local
         (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) ||                   // fe80::/10 link-local
         (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0) ||                   // fec0::/10 site-local
         a[0] == 0xFF;                                                // multicast
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  auto bad = [](std::string why) {
    return Error(ErrorCode::kInvalidParameter, "", std::move(why));
  };
  if (url.size() > kMaxUrlBytes) return bad("the URL is longer than 2048 bytes");
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7F) return bad("the URL contains whitespace or control characters");
  }
  HttpUrl out;
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return bad("the URL must start with http:// or https://");
  out.scheme = Lower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") {
    return bad("the URL must start with http:// or https://");
  }
  std::string_view rest = url.substr(sep + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view tail = end == std::string_view::npos ? "" : rest.substr(end);
  if (auto hash = tail.find('#'); hash != std::string_view::npos) tail = tail.substr(0, hash);
  out.target = tail.empty()          ? "/"
               : tail.front() == '?' ? "/" + std::string(tail)
                                     : std::string(tail);
  if (authority.find('@') != std::string_view::npos) return bad("user info is not allowed");

  std::string_view host, port;
  if (authority.starts_with("[")) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("bad characters after the IPv6 address");
      port = after.substr(1);
      out.explicit_port = true;
    }
    in6_addr addr{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &addr) != 1) {
      return bad("bad IPv6 address");
    }
  } else {
    auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      out.explicit_port = true;
    }
    if (!IsHostName(Lower(host))) return bad("the host is not a valid host name");
  }
  out.host = Lower(host);
  out.port = out.scheme == "https" ? 443 : 80;
  if (out.explicit_port) {
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return bad("bad port");
    }
    out.port = std::stoi(std::string(port));
    if (out.port < 1 || out.port > 65535) return bad("the port must be 1-65535");
  }
  return out;
}

bool IsNonPublicAddress(std::string_view numeric_address) {
  std::string text(numeric_address);
  std::array<uint8_t, 4> v4{};
  if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) return V4NonPublic(v4);
  std::array<uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) return V6NonPublic(v6);
  return false;
}

std::vector<std::string> SystemResolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &result) != 0) return {};
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(result, freeaddrinfo);
  std::vector<std::string> addresses;
  for (addrinfo* ai = result; ai; ai = ai->ai_next) {
    char buffer[INET6_ADDRSTRLEN] = {};
    const void* src =
        ai->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr);
    if (inet_ntop(ai->ai_family, src, buffer, sizeof buffer)) addresses.emplace_back(buffer);
  }
  return addresses;
}

UrlCheck CheckCallbackUrl(std::string_view url, bool allow_private, const Resolver& resolve) {
  auto parsed = ParseHttpUrl(url);
  if (!parsed) return {UrlVerdict::kMalformed, parsed.error().detail()};
  if (allow_private) return {};
  const std::string& host = parsed->host;
  if (host == "localhost" || host.ends_with(".localhost") || host == "localhost.") {
    return {UrlVerdict::kUnsafe, "the host is localhost"};
  }
  if (IsNonPublicAddress(host)) {
    return {UrlVerdict::kUnsafe, "the host is an address that is not publicly routable"};
  }
  for (const auto& address : resolve(host)) {
    if (IsNonPublicAddress(address)) {
      return {UrlVerdict::kUnsafe,
              "the host resolves to " + address + ", which is not publicly routable"};
    }
  }
  return {};
}

}  // namespace liverec::callbacks
