// How HttpServer reads a request, sans I/O: Boost.Beast's HTTP/1.1 request parser with the
// server's limits on header and body size, the status that answers a request that fails to
// parse, and the conversion to the plain HttpRequest that handlers get (header names in lower
// case; of a repeated header the last value). HttpServer reads its sockets with these; the
// fuzz target fuzz/http_request_fuzz.cc feeds them bytes. Beast types stay inside net/.
// Thread-safety: plain functions; a parser belongs to one connection.
#pragma once

#include <boost/beast/http.hpp>

#include "net/http_message.h"
#include "net/http_server.h"

namespace liverec::net {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Sets the header and body limits of `parser` (a new one per request) from `options`.
void LimitRequestParser(BeastRequestParser& parser, const HttpServerOptions& options);

// The status of the answer to a request that failed to parse with `error`: 413 for a header or
// body over its limit, else 400.
int BadRequestStatus(const boost::beast::error_code& error);

HttpRequest ToRequest(const BeastRequest& message);

}  // namespace liverec::net
