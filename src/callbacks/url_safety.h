// Callback URL checks (docs/api/notify-configs.md): a NotifyUrl / OnDemandUrl must be
// a well-formed http(s) URL, and — unless the server allows it ([callbacks]
// allow_private_addresses) — its host must not be, or resolve to, an address that is not
// publicly routable (loopback, private, link-local, CGNAT, multicast, unspecified...): liverec
// must not be usable to reach its own network. Pure functions, except that SystemResolve (and
// CheckCallbackUrl through the resolver it is given) may ask DNS. Thread-safety: all thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace liverec::callbacks {

struct HttpUrl {
  std::string scheme;  // "http" | "https", lower-case
  std::string host;    // lower-case; an IPv6 literal without its brackets
  int port = 0;        // explicit or the scheme's default
  bool explicit_port = false;
  std::string target;  // path and query, "/" when absent
};

// Parses an absolute http:// or https:// URL. Refuses user info ("user@host"), whitespace and
// control characters, a bad host or port, and URLs longer than 2048 bytes. The error is a
// detail for the caller to wrap in its own code.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

// True for a numeric IPv4/IPv6 address that is not publicly routable. False for anything that
// is not a numeric address.
bool IsNonPublicAddress(std::string_view numeric_address);

// Returns the numeric addresses of `host` (empty when it does not resolve).
using Resolver = std::function<std::vector<std::string>(const std::string& host)>;
// getaddrinfo; also turns numeric forms such as "2130706433" or "0x7f.1" into addresses.
std::vector<std::string> SystemResolve(const std::string& host);

enum class UrlVerdict { kOk, kMalformed, kUnsafe };

struct UrlCheck {
  UrlVerdict verdict = UrlVerdict::kOk;
  std::string detail;  // why, for the error message
};

// The whole check. With allow_private the host is not resolved. A name that does not resolve
// is accepted (it may resolve later; delivery checks again) — "localhost" and "*.localhost"
// are unsafe without resolving.
UrlCheck CheckCallbackUrl(std::string_view url, bool allow_private, const Resolver& resolve);

}  // namespace liverec::callbacks
