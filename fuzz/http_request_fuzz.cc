// HTTP requests as the server handles them: the bytes of one keep-alive connection parsed by
// the server's request reader (net/http_request_reader.h: Boost.Beast's parser with the
// server's header and body limits), each request then answered by the server's Router: the
// RPC API (parameters from the query and a form body, signature V1/V3 checks, actions), the
// health, version and error-catalogue pages, the console, files of a local bucket with byte
// ranges, and watch playlists.
// Input: 2 bytes choosing the split into reads, then the connection's bytes.
// Properties: no crash, leak or undefined behaviour; a request that fails to parse is answered
// 400 or 413 and ends the connection; an answer from the bucket is a regular file inside the
// bucket's directory (never through a link planted in it); a 206 is a range within the file.
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>

#include <boost/asio/buffer.hpp>

#include "fuzz/api_fixture.h"
#include "fuzz/fuzz_support.h"
#include "net/http_request_reader.h"

using namespace liverec;
namespace http = boost::beast::http;

namespace {

fuzz::ApiFixture* fixture = nullptr;

void CheckAnswer(const net::HttpResponse& response) {
  FUZZ_CHECK(response.status >= 200 && response.status <= 599);
  if (!response.file_path.empty()) FUZZ_CHECK(response.file_descriptor != nullptr);
  if (response.file_descriptor) {
    FUZZ_CHECK(fixture->InsideBucket(*response.file_descriptor));
    struct stat st;
    FUZZ_CHECK(::fstat(*response.file_descriptor, &st) == 0);
    uint64_t size = static_cast<uint64_t>(st.st_size);
    FUZZ_CHECK(response.file_offset <= size);
    if (response.file_length) FUZZ_CHECK(*response.file_length <= size - response.file_offset);
  }
  if (response.status == 206 && !response.file_descriptor) FUZZ_CHECK(!response.body.empty());
}

std::unique_ptr<net::BeastRequestParser> NewParser(const net::HttpServerOptions& options) {
  auto parser = std::make_unique<net::BeastRequestParser>();
  net::LimitRequestParser(*parser, options);
  parser->eager(true);  // as http::async_read reads a whole message
  return parser;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietLogs();
  fixture = new fuzz::ApiFixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  fixture->Tick();
  uint32_t seed = data[0] | (data[1] << 8);
  const net::HttpServerOptions options;  // the server's limits
  auto parser = NewParser(options);
  std::string buffer;  // read, not parsed yet
  for (auto piece : fuzz::SplitPieces(std::span(data + 2, size - 2), seed, 2048)) {
    buffer.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    while (!buffer.empty()) {
      boost::beast::error_code ec;
      size_t used = parser->put(boost::asio::buffer(buffer.data(), buffer.size()), ec);
      FUZZ_CHECK(used <= buffer.size());
      buffer.erase(0, used);
      if (ec == http::error::need_more) break;
      if (ec) {
        int status = net::BadRequestStatus(ec);
        FUZZ_CHECK(status == 400 || status == 413);
        return 0;  // answered, and the connection is closed
      }
      if (!parser->is_done()) {
        if (used == 0) break;
        continue;
      }
      bool keep_alive = parser->get().keep_alive();
      CheckAnswer(fixture->router().Handle(net::ToRequest(parser->get())));
      if (!keep_alive) return 0;
      parser = NewParser(options);
    }
  }
  return 0;
}
