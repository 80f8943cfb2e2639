#include "net/http_server.h"

#include "net/accept_backoff.h"
#include "net/accept_failure.h"
#include "net/connection_table.h"
#include "net/descriptor_limits.h"
#include "net/http_request_reader.h"
#include "net/listen.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

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
  ConnectionTable connections;
  AcceptBackoff backoff{"http"};
  SpareDescriptor spare;
  bool stopped = false;
  int64_t cap_logged_ms = 0;  // NoteCap, on the accept loop only
  int64_t cap_events = 0;

  State(asio::io_context& i, asio::thread_pool& w, HttpHandler h, HttpServerOptions o)
      : io(i),
        workers(w),
        handler(std::move(h)),
        options(o),
        acceptor(i),
        connections(o.max_connections) {}

  std::chrono::seconds IdleTimeout() const { return std::chrono::seconds(options.idle_timeout_s); }
};

namespace {

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

// Streams bytes [offset, offset + length) of a file (no length: to its end): a header, then
// 64 KiB pieces. The idle timeout runs per piece: a slow reader is cut only when it takes more
// than `idle_timeout` to take one piece, never for the length of the whole download.
asio::awaitable<bool> WriteFileSlice(beast::tcp_stream& stream, const HttpResponse& response,
                                     unsigned version, bool keep_alive,
                                     std::chrono::seconds idle_timeout) {
  beast::file file;
  beast::error_code ec;
  OpenResponseFile(response, beast::file_mode::read, file, ec);
  uint64_t length = 0;
  if (!ec) {
    uint64_t size = file.size(ec);
    if (!ec && response.file_offset > size) {
      ec = beast::errc::make_error_code(beast::errc::invalid_argument);
    }
    if (!ec) length = response.file_length.value_or(size - response.file_offset);
  }
  if (!ec) file.seek(response.file_offset, ec);
  if (ec) co_return false;
  http::response<http::buffer_body> res{static_cast<http::status>(response.status), version};
  res.set(http::field::server, "liverec");
  res.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.content_length(length);
  res.body().data = nullptr;
  res.body().more = true;
  http::response_serializer<http::buffer_body> sr{res};
  stream.expires_after(idle_timeout);
  co_await http::async_write_header(stream, sr, asio::use_awaitable);
  std::vector<char> buffer(64 * 1024);
  uint64_t left = length;
  while (left > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(left, buffer.size()));
    size_t got = file.read(buffer.data(), want, ec);
    if (ec || got == 0) throw std::runtime_error("file shrank while being sent");
    left -= got;
    res.body().data = buffer.data();
    res.body().size = got;
    res.body().more = left > 0;
    beast::error_code write_ec;
    stream.expires_after(idle_timeout);
    co_await http::async_write(stream, sr, asio::redirect_error(asio::use_awaitable, write_ec));
    if (write_ec && write_ec != http::error::need_buffer) throw beast::system_error(write_ec);
  }
  if (!sr.is_done()) {
    res.body().data = nullptr;
    res.body().size = 0;
    res.body().more = false;
    stream.expires_after(idle_timeout);
    co_await http::async_write(stream, sr, asio::use_awaitable);
  }
  co_return true;
}

