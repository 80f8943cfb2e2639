#include "net/http_request_reader.h"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>

namespace liverec::net {
namespace {

// Feeds `bytes` to a parser with the server's limits, as the socket would; the parse error, if any.
boost::beast::error_code Parse(std::string_view bytes, BeastRequestParser& parser,
                               const HttpServerOptions& options = {}) {
  LimitRequestParser(parser, options);
  parser.eager(true);
  boost::beast::error_code ec;
  while (!bytes.empty() && !parser.is_done()) {
    size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec == boost::beast::http::error::need_more) ec = {};
    if (ec || used == 0) break;
    bytes.remove_prefix(used);
  }
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  return ec;
}

TEST(HttpRequestReaderTest, HeaderNamesComeOutInLowerCaseWithTheLastValueOfARepeatedOne) {
  BeastRequestParser parser;
  ASSERT_FALSE(
      Parse("POST /?Action=A HTTP/1.1\r\nHost: h\r\nX-Acs-Action: one\r\n"
            "x-acs-action: two\r\nContent-Length: 3\r\n\r\na=b",
            parser));
  HttpRequest request = ToRequest(parser.get());
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/?Action=A");
  EXPECT_EQ(request.headers.at("host"), "h");
  EXPECT_EQ(request.headers.at("x-acs-action"), "two");
  EXPECT_EQ(request.body, "a=b");
}

TEST(HttpRequestReaderTest, ABodyOverTheLimitIsAnsweredWith413) {
  BeastRequestParser parser;
  HttpServerOptions options;
  options.max_body_bytes = 4;
  auto ec = Parse("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde", parser, options);
  ASSERT_TRUE(ec);
  EXPECT_EQ(BadRequestStatus(ec), 413);
}

TEST(HttpRequestReaderTest, AHeaderOverTheLimitIsAnsweredWith413AndGarbageWith400) {
  BeastRequestParser big;
  HttpServerOptions options;
  options.max_header_bytes = 64;
  auto ec = Parse("GET / HTTP/1.1\r\nX-Long: " + std::string(100, 'a') + "\r\n\r\n", big, options);
  ASSERT_TRUE(ec);
  EXPECT_EQ(BadRequestStatus(ec), 413);

  BeastRequestParser garbage;
  ec = Parse("\x01\x02 not http\r\n\r\n", garbage);
  ASSERT_TRUE(ec);
  EXPECT_EQ(BadRequestStatus(ec), 400);
}

}  // namespace
}  // namespace liverec::net
