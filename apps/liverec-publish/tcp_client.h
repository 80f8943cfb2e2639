// TcpClient: a blocking TCP connection with timed reads (POSIX sockets and poll), enough for
// one publisher per process. A future multi-connection driver would replace it with an event
// loop around the same Publisher objects. Thread-safety: none.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "base/status.h"

namespace liverec::publish {

class TcpClient {
 public:
  static Result<std::unique_ptr<TcpClient>> Connect(const std::string& host, uint16_t port);
  ~TcpClient();
  TcpClient(const TcpClient&) = delete;
  TcpClient& operator=(const TcpClient&) = delete;

  Status WriteAll(std::span<const uint8_t> bytes);
  // Waits at most `timeout_ms` for bytes; 0 means none arrived in time. The peer closing the
  // connection is an error.
  Result<size_t> ReadSome(std::span<uint8_t> buffer, int timeout_ms);
  // Sends FIN, then reads (and drops) until the peer closes or `timeout_ms` passes.
  void CloseGracefully(int timeout_ms);

 private:
  explicit TcpClient(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace liverec::publish
