#include "relay/egress/egress_proxy.h"

#include <atomic>
#include <unordered_map>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "base/crypto.h"
#include "relay/egress/proxy_request.h"

namespace liverec::relay::egress {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = asio::steady_timer::clock_type;

namespace {

constexpr size_t kMaxNotedRefusals = 3;
constexpr size_t kTransferBuffer = 16 * 1024;

std::string Hex(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

}  // namespace

struct EgressLease::Registry {
  UrlPolicy policy;
  metrics::Counter* refused = nullptr;
  EgressProxyOptions options;
  std::atomic<int64_t> connections{0};
  std::mutex mutex;
  std::unordered_map<std::string, std::weak_ptr<EgressLease>> leases;  // by credentials

  std::shared_ptr<EgressLease> Find(const std::string& credentials) {
    std::lock_guard lock(mutex);
    auto it = leases.find(credentials);
    return it == leases.end() ? nullptr : it->second.lock();
  }
};

EgressLease::EgressLease(std::shared_ptr<Registry> registry, std::string label,
                         std::string credentials, std::string proxy_url)
    : registry_(std::move(registry)),
      label_(std::move(label)),
      credentials_(std::move(credentials)),
      proxy_url_(std::move(proxy_url)) {}

EgressLease::~EgressLease() {
  std::lock_guard lock(registry_->mutex);
  registry_->leases.erase(credentials_);
}

void EgressLease::LogRefusal(const std::string& what, const std::string& why) {
  spdlog::warn("relay egress: {}: refused {}: {}", label_, what, why);
  if (registry_->refused != nullptr) registry_->refused->Add();
}

void EgressLease::NoteRefusal(const std::string& what, const std::string& why) {
  LogRefusal(what, why);
  std::lock_guard lock(mutex_);
  if (refusals_.size() < kMaxNotedRefusals) refusals_.push_back(what + ": " + why);
}

std::string EgressLease::TakeRefusals() {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& refusal : refusals_) out += (out.empty() ? "" : "; ") + refusal;
  refusals_.clear();
  return out;
}

// One client connection and, once made, its upstream connection. All on the I/O thread.
struct EgressProxy::Exchange {
  explicit Exchange(tcp::socket socket)
      : client(std::move(socket)), upstream(client.get_executor()), timer(client.get_executor()) {}

  void Close() {
    closed = true;
    boost::system::error_code ignored;
    client.close(ignored);
    upstream.close(ignored);
    timer.cancel();
  }
  void PushDeadline(std::chrono::milliseconds budget) { deadline = Clock::now() + budget; }

