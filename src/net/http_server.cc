#include "net/http_server.h"

#include "net/listen.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

namespace liverec::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

struct HttpServer::State {
  asio::io_context& io;
  asio::thread_pool& workers;
  HttpHandler handler;
  HttpServerOptions options;
  tcp::acceptor acceptor;
  bool stopped = false;

  State(asio::io_context& i, asio::thread_pool& w, HttpHandler h, HttpServerOptions o)
      : io(i), workers(w), handler(std::move(h)), options(o), acceptor(i) {}
};

namespace {

HttpRequest ToRequest(const http::request<http::string_body>& in) {
  HttpRequest out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  for (const auto& field : in) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers[name] = std::string(field.value());
  }
  out.body = in.body();
  return out;
}

// Opens the file of `response`: a copy of the descriptor the handler opened, else file_path.
void OpenResponseFile(const HttpResponse& response, beast::file_mode mode, beast::file& file,
                      beast::error_code& ec) {
  if (!response.file_descriptor) {
    file.open(response.file_path.c_str(), mode, ec);
    return;
  }
  int fd = ::fcntl(*response.file_descriptor, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    ec.assign(errno, beast::system_category());
    return;
  }
  file.native_handle(fd);
  file.seek(0, ec);  // the copy shares the offset of the handler's descriptor
}

// Streams bytes [offset, offset + length) of a file: a header, then 64 KiB pieces.
asio::awaitable<bool> WriteFileSlice(beast::tcp_stream& stream, const HttpResponse& response,
                                     unsigned version, bool keep_alive) {
  beast::file file;
  beast::error_code ec;
  OpenResponseFile(response, beast::file_mode::read, file, ec);
  if (!ec) file.seek(response.file_offset, ec);
  if (ec) co_return false;
  http::response<http::buffer_body> res{static_cast<http::status>(response.status), version};
  res.set(http::field::server, "liverec");
  res.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.content_length(*response.file_length);
  res.body().data = nullptr;
  res.body().more = true;
  http::response_serializer<http::buffer_body> sr{res};
  co_await http::async_write_header(stream, sr, asio::use_awaitable);
  std::vector<char> buffer(64 * 1024);
  uint64_t left = *response.file_length;
  while (left > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(left, buffer.size()));
    size_t got = file.read(buffer.data(), want, ec);
    if (ec || got == 0) throw std::runtime_error("file shrank while being sent");
    left -= got;
    res.body().data = buffer.data();
    res.body().size = got;
    res.body().more = left > 0;
    beast::error_code write_ec;
    co_await http::async_write(stream, sr, asio::redirect_error(asio::use_awaitable, write_ec));
    if (write_ec && write_ec != http::error::need_buffer) throw beast::system_error(write_ec);
  }
  if (!sr.is_done()) {
    res.body().data = nullptr;
    res.body().size = 0;
    res.body().more = false;
    co_await http::async_write(stream, sr, asio::use_awaitable);
  }
  co_return true;
}

asio::awaitable<void> WriteResponse(beast::tcp_stream& stream, const HttpResponse& response,
                                    unsigned version, bool keep_alive, bool head) {
  if (!response.file_path.empty() && response.file_length && !head) {
    if (co_await WriteFileSlice(stream, response, version, keep_alive)) co_return;
    HttpResponse gone{404, "text/plain", "not found\n", "", {}};
    co_await WriteResponse(stream, gone, version, keep_alive, head);
    co_return;
  }
  if (!response.file_path.empty()) {
    http::response<http::file_body> res{static_cast<http::status>(response.status), version};
    beast::error_code ec;
    beast::file file;
    OpenResponseFile(response, beast::file_mode::scan, file, ec);
    if (!ec) res.body().reset(std::move(file), ec);
    if (!ec) {
      res.set(http::field::content_type, response.content_type);
      for (const auto& [name, value] : response.headers) res.set(name, value);
      res.keep_alive(keep_alive);
      res.prepare_payload();
      if (head) {
        http::response_serializer<http::file_body> sr{res};
        co_await http::async_write_header(stream, sr, asio::use_awaitable);
      } else {
        co_await http::async_write(stream, res, asio::use_awaitable);
      }
      co_return;
    }
    HttpResponse gone{404, "text/plain", "not found\n", "", {}};
    co_await WriteResponse(stream, gone, version, keep_alive, head);
    co_return;
  }
  http::response<http::string_body> res{static_cast<http::status>(response.status), version};
  res.set(http::field::server, "liverec");
  if (!response.content_type.empty()) res.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.body() = head ? std::string() : response.body;
  res.prepare_payload();
  if (head) res.content_length(response.body.size());
  co_await http::async_write(stream, res, asio::use_awaitable);
}

// A free function, not a capturing lambda: GCC 12 mishandles lambda captures in coroutines.
asio::awaitable<HttpResponse> RunHandler(std::shared_ptr<HttpServer::State> state,
                                         HttpRequest request) {
  co_return state->handler(request);
}

asio::awaitable<void> Session(std::shared_ptr<HttpServer::State> state, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  try {
    while (true) {
      stream.expires_after(std::chrono::seconds(state->options.idle_timeout_s));
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<uint32_t>(state->options.max_header_bytes));
      parser.body_limit(state->options.max_body_bytes);
      beast::error_code ec;
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::connection_reset || ec == asio::error::eof) {
        break;
      }
      if (ec) {
        // Oversized or malformed requests get a plain answer and the connection is closed.
        int status = (ec == http::error::body_limit || ec == http::error::header_limit) ? 413 : 400;
        spdlog::debug("http: bad request from client: {}", ec.message());
        HttpResponse bad{status, "text/plain", ec.message() + "\n", "", {}};
        co_await WriteResponse(stream, bad, 11, false, false);
        break;
      }
      auto& message = parser.get();
      bool keep_alive = message.keep_alive();
      bool head = message.method() == http::verb::head;
      HttpRequest request = ToRequest(message);
      // Run the handler on the worker pool; resume here on the connection's executor.
      HttpResponse response = co_await asio::co_spawn(
          state->workers, RunHandler(state, std::move(request)), asio::use_awaitable);
      stream.expires_after(std::chrono::seconds(state->options.idle_timeout_s));
      co_await WriteResponse(stream, response, message.version(), keep_alive, head);
      if (!keep_alive) break;
    }
  } catch (const std::exception& e) {
    spdlog::debug("http: connection ended: {}", e.what());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> AcceptLoop(std::shared_ptr<HttpServer::State> state) {
  while (!state->stopped) {
    beast::error_code ec;
    tcp::socket socket = co_await state->acceptor.async_accept(
        asio::make_strand(state->io), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (state->stopped || ec == asio::error::operation_aborted) break;
      spdlog::warn("http: accept failed: {}", ec.message());
      continue;
    }
    // The socket was accepted onto its own strand: the connection's steps and Beast's timers
    // never run concurrently, even with several I/O threads.
    auto executor = socket.get_executor();
    asio::co_spawn(executor, Session(state, std::move(socket)), asio::detached);
  }
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, asio::thread_pool& workers, HttpHandler handler,
                       HttpServerOptions options)
    : state_(std::make_shared<State>(io, workers, std::move(handler), options)) {}

HttpServer::~HttpServer() { Stop(); }

Result<uint16_t> HttpServer::Listen(const std::string& address) {
  return BindAndListen(state_->acceptor, address, "HTTP");
}

void HttpServer::Start() { asio::co_spawn(state_->io, AcceptLoop(state_), asio::detached); }

void HttpServer::Stop() {
  if (!state_ || state_->stopped) return;
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
}

}  // namespace liverec::net
