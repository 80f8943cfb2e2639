// HttpServer: HTTP/1.1 over Boost.Beast. Each connection is a coroutine on the I/O context; each
// request is handed to the handler on the worker pool (handlers may block), and the answer is
// written back on the connection's strand. Keep-alive, bounded header and body sizes, an idle
// timeout on no progress (waiting for a request, or for each piece of an answer to be sent: a
// slow download is never cut while it moves), and a cap on connections (ConnectionTable: at the
// cap the longest idle connection makes room). A failing accept pauses on a timer
// (AcceptBackoff). Thread-safety: Listen/Start/Stop from one thread; the handler from many.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "base/status.h"
#include "net/http_message.h"

namespace liverec::net {

struct HttpServerOptions {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  // No request, or no piece of an answer sent, for this long: the connection is closed.
  int idle_timeout_s = 60;
  int64_t max_connections = 4096;  // open connections; see ConnectionTable
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, boost::asio::thread_pool& workers, HttpHandler handler,
             HttpServerOptions options = {});
  ~HttpServer();

  // Binds "host:port" (port 0: any free one) and returns the bound port.
  Result<uint16_t> Listen(const std::string& address);
  // Starts accepting connections.
  void Start();
  // Stops accepting; open connections end after their current request.
  void Stop();
  // Open connections, and how many idle ones were closed to make room at the cap.
  int64_t connections() const;
  int64_t evictions() const;

  struct State;  // shared with the connection coroutines

 private:
  std::shared_ptr<State> state_;
};

}  // namespace liverec::net
