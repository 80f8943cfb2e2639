#include "net/listen.h"

#include <charconv>

namespace liverec::net {

Result<uint16_t> BindAndListen(boost::asio::ip::tcp::acceptor& acceptor, const std::string& address,
                               const std::string& what) {
  namespace asio = boost::asio;
  auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    return Error(ErrorCode::kInvalidConfiguration, "",
                 what + " address " + address + ": not host:port");
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const char* begin = address.data() + colon + 1;
  const char* end = address.data() + address.size();
  auto [ptr, ec_port] = std::from_chars(begin, end, port);
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(host, ec);
  if (ec || ec_port != std::errc() || ptr != end || port > 65535) {
    return Error(ErrorCode::kInvalidConfiguration, "",
                 what + " address " + address + ": must be an IP address and a port");
  }
  asio::ip::tcp::endpoint endpoint(ip, static_cast<uint16_t>(port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error(ErrorCode::kInvalidConfiguration, "",
                 "cannot listen on " + address + " (" + what + "): " + ec.message());
  }
  return acceptor.local_endpoint().port();
}

}  // namespace liverec::net
