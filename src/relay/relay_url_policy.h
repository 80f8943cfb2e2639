// Which source and destination URLs a pull-to-push task may use (docs/api/relay.md).
// Sources and destinations are a security boundary: a task makes liverec open connections and
// files on the user's behalf. So only the schemes of the spec per source type are accepted:
//   live rtmp: rtmp://, rtmps://   live srt: srt://   live rtsp: rtsp:// (not rtsps://)
//   live http-flv (flv), hls: http://, https://
//   url: http://, https://, file:      destination: rtmp://
// a file: source must lie inside the configured media root (none configured = refused), and a
// network host must not be (or resolve to) a loopback, private or otherwise non-public address
// unless the server allows it ([relay] allow_private_addresses). Host rules are those of
// callbacks/url_safety.h. The checks run when a task is created or updated; names may resolve
// differently later, and a source may lead elsewhere (a redirect, an HLS segment), so the worker
// checks every connection it makes again when it makes it (relay/egress/, docs/api/relay.md).
// Thread-safety: pure functions, except that the resolver may ask DNS.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "callbacks/url_safety.h"

namespace liverec::relay {

inline constexpr size_t kMaxRelayUrlLength = 2000;

struct UrlPolicy {
  bool allow_private_addresses = false;
  std::string media_root;  // absolute directory for file: sources; "" = file: refused
  callbacks::Resolver resolve = callbacks::SystemResolve;
  // Numeric addresses treated as public although they are not ([testing] public_addresses).
  std::vector<std::string> public_addresses;
};

// True when a connection to the numeric `address` is refused: it is not publicly routable,
// private addresses are not allowed, and it is not one of policy.public_addresses.
bool AddressRefused(const UrlPolicy& policy, std::string_view address);

// Create-time rule for a host (a name, or an address without brackets): "localhost" and
// "*.localhost" and refused addresses are kUnsafe; a name that does not resolve is accepted (it
// may resolve later; the connection is checked again). Nothing is resolved when private
// addresses are allowed.
callbacks::UrlCheck CheckHost(const std::string& host, const UrlPolicy& policy);

// Connect-time rule: the addresses to connect to, resolved once here (an address literal is its
// own). Refused (with the reason) when the host is localhost, does not resolve, or any of its
// addresses is refused — a connection may only go to an address returned here.
tl::expected<std::vector<std::string>, std::string> ResolveAllowed(const std::string& host,
                                                                   const UrlPolicy& policy);

// kMalformed: not a URL of an allowed scheme for the source (the detail says why); kUnsafe: a
// host or path the policy refuses. `source_protocol` matters for "live" only.
callbacks::UrlCheck CheckSourceUrl(std::string_view source_type, std::string_view source_protocol,
                                   std::string_view url, const UrlPolicy& policy);

// The destination: rtmp:// with a host, at most kMaxRelayUrlLength characters.
callbacks::UrlCheck CheckDstUrl(std::string_view url, const UrlPolicy& policy);

}  // namespace liverec::relay
