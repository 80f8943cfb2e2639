// TcpServer: accepts TCP connections and runs each as a coroutine that feeds a
// ConnectionHandler with the bytes it reads and writes back what the handler produces.
// Enforces: a deadline until the handler says the connection is established (handshake
// timeout), an idle timeout after that, and a maximum number of connections (refusals logged
// once per 10 s with a count). A failing accept pauses on a timer (AcceptBackoff). Reads of
// media-only connections can be batched on a common interval (read_interval_ms).
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
  // Whether the next read may wait for the next tick of the read interval
  // (TcpServerOptions::read_interval_ms): true for a connection that only receives media, where
  // a few tens of milliseconds more latency cost nothing and fewer, larger reads save CPU.
  virtual bool ReadsMayWait() const { return false; }
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
  // 0: a connection is read as soon as bytes arrive. Otherwise a connection whose handler says
  // ReadsMayWait, after a read of less than `read_wait_below_bytes`, is read next at the next
  // multiple of this interval on the steady clock: the waits of all connections end at the same
  // instants, so one wake-up of the I/O threads serves them all, each with one read of what
  // arrived meanwhile. A larger read is followed at once by the next (a fast stream is never
  // held back by the interval).
  int64_t read_interval_ms = 0;
  size_t read_wait_below_bytes = 32 * 1024;
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
