// ProxyRequest: the request head a relay's libavformat sends to the egress proxy
// (egress_proxy.h), parsed without I/O. libavformat speaks two forms of RFC 9110 / RFC 9112
// proxying and nothing else is accepted:
//   CONNECT host:port HTTP/1.1      (RFC 9110 §9.3.6) https, and rtmps, through a tunnel
//   GET http://host[:port]/path HTTP/1.1   (absolute-form, RFC 9112 §3.2.2) plain http
// Both carry `Proxy-Authorization: Basic ...` once the proxy has asked for it (407): that value
// names the relay attempt (its lease) and is never forwarded.
//
// For GET, the head sent on is rebuilt: origin-form target, the hop-by-hop headers (RFC 9110
// §7.6.1: Connection, Keep-Alive, Proxy-*, TE, Trailer, Upgrade) dropped, the client's Host
// (the target's authority when it sent none), `Connection: close` (one request per connection).
// The Host does not choose where the request goes: the target does. A request with a body, a folded
// or malformed header line, or a bare CR or LF is refused: nothing ambiguous travels on.
// Thread-safety: pure functions and a reader owned by one connection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace liverec::relay::egress {

inline constexpr size_t kMaxRequestHead = 16 * 1024;

struct ProxyRequest {
  enum class Kind { kConnect, kForward };
  Kind kind = Kind::kConnect;
  std::string host;  // lower-case; an IPv6 literal without brackets
  int port = 0;
  std::string credentials;   // the Proxy-Authorization value ("" when absent)
  std::string forward_head;  // kForward: the head to send to the origin server
  std::string for_logs;      // "CONNECT host:port" or "GET http://host:port/path" (no query)
};

// Why a request is answered without connecting anywhere: an HTTP status and a reason.
struct ProxyRefusal {
  int status = 400;
  std::string reason;
};

// Parses a complete head (up to and including the blank line).
tl::expected<ProxyRequest, ProxyRefusal> ParseProxyRequest(std::string_view head);

// The answer to a refused request: `status` with `reason` as a text/plain body, and
// `Proxy-Authenticate: Basic` for 407. Always `Connection: close`.
std::string RefusalResponse(const ProxyRefusal& refusal);

// Collects bytes until the head is complete. Bytes after the blank line are kept in rest().
class ProxyHeadReader {
 public:
  enum class State { kNeedMore, kComplete, kTooLarge };

  State Feed(std::string_view bytes);
  const std::string& head() const { return head_; }  // kComplete: the head, blank line included
  const std::string& rest() const { return rest_; }

 private:
  std::string head_;
  std::string rest_;
  State state_ = State::kNeedMore;
};

}  // namespace liverec::relay::egress
