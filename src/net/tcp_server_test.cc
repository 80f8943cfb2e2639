#include "net/tcp_server.h"

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace liverec::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Echoes what it reads; established once it has read an 'E'.
class EchoHandler final : public ConnectionHandler {
 public:
  explicit EchoHandler(std::promise<std::string>* closed) : closed_(closed) {}
  Status OnData(std::span<const uint8_t> in, std::vector<uint8_t>& out) override {
    for (uint8_t b : in) {
      if (b == 'E') established_ = true;
    }
    out.assign(in.begin(), in.end());
    return Status::Ok();
  }
  bool Established() const override { return established_; }
  void OnClose(const std::string& reason) override { closed_->set_value(reason); }

 private:
  std::promise<std::string>* closed_;
  bool established_ = false;
};

// Counts what it reads (no reply); a media connection whose reads may wait when `may_wait`.
class CountingHandler final : public ConnectionHandler {
 public:
  CountingHandler(bool may_wait, std::atomic<int64_t>* reads, std::atomic<int64_t>* bytes)
      : may_wait_(may_wait), reads_(reads), bytes_(bytes) {}
  Status OnData(std::span<const uint8_t> in, std::vector<uint8_t>&) override {
    ++*reads_;
    *bytes_ += static_cast<int64_t>(in.size());
    return Status::Ok();
  }
  bool Established() const override { return true; }
  bool ReadsMayWait() const override { return may_wait_; }
  void OnClose(const std::string&) override {}

 private:
  bool may_wait_;
  std::atomic<int64_t>* reads_;
  std::atomic<int64_t>* bytes_;
};

