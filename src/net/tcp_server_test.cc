#include "net/tcp_server.h"

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

class TcpServerTest : public ::testing::Test {
 protected:
  void Start(int64_t handshake_s, int64_t idle_s) {
    TcpServerOptions options;
    options.name = "test";
    options.handshake_timeout_s = handshake_s;
    options.idle_timeout_s = idle_s;
    server_ = std::make_unique<TcpServer>(
        io_, [this](const std::string&) { return std::make_unique<EchoHandler>(&closed_); },
        options);
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

}  // namespace
}  // namespace liverec::net
