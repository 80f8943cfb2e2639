// HttpServer: HTTP/1.1 over Boost.Beast. Each connection is a coroutine on the I/O context; each
// request is handed to the handler on the worker pool (handlers may block), and the answer is
// written back on the connection's strand. Keep-alive, bounded header and body sizes, idle
// timeout. Thread-safety: Listen/Start/Stop from one thread; the handler from many.
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
  int idle_timeout_s = 60;
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

  struct State;  // shared with the connection coroutines

 private:
  std::shared_ptr<State> state_;
};

}  // namespace liverec::net
