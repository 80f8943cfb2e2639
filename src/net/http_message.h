// HTTP request and response as plain values, shared by the HTTP server and its handlers.
// No Beast types leak past the net layer.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace liverec::net {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // path and query as received ("/?a=b")
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  // When set, the body is this file, streamed from disk (GET) or only sized (HEAD).
  std::string file_path;
  std::vector<std::pair<std::string, std::string>> headers;
  // With file_path: send only `file_length` bytes from `file_offset` (a Range answer).
  uint64_t file_offset = 0;
  std::optional<uint64_t> file_length;
  // With file_path: that file as the handler opened and checked it (a descriptor, closed with the
  // last copy of the response). The net layer then sends from it and never opens file_path again,
  // so a path swapped for a link after the check cannot change what is sent.
  std::shared_ptr<const int> file_descriptor;
};

// Runs on a worker thread (it may block on disk or the database).
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace liverec::net
