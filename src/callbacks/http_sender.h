// HttpSender: how the deliverer puts a callback on the wire. An interface so delivery logic is
// tested with a scripted fake; CurlHttpSender is the real one (net::SendHttpRequest, libcurl).
// Thread-safety: CurlHttpSender may be called from any thread; each call is independent.
#pragma once

#include "net/http_client.h"

namespace liverec::callbacks {

class HttpSender {
 public:
  virtual ~HttpSender() = default;
  // A transport failure (refused, timeout) is an error; any HTTP status is a response.
  virtual Result<net::HttpClientResponse> Send(const net::HttpClientRequest& request) = 0;
};

class CurlHttpSender final : public HttpSender {
 public:
  Result<net::HttpClientResponse> Send(const net::HttpClientRequest& request) override {
    return net::SendHttpRequest(request);
  }
};

}  // namespace liverec::callbacks
