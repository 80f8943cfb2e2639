// EgressProxy: the forward proxy every HTTP(S) and RTMPS connection of a relay goes through when
// the relay URL policy refuses private addresses (docs/api/relay.md, "Security: every
// connection is checked"). libavformat is told to use it on every open (the `http_proxy`
// option, connect_plan.h) and then follows redirects, reloads playlists and fetches segments
// and keys as it always does; each of those connections arrives here as a CONNECT (https,
// rtmps: TLS end to end, the name kept for SNI) or an absolute-form GET (http). For each one
// the proxy resolves the host itself, once (ResolveAllowed), and refuses it — 403, a warning
// in the log naming the relay, liverec_relay_connections_refused_total — when the name is
// localhost, does not resolve, or any of its addresses is refused by the policy. Otherwise it
// connects to one of exactly those addresses, so a name that resolves elsewhere a moment later
// (DNS rebinding) changes nothing, and then moves bytes both ways.
//
// Not an open proxy: it listens on 127.0.0.1 only, on a port the kernel picks; a request must
// carry the credentials of a live lease (one per relay attempt, 128 random bits, Basic auth
// after a 407, as libavformat does it); connections are capped; the request head must arrive
// within head_timeout, the upstream connection be made within connect_timeout, and a tunnel
// that moves nothing for idle_timeout is closed.
// Threads: one I/O thread of its own; names are resolved on a small pool (the resolver blocks).
// Thread-safety: Lease() and the leases may be used from any thread; Start() once; the
// destructor stops, closes every connection and joins its threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "base/metrics.h"
#include "base/random.h"
#include "base/status.h"
#include "relay/relay_url_policy.h"

namespace liverec::relay::egress {

struct EgressProxyOptions {
  int64_t max_connections = 512;
  std::chrono::milliseconds head_timeout{10'000};
  std::chrono::milliseconds connect_timeout{10'000};  // resolving included
  std::chrono::milliseconds idle_timeout{60'000};
  int resolver_threads = 4;
};

// One relay attempt's right to use the proxy. Dropping the last reference revokes it.
class EgressLease {
 public:
  struct Registry;
  EgressLease(std::shared_ptr<Registry> registry, std::string label, std::string credentials,
              std::string proxy_url);
  ~EgressLease();
  EgressLease(const EgressLease&) = delete;
  EgressLease& operator=(const EgressLease&) = delete;

  // "http://relay:<token>@127.0.0.1:<port>", for libavformat's http_proxy option.
  const std::string& proxy_url() const { return proxy_url_; }
  const std::string& label() const { return label_; }

  // A connection of this relay was refused: logs it (warning) and counts it. `what` names the
  // connection ("GET http://host:port/path"), `why` the rule.
  void LogRefusal(const std::string& what, const std::string& why);
  // LogRefusal, and keeps it for TakeRefusals.
  void NoteRefusal(const std::string& what, const std::string& why);
  // The refusals noted since the last call, "; "-joined (the first few), or "".
  std::string TakeRefusals();

 private:
  const std::shared_ptr<Registry> registry_;
  const std::string label_;
  const std::string credentials_;
  const std::string proxy_url_;
  std::mutex mutex_;
  std::vector<std::string> refusals_;  // guarded by mutex_
};

class EgressProxy {
 public:
  // `refused` (may be null) counts refused connections; `random` makes the lease tokens.
  EgressProxy(UrlPolicy policy, RandomSource& random, metrics::Counter* refused,
              EgressProxyOptions options = {});
  ~EgressProxy();
  EgressProxy(const EgressProxy&) = delete;
  EgressProxy& operator=(const EgressProxy&) = delete;

  // Listens on 127.0.0.1 (a port the kernel picks) and starts the I/O thread.
  Status Start();
  uint16_t port() const { return port_; }

  // A new lease for one relay attempt; `label` names it in log lines ("task X attempt 2").
  std::shared_ptr<EgressLease> Lease(const std::string& label);

  struct Exchange;

 private:
  const std::shared_ptr<EgressLease::Registry> registry_;
  RandomSource& random_;
  const EgressProxyOptions options_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  boost::asio::thread_pool resolvers_;
  std::thread thread_;
  uint16_t port_ = 0;
};

}  // namespace liverec::relay::egress
