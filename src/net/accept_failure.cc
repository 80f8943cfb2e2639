#include "net/accept_failure.h"

#include <chrono>

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace liverec::net {

namespace asio = boost::asio;

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

asio::awaitable<void> PauseAfterAcceptFailure(asio::ip::tcp::acceptor& acceptor,
                                              const boost::system::error_code& error,
                                              AcceptBackoff& backoff, SpareDescriptor& spare) {
  if (IsOutOfDescriptors(error.value())) (void)spare.ShedOne(acceptor.native_handle());
  AcceptBackoff::Step step = backoff.OnFailure(SteadyNowMs(), error.message());
  if (step.log) spdlog::warn("{}", *step.log);
  asio::steady_timer timer(acceptor.get_executor(), step.pause);
  boost::system::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

}  // namespace liverec::net
