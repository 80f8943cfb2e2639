// TcpServer: accepts TCP connections and runs each as a coroutine that feeds a
// ConnectionHandler with the bytes it reads and writes back what the handler produces.
// Enforces: a deadline until the handler says the connection is established (handshake
// timeout), an idle timeout after that, and a maximum number of connections (refusals logged
// once per 10 s with a count). A failing accept pauses on a timer (AcceptBackoff).
// Thread-safety: Listen/Start/Stop from one thread; handlers run on the I/O threads, one
// connection's calls never concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "base/status.h"

namespace liverec::net {

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // Bytes received; append bytes to send to `out`. An error closes the connection.
  virtual Status OnData(std::span<const uint8_t> in, std::vector<uint8_t>& out) = 0;
  // Past the handshake: the idle timeout applies from now on.
  virtual bool Established() const = 0;
  // The connection is gone (any reason). Called once.
  virtual void OnClose(const std::string& reason) = 0;
};

// Makes the handler of a new connection; `peer` is "ip:port".
using ConnectionHandlerFactory =
    std::function<std::unique_ptr<ConnectionHandler>(const std::string& peer)>;

struct TcpServerOptions {
  std::string name = "tcp";  // for log lines, e.g. "rtmp"
  int64_t handshake_timeout_s = 10;
  int64_t idle_timeout_s = 30;
  int64_t max_connections = 5000;
  size_t read_buffer_bytes = 64 * 1024;
};

class TcpServer {
 public:
  TcpServer(boost::asio::io_context& io, ConnectionHandlerFactory factory,
            TcpServerOptions options);
  ~TcpServer();

  Result<uint16_t> Listen(const std::string& address);
  void Start();
  void Stop();
  int64_t connections() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace liverec::net
