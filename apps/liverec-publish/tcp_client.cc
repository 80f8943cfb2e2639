#include "tcp_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace liverec::publish {
namespace {

Status SocketError(const std::string& what) {
  return Status(ErrorCode::kServiceUnavailable, "", what + ": " + std::strerror(errno));
}

}  // namespace

Result<std::unique_ptr<TcpClient>> TcpClient::Connect(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int error = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (error != 0) {
    return Error(ErrorCode::kServiceUnavailable, "", host + ": " + gai_strerror(error));
  }
  int fd = -1;
  for (addrinfo* address = found; address != nullptr && fd < 0; address = address->ai_next) {
    fd = socket(address->ai_family, address->ai_socktype, address->ai_protocol);
    if (fd >= 0 && connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return Error(SocketError("connect " + host + ":" + std::to_string(port)));
  return std::unique_ptr<TcpClient>(new TcpClient(fd));
}

TcpClient::~TcpClient() { close(fd_); }

Status TcpClient::WriteAll(std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    ssize_t written = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return SocketError("send");
    bytes = bytes.subspan(static_cast<size_t>(written));
  }
  return Status::Ok();
}

Result<size_t> TcpClient::ReadSome(std::span<uint8_t> buffer, int timeout_ms) {
  pollfd descriptor{fd_, POLLIN, 0};
  int ready = poll(&descriptor, 1, timeout_ms);
  if (ready < 0 && errno == EINTR) return 0;
  if (ready < 0) return Error(SocketError("poll"));
  if (ready == 0) return 0;
  ssize_t got = recv(fd_, buffer.data(), buffer.size(), 0);
  if (got < 0 && errno == EINTR) return 0;
  if (got < 0) return Error(SocketError("recv"));
  if (got == 0)
    return Error(ErrorCode::kServiceUnavailable, "", "the server closed the connection");
  return static_cast<size_t>(got);
}

void TcpClient::CloseGracefully(int timeout_ms) {
  shutdown(fd_, SHUT_WR);
  uint8_t sink[4096];
  while (true) {
    auto got = ReadSome(sink, timeout_ms);
    if (!got || *got == 0) return;
  }
}

}  // namespace liverec::publish