asio::awaitable<void> WriteResponse(beast::tcp_stream& stream, const HttpResponse& response,
                                    unsigned version, bool keep_alive, bool head,
                                    std::chrono::seconds idle_timeout) {
  stream.expires_after(idle_timeout);
  if (!response.file_path.empty() && !head) {
    if (co_await WriteFileSlice(stream, response, version, keep_alive, idle_timeout)) co_return;
    HttpResponse gone{404, "text/plain", "not found\n", "", {}};
    co_await WriteResponse(stream, gone, version, keep_alive, head, idle_timeout);
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
    co_await WriteResponse(stream, gone, version, keep_alive, head, idle_timeout);
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
  // Piece by piece, the idle timeout re-armed for each: bodies reach 8 MiB (ranges).
  http::response_serializer<http::string_body> sr{res};
  while (!sr.is_done()) {
    stream.expires_after(idle_timeout);
    co_await http::async_write_some(stream, sr, asio::use_awaitable);
  }
}

// A free function, not a capturing lambda: GCC 12 mishandles lambda captures in coroutines.
asio::awaitable<HttpResponse> RunHandler(std::shared_ptr<HttpServer::State> state,
                                         HttpRequest request) {
  co_return state->handler(request);
}

// Closes a connection from any thread (ConnectionTable eviction): on its own strand.
ConnectionTable::CloseFn Closer(const std::shared_ptr<beast::tcp_stream>& stream) {
  return [weak = std::weak_ptr<beast::tcp_stream>(stream), executor = stream->get_executor()] {
    asio::post(executor, [weak] {
      if (auto s = weak.lock()) s->close();
    });
  };
}

asio::awaitable<void> Session(std::shared_ptr<HttpServer::State> state,
                              std::shared_ptr<beast::tcp_stream> stream_ptr, uint64_t id) {
  beast::tcp_stream& stream = *stream_ptr;
  beast::flat_buffer buffer;
  try {
    while (true) {
      state->connections.SetIdle(id, SteadyNowMs());
      stream.expires_after(state->IdleTimeout());
      BeastRequestParser parser;
      LimitRequestParser(parser, state->options);
      beast::error_code ec;
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::connection_reset || ec == asio::error::eof ||
          !stream.socket().is_open()) {
        break;  // closed by the client, timed out, or evicted to make room
      }
      state->connections.SetBusy(id);
      if (ec) {
        // Oversized or malformed requests get a plain answer and the connection is closed.
        int status = BadRequestStatus(ec);
        spdlog::debug("http: bad request from client: {}", ec.message());
        HttpResponse bad{status, "text/plain", ec.message() + "\n", "", {}};
        co_await WriteResponse(stream, bad, 11, false, false, state->IdleTimeout());
        break;
      }
      auto& message = parser.get();
      bool keep_alive = message.keep_alive();
      bool head = message.method() == http::verb::head;
      HttpRequest request = ToRequest(message);
      // Run the handler on the worker pool; resume here on the connection's executor.
      HttpResponse response = co_await asio::co_spawn(
          state->workers, RunHandler(state, std::move(request)), asio::use_awaitable);
      co_await WriteResponse(stream, response, message.version(), keep_alive, head,
                             state->IdleTimeout());
      if (!keep_alive) break;
    }
  } catch (const std::exception& e) {
    spdlog::debug("http: connection ended: {}", e.what());
  }
  state->connections.Remove(id);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// At most one line per 10 s about the cap, with the count since the last line.
void NoteCap(HttpServer::State& state, bool refused) {
  int64_t now = SteadyNowMs();
  ++state.cap_events;
  if (state.cap_logged_ms != 0 && now - state.cap_logged_ms < 10'000) return;
  if (refused) {
    spdlog::warn(
        "http: connection refused: all {} connections (http.max_connections, or the descriptor "
        "limit's share) are busy; {} such events since the last line",
        state.connections.capacity(), state.cap_events);
  } else {
    spdlog::warn(
        "http: {} connections open (the cap): closing the longest idle ones to make room; {} "
        "such events since the last line",
        state.connections.capacity(), state.cap_events);
  }
  state.cap_logged_ms = now;
  state.cap_events = 0;
}

asio::awaitable<void> AcceptLoop(std::shared_ptr<HttpServer::State> state) {
  while (!state->stopped) {
    beast::error_code ec;
    tcp::socket socket = co_await state->acceptor.async_accept(
        asio::make_strand(state->io), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (state->stopped || ec == asio::error::operation_aborted) break;
      co_await PauseAfterAcceptFailure(state->acceptor, ec, state->backoff, state->spare);
      continue;
    }
    if (auto line = state->backoff.OnSuccess(SteadyNowMs())) spdlog::info("{}", *line);
    // The socket was accepted onto its own strand: the connection's steps and Beast's timers
    // never run concurrently, even with several I/O threads.
    auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
    auto admission = state->connections.Admit(SteadyNowMs(), Closer(stream));
    if (!admission) {
      NoteCap(*state, true);
      stream->close();
      continue;
    }
    if (admission->evicted) {
      NoteCap(*state, false);
      admission->evicted();
    }
    auto executor = stream->get_executor();
    asio::co_spawn(executor, Session(state, std::move(stream), admission->id), asio::detached);
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

int64_t HttpServer::connections() const { return state_->connections.size(); }
int64_t HttpServer::evictions() const { return state_->connections.evictions(); }

void HttpServer::Stop() {
  if (!state_ || state_->stopped) return;
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
}

}  // namespace liverec::net
