// What both accept loops (HttpServer, TcpServer) do when an accept fails: shed one pending
// connection with the spare descriptor when out of descriptors, log as AcceptBackoff says, and
// pause on a timer before accepting again. Runs on the acceptor's executor.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include "net/accept_backoff.h"
#include "net/descriptor_limits.h"

namespace liverec::net {

boost::asio::awaitable<void> PauseAfterAcceptFailure(boost::asio::ip::tcp::acceptor& acceptor,
                                                     const boost::system::error_code& error,
                                                     AcceptBackoff& backoff,
                                                     SpareDescriptor& spare);

// Milliseconds of the steady clock, for AcceptBackoff.
int64_t SteadyNowMs();

}  // namespace liverec::net