class TcpServerTest : public ::testing::Test {
 protected:
  void Start(int64_t handshake_s, int64_t idle_s) {
    TcpServerOptions options;
    options.name = "test";
    options.handshake_timeout_s = handshake_s;
    options.idle_timeout_s = idle_s;
    StartWith(options, [this](const std::string&) -> std::unique_ptr<ConnectionHandler> {
      return std::make_unique<EchoHandler>(&closed_);
    });
  }
  void StartWith(const TcpServerOptions& options, ConnectionHandlerFactory factory) {
    server_ = std::make_unique<TcpServer>(io_, std::move(factory), options);
    auto port = server_->Listen("127.0.0.1:0");
    ASSERT_TRUE(port.has_value());
    port_ = *port;
    server_->Start();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (server_) server_->Stop();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  tcp::socket Connect() {
    tcp::socket socket(client_io_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    return socket;
  }
  static void Send(tcp::socket& socket, const std::string& bytes) {
    asio::write(socket, asio::buffer(bytes));
    std::string echo(bytes.size(), '\0');
    asio::read(socket, asio::buffer(echo));
    EXPECT_EQ(echo, bytes);
  }
  // The reason the server gave for closing, or "" if it did not within `ms`.
  std::string ClosedWithin(int ms) {
    auto future = closed_.get_future();
    if (future.wait_for(milliseconds(ms)) != std::future_status::ready) return "";
    return future.get();
  }

  asio::io_context io_;
  asio::io_context client_io_;
  std::unique_ptr<TcpServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::promise<std::string> closed_;
};

TEST_F(TcpServerTest, AConnectionThatNeverCompletesItsHandshakeIsClosedAtTheHandshakeTimeout) {
  Start(1, 30);
  auto started = steady_clock::now();
  tcp::socket socket = Connect();
  Send(socket, "hello");
  EXPECT_EQ(ClosedWithin(3000), "handshake timeout");
  auto took = steady_clock::now() - started;
  EXPECT_GE(took, milliseconds(950));
  EXPECT_LT(took, milliseconds(2500));
}

TEST_F(TcpServerTest, ReadsPushTheIdleDeadlineBackAndSilenceClosesTheConnection) {
  Start(1, 1);
  tcp::socket socket = Connect();
  Send(socket, "E");
  // Busy for three times the idle timeout: never closed meanwhile.
  auto started = steady_clock::now();
  auto quiet = started;
  while (steady_clock::now() - started < milliseconds(3000)) {
    std::this_thread::sleep_for(milliseconds(100));
    Send(socket, "data");
    quiet = steady_clock::now();
  }
  EXPECT_EQ(ClosedWithin(3000), "idle timeout");
  auto took = steady_clock::now() - quiet;
  EXPECT_GE(took, milliseconds(950));
  EXPECT_LT(took, milliseconds(2500));
}

TEST_F(TcpServerTest, APeerThatLeavesIsClosedByPeer) {
  Start(10, 30);
  {
    tcp::socket socket = Connect();
    Send(socket, "E");
  }
  EXPECT_EQ(ClosedWithin(3000), "closed by peer");
}

// Media connections: with a read interval, many small writes are read in a few reads, one per
// tick; a large backlog is read at once, not one buffer per tick; other connections are read as
// bytes arrive.
class TcpServerReadIntervalTest : public TcpServerTest {
 protected:
  void StartCounting(bool may_wait) {
    TcpServerOptions options;
    options.name = "test";
    options.read_interval_ms = 100;
    StartWith(options, [this, may_wait](const std::string&) -> std::unique_ptr<ConnectionHandler> {
      return std::make_unique<CountingHandler>(may_wait, &reads_, &bytes_);
    });
  }
  // Writes one byte every 5 ms for about `ms`; returns the milliseconds it took.
  int64_t Trickle(tcp::socket& socket, int ms) {
    const auto start = steady_clock::now();
    int sent = 0;
    while (steady_clock::now() - start < milliseconds(ms)) {
      asio::write(socket, asio::buffer("x", 1));
      ++sent;
      std::this_thread::sleep_for(milliseconds(5));
    }
    sent_ = sent;
    return std::chrono::duration_cast<milliseconds>(steady_clock::now() - start).count();
  }
  bool WaitForBytes(int64_t bytes, int ms) {
    const auto start = steady_clock::now();
    while (bytes_.load() < bytes && steady_clock::now() - start < milliseconds(ms)) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    return bytes_.load() >= bytes;
  }

  std::atomic<int64_t> reads_{0};
  std::atomic<int64_t> bytes_{0};
  int sent_ = 0;
};

TEST_F(TcpServerReadIntervalTest, SmallWritesOfAMediaConnectionAreReadOncePerTick) {
  StartCounting(/*may_wait=*/true);
  tcp::socket socket = Connect();
  const int64_t took = Trickle(socket, 1000);
  ASSERT_TRUE(WaitForBytes(sent_, 3000));
  // At most one read per 100 ms tick (and the first one), however the machine is loaded: a
  // busier machine only merges more.
  EXPECT_LE(reads_.load(), took / 100 + 3) << sent_ << " writes";
  EXPECT_GT(sent_, 4 * reads_.load()) << "writes were read together";
}

TEST_F(TcpServerReadIntervalTest, ALargeBacklogIsReadWithoutWaitingForTicks) {
  StartCounting(/*may_wait=*/true);
  tcp::socket socket = Connect();
  const std::vector<uint8_t> block(2 * 1024 * 1024, 0x5a);
  const auto start = steady_clock::now();
  asio::write(socket, asio::buffer(block));
  ASSERT_TRUE(WaitForBytes(static_cast<int64_t>(block.size()), 10'000));
  const auto took = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start).count();
  // 32 reads of 64 KiB: one per tick would take over 3 s.
  EXPECT_LT(took, 1500);
}

TEST_F(TcpServerReadIntervalTest, OtherConnectionsAreReadAsBytesArrive) {
  StartCounting(/*may_wait=*/false);
  tcp::socket socket = Connect();
  Trickle(socket, 500);
  ASSERT_TRUE(WaitForBytes(sent_, 3000));
  EXPECT_GT(reads_.load(), 500 / 100 + 3) << sent_ << " writes";
}

}  // namespace
}  // namespace liverec::net
