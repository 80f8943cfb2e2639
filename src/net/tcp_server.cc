#include "net/tcp_server.h"

#include "net/accept_backoff.h"
#include "net/accept_failure.h"
#include "net/descriptor_limits.h"
#include "net/listen.h"

#include <optional>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace liverec::net {

namespace asio = boost::asio;
using asio::ip::tcp;

struct TcpServer::State {
  asio::io_context& io;
  ConnectionHandlerFactory factory;
  TcpServerOptions options;
  tcp::acceptor acceptor;
  std::atomic<int64_t> connections{0};
  std::atomic<bool> stopped{false};
  AcceptBackoff backoff;
  SpareDescriptor spare;
  int64_t cap_logged_ms = 0;  // refusals at the cap: one line per 10 s (accept loop only)
  int64_t refused = 0;
  State(asio::io_context& i, ConnectionHandlerFactory f, TcpServerOptions o)
      : io(i), factory(std::move(f)), options(std::move(o)), acceptor(i), backoff(options.name) {}
};

namespace {

using Clock = asio::steady_timer::clock_type;

// Closes the socket once `*deadline` has passed. The reader pushes the deadline back by plain
// assignment on every read (same strand); the timer is only re-armed when it fires early, so a
// busy connection costs no timer work per read.
asio::awaitable<void> Watchdog(std::shared_ptr<tcp::socket> socket,
                               std::shared_ptr<asio::steady_timer> timer,
                               std::shared_ptr<Clock::time_point> deadline,
                               std::shared_ptr<std::string> reason) {
  boost::system::error_code ec;
  while (socket->is_open()) {
    timer->expires_at(*deadline);
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!socket->is_open()) co_return;  // closed (the reader cancels the timer)
    if (*deadline <= Clock::now()) {
      if (reason->empty()) *reason = "timeout";
      socket->close(ec);
      co_return;
    }
  }
}

// The first multiple of `interval_ms` on the steady clock after `now`: every connection that
// waits for a tick waits for the same instants.
Clock::time_point NextTick(Clock::time_point now, int64_t interval_ms) {
  const auto interval =
      std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(interval_ms));
  return Clock::time_point((now.time_since_epoch() / interval + 1) * interval);
}

asio::awaitable<void> Connection(std::shared_ptr<TcpServer::State> state, tcp::socket raw) {
  auto socket = std::make_shared<tcp::socket>(std::move(raw));
  boost::system::error_code ec;
  auto endpoint = socket->remote_endpoint(ec);
  std::string peer =
      ec ? "?" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  auto handler = state->factory(peer);
  auto timer = std::make_shared<asio::steady_timer>(socket->get_executor());
  auto reason = std::make_shared<std::string>();
  auto deadline = std::make_shared<Clock::time_point>(
      Clock::now() + std::chrono::seconds(state->options.handshake_timeout_s));
  asio::co_spawn(socket->get_executor(), Watchdog(socket, timer, deadline, reason), asio::detached);

  std::vector<uint8_t> buffer(state->options.read_buffer_bytes);
  std::vector<uint8_t> out;
  std::optional<asio::steady_timer> read_timer;  // made at the first wait
  while (true) {
    size_t n = co_await socket->async_read_some(asio::buffer(buffer),
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (reason->empty()) {
        *reason = ec == asio::error::eof ? "closed by peer"
                  : ec == asio::error::operation_aborted
                      ? (state->stopped ? "server stopping" : "timeout")
                      : ec.message();
      }
      if (*reason == "timeout") {
        spdlog::warn("{}: {} closed: {}", state->options.name, peer,
                     handler->Established() ? "idle timeout" : "handshake timeout");
        *reason = handler->Established() ? "idle timeout" : "handshake timeout";
      }
      break;
    }
    out.clear();
    Status status = handler->OnData(std::span(buffer.data(), n), out);
    if (!out.empty()) {
      co_await asio::async_write(*socket, asio::buffer(out),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        *reason = "write failed: " + ec.message();
        break;
      }
    }
    if (!status.ok()) {
      *reason = status.Message();
      spdlog::warn("{}: {} closed: {}", state->options.name, peer, *reason);
      break;
    }
    *deadline = Clock::now() + std::chrono::seconds(handler->Established()
                                                        ? state->options.idle_timeout_s
                                                        : state->options.handshake_timeout_s);
    if (state->options.read_interval_ms > 0 && n < state->options.read_wait_below_bytes &&
        handler->ReadsMayWait()) {
      if (!read_timer) read_timer.emplace(socket->get_executor());
      read_timer->expires_at(NextTick(Clock::now(), state->options.read_interval_ms));
      co_await read_timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
      // A close meanwhile (idle timeout, server stop) fails the next read.
    }
  }
  socket->close(ec);
  timer->cancel();
  handler->OnClose(*reason);
  state->connections.fetch_sub(1);
}

asio::awaitable<void> AcceptLoop(std::shared_ptr<TcpServer::State> state) {
  while (!state->stopped) {
    boost::system::error_code ec;
    tcp::socket socket = co_await state->acceptor.async_accept(
        asio::make_strand(state->io), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (state->stopped || ec == asio::error::operation_aborted) break;
      co_await PauseAfterAcceptFailure(state->acceptor, ec, state->backoff, state->spare);
      continue;
    }
    int64_t now = SteadyNowMs();
    if (auto line = state->backoff.OnSuccess(now)) spdlog::info("{}", *line);
    if (state->connections.load() >= state->options.max_connections) {
      ++state->refused;
      if (state->cap_logged_ms == 0 || now - state->cap_logged_ms >= 10'000) {
        spdlog::warn(
            "{}: connection refused: the maximum of {} connections is reached ({} refused "
            "since the last line)",
            state->options.name, state->options.max_connections, state->refused);
        state->cap_logged_ms = now;
        state->refused = 0;
      }
      socket.close(ec);
      continue;
    }
    state->connections.fetch_add(1);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, Connection(state, std::move(socket)), asio::detached);
  }
}

}  // namespace

TcpServer::TcpServer(asio::io_context& io, ConnectionHandlerFactory factory,
                     TcpServerOptions options)
    : state_(std::make_shared<State>(io, std::move(factory), std::move(options))) {}

TcpServer::~TcpServer() { Stop(); }

Result<uint16_t> TcpServer::Listen(const std::string& address) {
  return BindAndListen(state_->acceptor, address, state_->options.name);
}

void TcpServer::Start() { asio::co_spawn(state_->io, AcceptLoop(state_), asio::detached); }

void TcpServer::Stop() {
  if (!state_ || state_->stopped.exchange(true)) return;
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
}

int64_t TcpServer::connections() const { return state_->connections.load(); }

}  // namespace liverec::net
