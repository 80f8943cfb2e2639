// HttpClient: blocking HTTP requests over libcurl (used by the CLI now; by callbacks and S3
// later). Thread-safety: each call uses its own curl handle; safe from any thread after
// curl_global_init (done once by the first use).
#pragma once

#include <map>
#include <string>

#include "base/status.h"

namespace liverec::net {

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;
  std::map<std::string, std::string> headers;
  std::string body;
  long timeout_ms = 10'000;
  size_t max_response_bytes = 16 * 1024 * 1024;
};

struct HttpClientResponse {
  long status = 0;
  std::string body;
};

// A transport failure (refused, timeout, too large) is ServiceUnavailable with the reason; any
// HTTP status is a response.
Result<HttpClientResponse> SendHttpRequest(const HttpClientRequest& request);

}  // namespace liverec::net