  tcp::socket client;
  tcp::socket upstream;
  asio::steady_timer timer;
  Clock::time_point deadline = Clock::now();
  bool closed = false;
};

namespace {

using Exchange = EgressProxy::Exchange;
using Registry = EgressLease::Registry;
using asio::use_awaitable;
using namespace asio::experimental::awaitable_operators;

// Closes the exchange once its deadline has passed (each phase and each transfer moves it).
asio::awaitable<void> Watchdog(std::shared_ptr<Exchange> x) {
  boost::system::error_code ec;
  while (!x->closed) {
    x->timer.expires_at(x->deadline);
    co_await x->timer.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!x->closed && x->deadline <= Clock::now()) x->Close();
  }
}

// The coroutines below take references to what their caller's frame holds, never arguments by
// value: GCC 12 destroys a temporary passed by value to a coroutine in a co_await twice.

asio::awaitable<void> Answer(Exchange& x, const std::string& response) {
  boost::system::error_code ec;
  co_await asio::async_write(x.client, asio::buffer(response),
                             asio::redirect_error(use_awaitable, ec));
  x.Close();
}

// Copies `from` to `to` until either side ends or fails, then closes the exchange: libavformat
// never half-closes, and an origin that has ended its answer has nothing more to say.
asio::awaitable<void> Pump(Exchange& x, tcp::socket& from, tcp::socket& to,
                           std::chrono::milliseconds idle) {
  std::vector<uint8_t> buffer(kTransferBuffer);
  boost::system::error_code ec;
  while (!ec) {
    size_t n = co_await from.async_read_some(asio::buffer(buffer),
                                             asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    co_await asio::async_write(to, asio::buffer(buffer.data(), n),
                               asio::redirect_error(use_awaitable, ec));
    x.PushDeadline(idle);
  }
  x.Close();
}

// Reads and drops what the client sends after its request (nothing, from libavformat) until it
// closes its connection.
asio::awaitable<void> Discard(Exchange& x) {
  std::vector<uint8_t> buffer(1024);
  boost::system::error_code ec;
  while (!ec) {
    co_await x.client.async_read_some(asio::buffer(buffer),
                                      asio::redirect_error(use_awaitable, ec));
  }
  x.Close();
}

// The request head, parsed; false (the client answered, or gone) when there is none.
asio::awaitable<bool> ReadRequest(Exchange& x, ProxyRequest& out, std::string& early_bytes) {
  ProxyHeadReader reader;
  std::vector<char> buffer(4096);
  boost::system::error_code ec;
  while (true) {
    size_t n = co_await x.client.async_read_some(asio::buffer(buffer),
                                                 asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;  // gone, or the head timeout closed it
    auto state = reader.Feed(std::string_view(buffer.data(), n));
    if (state == ProxyHeadReader::State::kNeedMore) continue;
    auto request = state == ProxyHeadReader::State::kComplete
                       ? ParseProxyRequest(reader.head())
                       : tl::unexpected<ProxyRefusal>({400, "the request head is too large"});
    if (!request) {
      const std::string answer = RefusalResponse(request.error());
      co_await Answer(x, answer);
      co_return false;
    }
    early_bytes = reader.rest();
    out = std::move(*request);
    co_return true;
  }
}

std::vector<tcp::endpoint> Endpoints(const std::vector<std::string>& addresses, int port) {
  std::vector<tcp::endpoint> endpoints;
  for (const auto& address : addresses) {
    boost::system::error_code ec;
    auto ip = asio::ip::make_address(address, ec);
    if (!ec) endpoints.emplace_back(ip, static_cast<uint16_t>(port));
  }
  return endpoints;
}

// Resolves the request's host once, checks every address and connects to one of them; false
// (the client answered) when refused or unreachable.
asio::awaitable<bool> ConnectUpstream(Exchange& x, Registry& registry, asio::thread_pool& resolvers,
                                      const ProxyRequest& request, EgressLease& lease) {
  x.PushDeadline(registry.options.connect_timeout);
  // On the pool (the resolver blocks); the result comes back through `addresses`.
  auto addresses = std::make_shared<tl::expected<std::vector<std::string>, std::string>>();
  auto resolve = [registry = &registry, addresses, host = request.host]() -> asio::awaitable<void> {
    *addresses = ResolveAllowed(host, registry->policy);
    co_return;
  };
  co_await asio::co_spawn(resolvers, std::move(resolve), use_awaitable);
  if (x.closed) co_return false;  // the connect timeout passed while resolving
  std::string refusal;
  boost::system::error_code ec;
  if (!*addresses) {
    lease.NoteRefusal(request.for_logs, addresses->error());
    refusal = RefusalResponse({403, addresses->error()});
  } else {
    const std::vector<tcp::endpoint> endpoints = Endpoints(**addresses, request.port);
    co_await asio::async_connect(x.upstream, endpoints, asio::redirect_error(use_awaitable, ec));
    if (x.closed) co_return false;
    if (ec) {
      refusal = RefusalResponse({502, "cannot connect to " + request.host + ":" +
                                          std::to_string(request.port) + ": " + ec.message()});
    }
  }
  if (refusal.empty()) co_return true;
  co_await Answer(x, refusal);
  co_return false;
}

// Opens the exchange (200 for a tunnel, the rewritten head for a GET) and moves the bytes.
asio::awaitable<void> Relay(Exchange& x, const ProxyRequest& request,
                            const std::string& early_bytes, std::chrono::milliseconds idle) {
  x.PushDeadline(idle);
  const bool tunnel = request.kind == ProxyRequest::Kind::kConnect;
  const std::string opening = tunnel ? "HTTP/1.1 200 Connection established\r\n\r\n" : "";
  boost::system::error_code ec;
  co_await asio::async_write(tunnel ? x.client : x.upstream,
                             asio::buffer(tunnel ? opening : request.forward_head),
                             asio::redirect_error(use_awaitable, ec));
  if (!ec && tunnel && !early_bytes.empty()) {
    co_await asio::async_write(x.upstream, asio::buffer(early_bytes),
                               asio::redirect_error(use_awaitable, ec));
  }
  if (ec) {
    x.Close();
    co_return;
  }
  // Whichever direction ends first ends the exchange (the other is cancelled).
  if (tunnel) {
    co_await (Pump(x, x.client, x.upstream, idle) || Pump(x, x.upstream, x.client, idle));
  } else {  // one request: the answer, until the origin or the client closes
    co_await (Pump(x, x.upstream, x.client, idle) || Discard(x));
  }
  x.Close();
}

asio::awaitable<void> Serve(std::shared_ptr<Registry> registry, asio::thread_pool& resolvers,
                            std::shared_ptr<Exchange> x) {
  x->PushDeadline(registry->options.head_timeout);
  asio::co_spawn(x->client.get_executor(), Watchdog(x), asio::detached);
  ProxyRequest request;
  std::string early_bytes;
  const bool complete = co_await ReadRequest(*x, request, early_bytes);
  if (!complete) {
    x->Close();
    co_return;
  }
  std::shared_ptr<EgressLease> lease = registry->Find(request.credentials);
  if (!lease) {
    if (!request.credentials.empty()) {
      spdlog::warn("relay egress: refused {}: unknown credentials", request.for_logs);
    }
    const std::string answer = RefusalResponse({407, "credentials needed"});
    co_await Answer(*x, answer);
    co_return;
  }
  const bool connected = co_await ConnectUpstream(*x, *registry, resolvers, request, *lease);
  if (connected) co_await Relay(*x, request, early_bytes, registry->options.idle_timeout);
}

asio::awaitable<void> AcceptLoop(std::shared_ptr<Registry> registry, tcp::acceptor& acceptor,
                                 asio::thread_pool& resolvers) {
  auto last_cap_log = Clock::time_point{};
  while (acceptor.is_open()) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;  // a failed accept (EMFILE...): the next one may work
    if (registry->connections.load() >= registry->options.max_connections) {
      if (Clock::now() - last_cap_log > std::chrono::seconds(10)) {
        spdlog::warn("relay egress: connection refused: the maximum of {} connections is open",
                     registry->options.max_connections);
        last_cap_log = Clock::now();
      }
      socket.close(ec);
      continue;
    }
    registry->connections.fetch_add(1);
    auto x = std::make_shared<Exchange>(std::move(socket));
    asio::co_spawn(acceptor.get_executor(), Serve(registry, resolvers, x),
                   [registry, x](std::exception_ptr) {
                     x->Close();
                     registry->connections.fetch_sub(1);
                   });
  }
}

}  // namespace

EgressProxy::EgressProxy(UrlPolicy policy, RandomSource& random, metrics::Counter* refused,
                         EgressProxyOptions options)
    : registry_(std::make_shared<EgressLease::Registry>()),
      random_(random),
      options_(options),
      resolvers_(static_cast<size_t>(std::max(1, options.resolver_threads))) {
  registry_->policy = std::move(policy);
  registry_->refused = refused;
  registry_->options = options;
}

EgressProxy::~EgressProxy() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  resolvers_.stop();
  resolvers_.join();
}

Status EgressProxy::Start() {
  boost::system::error_code ec;
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(ErrorCode::kInternalError, "",
                  "relay egress proxy: cannot listen on 127.0.0.1: " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, AcceptLoop(registry_, acceptor_, resolvers_), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
  return Status::Ok();
}

std::shared_ptr<EgressLease> EgressProxy::Lease(const std::string& label) {
  std::vector<uint8_t> token(16);
  random_.Fill(token);
  const std::string user_token = "relay:" + Hex(token);
  const std::string credentials = "Basic " + Base64Encode(user_token);
  auto lease =
      std::make_shared<EgressLease>(registry_, label, credentials,
                                    "http://" + user_token + "@127.0.0.1:" + std::to_string(port_));
  std::lock_guard lock(registry_->mutex);
  registry_->leases[credentials] = lease;
  return lease;
}

}  // namespace liverec::relay::egress
