#include "relay/egress/egress_proxy.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <future>
#include <thread>

#include "base/crypto.h"

namespace liverec::relay::egress {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Reads and writes of the test's own sockets give up after 5 s rather than hang the suite.
void Bound(tcp::socket& socket) {
  timeval tv{5, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Everything the peer sends until it closes (or 5 s pass).
std::string ReadAll(tcp::socket& socket) {
  std::string out;
  char buffer[4096];
  boost::system::error_code ec;
  while (true) {
    size_t n = socket.read_some(asio::buffer(buffer), ec);
    if (ec) return out;
    out.append(buffer, n);
  }
}

// Up to and including the first blank line.
std::string ReadHead(tcp::socket& socket) {
  std::string out;
  char c;
  boost::system::error_code ec;
  while (!out.ends_with("\r\n\r\n") && socket.read_some(asio::buffer(&c, 1), ec) == 1) out += c;
  return out;
}

// A TCP server on 127.0.0.1 that runs `serve` for each connection it accepts, one at a time,
// and counts them.
class Upstream {
 public:
  explicit Upstream(std::function<void(tcp::socket&)> serve)
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        serve_(std::move(serve)) {
    thread_ = std::thread([this] {
      while (true) {
        tcp::socket socket(io_);
        boost::system::error_code ec;
        acceptor_.accept(socket, ec);
        if (ec || stopping_) return;
        ++accepted_;
        Bound(socket);
        serve_(socket);
      }
    });
  }
  ~Upstream() {
    stopping_ = true;
    tcp::socket wake(io_);
    boost::system::error_code ec;
    wake.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int accepted() const { return accepted_; }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::function<void(tcp::socket&)> serve_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

class EgressProxyTest : public ::testing::Test {
 protected:
  EgressProxyTest() {
    // 127.0.0.1 stands for a public address; names resolve as the table says.
    policy_.public_addresses = {"127.0.0.1"};
    policy_.resolve = [this](const std::string& host) -> std::vector<std::string> {
      ++lookups_;
      if (host == "public.test") return {"127.0.0.1"};
      if (host == "private.test") return {"10.0.0.1"};
      if (host == "mixed.test") return {"127.0.0.1", "10.0.0.1"};
      if (host == "rebind.test")
        return lookups_ == 1 ? std::vector<std::string>{"127.0.0.1"}
                             : std::vector<std::string>{"10.0.0.1"};
      return {};
    };
  }

  void StartProxy(EgressProxyOptions options = {}) {
    proxy_ = std::make_unique<EgressProxy>(policy_, random_, &refused_, options);
    ASSERT_TRUE(proxy_->Start().ok());
  }

  // A connection to the proxy that sends `head` (with the lease's credentials when given).
  tcp::socket Send(std::string head, const EgressLease* lease = nullptr) {
    tcp::socket socket(io_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), proxy_->port()));
    Bound(socket);
    if (lease != nullptr) {
      std::string url = lease->proxy_url();  // http://relay:<token>@127.0.0.1:port
      std::string user = url.substr(7, url.find('@') - 7);
      head.insert(head.size() - 2, "Proxy-Authorization: Basic " + Base64Encode(user) + "\r\n");
    }
    asio::write(socket, asio::buffer(head));
    return socket;
  }

  asio::io_context io_;
  UrlPolicy policy_;
  std::atomic<int> lookups_{0};
  SeededRandom random_{7};
  metrics::Counter refused_;
  std::unique_ptr<EgressProxy> proxy_;
};

TEST_F(EgressProxyTest, ListensOnLoopbackAndNamesItselfWithALeaseToken) {
  StartProxy();
  auto lease = proxy_->Lease("task t1 attempt 1");
  EXPECT_TRUE(lease->proxy_url().starts_with("http://relay:"));
  EXPECT_TRUE(lease->proxy_url().ends_with("@127.0.0.1:" + std::to_string(proxy_->port())));
  EXPECT_NE(proxy_->Lease("task t2 attempt 1")->proxy_url(), lease->proxy_url());
}

TEST_F(EgressProxyTest, ARequestWithoutLiveCredentialsIsAskedForThemAndGoesNowhere) {
  StartProxy();
  Upstream upstream([](tcp::socket&) {});
  const std::string connect =
      "CONNECT public.test:" + std::to_string(upstream.port()) + " HTTP/1.1\r\n\r\n";
  auto anonymous = Send(connect);
  std::string answer = ReadAll(anonymous);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 407 ")) << answer;
  EXPECT_NE(answer.find("Proxy-Authenticate: Basic"), std::string::npos);

  auto lease = proxy_->Lease("task t1 attempt 1");
  std::string url = lease->proxy_url();
  lease.reset();  // the attempt ended: its token is no good any more
  auto with_stale = Send(connect.substr(0, connect.size() - 2) + "Proxy-Authorization: Basic " +
                         Base64Encode(url.substr(7, url.find('@') - 7)) + "\r\n\r\n");
  EXPECT_TRUE(ReadAll(with_stale).starts_with("HTTP/1.1 407 "));
  EXPECT_EQ(upstream.accepted(), 0);
  EXPECT_EQ(lookups_, 0);
}

TEST_F(EgressProxyTest, ConnectToAnAllowedHostTunnelsBytesBothWays) {
  StartProxy();
  Upstream echo([](tcp::socket& socket) {
    char buffer[64];
    boost::system::error_code ec;
    size_t n = socket.read_some(asio::buffer(buffer), ec);
    if (!ec) asio::write(socket, asio::buffer(std::string("echo:") + std::string(buffer, n)), ec);
  });
  auto lease = proxy_->Lease("task t1 attempt 1");
  auto socket =
      Send("CONNECT public.test:" + std::to_string(echo.port()) + " HTTP/1.1\r\n\r\n", lease.get());
  EXPECT_EQ(ReadHead(socket), "HTTP/1.1 200 Connection established\r\n\r\n");
  asio::write(socket, asio::buffer(std::string("ping")));
  EXPECT_EQ(ReadAll(socket), "echo:ping");
  EXPECT_EQ(echo.accepted(), 1);
  EXPECT_EQ(lease->TakeRefusals(), "");
  EXPECT_EQ(refused_.Value(), 0u);
}

TEST_F(EgressProxyTest, AbsoluteFormGetReachesTheOriginInOriginFormWithoutTheToken) {
  StartProxy();
  std::string seen;
  Upstream origin([&](tcp::socket& socket) {
    seen = ReadHead(socket);
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")),
                ec);
  });
  auto lease = proxy_->Lease("task t1 attempt 1");
  const std::string authority = "public.test:" + std::to_string(origin.port());
  auto socket = Send("GET http://" + authority + "/live/a.flv?k=1 HTTP/1.1\r\nHost: " + authority +
                         "\r\nConnection: close\r\n\r\n",
                     lease.get());
  EXPECT_EQ(ReadAll(socket), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_EQ(seen,
            "GET /live/a.flv?k=1 HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n");
}

TEST_F(EgressProxyTest, AHostWithARefusedAddressGets403AndTheRefusalIsNotedAndCounted) {
  StartProxy();
  Upstream upstream([](tcp::socket&) {});
  auto lease = proxy_->Lease("task t1 attempt 1");
  const std::string port = std::to_string(upstream.port());
  for (const std::string host : {"private.test", "mixed.test", "localhost", "127.0.0.2"}) {
    auto socket = Send("GET http://" + host + ":" + port + "/seg.ts HTTP/1.1\r\n\r\n", lease.get());
    std::string answer = ReadAll(socket);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 403 Forbidden\r\n")) << host << ": " << answer;
  }
  auto tunnel = Send("CONNECT private.test:443 HTTP/1.1\r\n\r\n", lease.get());
  EXPECT_TRUE(ReadAll(tunnel).starts_with("HTTP/1.1 403 "));
  EXPECT_EQ(upstream.accepted(), 0);  // mixed.test's public address was not tried either
  EXPECT_EQ(refused_.Value(), 5u);
  std::string noted = lease->TakeRefusals();
  EXPECT_NE(noted.find("GET http://private.test:" + port +
                       "/seg.ts: private.test resolves to "
                       "10.0.0.1, which is not publicly routable"),
            std::string::npos)
      << noted;
  EXPECT_EQ(lease->TakeRefusals(), "");
}

TEST_F(EgressProxyTest, TheNameIsResolvedOnceAndOnlyTheCheckedAddressIsConnectedTo) {
  // rebind.test answers 127.0.0.1 (allowed) to the first lookup and 10.0.0.1 to any later one:
  // a proxy that resolved again to connect would try 10.0.0.1 and fail.
  StartProxy();
  Upstream origin([](tcp::socket& socket) {
    ReadHead(socket);
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(std::string("HTTP/1.1 204 No Content\r\n\r\n")), ec);
  });
  auto lease = proxy_->Lease("task t1 attempt 1");
  auto socket =
      Send("GET http://rebind.test:" + std::to_string(origin.port()) + "/ HTTP/1.1\r\n\r\n",
           lease.get());
  EXPECT_EQ(ReadAll(socket), "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(lookups_, 1);
  EXPECT_EQ(origin.accepted(), 1);
}

TEST_F(EgressProxyTest, WhenTheClientLeavesTheOriginConnectionIsClosedAtOnce) {
  // An origin that keeps its connection open after answering (Connection: close ignored).
  StartProxy();
  std::promise<bool> closed_by_proxy;
  Upstream origin([&](tcp::socket& socket) {
    ReadHead(socket);
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")),
                ec);
    char c;
    socket.read_some(asio::buffer(&c, 1), ec);  // until the proxy closes (or our 5 s pass)
    closed_by_proxy.set_value(ec == asio::error::eof);
  });
  auto lease = proxy_->Lease("task t1 attempt 1");
  const auto start = std::chrono::steady_clock::now();
  {
    auto socket =
        Send("GET http://public.test:" + std::to_string(origin.port()) + "/a.ts HTTP/1.1\r\n\r\n",
             lease.get());
    std::string answer = ReadHead(socket);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK")) << answer;
  }  // the client closes
  auto closed = closed_by_proxy.get_future();
  ASSERT_EQ(closed.wait_for(std::chrono::seconds(3)), std::future_status::ready);
  EXPECT_TRUE(closed.get());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(EgressProxyTest, SilentClientsAreClosedAndConnectionsAreCapped) {
  StartProxy({.max_connections = 1, .head_timeout = std::chrono::milliseconds(200)});
  tcp::socket silent(io_);
  silent.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), proxy_->port()));
  Bound(silent);
  // While the silent one holds the only place, another connection is closed at once.
  tcp::socket second(io_);
  second.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), proxy_->port()));
  Bound(second);
  EXPECT_EQ(ReadAll(second), "");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadAll(silent), "");  // closed by the head timeout, long before our 5 s
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace liverec::relay::egress
