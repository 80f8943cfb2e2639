#include "net/http_request_reader.h"

#include <algorithm>
#include <cctype>

namespace liverec::net {

namespace http = boost::beast::http;

void LimitRequestParser(BeastRequestParser& parser, const HttpServerOptions& options) {
  parser.header_limit(static_cast<uint32_t>(options.max_header_bytes));
  parser.body_limit(options.max_body_bytes);
}

int BadRequestStatus(const boost::beast::error_code& error) {
  return (error == http::error::body_limit || error == http::error::header_limit) ? 413 : 400;
}

HttpRequest ToRequest(const BeastRequest& message) {
  HttpRequest out;
  out.method = std::string(message.method_string());
  out.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers[name] = std::string(field.value());
  }
  out.body = message.body();
  return out;
}

}  // namespace liverec::net
