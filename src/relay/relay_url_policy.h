// Which source and destination URLs a pull-to-push task may use (docs/api/relay.md).
// Sources and destinations are a security boundary: a task makes liverec open connections and
// files on the user's behalf. So only the schemes of the spec per source type are accepted:
//   live rtmp: rtmp://, rtmps://   live srt: srt://   live http-flv, hls: http://, https://
//   url: http://, https://, file:      destination: rtmp://
// a file: source must lie inside the configured media root (none configured = refused), and a
// network host must not be (or resolve to) a loopback, private or otherwise non-public address
// unless the server allows it ([relay] allow_private_addresses). Host rules are those of
// callbacks/url_safety.h. The checks run when a task is created or updated; names may resolve
// differently later, so the worker checks them again right before it connects (LibavRelayRunner).
// Thread-safety: pure functions, except that the resolver may ask DNS.
#pragma once

#include <string>
#include <string_view>

#include "callbacks/url_safety.h"

namespace liverec::relay {

inline constexpr size_t kMaxRelayUrlLength = 2000;

struct UrlPolicy {
  bool allow_private_addresses = false;
  std::string media_root;  // absolute directory for file: sources; "" = file: refused
  callbacks::Resolver resolve = callbacks::SystemResolve;
};

// kMalformed: not a URL of an allowed scheme for the source (the detail says why); kUnsafe: a
// host or path the policy refuses. `source_protocol` matters for "live" only.
callbacks::UrlCheck CheckSourceUrl(std::string_view source_type, std::string_view source_protocol,
                                   std::string_view url, const UrlPolicy& policy);

// The destination: rtmp:// with a host, at most kMaxRelayUrlLength characters.
callbacks::UrlCheck CheckDstUrl(std::string_view url, const UrlPolicy& policy);

}  // namespace liverec::relay
