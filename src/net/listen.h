// Binding a listening socket from a "host:port" address (IPv4, or [IPv6]; port 0 = any free
// port), shared by the HTTP and TCP servers. Returns the bound port.
#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "base/status.h"

namespace liverec::net {

Result<uint16_t> BindAndListen(boost::asio::ip::tcp::acceptor& acceptor, const std::string& address,
                               const std::string& what);

}  // namespace liverec::net
