// Test support (not part of the library): a tiny HTTP/1.1 server on 127.0.0.1 (port chosen by
// the kernel) that hands every request to a handler and records it. Keep-alive, Content-Length
// bodies, `Expect: 100-continue`; a response may ask to be delayed or for the connection to be
// dropped unanswered (transport failures). Each connection is served by its own thread; every
// blocking wait is bounded. For the S3 client and store tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace liverec::storage::testing {

struct TestHttpRequest {
  std::string method;
  std::string target;                          // path and query, as sent
  std::map<std::string, std::string> headers;  // lower-case names; repeated ones joined by ", "
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct TestHttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool drop = false;            // close the connection without answering
  int delay_ms = 0;             // wait this long before answering
  int64_t content_length = -1;  // >= 0: announce this length but send no body (HEAD)
};

class TestHttpServer {
 public:
  using Handler = std::function<TestHttpResponse(const TestHttpRequest&)>;

  explicit TestHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }

  ~TestHttpServer() {
    stopping_ = true;
    accept_thread_.join();
    ::close(listen_fd_);
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

  int Port() const { return port_; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<TestHttpRequest> Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  size_t RequestCount() {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(mutex_);
      open_fds_.push_back(fd);
      threads_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  // Reads more bytes into `buffer`; false on EOF, error, stop or 10 s of silence.
  bool ReadMore(int fd, std::string& buffer) {
    for (int waited = 0; waited < 10'000 && !stopping_; waited += 50) {
      pollfd p{fd, POLLIN, 0};
      int ready = ::poll(&p, 1, 50);
      if (ready == 0) continue;
      char chunk[65536];
      ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(n));
      return true;
    }
    return false;
  }

  static void SendAll(int fd, const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  void Serve(int fd) {
    std::string buffer;
    while (!stopping_) {
      size_t end;
      while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!ReadMore(fd, buffer)) return Close(fd);
      }
      TestHttpRequest request = ParseHead(buffer.substr(0, end));
      buffer.erase(0, end + 4);
      size_t length = std::stoull("0" + request.Header("content-length"));
      if (request.Header("expect") == "100-continue") SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n");
      while (buffer.size() < length) {
        if (!ReadMore(fd, buffer)) return Close(fd);
      }
      request.body = buffer.substr(0, length);
      buffer.erase(0, length);
      TestHttpResponse response = handler_(request);
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      if (response.delay_ms > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(response.delay_ms));
      }
      if (response.drop) return Close(fd);
      SendAll(fd, Serialize(response, request.method == "HEAD"));
    }
    Close(fd);
  }

  void Close(int fd) {
    std::lock_guard lock(mutex_);
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
    ::close(fd);
  }

  static TestHttpRequest ParseHead(const std::string& head) {
    TestHttpRequest request;
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
    request.method = first.substr(0, sp1);
    request.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(pos, next - pos);
      pos = next + 2;
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      auto [it, fresh] = request.headers.emplace(name, value);
      if (!fresh) it->second += ", " + value;
    }
    return request;
  }

  static std::string Serialize(const TestHttpResponse& response, bool head) {
    std::string out = "HTTP/1.1 " + std::to_string(response.status) + " X\r\n";
    for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
    bool no_body = head || response.content_length >= 0;
    int64_t length = response.content_length >= 0 ? response.content_length
                                                  : static_cast<int64_t>(response.body.size());
    if (response.status != 204) out += "Content-Length: " + std::to_string(length) + "\r\n";
    out += "\r\n";
    if (!no_body) out += response.body;
    return out;
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mutex_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::vector<TestHttpRequest> requests_;
};

}  // namespace liverec::storage::testing
